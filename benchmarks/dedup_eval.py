"""Cross-document dedup against the hand grouping of tests/data/dedup (24 real articles):
pairwise precision/recall of the store's canonical events, with the pairs it got wrong or missed.

    python benchmarks/dedup_eval.py [--verbose]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventwire.core import extract  # noqa: E402
from eventwire.ingest import read_paths  # noqa: E402
from eventwire.resolve.score import pairwise  # noqa: E402
from eventwire.store import open_store  # noqa: E402

DEDUP = ROOT / "tests" / "data" / "dedup"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    documents = list(read_paths(sorted(DEDUP.glob("*.txt"))))
    store = open_store(str(Path(tempfile.mkdtemp()) / "dedup.db"))
    store.add(zip(documents, extract(documents)))
    entries = yaml.safe_load((DEDUP / "groups.yaml").read_text(encoding="utf-8"))
    rows = list(store.events())
    score = pairwise(entries, rows, {d.source: d.text for d in documents})
    multi = [e for e in entries if len({m["doc"] for m in e["mentions"]}) > 1]
    print(f"{len(documents)} articles, {len(rows)} events, {store.stats()['canonical_events']} canonical events; "
          f"hand grouping: {len(entries)} real events, {len(multi)} reported by several articles")
    print(f"pairwise (across articles): precision {score.precision:.3f} recall {score.recall:.3f} "
          f"(tp {score.tp}, fp {score.fp}, fn {score.fn}; merged pairs not in the hand grouping: {score.unverifiable})")
    if args.verbose:
        by_id = {r["id"]: r for r in rows}

        def show(i: str) -> str:
            r = by_id[i]
            return f"{r['doc_source']} {r['type']} {r['date_start']}({r['date_precision']}) {r['place']}"

        for a, b, ga, gb in score.wrong_pairs:
            print(f"  wrong: {ga} ~ {gb}: {show(a)} | {show(b)}")
        for a, b, g in score.missed_pairs:
            print(f"  missed {g}: {show(a)} | {show(b)}")


if __name__ == "__main__":
    main()

"""Precision on news with no political event: events per article on tests/data/negative
(98 real articles about disasters, accidents, disease, sport, science, markets, companies).

    python benchmarks/negative_eval.py [--verbose]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventwire.core import extract  # noqa: E402
from eventwire.ingest import read_paths  # noqa: E402

NEGATIVE = ROOT / "tests" / "data" / "negative" / "negative.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="print every event with its sentence")
    args = ap.parse_args()
    documents = list(read_paths([NEGATIVE]))
    text = {d.id: d.text for d in documents}
    n_events, deadly, types = 0, 0, Counter()
    for record in extract(documents):
        for e in record.events:
            n_events += 1
            types[e.type] += 1
            killed = e.counts.killed.value if e.counts.killed else 0
            deadly += e.type == "ASSAULT" and killed > 0
            if args.verbose:
                ev = e.evidence[0]
                print(f"{record.doc_id} {e.type} {killed or ''} | {text[record.doc_id][ev.start:ev.end][:160]!r}")
    print(f"{len(documents)} articles, {n_events} events, {n_events / len(documents):.3f} events per article; "
          f"ASSAULT with deaths: {deadly}; by type: {dict(types.most_common())}")


if __name__ == "__main__":
    main()

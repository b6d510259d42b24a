"""What each part of a stored event costs SQLite: a ladder from a bare table up to `Store.add_all`.

    python benchmarks/ingest_ladder.py --events 20000

The same synthetic events (made from real articles, as `bench_store` makes them) are written in
batches of 200 documents, a transaction each, into a new store per step; each step writes one
more part of what `add` writes. Rates are events per CPU-second of this process (SQLite works in
it), so a shared machine moves them less than wall time. Read against issue 13's 10,000 events/s
into an empty store: the step where the rate falls under it is where the target stops being a
question of `add`'s own work.
"""
from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import real_records, synthetic_records  # noqa: E402

from eventwire.store import open_store  # noqa: E402
from eventwire.store.base import WRITE_ORDER, Prepared, as_values, prepare  # noqa: E402


def batches(n_events: int, size: int = 200) -> list[list]:
    records = list(synthetic_records(real_records(), n_events, seed=1, spread_days=1800))
    return [records[i:i + size] for i in range(0, len(records), size)]


def event_values(batch: Prepared) -> tuple[list[str], list[tuple]]:
    """The batch's event rows, each its own canonical event (as a bulk load writes them)."""
    rows = []
    for r in batch.rows.values():
        for event in r["events"]:
            row = {k: v for k, v in event.items() if k != "doc_date"}
            row["canonical_id"] = batch.mentions[event["id"]][1]["id"]
            rows.append(row)
    return as_values(rows)


def timed(step: Callable[[Prepared], None], prepared: list[Prepared]) -> float:
    gc.collect()
    gc.freeze()
    cpu = 0.0
    for batch in prepared:
        c0 = time.process_time()
        step(batch)
        cpu += time.process_time() - c0
    return cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=20_000)
    args = ap.parse_args()
    print("extracting the real articles the synthetic events are made from ...", flush=True)
    raw = batches(args.events)
    prepared = [prepare(b) for b in raw]  # made once, outside every step's time
    n = sum(len(r["events"]) for p in prepared for r in p.rows.values())
    scratch = tempfile.TemporaryDirectory()  # its stores removed at the end (a gigabyte in all)
    tmp = Path(scratch.name)

    def store(name: str, secondary_indexes: bool = True):
        s = open_store(str(tmp / f"{name}.db"))
        s.db.execute("PRAGMA foreign_keys = OFF")  # the events alone: their documents are not written
        if not secondary_indexes:
            for (index,) in s.values("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' "
                                     "AND sql IS NOT NULL"):
                s.execute(f'DROP INDEX "{index}"')
        return s

    def bare() -> Callable[[Prepared], None]:
        conn = sqlite3.connect(tmp / "bare.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        columns, _ = event_values(prepared[0])
        conn.execute(f"CREATE TABLE events ({', '.join(columns)})")

        def step(batch: Prepared) -> None:
            columns, values = event_values(batch)
            conn.execute("BEGIN")
            conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(columns))})", values)
            conn.execute("COMMIT")
        return step

    def rows_only(s) -> Callable[[Prepared], None]:
        def step(batch: Prepared) -> None:
            columns, values = event_values(batch)
            with s.transaction():
                s.db.conn.executemany(f"INSERT INTO events ({', '.join(columns)}) VALUES "
                                      f"({', '.join('?' * len(columns))})", values)
        return step

    def with_text(s, children: bool, canonical: bool = False) -> Callable[[Prepared], None]:
        if children:
            s.db.execute("PRAGMA foreign_keys = ON")

        def step(batch: Prepared) -> None:
            with s.transaction():
                if children:
                    s.insert("documents", [r["documents"][0] for r in batch.rows.values()])
                s.insert_values("events", *event_values(batch))
                if children:
                    for t in WRITE_ORDER[2:]:
                        if t in batch.values:
                            s.insert_values(t, *batch.values[t])
                if canonical:
                    s.insert("canonical_events", [c for _, c in batch.mentions.values()])
        return step

    fold: list[float] = []

    def add_all(s) -> Callable[[Prepared], None]:
        s.db.execute("PRAGMA foreign_keys = ON")

        def step(batch: Prepared) -> None:
            s.add(batch)
            if batch is prepared[-1]:  # as `add_all` does at its end
                c0 = time.process_time()
                s.fold_word_totals()
                fold.append(time.process_time() - c0)
        return step

    steps = [
        ("bare table: no key, no index", bare),
        ("events: key only", lambda: rows_only(store("key", secondary_indexes=False))),
        ("events: key and their 8 indexes", lambda: rows_only(store("indexes"))),
        ("+ their full-text index, narrow rows, texts by date", lambda: with_text(store("text"), children=False)),
        ("+ documents (full text), actors, places, times", lambda: with_text(store("children"), children=True)),
        ("+ canonical events, one an event", lambda: with_text(store("canonical"), children=True, canonical=True)),
        ("Store.add: + dedup, summaries, actor sets, words' fold", lambda: add_all(store("add"))),
    ]
    print(f"\n{n:,} events in {len(prepared)} batches; events per CPU-second of this process:")
    for name, make in steps:
        cpu = timed(make(), prepared)
        print(f"  {name:55s} {n / cpu:>9,.0f}  ({cpu:5.1f} CPU-s)", flush=True)
    print(f"  (of `add`'s, the words' fold at the end: {sum(fold):.1f} CPU-s)")
    scratch.cleanup()


if __name__ == "__main__":
    main()

"""Store benchmark: ingest events/s into SQLite and PostgreSQL, and the latency of a filtered
page at scale, side by side with a baseline (plain executemany of the same event rows into a
bare table: what the database alone costs).

    python benchmarks/bench_store.py --events 20000 --scale 1000000 \
        --pg postgresql://eventwire:eventwire@127.0.0.1:5432/postgres

Targets (issue 13): >= 10,000 events/s into an empty store, >= 5,000 events/s into a store of
10M events; p95 <= 50 ms for a filtered page. `--bulk-fill` fills the large store by bulk insert
(as bench_api does) and groups it once (`Store.regroup`), so that `add` is timed on top of a store
grouped as `add` groups, without hours of filling. A store filled through `add` itself is
measured with `--ingest-into URL`.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import real_records, synthetic_records  # noqa: E402

from eventwire.store import EventQuery, open_store  # noqa: E402
from eventwire.store.rows import document_rows  # noqa: E402


def _batches(items, size):
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class Rate(NamedTuple):
    """An ingest's events, wall seconds and seconds of this process's CPU (the machine may be
    shared: SQLite works in this process; PostgreSQL's server does not)."""

    events: int
    seconds: float
    cpu: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds

    def __str__(self) -> str:
        return (f"{self.per_second:>10,.0f} events/s, {self.events / self.cpu:,.0f} per CPU-second of this process "
                f"({self.events:,} events, {self.cpu:,.1f} CPU-s in {self.seconds:,.1f} s)")


def ingest(url: str, base, n_events: int, seed: int, batch: int = 200, spread: int = 1800) -> Rate:
    """Events through `Store.add_all` (as `eventwire run` writes: each batch's rows made in a
    thread while the batch before is written), timed."""
    store = open_store(url)
    elapsed = cpu = 0.0
    done = 0
    # only the store's work is timed: the synthetic copies are made first, 50 batches at a time,
    # and kept out of the collector's sight (`eventwire run` holds the batch at hand, the rest
    # frozen by `load_nlp`): walked by its every full collection, 10,000 documents' models cost
    # `add_all` 0.8 of 7.8 CPU-s per 20,000 events (reference counting frees them as before)
    copies = _batches(synthetic_records(base, n_events, seed=seed, spread_days=spread), batch)
    while group := list(islice(copies, 50)):
        gc.freeze()
        t0, c0 = time.perf_counter(), time.process_time()
        done += sum(r.events for r in store.add_all(group))
        elapsed += time.perf_counter() - t0
        cpu += time.process_time() - c0
    if not done:
        raise SystemExit("bench_store: no events stored (--events 0?)")
    store.close()
    return Rate(done, elapsed, cpu)


def baseline(base, n_events: int) -> float:
    """The same event rows with one executemany into a bare SQLite table (no indexes, no
    dedup, no child tables)."""
    import sqlite3

    rows = []
    for document, record in synthetic_records(base, n_events, seed=99):
        rows += [tuple(r.values()) for r in document_rows(document, record, "x")["events"]]
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE e ({', '.join(f'c{i}' for i in range(len(rows[0])))})")
    t0 = time.perf_counter()
    with conn:
        conn.executemany(f"INSERT INTO e VALUES ({', '.join('?' * len(rows[0]))})", rows)
    return len(rows) / (time.perf_counter() - t0)


QUERIES = {
    "newest page": EventQuery(),
    "type+country": EventQuery(type=["ASSAULT"], country=["UA"]),
    "date range": EventQuery(since="2021-01-01", until="2021-03-31"),
    "bbox": EventQuery(bbox=(30.0, 45.0, 40.0, 52.0)),
    "text": EventQuery(text="killed"),
}


def latency(url: str, repeat: int = 30) -> dict[str, tuple[float, float]]:
    store = open_store(url)
    out = {}
    for name, q in QUERIES.items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            store.page(q, limit=50)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=20_000, help="events to ingest for the ingest rate")
    ap.add_argument("--scale", type=int, default=0, help="events in the store for the latency test (0: skip)")
    ap.add_argument("--bulk-fill", action="store_true",
                    help="fill to --scale by bulk insert (bench_api.fill: no dedup), then measure `add` on top")
    ap.add_argument("--pg", help="PostgreSQL admin URL (a scratch database is created and dropped)")
    ap.add_argument("--latency-of", metavar="URL", action="append", default=[],
                    help="only measure page latency on this existing store (repeatable)")
    ap.add_argument("--ingest-into", metavar="URL", action="append", default=[],
                    help="only time `add` of --events events (and a week's news) on top of this existing store, "
                         "e.g. one filled through `add` itself; it is changed (repeatable)")
    ap.add_argument("--seed", type=int, default=4, help="synthetic events of --ingest-into (another seed: other events)")
    args = ap.parse_args()
    if args.ingest_into:
        print("extracting the real articles the synthetic events are made from ...", flush=True)
        base = real_records()
        for url in args.ingest_into:
            store = open_store(url, create=False)
            print(f"{store.url}: {store.stats()['events']:,} events")
            store.close()
            print(f"  more events through `add` (dedup included): {ingest(url, base, args.events, seed=args.seed)}",
                  flush=True)
            news = ingest(url, base, 2000, seed=args.seed + 1000, spread=3)
            print(f"  one week's news (dated within 3 days of each other): {news}")
        return
    if args.latency_of:
        for url in args.latency_of:
            store = open_store(url, create=False)
            print(f"{store.url}: {store.stats()['events']:,} events; page of 50, ms:")
            store.close()
            for q, (p50, p95) in latency(url).items():
                print(f"  {q:20s} p50 {p50:8.1f}  p95 {p95:8.1f}")
        return

    print("extracting the real articles the synthetic events are made from ...", flush=True)
    base = real_records()
    print(f"  {len(base)} articles, {sum(len(r.events) for _, r in base)} events")
    with ExitStack() as stack:
        # removed at the end: a 20,000-event store is some 200 MB, a filled one gigabytes
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        targets = {"sqlite": str(tmp / "bench.db")}
        if args.pg:
            from eventwire.store.postgres import scratch_database

            targets["postgresql"] = stack.enter_context(scratch_database(args.pg, "ew_bench"))
        print(f"\ningest of {args.events:,} events (batches of 200 documents' events, dedup included)")
        print(f"  {'baseline: bare executemany, SQLite':40s} {baseline(base, args.events):>10,.0f} events/s")
        for name, url in targets.items():
            print(f"  {'eventwire ' + name:40s} {ingest(url, base, args.events, seed=1)}", flush=True)
        if args.scale:
            for name, url in targets.items():
                have = open_store(url).stats()["events"]
                t0 = time.perf_counter()
                if args.bulk_fill:
                    from bench_api import fill

                    n = args.scale - have
                    rate = fill(url, n, base=base, seed=2)
                else:
                    filled = ingest(url, base, args.scale - have, seed=2, batch=1000)
                    rate, n = filled.per_second, filled.events
                print(f"\n{name}: filled to {have + n:,} events in {time.perf_counter() - t0:,.0f} s "
                      f"({rate:,.0f} events/s)")
                print(f"  then more events through `add` (dedup included): {ingest(url, base, args.events, seed=4)}")
                news = ingest(url, base, 2000, seed=3, spread=3)
                print(f"  then one week's news (dated within 3 days of each other): {news}")
                print("  page of 50, ms:")
                for q, (p50, p95) in latency(url).items():
                    print(f"  {q:20s} p50 {p50:8.1f}  p95 {p95:8.1f}")


if __name__ == "__main__":
    main()

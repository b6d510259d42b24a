"""Web API latency at scale: p50/p95 of every read endpoint the page and the API serve, over HTTP
(uvicorn on a loopback port, httpx client), on a store of N synthetic events; the app's
cache of aggregates is off, so every request reaches the database.

The store is filled in bulk: the real articles are extracted once, copied with perturbed dates
and places (`synthetic.synthetic_records`), flattened to rows and written with `store.insert`
(no extraction, no dedup: each event its own canonical event). Places and times mention tables are left empty: no endpoint here
reads them.

    python benchmarks/bench_api.py --events 1000000 --db /tmp/bench-api.db
    python benchmarks/bench_api.py --events 1000000 --db /tmp/bench-api.db --reuse   # measure again

Target: p95 <= 50 ms for every endpoint at 10M events (aggregates and facets read the summary
tables `add` keeps per batch).
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import real_records, synthetic_records  # noqa: E402

from eventwire.resolve.dedup import Mention, canonical_event  # noqa: E402
from eventwire.store import document_hash, open_store  # noqa: E402
from eventwire.store.rows import document_rows  # noqa: E402

TABLES = ("documents", "canonical_events", "events", "actors")
# Every read the page makes (and the API's other reads); a value None is taken from the first
# page of ASSAULT events (`first`): its next cursor, an event's id, its document's hash.
REQUESTS = {
    "list: newest page": ("/api/events", {"limit": 50}),
    "list: type+country": ("/api/events", {"type": "ASSAULT", "country": "UA", "limit": 50}),
    "list: type+country+dates": ("/api/events", {"type": "ASSAULT", "country": "UA", "since": "2022-03-01",
                                                 "until": "2022-05-31", "limit": 50}),
    "list: bbox": ("/api/events", {"bbox": "30,45,40,52", "limit": 50}),
    "list: text": ("/api/events", {"q": "shelling", "limit": 50}),
    "list: rare text": ("/api/events", {"q": "drone", "limit": 50}),
    "list: admin1 (none match)": ("/api/events", {"admin1": "Kharkiv Oblast", "limit": 50}),
    "list: mode": ("/api/events", {"mode": "firearms", "limit": 50}),
    "list: claim status": ("/api/events", {"claim_status": "claimed", "limit": 50}),
    "list: actor": ("/api/events", {"actor": "police", "limit": 50}),
    "list: dates": ("/api/events", {"since": "2021-01-01", "until": "2021-01-31", "limit": 50}),
    "list: not reviewed": ("/api/events", {"reviewed": "false", "limit": 50}),
    "list: reviewed": ("/api/events", {"reviewed": "true", "limit": 50}),
    "list: page 2 (cursor)": ("/api/events", {"type": "ASSAULT", "limit": 50, "cursor": None}),
    "list: 500 events": ("/api/events", {"limit": 500}),
    "event detail": ("/api/events/{event}", {}),
    "document of an event": ("/api/documents/{doc}", {"event": None}),
    "reviews": ("/api/reviews", {}),
    "aggregates: filtered": ("/api/aggregates", {"country": "UA", "since": "2022-03-01", "until": "2022-05-31"}),
    "aggregates: type+country": ("/api/aggregates", {"type": "ASSAULT", "country": "UA"}),
    "aggregates: everything": ("/api/aggregates", {}),
    "aggregates: text": ("/api/aggregates", {"q": "shelling"}),
    "aggregates: actor": ("/api/aggregates", {"actor": "police"}),
    "points: type+country": ("/api/points", {"type": "ASSAULT", "country": "UA"}),
    "points: everything": ("/api/points", {}),
    "points: dates": ("/api/points", {"since": "2022-03-01", "until": "2022-05-31"}),
    "points: text": ("/api/points", {"q": "shelling"}),
    "facets": ("/api/facets", {}),
    "places": ("/api/places", {"q": "Kharkiv"}),
    "export.csv: 500 of a type": ("/api/export.csv", {"type": "ASSAULT", "limit": 500}),
    "export.geojson: 500 of a type": ("/api/export.geojson", {"type": "ASSAULT", "limit": 500}),
}


def secondary_indexes(store, tables) -> dict[str, str]:
    """The CREATE statement of each index of `tables` other than their keys' own (and, on
    PostgreSQL, the GIN full-text index), by name."""
    among = f"IN ({', '.join('?' * len(tables))})"
    if hasattr(store, "conn"):  # PostgreSQL
        sql = ("SELECT indexname AS name, indexdef AS sql FROM pg_indexes i WHERE schemaname = current_schema() "
               f"AND tablename {among} AND indexdef NOT ILIKE '% USING gin %' "
               "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")
    else:  # SQLite: the index of a key or a unique constraint has no sql
        sql = f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name {among}"
    return {r["name"]: r["sql"] for r in store.query(sql, list(tables))}


@contextmanager
def indexes_dropped(store, tables):
    """Drop the secondary indexes of `tables` for a bulk load and make them again after it.
    Every insert updates every index at a random place: once the indexes outgrow the cache
    each event costs page reads (600k events: 2,700 events/s and falling), where building an
    index afterwards sorts its rows once. Keys and full-text indexes stay."""
    made = secondary_indexes(store, tables)
    for name in made:
        store.execute(f'DROP INDEX "{name}"')
    try:
        yield made
    finally:
        for name, sql in made.items():
            t0 = time.perf_counter()
            store.execute(sql)
            print(f"  index {name} made again in {time.perf_counter() - t0:,.0f} s", flush=True)


def fill(url: str, n_events: int, batch_events: int = 20_000, base=None, seed: int = 7) -> float:
    """Bulk-insert `n_events` synthetic events and group them (`Store.regroup`); returns events
    per second (grouping, indexes, tallies and statistics included). A fill at least as large
    as the store drops the tables' secondary indexes while it inserts (`indexes_dropped`)."""
    if base is None:
        print("extracting the real articles the synthetic events are made from ...", flush=True)
        base = real_records()
        print(f"  {len(base)} articles, {sum(len(r.events) for _, r in base)} events", flush=True)
    t0 = time.perf_counter()
    store = open_store(url)
    bulk = n_events >= store.stats()["events"]
    if not hasattr(store, "conn"):
        store.execute("PRAGMA cache_size = -1048576")  # 1 GB: the keys' indexes (hashes) take random inserts
    with indexes_dropped(store, TABLES) if bulk else nullcontext():
        made = _insert(store, n_events, batch_events, base, seed)
    t1 = time.perf_counter()
    # grouped as `add` would have grouped them (a store of groups `add` never makes would send
    # a later `add` regrouping far beyond what it touches)
    store.regroup()
    print(f"  grouped in {time.perf_counter() - t1:,.0f} s", flush=True)
    t1 = time.perf_counter()
    # the summary tables `add` keeps per batch, counted once after the bulk load (the actor sets
    # were kept as the rows were written: counting them again read every actor at random)
    store.retally(actor_sets=False)
    store.execute("ANALYZE")  # planner statistics, as a long-lived store would have
    store.close()
    print(f"  tallies and statistics in {time.perf_counter() - t1:,.0f} s", flush=True)
    return made / (time.perf_counter() - t0)


def _insert(store, n_events: int, batch_events: int, base, seed: int) -> int:
    pending: dict[str, list[dict]] = {t: [] for t in TABLES}
    made, t0 = 0, time.perf_counter()

    sets: dict[str, tuple[str, ...]] = {}

    def flush() -> None:
        with store.transaction():
            for t in TABLES:
                if pending[t]:
                    store.insert(t, pending[t])
                    pending[t] = []
            store.keep_actor_sets(sets)
            sets.clear()

    for document, record in synthetic_records(base, n_events, seed=seed):
        rows = document_rows(document, record, document_hash(document))  # events under their store ids
        # each event its own canonical event, until `Store.regroup` groups them once filled
        rows["canonical_events"] = []
        for event in rows["events"]:
            rows["canonical_events"].append(canonical_event([Mention.from_row({**event, "doc_date": record.date})]))
            event["canonical_id"] = rows["canonical_events"][-1]["id"]
        for t in TABLES:
            pending[t] += rows[t]
        sets.update(rows["actor_sets"])
        made += len(rows["events"])
        if len(pending["events"]) >= batch_events:
            flush()
            rate = made / (time.perf_counter() - t0)
            print(f"\r  {made:,} events ({rate:,.0f}/s)", end="", flush=True)
    flush()
    print()
    return made


def serve(url: str):
    import uvicorn

    from eventwire.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(url, api_token="", read_token="", cache_seconds=0), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def measure(base_url: str, repeat: int, only: list[str] = ()) -> None:
    import httpx

    with httpx.Client(base_url=base_url, timeout=120) as client:
        first = client.get("/api/events", params={"type": "ASSAULT", "limit": 50}).json()
        event = first["events"][0]
        taken = {"cursor": first["next_cursor"], "event": event["id"]}
        # the CPU this process spent per request (server and client): what the request costs
        # when the machine's other jobs make the wall time wait for a core
        print(f"{'request':30s} {'p50 ms':>8s} {'p95 ms':>8s} {'cpu p50':>8s}  result")
        for name, (path, params) in REQUESTS.items():
            if only and not any(o in name for o in only):
                continue
            path = path.format(event=event["id"], doc=event["doc_hash"])
            params = {k: taken[k] if v is None else v for k, v in params.items()}
            client.get(path, params=params)  # warm
            times, cpu, r = [], [], None
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                r = client.get(path, params=params)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                assert r.status_code == 200, r.text
            times.sort()
            p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
            print(f"{name:30s} {p50:8.1f} {p95:8.1f} {statistics.median(cpu):8.1f}  {_what(r)}", flush=True)


def _what(r) -> str:
    """What a response held, to see that a faster answer is the same size."""
    if not r.headers["content-type"].startswith("application/json"):
        return f"{len(r.content):,} bytes"
    body = r.json()
    for key, label in (("events", "events"), ("points", "points"), ("sources", "sources"), ("reviews", "reviews"),
                       ("places", "places"), ("type", "types")):
        if key in body:
            return f"{len(body[key]):,} {label}"
    return f"{body['total']:,} events counted" if "total" in body else f"{len(r.content):,} bytes"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000, help="events in the store")
    ap.add_argument("--db", default="/tmp/eventwire-bench-api.db", help="SQLite path or postgresql:// URL")
    ap.add_argument("--reuse", action="store_true", help="measure the store as it is (fill only when empty)")
    ap.add_argument("--repeat", type=int, default=40, help="requests per endpoint")
    ap.add_argument("--only", action="append", default=[], help="requests whose name holds this (repeatable)")
    args = ap.parse_args()

    store = open_store(args.db)
    have = store.stats()["events"]
    store.close()
    if have and not args.reuse:
        sys.exit(f"{args.db} already holds {have:,} events: pass --reuse, or another --db")
    if not have:
        t0 = time.perf_counter()
        rate = fill(args.db, args.events)
        print(f"filled {args.db} in {time.perf_counter() - t0:,.0f} s ({rate:,.0f} events/s)")
    store = open_store(args.db)
    print(f"store: {store.stats()['events']:,} events, {store.stats()['documents']:,} documents ({args.db})")
    store.close()
    server, thread, base_url = serve(args.db)
    try:
        measure(base_url, args.repeat, args.only)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    main()

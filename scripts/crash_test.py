#!/usr/bin/env python3
"""Crash safety of `eventwire run`: kill it with SIGKILL at random moments, check the store,
re-run, and compare with an uninterrupted run.

For each store kind (SQLite, PostgreSQL) an uninterrupted run over a small corpus (the
articles of tests/data) gives the reference. Each trial starts from an empty store and runs
`eventwire run` on the same corpus, killing it (SIGKILL, the whole process group) at a random
point: once a random number of the documents left are committed, then a random fraction of a
second later. After `--kills-per-trial` kills one run is let finish. After every kill:

- the store is sound: SQLite `integrity_check` and `foreign_key_check`, and on both no row
  whose parent is missing and no event outside a canonical event;
- no document holds part of its events: every stored document has exactly the events,
  actors, places and times rows the reference stored for it;

and finally lets one run finish: its documents, events and canonical events must equal the
reference's, row for row (nothing missing, nothing doubled).

    python scripts/crash_test.py                     # 24 kills: 12 on SQLite, 12 on PostgreSQL
    python scripts/crash_test.py --kills 6 --store sqlite --json

PostgreSQL: `--pg` (default $EVENTWIRE_TEST_PG or the test server) is an admin URL; each trial
gets its own database, dropped afterwards. Exit status 1 when any check failed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's eventwire

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [*sorted((ROOT / "tests" / "data").glob("*.txt")), ROOT / "tests" / "data" / "wikinews-5.jsonl"]
PG_ADMIN = os.environ.get("EVENTWIRE_TEST_PG", "postgresql://eventwire:eventwire@127.0.0.1:5432/postgres")
# rows of each document, by table (children reach their document through their event)
PER_DOCUMENT = {
    "events": "SELECT doc_hash AS h, count(*) AS n FROM events GROUP BY doc_hash",
    "places": "SELECT doc_hash AS h, count(*) AS n FROM places GROUP BY doc_hash",
    "times": "SELECT doc_hash AS h, count(*) AS n FROM times GROUP BY doc_hash",
    "actors": "SELECT e.doc_hash AS h, count(*) AS n FROM actors a JOIN events e ON e.id = a.event_id GROUP BY e.doc_hash",
}
ORPHANS = {
    "events without their document": "SELECT count(*) AS n FROM events e LEFT JOIN documents d ON d.hash = e.doc_hash "
                                      "WHERE d.hash IS NULL",
    "actors without their event": "SELECT count(*) AS n FROM actors a LEFT JOIN events e ON e.id = a.event_id "
                                  "WHERE e.id IS NULL",
    "places without their document": "SELECT count(*) AS n FROM places p LEFT JOIN documents d ON d.hash = p.doc_hash "
                                     "WHERE d.hash IS NULL",
    "times without their document": "SELECT count(*) AS n FROM times t LEFT JOIN documents d ON d.hash = t.doc_hash "
                                    "WHERE d.hash IS NULL",
    "events outside a canonical event": "SELECT count(*) AS n FROM events e LEFT JOIN canonical_events c "
                                        "ON c.id = e.canonical_id WHERE c.id IS NULL",
    "canonical events without members": "SELECT count(*) AS n FROM canonical_events c WHERE NOT EXISTS "
                                        "(SELECT 1 FROM events e WHERE e.canonical_id = c.id)",
    "documents whose n_events is not their events": "SELECT count(*) AS n FROM documents d WHERE d.n_events <> "
                                                     "(SELECT count(*) FROM events e WHERE e.doc_hash = d.hash)",
}


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def run_command(url: str, corpus: list[Path]) -> list[str]:
    # one document per transaction: the most commits, so the most moments to be killed between
    return [sys.executable, "-m", "eventwire.cli", "run", *map(str, corpus), "--db", url, "--batch-size", "1"]


class Stores:
    """Fresh stores of one kind, removed afterwards."""

    def __init__(self, kind: str, pg_admin: str = PG_ADMIN) -> None:
        self.kind, self.pg_admin = kind, pg_admin
        self.tmp = tempfile.TemporaryDirectory(prefix="eventwire-crash-")
        self.databases = ExitStack()

    def new(self) -> str:
        if self.kind == "sqlite":
            return str(Path(self.tmp.name) / f"{uuid.uuid4().hex[:8]}.db")
        from eventwire.store.postgres import scratch_database

        return self.databases.enter_context(scratch_database(self.pg_admin, "ew_crash"))

    def close(self) -> None:
        self.databases.close()
        self.tmp.cleanup()


def _stored_documents(url: str) -> int:
    """Documents committed so far (0 while the store is still being made); a light query, as
    this is polled while the run works."""
    try:
        if url.startswith("postgresql"):
            import psycopg

            with psycopg.connect(url, connect_timeout=5) as conn:
                return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        import sqlite3

        if not Path(url).is_file():
            return 0
        conn = sqlite3.connect(f"file:{url}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - no table yet, or the file is being made
        return 0


def reference_run(url: str, corpus: list[Path], nlp=None) -> dict:
    """The snapshot of an uninterrupted run (in this process: the same library `run` calls)."""
    from eventwire.core import run
    from eventwire.ingest import read_paths
    from eventwire.nlp import load_nlp
    from eventwire.store import open_store

    with open_store(url) as store:
        run(list(read_paths(corpus)), store, nlp=nlp or load_nlp(), batch_size=1)
    return snapshot(url)


def snapshot(url: str) -> dict:
    """What a finished run must reproduce: documents, events and canonical events, row by row."""
    from eventwire.store import open_store

    with open_store(url, create=False) as store:
        return {
            "documents": sorted((r["hash"], r["n_events"]) for r in store.query("SELECT hash, n_events FROM documents")),
            "events": sorted((r["id"], r["canonical_id"]) for r in store.query("SELECT id, canonical_id FROM events")),
            # as the store reads them back (booleans as booleans on both backends)
            "canonical_events": sorted(json.dumps(r, sort_keys=True, default=str) for r in store.canonical_events()),
            "per_document": per_document(store),
        }


def per_document(store) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {h["hash"]: {t: 0 for t in PER_DOCUMENT}
                                      for h in store.query("SELECT hash FROM documents")}
    for table, sql in PER_DOCUMENT.items():
        for r in store.query(sql):
            out.setdefault(r["h"], {t: 0 for t in PER_DOCUMENT})[table] = r["n"]
    return out


def check(url: str, reference: dict) -> list[str]:
    """Problems of a store left by a killed run (empty: none)."""
    from eventwire.store import StoreError, open_store

    try:
        store = open_store(url, create=False)
    except StoreError as exc:
        if "no such store" in str(exc):
            return []  # killed before it made the file: nothing to check
        return [f"store does not open: {exc}"]
    problems = []
    with store:
        if not store.has_table("canonical_events"):
            return []  # killed while making the tables (each migration is one transaction)
        if not url.startswith("postgresql"):
            ok = store.query("PRAGMA integrity_check")[0]["integrity_check"]
            if ok != "ok":
                problems.append(f"integrity_check: {ok}")
            if store.query("PRAGMA foreign_key_check"):
                problems.append("foreign_key_check: rows whose parent is missing")
        for what, sql in ORPHANS.items():
            n = store.query(sql)[0]["n"]
            if n:
                problems.append(f"{n} {what}")
        for h, counts in per_document(store).items():
            if counts != reference["per_document"].get(h):
                problems.append(f"document {h} holds {counts}, an uninterrupted run {reference['per_document'].get(h)}")
    return problems


def differences(got: dict, want: dict) -> list[str]:
    out = []
    for key in ("documents", "events", "canonical_events"):
        missing, extra = set(want[key]) - set(got[key]), set(got[key]) - set(want[key])
        if missing or extra or len(got[key]) != len(want[key]):
            out.append(f"{key}: {len(missing)} missing, {len(extra)} unexpected, {len(got[key])} rows "
                       f"for {len(want[key])}")
    return out


def kill_and_check(url: str, corpus: list[Path], reference: dict, rng: random.Random) -> dict:
    """Start a run and SIGKILL it at a random point of what is left to store: once a random
    number of the remaining documents are committed, then a random fraction of a second later
    (inside the next document's extraction or commit). The store's problems after it."""
    stored = _stored_documents(url)
    target = rng.randint(stored, len(reference["documents"]) - 1)
    extra = rng.uniform(0, 1.5)
    proc = subprocess.Popen(run_command(url, corpus), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    started = time.monotonic()
    while proc.poll() is None and _stored_documents(url) < target:
        time.sleep(0.02)
    try:
        proc.wait(timeout=extra)
        killed = False  # finished first
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = True
    return {"after_seconds": round(time.monotonic() - started, 2), "killed": killed,
            "documents_before": stored, "documents_stored": _stored_documents(url),
            "problems": check(url, reference)}


def trials(kind: str, kills: int, kills_per_trial: int, rng: random.Random, corpus: list[Path] = CORPUS,
           pg_admin: str = PG_ADMIN, log=lambda line: None, nlp=None) -> dict:
    """`kills` SIGKILLs of `eventwire run` on stores of one kind, in trials of a few kills
    each followed by a run to the end; the outcome of every kill and trial."""
    stores = Stores(kind, pg_admin)
    try:
        reference = reference_run(stores.new(), corpus, nlp)
        log(f"{kind}: uninterrupted run: {len(reference['documents'])} documents, {len(reference['events'])} events, "
            f"{len(reference['canonical_events'])} canonical events")
        out = {"store": kind, "documents": len(reference["documents"]),
               "events": len(reference["events"]), "canonical_events": len(reference["canonical_events"]),
               "kills": 0, "kills_with_problems": 0, "trials": []}
        while out["kills"] < kills:
            url = stores.new()
            trial = {"kills": [], "final": None}
            while len(trial["kills"]) < kills_per_trial and out["kills"] < kills and \
                    _stored_documents(url) < len(reference["documents"]):
                outcome = kill_and_check(url, corpus, reference, rng)
                trial["kills"].append(outcome)
                if outcome["killed"]:
                    out["kills"] += 1
                    out["kills_with_problems"] += bool(outcome["problems"])
                log(f"{kind}: {'killed' if outcome['killed'] else 'finished'} after {outcome['after_seconds']} s, "
                    f"documents stored {outcome['documents_before']} -> {outcome['documents_stored']}, "
                    f"{'; '.join(outcome['problems']) or 'store sound, no partial document'}")
            done = subprocess.run(run_command(url, corpus), env=_env(), capture_output=True, text=True)
            problems = ([f"re-run failed: {done.stderr.strip()}"] if done.returncode else []) + \
                check(url, reference) + differences(snapshot(url), reference)
            trial["final"] = problems
            log(f"{kind}: re-run to the end: {'; '.join(problems) or 'same as the uninterrupted run'}")
            out["trials"].append(trial)
        out["trials_converged"] = sum(not t["final"] for t in out["trials"])
        return out
    finally:
        stores.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=12, help="SIGKILLs per store kind (default 12)")
    ap.add_argument("--kills-per-trial", type=int, default=3, help="kills before a run is let finish (default 3)")
    ap.add_argument("--store", action="append", choices=("sqlite", "postgresql"),
                    help="store kinds (repeatable; default both)")
    ap.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL admin URL (a database per trial is made there)")
    ap.add_argument("--seed", type=int, default=None, help="random seed of the kill delays")
    ap.add_argument("--json", action="store_true", help="print the outcome as JSON")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    log = (lambda line: print(line, file=sys.stderr, flush=True))
    log(f"crash-test: seed {seed}, corpus {len(CORPUS)} files")
    from eventwire.nlp import load_nlp

    nlp = load_nlp()
    results = [trials(kind, args.kills, args.kills_per_trial, rng, pg_admin=args.pg, log=log, nlp=nlp)
               for kind in args.store or ("sqlite", "postgresql")]
    failed = sum(r["kills_with_problems"] + len(r["trials"]) - r["trials_converged"] for r in results)
    if args.json:
        print(json.dumps({"seed": seed, "results": results}, indent=1))
    for r in results:
        print(f"{r['store']}: {r['kills']} kills, {r['kills_with_problems']} left a problem; "
              f"{r['trials_converged']} of {len(r['trials'])} re-runs equal to the uninterrupted run "
              f"({r['documents']} documents, {r['events']} events, {r['canonical_events']} canonical events)",
              file=sys.stderr if args.json else sys.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

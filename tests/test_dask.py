"""`run` on a real Dask cluster stores what a single process stores: on a LocalCluster of
worker processes, on a scheduler and a worker started as separate processes (`dask scheduler`,
`dask worker`, as on a cluster), and across a client killed with SIGKILL and started again."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwire.core import run
from eventwire.ingest import read_paths
from eventwire.store import open_store

from .conftest import DATA, free_port

ROOT = Path(__file__).resolve().parent.parent
BACKLOG = DATA / ".backlog" / "backlog.jsonl"  # 24 short real articles
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


def _canonical(store) -> list[tuple]:
    return sorted((r["id"], r["type"], r["date_start"], r["place"], r["killed"]) for r in store.canonical_events())


ROWS = {"documents": "SELECT hash, doc_id, extractor_version FROM documents",
        "events": "SELECT id, doc_hash, type, date_start, canonical_id FROM events",
        "actors": "SELECT event_id, role, seq, name FROM actors",
        "canonical": "SELECT id, type, date_start FROM canonical_events"}


def _rows(url) -> dict[str, list]:
    """Per table, every stored row that a second copy of a document would double."""
    with open_store(str(url)) as store:
        return {table: sorted(tuple(r.values()) for r in store.query(sql)) for table, sql in ROWS.items()}


def test_workers_extract_what_one_process_extracts(client, tmp_path, nlp):
    paths = sorted(DATA.glob("*.txt")) + [DATA / "missing.txt"]
    errors: list = []
    distributed = open_store(str(tmp_path / "dask.db"))
    summary = run(read_paths(paths), distributed, batch_size=1, client=client, on_error=errors.append)
    local = open_store(str(tmp_path / "local.db"))
    expected = run(read_paths(paths), local, nlp=nlp, on_error=lambda e: None)
    assert (summary.new, summary.events, len(summary.failed)) == (expected.new, expected.events, 1)
    assert "missing.txt" in str(errors[0])
    assert _canonical(distributed) == _canonical(local)
    again = run(read_paths(paths), distributed, batch_size=1, client=client, on_error=lambda e: None)
    assert again.new == 0 and again.unchanged == expected.new


def test_each_worker_loads_the_pipeline_once(client, tmp_path):
    from eventwire.scale import PLUGIN

    store = open_store(str(tmp_path / "e.db"))
    run(read_paths([BACKLOG]), store, batch_size=2, client=client)
    run(read_paths([DATA / "wikinews-5.jsonl"]), store, batch_size=2, client=client)

    def loads(dask_worker) -> tuple:
        from eventwire.nlp import load_nlp

        return dask_worker.plugins[PLUGIN].nlp is load_nlp(), load_nlp.cache_info().misses

    assert sorted(client.run(loads).values()) == [(True, 1), (True, 1)]


def test_input_is_read_lazily_with_a_bounded_number_of_partitions_in_flight(client, tmp_path):
    pulled: list[int] = []
    seen_at_store: list[int] = []

    def backlog():
        for item in read_paths([BACKLOG]):
            pulled.append(1)
            yield item

    store = open_store(str(tmp_path / "e.db"))
    summary = run(backlog(), store, batch_size=2, client=client, on_document=lambda n: seen_at_store.append(len(pulled)))
    # two workers: at most 2 partitions each in flight, and the one being formed
    assert summary.new == len(pulled) == 24 and seen_at_store[0] <= (2 * 2 + 1) * 2


# ---------------------------------------------------------------- separate processes
@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """`dask scheduler` and one `dask worker`, each its own process, as a user starts them."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    address = f"tcp://127.0.0.1:{free_port()}"
    logs = tmp_path_factory.mktemp("dask")
    started = []
    for name, args in (("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1]]),
                       ("worker", ["worker", address, "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1"])):
        with open(logs / f"{name}.log", "w") as log:
            started.append(subprocess.Popen([str(BIN / "dask"), *args, "--no-dashboard"], env=env,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    try:
        yield address
    finally:
        for proc in reversed(started):
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, nlp) -> dict:
    """The backlog stored by one uninterrupted run in this process."""
    path = tmp_path_factory.mktemp("reference") / "e.db"
    with open_store(str(path)) as store:
        run(read_paths([BACKLOG]), store, nlp=nlp)
    return _rows(path)


def _run(address: str, db, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "eventwire.cli", "run", str(BACKLOG), "--db", str(db),
                             "--scheduler", address, *options], env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_run_on_a_scheduler_and_worker_processes(scheduler, reference, store_url):
    """Into SQLite, and into PostgreSQL, the store of a run on several machines."""
    proc = _run(scheduler, store_url)
    out, errors = proc.communicate(timeout=300)
    assert proc.returncode == 0, errors
    assert f"{len(reference['documents'])} new" in errors
    assert _rows(store_url) == reference and reference["events"]


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_run_killed_midway_and_resumed_has_nothing_missing_or_doubled(scheduler, reference, tmp_path):
    db = tmp_path / "e.db"
    total = len(reference["documents"])
    proc = _run(scheduler, db, "--batch-size", "2")
    deadline = time.monotonic() + 300
    while _stored(db) < 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    at_kill = _stored(db)
    assert 4 <= at_kill < total, "the run was not killed midway"
    proc = _run(scheduler, db, "--batch-size", "2")
    _, errors = proc.communicate(timeout=300)
    assert proc.returncode == 0, errors
    assert f"{total - at_kill} new" in errors and f"{at_kill} unchanged" in errors
    assert _rows(db) == reference

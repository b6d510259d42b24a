"""Several processes on one store at once (SQLite and PostgreSQL): a new store opened by
several processes, two `eventwire run` started together, and two writers with readers (the
API and `eventwire search`) answering while they write. Nothing fails, nothing is doubled."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from eventwire.store import open_store
from eventwire.store.schema import MIGRATIONS

from .test_durability import start_server
from .test_store import _summaries

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("crash_test", ROOT / "scripts" / "crash_test.py")
crash_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crash_test)


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _eventwire(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "eventwire.cli", *args], env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(procs: list[subprocess.Popen], timeout: float = 600) -> list[tuple[int, str]]:
    errs = [p.communicate(timeout=timeout)[1] for p in procs]
    return [(p.returncode, e) for p, e in zip(procs, errs)]


OPENER = """
import sys, time
from eventwire.store import open_store
start = float(sys.argv[2])
while time.time() < start:
    pass
open_store(sys.argv[1]).close()
"""


def test_a_new_store_opened_by_several_processes_at_once(store_url):
    start = str(time.time() + 3)  # after every process has imported eventwire
    outcomes = _finish([_python(OPENER, store_url, start) for _ in range(6)])
    assert all(code == 0 for code, _ in outcomes), [err for _, err in outcomes]
    with open_store(store_url, create=False) as store:
        # each migration applied once
        assert [r["version"] for r in store.query("SELECT version FROM schema_version ORDER BY version")] == \
            [m.version for m in MIGRATIONS]


def test_two_runs_started_together_one_waits_its_turn(store_url):
    files = [str(DATA / "wn-010.txt"), str(DATA / "wn-040.txt")]
    outcomes = _finish([_eventwire("run", *files, "--db", store_url) for _ in range(2)])
    assert [code for code, _ in outcomes] == [0, 0], [err for _, err in outcomes]
    assert not any("Traceback" in err or "not a usable" in err for _, err in outcomes)
    waited = [err for _, err in outcomes if f"waiting for another run on {named(store_url)}" in err]
    assert len(waited) == 1, [err for _, err in outcomes]
    assert "2 unchanged" in waited[0]  # the second found the first's documents stored
    with open_store(store_url, create=False) as store:
        assert store.stats()["documents"] == 2
        assert store.query("SELECT count(*) AS n FROM events")[0]["n"] == \
            store.query("SELECT sum(n_events) AS n FROM documents")[0]["n"] > 0
        assert all(not store.query(sql)[0]["n"] for sql in crash_test.ORPHANS.values())


def named(url: str) -> str:
    """The store as `run` names it (PostgreSQL without the password)."""
    from eventwire.store.postgres import redact

    return redact(url) if url.startswith("postgresql") else url


WRITER = """
import json, sys
from eventwire.models import Document, DocumentRecord
from eventwire.store import open_store
url, path, order, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pairs = [(Document.model_validate(d), DocumentRecord.model_validate(r)) for d, r in json.load(open(path))]
if order == "reversed":
    pairs.reverse()
with open_store(url) as store:
    for n in range(rounds):  # each round a new extractor version: every document's events replaced
        for document, record in pairs:
            record = record.model_copy(update={"extractor": record.extractor.model_copy(update={"version": f"w{n}"})})
            store.add([(document, record)])
"""
ROUNDS = 3


def test_two_writers_while_the_api_and_search_answer(store_url, sample_records, tmp_path):
    # the reference: the same documents stored by one writer alone, at the writers' last version
    last = [(d, r.model_copy(update={"extractor": r.extractor.model_copy(update={"version": f"w{ROUNDS - 1}"})}))
            for d, r in sample_records]
    with open_store(str(tmp_path / "reference.db")) as ref:
        ref.add(last)
    reference = crash_test.snapshot(str(tmp_path / "reference.db"))
    with open_store(store_url) as store:
        store.add(sample_records[:1])  # something to read from the start
    records = tmp_path / "records.json"
    records.write_text(json.dumps([[json.loads(d.model_dump_json()), json.loads(r.model_dump_json())]
                                   for d, r in sample_records]))
    server, base = start_server(store_url, _env())
    try:
        writers = [_python(WRITER, store_url, str(records), order, str(ROUNDS)) for order in ("forward", "reversed")]
        answers, searches = [], []
        while any(w.poll() is None for w in writers):
            r = httpx.get(base + "/api/events", params={"limit": 20}, timeout=60)
            answers.append((r.status_code, len(r.json().get("events", [])) if r.status_code == 200 else r.text))
            done = subprocess.run([sys.executable, "-m", "eventwire.cli", "search", "--db", store_url, "--json"],
                                  env=_env(), capture_output=True, text=True, timeout=120)
            searches.append((done.returncode, done.stderr))
        outcomes = _finish(writers)
    finally:
        server.kill()
        server.wait()
    assert [code for code, _ in outcomes] == [0, 0], [err for _, err in outcomes]
    assert answers and searches  # readers answered while the writers worked
    assert all(status == 200 and n > 0 for status, n in answers), answers
    assert all(code == 0 for code, _ in searches), searches
    assert crash_test.check(store_url, reference) == []
    got = crash_test.snapshot(store_url)
    assert crash_test.differences(got, reference) == []
    # the summary tables each writer counted batch by batch (`count_written`, a temporary table
    # of its own connection) are the lone writer's, and a recount's
    with open_store(store_url) as store, open_store(str(tmp_path / "reference.db")) as ref:
        counted = _summaries(store)
        assert counted == _summaries(ref) and counted[0]
        store.retally()
        assert _summaries(store) == counted

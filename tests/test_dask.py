"""`run` on a real Dask cluster (local worker processes) stores what a single process stores."""
from __future__ import annotations

import pytest

from eventwire.core import run
from eventwire.ingest import read_paths
from eventwire.store import open_store

from .conftest import DATA


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


def _canonical(store) -> list[tuple]:
    return sorted((r["id"], r["type"], r["date_start"], r["place"], r["killed"]) for r in store.canonical_events())


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

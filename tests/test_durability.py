"""Confirmed writes survive other processes: a live `eventwire serve` answers 200 to reviews
while `eventwire search`/`export` open the same store in other processes; after the server
stops, every confirmed review is in the store (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from eventwire.store import open_store

DATA = Path(__file__).parent / "data"
TOKEN = "durability-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _eventwire(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire.cli", *args], capture_output=True, text=True,
                          timeout=300, **kw)


def start_server(url: str, env: dict) -> tuple[subprocess.Popen, str]:
    """`eventwire serve` on the store in its own process, once it answers; and its address."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "eventwire.cli", "serve", "--db", url, "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/api/facets", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("server did not start: " + server.stderr.read().decode())


@pytest.fixture
def served(store_url):
    """A store filled by `eventwire run` on one real article, served by `eventwire serve` in its own process."""
    done = _eventwire("run", str(DATA / "seed.txt"), "--db", store_url)
    assert done.returncode == 0, done.stderr
    server, base = start_server(store_url, {**os.environ, "EVENTWIRE_API_TOKEN": TOKEN})
    yield store_url, base, server
    if server.poll() is None:
        server.kill()


def test_reviews_confirmed_while_other_processes_open_the_store_are_kept(served):
    url, base, server = served
    auth = {"Authorization": f"Bearer {TOKEN}"}
    events = httpx.get(base + "/api/events", params={"limit": 100}).json()["events"]
    assert events
    confirmed = []
    for i, event in enumerate(events[:6]):
        # another process opens the same store between writes, as a user running `search` would
        other = _eventwire("search", "--db", url) if i % 2 == 0 else _eventwire("export", "--format", "csv", "--db", url)
        assert other.returncode == 0, other.stderr
        r = httpx.post(f"{base}/api/events/{event['id']}/review", headers=auth,
                       json={"reviewer": f"analyst{i}", "action": "accept"})
        assert r.status_code == 200, r.text
        confirmed.append(event["id"])
    listed = httpx.get(base + "/api/reviews", params={"limit": 1000}).json()["reviews"]
    assert {r["event_id"] for r in listed} >= set(confirmed)
    server.terminate()
    server.wait(timeout=30)
    with open_store(url, create=False) as store:
        kept = {r["event_id"] for r in store.query("SELECT event_id FROM reviews")}
        if not url.startswith("postgresql"):
            assert store.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    assert set(confirmed) <= kept, f"lost {len(set(confirmed) - kept)} of {len(confirmed)} confirmed reviews"

"""Shared fixtures: the real pipeline, built once per test session."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    from eventwire.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def run(nlp):
    """Run the whole pipeline on one text dated `date`; returns the spaCy Doc."""
    from eventwire.nlp import make_doc

    def _run(text: str, date: str = "2023-06-04"):
        return nlp(make_doc(nlp, text, date))

    return _run


@pytest.fixture(scope="session")
def run_until(nlp):
    """Run the pipeline on a sample ({text, date}) up to (not including) the stage `stop`; returns the Doc."""
    from eventwire.nlp import make_doc

    def _run(sample: dict, stop: str):
        doc = make_doc(nlp, sample["text"], sample["date"])
        for name, proc in nlp.pipeline:
            if name == stop:
                break
            doc = proc(doc)
        return doc

    return _run


@pytest.fixture(scope="session")
def extract_text():
    from eventwire.core import extract_text

    return extract_text


# ---------------------------------------------------------------- stores
PG_ADMIN = "postgresql://eventwire:eventwire@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def pg_admin():
    """A real PostgreSQL server (`.ci/run` starts one); skipped with the reason when none answers."""
    import os

    import psycopg

    url = os.environ.get("EVENTWIRE_TEST_PG", PG_ADMIN)
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as exc:
        pytest.skip(f"no PostgreSQL server at {url} ({str(exc).strip().splitlines()[0]}); "
                    "`.ci/run` starts one")
    return url


@pytest.fixture
def pg_url(pg_admin):
    """A fresh, empty database on that server, dropped afterwards."""
    from eventwire.store.postgres import scratch_database

    with scratch_database(pg_admin, "ew_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """Each store test runs on both backends."""
    if request.param == "sqlite":
        return str(tmp_path / "eventwire.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def sample_records(nlp):
    """Real articles and their extracted records, extracted once per session."""
    from eventwire.core import extract
    from eventwire.ingest import read_paths

    documents = [d for d in read_paths(sorted(DATA.glob("*.txt")))]
    return list(zip(documents, extract(documents, nlp=nlp)))


# Articles in every input form that names a publisher differently (page, feed, Telegram) and
# plain text files that name none: the stores of the export, CLI and Python API tests.
NEWS = ["seed.txt", "wn-018.txt", "ingest/wn-040.html", "ingest/telegram/result.json"]


@pytest.fixture(scope="session")
def news_store(tmp_path_factory, nlp) -> str:
    """A real SQLite store filled by `eventwire.run` from NEWS, once per session (read only)."""
    import eventwire

    db = tmp_path_factory.mktemp("news") / "news.db"
    eventwire.run([DATA / n for n in NEWS], db=db, nlp=nlp)
    return str(db)


# ---------------------------------------------------------------- browser tests
CHROMIUM = "/usr/bin/chromium"  # Debian's package; scripts/test-services installs it
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(app):
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def serve_app():
    """uvicorn serving an app in a thread on a free port: `with serve_app(app) as base_url`."""
    return _serve


@pytest.fixture(scope="session")
def browser():
    """Playwright driving the system's Chromium (never a browser of its own download)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test-services installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def retold_on(document, record, event, days: list[int], tag: str) -> list:
    """`event` of a real article retold by one more document for each of `days` (days after
    it), each document holding that event only."""
    def shift(day: str, n: int) -> str:
        return (date.fromisoformat(day) + timedelta(days=n)).isoformat()

    out = []
    for n, days_later in enumerate(days):
        doc_id = f"{record.doc_id}-{tag}{n}"
        copy = event.model_copy(update={"id": f"{doc_id}:1", "date": event.date.model_copy(update={
            "start": shift(event.date.start, days_later), "end": shift(event.date.end, days_later)})})
        out.append((document.model_copy(update={"id": doc_id, "text": f"{document.text}\n[{tag} {n}]"}),
                    record.model_copy(update={"doc_id": doc_id, "events": [copy]})))
    return out

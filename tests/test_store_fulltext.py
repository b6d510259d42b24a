"""The words' fold on SQLite and every word on PostgreSQL (migration 21), on hand-made records
(no NLP): counts equal to a recount, stores in schemas of their own, statistics kept."""
from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from urllib.parse import quote

import psycopg
import pytest

from eventwire.models import Count, Counts, Document, DocumentRecord, Event, EventDate, Extractor, Place, Span
from eventwire.store import EventQuery, open_store
from eventwire.store.schema import LATEST, MATCH_ROWS, WORD_TOTALS

TEXTS = ["Shelling from the north hit the town, officials said.",
         "It was the WHO that said it's over for us after the shelling.",
         "Troops of the US army shelled the area between two villages.",
         "Protesters marched against the shelling of the town during the night."]
PLACES = [("Kyiv", "Kyiv City"), ("Kharkiv", "Kharkiv Oblast"), ("Lviv", "Lviv Oblast")]
TYPES = ["ASSAULT", "PROTEST", "COERCE"]


def _pair(n: int, version: str = "1", killed: int | None = None, shift: int = 0):
    """Document `n` (its text, hence its hash, fixed by `n`); another `version` replaces it,
    with its event's `killed` and month (`shift`) changed."""
    text = TEXTS[n % len(TEXTS)] + f" Report {n}."
    name, admin1 = PLACES[n % len(PLACES)]
    counts = Counts(killed=Count(value=killed, text=str(killed), span=Span(start=0, end=1))) if killed else Counts()
    start = f"2023-{1 + (n + shift) % 5:02d}-0{1 + n % 9}"
    event = Event(id=f"d{n}:1", type=TYPES[n % len(TYPES)], counts=counts,
                  date=EventDate(start=start, end=start, precision="day", basis="text"),
                  location=Place(name=name, text=name, feature="city", country="UA", admin1=admin1,
                                 span=Span(start=0, end=1)),
                  evidence=[Span(start=0, end=len(text))], confidence=0.9)
    return (Document(id=f"d{n}", date="2023-06-01", text=text),
            DocumentRecord(doc_id=f"d{n}", date="2023-06-01", events=[event], extractor=Extractor(version=version)))


# ---------------------------------------------------------------- the words' fold (SQLite)
def _reference_totals(s) -> dict:
    """`word_totals` counted in Python from the folded events' summaries (split as SQLite's
    porter tokenizer splits them) and their keys, the fold's own SQL not used."""
    from eventwire.store.sqlite import WORD_KEYS, split_words

    keys = ", ".join(f"{expr} AS {dim}" for dim, expr in WORD_KEYS.items())
    totals: Counter = Counter()
    killed: Counter = Counter()
    rows = s.query(f"SELECT v.summary, {keys}, coalesce(e.killed, 0) AS killed FROM {MATCH_ROWS} e "
                   f"JOIN events v ON v.rowid = e.rowid WHERE e.rowid <= ?", [s.folded()])
    for r in rows:
        for term in set(split_words(r["summary"] or "")):
            for dim in WORD_KEYS:
                totals[(term, dim, r[dim])] += 1
                killed[(term, dim, r[dim])] += r["killed"]
    return {k: (n, killed[k]) for k, n in totals.items()}


def _stored_totals(s) -> dict:
    return {(r["term"], r["dim"], r["key"]): (r["events"], r["killed"])
            for r in s.query(f"SELECT * FROM {WORD_TOTALS} WHERE term != '' AND events > 0")}


def test_word_fold_counts_survive_replacements_rollbacks_and_a_fold_failing_midway(tmp_path, monkeypatch):
    """The counts by word equal those counted from the summaries after adds, replacements (sign
    -1 then 1), a rolled-back replacement, and one whose fold fails between `split_keys` and
    its DROP: the failed fold leaves no temp.split_keys behind ("table split_keys already
    exists" on the next one)."""
    with open_store(str(tmp_path / "fold.db")) as s:
        s.add([_pair(n, killed=n % 4) for n in range(40)])
        s.fold_word_totals()
        assert s.folded() and _stored_totals(s) == _reference_totals(s)
        # replaced by a newer extractor: the old words counted out, the new ones in
        s.add([_pair(n, version="2", killed=7, shift=2) for n in range(0, 40, 3)])
        assert _stored_totals(s) == _reference_totals(s)
        s.fold_word_totals()
        before = _stored_totals(s)
        with pytest.raises(RuntimeError), s.transaction():
            s.add([_pair(n, version="3", killed=2, shift=1) for n in range(1, 40, 5)])
            raise RuntimeError
        assert _stored_totals(s) == before == _reference_totals(s)
        execute = s.db.execute

        def failing(sql, *args, **kwargs):
            if sql.startswith("CREATE TEMP TABLE split_counts"):
                raise sqlite3.OperationalError("injected: disk full")
            return execute(sql, *args, **kwargs)

        monkeypatch.setattr(s.db, "execute", failing)
        with pytest.raises(sqlite3.OperationalError, match="injected"):
            s.add([_pair(n, version="4", killed=5, shift=3) for n in range(2, 40, 7)])
        monkeypatch.setattr(s.db, "execute", execute)
        assert not s.values("SELECT name FROM sqlite_temp_master WHERE name IN ('split_keys', 'split_counts')")
        s.add([_pair(n, version="4", killed=5, shift=3) for n in range(2, 40, 7)])
        assert _stored_totals(s) == _reference_totals(s) != before


def test_a_fold_that_fails_after_the_batch_is_committed_warns_and_the_next_one_catches_up(
        tmp_path, monkeypatch, caplog):
    """A batch is committed before its words are folded: a fold that fails then (the database
    locked past its timeout) was raised to the caller of `add`, who was told that a stored batch
    had failed. It is a warning now; the batch is stored, the mark stays, and the next fold
    counts what this one left."""
    from eventwire.store import base

    monkeypatch.setattr(base, "FOLD_EVENTS", 1)  # every `add` folds
    with open_store(str(tmp_path / "locked.db")) as s:
        s.add([_pair(n) for n in range(10)])
        mark = s.folded()
        split_counts = s._split_counts

        def locked(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(s, "_split_counts", locked)
        with caplog.at_level("WARNING", logger="eventwire.store"):
            result = s.add([_pair(n) for n in range(10, 20)])
            assert [r.events for r in s.add_all([[_pair(n) for n in range(20, 25)]])] == [5]
        assert result.new == 10 and s.stats()["events"] == 25
        assert s.folded() == mark
        warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        # `add`'s, then `add_all`'s: its batch's `add` and its own at the end
        assert len(warned) == 3 and all("database is locked" in m for m in warned)
        monkeypatch.setattr(s, "_split_counts", split_counts)
        s.add([_pair(n) for n in range(25, 30)])
        assert s.folded() == 30 and _stored_totals(s) == _reference_totals(s)


def _fold_ahead_with(s, meanwhile) -> int:
    """`fold_ahead` by another connection, `meanwhile(s)` run by the writer's between its
    counting (from a snapshot) and its adding them (under the write lock)."""
    folder = s.folder()
    split_counts = folder._split_counts

    def counted_then(*args):
        split_counts(*args)
        meanwhile(s)

    folder._split_counts = counted_then
    try:
        return folder.fold_ahead(1, threading.Lock())
    finally:
        folder.close()


def _replaced(ns, version="2", **changes):
    return [_pair(n, version=version, **changes) for n in ns]


# what the writer does meanwhile; whether the fold ahead's counts still hold
MEANWHILE = {
    "nothing": (lambda s: None, True),
    "a correction": (lambda s: _correct(s), False),
    "a replacement": (lambda s: s.add(_replaced(range(0, 30, 4), killed=4, shift=2)), False),
    "another fold": (lambda s: s.fold_word_totals(), False),
    # the mark moved up by a fold, then back down to where the fold ahead read it: every event
    # replaced, their rowids given again
    "a fold, then every event replaced": (lambda s: (s.fold_word_totals(), s.add(_replaced(range(30)))), False),
    # the counts made anew (mark and changes as they were read: 0 and 0)
    "every event removed, then a recount": (
        lambda s: (s.add([(d, r.model_copy(update={"events": []})) for d, r in _replaced(range(30))]), s.retally()),
        False),
}


def _correct(s, folded: bool = False):
    """A correction of the first event written (`folded`: of the first the words' counts hold)."""
    from eventwire.store.review import review

    (victim,) = s.values("SELECT id FROM events WHERE rowid <= ? ORDER BY rowid LIMIT 1",
                         [s.folded() if folded else 1 << 62])[0]
    review(s, victim, "tester", "correct", {"type": "PROTEST", "counts": {"killed": 9}})


@pytest.mark.parametrize("meanwhile", list(MEANWHILE))
def test_a_fold_ahead_adds_its_counts_only_if_nothing_changed_since_its_snapshot(tmp_path, meanwhile):
    """`add_all`'s other connection counts the words of events it read in a snapshot, then adds
    the counts under the write lock: an event corrected or replaced in between, or a fold by
    another, or counts made anew, would leave them counting what is no longer there (or twice).
    Then they are dropped, and a later fold counts from the mark as things are."""
    change, holds = MEANWHILE[meanwhile]
    with open_store(str(tmp_path / "ahead.db")) as s:
        s.add([_pair(n, killed=n % 3) for n in range(30)])
        assert s.folded() == 0  # fewer than FOLD_EVENTS: none folded yet
        assert _fold_ahead_with(s, change) == (30 if holds else 0)
        s.add([_pair(n, killed=1) for n in range(100, 110)])
        s.fold_word_totals()
        assert s.folded() == s.values("SELECT max(rowid) FROM events")[0][0]
        assert _stored_totals(s) == _reference_totals(s)


def test_a_change_to_folded_events_alone_leaves_a_fold_ahead_good(tmp_path):
    """Events at or below the mark are counted in and out by the change itself: a run that
    re-extracts stored documents (each replacement a change) still folds ahead."""
    with open_store(str(tmp_path / "below.db")) as s:
        s.add([_pair(n, killed=n % 3) for n in range(30)])
        s.fold_word_totals()
        s.add([_pair(n, killed=2) for n in range(30, 50)])
        assert _fold_ahead_with(s, lambda s: (s.add(_replaced(range(0, 30, 3), killed=5)), _correct(s, True))) == 20
        s.fold_word_totals()
        assert _stored_totals(s) == _reference_totals(s)


def test_add_all_folds_words_ahead_beside_its_writes(tmp_path, monkeypatch):
    """A run's words are counted by another connection as it goes (every FOLD_AHEAD events),
    and what is left at the end by the run itself: every event counted once."""
    from eventwire.store import base
    from eventwire.store.sqlite import SQLiteStore

    monkeypatch.setattr(base, "FOLD_AHEAD", 8)
    ahead, started, done = [], threading.Semaphore(0), threading.Semaphore(0)
    fold_ahead = SQLiteStore.fold_ahead

    def counted(self, *args):
        started.release()
        try:
            ahead.append(fold_ahead(self, *args))
            return ahead[-1]
        finally:
            done.release()

    monkeypatch.setattr(SQLiteStore, "fold_ahead", counted)

    def batches():
        for i in range(0, 60, 6):
            # each fold ahead let finish before the next batch is read: whether one lands does
            # not depend on how fast the connection opens
            while started.acquire(blocking=False):
                assert done.acquire(timeout=30)
            yield [_pair(n, killed=n % 5) for n in range(i, i + 6)]

    with open_store(str(tmp_path / "run.db")) as s:
        assert sum(r.events for r in s.add_all(batches())) == 60
        assert sum(ahead) >= 30 and s.folded() == 60  # (a fold may find the one before not quite done)
        assert _stored_totals(s) == _reference_totals(s)


def test_add_all_hands_checkpoints_to_its_folder_and_takes_them_back_even_when_a_batch_fails(tmp_path):
    """While `add_all` runs, its writer leaves copying the log into the database to the other
    connection (which checkpoints after each fold ahead); after the run, and after a run whose
    input fails, the writer's commits checkpoint again: left off, a store's log would grow with
    every later write of that connection."""
    from eventwire.store.sqlite import WAL_PAGES

    def pages(s):
        return s.values("PRAGMA wal_autocheckpoint")[0][0]

    with open_store(str(tmp_path / "log.db")) as s:
        seen = []
        for result in s.add_all([[_pair(n) for n in range(i, i + 5)] for i in range(0, 15, 5)]):
            seen.append(pages(s))
        assert seen == [0, 0, 0] and pages(s) == WAL_PAGES

        def failing():
            yield [_pair(n) for n in range(20, 25)]
            raise ValueError("unreadable input")

        with pytest.raises(ValueError):
            list(s.add_all(failing()))
        assert pages(s) == WAL_PAGES and s.stats()["events"] == 20


# ---------------------------------------------------------------- every word (PostgreSQL)
def _in_schema(url: str, schema: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{url}?options={quote(f'-csearch_path={chr(34)}{schema}{chr(34)}')}"


@pytest.mark.parametrize("schema", ["ew_store", "EventWire"])
def test_a_postgresql_store_in_its_own_schema_is_made_and_finds_stop_words(pg_url, schema):
    """A store in a schema other than public (the role's search_path) is made there, with its
    text search configuration, whatever the case of the schema's name: looked up by
    `current_schema()::regnamespace`, which reads the name as SQL again, "EventWire" became
    `eventwire` and the store could be neither made nor opened."""
    url = _in_schema(pg_url, schema)
    with open_store(url) as s:
        s.add([_pair(n) for n in range(8)])
        assert s.schema_version == LATEST
        assert s.values("SELECT n.nspname FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace "
                        "WHERE c.cfgname = 'eventwire_english'") == [(schema,)]
        assert len(list(s.events(EventQuery(text="WHO")))) == 2  # documents 1 and 5
    with open_store(url) as s:  # opened again: the configuration found, not made twice
        assert len(list(s.events(EventQuery(text="from")))) == 2


def _as_version_20(s) -> None:
    with s.transaction():
        s.execute("ALTER TABLE events DROP COLUMN fts")
        s.execute("ALTER TABLE events ADD COLUMN fts tsvector GENERATED ALWAYS AS "
                  "(to_tsvector('english', coalesce(summary, ''))) STORED")
        s.execute("CREATE INDEX idx_events_fts ON events USING GIN (fts)")
        s.execute("DELETE FROM schema_version WHERE version >= 21")


def test_migration_21_leaves_the_planner_its_statistics_of_the_words(pg_url):
    """Migration 21 drops and adds `events.fts`: the new column has no statistics, and a table
    rewrite counts as no modification, so autovacuum does not analyze it again until 10% of the
    events are new. Until then the planner takes any word for 0.5% of the events (here: 15 rows
    estimated for 'from', which every event holds; at millions of events, GIN bitmap scans for
    the common words that this migration made searchable)."""
    with open_store(pg_url) as s:
        s.add([_pair(n) for n in range(400)])
        _as_version_20(s)
        s.execute("ANALYZE events")
        assert s.values("SELECT count(*) FROM pg_stats WHERE tablename = 'events' AND attname = 'fts'") == [(1,)]
    with open_store(pg_url) as s:
        assert s.schema_version == LATEST
        assert s.values("SELECT count(*) FROM pg_stats WHERE tablename = 'events' AND attname = 'fts'") == [(1,)]

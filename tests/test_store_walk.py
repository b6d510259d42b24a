"""The newest matches of a filter, however SQLite's store reads them (a bounded walk of the date
index, then the filter's own plan when the walk finds too few): the same events as a filter
over every stored event, in the same order, page after page."""
from __future__ import annotations

import re
from datetime import date

import pytest

from eventwire.store import EventQuery, open_store
from eventwire.store import sqlite as sqlite_store
from eventwire.store.schema import DATE_INDEX, DATED_TEXT, LATEST, MATCH_ROWS


def _expected(store, keep, located: bool = False) -> list[str]:
    rows = store.query("SELECT id, date_start, type, country, admin1, claim_status, lat, lon, date_end FROM events")
    rows = [r for r in rows if keep(r) and (not located or r["lat"] is not None)]
    return [r["id"] for r in sorted(rows, key=lambda r: (r["date_start"] or "", r["id"]), reverse=True)]


def _paged(store, q: EventQuery, size: int) -> list[str]:
    ids, cursor = [], None
    while True:
        rows, cursor = store.page(q, cursor=cursor, limit=size)
        ids += [r["id"] for r in rows]
        if cursor is None:
            return ids


@pytest.fixture(scope="module")
def stored(tmp_path_factory, sample_records):
    path = tmp_path_factory.mktemp("walk") / "walk.db"
    with open_store(str(path)) as s:
        s.add(sample_records)
    return str(path)


def _filters(store) -> dict[str, tuple[EventQuery, object]]:
    """Filters common and rare in the store, from what it holds."""
    common = store.query("SELECT type, country, count(*) AS n FROM events WHERE country IS NOT NULL "
                         "GROUP BY type, country ORDER BY n DESC, type, country LIMIT 1")[0]
    rare = store.query("SELECT type, country FROM events WHERE country IS NOT NULL "
                       "GROUP BY type, country ORDER BY count(*), type, country LIMIT 1")[0]
    lat, lon = store.query("SELECT lat, lon FROM events WHERE lat IS NOT NULL ORDER BY id LIMIT 1")[0].values()
    box = (lon - 3, lat - 3, lon + 3, lat + 3)
    days = sorted(r["date_start"] for r in store.query("SELECT date_start FROM events"))
    since, until = date.fromisoformat(days[len(days) // 4]), date.fromisoformat(days[3 * len(days) // 4])
    return {
        "everything": (EventQuery(), lambda r: True),
        "common type and country": (EventQuery(type=[common["type"]], country=[common["country"]]),
                                    lambda r: (r["type"], r["country"]) == (common["type"], common["country"])),
        "rare type and country": (EventQuery(type=[rare["type"]], country=[rare["country"]]),
                                  lambda r: (r["type"], r["country"]) == (rare["type"], rare["country"])),
        "box": (EventQuery(bbox=box), lambda r: r["lat"] is not None and box[1] <= r["lat"] <= box[3]
                and box[0] <= r["lon"] <= box[2]),
        "dates": (EventQuery(since=since, until=until),
                  lambda r: r["date_end"] >= since.isoformat() and r["date_start"] <= until.isoformat()),
        "claimed": (EventQuery(claim_status=["claimed"]), lambda r: r["claim_status"] == "claimed"),
    }


@pytest.mark.parametrize("reach", [3, 20, 100_000])
def test_pages_and_points_are_the_newest_matches_however_far_the_walk_reaches(stored, monkeypatch, reach):
    # a walk of a few events makes the bounded walk and its fallback run on a small store
    monkeypatch.setattr(sqlite_store, "WALK_EVENTS", reach)
    monkeypatch.setattr(sqlite_store, "WALK_PER_MATCH", 1)
    with open_store(stored) as s:
        read = []
        values = s.values
        monkeypatch.setattr(s, "values", lambda sql, params=(): read.append(sql) or values(sql, params))
        for name, (q, keep) in _filters(s).items():
            expected = _expected(s, keep)
            assert expected or name == "claimed", name
            assert _paged(s, q, 4) == expected, name
            assert [r["id"] for r in s.page(q, limit=500)[0]] == expected, name
            located = _expected(s, keep, located=True)
            points, more = s.points(q, limit=5)
            assert [p[0] for p in points] == located[:5] and more == (len(located) > 5), name
        if reach == 3:  # both ways were taken: a walk that stopped at its day, and the type and country's index
            assert any(sqlite_store.DATE_HINT in sql and "e.date_start >= ?" in sql for sql in read)
            assert any(sqlite_store.TYPE_COUNTRY_HINT in sql for sql in read)


def test_a_walk_that_finds_too_few_reads_only_the_rest_below_its_bound_and_the_undated_last(
        tmp_path, sample_records, monkeypatch):
    """Where the walk of the date index ends before it finds enough matches, the rest come from
    below the day it stopped at (not the whole filter again), then the undated events (a bulk
    load's: `add` dates every event), which the order puts last."""
    monkeypatch.setattr(sqlite_store, "WALK_EVENTS", 20)
    monkeypatch.setattr(sqlite_store, "WALK_PER_MATCH", 1)
    with open_store(str(tmp_path / "undated.db")) as s:
        s.add(sample_records)
        located = s.query("SELECT id, lat, lon FROM events WHERE lat IS NOT NULL ORDER BY id")

        def near(p, r):
            return abs(r["lat"] - p["lat"]) <= 2 and abs(r["lon"] - p["lon"]) <= 2

        # a place with a few events: too few for a page among the newest 20
        place = next(p for p in located if 3 <= sum(near(p, r) for r in located) <= 10)
        box = (place["lon"] - 2, place["lat"] - 2, place["lon"] + 2, place["lat"] + 2)
        undated = [r["id"] for r in located if near(place, r)][:2]
        s.execute(f"UPDATE events SET date_start = NULL WHERE id IN ({', '.join('?' * len(undated))})", undated)
        read = []
        values = s.values
        monkeypatch.setattr(s, "values", lambda sql, params=(): read.append(sql) or values(sql, params))
        expected = _expected(s, lambda r: r["lat"] is not None and box[1] <= r["lat"] <= box[3]
                             and box[0] <= r["lon"] <= box[2])
        assert expected[-2:] == sorted(undated, reverse=True) and len(expected) <= 10
        assert [p[0] for p in s.points(EventQuery(bbox=box), limit=10)[0]] == expected
        assert [r["id"] for r in s.page(EventQuery(bbox=box), limit=10)[0]] == expected
        walks = [sql for sql in read if "e.date_start >= ?" in sql]
        rest = [sql for sql in read if "e.date_start < ?" in sql or "e.date_start IS NULL" in sql]
        assert walks and rest and len(read) == len(walks) + len(rest) + sum("event_totals" in sql for sql in read)


def test_a_page_of_words_or_an_actor_weighs_its_plans_once(stored, monkeypatch):
    """Choosing the plan of a word's or an actor's matches counts them (the full-text index,
    the actor's summary): once a page, not again for the plan it then runs."""
    with open_store(stored) as s:
        counted = []
        weigh = s._weigh
        monkeypatch.setattr(s, "_weigh", lambda q, limit: counted.append(q) or weigh(q, limit))
        for q in (EventQuery(text="killed"), EventQuery(actor="police"), EventQuery(text="killed", actor="police")):
            counted.clear()
            s.page(q, limit=5)
            s.points(q, limit=5)
            assert len(counted) == 2, q


def _rows_of_events(store) -> tuple[list[tuple], list[tuple]]:
    """The columns `event_rows` copies, by rowid, from the events and from the copy; and the
    postings of a few words, as the events' full-text index and dates make them and as
    `dated_fts` holds them."""
    columns = ", ".join(DATE_INDEX)
    words = ("killed", "police", "shelling", "drone", "said", "strike")
    return (store.values(f"SELECT rowid, {columns} FROM events ORDER BY rowid")
            + [(w, store.values(f"SELECT {sqlite_store.dated_key()} FROM events WHERE rowid IN "
                                "(SELECT rowid FROM events_fts WHERE events_fts MATCH ?) ORDER BY 1", [w])) for w in words]
            + store.values("SELECT count(*) FROM events"),
            store.values(f"SELECT rowid, {columns} FROM {MATCH_ROWS} ORDER BY rowid")
            + [(w, store.values(f"SELECT rowid FROM {DATED_TEXT} WHERE {DATED_TEXT} MATCH ? ORDER BY rowid", [w]))
               for w in words]
            + store.values(f"SELECT count(*) FROM {DATED_TEXT}"))


def _word_filters(store) -> dict[str, tuple[EventQuery, object]]:
    """`_filters` with a word each (common and rare ones of the store), and words alone."""
    counted = {w: store.values("SELECT count(*) FROM events_fts WHERE events_fts MATCH ?", [f'"{w}"'])[0][0]
               for w in ("killed", "police", "shelling", "drone", "protest", "said", "attack")}
    words = [w for w, n in sorted(counted.items(), key=lambda x: (-x[1], x[0])) if n][::2]
    assert len(words) >= 2
    out = {}
    for word in words:
        matched = {r[0] for r in store.values("SELECT e.id FROM events e WHERE e.rowid IN "
                                              "(SELECT rowid FROM events_fts WHERE events_fts MATCH ?)", [f'"{word}"'])}
        for name, (q, keep) in _filters(store).items():
            out[f"{word}, {name}"] = (q.model_copy(update={"text": word}),
                                      lambda r, keep=keep, matched=matched: r["id"] in matched and keep(r))
    return out


# postings read one, two or 64 at first; or, as for the map's points, those from the day of the
# last posting wanted joined with their narrow rows, or (where the rest of the filter leaves too
# few of them) every posting's narrow row
@pytest.mark.parametrize("first, runs, joined", [(1, 2000, True), (2, 2000, True), (64, 2000, True), (1, 0, True),
                                                 (1, 0, False)])
def test_a_words_pages_points_and_charts_are_those_of_a_plain_query(stored, monkeypatch, first, runs, joined):
    """However a word's postings by date are read (runs of them ending on a day read whole; those
    from the day of the last one wanted, or their narrow rows), pages, points and charts are
    those of a filter over every event."""
    monkeypatch.setattr(sqlite_store, "DATED_FIRST", first)
    monkeypatch.setattr(sqlite_store, "DATED_MOST", 4 * first)
    monkeypatch.setattr(sqlite_store, "DATED_RUNS", runs)
    if not joined:
        monkeypatch.setattr(sqlite_store.SQLiteStore, "_many_dated", lambda self, *a: None)
    with open_store(stored) as s:
        filters, read_sql = _word_filters(s), []
        values, query = s.values, s.query
        monkeypatch.setattr(s, "values", lambda sql, params=(): read_sql.append(sql) or values(sql, params))
        monkeypatch.setattr(s, "query", lambda sql, params=(): read_sql.append(sql) or query(sql, params))
        monkeypatch.setattr(s, "_sorted", lambda sql, params, limit, read=s._sorted: read_sql.append(sql)
                            or read(sql, params, limit))
        for name, (q, keep) in filters.items():
            expected = _expected(s, keep)
            assert _paged(s, q, 4) == expected, name
            assert [r["id"] for r in s.page(q, limit=500)[0]] == expected, name
            located = _expected(s, keep, located=True)
            points, more = s.points(q, limit=5)
            assert [p[0] for p in points] == located[:5] and more == (len(located) > 5), name
            charts = s.aggregates(q, top=500)
            fast = len(read_sql)
            with monkeypatch.context() as plain:
                plain.setattr(s, "filtered_rows", lambda q: "events")
                assert charts == s.aggregates(q, top=500), name
            del read_sql[fast:]
            assert charts["total"] == len(expected), name
        # the postings by date and the narrow rows were read, not the events' rows (nor a walk
        # of the date index); for many matches, postings joined with their rows
        assert any(f"FROM {DATED_TEXT} WHERE" in sql for sql in read_sql)
        assert any(sql.startswith("WITH m AS") and f"FROM {MATCH_ROWS} e" in sql for sql in read_sql)
        assert not [sql for sql in read_sql if "FROM events e WHERE" in sql or sqlite_store.DATE_HINT in sql]
        assert any(f"FROM {DATED_TEXT} f CROSS JOIN {MATCH_ROWS} e" in sql for sql in read_sql) == (runs == 0 and joined)


def test_event_rows_follow_adds_replacements_corrections_and_removals(tmp_path, sample_records):
    from eventwire.store.review import review

    with open_store(str(tmp_path / "rows.db")) as s:
        s.add(sample_records[:len(sample_records) // 2])
        s.add(sample_records)  # the rest
        events, rows = _rows_of_events(s)
        assert events == rows and events
        document, record = next((d, r) for d, r in sample_records if len(r.events) > 2)
        s.add([(document, record.model_copy(update={"events": record.events[:1], "extractor": record.extractor.model_copy(
            update={"version": "9.9"})}))])  # a newer extractor's events replace the document's
        victim = next(r for r in s.events() if r["killed"] and r["lat"] is not None)
        review(s, victim["id"], "tester", "correct", {"counts": {"killed": victim["killed"] + 7}, "type": "COERCE"})
        review(s, next(s.events())["id"], "tester", "reject")
        events, rows = _rows_of_events(s)
        assert events == rows
        assert ("COERCE", victim["killed"] + 7) in {(r[6], r[12]) for r in rows if len(r) > 12}
        assert any(r[13] == "rejected" for r in rows if len(r) > 13)
        s.execute("UPDATE events SET date_start = '2001-02-03', summary = 'A drone strike.' WHERE rowid = "
                  "(SELECT min(rowid) FROM events)")
        assert _rows_of_events(s)[0] == _rows_of_events(s)[1]
        s.execute("DELETE FROM actors")
        s.execute("DELETE FROM events WHERE rowid % 2 = 0")
        assert _rows_of_events(s)[0] == _rows_of_events(s)[1]


def test_migration_17_copies_an_older_stores_events(tmp_path, sample_records):
    path = str(tmp_path / "v16.db")
    with open_store(path) as s:
        s.add(sample_records)
        q = EventQuery(text="killed")
        pages, charts = _paged(s, q, 7), s.aggregates(q)
        with s.transaction():  # as a store of version 16 is
            s.execute(f"DROP TABLE {MATCH_ROWS}")
            s.execute(f"DROP TABLE {DATED_TEXT}")
            for trigger in ("events_rows_ad", "events_rows_au", "events_dated_ad", "events_dated_au"):
                s.execute(f"DROP TRIGGER {trigger}")
            s.execute("DELETE FROM schema_version WHERE version >= 17")
    with open_store(path) as s:
        assert s.schema_version == LATEST
        events, rows = _rows_of_events(s)
        assert events == rows and events
        assert _paged(s, q, 7) == pages and s.aggregates(q) == charts


def _word_charts(s, monkeypatch, words: list[str]) -> int:
    """Check that the charts of each word equal those counted from its matches; returns how
    many came from the counts by word."""
    kept = 0
    for word in words:
        q = EventQuery(text=word)
        for top in (500, 2):
            charts = s.aggregates(q, top=top)
            kept += s.word_charts(q, top) is not None
            with monkeypatch.context() as plain:
                plain.setattr(s, "word_charts", lambda q, top: None)
                assert charts == s.aggregates(q, top=top), word
    return kept


def _words(s) -> list[str]:
    """Words of the stored summaries, common and rare, and one of none."""
    counts: dict[str, int] = {}
    for (summary,) in s.values("SELECT summary FROM events"):
        for w in set(re.findall(r"\w+", (summary or "").lower())):
            counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    return ranked[:15] + ranked[len(ranked) // 2:][:10] + ranked[-5:] + ["zzzqqq"]


def test_charts_of_a_word_follow_adds_replacements_corrections_and_removals(tmp_path, sample_records, monkeypatch):
    """Charts by month of one word come from its counts (`word_totals`), which every write
    keeps: the same charts as counted from its matches, after adds, a document replaced,
    corrections and a recount."""
    from eventwire.store import base
    from eventwire.store.review import review

    monkeypatch.setattr(base, "MAX_DAYS", 1)  # the events' few days as decades: charts by month
    with open_store(str(tmp_path / "words.db")) as s:
        s.add(sample_records[:len(sample_records) // 2])
        words = _words(s)
        assert _word_charts(s, monkeypatch, words) > 20
        s.add(sample_records)  # the rest
        words = _words(s)
        assert _word_charts(s, monkeypatch, words) > 20
        document, record = next((d, r) for d, r in sample_records if len(r.events) > 2)
        s.add([(document, record.model_copy(update={"events": record.events[:1], "extractor": record.extractor.model_copy(
            update={"version": "9.9"})}))])  # a newer extractor's events replace the document's
        _word_charts(s, monkeypatch, words)
        victim = next(r for r in s.events(EventQuery(text=words[0])) if r["killed"])
        review(s, victim["id"], "tester", "correct", {"counts": {"killed": victim["killed"] + 7}, "type": "COERCE",
                                                      "date": {"start": "1999-01-02", "end": "1999-01-02"}})
        review(s, next(s.events())["id"], "tester", "reject")
        assert s.aggregates(EventQuery(text=words[0]))["by_day"][0]["day"] == "1999-01-01"
        _word_charts(s, monkeypatch, words)
        with s.transaction():  # counted again in full (a bulk load)
            s.execute("DELETE FROM word_totals")
            s.retally()
        assert _word_charts(s, monkeypatch, words) > 20


def test_migration_20_counts_an_older_stores_words(tmp_path, sample_records, monkeypatch, caplog):
    """... and says how far it has got as it goes (minutes at millions of events)."""
    from eventwire.store import base, sqlite

    monkeypatch.setattr(base, "MAX_DAYS", 1)
    monkeypatch.setattr(base, "PROGRESS_SECONDS", 0)
    monkeypatch.setattr(sqlite, "WORD_EVENTS", 5)
    path = str(tmp_path / "v19.db")
    with open_store(path) as s:
        s.add(sample_records)
        words = _words(s)
        charts = [s.aggregates(EventQuery(text=w)) for w in words]
        with s.transaction():  # as a store of version 19 is
            s.execute("DROP TABLE word_totals")
            s.execute("DELETE FROM schema_version WHERE version >= 20")
    with caplog.at_level("INFO", logger="eventwire.store"), open_store(path) as s:
        assert s.schema_version == LATEST
        assert [s.aggregates(EventQuery(text=w)) for w in words] == charts
        assert _word_charts(s, monkeypatch, words) > 20
        stored = s.stats()["events"]
    progress = [r.getMessage() for r in caplog.records if "words counted for" in r.getMessage()]
    assert len(progress) > 1 and all(m.endswith(f"of {stored:,} events") for m in progress)


def test_charts_of_a_word_count_the_events_above_the_fold_from_their_matches(tmp_path, sample_records, monkeypatch):
    """`add` leaves words uncounted: the counts cover the events up to a mark
    (`fold_word_totals`), the charts count those above it from the word's matches; the same
    charts as counted from all matches around every write and fold, and after the top events
    are replaced under rowids given again."""
    from eventwire.store import base, sqlite
    from eventwire.store.review import review

    monkeypatch.setattr(base, "MAX_DAYS", 1)
    monkeypatch.setattr(sqlite, "WORD_EVENTS", 7)  # folds of several runs
    half = len(sample_records) // 2
    with open_store(str(tmp_path / "fold.db")) as s:
        s.add(sample_records[:half])
        words = _words(s)
        assert s.folded() == 0 and _word_charts(s, monkeypatch, words) > 20  # all above the mark
        s.fold_word_totals()
        last = s.values("SELECT max(rowid) FROM events")[0][0]
        assert s.folded() == last and _word_charts(s, monkeypatch, words) > 20
        s.add(sample_records)  # the rest, above the mark
        assert s.folded() == last and _word_charts(s, monkeypatch, words) > 20

        def matching(above: bool) -> dict:
            return next(r for r in s.query("SELECT rowid, * FROM events WHERE killed > 0 ORDER BY rowid")
                        if (r["rowid"] > last) == above and words[0] in r["summary"].lower())

        for above in (True, False):  # a correction of an event above the mark, and of one below
            victim = matching(above)
            review(s, victim["id"], "tester", "correct", {
                "counts": {"killed": victim["killed"] + 7}, "type": "COERCE",
                "location": {"name": "Nowhere", "lat": 1.5, "lon": 2.5, "admin1": "Nowhere"},
                "date": {"start": f"199{above:d}-01-02", "end": f"199{above:d}-01-02"}})
            assert _word_charts(s, monkeypatch, words) > 20
        s.fold_word_totals()  # the corrected event above the mark counted as it now is
        assert s.folded() == s.values("SELECT max(rowid) FROM events")[0][0]
        assert _word_charts(s, monkeypatch, words) > 20

        # the last document's events (the top rowids, folded) replaced by fewer: the new ones
        # take rowids the counts covered, so the mark comes down to the events still stored
        top = s.values("SELECT doc_hash FROM events ORDER BY rowid DESC LIMIT 1")[0][0]
        document, record = next((d, r) for d, r in sample_records if base.document_hash(d) == top)
        s.add([(document, record.model_copy(update={"events": record.events[:1], "extractor": record.extractor.model_copy(
            update={"version": "9.9"})}))])
        _word_charts(s, monkeypatch, words)
        assert s.folded() < s.values("SELECT max(rowid) FROM events")[0][0]
        list(s.add_all([[]]))  # a run folds at its end
        assert s.folded() == s.values("SELECT max(rowid) FROM events")[0][0]
        assert _word_charts(s, monkeypatch, words) > 20

        monkeypatch.setattr(sqlite, "WORD_TAIL", 0)  # a tail past the bound: counted from all matches
        s.add(sample_records[:1])
        s.execute("UPDATE word_totals SET events = events - 1 WHERE term = '' AND dim = '' AND key = ''")
        assert _word_charts(s, monkeypatch, words) == 0


def test_a_plain_add_counts_the_words_once_enough_are_uncounted(tmp_path, sample_records, monkeypatch):
    """A library caller's `add` (no `add_all`) folds too, once FOLD_EVENTS events are above the
    mark: charts by a word would otherwise go back to counting every match."""
    from eventwire.store import base

    half = len(sample_records) // 2
    with open_store(str(tmp_path / "plain.db")) as s:
        s.add(sample_records[:half])
        below = s.values("SELECT max(rowid) FROM events")[0][0]
        assert s.folded() == 0  # fewer than FOLD_EVENTS: left for the charts' live tail
        monkeypatch.setattr(base, "FOLD_EVENTS", below + 1)
        s.add(sample_records)
        assert s.folded() == s.values("SELECT max(rowid) FROM events")[0][0] > below


def test_a_fold_in_an_add_rolled_back_with_the_callers_transaction_claims_nothing(tmp_path, sample_records,
                                                                                 monkeypatch):
    """`add` inside a caller's transaction folds inside it too: rolled back, the mark and the
    counts are those from before, and the events added again are counted once."""
    from eventwire.store import base

    monkeypatch.setattr(base, "MAX_DAYS", 1)
    with open_store(str(tmp_path / "outer.db")) as s:
        s.add(sample_records[:len(sample_records) // 2])
        words, before = _words(s), s._marks()
        monkeypatch.setattr(base, "FOLD_EVENTS", 1)
        with pytest.raises(RuntimeError), s.transaction():
            s.add(sample_records)
            assert s.folded() == s._marks()[1] > before[1]
            raise RuntimeError
        assert s._marks() == before and _word_charts(s, monkeypatch, words) > 20
        s.add(sample_records)
        assert s.folded() == s._marks()[1] and _word_charts(s, monkeypatch, words) > 20

"""The event store on both real backends: idempotent ingest, replacement, queries, exports."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import random
import re
import sqlite3

import pytest

from eventwire.export import columns, rows, write_csv, write_geojson, write_parquet
from eventwire.export.tables import parse
from eventwire.store import EventQuery, StoreError, open_store
from eventwire.store.base import AddResult
from eventwire.store.schema import EVIDENCE, LATEST, MIGRATIONS
from eventwire.store.postgres import _fts_column

from .conftest import retold_on


@pytest.fixture
def store(store_url, sample_records):
    s = open_store(store_url)
    s.add(sample_records)
    yield s
    s.close()


def _table_counts(s) -> dict:
    return {t: s.query(f"SELECT count(*) AS n FROM {t}")[0]["n"]
            for t in ("documents", "events", "actors", "places", "times", "canonical_events")}


def test_every_table_filled_and_schema_versioned(store, sample_records):
    counts = _table_counts(store)
    assert counts["documents"] == len(sample_records)
    assert counts["events"] == sum(len(r.events) for _, r in sample_records)
    assert all(counts[t] > 0 for t in counts)
    assert store.schema_version == LATEST
    # every event belongs to exactly one canonical event
    assert store.query("SELECT count(*) AS n FROM events WHERE canonical_id IS NULL")[0]["n"] == 0


def test_reingest_changes_nothing(store, sample_records):
    before = _table_counts(store)
    canon = sorted(r["id"] for r in store.canonical_events())
    result = store.add(sample_records)
    assert (result.new, result.replaced, result.unchanged) == (0, 0, len(sample_records))
    assert _table_counts(store) == before
    assert sorted(r["id"] for r in store.canonical_events()) == canon


def test_same_article_under_another_id_is_the_same_document(store, sample_records):
    document, record = sample_records[0]
    renamed = document.model_copy(update={"id": "another-file", "source": "copy.txt"})
    assert store.add([(renamed, record.model_copy(update={"doc_id": "another-file"}))]).unchanged == 1
    assert store.stats()["documents"] == len(sample_records)


def test_newer_extractor_replaces_a_documents_events(store, sample_records):
    document, record = next((d, r) for d, r in sample_records if len(r.events) > 2)
    newer = record.model_copy(update={"events": record.events[:2],
                                      "extractor": record.extractor.model_copy(update={"version": "9.9"})})
    result = store.add([(document, newer)])
    assert result.replaced == 1
    doc = store.query("SELECT hash, extractor_version, n_events FROM documents WHERE doc_id = ?", [record.doc_id])
    assert doc[0]["extractor_version"] == "9.9" and doc[0]["n_events"] == 2
    assert store.query("SELECT count(*) AS n FROM events WHERE doc_hash = ?", [doc[0]["hash"]])[0]["n"] == 2
    assert _orphans(store) == {}
    assert store.query("SELECT count(*) AS n FROM events WHERE canonical_id IS NULL "
                       "OR canonical_id NOT IN (SELECT id FROM canonical_events)")[0]["n"] == 0


def _orphans(store) -> dict[str, int]:
    """The rows whose document or event is not stored, by table (none are checked by a foreign
    key on PostgreSQL: `add` keeps them so)."""
    found = {t: store.query(f"SELECT count(*) AS n FROM {t} WHERE doc_hash NOT IN (SELECT hash FROM documents)")[0]["n"]
             for t in ("events", "places", "times")}
    found["actors"] = store.query("SELECT count(*) AS n FROM actors WHERE event_id NOT IN (SELECT id FROM events)")[0]["n"]
    return {t: n for t, n in found.items() if n}


def test_migration_22_drops_the_foreign_keys_of_a_postgresql_store_and_no_others(pg_url, sample_records):
    """A PostgreSQL store is made without foreign keys; one made before migration 22 loses its
    own on open, and another application's tables in the same schema keep theirs. Documents
    replaced by a newer extractor leave no row of the old version behind."""
    foreign = ("SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND connamespace = "
               "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) ORDER BY 1")
    with open_store(pg_url) as s:
        s.add(sample_records)
        assert s.query(foreign) == []
        with s.transaction():  # as a store of version 21 is, beside another application's tables
            s.execute("ALTER TABLE places ADD FOREIGN KEY (doc_hash) REFERENCES documents (hash)")
            s.execute("ALTER TABLE actors ADD CONSTRAINT \"Actor's \"\"event\"\"\" FOREIGN KEY (event_id) "
                      "REFERENCES events (id)")
            s.execute("CREATE TABLE team_notes (id int PRIMARY KEY)")
            s.execute("CREATE TABLE team_links (note int REFERENCES team_notes (id))")
            s.execute("DELETE FROM schema_version WHERE version >= 22")
        assert [r["t"] for r in s.query(foreign)] == ["actors", "places", "team_links"]
    with open_store(pg_url) as s:
        assert s.schema_version == LATEST and [r["t"] for r in s.query(foreign)] == ["team_links"]
        newer = [(d, r.model_copy(update={"events": r.events[:1],
                                          "extractor": r.extractor.model_copy(update={"version": "9.9"})}))
                 for d, r in sample_records]
        s.add(newer)
        assert s.stats()["events"] == sum(min(len(r.events), 1) for _, r in sample_records)
        assert _orphans(s) == {}


def test_migration_23_compares_a_postgresql_stores_text_byte_by_byte(pg_url, sample_records, caplog):
    """A PostgreSQL store's text columns sort by bytes, as SQLite's do; one made before
    migration 23 gets there on open, its rows, its pages and its planner's statistics as they
    were. The words of the full text (read by a generated column), a column a team's view
    reads, and another application's tables (one named as a table the store once had) keep
    their collation."""
    collations = ("SELECT table_name || '.' || column_name AS c, coalesce(collation_name, 'default') AS n FROM "
                  "information_schema.columns WHERE table_schema = current_schema() AND data_type = 'text'")
    analysed = "SELECT count(*) AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'events'"
    with open_store(pg_url) as s:
        s.add(sample_records)
        assert {r["n"] for r in s.query(collations) if r["c"] != "events.summary"} == {"C"}
        page = [e["id"] for e in s.events(limit=20)]
        word = next(w for e in s.events(limit=1) for w in e["summary"].split() if w.isalpha())
        found = [e["id"] for e in s.events(EventQuery(text=word))]
        with s.transaction():  # as a store of version 22 is, beside another application's tables
            for column in ("id", "doc_hash", "date_start", "country", "type"):
                s.execute(f'ALTER TABLE events ALTER COLUMN {column} TYPE text COLLATE "default"')
            # the summary under its generated column of words, as migration 21 left it
            s.execute("ALTER TABLE events DROP COLUMN fts")
            s.execute('ALTER TABLE events ALTER COLUMN summary TYPE text COLLATE "default"')
            s.execute(f"ALTER TABLE events ADD COLUMN {_fts_column(('summary',))}")
            s.execute('ALTER TABLE documents ALTER COLUMN hash TYPE text COLLATE "default"')
            s.execute("CREATE VIEW team_report AS SELECT id, type FROM events")
            s.execute("CREATE TABLE evidence (case_id text, note text)")  # the store's own went in migration 14
            s.execute("DELETE FROM schema_version WHERE version >= 23")
        s.execute("ANALYZE")
        assert {r["c"] for r in s.query(collations) if r["n"] == "default"} == {
            "events.id", "events.doc_hash", "events.date_start", "events.country", "events.type", "events.summary",
            "documents.hash", "evidence.case_id", "evidence.note", "team_report.id", "team_report.type"}
        statistics = s.query(analysed)[0]["n"]
    with caplog.at_level("WARNING"), open_store(pg_url) as s:
        assert s.schema_version == LATEST
        assert {r["c"] for r in s.query(collations) if r["n"] != "C"} == {
            "events.summary", "events.id", "events.type", "evidence.case_id", "evidence.note", "team_report.id",
            "team_report.type"}
        assert "events.id keeps the server's collation: team_report reads it" in caplog.text
        assert s.query(analysed)[0]["n"] == statistics
        assert [e["id"] for e in s.events(limit=20)] == page
        assert s.stats()["events"] == sum(len(r.events) for _, r in sample_records)
        assert [e["id"] for e in s.events(EventQuery(text=word))] == found != []  # its words still searched


def test_a_batch_holding_two_versions_of_a_document_stores_the_later(store_url, sample_records):
    """As if the two were added one after the other: the later extractor's events replace the
    earlier's (and one version given twice stays the first, as a later batch leaves it)."""
    document, record = next((d, r) for d, r in sample_records if len(r.events) > 2)
    newer = record.model_copy(update={"events": record.events[:2],
                                      "extractor": record.extractor.model_copy(update={"version": "9.9"})})
    renamed = document.model_copy(update={"id": "another-file"})
    with open_store(store_url) as s:
        result = s.add([(document, record), (document, newer), (renamed, newer.model_copy(update={"doc_id": "x"}))])
        assert (result.new, result.events) == (1, 2)
        doc = s.query("SELECT doc_id, extractor_version, n_events FROM documents")
        assert [(d["doc_id"], d["extractor_version"], d["n_events"]) for d in doc] == [(record.doc_id, "9.9", 2)]
        assert s.query("SELECT count(*) AS n FROM events")[0]["n"] == 2


def test_a_failing_batch_stores_nothing(store_url, sample_records, monkeypatch):
    s = open_store(store_url)
    s.add(sample_records[:1])
    before = _table_counts(s)

    insert = s.insert_values

    def broken(table, columns, values):
        if table == "times":  # the last table a batch writes
            raise RuntimeError("disk full")
        insert(table, columns, values)

    monkeypatch.setattr(s, "insert_values", broken)
    with pytest.raises(RuntimeError):
        s.add(sample_records[1:])
    assert _table_counts(s) == before
    s.close()


def test_ingest_order_does_not_change_canonical_events(store_url, sample_records, tmp_path):
    shuffled = list(sample_records)
    random.Random(7).shuffle(shuffled)
    other = open_store(str(tmp_path / "other.db"))
    for i in range(0, len(shuffled), 2):
        other.add(shuffled[i:i + 2])
    first = open_store(store_url)
    first.add(sample_records)

    def canon(s):
        return sorted((r["id"], r["type"], r["date_start"], r["place"], r["killed"], r["n_sources"])
                      for r in s.canonical_events())

    assert canon(first) == canon(other)
    first.close()
    other.close()


def test_full_text_search_stems_and_ranks_by_date(store):
    found = list(store.events(EventQuery(text="shelled")))
    assert found and all("shell" in r["summary"].lower() for r in found)
    dates = [r["date_start"] for r in found]
    assert dates == sorted(dates, reverse=True)
    assert list(store.events(EventQuery(text='"; DROP TABLE events; --'))) == []
    assert store.stats()["events"] > 0


# words PostgreSQL's english configuration drops as stop words, "US" and "WHO" names among them
STOP_WORDS = ["from", "after", "who", "us", "against", "over", "into", "during", "before", "between"]


def _having(s, words) -> dict[str, set[str]]:
    """For each of `words` that some stored summary holds as a word, the events whose summary does."""
    summaries = {r["id"]: set(re.findall(r"[a-z]+", (r["summary"] or "").lower())) for r in s.events()}
    having = {w: {i for i, found in summaries.items() if w in found} for w in words}
    return {w: ids for w, ids in having.items() if ids}


def test_full_text_search_finds_stop_words_on_both_backends(store):
    """A search for "US", "WHO" or "from" found nothing on PostgreSQL, whose english
    configuration drops them; every event on SQLite. Both find each event that says it."""
    having = _having(store, STOP_WORDS)
    assert len(having) >= 3
    for word, ids in having.items():
        assert ids <= {r["id"] for r in store.events(EventQuery(text=word))}, word
        assert ids <= {r["id"] for r in store.events(EventQuery(text=word.upper()))}, word


def test_migration_21_indexes_every_word_of_a_postgresql_store(pg_url, sample_records):
    """A PostgreSQL store made before migration 21 (english, stop words dropped) indexes every
    word on open: its events are found by a stop word, and its other searches are unchanged."""
    with open_store(pg_url) as s:
        s.add(sample_records)
        having = _having(s, STOP_WORDS)
        shelled = [r["id"] for r in s.events(EventQuery(text="shelled"))]
        with s.transaction():  # as a store of version 20 is
            s.execute("ALTER TABLE events DROP COLUMN fts")
            s.execute("ALTER TABLE events ADD COLUMN fts tsvector GENERATED ALWAYS AS "
                      "(to_tsvector('english', coalesce(summary, ''))) STORED")
            s.execute("CREATE INDEX idx_events_fts ON events USING GIN (fts)")
            s.execute("DELETE FROM schema_version WHERE version >= 21")
        assert not list(s.events(EventQuery(text=next(iter(having)))))  # the stop word, dropped
    with open_store(pg_url) as s:
        assert s.schema_version == LATEST
        for word, ids in having.items():
            assert ids <= {r["id"] for r in s.events(EventQuery(text=word))}, word
        assert [r["id"] for r in s.events(EventQuery(text="shelled"))] == shelled
        assert s.query("SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'idx_events_fts'")[0]["n"] == 1


def test_filters_combine(store):
    everything = list(store.events())
    assaults = list(store.events(EventQuery(type=["ASSAULT"])))
    assert assaults and {r["type"] for r in assaults} == {"ASSAULT"} and len(assaults) < len(everything)
    russia = list(store.events(EventQuery(country=["RU"], since="2023-06-01", until="2023-06-04")))
    assert russia and all(r["country"] == "RU" and r["date_end"] >= "2023-06-01" for r in russia)
    belgorod = (50.6, 36.6)
    near = list(store.events(EventQuery(near=(*belgorod, 150))))
    assert near and all(abs(r["lat"] - belgorod[0]) < 2 for r in near)
    assert not list(store.events(EventQuery(near=(0.0, 0.0, 10))))


def _paged(store, size: int) -> list[str]:
    """The ids of every page of all events, `size` a page, cursor after cursor."""
    seen, cursor = [], None
    while True:
        page, cursor = store.page(EventQuery(), cursor=cursor, limit=size)
        seen += [r["id"] for r in page]
        if cursor is None:
            return seen


def test_pages_cover_everything_once(store):
    seen = _paged(store, 7)
    assert sorted(seen) == sorted(r["id"] for r in store.events()) and len(seen) == len(set(seen))
    with pytest.raises(ValueError):
        store.page(EventQuery(), cursor="not-a-cursor")


def test_a_page_goes_on_when_its_events_go_between_its_two_reads(store, monkeypatch):
    """A page reads its ids, then their rows: a writer that removes a document in between (a
    replaced article) leaves that page short, not the listing ended at it."""
    newest, raced = store.newest, []

    def racing(*args, **kwargs):
        ids = newest(*args, **kwargs)
        if not raced:  # another writer, once: the document of the page's first event goes
            raced.append(store.query("SELECT doc_hash FROM events WHERE id = ?", [ids[0][0]])[0]["doc_hash"])
            with store.transaction():
                store._remove_document(raced[0])
        return ids

    monkeypatch.setattr(store, "newest", racing)
    seen = _paged(store, 3)
    assert seen == [r["id"] for r in store.events()] and seen

def test_event_carries_evidence_for_its_fields(store):
    row = next(r for r in store.events(EventQuery(type=["ASSAULT"])) if r["killed"] is not None)
    event = store.event(row["id"])
    doc = store.document(row["doc_hash"])
    fields = {e["field"] for e in event["evidence"]}
    assert {"evidence", "trigger", "killed"} <= fields
    for e in event["evidence"]:
        assert doc["text"][e["span_start"]:e["span_end"]] == e["text"]


def test_sources_list_each_article(store):
    cid = store.canonical_events(limit=1)[0]["id"]
    members = store.sources(cid)
    assert members and all(m["canonical_id"] == cid and m["doc_date"] for m in members)


def test_csv_round_trips_with_documented_types(store):
    buf = io.StringIO()
    n = write_csv(rows(store), buf)
    buf.seek(0)
    reader = csv.DictReader(buf)
    assert reader.fieldnames == [c["name"] for c in columns()]
    back = [{c["name"]: parse(r[c["name"]], c["type"]) for c in columns()} for r in reader]
    assert len(back) == n == store.stats()["events"]
    original = list(rows(store))
    assert back == original
    assert all(isinstance(r["fatalities"], int) and isinstance(r["historical"], bool) for r in back)


def test_geojson_is_valid_rfc7946(store):
    import geojson

    buf = io.StringIO()
    write_geojson(rows(store), buf)
    collection = geojson.loads(buf.getvalue())
    assert collection.is_valid and collection["type"] == "FeatureCollection"
    located = [f for f in collection["features"] if f["geometry"]]
    assert located
    for f in located:
        lon, lat = f["geometry"]["coordinates"]
        assert (lat, lon) == (f["properties"]["latitude"], f["properties"]["longitude"])


def test_parquet_reads_back_the_same_rows(store, tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "events.parquet"
    n = write_parquet(rows(store), path)
    table = pq.read_table(path)
    assert table.num_rows == n and table.schema.field("event_date").type.__str__() == "date32[day]"
    back = table.to_pylist()
    for r in back:
        for c in columns():
            if c["type"] == "date" and r[c["name"]] is not None:
                r[c["name"]] = r[c["name"]].isoformat()
    assert back == list(rows(store))


def test_sqlite_file_reads_in_datasette(tmp_path, sample_records):
    from datasette.app import Datasette

    path = tmp_path / "eventwire.db"
    open_store(str(path)).add(sample_records)

    async def fetch():
        ds = Datasette([str(path)])
        tables = (await ds.client.get("/eventwire.json")).json()["tables"]
        search = (await ds.client.get("/eventwire/events.json?_search=shelled&_shape=array")).json()
        return {t["name"] for t in tables}, search

    tables, search = asyncio.run(fetch())
    assert {"documents", "events", "actors", "places", "times", "canonical_events"} <= tables
    assert search and all("shell" in r["summary"].lower() for r in search)


def test_sqlite_is_in_wal_mode(tmp_path):
    path = tmp_path / "w.db"
    open_store(str(path)).close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_bad_stores_give_one_line_errors(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as exc:
        open_store(str(junk))
    assert str(junk) in str(exc.value) and "\n" not in str(exc.value)
    assert junk.read_bytes() == b"this is not a database" * 100  # never touched
    with pytest.raises(StoreError) as exc:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(exc.value) and "\n" not in str(exc.value)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (?, 'from the future', '2099-01-01')", [LATEST + 1])
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(str(path))


def _as_version_10(s) -> None:
    """The store as migration 10 left it: no actor sets, tables or indexes of them."""
    from eventwire.store.schema import DATE_INDEX, DATE_INDEX_10, DATED_TEXT, MATCH_ROWS

    with s.transaction():
        for table in ("actor_names", "actor_sets", "actor_totals"):
            s.execute(f"DROP TABLE {table}")
        if s.has_table(MATCH_ROWS):  # SQLite's copies of migration 17, and their triggers
            s.execute(f"DROP TABLE {MATCH_ROWS}")
            s.execute(f"DROP TABLE {DATED_TEXT}")
            for trigger in ("events_rows_ad", "events_rows_au", "events_dated_ad", "events_dated_au"):
                s.execute(f"DROP TRIGGER {trigger}")
        for columns in (DATE_INDEX, ("actor_set", "date_start", "id")):
            s.execute(f"DROP INDEX idx_events_{'_'.join(columns)}")
        s.execute("ALTER TABLE events DROP COLUMN actor_set")
        s.create_index("events", DATE_INDEX_10)
        s.execute("DELETE FROM schema_version WHERE version >= 11")


def test_full_text_written_per_batch_after_migration_6(tmp_path, sample_records):
    """A store made before migration 6 (a trigger indexes each row) is migrated on open: the
    trigger goes, the rows stored before stay searchable, the rows added after are indexed
    once by the batch's insert, not twice."""
    path = tmp_path / "v5.db"
    half = len(sample_records) // 2
    with open_store(str(path)) as s:
        s.add(sample_records[:half])
        _as_version_10(s)
    conn = sqlite3.connect(path)  # back to version 5, with its per-row trigger
    conn.execute("DELETE FROM schema_version WHERE version >= 6")
    conn.execute("CREATE TRIGGER [events_ai] AFTER INSERT ON [events] BEGIN INSERT INTO [events_fts] "
                 "(rowid, [summary]) VALUES (new.rowid, new.[summary]); END")
    conn.commit()
    conn.close()
    with open_store(str(path)) as s:
        assert s.schema_version == LATEST
        assert not s.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_ai'")
        s.add(sample_records[half:])
        for word in ("killed", "shelling", "police"):
            indexed = s.query("SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH ?", [word])[0]["n"]
            matching = s.query("SELECT count(*) AS n FROM events e WHERE e.rowid IN "
                               "(SELECT rowid FROM events_fts WHERE events_fts MATCH ?)", [word])[0]["n"]
            assert indexed == matching  # no row indexed twice
        stems = {r["doc_hash"] for r in s.events(EventQuery(text="killed"))}
        hashes = {r["doc_hash"] for r in s.query("SELECT doc_hash FROM events WHERE lower(summary) LIKE '%killed%'")}
        assert hashes and hashes <= stems  # before and after the migration
        documents = s.query("SELECT count(*) AS n FROM documents_fts")[0]["n"]
        assert documents == len(sample_records)


def test_json_columns_hold_spec_events(store):
    from eventwire.models import Event

    rows = list(store.events(limit=5))
    assert len(rows) == 5  # the sample articles hold more events than that
    for row in rows:
        assert Event.model_validate_json(row["record"]).type == row["type"]
        assert isinstance(json.loads(row["mode"]), list)


def test_common_words_page_the_same_by_either_plan(tmp_path, sample_records, monkeypatch):
    from eventwire.store import sqlite as backend

    s = open_store(str(tmp_path / "plans.db"))
    s.add(sample_records)
    q = EventQuery(text="killed")
    expected = [r["id"] for r in s.query("SELECT e.id FROM events e WHERE e.rowid IN (SELECT rowid FROM events_fts "
                                         "WHERE events_fts MATCH 'killed') ORDER BY e.date_start DESC, e.id DESC")]
    assert [r["id"] for r in s.events(q)] == expected and expected  # by their postings in date order
    monkeypatch.setattr(backend, "DATED_RUNS", 0)  # as many as the map's points: their narrow rows, sorted
    assert [r["id"] for r in s.events(q)] == expected


def test_map_points_are_the_located_events_of_the_pages(store):
    from eventwire.store.review import review

    victim = next(r for r in store.events() if r["lat"] is not None)
    review(store, victim["id"], "tester", "accept")
    for q in (EventQuery(), EventQuery(country=["UA"]), EventQuery(text="killed"), EventQuery(reviewed=True),
              EventQuery(since="2023-01-01", type=["ASSAULT"]),
              # a box's corners lie outside its circle: points there are not near
              EventQuery(near=(49.0, 32.0, 500)), EventQuery(near=(53.0, 28.0, 500))):
        expected = [(r["id"], r["lat"], r["lon"], r["type"], r["killed"], r["date_start"], r["review_status"])
                    for r in store.events(q) if r["lat"] is not None]
        assert store.points(q) == (expected, False), q
        assert store.points(q, limit=1) == (expected[:1], len(expected) > 1)
    assert store.points(EventQuery(reviewed=True))[0][0][0] == victim["id"]


def test_filtered_pages_and_points_walk_the_date_index_alone(tmp_path, sample_records):
    from eventwire.store.review import review

    s = open_store(str(tmp_path / "walk.db"))
    s.add(sample_records)
    for sql in ("SELECT e.id FROM events e WHERE e.admin1 IN (?) AND e.claim_status IN (?) AND e.historical = ? "
                "ORDER BY e.date_start DESC, e.id DESC LIMIT 51",
                "SELECT e.id, e.lat, e.lon, e.type, e.killed, e.date_start, e.review_status FROM events e "
                "WHERE e.date_end >= ? AND e.lat IS NOT NULL ORDER BY e.date_start DESC, e.id DESC LIMIT 51"):
        plan = " ".join(r["detail"] for r in s.query("EXPLAIN QUERY PLAN " + sql, ["x", "y", 0][:sql.count("?")]))
        assert "COVERING INDEX idx_events_date_start_id" in plan, plan
    # reviewed events by their partial index (the planner had walked every event's date)
    assert "review_status_set" in s.page_hint(EventQuery(reviewed=True))
    ids = [r["id"] for r in list(s.events())[::3]]
    for event_id in ids:
        review(s, event_id, "tester", "accept")
    assert [r["id"] for r in s.events(EventQuery(reviewed=True))] == [r["id"] for r in s.events() if r["id"] in ids]


def _actor_events(s, actor: str) -> set[str]:
    """The events with an actor whose name or text holds `actor`, whatever its case: each
    actor read and compared in Python (what the filter must equal)."""
    return {r["event_id"] for r in s.query("SELECT event_id, name, text FROM actors")
            if any(actor.lower() in (v or "").lower() for v in (r["name"], r["text"]))}


ACTORS = ("gladkov", "GLADKOV", "Ukrainian forces", "ukrainian FORCES", "police", "Russia", "zz-none", "%", "_")


@pytest.mark.parametrize("listed", [2000, 0])  # the sets passed as parameters, or a subquery
def test_actor_filter_matches_any_case_and_part_of_a_name(store, listed, monkeypatch):
    from eventwire.store import base

    monkeypatch.setattr(base, "MAX_LISTED_SETS", listed)
    for actor in ACTORS:
        expected = _actor_events(store, actor)
        q = EventQuery(actor=actor)
        assert {r["id"] for r in store.events(q)} == expected, actor
        assert bool(expected) == (actor not in ("zz-none", "%", "_")), actor
        assert store.aggregates(q)["total"] == len(expected), actor
        assert {p[0] for p in store.points(q)[0]} == {r["id"] for r in store.events(q) if r["lat"] is not None}
    # a set of actors is searched once: the names of many events are few
    names = store.query("SELECT count(*) AS n FROM actor_names")[0]["n"]
    assert names == len({v.lower() for r in store.query("SELECT name, text FROM actors") for v in r.values() if v})


def test_actor_filter_pages_the_same_by_either_plan(tmp_path, sample_records, monkeypatch):
    from eventwire.store import sqlite as backend

    s = open_store(str(tmp_path / "actors.db"))
    s.add(sample_records)
    for actor in ("police", "forces", "gladkov"):
        q = EventQuery(actor=actor)
        pages = {}
        # every actor rare: its own index; every actor common: the date index
        for hits, index in ((10**9, "idx_events_actor_set_date_start_id"), (0, "idx_events_date_start_id_")):
            monkeypatch.setattr(backend, "COMMON_WORD_HITS", hits)
            assert index in s.page_hint(q)
            pages[hits] = [r["id"] for r in s.events(q, limit=None)]
            assert [r["id"] for r in s.events(q.model_copy(update={"text": "killed"}))] == \
                [r["id"] for r in s.events(q) if r["id"] in {e["id"] for e in s.events(EventQuery(text="killed"))}]
        assert pages[0] == pages[10**9] and pages[0], actor
        assert pages[0] == sorted(_actor_events(s, actor), key=lambda i: next(
            (r["date_start"], r["id"]) for r in s.query("SELECT date_start, id FROM events WHERE id = ?", [i])), reverse=True)


def _counted(s, q: EventQuery) -> dict:
    """The aggregates counted from the events themselves (what the summary tables must equal);
    an actor's events found by reading every actor."""
    where, params = __import__("eventwire.store.query", fromlist=["where_clause"]).where_clause(
        q.model_copy(update={"actor": None}), s.text_match)
    rows = s.query(f"SELECT e.id, e.date_start AS day, e.type, e.admin1, e.killed FROM events e WHERE {where}", params)
    if q.actor:
        rows = [r for r in rows if r["id"] in _actor_events(s, q.actor)]
    by = lambda key: sorted(((k or "", sum(1 for r in rows if r[key] == k), sum(r["killed"] or 0 for r in rows if r[key] == k))  # noqa: E731
                             for k in {r[key] for r in rows}))
    return {"total": len(rows), "by_day": by("day"), "by_type": by("type"), "by_admin1": by("admin1")}


def _summarised(s, q: EventQuery) -> dict:
    agg = s.aggregates(q, top=500)
    return {"total": agg["total"], **{f"by_{k}": sorted((r[k] or "", r["events"], r["killed"]) for r in agg[f"by_{k}"])
                                      for k in ("day", "type", "admin1")}}


def test_summary_tables_follow_adds_replacements_and_corrections(store, sample_records):
    from eventwire.store.review import review

    def check():
        for q in (EventQuery(), EventQuery(country=["UA"]), EventQuery(type=["ASSAULT"], since="2023-01-01"),
                  EventQuery(text="killed"), EventQuery(claim_status=["reported"], country=["UA"]),
                  EventQuery(actor="police"), EventQuery(actor="FORCES"), EventQuery(actor="forces", country=["UA"]),
                  EventQuery(admin1=["Nowhere Oblast"])):
            assert _summarised(store, q) == _counted(store, q), q
            whole = store.aggregates(q, top=500)["by_admin1"]
            assert store.aggregates(q, top=2)["by_admin1"] == whole[:2]
            assert [r["events"] for r in whole] == sorted((r["events"] for r in whole), reverse=True)
        assert {f["value"]: f["n"] for f in store.facets()["type"]} == {t: n for t, n, _ in _counted(store, EventQuery())["by_type"]}

    check()
    assert store.aggregates()["total"] == store.stats()["events"] > 0
    document, record = next((d, r) for d, r in sample_records if len(r.events) > 2)
    store.add([(document, record.model_copy(update={"events": record.events[:1], "extractor": record.extractor.model_copy(
        update={"version": "9.9"})}))])
    check()
    victim = next(r for r in store.events() if r["killed"])
    review(store, victim["id"], "tester", "correct", {"counts": {"killed": victim["killed"] + 7}, "type": "COERCE"})
    check()
    # a bulk load that wrote the events table directly is counted again in full
    store.execute("DELETE FROM event_cube")
    store.retally()
    check()


# an actor's sets' days walked one set at a time, or counted; the sets listed, or a query of them
@pytest.mark.parametrize("few_sets, listed", [(100, 2000), (0, 2000), (100, 1)])
def test_charts_of_many_days_count_by_month(store, monkeypatch, few_sets, listed):
    from eventwire.store import base

    monkeypatch.setattr(base, "FEW_SETS", few_sets)
    monkeypatch.setattr(base, "MAX_LISTED_SETS", listed)
    days = len({r["date_start"] for r in store.events()})
    assert days > 3
    # as if the events spanned decades (every bound, each query's own days among them); an
    # actor's sets may each fall on fewer days than their union
    for max_days in range(1, days + 1):
        monkeypatch.setattr(base, "MAX_DAYS", max_days)
        for q in (EventQuery(), EventQuery(country=["UA"]), EventQuery(text="killed"), EventQuery(actor="police"),
                  EventQuery(actor="forces")):
            counted = _counted(store, q)
            months: dict[str, list[int]] = {}
            for day, n, killed in counted["by_day"]:
                m = months.setdefault(day[:7] + "-01", [0, 0])
                m[0] += n
                m[1] += killed
            agg = store.aggregates(q, top=500)
            assert agg["total"] == counted["total"]
            if len(counted["by_day"]) <= max_days:  # few days of events, however far apart: by day
                assert agg["bucket"] == "day"
                continue
            assert agg["bucket"] == "month", (q, max_days)
            assert [(r["day"], r["events"], r["killed"]) for r in agg["by_day"]] == [(k, *v) for k, v in sorted(months.items())]
    monkeypatch.setattr(base, "MAX_DAYS", 10**6)
    assert store.aggregates()["bucket"] == "day"


@pytest.mark.parametrize("max_days", [1, 10**6])
def test_charts_count_events_of_no_date_in_an_entry_of_their_own(store, monkeypatch, max_days):
    """Events a bulk load wrote with no date (`add` always dates; `retally` counts such a load)
    are counted in one entry of day None, last, by day and by month, on every path of the
    charts: the summary tables, a filter, an actor's sets. By month the whole chart showed a
    month "-01", and a filter's or an actor's failed."""
    from eventwire.store import base

    monkeypatch.setattr(base, "MAX_DAYS", max_days)
    undated = [r["id"] for r in store.events(EventQuery(actor="police"))][:2]
    assert undated
    store.execute(f"UPDATE events SET date_start = NULL, date_end = NULL WHERE id IN ({', '.join('?' * len(undated))})",
                  undated)
    store.retally()
    for q in (EventQuery(), EventQuery(country=["UA"]), EventQuery(text="killed"), EventQuery(actor="police")):
        counted = _counted(store, q)
        agg = store.aggregates(q, top=500)
        assert agg["total"] == counted["total"]
        days = [r["day"] for r in agg["by_day"]]
        dated = sum(n for day, n, _ in counted["by_day"] if day)
        assert all(d and len(d) == 10 and d[4] == "-" for d in days[:-1]), (q, days)
        if dated < counted["total"]:  # this filter's undated events: one entry, the last
            assert days[-1] is None and agg["by_day"][-1]["events"] == counted["total"] - dated, q
        else:
            assert None not in days


def test_migration_11_fills_the_actor_sets_of_an_older_store(store_url, sample_records):
    """A store of version 10 (no actor sets) gets them on open, counted from its actors: the
    filter and its aggregates answer as on a store made by this version."""
    half = len(sample_records) // 2
    with open_store(store_url) as s:
        s.add(sample_records[:half])
        _as_version_10(s)
        assert s.schema_version == 10
    with open_store(store_url) as s:
        assert s.schema_version == LATEST
        sets = s.query("SELECT count(DISTINCT actor_set) AS n FROM events")[0]["n"]
        assert 0 < sets <= s.query("SELECT count(DISTINCT id) AS n FROM actor_sets")[0]["n"]
        s.add(sample_records[half:])  # and later adds keep them
        for actor in ACTORS:
            q = EventQuery(actor=actor)
            assert {r["id"] for r in s.events(q)} == _actor_events(s, actor), actor
            assert _summarised(s, q) == _counted(s, q), actor


def _indexes(s, table: str) -> set[str]:
    if s.url.startswith("postgresql"):
        rows = s.query("SELECT indexname AS name FROM pg_indexes WHERE tablename = ? AND indexname NOT LIKE '%_pkey'",
                       [table])
    else:
        rows = s.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                       [table])
    return {r["name"] for r in rows}


def test_migration_12_drops_the_indexes_no_reader_uses(store_url, sample_records):
    """Actors and places keep only their keys (each index more is a page written per row at
    ingest); the actor filter still finds events by any actor's name."""
    with open_store(store_url) as s:
        s.add(sample_records)
        assert _indexes(s, "actors") == set() and _indexes(s, "places") == set()
        assert "idx_events_doc_hash" in _indexes(s, "events")
        name = s.query("SELECT name FROM actors WHERE name IS NOT NULL ORDER BY name LIMIT 1")[0]["name"]
        assert {r["id"] for r in s.events(EventQuery(actor=name))} == _actor_events(s, name)


def _content(s) -> tuple:
    events = s.query("SELECT id, canonical_id, record FROM events ORDER BY id")
    return events, s.canonical_events(), *_summaries(s)


def _summaries(s) -> list:
    return [sorted(s.query(f"SELECT * FROM {t}"), key=lambda r: [str(v) for v in r.values()])
            for t in ("event_totals", "event_cube", "actor_totals")]


def test_add_all_stores_what_add_does_batch_by_batch(store_url, sample_records, tmp_path):
    """`add_all` (rows made a batch ahead, in a thread) stores what `add` of each batch does;
    a batch that cannot be made stops it with the batches before it committed."""
    batches = [sample_records[i:i + 3] for i in range(0, len(sample_records), 3)]
    with open_store(str(tmp_path / "one.db")) as s:
        expected = [s.add(b) for b in batches]
        content = _content(s)
    with open_store(store_url) as s:
        assert list(s.add_all(iter(batches))) == expected
        assert _content(s) == content
        assert list(s.add_all(iter(batches))) == [AddResult(unchanged=len(b)) for b in batches]
        s.retally()  # the summary tables counted per batch are those counted from the events
        assert _content(s) == content
    with open_store(str(tmp_path / "broken.db")) as s:
        with pytest.raises(AttributeError):
            list(s.add_all([batches[0], [(None, None)], batches[1]]))
        assert s.stats()["documents"] == len(batches[0])


@pytest.mark.parametrize("version, own_span", [
    (13, "date_precision = 'year'"),
    (19, "feature = 'country' AND date_precision IN ('month', 'reported')"),
])
def test_migrations_split_a_report_of_its_own_span_from_the_dated_event_it_was_grouped_with(
        store_url, sample_records, version, own_span):
    """A store grouped before reports dated only by their year (13), or a country's by a month or
    their publication (19), kept to their own span: its groups that join such a report with
    others are grouped again on open, as a store made now groups them (and its other groups
    stay)."""
    with open_store(store_url) as s:
        s.add(sample_records)
        now = s.query("SELECT id, canonical_id FROM events ORDER BY id")
        canonical = s.canonical_events()
        report = s.query(f"SELECT id FROM events WHERE {own_span} ORDER BY id")[0]["id"]
        dated = s.query("SELECT id, canonical_id FROM events WHERE date_precision = 'day' ORDER BY id")[0]
        with s.transaction():  # as the rules before made it: the report in a dated event's group
            s.execute("DELETE FROM canonical_events WHERE id = (SELECT canonical_id FROM events WHERE id = ?)", [report])
            s.execute("UPDATE events SET canonical_id = ? WHERE id = ?", [dated["canonical_id"], report])
            s.execute("DELETE FROM schema_version WHERE version >= ?", [version])
    with open_store(store_url) as s:
        assert s.schema_version == LATEST
        assert s.query("SELECT id, canonical_id FROM events ORDER BY id") == now
        assert s.canonical_events() == canonical


def test_migration_16_splits_a_place_reported_every_day_into_an_event_a_day(store_url, sample_records):
    """A store grouped before days a day apart joined only as a lone pair held a week of daily
    reports of one place as one event: grouped again on open, as a store made now groups them."""
    document, record = next((d, r) for d, r in sample_records if any(
        e.location and e.date.precision == "day" for e in r.events))
    event = next(e for e in record.events if e.location and e.date.precision == "day")
    with open_store(store_url) as s:
        s.add(sample_records + retold_on(document, record, event, list(range(7)), "daily"))
        now = s.query("SELECT id, canonical_id FROM events ORDER BY id")
        canonical = s.canonical_events()
        daily = [r["id"] for r in s.query("SELECT id FROM events WHERE doc_hash IN (SELECT hash FROM documents "
                                          "WHERE doc_id LIKE '%-daily%') ORDER BY id")]
        assert len({c for i, c in (tuple(r.values()) for r in now) if i in daily}) >= 4
        with s.transaction():  # as the rules before made it: the week's reports one event
            s.execute(f"DELETE FROM canonical_events WHERE id IN (SELECT canonical_id FROM events WHERE id IN "
                      f"({', '.join('?' * len(daily))}))", daily)
            s.insert("canonical_events", [{**canonical[0], "id": "cchained", "n_events": len(daily)}])
            s.execute(f"UPDATE events SET canonical_id = 'cchained' WHERE id IN ({', '.join('?' * len(daily))})", daily)
            s.execute("DELETE FROM schema_version WHERE version >= 16")
    with open_store(store_url) as s:
        assert s.schema_version == LATEST
        assert s.query("SELECT id, canonical_id FROM events ORDER BY id") == now
        assert s.canonical_events() == canonical


def test_an_upgrade_killed_while_it_groups_again_finishes_when_started_again(store_url, sample_records, monkeypatch):
    """Grouping every event again commits a type and country at a time: killed midway, the
    store keeps its older schema, and the next open finishes the rest."""
    import eventwire.store.base as base

    with open_store(store_url) as s:
        s.add(sample_records)
        now = s.query("SELECT id, canonical_id FROM events ORDER BY id")
        canonical = s.canonical_events()
        with s.transaction():  # as a bulk load leaves it: each event a group of its own
            events = s._mentions("1 = 1")
            alone = [base.canonical_event([m]) for m in events]
            s.execute("DELETE FROM canonical_events")
            s.insert("canonical_events", alone)
            s.executemany("UPDATE events SET canonical_id = ? WHERE id = ?", [(r["id"], m.id) for r, m in zip(alone, events)])
            # from the last migration that groups again on
            s.execute("DELETE FROM schema_version WHERE version >= ?", [max(m.version for m in MIGRATIONS if m.regroup)])
    real, blocks = base.group, []

    def killed(members, **kw):
        if len(blocks) == 3:
            raise KeyboardInterrupt
        blocks.append(len(members))
        return real(members, **kw)

    with monkeypatch.context() as patch:
        patch.setattr(base, "group", killed)
        with pytest.raises(KeyboardInterrupt):
            open_store(store_url)
        patch.setattr(base.Store, "migrate", lambda self: [])
        with open_store(store_url) as s:
            assert s.schema_version < LATEST
    with open_store(store_url) as s:
        assert s.schema_version == LATEST
        assert s.query("SELECT id, canonical_id FROM events ORDER BY id") == now
        assert s.canonical_events() == canonical


def test_migration_14_drops_the_evidence_table_and_evidence_still_comes_with_every_field(store_url, sample_records):
    """An older store's table of evidence rows goes on open; each event's evidence, read from
    its record and its document's text, is what the table held."""
    with open_store(store_url) as s:
        s.add(sample_records)
        ids = [r["id"] for r in s.query("SELECT id FROM events ORDER BY id")]
        held = {i: s.event(i)["evidence"] for i in ids}
        with s.transaction():  # as a store before migration 14 held it
            s.create_table(EVIDENCE)
            s.insert("evidence", [row for i in ids for row in held[i]])
            s.execute("DELETE FROM schema_version WHERE version >= 14")
    with open_store(store_url) as s:
        assert s.schema_version == LATEST and not s.has_table("evidence")
        assert {i: s.event(i)["evidence"] for i in ids} == held
        doc = s.document(s.event(ids[0])["doc_hash"])
        assert all(doc["text"][e["span_start"]:e["span_end"]] == e["text"] for e in held[ids[0]])
        assert {e["field"] for rows in held.values() for e in rows} >= {"evidence", "trigger", "date", "location",
                                                                      "actor", "killed"}


def test_evidence_read_a_few_documents_at_a_time_is_the_same(store, monkeypatch):
    """Evidence of events from many documents, their texts read one at a time, is what reading
    them all at once gives (an export page's texts are not all held at once)."""
    from eventwire.store import base

    rows = list(store.events(EventQuery()))
    assert len({r["doc_hash"] for r in rows}) > 1
    whole = store.evidence(rows)
    monkeypatch.setattr(base, "EVIDENCE_DOCS", 1)
    assert store.evidence(rows) == whole and list(whole) == [r["id"] for r in rows]
    assert all(rows_ and rows_[0]["field"] == "evidence" for rows_ in whole.values())


def test_a_batch_after_one_rolled_back_is_counted_once(store_url, sample_records):
    """The batch's temporary table (`count_written`), made in a transaction that rolls back, is
    gone with it (PostgreSQL) or holds none of its rows: the next batches, statements prepared
    at once (psycopg's prepare_threshold 0), replacements among them, count what `retally` does."""
    half = len(sample_records) // 2
    replaced = [(d, r.model_copy(update={"events": r.events[:1],
                                         "extractor": r.extractor.model_copy(update={"version": "other"})}))
                for d, r in sample_records[half:half + 2]]
    with open_store(store_url) as s:
        if store_url.startswith("postgresql"):
            s.conn.prepare_threshold = 0
        with pytest.raises(RuntimeError), s.transaction():
            s.add(sample_records[:half])
            raise RuntimeError
        s.add(sample_records[half:])
        assert s.add(sample_records[:half] + replaced).replaced == 2
        counted = _summaries(s)
        s.retally()
        assert _summaries(s) == counted and counted[0]


def test_a_role_denied_temporary_tables_still_ingests(pg_url, sample_records):
    """A hardened PostgreSQL server may deny a role temporary tables: batches are then counted
    from the events themselves (a failed CREATE TEMP would end the batch's transaction), the
    same counts as a recount."""
    import psycopg

    database = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC, CURRENT_USER")
    half = len(sample_records) // 2
    with open_store(pg_url) as s:
        assert not s.temporary_tables
        s.add(sample_records[:half])
        s.add(sample_records[half:])
        counted = _summaries(s)
        s.retally()
        assert _summaries(s) == counted and counted[0]

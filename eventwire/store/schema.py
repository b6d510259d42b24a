"""The store's tables, described once and created by either backend; versioned migrations.

Column kinds are ours (`text`, `int`, `float`, `bool`, `json`); each backend maps them to its
own types. JSON is kept as text in both so that both return the same Python values.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..models import COUNT_KINDS


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    pk: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # column, other table, other column
    indexes: tuple[tuple[str, ...], ...] = ()
    fts: tuple[str, ...] = ()  # columns under full-text search


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    tables: tuple[Table, ...] = ()
    drop_tables: tuple[str, ...] = ()
    add_columns: tuple[tuple[str, str, str], ...] = ()  # table, column, kind
    indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # table, columns
    drop_indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # table, columns
    # table, column: an index of the rows where the column is set (new rows cost it nothing)
    set_indexes: tuple[tuple[str, str], ...] = ()
    # the summary tables (and the events' actor sets) counted again from the events stored before it
    backfill: bool = False
    # full-text indexes made cheaper to write (`Store.cheapen_text_indexes`)
    cheaper_text_indexes: bool = False
    # every stored event grouped again from scratch (`Store.regroup`; once, by the last such
    # migration a store needs)
    regroup: bool = False
    # the events' filtered columns kept by full-text row (`Store.keep_match_rows`)
    match_rows: bool = False
    # the events and deaths of each word of the summaries kept by month, type and region
    # (`Store.keep_word_totals`)
    word_totals: bool = False
    # full-text indexes that keep every word, stop words too (`Store.keep_every_word`)
    every_word: bool = False
    # the foreign keys' checks dropped where they cost (`Store.drop_reference_checks`)
    unchecked_references: bool = False
    # text compared byte by byte, as SQLite compares it (`Store.compare_text_bytewise`)
    bytewise_text: bool = False


PLACE_COLUMNS = (
    ("place", "text"), ("geonameid", "int"), ("lat", "float"), ("lon", "float"), ("feature", "text"),
    ("country", "text"), ("admin1", "text"), ("admin2", "text"),
)
COUNT_COLUMNS = tuple(c for k in COUNT_KINDS for c in ((k, "int"), (f"{k}_q", "text")))
DATE_COLUMNS = (("date_start", "text"), ("date_end", "text"), ("date_precision", "text"))

DOCUMENTS = Table(
    "documents",
    (("hash", "text"), ("doc_id", "text"), ("date", "text"), ("title", "text"), ("source", "text"),
     ("url", "text"), ("lang", "text"), ("text", "text"), ("n_events", "int"),
     ("extractor_version", "text"), ("ingested_at", "text")),
    pk=("hash",),
    indexes=(("doc_id",), ("date",)),
    fts=("title", "text"),
)
CANONICAL = Table(
    "canonical_events",
    (("id", "text"), ("type", "text"), ("event_type", "text"), ("sub_event_type", "text"))
    + DATE_COLUMNS + PLACE_COLUMNS
    + tuple(c for k in COUNT_KINDS for c in ((k, "int"), (f"{k}_max", "int")))
    + (("actor1", "text"), ("actor2", "text"), ("actors", "json"), ("claim_status", "text"),
       ("historical", "bool"), ("n_sources", "int"), ("n_events", "int"), ("summary", "text"),
       ("first_reported", "text")),
    pk=("id",),
    indexes=(("date_start",), ("type", "date_start"), ("country", "date_start"), ("lat", "lon")),
)
EVENTS = Table(
    "events",
    (("id", "text"), ("doc_hash", "text"), ("seq", "int"), ("type", "text"), ("mode", "json"),
     ("context", "json"), ("event_type", "text"), ("sub_event_type", "text"))
    + DATE_COLUMNS + (("date_basis", "text"), ("date_text", "text")) + PLACE_COLUMNS + COUNT_COLUMNS
    + (("actor1", "text"), ("actor2", "text"), ("claim_status", "text"), ("claimant", "text"),
       ("channel", "text"), ("historical", "bool"), ("confidence", "float"), ("summary", "text"),
       ("parties", "json"), ("record", "json"), ("canonical_id", "text")),
    pk=("id",),
    foreign_keys=(("doc_hash", "documents", "hash"),),
    indexes=(("doc_hash",), ("canonical_id",), ("date_start", "id"), ("type", "country", "date_start"),
             ("country", "date_start"), ("lat", "lon")),
    fts=("summary",),
)
ACTORS = Table(
    "actors",
    (("event_id", "text"), ("role", "text"), ("seq", "int"), ("name", "text"), ("text", "text"),
     ("country", "text"), ("sector", "text"), ("actor_group", "text"), ("span_start", "int"),
     ("span_end", "int")),
    pk=("event_id", "role", "seq"),
    foreign_keys=(("event_id", "events", "id"),),
    indexes=(("name",),),
)
PLACES = Table(
    "places",
    (("doc_hash", "text"), ("seq", "int"), ("name", "text"), ("text", "text"), ("geonameid", "int"),
     ("lat", "float"), ("lon", "float"), ("feature", "text"), ("country", "text"), ("admin1", "text"),
     ("admin2", "text"), ("span_start", "int"), ("span_end", "int")),
    pk=("doc_hash", "seq"),
    foreign_keys=(("doc_hash", "documents", "hash"),),
    indexes=(("geonameid",),),
)
TIMES = Table(
    "times",
    (("doc_hash", "text"), ("seq", "int"), ("text", "text"), ("span_start", "int"), ("span_end", "int"),
     ("value_start", "text"), ("value_end", "text"), ("precision", "text")),
    pk=("doc_hash", "seq"),
    foreign_keys=(("doc_hash", "documents", "hash"),),
)
EVIDENCE = Table(
    "evidence",
    (("event_id", "text"), ("seq", "int"), ("field", "text"), ("span_start", "int"), ("span_end", "int"),
     ("text", "text")),
    pk=("event_id", "seq"),
    foreign_keys=(("event_id", "events", "id"),),
)
SCHEMA_VERSION = Table(
    "schema_version",
    (("version", "int"), ("description", "text"), ("applied_at", "text")),
    pk=("version",),
)
# One row per change an analyst makes: `action` accept | correct | reject; a correction names
# the `field` it changed and keeps its value before and after (JSON, as in the SPEC event).
REVIEWS = Table(
    "reviews",
    (("id", "text"), ("event_id", "text"), ("reviewer", "text"), ("reviewed_at", "text"),
     ("action", "text"), ("field", "text"), ("value_before", "json"), ("value_after", "json"), ("note", "text")),
    pk=("id",),
    indexes=(("event_id", "reviewed_at"), ("reviewed_at",)),
)

# Whole-store aggregates kept per batch (`Store._tally`), so that charts never count the events
# table: `event_totals` by one dimension (day, month, type, admin1) for the whole store, `event_cube`
# by every filter an aggregate can have without reading events (type, country, admin1, dates).
# Missing values are '' (a key column); `events`/`killed` are sums.
TALLY = (("events", "int"), ("killed", "int"))
EVENT_TOTALS = Table("event_totals", (("dim", "text"), ("key", "text")) + TALLY, pk=("dim", "key"))
CUBE_KEYS = ("type", "country", "admin1", "date_start", "date_end")
EVENT_CUBE = Table("event_cube", tuple((c, "text") for c in CUBE_KEYS) + TALLY, pk=CUBE_KEYS,
                   indexes=(("country", "date_start"), ("date_start",)))

# The events by date (pages, the map's points) with the columns the filters and the points
# read: a walk of it newest first tests each filter without reading the event's row (1.6 kB,
# against some 100 bytes here). Full text and actors are other tables.
DATE_INDEX_10 = ("date_start", "id", "date_end", "lat", "lon", "type", "country", "admin1", "claim_status",
                 "historical", "mode", "killed", "review_status")
DATE_INDEX = DATE_INDEX_10 + ("actor_set",)
# A word's matches come from the full-text index as the events' rowids: their dates, places and
# filtered columns were read from the events' rows (1.6 kB each: 5.2M events, a word in 22k
# of them, 100 ms for the newest 50). SQLite keeps the date index's columns in a narrow table
# under the events' rowids (`event_rows`, some 100 bytes a row, appended in rowid order).
MATCH_ROWS = "event_rows"
# The events' newest matches of words, however rare: a second full-text index of their summaries
# whose row numbers sort as the events' dates (day, then the event's rowid), so that a word's
# matches come newest first from its own postings (SQLite; `SQLiteStore._dated`).
DATED_TEXT = "dated_fts"
# Charts by a word: the events and deaths of each term of the full-text index (a word as the
# index splits and stems it) by month, type and region, of the events up to a mark (SQLite;
# `SQLiteStore.fold_word_totals`; its row of term '' holds the largest rowid counted in events:
# charts count the events above it from their matches). Columns term, dim, key, events, killed;
# missing values ''.
WORD_TOTALS = "word_totals"

# The actor filter (a substring of any actor's name or text, regardless of case) searches the
# distinct names, not every actor: `actor_names` holds each name and text folded (str.lower),
# `actor_sets` the folded names of each set an event can have (its id, `rows.actor_set`, is a
# hash of them, kept in `events.actor_set`), `actor_totals` the events and killed of each set by
# day, type and admin1, so that aggregates by actor count sets, not events. Sets are shared by
# many events (the same parties recur); an event without actors has none.
ACTOR_NAMES = Table("actor_names", (("name", "text"),), pk=("name",))
ACTOR_SETS = Table("actor_sets", (("id", "text"), ("name", "text")), pk=("id", "name"), indexes=(("name", "id"),))
ACTOR_TOTALS = Table("actor_totals", (("actor_set", "text"), ("dim", "text"), ("key", "text")) + TALLY,
                     pk=("actor_set", "dim", "key"))

# Dedup's candidates by type, country, precision, dates and place; carrying the id, deaths and
# review status too, it answers a page or the map's points of a type and country by itself.
TYPE_COUNTRY_INDEX_3 = ("type", "country", "date_precision", "date_start", "date_end", "lat", "lon", "feature", "admin1")
TYPE_COUNTRY_INDEX = TYPE_COUNTRY_INDEX_3 + ("id", "killed", "review_status")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "documents, events, actors, places, times, evidence, canonical events",
              tables=(DOCUMENTS, CANONICAL, EVENTS, ACTORS, PLACES, TIMES, EVIDENCE)),
    Migration(2, "reviews: analysts accept, correct or reject events (who, when, the value before)",
              tables=(REVIEWS,), add_columns=(("events", "review_status", "text"),),
              # covering indexes: the web page's counts by day, type and region without reading rows
              indexes=(("events", ("review_status",)), ("events", ("date_start", "killed")),
                       ("events", ("type", "killed")), ("events", ("admin1", "killed")))),
    # the place columns too: dedup's filter on them is answered from the index, without
    # reading the rows it rejects
    Migration(3, "dedup reads its candidates by type, country, date precision, date and place; pages by type",
              indexes=(("events", TYPE_COUNTRY_INDEX_3),
                       # pages of one type, newest first, straight from the index (no sort of the type)
                       ("events", ("type", "date_start", "id")))),
    Migration(4, "documents.publisher: who published the article (ACLED's source column)",
              add_columns=(("documents", "publisher", "text"),)),
    # ingest writes every index of the hot table: those that only served whole-store counts
    # (now summary tables) or duplicated another's prefix go
    Migration(5, "summary tables for aggregates; fewer indexes on events and canonical events",
              tables=(EVENT_TOTALS, EVENT_CUBE),
              drop_indexes=(("events", ("date_start", "killed")), ("events", ("type", "killed")),
                            ("events", ("admin1", "killed")), ("events", ("review_status",)),
                            ("events", ("type", "country", "date_start")),
                            ("canonical_events", ("type", "date_start")), ("canonical_events", ("country", "date_start")),
                            ("canonical_events", ("lat", "lon"))),
              set_indexes=(("events", "review_status"),), backfill=True),
    Migration(6, "full-text indexes written per batch of inserted rows (SQLite); none over article texts "
                 "(PostgreSQL)", cheaper_text_indexes=True),
    # 7 was a map-cell column, reverted before release; a store that has it upgrades from it
    # the map's box is answered from the index alone, the newest first: with the rows read for
    # their dates, a box of 10k events among 1M took 145 ms
    Migration(8, "event_totals by month: a chart of years of news in a few hundred rows; the place index "
                 "carries the date and id", backfill=True,
              indexes=(("events", ("lat", "lon", "date_start", "id")),), drop_indexes=(("events", ("lat", "lon")),)),
    # (9 was a migration withdrawn after stores had run it: the next number is 10.) With
    # their rows read one by one, the map's 20,000 newest points took 40 ms of CPU (1M
    # events), a page of a region with no events 2.4 s. It replaces the date index (same
    # prefix): not one more index for ingest to write
    Migration(10, "the date index carries the filtered columns and the map's (place, type, region, claim, "
                  "killed, review status)",
              indexes=(("events", DATE_INDEX_10),), drop_indexes=(("events", ("date_start", "id")),)),
    # an actor filter scanned every actor's name and text (1M events: 0.75 s of CPU on SQLite,
    # aggregates by actor 1.7 s); the date index carries the set, so that a common actor's
    # page is walked from it alone, and a rare one's events come by their own index
    Migration(11, "actors searched by their distinct folded names; each event's actor set, counted by day, type "
                  "and region",
              tables=(ACTOR_NAMES, ACTOR_SETS, ACTOR_TOTALS), add_columns=(("events", "actor_set", "text"),),
              drop_indexes=(("events", DATE_INDEX_10),),
              indexes=(("events", DATE_INDEX), ("events", ("actor_set", "date_start", "id"))),
              backfill=True),
    # Indexes no reader uses cost ingest a page write per row once they outgrow the cache (a
    # store of 600k events: 6% of `add`'s CPU); actors are searched through `actor_names`
    Migration(12, "no index on actor names nor on the places' GeoNames ids (no reader uses them)",
              drop_indexes=(("actors", ("name",)), ("places", ("geonameid",)))),
    # (it dissolved the groups that joined a year's report with others; migration 19 groups every
    # event again)
    Migration(13, "reports dated only by their year grouped again: only with reports of that year"),
    # each event's record holds its spans and its document the words: a table of them cost
    # ingest seven rows an event (a seventh of its CPU on both backends)
    Migration(14, "evidence read from each event's record and its document's text, no table of its own",
              drop_tables=("evidence",)),
    # the map's points of a type and country read every such event's row to sort them by date
    # (10M events: seconds a request); from this index alone, only their entries
    Migration(15, "the index of dedup's candidates carries the event id, deaths and review status",
              drop_indexes=(("events", TYPE_COUNTRY_INDEX_3),), indexes=(("events", TYPE_COUNTRY_INDEX),)),
    Migration(16, "every stored event grouped again: a week is a vague date, and days a day apart join only as "
                  "a lone pair (a place reported every day chained into one event)", regroup=True),
    # (PostgreSQL reads a word's matches from its GIN index as a bitmap of table pages: no table)
    Migration(17, "SQLite keeps the events' filtered columns by full-text row, and their texts by date: a word's "
                  "newest matches and charts without the events' rows", match_rows=True),
    Migration(19, "every stored event grouped again: a region's or a country's report of a day joins the one event "
                  "it fits (it joined every town's of the day); a country's of a month or its publication date only "
                  "another of that span", regroup=True),
    # (a word of 88k events among 5.2M: its matches' rows read and grouped, 215 ms of CPU)
    Migration(20, "SQLite counts the events and deaths of each word of the summaries by month, type and region: "
                  "charts by a word without reading its matches", word_totals=True),
    # PostgreSQL's english configuration drops its stop words, "us", "who" and "it" among them: a
    # search for "US" or "WHO" found nothing there, and every summary naming them on SQLite
    Migration(21, "PostgreSQL's full text keeps every word, as SQLite's does: a search for \"US\", \"WHO\" or "
                  "\"from\" finds the events that say it", every_word=True),
    # PostgreSQL checked each child row's parent by a trigger: a quarter of its work at ingest
    # (20,000 events: 4.1 -> 3.1 s of statements). `add` writes a document's rows in one
    # transaction and removes them together (`Store._remove_document`)
    Migration(22, "PostgreSQL no longer checks each row's document or event by a foreign key: a document's rows "
                  "are written and removed together", unchecked_references=True),
    # a server's locale compared every text its indexes sort (ids, hashes, dates, codes) by the
    # language's rules; bytes are cheaper, and the order SQLite has: a page of events in the
    # same order on both (20,000 events: ingest 6-8% faster, on a C.UTF-8 or an en_US server)
    Migration(23, "PostgreSQL compares and sorts text byte by byte (COLLATE \"C\"), as SQLite does",
              bytewise_text=True),
)
# Tables under full-text search, and the columns it reads.
FTS_COLUMNS = {t.name: t.fts for m in MIGRATIONS for t in m.tables if t.fts}


def _column_kinds() -> dict[str, dict[str, str]]:
    """Each table of the store's and its columns' kinds, as the migrations left them (a table
    they dropped is not the store's: another application may have one of its name)."""
    kinds: dict[str, dict[str, str]] = {SCHEMA_VERSION.name: dict(SCHEMA_VERSION.columns)}
    for migration in MIGRATIONS:
        for table in migration.tables:
            kinds[table.name] = dict(table.columns)
        for name in migration.drop_tables:
            kinds.pop(name, None)
        for name, column, kind in migration.add_columns:
            kinds[name][column] = kind
    return kinds


COLUMN_KINDS = _column_kinds()
LATEST = MIGRATIONS[-1].version

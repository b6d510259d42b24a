"""One storage interface over two real databases (SQLite, PostgreSQL).

A backend supplies a handful of primitives (query, insert_values, transaction, full-text
condition, DDL); everything else — idempotent ingest, replacement on a newer extractor, incremental
dedup, filtered reads — is written once here, in SQL both databases run.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
import logging
import math
import threading
import time
from dataclasses import dataclass
from operator import itemgetter
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator, Optional, Sequence

import orjson

from ..geo import SAME_PLACE_KM
from ..ingest.readers import content_id
from ..models import COUNT_KINDS, Document, DocumentRecord
from ..resolve.dedup import (
    LONGEST_DAYS,
    OWN_SPAN,
    OWN_SPAN_COUNTRYWIDE,
    POINT_RANK,
    PRECISE,
    REPORTED_LOOKBACK_DAYS,
    SLACK_DAYS,
    Mention,
    Neighbours,
    area_day,
    canonical_event,
    canonical_id,
    countrywide_span,
    group,
    related,
)
from .query import EventQuery, actor_sets, decode_cursor, encode_cursor, where_clause
from .rows import actor_set, document_rows, evidence_spans, folded_names, span_rows
from .schema import COLUMN_KINDS, CUBE_KEYS, LATEST, MIGRATIONS, SCHEMA_VERSION, Migration, Table

BOOL_COLUMNS = frozenset(c for columns in COLUMN_KINDS.values() for c, kind in columns.items() if kind == "bool")
# What `add` writes per document, parents first.
WRITE_ORDER = ("documents", "events", "actors", "places", "times")
EVENT_COLUMNS = "e.*, d.date AS doc_date, d.doc_id AS doc_id, d.title AS doc_title, d.url AS doc_url, " \
    "d.source AS doc_source, d.ingested_at AS ingested_at, c.n_sources AS n_sources"
# What dedup reads of each candidate: the full row only for the groups it then regroups.
CANDIDATE_COLUMNS = ", ".join(f"e.{c}" for c in (
    "id", "doc_hash", "type", "date_start", "date_end", "date_precision", "lat", "lon", "feature", "country",
    "admin1", "admin2", "geonameid", "parties", "canonical_id"))
# What resolve reads of the events it regroups: what `dedup.canonical_event` votes on, not the
# whole record (a kilobyte of JSON per event).
RESOLVE_COLUMNS = ", ".join(f"e.{c}" for c in (
    "id", "doc_hash", "type", "event_type", "sub_event_type", "date_start", "date_end", "date_precision", "place",
    "geonameid", "lat", "lon", "feature", "country", "admin1", "admin2", *COUNT_KINDS, "actor1", "actor2",
    "claim_status", "historical", "summary", "parties", "canonical_id")) + ", d.date AS doc_date"
RESOLVE_FROM = "events e JOIN documents d ON d.hash = e.doc_hash"
# Candidates are read by the index (type, country, date_precision, date_start, date_end, place
# columns; migration 3), whose place columns filter them without reading rows, for a whole
# batch in one query: a table of the batch's keys (a type, a country, a precision, a place and
# the starts a stored event of that precision may have near the batch's events there) joined
# to the events. An event of a precision lasts at most LONGEST_DAYS, which bounds how far before
# the range its start can lie. One key row per precision: with the precisions a table of their
# own, PostgreSQL joined them after the index scan, which then read the type and country's
# whole history for every key (20,000 events: 1.2 s of 7 s).
SPANS = tuple((p, timedelta(days=days)) for p, days in LONGEST_DAYS.items())
LOOKBACK = timedelta(days=REPORTED_LOOKBACK_DAYS)
KEY_COLUMNS = ("type", "country", "date_precision", "admin1", "lat0", "lat1", "lon0", "lon1", "start_lo", "start_hi",
               "end_lo", "countrywide", "region_points", "areas")
KEYS_PER_QUERY = 2300  # 14 parameters each, under both databases' limits
CANDIDATES_SQL = (
    "WITH k ({keys}) AS ({rows}) "
    f"SELECT {CANDIDATE_COLUMNS} FROM k JOIN events e ON e.type = k.type AND e.country = k.country "
    "AND e.date_precision = k.date_precision AND e.date_start BETWEEN k.start_lo AND k.start_hi "
    # no condition on canonical_id (not in the index): it cost a read of the row for every
    # event of the type, country and dates, not only for those at the place (590k events: 1.2 s
    # per batch against 0.09); the ungrouped are skipped by the caller
    "AND e.date_end >= k.end_lo "
    # a stored region or district can hold only the events of its own first-order unit
    # (`dedup.place_score`), and a point in it is the same place as another only near it (the
    # box); a stored country, any of the country's (when one so dated may be related: `_keys`)
    # (`areas`: only the regions', districts' and countries' events)
    "WHERE (k.areas = 0 OR e.feature IN ('admin1', 'admin2', 'country')) "
    "AND ((e.feature = 'country' AND k.countrywide = 1) "
    "OR (e.admin1 = k.admin1 AND (k.region_points = 1 OR e.feature IN ('admin1', 'admin2'))) "
    "OR (e.lat BETWEEN k.lat0 AND k.lat1 AND e.lon BETWEEN k.lon0 AND k.lon1))")
AREA_DEGREES = 0.5
_END = object()  # the end of `add_all`'s batches
log = logging.getLogger("eventwire.store")
PROGRESS_SECONDS = 10  # between two lines of a long migration's progress
# The dimensions of `event_totals` (whole-store charts) and the filters `event_cube` answers.
TOTALS = {"day": "date_start", "month": "date_start", "type": "type", "admin1": "admin1", "country": "country",
          "claim_status": "claim_status"}
PREFIX = {"month": 7}  # dimensions keyed by the first characters of their column (YYYY-MM)
# A chart over more days than this gets months: twenty years of news by day made 23k rows and
# 375 ms of JSON per request
MAX_DAYS = 1000
# the events written in a run past which it counts their words before the next batch (more at
# a time share more keys; a word's charts count the ones not yet counted from its matches)
FOLD_EVENTS = 50_000
# the events written past which `add_all` counts their words by another connection, beside its
# writes (`fold_ahead`): the counting, most of a fold's work, then costs the writer nothing
FOLD_AHEAD = 5_000
CUBE_FILTERS = frozenset({"type", "country", "admin1", "since", "until"})
KEY_FILTERS = frozenset({"type", "country"})  # the cube's filters its key's index or the country's reads at once
TALLY_COLUMNS = "type, country, admin1, date_start, date_end, killed, claim_status, actor_set"
WRITTEN = "written_events"  # the connection's temporary table of a batch's TALLY_COLUMNS (`count_written`)
MAX_LISTED_SETS = 2000  # an actor filter's sets passed as parameters (`Store.listed_sets`)
FILL_EVENTS = 50_000  # events whose actor sets `fill_actor_sets` computes at a time
FEW_SETS = 100  # sets whose days are counted one by one (`Store._days_within`)
# The dimensions of `actor_totals`: what an aggregate lists (months are summed from days).
ACTOR_TOTALS = {"day": "date_start", "month": "date_start", "type": "type", "admin1": "admin1"}
# The events after a cursor's (day, id), newest first; the redundant `<=` lets both planners
# walk the date index from the cursor on.
AFTER_CURSOR = " AND e.date_start <= ? AND (e.date_start < ? OR e.id < ?)"
NEWEST_FIRST = " ORDER BY e.date_start DESC, e.id DESC LIMIT ?"  # the order of pages and points
EVIDENCE_DOCS = 50  # documents' texts `Store.evidence` holds at a time
EVENT_FROM = "events e JOIN documents d ON d.hash = e.doc_hash LEFT JOIN canonical_events c ON c.id = e.canonical_id"


class StoreError(Exception):
    """A store that cannot be opened or used; the message names it and the problem."""


@dataclass
class AddResult:
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    events: int = 0


def row_values(rows: list[dict], columns: list[str]) -> list[tuple]:
    """Each row's values in the order of `columns` (missing ones None): one C-level getter
    when every row has every column, as the rows of one table written together do."""
    get = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    try:
        return [get(row) for row in rows]
    except KeyError:
        return [tuple(row.get(c) for c in columns) for row in rows]


def as_values(rows: list[dict]) -> tuple[list[str], list[tuple]]:
    """Rows of one table (dicts with the same keys) as its columns and value tuples."""
    columns = list(rows[0])
    return columns, row_values(rows, columns)


def _sums(keys: list[tuple], rows: Sequence[dict], sign: int) -> dict[tuple, list[int]]:
    """[events, killed] per key of the rows (`keys[i]` the key of `rows[i]`), times `sign`."""
    out = {k: [sign * n, 0] for k, n in Counter(keys).items()}
    for k, r in zip(keys, rows):
        if r.get("killed"):
            out[k][1] += sign * r["killed"]
    return out


SUMMARY_KEYS = {"event_totals": ("dim", "key"), "event_cube": CUBE_KEYS, "actor_totals": ("actor_set", "dim", "key")}


def tallies(rows: Sequence[dict], sign: int = 1) -> dict[str, list[tuple]]:
    """What event rows add to (sign 1) or take from (-1) each summary table: its rows of
    (key..., events, killed), sorted."""
    # counted by key in C (Counter), the deaths added for the rows that have them (a removed
    # document's events, an analyst's correction: `add` counts in SQL, `_count`)
    totals: dict[tuple, list[int]] = {}
    for dim, column in TOTALS.items():
        cut = PREFIX.get(dim)
        totals.update(_sums([(dim, (r[column] or "")[:cut]) for r in rows], rows, sign))
    cube_key = itemgetter(*CUBE_KEYS)
    cube = _sums([tuple(v or "" for v in cube_key(r)) for r in rows], rows, sign)
    held = [r for r in rows if r.get("actor_set")]
    actors: dict[tuple, list[int]] = {}
    for dim, column in ACTOR_TOTALS.items():
        cut = PREFIX.get(dim)
        actors.update(_sums([(r["actor_set"], dim, (r[column] or "")[:cut]) for r in held], held, sign))
    return {table: [(*k, *v) for k, v in sorted(counts.items())]
            for table, counts in (("event_totals", totals), ("event_cube", cube), ("actor_totals", actors))}


def document_hash(document: Document) -> str:
    """The store's key: the text's content hash, whatever id or file it came with."""
    return content_id(document.text)


@dataclass
class Prepared:
    """A batch's rows, made without the store (`prepare`): by content hash, the rows of each
    document (of a text given twice, the version `add` would keep; events with their record's
    `doc_date`); each event's mention and canonical row as if alone (used for the events `add`
    writes, not for those of a document stored already), and the keys of the events'
    candidates; and, for when every document of it is new, the rows of the tables after
    `events` as values, in WRITE_ORDER's order of columns."""
    rows: dict[str, dict[str, list[dict]]]
    mentions: dict[str, tuple[Mention, dict]]
    values: dict[str, tuple[list[str], list[tuple]]]
    keys: list[tuple]  # `candidate_keys` of the events


def prepare(items: Iterable[tuple[Document, DocumentRecord]]) -> Prepared:
    """The rows `Store.add` writes for these documents, as far as they depend on nothing stored."""
    rows: dict[str, dict[str, list[dict]]] = {}
    for document, record in items:
        h = document_hash(document)
        # a text given again: kept as a later batch would keep it (`Store.add`): another
        # extractor's version replaces the earlier, the same version leaves it
        if h not in rows or rows[h]["documents"][0]["extractor_version"] != record.extractor.version:
            rows[h] = document_rows(document, record, h)
            for event in rows[h]["events"]:
                event["doc_date"] = record.date
    events = [e for r in rows.values() for e in r["events"]]
    mentions = {e["id"]: (m, canonical_event([m])) for e in events for m in (Mention.from_row(e),)}
    values = {}
    for t in WRITE_ORDER[2:]:
        table = [row for r in rows.values() for row in r[t]]
        if table:
            values[t] = as_values(table)
    keys = candidate_keys(m for m, _ in mentions.values() if m.locatable)
    return Prepared(rows, mentions, values, keys)


def month_day(month: Optional[str]) -> Optional[str]:
    """A chart's month ("2023-06") as its first day, the key charts by month give; None (the
    events of no date) stays None."""
    return month + "-01" if month else None


def _giving_way(items: Iterable) -> Iterator:
    """`items`, Python's lock let go before each: a thread that waits for it (`add_all`'s
    writer, back from the database after each statement) gets it at once, not after the
    holder's 5 ms (`sys.getswitchinterval`)."""
    for item in items:
        time.sleep(0)
        yield item


def _area(m: Mention) -> tuple:
    """Where a mention's candidates lie: a cell of the map for a point, its region or its
    country for the coarser places (see `_nearby`)."""
    if m.feature == "country":
        return ("country",)
    if m.feature in ("admin1", "admin2"):
        return ("region", m.admin1 or "")
    return (round(m.lat / AREA_DEGREES), round(m.lon / AREA_DEGREES))


def _nearby(ms: list[Mention]) -> list[tuple]:
    """Where stored events can share a place with one of `ms`, a block of one `_area` (see
    `dedup.place_score`): a first-order unit of theirs (a stored region or district, or a point
    in it) and a box (lat0, lat1, lon0, lon1) around their points, one row per unit; besides
    these, every stored country is a candidate. A whole country: the whole map. A box that
    crosses the 180th meridian is cut in two there (Fiji, Chukotka)."""
    if any(m.feature == "country" for m in ms):
        return [("", -90.0, 90.0, -180.0, 180.0)]
    regions = sorted({m.admin1 or "" for m in ms})
    if len(ms) == 1:  # most spans of a batch spread over the map and the years
        lat0 = lat1 = ms[0].lat
        lon0 = lon1 = ms[0].lon
    else:
        lat0, lat1 = min(m.lat for m in ms), max(m.lat for m in ms)
        lon0, lon1 = min(m.lon for m in ms), max(m.lon for m in ms)
    dlat = SAME_PLACE_KM / 110.0
    # a degree of longitude is shortest at the box's poleward edge; within reach of a pole,
    # every longitude is
    poleward = max(abs(lat0), abs(lat1)) + dlat
    dlon = SAME_PLACE_KM / (110.0 * math.cos(math.radians(poleward))) if poleward < 90.0 else 360.0
    south, north, west, east = lat0 - dlat, lat1 + dlat, lon0 - dlon, lon1 + dlon
    if east - west >= 360.0:
        boxes = [(south, north, -180.0, 180.0)]
    else:
        boxes = [(south, north, max(west, -180.0), min(east, 180.0))]
        if west < -180.0:
            boxes.append((south, north, west + 360.0, 180.0))
        if east > 180.0:
            boxes.append((south, north, -180.0, east - 360.0))
    return [(region, *box) for region in regions for box in boxes]


def _spans(blocks: dict[tuple, list[Mention]]) -> Iterator[tuple[tuple, list[Mention], date, date]]:
    """Each block's mentions cut where their date windows lie apart, with the days (give or
    take the slack) a related event's window must meet: a batch spread over years reads a few
    days around each event, not the years."""
    slack = timedelta(days=SLACK_DAYS)
    for key, ms in blocks.items():
        ms = sorted(ms, key=lambda m: (m.window()[0], m.id))
        run = [ms[0]]
        end = ms[0].window()[1]
        for m in ms[1:] + [None]:
            if m is not None and m.window()[0] <= end + 2 * slack:
                run.append(m)
                end = max(end, m.window()[1])
                continue
            yield key, run, run[0].window()[0] - slack, end + slack
            if m is not None:
                run, end = [m], m.window()[1]


def candidate_keys(mentions: Iterable[Mention], only: Optional[str] = None) -> list[tuple]:
    """The key rows (KEY_COLUMNS) of the stored events that may be related to `mentions`: by
    type, country, `_area` and `own_span`, cut into spans of dates (`_spans`, `_keys`); `only`
    "area_days": only the areas' reports of days (`dedup.area_day`); "precise": only the reports
    of days, for the precisely dated among them (no row for every stored country, nor for a
    point's keys the areas of its region: precisely dated reports are of points, near it)."""
    blocks: dict[tuple, list[Mention]] = {}
    for m in mentions:
        blocks.setdefault((m.type, m.country, _area(m), m.own_span), []).append(m)
    keys = [k for (kind, country, *_), ms, lo, hi in _spans(blocks) for k in _keys(kind, country, ms, lo, hi)]
    if only == "area_days":
        return [k[:-1] + (1,) for k in keys if k[2] in PRECISE]
    if only == "precise":
        return [k[:3] + (k[3] if k[12] else None,) + k[4:11] + (0, k[12], 0) for k in keys if k[2] in PRECISE]
    return keys


def _keys(kind: str, country: str, ms: list[Mention], lo: date, hi: date) -> list[tuple]:
    """The rows of the candidates' key table (KEY_COLUMNS) for a span [lo, hi] of `ms` (all
    `own_span` or none, all points or all areas): where, and for each precision a related
    stored event may have, the starts it may have to meet them (a dated one at most LONGEST_DAYS
    before the span; one dated by its report, within the lookback after it); whether a stored
    country so dated may be one (one that may report a precise event, or of a vague one's
    precision: `dedup.related`); whether a stored point of the region may be (for areas: it may
    lie inside). Reports of their own span meet only reports of that very span: its start; a
    country's, only the country's. An area's report meets a vaguely dated one not of a day only
    on its very span (`dedup.vague_pair`)."""
    head = (kind, country)
    region_points = int(ms[0].rank > POINT_RANK)
    if ms[0].own_span:
        spans: dict[tuple, list[Mention]] = {}
        for m in ms:
            spans.setdefault((m.precision, m.start, m.end), []).append(m)
        return [head + (p,) + where + (a.isoformat(), a.isoformat(), b.isoformat(), 1, region_points, 0)
                for (p, a, b), same in sorted(spans.items())
                for where in ([(None, 1.0, 0.0, 1.0, 0.0)] if countrywide_span(p, same[0].feature, (b - a).days + 1)
                              else _nearby(same))]
    end_lo, start_hi = lo.isoformat(), hi.isoformat()
    precise = any(m.precise for m in ms)
    vague = {m.precision for m in ms if not m.precise}
    # five rows per event of a sparse batch: the date arithmetic is done once per span
    days = [(p, (end_lo, (hi + LOOKBACK).isoformat(), end_lo) if p == "reported"
             else ((lo - span).isoformat(), start_hi, end_lo),
             int(p not in OWN_SPAN_COUNTRYWIDE and (precise or p in vague))) for p, span in SPANS if p not in OWN_SPAN]
    if region_points:
        # an area's report is never precise, and two vague reports not both of points nor both
        # areas' days pair only on the very same span (`dedup.vague_pair`): of the vaguely dated,
        # only those of one of the mentions' spans (a region's report of a month read every
        # town's reports of the month; at 5.2M events, half the candidates of a batch)
        spans = sorted({(m.precision, m.start, m.end) for m in ms if m.precision not in PRECISE})
        days = [d for d in days if d[0] in PRECISE] + [
            (p, (a.isoformat(), a.isoformat(), b.isoformat()), int(p not in OWN_SPAN_COUNTRYWIDE))
            for p, a, b in spans]
    return [head + (p,) + where + when + (countrywide, region_points, 0)
            for where in _nearby(ms) for p, when, countrywide in days]


def in_chunks(values: list, size: int = 500) -> Iterator[tuple[list, str]]:
    """`values` in chunks of `size` (under both databases' limits on parameters), each with its
    placeholders for `IN (...)`."""
    for i in range(0, len(values), size):
        chunk = values[i:i + size]
        yield chunk, ", ".join("?" * len(chunk))


def _held(g: list[Mention], held: Counter) -> bool:
    """Whether the store holds group `g` as it is: its members, and only they, under its id
    (`held`: the members each stored id has)."""
    c = g[0].row["canonical_id"]
    return c is not None and held[c] == len(g) and all(m.row["canonical_id"] == c for m in g) and \
        c == canonical_id(m.id for m in g)


class Store(ABC):
    url: str
    # whether this connection may make temporary tables (a PostgreSQL role may be denied them)
    temporary_tables: bool = True

    # ---------------------------------------------------------------- backend primitives
    @abstractmethod
    def query(self, sql: str, params: Sequence = ()) -> list[dict]:
        """Rows as dicts; SQL uses `?` placeholders."""

    def values(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """Rows as tuples, for reads of many rows (a dict per row is most of their cost)."""
        return [tuple(r.values()) for r in self.query(sql, params)]

    @abstractmethod
    def execute(self, sql: str, params: Sequence = ()) -> None: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None: ...

    def insert(self, table: str, rows: list[dict]) -> None:
        if rows:
            self.insert_values(table, *as_values(rows))

    @abstractmethod
    def insert_values(self, table: str, columns: list[str], values: list[tuple]) -> None:
        """Rows of `table` as tuples of `columns`' values."""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]: ...

    @abstractmethod
    def text_match(self, words: list[str]) -> tuple[str, list]:
        """Full-text condition over `events e`: all of `words` (`query.text_words`) in its
        evidence sentences; the words are data, never FTS syntax."""

    def rows_table(self, rows: list[tuple]) -> tuple[str, list]:
        """A query yielding `rows` (tuples of text, ints and floats, alike), for a join: a VALUES
        list here; a backend may pass them more cheaply."""
        return "VALUES " + ", ".join([f"({', '.join('?' * len(rows[0]))})"] * len(rows)), [v for r in rows for v in r]

    def page_hint(self, q: EventQuery, limit: int = 50) -> str:
        """SQL after `FROM events e` in a query of the newest `limit` matches (a page, the map's
        points), where a backend knows a better plan."""
        return ""

    @abstractmethod
    def create_table(self, table: Table) -> None: ...

    @abstractmethod
    def add_column(self, table: str, column: str, kind: str) -> None: ...

    @abstractmethod
    def create_index(self, table: str, columns: tuple[str, ...]) -> None: ...

    @abstractmethod
    def has_table(self, name: str) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------- migrations
    @property
    def schema_version(self) -> int:
        if not self.has_table("schema_version"):
            return 0
        row = self.query("SELECT max(version) AS v FROM schema_version")
        return row[0]["v"] or 0

    def migrate(self) -> list[int]:
        """Apply the migrations this database has not seen, each in its own transaction; the
        version is read again under the write lock, where another process may have applied it.
        Grouping every event again (`Migration.regroup`) is done once, by the last migration
        that asks for it, and commits a type and country at a time: on a big store it takes long
        and writes much, and an upgrade killed midway, started again, rewrites none of the
        groups already done (`regroup` writes only the groups that change)."""
        applied: list[int] = []
        start = self._checked_version()
        if start == LATEST:
            return applied
        for n, migration in enumerate(MIGRATIONS):
            regroup = migration.regroup and not any(later.regroup for later in MIGRATIONS[n + 1:])
            with self.transaction():
                if migration.version <= self._checked_version():
                    continue
                if not self.has_table("schema_version"):
                    self.create_table(SCHEMA_VERSION)
                if start:  # a store with contents: upgrading it may take a while (a new one: not)
                    log.info("%s: upgrading to schema %d: %s", self.url, migration.version, migration.description)
                self._apply(migration)
                if not regroup:
                    self._record(migration)
            if regroup:
                self.regroup(self._progress("grouped again"))
                with self.transaction():
                    if migration.version > self._checked_version():  # another process's may be done
                        self._record(migration)
            applied.append(migration.version)
        return applied

    def _record(self, migration: Migration) -> None:
        self.insert("schema_version", [{"version": migration.version, "description": migration.description,
                                        "applied_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}])

    def _checked_version(self) -> int:
        current = self.schema_version
        if current > LATEST:
            raise StoreError(f"{self.url}: schema version {current} is newer than this eventwire "
                             f"({LATEST}); upgrade eventwire")
        return current

    @contextmanager
    def run_lock(self, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
        """Held by `eventwire run` for its whole length, so that a second run waits its turn
        (`on_wait` is called once if it has to) instead of interleaving batches with the first."""
        yield

    def _apply(self, migration: Migration) -> None:
        for table in migration.tables:
            self.create_table(table)
        for name in migration.drop_tables:
            self.execute(f"DROP TABLE IF EXISTS {name}")
        for table, column, kind in migration.add_columns:
            self.add_column(table, column, kind)
        # indexes dropped first (PostgreSQL cuts names at 63 characters: a wider index may take
        # the name of the one it replaces), and rows backfilled before the new ones are built
        for table, columns in migration.drop_indexes:
            self.execute(f"DROP INDEX IF EXISTS idx_{table}_{'_'.join(columns)}")
        if migration.backfill:
            self.retally()
        for table, columns in migration.indexes:
            self.create_index(table, columns)
        for table, column in migration.set_indexes:
            self.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_{column}_set ON {table} ({column}) "
                         f"WHERE {column} IS NOT NULL")
        if migration.cheaper_text_indexes:
            self.cheapen_text_indexes()
        if migration.match_rows:
            self.keep_match_rows()
        if migration.word_totals:
            self.keep_word_totals()
        if migration.every_word:
            self.keep_every_word()
        if migration.unchecked_references:
            self.drop_reference_checks()
        if migration.bytewise_text:
            self.compare_text_bytewise()

    def _progress(self, done_what: str) -> Callable[[int], None]:
        """A callback told each step's number of events, that logs every PROGRESS_SECONDS how
        many of the store's events are done."""
        total = self.values("SELECT count(*) FROM events")[0][0]
        done, last = 0, time.monotonic()

        def step(n: int) -> None:
            nonlocal done, last
            done += n
            if time.monotonic() - last >= PROGRESS_SECONDS:
                last = time.monotonic()
                log.info("%s: %s %s of %s events", self.url, done_what, f"{done:,}", f"{total:,}")
        return step

    def regroup(self, on_block: Callable[[int], None] = lambda n: None) -> int:
        """Group every stored event again from scratch, as one batch of all of them would be,
        a type and country at a time (`dedup.group` never joins two), each in a transaction:
        after a change of dedup's rules, or a bulk load that wrote every event as a group of its
        own. The canonical rows of the groups that changed are written again, and their events
        updated (a group with the members and id it had keeps its row: the row is a function
        of them); returns how many canonical events there are. `on_block(n)` is told each
        block's number of events."""
        total = 0
        written: set[str] = set()  # canonical rows written by this regrouping
        for kind, country in self.values("SELECT DISTINCT type, country FROM events"):
            where, params = ("e.type = ? AND e.country IS NULL", [kind]) if country is None else \
                ("e.type = ? AND e.country = ?", [kind, country])
            with self.transaction():
                # read under the write lock: another connection upgrading the store at once (or
                # adding to it) may have rewritten the block since (its ids were then written twice)
                members = self._mentions(where, params)
                groups = group(members)
                # a stored group counted whole, across blocks, and only with its row: only a
                # damaged store has one that spans two, whose row the first block deletes (in this
                # regrouping, or in one killed before the second block)
                held = self._group_sizes({c for m in members if (c := m.row["canonical_id"])})
                changed = [g for g in groups if not _held(g, held)]
                rows = [canonical_event(g) for g in changed]
                stale = {c for g in changed for m in g if (c := m.row["canonical_id"])} - written
                self._write_groups(changed, rows, stale)
                written |= {row["id"] for row in rows}
            total += len(groups)
            on_block(len(members))
        return total

    def _group_sizes(self, canonical_ids: set[str]) -> Counter:
        """How many stored events each of these canonical events has (none: it has no row)."""
        sizes: Counter = Counter()
        for chunk, marks in in_chunks(sorted(canonical_ids)):
            sizes.update(dict(self.values(
                f"SELECT e.canonical_id, count(*) FROM events e JOIN canonical_events c ON c.id = e.canonical_id "
                f"WHERE e.canonical_id IN ({marks}) GROUP BY e.canonical_id", chunk)))
        return sizes

    def cheapen_text_indexes(self) -> None:
        """Full-text indexes as cheap to write as the backend allows (migration 6): `insert`
        indexes what it inserts in one statement, no trigger per row; no index that no reader
        searches."""

    def keep_match_rows(self) -> None:
        """Where the backend's full-text index yields row numbers, keep the events' filtered
        columns by row number too, filled from the stored events (migration 17)."""

    def keep_word_totals(self) -> None:
        """Where the backend can split texts as its full-text index does, count the stored
        events by word too (`fold_word_totals`; migration 20)."""

    def keep_every_word(self) -> None:
        """Where the backend's full-text index dropped stop words, index every word instead, the
        stored events' texts indexed again (migration 21)."""

    def drop_reference_checks(self) -> None:
        """Where checking each row's parent (a foreign key) costs ingest, stop checking it
        (migration 22; SQLite's checks cost nothing measurable and stay)."""

    def compare_text_bytewise(self) -> None:
        """Where the backend compared text by a locale's rules, compare it byte by byte
        (migration 23; SQLite always has)."""

    def fold_word_totals(self, least: int = 1, on_run: Callable[[int], None] = lambda n: None) -> None:
        """Where the backend counts events by word, count those written since the last fold
        (when they are `least` or more; a run of them per transaction, resumable, `on_run` told
        each run's events): `add` calls it once FOLD_EVENTS are waiting, and until then a word's
        charts count them from its matches."""

    def folds_ahead(self) -> bool:
        """Whether `add_all` counts words ahead by another connection (`folder`): where the
        backend counts events by word, and this connection is in no transaction (the other's
        would wait for it)."""
        return False

    def folder(self) -> Optional["Store"]:
        """Another connection to the store, for `fold_ahead` beside this one's writes (closed
        by the caller)."""
        return None

    def checkpoints_elsewhere(self, elsewhere: bool) -> None:
        """Where the backend copies its log into the database as a writer commits (SQLite's
        WAL), leave that to another connection's `checkpoint` (True), or take it back (False)."""

    def checkpoint(self) -> None:
        """Copy what is committed from the backend's log into the database, if it keeps one,
        without waiting for readers or the writer."""

    def fold_ahead(self, least: int, turn: "threading.Lock") -> int:
        """`fold_word_totals` of one run of events (when `least` or more wait), counted from a
        snapshot without the write lock, then added under it (taking `turn`, which the writer
        holds while it writes) unless an event was changed or removed meanwhile, or another fold
        came first; the events it folded (0: none)."""
        return 0

    def count_words(self, where: str, params: Sequence, sign: int = 1) -> None:
        """Count the events `where` selects (SQL over `events`) into (sign 1) or out of (-1) the
        counts by word, those already folded into them, in the caller's transaction: whoever
        removes or changes events calls it (with `tally`), before a removal, around a change."""

    def word_charts(self, q: EventQuery, top: int) -> Optional[tuple[list[dict], list[dict], list[dict], str]]:
        """`_charts` of a filter of one word alone and their bucket from the counts by word,
        where the backend keeps them and the chart is by month; else None."""
        return None

    def filtered_rows(self, q: EventQuery) -> str:
        """The table (as `e`) whose rows `aggregates` counts for a filter it cannot answer from
        the summary tables: the events, or the backend's narrower copy of their filtered columns."""
        return "events"

    # ---------------------------------------------------------------- ingest
    def versions(self, hashes: Iterable[str]) -> dict[str, str]:
        """Extractor version each known document was coded with."""
        out: dict[str, str] = {}
        for chunk, marks in in_chunks(list(dict.fromkeys(hashes))):
            rows = self.query(f"SELECT hash, extractor_version FROM documents WHERE hash IN ({marks})", chunk)
            out.update((r["hash"], r["extractor_version"]) for r in rows)
        return out

    def needs_extraction(self, documents: list[Document], version: str) -> list[bool]:
        known = self.versions(document_hash(d) for d in documents)
        return [known.get(document_hash(d)) != version for d in documents]

    def add(self, items: Iterable[tuple[Document, DocumentRecord]] | "Prepared",
            meanwhile: Callable[[], None] = lambda: None) -> AddResult:
        """Store extracted documents in one transaction and resolve their events.

        A document already stored with the same extractor version is left alone; one stored by
        another version has its events replaced. `items` may be `prepare`d already. `meanwhile`
        is called once the events are grouped, as their rows are written: work of the caller's
        that the database's writing leaves time for (`add_all`)."""
        batch = items if isinstance(items, Prepared) else prepare(items)
        result = AddResult()
        with self.transaction():
            known = self.versions(batch.rows)
            tables: dict[str, list[dict]] = {t: [] for t in WRITE_ORDER}
            sets: dict[str, tuple[str, ...]] = {}
            for h, rows in batch.rows.items():
                if h in known:
                    if known[h] == rows["documents"][0]["extractor_version"]:
                        result.unchanged += 1
                        continue
                    self._remove_document(h)
                    result.replaced += 1
                else:
                    result.new += 1
                for t in WRITE_ORDER:
                    tables[t] += rows[t]
                sets.update(rows["actor_sets"])
                result.events += len(rows["events"])
            whole = result.new == len(batch.rows)  # what was made for the whole batch holds
            # grouped before they are written, so that new events are inserted with their group
            self.resolve(tables["events"], batch)
            for event in tables["events"]:
                del event["doc_date"]
            meanwhile()
            for t in WRITE_ORDER:
                if whole and t in batch.values:
                    self.insert_values(t, *batch.values[t])
                elif tables[t]:
                    self.insert(t, tables[t])
            self.keep_actor_sets(sets)
            self.count_written(sorted({e["doc_hash"] for e in tables["events"]}))
        # here, not only in `add_all`: a library caller's `add` alone would otherwise leave the
        # words uncounted, and charts by a word slow once WORD_TAIL events are above the mark
        self._fold_committed(FOLD_EVENTS)
        return result

    @contextmanager
    def _words_left_for_later(self) -> Iterator[None]:
        """A fold once batches are committed: one that fails (the database busy past its
        timeout, a full disk) is rolled back whole and leaves every answer exact (charts count
        the unfolded events from their matches); the next fold resumes from the mark. So it is
        a warning: raised, it told the caller that a stored batch had failed."""
        try:
            yield
        except Exception as exc:  # noqa: BLE001 (whatever it was, the batches are stored)
            log.warning("%s: the words' counts are left for a later batch to fold (%s)", self.url, exc)

    def _fold_committed(self, least: int = 1) -> None:
        """`fold_word_totals`, once a batch is committed (`_words_left_for_later`)."""
        with self._words_left_for_later():
            self.fold_word_totals(least)

    def add_all(self, batches: Iterable[Iterable[tuple[Document, DocumentRecord]]]) -> Iterator[AddResult]:
        """`add` each batch in turn (batches read in the caller's thread), the rows of the next
        one made in a thread while this one is written: the database works without Python's
        lock (SQLite in its C code, PostgreSQL in its server), so that making rows costs the
        writer no time of its own. They are made once this batch is grouped (`add`'s
        `meanwhile`), letting go of the lock between documents (`_giving_way`): grouping is the
        writer's own Python, which a thread holding the lock beside it made twice as long
        (PostgreSQL, 20,000 events: 1.2 s of wall time, 2.0-3.4 with the rows made meanwhile).
        A batch is written once the next is read (in `run`, extracted), or when reading it
        fails, before the error goes on. Yields each batch's result as it is committed. Their
        words are counted on the way by another connection (`fold_ahead`, every FOLD_AHEAD
        events), which copies the log into the database too (`checkpoint`), and at the end
        (`fold_word_totals`)."""
        folder: list[Store] = []  # opened, used and closed in the thread of `words` (SQLite's rule)
        turn = threading.Lock()  # the writer's, while it writes; a fold ahead's, while it adds its counts
        with ThreadPoolExecutor(1, thread_name_prefix="eventwire-rows") as pool, \
                ThreadPoolExecutor(1, thread_name_prefix="eventwire-words") as words:
            folding, ahead = None, self.folds_ahead()
            if ahead:
                self.checkpoints_elsewhere(True)
            try:
                for result in self._add_each(batches, pool, turn):
                    yield result
                    # (asked again: a caller may have begun a transaction meanwhile, which the
                    # fold's write would wait out while holding `turn`)
                    if ahead and (folding is None or folding.done()) and self.folds_ahead():
                        folding = words.submit(self._fold_ahead_of, folder, turn)
            finally:
                if ahead:
                    self.checkpoints_elsewhere(False)
                if folding is not None:
                    words.submit(lambda: [f.close() for f in folder]).result()
        self._fold_committed()

    def _fold_ahead_of(self, folder: list["Store"], turn: "threading.Lock") -> None:
        """`fold_ahead` and `checkpoint` by another connection (made at the first call:
        `folder`); a failure leaves the words to a later fold (`_words_left_for_later`), and the
        log to the writer's next commit."""
        with self._words_left_for_later():
            if not folder:
                folder.append(self.folder())
            folder[0].fold_ahead(FOLD_AHEAD, turn)
            folder[0].checkpoint()

    def _add_each(self, batches: Iterable, pool: ThreadPoolExecutor, turn: "threading.Lock") -> Iterator[AddResult]:
        ahead = None
        batches = iter(batches)

        def add(prepared: Prepared, meanwhile: Callable[[], None] = lambda: None) -> AddResult:
            with turn:
                return self.add(prepared, meanwhile)

        while True:
            try:  # the next batch is read (in `run`, extracted) before this one is written
                batch = next(batches, _END)
            except BaseException:
                if ahead is not None:  # an error or Ctrl-C reading it loses no batch read before
                    add(ahead.result())
                raise
            if batch is _END:
                break
            rows, made = list(batch), []

            def start() -> None:
                if not made:
                    made.append(pool.submit(prepare, _giving_way(rows)))

            if ahead is not None:
                yield add(ahead.result(), start)
            start()  # the first batch: none is written beside it
            ahead = made[0]
        if ahead is not None:
            yield add(ahead.result())

    def _remove_document(self, h: str) -> None:
        """Drop a document's rows; the groups its events were in or bore on are dissolved for
        `resolve` to redo (`_dissolve_around`)."""
        self._dissolve_around("e.doc_hash = ?", [h])
        self.tally(self.query(f"SELECT {TALLY_COLUMNS} FROM events WHERE doc_hash = ?", [h]), -1)
        self.count_words("doc_hash = ?", [h], -1)
        self.execute("DELETE FROM actors WHERE event_id IN (SELECT id FROM events WHERE doc_hash = ?)", [h])
        for table in ("events", "places", "times"):
            self.execute(f"DELETE FROM {table} WHERE doc_hash = ?", [h])
        self.execute("DELETE FROM documents WHERE hash = ?", [h])

    def _dissolve_around(self, where: str, params: Sequence) -> None:
        """Dissolve, for `resolve` to redo, the groups of the events `where` selects and of the
        stored events related to them: without those events (removed, or corrected) what may
        change is their own groups and their neighbours' (a vague report they left torn between
        two events, days they kept from joining as a lone pair)."""
        events = self._mentions(where, params)
        near = self._related([m for m in events if m.locatable], {m.id: m for m in events}, set())
        self._dissolve(sorted({m.row["canonical_id"] for m in events if m.row["canonical_id"]}
                              | {c.row["canonical_id"] for c, _ in near.values()}))

    def _dissolve(self, canonical_ids: list[str]) -> None:
        for chunk, marks in in_chunks(canonical_ids):
            self.execute(f"UPDATE events SET canonical_id = NULL WHERE canonical_id IN ({marks})", chunk)
            self.execute(f"DELETE FROM canonical_events WHERE id IN ({marks})", chunk)

    # ---------------------------------------------------------------- summary tables
    def tally(self, rows: Sequence[dict], sign: int = 1) -> None:
        """Count event rows into (sign 1) or out of (-1) the summary tables, in the caller's
        transaction: whoever removes or changes events calls it with them; `add` counts what it
        writes by `count_written`."""
        counted = tallies(rows, sign)
        removing = sign < 0  # counts taken out leave keys of no events behind
        for table, keys in SUMMARY_KEYS.items():
            counts = counted[table]
            if not counts:
                continue
            names = ", ".join(keys)
            for i in range(0, len(counts), KEYS_PER_QUERY):  # one statement per thousands of keys
                values, params = self.rows_table(counts[i:i + KEYS_PER_QUERY])
                self.execute(f"INSERT INTO {table} ({names}, events, killed) SELECT * FROM ({values}) AS v WHERE true "
                             f"ON CONFLICT ({names}) DO UPDATE SET events = {table}.events + excluded.events, "
                             f"killed = {table}.killed + excluded.killed", params)
            if removing:
                self.executemany(f"DELETE FROM {table} WHERE {' AND '.join(f'{k} = ?' for k in keys)} AND events <= 0",
                                 [c[:len(keys)] for c in counts])

    def retally(self, actor_sets: bool = True) -> None:
        """The summary tables counted again from the events (after a bulk load that wrote the
        events table directly); with `actor_sets` False, the events' actor sets and the tables
        of sets are taken as written (a bulk load of `document_rows` that kept its sets)."""
        with self.transaction():
            self.execute("DELETE FROM event_totals")
            self.execute("DELETE FROM event_cube")
            self._count("true", [], ("event_totals", "event_cube"))
            self.keep_word_totals()
            if not self.has_table("actor_totals"):  # an older store, migrating: its migration 11 fills them
                return
            if actor_sets:
                self.fill_actor_sets()
            self.execute("DELETE FROM actor_totals")
            self._count("true", [], ("actor_totals",))

    def count_written(self, hashes: Sequence[str]) -> None:
        """Count the events of these documents, just written, into the summary tables, in the
        caller's transaction."""
        chunks = []
        for i in range(0, len(hashes), KEYS_PER_QUERY):
            values, params = self.rows_table([(h,) for h in hashes[i:i + KEYS_PER_QUERY]])
            chunks.append((f"doc_hash IN (SELECT * FROM ({values}) AS v)", params))
        if not self.temporary_tables:  # each grouping reads the events themselves
            for where, params in chunks:
                self._count(where, params)
            return
        # their columns read once into a table of the batch alone, which the eleven groupings
        # read: each reading `events` itself, PostgreSQL's planner (a new store has no
        # statistics yet) scanned the whole table eleven times a batch
        self.execute(f"CREATE TEMP TABLE IF NOT EXISTS {WRITTEN} AS SELECT {TALLY_COLUMNS} FROM events WHERE false")
        self.empty_table(WRITTEN)  # emptied first: no row of another batch is ever counted
        for where, params in chunks:
            self.execute(f"INSERT INTO {WRITTEN} SELECT {TALLY_COLUMNS} FROM events WHERE {where}", params)
        self._count("true", [], source=WRITTEN)

    def empty_table(self, name: str) -> None:
        """Delete every row of table `name` (one of the connection's own: no other sees it)."""
        self.execute(f"DELETE FROM {name}")

    def _count(self, where: str, params: list, tables: Sequence[str] = tuple(SUMMARY_KEYS),
               source: str = "events") -> None:
        """Add the events `where` selects (of `source`: `events`, or a table of some of their
        TALLY_COLUMNS) to the summary `tables`, grouped by the database: a batch's rows keyed in
        Python (11 keys an event) cost more than their upsert (20,000 events: 0.45 CPU-s)."""
        def upsert(table: str, select: str, extra: list) -> None:
            names = ", ".join(SUMMARY_KEYS[table])
            self.execute(f"INSERT INTO {table} ({names}, events, killed) {select} ON CONFLICT ({names}) DO UPDATE SET "
                         f"events = {table}.events + excluded.events, killed = {table}.killed + excluded.killed",
                         extra + params)

        counted = "count(*), sum(coalesce(killed, 0))"
        if "event_totals" in tables:
            for dim, column in TOTALS.items():
                key = self._total_key(dim, column)
                upsert("event_totals", f"SELECT ?, {key}, {counted} FROM {source} WHERE {where} GROUP BY {key}", [dim])
        if "event_cube" in tables:
            keys = ", ".join(f"coalesce({k}, '')" for k in CUBE_KEYS)
            upsert("event_cube", f"SELECT {keys}, {counted} FROM {source} WHERE {where} GROUP BY {keys}", [])
        if "actor_totals" in tables:
            for dim, column in ACTOR_TOTALS.items():
                key = self._total_key(dim, column)
                upsert("actor_totals", f"SELECT actor_set, ?, {key}, {counted} FROM {source} WHERE actor_set IS NOT NULL "
                                       f"AND {where} GROUP BY actor_set, {key}", [dim])

    @staticmethod
    def _total_key(dim: str, column: str) -> str:
        """A summary table's key of `dim` in SQL (`tally` keys in Python)."""
        return f"coalesce({column}, '')" if dim not in PREFIX else f"substr(coalesce({column}, ''), 1, {PREFIX[dim]})"

    def keep_actor_sets(self, sets: dict[str, tuple[str, ...]]) -> None:
        """Note actor sets (id: folded names, `rows.actor_set`) and their names, those already
        kept left alone; in the caller's transaction, with the events that have them."""
        members = sorted({(i, n) for i, names in sets.items() for n in names})
        for table, rows in (("actor_names", sorted({(n,) for _, n in members})), ("actor_sets", members)):
            names = "name" if table == "actor_names" else "id, name"
            for i in range(0, len(rows), KEYS_PER_QUERY):
                values, params = self.rows_table(rows[i:i + KEYS_PER_QUERY])
                self.execute(f"INSERT INTO {table} ({names}) SELECT * FROM ({values}) AS v WHERE true "
                             "ON CONFLICT DO NOTHING", params)

    def fill_actor_sets(self) -> None:
        """Every event's actor set, and the tables of sets and names, computed again from the
        stored actors (a store older than migration 11, or a bulk load of rows); only the
        events whose set differs are written."""
        sets: dict[str, tuple[str, ...]] = {}
        after = ""
        # a run of events at a time, with their actors by the actors' key: the whole table of
        # actors read at once held some 1 GB at 1M events
        while events := self.values("SELECT id, actor_set FROM events WHERE id > ? ORDER BY id LIMIT ?",
                                    [after, FILL_EVENTS]):
            last = events[-1][0]
            names: dict[str, set[str]] = {}
            for event_id, name, text in self.values("SELECT event_id, name, text FROM actors "
                                                    "WHERE event_id > ? AND event_id <= ?", [after, last]):
                names.setdefault(event_id, set()).update((name, text))
            changed = []
            for event_id, stored in events:
                folded = folded_names(names.get(event_id, ()))
                kept = actor_set(folded)
                if kept:
                    sets[kept] = folded
                if kept != stored:
                    changed.append((event_id, kept))
            for i in range(0, len(changed), KEYS_PER_QUERY):
                values, params = self.rows_table(changed[i:i + KEYS_PER_QUERY])
                self.execute(f"WITH v (id, actor_set) AS ({values}) "
                             "UPDATE events SET actor_set = v.actor_set FROM v WHERE events.id = v.id", params)
            after = last
        self.execute("DELETE FROM actor_sets")
        self.execute("DELETE FROM actor_names")
        self.keep_actor_sets(sets)

    def aggregates(self, q: Optional[EventQuery] = None, top: int = 30) -> dict:
        """Counts for charts: events and people killed by day (by month, `bucket`, when the
        events fall on more than MAX_DAYS distinct days, so that the answer stays small; each
        month keyed by its first day), by type and by
        admin1 (the `top` admin1s). From the summary tables when the filter allows (none, or
        only type, country, admin1 and dates; an actor; one word by month, where the backend
        counts words), else counted from the matching events."""
        q = q or EventQuery()
        used = set(q.model_dump(exclude_defaults=True))
        if not used:
            def grouped(dim: str, order: str, limit: Optional[int] = None) -> list[dict]:
                return self.query(f"SELECT key, events, killed FROM event_totals WHERE dim = ? ORDER BY {order}"
                                  + (" LIMIT ?" if limit else ""), [dim] + ([limit] if limit else []))

            days = self.query("SELECT count(*) AS n FROM event_totals WHERE dim = 'day'")[0]["n"]
            bucket = "day" if days <= MAX_DAYS else "month"
            by_day = [{"day": month_day(r["key"]) if bucket == "month" else r["key"] or None,
                       "events": int(r["events"]), "killed": int(r["killed"] or 0)} for r in grouped(bucket, "key")]
            types, admins = grouped("type", "events DESC, key"), grouped("admin1", "events DESC, key", top)
        else:
            charts = self._actor_charts(q.actor, top) if used == {"actor"} else \
                self.word_charts(q, top) if used == {"text"} else \
                self._cube_charts(q, top) if used <= KEY_FILTERS else None
            if charts:
                day_rows, types, admins, bucket = charts
            else:
                table, count, killed = ("event_cube", "e.events", "e.killed") if used <= CUBE_FILTERS else \
                    (self.filtered_rows(q), "1", "coalesce(e.killed, 0)")
                where, params = where_clause(q, self.text_match, self.listed_sets(q.actor))
                day_rows, types, admins = self._charts(
                    f"SELECT e.date_start AS day, e.type AS type, e.admin1 AS admin1, {count} AS n, {killed} AS k "
                    f"FROM {table} e WHERE {where}", params, top)
                bucket = "day" if len(day_rows) <= MAX_DAYS else "month"
            by_day = [{"day": r["key"], "events": int(r["events"]), "killed": int(r["killed"] or 0)} for r in day_rows]
            if bucket == "month":
                months: dict[str, dict] = {}
                for r in by_day:
                    month = r["day"] and r["day"][:7]
                    m = months.setdefault(month, {"day": month_day(month), "events": 0, "killed": 0})
                    m["events"] += r["events"]
                    m["killed"] += r["killed"]
                by_day = list(months.values())

        # events of no date (a bulk load's: `add` always dates) counted in one entry of day None,
        # last on both backends (SQLite sorts NULL first, PostgreSQL last)
        by_day = [r for r in by_day if r["day"]] + [r for r in by_day if not r["day"]]

        def listed(rows: list[dict], name: str) -> list[dict]:
            return [{name: r["key"] or None, "events": int(r["events"]), "killed": int(r["killed"] or 0)} for r in rows]

        return {"total": sum(r["events"] for r in by_day), "killed": sum(r["killed"] for r in by_day),
                "bucket": bucket, "by_day": by_day,
                "by_type": listed(types, "type"), "by_admin1": listed(admins, "admin1")}

    def _charts(self, source: str, params: list, top: int) -> tuple[list[dict], ...]:
        """The rows of `source` (columns day, type, admin1, n events, k killed), summed by day,
        by type and by admin1 (the `top`), each ranked as it is listed."""
        # the rows read once for the three groupings (a text filter of 20k events: their rows
        # were read three times)
        parts = " UNION ALL ".join(
            f"SELECT {n} AS part, {key} AS key, sum(n) AS events, CAST(sum(k) AS BIGINT) AS killed, "
            f"row_number() OVER (ORDER BY {order}) AS pos FROM m GROUP BY {key}"
            for n, (key, order) in enumerate((("day", "day"), ("type", "sum(n) DESC, type"),
                                              ("admin1", "sum(n) DESC, admin1"))))
        rows = self.query(f"WITH m AS MATERIALIZED ({source}) SELECT part, key, events, killed FROM ({parts}) g "
                          f"WHERE part < 2 OR pos <= ? ORDER BY part, pos", list(params) + [top])
        parted: dict[int, list[dict]] = {0: [], 1: [], 2: []}
        for r in rows:
            parted[r["part"]].append(r)
        return tuple(parted.values())

    def _cube_charts(self, q: EventQuery, top: int) -> tuple[list[dict], list[dict], list[dict], str]:
        """`_charts` of a filter of a type, a country or both (KEY_FILTERS), and their bucket (by
        month when its events fall on more than MAX_DAYS days), each chart grouped by itself from
        the filter's rows of the cube, which the key's index (or the country's) reads at once:
        its rows read once and grouped three times cost 3.4 times as much (300k events, a type and
        a country: 21.2 against 6.2 ms of CPU; a country 9.2 against 5.9). A filter of dates or
        a region reads its rows once (`_charts`): read four times, they cost more than the
        grouping saves (a country's three months: 7.3 against 29.2 ms)."""
        where, params = where_clause(q, self.text_match)
        rows = f"FROM event_cube e WHERE {where}"
        days = self.values(f"SELECT count(DISTINCT e.date_start) {rows}", params)[0][0]
        bucket = "day" if days <= MAX_DAYS else "month"
        # the day as an expression: grouped and ordered by the column itself, SQLite walked the
        # cube's whole date index for its order (16 ms of the 18.6)
        day = f"substr(e.date_start, 1, {10 if bucket == 'day' else 7})"
        return self._summed([(key, key, rows, params) for key in (day, "e.type", "e.admin1")], top, bucket)

    def _actor_charts(self, actor: str, top: int) -> tuple[list[dict], list[dict], list[dict], str]:
        """`_charts` of the events of an actor filter, and their bucket, from the counts of the
        matching actor sets (an event has one set: none is counted twice). By month when the
        sets fall on more than MAX_DAYS days together, else by day."""
        sets, params = self.listed_sets(actor)
        bucket = "day" if self._days_within(sets, params) else "month"
        # each chart from its own dimension's rows, read by the key's index (the rows of all
        # three read once and grouped three times: 4 times the CPU; 22 sets of "police" in a
        # store of 300k events, 16 against 4 ms); '' was a missing value: NULL again, ranked
        # where the events' own NULLs rank (grouped by the column: by the expression, SQLite
        # sorts what the key's index gives in order)
        rows = f"FROM actor_totals WHERE dim = ? AND actor_set IN ({sets})"
        return self._summed([("NULLIF(key, '')", "key", rows, [dim] + params) for dim in (bucket, "type", "admin1")],
                            top, bucket)

    def _summed(self, charts: list[tuple[str, str, str, list]], top: int,
                bucket: str) -> tuple[list[dict], list[dict], list[dict], str]:
        """The charts by day (by month in `bucket` "month", each keyed by its first day), by type
        and by admin1 (the `top`), each from its `(key, group, rows, params)`: the key's SQL, what
        it is grouped by, and the FROM and WHERE of rows of columns events and killed; and
        `bucket`."""
        day_rows, types, admins = (
            self.query(f"SELECT {key} AS key, sum(events) AS events, CAST(sum(killed) AS BIGINT) AS killed {rows} "
                       f"GROUP BY {group} ORDER BY {order}", params + extra)
            for (key, group, rows, params), (order, extra) in zip(charts, (("key", []), ("events DESC, key", []),
                                                                           ("events DESC, key LIMIT ?", [top]))))
        if bucket == "month":
            day_rows = [{**r, "key": month_day(r["key"])} for r in day_rows]
        return day_rows, types, admins, bucket

    def _days_within(self, sets: str, params: list) -> bool:
        """Whether these actor sets (`listed_sets`) fall on MAX_DAYS days or fewer together.
        First a walk of MAX_DAYS day rows of each of a few listed sets (whose day rows may be
        tens of thousands: PostgreSQL counted them in 25 ms), else a count of every set's:
        one set over is enough. Then their distinct days, read only as far as MAX_DAYS + 1:
        sets each within whose days together are not were charted by day, then by month, at
        twice the rows (22 sets of "police", 5.2M events: 10,416 day rows against 2,570)."""
        if params and not sets.startswith("SELECT") and len(params) <= FEW_SETS:
            if any(self.query("SELECT 1 AS found FROM actor_totals WHERE actor_set = ? AND dim = 'day' "
                              "ORDER BY key LIMIT 1 OFFSET ?", [i, MAX_DAYS]) for i in params):
                return False
        else:
            most = self.query(f"SELECT max(n) AS n FROM (SELECT count(*) AS n FROM actor_totals WHERE dim = 'day' "
                              f"AND actor_set IN ({sets}) GROUP BY actor_set) c", params)[0]["n"] or 0
            if most > MAX_DAYS:
                return False
        return self.query(f"SELECT count(*) AS n FROM (SELECT DISTINCT key FROM actor_totals WHERE dim = 'day' "
                          f"AND actor_set IN ({sets}) LIMIT ?) d", params + [MAX_DAYS + 1])[0]["n"] <= MAX_DAYS

    def facets(self, limit: int = 300) -> dict[str, list[dict]]:
        """Values present in the store with their numbers of events, for filter menus (the
        review statuses from the few reviewed events, the rest from the summary)."""
        out = {dim: [{"value": r["key"], "n": int(r["events"])} for r in self.query(
            "SELECT key, events FROM event_totals WHERE dim = ? AND key <> '' ORDER BY events DESC, key LIMIT ?",
            [dim, limit])] for dim in ("type", "country", "admin1", "claim_status")}
        out["review_status"] = self.query(
            "SELECT review_status AS value, count(*) AS n FROM events WHERE review_status IS NOT NULL "
            "GROUP BY review_status ORDER BY n DESC, value LIMIT ?", [limit])
        return out

    # ---------------------------------------------------------------- resolve
    def resolve(self, new_rows: Sequence[dict] = (), prepared: Optional[Prepared] = None) -> int:
        """Group every ungrouped stored event, and `new_rows` (event rows about to be inserted,
        with `doc_date`; their `canonical_id` is set here), with the stored events they report;
        returns how many canonical events were written. `prepared`: the batch `new_rows` came
        from, with their mentions, canonical rows as if alone and candidate keys.

        Incremental: only the stored groups whose grouping these events can change are read
        and regrouped (`_affected`), with the stored events the vague reports among them may
        report as context; nothing else is read. Canonical ids are stable
        (`dedup.canonical_id`), so only the events whose group changed are written."""
        todo = {m.id: m for m in self._mentions("e.canonical_id IS NULL")}
        unstored = {r["id"]: r for r in new_rows}
        # only the rows being written: a stored event of a document the batch holds again
        # unchanged keeps its stored row (its document's date, an analyst's corrections)
        made = {i: prepared.mentions[i] for i in unstored if i in prepared.mentions} if prepared else {}
        todo.update((i, made[i][0] if i in made else Mention.from_row(r)) for i, r in unstored.items())
        if not todo:
            return 0
        touched: set[str] = set()
        context: dict[str, Mention] = {}
        # the keys made with the batch, when no stored event waits to be grouped besides it
        keys = prepared.keys if prepared and len(todo) == len(unstored) else None
        found = self._related([m for m in todo.values() if m.locatable], todo, touched, keys)
        first = self._read_groups({c.row["canonical_id"] for c, _ in found.values()}, todo, touched)
        self._affected(first, {c.row["canonical_id"] for c, precise in found.values() if precise}, todo, touched,
                       context)
        while True:
            context = {i: m for i, m in context.items() if i not in todo}  # read whole since
            groups = group(list(todo.values()) + list(context.values()),
                           fixed={i: m.row["canonical_id"] for i, m in context.items()})
            # a stored event of the context joined another group: the store's groups are not
            # those a grouping from scratch makes (a bulk load wrote them); read its group too
            mixed = [g for g in groups if any(m.id in context for m in g) and any(m.id not in context for m in g)]
            if not mixed:
                break
            stray = {m.row["canonical_id"] for g in mixed for m in g if m.id in context}
            context = {i: m for i, m in context.items() if m.row["canonical_id"] not in stray}
            more = self._read_groups(stray, todo, touched)
            joined = stray | {m.row.get("canonical_id") for g in mixed for m in g if m.id not in context}
            self._affected(more + [m for g in mixed for m in g if m.id in todo], joined, todo, touched, context)
        groups = [g for g in groups if g[0].id not in context]
        rows = [made[g[0].id][1] if len(g) == 1 and g[0].id in made else canonical_event(g) for g in groups]
        stale = touched | {c for m in todo.values() if m.id not in unstored and (c := m.row.get("canonical_id"))}
        self._write_groups(groups, rows, stale, unstored)
        return len(rows)

    def _mentions(self, where: str, params: Sequence = ()) -> list[Mention]:
        """The stored events `where` selects, as dedup reads them."""
        return [Mention.from_row(r) for r in self.query(f"SELECT {RESOLVE_COLUMNS} FROM {RESOLVE_FROM} WHERE {where}",
                                                          params)]

    def _write_groups(self, groups: list[list[Mention]], rows: list[dict], stale: set[str],
                      unstored: Optional[dict[str, dict]] = None) -> None:
        """Replace the canonical rows `stale` (ids) with `rows`, one per group, and point each
        member at its row: a stored event whose group changed is updated, an event of
        `unstored` (rows about to be inserted) gets its `canonical_id` set."""
        unstored = unstored or {}
        self._delete_canonical(sorted(stale))
        self.insert("canonical_events", rows)
        changed = []
        for row, g in zip(rows, groups):
            for m in g:
                if m.id in unstored:
                    unstored[m.id]["canonical_id"] = row["id"]
                elif m.row.get("canonical_id") != row["id"]:
                    changed.append((row["id"], m.id))
        self.executemany("UPDATE events SET canonical_id = ? WHERE id = ?", changed)

    def _affected(self, first: list[Mention], joined: set[str], todo: dict[str, Mention], touched: set[str],
                  context: dict[str, Mention]) -> None:
        """Read into `todo` the stored groups that grouping it can change, given `first`, the
        groups related to its new (or ungrouped) events, of which `joined` (canonical ids) are
        precise groups that a new precise event joins; put into `context` the events their
        vague reports are decided against.

        In `dedup.group` precisely dated reports group by their own relation alone, and a vague
        report's choice depends only on the precise groups it may report. So what can change
        is: (1) the groups related to a new event; (2) the groups of vague reports that may
        report a member of a precise group a new event joins (their best fit may change);
        (3) groups of vague reports left unmatched, which a vague report of (1) or (2) may
        pair with. The precise events that the vague reports of (1)-(3) may report, and those a
        day off the precise events read (4), and the areas' reports of days beside the areas'
        read with the precise events they may report, in no group read, are the context:
        grouped as stored, never rewritten. One query per step for the whole batch, however
        large the store or a busy place's history."""
        found = self._related([m for m in first if m.precise and m.row.get("canonical_id") in joined and m.locatable],
                              todo, touched)
        second = self._read_groups({c.row["canonical_id"] for c, _ in found.values() if not c.precise}, todo, touched)
        found = self._related([m for m in first + second if not m.precise and m.locatable], todo, touched)
        context.update((i, c) for i, (c, _) in found.items() if c.precise)
        third = self._read_groups({c.row["canonical_id"] for c, _ in found.values() if not c.precise}, todo, touched,
                                  vague_only=True)
        # (here and in step 4's first read only the precise are kept: their keys read only
        # reports of days)
        context.update(self._precise_related([m for m in third if m.locatable], todo, touched))
        # (4) the precise events a day off the precise ones read, and the areas' reports of days
        # beside the areas' read: whether two groups a day apart join depends on every such
        # neighbour of both (`dedup._join_lone_pairs`)
        context.update(self._precise_related([m for m in first + second if m.precise and m.locatable], todo, touched))
        days = [m for m in first + second + third if area_day(m) and m.locatable]
        found = self._related(days, todo, touched, candidate_keys(days, only="area_days")) if days else {}
        beside = [c for c, _ in found.values() if area_day(c)]
        context.update((c.id, c) for c in beside)
        # and the precise events those may report: one that fits one is no neighbour (it joined
        # that event, or it fits two alike), which the grouping knows only with them
        context.update(self._precise_related(beside, todo, touched))

    def _related(self, frontier: list[Mention], todo: dict[str, Mention], touched: set[str],
                 keys: Optional[list[tuple]] = None) -> dict[str, tuple[Mention, bool]]:
        """Stored events, in none of the groups read, related to one of `frontier` (`keys`:
        `candidate_keys` of it or of more); with each, whether it is precisely dated and the
        same event as a precisely dated one of them."""
        candidates = [Mention.from_row(r) for r in (self._candidates(frontier, keys) if frontier else ())
                      if r["canonical_id"] not in touched and r["id"] not in todo]
        if not candidates:
            return {}
        # reports of their own span (`dedup.own_span_of`) apart: related to no other's; only the
        # blocks with candidates are sorted (most of a batch's have none)
        wanted = {(c.type, c.country, c.own_span) for c in candidates}
        blocks: dict[tuple, list[Mention]] = {}
        for m in frontier:
            if (key := (m.type, m.country, m.own_span)) in wanted:
                blocks.setdefault(key, []).append(m)
        near = {k: Neighbours(ms) for k, ms in blocks.items()}
        out: dict[str, tuple[Mention, bool]] = {}
        for c in candidates:
            block = near.get((c.type, c.country, c.own_span))
            hits = [m for m in block.around(c) if related(m, c)] if block else []
            if hits:
                out[c.id] = (c, c.precise and any(m.precise for m in hits))
        return out

    def _precise_related(self, frontier: list[Mention], todo: dict[str, Mention],
                         touched: set[str]) -> dict[str, Mention]:
        """The precisely dated of `_related`, read by their own keys (`candidate_keys` "precise":
        a country's reports of the day were half of what a batch's precise neighbours read)."""
        found = self._related(frontier, todo, touched, candidate_keys(frontier, only="precise")) if frontier else {}
        return {i: c for i, (c, _) in found.items() if c.precise}

    def _read_groups(self, canonical_ids: set[str], todo: dict[str, Mention], touched: set[str],
                     vague_only: bool = False) -> list[Mention]:
        """Every member of these stored groups (with `vague_only`, of those with no precisely
        dated member), added to `todo` and their ids to `touched`; returns the members read."""
        members: dict[str, list[Mention]] = {}
        for chunk, marks in in_chunks(sorted(canonical_ids - touched)):
            for m in self._mentions(f"e.canonical_id IN ({marks})", chunk):
                members.setdefault(m.row["canonical_id"], []).append(m)
        out = []
        for cid, ms in members.items():
            if vague_only and any(m.precise for m in ms):
                continue
            touched.add(cid)
            for m in ms:
                todo[m.id] = m
                out.append(m)
        return out

    def _candidates(self, mentions: list[Mention], keys: Optional[list[tuple]] = None) -> list[dict]:
        """Stored, grouped events of the type and country of one of `mentions` whose dates and
        places may meet theirs (`candidate_keys`, or `keys` made for them or for more; parties
        are compared by the caller), read in one query per KEYS_PER_QUERY keys."""
        keys = candidate_keys(mentions) if keys is None else keys
        out: dict[str, dict] = {}
        for i in range(0, len(keys), KEYS_PER_QUERY):
            rows, params = self.rows_table(keys[i:i + KEYS_PER_QUERY])
            for r in self.query(CANDIDATES_SQL.format(keys=", ".join(KEY_COLUMNS), rows=rows), params):
                if r["canonical_id"] is not None:
                    out[r["id"]] = r
        return [out[i] for i in sorted(out)]

    def _delete_canonical(self, canonical_ids: list[str]) -> None:
        for chunk, marks in in_chunks(canonical_ids):
            self.execute(f"DELETE FROM canonical_events WHERE id IN ({marks})", chunk)

    # ---------------------------------------------------------------- reads
    def _rows(self, rows: list[dict]) -> list[dict]:
        """The rows of one query with their boolean columns as bool (SQLite keeps 0/1)."""
        bools = BOOL_COLUMNS & rows[0].keys() if rows else ()  # the same columns in every row
        for row in rows:
            for c in bools:
                if row[c] is not None:
                    row[c] = bool(row[c])
        return rows

    def events(self, q: Optional[EventQuery] = None, limit: Optional[int] = None,
               columns: str = EVENT_COLUMNS) -> Iterator[dict]:
        """Matching events, newest first, each joined with its document's date, title and url;
        `columns` as `page`."""
        size, cursor, n = min(2000, limit or 2000), None, 0
        while True:
            rows, cursor = self.page(q, cursor=cursor, limit=size, columns=columns)
            for row in rows:
                yield row
                n += 1
                if limit is not None and n >= limit:
                    return
            if cursor is None:
                return

    def page(self, q: Optional[EventQuery] = None, cursor: Optional[str] = None, limit: int = 50,
             columns: str = EVENT_COLUMNS) -> tuple[list[dict], Optional[str]]:
        """One page of matching events (keyset pagination) and the cursor of the next page;
        `columns`: SQL over EVENT_FROM (with the event's lat and lon), by default all of them."""
        q = q or EventQuery()
        where, params = where_clause(q, self.text_match, self.listed_sets(q.actor))
        params = list(params)
        if cursor:
            day, event_id = decode_cursor(cursor)
            where += AFTER_CURSOR
            params += [day, day, event_id]
        share = self._share(q)
        if not share:
            return [], None
        # the page's ids first, from the events table alone; then their rows and joins. The
        # next cursor comes from the ids: a writer may remove some rows between the two reads
        found = self.newest("e.id, e.date_start", q, where, params, limit + 1, share, day if cursor else None)
        ids = [r[0] for r in found[:limit]]
        rows = self._rows(self.query(
            f"SELECT {columns} FROM {EVENT_FROM} WHERE e.id IN ({', '.join('?' * len(ids))}) "
            "ORDER BY e.date_start DESC, e.id DESC", ids)) if ids else []
        last = found[limit - 1] if len(found) > limit > 0 else None
        next_cursor = encode_cursor({"id": last[0], "date_start": last[1]}) if last else None
        return [r for r in rows if q.within(r)], next_cursor

    def listed_sets(self, actor: Optional[str]) -> Optional[tuple[str, list]]:
        """The sets of an actor filter (`query.actor_sets`) as SQL inside `IN (...)` and its
        parameters: listed, where they are not too many (PostgreSQL compared each event with
        the subquery's rows one by one: 1M events, "police", a page 68 -> 4 ms)."""
        if not actor:
            return None
        sql, params = actor_sets(actor)
        ids = sorted({r[0] for r in self.values(f"{sql} LIMIT {MAX_LISTED_SETS + 1}", params)})
        if len(ids) > MAX_LISTED_SETS:
            return sql, params
        return (", ".join("?" * len(ids)), ids) if ids else ("NULL", [])

    def _share(self, q: EventQuery) -> float:
        """The share of the stored events that the value filters (type, country, region, claim
        status) let through, from the summary counts and as if they were independent; 0 when
        one matches no stored event (a region with no events: no walk of the date index to
        find none)."""
        share, total = 1.0, None
        for dim in ("type", "country", "admin1", "claim_status"):
            values = getattr(q, dim)
            if not values:
                continue
            n = self.values(f"SELECT coalesce(sum(events), 0) FROM event_totals WHERE dim = ? AND key IN "
                            f"({', '.join('?' * len(values))})", [dim, *values])[0][0]
            if n <= 0:
                return 0.0
            if total is None:  # every event has a type
                total = self.values("SELECT coalesce(sum(events), 0) FROM event_totals WHERE dim = 'type'")[0][0]
            share *= min(1.0, float(n) / max(float(total), 1.0))
        return share

    def newest(self, columns: str, q: EventQuery, where: str, params: list, limit: int, share: float = 1.0,
               before: Optional[str] = None) -> list[tuple]:
        """`columns` (SQL over `events e`) of the newest `limit` events matching `where` (the
        condition of `q`, `params` its parameters), newest first: a page's ids, the map's
        points. `share`: the part of the store `q` lets through (`_share`); `before`: the
        cursor's day, where a page after the first starts."""
        return self.values(f"SELECT {columns} FROM events e{self.page_hint(q, limit)} WHERE {where}{NEWEST_FIRST}",
                           params + [limit])

    def points(self, q: Optional[EventQuery] = None, limit: int = 20_000) -> tuple[list[tuple], bool]:
        """The newest `limit` located events, compact for a map: (id, lat, lon, type, killed,
        date_start, review_status) each; and whether more matched."""
        q = q or EventQuery()
        share = self._share(q)
        if not share:
            return [], False
        where, params = where_clause(q, self.text_match, self.listed_sets(q.actor))
        where, params = f"{where} AND e.lat IS NOT NULL", list(params)
        columns = "e.id, e.lat, e.lon, e.type, e.killed, e.date_start, e.review_status"
        rows = found = self.newest(columns, q, where, params, limit + 1, share)
        if q.near:  # the SQL reads a box around the circle: its corners are kept out, and read past
            rows = []
            while True:
                rows += [r for r in found if q.within({"lat": r[1], "lon": r[2]})]
                if len(rows) > limit or len(found) <= limit:
                    break
                last = found[-1]
                found = self.newest(columns, q, where + AFTER_CURSOR, params + [last[5], last[5], last[0]],
                                    limit + 1, share, last[5])
        return rows[:limit], len(rows) > limit

    def event(self, event_id: str) -> Optional[dict]:
        """One event with its actors and the evidence for each field."""
        rows = self._rows(self.query(f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = ?", [event_id]))
        if not rows:
            return None
        row = rows[0]
        row["actors"] = self.query("SELECT * FROM actors WHERE event_id = ? ORDER BY role, seq", [event_id])
        row["evidence"] = self.evidence([row])[row["id"]]
        return row

    def evidence(self, rows: list[dict], records: Optional[dict[str, dict]] = None) -> dict[str, list[dict]]:
        """The evidence rows (`rows.evidence_rows`) of stored events (rows with their `id`,
        `doc_hash` and `record`), by event id (`evidence_spans`, as rows)."""
        return {i: span_rows(i, spans) for i, spans in self.evidence_spans(rows, records).items()}

    def evidence_spans(self, rows: list[dict], records: Optional[dict[str, dict]] = None) -> dict[str, list[tuple]]:
        """The evidence of stored events (rows with their `id`, `doc_hash` and `record`) as
        (field, start, end, words) each (`rows.evidence_spans`), by event id: read from their
        records and documents' texts, EVIDENCE_DOCS texts at a time (an export page may span
        500 documents of up to a million characters each). `records`: the rows' records
        already parsed, by event id (an export reads them too)."""
        by_doc: dict[str, list[dict]] = {}
        for r in rows:
            by_doc.setdefault(r["doc_hash"], []).append(r)
        hashes = sorted(by_doc)
        out: dict[str, list[tuple]] = {}
        for i in range(0, len(hashes), EVIDENCE_DOCS):
            chunk = hashes[i:i + EVIDENCE_DOCS]
            texts = dict(self.values(f"SELECT hash, text FROM documents WHERE hash IN ({', '.join('?' * len(chunk))})",
                                     chunk))
            for r in (r for h in chunk for r in by_doc[h]):  # a document gone: the spans, no words
                record = records[r["id"]] if records else orjson.loads(r["record"])
                out[r["id"]] = evidence_spans(record, texts.get(r["doc_hash"]) or "")
        return {r["id"]: out[r["id"]] for r in rows}

    def canonical(self, canonical_id: str) -> Optional[dict]:
        rows = self._rows(self.query("SELECT * FROM canonical_events WHERE id = ?", [canonical_id]))
        return rows[0] if rows else None

    def canonical_events(self, limit: Optional[int] = None) -> list[dict]:
        sql = "SELECT * FROM canonical_events ORDER BY date_start DESC, id DESC"
        return self._rows(self.query(sql + (" LIMIT ?" if limit else ""), [limit] if limit else []))

    def sources(self, canonical_id: str) -> list[dict]:
        """The articles behind one canonical event: each member event with its document."""
        return self._rows(self.query(
            f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.canonical_id = ? ORDER BY d.date, e.id",
            [canonical_id]))

    def document(self, key: str) -> Optional[dict]:
        """A document by content hash or by its id."""
        rows = self.query("SELECT * FROM documents WHERE hash = ? OR doc_id = ? ORDER BY hash LIMIT 1", [key, key])
        return rows[0] if rows else None

    def stats(self) -> dict[str, int]:
        return {t: self.query(f"SELECT count(*) AS n FROM {t}")[0]["n"]
                for t in ("documents", "events", "canonical_events")}


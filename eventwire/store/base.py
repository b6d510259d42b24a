"""One storage interface over two real databases (SQLite, PostgreSQL).

A backend supplies a handful of primitives (query, insert, transaction, full-text condition,
DDL); everything else — idempotent ingest, replacement on a newer extractor, incremental
dedup, filtered reads — is written once here, in SQL both databases run.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator, Optional, Sequence

from ..geo import SAME_PLACE_KM
from ..ingest.readers import content_id
from ..models import Document, DocumentRecord
from ..resolve.dedup import (
    REPORTED_LOOKBACK_DAYS,
    SLACK_DAYS,
    Mention,
    Neighbours,
    canonical_event,
    group,
    related,
)
from .query import EventQuery, decode_cursor, encode_cursor, where_clause
from .rows import document_rows
from .schema import LATEST, MIGRATIONS, SCHEMA_VERSION, Migration, Table

BOOL_COLUMNS = frozenset(c for m in MIGRATIONS for t in m.tables for c, kind in t.columns if kind == "bool") | \
    frozenset(c for m in MIGRATIONS for _, c, kind in m.add_columns if kind == "bool")
# What `add` writes per document, parents first.
WRITE_ORDER = ("documents", "events", "actors", "evidence", "places", "times")
EVENT_COLUMNS = "e.*, d.date AS doc_date, d.doc_id AS doc_id, d.title AS doc_title, d.url AS doc_url, " \
    "d.source AS doc_source, d.ingested_at AS ingested_at, c.n_sources AS n_sources"
# What dedup reads of each candidate: the full row only for the groups it then regroups.
CANDIDATE_COLUMNS = ", ".join(f"e.{c}" for c in (
    "id", "doc_hash", "type", "date_start", "date_end", "date_precision", "lat", "lon", "feature", "country",
    "admin1", "admin2", "geonameid", "parties", "canonical_id"))
# Candidates by the index (type, country, date_precision, date_start): short events start at
# most SHORT_MAX_DAYS before the range read, which bounds the index scan; the few long ones
# (a month, a year, years) are read by their own precision.
SHORT = ("day", "week", "reported")
LONG = ("month", "year")
SHORT_MAX_DAYS = 8
_CANDIDATE = (f"SELECT {CANDIDATE_COLUMNS} FROM events e WHERE e.type = ? AND e.country = ? "
              "AND e.date_precision IN ({}) AND e.date_start {} AND e.date_end >= ? AND e.canonical_id IS NOT NULL")
SHORT_CANDIDATES = _CANDIDATE.format(", ".join("?" * len(SHORT)), "BETWEEN ? AND ?")
LONG_CANDIDATES = _CANDIDATE.format(", ".join("?" * len(LONG)), "<= ?")
EVENT_FROM = "events e JOIN documents d ON d.hash = e.doc_hash LEFT JOIN canonical_events c ON c.id = e.canonical_id"


class StoreError(Exception):
    """A store that cannot be opened or used; the message names it and the problem."""


@dataclass
class AddResult:
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    events: int = 0


def document_hash(document: Document) -> str:
    """The store's key: the text's content hash, whatever id or file it came with."""
    return content_id(document.text)


def _days_before(day: str, days: int) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()


AREA_DEGREES = 0.5


def _area(m: Mention) -> tuple:
    """Where a mention's candidates lie: a cell of the map for a point, its region or its
    country for the coarser places (see `_nearby`)."""
    if m.feature == "country":
        return ("country",)
    if m.feature in ("admin1", "admin2"):
        return ("region", m.admin1 or "")
    return (round(m.lat / AREA_DEGREES), round(m.lon / AREA_DEGREES))


def _nearby(ms: list[Mention]) -> tuple[str, list]:
    """An SQL condition keeping the stored events that can share a place with one of `ms`
    (see `dedup.same_place`): regions and countries, whatever lies in the regions named, and
    points within 25 km of theirs; nothing to add when one of `ms` is a whole country."""
    if any(m.feature == "country" for m in ms):
        return "", []
    lat0, lat1 = min(m.lat for m in ms), max(m.lat for m in ms)
    lon0, lon1 = min(m.lon for m in ms), max(m.lon for m in ms)
    dlat = SAME_PLACE_KM / 110.0
    dlon = SAME_PLACE_KM / (110.0 * max(0.05, math.cos(math.radians(max(abs(lat0), abs(lat1))))))
    regions = sorted({m.admin1 for m in ms if m.feature in ("admin1", "admin2") and m.admin1})
    sql = (" AND (e.feature IN ('admin1', 'admin2', 'country') OR (e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?)"
           + (f" OR e.admin1 IN ({', '.join('?' * len(regions))})" if regions else "") + ")")
    return sql, [lat0 - dlat, lat1 + dlat, lon0 - dlon, lon1 + dlon, *regions]


def _spans(blocks: dict[tuple, list[Mention]]) -> Iterator[tuple[tuple, list[Mention], str, str]]:
    """Each block's mentions cut where their dates lie far apart, with the date range to read
    around them: a batch spread over years reads a few weeks around each event, not the years."""
    margin = timedelta(days=SLACK_DAYS + REPORTED_LOOKBACK_DAYS)
    for key, ms in blocks.items():
        ms = sorted(ms, key=lambda m: (m.start, m.id))
        run = [ms[0]]
        end = ms[0].end
        for m in ms[1:] + [None]:
            if m is not None and m.start <= end + 2 * margin:
                run.append(m)
                end = max(end, m.end)
                continue
            yield key, run, (run[0].start - margin).isoformat(), (end + margin).isoformat()
            if m is not None:
                run, end = [m], m.end


class Store(ABC):
    url: str

    # ---------------------------------------------------------------- backend primitives
    @abstractmethod
    def query(self, sql: str, params: Sequence = ()) -> list[dict]:
        """Rows as dicts; SQL uses `?` placeholders."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence = ()) -> None: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None: ...

    @abstractmethod
    def insert(self, table: str, rows: list[dict]) -> None: ...

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]: ...

    @abstractmethod
    def text_match(self, words: list[str]) -> tuple[str, list]:
        """Full-text condition over `events e`: all of `words` (`query.text_words`) in its
        evidence sentences; the words are data, never FTS syntax."""

    def page_hint(self, q: EventQuery) -> str:
        """SQL after `FROM events e` in a page's query, where a backend knows a better plan."""
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
        version is read again under the write lock, where another process may have applied it."""
        applied: list[int] = []
        if self._checked_version() == LATEST:
            return applied
        for migration in MIGRATIONS:
            with self.transaction():
                if migration.version <= self._checked_version():
                    continue
                if not self.has_table("schema_version"):
                    self.create_table(SCHEMA_VERSION)
                self._apply(migration)
                self.insert("schema_version", [{
                    "version": migration.version, "description": migration.description,
                    "applied_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}])
            applied.append(migration.version)
        return applied

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
        for table, column, kind in migration.add_columns:
            self.add_column(table, column, kind)
        for table, columns in migration.indexes:
            self.create_index(table, columns)

    # ---------------------------------------------------------------- ingest
    def versions(self, hashes: Iterable[str]) -> dict[str, str]:
        """Extractor version each known document was coded with."""
        hashes = list(dict.fromkeys(hashes))
        out: dict[str, str] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i:i + 500]
            rows = self.query(f"SELECT hash, extractor_version FROM documents WHERE hash IN "
                              f"({', '.join('?' * len(chunk))})", chunk)
            out.update((r["hash"], r["extractor_version"]) for r in rows)
        return out

    def needs_extraction(self, documents: list[Document], version: str) -> list[bool]:
        known = self.versions(document_hash(d) for d in documents)
        return [known.get(document_hash(d)) != version for d in documents]

    def add(self, items: Iterable[tuple[Document, DocumentRecord]]) -> AddResult:
        """Store extracted documents in one transaction and resolve their events.

        A document already stored with the same extractor version is left alone; one stored by
        another version has its events replaced."""
        result = AddResult()
        batch: dict[str, tuple[Document, DocumentRecord]] = {}
        for document, record in items:
            batch.setdefault(document_hash(document), (document, record))
        with self.transaction():
            known = self.versions(batch)
            tables: dict[str, list[dict]] = {t: [] for t in WRITE_ORDER}
            for h, (document, record) in batch.items():
                if h in known:
                    if known[h] == record.extractor.version:
                        result.unchanged += 1
                        continue
                    self._remove_document(h)
                    result.replaced += 1
                else:
                    result.new += 1
                rows = document_rows(document, record, h)
                for t in WRITE_ORDER:
                    tables[t] += rows[t]
                result.events += len(rows["events"])
            for event in tables["events"]:
                event["doc_date"] = batch[event["doc_hash"]][1].date
            # grouped before they are written, so that new events are inserted with their group
            self.resolve(tables["events"])
            for event in tables["events"]:
                del event["doc_date"]
            for t in WRITE_ORDER:
                if tables[t]:
                    self.insert(t, tables[t])
        return result

    def _remove_document(self, h: str) -> None:
        """Drop a document's rows; its canonical groups are dissolved for `resolve` to redo."""
        groups = [r["canonical_id"] for r in self.query(
            "SELECT DISTINCT canonical_id FROM events WHERE doc_hash = ? AND canonical_id IS NOT NULL", [h])]
        self._dissolve(groups)
        for child in ("evidence", "actors"):
            self.execute(f"DELETE FROM {child} WHERE event_id IN (SELECT id FROM events WHERE doc_hash = ?)", [h])
        for table in ("events", "places", "times"):
            self.execute(f"DELETE FROM {table} WHERE doc_hash = ?", [h])
        self.execute("DELETE FROM documents WHERE hash = ?", [h])

    def _dissolve(self, canonical_ids: list[str]) -> None:
        for i in range(0, len(canonical_ids), 500):
            chunk = canonical_ids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            self.execute(f"UPDATE events SET canonical_id = NULL WHERE canonical_id IN ({marks})", chunk)
            self.execute(f"DELETE FROM canonical_events WHERE id IN ({marks})", chunk)

    # ---------------------------------------------------------------- resolve
    def resolve(self, new_rows: Sequence[dict] = ()) -> int:
        """Group every ungrouped stored event, and `new_rows` (event rows about to be inserted,
        with `doc_date`; their `canonical_id` is set here), with the stored events they report;
        returns how many canonical events were written.

        Incremental: the groups of stored events related to these (and, in turn, to those
        groups) are dissolved and regrouped with them; nothing else is read."""
        todo = {m.id: m for m in (Mention.from_row(r) for r in self.query(
            f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.canonical_id IS NULL"))}
        unstored = {r["id"]: r for r in new_rows}
        todo.update((i, Mention.from_row(r)) for i, r in unstored.items())
        if not todo:
            return 0
        frontier = [m for m in todo.values() if m.locatable]
        touched: set[str] = set()
        while frontier:  # closure: every stored group whose grouping these events could change
            found: set[str] = set()
            blocks: dict[tuple, list[Mention]] = {}
            for m in frontier:
                blocks.setdefault((m.type, m.country, _area(m)), []).append(m)
            for (kind, country, _), ms, lo, hi in _spans(blocks):
                near = Neighbours(ms)
                where, extra = _nearby(ms)
                rows = self.query(SHORT_CANDIDATES + where,
                                  [kind, country, *SHORT, _days_before(lo, SHORT_MAX_DAYS), hi, lo, *extra])
                rows += self.query(LONG_CANDIDATES + where, [kind, country, *LONG, hi, lo, *extra])
                for r in rows:
                    if r["canonical_id"] not in touched and r["id"] not in todo:
                        c = Mention.from_row(r)
                        if any(related(m, c) for m in near.around(c)):
                            found.add(r["canonical_id"])
            frontier = []
            fresh = sorted(found - touched)
            touched.update(fresh)
            for i in range(0, len(fresh), 500):
                chunk = fresh[i:i + 500]
                for r in self.query(f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.canonical_id IN "
                                    f"({', '.join('?' * len(chunk))})", chunk):
                    m = todo[r["id"]] = Mention.from_row(r)
                    if m.locatable:
                        frontier.append(m)
        self._dissolve(sorted(touched))
        groups = group(list(todo.values()))
        rows = [canonical_event(g) for g in groups]
        self.insert("canonical_events", rows)
        stored = []
        for row, g in zip(rows, groups):
            for m in g:
                if m.id in unstored:
                    unstored[m.id]["canonical_id"] = row["id"]
                else:
                    stored.append((row["id"], m.id))
        self.executemany("UPDATE events SET canonical_id = ? WHERE id = ?", stored)
        return len(rows)

    # ---------------------------------------------------------------- reads
    def _rows(self, rows: list[dict]) -> list[dict]:
        for row in rows:
            for c in BOOL_COLUMNS & row.keys():
                if row[c] is not None:
                    row[c] = bool(row[c])
        return rows

    def events(self, q: Optional[EventQuery] = None, limit: Optional[int] = None) -> Iterator[dict]:
        """Matching events, newest first, each joined with its document's date, title and url."""
        size, cursor, n = min(2000, limit or 2000), None, 0
        while True:
            rows, cursor = self.page(q, cursor=cursor, limit=size)
            for row in rows:
                yield row
                n += 1
                if limit is not None and n >= limit:
                    return
            if cursor is None:
                return

    def page(self, q: Optional[EventQuery] = None, cursor: Optional[str] = None,
             limit: int = 50) -> tuple[list[dict], Optional[str]]:
        """One page of matching events (keyset pagination) and the cursor of the next page."""
        q = q or EventQuery()
        where, params = where_clause(q, self.text_match)
        params = list(params)
        if cursor:
            day, event_id = decode_cursor(cursor)
            # the redundant `<=` lets both planners walk the date index from the cursor on
            where += " AND e.date_start <= ? AND (e.date_start < ? OR e.id < ?)"
            params += [day, day, event_id]
        # the page's ids first, from the events table alone; then their rows and joins
        rows = self._rows(self.query(
            f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id IN (SELECT e.id FROM events e"
            f"{self.page_hint(q)} WHERE {where} "
            f"ORDER BY e.date_start DESC, e.id DESC LIMIT ?) ORDER BY e.date_start DESC, e.id DESC",
            params + [limit + 1]))
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]) if more and rows else None
        return [r for r in rows if q.within(r)], next_cursor

    def event(self, event_id: str) -> Optional[dict]:
        """One event with its actors and the evidence for each field."""
        rows = self._rows(self.query(f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = ?", [event_id]))
        if not rows:
            return None
        row = rows[0]
        row["actors"] = self.query("SELECT * FROM actors WHERE event_id = ? ORDER BY role, seq", [event_id])
        row["evidence"] = self.query("SELECT * FROM evidence WHERE event_id = ? ORDER BY seq", [event_id])
        return row

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


"""The embedded default: one SQLite file, built with sqlite-utils, readable in datasette."""
from __future__ import annotations

import fcntl
import math
import os
import sqlite3
import time
from contextlib import closing, contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

import sqlite_utils

from . import base
from .base import NEWEST_FIRST, Store, StoreError
from .query import fts_phrases, text_words
from .schema import DATE_INDEX, DATED_TEXT, FTS_COLUMNS, MATCH_ROWS, TYPE_COUNTRY_INDEX, WORD_TOTALS, Table

TYPES = {"text": str, "int": int, "float": float, "bool": bool, "json": str}
# where the two plans of an actor's newest 50 events break even (see `_weigh`)
COMMON_WORD_HITS = 1300
BUSY_TIMEOUT_MS = 30000
WAL_PAGES = 16384  # of log past which a commit copies it into the database (64 MB)
# A query of the newest matches walks at most this many of the newest events (or this many
# per match wanted) through the date index before it leaves the plan to SQLite: enough for
# the common filters, bounded for the rare ones (see `newest`)
WALK_EVENTS = 50_000
WALK_PER_MATCH = 10
DATE_HINT = f" INDEXED BY idx_events_{'_'.join(DATE_INDEX)}"
MATCH_COLUMNS = ", ".join(DATE_INDEX)
# A row number of `dated_fts`: the event's day (YYYYMMDD; dates are ISO days, none sorts last)
# above its rowid, so that the postings of a word run in the order of the events' dates
DAY_SHIFT = 32
ROWID_MASK = (1 << DAY_SHIFT) - 1
# Postings of words `_dated` reads at first (then four times more each run, up to the most),
# for up to DATED_RUNS matches (a page); more (the map's points) are read at once
DATED_FIRST, DATED_MOST, DATED_RUNS = 64, 16_384, 2000
# The keys of `word_totals` (over `event_rows e`); the events whose words a fold counts at a
# time; and the events above its mark past which a word's charts are counted from all its
# matches (the tail's matches are read from their postings and rows: a common word's 50k rows
# cost what reading them all does)
WORD_KEYS = {"month": "substr(coalesce(e.date_start, ''), 1, 7)", "type": "coalesce(e.type, '')",
             "admin1": "coalesce(e.admin1, '')"}
WORD_EVENTS = 100_000
WORD_TAIL = 100_000
# `word_totals`' row of no term: its events are the largest events rowid the counts cover
FOLDED = f"{WORD_TOTALS} WHERE term = '' AND dim = '' AND key = ''"
# and its row of key 'changes': events bumped when events above the mark are changed or removed
# (`count_words`), the mark moves down or the counts are made anew, so that a fold counted from
# an earlier snapshot (`fold_ahead`) knows it may be stale
CHANGES = f"{WORD_TOTALS} WHERE term = '' AND dim = '' AND key = 'changes'"
# The events being counted by word: their summaries split as the full-text indexes split them
# (the same tokenizer; detail 'none': one instance of fts5vocab per term and row) and their keys
SPLIT = ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.split USING fts5(summary, content='', tokenize='porter', "
         "detail='none')", "CREATE VIRTUAL TABLE IF NOT EXISTS temp.split_terms USING fts5vocab(temp, split, instance)",
         f"CREATE TEMP TABLE IF NOT EXISTS split_rows (doc INTEGER PRIMARY KEY, {', '.join(WORD_KEYS)}, killed)")


def dated_key(row: str = "") -> str:
    """The `dated_fts` row number of an event, in SQL (`row`: "old." in a trigger)."""
    return f"((coalesce(CAST(replace({row}date_start, '-', '') AS INTEGER), 0) << {DAY_SHIFT}) + {row}rowid)"


def _top(before: Optional[str], q) -> Optional[str]:
    """The newest day a read may start at: a cursor's, or the filter's `until`."""
    tops = [d for d in (before, q.until.isoformat() if q.until else None) if d]
    return min(tops) if tops else None


def day_number(day: str) -> int:
    return int(day.replace("-", ""))
TYPE_COUNTRY_HINT = f" INDEXED BY idx_events_{'_'.join(TYPE_COUNTRY_INDEX)}"
BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def busy(exc: sqlite3.Error) -> bool:
    """Another connection held the lock past the busy timeout (the file itself is fine)."""
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in BUSY_CODES


def split_words(text: str) -> list[str]:
    """The terms the full-text indexes make of `text` (split and stemmed by the same tokenizer),
    each as often as it occurs, in a database of its own: a reader writes nothing to the store's."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE split USING fts5(summary, tokenize='porter')")
        db.execute("CREATE VIRTUAL TABLE split_terms USING fts5vocab(split, instance)")
        db.execute("INSERT INTO split (summary) VALUES (?)", [text])
        return [t for (t,) in db.execute("SELECT term FROM split_terms ORDER BY term")]
    finally:
        db.close()


class SQLiteStore(Store):
    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = str(path)
        self.url = self.path
        if not create and self.path != ":memory:" and not Path(self.path).is_file():
            raise StoreError(f"{self.path}: no such store (`eventwire run` creates it)")
        try:
            if self.path != ":memory:":
                # never open the file outside SQLite: closing any descriptor of it drops this
                # process's POSIX locks, and another process then deletes the WAL under us
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            self._settle()
        except sqlite3.DatabaseError as exc:
            if busy(exc):
                raise StoreError(f"{self.path}: busy: another process kept the store locked for over "
                                 f"{BUSY_TIMEOUT_MS // 1000} s; try again") from exc
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc.strerror or exc}") from exc

    def _settle(self) -> None:
        """Set the connection up and migrate, retrying while other processes do the same: a new
        file's switch to WAL answers "locked" at once, without waiting out the busy timeout,
        while another connection is open on it. Every step is idempotent."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._setup()
                return
            except sqlite3.OperationalError as exc:
                if not busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _setup(self) -> None:
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # a second writer waits instead of failing
        self.db.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self.db.enable_wal()
            # in WAL mode NORMAL loses no committed transaction on a crash of the process,
            # only (at worst) the last ones on a power cut, and spares an fsync per commit
            self.db.execute("PRAGMA synchronous = NORMAL")
        # 64 MB: the API keeps a connection per worker thread, so a larger cache multiplies (256 MB
        # per connection gave no measurable ingest gain)
        self.db.execute("PRAGMA cache_size = -65536")
        self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
        self.migrate()
        # table statistics for the planner (else it may walk a whole type to find one
        # country); bounded work, as SQLite advises for connections it keeps open
        self.db.execute("PRAGMA analysis_limit = 1000")
        self.db.execute("PRAGMA optimize = 0x10002")

    def query(self, sql: str, params: Sequence = ()) -> list[dict]:
        cursor = self.db.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def values(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return self.db.execute(sql, list(params)).fetchall()

    def execute(self, sql: str, params: Sequence = ()) -> None:
        self.db.execute(sql, list(params))

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        self.db.conn.executemany(sql, rows)

    def insert_values(self, table: str, columns: list[str], values: list[tuple]) -> None:
        # one prepared statement: sqlite-utils' insert_all re-plans and re-types every chunk,
        # which tripled ingest time; the tables themselves come from sqlite-utils
        if not values:
            return
        indexed = FTS_COLUMNS.get(table)  # no insert trigger since migration 6 (opening migrates)
        if indexed:
            # new rows get rowids above the largest one (the key is not an integer)
            last = self.db.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM [{table}]").fetchone()[0]
            if table == "events" and last < (self.folded() or 0):
                # the events above `last` the counts by word covered were removed (and counted
                # out): their rowids are given again, to events they must not cover
                self._fold_to(last)
                self._bump_changes()  # the mark moved down: a fold ahead from it may be stale
        self.db.conn.executemany(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})",
            values)
        if indexed:
            # one statement for the batch: FTS5 tokenizes it at a third of the cost of a
            # trigger per row (10,000 events: 0.44 -> 0.11 s)
            names = ", ".join(f"[{c}]" for c in indexed)
            self.db.conn.execute(f"INSERT INTO [{table}_fts] (rowid, {names}) SELECT rowid, {names} FROM [{table}] "
                                 "WHERE rowid > ?", [last])
        if table == "events":  # likewise their narrow rows, appended in rowid order, and texts by date
            self.db.conn.execute(f"INSERT INTO {MATCH_ROWS} (rowid, {MATCH_COLUMNS}) SELECT rowid, {MATCH_COLUMNS} "
                                 "FROM events WHERE rowid > ?", [last])
            self._fill_dated(last)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction. The outermost takes the write lock at BEGIN IMMEDIATE, waiting
        up to the busy timeout: a deferred BEGIN that reads first fails at once ("database is
        locked", no wait) when another process commits before its first write."""
        if self.db.conn.in_transaction:
            with self.db.atomic():  # a savepoint
                yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        try:
            self.db.conn.execute("COMMIT")
        except BaseException:
            self.db.rollback()
            raise

    @contextmanager
    def run_lock(self, on_wait=lambda: None) -> Iterator[None]:
        # a lock file beside the store, never the store's own file (see __init__); flock is
        # released by the kernel when a killed run's process ends
        if self.path == ":memory:":
            yield
            return
        fd = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def text_match(self, words: list[str]) -> tuple[str, list]:
        return "e.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)", [fts_phrases(words)]

    def page_hint(self, q, limit: int = 50) -> str:
        return self._weigh(q, limit)[0]

    def _weigh(self, q, limit: int) -> tuple[str, bool]:
        """`page_hint`, and whether words lead (their postings by date are read, `_dated`)."""
        # Reviewed events are few (people review them): their partial index, then a sort, where
        # the planner (no statistics of an index that was empty) walked all 1M events' dates.
        if q.reviewed and not q.review_status:
            return " INDEXED BY idx_events_review_status_set", False
        words = text_words(q.text)
        if words and not q.actor:  # nothing to weigh them against (a common word's count: 15 ms)
            return "", True
        # An actor's events: a common actor's by walking the date index (it carries the set),
        # which finds `limit` of them early, where SQLite's own plan reads and sorts every one;
        # a rare one's by their own index and a sort, the walk would run to the end (1M events,
        # "police", 77k events). The walk reads about limit/hits of the index, the plan every
        # match, so they break even where hits grow as the root of `limit`: 26k hits for 20,000
        # points (1M events: a walk of the whole index 154 ms, the rows of 20k matches 92), so
        # 1.3k for 50. With words too, the filter with fewer events leads.
        hits: list[tuple[int, str]] = []
        if q.actor:
            sets, params = self.listed_sets(q.actor)
            hits.append((self.db.execute(f"SELECT coalesce(sum(events), 0) FROM actor_totals WHERE dim = 'type' "
                                         f"AND actor_set IN ({sets})", params).fetchone()[0],
                         " INDEXED BY idx_events_actor_set_date_start_id"))
        if words and self.db["events"].exists():
            hits.append((self.db.execute("SELECT count(*) FROM events_fts WHERE events_fts MATCH ?",
                                         [fts_phrases(words)]).fetchone()[0], ""))
        if not hits:
            return "", False
        n, rare = min(hits)
        hint = DATE_HINT if n > COMMON_WORD_HITS * math.sqrt(limit / 50) else rare
        return hint, not rare  # the words' plan is the only one without a hint

    def newest(self, columns, q, where, params, limit, share=1.0, before=None):
        # Filters on the columns the date index carries: a walk of it newest first finds the
        # matches of a common filter early (a box around a country: 10M events, the plan of
        # SQLite's own read a band of latitude and sorted it), but a rare one's only at the end
        # of the store. So the walk stops at the day before which `reach` events lie; where
        # it finds too few, the matches are rare and SQLite's plan (the type and country's own
        # index when both are given) reads only them. Filters estimated rare skip the walk.
        # (the plan of an actor and words weighed once: `_weigh` counts their matches). Words,
        # where they lead, by their postings in date order (`_dated`), the rest of the filter
        # tested on `event_rows` (all its columns but a group's or a document's): however rare
        # or old the words' events (5.2M events, "drone" in 22k: the walk ran 680k events deep
        # for the newest 50, 180 ms of CPU; now 1 ms)
        hint, words = self._weigh(q, limit)
        if words and not (q.canonical_id or q.doc_hash):
            return self._dated(columns, q, where, params, limit, before)
        if not (hint or text_words(q.text) or q.actor or q.canonical_id or q.doc_hash):
            hint = TYPE_COUNTRY_HINT if q.type and q.country else ""
            reach = max(WALK_EVENTS, WALK_PER_MATCH * limit)
            if limit <= share * reach:
                bound = self._walk_bound(reach, _top(before, q))
                rows = self._walk(columns, where, params, limit, bound)
                if bound is None or len(rows) == limit:
                    return rows
                # every match from the bound up is read: the rest come from below it (a store of
                # 300k events, the map's three months: the walk's 200k events read again, 46 ms)
                return rows + self._below(columns, hint, where, params, limit - len(rows), bound)
        return self.values(f"SELECT {columns} FROM events e{hint} WHERE {where}{NEWEST_FIRST}", params + [limit])

    def _below(self, columns: str, hint: str, where: str, params: list, limit: int, bound: str) -> list[tuple]:
        """The newest `limit` matches dated before day `bound`, then the undated (last in the
        order of pages and points)."""
        rows = self.values(f"SELECT {columns} FROM events e{hint} WHERE {where} AND e.date_start < ?{NEWEST_FIRST}",
                           params + [bound, limit])
        if len(rows) < limit:
            rows += self.values(f"SELECT {columns} FROM events e{hint} WHERE {where} AND e.date_start IS NULL "
                                "ORDER BY e.id DESC LIMIT ?", params + [limit - len(rows)])
        return rows

    def _dated(self, columns: str, q, where: str, params: list, limit: int, before: Optional[str]) -> list[tuple]:
        """The newest `limit` matches of a filter with words, from the words' postings in
        `dated_fts`, newest day first: a run of them at a time, their narrow rows tested against
        the rest of the filter, until `limit` pass and the day of the last is read whole."""
        # the filter without its words' condition (the postings are read instead)
        text, text_params = self.text_match(text_words(q.text))
        at = where.index(text)
        n = where[:at].count("?")
        rest, rest_params = where[:at] + "1=1" + where[at + len(text):], params[:n] + params[n + len(text_params):]
        top = _top(before, q)
        below = (day_number(top) + 1) << DAY_SHIFT if top else 1 << 62
        if limit > DATED_RUNS:
            rows = self._many_dated(columns, limit, rest, rest_params, text_params, below)
            # else every match's narrow row, sorted (the full-text index's rowids come in order)
            return rows if rows is not None else \
                self._sorted(f"SELECT {columns} FROM {MATCH_ROWS} e WHERE {where}", params, limit)
        postings = (f"SELECT rowid FROM {DATED_TEXT} WHERE {DATED_TEXT} MATCH ? AND rowid < ? "
                    "ORDER BY rowid DESC LIMIT ?")
        found: list[tuple] = []  # (key, date_start, id, *columns), newest first
        size = max(DATED_FIRST, limit + limit // 4)
        while True:
            run = [*text_params, below, size]
            read, last = self.values(f"SELECT count(*), min(rowid) FROM ({postings})", run)[0]
            if read:
                found += self.values(
                    f"SELECT {dated_key('e.')} AS k, coalesce(e.date_start, '') AS day, e.id, {columns} FROM {MATCH_ROWS} e "
                    f"WHERE e.rowid IN (SELECT rowid & {ROWID_MASK} FROM ({postings})) AND {rest} "
                    "ORDER BY day DESC, e.id DESC", run + rest_params)
                below = last
            if read < size or len(found) >= limit and below >> DAY_SHIFT < found[limit - 1][0] >> DAY_SHIFT:
                break
            size = min(4 * size, DATED_MOST)
        # a day read in two runs is sorted again (the runs are each in order: little to do)
        day = found[limit - 1][0] >> DAY_SHIFT if len(found) >= limit else -1
        kept = sorted((f for f in found if f[0] >> DAY_SHIFT >= day), key=itemgetter(1, 2), reverse=True)
        return [f[3:] for f in kept[:limit]]

    def _many_dated(self, columns: str, limit: int, rest: str, rest_params: list, text_params: list,
                    below: int) -> Optional[list[tuple]]:
        """`_dated` for many matches (the map's points): the words' postings from the day of
        their `limit`-th newest one on (a common word's recent days, not all its postings), each
        joined with its narrow row and tested against the rest of the filter; None where that
        leaves fewer than `limit`."""
        found = self.values(f"SELECT rowid FROM {DATED_TEXT} WHERE {DATED_TEXT} MATCH ? AND rowid < ? "
                            "ORDER BY rowid DESC LIMIT 1 OFFSET ?", [*text_params, below, limit - 1])
        day = found[0][0] >> DAY_SHIFT if found else 0
        if not day:
            return None
        # each posting's row sought by its rowid: a walk of the date index tested against the
        # postings (an IN list) read every event of those days (5.2M events, "shelling", 20,000
        # points: 62k events walked, 23 ms of CPU; 20k rows sought and sorted, 17)
        rows = self._sorted(f"SELECT {columns} FROM {DATED_TEXT} f CROSS JOIN {MATCH_ROWS} e "
                            f"ON e.rowid = f.rowid & {ROWID_MASK} WHERE {DATED_TEXT} MATCH ? AND f.rowid >= ? "
                            f"AND f.rowid < ? AND {rest}", [*text_params, day << DAY_SHIFT, below, *rest_params], limit)
        return rows if len(rows) == limit else None

    def _sorted(self, sql: str, params: list, limit: int) -> list[tuple]:
        """The first `limit` rows of `sql` newest first, all of them sorted and the rest left
        unread: SQLite's sort with a LIMIT cost more than a whole one (5.2M events, 20,001 of
        20,012 rows: 33 against 17 ms of CPU; of every match of "drone", 22k: 110 against 90)."""
        # closed with the rest unread: the statement ends (and its read with it) now
        with closing(self.db.conn.execute(sql + NEWEST_FIRST.removesuffix(" LIMIT ?"), params)) as cursor:
            return cursor.fetchmany(limit)

    def _walk(self, columns, where, params, limit, bound) -> list[tuple]:
        """The newest `limit` matches from a walk of the date index down to `bound`, a day
        (`_walk_bound`; None: the whole index)."""
        return self.values(f"SELECT {columns} FROM events e{DATE_HINT} WHERE {where}"
                           + (" AND e.date_start >= ?" if bound else "") + NEWEST_FIRST,
                           params + ([bound] if bound else []) + [limit])

    def _walk_bound(self, reach: int, top: Optional[str]) -> Optional[str]:
        """The latest day on or before which `reach` events start, counting back from `top`
        (none: the whole store holds fewer): by month, then by day within the month it falls
        in (decades of news are tens of thousands of days, a few hundred months)."""
        seen = 0
        # read only as far as needed: decades of months as rows cost a page of events 0.6 ms
        with closing(self.db.conn.execute("SELECT key, events FROM event_totals WHERE dim = 'month' AND key <> ''"
                                          + (" AND key <= ?" if top else "") + " ORDER BY key DESC",
                                          [top[:7]] if top else [])) as months:
            for month, n in months:
                if top and month == top[:7] or seen + n >= reach:  # the month's days (those up to `top`)
                    days = self.values("SELECT key, events FROM event_totals WHERE dim = 'day' AND key BETWEEN ? "
                                       "AND ? ORDER BY key DESC", [month, min(top or month + "-99", month + "-99")])
                    for day, m in days:
                        seen += m
                        if seen >= reach:
                            return day
                else:
                    seen += n
        return None

    def create_table(self, table: Table) -> None:
        self.db[table.name].create(
            {c: TYPES[k] for c, k in table.columns}, pk=table.pk[0] if len(table.pk) == 1 else table.pk,
            foreign_keys=[(c, t, oc) for c, t, oc in table.foreign_keys], not_null=set(table.pk))
        for columns in table.indexes:
            self.create_index(table.name, columns)
        if table.fts:
            # porter: "shelling" finds "shelled", as PostgreSQL's english configuration does
            self.db[table.name].enable_fts(list(table.fts), create_triggers=True, tokenize="porter")
            # re-index on changes to the indexed columns only, not on every update (dedup
            # rewrites canonical_id of many events per batch)
            cols = ", ".join(f"[{c}]" for c in table.fts)
            trigger = self.db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                      [f"{table.name}_au"]).fetchone()[0]
            self.db.execute(f"DROP TRIGGER [{table.name}_au]")
            self.db.execute(trigger.replace(f"AFTER UPDATE ON [{table.name}]",
                                            f"AFTER UPDATE OF {cols} ON [{table.name}]", 1))

    def cheapen_text_indexes(self) -> None:
        # article texts stay indexed here: datasette's search box over documents reads it
        for table in FTS_COLUMNS:
            self.db.execute(f"DROP TRIGGER IF EXISTS [{table}_ai]")

    def keep_match_rows(self) -> None:
        # made again from the events (a store migrated twice in tests); the FTS5 index yields
        # rowids, so the copy is keyed by them: deletes and the writes of reviews (and of any
        # filtered column) follow by trigger, inserts by `insert_values`
        self.db.execute(f"DROP TABLE IF EXISTS {MATCH_ROWS}")
        self.db.execute(f"CREATE TABLE {MATCH_ROWS} AS SELECT {MATCH_COLUMNS} FROM events WHERE 0")
        # from the date index (it holds the columns and the rowid), sorted by rowid: the table's
        # own rows are 1.6 kB each (5.2M events: 10 s)
        self.db.execute(f"INSERT INTO {MATCH_ROWS} (rowid, {MATCH_COLUMNS}) SELECT rowid, {MATCH_COLUMNS} "
                        f"FROM events{DATE_HINT} ORDER BY rowid")
        self.db.execute(f"CREATE TRIGGER IF NOT EXISTS [events_rows_ad] AFTER DELETE ON [events] BEGIN "
                        f"DELETE FROM {MATCH_ROWS} WHERE rowid = old.rowid; END")
        self.db.execute(f"CREATE TRIGGER IF NOT EXISTS [events_rows_au] AFTER UPDATE OF {MATCH_COLUMNS} ON [events] "
                        f"BEGIN UPDATE {MATCH_ROWS} SET {', '.join(f'{c} = new.{c}' for c in DATE_INDEX)} "
                        "WHERE rowid = old.rowid; END")
        # the texts by date: contentless (the events hold them), so a row leaves it by its old
        # values; an event's new date or summary moves it
        self.db.execute(f"DROP TABLE IF EXISTS {DATED_TEXT}")
        self.db.execute(f"CREATE VIRTUAL TABLE {DATED_TEXT} USING fts5(summary, content='', tokenize='porter')")
        self._fill_dated()
        leave = (f"INSERT INTO {DATED_TEXT} ({DATED_TEXT}, rowid, summary) VALUES "
                 f"('delete', {dated_key('old.')}, old.summary);")
        self.db.execute(f"CREATE TRIGGER IF NOT EXISTS [events_dated_ad] AFTER DELETE ON [events] BEGIN {leave} END")
        self.db.execute(f"CREATE TRIGGER IF NOT EXISTS [events_dated_au] AFTER UPDATE OF date_start, summary ON [events] "
                        f"BEGIN {leave} INSERT INTO {DATED_TEXT} (rowid, summary) VALUES ({dated_key('new.')}, "
                        "new.summary); END")

    def _fill_dated(self, after: int = 0) -> None:
        """Index the texts by date (`DATED_TEXT`) of the events after rowid `after`."""
        # in row-number order: FTS5 writes its pending postings out as a new segment at each
        # row number below the one before (a batch in rowid order: one per other row)
        self.db.conn.execute(f"INSERT INTO {DATED_TEXT} (rowid, summary) SELECT {dated_key()} AS k, summary "
                             "FROM events WHERE rowid > ? ORDER BY k", [after])

    def keep_word_totals(self) -> None:
        # (a store older than migration 17 has no narrow rows yet: its migration 20 counts)
        if not self.db[MATCH_ROWS].exists():
            return
        # its changes carried over, and one more: a fold ahead counted before it must not find
        # the mark and the changes it read (both 0 again, say) in a table counted anew
        changes = self._changes() if self.folded() is not None else 0
        self.db.execute(f"DROP TABLE IF EXISTS {WORD_TOTALS}")
        self.db.execute(f"CREATE TABLE {WORD_TOTALS} (term TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL, "
                        "events INTEGER, killed INTEGER, PRIMARY KEY (term, dim, key)) WITHOUT ROWID")
        self._bump_changes(changes + 1)
        self.fold_word_totals(on_run=self._progress("words counted for"))

    def folded(self) -> Optional[int]:
        """The largest events rowid whose words `word_totals` counts (None: no counts by word)."""
        # asked of the database: `add` asks, and with sqlite-utils' `exists` per batch
        # `dedup.group` took 0.8 CPU-s, not 0.3, per 20,000 events (in garbage collections)
        if not self.db.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                    [WORD_TOTALS]).fetchone():
            return None  # an older store, migrating: its migration 20 counts
        row = self.db.conn.execute(f"SELECT events FROM {FOLDED}").fetchone()
        return row[0] if row else 0

    def _fold_to(self, rowid: int) -> None:
        self.db.execute(f"INSERT INTO {WORD_TOTALS} (term, dim, key, events, killed) VALUES ('', '', '', ?, 0) "
                        "ON CONFLICT (term, dim, key) DO UPDATE SET events = excluded.events", [rowid])

    def _marks(self) -> tuple[Optional[int], int]:
        """`folded`, and the largest events rowid."""
        return self.folded(), self.db.conn.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0]

    def _changes(self) -> int:
        row = self.db.conn.execute(f"SELECT events FROM {CHANGES}").fetchone()
        return row[0] if row else 0

    def fold_word_totals(self, least: int = 1, on_run: Callable[[int], None] = lambda n: None) -> None:
        folded, last = self._marks()
        if folded is None or last - folded < least:
            return
        while True:  # the split texts of a run of events at a time
            with self.transaction():  # the mark read again under the write lock (another writer may fold)
                folded, last = self._marks()
                if last <= folded:
                    return
                upto = self._split_run(folded, last)
                self._add_split_counts()
                self._fold_to(upto)
            on_run(upto - folded)

    def fold_ahead(self, least, turn):
        # counted from a snapshot, without the write lock: the writer goes on meanwhile
        with self.snapshot():
            folded, last = self._marks()
            if folded is None or last - folded < least:
                return 0
            changes = self._changes()
            upto = self._split_run(folded, last)
        try:
            with turn, self.transaction():
                # the counts hold only if no event was changed or removed since, nor the words
                # folded by another (`_fold_to` moves the mark down when the top events go)
                if self._marks()[0] != folded or self._changes() != changes:
                    return 0
                self._add_split_counts()
                self._fold_to(upto)
        finally:
            self.db.execute("DROP TABLE IF EXISTS temp.split_counts")
        return upto - folded

    def _split_run(self, folded: int, last: int) -> int:
        """`_split_counts` of the next run of events above the mark `folded`; the run's end."""
        upto = min(folded + WORD_EVENTS, last)
        self._split_counts("rowid > ? AND rowid <= ?", [folded, upto])
        return upto

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read in it sees the store as of its first (WAL)."""
        self.db.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.db.conn.execute("COMMIT")  # (nothing of the store's written: temporary tables only)

    def checkpoints_elsewhere(self, elsewhere):
        self.db.execute(f"PRAGMA wal_autocheckpoint = {0 if elsewhere else WAL_PAGES}")

    def checkpoint(self):
        self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def folds_ahead(self):
        return self.path != ":memory:" and not self.db.conn.in_transaction

    def folder(self):
        # (called in the folder's thread: nothing of this connection's is read there)
        return SQLiteStore(self.path, create=False)

    def count_words(self, where, params, sign=1):
        folded = self.folded()
        if folded is None:
            return
        # only events above the mark may be in a fold ahead's counts (those below are counted
        # in or out here, exactly): a change to them alone leaves its counts good (bumped for
        # any change, a run that replaced stored documents dropped every fold ahead)
        if self.db.conn.execute(f"SELECT 1 FROM events WHERE rowid > ? AND ({where}) LIMIT 1",
                                [folded, *params]).fetchone():
            self._bump_changes()
        if folded:  # the events above the mark are counted from their matches
            self._split_counts(f"rowid <= ? AND ({where})", [folded, *params])
            self._add_split_counts(sign)

    def _bump_changes(self, by: int = 1) -> None:
        self.db.execute(f"INSERT INTO {WORD_TOTALS} (term, dim, key, events, killed) VALUES ('', '', 'changes', ?, 0) "
                        "ON CONFLICT (term, dim, key) DO UPDATE SET events = events + excluded.events", [by])

    def _split_counts(self, where: str, params: list) -> None:
        """The events `where` selects counted by term, month, type and region, into
        `temp.split_counts` (term, dim, key, events, killed): the connection's own tables only."""
        for sql in SPLIT:
            self.db.execute(sql)
        try:
            self.db.execute(f"INSERT INTO temp.split (rowid, summary) SELECT rowid, summary FROM events WHERE {where}",
                            params)
            # their keys from the narrow rows, in a table of the batch alone (a term's row of an event
            # is looked up there, not among the store's: 20,000 events, 560k terms: 470 -> 100 ms)
            self.db.execute(f"INSERT INTO temp.split_rows SELECT e.rowid, {', '.join(WORD_KEYS.values())}, "
                            f"coalesce(e.killed, 0) FROM {MATCH_ROWS} e WHERE e.rowid IN (SELECT rowid FROM events "
                            f"WHERE {where})", params)
            # each term's row of an event with its keys, made once for the three groupings (the
            # vocabulary read and joined once, not once per grouping: 20,000 events, 2.5 -> 2.1 CPU-s)
            self.db.execute(f"CREATE TEMP TABLE split_keys AS SELECT t.term, {', '.join(f'e.{d}' for d in WORD_KEYS)}, "
                            "e.killed FROM temp.split_terms t JOIN temp.split_rows e ON e.doc = t.doc")
            parts = " UNION ALL ".join(f"SELECT term, '{dim}' AS dim, {dim} AS key, count(*) AS events, "
                                       f"sum(killed) AS killed FROM temp.split_keys GROUP BY term, {dim}"
                                       for dim in WORD_KEYS)
            self.db.execute(f"CREATE TEMP TABLE split_counts AS {parts}")
        finally:
            # emptied for the next (a connection keeps its temporary tables)
            self.db.execute("DROP TABLE IF EXISTS temp.split_keys")
            self.db.execute("INSERT INTO temp.split (split) VALUES ('delete-all')")
            self.db.execute("DELETE FROM temp.split_rows")

    def _add_split_counts(self, sign: int = 1) -> None:
        """`temp.split_counts` added to (sign 1) or taken from (-1) `word_totals`, and dropped."""
        try:
            self.db.execute(f"INSERT INTO {WORD_TOTALS} (term, dim, key, events, killed) SELECT term, dim, key, "
                            f"{sign} * events, {sign} * killed FROM temp.split_counts WHERE true ON CONFLICT (term, dim, key) "
                            f"DO UPDATE SET events = {WORD_TOTALS}.events + excluded.events, "
                            f"killed = {WORD_TOTALS}.killed + excluded.killed")
            if sign < 0:  # counts taken out leave keys of no events behind
                self.db.execute(f"DELETE FROM {WORD_TOTALS} WHERE (term, dim, key) IN "
                                "(SELECT term, dim, key FROM temp.split_counts) AND events <= 0")
        finally:
            self.db.execute("DROP TABLE IF EXISTS temp.split_counts")

    def word_charts(self, q, top):
        words = text_words(q.text)
        if len(words) != 1:
            return None
        folded, last = self._marks()
        if folded is None or last - folded > WORD_TAIL:
            return None
        terms = split_words(words[0])
        if len(terms) != 1:  # a phrase of terms, or none
            return None
        # by day where the word's matches fall on few days (their counts by day are not kept:
        # counted from the matches); by month, the counts of its one term
        days = self.values(f"SELECT count(*) FROM (SELECT DISTINCT rowid >> {DAY_SHIFT} FROM {DATED_TEXT} "
                           f"WHERE {DATED_TEXT} MATCH ? LIMIT ?)", [fts_phrases(words), base.MAX_DAYS + 1])[0][0]
        if days <= base.MAX_DAYS:
            return None
        # the counts up to the mark, and the matches above it counted from their rows (FTS5 seeks
        # a rowid in the postings); the mark read by the same statement, so from the same
        # snapshot as the counts (a fold may commit in between two)
        tail = " UNION ALL ".join(f"SELECT '{dim}', {dim}, count(*), sum(killed) FROM m GROUP BY {dim}"
                                  for dim in WORD_KEYS)
        charts: dict[str, list[dict]] = {"month": [], "type": [], "admin1": []}
        for dim, key, events, killed in self.values(
                f"WITH m AS MATERIALIZED (SELECT {', '.join(f'{k} AS {dim}' for dim, k in WORD_KEYS.items())}, "
                f"coalesce(e.killed, 0) AS killed FROM {MATCH_ROWS} e WHERE e.rowid IN (SELECT rowid FROM events_fts "
                f"WHERE events_fts MATCH ? AND rowid > coalesce((SELECT events FROM {FOLDED}), 0))) "
                f"SELECT dim, key, sum(events) AS n, sum(killed) FROM (SELECT dim, key, events, killed FROM {WORD_TOTALS} "
                f"WHERE term = ? UNION ALL {tail}) GROUP BY dim, key HAVING n > 0 ORDER BY dim, n DESC, key",
                [fts_phrases(words), terms[0]]):
            charts[dim].append({"key": key or None, "events": events, "killed": killed})
        months = sorted(charts["month"], key=lambda r: r["key"] or "")
        if not months or months[0]["key"] is None:  # an undated event: counted from the matches
            return None
        return ([{**r, "key": base.month_day(r["key"])} for r in months], charts["type"], charts["admin1"][:top], "month")

    def filtered_rows(self, q) -> str:
        return MATCH_ROWS if text_words(q.text) and not (q.canonical_id or q.doc_hash) else "events"

    def add_column(self, table: str, column: str, kind: str) -> None:
        self.db[table].add_column(column, TYPES[kind])

    def create_index(self, table: str, columns: tuple[str, ...]) -> None:
        self.db[table].create_index(list(columns), if_not_exists=True)

    def has_table(self, name: str) -> bool:
        return self.db[name].exists()

    def close(self) -> None:
        try:
            self.db.execute("PRAGMA optimize")  # statistics of what this connection changed
        except sqlite3.Error:
            pass  # read-only or busy: the next writer gathers them
        self.db.close()

"""PostgreSQL for teams: the same tables and behaviour through psycopg 3."""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from typing import Iterable, Iterator, Sequence

import orjson
import psycopg
from psycopg.sql import Identifier
from psycopg.rows import dict_row, tuple_row

from .base import Store, StoreError, log
from .schema import COLUMN_KINDS, FTS_COLUMNS, LATEST, MIGRATIONS, Table

# advisory lock keys (per database): one writer at a time, one `run` at a time
WRITE_LOCK = 0x65776972_65000001
RUN_LOCK = 0x65776972_65000002
# PostgreSQL's english configuration with its stemmer's stop words left out: every word
# searchable ("US", "WHO", "from"), as SQLite's porter tokenizer indexes every word
TEXT_CONFIG = "eventwire_english"
# text compared and sorted byte by byte, as SQLite does (migration 23)
BYTEWISE = 'TEXT COLLATE "C"'
SQL_TYPES = {"text": BYTEWISE, "int": "BIGINT", "float": "DOUBLE PRECISION", "bool": "BOOLEAN", "json": BYTEWISE}
# the same types as COPY's binary format names them: the server reads each value as it is, where
# the text format parses every value and unescapes every character (20,000 events' rows into the
# events table: 15-20% less of the server's time, half of psycopg's)
COPY_TYPES = {"text": "text", "int": "int8", "float": "float8", "bool": "bool", "json": "text"}
# What reads a column `c` (of information_schema.columns) and keeps it from changing type: the
# views (or rules) that read it, by name, and a generated column's expression, as NULL
READERS = ("SELECT array_agg(DISTINCT v.ev_class::regclass::text) FROM pg_depend d LEFT JOIN pg_rewrite v "
           "ON d.classid = 'pg_rewrite'::regclass AND v.oid = d.objid WHERE d.refclassid = 'pg_class'::regclass "
           "AND d.refobjid = to_regclass(c.table_name) AND d.refobjsubid = c.ordinal_position "
           "AND d.classid IN ('pg_rewrite'::regclass, 'pg_attrdef'::regclass)")


def _pg(sql: str) -> str:
    """Our `?` placeholders in psycopg's style (literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


@contextmanager
def scratch_database(admin: str, prefix: str = "ew_scratch") -> Iterator[str]:
    """A new, empty database on the server of `admin` (a URL whose role may create databases),
    for tests and benchmarks: its URL, the database dropped afterwards (`drop_database`)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        drop_database(admin, name)


def drop_database(admin: str, name: str) -> None:
    """Drop a database, its sessions ended; retried, since FORCE may not end an autovacuum
    worker (a superuser's backend) that happens to be in it."""
    for attempt in range(10):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except psycopg.errors.InsufficientPrivilege:
            time.sleep(0.5)


def _fts_column(indexed: tuple[str, ...]) -> str:
    """The generated column that the full-text index of a table reads: its `indexed` columns'
    words under TEXT_CONFIG."""
    body = " || ' ' || ".join(f"coalesce({c}, '')" for c in indexed)
    return f"fts tsvector GENERATED ALWAYS AS (to_tsvector('{TEXT_CONFIG}', {body})) STORED"


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    return f"postgresql://{info.get('user', '')}@{info.get('host', '')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


class PostgresStore(Store):
    def __init__(self, url: str) -> None:
        self.url = redact(url)
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
            self._compress_fast()
            # a hardened server may deny a role temporary tables (`count_written` then reads
            # the events themselves); asked here, as a failed CREATE would end the transaction
            self.temporary_tables = self.conn.execute(
                "SELECT has_database_privilege(current_user, current_database(), 'TEMP') AS ok").fetchone()["ok"]
            self.migrate()
        except psycopg.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{self.url}: {message}") from exc

    def _compress_fast(self) -> None:
        # values too long for a row's page (an article's text, a long event's record) compressed
        # by lz4, not pglz: the same values for less of the server's CPU, which bounds ingest
        # (a batch's rows written: 256 -> 234 ms); a server built without lz4 keeps pglz
        try:
            self.conn.execute("SET default_toast_compression = lz4")
        except psycopg.errors.InvalidParameterValue:
            pass

    def query(self, sql: str, params: Sequence = ()) -> list[dict]:
        with self.conn.cursor() as cur:
            cur.execute(_pg(sql), list(params))
            return list(cur.fetchall())

    def values(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self.conn.cursor(row_factory=tuple_row) as cur:
            cur.execute(_pg(sql), list(params))
            return cur.fetchall()

    def execute(self, sql: str, params: Sequence = ()) -> None:
        self.conn.execute(_pg(sql), list(params))

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_pg(sql), list(rows))

    def insert_values(self, table: str, columns: list[str], values: list[tuple]) -> None:
        if not values:
            return
        kinds = COLUMN_KINDS.get(table, {})
        binary = all(c in kinds for c in columns)
        with self.conn.cursor() as cur:  # bulk: COPY, not INSERTs
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")) \
                    as copy:
                if binary:
                    copy.set_types([COPY_TYPES[kinds[c]] for c in columns])
                for row in values:
                    copy.write_row(row)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction. The outermost waits for any other writer's to end: under READ
        COMMITTED two writers would group the same events apart and collide on their
        canonical ids; serialised, the second reads what the first committed."""
        outermost = self.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with self.conn.transaction():
            if outermost:
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            yield

    def migrate(self) -> list[int]:
        if self.schema_version == LATEST:
            return []
        # CREATE TABLE from two sessions at once collides in the catalogue (pg_type); the
        # second waits here and then finds the tables made
        self.conn.execute("SELECT pg_advisory_lock(%s)", [WRITE_LOCK])
        try:
            return super().migrate()
        finally:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", [WRITE_LOCK])

    @contextmanager
    def run_lock(self, on_wait=lambda: None) -> Iterator[None]:
        # a session lock: released by the server when a killed run's connection drops
        if not self.query("SELECT pg_try_advisory_lock(?) AS got", [RUN_LOCK])[0]["got"]:
            on_wait()
            self.execute("SELECT pg_advisory_lock(?)", [RUN_LOCK])
        try:
            yield
        finally:
            if not self.conn.closed:
                self.execute("SELECT pg_advisory_unlock(?)", [RUN_LOCK])

    def empty_table(self, name: str) -> None:
        # a temporary table's deleted rows are never vacuumed (autovacuum cannot see it): emptied
        # by DELETE a batch at a time, it would grow with every batch
        self.execute(f"TRUNCATE {name}")

    def rows_table(self, rows: list[tuple]) -> tuple[str, list]:
        # one JSON parameter: thousands of placeholders, or text arrays, cost psycopg more in
        # Python than the query costs the server (arrays: 3 s of quoting per 10,000 events);
        # encoded by orjson (json's encoder: 0.4 CPU-s per 20,000 events, a twelfth of `add_all`);
        # read as jsonb, parsed once: a json row's text is scanned again for each `->>` (dedup's
        # candidates test a key's columns in the index condition and the filter: 2,300 keys read
        # in 19-21 ms a query, 12-13 as jsonb)
        kinds = ["::float8" if isinstance(v, float) else "::int8" if isinstance(v, int) else "" for v in rows[0]]
        columns = ", ".join(f"(r->>{i}){kind}" for i, kind in enumerate(kinds))
        return f"SELECT {columns} FROM jsonb_array_elements(?::jsonb) AS r", [orjson.dumps(rows).decode()]

    def text_match(self, words: list[str]) -> tuple[str, list]:
        # plainto_tsquery: every word, none of them an operator ('or', '-', quotes)
        return f"e.fts @@ plainto_tsquery('{TEXT_CONFIG}', ?)", [" ".join(words)]

    def create_table(self, table: Table) -> None:
        columns = [f"{c} {SQL_TYPES[k]}" + (" NOT NULL" if c in table.pk else "") for c, k in table.columns]
        columns.append(f"PRIMARY KEY ({', '.join(table.pk)})")
        # no FOREIGN KEY: their checks cost ingest a quarter of the server's work (migration 22)
        if table.fts:
            self._text_config()
            columns.append(_fts_column(table.fts))
        self.conn.execute(f"CREATE TABLE {table.name} ({', '.join(columns)})")
        for cols in table.indexes:
            self.create_index(table.name, cols)
        if table.fts:
            self.conn.execute(f"CREATE INDEX idx_{table.name}_fts ON {table.name} USING GIN (fts)")

    def _text_config(self) -> None:
        """TEXT_CONFIG, made in the store's schema if it is not there."""
        # the schema by its name as it is (`::regnamespace` reads it as SQL again, folding "EventWire")
        if self.values("SELECT 1 FROM pg_ts_config WHERE cfgname = ? AND cfgnamespace = "
                       "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())", [TEXT_CONFIG]):
            return
        self.execute(f"CREATE TEXT SEARCH DICTIONARY {TEXT_CONFIG}_stem (TEMPLATE = snowball, Language = english)")
        self.execute(f"CREATE TEXT SEARCH CONFIGURATION {TEXT_CONFIG} (COPY = pg_catalog.english)")
        self.execute(f"ALTER TEXT SEARCH CONFIGURATION {TEXT_CONFIG} ALTER MAPPING REPLACE english_stem "
                     f"WITH {TEXT_CONFIG}_stem")

    def keep_every_word(self) -> None:
        self._text_config()
        for table, indexed in FTS_COLUMNS.items():
            made = self.values("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                               "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                               "WHERE d.adrelid = to_regclass(?) AND a.attname = 'fts'", [table])
            if not made or TEXT_CONFIG in made[0][0]:
                continue  # none (the articles' texts, since migration 6), or made with every word
            log.info("%s: indexing every word of the %s' texts again (a table rewrite: minutes for millions)",
                     self.url, table)
            self.execute(f"ALTER TABLE {table} DROP COLUMN fts")  # its index with it
            self.execute(f"ALTER TABLE {table} ADD COLUMN {_fts_column(indexed)}")
            self.execute(f"CREATE INDEX idx_{table}_fts ON {table} USING GIN (fts)")
            # the new column's statistics: a rewrite counts as no change to autovacuum, and the
            # planner would take every word, "the" too, for 0.5% of the rows until it analyzes
            self.execute(f"ANALYZE {table}")

    def drop_reference_checks(self) -> None:
        # the store's own tables only: a schema may hold another application's
        referring = sorted({t.name for m in MIGRATIONS for t in m.tables if t.foreign_keys})
        marks = ", ".join(["to_regclass(?)"] * len(referring))
        for table, name in self.values("SELECT conrelid::regclass::text, conname FROM pg_constraint "
                                       f"WHERE contype = 'f' AND conrelid IN ({marks})", referring):
            self.execute(f"ALTER TABLE {table} DROP CONSTRAINT {Identifier(name).as_string(self.conn)}")

    def compare_text_bytewise(self) -> None:
        # the store's own columns only. One that a generated column (the words of the full text)
        # or a view reads cannot change type: it keeps its collation (its order is the server's
        # where it is sorted; none of the store's B-trees sorts the summaries). A table's indexes
        # are made again, its rows stay as they are, and its statistics are gathered again: the
        # change drops them, and no row changed for autovacuum to notice
        marks = ", ".join("?" * len(COLUMN_KINDS))
        columns: dict[str, list[str]] = {}
        for table, column, readers in self.values(
                f"SELECT c.table_name, c.column_name, ({READERS}) FROM information_schema.columns c WHERE c.table_schema "
                f"= current_schema() AND c.data_type = 'text' AND c.collation_name IS DISTINCT FROM 'C' AND c.table_name "
                f"IN ({marks}) ORDER BY c.table_name, c.ordinal_position", list(COLUMN_KINDS)):
            if column not in COLUMN_KINDS[table]:
                continue
            if readers is None:  # nothing reads it
                columns.setdefault(table, []).append(column)
            elif views := [v for v in readers if v is not None]:  # (None: a generated column's expression)
                log.warning("%s: %s.%s keeps the server's collation: %s reads it", self.url, table, column,
                            ", ".join(sorted(views)))
        for table, names in columns.items():
            log.info("%s: the %s' text compared byte by byte (their indexes made again)", self.url, table)
            self.execute(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} TYPE {BYTEWISE}" for c in names))
            self.execute(f"ANALYZE {table}")

    def cheapen_text_indexes(self) -> None:
        # a tsvector of every article's text (1.5 ms per article at ingest) that no query reads;
        # the events' own (their evidence sentences) is what `search` and the API use
        self.conn.execute("ALTER TABLE documents DROP COLUMN IF EXISTS fts")

    def add_column(self, table: str, column: str, kind: str) -> None:
        self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {SQL_TYPES[kind]}")

    def create_index(self, table: str, columns: tuple[str, ...]) -> None:
        self.conn.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_{'_'.join(columns)} ON {table} "
                          f"({', '.join(columns)})")

    def has_table(self, name: str) -> bool:
        return bool(self.query("SELECT to_regclass(?) IS NOT NULL AS present", [name])[0]["present"])

    def close(self) -> None:
        self.conn.close()

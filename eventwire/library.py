"""The Python API (also `import eventwire`): extract events from text, fill a store, and read
its events back as SPEC records, export rows, a pandas DataFrame or an Arrow table. The
command line is a thin layer over these functions."""
from __future__ import annotations

import re
from datetime import date as Date
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence, Union

from .models import Document, DocumentRecord, Event

PathLike = Union[str, Path]


class FilterError(ValueError):
    """A filter value that cannot be used; names the filter, the value and the problem."""

    def __init__(self, name: str, value: Any, problem: str):
        self.name, self.value, self.problem = name, value, problem
        super().__init__(f"{name} {value!r}: {problem}")


class NothingToRead(ValueError):
    """No input gave a readable document (each problem was reported)."""


def extract(text: str, date: Union[str, Date], *, title: Optional[str] = None, url: Optional[str] = None,
            source: Optional[str] = None, publisher: Optional[str] = None, doc_id: Optional[str] = None,
            nlp=None) -> DocumentRecord:
    """The SPEC document record (`DocumentRecord`, a pydantic model; `.model_dump()` for a
    dict) of one article body published on `date` (ISO `YYYY-MM-DD` or a `datetime.date`)."""
    from .core import extract as extract_documents
    from .ingest.readers import check_date, content_id

    day = date.isoformat() if isinstance(date, Date) else date
    if not isinstance(day, str) or check_date(day) is None:
        raise FilterError("date", date, "not a date (YYYY-MM-DD)")
    document = Document(id=doc_id or content_id(text), date=day, text=text, title=title, url=url,
                        source=source, publisher=publisher)
    errors: list = []
    records = list(extract_documents([document], nlp=nlp, on_error=errors.append))
    if errors:
        raise ValueError(str(errors[0]))
    return records[0]


def read(inputs: Iterable[PathLike], date: Optional[str] = None, **options) -> Iterator:
    """Documents from files, directories or URLs (every input format `eventwire extract`
    reads), and an `IngestError` for each one that cannot be read."""
    from .ingest import read_paths

    return read_paths([Path(p) if not str(p).startswith(("http://", "https://")) else p for p in inputs],
                      default_date=date, **options)


def run(inputs: Iterable[PathLike], db: Optional[PathLike] = None, date: Optional[str] = None,
        on_error=None, nlp=None, **options):
    """Read, extract, store and deduplicate (`eventwire run`); returns the `RunSummary`.
    A store is made only when something could be read (else `NothingToRead`)."""
    from .core import run as run_job
    from .store import open_store as open_backend

    items = list(read(inputs, date=date, **options))
    report = on_error or (lambda e: None)
    if not any(isinstance(i, Document) for i in items):
        for item in items:
            report(item)
        raise NothingToRead("no document could be read" + (f" ({items[0]})" if items else ""))
    with open_backend(db, create=True) as store:
        return run_job(items, store, nlp=nlp, on_error=report)


def _list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def query(text: Optional[str] = None, type: Union[str, Sequence[str], None] = None,
          country: Union[str, Sequence[str], None] = None, since: Union[str, Date, None] = None,
          until: Union[str, Date, None] = None, near: Union[str, Sequence[float], None] = None, **more):
    """An `EventQuery` from friendly values: types in any case, countries as ISO codes or
    names, dates as ISO strings, `near` as "LAT,LON,KM" or a tuple; other `EventQuery` fields
    (mode, admin1, actor, claim_status, historical, bbox, ...) as they are. Every filter is
    optional; they combine with AND. Raises `FilterError` naming the filter."""
    from pydantic import ValidationError

    from .store.query import EventQuery, country_code, parse_near

    codes = []
    for c in _list(country):
        try:
            codes.append(country_code(c))
        except ValueError:
            raise FilterError("country", c, "unknown country (an ISO code or an English name)") from None
    if near is not None:
        text_near = near if isinstance(near, str) else ",".join(map(str, near))
        try:
            near = parse_near(text_near)
        except ValueError as exc:
            raise FilterError("near", near, str(exc).split(": ", 1)[-1]) from None
    try:
        return EventQuery(text=text, type=[t.upper() for t in _list(type)], country=codes, since=since,
                          until=until, near=tuple(near) if near else None, **more)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FilterError(str(first["loc"][0]) if first["loc"] else "filter", first.get("input"),
                          first["msg"]) from None


ACLED_ID = re.compile(r"^[A-Z]{3}(\d+)$")


class EventStore:
    """A store opened for reading (SQLite file or PostgreSQL URL). Filters are `query`'s
    keywords; `table` is "acled" (ACLED's column names plus ours) or "ucdp" (GED style)."""

    def __init__(self, store):
        self.store = store

    @property
    def url(self) -> str:
        return self.store.url

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def events(self, limit: Optional[int] = None, **filters) -> list[Event]:
        """Matching events, newest first, as SPEC event records (ids as in the store)."""
        return [Event.model_validate_json(r["record"]) for r in self.store.events(query(**filters), limit=limit)]

    def rows(self, table: str = "acled", limit: Optional[int] = None, **filters) -> Iterator[dict]:
        """Matching events as export rows (dicts keyed by the columns of export/columns.yaml)."""
        from .export import rows

        return rows(self.store, query(**filters), limit=limit, table=table)

    def to_arrow(self, table: str = "acled", limit: Optional[int] = None, **filters):
        """Matching events as a `pyarrow.Table` in the typed schema of the Parquet export."""
        from .export import to_arrow

        return to_arrow(self.rows(table, limit=limit, **filters), table)

    def to_pandas(self, table: str = "acled", limit: Optional[int] = None, **filters):
        """Matching events as a pandas DataFrame (nullable dtypes; needs `pip install eventwire[pandas]`)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas needs pandas: pip install 'eventwire[pandas]'") from None
        import pyarrow as pa

        types = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
                 pa.string(): pd.StringDtype()}
        return self.to_arrow(table, limit=limit, **filters).to_pandas(types_mapper=types.get)

    def documents(self, **filters) -> Iterator[DocumentRecord]:
        """Matching events as SPEC document records, one per article (`eventwire export --format jsonl`)."""
        from .export import document_records

        return document_records(self.store, query(**filters))

    def canonical_id(self, key: str) -> Optional[str]:
        """The canonical event behind `key`: a canonical id, an event id (`HASH:N` or the
        SPEC's `doc_id:N`) or an ACLED-style `event_id_cnty`; None when nothing matches."""
        key = key.strip()
        if self.store.canonical(key):
            return key
        for event_id in self._event_ids(key):
            row = self.store.query("SELECT canonical_id FROM events WHERE id = ?", [event_id])
            if row:
                return row[0]["canonical_id"]
        return None

    def _event_ids(self, key: str) -> Iterator[str]:
        yield key
        doc_id, _, n = key.rpartition(":")
        if doc_id and n.isdigit():
            doc = self.store.document(doc_id)
            if doc:
                yield f"{doc['hash']}:{n}"
        m = ACLED_ID.match(key.upper())
        if m:
            from .export.tables import ID_EVENTS, ID_PREFIX_HEX

            head, seq = divmod(int(m.group(1)), ID_EVENTS)
            width = ID_PREFIX_HEX if head < 16 ** ID_PREFIX_HEX else 16
            prefix = f"{head:0{width}x}"
            for d in self.store.query("SELECT hash FROM documents WHERE hash >= ? AND hash < ?",
                                      [prefix, prefix + "g"]):
                yield f"{d['hash']}:{seq}"

    def sources(self, key: str) -> Optional[dict]:
        """The canonical event behind `key` (see `canonical_id`) and its reports:
        `{"canonical": {...}, "reports": [event rows with their documents]}`, or None."""
        cid = self.canonical_id(key)
        if cid is None:
            return None
        return {"canonical": self.store.canonical(cid), "reports": self.store.sources(cid)}


def open_store(db: Optional[PathLike] = None, create: bool = False) -> EventStore:
    """Open a store: a SQLite path (default ./eventwire.db or $EVENTWIRE_DB) or a
    postgresql:// URL. Reading never creates one (`StoreError` when missing) unless `create`."""
    from .store import open_store as open_backend

    return EventStore(open_backend(db, create=create))

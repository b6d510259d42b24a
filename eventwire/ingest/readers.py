"""Readers for the corpus text format and JSON Lines (SPEC 1).

Every problem with one document becomes an `IngestError` naming the file (and line) and the
problem; the other documents of the same batch still go through.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from pydantic import ValidationError

from ..models import Document

HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s*")
# spaCy's default Doc limit; longer texts need more memory than a news article ever should.
MAX_CHARS = 1_000_000
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}


@dataclass
class IngestError:
    """A document that could not be read; `where` names the file (and line)."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


Item = Union[Document, IngestError]


def content_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_date(value: object) -> Optional[str]:
    """The ISO date part of `value`, or None when it is not a real calendar date."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?", value):
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _decode(raw: bytes, where: str) -> Union[str, IngestError]:
    if not raw.strip():
        return IngestError(where, "empty file")
    if b"\x00" in raw[:8192]:
        return IngestError(where, "binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return IngestError(where, f"not valid UTF-8 (byte {exc.start})")


def read_text_document(text: str, source: str, default_date: Optional[str] = None,
                       where: Optional[str] = None) -> Item:
    """A corpus-format text: optional `date YYYY-MM-DD` header, then the body."""
    where = where or source
    m = HEADER.match(text)
    if m:
        pub = check_date(m.group(1))
        if pub is None:
            return IngestError(where, f"invalid date {m.group(1)!r} in header")
        body = text[m.end():]
    else:
        if default_date is None:
            return IngestError(where, "no 'date YYYY-MM-DD' header and no --date given")
        pub, body = default_date, text
    return _document({"text": body, "date": pub}, source, default_date, where=where)


def _document(obj: dict, source: str, default_date: Optional[str], where: str) -> Item:
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return IngestError(where, "no text")
    if len(text) > MAX_CHARS:
        return IngestError(where, f"text too long ({len(text):,} characters, limit {MAX_CHARS:,})")
    raw_date = obj.get("date")
    pub = check_date(raw_date) if raw_date not in (None, "") else default_date
    if pub is None:
        return IngestError(where, f"invalid date {raw_date!r}" if raw_date else "no date and no --date given")
    doc_id = obj.get("id")
    try:
        return Document(
            id=str(doc_id) if doc_id not in (None, "") else content_id(text),
            date=pub,
            text=text,
            title=obj.get("title"),
            url=obj.get("url"),
            source=obj.get("source") or source,
            lang=obj.get("lang"),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"])
        return IngestError(where, f"field {field!r}: {first['msg'].lower()}")


def _read_jsonl(text: str, path: str, source: str, default_date: Optional[str]) -> Iterator[Item]:
    # split on "\n" only: str.splitlines would also break at U+2028 inside JSON strings
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(where, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            yield IngestError(where, "not a JSON object")
            continue
        yield _document(obj, source, default_date, where)


def read_file(path: Path, default_date: Optional[str] = None) -> Iterator[Item]:
    """Documents in one file; `.gz` is decompressed, `.jsonl`/`.json` read line by line."""
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield IngestError(where, f"cannot read ({exc.strerror})")
        return
    name = path.name
    if name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            yield IngestError(where, f"broken gzip data ({exc})")
            return
        name = name[:-3]
    text = _decode(raw, where)
    if isinstance(text, IngestError):
        yield text
        return
    source = os.path.basename(name)
    if Path(name).suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl(text, where, source, default_date)
    else:
        yield read_text_document(text, source, default_date, where=where)


def iter_files(paths: Iterable[Union[str, Path]]) -> Iterator[Union[Path, IngestError]]:
    """Files named, and the files below directories named (recursive, sorted, no hidden)."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    yield f
        elif p.is_file():
            yield p
        else:
            yield IngestError(str(p), "no such file or directory")


def read_paths(paths: Iterable[Union[str, Path]], default_date: Optional[str] = None) -> Iterator[Item]:
    for f in iter_files(paths):
        if isinstance(f, IngestError):
            yield f
        else:
            yield from read_file(f, default_date)

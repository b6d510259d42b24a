"""What every reader shares: the error type, options, dates, ids and the Document builder."""
from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from typing import BinaryIO, Callable, Optional, Union

from pydantic import ValidationError

from ..models import Document
from .language import detect_language

# spaCy's default Doc limit; longer texts need more memory than a news article ever should.
MAX_CHARS = 1_000_000
# a NUL byte this early means a binary file (image, archive, UTF-16), not text we can read
SNIFF_BYTES = 8192
# what a broken or unreadable stream raises: OS errors (BadGzipFile among them), a cut gzip
# stream, damaged deflate data, a damaged zip member, a zip method or encryption we cannot open
READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError, RuntimeError)


@dataclass
class IngestError:
    """A document that could not be read; `where` names the file (and line, row, item or message)."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


Item = Union[Document, IngestError]


@dataclass
class Options:
    """What the caller chose for a whole batch."""

    default_date: Optional[str] = None
    text_col: Optional[str] = None
    date_col: Optional[str] = None
    # things skipped on purpose, not errors (Telegram service and media-only messages), by kind
    passed_over: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Source:
    """One readable stream: a file, a decompressed .gz, a zip member or a fetched URL."""

    where: str                     # what errors name: a path, 'archive.zip/member', a URL
    name: str                      # the name whose suffix chooses the format ('.gz' removed)
    open: Callable[[], BinaryIO]   # a fresh binary stream of the content, from its start
    broken: str = "cannot read"    # how a read error is phrased for this kind of stream


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


def parse_date(value: object) -> Optional[str]:
    """ISO 8601 (its date part) or RFC 2822 ('Wed, 30 Jan 2019 08:00:00 +0000', feeds and
    mail-style exports); the date as written, in the writer's time zone, not converted to UTC."""
    iso = check_date(value)
    if iso is not None or not isinstance(value, str):
        return iso
    try:
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def read_error(src: Source, exc: BaseException) -> IngestError:
    return IngestError(src.where, f"{src.broken} ({getattr(exc, 'strerror', None) or exc})")


def load(src: Source) -> Union[bytes, IngestError]:
    """The whole content of `src` (formats that need it all at once)."""
    try:
        with src.open() as stream:
            return stream.read()
    except READ_ERRORS as exc:
        return read_error(src, exc)


def decode(raw: bytes, where: str) -> Union[str, IngestError]:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return IngestError(where, f"not valid UTF-8 (byte {exc.start})")


def load_text(src: Source) -> Union[str, IngestError]:
    raw = load(src)
    return raw if isinstance(raw, IngestError) else decode(raw, src.where)


def headline_first(title: Optional[str], body: str) -> str:
    """The body led by its headline as a paragraph of its own, as in the corpus format, so that
    an article reads the same (and gives the same events) whatever format it came in."""
    title = " ".join((title or "").split())
    if not title or body.lstrip().startswith(title):
        return body
    return f"{title}\n\n{body}"


def paragraphs(text: str) -> str:
    """One paragraph a line in, blank-line separated paragraphs out (the pipeline breaks
    sentences at blank lines), inner white space folded."""
    return "\n\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def site_name(url: object) -> Optional[str]:
    """The host of an http(s) URL without `www.`, naming a publisher the input does not name."""
    from urllib.parse import urlsplit

    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def make_document(obj: dict, source: str, default_date: Optional[str], where: str) -> Item:
    """A Document from `{text, date, id, title, url, source, publisher, lang, forwarded_from}`,
    or why not. `source` (the file's name) stands in for a `source` the input lacks; the
    publisher is only what the input names, never the file."""
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return IngestError(where, "no text")
    if len(text) > MAX_CHARS:
        return IngestError(where, f"text too long ({len(text):,} characters, limit {MAX_CHARS:,})")
    raw_date = obj.get("date")
    pub = parse_date(raw_date) if raw_date not in (None, "") else default_date
    if pub is None:
        return IngestError(where, f"invalid date {raw_date!r}" if raw_date else "no date and no --date given")
    lang = obj.get("lang")
    if lang in (None, ""):
        lang = detect_language(text)
    if isinstance(lang, str) and lang.lower().split("-")[0].split("_")[0] != "en":
        return IngestError(where, f"language {lang!r}, not English")
    doc_id = obj.get("id")
    try:
        return Document(
            id=str(doc_id) if doc_id not in (None, "") else content_id(text),
            date=pub,
            text=text,
            title=obj.get("title"),
            url=obj.get("url"),
            source=obj.get("source") or source,
            publisher=obj.get("publisher") or obj.get("source") or site_name(obj.get("url")),
            lang=lang,
            forwarded_from=obj.get("forwarded_from"),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(x) for x in first["loc"])
        return IngestError(where, f"field {name!r}: {first['msg'].lower()}")

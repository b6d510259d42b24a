"""What every reader shares: the error type, options, dates, ids and the Document builder."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from typing import BinaryIO, Callable, Optional, Union

from pydantic import ValidationError

from ..limits import Limits, limits
from ..models import Document
from .language import detect_language

# the default cap on a document's characters (`Limits.max_chars`)
MAX_CHARS = Limits().max_chars
# a NUL byte this early means a binary file (image, archive, UTF-16), not text we can read
SNIFF_BYTES = 8192


class LimitError(Exception):
    """A stream read past one of the `Limits`; the message names the limit."""


def over(what: str, cap: int, name: str) -> str:
    return f"{what} over the limit of {cap:,} bytes ({name}; EVENTWIRE_{name.upper()} or --limit {name}=N)"


# what a broken or unreadable stream raises: OS errors (BadGzipFile among them), a cut gzip
# stream, damaged deflate data, a damaged zip member, a zip method or encryption we cannot open,
# a decompressed stream past its cap
READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError, RuntimeError, LimitError)


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
    limits: Limits = field(default_factory=limits)
    taken: int = 0  # messages taken from the Telegram export being read


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


class Capped(io.RawIOBase):
    """A decompressed stream that stops with `LimitError` once `cap` bytes have come out, so a
    small archive cannot make us read (or hold) a gigabyte."""

    def __init__(self, inner: BinaryIO, cap: int, name: str = "max_member_bytes") -> None:
        self.inner, self.cap, self.name, self.seen = inner, cap, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self.cap - self.seen)
        if want <= 0:  # all that may be read has been; is there more?
            if self.inner.read(1):
                raise LimitError(over("decompressed", self.cap, self.name))
            return 0
        data = self.inner.read(want)
        self.seen += len(data)
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()


def capped(inner: BinaryIO, cap: int) -> BinaryIO:
    return io.BufferedReader(Capped(inner, cap), buffer_size=1 << 16)  # type: ignore[return-value]


def read_error(src: Source, exc: BaseException) -> IngestError:
    if isinstance(exc, LimitError):
        return IngestError(src.where, str(exc))
    return IngestError(src.where, f"{src.broken} ({getattr(exc, 'strerror', None) or exc})")


def load(src: Source, cap: int, name: str) -> Union[bytes, IngestError]:
    """The whole content of `src` (formats that need it all at once), or a refusal once it
    passes `cap` bytes: never more than cap + 1 bytes are read."""
    try:
        with src.open() as stream:
            raw = stream.read(cap + 1)
    except READ_ERRORS as exc:
        return read_error(src, exc)
    return IngestError(src.where, over("file", cap, name)) if len(raw) > cap else raw


def decode(raw: bytes, where: str) -> Union[str, IngestError]:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return IngestError(where, f"not valid UTF-8 (byte {exc.start})")


def load_text(src: Source, cap: int, name: str) -> Union[str, IngestError]:
    raw = load(src, cap, name)
    return raw if isinstance(raw, IngestError) else decode(raw, src.where)


JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings not counted)."""
    depth = deepest = 0
    for c in NOT_BRACKET.sub("", JSON_STRING.sub("", text)):
        depth += 1 if c in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def json_loads(text: str, max_depth: int) -> object:
    """`json.loads` that refuses (ValueError) nesting deeper than `max_depth` before parsing,
    where the parser itself would exhaust the interpreter's stack."""
    if text.count("[") + text.count("{") > max_depth:  # else it cannot nest that deep
        if json_depth(text) > max_depth:
            raise ValueError(f"nested deeper than {max_depth} levels (max_json_depth)")
    return json.loads(text)


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


def make_document(obj: dict, source: str, default_date: Optional[str], where: str,
                  limit: Optional[Limits] = None) -> Item:
    """A Document from `{text, date, id, title, url, source, publisher, lang, forwarded_from}`,
    or why not. `source` (the file's name) stands in for a `source` the input lacks; the
    publisher is only what the input names, never the file."""
    limit = limit or limits()
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return IngestError(where, "no text")
    if len(text) > limit.max_chars:
        return IngestError(where, f"text too long ({len(text):,} characters, limit {limit.max_chars:,}: max_chars)")
    if "\x00" in text:
        return IngestError(where, "NUL characters in the text (binary data, not text)")
    raw_date = obj.get("date")
    pub = parse_date(raw_date) if raw_date not in (None, "") else default_date
    if pub is None:
        return IngestError(where, f"invalid date {raw_date!r}" if raw_date else "no date and no --date given")
    problem = limit.date_problem(date.fromisoformat(pub))
    if problem:
        return IngestError(where, f"publication {problem}")
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

"""Which reader reads a stream: by its name's suffix, then by its first bytes.

Containers (.gz, .zip) open into streams that go through the same choice, so a zip of feeds,
pages and tables (or a gzipped CSV) reads like the files themselves.
"""
from __future__ import annotations

import gzip
import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, Iterator, Optional

from .base import READ_ERRORS, SNIFF_BYTES, IngestError, Item, Options, Source, capped, read_error
from .feeds import read_feed
from .html import read_html
from .tables import read_csv, read_tsv
from .telegram import read_telegram
from .text import read_jsonl, read_text

Reader = Callable[[Source, Options], Iterator[Item]]

BY_SUFFIX = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
}
# a suffix that names its format for sure: content is not second-guessed
TRUSTED = {"html", "csv", "tsv", "jsonl"}
FEED_ROOT = re.compile(rb"<(rss|feed|rdf:rdf)[\s>]")
HTML_ROOT = re.compile(rb"<(!doctype html|html|head|body)[\s>]")
TELEGRAM = re.compile(rb'"(messages|chats)"\s*:\s*[\[{]')


def sniff(head: bytes) -> Optional[str]:
    """The format the first bytes show, if any."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<"):
        return "feed" if FEED_ROOT.search(start) else "html" if HTML_ROOT.search(start) else None
    if start.startswith(b"{"):
        first_line = start.split(b"\n", 1)[0].strip()
        # a pretty-printed export opens with '{' alone; a JSON Lines file with a whole object
        return "telegram" if TELEGRAM.search(start) or first_line == b"{" else "jsonl"
    return None


def choose(name: str, head: bytes) -> str:
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    by_name = BY_SUFFIX.get(PurePosixPath(name).suffix.lower())
    if by_name in TRUSTED:
        return by_name
    by_content = sniff(head)
    if by_name == "json":  # SPEC 1 reads .json as JSON Lines; a Telegram export is one document
        return "telegram" if by_content == "telegram" else "jsonl"
    return by_content or by_name or "text"


def read_source(src: Source, opts: Options) -> Iterator[Item]:
    """Every document in one stream, by the reader its name and first bytes choose."""
    try:
        with src.open() as stream:
            head = stream.read(SNIFF_BYTES)
    except READ_ERRORS as exc:
        yield read_error(src, exc)
        return
    fmt = choose(src.name, head)
    if fmt not in ("zip", "gzip"):
        if not head.strip():
            yield IngestError(src.where, "empty file")
            return
        if b"\x00" in head:
            yield IngestError(src.where, "binary file (NUL bytes), not text")
            return
    yield from READERS[fmt](src, opts)


class _Gunzip(gzip.GzipFile):
    """A GzipFile that closes the stream it reads, too (GzipFile leaves a given one open)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        super().__init__(fileobj=raw)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def read_gzip(src: Source, opts: Options) -> Iterator[Item]:
    name = src.name[:-3] if src.name.lower().endswith(".gz") else src.name
    cap = opts.limits.max_member_bytes
    yield from read_source(Source(src.where, name, lambda: capped(_Gunzip(src.open()), cap), "broken gzip data"), opts)


def _member_open(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> Callable[[], BinaryIO]:
    return lambda: capped(archive.open(info), cap)  # type: ignore[arg-type]


def read_zip(src: Source, opts: Options) -> Iterator[Item]:
    """Each file in the archive (sorted, hidden ones and macOS resource forks left out)."""
    try:
        raw = src.open()
    except READ_ERRORS as exc:
        yield read_error(src, exc)
        return
    try:
        archive = zipfile.ZipFile(raw)
    except READ_ERRORS as exc:
        raw.close()
        yield IngestError(src.where, f"broken zip archive ({exc})")
        return
    with raw, archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            parts = PurePosixPath(info.filename).parts
            if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts):
                continue
            yield from read_source(Source(f"{src.where}/{info.filename}", info.filename,
                                          _member_open(archive, info, opts.limits.max_member_bytes),
                                          "broken zip member"), opts)


READERS: dict[str, Reader] = {
    "text": read_text, "jsonl": read_jsonl, "html": read_html, "feed": read_feed,
    "csv": read_csv, "tsv": read_tsv, "telegram": read_telegram,
    "zip": read_zip, "gzip": read_gzip,
}


def file_source(path: Path) -> Source:
    return Source(str(path), path.name, lambda: path.open("rb"))


URL = re.compile(r"(https?):/+(.*)", re.I)


def as_url(path: object) -> Optional[str]:
    """An http(s) URL given as a path; a Path folds its '//' to '/', so both spellings count."""
    m = URL.fullmatch(str(path))
    return f"{m.group(1).lower()}://{m.group(2)}" if m and not Path(str(path)).exists() else None


def url_source(url: str) -> Source | IngestError:
    """The body at `url`, fetched once (feeds and pages on the web)."""
    import httpx

    from .. import __version__

    try:
        response = httpx.get(url, follow_redirects=True, timeout=30.0,
                             headers={"User-Agent": f"eventwire/{__version__}"})
    except httpx.HTTPError as exc:
        return IngestError(url, f"cannot fetch ({type(exc).__name__}: {exc})")
    if response.status_code >= 400:
        return IngestError(url, f"cannot fetch (HTTP {response.status_code})")
    body = response.content
    name = PurePosixPath(httpx.URL(url).path).name or "index"
    return Source(url, name, lambda: io.BytesIO(body))

"""The single entry point of ingest: paths, directories and URLs in, documents out (SPEC 1).

Formats: the corpus text format, JSON Lines, HTML pages, RSS/Atom feeds, CSV/TSV, Telegram
Desktop exports, and .gz/.zip of any of them, chosen by name and content (`registry`).
Every problem with one document becomes an `IngestError` naming the file (and line, row, item
or message) and the problem; the other documents of the same batch still go through.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from ..limits import Limits, limits as default_limits
from .base import MAX_CHARS, IngestError, Item, Options, check_date, content_id
from .registry import as_url, file_source, read_source, url_source
from .text import HEADER, read_text_document

__all__ = ["IngestError", "Item", "MAX_CHARS", "HEADER", "check_date", "content_id", "iter_files",
           "read_file", "read_paths", "read_text_document"]


def read_file(path: Path, default_date: Optional[str] = None, **options: object) -> Iterator[Item]:
    """Documents in one file, whatever its format; `options` as for `read_paths`."""
    yield from read_source(file_source(Path(path)), Options(default_date=default_date, **options))  # type: ignore[arg-type]


DOC_NOTES = ("README", "LICENSE", "LICENCE", "COPYING")


def iter_files(paths: Iterable[Union[str, Path]]) -> Iterator[Union[Path, IngestError]]:
    """Files named, and the files below directories named (recursive, sorted, no hidden files,
    no README or LICENSE: the notes that travel beside data are not news)."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                        and not f.name.upper().startswith(DOC_NOTES)):
                    yield f
        elif p.is_file():
            yield p
        else:
            yield IngestError(str(p), "no such file or directory")


def read_paths(paths: Iterable[Union[str, Path]], default_date: Optional[str] = None, *,
               text_col: Optional[str] = None, date_col: Optional[str] = None,
               passed_over: Optional[Counter] = None, limits: Optional[Limits] = None) -> Iterator[Item]:
    """Every document in `paths` (files, directories, http(s) URLs), in order, as `Document`
    or `IngestError`. `default_date` dates documents that carry none; `text_col`/`date_col`
    name the CSV/TSV columns to use; `passed_over` counts what was skipped on purpose
    (Telegram service and media-only messages) by kind; `limits` caps what one input may cost
    (default: `eventwire.limits.limits()`, the defaults under EVENTWIRE_* overrides)."""
    opts = Options(default_date, text_col, date_col, passed_over if passed_over is not None else Counter(),
                   limits or default_limits())
    for p in paths:
        url = as_url(p)
        if url is not None:
            src = url_source(url)
            yield from [src] if isinstance(src, IngestError) else read_source(src, opts)
            continue
        for f in iter_files([p]):
            if isinstance(f, IngestError):
                yield f
            else:
                yield from read_source(file_source(f), opts)

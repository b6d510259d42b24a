"""The corpus text format and JSON Lines (SPEC 1)."""
from __future__ import annotations

import json
import os
import re
from typing import Iterator, Optional

from .base import (READ_ERRORS, IngestError, Item, Options, Source, check_date, json_loads, load_text, make_document,
                   over, read_error)

HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s*")


def read_text_document(text: str, source: str, default_date: Optional[str] = None,
                       where: Optional[str] = None, limits=None) -> Item:
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
    return make_document({"text": body, "date": pub}, source, default_date, where=where, limit=limits)


def read_text(src: Source, opts: Options) -> Iterator[Item]:
    text = load_text(src, opts.limits.max_doc_bytes, "max_doc_bytes")
    yield text if isinstance(text, IngestError) else read_text_document(
        text, os.path.basename(src.name), opts.default_date, where=src.where, limits=opts.limits)


def lines(stream, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) for each line of a binary stream, split at b"\\n" only (str.splitlines would
    also break at U+2028 inside JSON strings); a line over `cap` bytes comes as None, read past
    in pieces and never held whole."""
    n = 0
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        n += 1
        if len(line) > cap and not line.endswith(b"\n"):
            yield n, None
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
        else:
            yield n, line


def read_jsonl(src: Source, opts: Options) -> Iterator[Item]:
    """One document per line, `{"id", "date", "text"}` plus optional keys."""
    source = os.path.basename(src.name)
    cap = opts.limits.max_doc_bytes
    try:
        with src.open() as stream:
            for n, raw in lines(stream, cap):
                where = f"{src.where}:{n}"
                if raw is None:
                    yield IngestError(where, over("line", cap, "max_doc_bytes"))
                    continue
                try:
                    line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield IngestError(where, f"not valid UTF-8 (byte {exc.start})")
                    continue
                if not line.strip():
                    continue
                try:
                    obj = json_loads(line, opts.limits.max_json_depth)
                except json.JSONDecodeError as exc:
                    yield IngestError(where, f"not valid JSON ({exc.msg})")
                    continue
                except ValueError as exc:  # nested too deep
                    yield IngestError(where, f"JSON {exc}")
                    continue
                if not isinstance(obj, dict):
                    yield IngestError(where, "not a JSON object")
                    continue
                yield make_document(obj, source, opts.default_date, where, opts.limits)
    except READ_ERRORS as exc:
        yield read_error(src, exc)

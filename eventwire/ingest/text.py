"""The corpus text format and JSON Lines (SPEC 1)."""
from __future__ import annotations

import json
import os
import re
from typing import Iterator, Optional

from .base import IngestError, Item, Options, Source, check_date, load_text, make_document

HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s*")


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
    return make_document({"text": body, "date": pub}, source, default_date, where=where)


def read_text(src: Source, opts: Options) -> Iterator[Item]:
    text = load_text(src)
    yield text if isinstance(text, IngestError) else read_text_document(
        text, os.path.basename(src.name), opts.default_date, where=src.where)


def read_jsonl(src: Source, opts: Options) -> Iterator[Item]:
    """One document per line, `{"id", "date", "text"}` plus optional keys."""
    text = load_text(src)
    if isinstance(text, IngestError):
        yield text
        return
    source = os.path.basename(src.name)
    # split on "\n" only: str.splitlines would also break at U+2028 inside JSON strings
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{src.where}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(where, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            yield IngestError(where, "not a JSON object")
            continue
        yield make_document(obj, source, opts.default_date, where)

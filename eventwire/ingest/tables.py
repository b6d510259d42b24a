"""CSV and TSV exports (news APIs, spreadsheets): a document per row, read row by row."""
from __future__ import annotations

import csv
import io
import itertools
import os
from typing import Iterator, Optional

from .base import MAX_CHARS, READ_ERRORS, IngestError, Item, Options, Source, headline_first, make_document, read_error

# header names (lower case) tried for each field, first match wins
COLUMNS = {
    "text": ("text", "body", "content"),
    "date": ("date", "published", "publish_date"),
    "title": ("title", "headline"),
    "url": ("url",),
    "id": ("id",),
    "source": ("source",),
    "lang": ("lang", "language"),
}
DELIMITERS = ",;\t|"

# csv's default field limit (131,072 characters) is shorter than a long article
csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_CHARS))


def _column(header: list[str], field: str, chosen: Optional[str]) -> Optional[int]:
    names = [h.strip().lower() for h in header]
    for name in ([chosen.strip().lower()] if chosen else COLUMNS[field]):
        if name in names:
            return names.index(name)
    return None


def read_table(src: Source, opts: Options, delimiter: str) -> Iterator[Item]:
    """Rows of a delimited file; the first line is the header (delimiter sniffed from it)."""
    source = os.path.basename(src.name)
    try:
        stream = io.TextIOWrapper(src.open(), encoding="utf-8-sig", newline="")
    except READ_ERRORS as exc:
        yield read_error(src, exc)
        return
    line = 1  # the line the next row starts on
    with stream:
        try:
            first = stream.readline()
            try:  # a ';' or '|' export named .csv still reads; a one-column header keeps the default
                delimiter = csv.Sniffer().sniff(first, DELIMITERS).delimiter
            except csv.Error:
                pass
            rows = csv.reader(itertools.chain([first], stream), delimiter=delimiter)
            header = next(rows, [])
            cols = {f: _column(header, f, {"text": opts.text_col, "date": opts.date_col}.get(f)) for f in COLUMNS}
            problem = _header_problem(header, cols, opts)
            if problem:
                yield IngestError(src.where, problem)
                return
            line = rows.line_num + 1
            for row in rows:
                where, line = f"{src.where}:{line}", rows.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                cell = {f: row[i] if i is not None and i < len(row) else None for f, i in cols.items()}
                if not (cell["text"] or "").strip():
                    yield IngestError(where, f"no text in column {header[cols['text']]!r}")
                    continue
                cell["text"] = headline_first(cell["title"], cell["text"])
                yield make_document(cell, source, opts.default_date, where)
        except UnicodeDecodeError as exc:
            yield IngestError(f"{src.where}:{line}", f"not valid UTF-8 ({exc.reason})")
        except csv.Error as exc:
            yield IngestError(f"{src.where}:{line}", f"not readable as {'TSV' if delimiter == chr(9) else 'CSV'} ({exc})")
        except READ_ERRORS as exc:
            yield read_error(src, exc)


def _header_problem(header: list[str], cols: dict[str, Optional[int]], opts: Options) -> Optional[str]:
    shown = ", ".join(repr(h) for h in header[:12]) or "none"
    for field, chosen in (("text", opts.text_col), ("date", opts.date_col)):
        if chosen and cols[field] is None:
            return f"no column {chosen!r} (given by --{field}-col) in the header ({shown})"
    if cols["text"] is None:
        return f"no text column ({', '.join(COLUMNS['text'])}; or --text-col) in the header ({shown})"
    if cols["date"] is None and opts.default_date is None:
        return f"no date column ({', '.join(COLUMNS['date'])}; or --date-col) and no --date given"
    return None


def read_csv(src: Source, opts: Options) -> Iterator[Item]:
    return read_table(src, opts, ",")


def read_tsv(src: Source, opts: Options) -> Iterator[Item]:
    return read_table(src, opts, "\t")

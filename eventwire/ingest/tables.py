"""CSV and TSV exports (news APIs, spreadsheets): a document per row, read row by row."""
from __future__ import annotations

import csv
import io
import os
import sys
from typing import Iterator, Optional

from .base import READ_ERRORS, IngestError, Item, Options, Source, headline_first, make_document, read_error

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
SNIFF_CHARS = 65_536  # the header line the delimiter is guessed from

# rows are capped by `Rows` below (Limits.max_row_chars), before csv sees them; csv's own field
# limit (131,072 characters by default, shorter than a long article) would stop the whole file
csv.field_size_limit(sys.maxsize)


class RowTooLong(Exception):
    """A row over the limit, read past up to its end; `line` is where it started."""

    def __init__(self, line: int) -> None:
        self.line = line


class Rows:
    """The physical lines of a CSV/TSV stream as csv.reader takes them, each row capped at
    `cap` characters: a longer row is read past in pieces (never held whole) up to the line
    where its quotes balance, and reported with `RowTooLong`; the next row reads as usual."""

    def __init__(self, stream: io.TextIOBase, cap: int) -> None:
        self.stream, self.cap = stream, cap
        self.line = 0          # physical lines read
        self.row_start = 1     # the line the current row starts on
        self.size = 0          # characters of the current row so far
        self.quotes = 0        # its double quotes so far: odd inside a quoted field
        self.fresh = True      # the next line starts a row (csv.reader said the last one ended)

    def new_row(self) -> None:
        self.fresh = True

    def __iter__(self) -> "Rows":
        return self

    def _read(self) -> str:
        piece = self.stream.readline(self.cap + 1)
        if piece.endswith("\n") or not piece:
            self.line += bool(piece)
        return piece

    def __next__(self) -> str:
        if self.fresh:
            self.row_start, self.size, self.quotes, self.fresh = self.line + 1, 0, 0, False
        piece = self._read()
        if not piece:
            raise StopIteration
        self.size += len(piece)
        self.quotes += piece.count('"')
        if self.size <= self.cap:
            return piece
        start = self.row_start
        while piece and not (piece.endswith("\n") and self.quotes % 2 == 0):
            piece = self._read()
            self.quotes += piece.count('"')
        self.fresh = True
        raise RowTooLong(start)


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
    cap = opts.limits.max_row_chars
    lines = Rows(stream, cap)
    with stream:
        try:
            first = lines.stream.readline(cap + 1)
            try:  # a ';' or '|' export named .csv still reads; a one-column header keeps the default
                delimiter = csv.Sniffer().sniff(first[:SNIFF_CHARS], DELIMITERS).delimiter
            except csv.Error:
                pass
            lines.stream = io.StringIO(first) if len(first) <= cap else io.StringIO("")
            rows = csv.reader(lines, delimiter=delimiter)
            header = next(rows, [])
            lines.stream = stream
            lines.new_row()
            cols = {f: _column(header, f, {"text": opts.text_col, "date": opts.date_col}.get(f)) for f in COLUMNS}
            problem = _header_problem(header, cols, opts)
            if problem:
                yield IngestError(src.where, problem)
                return
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    break
                except RowTooLong as exc:
                    yield IngestError(f"{src.where}:{exc.line}", f"row over the limit of {cap:,} characters "
                                      "(max_row_chars; EVENTWIRE_MAX_ROW_CHARS or --limit max_row_chars=N), skipped")
                    continue
                where = f"{src.where}:{lines.row_start}"
                lines.new_row()
                if not any(cell.strip() for cell in row):
                    continue
                cell = {f: row[i] if i is not None and i < len(row) else None for f, i in cols.items()}
                if not (cell["text"] or "").strip():
                    yield IngestError(where, f"no text in column {header[cols['text']]!r}")
                    continue
                cell["text"] = headline_first(cell["title"], cell["text"])
                yield make_document(cell, source, opts.default_date, where, opts.limits)
        except UnicodeDecodeError as exc:
            yield IngestError(f"{src.where}:{lines.row_start}", f"not valid UTF-8 ({exc.reason})")
        except csv.Error as exc:
            yield IngestError(f"{src.where}:{lines.row_start}",
                              f"not readable as {'TSV' if delimiter == chr(9) else 'CSV'} ({exc})")
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

"""Every input limit in one place: what one file, archive member, document, request or
extraction may cost. Defaults here; each one overridable by the environment
(`EVENTWIRE_MAX_CHARS=2000000`) or the command line (`--limit max_chars=2000000`).

A limit is enforced while reading (a stream is read up to its cap and no further), and each
refusal is one line naming the file and the limit, so the rest of a batch goes through."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Iterable, Mapping

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one input may cost; see SECURITY.md for why each default is what it is."""

    # characters of one document's text (spaCy's default Doc limit; no news article is longer)
    max_chars: int = 1_000_000
    # bytes read for one document: a text file, a JSON line, a CSV row (JSON escapes such as
    # \u00e9 take six bytes for one character, so a few times max_chars)
    max_doc_bytes: int = 8_000_000
    # bytes decompressed from one .gz stream or zip member, whatever it holds
    max_member_bytes: int = 256 * MiB
    # bytes of one HTML page (pages carry scripts and inline images beside the article)
    max_html_bytes: int = 20 * MiB
    # bytes of one file read whole: an RSS/Atom feed, a Telegram export
    max_file_bytes: int = 256 * MiB
    # messages taken from one Telegram export (the rest are refused with one line)
    max_messages: int = 100_000
    # nesting of arrays and objects in a JSON line or export (news needs a handful)
    max_json_depth: int = 64
    # characters of one CSV/TSV row, all its fields together
    max_row_chars: int = 2_000_000
    # seconds the pipeline may spend on one document before it is skipped (0: no limit)
    doc_seconds: float = 60.0
    # people in one count of one event (killed, injured, ...): bigger is a typing slip
    max_count: int = 10_000_000
    # bytes of one API request body
    max_body_bytes: int = 16 * MiB
    # publication and event dates accepted: the store's date arithmetic (resolution windows,
    # 'next year') must not leave Python's years 1..9999
    min_date: date = date(1000, 1, 1)
    max_date: date = date(8999, 12, 31)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def env_name(self, name: str) -> str:
        return f"EVENTWIRE_{name.upper()}"

    def with_values(self, values: Mapping[str, str]) -> "Limits":
        """A copy with `values` (name -> text) parsed into their types; ValueError names a bad one."""
        changes: dict = {}
        for name, text in values.items():
            if name not in self.names():
                raise ValueError(f"unknown limit {name!r}; one of {', '.join(self.names())}")
            kind = type(getattr(self, name))
            try:
                value = date.fromisoformat(text.strip()) if kind is date else kind(text.strip().replace("_", ""))
            except ValueError:
                raise ValueError(f"limit {name}={text!r} is not a {kind.__name__}") from None
            if kind is not date and value < 0:
                raise ValueError(f"limit {name}={text!r} is negative")
            changes[name] = value
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Limits":
        environ = os.environ if environ is None else environ
        base = cls()
        return base.with_values({n: environ[base.env_name(n)] for n in cls.names() if base.env_name(n) in environ})

    def with_options(self, options: Iterable[str]) -> "Limits":
        """A copy with command-line `NAME=VALUE` settings applied."""
        values = {}
        for option in options:
            name, sep, value = option.partition("=")
            if not sep:
                raise ValueError(f"--limit {option!r}: expected NAME=VALUE")
            values[name.strip().lower()] = value
        return self.with_values(values)

    def date_problem(self, value: date) -> str | None:
        """Why `value` cannot be stored, or None."""
        if not self.min_date <= value <= self.max_date:
            return f"date {value.isoformat()} out of range ({self.min_date.isoformat()}..{self.max_date.isoformat()})"
        return None


def limits() -> Limits:
    """The limits in force: defaults overridden by EVENTWIRE_* variables."""
    return Limits.from_env()

"""Filters over stored events, shared by `search`, `export` and the web API."""
from __future__ import annotations

import base64
import math
import re
from datetime import date
from typing import Optional

from pydantic import BaseModel, ConfigDict, field_validator

from ..geo import countries, km


class EventQuery(BaseModel):
    """Which events: every filter is optional and they combine with AND."""

    model_config = ConfigDict(extra="forbid")

    text: Optional[str] = None
    type: list[str] = []
    mode: list[str] = []
    country: list[str] = []  # ISO 3166-1 alpha-2, as places carry it
    admin1: list[str] = []
    actor: Optional[str] = None
    since: Optional[date] = None
    until: Optional[date] = None
    claim_status: list[str] = []
    historical: Optional[bool] = None
    bbox: Optional[tuple[float, float, float, float]] = None  # west, south, east, north
    near: Optional[tuple[float, float, float]] = None  # lat, lon, km
    canonical_id: Optional[str] = None
    doc_hash: Optional[str] = None
    review_status: list[str] = []  # accepted, corrected, rejected
    reviewed: Optional[bool] = None  # any review (True) or none yet (False)

    @field_validator("type", "claim_status")
    @classmethod
    def _strip(cls, v: list[str]) -> list[str]:
        return [x.strip() for x in v if x.strip()]

    def near_box(self) -> Optional[tuple[float, float, float, float]]:
        """A box around `near`, for the index; the exact distance is checked after."""
        if not self.near:
            return None
        lat, lon, radius = self.near
        dlat = radius / 111.0
        dlon = radius / max(1e-6, 111.0 * math.cos(math.radians(lat)))
        return lon - dlon, lat - dlat, lon + dlon, lat + dlat

    def within(self, row: dict) -> bool:
        if not self.near:
            return True
        lat, lon, radius = self.near
        return row.get("lat") is not None and km(lat, lon, row["lat"], row["lon"]) <= radius


WORD = re.compile(r"\w+")


def text_words(text: Optional[str]) -> list[str]:
    """The user's words in a full-text filter: quotes, operators and other punctuation are not
    FTS syntax here, only separators (`"`, `NEAR(`, `-`, `OR` can never break the query)."""
    return WORD.findall(text or "")


def fts_phrases(words: list[str]) -> str:
    """An SQLite FTS5 query matching every word, each a quoted phrase."""
    return " ".join(f'"{w}"' for w in words)


def like_pattern(value: str) -> str:
    """`value` anywhere in a LIKE ... ESCAPE '\\' match, its own % and _ taken literally."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _in(column: str, values: list, where: list[str], params: list) -> None:
    if values:
        where.append(f"{column} IN ({', '.join('?' * len(values))})")
        params.extend(values)


def actor_sets(actor: str) -> tuple[str, list]:
    """The ids of the actor sets (`schema.ACTOR_SETS`) holding a name or text that contains
    `actor` regardless of case, and the parameters: the distinct folded names are scanned, not
    every actor (1M events: 2.2M actors, some 500 distinct names)."""
    return ("SELECT s.id FROM actor_sets s WHERE s.name IN "
            "(SELECT n.name FROM actor_names n WHERE n.name LIKE ? ESCAPE '\\')"), [like_pattern(actor.lower())]


def where_clause(q: EventQuery, text_match, sets: Optional[tuple[str, list]] = None) -> tuple[str, list]:
    """SQL condition over `events e` (placeholders `?`), and its parameters; `text_match(words)`
    is the backend's full-text condition and parameters; `sets` the actor filter's sets (SQL
    inside `IN (...)` and its parameters, `Store.listed_sets`), by default `actor_sets`."""
    where: list[str] = []
    params: list = []
    _in("e.type", q.type, where, params)
    _in("e.country", q.country, where, params)
    _in("e.admin1", q.admin1, where, params)
    _in("e.claim_status", q.claim_status, where, params)
    for mode in q.mode:
        where.append("e.mode LIKE ? ESCAPE '\\'")
        params.append(like_pattern(f'"{mode}"'))
    if q.actor:
        sql, extra = sets or actor_sets(q.actor)
        where.append(f"e.actor_set IN ({sql})")
        params += extra
    if q.since:  # events that overlap the period
        where.append("e.date_end >= ?")
        params.append(q.since.isoformat())
    if q.until:
        where.append("e.date_start <= ?")
        params.append(q.until.isoformat())
    if q.historical is not None:
        where.append("e.historical = ?")
        params.append(q.historical)
    for box in (q.bbox, q.near_box()):
        if box:
            west, south, east, north = box
            where.append("e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?")
            params += [south, north, west, east]
    if q.canonical_id:
        where.append("e.canonical_id = ?")
        params.append(q.canonical_id)
    if q.doc_hash:
        where.append("e.doc_hash = ?")
        params.append(q.doc_hash)
    _in("e.review_status", q.review_status, where, params)
    if q.reviewed is not None:
        where.append(f"e.review_status IS {'NOT ' if q.reviewed else ''}NULL")
    words = text_words(q.text)
    if words:  # a filter of punctuation alone filters nothing, like an empty one
        sql, extra = text_match(words)
        where.append(sql)
        params += extra
    return (" AND ".join(where) or "1=1"), params


def encode_cursor(row: dict) -> str:
    return base64.urlsafe_b64encode(f"{row['date_start']}|{row['id']}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        day, _, event_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        date.fromisoformat(day)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"invalid cursor {cursor!r}") from exc
    return day, event_id


def country_code(value: str) -> str:
    """ISO alpha-2 from an alpha-2, alpha-3 or English country name ('UA', 'UKR', 'Ukraine')."""
    v = value.strip()
    table = countries()
    if v.upper() in table:
        return v.upper()
    for iso, c in table.items():
        if v.upper() == c["iso3"] or v.lower() == c["name"].lower():
            return iso
    raise ValueError(f"unknown country {value!r}")


def parse_near(value: str) -> tuple[float, float, float]:
    """'LAT,LON,KM' as numbers, in range."""
    try:
        lat, lon, radius = (float(x) for x in value.split(","))
    except ValueError:
        raise ValueError(f"--near {value!r}: expected LAT,LON,KM") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and radius > 0):
        raise ValueError(f"--near {value!r}: latitude, longitude or radius out of range")
    return lat, lon, radius

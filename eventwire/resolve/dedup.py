"""Cross-document deduplication: which event mentions report the same real event, and the
canonical event they make together.

Groups are the connected components of a symmetric "same event" relation, so they do not
depend on the order in which articles arrive; every canonical value is a function of the set
of members (ties broken by ids), so neither does the canonical event.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional

from rapidfuzz import fuzz

from ..geo import SAME_PLACE_KM, km
from ..store.schema import COUNT_KINDS

# Reports of one event disagree by a day (time zones, "overnight", late wires).
SLACK_DAYS = 1
# An event dated only by its report happened on or before that day.
REPORTED_LOOKBACK_DAYS = 3
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "reported": 4}
FEATURE_RANK = {"landmark": 0, "city": 1, "other": 1, "admin2": 2, "admin1": 3, "country": 4}
SAME_NAME = 85  # rapidfuzz token-set ratio above which two actor names are one actor


@dataclass(frozen=True)
class ActorKey:
    name: str
    country: Optional[str]
    sector: str


@dataclass
class Mention:
    """What dedup needs of one stored event (a row of the `events` table)."""

    id: str
    doc_hash: str
    type: str
    start: date
    end: date
    precision: str
    lat: Optional[float]
    lon: Optional[float]
    feature: Optional[str]
    country: Optional[str]
    admin1: Optional[str]
    admin2: Optional[str]
    actors: tuple[ActorKey, ...]
    recipients: tuple[ActorKey, ...]
    row: dict

    @classmethod
    def from_row(cls, row: dict) -> "Mention":
        record = json.loads(row["record"])

        def keys(actors: list[dict]) -> tuple[ActorKey, ...]:
            return tuple(ActorKey(a["name"], a.get("country"), a.get("sector") or "UNK") for a in actors)

        return cls(row["id"], row["doc_hash"], row["type"], date.fromisoformat(row["date_start"]),
                   date.fromisoformat(row["date_end"]), row["date_precision"], row["lat"], row["lon"],
                   row["feature"], row["country"], row["admin1"], row["admin2"],
                   keys(record.get("actors") or []), keys(record.get("recipients") or []), row)

    @property
    def locatable(self) -> bool:
        return None not in (self.lat, self.lon, self.feature, self.country)

    def window(self) -> tuple[date, date]:
        """The days this event may have happened on, with the slack reports need."""
        back = REPORTED_LOOKBACK_DAYS if self.precision == "reported" else 0
        return self.start - timedelta(days=SLACK_DAYS + back), self.end


def dates_overlap(a: Mention, b: Mention) -> bool:
    a0, a1 = a.window()
    b0, b1 = b.window()
    return a0 <= b1 and b0 <= a1


def same_place(a: Mention, b: Mention) -> bool:
    """Within 25 km, or one lies inside the admin unit the other names."""
    if not (a.locatable and b.locatable) or a.country != b.country:
        return False
    coarse, fine = sorted((a, b), key=lambda m: FEATURE_RANK.get(m.feature, 1))[::-1]
    if coarse.feature == "country":
        return fine.feature == "country"  # "in Syria" says too little to join a city's report
    if coarse.feature == "admin1" and coarse.admin1:
        return fine.admin1 == coarse.admin1
    if coarse.feature == "admin2" and coarse.admin2:
        return fine.admin2 == coarse.admin2 and fine.admin1 == coarse.admin1
    return km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM


def _actor_match(x: ActorKey, y: ActorKey) -> bool:
    if fuzz.token_set_ratio(x.name.lower(), y.name.lower()) >= SAME_NAME:
        return True
    return x.sector != "UNK" and (x.country, x.sector) == (y.country, y.sector) and x.country is not None


def actors_compatible(xs: tuple[ActorKey, ...], ys: tuple[ActorKey, ...]) -> bool:
    """Unknown on either side is no conflict; two named sides must share someone."""
    if not xs or not ys:
        return True
    return any(_actor_match(x, y) for x in xs for y in ys)


def same_event(a: Mention, b: Mention) -> bool:
    return (a.doc_hash != b.doc_hash and a.type == b.type and dates_overlap(a, b) and same_place(a, b)
            and actors_compatible(a.actors, b.actors) and actors_compatible(a.recipients, b.recipients))


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)

    def groups(self, ids: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i in ids:
            out.setdefault(self.find(i), []).append(i)
        return out


def canonical_id(member_ids: Iterable[str]) -> str:
    return "c" + hashlib.sha256("\n".join(sorted(member_ids)).encode()).hexdigest()[:16]


def _most_common(values: list, default=None):
    values = [v for v in values if v is not None]
    if not values:
        return default
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], str(v)))


def canonical_event(members: list[Mention]) -> dict:
    """One row of `canonical_events` from its member mentions (any order, same result)."""
    members = sorted(members, key=lambda m: m.id)
    when = min(members, key=lambda m: (PRECISION_RANK.get(m.precision, 9), (m.end - m.start).days, m.start, m.id))
    located = [m for m in members if m.locatable]
    common_place = _most_common([m.row["geonameid"] for m in located])
    where = min(located, key=lambda m: (FEATURE_RANK.get(m.feature, 1), m.row["geonameid"] != common_place,
                                        m.id)) if located else None
    row = {
        "id": canonical_id(m.id for m in members), "type": members[0].type,
        "event_type": _most_common([m.row["event_type"] for m in members]),
        "sub_event_type": _most_common([m.row["sub_event_type"] for m in members]),
        "date_start": when.start.isoformat(), "date_end": when.end.isoformat(),
        "date_precision": when.precision,
    }
    for col in ("place", "geonameid", "lat", "lon", "feature", "country", "admin1", "admin2"):
        row[col] = where.row[col] if where else None
    for kind in COUNT_KINDS:
        values = [m.row[kind] for m in members if m.row[kind] is not None]
        # ACLED's way: the most conservative figure; the highest report is kept beside it
        row[kind] = min(values) if values else None
        row[f"{kind}_max"] = max(values) if values else None
    names = Counter(a.name for m in members for a in m.actors)
    row["actor1"] = _most_common([m.row["actor1"] for m in members])
    row["actor2"] = _most_common([m.row["actor2"] for m in members])
    row["actors"] = json.dumps(sorted(names, key=lambda n: (-names[n], n)))
    statuses = [m.row["claim_status"] for m in members]
    row["claim_status"] = "reported" if "reported" in statuses else _most_common(statuses)
    row["historical"] = all(bool(m.row["historical"]) for m in members)
    row["n_sources"] = len({m.doc_hash for m in members})
    row["n_events"] = len(members)
    row["summary"] = (where or when).row["summary"]
    row["first_reported"] = min(m.row["doc_date"] for m in members)
    return row


def group(mentions: list[Mention], old_groups: dict[str, str]) -> list[list[Mention]]:
    """Components among `mentions`: those sharing an old canonical id (`old_groups`: mention id
    -> canonical id, for mentions already grouped) stay together; new mentions (absent from
    `old_groups`) join any mention they match."""
    uf = UnionFind()
    first_of: dict[str, str] = {}
    for m in mentions:
        uf.find(m.id)
        cid = old_groups.get(m.id)
        if cid is not None:
            uf.union(m.id, first_of.setdefault(cid, m.id))
    fresh = [m for m in mentions if m.id not in old_groups and m.locatable]
    by_block: dict[tuple, list[Mention]] = {}
    for m in mentions:
        if m.locatable:
            by_block.setdefault((m.type, m.country), []).append(m)
    for m in fresh:
        for other in by_block.get((m.type, m.country), ()):
            if other is not m and same_event(m, other):
                uf.union(m.id, other.id)
    index = {m.id: m for m in mentions}
    return [[index[i] for i in ids] for ids in uf.groups(index).values()]

"""Cross-document deduplication: which event mentions report the same real event, and the
canonical event they make together.

Groups are a function of the set of reports (`group`: reports of the same days joined by a
symmetric "same event" relation, days a day apart as lone pairs, vague reports to the one event
they fit), so they do not depend on the order in which articles arrive; every canonical value
is a function of the set of members (ties broken by ids), so neither does the canonical event.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import itemgetter
from datetime import date, timedelta
from typing import Callable, Iterable, Iterator, Optional

from pathlib import Path

import orjson
import yaml
from rapidfuzz import fuzz

from ..extract import vocab
from ..geo import EARTH_KM, SAME_PLACE_KM, km
from ..models import COUNT_KINDS

RULES = yaml.safe_load((Path(__file__).parent / "data" / "dedup.yaml").read_text(encoding="utf-8"))
SLACK_DAYS = RULES["slack_days"]
SLACK = timedelta(days=SLACK_DAYS)
REPORTED_LOOKBACK_DAYS = RULES["reported_lookback_days"]
SAME_NAME = RULES["same_actor_name"]
PLACE_SCORE = RULES["place_score"]
VAGUE_PAIR_MIN_PLACE = RULES["vague_pair_min_place"]
BEST_FIT_MARGIN = RULES["best_fit_margin"]
PRECISE = frozenset(RULES["precise"])
PRECISE_PLACES = frozenset(RULES["precise_places"])
OWN_SPAN = frozenset(RULES["own_span_only"])
OWN_SPAN_COUNTRYWIDE = frozenset(RULES["own_span_only_countrywide"])
LONGEST_DAYS: dict[str, int] = RULES["longest_days"]
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "reported": 4}
FEATURE_RANK = {"landmark": 0, "city": 1, "other": 1, "admin2": 2, "admin1": 3, "country": 4}
POINT_RANK = FEATURE_RANK["city"]  # at or below: a point on the map, not an area
# Two points more degrees of latitude apart are farther than SAME_PLACE_KM (a great circle is at
# least as long as its north-south part); the margin keeps `km`'s rounding on the safe side.
NEAR_LAT_DEGREES = math.degrees(SAME_PLACE_KM / EARTH_KM) * (1 + 1e-9)
# The parties the extractor puts in when the text names none (extract/data/actors.yaml
# `implied`): they say nobody was named, so they conflict with no one and match no one.
IMPLIED = frozenset(spec["name"] for side in vocab.load("actors")["implied"].values() for spec in side.values())


@dataclass(frozen=True)
class ActorKey:
    name: str
    country: Optional[str]
    sector: str


@lru_cache(maxsize=1 << 14)
def _party_keys(parties: str) -> tuple[tuple[ActorKey, ...], tuple[ActorKey, ...]]:
    """The actors and recipients of a stored `parties` list, implied ones left out: parsed once
    per distinct list, where each candidate of each step of a batch's dedup parsed its own (a
    fifth of dedup's CPU at 1M synthetic events; those copy 29 articles, so their lists recur
    more than real ones: 387 distinct among 507 real events)."""
    actors, recipients = orjson.loads(parties)
    return (tuple(ActorKey(n, c, s or "UNK") for n, c, s in actors if n not in IMPLIED),
            tuple(ActorKey(n, c, s or "UNK") for n, c, s in recipients if n not in IMPLIED))


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
    row: dict
    locatable: bool = field(init=False, repr=False)
    precise: bool = field(init=False, repr=False)
    own_span: bool = field(init=False, repr=False)  # matched only within its own span (`own_span_of`)
    rank: int = field(init=False, repr=False)  # FEATURE_RANK of its place
    _window: tuple[date, date] = field(init=False, repr=False)

    @classmethod
    def from_row(cls, row: dict) -> "Mention":
        return cls(row["id"], row["doc_hash"], row["type"], date.fromisoformat(row["date_start"]),
                   date.fromisoformat(row["date_end"]), row["date_precision"], row["lat"], row["lon"],
                   row["feature"], row["country"], row["admin1"], row["admin2"], row)

    @cached_property
    def party_names(self) -> list[list[list]]:
        """The stored [name, country, sector] lists of actors and recipients, implied ones included."""
        # only for pairs that get this far, and canonical rows (every new event's: orjson
        # parses them at a fifth of json's cost, into the same lists)
        return orjson.loads(self.row["parties"])

    @cached_property
    def _parties(self) -> tuple[tuple[ActorKey, ...], tuple[ActorKey, ...]]:
        return _party_keys(self.row["parties"])

    @property
    def actors(self) -> tuple[ActorKey, ...]:
        return self._parties[0]

    @property
    def recipients(self) -> tuple[ActorKey, ...]:
        return self._parties[1]

    def __post_init__(self) -> None:
        # set once: grouping a batch asks each mention for them hundreds of times
        self.locatable = None not in (self.lat, self.lon, self.feature, self.country)
        self.own_span = own_span_of(self.precision, self.feature, (self.end - self.start).days + 1)
        self.precise = self.precision in PRECISE and (self.feature in PRECISE_PLACES or self.feature is None) and \
            not self.own_span
        self.rank = FEATURE_RANK.get(self.feature, 1)
        self._window = ((self.end - timedelta(days=REPORTED_LOOKBACK_DAYS), self.end) if self.precision == "reported"
                        else (self.start, self.end))

    def window(self) -> tuple[date, date]:
        """The days this event may have happened on."""
        return self._window


def own_span_of(precision: str, feature: Optional[str], days: int) -> bool:
    """Whether a report so dated and placed, its dates spanning `days`, is the same event only
    as reports of its own span (dedup.yaml `own_span_only`, `longest_days`,
    `own_span_only_countrywide`)."""
    return precision in OWN_SPAN or days > LONGEST_DAYS.get(precision, days) or countrywide_span(precision, feature,
                                                                                                 days)


def countrywide_span(precision: str, feature: Optional[str], days: int) -> bool:
    """Whether a report is of its own span as a country's dated by a month or its publication
    (`own_span_only_countrywide`): the same event only as another country's so dated."""
    return feature == "country" and precision in OWN_SPAN_COUNTRYWIDE and days <= LONGEST_DAYS[precision]


def dates_overlap(a: Mention, b: Mention) -> bool:
    """The days two reports allow for the event overlap, give or take a day (time zones,
    "overnight")."""
    slack = SLACK
    (a0, a1), (b0, b1) = a.window(), b.window()
    return a0 - slack <= b1 and b0 - slack <= a1


def place_score(a: Mention, b: Mention) -> Optional[int]:
    """How specifically two places agree (`dedup.yaml` place_score), or None when they cannot
    be one place: another country, points more than 25 km apart, a point outside the region."""
    if not (a.locatable and b.locatable) or a.country != b.country:
        return None
    gid_a, gid_b = a.row.get("geonameid"), b.row.get("geonameid")
    if gid_a is not None and gid_a == gid_b:
        return PLACE_SCORE["same_place"]
    # the coarser place first; of two of one grain, the one whose units are named (else b):
    # either way round, the same score (`related` must be symmetric: `Store._related` asks it of
    # a new event and a stored one, `group` of the lesser id and the greater)
    coarse, fine = (a, b) if a.rank > b.rank or (a.rank == b.rank > POINT_RANK and _units_named(a) > _units_named(b)) \
        else (b, a)
    if coarse.feature == "country":
        return PLACE_SCORE["same_place" if fine.feature == "country" else "country"]
    if coarse.feature == "admin1" and coarse.admin1:
        return PLACE_SCORE["contains"] if fine.admin1 == coarse.admin1 else None
    # a district by its name within its region: with no region named, by distance, as a point
    # (district names repeat across regions; and `Store._candidates` finds districts by region)
    if coarse.feature == "admin2" and coarse.admin2 and coarse.admin1:
        return PLACE_SCORE["contains"] if fine.admin2 == coarse.admin2 and fine.admin1 == coarse.admin1 else None
    if abs(a.lat - b.lat) > NEAR_LAT_DEGREES:  # farther apart north to south alone (most pairs)
        return None
    return PLACE_SCORE["near_points"] if km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM else None


def _units_named(m: Mention) -> bool:
    """Whether a region or a district names the units `place_score` places others in by."""
    return bool(m.admin1 and (m.admin2 or m.feature != "admin2")) if m.feature in ("admin1", "admin2") else False


def same_place(a: Mention, b: Mention) -> Optional[str]:
    """'near' (within 25 km, or inside the admin unit the other names), 'country' (only the
    country in common: too little alone), or None."""
    score = place_score(a, b)
    if score is None:
        return None
    return "country" if score <= PLACE_SCORE["country"] else "near"


def _actor_match(x: ActorKey, y: ActorKey) -> bool:
    if fuzz.token_set_ratio(x.name.lower(), y.name.lower()) >= SAME_NAME:
        return True
    return x.sector != "UNK" and (x.country, x.sector) == (y.country, y.sector) and x.country is not None


@lru_cache(maxsize=1 << 16)
def actors_compatible(xs: tuple[ActorKey, ...], ys: tuple[ActorKey, ...]) -> bool:
    """Unknown on either side is no conflict; two named sides must share someone."""
    # remembered: a batch's dedup compares the same recurring parties tens of thousands of
    # times, each pair of names by edit distance
    if not xs or not ys:
        return True
    return any(_actor_match(x, y) for x in xs for y in ys)


def _named_on_both(xs: tuple[ActorKey, ...], ys: tuple[ActorKey, ...]) -> bool:
    return bool(xs and ys) and actors_compatible(xs, ys)


def _comparable(a: Mention, b: Mention) -> bool:
    """Same act, same place, same sides, from two articles (dates aside)."""
    if a.doc_hash == b.doc_hash or a.type != b.type:
        return False
    place = same_place(a, b)
    if place is None:
        return False
    (a_actors, a_recipients), (b_actors, b_recipients) = a._parties, b._parties
    if not (actors_compatible(a_actors, b_actors) and actors_compatible(a_recipients, b_recipients)):
        return False
    # a country alone joins two reports only when both name the same party on one side
    return place == "near" or _named_on_both(a_actors, b_actors) or _named_on_both(a_recipients, b_recipients)


def same_event(a: Mention, b: Mention) -> bool:
    """Two precisely dated reports of one event."""
    return a.precise and b.precise and dates_overlap(a, b) and _comparable(a, b)


def may_report(vague: Mention, precise: Mention) -> bool:
    """A vaguely dated report (a month, or only its publication date; not a year) that fits a
    precisely dated event."""
    if vague.own_span:
        return False
    lo, hi = vague.window()
    slack = SLACK
    return lo - slack <= precise.start and precise.end <= hi + slack and _comparable(vague, precise)


def area_day(m: Mention) -> bool:
    """A report of a day (or a night) at a region or a country: it joins the one event it fits,
    else another area's report of that day, or (a lone pair) of a day beside it."""
    return m.precision in PRECISE and not m.precise and not m.own_span


def vague_pair(a: Mention, b: Mention) -> bool:
    """Two vaguely dated reports of one event, both of their own span (`own_span_of`) or
    neither: the same span (month, year or day of report) and comparable; two areas' reports of
    days that meet (`area_day`: joined only as a lone pair, as points' days are); or (neither of
    its own span) windows that overlap at one point on the map (a region or a country is too
    wide) with a party named alike in both. Without that party, reports of a busy town would
    chain from window to window across the years."""
    if a.own_span != b.own_span or not _comparable(a, b):
        return False
    if (a.precision, a.start, a.end) == (b.precision, b.start, b.end):
        return True
    if a.own_span or b.own_span:
        return False
    if area_day(a) and area_day(b):
        return dates_overlap(a, b)
    points = a.rank <= POINT_RANK and b.rank <= POINT_RANK
    if not (points and dates_overlap(a, b) and (place_score(a, b) or 0) >= VAGUE_PAIR_MIN_PLACE):
        return False
    (a_actors, a_recipients), (b_actors, b_recipients) = a._parties, b._parties
    return _named_on_both(a_actors, b_actors) or _named_on_both(a_recipients, b_recipients)


def fit_score(vague: Mention, precise: Mention) -> int:
    """How well a vague report fits a precise one it may report: the place's agreement and each
    side named alike in both."""
    (v_actors, v_recipients), (p_actors, p_recipients) = vague._parties, precise._parties
    return (place_score(vague, precise) or 0) + _named_on_both(v_actors, p_actors) + _named_on_both(v_recipients,
                                                                                                     p_recipients)


def related(a: Mention, b: Mention) -> bool:
    """Whether grouping one can change the other's group (what `resolve` must look at; with
    lone pairs, the neighbours of what it reads too: `Store._affected` step 4)."""
    if a.precise and b.precise:
        return same_event(a, b)
    if a.precise != b.precise:
        return may_report(b, a) if a.precise else may_report(a, b)
    return vague_pair(a, b)


class Neighbours:
    """Mentions by date, to compare a mention only with those whose windows meet its own
    (a necessary condition of `related`)."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.items = sorted(((m.window()[0], m.window()[1], m.id, m) for m in mentions), key=lambda t: t[:3])
        self.starts = [t[0] for t in self.items]
        self.longest = max((hi - lo for lo, hi, _, _ in self.items), default=timedelta(0))

    def around(self, m: Mention) -> Iterator[Mention]:
        slack = SLACK
        lo, hi = m.window()
        first = bisect_left(self.starts, lo - slack - self.longest)
        last = bisect_right(self.starts, hi + slack)
        for a, b, _, other in self.items[first:last]:
            if b >= lo - slack and other is not m:
                yield other


def _names_a_party(m: Mention) -> bool:
    return bool(m.actors or m.recipients)


class Nearby:
    """Mentions by place and date, to compare a mention only with those that may share its place
    (`place_score` is None for the rest) and, with only the country in common, a named party
    (`_comparable`): a country with the other countries and the finer places that name a party;
    a finer place with the countries that name a party, the same gazetteer entry, the mentions
    of its first-order region, and those in its band of latitude (`NEAR_LAT_DEGREES` wide) or
    the next. In a busy country a vague report was weighed against every precise one of its
    month."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.items = sorted(((m.window()[0], m.window()[1], m.id, m) for m in mentions), key=lambda t: t[:3])
        parts: dict[tuple, list[Mention]] = {}
        for *_, m in self.items:
            for key in self._parts(m):
                parts.setdefault(key, []).append(m)
        self.parts = {k: Neighbours(ms) for k, ms in parts.items()}

    @staticmethod
    def _parts(m: Mention) -> Iterator[tuple]:
        """The parts `m` is kept in."""
        if m.feature == "country":
            yield ("countries",)
            if _names_a_party(m):
                yield ("countries naming a party",)
            return
        if _names_a_party(m):
            yield ("finer places naming a party",)
        yield ("band", math.floor(m.lat / NEAR_LAT_DEGREES))
        if m.admin1:
            yield ("region", m.admin1)
        if m.row.get("geonameid") is not None:
            yield ("place", m.row["geonameid"])

    @staticmethod
    def _wanted(m: Mention) -> list[tuple]:
        """The parts whose mentions `m` may share a place (and a party) with."""
        named = _names_a_party(m)
        if m.feature == "country":
            return [("countries",), ("finer places naming a party",)] if named else [("countries",)]
        band = math.floor(m.lat / NEAR_LAT_DEGREES)
        wanted = [("band", band - 1), ("band", band), ("band", band + 1)]
        if m.admin1:
            wanted.append(("region", m.admin1))
        if m.row.get("geonameid") is not None:
            wanted.append(("place", m.row["geonameid"]))
        return wanted + [("countries naming a party",)] if named else wanted

    def around(self, m: Mention) -> Iterator[Mention]:
        seen: set[str] = set()
        for key in self._wanted(m):
            part = self.parts.get(key)
            for other in part.around(m) if part is not None else ():
                if other.id not in seen:
                    seen.add(other.id)
                    yield other


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
    """A group's id, from its first member: it stays when members join or leave after it, so
    that regrouping rewrites only the events whose group really changed (and two groups never
    share a member, so never an id)."""
    return "c" + hashlib.sha256(min(member_ids).encode()).hexdigest()[:16]


def _most_common(values: list, default=None):
    values = [v for v in values if v is not None]
    if not values:
        return default
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], str(v)))


def _alone(m: Mention) -> dict:
    """`canonical_event` of a group of one (most groups), without the votes."""
    row = dict(zip(ALONE_COPIED, _copied(m.row)))
    row["id"] = canonical_id([m.id])
    for kind in COUNT_KINDS:
        row[f"{kind}_max"] = row[kind]
    if not m.locatable:
        row.update(dict.fromkeys(PLACE_COLUMNS))
    row["actors"] = _names([m])
    row["claim_status"] = m.row["claim_status"]
    row["historical"] = bool(m.row["historical"])
    row["n_sources"] = row["n_events"] = 1
    row["first_reported"] = m.row["doc_date"]
    return row


PLACE_COLUMNS = ("place", "geonameid", "lat", "lon", "feature", "country", "admin1", "admin2")
ALONE_COPIED = ("type", "event_type", "sub_event_type", "date_start", "date_end", "date_precision", *PLACE_COLUMNS,
                *COUNT_KINDS, "actor1", "actor2", "summary")
_copied = itemgetter(*ALONE_COPIED)


def _names(members: list[Mention]) -> str:
    """The actors' names, the most often named first (implied parties included: the row shows
    who the events name)."""
    names = [n for m in members for n, _, _ in m.party_names[0]]
    if len(set(names)) == len(names):  # each named once (a group of one, mostly): by name
        return orjson.dumps(sorted(names)).decode()
    counts = Counter(names)
    return orjson.dumps(sorted(counts, key=lambda n: (-counts[n], n))).decode()


def canonical_event(members: list[Mention]) -> dict:
    """One row of `canonical_events` from its member mentions (any order, same result)."""
    return _alone(members[0]) if len(members) == 1 else _voted(members)


def _voted(members: list[Mention]) -> dict:
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
    for col in PLACE_COLUMNS:
        row[col] = where.row[col] if where else None
    for kind in COUNT_KINDS:
        values = [m.row[kind] for m in members if m.row[kind] is not None]
        # ACLED's way: the most conservative figure; the highest report is kept beside it
        row[kind] = min(values) if values else None
        row[f"{kind}_max"] = max(values) if values else None
    row["actor1"] = _most_common([m.row["actor1"] for m in members])
    row["actor2"] = _most_common([m.row["actor2"] for m in members])
    row["actors"] = _names(members)
    statuses = [m.row["claim_status"] for m in members]
    row["claim_status"] = "reported" if "reported" in statuses else _most_common(statuses)
    row["historical"] = all(bool(m.row["historical"]) for m in members)
    row["n_sources"] = len({m.doc_hash for m in members})
    row["n_events"] = len(members)
    row["summary"] = (where or when).row["summary"]
    row["first_reported"] = min(m.row["doc_date"] for m in members)
    return row


def _join_lone_pairs(uf: UnionFind, links: list[tuple[str, str]], open_ids: Iterable[str]) -> None:
    """Join the groups that `links` (reports whose windows differ but meet, give or take a
    day) connect when each is the other's only such neighbour: two reports a day apart are one
    event, but a place reported every day is not one event (its days would chain into one
    spanning months, read and rewritten whole by every later report). A pair of groups with no
    member in `open_ids` (both read only as context, their other neighbours unread) is never
    joined."""
    near: dict[str, set[str]] = {}
    for a, b in links:
        ra, rb = uf.find(a), uf.find(b)
        if ra != rb:
            near.setdefault(ra, set()).add(rb)
            near.setdefault(rb, set()).add(ra)
    roots = {uf.find(i) for i in open_ids}
    lone = [(r, next(iter(ns))) for r, ns in near.items() if len(ns) == 1]
    for r, s in lone:
        if r < s and near[s] == {r} and (r in roots or s in roots):
            uf.union(r, s)


def group(mentions: list[Mention], fixed: Optional[dict[str, str]] = None) -> list[list[Mention]]:
    """Groups of `mentions`: precisely dated reports by connected components of `same_event`
    on the same days (windows), joined with those a day off only as lone pairs
    (`_join_lone_pairs`); a vague report joins the group it fits best (`fit_score`, by a
    margin; else it stays alone), and joins the vague reports it pairs with (`vague_pair`)
    when it fits none (so no vague report chains two events). `fixed` puts mentions (by id) of
    one key in one group from the start: parts of groups known to be whole, given for the
    vague reports to fit and as the neighbours of the others' days."""
    uf = UnionFind()
    index = {m.id: m for m in mentions}
    by_block: dict[tuple, list[Mention]] = {}
    for m in sorted(mentions, key=lambda m: m.id):
        uf.find(m.id)
        if m.locatable:
            by_block.setdefault((m.type, m.country), []).append(m)
    fixed = fixed or {}
    first: dict[str, str] = {}
    for i, key in sorted(fixed.items()):
        uf.union(first.setdefault(key, i), i)
    for block in by_block.values():
        precise = Nearby([m for m in block if m.precise])
        _link(uf, precise, same_event, fixed)
        unmatched: list[Mention] = []
        fits = {}
        for v in (m for m in block if not m.precise):
            scores: dict[str, int] = {}
            for p in () if v.own_span else precise.around(v):
                if may_report(v, p):
                    root = uf.find(p.id)
                    scores[root] = max(scores.get(root, 0), fit_score(v, p))
            fits[v.id] = scores
        for v in (m for m in block if not m.precise):
            ranked = sorted(fits[v.id].items(), key=lambda kv: (-kv[1], kv[0]))
            if len(ranked) == 1 or (ranked and ranked[0][1] - ranked[1][1] >= BEST_FIT_MARGIN):
                uf.union(v.id, ranked[0][0])
            elif not ranked:
                unmatched.append(v)
        # by place and date, as the precise ones: every pair of a busy place's vague reports
        # was quadratic (a batch of 20k events: 180k pairs), and a pair must meet in time
        # (`vague_pair`); those of their own span by span (a year's, or a busy country's
        # month's, would each be weighed against all the others of their time)
        spans: dict[tuple, list[Mention]] = {}
        for m in unmatched:
            spans.setdefault((m.precision, m.start, m.end) if m.own_span else (), []).append(m)
        for ms in spans.values():
            if len(ms) == 1:  # most spans of a year's or a country's reports
                continue
            _link(uf, Nearby(ms), related, fixed)
    return [[index[i] for i in ids] for ids in uf.groups(index).values()]


def _link(uf: UnionFind, near: Nearby, joins: Callable[[Mention, Mention], bool], fixed: dict[str, str]) -> None:
    """Join the pairs of `near`'s mentions that `joins`: reports of a day (or a night) whose
    windows differ (a day off, an overnight report and one of its days) only as lone pairs
    (`_join_lone_pairs`), the others at once."""
    days_apart: list[tuple[str, str]] = []
    for _, _, _, a in near.items:
        for b in near.around(a):
            if a.id < b.id and joins(a, b):
                if a.window() != b.window() and (a.precise or area_day(a)):
                    days_apart.append((a.id, b.id))
                else:
                    uf.union(a.id, b.id)
    _join_lone_pairs(uf, days_apart, (m.id for *_, m in near.items if m.id not in fixed))

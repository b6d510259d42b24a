"""Time expressions normalised against the publication date (SPEC 7).

The `eventwire_times` component finds every date expression of a document (spaCy's DATE/TIME
entities plus the patterns of `data/times.yaml`), normalises each to a `start..end` window
with a precision, and leaves them on `doc._.times` as `TimeSpan`s in text order.

Anchors, in the order they are worked out:

* absolute dates ("June 12", "February 2022", "2016") are read by `dateparser`, preferring the
  past unless the clause is in the future tense;
* weekdays are the most recent such day on or before publication (the next one in a future
  clause); deictic words ("yesterday", "tonight", "last week", "in recent days") count from
  the publication date, or, inside quoted speech, from when the words were spoken (the
  clause's own date, else the story's date);
* the *story date* is the first day-precision date of the document within ten days before
  publication ("On Thursday, ..." in a lede); clock times ("10:39 a.m.") fall on the day of
  their sentence's date, else on the story date;
* anaphoric expressions ("the previous evening", "the next day", "that week", "a few hours
  before the attack") count from the date of the clause that governs them ("said on Sunday
  that two people were killed the previous evening": Saturday); failing that, from the last
  day mentioned in the preceding lines ("the previous day", "the next day", "that day"),
  else the publication date; "that week" and "before the attack" from the story date (or
  the date found near the named event: "election day");
* "overnight" is the night ending on publication, or on the date of the report that
  governs it, or the night after a date of its own clause;
* month-days without a year take the year of a full date just before them, else the
  nearest past occurrence (the next one in a future clause; without any tense, the nearer).

`event_time(doc, tokens)` gives the events stage the time expression governing a trigger.
"""
from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from re import _constants as _sre  # a pattern's parsed form (Python 3.11+), for `_needed`
from re._parser import parse as _sre_parse
from typing import Callable, Iterable, Optional, Union

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from spacy.language import Language
from spacy.tokens import Doc, Span as TokenSpan, Token

from ..models import Span, TimeMention
from . import vocab
from .mentions import TimeSpan, char_span, doc_text, foreign_tokens

# dependency labels that open a new clause: a time inside belongs to that clause's verb
CLAUSAL = {"ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "parataxis", "csubj",
           "csubjpass", "cc", "punct", "mark"}
STORY_WINDOW_DAYS = 10          # the story date lies at most this far before publication
PREVIOUS_MENTION_CHARS = 1500   # "the next day" looks this far back for the day it follows
NEAREST_FUTURE_DAYS = 120       # without a tense, a date this close ahead beats last year's
NEAR_AHEAD_MONTHS = 4           # the same for a month named without a year
DAY = "day"                     # the canonical unit (a value of the data's `units`) of a bare offset


# ---------------------------------------------------------------- vocabulary
def _alt(words: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any white space."""
    ws = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ws) + ")"


def _lower_literals(pattern: str) -> str:
    """A regex with its letters lower-cased, escapes (`\\W`, `\\S`) kept."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


def _needed(items) -> Optional[frozenset[str]]:
    """Strings one of which every match of a parsed regex (`re._parser`'s items) contains, or
    None where it cannot tell: a text holding none of them need not be scanned. Its longest
    run of literal characters, or the union over a branch's alternatives, or what a group or
    a repeat of at least once needs; of several, the set whose shortest string is longest."""
    found, run = [], ""
    for op, av in items:
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if run:
            found.append(frozenset([run]))
            run = ""
        needs = None
        if op is _sre.SUBPATTERN and not av[1] & re.I:
            needs = _needed(av[3].data)
        elif op is _sre.BRANCH:
            alts = [_needed(alt.data) for alt in av[1]]
            needs = None if None in alts else frozenset().union(*alts)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            needs = _needed(av[2].data)
        if needs:
            found.append(needs)
    if run:
        found.append(frozenset([run]))
    return max(found, key=lambda strings: (min(map(len, strings)), -len(strings)), default=None)


def needed_strings(rx: re.Pattern) -> Optional[frozenset[str]]:
    """`_needed` of a compiled case-sensitive pattern (None for one that ignores case)."""
    return None if rx.flags & re.I else _needed(_sre_parse(rx.pattern).data)


@lru_cache(maxsize=None)
def _folds_as_lower(ch: str) -> bool:
    """Does a case-insensitive pattern of ASCII letters, digits and dashes match `ch` exactly
    where its case-sensitive lower-cased form matches `ch.lower()` (no "ſ" read as "s", no
    "İ" that lower-cases to two characters)?"""
    low = ch.lower()
    if len(low) != 1 or ch.isalnum() != low.isalnum() or ch.isspace() != low.isspace():
        return False
    return all((re.fullmatch(re.escape(x), ch, re.I) is not None) == (low == x)
               for x in "abcdefghijklmnopqrstuvwxyz0123456789-–")


def _scan_text(text: str) -> Optional[str]:
    """`text` lower-cased for `_Vocab.candidate_lower`, or None where some character would
    match otherwise than under the case-insensitive patterns."""
    if not all(_folds_as_lower(ch) for ch in set(text) if not ch.isascii()):
        return None
    return text.lower()


class _Vocab:
    def __init__(self, data: dict):
        self.weekdays: dict[str, int] = data["weekdays"]
        self.months: dict[str, int] = data["months"]
        self.part_of_day: list[str] = data["part_of_day"]
        self.deictic: dict = data["deictic"]
        self.anaphoric: dict = data["anaphoric"]
        self.recent: dict = data["recent"]
        self.units: dict[str, str] = data["units"]
        self.numbers: dict[str, float] = {str(k): v for k, v in data["numbers"].items()}
        self.seasons: dict = data["seasons"]
        self.year_parts: dict = data["year_parts"]
        self.thirds: dict[str, int] = data["thirds"]
        self.holidays: dict = data["holidays"]
        self.left_modifiers = set(data["left_modifiers"])
        self.fillers = sorted(data["fillers"], key=len, reverse=True)
        self.future_aux = set(data["future_aux"])
        self.future_words = set(data["future_words"])
        self.intent_verbs = set(data["intent_verbs"])
        self.future_prefixes = [normalise(w) for w in data["future_prefixes"]]
        self.not_future_after = set(data["not_future_after"])
        self.past_future_aux = set(data["past_future_aux"])
        self.modal_aux = set(data["modal_aux"])
        self.postpone_verbs = set(data["postpone_verbs"])
        self.back_words = set(data["back_words"])
        self.ahead_words = set(data["ahead_words"])
        self.postpone_preps = set(data["postpone_preps"])
        self.conversion_zones = set(data["conversion_zones"])
        self.unit_days: dict[str, int] = {u: n["days"] for u, n in data["unit_length"].items() if "days" in n}
        self.unit_months: dict[str, int] = {u: n["months"] for u, n in data["unit_length"].items()
                                            if "months" in n}
        self.clock_units = {u for u, n in self.unit_days.items() if n == 0}
        self.period_units: dict[str, str] = data["period_units"]
        self.unit_plurals = set(data["unit_plurals"])
        self.implied_quantity: dict[str, str] = data["implied_quantity"]
        self.vague_range_quantity: str = data["vague_range_quantity"]
        self.from_mention: dict[str, int] = data["from_mention"]
        self.relative_years: dict[str, int] = data["relative_years"]
        self.yearless_parts = set(data["yearless_parts"])
        self.year_gaps = set(data["year_gaps"])
        ext = data["extend"]
        self.left_excluded = set(ext["left_excluded"])
        self.left_pairs: dict[str, set] = {k: set(w) for k, w in ext["left_pairs"].items()}
        self.right_now = set(ext["right_now"])
        self.right_relations = set(ext["right_relations"])
        self.right_joiners: dict[str, str] = ext["right_relation_joiners"]
        self.right_phrases: list[list[str]] = ext["right_phrases"]
        self.trailing = set(ext["trailing"])
        self.copula_lemmas = set(data["copula_lemmas"])
        self.perfect_lemmas = set(data["perfect_lemmas"])
        full_days = [w for w, n in self.weekdays.items() if w == calendar.day_name[n].lower()]
        full_months = [w for w, n in self.months.items() if w == calendar.month_name[n].lower()]
        abbr_months = [w for w in self.months if w not in full_months]
        self.capitalised = set(full_days) | set(full_months) | set(abbr_months)
        subs = {
            "weekday_full": _alt(full_days), "weekday": _alt(self.weekdays),
            "month_full": _alt(full_months), "month": _alt(self.months),
            "month_abbr": _alt(abbr_months),
            "number": _alt(self.numbers), "unit": _alt(self.units),
            "part_of_day": _alt(self.part_of_day), "deictic": _alt(self.deictic),
            "anaphoric": _alt(self.anaphoric), "holiday": _alt(self.holidays),
            "season": _alt(self.seasons), "year_part": _alt(self.year_parts),
            "third": _alt(self.thirds),
        }
        self.subs = subs
        fill = lambda p: re.sub(r"\{([a-z_]+)\}", lambda m: subs.get(m.group(1), m.group(0)), p)  # noqa: E731
        self.candidate_res = [re.compile(fill(p), re.I) for p in data["candidates"]]
        self.clock_res = [re.compile(p, re.I) for p in data["clock"]]
        # the same patterns over the lower-cased text, case-sensitive: a third faster to scan
        self.candidate_lower = [re.compile(_lower_literals(rx.pattern)) for rx in self.candidate_res + self.clock_res]
        self.candidate_needs = [needed_strings(rx) for rx in self.candidate_lower]
        subs["zone"] = _alt(self.conversion_zones)
        self.clock_suffix = fill(data["clock_suffix"])
        self.clock_any = re.compile(
            "(?:" + "|".join(data["clock"]) + ")" + self.clock_suffix + "?", re.I)
        self.not_date_res = [re.compile(fill(p), re.I) for p in data["not_dates"]]
        self.not_date_words = set(data["not_date_words"])
        self.not_date_before = set(data["not_date_before"])
        joiners = _alt(data["clock_joiners"])
        self.clock_joiners_re = re.compile(r"^(?:" + joiners + r"\b\s*)+|(?:\s*\b" + joiners + r")+$")
        self.leading_prep_re = re.compile(r"(?:" + _alt(data["leading_prepositions"]) + r"\s+)+", re.I)
        self.coordinator_re = re.compile(r"\s*(?:" + "|".join(data["coordinators"]) + r")\s+", re.I)
        self.clock_gaps = set(data["clock_gaps"])
        self.clock_day_gaps = set(data["clock_day_gaps"])
        self.offset_tails = set(data["offset_tails"])
        self.anaphor_word_re = re.compile(r"\b" + _alt(data["anaphor_words"]) + r"\b")
        self.bare_name_rest = re.compile(r"\W*(?:" + _alt(data["determiners"]) + r")?\W*", re.I)
        self.duration_prefix_re = re.compile(r"^" + _alt(data["duration_prefixes"]) + r"\s+")
        self.filler_re = re.compile(r"^(?:" + _alt(self.fillers) + r")\s+")
        self.number_re = r"(?:" + subs["number"] + r"|\d+(?:\.\d+)?)"
        subs["num"] = self.number_re
        self.edges: dict[str, int] = data["edge_words"]
        self.direction: dict[str, int] = data["directions"]
        self.now_offsets = set(data["now_offsets"])
        self.not_a_day = set(data["not_a_day"])
        subs["third_or_edge"] = _alt(list(self.thirds) + list(self.edges))
        subs["holiday_mod"] = _alt(data["holiday_mods"])
        self.grammar = {k: re.compile(fill(p)) for k, p in data["grammar"].items()}
        pat = {k: re.compile(fill(p), re.I) for k, p in data["patterns"].items()}
        # _joinable
        self.part_of_day_re = pat["part_of_day"]
        self.rel_year_re = pat["relative_year"]
        self.month_word_re = re.compile(r"\b" + subs["month"] + r"\b", re.I)
        self.weekday_end_re = re.compile(r"\b" + subs["weekday"] + r"$", re.I)
        self.month_start_re = re.compile(subs["month"] + r"\b", re.I)
        # _extend, _is_not_date
        self.duration_re = pat["duration"]
        self.zone_re = re.compile(r"\b(?:" + "|".join(re.escape(z) for z in sorted(self.conversion_zones))
                                  + r")\b")
        self.bare_duration_re = pat["bare_duration"]
        self.later_re = pat["later"]
        self.unit_re = re.compile(subs["unit"])
        self.long_duration_re = pat["long_duration"]
        self.frequency_re = pat["frequency"]
        self.explicit_year_re = pat["explicit_year"]  # a full date ("November 15, 2017")
        self.lead_determiner_re = pat["lead_determiner"]
        self.range_start_re = pat["range_start"]


DEFAULT_DATA = "times"
_ACTIVE: dict[str, _Vocab] = {}


def _vocab() -> _Vocab:
    """The language data in use: the one the component was initialised with, else the
    default `data/times.yaml`."""
    if "vocab" not in _ACTIVE:
        use_data(DEFAULT_DATA)
    return _ACTIVE["vocab"]


def use_data(name: str) -> None:
    """Load `data/<name>.yaml` as the language data of the stage (and drop what was derived
    from the previous one)."""
    _ACTIVE["vocab"] = _Vocab(vocab.load(name))
    for cached in ("_resolver", "_resolvable"):
        fn = globals().get(cached)
        if fn is not None:
            fn.cache_clear()


# ---------------------------------------------------------------- calendar helpers
@dataclass(frozen=True)
class Value:
    """A calendar value as TimeML gives it ("late November": all of November) and, where the
    words narrow or widen it, the days an event it dates may fall on (`window`: "late
    November" the 21st to the 30th, "since 1990" 1990 to publication)."""
    start: date
    end: date
    precision: str
    mod: Optional[str] = None                    # START / MID / END / SINCE / ...
    window: Optional[tuple[date, date]] = None
    label: Optional[str] = None                  # TimeML part of a year: SU, Q3, H1 ...


class _NeedsContext(Exception):
    """Raised while resolving an expression whose anchor is not known yet (first pass)."""


def _day(d: date, e: Optional[date] = None) -> Value:
    return Value(d, e or d, "day")


def _week_of(d: date) -> Value:
    """The Sunday-to-Saturday week holding `d` (news-wire convention, SPEC 7)."""
    start = d - timedelta(days=(d.weekday() + 1) % 7)
    return Value(start, start + timedelta(days=6), "week")


def _month(y: int, m: int) -> Value:
    return Value(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month")


def _months(y: int, m0: int, m1: int) -> Value:
    """Months m0..m1 of year y; m1 > 12 runs into the next year."""
    ey, em = (y + 1, m1 - 12) if m1 > 12 else (y, m1)
    return Value(date(y, m0, 1), date(ey, em, calendar.monthrange(ey, em)[1]), "month")


def _year(y: int) -> Value:
    return Value(date(y, 1, 1), date(y, 12, 31), "year")


def _years(y0: int, y1: int) -> Value:
    return Value(date(y0, 1, 1), date(y1, 12, 31), "year")


def _weekend(anchor: date, future: bool) -> Value:
    """The Saturday-Sunday weekend holding `anchor`, else the last one (next one if future)."""
    wd = anchor.weekday()
    if wd == 5:
        sat = anchor
    elif wd == 6:
        sat = anchor - timedelta(days=1)
    elif future:
        sat = anchor + timedelta(days=5 - wd)
    else:
        sat = anchor - timedelta(days=wd + 2)
    return Value(sat, sat + timedelta(days=1), "week")


def _this_week(a: date, tense: str) -> Value:
    """"this week": the Sunday-to-Saturday week holding `a` (on a Sunday, in a past clause,
    the week that just ended); its window is the part of it on the clause's side of `a`."""
    if a.weekday() == 6 and tense != "future":
        week = _week_of(a - timedelta(days=1))
    else:
        week = _week_of(a)
    if tense == "future":
        lo, hi = max(a, week.start), week.end
    elif tense == "past":
        lo, hi = week.start, min(a, week.end)
    else:
        lo, hi = week.start, week.end
    return replace(week, window=(lo, hi))


THIRDS = ("START", "MID", "END")


def _third(v: Value, k: int) -> Value:
    """Early (0), mid (1) or late (2) part of a month or a longer period: the period itself
    (TimeML's value), with the third as its window."""
    if v.precision in ("day", "week"):
        return v
    if v.start.year == v.end.year and v.start.month == v.end.month:
        last = v.end.day
        bounds = [(1, 10), (11, 20), (21, last)][k]
        part = (v.start.replace(day=bounds[0]), v.start.replace(day=bounds[1]))
    elif v.precision == "year" and v.start.year == v.end.year:
        m0, m1 = [(1, 4), (5, 8), (9, 12)][k]
        w = _months(v.start.year, m0, m1)
        part = (w.start, w.end)
    else:  # decades and other spans: thirds of the year range
        y0, y1 = v.start.year, v.end.year
        n = y1 - y0 + 1
        a = y0 + (n * k) // 3
        b = y0 + (n * (k + 1)) // 3 - 1
        w = _years(a, max(a, b))
        part = (w.start, w.end)
    return replace(v, mod=THIRDS[k], window=part)


def _shift(d: date, unit: str, n: float) -> date:
    v = _vocab()
    if unit in v.unit_days:
        return d + timedelta(days=round(v.unit_days[unit] * n))
    return d + relativedelta(months=round(v.unit_months[unit] * n))


def _period_value(d: date, unit: str) -> Value:
    """The calendar period of `unit` that holds `d`: a day, a week, a month, else a year."""
    v = _vocab()
    days, months = v.unit_days.get(unit), v.unit_months.get(unit)
    if days is not None:
        return _day(d) if days <= 1 else _week_of(d)
    return _month(d.year, d.month) if months == 1 else _year(d.year)


def _range_precision(start: date, end: date) -> str:
    n = (end - start).days
    return "day" if n <= 1 else "week" if n <= 8 else "month" if n <= 370 else "year"


def timeml_value(v: Value) -> str:
    """The TimeML value of a calendar value: 1998-08-07, 1998-W32, 1998-W32-WE, 1998-08,
    1998-SU, 1998-Q3, 1998, 199 (a decade), 19 (a century); other spans as START/END."""
    n = (v.end - v.start).days + 1
    if v.precision == "day":
        return v.start.isoformat()
    if v.precision == "week" and n <= 7:
        monday = v.start + timedelta(days=1) if v.start.weekday() == 6 else v.start
        y, w, _ = monday.isocalendar()
        return f"{y}-W{w}" + ("-WE" if n == 2 and v.start.weekday() == 5 else "")
    if v.label:
        return f"{v.start.year}-{v.label}"
    month_end = v.end + timedelta(days=1)
    whole_months = v.start.day == 1 and month_end.day == 1
    if whole_months and (v.start.year, v.start.month) == (v.end.year, v.end.month):
        return f"{v.start.year:04d}-{v.start.month:02d}"
    whole_years = whole_months and (v.start.month, v.end.month) == (1, 12)
    if whole_years:
        y0, y1 = v.start.year, v.end.year
        if y0 == y1:
            return f"{y0:04d}"
        if y0 % 10 == 0 and y1 == y0 + 9:
            return f"{y0 // 10:03d}"
        if y1 - y0 == 99 and y0 % 100 in (0, 1):
            return f"{y1 // 100 - (y0 % 100 == 0):02d}"
    return f"{v.start.isoformat()}/{v.end.isoformat()}"


@dataclass
class TimeTag(TimeSpan):
    """A time mention on `doc._.times`: the SPEC mention (its TimeML calendar value: "late
    November" is all of November) plus what dating an event needs besides: the TimeML
    `value`, a `mod` (START / MID / END for early, mid, late; SINCE), the `window` of days
    an event it dates may fall on (ISO start, end; "late November" 21-30, "since 1990" to
    publication) and `governs`, the word it modifies in the parse (None when unparsed)."""
    value: str = ""
    mod: Optional[str] = None
    window: Optional[tuple[str, str]] = None
    governs: Optional[Token] = None

    @property
    def days(self) -> tuple[str, str]:
        """The window when there is one, else the mention's own start and end."""
        return self.window or (self.mention.start, self.mention.end)


# ---------------------------------------------------------------- dateparser
@lru_cache(maxsize=4096)
def _dateparse(text: str, base: str, prefer: str) -> Optional[tuple[str, str]]:
    """dateparser's reading of `text` relative to `base`: (ISO date, period) or None."""
    try:
        data = _date_parser(base, prefer).get_date_data(text)
    except Exception:  # dateparser raises on odd input; it is not a date then
        return None
    if not data or data.date_obj is None:
        return None
    return data.date_obj.date().isoformat(), data.period or "day"


@lru_cache(maxsize=64)
def _date_parser(base: str, prefer: str):
    from dateparser.date import DateDataParser  # slow import: only when first needed

    return DateDataParser(languages=["en"], settings={
        "PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True,
        "RELATIVE_BASE": datetime.fromisoformat(base)})


# ---------------------------------------------------------------- resolution context
@dataclass
class _Ctx:
    pub: date
    quoted: bool = False
    tense: str = "past"              # future / past / unknown / either (see _tense)
    year_hint: Optional[int] = None  # year of a full date just before
    # anchors that need the rest of the document; each raises _NeedsContext in pass one
    speech: Optional[Callable[[], date]] = None            # time of speaking, quoted speech
    # (default kind) -> (governing date's Value, how: "clause" / "above" / "default")
    ref: Optional[Callable[[str], tuple[Value, str]]] = None
    clock_day: Optional[Callable[[], date]] = None         # day a clock time falls on
    noun_day: Optional[Callable[[str], Optional[date]]] = None  # date of "the election"

    @property
    def future(self) -> bool:
        return self.tense == "future"

    @property
    def tense_known(self) -> bool:
        return self.tense in ("future", "past")

    def deictic(self) -> date:
        if self.quoted:
            if self.speech is None:
                raise _NeedsContext
            return self.speech()
        return self.pub

    def anchor_info(self, kind: str) -> tuple[Value, str]:
        if self.ref is None:
            raise _NeedsContext
        return self.ref(kind)

    def anchor(self, kind: str, sign: int = 0) -> date:
        """The reference day; counting forward from a night starts at its evening, counting
        back from it starts at its morning ("the night of 3-4 June ... the next day": 4 June)."""
        val, _ = self.anchor_info(kind)
        return _ref_day(val) if sign < 0 else val.start


class _Resolver:
    """Text of one expression -> Value, given a context. Pure: no spaCy in here."""

    def __init__(self) -> None:
        v = self.v = _vocab()
        for name, rx in v.grammar.items():  # the forms of data/times.yaml `grammar`
            setattr(self, "re_" + name, rx)

    # -------------------------------------------------------- public
    def resolve(self, text: str, ctx: _Ctx) -> Optional[Value]:
        s = normalise(text)
        if not s:
            return None
        try:
            return self._resolve(s, ctx, depth=0)
        except (ValueError, OverflowError):  # "99999 years ago": off the calendar
            return None

    # -------------------------------------------------------- core
    def _resolve(self, s: str, ctx: _Ctx, depth: int) -> Optional[Value]:
        if depth > 6:
            return None
        v = self.v
        rec = lambda t: self._resolve(t, ctx, depth + 1)  # noqa: E731

        if s in v.deictic:  # whole phrases of the data first: "the week before last"
            return self._deictic(v.deictic[s], ctx)
        if s in v.anaphoric:
            return self._anaphoric(v.anaphoric[s], ctx)
        m = self.re_since.match(s)
        if m:
            inner = rec(m.group(2))
            if inner is None:
                return None
            # TimeML values the date itself ("since 1990": 1990); the window runs on to now
            end = max(ctx.pub, inner.end) if inner.start <= ctx.pub else inner.end
            return replace(inner, mod="SINCE", window=(inner.window or (inner.start, inner.end))[0:1] + (end,))
        m = self.re_within.match(s)
        if m:
            inner = m.group(2)
            while True:
                f = v.filler_re.match(inner)
                if not f:
                    break
                inner = inner[f.end():]
            return self._offset(inner, ctx, within=True) or rec(inner)
        m = self.re_until.match(s)
        if m and not self.re_offset.match(s):
            return rec(m.group(2))
        if self.re_offset.match(s):  # before the hedges go: "some months later"
            val = self._offset(s, ctx)
            if val is not None:
                return val
        f = v.filler_re.match(s)
        if f:
            return rec(s[f.end():])

        # clock times: the time of day carries no date of its own
        if v.clock_any.search(s):
            rest = normalise(v.clock_any.sub(" ", s))
            rest = v.clock_joiners_re.sub("", rest).strip()
            if not rest:
                if ctx.clock_day is None:
                    raise _NeedsContext
                return _day(ctx.clock_day())
            if rest != s:
                return rec(rest)

        if s in v.deictic:  # what a clock time or filler left
            return self._deictic(v.deictic[s], ctx)
        if s in v.anaphoric:
            return self._anaphoric(v.anaphoric[s], ctx)
        m = self.re_holiday.match(s)
        if m:
            nd = self.re_noun_day.match(s)
            if nd and m.group(1) is None:  # "election day": the document's own, if it dates one
                if ctx.noun_day is None:
                    raise _NeedsContext
                d = ctx.noun_day(nd.group(1))
                if d:
                    return _day(d)
            return self._holiday(v.holidays[m.group(2)], ctx, m.group(1))

        val = (self._weekday(s, ctx) or self._offset(s, ctx) or self._relative(s, ctx)
               or self._calendar_parts(s, ctx))
        if val is not None:
            return val

        # part of day around a resolvable day: "yesterday morning", "the night of June 3"
        m = self.re_pod_tail.match(s)
        if m and m.group(1) not in v.not_a_day:
            inner = rec(m.group(1))
            if inner is not None:
                return inner
        m = self.re_pod_head.match(s)
        if m:
            inner = rec(m.group(1))
            if inner is not None:
                return inner
        # early / late / mid + something resolvable
        m = self.re_mod.match(s)
        if m:
            inner = rec(m.group(2))
            if inner is None:
                return None
            if inner.precision in ("day", "week"):
                return inner
            word = re.sub(r"\s+", " ", m.group(1))
            k = v.edges.get(word, v.thirds.get(word, 1))
            return _third(inner, k)
        m = self.re_week_of.match(s)
        if m:
            inner = rec(m.group(1))
            return replace(_week_of(inner.start), window=None) if inner and inner.precision == "day" else None
        m = self.re_noun_day.match(s)
        if m and m.group(1) not in v.numbers and m.group(1) not in v.not_a_day:
            if ctx.noun_day is None:
                raise _NeedsContext
            d = ctx.noun_day(m.group(1))
            return _day(d) if d else None
        return self._absolute(s, ctx)

    # -------------------------------------------------------- handlers
    def _deictic(self, spec, ctx: _Ctx) -> Value:
        a = ctx.deictic()
        if spec == "weekend":
            return _weekend(a, ctx.future)
        if spec == "past_weekend":
            return _weekend(a, False)
        if spec == "next_weekend":
            return _weekend(a + timedelta(days=7 if a.weekday() >= 5 else 0), True)
        lo, hi = spec
        if isinstance(lo, str):  # [unit, n]: the period n units from the current one
            return _period_value(_shift(a, lo, hi), lo)
        return _day(a + timedelta(days=lo), a + timedelta(days=hi))

    def _anaphoric(self, spec, ctx: _Ctx) -> Value:
        lo, hi, default = spec
        if lo == "night":
            # "overnight": the night before the governing date (a report of the night), the
            # night after a date of its own clause ("arrested on Friday, held overnight"),
            # else the night ending on publication (SPEC 7)
            val, how = ctx.anchor_info(default)
            if how == "clause":
                d = val.start
                return _day(d, d + timedelta(days=1))
            d = val.end if how == "above" else ctx.deictic()
            return _day(d - timedelta(days=1), d)
        ref = ctx.anchor(default, lo if isinstance(lo, int) else 0)
        if lo == "week":
            return _week_of(ref)
        if lo == "month":
            return _month(ref.year, ref.month)
        if lo == "year":
            return _year(ref.year)
        return _day(ref + timedelta(days=lo), ref + timedelta(days=hi))

    def _holiday(self, spec, ctx: _Ctx, mod: Optional[str] = None) -> Value:
        """A named day (or week) in the year of `_year_of`; "last"/"next" take the latest
        before, the first after publication."""
        a = ctx.pub
        occ = [v for v in (_holiday_value(spec, y) for y in (a.year - 1, a.year, a.year + 1)) if v]
        if mod in self.v.back_words:
            return [o for o in occ if o.start < a][-1]
        if mod in self.v.ahead_words:
            return [o for o in occ if o.start > a][0]
        month = occ[1].start.month
        y = self._year_of(month, replace(ctx, year_hint=None))
        return next((o for o in occ if o.start.year == y), occ[1])

    def _weekday(self, s: str, ctx: _Ctx) -> Optional[Value]:
        m = self.re_weekday.match(s)
        if not m:
            return None
        mod, wd = m.group(1), self.v.weekdays[m.group(2)]
        a = ctx.pub
        back = (a.weekday() - wd) % 7
        if ctx.tense in ("either", "present") and mod is None:
            # a past forecast, a present-tense schedule: the nearer of the two
            fwd = (wd - a.weekday()) % 7
            return _day(a + timedelta(days=fwd) if 0 < fwd < back else a - timedelta(days=back))
        way = self.v.direction.get(mod)
        if way == 1 or (ctx.future and way != -1):
            fwd = (wd - a.weekday()) % 7
            if mod is not None and fwd == 0:  # "next Tuesday" on a Tuesday
                fwd = 7
            return _day(a + timedelta(days=fwd))
        if way == -1 and back == 0:
            back = 7
        return _day(a - timedelta(days=back))

    def _offset(self, s: str, ctx: _Ctx, within: bool = False) -> Optional[Value]:
        m = self.re_offset.match(s)
        if not m:
            return None
        qty, half1, unit_word, half2, direction, noun = m.groups()
        if unit_word not in self.v.units:  # "the morning after the attack"
            if qty or not noun or direction in self.v.now_offsets or direction in self.v.edges:
                return None
            unit_word = None
        if qty is None:
            # "years ago": a vague few; "the day before the rally": one
            if unit_word in self.v.unit_plurals:
                if direction not in self.v.now_offsets:
                    return None
                qty = self.v.implied_quantity["plural"]
            else:
                qty = self.v.implied_quantity["singular"]
        n = self._number(qty)
        if n is None:
            return None
        if half1 or half2:
            n += 0.5
        unit = self.v.units[unit_word] if unit_word else DAY
        sign = self.v.direction[direction]
        if noun and direction in self.v.edges:
            return None  # "two years earlier than planned"
        if noun:
            inner = self._leading_time(noun, ctx)  # "the day before last Tuesday's hearing"
            if inner is not None:
                anchor = inner.start if sign > 0 else _ref_day(inner)
            else:
                if ctx.noun_day is None:
                    raise _NeedsContext
                anchor = ctx.noun_day(noun) or ctx.anchor("story")
        elif direction in self.v.now_offsets:
            anchor = ctx.deictic()
        else:  # "three days later": after the last date mentioned
            if unit in self.v.clock_units:
                return None  # "six minutes later" is not a date
            kind = "previous_mention" if unit in ("day", "week") else "previous_any"
            ref, _ = ctx.anchor_info(kind)
            if ref.precision in ("month", "year") and unit in ("month", "year", "decade") \
                    and not within and n == int(n):
                # "profit for the quarter ended Sept. 30 fell from a year earlier": the same
                # period, shifted
                lo, hi = _shift(ref.start, unit, sign * n), _shift(ref.end, unit, sign * n)
                if (ref.end + timedelta(days=1)).day == 1:  # ended on a month's last day
                    hi = date(hi.year, hi.month, calendar.monthrange(hi.year, hi.month)[1])
                if hi <= ctx.pub or ctx.future:
                    return Value(lo, hi, ref.precision)
            anchor = ctx.anchor(kind, sign)
        target = _shift(anchor, unit, sign * n)
        ahead_of_now = direction in self.v.now_offsets and sign > 0  # "two days from now"
        if target > ctx.pub and not ctx.future and not ahead_of_now:
            target = ctx.pub  # a past clause cannot run past publication
        if within:
            lo, hi = sorted((anchor, target))
            return Value(lo, hi, _range_precision(lo, hi))
        if self.v.unit_months.get(unit, 0) > 12:  # "two decades ago": a year, not the decade
            return _year(target.year)
        if unit == "year" and n != int(n):
            return _month(target.year, target.month)
        return _period_value(target, unit)

    def _leading_time(self, noun: str, ctx: _Ctx) -> Optional[Value]:
        """A time expression heading a noun phrase ("last tuesday federal court hearing"):
        the longest leading run of words that resolves."""
        words = noun.split()
        for k in range(min(len(words), 4), 0, -1):
            try:
                val = self._resolve(" ".join(words[:k]), ctx, depth=5)
            except _NeedsContext:
                val = None
            if val is not None and val.precision == "day":
                return val
        return None

    def _relative(self, s: str, ctx: _Ctx) -> Optional[Value]:
        m = self.re_rel_period.match(s)
        if m:
            the, mod, unit = m.groups()
            if mod in self.v.from_mention:
                step = self.v.from_mention[mod]
                a = ctx.anchor("previous_mention" if unit in ("week", "weekend") else "previous_any", step)
            else:
                a = ctx.deictic()
                step = self.v.direction.get(mod, 0)
            if unit == "quarter":
                q0 = (a.month - 1) // 3 * 3 + 1  # first month of the quarter holding a
                first = date(a.year, q0, 1) + relativedelta(months=3 * step)
                return _months(first.year, first.month, first.month + 2)
            if unit == "weekend":
                if step < 0:
                    return _weekend(a - timedelta(days=1 if a.weekday() == 6 else
                                                  0 if a.weekday() < 5 else 2), False)
                return _weekend(a, step > 0 or ctx.future)
            if the and step < 0 and unit in ("week", "month", "year", "fortnight"):
                # "the past week": the span of time ending now; as a calendar value, the week
                # that holds most of it
                start = _shift(a, unit, -1)
                if unit == "week":
                    held = (a.weekday() + 1) % 7 + 1  # days of a's Sunday-to-Saturday week
                    week = _week_of(a if held >= 4 else a - timedelta(days=7))
                    return replace(week, window=(start, a))
                return Value(start, a, _range_precision(start, a))
            if unit == "week" and step == 0 and not the:
                return _this_week(a, ctx.tense)
            if unit == "decade":
                return _years(a.year - 10 if step < 0 else a.year, a.year) if step <= 0 \
                    else _years(a.year, a.year + 10)
            if unit == "century":
                c = a.year // 100 + (a.year % 100 != 0) + step  # 1999: the 20th, 1901-2000
                return _years((c - 1) * 100 + 1, c * 100)
            return _period_value(_shift(a, unit, step), unit)
        m = self.re_rel_range.match(s)
        if m:
            mod, qty, unit_word = m.groups()
            n = self._number(qty)
            unit = self.v.units[unit_word]
            if n is None or unit in self.v.clock_units:
                return None
            a = ctx.anchor("previous_mention", self.v.from_mention[mod]) \
                if mod in self.v.from_mention else ctx.deictic()
            if self.v.direction[mod] > 0:
                lo, hi = a, _shift(a, unit, n)
            else:
                lo, hi = _shift(a, unit, -n), a
            prec = {"day": "week" if n <= 7 else "month", "week": "month", "fortnight": "month",
                    "month": "month"}.get(unit, "year")
            return Value(lo, hi, prec)
        m = self.re_vague_range.match(s)
        if m:
            mod, unit_word = m.groups()
            unit = self.v.units[unit_word]
            a = ctx.deictic()
            n = self.v.numbers[self.v.vague_range_quantity]
            if self.v.direction[mod] > 0:
                lo, hi = a, _shift(a, unit, n)
            else:
                lo, hi = _shift(a, unit, -n), a
            return Value(lo, hi, _range_precision(lo, hi))
        m = self.re_ended.match(s)
        if m:
            qty, unit_word, rest = m.groups()
            inner = self._resolve(rest, ctx, 1)
            if inner is None or inner.precision != "day":
                return None
            n = self._number(qty) if qty else 1
            months = self.v.unit_months.get(self.v.period_units.get(unit_word))
            if months is None or n is None:
                return None
            start = inner.end + timedelta(days=1) - relativedelta(months=round(months * n))
            return Value(start, inner.end, "year" if months * n >= 12 else "month")
        m = self.re_recent.match(s)
        if m:
            off, prec = self.v.recent[m.group(1)]
            a = ctx.deictic()
            return Value(a + timedelta(days=off), a, prec)
        m = self.re_this_part.match(s)
        if m:
            mod, which, unit = m.groups()
            a = ctx.deictic()
            way = self.v.direction[which]  # "earlier in the month": the current one
            base = _period_value(_shift(a, unit, way),
                                 "year" if unit == "decade" else unit)
            if unit == "decade":
                base = _years(a.year - a.year % 10, a.year - a.year % 10 + 9)
            k = self.v.edges.get(mod, self.v.thirds.get(mod))
            if way == 0 and unit == "week":
                if k == 0 and not ctx.future:
                    return _this_week(a, "past")
                return _this_week(a, "future" if k == 2 else ctx.tense)
            if way == 0 and mod in self.v.edges and k == 0:
                return replace(base, mod="START", window=(base.start, max(base.start, a)))
            if way == 0 and mod in self.v.edges:
                return replace(base, mod="END", window=(min(a, base.end), base.end))
            return _third(base, k)
        return None

    def _calendar_parts(self, s: str, ctx: _Ctx) -> Optional[Value]:
        a = ctx.pub
        m = self.re_decade.match(s)
        if m:
            if m.group(1):
                y0 = int(m.group(1)) * 10
            else:
                d = int(m.group(2)) * 10
                y0 = 1900 + d if 1900 + d <= a.year - a.year % 10 - (0 if d else 100) or d > a.year % 100 else 2000 + d
            return _years(y0, y0 + 9)
        m = self.re_century.match(s)
        if m:
            c = int(m.group(1))
            return _years((c - 1) * 100 + 1, c * 100)
        m = self.re_year.match(s)
        if m:
            y = int(m.group(1))
            return _year(y) if 1000 <= y <= a.year + 100 else None
        m = self.re_year_range.match(s)
        if m:
            y0, y1 = int(m.group(1)), m.group(2)
            y1 = int(y1) if len(y1) == 4 else (y0 // 100) * 100 + int(y1)
            return _years(y0, y1) if y0 <= y1 <= y0 + 100 else None
        m = self.re_month_rel.match(s)
        if m:
            mod, mon = m.group(1), self.v.months[m.group(2)]
            y = a.year
            way = self.v.direction.get(mod, 0)
            if way < 0:
                y = a.year if mon < a.month else a.year - 1
            elif way > 0:
                y = a.year if mon > a.month else a.year + 1
            return _month(y, mon)
        m = self.re_season.match(s)
        if m:
            mod, season, yr = m.groups()
            m0, m1, code = self.v.seasons[season]
            if yr:
                y = int(yr) if yr[0].isdigit() else a.year + self.v.relative_years[yr]
                return replace(_months(y, m0, m1), label=code)
            occ = [replace(_months(y, m0, m1), label=code) for y in (a.year - 2, a.year - 1, a.year, a.year + 1)]
            way = self.v.direction.get(mod)
            if way == -1:
                past = [o for o in occ if o.end < a]
                return past[-1] if past else None
            if way == 1:
                fut = [o for o in occ if o.start > a]
                return fut[0] if fut else None
            if way == 0:
                held = [o for o in occ if o.start <= a <= o.end]
                same = [o for o in occ if o.start.year == a.year]
                return (held or same or [None])[0]
            if ctx.future and mod is None:
                fut = [o for o in occ if o.end >= a]
                return fut[0] if fut else None
            started = [o for o in occ if o.start <= a]
            return started[-1] if started else None
        m = self.re_year_part.match(s)
        if m:
            part, yr = m.groups()
            if yr is None and part in self.v.yearless_parts:
                return None
            m0, m1, *code = self.v.year_parts[part]
            rel = self.v.relative_years.get(yr)
            if yr and yr[0].isdigit():
                y = int(yr)
            elif rel:
                y = a.year + rel
            else:  # "the first half": this year's, unless it has not begun
                y = a.year if (m0 <= a.month or ctx.future or rel == 0) else a.year - 1
            return replace(_months(y, m0, m1), label=code[0] if code else None)
        m = self.re_year_part_tail.match(s)
        if m:
            m0, m1, *code = self.v.year_parts[m.group(2)]
            return replace(_months(int(m.group(1)), m0, m1), label=code[0] if code else None)
        return None

    def _absolute(self, s: str, ctx: _Ctx) -> Optional[Value]:
        """Dates dateparser reads well: "June 12", "3 January 2020", "February 2022"."""
        if not (self.re_has_month.search(s) or self.re_numeric_date.search(s)):
            return None
        wd = None
        m = self.re_lead_weekday.match(s)
        text = s
        if m:
            wd, text = self.v.weekdays[m.group(1)], s[m.end():]
        text = self.v.lead_determiner_re.sub("", text)
        if text in self.v.months:
            return self._month_alone(self.v.months[text], ctx)
        m = self.re_month_of.match(text)
        if m:
            y = ctx.deictic().year + self.v.direction[m.group(2)]
            return _month(y, self.v.months[m.group(1)])
        m = self.re_rel_year_tail.match(text)
        if m:  # "March 20 last year"
            y = ctx.deictic().year + self.v.direction[m.group(2)]
            text = f"{m.group(1)} {y}"
        explicit_year = bool(self.re_year_in.search(text))
        prefer = "future" if ctx.future else "past"
        hit = self._plain(text)
        if hit is None:
            parsed = _dateparse(text, ctx.pub.isoformat(), prefer)
            if parsed is None:
                return None
            hit = date.fromisoformat(parsed[0]), parsed[1]
        d, period = hit
        if period in ("day", "time", "month") and not explicit_year:
            day = d.day if period != "month" else 1
            options = [o for o in (_safe_date(y, d.month, day) for y in
                                   (ctx.pub.year - 1, ctx.pub.year, ctx.pub.year + 1)) if o]
            if wd is not None and period != "month" and any(o.weekday() == wd for o in options):
                # "Monday, December 6": the year in which that date is a Monday
                d = min((o for o in options if o.weekday() == wd), key=lambda o: abs(o - ctx.pub))
            else:
                d = _safe_date(self._year_of(d.month, ctx), d.month, day) or d
        if period == "month":
            return _month(d.year, d.month)
        if period == "year":
            return _year(d.year)
        if period == "week":
            return _week_of(d)
        return _day(d)

    def _plain(self, text: str) -> Optional[tuple[date, str]]:
        """dateparser's reading of the commonest forms, for what `_absolute` uses of it: a
        month and day ("june 12": the year is chosen there, so 2001 stands in), a month and
        year ("february 2022"), a full date ("june 12, 2020"); None for any other text (and
        a day not in every year's month), left to dateparser (a call costs a millisecond).
        `tests/test_times.py` holds these forms to dateparser's reading."""
        for form, day_of_every_year in ((self.re_plain_month_day, True), (self.re_plain_month_year, False),
                                        (self.re_plain_date, False)):
            m = form.match(text)
            if m is None:
                continue
            parts = m.groupdict()
            month = self.v.months[parts["month"]]
            if "day" not in parts:
                return date(int(parts["year"]), month, 1), "month"
            d = _safe_date(2001 if day_of_every_year else int(parts["year"]), month, int(parts["day"]))
            return (d, "day") if d is not None else None
        return None

    def _month_alone(self, month: int, ctx: _Ctx) -> Value:
        """"in May": the May of `_year_of`."""
        return _month(self._year_of(month, ctx), month)

    @staticmethod
    def _year_of(month: int, ctx: _Ctx) -> int:
        """The year of a month named without one, judged by months as news writers do (a
        date of the publication's own month is of its year): the year of a full date just
        before; else the latest such month in a past clause, the next in a future one, and
        without a tense the nearer (ahead only within `NEAR_AHEAD_MONTHS`)."""
        a = ctx.pub
        if ctx.year_hint and not ctx.future:
            return ctx.year_hint
        diff = month - a.month
        if ctx.future:
            return a.year + (diff < 0)
        ahead, back = diff % 12, -diff % 12
        if ctx.tense != "past" and 0 < ahead < back and ahead <= NEAR_AHEAD_MONTHS:
            return a.year + (diff < 0)
        return a.year - (diff > 0)

    def _number(self, q: str) -> Optional[float]:
        q = re.sub(r"\s+", " ", q)
        if q in self.v.numbers:
            return float(self.v.numbers[q])
        try:
            return float(q)
        except ValueError:
            return None


def _holiday_value(spec, y: int) -> Optional[Value]:
    """A named day in year `y`: [month, day]; {month, weekday, nth} (nth -1: the last;
    `offset` days after it); {easter: offset in days}; `days` > 1 makes it a week."""
    if isinstance(spec, list):
        d = _safe_date(y, spec[0], spec[1])
    elif "easter" in spec:
        d = easter(y) + timedelta(days=spec["easter"])
    else:
        first = date(y, spec["month"], 1)
        d = first + timedelta(days=(spec["weekday"] - first.weekday()) % 7)
        if spec["nth"] > 0:
            d += timedelta(days=7 * (spec["nth"] - 1))
        else:
            last = calendar.monthrange(y, spec["month"])[1]
            while d.day + 7 <= last:
                d += timedelta(days=7)
        d += timedelta(days=spec.get("offset", 0))
    if d is None:
        return None
    n = spec.get("days", 1) if isinstance(spec, dict) else 1
    return Value(d, d + timedelta(days=n - 1), "day" if n == 1 else "week")


def _safe_date(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _nearest(options: list[date], pub: date, default: date) -> date:
    """The past occurrence, unless a future one lies within a month and is much nearer."""
    past = [o for o in options if o <= pub]
    future = [o for o in options if o > pub]
    p = max(past) if past else default
    if future:
        f = min(future)
        if (f - pub).days <= NEAREST_FUTURE_DAYS and (f - pub) < (pub - p):
            return f
    return p


def normalise(text: str) -> str:
    s = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    s = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", s)  # year-and-a-half, mid-march stays "mid march"
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"\s+", " ", s).strip(" ,.;:()\"'")
    return s


@lru_cache(maxsize=1)
def _resolver() -> _Resolver:
    return _Resolver()


def resolve_value(text: str, pub_date: Union[str, date], future: bool = False,
                  permissive: bool = False) -> Optional[Value]:
    """`resolve_time`'s answer as a `Value` (with its mod, window and TimeML label)."""
    pub = date.fromisoformat(pub_date) if isinstance(pub_date, str) else pub_date
    ctx = _Ctx(pub=pub, tense="future" if future else "past", speech=lambda: pub,
               ref=lambda kind: (_day(pub), "default"), clock_day=lambda: pub,
               noun_day=lambda noun: pub if permissive else None)
    try:
        return _resolver().resolve(text, ctx)
    except _NeedsContext:
        return None


def resolve_time(text: str, pub_date: Union[str, date], future: bool = False,
                 permissive: bool = False) -> Optional[TimeMention]:
    """Normalise one expression out of context (no sentence, no story): a convenience for
    callers holding just a string; relative anchors all fall back to the publication date
    (`permissive`: so does the date of a named event, "before the attack")."""
    v = resolve_value(text, pub_date, future, permissive)
    if v is None:
        return None
    return TimeMention(text=text, span=Span(start=0, end=len(text)), start=v.start.isoformat(),
                       end=v.end.isoformat(), precision=v.precision)


# ---------------------------------------------------------------- candidates
_QUOTE_MARKS = re.compile('[\n\u201c\u201d"]')


def _quoted_mask(text: str) -> list[bool]:
    """Per character: inside quotation marks? Straight quotes toggle; reset per paragraph.
    (Filled a stretch at a time, from one quote mark or line break to the next.)"""
    mask = [False] * len(text)
    inside, last = False, 0
    for m in _QUOTE_MARKS.finditer(text):
        i = m.start()
        if inside:
            mask[last:i] = [True] * (i - last)
        ch = text[i]
        inside = ch == "\u201c" or (ch == '"' and not inside)
        last = i
    if inside:
        mask[last:] = [True] * (len(text) - last)
    return mask


OTHER_ENTITIES = {"ORG", "EVENT", "WORK_OF_ART", "FAC", "LAW", "PRODUCT", "PERSON", "GPE", "NORP",
                  "LOC"}


def _candidate_chars(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of possible time expressions: spaCy's DATE/TIME entities and the
    matches of the YAML patterns (minus those inside a longer name: "Christmas Charity")."""
    v = _vocab()
    text = _text(doc)
    found: list[tuple[int, int]] = []
    names = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in OTHER_ENTITIES]
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME"):
            found.append((ent.start_char, ent.end_char))
    low = _scan_text(text)
    if low is not None:  # a pattern is not run over a text that lacks all it needs (most are)
        scans = [(rx, low) for rx, needs in zip(v.candidate_lower, v.candidate_needs)
                 if needs is None or any(w in low for w in needs)]
    else:
        scans = zip(v.candidate_res + v.clock_res, [text] * len(v.candidate_lower))
    for rx, scanned in scans:
        for m in rx.finditer(scanned):
            s, e = m.span()
            words = re.findall(r"[A-Za-z]+", text[s:e])
            if any(w.lower() in v.capitalised and not w[0].isupper() for w in words):
                continue  # "may" the verb, "march" the noun
            if any(ns <= s and e <= ne and (ns, ne) != (s, e)
                   and not v.bare_name_rest.fullmatch(text[ns:s] + " " + text[e:ne]) for ns, ne in names):
                continue  # inside a longer name, unless the name is the date ("the Aug. 7")
            found.append((s, e))
    # trim leading prepositions a pattern may have taken in ("in 2016" -> "2016")
    out = []
    for s, e in found:
        m = v.leading_prep_re.match(text[s:e])
        if m and m.end() < e - s:
            s += m.end()
        out.append((s, e))
    return sorted(set(out))


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int, list]]:
    """Overlapping or joinable candidates as one: (start, end, the candidates inside)."""
    v = _vocab()
    merged: list[list] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2].append((s, e))
            continue
        if merged:
            ps, pe = merged[-1][0], merged[-1][1]
            gap = text[pe:s]
            left, right = text[ps:pe], text[s:e]
            if _joinable(left, gap, right, v):
                merged[-1][1] = e
                merged[-1][2].append((s, e))
                continue
        merged.append([s, e, [(s, e)]])
    return [(s, e, parts) for s, e, parts in merged]


@lru_cache(maxsize=8192)
def _resolvable(text: str) -> bool:
    """Does `text` read as a date at all (every anchor granted)?"""
    return resolve_time(text, "2000-06-15", permissive=True) is not None




def _pieces(text: str, s: int, e: int, parts: list) -> list[tuple[int, int]]:
    """One merged candidate as the expressions it holds: "2015 and 2017" is two; a span
    spaCy over-extended ("10-19 year olds from 2005") falls back to the matches inside."""
    whole = text[s:e]
    if _resolvable(whole):
        for m in _vocab().coordinator_re.finditer(whole):
            a, b = whole[:m.start()], whole[m.end():]
            a_core = _vocab().range_start_re.sub("", a)
            clock = _vocab().clock_any
            if _resolvable(a_core) and _resolvable(b) and not re.fullmatch(r"\d{1,2}", b.strip()) \
                    and not clock.search(a_core) and not clock.search(b):
                off = len(a) - len(a_core)
                return [(s + off, s + m.start()), (s + m.end(), e)]
        return [(s, e)]
    good = sorted({p for p in parts if p != (s, e) and _resolvable(text[p[0]:p[1]])})
    out: list[tuple[int, int]] = []
    for p in good:
        if out and p[0] < out[-1][1]:
            if p[1] - p[0] > out[-1][1] - out[-1][0]:
                out[-1] = p
            continue
        out.append(p)
    return out or [(s, e)]


def _joinable(left: str, gap: str, right: str, v: _Vocab) -> bool:
    g = gap.strip().lower()
    if "\n" in gap:
        return False
    if g == "":
        return True
    is_clock = lambda t: bool(v.clock_any.fullmatch(t.strip())  # noqa: E731
                              or v.part_of_day_re.fullmatch(t.strip()))
    if g in v.clock_gaps and is_clock(right) and not is_clock(left):
        return True
    if g in v.clock_day_gaps and is_clock(left) and not is_clock(right):
        return True
    if g in v.year_gaps and v.rel_year_re.fullmatch(right.strip()) and v.month_word_re.search(left):
        return True  # "March 20 last year"
    if g == "," and v.weekday_end_re.search(left.strip()) and v.month_start_re.match(right.strip()):
        return True
    return False




def _extend(doc: Doc, span: TokenSpan) -> TokenSpan:
    """Grow a candidate over the words that belong to it ("since", "ago", "local time",
    "before the attack") and drop a trailing possessive."""
    v = _vocab()
    start, end = span.start, span.end
    sent_start, sent_end = _sent_of(doc, span.start)
    # left: since / during / within / late ...; "late on Sunday"
    while start > sent_start:
        prev = doc[start - 1]
        low = prev.lower_
        if low in v.left_modifiers and low not in v.left_excluded:
            start -= 1
            continue
        if low in v.left_pairs and start - 2 >= sent_start and doc[start - 2].lower_ in v.left_pairs[low]:
            start -= 2
            continue
        break
    # hedges inside "within roughly a day": keep what NER left out between "within" and span
    # right: "ago", "local time", "before the attack"
    tail = [t.lower_ for t in doc[start:end]]
    core = normalise(span.text)
    while v.filler_re.match(core):
        core = v.filler_re.sub("", core, count=1)
    is_duration = bool(v.duration_re.fullmatch(core))
    if end < sent_end and doc[end].lower_ in v.right_now:
        end += 1
    elif end < sent_end and is_duration and doc[end].lower_ in v.offset_tails:
        end += 1
    if tail and end - 1 >= start and doc[end - 1].lower_ in v.right_relations \
            and end < sent_end and (is_duration or len(tail) <= 3):
        if doc[end].lower_ == v.right_joiners.get(doc[end - 1].lower_):  # "prior to"
            end += 1
        np_end = _noun_phrase_end(doc, end, sent_end)
        if np_end:
            end = np_end
    for phrase in v.right_phrases:  # "5 p.m. local time"
        if end + len(phrase) <= sent_end and [t.lower_ for t in doc[end:end + len(phrase)]] == phrase:
            end += len(phrase)
            break
    while end > start + 1 and (doc[end - 1].lower_ in v.trailing or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end]


def _noun_phrase_end(doc: Doc, i: int, limit: int) -> Optional[int]:
    """End of the noun phrase starting at token i ("the attack", "the start of the rally")."""
    if _has(doc, "DEP"):
        end = _DocFacts.of(doc).chunk_ends(doc).get(i)
        if end is not None:
            return end
    j = i
    if j < limit and doc[j].pos_ == "DET":
        j += 1
    while j < limit and doc[j].pos_ in ("ADJ", "NOUN", "PROPN", "NUM"):
        j += 1
    return j if j > i and doc[j - 1].pos_ in ("NOUN", "PROPN") else None


def _is_conversion(doc: Doc, span: TokenSpan, prev: Optional[TokenSpan]) -> bool:
    """"(1400 GMT)", "(1639 UTC)": the same time in another zone."""
    text = _text(doc)
    before = text[:span.start_char].rstrip()
    if not before.endswith("("):
        return False
    close = text.find(")", span.end_char)
    inside = text[span.start_char:close if close >= 0 else span.end_char].lower()
    if _vocab().zone_re.search(inside):
        return True
    return prev is not None and text[prev.end_char:span.start_char].strip() == "("


def _is_not_date(text: str) -> bool:
    v = _vocab()
    s = normalise(text)
    if any(rx.search(s) for rx in v.not_date_res):
        return True
    # bare durations: "three years", "weeks", "the first two hours", "a decade"
    core = s
    for _ in range(3):
        core = v.duration_prefix_re.sub("", core)
    if v.bare_duration_re.fullmatch(core):
        later = v.later_re.search(core)
        unit = v.unit_re.search(core)
        if later and unit and v.units.get(unit.group(0)) not in v.clock_units:
            return False  # "three days later" is a date
        return True
    if v.long_duration_re.fullmatch(core):
        return True
    if v.frequency_re.fullmatch(core):
        return True
    if re.fullmatch(r"\d+", core) and not (len(core) == 4 and 1000 <= int(core) <= 2100):
        return True
    return core in v.not_date_words


# ---------------------------------------------------------------- syntax helpers
def _attachment(span: TokenSpan) -> Optional[Token]:
    """The word a time expression modifies: its root's head, past prepositions."""
    root = span.root
    t = root.head
    if t == root or t.i in range(span.start, span.end):
        return None
    while (t.dep_ in ("prep", "agent", "pcomp") or t.pos_ == "ADP") and t.head != t:
        t = t.head
    return t


def _clause_verb(tok: Optional[Token]) -> Optional[Token]:
    t, steps = tok, 0
    while t is not None and t.pos_ not in ("VERB", "AUX") and t.head != t and steps < 3:
        t, steps = t.head, steps + 1
    return t if t is not None and t.pos_ in ("VERB", "AUX") else None


def _tense(span: TokenSpan) -> str:
    """The tense of the clause a time expression modifies: "future", "past", "unknown" (no
    finite verb: "the June 12 vote") or "either" (a past expectation: "was expected to
    pass by Bermuda late Wednesday night", which may lie on either side of publication)."""
    v = _vocab()
    doc = span.doc
    if span.start > 0 and doc[span.start - 1].lower_ in v.future_words \
            and doc[span.start - 1].pos_ not in ("VERB", "AUX"):
        return "future"  # "upcoming Tuesday", not "Cuba predicted Wednesday"
    before = normalise(doc[max(0, span.start - 4):span.start].text)
    if any(before.endswith(w) for w in v.future_prefixes):
        return "future"  # "as early as Tuesday"
    if not _has(doc, "DEP"):
        return "unknown"
    def past(tok: Token) -> bool:
        return tok.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD"
                                        for c in tok.children)

    def main_verb_past(tok: Token) -> bool:
        """Is the finite verb governing this noun phrase in the past?"""
        main = _clause_verb(tok.head if tok.head != tok else None)
        return main is not None and past(main)

    att = _attachment(span)
    if att is not None and att.pos_ in ("NOUN", "PROPN") and any(
            c.lower_ in v.future_words and c.dep_ == "amod"
            and not (c.i + 1 < len(doc) and doc[c.i + 1].lower_ in v.not_future_after)
            for c in att.children):
        # "his next court appearance on April 5"; "the planned launch on Wednesday ... was
        # scrubbed" may lie on either side
        return "either" if main_verb_past(att) else "future"
    verb = _clause_verb(att)
    if verb is None:
        return "unknown"
    if verb.dep_ in ("acl", "amod") and verb.lower_ in v.future_words and main_verb_past(verb):
        return "either"  # "other games scheduled for Wednesday were still held"

    for cand in (verb, verb.head if verb.dep_ in ("xcomp", "ccomp", "advcl", "acl", "conj") else None):
        if cand is None:
            continue
        kids = list(cand.children)
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in v.future_aux for c in kids):
            return "future"
        if cand.lower_ in v.future_words or any(c.lower_ in v.future_words for c in kids
                                                if c.dep_ in ("amod", "advmod", "acomp")):
            return "either" if past(cand) else "future"
        if cand is verb and any(c.tag_ == "TO" and c.dep_ == "aux" for c in kids):
            h = verb.head
            if h.lower_ in v.future_words or h.lemma_.lower() in v.intent_verbs:
                return "either" if past(h) else "future"  # "plans to", "was expected to"
            if h.pos_ in ("NOUN", "PROPN") or h.lower_ in v.future_aux \
                    or (h.lemma_ in v.copula_lemmas and h.tag_ in ("VBZ", "VBP")):
                return "future"  # "the election to be held on", "is to take effect on"
            if any(c.dep_ in ("aux", "auxpass") and c.lower_ in v.future_aux for c in h.children):
                return "future"
            # "asked Parliament to meet in October": after the asking, maybe after publication
            return "unknown"
        if any(c.dep_ == "aux" and c.lower_ in v.past_future_aux for c in kids):
            return "either"  # "would be traveling Thursday": the future of a past report
        if any(c.dep_ == "aux" and c.lower_ in v.modal_aux for c in kids):
            return "unknown"
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    signal = {doc[span.start].lower_, doc[span.start - 1].lower_ if span.start else ""}
    if verb.lemma_.lower() in v.postpone_verbs and signal & v.postpone_preps:
        return "future"  # "postponed until Tuesday": after the postponing
    if verb.tag_ == "VBD" or past(verb) or any(c.lemma_ in v.perfect_lemmas for c in auxes):
        return "past"
    if verb.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in auxes):
        return "present"  # "Congress reconvenes Jan. 24", "the case is heard in May"
    return "past" if verb.tag_ == "VBN" else "unknown"


def _year_hint(span: TokenSpan) -> Optional[int]:
    """The year of a full date just before `span` ("the army moved on November 15, 2017 ...
    his resignation on November 21"), in the same sentence (further back, the story has
    usually moved on: "the 1988 bombing ... agreed in April")."""
    doc = span.doc
    if not _has(doc, "SENT_START"):
        return None
    s0, _ = _sent_of(doc, span.start)
    start = doc[s0].idx
    hits = list(_vocab().explicit_year_re.finditer(_text(doc), start, span.start_char))
    return int(hits[-1].group(1)) if hits else None


def _tree_distance(a: Token, b: Token) -> int:
    pa, t = {}, a
    for depth in range(64):
        pa[t.i] = depth
        if t.head == t:
            break
        t = t.head
    t = b
    for depth in range(64):
        if t.i in pa:
            return depth + pa[t.i]
        if t.head == t:
            break
        t = t.head
    return 10 ** 3


def _local(tok: Token) -> list[tuple[Token, int]]:
    """The words of `tok`'s own clause below it (no clausal children), with their depth."""
    out, stack = [], [(tok, 0)]
    while stack:
        t, d = stack.pop()
        out.append((t, d))
        for c in t.children:
            if c.dep_ not in CLAUSAL:
                stack.append((c, d + 1))
    return out


# ---------------------------------------------------------------- the component


@dataclass
class _Mention:
    span: TokenSpan
    quoted: bool
    tense: str
    year_hint: Optional[int]
    attach: Optional[Token]
    value: Optional[Value] = None
    independent: bool = False
    anaphor: bool = False


def _pub_date(doc: Doc) -> Optional[date]:
    raw = doc._.pub_date
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def find_times(doc: Doc) -> list[TimeSpan]:
    """Every date expression of `doc`, normalised against `doc._.pub_date`, in text order."""
    pub = _pub_date(doc)
    if pub is None:
        return []
    text = _text(doc)
    v = _vocab()
    res = _resolver()
    qmask = _quoted_mask(text)
    chars = [p for s, e, parts in _merge(_candidate_chars(doc), text)
             for p in _pieces(text, s, e, parts)]
    mentions: list[_Mention] = []
    prev: Optional[TokenSpan] = None
    foreign = foreign_tokens(doc)
    for s, e in chars:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or len(span) == 0 or not foreign.isdisjoint(range(span.start, span.end)):
            continue
        span = _extend(doc, span)
        if mentions and span.start < mentions[-1].span.end:
            last = mentions[-1]
            last.span = doc[min(last.span.start, span.start):max(last.span.end, span.end)]
            continue
        if _is_not_date(span.text) or _is_conversion(doc, span, prev) \
                or (span.start > 0 and doc[span.start - 1].lower_ in v.not_date_before):
            prev = span
            continue
        prev = span
        tense = _tense(span)
        norm = normalise(span.text)
        anaphor = norm in v.anaphoric or bool(v.anaphor_word_re.search(norm))
        mentions.append(_Mention(span, qmask[span.start_char] if span.start_char < len(qmask) else False,
                                 tense, _year_hint(span),
                                 _attachment(span) if _has(doc, "DEP") else None,
                                 anaphor=anaphor))

    # pass one: what needs no other date of the document
    for m in mentions:
        ctx = _Ctx(pub=pub, quoted=m.quoted, tense=m.tense, year_hint=m.year_hint)
        try:
            m.value = res.resolve(m.span.text, ctx)
            m.independent = m.value is not None
        except _NeedsContext:
            m.value = None

    story = pub
    for m in mentions:
        if m.independent and not m.quoted and m.value.precision == "day" \
                and timedelta(0) <= pub - m.value.start <= timedelta(days=STORY_WINDOW_DAYS):
            story = _ref_day(m.value)
            break

    # pass two: anaphora, quoted deixis and clock times
    for i, m in enumerate(mentions):
        if m.independent:
            continue
        ctx = _Ctx(pub=pub, quoted=m.quoted, tense=m.tense, year_hint=m.year_hint,
                   speech=lambda m=m: _speech_time(m, mentions, story),
                   ref=lambda kind, m=m, i=i: _reference(m, i, mentions, kind, pub, story),
                   clock_day=lambda m=m: _clock_day(m, mentions, story),
                   noun_day=lambda noun, m=m: _noun_day(noun, m, mentions, doc))
        try:
            m.value = res.resolve(m.span.text, ctx)
        except _NeedsContext:
            m.value = None

    out = []
    for m in mentions:
        if m.value is None:
            continue
        val = m.value
        out.append(TimeTag(
            span=m.span, mention=TimeMention(text=m.span.text, span=char_span(m.span),
                                             start=val.start.isoformat(), end=val.end.isoformat(),
                                             precision=val.precision),
            value=timeml_value(val), mod=val.mod,
            window=tuple(d.isoformat() for d in val.window) if val.window else None,
            governs=m.attach))
    return out


class _DocFacts:
    """Per-Doc facts spaCy recomputes on every access (`doc.text` joins the tokens,
    `has_annotation` and `.sent` scan them, `.noun_chunks` walks the parse), kept in the
    Doc's own `user_data`, so Docs processed at the same time do not share them."""

    KEY = "eventwire.times.facts"

    def __init__(self, doc: Doc) -> None:
        self.n_tokens = len(doc)
        self.text = doc_text(doc)
        self.has: dict[str, bool] = {}
        if doc.has_annotation("SENT_START"):
            self.sent_starts = [s.start for s in doc.sents] + [len(doc)]
        else:
            self.sent_starts = [0, len(doc)]
        self._chunk_ends: Optional[dict[int, int]] = None
        self.attachments: dict[tuple[int, int], Optional[int]] = {}  # span -> token index

    @classmethod
    def of(cls, doc: Doc) -> "_DocFacts":
        facts = doc.user_data.get(cls.KEY)
        if facts is None or facts.n_tokens != len(doc):  # a retokenised Doc starts over
            facts = doc.user_data[cls.KEY] = cls(doc)
        return facts

    def chunk_ends(self, doc: Doc) -> dict[int, int]:
        """{noun chunk's first token: its end} (the Doc must be parsed)."""
        if self._chunk_ends is None:
            ends: dict[int, int] = {}
            for chunk in doc.noun_chunks:
                ends.setdefault(chunk.start, chunk.end)
            self._chunk_ends = ends
        return self._chunk_ends

    def attachment(self, span: TokenSpan) -> Optional[Token]:
        """`_attachment(span)`, worked out once per span."""
        key = (span.start, span.end)
        if key not in self.attachments:
            att = _attachment(span)
            self.attachments[key] = None if att is None else att.i
        i = self.attachments[key]
        return None if i is None else span.doc[i]


def _text(doc: Doc) -> str:
    return _DocFacts.of(doc).text


def _has(doc: Doc, attr: str) -> bool:
    facts = _DocFacts.of(doc)
    if attr not in facts.has:
        facts.has[attr] = doc.has_annotation(attr)
    return facts.has[attr]


def _sent_of(doc: Doc, i: int) -> tuple[int, int]:
    """(start, end) token indices of the sentence holding token i."""
    starts = _DocFacts.of(doc).sent_starts
    k = bisect_right(starts, i) - 1
    k = min(max(k, 0), len(starts) - 2)
    return starts[k], starts[k + 1]


def _same_sentence(a: TokenSpan, b: TokenSpan) -> bool:
    return _has(a.doc, "SENT_START") and _sent_of(a.doc, a.start) == _sent_of(b.doc, b.start)


def _ref_day(val: Value) -> date:
    """The day a mention stands for as a reference: a night counts as the morning after."""
    if val.precision == "day" and val.end != val.start:
        return val.end
    return val.start


def _sentence_days(m: _Mention, mentions: list[_Mention], quoted: bool) -> list[_Mention]:
    """The other day-precision mentions of `m`'s sentence that stand on their own, in text
    order (with `quoted` False: outside quotation marks only)."""
    return [o for o in mentions if o is not m and o.independent and (quoted or not o.quoted)
            and o.value.precision == "day" and _same_sentence(o.span, m.span)]


def _speech_time(m: _Mention, mentions: list[_Mention], story: date) -> date:
    same = _sentence_days(m, mentions, quoted=False)
    return _ref_day(same[0].value) if same else story


def _clock_day(m: _Mention, mentions: list[_Mention], story: date) -> date:
    same = _sentence_days(m, mentions, quoted=True)
    before = [o for o in same if o.span.start < m.span.start]
    if before:
        return before[-1].value.start
    if same:
        return same[0].value.start
    return story


def _reference(m: _Mention, i: int, mentions: list[_Mention], kind: str, pub: date,
               story: date) -> tuple[Value, str]:
    """Date an anaphoric expression counts from, and how it was found: "clause" (a date in
    its own clause), "above" (a date up the head chain: "said on Sunday that ..."), else
    "default": the default `kind` (publication / previous mention / story)."""
    if m.attach is not None:
        pool = [o for o in mentions if o is not m and o.independent and not o.anaphor]
        found = _governing(m.span.doc, m.attach, pool, exclude=m.span, with_level=True)
        if found is not None:
            gov, climbed = found
            return gov.value, "above" if climbed else "clause"
    if kind in ("previous_mention", "previous_any"):
        for o in reversed(mentions[:i]):
            if m.span.start_char - o.span.end_char > PREVIOUS_MENTION_CHARS:
                break
            if o.value is None or o.quoted or (o.value.start > pub and m.tense != "future"):
                continue  # a past clause does not follow on from a date still to come
            if o.value.precision == "day" or kind == "previous_any":
                return o.value, "default"
        return _day(story), "default"
    if kind == "story":
        return _day(story), "default"
    return _day(pub), "default"


def _noun_day(noun: str, m: _Mention, mentions: list[_Mention], doc: Doc) -> Optional[date]:
    """The date of an event named by a noun ("the attack", "election day"): a day-precision
    date attached near the same noun elsewhere in the document; None when there is none."""
    words = normalise(noun).split()
    if not words:
        return None
    head = words[-1]
    best, best_d = None, 10 ** 6
    for o in mentions:
        if o is m or not o.independent or o.value.precision != "day" or o.quoted:
            continue
        s0, s1 = _sent_of(doc, o.span.start)
        for tok in doc[s0:s1]:
            if tok.i in range(m.span.start, m.span.end) or tok.i in range(o.span.start, o.span.end):
                continue
            if tok.lower_ == head or tok.lemma_.lower() == head:
                d = _tree_distance(tok, o.span.root) if o.attach is not None else 50
                if d < best_d:
                    best, best_d = o, d
    return best.value.start if best else None


def _governing(doc: Doc, tok: Optional[Token], pool: list, exclude: Optional[TokenSpan] = None,
               with_level: bool = False):
    """The mention in `pool` nearest to `tok` in its clause, else up its head chain (with
    `with_level`: a pair (mention, found above the clause?))."""
    if tok is None:
        return None
    facts = _DocFacts.of(doc)
    by_attach: dict[int, list] = {}
    for o in pool:
        span = o.span
        if exclude is not None and span.start == exclude.start:
            continue
        att = o.attach if hasattr(o, "attach") else facts.attachment(span)
        if att is not None and _sent_of(doc, att.i) == _sent_of(doc, tok.i):
            by_attach.setdefault(att.i, []).append(o)
    if not by_attach:
        return None
    seen: set[int] = set()
    t = tok
    while True:
        best, key = None, None
        local = _local(t)
        for w, depth in local:
            if w.i in seen:
                continue
            for o in by_attach.get(w.i, []):
                k = (depth, abs(o.span.start - tok.i))
                if key is None or k < key:
                    best, key = o, k
        if best is not None:
            return (best, t is not tok) if with_level else best
        seen.update(w.i for w, _ in local)
        if t.head == t:
            return None
        t = t.head


def event_time(doc: Doc, tokens: Union[TokenSpan, Token, Iterable[Token]]) -> Optional[TimeSpan]:
    """The time expression that governs an event trigger's clause, or None.

    `tokens` are the trigger's words (a spaCy Span, a Token, or an iterable of Tokens) in a
    `doc` that went through `eventwire_times` (its `doc._.times` is read, not recomputed).
    The trigger's syntactic head word is taken; the answer is the `TimeSpan` attached in the
    dependency tree to that word or to the words of its own clause below it (objects,
    prepositional phrases: "the attack on the base on Sunday"), the nearest attachment
    first; failing that, the one attached to the nearest word up the head chain, within the
    sentence. A time expression inside another verb's clause (a complement, relative or
    adverbial clause, or a conjoined verb below the trigger) is never taken: in "Gladkov said
    earlier on Sunday that Ukrainian forces continued to shell his region overnight and that
    two people were killed the previous evening", shell -> overnight, killed -> the previous
    evening, said -> (on) Sunday. A time expression inside the trigger's own span is ignored.
    The `TimeSpan`'s mention is already normalised (anaphora resolved: "the previous
    evening" is the day before the date governing it, else before publication). None means
    no time expression governs the trigger: the caller falls back to the publication date
    (SPEC 3, precision `reported`, basis `publication`).
    """
    times = doc._.times or []
    if not times:
        return None
    if isinstance(tokens, Token):
        trigger = tokens
        inside = {tokens.i}
    elif isinstance(tokens, TokenSpan):
        trigger = tokens.root
        inside = set(range(tokens.start, tokens.end))
    else:
        toks = list(tokens)
        if not toks:
            return None
        trigger = min(toks, key=lambda t: _depth(t))
        inside = {t.i for t in toks}
    if not _has(doc, "DEP"):
        return None
    pool = [ts for ts in times if not any(i in inside for i in range(ts.span.start, ts.span.end))]
    return _governing(doc, trigger, pool)


def _depth(t: Token) -> int:
    d = 0
    while t.head != t and d < 64:
        t, d = t.head, d + 1
    return d


class TimesTagger:
    """The times stage: `doc._.times` is the document's time mentions (`TimeTag`s, text
    order), normalised against `doc._.pub_date`. Its language data (`data` in the config:
    a YAML file of `extract/data/`) is loaded in `initialize`, or on first use."""

    def __init__(self, nlp: Language, name: str, data: str) -> None:
        self.name = name
        self.data = data
        self.ready = False

    def initialize(self, get_examples=None, *, nlp: Optional[Language] = None,
                   data: Optional[str] = None) -> None:
        self.data = data or self.data
        use_data(self.data)
        self.ready = True

    def __call__(self, doc: Doc) -> Doc:
        if not self.ready:  # added to a loaded pipeline, which is not initialised again
            self.initialize()
        doc._.times = find_times(doc)
        return doc


@Language.factory("eventwire_times", default_config={"data": DEFAULT_DATA},
                  assigns=["doc._.times"], requires=["doc.ents", "token.dep", "token.pos"])
def make_times(nlp: Language, name: str, data: str) -> TimesTagger:
    return TimesTagger(nlp, name, data)

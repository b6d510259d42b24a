"""The times stage (SPEC 7) on real sentences from the corpus (tests/data/times/cases.yaml)."""
from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

import pytest
import spacy
import yaml
from hypothesis import given, settings, strategies as st

from eventwire.extract import times as T
from eventwire.extract.mentions import TimeSpan
from eventwire.nlp import extensions  # noqa: F401  (registers doc._.pub_date / doc._.times)
from eventwire.nlp.pipeline import MODEL

CASES = yaml.safe_load((Path(__file__).parent / "data" / "times" / "cases.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def nlp():
    # the model plus this stage only, so the test does not depend on the other stages
    model = spacy.load(MODEL)
    model.add_pipe("eventwire_times")
    return model


def run(nlp, text: str, pub: str):
    doc = nlp.make_doc(text)
    doc._.pub_date = pub
    return nlp(doc)


def find(doc, text: str) -> TimeSpan:
    at = doc.text.index(text)
    hits = [ts for ts in doc._.times if ts.span.start_char < at + len(text) and at < ts.span.end_char]
    assert hits, f"no time mention over {text!r}: {[ts.mention.text for ts in doc._.times]}"
    return hits[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(nlp, name):
    case = CASES[name]
    doc = run(nlp, case["text"], case["pub"])
    for text, start, end, precision, *more in case.get("times", []):
        tag = find(doc, text)
        m = tag.mention
        assert (m.start, m.end, m.precision) == (start, end, precision), (name, text, m)
        assert case["text"][m.span.start:m.span.end] == m.text
        for key, want in (more[0] if more else {}).items():  # value, mod, window
            got = getattr(tag, key)
            assert (list(got) if isinstance(got, tuple) else got) == want, (name, text, key, got)
    for text in case.get("absent", []):
        at = doc.text.index(text)
        over = [ts.mention.text for ts in doc._.times
                if ts.span.start_char < at + len(text) and at < ts.span.end_char]
        assert not over, (name, text, over)


def test_mentions_in_text_order_with_offsets(nlp):
    case = CASES["story_date"]
    doc = run(nlp, case["text"], case["pub"])
    starts = [ts.mention.span.start for ts in doc._.times]
    assert starts == sorted(starts)
    for ts in doc._.times:
        assert (ts.span.start_char, ts.span.end_char) == (ts.mention.span.start, ts.mention.span.end)


def test_event_time_picks_the_clause_of_the_trigger(nlp):
    case = CASES["seed_overnight"]
    doc = run(nlp, case["text"], case["pub"])

    def time_of(word):
        tok = next(t for t in doc if t.text == word)
        hit = T.event_time(doc, tok)
        return hit.mention.text if hit else None

    assert time_of("shell") == "overnight"
    assert time_of("killed") == "the previous evening"
    assert time_of("said") == "Sunday"
    # a Span trigger works as well as a Token
    span = doc[[t.text for t in doc].index("killed") - 1:[t.text for t in doc].index("killed") + 1]
    assert T.event_time(doc, span).mention.text == "the previous evening"


def test_event_time_none_without_times(nlp):
    doc = run(nlp, CASES["age"]["text"], CASES["age"]["pub"])
    assert doc._.times == []
    assert T.event_time(doc, doc[3]) is None


def test_no_publication_date_no_times(nlp):
    doc = nlp(CASES["weekday"]["text"])
    assert doc._.times == []


@pytest.mark.parametrize("text,pub,start,end,precision", [
    ("yesterday", "2019-01-30", "2019-01-29", "2019-01-29", "day"),
    ("last night", "2019-01-30", "2019-01-29", "2019-01-30", "day"),
    ("tonight", "2019-10-08", "2019-10-08", "2019-10-08", "day"),
    ("last month", "2020-01-05", "2019-12-01", "2019-12-31", "month"),
    ("last year", "2020-01-05", "2019-01-01", "2019-12-31", "year"),
    ("Last April", "2020-01-05", "2019-04-01", "2019-04-30", "month"),
    ("earlier this month", "2019-01-27", "2019-01-01", "2019-01-31", "month"),
    ("late last year", "2019-05-19", "2018-01-01", "2018-12-31", "year"),
    ("two days ago", "2020-01-05", "2020-01-03", "2020-01-03", "day"),
    ("the 1990s", "2020-01-05", "1990-01-01", "1999-12-31", "year"),
    ("3 January 2020", "2020-01-05", "2020-01-03", "2020-01-03", "day"),
    ("mid-August", "2019-10-16", "2019-08-01", "2019-08-31", "month"),
    ("this week", "2019-09-29", "2019-09-22", "2019-09-28", "week"),  # a Sunday: the week just gone
    ("the week before last", "2023-06-04", "2023-05-21", "2023-05-27", "week"),
    ("the year before last", "2023-06-04", "2021-01-01", "2021-12-31", "year"),
    ("a fortnight ago", "2023-06-04", "2023-05-21", "2023-05-27", "week"),
    ("the quarter ended Sept. 30", "2023-11-02", "2023-07-01", "2023-09-30", "month"),
    ("the second half of last year", "2023-06-04", "2022-07-01", "2022-12-31", "month"),
    ("the previous three days", "2023-06-04", "2023-06-01", "2023-06-04", "week"),
])
def test_resolve_time_out_of_context(text, pub, start, end, precision):
    m = T.resolve_time(text, pub)
    assert m is not None, text
    assert (m.start, m.end, m.precision) == (start, end, precision)


def test_resolve_time_future_weekday():
    assert T.resolve_time("Tuesday", "2019-10-12").start == "2019-10-08"
    assert T.resolve_time("Tuesday", "2019-10-12", future=True).start == "2019-10-15"
    assert T.resolve_time("Saturday", "2019-10-12").start == "2019-10-12"  # on or before


def test_not_dates():
    for text in ("22 years old", "21-year-old", "for three years", "six minutes later", "34"):
        assert T._is_not_date(text), text
    for text in ("three days later", "two years ago", "2016"):
        assert not T._is_not_date(text), text


def test_stage_alone_from_its_factory():
    """The stage is a factory with a default config; its data loads in `initialize`."""
    blank = spacy.blank("en")
    stage = blank.add_pipe("eventwire_times")
    assert blank.get_pipe_meta("eventwire_times").default_config == {"data": "times"}
    blank.initialize()
    assert stage.ready
    doc = blank.make_doc(CASES["weekday"]["text"])
    doc._.pub_date = CASES["weekday"]["pub"]
    doc = blank(doc)
    assert [(t.mention.start, t.value) for t in doc._.times] == [("2019-02-02", "2019-02-02")]


@pytest.mark.parametrize("text,pub,value", [
    ("the summer of 1998", "1999-01-05", "1998-SU"),
    ("the third quarter", "1998-11-02", "1998-Q3"),
    ("the first half of 1999", "1999-10-01", "1999-H1"),
    ("the 1990s", "2000-01-05", "199"),
    ("last week", "2000-04-03", "2000-W13"),
    ("Easter week", "2000-04-17", "2000-W16"),
    ("this century", "1999-03-12", "20"),
])
def test_timeml_values(text, pub, value):
    assert T.timeml_value(T.resolve_value(text, pub)) == value


PHRASES = ["{w}", "last {w}", "next {w}", "early {m}", "late {m}", "mid-{m}", "{m} {d}", "{d} {m} {y}",
           "since {y}", "since {m}", "{n} days ago", "{n} weeks ago", "earlier this month",
           "later this year", "this week", "the past week", "the week of {m} {d}", "the summer of {y}",
           "the first quarter", "the 1990s", "between {y} and 2021", "last Thanksgiving", "Easter week",
           "late last year", "in recent days", "over the weekend", "the second half of {y}"]


@settings(max_examples=300, deadline=None)
@given(template=st.sampled_from(PHRASES), pub=st.dates(date(1990, 1, 1), date(2030, 12, 31)),
       future=st.booleans(), w=st.sampled_from(["Monday", "Friday", "Sunday"]),
       m=st.sampled_from(["January", "February", "June", "December"]), d=st.integers(1, 28),
       y=st.integers(1950, 2020), n=st.integers(1, 30))
def test_normalisation_never_ends_before_it_starts(template, pub, future, w, m, d, y, n):
    v = T.resolve_value(template.format(w=w, m=m, d=d, y=y, n=n), pub, future=future)
    if v is None:
        return
    assert v.start <= v.end
    if v.window:
        assert v.window[0] <= v.window[1]
    assert T.timeml_value(v)


def test_the_lower_cased_scan_finds_what_the_case_insensitive_patterns_find():
    """Candidates are scanned for over the lower-cased text (faster); on real articles the
    matches are those of the case-insensitive patterns, and a text with a character that
    folds otherwise ("ſ" matches "s" only case-insensitively) is scanned as written."""
    data = Path(__file__).parent / "data"
    v = T._vocab()
    texts = [p.read_text("utf-8") for p in sorted(data.glob("*.txt"))]
    texts.append("Dozens were killed in the capital on MONDAY, two days ago, and at 3 p.m. on March 4.")
    assert texts and all(T._scan_text(t) is not None for t in texts)
    for text in texts:
        low = T._scan_text(text)
        assert [[m.span() for m in rx.finditer(text)] for rx in v.candidate_res + v.clock_res] == \
            [[m.span() for m in rx.finditer(low)] for rx in v.candidate_lower]
    assert T._scan_text("Talks on ſunday") is None and T._scan_text("İstanbul, on Monday") is None


def test_plain_forms_read_as_dateparser_reads_them():
    """`_Resolver._plain` reads "june 12", "february 2022" and "june 12, 2020" without
    dateparser: whatever it answers is what `_absolute` uses of dateparser's reading (month
    and day; year and month; the date), against any publication date and either tense; what
    it leaves (a day not in every year's month, another form) goes to dateparser."""
    resolver = T._resolver()
    full = {n: calendar.month_name[n].lower() for n in range(1, 13)}
    texts = [f"{full[m]} {d}" for m in full for d in range(1, 32)]
    texts += [f"{full[m]} {y}" for m in full for y in (1900, 1999, 2000, 2024, 2099)]
    texts += [f"{full[m]} {d}, {y}" for m in full for d in (1, 28, 29, 30, 31) for y in (2000, 2023)]
    texts += ["february 29", "june 03", "june 12th", "june 2100", "sept 12", "june 12 2020"]
    answered = 0
    for base in ("2020-02-29", "2021-12-31"):
        for prefer in ("past", "future"):
            for text in texts:
                plain = resolver._plain(text)
                if plain is None:
                    continue
                answered += 1
                read = T._dateparse(text, base, prefer)
                d, period = date.fromisoformat(read[0]), read[1]
                assert period == plain[1], text
                if resolver.re_plain_month_day.match(text):
                    assert (d.month, d.day) == (plain[0].month, plain[0].day), text
                elif period == "month":
                    assert (d.year, d.month) == (plain[0].year, plain[0].month), text
                else:
                    assert d == plain[0], text
    assert answered > 4 * 400
    assert resolver._plain("february 29") is None and resolver._plain("june 12th") is None
    assert resolver._plain("february 30, 2020") is None and resolver._plain("sept 12") is None


def test_needed_strings_of_a_pattern():
    """What a pattern's every match contains: its longest literal run, a branch's union, what a
    group or a repeat of at least once needs; nothing for what it cannot tell."""
    import re

    assert T.needed_strings(re.compile(r"\b(?:late\s+)?(?:monday|friday)\b")) == {"monday", "friday"}
    assert T.needed_strings(re.compile(r"\bthe\s+previous\s+day")) == {"previous"}
    assert T.needed_strings(re.compile(r"\d{1,2}(?:am|pm)")) == {"am", "pm"}
    assert T.needed_strings(re.compile(r"(?:ab)+x?")) == {"ab"}
    assert T.needed_strings(re.compile(r"\d+(?:am|)")) is None       # an empty alternative
    assert T.needed_strings(re.compile(r"(?:ab)*\d")) is None         # a repeat that may be absent
    assert T.needed_strings(re.compile(r"monday", re.I)) is None      # case ignored: not its letters


def test_candidate_patterns_match_only_texts_holding_what_they_need():
    """Every match of the lower-cased candidate patterns over real text holds one of the
    pattern's needed strings (so skipping a text that holds none loses nothing)."""
    v = T._vocab()
    texts = [p.read_text("utf-8").lower() for p in sorted((Path(__file__).parent / "data").rglob("*.txt"))]
    texts += [c["text"].lower() for c in CASES.values()]
    found = 0
    for rx, needs in zip(v.candidate_lower, v.candidate_needs):
        for text in texts:
            for m in rx.finditer(text):
                found += 1
                assert needs is None or any(w in m.group() for w in needs), (rx.pattern, m.group())
    assert found > 100

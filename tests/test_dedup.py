"""Cross-document dedup: the relation on its own, and the grouping of real overlapping articles
against the hand-made grouping in tests/data/dedup/groups.yaml."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
import yaml

from eventwire.resolve.dedup import Mention, canonical_event, group, related, same_event
from eventwire.resolve.score import pairwise
from eventwire.store import open_store

from .conftest import DATA

DEDUP = DATA / "dedup"


def mention(id, doc, day, *, end=None, precision="day", type="ASSAULT", place=(31.77, 35.21, "city"),
            country="IL", actors=(), recipients=(), killed=None):
    lat, lon, feature = place
    row = {"id": id, "doc_hash": doc, "type": type, "date_start": day, "date_end": end or day,
           "date_precision": precision, "lat": lat, "lon": lon, "feature": feature, "country": country,
           "admin1": "Jerusalem", "admin2": None, "geonameid": hash(place),  # one gazetteer entry per place
           "parties": json.dumps([[list(a) for a in actors], [list(r) for r in recipients]]),
           "event_type": None, "sub_event_type": None, "killed": killed, "actor1": None, "actor2": None,
           "claim_status": "reported", "historical": False, "summary": id, "doc_date": day,
           "place": "Jerusalem"}
    for k in ("injured", "captured", "arrested", "displaced"):
        row[k] = None
    return Mention.from_row(row)


def test_reports_of_one_attack_from_two_articles_match():
    a = mention("a", "d1", "2020-03-01", killed=3)
    b = mention("b", "d2", "2020-03-02", place=(31.80, 35.25, "city"), killed=5)
    assert same_event(a, b) and same_event(b, a)
    row = canonical_event([b, a])
    assert (row["killed"], row["killed_max"], row["n_sources"]) == (3, 5, 2)  # the conservative figure, range kept
    assert row == canonical_event([a, b])


@pytest.mark.parametrize("other", [
    dict(day="2020-03-05"),                                     # days apart
    dict(day="2020-03-01", type="PROTEST"),                     # another act
    dict(day="2020-03-01", place=(32.08, 34.78, "city")),       # Tel Aviv, 54 km away
    dict(day="2020-03-01", actors=(("Hamas", "PSE", "REB"),)),  # named sides that differ
])
def test_different_events_do_not_match(other):
    a = mention("a", "d1", "2020-03-01", actors=(("Israel Defense Forces", "ISR", "MIL"),))
    assert not same_event(a, mention("b", "d2", **other))


def test_one_article_never_merges_its_own_events():
    assert not same_event(mention("a", "d1", "2020-03-01"), mention("b", "d1", "2020-03-01"))


def test_a_country_alone_needs_a_shared_party():
    city = mention("a", "d1", "2020-01-03", recipients=(("Qasem Soleimani", "IRN", "MIL"),))
    country = mention("b", "d2", "2020-01-02", end="2020-01-04", precision="week", place=(33.0, 44.0, "country"),
                      recipients=(("Soleimani", "IRN", "MIL"),))
    assert related(city, country)  # a week (vague, dedup.yaml `precise`) that may report the day
    nobody = mention("c", "d3", "2020-01-02", end="2020-01-04", precision="week", place=(33.0, 44.0, "country"))
    assert not related(city, nobody)
    day = mention("d", "d4", "2020-01-03", place=(33.0, 44.0, "country"))
    assert not same_event(city, day)


def test_a_vague_report_joins_only_an_unambiguous_event():
    first = mention("a", "d1", "2020-03-01")
    second = mention("b", "d2", "2020-03-20")
    vague = mention("v", "d3", "2020-03-01", end="2020-03-31", precision="month")
    groups = {frozenset(m.id for m in g) for g in group([first, second, vague])}
    assert groups == {frozenset("a"), frozenset("b"), frozenset("v")}  # fits two: joins neither
    groups = {frozenset(m.id for m in g) for g in group([first, vague])}
    assert groups == {frozenset("av")}
    assert related(vague, first) and related(first, vague)


def test_two_vague_reports_of_one_point_match_but_not_of_a_region():
    blake = (("Jacob Blake", "USA", "CVL"),)
    month = mention("m", "d1", "2020-08-01", end="2020-08-31", precision="month", recipients=blake)
    # dated only by a publication a month later: its window (the 30 days before) meets August
    reported = mention("r", "d2", "2020-09-30", precision="reported", recipients=blake)
    assert related(month, reported) and related(reported, month)
    assert {frozenset(m.id for m in g) for g in group([month, reported])} == {frozenset("mr")}
    region = mention("g", "d3", "2020-09-30", precision="reported", place=(31.5, 35.0, "admin1"), recipients=blake)
    assert not related(month, region)
    later = mention("l", "d4", "2020-11-30", precision="reported", recipients=blake)  # windows apart
    assert not related(month, later)


def test_a_report_dated_only_by_its_year_matches_only_that_year():
    """A year is any of its events: such a report reports none of them, nor a vaguer report
    of part of it; two reports of that year at the place, by those sides, are one."""
    kurds = (("Kurdistan Workers Party", "TUR", "REB"),)
    year = mention("y", "d1", "2019-01-01", end="2019-12-31", precision="year", actors=kurds)
    day = mention("a", "d2", "2019-06-02", actors=kurds)
    month = mention("m", "d3", "2019-06-01", end="2019-06-30", precision="month", actors=kurds)
    again = mention("z", "d4", "2019-01-01", end="2019-12-31", precision="year", actors=kurds)
    assert not related(year, day) and not related(day, year)
    assert not related(year, month) and not related(month, year)
    assert related(year, again)
    assert related(month, day)  # the month still reports the day
    groups = {frozenset(m.id for m in g) for g in group([year, day, month, again])}
    assert groups == {frozenset("am"), frozenset("yz")}


@pytest.mark.parametrize("precision, start, end", [("month", "2019-06-01", "2019-06-30"),
                                                    ("reported", "2019-06-05", "2019-06-05")])
def test_a_countrys_report_of_a_month_or_of_its_day_reports_none_of_its_events(precision, start, end):
    """Named by its country alone and dated by a month, or by its publication, a report may be
    any of the country's events of those weeks: it reports none of them, even one naming its
    party; another such report of that span by the same party is the same event. A region so
    dated, or a country's week, still reports the event it fits."""
    kurds = (("Kurdistan Workers Party", "TUR", "REB"),)
    wide = dict(place=(39.0, 35.0, "country"), country="TR", actors=kurds)
    day = mention("a", "d1", "2019-06-02", place=(37.9, 40.2, "city"), country="TR", actors=kurds)
    country = mention("c", "d2", start, end=end, precision=precision, **wide)
    again = mention("z", "d3", start, end=end, precision=precision, **wide)
    other_span = mention("o", "d4", "2019-06-03", end="2019-06-03", precision="reported", **wide)
    week = mention("w", "d5", "2019-05-30", end="2019-06-05", precision="week", **wide)
    assert not related(country, day) and not related(day, country)
    assert related(country, again) and not related(country, other_span)
    assert related(week, day)
    groups = {frozenset(m.id for m in g) for g in group([day, country, again, other_span, week])}
    assert groups == {frozenset("aw"), frozenset("cz"), frozenset("o")}


@pytest.mark.parametrize("area", [dict(place=(49.0, 32.0, "country")), dict(place=(48.5, 37.5, "admin1"))])
def test_a_report_of_a_region_or_country_on_a_day_joins_one_towns_event_never_two(area):
    """ "Russian forces shelled the region on Saturday" may report any of its towns' shelling of
    that day: it joins the one it fits, and never makes two towns' events one."""
    russians = (("Russian forces", "RUS", "MIL"),)
    town = dict(country="UA", actors=russians)
    bakhmut = mention("b", "d1", "2023-06-03", place=(48.60, 38.00, "city"), **town)
    avdiivka = mention("a", "d2", "2023-06-03", place=(48.14, 37.74, "city"), **town)
    wide = mention("w", "d3", "2023-06-03", **area, **town)
    assert {frozenset(m.id for m in g) for g in group([bakhmut, avdiivka, wide])} == {
        frozenset("b"), frozenset("a"), frozenset("w")}
    assert {frozenset(m.id for m in g) for g in group([bakhmut, wide])} == {frozenset("bw")}
    again = mention("x", "d4", "2023-06-03", **area, **town)  # another report of it, that day
    assert {frozenset(m.id for m in g) for g in group([wide, again])} == {frozenset("wx")}


def test_a_regions_reports_of_a_night_and_its_day_are_one_but_daily_reports_do_not_chain():
    """The governor's "shelled the region overnight" and another article's "on Sunday" are one
    event (a lone pair, as two towns' reports a day apart); a region reported shelled every day
    is an event a day."""
    ua = (("Ukrainian forces", "UKR", "MIL"),)
    region = dict(place=(50.6, 36.6, "admin1"), country="RU", actors=ua)
    night = mention("n", "d1", "2023-06-03", end="2023-06-04", **region)
    sunday = mention("s", "d2", "2023-06-04", **region)
    assert {frozenset(m.id for m in g) for g in group([night, sunday])} == {frozenset("ns")}
    days = [mention(f"{k}", f"d{k}", f"2023-06-{k:02d}", **region) for k in range(10, 16)]
    assert sorted(len(g) for g in group(days)) == [1] * 6


def test_a_party_the_extractor_implied_conflicts_with_no_one():
    named = mention("a", "d1", "2020-03-01", actors=(("Hamas", "PSE", "REB"),))
    unnamed = mention("b", "d2", "2020-03-01", actors=(("Unidentified Armed Group", "ISR", "UNK"),))
    other = mention("c", "d3", "2020-03-01", actors=(("Israel Defense Forces", "ISR", "MIL"),))
    assert same_event(named, unnamed) and not same_event(named, other)


def test_a_vague_report_joins_the_event_it_fits_clearly_best():
    city = mention("a", "d1", "2020-03-03")
    nearby = mention("b", "d2", "2020-03-20", place=(31.80, 35.25, "city"))  # 4 km away
    vague = mention("v", "d3", "2020-03-01", end="2020-03-31", precision="month")
    groups = {frozenset(m.id for m in g) for g in group([city, nearby, vague])}
    assert groups == {frozenset("av"), frozenset("b")}  # the same gazetteer place beats a nearby one


@pytest.mark.parametrize("seed", range(6))
def test_a_group_of_one_is_written_as_the_votes_would(seed):
    from eventwire.resolve.dedup import _alone, _voted

    r = random.Random(seed)
    m = mention("a", "d1", f"2020-03-{r.randint(1, 28):02d}", precision=r.choice(["day", "month", "reported"]),
                place=r.choice([(31.77, 35.21, "city"), (None, None, None)]), killed=r.choice([None, 3]),
                actors=r.choice([(), (("Hamas", "PSE", "REB"), ("Unidentified Armed Group", "ISR", "UNK"),
                                      ("Hamas", "PSE", "REB"))]))
    assert _alone(m) == _voted([m])


def test_grouping_does_not_depend_on_input_order():
    ms = [mention("a", "d1", "2020-03-01"), mention("b", "d2", "2020-03-02"), mention("c", "d3", "2020-03-03"),
          mention("v", "d4", "2020-03-01", end="2020-03-31", precision="month")]
    expected = sorted(sorted(m.id for m in g) for g in group(ms))
    for seed in range(5):
        random.Random(seed).shuffle(ms)
        assert sorted(sorted(m.id for m in g) for g in group(ms)) == expected


def test_a_place_reported_every_day_is_an_event_a_day():
    """Days a day apart join only as a lone pair: each of a run of days stays its own event
    (else a week of daily reports chains into one), two reports of one day are one, and a
    report of a day with no other day beside it joins the report a day off ("overnight")."""
    daily = [mention(f"d{n}", f"doc{n}", f"2020-03-0{n}") for n in range(1, 6)]
    same_day = mention("s", "doc9", "2020-03-03")
    groups = {frozenset(m.id for m in g) for g in group(daily + [same_day])}
    assert groups == {frozenset({"d1"}), frozenset({"d2"}), frozenset({"d3", "s"}), frozenset({"d4"}),
                      frozenset({"d5"})}
    assert {frozenset(m.id for m in g) for g in group(daily[:2])} == {frozenset({"d1", "d2"})}
    week = mention("w", "doc8", "2020-03-01", end="2020-03-07", precision="week")
    groups = {frozenset(m.id for m in g) for g in group(daily + [week])}
    assert len(groups) == 6  # a week fits five days alike: it joins none, and chains none


@pytest.mark.parametrize("seed", range(4))
def test_places_indexed_for_grouping_find_every_pair_a_scan_finds(seed, monkeypatch):
    """`Nearby` (by country, region, gazetteer entry and band of latitude) gives the groups a
    scan of every mention by date gives, over reports at random grains of one country."""
    import eventwire.resolve.dedup as dedup

    r = random.Random(seed)
    places = [(31.77, 35.21, "city"), (31.80, 35.25, "city"), (32.08, 34.78, "city"), (31.5, 35.0, "admin1"),
              (31.0, 34.8, "country"), (29.55, 34.95, "city"), (31.77 + 0.2, 35.21, "landmark")]
    sides = [(), (("Hamas", "PSE", "REB"),), (("Israel Defense Forces", "ISR", "MIL"),)]
    ms = [mention(f"m{i:02d}", f"doc{i}", f"2020-03-{r.randint(1, 12):02d}",
                  precision=r.choice(["day", "day", "day", "week", "month", "reported"]), place=r.choice(places),
                  actors=r.choice(sides), recipients=r.choice(sides)) for i in range(60)]
    for m in ms:  # regions named or not; a week or a month from its start
        m.admin1 = m.row["admin1"] = r.choice(["Jerusalem", "Tel Aviv", None])
        if m.precision in ("week", "month"):
            m.end = m.start + timedelta(days=6 if m.precision == "week" else 30)
            m.__post_init__()
    expected = {frozenset(m.id for m in g) for g in group(ms)}
    monkeypatch.setattr(dedup, "Nearby", dedup.Neighbours)
    assert {frozenset(m.id for m in g) for g in group(ms)} == expected


# ---------------------------------------------------------------- real overlapping articles
@pytest.fixture(scope="module")
def overlapping(nlp):
    from eventwire.core import extract
    from eventwire.ingest import read_paths

    documents = list(read_paths(sorted(DEDUP.glob("*.txt"))))
    return list(zip(documents, extract(documents, nlp=nlp)))


def test_grouping_of_real_articles_matches_the_hand_grouping(overlapping, tmp_path):
    store = open_store(str(tmp_path / "dedup.db"))
    store.add(overlapping)
    entries = yaml.safe_load((DEDUP / "groups.yaml").read_text(encoding="utf-8"))
    score = pairwise(entries, list(store.events()), {d.source: d.text for d, _ in overlapping})
    assert score.precision >= 0.9, score.wrong_pairs
    assert score.tp >= 1
    # the London attacks (same city, same act, weeks apart) stay apart
    london = [r for r in store.events() if r["type"] == "ASSAULT" and r["place"] in ("London", "London Bridge")]
    months = {r["date_start"][:7] for r in london}
    assert len(months) >= 2, months  # the subject of this check: attacks in London in different months
    by_month = {m: {r["canonical_id"] for r in london if r["date_start"][:7] == m} for m in months}
    assert all(not by_month[m] & by_month[n] for m in months for n in months if m < n)


def test_shuffled_batches_give_the_same_canonical_events(overlapping, tmp_path):
    def canon(pairs, batch, name):
        store = open_store(str(tmp_path / name))
        for i in range(0, len(pairs), batch):
            store.add(pairs[i:i + batch])
        return sorted((r["id"], r["date_start"], r["place"], r["killed"], r["n_sources"])
                      for r in store.canonical_events())

    expected = canon(overlapping, len(overlapping), "all.db")
    # order could only matter if some canonical event gathers several articles
    assert any(n_sources > 1 for *_, n_sources in expected)
    shuffled = list(overlapping)
    random.Random(3).shuffle(shuffled)
    assert canon(shuffled, 1, "one.db") == expected
    random.Random(4).shuffle(shuffled)
    assert canon(shuffled, 5, "five.db") == expected
    assert date.fromisoformat(expected[0][1])


def test_candidate_queries_cover_every_precision():
    from typing import get_args

    from eventwire.models import Precision
    from eventwire.resolve.dedup import LONGEST_DAYS

    assert set(LONGEST_DAYS) == set(get_args(Precision))

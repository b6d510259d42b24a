"""Random mentions of every place grain (a landmark, a city, another point, a district, a
region, a country; regions and districts named or not), precision and span (of its own or not),
near the borders of the candidates' map cells, the 180th meridian and the poles:
`Store._candidates` holds every stored event `dedup.related` relates to one (a brute force over
every stored event, on both databases), and a store they are added to in random batches holds
the groups `dedup.group` makes of them at once."""
from __future__ import annotations

import calendar
import random
from datetime import date, timedelta

import orjson
import pytest
from dateutil.relativedelta import relativedelta

from eventwire.resolve.dedup import POINT_RANK, Mention, related
from eventwire.store.base import candidate_keys
from eventwire.store import open_store

# centres the random places lie around: somewhere plain, on a cell's corner (AREA_DEGREES), on
# the 180th meridian, far north, by the pole
CENTRES = [(10.3, 20.6), (10.25, 20.25), (65.0, 179.98), (-17.8, -179.99), (78.2, 15.6), (89.9, 40.0)]
FEATURES = ["landmark", "city", "other", "city", "admin2", "admin1", "country"]
PARTIES = [[[], []], [[["Army", "XX", "MIL"]], []], [[["Rebels", "XX", "REB"]], [["Civilians", "XX", "CVL"]]]]


def _place(rng: random.Random, centre: tuple[float, float], n: int) -> dict:
    """A gazetteer entry about 0-40 km from `centre` (farther in longitude near the pole), in one
    of two regions and districts, or in none named."""
    lat0, lon0 = centre
    lat = max(-90.0, min(90.0, lat0 + rng.uniform(-0.35, 0.35)))
    lon = lon0 + rng.uniform(-0.4, 0.4) * (1 if abs(lat0) < 80 else 60)
    lon = (lon + 180.0) % 360.0 - 180.0
    feature = rng.choice(FEATURES)
    admin1 = rng.choice(["R1", "R2", None]) if feature != "country" else None
    admin2 = rng.choice(["D1", "D2", None]) if feature not in ("country", "admin1") else None
    return dict(geonameid=n, lat=lat, lon=lon, feature=feature, country="XX", admin1=admin1, admin2=admin2)


def _when(rng: random.Random, base: date, long_months: bool) -> tuple[str, date, date]:
    day = base + timedelta(days=rng.randint(-40, 40))
    precision = rng.choice(["day", "day", "day", "week", "month", "reported", "year"])
    if precision == "day":
        return precision, day, day + timedelta(days=rng.choice([0, 0, 1]))
    if precision == "week":
        return precision, day, day + timedelta(days=rng.choice([1, 6, 8]))
    if precision == "month":  # a month, or a quarter or a season (`extract.times._months`)
        start = day.replace(day=1)
        last = start + relativedelta(months=rng.choice([0, 0, 0, 2]) if long_months else 0)
        return precision, start, last.replace(day=calendar.monthrange(last.year, last.month)[1])
    if precision == "year":
        return precision, date(day.year, 1, 1), date(day.year, 12, 31)
    return precision, day, day


def _mentions(seed: int, n: int, centres=CENTRES, long_months: bool = False) -> list[Mention]:
    rng = random.Random(seed)
    centre = rng.choice(centres)
    places = [_place(rng, centre, seed * 100 + k) for k in range(12)]
    base = date(2023, rng.choice([1, 6, 12]), rng.randint(1, 28))
    out = []
    for k in range(n):
        precision, start, end = _when(rng, base, long_months)
        row = dict(id=f"e{seed}-{k:03d}", doc_hash=f"d{rng.randrange(n)}", type=rng.choice(["battle", "battle", "riot"]),
                   date_start=start.isoformat(), date_end=end.isoformat(), date_precision=precision,
                   parties=orjson.dumps(rng.choice(PARTIES)).decode(), canonical_id=f"c{k}", **rng.choice(places))
        out.append(Mention.from_row(row))
    return out


def _store(url: str, stored: list[Mention]):
    store = open_store(url)
    with store.transaction():
        store.insert("documents", [{"hash": h} for h in sorted({m.doc_hash for m in stored})])
        store.insert("events", [{**m.row, "summary": ""} for m in stored])
    return store


def _missed(store, stored: list[Mention], queries: list[Mention]) -> list[tuple]:
    """(query, stored event) pairs `related` either way that `_candidates` does not return, for
    each query alone and for all at once."""
    together = {r["id"] for r in store._candidates(queries)}
    missed = []
    for q in queries:
        alone = {r["id"] for r in store._candidates([q])}
        for s in stored:
            if s.id != q.id and (related(q, s) or related(s, q)) and not (s.id in alone and s.id in together):
                missed.append((q.row, s.row))
    return missed


def test_candidates_hold_every_related_stored_event():
    for seed in range(40):
        ms = _mentions(seed, 90)
        stored, queries = ms[:70], ms[60:]  # some queries stored too, as a batch's regrouped ones
        with _store(":memory:", stored) as store:
            missed = _missed(store, stored, queries)
        assert not missed, (seed, missed[:3])


def test_candidates_hold_every_related_stored_event_on_both_databases(store_url):
    """Six neighbourhoods in one store, their queries in one batch."""
    ms = [m for seed in range(6) for m in _mentions(100 + seed, 60)]
    stored, queries = [m for m in ms if m.id[-1] < "7"], [m for m in ms if m.id[-1] >= "5"]
    with _store(store_url, stored) as store:
        missed = _missed(store, stored, queries)
    assert not missed, missed[:3]


def test_related_is_symmetric():
    """`Store._related` asks `related(new, stored)`, `dedup.group` `related(lesser id, greater)`:
    two regions (or districts) of which one has no unit named were related one way only."""
    for seed in range(40):
        ms = _mentions(seed, 60)
        assert not [(a.row, b.row) for a in ms for b in ms if a.id < b.id and related(a, b) != related(b, a)], seed


def test_candidates_hold_a_stored_quarter():
    """A stored report of a quarter ("in the last quarter", "this summer"; precision `month`)
    spans longer than a month: it is of its own span (`dedup.yaml` longest_days), and found by
    the reports of that span."""
    quarters = 0
    for seed in range(30, 40):
        ms = _mentions(seed, 90, long_months=True)
        long = [m for m in ms if m.precision == "month" and (m.end - m.start).days > 31]
        assert all(m.own_span for m in long)
        quarters += len(long)
        stored, queries = ms[:70], ms[60:]
        with _store(":memory:", stored) as store:
            assert not _missed(store, stored, queries), seed
    assert quarters


def _event_row(m: Mention, doc_date: str) -> dict:
    """`m` as `Store.resolve` reads a new event's row."""
    return {**m.row, "canonical_id": None, "seq": 0, "event_type": "Battles", "sub_event_type": None,
            "place": str(m.row["geonameid"]), **dict.fromkeys(("killed", "injured", "captured", "arrested", "displaced")),
            "actor1": None, "actor2": None, "claim_status": "reported", "historical": False, "summary": "",
            "doc_date": doc_date}


def _stored_groups(store) -> set[frozenset]:
    groups: dict = {}
    for r in store.query("SELECT id, canonical_id FROM events"):
        groups.setdefault(r["canonical_id"], set()).add(r["id"])
    return {frozenset(g) for g in groups.values()}


def _at_once(store) -> set[frozenset]:
    """The groups `dedup.group` makes of every stored event at once."""
    from eventwire.resolve.dedup import group
    from eventwire.store.base import RESOLVE_COLUMNS, RESOLVE_FROM

    events = [Mention.from_row(r) for r in store.query(f"SELECT {RESOLVE_COLUMNS} FROM {RESOLVE_FROM}")]
    return {frozenset(m.id for m in g) for g in group(events)}


def _corrected(store, rng: random.Random, pool: list[Mention]) -> None:
    """A stored event given another mention's date or place as `store.review.review` corrects
    one: the groups it was in or bore on dissolved, its row rewritten, the ungrouped grouped."""
    events = store.query("SELECT id FROM events ORDER BY id")
    if not events:  # a replaced document's events all gone, and nothing else stored yet
        return
    event = rng.choice(events)["id"]
    other = rng.choice(pool).row
    columns = rng.choice([("date_start", "date_end", "date_precision"),
                          ("geonameid", "lat", "lon", "feature", "admin1", "admin2")])
    with store.transaction():
        store._dissolve_around("e.id = ?", [event])
        store.execute(f"UPDATE events SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                      [other[c] for c in columns] + [event])
        store.resolve()


def _add_at_random(url: str, seed: int) -> None:
    """Random mentions of one neighbourhood (every grain, precision and span; `_mentions`)
    added as `Store.add` adds them, in random batches, some documents replaced by another
    version of theirs, some events corrected: after each batch the store's groups are
    `dedup.group`'s of every stored event."""
    rng = random.Random(seed)
    docs: dict[str, list[Mention]] = {}
    for m in _mentions(seed, 40):
        docs.setdefault(m.doc_hash, []).append(m)
    order = list(docs) + rng.sample(list(docs), min(4, len(docs)))  # the last few: replaced
    rng.shuffle(order)
    with open_store(url) as store:
        stored: set[str] = set()
        i = 0
        while i < len(order):
            size = rng.choice([1, 1, 2, 5, 12])
            batch = list(dict.fromkeys(order[i:i + size]))
            i += size
            rows = []
            for h in batch:
                for m in docs[h]:
                    # a replaced document's new version: some of its events gone, some a day on
                    if h in stored and (move := rng.random()) < 0.6:
                        if move < 0.3:
                            continue
                        m = Mention.from_row({**m.row, **{k: (date.fromisoformat(m.row[k]) + timedelta(days=1))
                                                          .isoformat() for k in ("date_start", "date_end")}})
                    rows.append(_event_row(m, "2024-03-01"))
            with store.transaction():
                for h in batch:
                    if h in stored:
                        store._remove_document(h)
                store.resolve(rows)
                store.insert("documents", [{"hash": h, "date": "2024-03-01"} for h in batch])
                store.insert("events", [{k: v for k, v in r.items() if k != "doc_date"} for r in rows])
            stored |= set(batch)
            if rng.random() < 0.5:  # an analyst moves an event to another's date or place (`review`)
                _corrected(store, rng, [m for ms in docs.values() for m in ms])
            assert _stored_groups(store) == _at_once(store), (seed, i)
        # regrouping from scratch finds every group right, and its canonical row with it
        rows = store.query("SELECT * FROM canonical_events ORDER BY id")
        store.regroup()
        assert store.query("SELECT * FROM canonical_events ORDER BY id") == rows, seed


def test_random_mentions_added_in_random_batches_are_grouped_as_stored_at_once(tmp_path):
    """The invariant of `Store.resolve` (as tests/test_store_batch.py's retellings, with every
    grain, precision and span, and no extraction): 30 stores on SQLite."""
    for seed in range(30):
        _add_at_random(str(tmp_path / f"{seed}.db"), seed)


def test_a_regroup_killed_midway_and_run_again_leaves_no_event_without_its_row():
    """A damaged store's group spanning two blocks (a type and country each): the first block's
    transaction deletes its row, and the upgrade is killed before the second; run again, the
    second block's events, whole under that id, get their row back."""
    from eventwire.resolve.dedup import canonical_event, canonical_id

    ms = [m for m in _mentions(7, 40) if m.type == "battle"][:1] + [m for m in _mentions(8, 40) if m.type == "riot"][:1]
    with open_store(":memory:") as store:
        with store.transaction():
            store.insert("documents", [{"hash": m.doc_hash, "date": "2024-03-01"} for m in ms])
            store.insert("events", [{k: v for k, v in _event_row(m, "").items() if k != "doc_date"} for m in ms])
        first, second = store.values("SELECT DISTINCT type, country FROM events")
        # the second block's event has the lesser id: the group's id is its own alone
        ids = {first[0]: "b", second[0]: "a"}
        with store.transaction():
            for m in ms:
                store.execute("UPDATE events SET id = ?, canonical_id = ? WHERE id = ?",
                              [ids[m.type], canonical_id("a"), m.id])
            store.insert("canonical_events", [canonical_event(store._mentions("e.id = 'a'"))])

        def killed(n: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            store.regroup(killed)
        store.regroup()
        assert not store.query("SELECT e.id FROM events e LEFT JOIN canonical_events c ON c.id = e.canonical_id "
                               "WHERE c.id IS NULL")


def test_candidates_hold_a_day_corrected_to_span_five():
    """An analyst's correction (`store.review`) may leave a report dated to a day spanning five:
    longer than a day's span, it is the same event only as another report of those five days,
    and the store finds that one."""
    ms = _mentions(1, 3)
    place = dict(geonameid=1, lat=10.0, lon=20.0, feature="city", country="XX", admin1="R1", admin2=None)
    five = dict(type="battle", date_precision="day", date_start="2023-01-01", date_end="2023-01-05")
    stored = Mention.from_row({**ms[0].row, **place, **five})
    query = Mention.from_row({**ms[1].row, **place, "type": "battle", "date_precision": "day",
                              "date_start": "2023-01-05", "date_end": "2023-01-05", "doc_hash": "other"})
    again = Mention.from_row({**ms[0].row, **place, **five, "id": ms[2].id, "doc_hash": "another"})  # same parties
    assert stored.own_span and not stored.precise
    assert not related(query, stored) and related(again, stored)
    with _store(":memory:", [stored]) as store:
        assert not _missed(store, [stored], [query, again])


def test_an_areas_vague_report_reads_only_towns_reports_of_its_own_span():
    """A region's report of a month, or dated by its publication, pairs with a town's vaguely
    dated report only on the very same span (`dedup.vague_pair`): the candidates hold the
    region's towns' reports of that span and their precise reports of days it may cover, not
    every town's report of the weeks around (a busy region's month of news)."""
    rng = random.Random(7)
    towns = [dict(geonameid=k, lat=48.0 + rng.uniform(-0.3, 0.3), lon=37.8 + rng.uniform(-0.3, 0.3), feature="city",
                  country="XX", admin1="R1", admin2=None) for k in range(20)]
    region = dict(geonameid=999, lat=48.0, lon=37.8, feature="admin1", country="XX", admin1="R1", admin2=None)

    def mention(i: str, place: dict, precision: str, start: date, end: date) -> Mention:
        return Mention.from_row(dict(id=i, doc_hash=f"d{i}", type="battle", date_start=start.isoformat(),
                                     date_end=end.isoformat(), date_precision=precision, canonical_id=f"c{i}",
                                     parties=orjson.dumps(PARTIES[1]).decode(), **place))

    june = (date(2023, 6, 1), date(2023, 6, 30))
    stored = [mention(f"t{k}m{month}", towns[k], "month", date(2023, month, 1), date(2023, month, 28))
              for k in range(20) for month in (5, 7)]
    stored += [mention(f"t{k}r{d}", towns[k], "reported", date(2023, 6, d), date(2023, 6, d))
               for k in range(20) for d in (3, 9, 17, 21)]
    stored += [mention("june", towns[0], "month", *june), mention("day", towns[1], "day", date(2023, 6, 12),
                                                                  date(2023, 6, 12))]
    queries = [mention("q-month", region, "month", *june),
               mention("q-reported", region, "reported", date(2023, 6, 21), date(2023, 6, 21))]
    with _store(":memory:", stored) as store:
        assert not _missed(store, stored, queries)
        found = {r["id"] for r in store._candidates(queries)}
    assert {"june", "day"} <= found
    # of the towns' 120 vaguely dated reports, only those of a query's own span
    assert {i for i in found if i[0] == "t"} == {f"t{k}r21" for k in range(20)}


def test_precise_keys_find_every_related_precise_event_and_fewer_others():
    """`candidate_keys(only="precise")` (the context `Store._affected` keeps only the precisely
    dated of) finds every stored day at a point related to a mention, among fewer candidates
    than all keys read (no stored country's reports for a point: a busy country's reports of the
    day were half of what the precise neighbours read)."""
    fewer = 0
    for seed in range(200, 215):
        ms = _mentions(seed, 90)
        stored, queries = ms[:70], ms[60:]
        with _store(":memory:", stored) as store:
            found = {r["id"] for r in store._candidates(queries, candidate_keys(queries, only="precise"))}
            every = {r["id"] for r in store._candidates(queries)}
        assert found <= every, seed
        fewer += len(every) - len(found)
        assert not [(q.id, s.id) for q in queries for s in stored
                    if s.precise and s.id != q.id and related(q, s) and s.id not in found], seed
    assert fewer > 0


def test_an_areas_week_report_finds_a_countrys_report_of_that_very_week():
    """A region's or a district's report of a week pairs with the country's report of the same
    week that names the same party (`dedup.vague_pair`: the same span; a week, unlike a month,
    is no country's own span): the areas' keys of a vague span read the stored countries too."""
    week = dict(type="battle", date_precision="week", date_start="2023-06-05", date_end="2023-06-11",
                parties=orjson.dumps(PARTIES[1]).decode())
    country = dict(geonameid=1, lat=10.0, lon=20.0, feature="country", country="XX", admin1=None, admin2=None)
    stored = Mention.from_row(dict(id="s", doc_hash="ds", canonical_id="cs", **week, **country))
    queries = [Mention.from_row(dict(id=f"q{k}", doc_hash=f"d{k}", canonical_id=None, **week, **place))
               for k, place in enumerate([
                   dict(geonameid=2, lat=12.0, lon=21.0, feature="admin1", country="XX", admin1="R1", admin2=None),
                   dict(geonameid=3, lat=12.5, lon=21.5, feature="admin2", country="XX", admin1="R1", admin2="D1")])]
    assert not stored.own_span and all(related(q, stored) for q in queries)
    with _store(":memory:", [stored]) as store:
        assert not _missed(store, [stored], queries)


def _day(i: str, place: dict, day: str, end: str = "", actors=(), recipients=()) -> Mention:
    """A report of a day (or two, to `end`) at `place`, naming these (name, sector) parties."""
    parties = [[[n, "XX", s] for n, s in actors], [[n, "XX", s] for n, s in recipients]]
    return Mention.from_row(dict(id=i, doc_hash=f"d{i}", type="battle", date_start=day, date_end=end or day,
                                 date_precision="day", parties=orjson.dumps(parties).decode(), canonical_id=None,
                                 **place))


REGION = dict(geonameid=2, lat=11.0, lon=21.0, feature="admin1", country="XX", admin1="R1", admin2=None)
TOWN = dict(REGION, geonameid=3, feature="city", lat=10.0)


@pytest.mark.parametrize("batches", [
    # a country's report of two days fits a town's of the second and joined it: no neighbour of
    # the country's report the day before it, which pairs with the new one the day before that
    [[_day("p", TOWN, "2023-07-01", actors=[("Army", "MIL")]),
      _day("v", dict(REGION, feature="country", admin1=None), "2023-06-30", "2023-07-01", actors=[("Army", "MIL")]),
      _day("b", dict(REGION, feature="country", admin1=None), "2023-06-29", actors=[("Army", "MIL")])],
     [_day("n", dict(REGION, feature="country", admin1=None), "2023-06-28", actors=[("Army", "MIL")])]],
    # a region's report fits two towns' alike (and stays alone): no neighbour of the region's
    # report the day before, whose two neighbours the new report joins into one (a lone pair)
    [[_day("p1", TOWN, "2023-06-30"), _day("p2", dict(TOWN, geonameid=4, lat=12.0), "2023-06-30"),
      _day("v", REGION, "2023-06-29"), _day("b1", REGION, "2023-06-27", actors=[("Army", "MIL")]),
      _day("b2", REGION, "2023-06-27", actors=[("Rebels", "REB")]),
      _day("c", REGION, "2023-06-28", recipients=[("Police", "COP")])],
     [_day("n", REGION, "2023-06-27", recipients=[("Traders", "CVL")])]],
])
def test_an_areas_day_read_beside_another_is_weighed_with_the_events_it_may_report(batches):
    """The areas' reports of days read as the neighbours of those regrouped (`Store._affected`
    step 4) come with the precise events they may report: one that fits one is no neighbour
    (`dedup.group` pairs only the unmatched), but read alone it was, and two reports a day apart
    stayed apart (`dedup._join_lone_pairs`) that grouping at once joins."""
    with open_store(":memory:") as store:
        for batch in batches:
            rows = [_event_row(m, "2024-03-01") for m in batch]
            with store.transaction():
                store.resolve(rows)
                store.insert("documents", [{"hash": m.doc_hash, "date": "2024-03-01"} for m in batch])
                store.insert("events", [{k: v for k, v in r.items() if k != "doc_date"} for r in rows])
            assert _stored_groups(store) == _at_once(store)
        assert any("n" in g and len(g) > 1 for g in _stored_groups(store))  # joined as a lone pair

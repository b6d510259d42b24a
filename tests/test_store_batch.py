"""A batch stored at once is grouped as the same documents stored one by one: the batch's
candidates are read in one query and its groups written at once, stored groups regrouped only
where the new events change them."""
from __future__ import annotations

import logging
import random
from datetime import date, timedelta

import pytest

from eventwire.ingest import read_paths
from eventwire.store import open_store

from .conftest import DATA, retold_on


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def reports(nlp):
    """The real overlapping articles of tests/data/dedup, each also retold by two other
    (copied) articles a day or two later or earlier: many reports of one event across
    documents, precisely and vaguely dated, so that later documents join and merge groups
    stored by earlier ones."""
    from eventwire.core import extract

    documents = list(read_paths(sorted((DATA / "dedup").glob("*.txt"))))
    pairs = list(zip(documents, extract(documents, nlp=nlp)))
    rng = random.Random(5)
    out = list(pairs)
    for copy in (1, 2):
        for document, record in pairs:
            days = rng.choice((-1, 0, 1, 2))
            doc_id = f"{record.doc_id}-retold{copy}"
            events = [e.model_copy(update={"id": f"{doc_id}:{n}", "date": e.date.model_copy(update={
                "start": _shift(e.date.start, days), "end": _shift(e.date.end, days)})})
                for n, e in enumerate(record.events, 1)]
            out.append((document.model_copy(update={"id": doc_id, "text": f"{document.text}\n[retold {copy}]"}),
                        record.model_copy(update={"doc_id": doc_id, "events": events})))
    rng.shuffle(out)
    return out


def _groups(store) -> set[frozenset]:
    members: dict[str, set] = {}
    for row in store.query("SELECT id, canonical_id FROM events"):
        members.setdefault(row["canonical_id"], set()).add(row["id"])
    return {frozenset(ids) for ids in members.values()}


def _grouping(url: str, pairs: list, batch: int) -> tuple[set, list]:
    with open_store(url) as store:
        for i in range(0, len(pairs), batch):
            store.add(pairs[i:i + batch])
        return _groups(store), store.canonical_events()


@pytest.fixture(scope="module")
def stored_at_once(reports, tmp_path_factory):
    return _grouping(str(tmp_path_factory.mktemp("once") / "once.db"), reports, len(reports))


@pytest.mark.parametrize("batch", [1, 7, 0])
def test_a_batch_is_grouped_as_its_documents_stored_one_by_one(reports, stored_at_once, store_url, batch):
    """Compared with one SQLite store filled in one batch: batches of 1 and 7 documents on
    both databases, and PostgreSQL in one batch."""
    at_once, canonical = stored_at_once
    assert max(len(g) for g in at_once) >= 3  # the subject: events reported by several documents
    assert sum(len(g) > 1 for g in at_once) >= 10
    assert len(canonical) == len(at_once)
    if batch == 0 and not store_url.startswith("postgresql"):
        pytest.skip("the reference itself")
    grouping, rows = _grouping(store_url, reports, batch or len(reports))
    assert grouping == at_once, (sorted(map(sorted, grouping)), sorted(map(sorted, at_once)))
    assert rows == canonical


def _placed_pair(reports, west: tuple[float, float], east: tuple[float, float]) -> list:
    """The first located event of a real article and a report of it by another document the
    same day, the two placed `west` and `east`: two points of one place, as a town and its
    island may be. Only that event is kept, in Fiji."""
    document, record = next((d, r) for d, r in reports if "retold" not in r.doc_id
                            and any(e.location and e.location.feature not in ("country", "admin1", "admin2")
                                    for e in r.events))
    event = next(e for e in record.events if e.location and e.location.feature not in ("country", "admin1", "admin2"))
    out = []
    for n, (lat, lon) in enumerate((west, east)):
        place = event.location.model_copy(update={"lat": lat, "lon": lon, "country": "FJ", "admin1": None})
        doc_id = f"{record.doc_id}-fiji{n}"
        out.append((document.model_copy(update={"id": doc_id, "text": f"{document.text}\n[fiji {n}]"}),
                    record.model_copy(update={"doc_id": doc_id, "events": [event.model_copy(update={
                        "id": f"{doc_id}:1", "location": place})]})))
    return out


@pytest.mark.parametrize("shift", [0.0, -10.0])
def test_reports_either_side_of_the_180th_meridian_are_one_event(reports, store_url, shift):
    """Taveuni's island point lies east of the meridian (-179.97) and its town Waiyevo west
    of it (179.98), 5 km apart: stored one document at a time, the second finds the first,
    as the same pair moved 10 degrees west does."""
    def wrap(lon: float) -> float:
        return (lon + 180.0) % 360.0 - 180.0
    pair = _placed_pair(reports, (-16.79, wrap(179.98 + shift)), (-16.85, wrap(-179.97 + shift)))
    grouping, _ = _grouping(store_url, pair, 1)
    assert len(grouping) == 1 and len(next(iter(grouping))) == 2


GRAINS = {  # Kharkiv, its oblast, the Donetsk oblast and a town of it, and the country
    "city": dict(name="Kharkiv", feature="city", lat=49.98, lon=36.25, admin1="Kharkiv Oblast"),
    "region": dict(name="Kharkiv Oblast", feature="admin1", lat=49.5, lon=36.5, admin1="Kharkiv Oblast"),
    "district": dict(name="Chuhuiv Raion", feature="admin2", lat=49.8, lon=36.7, admin1="Kharkiv Oblast",
                     admin2="Chuhuiv Raion"),
    "other region": dict(name="Donetsk Oblast", feature="admin1", lat=48.0, lon=37.8, admin1="Donetsk Oblast"),
    "other town": dict(name="Kramatorsk", feature="city", lat=48.72, lon=37.56, admin1="Donetsk Oblast"),
    "country": dict(name="Ukraine", feature="country", lat=49.0, lon=32.0, admin1=None),
}


def test_places_of_every_grain_are_grouped_as_stored_at_once(reports, store_url, tmp_path):
    """The candidates query keeps only the stored regions of a new event's own region (and
    every stored country): reports of one event placed at a town, its region, a district of
    it, another region and a town there, and the whole country, stored one document at a time,
    group as they do stored at once."""
    located = [(d, r) for d, r in reports if "retold" not in r.doc_id and any(e.location for e in r.events)][:3]
    pairs = []
    for grain, place in GRAINS.items():
        for document, record in located:
            doc_id = f"{record.doc_id}-{grain.replace(' ', '-')}"
            events = [e.model_copy(update={"id": f"{doc_id}:{n}", "location": e.location.model_copy(update={
                "country": "UA", "geonameid": None, "admin2": None, **place})})
                for n, e in enumerate((e for e in record.events if e.location), 1)]
            pairs.append((document.model_copy(update={"id": doc_id, "text": f"{document.text}\n[{grain}]"}),
                          record.model_copy(update={"doc_id": doc_id, "events": events})))
    random.Random(3).shuffle(pairs)
    at_once, _ = _grouping(str(tmp_path / "once.db"), pairs, len(pairs))
    assert sum(len(g) > 1 for g in at_once) >= 3 and max(len(g) for g in at_once) >= 4
    one_by_one, _ = _grouping(store_url, pairs, 1)
    assert one_by_one == at_once


def _at_a_point_on_a_day(event) -> bool:
    return event.location is not None and event.location.feature in ("landmark", "city") and event.date.precision == "day"


def _placed_day(reports) -> tuple:
    """The first real article (not a retelling) with an event at a point, dated to a day, and that event."""
    document, record = next((d, r) for d, r in reports if "retold" not in r.doc_id and any(
        _at_a_point_on_a_day(e) for e in r.events))
    return document, record, next(e for e in record.events if _at_a_point_on_a_day(e))


@pytest.mark.parametrize("order,batch", [("descending", 1), ("shuffled", 3)])
def test_a_place_reported_every_day_is_an_event_a_day_whatever_the_order(reports, store_url, order, batch, tmp_path):
    """A real event retold as happening at its place on each of ten days (two reports of the
    fourth): the days do not chain into one event, the fourth's reports are one, and two
    reports a day apart with no other day beside them are one. Stored in batches on both
    databases, the store after each batch is grouped as its documents stored at once (a day
    stored next to a run of days breaks the pair an earlier batch made at the run's end)."""
    document, record, event = _placed_day(reports)
    pairs = (retold_on(document, record, event, [0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9], "daily")
             + retold_on(document, record, event, [30, 31], "pair"))
    if order == "shuffled":
        random.Random(batch).shuffle(pairs)
    else:  # each day beside a run of days stored before it
        pairs.reverse()
    at_once, _ = _grouping(str(tmp_path / "once.db"), pairs, len(pairs))
    sizes = sorted(len(g) for g in at_once)
    assert sizes == [1] * 9 + [2, 2], sizes  # nine lone days, the fourth's two reports, the pair
    with open_store(store_url) as store:
        for i in range(0, len(pairs), batch):
            store.add(pairs[i:i + batch])
            so_far, _ = _grouping(str(tmp_path / f"once-{i}.db"), pairs[:i + batch], len(pairs))
            assert _groups(store) == so_far, i


def _a_group_per_event(store, reports, key=lambda m: m.id) -> None:
    """`reports` stored, each event written as a group of its own (as a bulk load writes them),
    or with the others of its `key`."""
    from eventwire.resolve.dedup import Mention, canonical_event
    from eventwire.store.base import RESOLVE_COLUMNS, RESOLVE_FROM

    store.add(reports)
    with store.transaction():
        groups: dict = {}
        for r in store.query(f"SELECT {RESOLVE_COLUMNS} FROM {RESOLVE_FROM}"):
            m = Mention.from_row(r)
            groups.setdefault(key(m), []).append(m)
        rows = [canonical_event(g) for g in groups.values()]
        store.execute("DELETE FROM canonical_events")
        store.insert("canonical_events", rows)
        store.executemany("UPDATE events SET canonical_id = ? WHERE id = ?",
                          [(row["id"], m.id) for row, g in zip(rows, groups.values()) for m in g])


def test_regroup_of_a_store_written_a_group_per_event_groups_it_as_added_at_once(reports, stored_at_once, store_url,
                                                                                   caplog, monkeypatch):
    """`Store.regroup` on a store whose events were each written as a group of their own (as a
    bulk load writes them) gives the groups and canonical rows that adding them at once gives."""
    at_once, canonical = stored_at_once
    with open_store(store_url) as store:
        _a_group_per_event(store, reports)
        assert store.stats()["canonical_events"] == store.stats()["events"] > len(at_once)
        with caplog.at_level(logging.INFO, logger="eventwire.store"):
            monkeypatch.setattr("eventwire.store.base.PROGRESS_SECONDS", 0)  # a line per type and country
            assert store.regroup(store._progress("grouped again")) == len(at_once)
        n = store.stats()["events"]
        assert caplog.messages[-1] == f"{store.url}: grouped again {n:,} of {n:,} events"
    grouping, rows = _grouping(store_url, [], 1)
    assert grouping == at_once
    assert rows == canonical


def test_two_regroups_at_once_group_as_one(reports, stored_at_once, tmp_path):
    """Two connections upgrading one SQLite store at once (nothing holds them apart between
    blocks), whose events were grouped a type and country to a group (as rules since changed
    might have grouped them): one regroups every block between the other's read of its first
    block and its write; the groups are those of one regrouping."""
    from contextlib import contextmanager

    at_once, canonical = stored_at_once
    url = str(tmp_path / "two.db")
    with open_store(url) as first, open_store(url) as second:
        _a_group_per_event(first, reports, lambda m: (m.type, m.country))
        own = second.transaction

        @contextmanager
        def after_the_first():
            if not ran:
                ran.append(first.regroup())
            with own():
                yield
        ran: list = []
        second.transaction = after_the_first
        second.regroup()
    grouping, rows = _grouping(url, [], 1)
    assert grouping == at_once
    assert rows == canonical


def test_a_replaced_document_regroups_the_days_it_kept_apart(reports, store_url, tmp_path):
    """Reports of three days in a row keep each other apart (the middle day has two
    neighbours); re-extracted by a newer version, the third day's document moves its event a
    week on, and the first two days, a lone pair now, join: the store is grouped as its
    documents stored at once."""
    document, record, event = _placed_day(reports)
    days = retold_on(document, record, event, [0, 1, 2], "row")
    third_doc, third = days[2]
    moved = retold_on(document, record, event, [9], "row")[0][1]
    newer = third.model_copy(update={"events": [moved.events[0].model_copy(update={"id": third.events[0].id})],
                                     "extractor": third.extractor.model_copy(update={"version": "9.9"})})
    with open_store(store_url) as store:
        store.add(days)
        assert sorted(map(len, _groups(store))) == [1, 1, 1]
        assert store.add([(third_doc, newer)]).replaced == 1
        now = _groups(store)
    at_once, _ = _grouping(str(tmp_path / "once.db"), days[:2] + [(third_doc, newer)], 3)
    assert now == at_once
    assert sorted(map(len, now)) == [1, 2]


def test_a_corrected_date_regroups_the_days_it_kept_apart(reports, store_url, tmp_path):
    """As a replaced document: an analyst moves the third of three days in a row a week on,
    and the first two, a lone pair now, join."""
    from eventwire.store.review import review

    document, record, event = _placed_day(reports)
    days = retold_on(document, record, event, [0, 1, 2], "row")
    with open_store(store_url) as store:
        store.add(days)
        assert sorted(map(len, _groups(store))) == [1, 1, 1]
        third = store.query("SELECT id, date_start, date_end FROM events ORDER BY date_start DESC")[0]
        week_on = {k: (date.fromisoformat(third[f"date_{k}"]) + timedelta(days=7)).isoformat() for k in ("start", "end")}
        review(store, third["id"], "tester", "correct", {"date": {**week_on, "precision": "day"}})
        assert sorted(map(len, _groups(store))) == [1, 2]


def _retellings(document, record, event, seed: int) -> tuple[list, list[list]]:
    """Reports of a real event retold by other documents at random: on days of one week, as a
    day, two days ("overnight"), a week, a month or the day of a report, at its city, a town 10
    km north, one 20 km further, its region or its country, its parties as extracted, none or
    another group. Returns the documents and batches of them in a random order, some of which
    re-add a document (each in a batch of its own) as another extractor version retells it."""
    from eventwire.models import Actor

    rng = random.Random(seed)
    at = event.location
    places = [{}, dict(name="North", geonameid=1, lat=at.lat + 0.09), dict(name="Far north", geonameid=2, lat=at.lat + 0.27),
              dict(name=at.admin1 or "Region", geonameid=3, feature="admin1", admin2=None),
              dict(name=at.country, geonameid=4, feature="country", admin1=None, admin2=None)]
    other = Actor(name="Islamic State", text="Islamic State", sector="REB", span=event.evidence[0])
    parties = [(event.actors, event.recipients), ([], []), ([other], [])]
    places, parties = rng.sample(places, rng.randint(1, 3)), rng.sample(parties, rng.randint(1, 2))

    def retold(n: int, version: str) -> tuple:
        (document_n, record_n), = retold_on(document, record, event, [rng.randint(0, 6)], f"random{n}-")
        e = record_n.events[0]
        start = date.fromisoformat(e.date.start)
        precision, days = rng.choice([("day", 0)] * 4 + [("day", 1), ("week", 6), ("month", 0), ("reported", 0)])
        if precision == "month":
            start = start.replace(day=1)
            days = ((start + timedelta(days=31)).replace(day=1) - start).days - 1
        actors, recipients = rng.choice(parties)
        e = e.model_copy(update={"actors": actors, "recipients": recipients,
                                 "location": at.model_copy(update=rng.choice(places)),
                                 "date": e.date.model_copy(update={"start": start.isoformat(), "precision": precision,
                                                                   "end": (start + timedelta(days=days)).isoformat()})})
        return document_n, record_n.model_copy(update={"events": [e], "extractor": record_n.extractor.model_copy(
            update={"version": version})})

    order = [retold(n, "first") for n in range(rng.randint(4, 12))]
    rng.shuffle(order)
    batches, i = [], 0
    while i < len(order):
        size = rng.choice([1, 1, 2, 3, len(order)])
        batches.append(order[i:i + size])
        i += size
    again = [retold(rng.randrange(len(order)), f"again{k}") for k in range(rng.randint(0, 3))]
    return order + again, batches + [[pair] for pair in again]


def _stored_groups_are_grouped_at_once(reports, seed: int, url: str, once: str) -> None:
    """After each batch, the store's groups are those `dedup.group` makes of every stored event;
    at the end, its canonical rows those of the latest documents stored at once."""
    from eventwire.resolve.dedup import Mention, group
    from eventwire.store.base import RESOLVE_COLUMNS, RESOLVE_FROM

    document, record, event = _placed_day(reports)
    order, batches = _retellings(document, record, event, seed)
    with open_store(url) as store:
        for n, batch in enumerate(batches):
            store.add(batch)
            events = [Mention.from_row(r) for r in store.query(f"SELECT {RESOLVE_COLUMNS} FROM {RESOLVE_FROM}")]
            assert _groups(store) == {frozenset(m.id for m in g) for g in group(events)}, (seed, n)
        canonical = store.canonical_events()
    latest = {d.id: (d, r) for d, r in order}  # a document re-added: its last version
    assert _grouping(once, list(latest.values()), len(latest))[1] == canonical, seed


def test_random_retellings_added_and_replaced_in_random_batches_are_grouped_as_stored_at_once(reports, tmp_path):
    """The invariant of `Store.resolve`, over forty random stores of a real event's retellings
    (`_retellings`) on SQLite."""
    for seed in range(40):
        _stored_groups_are_grouped_at_once(reports, seed, str(tmp_path / f"{seed}.db"), str(tmp_path / f"{seed}-once.db"))


@pytest.mark.parametrize("seed", [6, 33])
def test_random_retellings_are_grouped_as_stored_at_once_on_both_databases(reports, store_url, seed, tmp_path):
    """Two of those stores (of the few that a replaced document's neighbours broke) on both databases."""
    _stored_groups_are_grouped_at_once(reports, seed, store_url, str(tmp_path / "once.db"))

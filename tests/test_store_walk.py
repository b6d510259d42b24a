"""The newest matches of a filter, however SQLite's store reads them (a bounded walk of the date
index, then the filter's own plan when the walk finds too few): the same events as a filter
over every stored event, in the same order, page after page."""
from __future__ import annotations

from datetime import date

import pytest

from eventwire.store import EventQuery, open_store
from eventwire.store import sqlite as sqlite_store


def _expected(store, keep, located: bool = False) -> list[str]:
    rows = store.query("SELECT id, date_start, type, country, admin1, claim_status, lat, lon, date_end FROM events")
    rows = [r for r in rows if keep(r) and (not located or r["lat"] is not None)]
    return [r["id"] for r in sorted(rows, key=lambda r: (r["date_start"] or "", r["id"]), reverse=True)]


def _paged(store, q: EventQuery, size: int) -> list[str]:
    ids, cursor = [], None
    while True:
        rows, cursor = store.page(q, cursor=cursor, limit=size)
        ids += [r["id"] for r in rows]
        if cursor is None:
            return ids


@pytest.fixture(scope="module")
def stored(tmp_path_factory, sample_records):
    path = tmp_path_factory.mktemp("walk") / "walk.db"
    with open_store(str(path)) as s:
        s.add(sample_records)
    return str(path)


def _filters(store) -> dict[str, tuple[EventQuery, object]]:
    """Filters common and rare in the store, from what it holds."""
    common = store.query("SELECT type, country, count(*) AS n FROM events WHERE country IS NOT NULL "
                         "GROUP BY type, country ORDER BY n DESC, type, country LIMIT 1")[0]
    rare = store.query("SELECT type, country FROM events WHERE country IS NOT NULL "
                       "GROUP BY type, country ORDER BY count(*), type, country LIMIT 1")[0]
    lat, lon = store.query("SELECT lat, lon FROM events WHERE lat IS NOT NULL ORDER BY id LIMIT 1")[0].values()
    box = (lon - 3, lat - 3, lon + 3, lat + 3)
    days = sorted(r["date_start"] for r in store.query("SELECT date_start FROM events"))
    since, until = date.fromisoformat(days[len(days) // 4]), date.fromisoformat(days[3 * len(days) // 4])
    return {
        "everything": (EventQuery(), lambda r: True),
        "common type and country": (EventQuery(type=[common["type"]], country=[common["country"]]),
                                    lambda r: (r["type"], r["country"]) == (common["type"], common["country"])),
        "rare type and country": (EventQuery(type=[rare["type"]], country=[rare["country"]]),
                                  lambda r: (r["type"], r["country"]) == (rare["type"], rare["country"])),
        "box": (EventQuery(bbox=box), lambda r: r["lat"] is not None and box[1] <= r["lat"] <= box[3]
                and box[0] <= r["lon"] <= box[2]),
        "dates": (EventQuery(since=since, until=until),
                  lambda r: r["date_end"] >= since.isoformat() and r["date_start"] <= until.isoformat()),
        "claimed": (EventQuery(claim_status=["claimed"]), lambda r: r["claim_status"] == "claimed"),
    }


@pytest.mark.parametrize("reach", [3, 20, 100_000])
def test_pages_and_points_are_the_newest_matches_however_far_the_walk_reaches(stored, monkeypatch, reach):
    # a walk of a few events makes the bounded walk and its fallback run on a small store
    monkeypatch.setattr(sqlite_store, "WALK_EVENTS", reach)
    monkeypatch.setattr(sqlite_store, "WALK_PER_MATCH", 1)
    with open_store(stored) as s:
        read = []
        values = s.values
        monkeypatch.setattr(s, "values", lambda sql, params=(): read.append(sql) or values(sql, params))
        for name, (q, keep) in _filters(s).items():
            expected = _expected(s, keep)
            assert expected or name == "claimed", name
            assert _paged(s, q, 4) == expected, name
            assert [r["id"] for r in s.page(q, limit=500)[0]] == expected, name
            located = _expected(s, keep, located=True)
            points, more = s.points(q, limit=5)
            assert [p[0] for p in points] == located[:5] and more == (len(located) > 5), name
        if reach == 3:  # both ways were taken: a walk that stopped at its day, and the type and country's index
            assert any(sqlite_store.DATE_HINT in sql and "e.date_start >= ?" in sql for sql in read)
            assert any(sqlite_store.TYPE_COUNTRY_HINT in sql for sql in read)


def test_a_page_of_words_or_an_actor_weighs_its_plans_once(stored, monkeypatch):
    """Choosing the plan of a word's or an actor's matches counts them (the full-text index,
    the actor's summary): once a page, not again for the plan it then runs."""
    with open_store(stored) as s:
        counted = []
        hint = s.page_hint
        monkeypatch.setattr(s, "page_hint", lambda q, limit=50: counted.append(q) or hint(q, limit))
        for q in (EventQuery(text="killed"), EventQuery(actor="police"), EventQuery(text="killed", actor="police")):
            counted.clear()
            s.page(q, limit=5)
            s.points(q, limit=5)
            assert len(counted) == 2, q

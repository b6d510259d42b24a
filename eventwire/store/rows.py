"""SPEC document records flattened into the store's rows, and events read back."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterable, Iterator, Optional

import orjson
from pydantic_core import to_json

from ..models import COUNT_KINDS, Actor, Document, DocumentRecord, Event, Place, Span


def _units(p: Place) -> tuple[Optional[str], Optional[str]]:
    """admin1, admin2 of a place, a region being its own unit (so that filtering by a region
    finds events placed at the region itself)."""
    return (p.admin1 or (p.name if p.feature == "admin1" else None),
            p.admin2 or (p.name if p.feature == "admin2" else None))


def _place(p: Optional[Place]) -> dict:
    if p is None:
        return dict.fromkeys(("place", "geonameid", "lat", "lon", "feature", "country", "admin1", "admin2"))
    admin1, admin2 = _units(p)
    return {"place": p.name, "geonameid": p.geonameid, "lat": p.lat, "lon": p.lon, "feature": p.feature,
            "country": p.country, "admin1": admin1, "admin2": admin2}


def _place_row(doc_hash: str, seq: int, p: Place) -> dict:
    admin1, admin2 = _units(p)
    return {"doc_hash": doc_hash, "seq": seq, "name": p.name, "text": p.text, "geonameid": p.geonameid,
            "lat": p.lat, "lon": p.lon, "feature": p.feature, "country": p.country, "admin1": admin1,
            "admin2": admin2, "span_start": p.span.start, "span_end": p.span.end}


def _quote(text: str, span: Span) -> str:
    return text[span.start:span.end]


def summary(text: str, event: Event) -> str:
    """The evidence sentences, the event's own words (what full-text search reads)."""
    return " … ".join(_quote(text, s).strip() for s in event.evidence)


def _json(value) -> str:
    """Lists of strings as compact JSON, non-ASCII kept (orjson: a sixth of `json`'s cost,
    twice per event at ingest)."""
    return orjson.dumps(value).decode()


@lru_cache(maxsize=4096)
def _words(values: tuple[str, ...]) -> str:
    """A list of vocabulary words (modes, contexts) as JSON: a few hundred distinct lists
    among all events, each encoded once."""
    return _json(values)


def record_json(event: Event, event_id: str) -> str:
    """The event's record as JSON under its store id: its own JSON with the id in front
    swapped (a copy of the model per event, to change one field, cost a third of its row)."""
    text = event.model_dump_json()
    if event_id == event.id:
        return text
    head = '{"id":' + to_json(event.id).decode()
    if text.startswith(head):  # the id is the model's first field
        return '{"id":' + to_json(event_id).decode() + text[len(head):]
    return event.model_copy(update={"id": event_id}).model_dump_json()


def parties(event: Event) -> str:
    """Actors and recipients as [name, country, sector] lists: what dedup compares, small enough
    to read for every candidate (the whole record is not)."""
    return _json([[[a.name, a.country, a.sector] for a in side] for side in (event.actors, event.recipients)])


def folded_names(names: Iterable[Optional[str]]) -> tuple[str, ...]:
    """Actor names and texts as the actor filter compares them: lower-cased, distinct, sorted."""
    return tuple(sorted({n.lower() for n in names if n}))


def actor_set(folded: tuple[str, ...]) -> Optional[str]:
    """The id of a set of `folded_names` (none for an event without actors): a hash of them,
    so that ingest needs no lookup to name a set (80 bits: no collision among billions)."""
    return hashlib.blake2b("\x1f".join(folded).encode(), digest_size=10).hexdigest() if folded else None


def event_actors(event: Event) -> tuple[str, ...]:
    """The folded names and texts of the event's actors, recipients and claimants (its rows
    in `actors`)."""
    return folded_names(s for side in (event.actors, event.recipients, event.claim.claimants)
                        for a in side for s in (a.name, a.text))


def event_row(event: Event, doc_hash: str, seq: int, text: str, event_id: Optional[str] = None,
              folded: Optional[tuple[str, ...]] = None) -> dict:
    """The event's row, under `event_id` (default its own id); `folded` its `event_actors`
    when the caller has them."""
    event_id = event_id or event.id
    row = {
        "id": event_id, "doc_hash": doc_hash, "seq": seq, "type": event.type,
        "mode": _words(tuple(event.mode)), "context": _words(tuple(event.context)),
        "event_type": event.acled.event_type if event.acled else None,
        "sub_event_type": event.acled.sub_event_type if event.acled else None,
        "date_start": event.date.start, "date_end": event.date.end, "date_precision": event.date.precision,
        "date_basis": event.date.basis, "date_text": event.date.text,
        **_place(event.location),
        "actor1": event.actors[0].name if event.actors else None,
        "actor2": event.recipients[0].name if event.recipients else None,
        "claim_status": event.claim.status,
        "claimant": event.claim.claimants[0].name if event.claim.claimants else None,
        "channel": event.claim.channel, "historical": event.historical, "confidence": event.confidence,
        "summary": summary(text, event), "parties": parties(event), "record": record_json(event, event_id),
        "canonical_id": None,
        "actor_set": actor_set(event_actors(event) if folded is None else folded),
    }
    for kind in COUNT_KINDS:
        count = getattr(event.counts, kind)
        row[kind] = count.value if count else None
        row[f"{kind}_q"] = count.qualifier if count else None
    return row


def _actor_rows(event_id: str, role: str, actors: list[Actor]) -> Iterator[dict]:
    for n, a in enumerate(actors):
        yield {"event_id": event_id, "role": role, "seq": n, "name": a.name, "text": a.text,
               "country": a.country, "sector": a.sector, "actor_group": a.group,
               "span_start": a.span.start, "span_end": a.span.end}


def evidence_spans(record: dict, text: str) -> list[tuple[str, int, int, str]]:
    """Every field of a stored event's record (its SPEC JSON, parsed) that came from the text,
    as (field, start, end, words): read from the record and its document's text, not stored
    apart (seven rows an event were a seventh of ingest)."""
    spans: list[tuple[str, dict]] = [("evidence", s) for s in record.get("evidence") or ()]
    for name, span in (("trigger", record.get("trigger")), ("date", (record.get("date") or {}).get("span")),
                       ("location", (record.get("location") or {}).get("span"))):
        if span:
            spans.append((name, span))
    claim = record.get("claim") or {}
    for role, actors in (("actor", record.get("actors")), ("recipient", record.get("recipients")),
                         ("claimant", claim.get("claimants"))):
        spans += [(role, a["span"]) for a in actors or ()]
    counts = record.get("counts") or {}
    spans += [(kind, counts[kind]["span"]) for kind in COUNT_KINDS if counts.get(kind)]
    return [(name, span["start"], span["end"], text[span["start"]:span["end"]]) for name, span in spans]


def span_rows(event_id: str, spans: list[tuple[str, int, int, str]]) -> list[dict]:
    """An event's `evidence_spans` as evidence rows (event_id, seq, field, span_start, span_end, text)."""
    return [{"event_id": event_id, "seq": n, "field": field, "span_start": start, "span_end": end, "text": words}
            for n, (field, start, end, words) in enumerate(spans)]


def evidence_rows(record: dict, text: str, event_id: str) -> list[dict]:
    """The evidence rows of a stored event's record (`evidence_spans`, `span_rows`)."""
    return span_rows(event_id, evidence_spans(record, text))


def store_id(event: Event, doc_hash: str) -> str:
    """An event's id in the store: its number under the document's content hash, unique even
    when two sources give their documents the same id."""
    return f"{doc_hash}:{event.id.rsplit(':', 1)[-1]}"


def spec_id(store_event_id: str, doc_id: str) -> str:
    """The SPEC id (`doc_id:n`) of a stored event, for exports."""
    return f"{doc_id}:{store_event_id.rsplit(':', 1)[-1]}"


def document_rows(document: Document, record: DocumentRecord, doc_hash: str) -> dict[str, list[dict]]:
    """All rows of one extracted document, by table, events under their store ids; and under
    `actor_sets` the folded names of each actor set of its events, by id."""
    text = document.text
    rows: dict[str, list[dict]] = {
        "documents": [{
            "hash": doc_hash, "doc_id": record.doc_id, "date": record.date, "title": document.title,
            "source": document.source, "publisher": document.publisher, "url": document.url, "lang": document.lang, "text": text,
            "n_events": len(record.events), "extractor_version": record.extractor.version,
            "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }],
        "events": [], "actors": [], "actor_sets": {},
        "places": [_place_row(doc_hash, n, p) for n, p in enumerate(record.places)],
        "times": [{"doc_hash": doc_hash, "seq": n, "text": t.text, "span_start": t.span.start,
                   "span_end": t.span.end, "value_start": t.start, "value_end": t.end,
                   "precision": t.precision} for n, t in enumerate(record.times)],
    }
    for seq, event in enumerate(record.events):
        event_id = store_id(event, doc_hash)
        folded = event_actors(event)
        rows["events"].append(event_row(event, doc_hash, seq, text, event_id, folded))
        if folded:
            rows["actor_sets"][rows["events"][-1]["actor_set"]] = folded
        for role, actors in (("actor", event.actors), ("recipient", event.recipients),
                             ("claimant", event.claim.claimants)):
            rows["actors"] += _actor_rows(event_id, role, actors)
    return rows


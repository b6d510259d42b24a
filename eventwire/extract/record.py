"""Assemble the SPEC document record from what the components left on the Doc."""
from __future__ import annotations

from spacy.tokens import Doc

from .. import __version__
from ..models import Counts, Document, DocumentRecord, Event, Extractor
from .events import EventDraft


def to_event(draft: EventDraft, event_id: str) -> Event:
    return Event(
        id=event_id,
        type=draft.type,
        mode=draft.mode,
        context=draft.context,
        acled=draft.acled,
        actors=draft.actors,
        recipients=draft.recipients,
        date=draft.date,
        location=draft.place.place if draft.place else None,
        counts=Counts(**draft.counts),
        claim=draft.claim,
        historical=draft.historical,
        evidence=sorted(draft.evidence, key=lambda s: s.start),
        trigger={"start": draft.trigger.start_char, "end": draft.trigger.end_char},
        confidence=draft.confidence,
    )


def to_record(doc: Doc, document: Document) -> DocumentRecord:
    drafts = sorted(doc._.events or [], key=lambda d: min(e.start for e in d.evidence))
    return DocumentRecord(
        doc_id=document.id,
        date=document.date,
        title=document.title,
        source=document.source,
        url=document.url,
        events=[to_event(d, f"{document.id}:{n}") for n, d in enumerate(drafts, 1)],
        places=[p.place for p in doc._.places or ()],
        times=[t.mention for t in doc._.times or ()],
        actors=[a.actor for a in doc._.actors or ()],
        extractor=Extractor(version=__version__),
    )

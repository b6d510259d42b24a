"""Dating: the one place that decides an event's date and whether it is `historical` (SPEC 3).

The assembler asks `date_mention` for each mention of an event (the time expression that
governs its trigger, from the time tagger), and `settle` once the mentions of one event are
folded together: the most precise date the text gives wins, a date after publication is
never when a reported act happened, and an event that ended more than 30 days before
publication is background.
"""
from __future__ import annotations

from datetime import date as Date
from typing import Optional

from spacy.tokens import Doc, Span

from ..models import EventDate
from . import times as times_stage
from .mentions import TimeSpan

PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "reported": 9}
HISTORICAL_DAYS = 30  # SPEC 3
# A planned or conditional act may lie ahead of publication.
FUTURE_STATUSES = ("planned", "conditional")


def publication_date(doc: Doc) -> EventDate:
    """No time expression ties the event to a date: on or before publication."""
    return EventDate(start=doc._.pub_date, end=doc._.pub_date, precision="reported", basis="publication")


def from_time(time: TimeSpan) -> EventDate:
    m = time.mention
    return EventDate(start=m.start, end=m.end, precision=m.precision, text=m.text, basis="text", span=m.span)


def date_mention(doc: Doc, trigger: Span) -> tuple[EventDate, Optional[TimeSpan]]:
    """The date one mention of an event states: its governing time expression, else publication."""
    time = times_stage.event_time(doc, trigger)
    if time is None:
        return publication_date(doc), None
    return from_time(time), time


def after_publication(date: EventDate, pub: str) -> bool:
    return date.basis == "text" and date.end > pub


def is_historical(date: EventDate, pub: str) -> bool:
    if date.basis != "text":
        return False
    return (Date.fromisoformat(pub) - Date.fromisoformat(date.end)).days > HISTORICAL_DAYS


def _rank(date: EventDate) -> tuple:
    return (date.basis != "text", PRECISION_RANK.get(date.precision, 9))


def settle(doc: Doc, draft) -> None:
    """Fix `draft`'s date from its mentions' dates, then its `historical` flag."""
    pub = doc._.pub_date
    future = draft.claim.status in FUTURE_STATUSES
    options = [d for d in [draft.date, *draft.dates] if d is not None and (future or not after_publication(d, pub))]
    draft.date = min(options, key=_rank) if options else publication_date(doc)
    draft.historical = is_historical(draft.date, pub)

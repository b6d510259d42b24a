"""Typed records of the output contract (SPEC sections 2-7), named after the SPEC."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

PloverType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    "DISPLACE",
]
Sector = Literal["GOV", "MIL", "REB", "COP", "CVL", "PTY", "JRN", "MED", "REF", "IGO", "NGO", "UNK"]
Precision = Literal["day", "week", "month", "year", "reported"]
Feature = Literal["country", "admin1", "admin2", "city", "landmark", "other"]
Qualifier = Literal["exact", "at_least", "about", "at_most"]
ClaimStatus = Literal["reported", "claimed", "disputed", "denied", "planned", "conditional", "negated"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Record):
    """Character offsets into the document body, Python str indices, end exclusive."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Document(Record):
    """An input document (SPEC 1)."""

    id: str
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    text: str
    title: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None
    publisher: Optional[str] = Field(
        None, description="who published it, where the input says (feed title, site name, Telegram channel, a "
                          "`source` given in the input, else the URL's host); ACLED's `source` column")
    lang: Optional[str] = None
    forwarded_from: Optional[str] = Field(
        None, description="the channel a relayed post came from (a forwarded Telegram message): "
                          "the party the report is attributed to")


class Actor(Record):
    name: str
    text: str
    country: Optional[str] = Field(None, description="ISO 3166-1 alpha-3")
    sector: Sector = "UNK"
    group: Optional[str] = None
    span: Span


class Place(Record):
    name: str
    text: str
    geonameid: Optional[int] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    feature: Feature
    country: Optional[str] = Field(None, description="ISO 3166-1 alpha-2")
    admin1: Optional[str] = None
    admin2: Optional[str] = None
    span: Span


class TimeMention(Record):
    text: str
    span: Span
    start: str
    end: str
    precision: Precision


class Count(Record):
    value: int = Field(ge=0)
    qualifier: Qualifier = "exact"
    text: str
    span: Span


COUNT_KINDS = ("killed", "injured", "captured", "arrested", "displaced")


class Counts(Record):
    killed: Optional[Count] = None
    injured: Optional[Count] = None
    captured: Optional[Count] = None
    arrested: Optional[Count] = None
    displaced: Optional[Count] = None


class EventDate(Record):
    start: str
    end: str
    precision: Precision
    text: Optional[str] = None
    basis: Literal["text", "publication"]
    span: Optional[Span] = None


class Acled(Record):
    event_type: str
    sub_event_type: Optional[str] = None


class Claim(Record):
    claimants: list[Actor] = []
    channel: Optional[str] = None
    status: ClaimStatus = "reported"


class Event(Record):
    id: str
    type: PloverType
    mode: list[str] = []
    context: list[str] = []
    acled: Optional[Acled] = None
    actors: list[Actor] = []
    recipients: list[Actor] = []
    date: EventDate
    location: Optional[Place] = None
    counts: Counts = Counts()
    claim: Claim = Claim()
    historical: bool = False
    evidence: list[Span] = Field(min_length=1)
    trigger: Optional[Span] = Field(None, description="the words that name the act")
    confidence: float = Field(ge=0.0, le=1.0)


class Extractor(Record):
    name: str = "eventwire"
    version: str


class DocumentRecord(Record):
    """One output line (SPEC 2)."""

    doc_id: str
    date: str
    title: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    events: list[Event] = []
    places: list[Place] = []
    times: list[TimeMention] = []
    actors: list[Actor] = []
    extractor: Extractor

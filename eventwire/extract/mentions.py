"""What extraction components leave on the Doc: a SPEC record tied to the tokens it came from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Span as TokenSpan, Token

from ..models import Actor, Count, Place, Span, TimeMention


def char_span(span: TokenSpan) -> Span:
    return Span(start=span.start_char, end=span.end_char)


@dataclass
class TimeSpan:
    span: TokenSpan
    mention: TimeMention


@dataclass
class PlaceSpan:
    span: TokenSpan
    place: Place
    metonymic: bool = False  # "Moscow said": the place stands for its government


@dataclass
class ActorSpan:
    span: TokenSpan
    actor: Actor


@dataclass
class CountSpan:
    span: TokenSpan
    count: Count
    kind: Optional[str] = None  # killed / injured / captured / arrested / displaced
    anchor: Optional[Token] = None  # the word saying what happened to the people counted
    hazard: bool = False  # harm a hazard caused (storm, crash, disease): no act of anyone's (scope)

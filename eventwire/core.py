"""The library entry point: documents in, SPEC document records out."""
from __future__ import annotations

import gc
import sys
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator, Optional, TypeVar, Union

from spacy.language import Language

from .ingest import IngestError

from . import __version__
from .limits import limits
from .timelimit import TimeLimit, time_guard
from .extract.record import to_record
from .models import Document, DocumentRecord
from .nlp import load_nlp, make_doc, memory_zone, warm_tokenizer


T = TypeVar("T")


def partitions(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items (the last may be shorter), read from `items` only as needed."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def batches(items: Iterable[T], most: int, chars: int, length: Callable[[T], int]) -> Iterator[list[T]]:
    """Lists of at most `most` items, each ended before the item that would take it past
    `chars` characters (an item longer than that is a list of its own)."""
    batch: list[T] = []
    total = 0
    for item in items:
        n = length(item)
        if batch and (len(batch) == most or total + n > chars):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += n
    if batch:
        yield batch


# A document's run through the pipeline makes tens of thousands of container objects, nearly
# all freed by reference counting; at Python's default threshold (a young collection every 700
# allocations) the collector ran several times per document, and its full collections walked
# every cache the stages keep: about 3% of extraction time. While documents are extracted it
# runs every GC_YOUNG allocations instead (a little more garbage waits, none is kept).
GC_YOUNG = 5000
# spaCy's models take the documents in batches of about BATCH_CHARS characters (and at most
# `batch_size` documents), not of a fixed count: each batch has a fixed cost in the models'
# layers, which 8 short news items did not cover, while 8 long articles held the models'
# arrays of all at once. Against 8 a batch (CPU-s of extraction, peak RSS): 600 news items of
# 800 characters 21.9 -> 18.6 s, 260 -> 364 MB at 40,000 characters (16,000: 20.5 s, 289 MB);
# the 96 longest articles of the corpus (10,000-100,000 characters) 47 -> 38 s, 1.6 -> 0.6 GB.
# On the 2,133 documents of benchmarks/throughput.py `extract`'s peak RSS was 477 MB at 40,000
# (over the 450 MB bar), 439 at 30,000 and 399 at 20,000, with extract/bare 0.85, 0.81, 0.81.
BATCH_CHARS = 20_000
# Documents extracted in one spaCy memory zone: the new words they bring to the vocabulary
# are dropped after them (a backlog's vocabulary grows without bound: every name, number and
# typo is a new word). Zones cost nothing per document; a few hundred words' strings wait.
ZONE_DOCS = 128
_gc_lock = threading.Lock()
_gc_users = [0, None]  # extractions running, and the threshold to restore after the last


@contextmanager
def _fewer_collections() -> Iterator[None]:
    with _gc_lock:
        if _gc_users[0] == 0:
            _gc_users[1] = gc.get_threshold()
            young, *older = _gc_users[1]
            if 0 < young < GC_YOUNG:  # 0: the collector is off, and stays so
                gc.set_threshold(GC_YOUNG, *older)
        _gc_users[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users[0] -= 1
            if _gc_users[0] == 0:
                gc.set_threshold(*_gc_users[1])


def _report(error: IngestError) -> None:
    print(f"eventwire: skipped {error}", file=sys.stderr)


def extract(documents: Iterable[Union[Document, IngestError]], nlp: Optional[Language] = None,
            batch_size: int = 64, on_error: Callable[[IngestError], None] = _report,
            doc_seconds: Optional[float] = None) -> Iterator[DocumentRecord]:
    """Extract events from each document, in input order, streaming; unreadable inputs
    (`IngestError`, as `ingest.read_paths` yields them) go to `on_error`, and so do documents
    over `doc_seconds` of extraction (default `Limits.doc_seconds`; 0: no limit). spaCy's
    models take at most `batch_size` documents, `BATCH_CHARS` characters, at a time."""
    nlp = nlp or load_nlp()
    time_guard(nlp, limits().doc_seconds if doc_seconds is None else doc_seconds)

    def failed(name, proc, docs, exc) -> None:
        for doc in docs:  # the document is skipped and reported; the batch goes on
            document = getattr(doc, "_context", None)
            where = (document.source or document.id) if document is not None else "a document"
            problem = str(exc) if isinstance(exc, TimeLimit) else \
                f"extraction failed in {name}: {type(exc).__name__}: {exc}"
            on_error(IngestError(where, problem))

    # our components are plain functions, which spaCy guards with this handler;
    # `set_error_handler` would also touch the parser, whose compiled class rejects it
    nlp.default_error_handler = failed

    def readable(items) -> Iterator[Document]:
        for d in items:
            if isinstance(d, IngestError):
                on_error(d)
            else:
                yield d

    def docs(batch: list[Document]):  # Docs are made inside the zone, as they are needed
        return ((make_doc(nlp, d.text, d.date), d) for d in batch)

    with _fewer_collections():
        for part in partitions(documents, ZONE_DOCS):
            records = []
            # records are plain data: nothing of spaCy's leaves the zone. They are yielded after
            # it ends: a zone held open across a `yield` would be closed under another generator
            # of this pipeline resumed meanwhile (its Docs' strings dropped), or by another thread
            warm_tokenizer(nlp, (d.text for d in part if isinstance(d, Document)))
            with memory_zone(nlp):
                for batch in batches(readable(part), batch_size, BATCH_CHARS, lambda d: len(d.text)):
                    for doc, document in nlp.pipe(docs(batch), batch_size=len(batch), as_tuples=True):
                        records.append(to_record(doc, document))
                        # the stages' spans point back at their Doc: without them it is freed
                        # now, inside its zone, not by a later collection
                        doc.user_data.clear()
            yield from records


def extract_text(text: str, date: str, doc_id: Optional[str] = None, **meta) -> DocumentRecord:
    """Extract from one text dated `date` (ISO); convenience for notebooks and tests."""
    from .ingest.readers import content_id

    document = Document(id=doc_id or content_id(text), date=date, text=text, **meta)
    return next(extract([document]))


@dataclass
class RunSummary:
    """What `run` did: documents by outcome, events stored, canonical events in the store."""

    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: list = field(default_factory=list)
    events: int = 0
    canonical: int = 0


def extract_batch(documents: list[Document], nlp: Optional[Language] = None
                  ) -> tuple[list[DocumentRecord], list[IngestError]]:
    """Records of the documents that extract, and the errors of those that do not; the unit of
    work `run` hands to a Dask worker (which loads the pipeline once and keeps it)."""
    errors: list[IngestError] = []
    return list(extract(documents, nlp=nlp, on_error=errors.append)), errors


def run(documents: Iterable[Union[Document, IngestError]], store, nlp: Optional[Language] = None,
        batch_size: int = 32, on_error: Callable[[IngestError], None] = _report,
        on_document: Callable[[int], None] = lambda n: None, client=None,
        on_events: Callable[[int], None] = lambda n: None) -> RunSummary:
    """The main job: extract what the store lacks (or holds from another extractor version),
    store it and resolve duplicates, one transaction per batch. Safe to re-run, and to kill:
    a run started again skips the documents stored (by content hash) and does the rest.

    `documents` is read lazily, one batch at a time. With a Dask `distributed.Client`, batches
    are extracted on its workers (a few in flight per worker, so memory stays bounded) while
    this process stores the results as they arrive; arrival order does not change the
    canonical events. `on_document`/`on_events` get the documents done and events stored."""
    summary = RunSummary()

    def failed(error: IngestError) -> None:
        summary.failed.append(error)
        on_error(error)

    def readable() -> Iterator[Document]:
        for item in documents:
            if isinstance(item, IngestError):
                failed(item)
                on_document(1)
            else:
                yield item

    def chunks() -> Iterator[tuple[list[Document], list[Document]]]:
        """Batches of readable documents, each with those that need extracting."""
        for chunk in partitions(readable(), batch_size):
            stale = store.needs_extraction(chunk, __version__)
            yield chunk, [d for d, s in zip(chunk, stale) if s]

    def extracted() -> Iterator[tuple[list[Document], list[Document], tuple]]:
        if client is None:
            for chunk, todo in chunks():
                yield chunk, todo, extract_batch(todo, nlp) if todo else ([], [])
            return
        from distributed import as_completed

        from .scale import extract_partition, prepare

        window = 2 * prepare(client)  # one partition running and one waiting per worker thread
        pending: dict = {}
        done = as_completed()
        for chunk, todo in chunks():
            if not todo:
                yield chunk, todo, ([], [])
                continue
            future = client.submit(extract_partition, todo, pure=False)
            pending[future.key] = (chunk, todo)
            done.add(future)
            while done.count() >= window:
                future = next(done)
                yield *pending.pop(future.key), future.result()
        for future in done:
            yield *pending.pop(future.key), future.result()

    sent: deque[tuple[list[Document], list[Document], int]] = deque()

    def batches() -> Iterator[list[tuple[Document, DocumentRecord]]]:
        for chunk, todo, (records, errors) in extracted():
            for error in errors:
                failed(error)
            by_id: dict[str, list[DocumentRecord]] = {}
            for r in records:
                by_id.setdefault(r.doc_id, []).append(r)
            pairs = [(d, by_id[d.id].pop(0)) for d in todo if by_id.get(d.id)]
            sent.append((chunk, todo, len(pairs)))
            yield pairs

    # each batch's rows are made while the one before is written (`Store.add_all`)
    for result in store.add_all(batches()):
        chunk, todo, stored = sent.popleft()
        summary.new += result.new
        summary.replaced += result.replaced
        summary.unchanged += len(chunk) - len(todo) + stored - result.new - result.replaced
        summary.events += result.events
        on_document(len(chunk))
        on_events(result.events)
    summary.canonical = store.stats()["canonical_events"]
    return summary

"""A long extraction keeps what it remembers bounded: the vocabulary does not grow with the
documents (spaCy memory zones) and the memo tables stay under their bound, with the records
unchanged."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.core import extract
from eventwire.models import Document
from eventwire.nlp import memo

DATA = Path(__file__).parent / "data"


def articles(name: str) -> list[Document]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [Document(**json.loads(line)) for line in lines if line.strip()]


def records(docs: list[Document], nlp) -> list[str]:
    return [r.model_dump_json() for r in extract(docs, nlp=nlp)]


@pytest.fixture(scope="module")
def news() -> tuple[list[Document], list[Document]]:
    """Two sets of real articles: the second brings words the first does not have."""
    first, second = articles("wikinews-5.jsonl"), articles(".backlog/backlog.jsonl")
    assert len(first) >= 5 and len(second) >= 5
    return first, second


def test_vocabulary_does_not_grow_with_documents(nlp, news):
    first, second = news
    records(first, nlp)  # whatever the pipeline keeps for good (labels, analyses) is in now
    strings = len(nlp.vocab.strings)
    new_words = {t for d in second for t in d.text.split()} - {t for d in first for t in d.text.split()}
    assert sum(w not in nlp.vocab.strings for w in new_words) > 100
    records(second, nlp)
    records(first + second, nlp)
    assert len(nlp.vocab.strings) == strings
    assert not nlp.vocab.in_memory_zone


def test_records_same_after_their_words_are_dropped(nlp, news):
    """The second pass reads the memo tables filled in the first, whose words' strings its zone
    dropped: nothing kept across documents may be a hash of one."""
    docs = news[1]
    for name in ("lemmatizer", "attribute_ruler"):
        proc = nlp.get_pipe(name)
        for table in ("lemmas", "classes", "outcomes"):
            getattr(proc, table, {}).clear()
    assert records(docs, nlp) == records(docs, nlp)


def test_memo_tables_stay_bounded(nlp, news, monkeypatch):
    docs = news[0] + news[1]
    expected = records(docs, nlp)
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    tables = {"lemmas": lemmatizer.lemmas, "classes": ruler.classes, "outcomes": ruler.outcomes}
    assert len(tables["lemmas"]) > 1000 and len(tables["classes"]) > 1000
    monkeypatch.setattr(memo, "MEMO_ENTRIES", 200)
    longest = max(len(nlp.make_doc(d.text)) for d in docs)
    sizes = {name: [] for name in tables}
    for doc, record in zip(docs, expected):
        assert records([doc], nlp) == [record]
        for name, table in tables.items():
            sizes[name].append(len(table))
    for name, seen in sizes.items():
        assert max(seen) <= 200 + longest, name
    assert min(sizes["lemmas"]) < 200  # emptied on the way, and filled again


def test_interleaved_extractions_keep_their_words(nlp, news, monkeypatch):
    """Two extractions of one pipeline advanced in turn (two readers of a backlog), with zones
    of two documents, give the records each gives alone: one's zone must not end under the
    other's Docs (their new words' strings dropped: E018 or other words' text)."""
    import itertools

    from eventwire import core

    first, second = news
    alone = records(first[:3], nlp), records(second[:3], nlp)
    monkeypatch.setattr(core, "ZONE_DOCS", 2)
    errors = []
    ga, gb = (core.extract(docs[:3], nlp=nlp, on_error=errors.append) for docs in (first, second))
    got: tuple[list, list] = ([], [])
    # the first finishes its zone while the second has begun one of its Docs inside it
    for g, out, n in ((ga, got[0], 2), (gb, got[1], 1), (ga, got[0], None), (gb, got[1], None)):
        out.extend(r.model_dump_json() for r in itertools.islice(g, n))
    assert not errors
    assert got == alone


def test_extraction_resumed_on_another_thread(nlp, news):
    """A record stream consumed partly here and partly on a worker thread (a web server's
    thread pool) finishes, with the records of one pass."""
    from concurrent.futures import ThreadPoolExecutor

    first, _ = news
    expected = records(first[:3], nlp)
    stream = extract(first[:3], nlp=nlp)
    head = next(stream).model_dump_json()
    with ThreadPoolExecutor(1) as pool:
        rest = pool.submit(lambda: [r.model_dump_json() for r in stream]).result(timeout=300)
    assert [head] + rest == expected


def test_warming_the_tokenizer_adds_no_word_and_changes_no_token(nlp):
    """The tokenizer caches nothing inside a memory zone; the known words of a zone's texts are
    tokenized outside it first, so that it keeps them: no string is added to the vocabulary
    (a new word, a number, a word with punctuation are left out) and the tokens are the same."""
    from eventwire.nlp import memory_zone, warm_tokenizer
    from eventwire.nlp.pipeline import _WARMED

    text = "Shelling hit Kharkiv overnight, the governor said; 3 people and Zyxwvutq were hurt."
    with memory_zone(nlp):  # tokenized afresh (nothing cached), and no word of it kept
        before = [(t.text, t.whitespace_) for t in nlp.make_doc(text)]
    strings = len(nlp.vocab.strings)
    warm_tokenizer(nlp, [text])
    assert len(nlp.vocab.strings) == strings
    assert {"the", "governor", "hit"} <= _WARMED[nlp]
    assert not {"overnight,", "said;", "3", "Zyxwvutq", "hurt."} & _WARMED[nlp]
    with memory_zone(nlp):
        assert [(t.text, t.whitespace_) for t in nlp.make_doc(text)] == before
        warm_tokenizer(nlp, ["the governor of Kharkiv"])  # inside a zone: nothing to do
    assert len(nlp.vocab.strings) == strings

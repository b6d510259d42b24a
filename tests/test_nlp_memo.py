"""The memoised attribute ruler and lemmatizer leave every token exactly as the plain model does."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

from eventwire.nlp import MODEL
from eventwire.nlp.memo import MemoAttributeRuler, MemoLemmatizer, memoise

DATA = Path(__file__).parent / "data"
ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]


def texts() -> list[str]:
    out = [p.read_text("utf-8") for p in sorted(DATA.glob("**/*.txt")) if ".rejected" not in p.parts]
    for name in ("wikinews-5.jsonl", ".backlog/backlog.jsonl"):
        out += [json.loads(line)["text"] for line in (DATA / name).open(encoding="utf-8") if line.strip()]
    return out


@pytest.fixture(scope="module")
def models():
    plain = spacy.load(MODEL)
    fast = spacy.load(MODEL)
    memoise(fast)
    return plain, fast


def test_memoised_tokens_equal_plain(models):
    plain, fast = models
    ruler, lemmatizer = fast.get_pipe("attribute_ruler"), fast.get_pipe("lemmatizer")
    assert isinstance(ruler, MemoAttributeRuler) and ruler.usable
    assert isinstance(lemmatizer, MemoLemmatizer)
    docs = texts()
    assert len(docs) > 30
    for round_ in (1, 2):  # the first round learns the words, the second reads them all back
        learned = len(ruler.outcomes), len(lemmatizer.lemmas)
        for text, a, b in zip(docs, plain.pipe(docs), fast.pipe(docs)):
            assert (a.to_array(ATTRS) == b.to_array(ATTRS)).all(), text[:60]
        if round_ == 2:
            assert (len(ruler.outcomes), len(lemmatizer.lemmas)) == learned


def test_longer_rule_token_as_plain(models):
    """"there is": a two-token rule sets the verb, which the one-token table cannot know."""
    plain, fast = models
    text = ("He also said there is no suggestion of specific increased threat towards people in "
            "crowded places from terrorists.")  # wn-040.txt
    a, b = plain(text), fast(text)
    assert fast.get_pipe("attribute_ruler")._set_by_longer(b)  # the longer path is taken
    assert (a.to_array(ATTRS) == b.to_array(ATTRS)).all()
    assert [t.pos_ for t in b if t.lower_ == "is"] == [t.pos_ for t in a if t.lower_ == "is"]


def test_pipeline_memoised(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler"), MemoAttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer"), MemoLemmatizer)
    # the places stage reads the lemmatizer's word list through the wrapper
    assert nlp.get_pipe("lemmatizer").lookups.has_table("lemma_index")

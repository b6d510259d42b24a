"""Which parts of a text are English, said only where a cheap detector can be trusted.

A text is read in blocks: its lines and, inside a line that mixes scripts, its runs of
sentences written in one script. A block mostly in a script other than Latin (Devanagari,
Cyrillic, Arabic, ...) is not English, however short. A block in Latin script is English when
it has the function words that any English prose is full of; otherwise py3langid (a naive Bayes
model over byte n-grams, shipped in its wheel, with calibrated probabilities) names its
language, trusted only on two sentences or more and when sure; else it cannot tell.

A document is English when its English blocks are substantial (ENGLISH_LETTERS), whatever else
it holds: a transcript beside its translation, a quoted passage, a bilingual release. The
pipeline reads the blocks in another language as no text to extract from (`foreign_spans`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

import yaml

# below this many letters in words (about two sentences) n-gram guesses are unreliable
MIN_LETTERS = 100
MIN_DISTINCT_WORDS = 15   # a run of one repeated token ('aaaa...') is no language
MIN_CONFIDENCE = 0.95
SAMPLE_CHARS = 10_000     # the start of a long text says enough, at a fraction of the cost
# English prose has about 10% of `english_words` (data/language.yaml), other languages next to none
ENGLISH_SHARE = 0.04
# English blocks of this many letters make a document English, whatever else it holds: two
# sentences, enough to report an event. Measured on the throughput corpus's parts of an interview
# with its Hindi transcript: answers hold 145-1,151 English letters, a question alone 58-66, the
# quoted Russian, Persian and Hindi passages none
ENGLISH_LETTERS = MIN_LETTERS
NO_LANGUAGE = {"zxx", "und"}  # the model's labels for 'no linguistic content' and 'unknown'
WORD = re.compile(r"[^\W\d_]+")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
# a character of another alphabet or script (Greek to Mongolian, CJK, Hangul, Arabic forms), its
# vowel signs counted: a Hindi word's letters are half signs, which are no word characters to `re`
OTHER_LETTER = re.compile(r"[\u0370-\u1dff\u2c00-\u2dff\u3040-\ufaff\ufb1d-\ufdff\ufe70-\ufefc]")
LINE = re.compile(r"[^\n]+")
# where a sentence ends: Latin, Devanagari, Arabic and CJK stops (CJK writes no space after one)
SENTENCE_END = re.compile(r"[.!?…।॥؟][\"'”’»)\]]*\s+|[。！？]\s*")
DATA = Path(__file__).parent / "data" / "language.yaml"


@dataclass(frozen=True)
class Block:
    """Characters [start, end) of a text: English (True), in another language (False) or
    too short to tell (None), and how many letters its words have."""

    start: int
    end: int
    english: Optional[bool]
    letters: int


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from .langid_model import identifier

    return identifier()


@lru_cache(maxsize=1)
def english_words() -> frozenset:
    with open(DATA, encoding="utf-8") as fh:
        return frozenset(yaml.safe_load(fh)["english_words"])


def _language(chunk: str, words: list[str]) -> Optional[str]:
    """'en', another code when sure, or None: the language of Latin-script `chunk` (its `words`)."""
    lower = [w.lower() for w in words]
    if sum(map(len, words)) < MIN_LETTERS or len(set(lower)) < MIN_DISTINCT_WORDS:
        return None
    function = english_words()
    if sum(w in function for w in lower) >= ENGLISH_SHARE * len(lower):
        return "en"
    lang, confidence = _identifier().classify(chunk[:SAMPLE_CHARS])
    if lang == "en":
        return "en"
    if confidence < MIN_CONFIDENCE or lang in NO_LANGUAGE:
        return None
    return lang


def _language_of(chunk: str) -> Optional[str]:
    """`_language` of a Latin-script text."""
    return _language(chunk, WORD.findall(chunk))


def _together(text: str, found: list[Block]) -> str:
    """The blocks' texts as one (lines too short to tell on their own are told together)."""
    return " ".join(text[b.start:b.end] for b in found)


def _block(text: str, start: int, end: int, latin: bool) -> Block:
    chunk = text[start:end]
    words = WORD.findall(chunk)
    letters = sum(map(len, words))
    if not latin:
        return Block(start, end, False, letters)
    lang = _language(chunk, words)
    return Block(start, end, None if lang is None else lang == "en", letters)


def _other_script(chunk: str) -> Optional[bool]:
    """Whether `chunk` is written more in another script than in Latin, by words (a Hindi
    sentence with English words in it) or by letters (Chinese writes no spaces); None: no
    letters."""
    latin, other = len(LATIN_LETTER.findall(chunk)), len(OTHER_LETTER.findall(chunk))
    if not (latin or other):
        return None
    words = [OTHER_LETTER.search(w) is not None for w in chunk.split()
             if LATIN_LETTER.search(w) or OTHER_LETTER.search(w)]
    return other > latin or 2 * sum(words) > len(words)


def blocks(text: str) -> Iterator[Block]:
    """The text's blocks in order: each line, and a line that mixes scripts cut where its
    sentences change script (an answer, then its transcript)."""
    for line in LINE.finditer(text):
        start, end = line.span()
        if OTHER_LETTER.search(text, start, end) is None:  # the common case: Latin script only
            yield _block(text, start, end, latin=True)
            continue
        run, other, cut = start, None, start
        for stop in [m.end() for m in SENTENCE_END.finditer(text, start, end)] + [end]:
            script = _other_script(text[cut:stop])
            if script is not None and other is not None and script != other:
                yield _block(text, run, cut, latin=not other)
                run = cut
            if script is not None:
                other = script
            cut = stop
        yield _block(text, run, end, latin=not other)


def foreign_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of `text` in another language than English, neighbours joined."""
    found = list(blocks(text))
    # lines too short to tell on their own (a headline, a paragraph of one sentence) are in
    # the language they are in together: a French article quoting an English statement is
    # read in its quotation alone
    other = _language_of(_together(text, [b for b in found if b.english is None])) not in (None, "en")
    out: list[tuple[int, int]] = []
    for b in found:
        if b.english is False or other and b.english is None and b.letters:
            end = b.start + len(text[b.start:b.end].rstrip())
            if out and not text[out[-1][1]:b.start].strip():
                out[-1] = (out[-1][0], end)
            else:
                out.append((b.start, end))
    return out


def detect_language(text: str) -> Optional[str]:
    """'en' when the text's English part is substantial, another ISO 639-1 code when the
    text is in that language and the model is sure, or None when the text cannot tell."""
    english, short = 0, []
    for b in blocks(text):
        english += b.letters if b.english else 0
        if english >= ENGLISH_LETTERS:
            return "en"
        if b.english is None:
            short.append(b)
    # lines too short to tell on their own (questions of an interview beside their
    # translations) are judged together
    if english + sum(b.letters for b in short) >= ENGLISH_LETTERS and _language_of(_together(text, short)) == "en":
        return "en"
    return _language_of(text[:SAMPLE_CHARS])

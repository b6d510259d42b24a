"""Which language a document is in, said only where a cheap detector can be trusted.

py3langid (a naive Bayes model over byte n-grams, shipped in its wheel) gives calibrated
probabilities; on short texts and on English heavy with foreign names it can still be wrong,
so a text is called non-English only when it is long enough, the model is sure, and the text
lacks the function words that any English prose is full of.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

# below this many letters in words (about two sentences) n-gram guesses are unreliable
MIN_LETTERS = 100
MIN_DISTINCT_WORDS = 15   # a run of one repeated token ('aaaa...') is no language
MIN_CONFIDENCE = 0.95
SAMPLE_CHARS = 10_000     # the start of a long text says enough, at a fraction of the cost
# English-only function words (no 'of', 'was', 'is', 'will', 'for': words in Dutch, German or
# Danish too); English prose has about 10% of them, other languages next to none. Measured on
# the corpus: English paragraphs the model called Persian (0.99) on names had 6-18%.
ENGLISH_WORDS = frozenset("the and that with from this which their been were said would they has".split())
ENGLISH_SHARE = 0.04
NO_LANGUAGE = {"zxx", "und"}  # the model's labels for 'no linguistic content' and 'unknown'
WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from .langid_model import identifier

    return identifier()


def detect_language(text: str) -> Optional[str]:
    """'en', another ISO 639-1 code when sure, or None when the text cannot tell."""
    sample = text[:SAMPLE_CHARS]
    words = [w.lower() for w in WORD.findall(sample)]
    if sum(map(len, words)) < MIN_LETTERS or len(set(words)) < MIN_DISTINCT_WORDS:
        return None
    if sum(w in ENGLISH_WORDS for w in words) >= ENGLISH_SHARE * len(words):
        return "en"
    lang, confidence = _identifier().classify(sample)
    if lang == "en":
        return "en"
    if confidence < MIN_CONFIDENCE or lang in NO_LANGUAGE:
        return None
    return lang

"""Counts of people killed, injured, captured, arrested or displaced (SPEC 7).

A count is a number (digits, words, or ACLED's vague numbers) that counts people, with the
qualifier read from the words before it; its kind and its anchor (the word saying what
happened to those people) come from the parse around it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from number_parser import parse_number
from spacy.attrs import LIKE_NUM, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Token

from ..limits import Limits, limits
from ..models import COUNT_KINDS, Count
from . import vocab
from .actors import dictionary as actor_dictionary
from .mentions import CountSpan, char_span, foreign_tokens

NOT_COUNTS = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = dict(vocab.load("counts"))
    if set(data["kinds"]) != set(COUNT_KINDS) or set(data["implies"]) != set(COUNT_KINDS):
        raise ValueError("counts.yaml: `kinds` and `implies` must list exactly models.COUNT_KINDS")
    data["transitive"], data["light"] = set(data["transitive"]), set(data["light"])
    # prepositions that take no victim: the doer's (events.yaml) and those of time or comparison
    data["not_victim_preps"] = set(vocab.load("events")["agent_preps"]) | set(data["not_victim_preps"])
    data["kind_of"] = {w: k for k, words in data["kinds"].items() for w in words}
    data["qualifier_of"] = {p: q for q, phrases in data["qualifiers"].items() for p in phrases}
    nouns = set(data["people"])
    for words in actor_dictionary()["nouns"].values():
        nouns.update(words)
    data["people_nouns"] = nouns
    # sectors of institutions, which are no one person ("the army was attacked"; a party's
    # member or a journalist is one)
    data["institution_sectors"] = set(vocab.load("scope")["political_sectors"]) - set(data["person_sectors"])
    # one person each: the people words and the office words ("a soldier", "the governor")
    data["person_nouns"] = set(data["people"]) | actor_dictionary()["title_sector"].keys()
    # every ending of a vague number: a phrase can only end with a token that is one
    data["vague_ends"] = {str(v)[i:] for v in data["vague"] for i in range(len(str(v)))}
    return data


@lru_cache(maxsize=4096)  # number_parser rebuilds its tables on every call; phrases recur
def number_value(text: str) -> Optional[int]:
    """The integer a number phrase means ("4,000", "twenty-two", "four thousand", "dozens")."""
    t = text.strip().lower()
    vague = lexicon()["vague"]
    if t in vague:
        return vague[t]
    digits = t.replace(",", "")
    try:  # float('9' * 400) is inf; number_parser calls int() on '¼' (isnumeric, not a digit)
        if re.fullmatch(r"\d+(\.\d+)?", digits):
            return int(float(digits))
        times = lexicon()["multipliers"]  # "4.5 million"
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(\w+)", digits)
        if m and m.group(2) in times:
            return int(float(m.group(1)) * times[m.group(2)])
        value = parse_number(t)
        return int(value) if isinstance(value, (int, float)) and value >= 0 else None
    except (ValueError, OverflowError):
        return None


def _number_phrase(doc: Doc, tok: Token) -> Optional[tuple[int, int, int, str]]:
    """(start, end, value, qualifier-default) of the number phrase whose last token is `tok`."""
    vague = lexicon()["vague"]
    for n in (3, 2, 1) if tok.text.lower() in lexicon()["vague_ends"] else ():
        # multiword vague numbers first: "tens of thousands", "a dozen"
        start = tok.i - n + 1
        if start >= 0:
            text = doc[start:tok.i + 1].text.lower()
            if text in vague:
                return start, tok.i + 1, vague[text], "about"
    if not tok.like_num:
        return None
    start = tok.i
    while start > 0 and (doc[start - 1].like_num or doc[start - 1].text == "-") and doc[start - 1].ent_type_ not in NOT_COUNTS:
        start -= 1
    value = number_value(doc[start:tok.i + 1].text)
    return (start, tok.i + 1, value, "exact") if value is not None else None


def _qualifier(doc: Doc, start: int, default: str) -> tuple[str, int]:
    quals = lexicon()["qualifier_of"]
    for n in (4, 3, 2, 1):
        s = start - n
        if s >= 0:
            phrase = doc[s:start].text.lower()
            if phrase in quals:
                return quals[phrase], s
    return default, start


def _kind(head: Token) -> tuple[Optional[str], Optional[Token]]:
    """What happened to the people `head` counts, and the word that says so."""
    kind_of = lexicon()["kind_of"]
    own = kind_of.get(head.lemma_.lower())
    if own and head.lemma_.lower() not in lexicon()["light"]:
        return own, head
    for c in head.children:  # "six soldiers dead", "two people injured"
        if c.dep_ in ("amod", "acl", "relcl", "acomp", "oprd") and kind_of.get(c.lemma_.lower()):
            return kind_of[c.lemma_.lower()], c
    node = head
    while node.dep_ in ("conj", "appos") and node.head != node:
        node = node.head
    gov = node.head
    lemma = gov.lemma_.lower()
    if node.dep_ in ("nsubjpass", "dobj", "nsubj", "attr", "pobj", "oprd", "npadvmod", "ROOT"):
        if node.dep_ == "pobj" and gov.dep_ == "prep":  # "death toll of 22", "killed by"
            if gov.lower_ in lexicon()["level_preps"]:  # "the death toll rising to 22 people"
                for c in gov.head.children:
                    if c.dep_ == "nsubj" and c.lemma_.lower() in lexicon()["totals"]:
                        return kind_of[c.lemma_.lower()], gov.head
            if gov.lower_ in lexicon()["not_victim_preps"]:
                return None, None
            gov = gov.head
            lemma = gov.lemma_.lower()
        if node.dep_ == "nsubj" and lemma in lexicon()["transitive"] and (node is not head or any(c.dep_ == "dobj" for c in gov.children)):
            return None, None  # "gunmen killed 3"; but a headline's "Three killed" counts victims
        if lemma in lexicon()["result_verbs"]:  # "taken two soldiers captive", "left six dead"
            for c in gov.children:
                if c.dep_ in ("oprd", "acomp", "advcl", "xcomp", "ccomp", "dobj") and c != node and kind_of.get(c.lemma_.lower()):
                    return kind_of[c.lemma_.lower()], gov
            for c in node.children:
                if kind_of.get(c.lemma_.lower()):
                    return kind_of[c.lemma_.lower()], gov
            return None, None
        if kind_of.get(lemma):
            return kind_of[lemma], gov
        for c in gov.children:  # "were found dead"
            if c.dep_ in ("oprd", "acomp", "xcomp") and kind_of.get(c.lemma_.lower()) == "killed":
                return "killed", gov
    return None, None


def _earlier_conjuncts(head: Token) -> int:
    """People named before "and N others" ("kills photojournalist X, at least five others")."""
    others = lexicon()["others"]
    if head.lemma_.lower() not in others and not any(c.lower_ in others for c in head.children):
        return 0
    first = head
    while first.dep_ == "conj":
        first = first.head
    if first.pos_ in ("VERB", "AUX"):  # "killed X and five other civilians" parsed as verb conj
        group = [c for c in first.children if c.dep_ in ("dobj", "nsubjpass")]
    else:
        group = [first, *first.conjuncts] + [c for c in first.head.children if c.dep_ == first.dep_ and c != first]
    named = {t.i for t in group if t.i < head.i and t.pos_ in ("NOUN", "PROPN")
             and not any(c.like_num for c in t.children)}
    return len(named)


def _listed_number(doc: Doc, tok: Token) -> Optional[tuple[Token, int]]:
    """The people a word in a list of counted people stands for: "three clinic employees" 3,
    "a boy", "a clinic escort", "Qasem Soleimani" 1; None when it says no number."""
    if tok.ent_type_ == "PERSON" and tok.pos_ == "PROPN":
        return tok, 1
    for c in tok.children:
        if c.dep_ in ("det", "nummod") and c.lower_ in lexicon()["singular"] and tok.tag_ == "NN":
            return c, 1
        if c.dep_ == "nummod" and c.ent_type_ not in NOT_COUNTS:
            found = _number_phrase(doc, c)
            if found is not None:
                return doc[found[0]], found[2]
    return None


def _joined(doc: Doc, counts: list[tuple[CountSpan, Token]]) -> list[CountSpan]:
    """People listed together undergo one thing: "two soldiers and three civilians were
    killed" counts five, "three girls and a boy" four. (A list ending in "N others" already
    counts the people named before it.)"""
    by_head = {head.i: (c, head) for c, head in counts}
    out, done = [], set()
    for c, head in counts:
        if head.i in done:
            continue
        first = head
        while first.dep_ == "conj" and first.head != first:
            first = first.head
        members = [first, *first.conjuncts]
        listed = [by_head[m.i] for m in members if m.i in by_head and by_head[m.i][0].kind == c.kind]
        others = [(m, _listed_number(doc, m)) for m in members if m.i not in by_head]
        singles = [(m, n) for m, n in others if n is not None]
        if len(listed) + len(singles) < 2 or any(_earlier_conjuncts(h) for _, h in listed):
            out.append(c)
            done.add(head.i)
            continue
        done.update(h.i for _, h in listed)
        quals = {x.count.qualifier for x, _ in listed}
        qualifier = "exact" if quals == {"exact"} else next(q for q in ("at_least", "about", "at_most") if q in quals)
        tokens = [t for x, _ in listed for t in (x.span[0], x.span[-1])] + [t for m, (first, _) in singles for t in (first, m)]
        span = doc[min(t.i for t in tokens):max(t.i for t in tokens) + 1]
        value = sum(x.count.value for x, _ in listed) + sum(n for _, (_, n) in singles)
        out.append(CountSpan(span, Count(value=value, qualifier=qualifier, text=span.text, span=char_span(span)),
                             kind=c.kind, anchor=c.anchor))
    return out


def find_counts(doc: Doc, most: int = Limits.max_count) -> list[CountSpan]:
    """The counts of people in `doc`; none above `most` (a typing slip, or no count at all: a
    number of 20 digits cannot even be stored)."""
    people, vague_ends = lexicon()["people_nouns"], lexicon()["vague_ends"]
    out: list[tuple[CountSpan, Token]] = []
    strings = doc.vocab.strings
    foreign = foreign_tokens(doc)
    for i, (orth, num) in enumerate(doc.to_array([ORTH, LIKE_NUM]).tolist()):
        # neither a number nor the end of a vague one ("dozens"): no number phrase ends here
        # (`_number_phrase`), as most tokens are; skipped without making a Token
        if (not num and strings[orth].lower() not in vague_ends) or i in foreign:
            continue
        tok = doc[i]
        if tok.ent_type_ in NOT_COUNTS:
            continue
        if tok.i + 1 < len(doc) and (doc[tok.i + 1].like_num or doc[tok.i + 1].lower_ == lexicon()["continued"].get(tok.lower_)):
            continue  # not the phrase's last token
        found = _number_phrase(doc, tok)
        if found is None:
            continue
        start, end, value, default = found
        last = doc[end - 1]
        head = last.head if last.dep_ in ("nummod", "quantmod", "amod", "compound") else last
        if head.pos_ == "ADP" and head.dep_ == "prep" and last.dep_ == "pobj":
            head = last
        if head is not last and head.lemma_.lower() not in people and head.lower_ not in people:
            continue
        if head is last and last.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "attr", "ROOT"):
            continue
        qualifier, qstart = _qualifier(doc, start, default)
        kind, anchor = _kind(head)
        if kind is None:
            continue
        value += _earlier_conjuncts(head)
        noun_end = head.i + 1 if head.i >= end else end
        span = doc[qstart:noun_end]
        out.append((CountSpan(span, Count(value=value, qualifier=qualifier, text=span.text, span=char_span(span)),
                              kind=kind, anchor=anchor), head))
    return [c for c in _joined(doc, out) if c.count.value <= most]


class CountStage:
    """Marks counts of people (`doc._.counts`): value, qualifier, kind and anchor."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.most = limits().max_count

    def initialize(self, get_examples=None, nlp=None) -> None:
        lexicon()  # read the vocabulary (and the actor nouns) before the first document

    def __call__(self, doc: Doc) -> Doc:
        doc._.counts = find_counts(doc, self.most)
        return doc


@Language.factory("eventwire_counts", assigns=["doc._.counts"], requires=["token.dep", "token.lemma"])
def make_count_stage(nlp: Language, name: str) -> CountStage:
    return CountStage(nlp, name)

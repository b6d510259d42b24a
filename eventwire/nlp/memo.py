"""The model's attribute ruler and rule lemmatizer, each word's answer worked out once.

Both are pure functions of a few attributes of one token (the lemmatizer: word, POS and
morphology; the attribute ruler's one-token rules: the attributes its patterns test and those it
writes), yet together they were about a seventh of extraction time, nearly all in Python per
token. The wrappers read the attributes as one array, look each token up in a table filled as
words are first seen, and write the results back in one call. Whatever a table cannot answer
(a word not seen yet, the ruler's few rules that span two tokens) goes to spaCy's own component,
so the tokens come out exactly as the plain model leaves them (`tests/test_nlp_memo.py`).

The tables are keyed by string hashes (deterministic, valid in any memory zone) and hold no
hash of a string that a zone may drop: a lemma is kept as its string and added to the Doc's
vocabulary when written. Each table is emptied when it reaches `MEMO_ENTRIES`, so a long run's
stays bounded while the words of ordinary news stay in it.
"""
from __future__ import annotations

import re

from typing import Iterable, Iterator, Optional

import numpy
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

# what the attribute ruler may write (its outcome for a token depends on their values before),
# and what else its one-token patterns may test: together the key of a token's outcome
WRITTEN = ("TAG", "DEP", "POS", "MORPH", "LEMMA")
TESTED = WRITTEN + ("LOWER", "IS_SPACE")
MEMO_ENTRIES = 100_000  # per table; 2,000 news articles leave about 25,000 (word, POS, morphology)


def make_room(*tables: dict) -> None:
    """Empty each table that is full (before a Doc: what a Doc adds it reads back at once)."""
    for table in tables:
        if len(table) >= MEMO_ENTRIES:
            table.clear()


class _Wrapped:
    """A component standing in for a spaCy one; everything else is the wrapped component's."""

    def __init__(self, proc) -> None:
        self.proc = proc

    def __getattr__(self, name: str):
        return getattr(self.proc, name)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        error_handler = self.proc.get_error_handler()
        for doc in docs:
            try:
                yield self(doc)
            except Exception as exc:
                error_handler(self.proc.name, self.proc, [doc], exc)


class MemoLemmatizer(_Wrapped):
    """spaCy's rule lemmatizer with each (word, POS, morphology)'s lemma kept, and a new one
    found as spaCy's `rule_lemmatize` finds it but with its word lists as sets (spaCy tests a
    candidate form against the list of 57,000 nouns one by one)."""

    def __init__(self, proc) -> None:
        super().__init__(proc)
        self.lemmas: dict[tuple[int, int, int], str] = {}
        self.tables: dict[str, Optional[tuple]] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        make_room(self.lemmas)
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        overwrite, strings, known = self.proc.overwrite, doc.vocab.strings, self.lemmas
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = known.get(key)
            if value is None:
                value = known[key] = self.lemma(doc[i])
            lemmas[i] = strings.add(value)
        doc.from_array([LEMMA], lemmas)
        return doc

    def lemma(self, token) -> str:
        """`rule_lemmatize(token)[0]`, step for step."""
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space"):
            return self.proc.rule_lemmatize(token)[0]  # with spaCy's warning for a missing POS
        string = token.text
        if self.proc.is_base_form(token):
            return string.lower()
        if univ_pos not in self.tables:
            self.tables[univ_pos] = self._tables(univ_pos)
        tables = self.tables[univ_pos]
        if tables is None:
            return string if univ_pos == "propn" else string.lower()
        index, exceptions, rules = tables
        orig, string = string, string.lower()
        forms, oov_forms = [], []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index or not form.isalpha():
                    if form in index:
                        forms.insert(0, form)
                    else:
                        forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        return forms[0] if forms else orig

    def _tables(self, univ_pos: str) -> Optional[tuple]:
        lookups = self.proc.lookups
        index = lookups.get_table("lemma_index", {}).get(univ_pos)
        exceptions = lookups.get_table("lemma_exc", {}).get(univ_pos)
        rules = lookups.get_table("lemma_rules", {}).get(univ_pos)
        if not any((index, exceptions, rules)):
            return None
        return frozenset(index or ()), exceptions or {}, rules or []


class MemoAttributeRuler(_Wrapped):
    """spaCy's attribute ruler with each token's outcome kept, keyed by what its one-token
    rules test and write. A new key is worked out on its token alone; a token a longer rule
    sets ("there is": the verb) on the stretch of text that rule and any other on the token
    matched, which is all the ruler itself sees of it."""

    def __init__(self, proc) -> None:
        super().__init__(proc)
        self.outcomes: dict[tuple, tuple[int, ...]] = {}
        self.longer = Matcher(proc.vocab)
        self.index: dict[int, int] = {}  # longer rule's match id -> the token it sets
        # the first tokens of the longer rules, each a rule of its own: a Doc none of whose
        # tokens can begin a longer match is not given to `longer` (whose Python-side tests,
        # a regular expression among them, ran on every token of every Doc)
        self.starts = Matcher(proc.vocab)
        self.can_start: dict[tuple, bool] = {}  # a token's key -> may it begin a longer match
        self.usable = True
        firsts = []
        for n, rule in enumerate(proc.patterns):
            longer = [p for p in rule["patterns"] if len(p) > 1]
            if longer:
                key = f"eventwire_longer_{n}"
                self.longer.add(key, longer)
                self.index[proc.vocab.strings[key]] = rule.get("index", 0)
                firsts += [p[0] for p in longer]
            if any(attr.upper() not in TESTED for p in rule["patterns"] for tok in p for attr in tok):
                self.usable = False  # a rule reads more than the key holds: never memoise
        if firsts:
            self.starts.add("eventwire_longer_start", [[first] for first in firsts])
        # an optional first token ("OP") lets a match begin at the second
        self.filtered = all("OP" not in map(str.upper, first) for first in firsts)
        self.tests = _lower_tests(proc.patterns)
        self.classes: dict[int, int] = {}  # LOWER -> which of the rules' tests it passes (numbered)
        self.class_ids: dict[object, int] = {}
        self.written = [IDS[a] for a in WRITTEN]
        if not {attr for attrs in proc.attrs for attr in attrs} <= set(self.written):
            self.usable = False
        self.read = [IDS[a] for a in TESTED]

    def __call__(self, doc: Doc) -> Doc:
        if not (self.usable and len(doc)):
            return self.proc(doc)
        make_room(self.classes, self.outcomes, self.can_start)
        state, classes = len(self.written), self.classes
        table = doc.to_array(self.read)
        lowers = table[:, state].tolist()
        for lower in set(lowers).difference(classes):
            cls = self._class(doc.vocab.strings[lower])
            classes[lower] = self.class_ids.setdefault(cls, len(self.class_ids))
        table[:, state] = [classes[lower] for lower in lowers]
        rows = list(map(tuple, table.tolist()))
        longer = self._set_by_longer(doc) if not self.filtered or self._may_start(doc, rows) else {}
        if longer is None:
            return self.proc(doc)
        known = self.outcomes
        new = {row: i for i, row in enumerate(rows) if row not in known}
        if new:
            self._learn(doc, new)
        after = [known[row] for row in rows]
        for i, (start, end) in longer.items():
            alone = self._alone(doc, [(rows[j], j) for j in range(start, end)])
            self.proc(alone)
            after[i] = tuple(alone.to_array(self.written)[i - start].tolist())
        doc.from_array(self.written, numpy.array(after, dtype="uint64"))
        return doc

    def _class(self, lower: str) -> object:
        """What of a word's lower case the rules can tell apart: the tests it passes (the
        word itself should a rule test it in a way not known here)."""
        if self.tests is None:
            return lower
        return self.tests.passed(lower)

    def _may_start(self, doc: Doc, rows: list[tuple]) -> bool:
        """Whether a token of `doc` (whose keys are `rows`) may begin a longer rule's match:
        whether its key passes a longer rule's first token, learnt on a Doc of its own (the key
        holds every attribute the rules test, the lower case as the tests it passes)."""
        can_start = self.can_start
        new = {row: i for i, row in enumerate(rows) if row not in can_start}
        if new:
            items = list(new.items())
            begun = {start for _, start, _ in self.starts(self._alone(doc, items))}
            for n, (row, _) in enumerate(items):
                can_start[row] = n in begun
        return any(can_start[row] for row in rows)

    def _set_by_longer(self, doc: Doc) -> Optional[dict[int, tuple[int, int]]]:
        """Tokens a longer rule sets, each with the stretch all such matches on it cover."""
        out: dict[int, tuple[int, int]] = {}
        for match_id, start, end in self.longer(doc):
            index = self.index[match_id]
            i = (start if index >= 0 else end) + index
            if not start <= i < end:
                return None  # a rule pointing outside its match: the ruler reports it
            s, e = out.get(i, (start, end))
            out[i] = (min(s, start), max(e, end))
        return out

    def _learn(self, doc: Doc, new: dict[tuple, int]) -> None:
        """The outcomes of new keys, from their tokens side by side in a Doc of their own:
        one-token rules see nothing but the token (should a longer rule match across two of
        them there, each token gets a Doc of its own)."""
        items = list(new.items())
        together = self._alone(doc, items)
        if len(items) > 1 and self.longer(together):
            runs = [([item], self._alone(doc, [item])) for item in items]
        else:
            runs = [(items, together)]
        for run, alone in runs:
            self.proc(alone)
            for (row, _), out in zip(run, alone.to_array(self.written).tolist()):
                self.outcomes[row] = tuple(out)

    def _alone(self, doc: Doc, items: list[tuple[tuple, int]]) -> Doc:
        """A Doc of the items' tokens, each in the state it has in `doc` before the ruler."""
        alone = Doc(self.proc.vocab, words=[doc[i].text for _, i in items], spaces=[False] * len(items))
        state = len(self.written)
        alone.from_array(self.written, numpy.array([row[:state] for row, _ in items], dtype="uint64"))
        return alone


class _LowerTests:
    """The rules' tests of a token's LOWER, numbered; `passed` tells which a word passes,
    through word tables rather than one test after another (the rules test 100+ words)."""

    def __init__(self) -> None:
        self.count = 0
        self.when_in: dict[str, list[int]] = {}    # word -> tests it passes by being that word / in a list
        self.when_out: dict[str, list[int]] = {}   # word -> NOT_IN tests it fails
        self.not_in: list[int] = []
        self.regexes: list[tuple[int, re.Pattern]] = []

    def add(self, words: Iterable[str], positive: bool = True) -> None:
        for word in words:
            (self.when_in if positive else self.when_out).setdefault(word, []).append(self.count)
        if not positive:
            self.not_in.append(self.count)
        self.count += 1

    def add_regex(self, pattern: str) -> None:
        self.regexes.append((self.count, re.compile(pattern)))
        self.count += 1

    def passed(self, lower: str) -> tuple[int, ...]:
        out = set(self.when_in.get(lower, ()))
        out.update(self.not_in)
        out.difference_update(self.when_out.get(lower, ()))
        out.update(n for n, rx in self.regexes if rx.search(lower))
        return tuple(sorted(out))


def _lower_tests(patterns: list[dict]) -> Optional[_LowerTests]:
    """The rules' tests of a token's LOWER, as the Matcher applies them; None if one is of a
    kind not known here."""
    tests = _LowerTests()
    for rule in patterns:
        for pattern in rule["patterns"]:
            for tok in pattern:
                for attr, value in tok.items():
                    if attr.upper() != "LOWER":
                        continue
                    if isinstance(value, str):
                        tests.add([value])
                    elif isinstance(value, dict) and set(value) <= {"IN", "NOT_IN", "REGEX"}:
                        for op, arg in value.items():
                            if op == "REGEX":
                                tests.add_regex(arg)
                            else:
                                tests.add(frozenset(arg), positive=op == "IN")
                    else:
                        return None
    return tests


def memoise(nlp: Language) -> None:
    """Put the pipeline's attribute ruler and lemmatizer behind their tables (once)."""
    wrappers = {"attribute_ruler": MemoAttributeRuler, "lemmatizer": MemoLemmatizer}
    components = []
    for name, proc in nlp._components:
        wrap = wrappers.get(name)
        if wrap is not None and not isinstance(proc, _Wrapped) and \
                (name != "lemmatizer" or getattr(proc, "mode", None) == "rule"):
            proc = wrap(proc)
        components.append((name, proc))
    nlp._components = components

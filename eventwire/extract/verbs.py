"""Trigger senses from the CAMEO verb dictionary, mapped to PLOVER (a second source of types).

`data/verbs.json` is built by `scripts/convert_cameo.py` from the PETRARCH2 verb patterns
(`- * (TO BORDER) [154]`: the verb followed by "to ... border" is CAMEO 154) and PLOVER's
CAMEO2PLOVER table (154 -> MOBILIZE, troops, military). A verb's sense is its most specific
pattern whose words all occur around it in the parse (before it for `$`-side words, after it
for the rest, in order), else the verb's own code. The stage leaves `doc._.verb_senses`:
token index -> `VerbSense`, which the trigger stage reads where its own lexicon is silent.
"""
from __future__ import annotations

import json
from itertools import islice
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from spacy.attrs import POS
from spacy.language import Language
from spacy.parts_of_speech import AUX, VERB
from spacy.tokens import Doc, Token

from . import vocab
from .mentions import foreign_tokens, sentence_index
from .vocab import DATA

# CAMEO 01 (statements) and codes the table leaves unmapped are no PLOVER event.
WINDOW = 10  # pattern words after the verb are looked for this far into its phrase


@dataclass
class VerbSense:
    type: str
    mode: Optional[str]
    context: list[str] = field(default_factory=list)
    cameo: str = ""
    pattern: bool = False  # a pattern matched (not just the verb's default code)


@lru_cache(maxsize=1)
def dictionary() -> dict:
    with open(DATA / "verbs.json", encoding="utf-8") as fh:
        return json.load(fh)


def plover_of(code: Optional[str]) -> Optional[tuple]:
    """The PLOVER row of a CAMEO code, or of its nearest listed parent code."""
    table = dictionary()["plover"]
    while code:
        if code in table:
            return table[code]
        code = code[:-1] if len(code) > 2 else None
    return None


def verb_indices(doc: Doc, *also: int) -> list[int]:
    """The indices of the Doc's verbs (and tokens of the parts of speech `also`), read from its
    arrays: the others are skipped without making a Token for each."""
    wanted = (VERB, *also)
    return [i for i, pos in enumerate(doc.to_array(POS).tolist()) if pos in wanted]


def _forms(tok: Token) -> set[str]:
    low, lemma = tok.lower_, tok.lemma_.lower()
    return {low, lemma, low.rstrip("s"), lemma.rstrip("s")}


def _parts(alt: str) -> tuple[tuple[str, str], ...]:
    return tuple((p, p.rstrip("s")) for p in alt.split())


def _compile(words: list[list[str]]) -> tuple:
    """A pattern's words as (alternatives split into (word, word less final s) pairs, the words
    any alternative can begin with: a token with none of them cannot start a match)."""
    out = []
    for alts in words:
        parts = [_parts(a) for a in alts]
        first = None if any(not p for p in parts) else frozenset(w for p in parts for w in p[0])
        out.append((parts, first))
    return tuple(out)


class _Block:
    """One verb block's patterns (`_compile`d), largest first (the file's order among equals),
    indexed by the words their first word can be: a pattern whose first word occurs nowhere
    on its side of the verb cannot match, so only the others are tried."""

    def __init__(self, rows: list) -> None:
        patterns = [(_compile(pre), _compile(post), len(pre) + len(post), code) for pre, post, code in rows]
        self.patterns = sorted((p for p in patterns if p[2]), key=lambda p: -p[2])
        self.by_after: dict[str, list[int]] = {}   # keyed on the first word after the verb
        self.by_before: dict[str, list[int]] = {}  # patterns with words only before it
        self.always: list[int] = []  # a first word that may be empty: always tried
        for n, (pre, post, _, _) in enumerate(self.patterns):
            index, (_, first) = (self.by_after, post[0]) if post else (self.by_before, pre[0])
            for word in first if first is not None else ():
                index.setdefault(word, []).append(n)
            if first is None:
                self.always.append(n)

    def candidates(self, after: list[set[str]], before: list[set[str]]) -> list[int]:
        """The patterns that may match, in the order they are tried."""
        found = set(self.always)
        for forms, index in ((after, self.by_after), (before, self.by_before)):
            for word in set().union(*forms):
                found.update(index.get(word, ()))
        return sorted(found)


_BLOCKS: dict[str, Optional[_Block]] = {}


def _block(name: str) -> Optional[_Block]:
    """A pattern block of `verbs.json`, compiled and indexed when a verb first needs it (a
    document uses few of the 397; compiling them all was a tenth of the pipeline's load)."""
    if name not in _BLOCKS:
        rows = dictionary()["blocks"].get(name)
        _BLOCKS[name] = _Block(rows) if rows is not None else None
    return _BLOCKS[name]


def _match_seq(words: tuple, forms: list[set[str]]) -> bool:
    """Every pattern word (`_compile`d), in order, among the tokens whose `_forms` are `forms`
    (a multi-word alternative as a run)."""
    pos = 0
    for alts, first in words:
        found = False
        while pos < len(forms) and not found:
            if first is not None and first.isdisjoint(forms[pos]):
                pos += 1
                continue
            for parts in alts:
                run = forms[pos:pos + len(parts)]
                if len(run) == len(parts) and all(p in f or ps in f for (p, ps), f in zip(parts, run)):
                    found = True
                    pos += len(parts)
                    break
            else:
                pos += 1
        if not found:
            return False
    return True


def _after(verb: Token) -> list[Token]:
    """Words of the verb's phrase after it, not crossing into another clause's subject."""
    skip = set()
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "advcl", "punct") or (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")):
            skip.update(t.i for t in c.subtree)
    return list(islice((t for t in verb.subtree if t.i > verb.i and t.i not in skip), WINDOW))


def _before(verb: Token) -> list[Token]:
    subj = [t for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree]
    return [t for t in subj if t.i < verb.i]


def sense_of(verb: Token) -> Optional[VerbSense]:
    """The CAMEO sense of a verb token mapped to PLOVER, or None."""
    d = dictionary()
    entry = d["verbs"].get(verb.lemma_.lower()) or d["verbs"].get(verb.lower_)
    if entry is None:
        return None
    code, matched = entry["code"], False
    particles = {c.lower_ for c in verb.children if c.dep_ in ("prt", "prep")}
    for particle, pcode in entry["phrases"].items():
        if particle in particles and pcode:
            code = pcode
    block = _block(entry["block"])
    # each token's forms once, not once per pattern tried (and only for a verb with patterns)
    after, before = ([_forms(t) for t in _after(verb)], [_forms(t) for t in _before(verb)]) if block else ([], [])
    for n in block.candidates(after, before) if block else ():
        pre, post, _, pcode = block.patterns[n]
        if _match_seq(post, after) and (not pre or _match_seq(pre, before)):
            code, matched = pcode, True  # the most specific pattern that matches
            break
    row = plover_of(code)
    if row is None:
        return None
    return VerbSense(type=row[0], mode=row[1], context=list(row[2]), cameo=code, pattern=matched)


# Clauses a sentence's main act may sit in, below its root ("X said it would withdraw").
MAIN_DEPS = ("ccomp", "xcomp", "conj")


def main_predicates(sent) -> list[Token]:
    """The sentence's root verb, then the verbs of its complement clauses, breadth first."""
    out, queue = [], [sent.root]
    while queue:
        tok = queue.pop(0)
        if tok.pos_ in ("VERB", "AUX"):
            out.append(tok)
        queue += [c for c in tok.children if c.dep_ in MAIN_DEPS and c.pos_ in ("VERB", "AUX")]
    return out


def fallback_triggers(doc: Doc, trigger_at: dict[int, dict], patterns_only: bool = True) -> dict[int, dict]:
    """For each sentence without a trigger, its first main predicate with a CAMEO sense, as a
    trigger entry (the shape of triggers.yaml entries)."""
    senses = doc._.verb_senses or {}
    index = sentence_index(doc)
    found = {index.number[i] for i in trigger_at} | index.eventless
    out: dict[int, dict] = {}
    for n, sent in enumerate(index.sents):
        if n in found:
            continue
        for tok in main_predicates(sent):
            sense = senses.get(tok.i)
            if sense is None or (patterns_only and not sense.pattern):
                continue
            entry = {"type": sense.type, "confidence": 0.4, "cameo": sense.cameo}
            if sense.mode:
                entry["mode"] = sense.mode
            out[tok.i] = entry
            break
    return out


def demand_triggers(doc: Doc, trigger_at: dict[int, dict]) -> dict[int, dict]:
    """A reported clause saying another party must or should act is a demand (CAMEO 10, PLOVER
    REQUEST) whatever the act ("Russia said Sudan must return the helicopter"): the clause's verb
    as a REQUEST trigger where no trigger of ours sits on it."""
    claims = vocab.load("claims")
    table, speech = intents(), set(claims["reporting"]) | set(claims["demanding_speech"])
    out: dict[int, dict] = {}
    foreign = foreign_tokens(doc)  # a passage in another language states no demand
    for tok in map(doc.__getitem__, verb_indices(doc, AUX)):
        if tok.lemma_.lower() not in speech or tok.i in foreign:
            continue
        for c in tok.children:
            if c.dep_ != "ccomp" or c.pos_ not in ("VERB", "AUX") or c.i in trigger_at:
                continue
            subj = [s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")]
            if not subj or subj[0].lower_ in claims["own_resolve"]:
                continue  # the speaker's own resolve, or a judgement, is no demand on another
            if {a.lower_ for a in c.children if a.dep_ == "aux"} & table["demand_aux"]:
                out[c.i] = {"type": "REQUEST", "confidence": 0.4, "cameo": "10"}
    return out


@Language.factory("eventwire_verbs", assigns=["doc._.verb_senses"], requires=["token.dep", "token.lemma"])
def make_verbs(nlp: Language, name: str) -> "VerbSenses":
    return VerbSenses()


class VerbSenses:
    def __init__(self) -> None:
        dictionary()  # read with the pipeline, so no document pays for it

    def __call__(self, doc: Doc) -> Doc:
        doc._.verb_senses = {i: s for i in verb_indices(doc) if (s := sense_of(doc[i])) is not None}
        return doc


@lru_cache(maxsize=1)
def intents() -> dict:
    data = vocab.load("verbs_plover")["intents"]
    out = {k: {src: dst for dst, srcs in data[k].items() for src in srcs} for k in ("planned", "refused", "demanded")}
    out.update({k: set(data[k]) for k in ("demand_aux", "commissive", "ultimatum_marks", "readiness")})
    out["future_aux"] = set(vocab.load("claims")["future_aux"])
    out["threat_modes"], out["threat_modes_of_mode"] = data["threat_modes"], data["threat_modes_of_mode"]
    out["aims_of"], out["aim_links"] = set(data["aims_of"]), set(data["aim_links"])
    return out


def _aux(tok: Token) -> set[str]:
    node, found = tok, set()
    for _ in range(3):  # the auxiliaries of the trigger and of the verbs it is the complement of
        found |= {c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass")}
        if node.dep_ not in ("xcomp", "conj") or node.head is node:
            break
        node = node.head
    return found


def _committed(tok: Token, words: str = "commissive") -> bool:
    """Whether a verb above the act commits its subject to it ("vowed to", "is willing to"), or
    with `words="readiness"` readies its force for it ("prepared to resume shelling")."""
    node = tok
    for _ in range(3):
        if node.dep_ not in ("xcomp", "ccomp", "acl", "conj", "advcl") or node.head is node:
            return False
        node = node.head
        if node.lemma_.lower() in intents()[words]:
            return True
    return False


def _ultimatum(tok: Token) -> bool:
    """An "unless" clause under the act: the act is held over someone until they comply."""
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in intents()["ultimatum_marks"] for m in c.children)
               for c in tok.children)


def intent_type(draft) -> Optional[str]:
    """The PLOVER speech act an intended, refused or demanded act amounts to, if any."""
    table, tok, status = intents(), draft.trigger.root, draft.claim.status
    aux = _aux(tok)
    if status == "conditional" and aux & table["future_aux"] and _ultimatum(tok):
        return "THREATEN"  # "will withdraw its force unless ...": an act held over another party
    if status == "planned" and draft.type == "ASSAULT" and _committed(tok, "readiness"):
        return "MOBILIZE"  # CAMEO 15, force posture: troops readied for an attack not yet made
    if status in ("planned", "conditional"):
        if aux & table["future_aux"] or _committed(tok):
            return table["planned"].get(draft.type)
        return None
    if status == "negated" and aux & table["future_aux"]:
        return table["refused"].get(draft.type)
    if _demanded(draft):
        return table["demanded"].get(draft.type)  # "Russia said Sudan must return ..."
    return None


def _demanded(draft) -> bool:
    """A reported act another party must or should do: the speaker demands it of that party."""
    if draft.claim.status != "claimed" or not _aux(draft.trigger.root) & intents()["demand_aux"]:
        return False
    speakers = {(a.country, a.sector) for a in draft.claim.claimants}
    return not speakers or not speakers & {(a.country, a.sector) for a in draft.actors}


def is_aim(draft, at: dict) -> bool:
    """Whether a REQUEST is the stated aim of a protest or threat above it in its sentence."""
    table = intents()
    if draft.type != "REQUEST":
        return False
    node = draft.trigger.root
    for _ in range(3):
        if node.dep_ not in table["aim_links"] or node.head is node:
            return False
        node = node.head
        # the act itself, or the noun that names it as the verb's object ("staged rallies")
        acts = [at.get(node.i)] + [at.get(c.i) for c in node.children if c.dep_ == "dobj"]
        if any(o is not None and o is not draft and o.type in table["aims_of"] for o in acts):
            return True
    return False


def _threat_mode(draft) -> Optional[str]:
    """The THREATEN mode of a threatened act: from the act's own mode, else its type."""
    lex = intents()
    return next((lex["threat_modes_of_mode"][m] for m in draft.mode if m in lex["threat_modes_of_mode"]),
                lex["threat_modes"].get(draft.type))


@Language.factory("eventwire_intents", assigns=["doc._.events"], requires=["doc._.events"])
def make_intents(nlp: Language, name: str) -> "Intents":
    return Intents()


class Intents:
    """Acts stated as intentions, refusals or demands become PLOVER's speech acts (AGREE,
    THREATEN, REJECT, REQUEST); the act itself stays as the event's content (mode, status)."""

    def __init__(self) -> None:
        intents()

    def __call__(self, doc: Doc) -> Doc:
        for draft in doc._.events or ():
            new = intent_type(draft)
            if (new or draft.type) == "REQUEST" and draft.claim.claimants and _demanded(draft):
                # PLOVER's REQUEST: the speaker asks, the party that must act is the recipient
                draft.actors, draft.recipients = list(draft.claim.claimants), list(draft.actors) or draft.recipients
            if new is None or new == draft.type:
                continue
            mode = _threat_mode(draft) if new == "THREATEN" else None
            if new in ("REJECT", "MOBILIZE"):  # the refusal or the readying itself has happened
                draft.claim = draft.claim.model_copy(update={"status": "claimed" if draft.claim.claimants else "reported"})
            draft.type, draft.mode = new, [mode] if mode else []
        at = {t.root.i: d for d in doc._.events or () for t in (d.trigger, *d.mentions)}
        doc._.events = [d for d in doc._.events or () if d.mentions or not is_aim(d, at)]
        return doc

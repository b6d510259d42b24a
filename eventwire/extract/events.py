"""Event triggers: PLOVER acts found from the parse, with their arguments (a pipeline stage).

A trigger is a verb or event noun listed in `data/triggers.yaml`. Its actors and recipients
come from its syntactic roles (subject / agent -> actors; object, passive subject, "attack on
X" -> recipients). This stage only annotates: `doc._.triggers` lists `Trigger`s; the scope
stage drops those with no political reading and the assembler (`assemble`) builds events.
The helpers that read a trigger's clause (places, modes, contexts) live here too.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

from spacy.attrs import DEP, HEAD, LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import Acled, Actor, Claim, Count, EventDate, Span as CharSpan
from . import verbs, vocab
from .acled import acled_for
from .dating import publication_date  # noqa: F401  (claims imports it from here)
from .mentions import ActorSpan, PlaceSpan, TimeSpan, sentence_index, span_text

SUBJECT_DEPS = ("nsubj", "csubj")
NOT_COMPLEMENT = ("nsubj", "nsubjpass", "csubj", "csubjpass", "punct")  # "took two soldiers captive": an advcl


def triggers() -> dict:
    return vocab.load("triggers")


@lru_cache(maxsize=None)
def words(key: str) -> frozenset:
    """A word list of `data/events.yaml` (the function words this stage's rules read)."""
    return frozenset(vocab.load("events")[key])


@lru_cache(maxsize=1)
def ontology() -> dict:
    data = dict(vocab.load("ontology"))
    single, multi = {}, {}
    for mode, words in data["mode_words"].items():
        for w in words:
            (multi if " " in w else single).setdefault(w, mode)
    data["mode_single"], data["mode_multi"] = single, multi
    data["context_of"] = {w: c for c, words in data["context_words"].items() for w in words}
    data["rank"] = {f: n for n, f in enumerate(data["feature_rank"])}
    for key in ("content_takers", "acts_by_content", "permissions", "hypothetical_modals", "material", "distinct_modes", "leading_modes", "nonspecific", "condition_marks"):
        data[key] = set(data[key])
    return data


def specificity(feature: Optional[str]) -> int:
    """Rank of a place feature, most specific first (`ontology.yaml` feature_rank)."""
    return ontology()["rank"].get(feature, 9)


@lru_cache(maxsize=1)
def collectives() -> frozenset:
    return frozenset(vocab.load("counts")["collectives"])


@dataclass
class EventDraft:
    """An event while the assembler builds it; `to_event` in `record` turns it into the SPEC model."""

    trigger: Span
    type: str
    mode: list[str]
    actors: list[Actor] = field(default_factory=list)
    recipients: list[Actor] = field(default_factory=list)
    time: Optional[TimeSpan] = None
    date: Optional[EventDate] = None
    place: Optional[PlaceSpan] = None
    place_from_text: bool = False
    counts: dict[str, Count] = field(default_factory=dict)
    claim: Claim = field(default_factory=Claim)
    evidence: list[CharSpan] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    confidence: float = 0.5
    historical: bool = False
    implied: bool = False  # made from a count with no trigger word ("six killed")
    date_from_context: bool = False  # dated by the scene's day, no time expression governs it
    dates: list[tuple[EventDate, bool]] = field(default_factory=list)  # of the mentions folded in
    mentions: list[Span] = field(default_factory=list)  # triggers of the mentions folded in
    background: bool = False  # every mention told in the past perfect, none dated
    prior: bool = False  # every mention told as a named person's past (`dating.of_someone`), none dated

    @property
    def sent(self) -> Span:
        return self.trigger.sent

    @property
    def acled(self) -> Optional[Acled]:
        return acled_for(self.type, self.mode, self.recipients)


# ---------------------------------------------------------------- triggers
def _children_lemmas(tok: Token, deps: Iterable[str]) -> set[str]:
    return {c.lemma_.lower() for c in tok.children if c.dep_ in deps}


def _of_document(tok: Token) -> bool:
    """A participle on a document speaks for its issuer ("issued a declaration demanding that")."""
    return tok.dep_ == "acl" and tok.head.lemma_.lower() in vocab.load("claims")["documents"]


def _descriptive_participle(tok: Token) -> bool:
    """A participle describing a noun, with no subject of its own."""
    node = tok
    while node.dep_ == "conj":
        node = node.head
    return node.dep_ == "acl" and not any(c.dep_ in SUBJECT_DEPS for c in tok.children)


def _concrete_targets(tok: Token, actor_at: dict, place_at: dict) -> bool:
    """Whether what `tok` hits (object, "on X", "against X") could be hit; true with no target."""
    targets = [c for c in tok.children if c.dep_ == "dobj"]
    targets += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in words("target_preps")
                for p in c.children if p.dep_ == "pobj" and p.ent_type_ not in ("DATE", "TIME")]
    thing = set(ontology()["targets"])
    return not targets or any(t.i in actor_at or t.i in place_at or t.ent_type_ in ("GPE", "LOC", "FAC", "ORG", "NORP", "PERSON")
                              or t.pos_ == "PRON" or t.lemma_.lower() in thing for t in targets)


def violent(sent: Span) -> bool:
    """Whether a sentence names violence: an assault word or a weapon."""
    lex, weapons = triggers(), ontology()["mode_single"]
    return any((lex["verbs"].get(t.lemma_.lower()) or lex["nouns"].get(t.lemma_.lower()) or {}).get("type") == "ASSAULT"
               and t.lemma_.lower() not in words("not_violence") or t.lemma_.lower() in weapons for t in sent)


def _as_list(x) -> list:
    return x if isinstance(x, list) else [x]


def _particles(tok: Token) -> set[str]:
    """Prepositions and particles of a verb, also as the marker of its clause ("call for X to go")."""
    out = _children_lemmas(tok, ("prep", "prt", "advmod", "dative"))
    for c in tok.children:
        if c.dep_ in ("advcl", "ccomp", "xcomp"):
            out |= _children_lemmas(c, ("mark",))
    return out


def _is_people_or_group(tok: Token, actor_at: dict[int, ActorSpan]) -> bool:
    return tok.i in actor_at or tok.ent_type_ in ("PERSON", "NORP", "ORG") or tok.pos_ == "PRON"


def _objects(tok: Token) -> list[Token]:
    objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "obj")]
    for c in list(objs):
        objs.extend(c.conjuncts)
    return objs


ENTRY_MEMO = 100_000  # answers `entry_indices` keeps per vocabulary: emptied when full
_ENTRY_KEYS: dict[int, tuple[dict, dict[tuple[int, int], bool]]] = {}  # id -> (vocabulary, answers)


def entry_indices(doc: Doc, lex: dict) -> list[int]:
    """The tokens triggers.yaml has an entry `match_trigger` may look them up by (by lemma, or
    a noun's lower case): most words have none, and are not asked. Read from the Doc's arrays,
    the answer kept per (lemma, lower case) hash pair: no Token is made for the others."""
    held, known = _ENTRY_KEYS.get(id(lex), (None, {}))
    if held is not lex or len(known) >= ENTRY_MEMO:
        known = {}
        _ENTRY_KEYS[id(lex)] = (lex, known)
    strings = doc.vocab.strings
    out = []
    for i, key in enumerate(map(tuple, doc.to_array([LEMMA, LOWER]).tolist())):
        hit = known.get(key)
        if hit is None:
            lemma = strings[key[0]].lower()
            hit = known[key] = lemma in lex["verbs"] or lemma in lex["nouns"] or strings[key[1]] in lex["nouns"]
        if hit:
            out.append(i)
    return out


def match_trigger(tok: Token, actor_at: dict[int, ActorSpan], place_at: dict[int, PlaceSpan]) -> Optional[dict]:
    """The trigger entry `tok` fires, after its conditions (see triggers.yaml) are checked."""
    lex = triggers()
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB",) or (tok.pos_ == "AUX" and lemma not in ("be", "have", "do")):
        entry = lex["verbs"].get(lemma)
        if entry is None or tok.dep_ == "amod":
            return None
        if entry["type"] not in ontology()["material"] and _descriptive_participle(tok) and not _of_document(tok):
            return None  # "people accused of crimes", "people living in or visiting Hong Kong"
        if entry.get("active") and any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
            return None
        if entry.get("concrete_target") and not _concrete_targets(tok, actor_at, place_at):
            return None
        if entry.get("content") and not (any(c.dep_ in ("xcomp", "ccomp") for c in tok.children)
                                         or _particles(tok) & words("content_particles")):
            return None  # "asked X to resign", "asked for help"; not "when you ask people"
        if entry.get("joint") and not (any(c.lower_ in words("joint_preps") and c.i > tok.i for c in tok.children) or any(
                c.dep_ == "nsubj" and (c.tag_ in ("NNS", "NNPS") or c.conjuncts) for c in tok.children)):
            return None  # "the leaders discussed", "discussed with"; not "Cohen discussed his journey"
        objs = _objects(tok)
        if tok.dep_ == "acl":  # "a statement released by": the noun is the participle's object
            objs.append(tok.head)
        # "declared a state of emergency": the object's "of" complement names it too
        obj_lemmas = {o.lemma_.lower() for o in objs} | {
            p.lemma_.lower() for o in objs for c in o.children if c.dep_ == "prep" and c.lower_ in words("of_preps")
            for p in c.children if p.dep_ == "pobj"}
        particles = _particles(tok)
        senses = entry.get("senses", ())
        if senses:
            pobjs = {p.lemma_.lower() for c in tok.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"}
            content = {c.lemma_.lower() for c in tok.children if c.dep_ in ("xcomp", "ccomp")}  # "offered to exchange"
        for sense in senses:  # "called up reservists", "banned imports"
            hits = [bool(particles & set(sense["particles"])) if "particles" in sense else None,
                    bool((obj_lemmas | pobjs) & set(sense["objects"])) if "objects" in sense else None,
                    bool(content & set(sense["content"])) if "content" in sense else None]
            if all(h is not False for h in hits) and any(hits):  # every condition a sense names holds
                return {k: v for k, v in sense.items() if k not in ("particles", "objects", "content")}
        if "prep" in entry and not particles & set(_as_list(entry["prep"])):
            return None
        if "object" in entry and not obj_lemmas & set(entry["object"]) and not _children_lemmas(tok, ("nsubjpass",)) & set(entry["object"]):
            return None
        if "object_not" in entry and obj_lemmas & set(entry["object_not"]):
            return None
        if "object_or_prep" in entry and not (obj_lemmas | _children_lemmas(tok, ("prep",))) & set(entry["object_or_prep"]):
            return None
        if "complement" in entry:
            # its complements only: "failed to reach a deal", not "the deal failed"
            comp = {t.lemma_.lower() for c in tok.children if c.dep_ not in NOT_COMPLEMENT
                    for t in c.subtree} & set(entry["complement"])
            if not comp:
                return None
        if entry.get("people") and not any(_is_people_or_group(o, actor_at) for o in objs) \
                and not _particles(tok) & set(entry.get("or_prep", ())):
            return None
        if entry.get("intransitive") and any(c.dep_ in ("dobj", "ccomp") for c in tok.children):
            return None
        if entry.get("object_or_with") and (any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children) or (
                not any(c.dep_ == "dobj" for c in tok.children) and not words("joint_preps") & _particles(tok))):
            return None  # "met his counterpart", "met with X"; not "was met with applause"
        if entry.get("people_or_place") and not any(_is_people_or_group(o, actor_at) or o.i in place_at for o in objs) \
                and not obj_lemmas & _targets() \
                and not _children_lemmas(tok, ("nsubj",)) & set(ontology()["mode_single"]):
            return None  # "missiles hit a power station": a weapon as subject is enough
        if entry.get("needs_cause") and not violent(tok.sent):
            return None  # "died of cancer", "died due to the earthquake"
        return entry
    if tok.pos_ in ("NOUN", "PROPN"):
        entry = lex["nouns"].get(lemma) or lex["nouns"].get(tok.lower_)
        if entry is None:
            return None
        if tok.dep_ == "compound" and tok.head.lemma_.lower() not in lex["frames"]:
            return None  # "drone strike": the head noun is the trigger; "murder conviction": a modifier
        mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "poss")}
        governor = tok.head.head if tok.dep_ == "pobj" else tok.head
        of = {p.lemma_.lower() for c in tok.children if c.dep_ == "prep" and c.lower_ in words("of_preps") for p in c.children if p.dep_ == "pobj"}
        for sense in entry.get("senses", ()):  # "a hunger strike", "went on strike", "suspension of sanctions"
            if mods & set(sense.get("modifiers", ())) or governor.lemma_.lower() in sense.get("heads", ()) \
                    or of & set(sense.get("objects", ())):
                return {k: v for k, v in sense.items() if k not in ("modifiers", "heads", "objects")}
        if entry.get("concrete_target") and not _concrete_targets(tok, actor_at, place_at):
            return None
        if "object" in entry and not of & set(entry["object"]):
            return None  # "the suspension of air links"; not "a suspension of three months"
        if mods & set(entry.get("modifier_not", ())):
            return None
        if "prep" in entry and not _noun_links(tok) & set(_as_list(entry["prep"])):
            return None  # "a call for calm", "calls on Russia to", "calls to end"; not a phone call
        if "needs_modifier" in entry:
            if not mods & set(entry["needs_modifier"]) and not any(c.ent_type_ in ("NORP", "GPE") for c in tok.children):
                return None
        return entry
    return None


def _noun_links(tok: Token) -> set[str]:
    """The prepositions and infinitive markers that join a noun to its complements."""
    return {c.lower_ for c in tok.children if c.dep_ == "prep"} | {
        a.lower_ for c in tok.children if c.dep_ == "acl" for a in c.children if a.dep_ == "aux"}


# ---------------------------------------------------------------- arguments
def kids(tok: Token) -> dict[str, list[int]]:
    """`tok`'s children by dependency label, from one pass over the Doc: a word with thousands
    of children (a run-on list) must not be walked once per trigger."""
    doc = tok.doc
    cache = doc.user_data.get("eventwire.kids")
    if cache is None:
        cache = {}
        strings, labels = doc.vocab.strings, {}
        for i, (head, dep) in enumerate(zip(head_indices(doc), doc.to_array(DEP).tolist())):
            if head != i:
                label = labels.get(dep)
                if label is None:
                    label = labels[dep] = strings[dep]
                cache.setdefault(head, {}).setdefault(label, []).append(i)
        doc.user_data["eventwire.kids"] = cache
    return cache.get(tok.i, {})


def head_indices(doc: Doc) -> list[int]:
    """Each token's head's index, read as one array (a Token is made anew at every access)."""
    offsets = doc.to_array(HEAD).astype("int64").tolist()  # stored unsigned: -1 is 2**64 - 1
    return [i + d for i, d in enumerate(offsets)]


def has_child(tok: Token, deps: Iterable[str]) -> bool:
    k = kids(tok)
    return any(d in k for d in deps)


def reduced_passive(verb: Token) -> bool:
    """A headline's "son killed", "three arrested": a participle with no auxiliary or object."""
    def bare(v: Token) -> bool:
        return not has_child(v, ("aux", "auxpass", "dobj"))

    if verb.tag_ in ("VBN", "VBD") and bare(verb) and _harm_complement(verb):
        return True  # "journalist X shot dead in Aden": the subject is the one shot
    if verb.tag_ != "VBN" or not bare(verb):
        return False
    # "had taken X captive and offered Y": a conjunct shares the auxiliary of the verb it joins
    node = verb
    while node.dep_ == "conj" or (node is not verb and node.pos_ not in ("VERB", "AUX")):
        if node.head is node:
            break
        node = node.head
    return node is verb or bare(node)


@lru_cache(maxsize=1)
def _harm_words() -> frozenset:
    """Words that say people were killed or hurt (`counts.yaml` kinds)."""
    kinds = vocab.load("counts")["kinds"]
    return frozenset(kinds["killed"]) | frozenset(kinds["injured"])


@lru_cache(maxsize=1)
def _harm_verbs() -> frozenset:
    """Verbs by which an attack harms people: what they hit are its victims."""
    lex = triggers()["verbs"]
    return frozenset([v for v, e in lex.items() if e["type"] == "ASSAULT"] + list(triggers()["harm_results"]))


def _harm_complement(verb: Token) -> bool:
    """A result state as the verb's complement ("shot dead", "beaten unconscious")."""
    return any(c.dep_ in ("acomp", "oprd") and c.lemma_.lower() in _harm_words() for c in verb.children)


def listed_with(tok: Token) -> list[Token]:
    """The words coordinated with `tok`, not across a semicolon: "Babaryka, who was arrested ...;
    and Tsapkala" are two items of a list of people, not one party."""
    out = []
    for c in tok.conjuncts:
        lo, hi = sorted((tok.i, c.i))
        if not any(t.text == ";" for t in tok.doc[lo:hi]):
            out.append(c)
    return out


def antecedent(tok: Token) -> Token:
    """What a relative pronoun stands for ("Babaryka, who was arrested"); other tokens as they are."""
    if tok.tag_ in ("WDT", "WP") and tok.head.dep_ == "relcl":
        return tok.head.head
    return tok


class Arguments:
    """Actors and recipients of a trigger from the dependency parse."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.actor_at: dict[int, ActorSpan] = {}
        for a in doc._.actors or ():
            for i in range(a.span.start, a.span.end):
                self.actor_at.setdefault(i, a)

    def actors_of(self, tok: Token) -> list[Actor]:
        out = []
        named = [self.actor_at[c.i] for c in tok.children if c.dep_ == "appos" and c.i in self.actor_at]
        if tok.i not in self.actor_at and named:  # "One of these groups, the SDF, opposed"
            return [named[0].actor]
        if tok.pos_ == "VERB" and tok.dep_ in SUBJECT_DEPS:  # "the Red Cross operating in Iraq said",
            inner = [c for c in tok.children if c.dep_ == "nsubj"]  # parsed as a clause subject
            return self.actors_of(inner[0]) if inner else []
        if tok.lemma_.lower() in collectives():  # "a group of partisans" are partisans
            inner = [p for c in tok.children if c.dep_ == "prep" and c.lower_ in words("of_preps") for p in c.children if p.dep_ == "pobj"]
            if inner:
                return self.actors_of(inner[0])
        for t in map(antecedent, [tok, *listed_with(tok)]):
            a = self.actor_at.get(t.i)
            if a is None:  # a name or nationality inside the phrase ("Houthi gunmen"); not a
                # possessor, who is someone else ("bin Laden's son")
                a = next((self.actor_at[c.i] for c in t.children if c.dep_ in ("compound", "amod") and c.i in self.actor_at), None)
            if a is None and t.pos_ == "NOUN":  # "the actions of the groups"
                inner = [p for c in t.children if c.dep_ == "prep" and c.lower_ in words("of_preps") for p in c.children if p.dep_ == "pobj"]
                if inner and inner[0].i in self.actor_at:
                    a = self.actor_at[inner[0].i]
            if a is not None and a.actor not in out:
                out.append(a.actor)
        return out

    def subject(self, verb: Token) -> Optional[Token]:
        node = verb
        for _ in range(4):
            found = [i for d in SUBJECT_DEPS for i in kids(node).get(d, ())]
            # two subjects are a misparse of an aside ("the mayor, Dee Margo, ..., police were
            # investigating"): the one next to the verb is its subject
            before = [i for i in found if i < node.i]
            subj = self.doc[max(before) if before else min(found)] if found else None
            if subj is not None:
                if subj.tag_ in ("WDT", "WP") and node.dep_ == "relcl":
                    return node.head
                return subj
            if node.dep_ in ("xcomp", "conj", "advcl", "pcomp") and node.head != node:
                node = node.head
            elif _of_document(node) and node.head.dep_ == "dobj":
                node = node.head.head  # "the party issued a declaration demanding": the issuer
            elif node.dep_ == "relcl":
                return node.head
            else:
                return None
        return None

    def of_verb(self, verb: Token) -> tuple[list[Actor], list[Actor]]:
        actors, recipients = [], []
        # "X died": a harm word that names no doer has the harmed as its subject
        passive = has_child(verb, ("nsubjpass", "auxpass")) or reduced_passive(verb) or (
            verb.lemma_.lower() in vocab.load("counts")["passive_harm"])
        # "who was arrested and banned": the second participle shares the first one's passive subject
        shared = verb.dep_ == "conj" and verb.tag_ == "VBN" and not has_child(verb, SUBJECT_DEPS + ("nsubjpass",)) \
            and has_child(verb.head, ("nsubjpass",))
        if shared:
            passive = True
            recipients += [a for c in verb.head.children if c.dep_ == "nsubjpass" for a in self.actors_of(c)]
        if verb.dep_ == "acl" and verb.tag_ == "VBN":  # "protesters arrested in Minsk"
            recipients += self.actors_of(verb.head)
        if passive:
            for c in verb.children:
                if c.dep_ == "agent":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            actors += self.actors_of(p)
                elif c.dep_ in ("nsubjpass", "nsubj"):
                    recipients += self.actors_of(c)
        else:
            subj = self.subject(verb)
            if subj is not None:
                actors += self.actors_of(subj)
            for c in verb.children:
                if c.dep_ in ("dobj", "dative"):
                    recipients += self.actors_of(c)
            if not recipients:  # "agreed to meet the partisans": the content verb's object
                for x in verb.children:
                    if x.dep_ == "xcomp":
                        recipients += [a for c in x.children if c.dep_ in ("dobj", "dative") for a in self.actors_of(c)]
        preps = words("recipient_preps") | (
            words("taken_from_preps") if verb.lemma_.lower() in triggers()["taken_from"] else frozenset())  # "recaptured from the Houthis"
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    if p.dep_ == "pobj":
                        recipients += [a for a in self.actors_of(p) if a not in actors]
        return actors, recipients

    def of_noun(self, noun: Token) -> tuple[list[Actor], list[Actor]]:
        actors, recipients = [], []
        # "Nabil's murder", "his death": the possessor of a harm word with no "of" object is
        # the one harmed, not the one who harmed ("Russia's killing of civilians")
        victim_poss = noun.lemma_.lower() in _harm_words() and not any(
            c.dep_ == "prep" and c.lower_ in words("of_preps") for c in noun.children)
        for c in noun.children:
            if c.dep_ == "poss" and victim_poss:
                recipients += self.actors_of(c)
            elif c.dep_ in ("poss", "compound", "amod", "nmod"):
                actors += self.actors_of(c)
            elif c.dep_ == "prep":
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    if c.lower_ in words("agent_preps"):
                        actors += self.actors_of(p)
                    elif c.lower_ in words("noun_recipient_preps"):
                        recipients += self.actors_of(p)
        if noun.dep_ == "nsubj" and not recipients:  # "the airstrike killed Soleimani"
            recipients += [a for c in noun.head.children if c.dep_ == "dobj" for a in self.actors_of(c)]
        if not recipients:  # "a drone attack that left six soldiers dead", "the blast, which killed two"
            recipients += [a for r in noun.children if r.dep_ == "relcl" and r.lemma_.lower() in _harm_verbs()
                           for c in r.children if c.dep_ in ("dobj", "nsubjpass") for a in self.actors_of(c)]
        if noun.dep_ == "compound" and noun.head.lemma_.lower() in triggers()["frames"]:
            noun = noun.head  # "launched a mediation effort": the effort's verb is the act's
        if not actors and noun.dep_ in ("dobj", "pobj", "nsubjpass") and noun.head.lemma_.lower() in triggers()["light_verbs"]:
            verb = noun.head if noun.dep_ != "pobj" else noun.head.head
            subj = self.subject(verb)
            if subj is not None:
                actors += self.actors_of(subj)
        if not recipients and noun.dep_ == "dobj" and noun.head.lemma_.lower() in triggers()["victim_verbs"]:
            subj = self.subject(noun.head)
            if subj is not None:
                recipients += [a for a in self.actors_of(subj) if a not in actors]
        return actors, recipients


# ---------------------------------------------------------------- places and modes
def _clause_head(tok: Token) -> Token:
    """The verb heading the clause a trigger sits in (itself for verbs)."""
    node = tok
    while node.pos_ not in ("VERB", "AUX") and node.head != node:
        node = node.head
    return node


def main_place(doc: Doc) -> Optional[PlaceSpan]:
    """The place the article is about: the most mentioned sub-national place, early ones first."""
    places = [p for p in doc._.places or () if not p.metonymic]
    if not places:
        return None
    local = [p for p in places if p.place.feature != "country"] or places
    foreign = doc._.foreign or ()
    votes: Counter = Counter()
    first: dict[str, PlaceSpan] = {}
    for p in local:
        key = p.place.name
        # early: in the first 60 tokens of English, a quoted passage in another language not
        # counted (it would push the lead's places out of them)
        at = p.span.start - sum(min(s.end, p.span.start) - s.start for s in foreign if s.start < p.span.start)
        votes[key] += 1 + (1.0 if at < 60 else 0.0)
        first.setdefault(key, p)
    best = max(votes, key=lambda k: (votes[k], -first[k].span.start))
    return first[best]


def modes_for(trigger: Span, entry: dict, type_: str) -> list[str]:
    onto = ontology()
    found: set[str] = set()
    if type_ == "ASSAULT":
        head = _clause_head(trigger.root)
        words = list(trigger.root.subtree) + ([head] if head != trigger.root else []) + list(trigger)
        words += [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "prep")]
        lemmas = {t.lemma_.lower() for t in words} | {t.lower_ for t in words}
        text = " " + " ".join(t.lower_ for t in words) + " "
        found = {m for w, m in onto["mode_single"].items() if w in lemmas}
        found |= {m for w, m in onto["mode_multi"].items() if f" {w} " in text}
    ordered = [m for m in onto["mode_order"] if m in found]
    content = onto["content_modes"].get(type_)
    if content and not entry.get("mode"):  # what is asked, refused or threatened
        lemmas = {t.lemma_.lower() for t in trigger.root.subtree}
        ordered = [m for m, words in content.items() if m != "_default" and lemmas & set(words)]
        ordered = ordered or list(_as_list(content.get("_default", [])))
    if entry.get("mode") and entry["mode"] not in ordered:
        if entry["mode"] in onto["leading_modes"] or not ordered:
            ordered.insert(0, entry["mode"])
        else:
            ordered.append(entry["mode"])
    for mode, implied in vocab.load("events")["implied_modes"].items():  # a drone strike is aerial
        if mode in ordered and implied not in ordered:
            ordered.append(implied)
    return ordered


def contexts_for(sent: Span) -> list[str]:
    ctx = ontology()["context_of"]
    return sorted({ctx[t.lemma_.lower()] for t in sent if t.lemma_.lower() in ctx})


# ---------------------------------------------------------------- the component
@dataclass
class Trigger:
    """A word that states an act, with its type (after senses) and its parties."""

    span: Span
    entry: dict
    type: str
    actors: list[Actor] = field(default_factory=list)
    recipients: list[Actor] = field(default_factory=list)

    @property
    def root(self) -> Token:
        return self.span.root


CONTENT_DEPTH = 5  # "charged the suspect in the shooting with capital murder": murder is the charge


def _conditional_part(tok: Token, trigger_at: dict[int, dict]) -> bool:
    """A trigger in the condition ("if ...") of another act."""
    marks = ontology()["condition_marks"]
    node = tok
    for _ in range(CONTENT_DEPTH):
        if node.head == node:
            return False
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in marks for c in node.children):
            head = node.head  # an act, or what someone would or will do (an offer, a threat)
            return head.i in trigger_at or any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children)
        node = node.head
    return False


def _permitted(tok: Token) -> bool:
    """A trigger in what something would allow ("the bill would allow people living in or
    visiting Hong Kong ... to be removed", "... to remove people who had been accused of
    crimes"): a possibility, no act."""
    onto, node = ontology(), tok
    for _ in range(CONTENT_DEPTH):
        if node.dep_ not in ("xcomp", "ccomp", "conj", "relcl", "dobj", "acl") or node.head == node:
            return False
        node = node.head
        if node.lemma_.lower() in onto["permissions"]:
            return any(c.dep_ == "aux" and c.lower_ in onto["hypothetical_modals"] for c in node.children)
    return False


def _suppressed(tok: Token, trigger_at: dict[int, dict]) -> bool:
    """A trigger inside the content of an act that takes a clause ("agreed to meet"), in the
    condition of another act, or a noun that names no particular act ("any operations")."""
    if tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in ontology()["nonspecific"] for c in tok.children):
        return True
    if _conditional_part(tok, trigger_at) or _permitted(tok):
        return True
    node = tok
    takers = ontology()["content_takers"]
    for _ in range(CONTENT_DEPTH):
        if node.dep_ not in ("xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "advcl", "acl", "compound") or node.head == node:
            return False
        node = node.head
        entry = trigger_at.get(node.i)
        if entry is not None and entry["type"] in takers:
            return True
    return False


def _empty_content(tok: Token, entry: dict, trigger_at: dict[int, dict]) -> bool:
    """An act stated by its content clause whose clause names no PLOVER act: a promise to
    conduct elections is no agreement (SPEC 8, `acts_by_content`); the caller keeps a state's
    commitment ("China has promised to buy more Brazilian products": CAMEO 03 intent)."""
    if entry["type"] not in ontology()["acts_by_content"]:
        return False
    clauses = [c for c in tok.children if c.dep_ in ("xcomp", "ccomp")]
    return bool(clauses) and not any(t.i in trigger_at for c in clauses for t in c.subtree)


def _by_a_state(trigger: Trigger) -> bool:
    """A state or its forces act ("China has promised to buy more Brazilian products")."""
    state = set(vocab.load("merge")["state_sectors"])
    return any(a.sector in state and a.country for a in trigger.actors)


def make_trigger(doc: Doc, args: "Arguments", tok: Token, entry: dict) -> Optional[Trigger]:
    """The trigger `tok` states with its parties, or None when its entry's party conditions fail."""
    actors, recipients = args.of_verb(tok) if tok.pos_ in ("VERB", "AUX") else args.of_noun(tok)
    recipients = [r for r in recipients if r not in actors]
    if entry["type"] == "REQUEST" and not recipients and tok.pos_ in ("VERB", "AUX"):
        # "demanded that the government provide ...": who is asked is the subject of what is asked
        recipients = [a for c in tok.children if c.dep_ == "ccomp" for s in c.children
                      if s.dep_ in SUBJECT_DEPS for a in args.actors_of(s) if a not in actors]
    if entry.get("needs_actor") and not (actors or recipients):
        return None
    sectors = {a.sector for a in actors}
    for sense in entry.get("actor_senses", ()):  # "protesters clashed with police" is a riot
        if sectors and sectors <= set(sense["sectors"]):
            entry = {**entry, **{k: v for k, v in sense.items() if k != "sectors"}}
            break
    if entry["type"] == "DISPLACE" and any(a.sector in _armed() or _unidentified_armed(a) for a in actors):
        return None  # attackers who "fled" the scene are not displaced people
    return Trigger(doc[tok.i:tok.i + 1], entry, entry["type"], list(actors), list(recipients))


@lru_cache(maxsize=1)
def _targets() -> frozenset:
    """What can be hit or captured: things ("a power station") and ground ("a stronghold")."""
    return frozenset(ontology()["targets"]) | frozenset(triggers()["territory"])


@lru_cache(maxsize=1)
def _unidentified() -> frozenset:
    return frozenset(vocab.load("actors")["nouns"]["UNK"])


@lru_cache(maxsize=1)
def _armed() -> frozenset:
    return frozenset(vocab.load("acled")["armed_sectors"])


def _unidentified_armed(actor: Actor) -> bool:
    """Unnamed attackers ("multiple assailants", "the gunmen"): armed, though of no known side."""
    words = _unidentified()
    return actor.sector == "UNK" and any(w.lower() in words or w.lower().rstrip("s") in words for w in actor.text.split())


def find_triggers(doc: Doc) -> list[Trigger]:
    args = Arguments(doc)
    place_at = {i: p for p in doc._.places or () for i in range(p.span.start, p.span.end)}
    speech = set(vocab.load("claims")["reporting"])
    trigger_at: dict[int, dict] = {}
    index = sentence_index(doc)
    lex = triggers()
    for tok in map(doc.__getitem__, entry_indices(doc, lex)):  # others: `match_trigger` would say None
        if tok.ent_type_ in ("PERSON", "ORG", "GPE", "DATE", "TIME") or tok.lemma_.lower() in speech:
            continue
        if index.of(tok) in index.eventless:
            continue
        entry = match_trigger(tok, args.actor_at, place_at)
        if entry is not None:
            trigger_at[tok.i] = entry
    trigger_at.update(verbs.fallback_triggers(doc, trigger_at))  # CAMEO verbs where ours are silent
    trigger_at.update(verbs.demand_triggers(doc, trigger_at))  # "said X must ..."
    out = []
    for i, entry in trigger_at.items():
        tok = doc[i]
        if _suppressed(tok, trigger_at):
            continue
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "dobj" and tok.head.i in trigger_at:
            continue  # "observed the ceasefire", "signed a truce": the verb's act
        trigger = make_trigger(doc, args, tok, entry)
        if trigger is not None and not (_empty_content(tok, entry, trigger_at) and not _by_a_state(trigger)):
            out.append(trigger)
    return out


class TriggerStage:
    """Marks the words that state PLOVER acts (`doc._.triggers`)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def initialize(self, get_examples=None, nlp=None) -> None:
        triggers(), ontology()  # read the vocabularies before the first document

    def __call__(self, doc: Doc) -> Doc:
        doc._.triggers = find_triggers(doc)
        return doc


@Language.factory("eventwire_triggers", assigns=["doc._.triggers"],
                  requires=["doc._.actors", "doc._.places", "token.dep"])
def make_trigger_stage(nlp: Language, name: str) -> TriggerStage:
    return TriggerStage(nlp, name)

"""Events: PLOVER acts found from the parse, with their arguments, time, place and counts.

A trigger is a verb or event noun listed in `data/triggers.yaml`. Its actors and recipients
come from its syntactic roles (subject / agent -> actors; object, passive subject, "attack on
X" -> recipients), its time from `times.event_time`, its place from the place mentions of its
clause, then its sentence, then the place the article is about. Counts attach to the event
whose trigger says what happened to the people counted; a count with no such event implies
one (people killed imply an assault). The claims component then sets status and claimants,
and the merge component keeps one event per actor, type, day and place (SPEC 8).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import Acled, Actor, Claim, Count, EventDate, Span as CharSpan
from . import times as times_stage, vocab
from .acled import acled_for
from .counts import lexicon as count_lexicon
from .mentions import ActorSpan, CountSpan, PlaceSpan, TimeSpan, char_span
from .places import SPECIFICITY, event_place  # noqa: F401  (SPECIFICITY: merge reads it here)

COUNT_TYPE = {"killed": ("ASSAULT", None), "injured": ("ASSAULT", None), "captured": ("ASSAULT", "abduct"),
              "arrested": ("COERCE", "arrest"), "displaced": ("DISPLACE", None)}
# Acts whose complement clause is their content, not a separate event ("offered to exchange").
CONTENT_TAKERS = {"REQUEST", "AGREE", "REJECT", "THREATEN", "ACCUSE", "SUPPORT", "CONCEDE"}
SUBJECT_DEPS = ("nsubj", "csubj")
ARMED = {"MIL", "REB", "COP"}
# Acts done to bodies and things, which a participle still reports ("a man killed in the attack").
MATERIAL = {"ASSAULT", "COERCE", "DISPLACE", "PROTEST"}
# Words for harm that name no doer: violence must be named elsewhere in the sentence.
PASSIVE_HARM = {"die", "dead", "death", "casualty", "fatality", "injury", "injured", "hurt", "life", "toll", "body", "wounded", "lose"}
COLLECTIVES = {"group", "number", "band", "team", "unit", "member", "dozen", "hundred", "thousand", "crowd", "gang", "squad",
               "one", "some", "many", "most", "all", "several", "each", "both", "none", "part"}


def triggers() -> dict:
    return vocab.load("triggers")


@lru_cache(maxsize=1)
def ontology() -> dict:
    data = dict(vocab.load("ontology"))
    single, multi = {}, {}
    for mode, words in data["mode_words"].items():
        for w in words:
            (multi if " " in w else single).setdefault(w, mode)
    data["mode_single"], data["mode_multi"] = single, multi
    data["context_of"] = {w: c for c, words in data["context_words"].items() for w in words}
    return data


@dataclass
class EventDraft:
    """An event while it is being built; `to_event` in `record` turns it into the SPEC model."""

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

    @property
    def sent(self) -> Span:
        return self.trigger.sent

    @property
    def acled(self) -> Optional[Acled]:
        return acled_for(self.type, self.mode, self.recipients)


# ---------------------------------------------------------------- triggers
def _children_lemmas(tok: Token, deps: Iterable[str]) -> set[str]:
    return {c.lemma_.lower() for c in tok.children if c.dep_ in deps}


def _descriptive_participle(tok: Token) -> bool:
    """A participle describing a noun, with no subject of its own."""
    node = tok
    while node.dep_ == "conj":
        node = node.head
    return node.dep_ == "acl" and not any(c.dep_ in SUBJECT_DEPS for c in tok.children)


def _concrete_targets(tok: Token, actor_at: dict, place_at: dict) -> bool:
    """Whether what `tok` hits (object, "on X", "against X") could be hit; true with no target."""
    targets = [c for c in tok.children if c.dep_ == "dobj"]
    targets += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "against", "at")
                for p in c.children if p.dep_ == "pobj" and p.ent_type_ not in ("DATE", "TIME")]
    thing = set(ontology()["targets"])
    return not targets or any(t.i in actor_at or t.i in place_at or t.ent_type_ in ("GPE", "LOC", "FAC", "ORG", "NORP", "PERSON")
                              or t.pos_ == "PRON" or t.lemma_.lower() in thing for t in targets)


def violent(sent: Span) -> bool:
    """Whether a sentence names violence: an assault word or a weapon."""
    lex, weapons = triggers(), ontology()["mode_single"]
    return any((lex["verbs"].get(t.lemma_.lower()) or lex["nouns"].get(t.lemma_.lower()) or {}).get("type") == "ASSAULT"
               and t.lemma_.lower() not in ("die", "kill") or t.lemma_.lower() in weapons for t in sent)


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


def match_trigger(tok: Token, actor_at: dict[int, ActorSpan], place_at: dict[int, PlaceSpan]) -> Optional[dict]:
    """The trigger entry `tok` fires, after its conditions (see triggers.yaml) are checked."""
    lex = triggers()
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB",) or (tok.pos_ == "AUX" and lemma not in ("be", "have", "do")):
        entry = lex["verbs"].get(lemma)
        if entry is None or tok.dep_ == "amod":
            return None
        if entry["type"] not in MATERIAL and _descriptive_participle(tok):
            return None  # "people accused of crimes", "people living in or visiting Hong Kong"
        if entry.get("active") and any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
            return None
        if entry.get("concrete_target") and not _concrete_targets(tok, actor_at, place_at):
            return None
        if entry.get("content") and not (any(c.dep_ in ("xcomp", "ccomp") for c in tok.children)
                                         or _particles(tok) & {"for", "that", "to", "on", "with"}):
            return None  # "asked X to resign", "asked for help"; not "when you ask people"
        if entry.get("joint") and not (any(c.lower_ == "with" and c.i > tok.i for c in tok.children) or any(
                c.dep_ == "nsubj" and (c.tag_ in ("NNS", "NNPS") or c.conjuncts) for c in tok.children)):
            return None  # "the leaders discussed", "discussed with"; not "Cohen discussed his journey"
        objs = _objects(tok)
        if tok.dep_ == "acl":  # "a statement released by": the noun is the participle's object
            objs.append(tok.head)
        # "declared a state of emergency": the object's "of" complement names it too
        obj_lemmas = {o.lemma_.lower() for o in objs} | {
            p.lemma_.lower() for o in objs for c in o.children if c.dep_ == "prep" and c.lower_ == "of"
            for p in c.children if p.dep_ == "pobj"}
        particles = _particles(tok)
        for sense in entry.get("senses", ()):  # "called up reservists", "banned imports"
            pobjs = {p.lemma_.lower() for c in tok.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"}
            if particles & set(sense.get("particles", ())) or (obj_lemmas | pobjs) & set(sense.get("objects", ())):
                return {k: v for k, v in sense.items() if k not in ("particles", "objects")}
        if "prep" in entry and not particles & set(_as_list(entry["prep"])):
            return None
        if "object" in entry and not obj_lemmas & set(entry["object"]) and not _children_lemmas(tok, ("nsubjpass",)) & set(entry["object"]):
            return None
        if "object_not" in entry and obj_lemmas & set(entry["object_not"]):
            return None
        if "object_or_prep" in entry and not (obj_lemmas | _children_lemmas(tok, ("prep",))) & set(entry["object_or_prep"]):
            return None
        if "complement" in entry:
            comp = {t.lemma_.lower() for t in tok.subtree} & set(entry["complement"])
            if not comp:
                return None
        if entry.get("people") and not any(_is_people_or_group(o, actor_at) for o in objs) \
                and not _particles(tok) & set(entry.get("or_prep", ())):
            return None
        if entry.get("intransitive") and any(c.dep_ in ("dobj", "ccomp") for c in tok.children):
            return None
        if entry.get("object_or_with") and (any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children) or (
                not any(c.dep_ == "dobj" for c in tok.children) and "with" not in _particles(tok))):
            return None  # "met his counterpart", "met with X"; not "was met with applause"
        if entry.get("people_or_place") and not any(_is_people_or_group(o, actor_at) or o.i in place_at for o in objs) \
                and not _children_lemmas(tok, ("nsubj",)) & set(ontology()["mode_single"]):
            return None  # "missiles hit a power station": a weapon as subject is enough
        if entry.get("needs_cause") and not violent(tok.sent):
            return None  # "died of cancer", "died due to the earthquake"
        return entry
    if tok.pos_ in ("NOUN", "PROPN"):
        entry = lex["nouns"].get(lemma) or lex["nouns"].get(tok.lower_)
        if entry is None:
            return None
        if tok.dep_ == "compound" and tok.head.lemma_.lower() in lex["nouns"]:
            return None  # "drone strike": the head noun is the trigger
        mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "poss")}
        governor = tok.head.head if tok.dep_ == "pobj" else tok.head
        for sense in entry.get("senses", ()):  # "a hunger strike", "went on strike"
            if mods & set(sense.get("modifiers", ())) or governor.lemma_.lower() in sense.get("heads", ()):
                return {k: v for k, v in sense.items() if k not in ("modifiers", "heads")}
        if entry.get("concrete_target") and not _concrete_targets(tok, actor_at, place_at):
            return None
        if mods & set(entry.get("modifier_not", ())):
            return None
        if "needs_modifier" in entry:
            if not mods & set(entry["needs_modifier"]) and not any(c.ent_type_ in ("NORP", "GPE") for c in tok.children):
                return None
        return entry
    return None


# ---------------------------------------------------------------- arguments
def reduced_passive(verb: Token) -> bool:
    """A headline's "son killed", "three arrested": a participle with no auxiliary or object."""
    def bare(v: Token) -> bool:
        return not any(c.dep_ in ("aux", "auxpass", "dobj") for c in v.children)

    if verb.tag_ != "VBN" or not bare(verb):
        return False
    # "had taken X captive and offered Y": a conjunct shares the auxiliary of the verb it joins
    node = verb
    while node.dep_ == "conj" or (node is not verb and node.pos_ not in ("VERB", "AUX")):
        if node.head is node:
            break
        node = node.head
    return node is verb or bare(node)


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
        if tok.lemma_.lower() in COLLECTIVES:  # "a group of partisans" are partisans
            inner = [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
            if inner:
                return self.actors_of(inner[0])
        for t in map(antecedent, [tok, *tok.conjuncts]):
            a = self.actor_at.get(t.i)
            if a is None:  # a name or nationality inside the phrase ("Houthi gunmen"); not a
                # possessor, who is someone else ("bin Laden's son")
                a = next((self.actor_at[c.i] for c in t.children if c.dep_ in ("compound", "amod") and c.i in self.actor_at), None)
            if a is None and t.pos_ == "NOUN":  # "the actions of the groups"
                inner = [p for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
                if inner and inner[0].i in self.actor_at:
                    a = self.actor_at[inner[0].i]
            if a is not None and a.actor not in out:
                out.append(a.actor)
        return out

    def subject(self, verb: Token) -> Optional[Token]:
        node = verb
        for _ in range(4):
            subj = next((c for c in node.children if c.dep_ in SUBJECT_DEPS), None)
            if subj is not None:
                if subj.tag_ in ("WDT", "WP") and node.dep_ == "relcl":
                    return node.head
                return subj
            if node.dep_ in ("xcomp", "conj", "advcl", "pcomp") and node.head != node:
                node = node.head
            elif node.dep_ == "relcl":
                return node.head
            else:
                return None
        return None

    def of_verb(self, verb: Token) -> tuple[list[Actor], list[Actor]]:
        actors, recipients = [], []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or reduced_passive(verb)
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
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "against", "at", "with", "to", "into"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        recipients += [a for a in self.actors_of(p) if a not in actors]
        return actors, recipients

    def of_noun(self, noun: Token) -> tuple[list[Actor], list[Actor]]:
        actors, recipients = [], []
        for c in noun.children:
            if c.dep_ in ("poss", "compound", "amod", "nmod"):
                actors += self.actors_of(c)
            elif c.dep_ == "prep":
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    if c.lower_ == "by":
                        actors += self.actors_of(p)
                    elif c.lower_ in ("on", "against", "of", "at", "with", "targeting"):
                        recipients += self.actors_of(p)
        if noun.dep_ == "nsubj" and not recipients:  # "the airstrike killed Soleimani"
            recipients += [a for c in noun.head.children if c.dep_ == "dobj" for a in self.actors_of(c)]
        if not actors and noun.dep_ in ("dobj", "pobj", "nsubjpass") and noun.head.lemma_.lower() in triggers()["light_verbs"]:
            verb = noun.head if noun.dep_ != "pobj" else noun.head.head
            subj = self.subject(verb)
            if subj is not None:
                actors += self.actors_of(subj)
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
    votes: Counter = Counter()
    first: dict[str, PlaceSpan] = {}
    for p in local:
        key = p.place.name
        votes[key] += 1 + (1.0 if p.span.start < 60 else 0.0)
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
        if entry["mode"] in ("abduct", "targeted", "destroy", "torture", "sexual", "beat") or not ordered:
            ordered.insert(0, entry["mode"])
        else:
            ordered.append(entry["mode"])
    if "drone" in ordered and "aerial" not in ordered:
        ordered.append("aerial")
    return ordered


def contexts_for(sent: Span) -> list[str]:
    ctx = ontology()["context_of"]
    return sorted({ctx[t.lemma_.lower()] for t in sent if t.lemma_.lower() in ctx})


def publication_date(doc: Doc) -> EventDate:
    return EventDate(start=doc._.pub_date, end=doc._.pub_date, precision="reported", basis="publication")


def event_date(doc: Doc, time: Optional[TimeSpan]) -> EventDate:
    if time is None:
        return publication_date(doc)
    m = time.mention
    return EventDate(start=m.start, end=m.end, precision=m.precision, text=m.text, basis="text", span=m.span)


# ---------------------------------------------------------------- the component
def _suppressed(tok: Token, trigger_at: dict[int, dict]) -> bool:
    """A trigger inside the content of an act that takes a clause ("agreed to meet")."""
    node = tok
    for _ in range(3):
        if node.dep_ not in ("xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "advcl") or node.head == node:
            return False
        node = node.head
        entry = trigger_at.get(node.i)
        if entry is not None and entry["type"] in CONTENT_TAKERS:
            return True
    return False


def find_events(doc: Doc) -> list[EventDraft]:
    args = Arguments(doc)
    place_at = {i: p for p in doc._.places or () for i in range(p.span.start, p.span.end)}
    speech = set(vocab.load("claims")["reporting"])
    trigger_at: dict[int, dict] = {}
    for tok in doc:
        if tok.ent_type_ in ("PERSON", "ORG", "GPE", "DATE", "TIME") or tok.lemma_.lower() in speech:
            continue
        if tok.sent.text.rstrip().endswith("?"):
            continue  # a question asserts no act ("Would you ask them to resign?")
        entry = match_trigger(tok, args.actor_at, place_at)
        if entry is not None:
            trigger_at[tok.i] = entry
    main = main_place(doc)
    drafts: list[EventDraft] = []
    for i, entry in trigger_at.items():
        tok = doc[i]
        if _suppressed(tok, trigger_at):
            continue
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "dobj" and tok.head.i in trigger_at:
            continue  # "observed the ceasefire", "signed a truce": the verb's act
        drafts.extend(build(doc, args, tok, entry, main))
    drafts.extend(implied_by_counts(doc, args, drafts, main))
    for d in drafts:
        count_named_victims(doc, args, d)
    share_actors(drafts)
    return drafts


def count_named_victims(doc: Doc, args: Arguments, draft: EventDraft) -> None:
    """With no number in the text, each named person or singular person noun undergoing a
    killing, injury, capture or arrest counts one ("Babaryka was arrested": arrested 1)."""
    tok = draft.trigger.root
    kind = count_lexicon()["kind_of"].get(tok.lemma_.lower())
    if kind not in ("killed", "injured", "captured", "arrested") or kind in draft.counts or tok.pos_ != "VERB":
        return
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    heads = [antecedent(c) for c in tok.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
    heads = [t for h in heads for t in (h, *h.conjuncts)]
    people = [h for h in heads if h.tag_ in ("NNP", "NN") and h.i in args.actor_at
              and not any(c.like_num for c in h.children) and h.lemma_.lower() not in COLLECTIVES
              and args.actor_at[h.i].actor.sector not in ("GOV", "MIL", "REB", "COP", "IGO", "NGO") or
              h.ent_type_ == "PERSON"]
    if people and len(people) == len(heads):
        first, last = min(people, key=lambda t: t.i), max(people, key=lambda t: t.i)
        span = doc[first.left_edge.i:last.i + 1]
        draft.counts[kind] = Count(value=len(people), qualifier="exact", text=span.text, span=char_span(span))


def share_actors(drafts: list[EventDraft]) -> None:
    """An agentless act takes the actors of the same kind of act in its sentence
    ("forces shelled the region and two people were killed")."""
    for d in drafts:
        if d.actors:
            continue
        donors = [o for o in drafts if o is not d and o.actors and o.type == d.type and o.sent == d.sent]
        if donors:
            nearest = min(donors, key=lambda o: abs(o.trigger.start - d.trigger.start))
            d.actors = [a for a in nearest.actors if a not in d.recipients]


def build(doc: Doc, args: Arguments, tok: Token, entry: dict, main: Optional[PlaceSpan]) -> list[EventDraft]:
    trigger = doc[tok.i:tok.i + 1]
    type_ = entry["type"]
    actors, recipients = args.of_verb(tok) if tok.pos_ in ("VERB", "AUX") else args.of_noun(tok)
    recipients = [r for r in recipients if r not in actors]
    if entry.get("needs_actor") and not (actors or recipients):
        return []
    sectors = {a.sector for a in actors}
    for sense in entry.get("actor_senses", ()):  # "protesters clashed with police" is a riot
        if sectors and sectors <= set(sense["sectors"]):
            entry = {**entry, **{k: v for k, v in sense.items() if k != "sectors"}}
            type_ = entry["type"]
            break
    if type_ == "DISPLACE" and any(a.sector in ARMED for a in actors):
        return []  # attackers who "fled" the scene are not displaced people
    exclude = {i for i, a in args.actor_at.items() if a.actor in actors}  # "Russia" the actor is no place
    places, from_text = event_place(doc, trigger, exclude, main)
    time = times_stage.event_time(doc, trigger)
    date = event_date(doc, time)
    mode = modes_for(trigger, entry, type_)
    sent = trigger.sent
    confidence = float(entry.get("confidence", 0.55 if tok.pos_ == "VERB" else 0.45))
    confidence += 0.1 * bool(actors) + 0.1 * from_text + 0.1 * (time is not None)
    out = []
    for place in places or [None]:
        draft = EventDraft(trigger=trigger, type=type_, mode=mode, actors=list(actors), recipients=list(recipients),
                            time=time, date=date, place=place, place_from_text=from_text,
                            evidence=[_sentence_span(sent)], context=contexts_for(sent),
                            confidence=round(min(confidence, 0.95), 2))
        out.append(draft)
    return out


def _sentence_span(sent: Span) -> CharSpan:
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return CharSpan(start=start, end=max(end, start + 1))


def attach_counts(doc: Doc, drafts: list[EventDraft]) -> list[CountSpan]:
    """Give each count to the event its anchor belongs to; return the counts no event took."""
    by_trigger: dict[int, list[EventDraft]] = {}
    for d in drafts:
        by_trigger.setdefault(d.trigger.root.i, []).append(d)
    left = []
    for c in doc._.counts or ():
        anchor = c.anchor or c.span.root
        target = None
        node = anchor
        for _ in range(6):  # the anchor itself, then the words governing it
            if node.i in by_trigger:
                target = by_trigger[node.i]
                break
            if node.head == node:
                break
            node = node.head
        if target is None:  # "an attack that left six dead": the anchor hangs below the trigger
            for i, ds in by_trigger.items():
                if doc[i].sent == anchor.sent and anchor in doc[i].subtree:
                    target = ds
                    break
        want = COUNT_TYPE[c.kind][0]
        if target is None and anchor.pos_ != "VERB" and c.kind not in ("killed", "injured"):
            continue  # "two captives", "4,000 refugees": a state, not an act this text reports
        if target is not None and any(d.type == want or c.kind in ("killed", "injured") and d.type == "ASSAULT" for d in target):
            for d in target:
                if c.kind not in d.counts:
                    d.counts[c.kind] = c.count
        else:
            left.append(c)
    return left


def implied_by_counts(doc: Doc, args: Arguments, drafts: list[EventDraft], main: Optional[PlaceSpan]) -> list[EventDraft]:
    """People killed, captured, arrested or displaced imply the act, even with no trigger word."""
    left = attach_counts(doc, drafts)
    out: list[EventDraft] = []
    for c in left:
        type_, mode = COUNT_TYPE[c.kind]
        same = [d for d in drafts + out if d.type == type_ and d.sent == c.span.sent]
        if same:
            for d in same:
                d.counts.setdefault(c.kind, c.count)
            continue
        anchor = c.anchor or c.span.root
        if type_ == "ASSAULT" and anchor.lemma_.lower() in PASSIVE_HARM and not violent(c.span.sent):
            continue  # "116 people died in the earthquake", "16,000 premature deaths"
        entry = {"type": type_, "mode": mode} if mode else {"type": type_}
        new = build(doc, args, anchor, entry, main)
        for d in new:
            d.counts[c.kind] = c.count
            d.confidence = round(d.confidence - 0.1, 2)
        out.extend(new)
    return out


@Language.component("eventwire_events")
def events_component(doc: Doc) -> Doc:
    doc._.events = find_events(doc)
    return doc


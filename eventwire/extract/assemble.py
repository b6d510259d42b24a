"""The assembler: the one stage that builds events from what the other stages annotated.

From the triggers the scope stage kept (`doc._.triggers`), the count, place, time and actor
mentions, it chooses each event's place (clause, sentence, then the place the article is
about), mode, counts (a count goes to the event its anchor word belongs to; counts no event
takes imply one: people killed imply an assault), claim (`claims.claim_for`), date
(`dating`), folds repeated mentions of one event into one (`merge`, SPEC 8) and scores its
confidence, once.
"""
from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import Count, Span as CharSpan
from . import dating, vocab
from .claims import claim_for
from .places import article_place, event_place
from .counts import lexicon as count_lexicon
from .events import (Arguments, EventDraft, Trigger, antecedent, collectives, contexts_for, listed_with, main_place,
                     make_trigger, modes_for, violent)
from .mentions import CountSpan, PlaceSpan, char_span, span_text
from .merge import absorb, merge

# Statuses that say the act did not (yet) happen as reported.
UNREAL = ("negated", "planned", "conditional")


def _sentence_span(sent: Span) -> CharSpan:
    text = span_text(sent)
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return CharSpan(start=start, end=max(end, start + 1))


def origins(sent: Span) -> set[int]:
    """Tokens of places that say where a person lives or comes from ("A resident of Antioch,
    Illinois, Rittenhouse is accused of ..."): no scene of the sentence's acts. (Not an
    office's place: "the governor of Puerto Rico declared a state of emergency" there.)"""
    words = vocab.load("assemble")
    nouns, preps = set(words["origin_nouns"]), set(words["origin_preps"])
    return {t.i for prep in sent if prep.dep_ == "prep" and prep.lower_ in preps
            and prep.head.lemma_.lower() in nouns for t in prep.subtree}


def build(doc: Doc, args: Arguments, trigger: Trigger, main: Optional[PlaceSpan]) -> list[EventDraft]:
    """The drafts one trigger states: one per place of its clause (SPEC 8)."""
    span, entry, type_ = trigger.span, trigger.entry, trigger.type
    actors, recipients = trigger.actors, trigger.recipients
    sent = span.sent
    exclude = {i for i in range(sent.start, sent.end)  # "Russia" the actor is no place
               if i in args.actor_at and args.actor_at[i].actor in actors} | origins(sent)
    places, from_text = event_place(doc, span, exclude)
    if not places and main is not None:
        places = [main]
    date, time, from_context = dating.date_mention(doc, span, type_)
    mode = modes_for(span, entry, type_)
    base = float(entry.get("confidence", 0.55 if span.root.pos_ == "VERB" else 0.45))
    return [EventDraft(trigger=span, type=type_, mode=list(mode), actors=list(actors), recipients=list(recipients),
                       time=time, date=date, date_from_context=from_context, place=place, place_from_text=from_text,
                       evidence=[_sentence_span(sent)], context=contexts_for(sent), confidence=base,
                       background=time is None and dating.past_perfect(span),
                       prior=time is None and dating.of_someone(span))
            for place in places or [None]]


def attach_counts(doc: Doc, drafts: list[EventDraft], counts: list[CountSpan]) -> list[CountSpan]:
    """Give each count to the event its anchor belongs to; return the counts no event took."""
    implies = count_lexicon()["implies"]
    by_trigger: dict[int, list[EventDraft]] = {}
    in_sentence: dict[int, dict[int, list[EventDraft]]] = {}
    for d in drafts:
        by_trigger.setdefault(d.trigger.root.i, []).append(d)
        in_sentence.setdefault(d.sent.start, {}).setdefault(d.trigger.root.i, []).append(d)
    left = []
    for c in counts:
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
            for i, ds in in_sentence.get(anchor.sent.start, {}).items():
                if anchor in doc[i].subtree:
                    target = ds
                    break
        want = implies[c.kind]["type"]
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
    lex = count_lexicon()
    left = attach_counts(doc, drafts, [c for c in doc._.counts or () if not c.hazard])
    out: list[EventDraft] = []
    by_sentence: dict[tuple, list[EventDraft]] = {}
    for d in drafts:
        by_sentence.setdefault((d.type, d.sent.start), []).append(d)
    for c in left:
        entry = dict(lex["implies"][c.kind])
        same = by_sentence.get((entry["type"], c.span.sent.start), [])
        if same:
            for d in same:
                d.counts.setdefault(c.kind, c.count)
            continue
        anchor = c.anchor or c.span.root
        if entry["type"] == "ASSAULT" and anchor.lemma_.lower() in lex["passive_harm"] and not violent(c.span.sent):
            continue  # "116 people died in the earthquake", "16,000 premature deaths"
        trigger = make_trigger(doc, args, anchor, entry)
        if trigger is None:
            continue
        for d in build(doc, args, trigger, main):
            d.counts[c.kind] = c.count
            d.implied = True
            out.append(d)
            by_sentence.setdefault((d.type, d.sent.start), []).append(d)
    return out


def count_named_victims(doc: Doc, args: Arguments, draft: EventDraft) -> None:
    """With no number in the text, each named person or singular person noun undergoing a
    killing, injury, capture or arrest counts one ("Babaryka was arrested": arrested 1)."""
    tok = draft.trigger.root
    lex = count_lexicon()
    # "X died", "X was killed", "X shot dead": the word, or its result complement, says what happened
    result = [c for c in tok.children if c.dep_ in ("acomp", "oprd") and c.lemma_.lower() in lex["kind_of"]]
    kind = lex["kind_of"].get(tok.lemma_.lower()) or (lex["kind_of"][result[0].lemma_.lower()] if result else None)
    if kind == "captured" and "arrest" in draft.mode:
        kind = "arrested"  # "was taken into custody": the act's own sense says what the taking was
    if kind not in ("killed", "injured", "captured", "arrested") or kind in draft.counts or tok.pos_ != "VERB":
        return
    if any(c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children):
        return  # "a plot to kill the ambassador": an intended act has no victims yet
    deps = {c.dep_ for c in tok.children}
    if deps & {"nsubjpass", "auxpass"}:
        role = "nsubjpass"
    elif "dobj" not in deps and (tok.lemma_.lower() in lex["passive_harm"] or result):
        role = "nsubj"
    else:
        role = "dobj"
    # a verb has one subject or object: a second is the parser's reading of an apposition
    # ("Park Won-soon, the mayor of Seoul, was found dead")
    heads = [antecedent(c) for c in tok.children if c.dep_ == role][:1]
    heads = [t for h in heads for t in (h, *listed_with(h))]
    people = [h for h in heads if h.tag_ in ("NNP", "NN") and h.i in args.actor_at
              and not any(c.like_num for c in h.children) and h.lemma_.lower() not in collectives()
              and (args.actor_at[h.i].actor.sector not in lex["institution_sectors"] or h.lemma_.lower() in lex["person_nouns"])
              or h.ent_type_ == "PERSON"]
    if people and len(people) == len(heads):
        first, last = min(people, key=lambda t: t.i), max(people, key=lambda t: t.i)
        span = doc[first.left_edge.i:last.i + 1]
        draft.counts[kind] = Count(value=len(people), qualifier="exact", text=span.text, span=char_span(span))


RESULT_DEPTH = 6  # words between a harm word and the act it is the result of


def _result_of(d: EventDraft, by_root: dict[int, EventDraft], harm: dict) -> Optional[EventDraft]:
    """The act a harm draft is the result of: the act named by "in"/"during" ("died in last
    night's attack"), else an act of its type above it in its sentence."""
    tok = d.trigger.root
    if harm.get(tok.lemma_.lower()) not in ("killed", "injured") or d.implied:
        return None
    scene = set(vocab.load("merge")["scene"])
    for p in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in scene):
        other = next((by_root[x.i] for x in p.children if x.dep_ == "pobj" and x.i in by_root), None)
        if other is not None and other.type == d.type:
            return other
    node = tok
    for _ in range(RESULT_DEPTH):
        if node.head == node or (node.dep_ == "relcl" and node.head.i not in by_root):
            break  # "another in Chippewa Falls where at least five died": its own scene
        node = node.head
        other = by_root.get(node.i)
        if other is not None and other is not d and other.type == d.type:
            return other
    return None


def fold_results(drafts: list[EventDraft]) -> list[EventDraft]:
    """A harm word under an act of its type in its sentence states that act's result ("shot
    shoppers ..., with 25 others injured", "attacked the convoy, killing five"): one event,
    whatever time expression the harm word has of its own ("the toll rising to 22 on Monday").
    Harm words joined to each other ("five died in the attack; twenty more were injured")
    share the act."""
    harm = count_lexicon()["kind_of"]
    by_root: dict[int, EventDraft] = {}
    for d in drafts:
        by_root.setdefault(d.trigger.root.i, d)
    governor = {id(d): _result_of(d, by_root, harm) for d in drafts}

    def act(d: EventDraft) -> Optional[EventDraft]:
        seen = set()
        while governor.get(id(d)) is not None and id(d) not in seen:
            seen.add(id(d))
            d = governor[id(d)]
        return d if seen else None

    for d in drafts:  # a harm word above another that found its act ("injured" over "died in the attack")
        if governor[id(d)] is None and harm.get(d.trigger.root.lemma_.lower()) in ("killed", "injured"):
            below = [o for o in drafts if governor[id(o)] is not None and o.trigger.root.head.i == d.trigger.root.i
                     and harm.get(o.trigger.root.lemma_.lower())]
            target = next((a for a in map(act, below) if a is not None and a is not d), None)
            if target is not None and target.type == d.type:
                governor[id(d)] = target
    out = []
    for d in drafts:
        target = act(d)
        if target is None or target is d:
            out.append(d)
        else:
            absorb(target, d)
    return out


def share_actors(drafts: list[EventDraft]) -> None:
    """An agentless act takes the actors of the same kind of act in its sentence
    ("forces shelled the region and two people were killed")."""
    by_sentence: dict[tuple, list[EventDraft]] = {}
    for d in drafts:
        if d.actors:
            by_sentence.setdefault((d.type, d.sent.start), []).append(d)
    for d in drafts:
        if d.actors:
            continue
        donors = by_sentence.get((d.type, d.sent.start), [])
        if donors:
            nearest = min(donors, key=lambda o: abs(o.trigger.start - d.trigger.start))
            d.actors = [a for a in nearest.actors if a not in d.recipients]


def confidence(draft: EventDraft) -> float:
    """The extractor's own score, from how much of the event the text states."""
    score = draft.confidence + 0.1 * bool(draft.actors) + 0.1 * draft.place_from_text + 0.1 * (draft.date.basis == "text")
    score = min(score - 0.1 * draft.implied, 0.95)
    if draft.claim.status in UNREAL:
        score = max(0.1, score - 0.1)
    if draft.mentions:  # stated more than once
        score = min(0.98, score + 0.05)
    return round(score, 2)


def assemble(doc: Doc) -> list[EventDraft]:
    args = Arguments(doc)
    main = article_place(doc, main_place(doc))
    drafts = [d for t in doc._.triggers or () for d in build(doc, args, t, main)]
    drafts += implied_by_counts(doc, args, drafts, main)
    for d in drafts:
        count_named_victims(doc, args, d)
    drafts = fold_results(drafts)
    share_actors(drafts)
    previous: list = []  # claimants so far: who "the statement" of a later sentence is from
    for d in sorted(drafts, key=lambda d: d.trigger.start):
        d.claim = claim_for(d, args, previous)
        previous.extend(d.claim.claimants)
        dating.settle(doc, d)
    drafts = merge(drafts)
    for d in drafts:
        dating.settle(doc, d)
        if d.historical and not d.place_from_text:
            d.place = country_of(doc, d.place)
        d.confidence = confidence(d)
    return drafts


def country_of(doc: Doc, place: Optional[PlaceSpan]) -> Optional[PlaceSpan]:
    """The country mention of the article's place: where background told with no place of its
    own happened, as far as the text says (the story's town is where today's news is)."""
    if place is None or place.place.feature == "country":
        return place
    return next((p for p in doc._.places or () if p.place.feature == "country" and not p.metonymic
                 and p.place.country == place.place.country), place)


class Assembler:
    """Builds `doc._.events` from the stages' annotations."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def initialize(self, get_examples=None, nlp=None) -> None:
        count_lexicon(), vocab.load("scope"), vocab.load("assemble")

    def __call__(self, doc: Doc) -> Doc:
        doc._.events = assemble(doc)
        return doc


@Language.factory("eventwire_assemble", assigns=["doc._.events"],
                  requires=["doc._.triggers", "doc._.counts", "doc._.times", "doc._.places", "doc._.actors"])
def make_assembler(nlp: Language, name: str) -> Assembler:
    return Assembler(nlp, name)

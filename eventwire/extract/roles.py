"""Argument roles: complete each event's actors and recipients after the trigger stage.

The trigger stage reads agents and patients from the parse (subject, passive "by", object,
"attack on X"). This stage then (1) resolves definite descriptions ("the group", "the
militants") to the last party of the same sector earlier in the paragraph, and (2) gives an
event with no named party the party its type implies (`implied` in data/actors.yaml): an
unidentified armed group from the country where an attack happened, that country's police for
an arrest, civilians for people counted as killed or hurt.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..models import Actor
from .events import Arguments
from . import vocab
from .actors import alpha2_to_alpha3, country_of_text, dictionary, dominant_country
from .mentions import ActorSpan, char_span


@lru_cache(maxsize=1)
def lexicon() -> dict:
    d = dictionary()
    sets = ("anaphors", "first_person", "verdicts", "policies", "protest_preps", "anaphor_dets",
            "referent_dets", "verdict_preps")
    return {"implied": d["implied"], "referents": {k: set(v) for k, v in d["referents"].items()},
            **{k: set(d[k]) for k in sets}}


def _paragraph_start(doc: Doc, i: int) -> int:
    """Token index where the paragraph holding token `i` starts (after a blank line)."""
    for j in range(i - 1, -1, -1):
        if doc[j].is_space and doc[j].text.count("\n") >= 2:
            return j + 1
    return 0


def antecedent(doc: Doc, mention: ActorSpan, mentions: list[ActorSpan]) -> Optional[Actor]:
    """The named party "the group" / "the ministry" refers back to, if any."""
    root = mention.span.root
    if root.lemma_.lower() not in lexicon()["anaphors"] or not any(
            c.dep_ == "det" and c.lower_ in lexicon()["anaphor_dets"] for c in root.children):
        return None
    if any(c.dep_ in ("amod", "compound") for c in root.children):
        return None  # "the Ukrainian military" names its own party
    start = _paragraph_start(doc, mention.span.start)
    earlier = [m for m in mentions if start <= m.span.start < mention.span.start and m.span.root.pos_ == "PROPN"
               and m.actor.sector == mention.actor.sector]
    return earlier[-1].actor if earlier else None


def event_country(doc: Doc, draft) -> Optional[str]:
    place = draft.place.place if draft.place is not None else None
    if place is not None and place.country:
        return alpha2_to_alpha3().get(place.country)
    return dominant_country(doc)


def implied(doc: Doc, draft, role: str) -> Optional[Actor]:
    spec = lexicon()["implied"][role].get(draft.type)
    if spec is not None:
        spec = next((spec["modes"][m] for m in draft.mode if m in spec.get("modes", {})), spec)
    if spec is None or (spec.get("counted") and not ({"killed", "injured"} & set(draft.counts))):
        return None
    return Actor(name=spec["name"], text=draft.trigger.text, country=event_country(doc, draft),
                 sector=spec["sector"], span=char_span(draft.trigger))


def instrument_actor(draft) -> Optional[Actor]:
    """The state behind a weapon or strike that is the agent ("killed by a United States military
    airstrike", "a Russian missile hit"): the country modifying it, MIL unless a word says otherwise."""
    tok = draft.trigger.root
    nouns = [p for c in tok.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
    nouns += [c for c in tok.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"]
    if tok.pos_ == "NOUN":
        nouns.append(tok)
    sectors = dictionary()["modifier_sector"]
    for noun in nouns:
        mods = [t for c in noun.children if c.dep_ in ("nmod", "compound", "amod", "poss") for t in c.subtree]
        country = next((c for t in mods if t.ent_type_ in ("GPE", "NORP") and (c := country_of_text(
            next(e.text for e in t.doc.ents if e.start <= t.i < e.end))) is not None), None)
        if country is None:
            continue
        sector = next((sectors[t.lower_] for t in mods if t.lower_ in sectors), "MIL")
        span = draft.trigger.doc[min(t.i for t in mods):noun.i + 1]
        return Actor(name=span.text, text=span.text, country=country, sector=sector, span=char_span(span))
    return None


# Links from an act up to the verb whose subject intends it ("X was developing plans to attack",
# "X vowed to strike"); a reported clause (ccomp) has another speaker and is not climbed.
INTENT_LINKS = ("xcomp", "acl", "dobj", "pobj", "prep", "relcl")


def intending_subject(draft, args) -> list[Actor]:
    """Actors of the verb an agentless act is planned, vowed or plotted under."""
    node = draft.trigger.root
    for _ in range(4):
        if node.dep_ not in INTENT_LINKS or node.head is node:
            return []
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            subj = args.subject(node)
            return args.actors_of(subj) if subj is not None else []
    return []


def speaker_is_doer(draft, args) -> bool:
    """Whether the act is the speaker's own: "I will destroy", "we struck", "our forces" in what
    a claimant said, so the claimants are its actors."""
    tok = draft.trigger.root
    if tok.pos_ in ("VERB", "AUX"):
        subj = args.subject(tok)
        words = [subj] if subj is not None else []
    else:
        words = [c for c in tok.children if c.dep_ == "poss"]
    return any(w.lower_ in lexicon()["first_person"] for w in words)


def judged_party(draft, drafts: list, args) -> list[Actor]:
    """Whose act a verdict is about ("criticized the decision", "opposed the withdrawal", "called
    the strike justified"): the doers of the act its object names, that act's own mention, the
    owner of "Trump's decision", or for "the decision" alone the act it refers back to: the last
    one told before it of a type the noun can stand for (`referents`), by named doers other than
    the judge (an official may criticise his own government's decision)."""
    tok = draft.trigger.root
    objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    objs += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in lexicon()["verdict_preps"]
             for p in c.children if p.dep_ == "pobj"]
    mine = {(a.country, a.sector) for a in draft.actors}
    for obj in objs:
        for other in drafts:
            if other is not draft and obj.i in {t.root.i for t in [other.trigger, *other.mentions]}:
                return [a for a in other.actors if (a.country, a.sector) not in mine]
        kinds = lexicon()["referents"].get(obj.lemma_.lower())
        if kinds is None:
            continue
        owners = [a for c in obj.children if c.dep_ == "poss" for a in args.actors_of(c)]
        if owners:
            return owners
        if any(c.dep_ == "det" and c.lower_ in lexicon()["referent_dets"] for c in obj.children):
            named = lambda d: [a for a in d.actors if a.text != d.trigger.text]  # not an implied party
            judges = {a.name for a in draft.actors}
            earlier = [d for d in drafts if d is not draft and d.trigger.start < tok.i and d.type in kinds
                       and named(d) and not {a.name for a in d.actors} & judges]
            if earlier:
                return named(max(earlier, key=lambda d: d.trigger.start))
    return []


def stance_only(draft, drafts: list, args) -> bool:
    """A SUPPORT whose object names no party, act, policy or statement ("openly supported independence
    for South Yemen"): a stance, not an act toward another party (PLOVER's SUPPORT has a recipient).
    Parties that act together ("Czechia and Albania have upgraded their diplomatic ties") act
    toward each other."""
    tok = draft.trigger.root
    if draft.type != "SUPPORT" or draft.recipients or len(draft.actors) > 1 or tok.pos_ not in ("VERB", "AUX"):
        return False
    objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    if not objs:
        return False
    acts = {t.root.i for d in drafts if d is not draft for t in [d.trigger, *d.mentions]}
    words = lexicon()["referents"].keys() | lexicon()["policies"] | set(vocab.load("claims")["documents"])
    return not any(args.actors_of(t) or t.i in acts or t.lemma_.lower() in words
                   or t.ent_type_ in ("GPE", "NORP", "ORG", "PERSON", "LAW")
                   for o in objs for t in o.subtree)


def protested_government(doc: Doc, draft) -> Optional[Actor]:
    """A protest against a law, bill or policy targets the government that makes it, the one
    where the protest is ("weeks of protests against a proposed change to the extradition law")."""
    tok = draft.trigger.root
    against = [p for c in tok.children if c.dep_ == "prep" and c.lower_ in lexicon()["protest_preps"]
               for p in c.children if p.dep_ == "pobj"]
    policies = lexicon()["policies"]
    policy = next((t for p in against for t in p.subtree if t.lemma_.lower() in policies), None)
    if policy is None:
        return None
    # "against China's extradition law": the owner's government, wherever the protest is
    while policy.dep_ in ("compound", "amod") and policy.head != policy:
        policy = policy.head  # "extradition law"
    owner = next((t for t in policy.subtree if t.dep_ in ("poss", "amod", "compound") and country_of_text(t.text)),
                 None)
    country = country_of_text(owner.text) if owner is not None else event_country(doc, draft)
    target = doc[policy.i:policy.i + 1]
    return Actor(name="Government", text=target.text, country=country, sector="GOV", span=char_span(target))


def complete(doc: Doc, draft, mentions: list[ActorSpan], args=None, drafts: Optional[list] = None) -> None:
    by_actor = {id(m.actor): m for m in mentions}
    for role in ("actors", "recipients"):
        parties = getattr(draft, role)
        for n, a in enumerate(parties):
            m = by_actor.get(id(a))
            ante = antecedent(doc, m, mentions) if m is not None else None
            if ante is not None:
                parties[n] = ante.model_copy(update={"text": a.text, "span": a.span})
        if not parties and role == "recipients" and draft.type == "PROTEST":
            found = protested_government(doc, draft)
            if found is not None and found.country:
                parties.append(found)
        if not parties and role == "recipients" and args is not None and draft.type in lexicon()["verdicts"]:
            parties.extend(judged_party(draft, drafts or [], args))
        if not parties and role == "actors" and args is not None and draft.claim.claimants and speaker_is_doer(draft, args):
            parties.extend(a for a in draft.claim.claimants if a not in draft.recipients)
        if not parties and role == "actors" and draft.claim.status in ("planned", "conditional") and args is not None:
            parties.extend(a for a in intending_subject(draft, args) if a not in draft.recipients)
        if not parties and role == "actors" and draft.type == "ASSAULT":
            found = instrument_actor(draft)
            if found is not None:
                parties.append(found)
        if not parties:
            found = implied(doc, draft, role)
            if found is not None and all((found.country, found.sector) != (o.country, o.sector)
                                         for o in (draft.recipients if role == "actors" else draft.actors)):
                parties.append(found)


@Language.factory("eventwire_roles", assigns=["doc._.events"], requires=["doc._.events", "doc._.actors"])
def make_roles(nlp: Language, name: str) -> "Roles":
    return Roles()


class Roles:
    def __init__(self) -> None:
        lexicon()

    def __call__(self, doc: Doc) -> Doc:
        mentions = sorted(doc._.actors or (), key=lambda m: m.span.start)
        args = Arguments(doc)
        for draft in doc._.events or ():
            complete(doc, draft, mentions, args, doc._.events)
        doc._.events = [d for d in doc._.events or () if not stance_only(d, doc._.events, args)]
        return doc

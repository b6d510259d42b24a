"""Actor mentions: named groups, people with their offices, states and generic forces (SPEC 5).

Country and sector come from the actor dictionary (`data/actors.yaml`), demonyms
(`data/demonyms.yaml`) and the gazetteer's country names; people inherit them from the
office words and place or nationality words around their name, and a surname mention takes
the fullest form of the name in the document.
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from typing import Optional

from spacy.attrs import LOWER, POS
from spacy.language import Language
from spacy.parts_of_speech import NOUN, PROPN
from spacy.tokens import Doc, Span, Token

from ..geo import countries
from ..models import Actor
from . import vocab
from .gazetteer import nkey
from .mentions import ActorSpan, char_span, foreign_tokens

ROLE_DEPS = {"nsubj", "nsubjpass", "agent", "dobj", "pobj", "poss", "conj", "appos", "attr", "ROOT", "npadvmod"}


@lru_cache(maxsize=1)
def dictionary() -> dict:
    data = dict(vocab.load("actors"))
    data["title_sector"] = {w: sector for sector, words in data["titles"].items() for w in words}
    data["noun_sector"] = {w: sector for sector, words in data["nouns"].items() for w in words}
    data["modifier_sector"] = {w: sector for sector, words in data["modifiers"].items() for w in words}
    data["by_name"] = {g["name"]: g for g in data["groups"]}
    for key in ("locative_preps", "feminine", "relative_persons", "populace", "office_of", "instruments", "regional"):
        data[key] = set(data[key])
    return data


@lru_cache(maxsize=1)
def phoenix() -> dict:
    """The Phoenix actor dictionaries as converted by scripts/convert_phoenix.py."""
    with open(vocab.DATA / "phoenix_actors.json", encoding="utf-8") as fh:
        return json.load(fh)


def unpossessed(text: str) -> str:
    """A name without its possessive ending ("Trump's" -> "Trump")."""
    t = text.strip()
    for end in dictionary()["possessives"]:
        t = t.removesuffix(end)
    return t.strip()


def unarticled(text: str) -> str:
    """A name without its leading article ("the Taliban" -> "Taliban")."""
    first, _, rest = text.strip().partition(" ")
    return rest.strip() if rest and first.lower() in dictionary()["articles"] else text.strip()


def bare_name(text: str) -> str:
    return unarticled(unpossessed(text))


def _key(text: str) -> str:
    return bare_name(text).lower()


def role_on(roles: list, day: Optional[str]) -> Optional[tuple[Optional[str], str]]:
    """(country, sector) of the role held on `day` (ISO); the undated role when none covers it."""
    undated = None
    for start, end, country, sector in roles:
        if start is None and end is None:
            undated = undated or (country, sector)
        elif day and (start is None or start <= day) and (end is None or day <= end):
            return country, sector
    return undated


def dictionary_actor(text: str, day: Optional[str], kinds=("person", "org", "group")) -> Optional[tuple[str, Optional[str], str, str]]:
    """(name, country, sector, kind) of a Phoenix entry named `text`, coded for `day`."""
    data = phoenix()
    idx = data["names"].get(_key(text))
    if idx is None:
        return None
    name, kind, roles = data["actors"][idx]
    if kind not in kinds:
        return None
    role = role_on(roles, day)
    if role is None:
        # out of every dated office and no standing code: known, but no longer in a role
        return name, roles[0][2], "CVL", kind
    return name, role[0], role[1], kind


def _countries() -> list[dict]:
    return list(countries().values())


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Country names, demonyms and capitals-as-governments -> ISO alpha-3."""
    codes = {c["name"]: c["iso3"] for c in _countries()}
    # Phoenix's forms of country names (its cities and regions were left out by the converter)
    codes.update({name.title(): iso3 for name, iso3 in phoenix()["countries"].items()})
    codes.update(vocab.load("demonyms"))
    return codes


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Capital cities -> ISO alpha-3 of their state ("Berlin rejected" is Germany's government)."""
    return {c["capital"]: c["iso3"] for c in _countries() if c.get("capital")}


@lru_cache(maxsize=1)
def alpha2_to_alpha3() -> dict[str, str]:
    return {c["iso"]: c["iso3"] for c in _countries()}


def country_of_text(text: str) -> Optional[str]:
    codes = country_codes()
    t = unarticled(text)
    for form in (t, t.rstrip("s"), unpossessed(t)):
        if form in codes:
            return codes[form]
    return None


def add_entity_ruler(nlp: Language) -> None:
    """Dictionary groups become ORG entities (with the group's name as entity id) before NER runs."""
    ruler = nlp.add_pipe("entity_ruler", name="eventwire_actor_ruler", before="ner",
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    patterns = []
    for g in dictionary()["groups"]:
        for p in g["patterns"]:
            patterns.append({"label": "ORG", "pattern": p, "id": g["name"]})
    ruler.add_patterns(patterns)


def _place_country(doc: Doc, token: Token) -> Optional[str]:
    for ps in doc._.places or ():
        if ps.span.start <= token.i < ps.span.end and ps.place.country:
            return alpha2_to_alpha3().get(ps.place.country)
    return None


def _token_country(doc: Doc, token: Token, ent_at: dict[int, Span]) -> Optional[str]:
    """The country a word names, alone or by its entity (`ent_at`: token index -> entity)."""
    if token.ent_type_ in ("NORP", "GPE", "LOC", "ORG"):
        ent = ent_at.get(token.i)
        if ent is not None:
            found = country_of_text(ent.text) or _place_country(doc, token)
            if found:
                return found
    return country_of_text(token.text)


def _who(tok: Token) -> bool:
    """A name with "who" in its relative clause is a person's ("Viktar Babaryka, who was arrested")."""
    return any(c.dep_ == "relcl" and any(w.lower_ in dictionary()["relative_persons"] and w.dep_ in ("nsubj", "nsubjpass", "dobj")
                                         for w in c.children) for c in tok.children)


def _acts(tok: Token) -> bool:
    """Whether a name is the doer of its clause: subject, possessor, or the "by" of a passive."""
    return tok.dep_ in ("nsubj", "poss") or (tok.dep_ == "pobj" and tok.head.dep_ == "agent")


def _np_tokens(head: Token) -> list[Token]:
    """The head's left modifiers (compounds, adjectives, possessors, numbers) and the head."""
    return [t for t in head.subtree if t.i <= head.i and t.dep_ not in ("det", "punct", "cc")
            and head in (t, t.head, t.head.head)]


def dominant_country(doc: Doc) -> Optional[str]:
    """The country most places in the document lie in (the article's setting)."""
    votes = Counter(ps.place.country for ps in doc._.places or () if ps.place.country and not ps.metonymic)
    if not votes:
        return None
    return alpha2_to_alpha3().get(votes.most_common(1)[0][0])


class _Surnames(dict):
    """Surnames compared as the gazetteer compares names (`nkey`): "Erdogan" is the "Erdoğan"
    named earlier. A name `nkey` folds to nothing (not in Latin script) is its own key."""

    def __setitem__(self, name: str, actor: Actor) -> None:
        super().__setitem__(nkey(name) or name, actor)

    def get(self, name: str, default=None):
        return super().get(nkey(name) or name, default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(nkey(name) or name)


class ActorFinder:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.d = dictionary()
        self.home = dominant_country(doc)
        self.persons: dict[str, Actor] = _Surnames()  # surname -> fullest actor
        # each entity's Span made once: `doc.ents` builds them all anew at every call
        self.ent_at: dict[int, Span] = {i: e for e in doc.ents for i in range(e.start, e.end)}
        self.foreign = foreign_tokens(doc)  # passages in another language name no party

    def _modifier_info(self, tokens: list[Token]) -> tuple[Optional[str], Optional[str]]:
        country = sector = None
        for t in tokens:
            country = country or _token_country(self.doc, t, self.ent_at) or self._owner_country(t)
            sector = sector or self.d["modifier_sector"].get(t.lower_)
        return country, sector

    def _owner_country(self, t: Token) -> Optional[str]:
        """The country of a person named as owner ("Trump's envoy")."""
        boss = self.persons.get(t.text) if t.ent_type_ == "PERSON" and t.dep_ == "poss" else None
        return boss.country if boss is not None else None

    def _sentence_country(self, tok: Token) -> Optional[str]:
        """The country named nearest to `tok` in its sentence, if any."""
        found = [(abs(e.start - tok.i), country_of_text(e.text)) for e in tok.sent.ents
                 if e.label_ in ("GPE", "NORP") and not e.start <= tok.i < e.end]
        found = [f for f in found if f[1]]
        return min(found)[1] if found else None

    def _title(self, ent: Span) -> tuple[Optional[str], Optional[str], Optional[str]]:
        """(sector, country, group) from office words left of the name or in an apposition."""
        doc = self.doc
        sector = country = group = None
        left = []
        i = ent.start - 1
        while i >= 0 and i >= ent.start - 5 and doc[i].dep_ in ("compound", "amod", "nmod", "poss", "case", "punct") and doc[i].text not in (",", "."):
            left.append(doc[i])
            i -= 1
        # the whole title phrase before the name ("US Secretary of State Mike Pompeo")
        phrase = [c for c in ent.root.children if c.i < ent.start and c.dep_ in ("nmod", "compound", "amod", "poss")]
        left += sorted((t for c in phrase for t in c.subtree if t not in left and t.i >= ent.start - 8),
                       key=lambda t: -t.i)
        appos = [c for c in ent.root.children if c.dep_ == "appos"]
        if ent.root.dep_ == "appos":
            appos.append(ent.root.head)
        # "McGurk, who was Trump's special envoy": an office in a relative clause on the name
        appos += [a for c in ent.root.children if c.dep_ == "relcl" and c.lemma_ == "be" for a in c.children if a.dep_ == "attr"]
        office = ent.root.head.head if ent.root.dep_ == "pobj" and ent.root.head.lower_ in self.d["office_of"] else None
        if office is not None and office.lemma_.lower() in self.d["title_sector"]:
            left.append(office)  # the parser's "Minister of [Information Moammar al-Eryani]"
        for t in left + appos:
            sector = sector or self.d["title_sector"].get(t.lemma_.lower())
            country = country or _token_country(doc, t, self.ent_at)
        for a in appos:
            for t in a.subtree:
                if t.ent_id_ and t.ent_id_ in self.d["by_name"]:
                    g = self.d["by_name"][t.ent_id_]
                    group, country = g["name"], country or g["country"]
                    if g["sector"] in ("REB",):
                        sector = g["sector"]
                elif t.i != a.i:
                    # "Trump's envoy": the country of the person whose office it is
                    country = country or _token_country(doc, t, self.ent_at) or self._owner_country(t)
                    sector = sector or self.d["title_sector"].get(t.lemma_.lower())
        return sector, country, group

    def person(self, ent: Span) -> Actor:
        sector, country, group = self._title(ent)
        name = unpossessed(ent.text)
        surname = name.split()[-1]
        known = self.persons.get(surname)
        if known is not None:
            if len(name) > len(known.name):
                known.name = name
            sector = sector or known.sector
            country = country or known.country
            group = group or known.group
            name = known.name
        known_role = dictionary_actor(name, self.doc._.pub_date, ("person", "org"))
        if known_role is not None and (sector is None or known_role[2] != "CVL"):
            # the dictionary knows the office held on the day (a former president is no longer GOV)
            # (out of office, "elite": a civilian, SPEC 5)
            country, sector = known_role[1] or country, "CVL" if known_role[2] == "UNK" else known_role[2]
        if sector is None:
            # a named person with no office is a civilian (SPEC 5); where from, if known
            sector = "CVL" if country or self.home else "UNK"
        if country is None and sector in ("GOV", "COP"):
            country = self.home
        actor = Actor(name=name, text=ent.text, country=country, sector=sector or "UNK", group=group,
                      span=char_span(ent))
        if known is None or len(actor.name) >= len(known.name):
            self.persons[surname] = actor.model_copy()
        else:
            known.sector = actor.sector if known.sector == "UNK" else known.sector
            known.country = known.country or actor.country
        return actor

    def group(self, ent: Span) -> Actor:
        g = self.d["by_name"][ent.ent_id_]
        left = [t for t in self.doc[max(0, ent.start - 2):ent.start] if t.dep_ in ("amod", "compound")]
        country = g["country"] or self._modifier_info(left)[0] or (self.home if g["sector"] in ("GOV", "COP") else None)
        return Actor(name=g["name"], text=ent.text, country=country, sector=g["sector"],
                     group=g["name"] if g["sector"] == "REB" else None, span=char_span(ent))

    def _person_shaped(self, ent: Span) -> bool:
        """Two or three proper names with no organisation noun or country in them ("Viktar
        Babaryka"; not "the Kurdistan Democratic Party", which wire English also calls "who")."""
        return 2 <= len(ent) <= 3 and all(t.pos_ == "PROPN" and t.lower_ not in self.d["noun_sector"]
                                          and not country_of_text(t.text) for t in ent)

    def organisation(self, ent: Span) -> Optional[Actor]:
        surname = unpossessed(ent.text)
        known = dictionary_actor(ent.text, self.doc._.pub_date, ("org", "group"))
        if known is not None and not (ent.ent_id_ and ent.ent_id_ in self.d["by_name"]):
            name, country, sector, kind = known
            return Actor(name=ent.text, text=ent.text, country=country, sector=sector,
                         group=name if sector == "REB" else None, span=char_span(ent))
        if surname in self.persons or (len(ent) > 1 and _who(ent.root) and self._person_shaped(ent)) or (len(ent) == 1 and not ent.text.isupper() and ent.root.dep_ == "nsubj"
                                       and ent.root.head.lemma_ in vocab.load("claims")["reporting"]):
            return self.person(ent)  # the NER's ORG for a bare surname ("Gladkov said")
        office = self.doc[ent.start - 1] if ent.start > 0 else None
        if office is not None and office.pos_ in ("NOUN", "PROPN") and office.lemma_.lower() in self.d["title_sector"] \
                and ent.root.dep_ != "compound" and all(t.pos_ == "PROPN" and t.lower_ not in self.d["noun_sector"] for t in ent):
            return self.person(ent)  # the NER's ORG for a name after an office ("Vice-President Moody Awori")
        lemmas = [t.lemma_.lower() for t in ent]
        sector = next((self.d["noun_sector"][l] for l in reversed(lemmas) if l in self.d["noun_sector"]), None)
        country, mod_sector = self._modifier_info(list(ent))
        sector = mod_sector or sector
        if sector is None:
            if len(ent) == 1 and not ent.text.isupper() and ent.root.dep_ in ROLE_DEPS:
                return self.person(ent)  # the NER's ORG for a bare name ("talks with Lavrov")
            return None
        return Actor(name=ent.text, text=ent.text, country=country or (self.home if sector in ("GOV", "COP") else None),
                     sector=sector, group=ent.text if sector == "REB" else None, span=char_span(ent))

    def state(self, ent: Span) -> Optional[Actor]:
        """A country or capital named as a party ("Russia says", "Kyiv denied")."""
        country = country_of_text(ent.text)
        if country is None and ent.label_ == "NORP":
            # "Iraqi Kurds": the nationality word in or before the name
            words = list(ent) + [c for c in ent.root.children if c.dep_ in ("amod", "compound") and c.i < ent.start]
            country = next((c for t in words if (c := country_of_text(t.text)) is not None), None)
        if country is None and ent.label_ == "GPE" and _acts(ent.root):
            country = capitals().get(ent.text)  # a capital that acts stands for its government
        if country is None:
            return None
        return Actor(name=ent.text, text=ent.text, country=country, sector="GOV", span=char_span(ent))

    def generic(self, head: Token) -> Optional[Actor]:
        sector = self.d["noun_sector"].get(head.lemma_.lower()) or self.d["noun_sector"].get(head.lower_)
        if sector is None and head.lemma_.lower() in self.d["instruments"]:
            # "Israeli army bulldozers": the force whose machines they are
            sector = next((self.d["noun_sector"][c.lemma_.lower()] for c in head.children
                           if c.dep_ == "compound" and c.lemma_.lower() in self.d["noun_sector"]), None)
        if sector is None:
            # Phoenix's generic agents ("farmers", "riot police"); their unidentified armed
            # forces stay out: a noun alone names no party
            agent = phoenix()["agents"].get(head.lemma_.lower())
            if agent is None or agent == "UNK" or head.pos_ != "NOUN":
                return None
            sector = agent
        tokens = _np_tokens(head)
        country, mod_sector = self._modifier_info([t for t in tokens if t != head])
        if head.lower_ in self.d["populace"] and mod_sector:
            mod_sector = None  # "Ukrainian people" are civilians, whatever else modifies them
        sector = mod_sector or sector
        if any(t.lower_ in self.d["regional"] for t in tokens):
            pass  # "European nations": of no one country
        elif country is None and sector in ("GOV", "COP"):
            # "The foreign minister said Mexico would ...": an office of the state named beside it
            country = self._sentence_country(head) or self.home
        elif country is None and sector == "CVL":
            country = self.home
        start, end = min(t.i for t in tokens), head.i + 1
        span = self.doc[start:end]
        return Actor(name=span.text, text=span.text, country=country, sector=sector, span=char_span(span))

    def document(self, head: Token) -> Optional[Actor]:
        """A state's statement speaks for its government ("the Turkish statement called for")."""
        if head.lemma_.lower() not in vocab.load("claims")["documents"]:
            return None
        mods = [c for c in head.children if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE")]
        country = next((c for t in mods if (c := country_of_text(t.text)) is not None), None)
        if country is None:
            return None
        span = self.doc[min(t.i for t in mods):head.i + 1]
        return Actor(name=span.text, text=span.text, country=country, sector="GOV", span=char_span(span))

    def find(self) -> list[ActorSpan]:
        doc = self.doc
        for ent in doc.ents:  # full names first, so that a later bare surname finds its person
            if ent.label_ == "PERSON" and len(ent) > 1:
                self.person(ent)
        out: list[ActorSpan] = []
        covered: set[int] = set(self.foreign)
        for ent in doc.ents:
            actor = None
            if ent.ent_id_ and ent.ent_id_ in self.d["by_name"]:
                actor = self.group(ent)
            elif ent.label_ == "PERSON":
                actor = self.person(ent)
            elif ent.label_ == "ORG":
                actor = self.organisation(ent)
            elif ent.label_ == "GPE" and _who(ent.root) and country_of_text(ent.text) is None:
                actor = self.person(ent)  # "Amman, who was described as knife-obsessed": a man, not Jordan
            elif ent.label_ in ("GPE", "NORP") and ent.root.dep_ in ROLE_DEPS and ent.root.pos_ in ("PROPN", "NOUN") \
                    and not (ent.root.dep_ == "pobj" and ent.root.head.lower_ in self.d["locative_preps"]):
                if ent.label_ == "GPE" or ent.root.tag_ in ("NNPS", "NNS"):
                    actor = self.state(ent)
                    if actor is not None and ent.label_ == "NORP":
                        actor.sector = "CVL" if actor.country else "UNK"
            if actor is not None:
                out.append(ActorSpan(ent, actor))
                covered.update(range(ent.start, ent.end))
        # only nouns can name a party: the others are skipped on the Doc's arrays, with no Token made
        for i in [i for i, pos in enumerate(doc.to_array(POS).tolist()) if pos in (NOUN, PROPN) and i not in covered]:
            tok = doc[i]
            if tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") and not (
                    tok.head.lemma_.lower() in vocab.load("triggers")["nouns"] and self.d["noun_sector"].get(tok.lemma_.lower()) == "COP"):
                # "border guards" is one party; "a police raid" is the (local) police's act, while
                # "a troop withdrawal" names no side
                continue
            known = self.persons.get(tok.text) if tok.pos_ == "PROPN" else None
            if known is not None and " " in known.name and tok.ent_iob_ != "I" and (
                    tok.i + 1 == len(doc) or doc[tok.i + 1].ent_iob_ != "I"):
                # the surname of a person named in full earlier, which the NER missed or took
                # for a place ("labeled Soleimani as a terrorist")
                span = doc[tok.i:tok.i + 1]
                out.append(ActorSpan(span, known.model_copy(update={"text": tok.text, "span": char_span(span)})))
                continue
            actor = self.generic(tok) or self.document(tok)
            if actor is not None:
                span = doc.char_span(actor.span.start, actor.span.end)
                out.append(ActorSpan(span, actor))
        out.extend(self.pronouns(out))
        out.sort(key=lambda a: a.span.start)
        for a in out:  # the article's setting is the best guess for local, unnamed parties
            if a.actor.country is None and a.actor.sector not in ("IGO", "NGO") and a.span.ent_id_ == "" \
                    and not any(t.lower_ in self.d["regional"] for t in a.span):
                a.actor.country = self.home
        return out

    def pronouns(self, found: list[ActorSpan]) -> list[ActorSpan]:
        """Third-person pronouns take the nearest earlier person (he/she) or group (they)."""
        out = []
        ordered = sorted(found, key=lambda a: a.span.start)
        female: set[str] = set()  # people "she" has referred to: "he" is someone else, "she" again them
        strings, pronouns = self.doc.vocab.strings, self.d["pronouns"]
        for i in [i for i, low in enumerate(self.doc.to_array(LOWER).tolist()) if strings[low] in pronouns]:
            tok = self.doc[i]
            kind = pronouns[tok.lower_]
            if kind is None or i in self.foreign or tok.pos_ != "PRON" or tok.dep_ == "poss" and tok.lower_ in self.d["feminine"]:
                continue
            before = [a for a in ordered if a.span.end <= tok.i]
            if kind == "person":
                cands = [a for a in before if a.span.label_ == "PERSON" or a.span.text in self.persons]
                if tok.lower_ in self.d["feminine"]:
                    cands = [a for a in cands if a.actor.name in female] or cands
                else:
                    cands = [a for a in cands if a.actor.name not in female]
                if cands and tok.lower_ in self.d["feminine"]:
                    female.add(cands[-1].actor.name)
            else:
                cands = [a for a in before if a.span.label_ != "PERSON" and (a.actor.sector != "UNK" or a.span.root.lemma_.lower() in self.d["noun_sector"])
                         and (a.span.root.tag_ in ("NNS", "NNPS") or a.actor.group)]
            if cands:
                ante = cands[-1].actor
                span = self.doc[tok.i:tok.i + 1]
                out.append(ActorSpan(span, ante.model_copy(update={"text": tok.text, "span": char_span(span)})))
        return out


@Language.component("eventwire_actors")
def actors_component(doc: Doc) -> Doc:
    doc._.actors = ActorFinder(doc).find()
    return doc

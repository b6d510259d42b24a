"""Scope (SPEC 4): keep only triggers with a political or violent reading in their sentence.

Harm (assault, displacement) needs violence by someone: no hazard named as its cause (storm,
crash, fire, disease, animal), and violence or an armed or state party named with it.
Other acts need a party that can act in politics (state, armed group, police, party,
organisation, press) among their actors or recipients, and no company or research team as
the one acting. Counts of people a hazard harmed are marked so that no event is implied
from them. All words are data (`data/scope.yaml`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml
from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.symbols import VERB
from spacy.tokens import Doc, Span, Token

from . import vocab
from .events import Arguments, Trigger, has_child, head_indices, sentence_index



@dataclass
class ScopeWords:
    hazards: frozenset
    ambiguous: frozenset
    violence: frozenset
    material: frozenset
    political: frozenset
    company: frozenset
    business: frozenset
    armed: frozenset
    armed_nouns: frozenset
    political_words: frozenset
    offices: frozenset
    verbal: dict
    pronouns: frozenset  # a party only through what it stands for
    generic: frozenset  # "you go and ask Thoth": anyone, no party
    agent_preps: frozenset  # "an attack by X"
    office_preps: frozenset  # "resigned as the governor"
    recorders: frozenset  # "video captured Trump wearing a mask": a picture taken
    noun_hazards: frozenset  # hazards only as nouns: "stormed a checkpoint" is an assault
    firing_verbs: frozenset  # "opened fire": gunfire, no blaze

    @classmethod
    def load(cls, path: Optional[Path] = None) -> "ScopeWords":
        if path is None:
            data = vocab.load("scope")
        else:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        armed, nouns = vocab.load("acled")["armed_sectors"], vocab.load("actors")["nouns"]
        return cls(hazards=frozenset(data["hazards"]), ambiguous=frozenset(data["ambiguous"]),
                   violence=frozenset(data["violence"]), material=frozenset(data["material"]),
                   political=frozenset(data["political_sectors"]), company=frozenset(data["company"]),
                   business=frozenset(data["business"]), armed=frozenset(armed),
                   armed_nouns=frozenset(w for sector in armed for w in nouns.get(sector, ())),
                   political_words=frozenset(data["political_words"]),
                   offices=frozenset(w for sector, words in vocab.load("actors")["titles"].items()
                                     if sector in data["political_sectors"] for w in words),
                   verbal={k: frozenset(v) for k, v in data["verbal_attack"].items()},
                   pronouns=frozenset(data["pronouns"]), generic=frozenset(data["generic"]),
                   agent_preps=frozenset(vocab.load("events")["agent_preps"]), office_preps=frozenset(data["office_preps"]),
                   recorders=frozenset(data["recorders"]), noun_hazards=frozenset(data["noun_hazards"]),
                   firing_verbs=frozenset(data["firing_verbs"]))


def _words(span) -> set[str]:
    return {t.lemma_.lower() for t in span} | {t.lower_ for t in span}


def _token_words(doc: Doc) -> tuple[list[str], list[str], list[bool], list[int]]:
    """Per token: its lemma lower-cased, its lower case, whether it is a VERB, its head's index."""
    strings = doc.vocab.strings
    rows = doc.to_array([LEMMA, LOWER, POS]).tolist()
    return ([strings[lemma].lower() for lemma, _, _ in rows], [strings[lower] for _, lower, _ in rows],
            [pos == VERB for _, _, pos in rows], head_indices(doc))


class Scope:
    """Decides, for one document, which triggers and counts are in scope."""

    def __init__(self, doc: Doc, words: ScopeWords):
        self.doc, self.w = doc, words
        self.args = Arguments(doc)
        self.sentences = sentence_index(doc)
        sents = self.sents = self.sentences.sents
        # each token's words read from the Doc once, not per sentence twice over (a Token is
        # made anew at every access: that was most of this stage's time)
        lemmas, lowers, verbs, heads = _token_words(doc)
        self._violent = [not (words.violence.isdisjoint(lemmas[s.start:s.end])
                              and words.violence.isdisjoint(lowers[s.start:s.end])) for s in sents]
        # `_hazard_words` of each sentence
        found = [{w for i in range(s.start, s.end) if not (lemmas[i] in words.noun_hazards and (
            verbs[i] or lemmas[heads[i]] in words.firing_verbs)) for w in (lemmas[i], lowers[i]) if w in words.hazards}
                 for s in sents]
        self._hazard = [self._hazardous(f, v) for f, v in zip(found, self._violent)]
        # an article about a hazard: its lead names one and no violence
        lead = self.sentences.lead
        self.hazard_story = any(self._hazard[n] for n in lead) and not any(self._violent[n] for n in lead)

    def _hazardous(self, found: set[str], violent: bool) -> bool:
        """A hazard named in the sentence (`found`): one that is only a hazard ("the crash",
        "cancer"), or one that may be a weapon's effect ("the fire") with no violence beside it."""
        return bool(found - self.w.ambiguous) or (bool(found) and not violent)

    def _hazard_words(self, span) -> set[str]:
        """The hazards a span names; a hazard noun used as a verb is an act ("militants
        stormed a checkpoint", "troops fired on the crowd"), and so is gunfire opened,
        returned or exchanged ("security forces opened fire on demonstrators")."""
        return _words([t for t in span if not (t.lemma_.lower() in self.w.noun_hazards and (
            t.pos_ == "VERB" or t.head.lemma_.lower() in self.w.firing_verbs))]) & self.w.hazards

    def _n(self, tok: Token) -> int:
        return self.sentences.of(tok)

    def _sectors(self, tok: Token) -> set[str]:
        return {a.actor.sector for a in self.sentences.actors.get(self._n(tok), ())}

    # ------------------------------------------------------------ parties
    def _agents(self, tok: Token) -> list[Token]:
        """The words naming who does the act of `tok`."""
        if tok.pos_ in ("VERB", "AUX"):
            passive = has_child(tok, ("nsubjpass", "auxpass"))
            if passive:
                return [p for c in tok.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
            subj = self.args.subject(tok)
            return [subj] if subj is not None else []
        out = [c for c in tok.children if c.dep_ in ("poss", "compound")]
        out += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in self.w.agent_preps for p in c.children if p.dep_ == "pobj"]
        if tok.dep_ == "nsubj":
            return out
        if not out and tok.dep_ in ("dobj", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX"):
            subj = self.args.subject(tok.head)  # "the company made an offer"
            out = [subj] if subj is not None else []
        return out

    def _phrase(self, tok: Token) -> Span:
        return self.doc[tok.left_edge.i:tok.i + 1]

    def _is_company(self, tok: Token) -> bool:
        return bool(_words(self._phrase(tok)) & self.w.company)

    def _is_hazard(self, tok: Token) -> bool:
        """A party that is a hazard ("the storm"); "a suicide bomber" is a weapon's, not one."""
        phrase = self._phrase(tok)
        words, found = _words(phrase), self._hazard_words(phrase)
        return bool(found - self.w.ambiguous) or (bool(found) and not words & self.w.violence)

    def _office(self, tok: Token) -> bool:
        """The act is done in a public office its "as" phrase names ("resigned as the governor
        of ... Puerto Rico", "sworn in as president"); not "as chief executive of the company"."""
        return any(p.lemma_.lower() in self.w.offices and not _words(p.subtree) & self.w.company
                   for c in tok.children if c.dep_ == "prep" and c.lower_ in self.w.office_preps
                   for p in c.children if p.dep_ == "pobj")

    def _political(self, trigger: Trigger, agents: list[Token]) -> bool:
        """A party that can act in politics takes part: a known one, a state's people or
        forces ("the Turkish statement", "Turkish military operation"), or one acting in office."""
        if any(a.sector in self.w.political for a in trigger.actors + trigger.recipients) or self._office(trigger.root):
            return True
        return any(t.ent_type_ in ("GPE", "NORP") or t.lemma_.lower() in self.w.armed_nouns
                   for a in agents for t in self._phrase(a))

    def _armed(self, trigger: Trigger, agents: list[Token]) -> bool:
        return any(a.sector in self.w.armed for a in trigger.actors) or any(
            t.lemma_.lower() in self.w.armed_nouns for a in agents for t in self._phrase(a))

    # ------------------------------------------------------------ decisions
    def _defines_a_class(self, tok: Token) -> bool:
        """Harm told in a relative clause on a bare plural, which names a kind of event and no
        event ("events where four or more people are killed")."""
        node = tok
        for _ in range(3):
            if node.dep_ == "relcl":
                head = node.head
                return (head.tag_ == "NNS" and head.i not in self.args.actor_at
                        and not any(c.dep_ in ("det", "poss", "nummod", "compound", "amod") for c in head.children)
                        and not any(p.span.start <= head.i < p.span.end for p in self.sentences.places.get(self._n(head), ())))
            if node.head == node:
                break
            node = node.head
        return False

    def harm_in_scope(self, tok: Token, trigger: Optional[Trigger] = None) -> bool:
        """Whether harm stated at `tok` can be someone's violence."""
        n = self._n(tok)
        if self._defines_a_class(tok):
            return False
        if self._hazard[n]:
            return False  # "the fire killed nine", "died in the crash"
        agents = self._agents(tok)
        if any(self._is_hazard(a) for a in agents):
            return False
        if self._violent[n] or tok.lemma_.lower() in self.w.violence:
            return True
        if trigger is not None and self._armed(trigger, agents):
            return True
        if self._sectors(tok) & self.w.armed:
            return True  # "the caliphate's destroyed, but there's thousands of fighters over there"
        if self.hazard_story:
            return False  # "Another later died", "twenty people have been confirmed killed"
        near = [m for m in (n - 1, n + 1) if 0 <= m < len(self.sents)]
        if any(self._violent[m] for m in near):
            return True  # "Shelling hit the town. Two people were killed."
        return trigger is not None and self._political(trigger, agents) and any(
            t.pos_ in ("PROPN", "NOUN") and t.lower_ not in self.w.pronouns for t in agents)

    def displacement_in_scope(self, tok: Token) -> bool:
        """People leave their homes for many reasons; not for a storm, a quake or a fire here."""
        return not (self._hazard[self._n(tok)] or self.hazard_story or any(self._is_hazard(a) for a in self._agents(tok)))

    def keep(self, trigger: Trigger) -> bool:
        tok = trigger.root
        agents = self._agents(tok)
        if "cameo" in trigger.entry and not self._political(trigger, agents):
            return False  # a CAMEO verb codes an act between known parties, as PETRARCH does
        if any(self._is_company(a) for a in agents):
            return False  # "the retailer agreed to sell", "researchers released findings"
        if any(a.lower_ in self.w.generic for a in agents):
            return False
        if any(a.lemma_.lower() in self.w.recorders for a in agents):
            return False  # "video captured Trump wearing a mask", "cameras caught the attack"
        objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ == "nsubj" for c in tok.children):
            objects += [c for c in tok.children if c.dep_ == "nsubj" and c.lemma_.lower() in self.w.business]
        if trigger.type not in ("ASSAULT", "COERCE") and any(o.lemma_.lower() in self.w.business for o in objects):
            return False  # "revenue declined", "released its findings", "approved the sale"
        if trigger.type == "ASSAULT" and self._verbal(tok):
            return False  # criticism in words
        if trigger.type == "ASSAULT" and not self._anchored(trigger, agents):
            return False  # "a custody battle", "the logistics of shooting", "angle of attack sensor"
        if trigger.type == "ASSAULT":
            return self.harm_in_scope(tok, trigger)
        if trigger.type == "DISPLACE":
            if any(a.ent_type_ == "PERSON" for a in agents + [c for c in tok.children if c.dep_ == "nsubjpass"]):
                return False  # one named person moving house ("relocating to Pasadena")
            return self.displacement_in_scope(tok)
        n = self._n(tok)
        political = self._political(trigger, agents)
        if trigger.type in self.w.material:  # "the storm forced 58,000 people to evacuate"
            return not self._hazard[n] and (political or not self.hazard_story)
        if any(o.lemma_.lower() in self.w.hazards for o in objects):
            return False  # "the crash was investigated": an inquiry into an accident
        if any(a.ent_type_ == "ORG" and a.i not in self.args.actor_at for a in agents) and not self._office(tok):
            return False  # a named organisation no dictionary knows as political: a company
        if self.hazard_story:  # relief and warnings at home are no political acts; a state's to another are
            return any(a.sector in self.w.political for a in trigger.actors) and any(
                a.sector in self.w.political for a in trigger.recipients)
        if political:
            return True
        # a person or an unnamed party acts in politics where its sentence names politics
        if _words(self.sents[n]) & self.w.political_words:
            return True
        return bool(self._sectors(tok) & self.w.political)

    def _verbal(self, tok: Token) -> bool:
        """"attacked Trump for the comment", "attacked Biden during Democratic debates", "attacked
        Trump on his taxes", "attacked Drudge as a consistent Trump opponent": words."""
        v = self.w.verbal
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in v["verbs"]:
            return False
        if not any(c.dep_ == "dobj" and c.ent_type_ == "PERSON" for c in tok.children):
            return False
        # "Gunmen attacked John Smith on his way home", "a mob attacked him on his doorstep": a
        # doer named by a common noun acts, and "on his ..." is where; words on a topic come
        # from named people and parties ("Democrats ... attack Trump on his taxes")
        acts = any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN" and not c.ent_type_ for c in tok.children)
        for p in (c for c in tok.children if c.dep_ == "prep"):
            objs = [o for o in p.children if o.dep_ == "pobj"]
            if p.lower_ in v["reason"] and any(o.ent_type_ not in ("DATE", "TIME", "ORDINAL", "CARDINAL") for o in objs):
                return True
            if any(o.lemma_.lower() in v["occasions"] for o in objs):
                return True
            if acts:
                continue
            # a topic ("on paying fewer taxes", "on his taxes") or a role ("as an opponent")
            if p.lower_ in v["topic"] and (any(c.dep_ == "pcomp" for c in p.children)
                                           or any(c.dep_ == "poss" for o in objs for c in o.children)):
                return True
            if p.lower_ in v["role"] and any(o.ent_type_ not in ("DATE", "TIME") for o in objs):
                return True
        return False

    def _anchored(self, trigger: Trigger, agents: list[Token]) -> bool:
        """Violence is an event when the text says who, whom, where or how many: a bare
        word for fighting with none of them is a figure of speech or a generality."""
        if trigger.actors or trigger.recipients or agents:
            return True
        n = self._n(trigger.root)
        return bool(self.sentences.counts.get(n) or self.sentences.places.get(n))


class ScopeStage:
    """Drops triggers with no political reading; marks counts of people a hazard harmed."""

    def __init__(self, nlp: Language, name: str, data: Optional[str] = None):
        self.name = name
        self.data = Path(data) if data else None
        self.words: Optional[ScopeWords] = None

    def initialize(self, get_examples=None, nlp=None) -> None:
        self.words = ScopeWords.load(self.data)

    def __call__(self, doc: Doc) -> Doc:
        if self.words is None:
            self.initialize()
        scope = Scope(doc, self.words)
        doc._.triggers = [t for t in doc._.triggers or () if scope.keep(t)]
        for c in doc._.counts or ():
            anchor = c.anchor or c.span.root
            if c.kind in ("killed", "injured"):
                c.hazard = not scope.harm_in_scope(anchor)
            elif c.kind == "displaced":
                c.hazard = not scope.displacement_in_scope(anchor)
        return doc


@Language.factory("eventwire_scope", default_config={"data": None}, assigns=["doc._.triggers", "doc._.counts"],
                  requires=["doc._.triggers", "doc._.counts", "doc._.actors"])
def make_scope_stage(nlp: Language, name: str, data: Optional[str]) -> ScopeStage:
    return ScopeStage(nlp, name, data)

"""Place mentions resolved against GeoNames (SPEC 6).

The `eventwire_places` component leaves on `doc._.places` every place mention of a document,
in text order, each a `PlaceSpan` with its SPEC `Place` and a `metonymic` flag.

Finding mentions (after spaCy's NER, no large phrase ruler):

* GPE / LOC / FAC entities;
* names the model mislabels or misses, checked against the gazetteer: PERSON / ORG / NORP
  entities and untagged proper nouns are places when they name one and either a cue says so
  ("in X", "the village of X", "X district", "X, Texas") or the place is large or lies in a
  country the article is about;
* names before a feature word, coordinated too: "the Shebekino and Volokonovsky districts",
  "Belgorod region", "the region of Belgorod", "Idlib province";
* landmarks: facilities and named sites ("Baghdad International Airport", "Forbury Gardens"),
  placed at the city they name or stand in;
* definite descriptions that refer back: "the region", "the city", "the country",
  "the capital".

Places inside organisation names ("Freedom of Russia Legion", "Thames Valley Police") and
people's names are no mentions.

Resolving, per mention, with the document as context (`Resolver`): a country name is the
country; a feature word fixes the level; otherwise candidates from every level compete on
population, the countries the article names (and their neighbours), the regions already
named, a "City, State" appositive and one sense per name in a document.

Metonymy: a place that is the subject of an agentive verb ("Moscow said", "Kyiv denied",
"Russia, which launched ...") or the possessor of an agentive noun ("Russia's invasion") stands
for its government: `metonymic=True`; so does a country modifying or possessing a noun that is
no place ("US troops", "Iran's Quds Force"), after "for / with / against" ("proxies for Kyiv")
or as the object of a verb of stance ("blamed Israel"). Such mentions stay in the list; the
events stage does not use them as event locations.

Word lists live in `data/places.yaml`; the gazetteer in `gazetteer.py`.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Iterable, Optional

from spacy.attrs import LOWER, ORTH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span, Token

from ..geo import km
from .gazetteer import Entry, Gazetteer, compose_unit_name, config, get_gazetteer, nkey, remembered, unit_english
from .mentions import PlaceSpan, doc_text, foreign_tokens, lead
from .ranker import Ranker, log_km

__all__ = ["PlaceData", "PlacesStage", "event_place", "find_places"]

LOCATIVE_PREPS = frozenset("""in at near from to into outside around across toward towards
through throughout inside between via within on onto off beyond along against nearby
north south east west northeast northwest southeast southwest""".split())
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
NAME_LABELS = frozenset({"GPE", "LOC", "FAC"})
WEAK_LABELS = frozenset({"PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE", ""})
# most specific first: an event goes to the most specific place its clause names
SPECIFICITY = {"landmark": 0, "city": 1, "other": 2, "admin2": 3, "admin1": 4, "country": 5}
JOINED_NAMES = re.compile(r"[\w.][–—/-]\w")  # "U.S.–Mexico", "Russia-Ukraine": names in one token
DEMONYM_END = re.compile(r"(ans?|ese|ish|ic|ites?|i)$")
ADMIN2_KM = 50.0         # a town filed under no second-order unit lies in one this near its point
KNOWN_NAMES = 100_000  # `PlaceData.known`'s entries: emptied when full, so a long run's stay bounded
CITY_STATE_SHARE = 0.5   # a country whose capital holds half its people: landmarks go there


def english_words(nlp: Optional[Language]) -> frozenset:
    """The English word list of the pipeline's lemmatizer: it tells a foreign name ("Cité
    station") from an English word ("Police station")."""
    words: set[str] = set()
    if nlp is not None and "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            table = lookups.get_table("lemma_index")
            for pos in ("noun", "verb", "adj", "adv"):
                if pos in table:
                    words.update(table[pos])
    return frozenset(words)


def word_lists(cfg: dict) -> dict:
    """`data/places.yaml`'s word lists in the forms the finder and resolver look them up in."""
    feature_level = {}
    for level, words in cfg["feature_words"].items():
        for w in words:
            feature_level[w.lower()] = level
    of_level = {}
    for level, words in cfg["of_words"].items():
        for w in words:
            of_level[w.lower()] = level
    # plural feature words and their singulars, both listed in the data ("parishes", "counties")
    singular = {w: s for w in feature_level if w.endswith("s")
                for s in (w[:-3] + "y", w[:-2], w[:-1]) if s in feature_level and w != s}
    return {
        "feature_level": feature_level,
        "plural_features": set(singular),
        "singular": singular,
        "of_level": of_level,
        "anaphors": {k.lower(): v for k, v in cfg["anaphors"].items()},
        "landmark_heads": {w.lower() for w in cfg["landmark_heads"]},
        "foreign_heads": {w.lower() for w in cfg["landmark_foreign_heads"]},
        "institution_heads": {w.lower() for w in cfg["institution_heads"]},
        "org_heads": {w.lower() for w in cfg["org_heads"]},
        "unit_offices": {w.lower() for w in cfg["unit_offices"]},
        "of_keep": {w.lower() for w in cfg["of_keep_heads"]},
        "loc_verbs": set(cfg["location_verbs"]),
        "met_nouns": set(cfg["metonymy_nouns"]),
        "place_nouns": set(cfg["place_nouns"]),
        "stance_verbs": set(cfg["stance_verbs"]),
        "stop_names": set(cfg["stop_names"]),
        "not_places": {nkey(w) for w in cfg["not_places"]},
        "titles": {w.lower() for w in cfg["person_titles"]},
        "directions": {w.lower() for w in cfg["direction_prefixes"]},
        "particles": frozenset(cfg["name_particles"]),
        "list_joiners": frozenset(cfg["list_joiners"]),
        "speech_verbs": set(cfg["speech_verbs"]),
        "polity_heads": {w.lower() for w in cfg["polity_heads"]},
        "strong_city_population": int(cfg["strong_city_population"]),
        "cause_heads": {w.lower() for w in cfg["cause_heads"]},
        "site_nouns": {w.lower() for w in cfg["site_nouns"]},
        "natural_heads": {w.lower() for w in cfg["natural_heads"]},
        "landmark_prefixes": {w.lower() for w in cfg["landmark_prefixes"]},
        "unit_abbreviations": {abbr: (iso, name) for iso, table in cfg["unit_abbreviations"].items()
                               for abbr, name in table.items()},
        "members": {w.lower() for w in cfg["membership_nouns"]},
    }


@dataclass
class PlaceData:
    """Everything the stage reads besides the Doc, loaded once by `initialize`."""

    gz: Gazetteer
    w: dict
    lexicon: frozenset = frozenset()
    ranker: Optional[Ranker] = None
    # fitting the ranker: (char start, char end, [(features, lat, lon), ...]) per ranked name
    trace: Optional[list] = None
    # (question, name) -> answer of `Finder`'s questions that depend on the name alone (is it
    # a place by itself? a town's or unit's own name?): a feed names the same places again
    # and again, and each asked the gazetteer anew (a tenth of the stage's time)
    known: dict = field(default_factory=dict)

    @classmethod
    def load(cls, nlp: Optional[Language] = None) -> "PlaceData":
        return cls(gz=get_gazetteer(), w=word_lists(config()), lexicon=english_words(nlp),
                   ranker=Ranker.load())


# ============================================================================ mentions
@dataclass
class Mention:
    start: int                      # token offsets of the name (or description) in the doc
    end: int
    text: str                       # the name to look up
    source: str                     # cue / ner / weak / landmark / anaphor
    label: str = ""                 # spaCy entity label, if any
    level: Optional[str] = None     # fixed by a feature word: admin1 / admin2 / city / country
    locative: bool = False          # "in X", "near X", "the village of X"
    governor: bool = False          # "X Governor", "governor of X": a region
    head: str = ""                  # landmarks: their head word
    within_end: Optional[int] = None  # "X, Y": token offset where the containing name Y starts
    entry: Optional[Entry] = None
    name: Optional[str] = None      # display name when it differs from the entry's
    feature: Optional[str] = None   # feature when it differs from the entry's (landmark, other)
    metonymic: bool = False
    anaphor: Optional[str] = None
    ctx_level: Optional[str] = None  # level the text gave it, for "the district" / "the region"
    score: float = 0.0              # the winning candidate's score
    primary: bool = True            # matched by the place's own name, not an alternate one
    char_start: Optional[int] = None  # a name inside a token ("U.S.–Mexico border")
    char_end: Optional[int] = None
    modifier: bool = False          # "U.S. citizens": a place as a noun modifier
    in_name: bool = False           # "California Department of Public Health": inside a name
    code: bool = False              # an ISO 3166-2 unit code ("NSW"), not a name
    site: bool = False              # before a site noun: "the Pirbright laboratory"
    list_mates: tuple = ()          # the other names of a list it stands in
    first_reading: Optional[Entry] = None   # the resolver's first pass

    def overlaps(self, other: "Mention") -> bool:
        if self.char_start is not None and other.char_start is not None:
            return self.char_start < other.char_end and other.char_start < self.char_end
        return self.start < other.end and other.start < self.end


@lru_cache(maxsize=16384)
def likeness(said: str, name: str) -> float:
    """How alike a name as written and a candidate's name are (difflib's ratio); a text
    names the same places again and again, and each pair was measured anew."""
    return SequenceMatcher(None, said, name).ratio()


def _is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and (t[0].isupper() or (t[0].isdigit() and len(t) > 1 and tok.pos_ == "PROPN"))


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop leading determiners and trailing possessives / punctuation from a token range."""
    while start < end and (doc[start].lower_ in DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'", "’") or doc[end - 1].is_punct
                           or doc[end - 1].tag_ == "POS"):
        end -= 1
    return start, end


class Finder:
    """Every candidate place mention of one document, before resolution."""

    def __init__(self, doc: Doc, data: PlaceData):
        self.doc = doc
        self.gz = data.gz
        self.w = data.w
        self.lexicon = data.lexicon
        self.known = data.known
        self.blocked: set[int] = set()
        self.person_tokens: set[str] = set()
        self.mentions: list[Mention] = []
        # what the scans over every token read, taken from the Doc's arrays once (a Token is
        # made anew at every `doc[i]`)
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, LOWER, TAG, POS]).tolist()
        self.texts: list[str] = [strings[r[0]] for r in rows]
        self.lowers: list[str] = [strings[r[1]] for r in rows]
        self.tags: list[str] = [strings[r[2]] for r in rows]
        # `_is_cap` of each token
        self.caps: list[bool] = [bool(t) and (t[0].isupper() or (t[0].isdigit() and len(t) > 1 and r[3] == PROPN))
                                 for t, r in zip(self.texts, rows)]

    # ------------------------------------------------------------------ run
    def run(self) -> list[Mention]:
        self._block_names()
        self._named_inside_names()
        self._cue_mentions()
        self._entity_mentions()
        self._proper_noun_mentions()
        self._abbreviation_mentions()
        self._unit_after_town_mentions()
        self._anaphor_mentions()
        out: list[Mention] = []
        rank = {"cue": 0, "ner": 1, "landmark": 2, "weak": 3, "anaphor": 4}
        foreign = foreign_tokens(self.doc)  # passages in another language name no place
        for m in sorted(self.mentions, key=lambda m: (rank[m.source], m.start, -(m.end - m.start))):
            if m.end <= m.start or any(m.overlaps(o) for o in out) or not foreign.isdisjoint(range(m.start, m.end)):
                continue
            out.append(m)
        out.sort(key=lambda m: m.start)
        for m in out:
            self._annotate(m)
        self._link_lists(out)
        return out

    def _link_lists(self, mentions: list[Mention]) -> None:
        """Names written as one list ("Alaska, Washington and Wyoming", "Suba, Migori, Homa
        Bay"): each records the others, whose reading tells what kind of place it is."""
        doc, run, joined = self.doc, [], False
        for m in mentions:
            if m.char_start is not None or m.source == "anaphor":
                continue
            gap = doc[run[-1].end:m.start] if run else ()
            if 1 <= len(gap) <= 2 and all(t.lower_ in self.w["list_joiners"] for t in gap):
                run.append(m)
                joined = joined or any(t.lower_ != "," for t in gap)
                continue
            self._close_list(run, joined)
            run, joined = [m], False
        self._close_list(run, joined)

    @staticmethod
    def _close_list(run: list[Mention], joined: bool) -> None:
        # commas alone chain a place to what contains it ("Pandi, Bulacan, Central Luzon")
        if len(run) >= 2 and joined:
            for m in run:
                m.list_mates = tuple(o for o in run if o is not m)

    # ------------------------------------------------------------------ exclusions
    def _block_names(self) -> None:
        for ent in self.doc.ents:
            if ent.label_ == "PERSON" and len(ent) > 1:
                self.person_tokens.update(t.lower_ for t in ent if _is_cap(t))
            elif ent.label_ in ("ORG", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT") and len(ent) > 1:
                self._block_entity(ent.start, ent.end)
        # a word the model reads alone as a place somewhere ("in Malakal") is no person's name
        # elsewhere ("SOS Children's Village Malakal" read as a PERSON)
        self.person_tokens -= {ent.root.lower_ for ent in self.doc.ents
                               if ent.label_ in ("GPE", "LOC") and len(ent) == 1}
        self._block_of_names()
        self._block_org_runs()

    def _block_entity(self, start: int, end: int) -> None:
        """An organisation-like entity: its tokens are no place, unless it is a landmark or a
        place itself."""
        doc, w = self.doc, self.w
        if self._landmark_head(start, end):
            return
        s, e = _trim(doc, start, end)
        if e - s >= 1 and self._whole_place(doc[s:e].text):
            return
        if e - s >= 2 and self._mislabelled_town(s, e):
            self.mentions.append(Mention(start=s, end=e, text=doc[s:e].text, source="ner", label="GPE",
                                         locative=True))
            return
        if self._mislabelled_address(s, e):
            return
        # "the Economy of Turkey" (a mislabelled phrase): the place after "of" stays
        # unless the words before it make an organisation ("Bank of England")
        of = next((t.i for t in doc[s:e] if t.lower_ == "of"), None)
        if of is not None and of > s and doc[of - 1].lower_ not in w["org_heads"] \
                and not (doc[of - 1].lower_ in w["polity_heads"] and self._self_styled(of)) \
                and self._whole_place(doc[of + 1:e].text.removeprefix("the ")):
            self.blocked.update(range(start, of + 1))
            ps, pe = _trim(doc, of + 1, e)
            self.mentions.append(Mention(start=ps, end=pe, text=doc[ps:pe].text,
                                         source="ner", label="GPE"))
            return
        self.blocked.update(range(start, end))

    def _mislabelled_town(self, s: int, e: int) -> bool:
        """"from Beni Suef", "the villages of Ceamurlia de Jos", "the states of Saxony-Anhalt"
        read as organisations: name words only, after a word that puts something at a place,
        and a town or province the gazetteer knows (else a part of the name, "Beni" or "Jos",
        is read as a town elsewhere)."""
        doc, w = self.doc, self.w
        j = s - 1
        while j >= 0 and doc[j].lower_ in DETERMINERS:
            j -= 1
        if j < 0 or not (doc[j].lower_ in LOCATIVE_PREPS
                         or doc[j].lower_ == "of" and j >= 1 and doc[j - 1].lower_ in w["place_nouns"]):
            return False
        if any(not (_is_cap(t) or t.lower_ in w["particles"] or t.text == "-") or t.lower_ in w["org_heads"]
               or t.lower_ in w["landmark_heads"] or t.lower_ in w["feature_level"] for t in doc[s:e]):
            return False
        return self._town_or_unit(doc[s:e].text)

    def _mislabelled_address(self, s: int, e: int) -> bool:
        """"pigs at Pandi, Bulacan" read as one organisation: two names joined by a comma, a
        town then a unit that holds it, are an address; both become mentions. An organisation
        only: "Wim Wenders' Paris, Texas" is a film, "the Dallas, Houston game" two teams."""
        doc = self.doc
        comma = [t.i for t in doc[s:e] if t.text == ","]
        if doc[s].ent_type_ != "ORG" or len(comma) != 1 or comma[0] in (s, e - 1):
            return False
        parts = [(s, comma[0]), (comma[0] + 1, e)]
        if any(not (_is_cap(t) or t.text == "-") or t.lower_ in self.w["org_heads"]
               for a, b in parts for t in doc[a:b]):
            return False
        town, unit = (doc[a:b].text for a, b in parts)
        towns = self.gz.towns_named(town)
        held = [u for u in self.gz.admins_named(unit) if any(_in_unit(t, u) for t in towns)]
        if not held:
            return False
        # the unit, not a town of its name (Bulacan, the province, not its town Bulacan)
        for (a, b), level in zip(parts, (None, held[0].feature)):
            self.mentions.append(Mention(start=a, end=b, text=doc[a:b].text, source="ner", label="GPE",
                                         locative=True, level=level))
        return True

    def _block_of_names(self) -> None:
        """"Freedom of Russia (Legion)", "Bank of England", "University of Texas"."""
        doc, w = self.doc, self.w
        for i, low in enumerate(self.lowers):
            if low != "of" or i == 0:
                continue
            tok, prev = doc[i], doc[i - 1]
            if _is_cap(prev) and prev.lower_ in w["polity_heads"] and self._self_styled(tok.i):
                self._block_run(tok.i + 1, coordinated=True)
                continue
            if not _is_cap(prev) or prev.lower_ not in w["org_heads"] or prev.lower_ in w["of_keep"]:
                continue
            self._block_run(tok.i + 1)

    def _self_styled(self, of: int) -> bool:
        """"Islamic State of Iraq": a capitalised word that names no place before a polity
        word, and no place of the whole name."""
        doc = self.doc
        if of < 2 or not self.caps[of - 2] or doc[of - 2].is_sent_start and doc[of - 2].pos_ != "PROPN" \
                and doc[of - 2].pos_ != "ADJ":
            return False
        if self.gz.known(doc[of - 2].text) or self.gz.country_named(doc[of - 2].text):
            return False
        k = of + 1
        while k < len(doc) and (self.caps[k] or doc[k].lower_ == "the"):
            k += 1
        return not self._whole_place(doc[of - 2:k].text)

    def _block_run(self, j: int, coordinated: bool = False) -> None:
        """Block the capitalised name starting at token `j` ("the Levant" after "and" too)."""
        doc = self.doc
        if j < len(doc) and doc[j].lower_ == "the":
            j += 1
        while j < len(doc) and (self.caps[j] or doc[j].text in ("-", "'s", "’s") or coordinated and (
                doc[j].lower_ in ("and", "the") and j + 1 < len(doc) and (self.caps[j + 1] or doc[j + 1].lower_ == "the"))):
            self.blocked.add(j)
            j += 1

    def _block_org_runs(self) -> None:
        """Capitalised runs ending in an organisation word: "Russia Legion", "Kyiv Police"."""
        caps, lowers, n = self.caps, self.lowers, len(self.caps)
        i = 0
        while i < n:
            if not caps[i]:
                i += 1
                continue
            j = i
            while j < n and (caps[j] or (lowers[j] == "of" and j + 1 < n and caps[j + 1])):
                j += 1
            if j - i >= 2 and lowers[j - 1] in self.w["org_heads"] and not self._landmark_head(i, j):
                self.blocked.update(range(i, j))
            i = max(j, i + 1)

    def _hyphenated(self, s: int, e: int) -> tuple[int, int]:
        """"Mazar" of "Mazar-i-Sharif": the whole hyphenated name, when the gazetteer has it."""
        doc = self.doc
        j = e
        while j + 1 < len(doc) and doc[j - 1].whitespace_ == "" and doc[j].text == "-" \
                and doc[j].whitespace_ == "" and doc[j + 1].is_alpha:
            j += 2
        i = s
        while i - 2 >= 0 and doc[i - 1].text == "-" and doc[i - 2].whitespace_ == "" \
                and doc[i - 1].whitespace_ == "" and doc[i - 2].is_alpha:
            i -= 2
        if (i, j) != (s, e) and self.gz.known(doc[i:j].text):
            return i, j
        return s, e

    def _name_from_left(self, s: int, e: int) -> int:
        """"camps near Goz Beida" read as "Beida", "in Mission Viejo" as the person "Viejo":
        where the model left out the capitalised words before, and with them the name is a
        town's or a unit's own name, the mention starts there. Proper nouns only, and no
        title ("In Salah's view", "Prince George visited": a sentence's first word, a person)."""
        doc = self.doc
        for i in (s - 2, s - 1):
            if i < 0 or any(not self.caps[j] or self.tags[j] not in ("NNP", "NNPS") or doc[j].ent_type_
                            or j in self.blocked or doc[j].lower_ in DETERMINERS or doc[j].lower_ in self.w["titles"]
                            or self._plain_word(doc[j].text) for j in range(i, s)):
                continue
            if self._town_or_unit(doc[i:e].text, own=True):
                return i
        return s

    def _known(self, question: str, text: str, answer) -> bool:
        """`answer(text)`, worked out once per process for a question that depends on the name
        alone (and the stage's data)."""
        return remembered(self.known, (question, text), lambda: answer(text), KNOWN_NAMES)

    def _whole_place(self, text: str) -> bool:
        return self._known("whole", text, lambda t: self._country_or_region(t) or bool(t) and self._unit_named(t))

    def _country_or_region(self, text: str) -> bool:
        return bool(text) and bool(self.gz.country_named(text) or self.gz.feature_named(text))

    def _town_or_unit(self, text: str, own: bool = False) -> bool:
        """Whether `text` names a town or a first-order unit; `own`: as its own main name (a
        town's primary name, a unit's main name), not any name it is also known by."""
        if own:
            return self._known("own", text, lambda t: any(primary and nkey(c.name) == nkey(t) for c, primary
                                                          in self.gz.cities_named(t)) or self._unit_named(t))
        return self._known("town", text, lambda t: bool(self.gz.towns_named(t) or self.gz.admins_named(t, 1)))

    def _unit_named(self, text: str) -> bool:
        """A first-order unit's main name, written whole ("Uttar Pradesh", "KwaZulu-Natal")."""
        if self._plain_word(text):
            return False
        return any(e.feature == "admin1" and nkey(e.name) == nkey(text) for e in self.gz.admins_named(text, 1))

    def _plain_word(self, text: str) -> bool:
        """A word that names no place by itself ("Central", "Union", "West")."""
        low = text.lower()
        return text in self.w["stop_names"] or nkey(text) in self.w["not_places"] \
            or low in self.w["directions"] or low in self.w["org_heads"]

    def _strong_name(self, text: str) -> bool:
        """A name that is a place by itself wherever it stands: a country, a first-order unit or
        a city of `strong_city_population` people."""
        return self._known("strong", text, self._strong)

    def _strong(self, text: str) -> bool:
        if self._plain_word(text) or text.isupper() and len(text) <= 3 and not self.gz.country_named(text):
            return False
        if self._whole_place(text):
            return True
        big = self.w["strong_city_population"]
        return any(primary and e.population >= big for e, primary in self.gz.cities_named(text))

    def _named_inside_names(self) -> None:
        """Places named inside an organisation's name ("California Department of Public
        Health", "Children's Hospital of Pittsburgh"): mentions of the place that never set the
        scene of an event (`in_name`; resolved as metonymic)."""
        doc, i = self.doc, 0
        while i < len(doc):
            if i not in self.blocked:
                i += 1
                continue
            j = i
            while j < len(doc) and j in self.blocked:
                j += 1
            if any(t.lower_ in self.w["cause_heads"] for t in doc[max(0, i - 2):min(j + 1, len(doc))]):
                i = j   # "Freedom of Russia Legion": a cause, not a place
                continue
            k = i
            while k < j:
                end = self._strong_name_at(k, j)
                if end is None:
                    k += 1
                    continue
                self.mentions.append(Mention(start=k, end=end, text=doc[k:end].text, source="ner",
                                             label="GPE", in_name=True))
                k = end
            i = j

    def _strong_name_at(self, k: int, limit: int) -> Optional[int]:
        """The end of the longest strong place name (up to four capitalised words) that starts
        at token `k` and ends by `limit`."""
        doc = self.doc
        if not self.caps[k] or doc[k].lower_ in DETERMINERS:
            return None
        for e in range(min(limit, k + 4), k, -1):
            if all(_is_cap(t) or t.text == "-" for t in doc[k:e]) and self.caps[e - 1] \
                    and doc[e - 1].lower_ not in self.w["org_heads"] and self._strong_name(doc[k:e].text):
                return e
        return None

    def _landmark_head(self, start: int, end: int) -> Optional[str]:
        doc = self.doc
        if end - start < 1:
            return None
        last = doc[end - 1]
        if last.tag_ == "POS" and end - start > 1:
            last = doc[end - 2]
        two = f"{doc[end - 2].lower_} {last.lower_}" if end - start >= 2 else ""
        if two in self.w["landmark_heads"]:
            return two
        if last.lower_ in self.w["landmark_heads"] and end - start >= 2:
            return last.lower_
        first = doc[start]
        if first.lower_ in self.w["landmark_prefixes"] and end - start >= 2 and _is_cap(first) \
                and not any(self.gz.known(t) or self.gz.cities_named(t) or self.gz.small_places_named(t)
                            for t in (doc[start:start + 2].text, doc[start:end].text)):
            # "Fort Hood", not a town ("Fort Chipewyan", "Fort Worth Star-Telegram", "Camp Perrin")
            return first.lower_
        return None

    # ------------------------------------------------------------------ feature-word cues
    def _chunk_left(self, end: int) -> Optional[tuple[int, int]]:
        """The capitalised name ending just before token `end` ("Volokonovsky" in
        "Volokonovsky districts")."""
        doc = self.doc
        j = end
        while j > 0 and (self.caps[j - 1] or (doc[j - 1].text == "-" and j - 2 >= 0 and self.caps[j - 2])):
            if doc[j - 1].lower_ in DETERMINERS:
                break
            j -= 1
        if j == end or any(t in self.blocked for t in range(j, end)):
            return None
        # a sentence-initial capital is only a name if it is a proper noun or a strong place
        # name ("Heze city alone has ...")
        while j < end and doc[j].is_sent_start and doc[j].pos_ != "PROPN" and doc[j].lower_ not in ("new",) \
                and not self._strong_name(doc[j:end].text):
            j += 1
        return (j, end) if j < end else None

    def _chunk_right(self, start: int) -> Optional[tuple[int, int]]:
        doc = self.doc
        j = start
        if j < len(doc) and doc[j].lower_ == "the":
            j += 1
        k = j
        while k < len(doc) and (self.caps[k] or (doc[k].text == "-" and k + 1 < len(doc) and self.caps[k + 1])):
            k += 1
        if k == j or any(t in self.blocked for t in range(j, k)):
            return None
        return self._hyphenated(j, k)     # "the city of Port-au-Prince"

    def _cue_mentions(self) -> None:
        w = self.w
        for i, low in enumerate(self.lowers):
            if low in w["of_level"] or low in w["plural_features"] or low in w["feature_level"]:
                tok = self.doc[i]   # no other word can be a cue
                self._of_cue(tok)
                self._feature_cue(tok)

    def _of_cue(self, tok: Token) -> None:
        """"the region of Belgorod", "the village of Novaya Tavolzhanka"."""
        doc, of_level = self.doc, self.w["of_level"]
        low = tok.lower_
        if low in self.w["plural_features"] and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "of" \
                and not _is_cap(tok):
            self._plural_of_cue(tok)
            return
        if low not in of_level or tok.i + 2 >= len(doc) or doc[tok.i + 1].lower_ != "of" or _is_cap(tok):
            return
        chunk = self._chunk_right(tok.i + 2)
        # "the capital of France" names France; "the town of Garissa" the town, not its county
        whole = self._whole_place if low == "capital" or of_level[low] != "city" else self._country_or_region
        if chunk is not None and not whole(doc[chunk[0]:chunk[1]].text):
            # "the capital of France", "the island of Bohol": a name of any level
            level = None if low == "capital" or of_level[low] == "any" else of_level[low]
            self._add(chunk[0], chunk[1], "cue", level=level, locative=True)

    def _plural_of_cue(self, tok: Token) -> None:
        """"the Zimbabwean provinces of Mashonaland West and Midlands": each name listed."""
        doc = self.doc
        low = tok.lower_
        single = self.w["singular"].get(low)
        level = self.w["of_level"].get(single)
        if level is None or level != self.w["feature_level"].get(single):
            return
        j = tok.i + 2
        while j < len(doc):
            chunk = self._chunk_right(j)
            if chunk is None:
                return
            name = doc[chunk[0]:chunk[1]].text
            # "North Eastern", "Western" (Kenya's old provinces): words the model and the
            # resolver read better than a cue of today's units
            if not (self._country_or_region(name) or self._plain_word(doc[chunk[0]].text)):
                self._add(chunk[0], chunk[1], "cue", level=level, locative=True)
            j = chunk[1]
            if j < len(doc) and doc[j].text == ",":
                j += 1
            if j < len(doc) and doc[j].lower_ in ("and", "or"):
                j += 1
            elif j == chunk[1] or j >= len(doc) or not self.caps[j]:
                return

    def _feature_cue(self, tok: Token) -> None:
        """"Belgorod region", "the Shebekino and Volokonovsky districts", "Donetsk, Luhansk and
        Zaporizhzhia regions"."""
        doc, flevel = self.doc, self.w["feature_level"]
        low = tok.lower_
        if low not in flevel or tok.i == 0:
            return
        level = flevel[low]
        chunk = self._chunk_left(tok.i)
        if chunk is None:
            return
        # "United States", "Mexico City", "Gaza Strip": the word is part of a name
        named = doc[chunk[0]:tok.i + 1].text
        if _is_cap(tok) and self.gz.known(named):
            if level in ("admin1", "admin2") and self.gz.admins_named(named, 1 if level == "admin1" else 2) \
                    and not any(t.ent_type_ in NAME_LABELS for t in doc[chunk[0]:tok.i + 1]):
                self._add(chunk[0], tok.i + 1, "cue", level=level)   # "Jefferson Parish", read as a person
            return
        # "the Western District Court", "Region Police": part of an organisation's name
        if _is_cap(tok) and tok.i + 1 < len(doc) and self.caps[tok.i + 1]:
            return
        # "the Red Sea port", "the Gaza Strip town": the name is no unit of that level; "the
        # Artibonite region" is one
        whole = doc[chunk[0]:chunk[1]].text
        if self._whole_place(whole) and not (level == "admin1" and not self._country_or_region(whole)):
            return
        if self._is_org_run(tok.i + 1):
            return
        if any(t.ent_type_ == "NORP" for t in doc[chunk[0]:chunk[1]]) \
                and not (level in ("admin1", "admin2")
                         and self.gz.admins_named(doc[chunk[0]:chunk[1]].text, 1 if level == "admin1" else 2)):
            return          # "the Australian state", "Russian regions" (not "the Artibonite region")
        if low in self.w["plural_features"] or (low.endswith("ies") and low in flevel):
            for s, e in self._coordinated(chunk):
                self._add(s, e, "cue", level=level)
            return
        s, e = chunk
        name = doc[s:e].text
        # "Kharkiv Oblast" (part of the name) vs "Belgorod region"; a capitalised unit word
        # whose name the gazetteer lacks ("Congressional District", "Democratic Republic
        # of ...") leaves the entity to the model
        if _is_cap(tok) and not self._resolvable(name, level):
            return
        self._add(s, tok.i + 1, "cue", level=level, text=name)

    def _coordinated(self, chunk: tuple[int, int]) -> list[tuple[int, int]]:
        """A name and those coordinated before it: "Donetsk, Luhansk and Zaporizhzhia"."""
        doc = self.doc
        chunks = [chunk]
        j = chunk[0]
        while j >= 2 and doc[j - 1].lower_ in self.w["list_joiners"]:
            k = j - 1
            if doc[k].lower_ in ("and", "or") and k >= 1 and doc[k - 1].text == ",":
                k -= 1
            c = self._chunk_left(k)
            if c is None:
                break
            chunks.append(c)
            j = c[0]
        return chunks

    def _resolvable(self, name: str, level: str) -> bool:
        gz = self.gz
        if level in ("admin1", "admin2"):
            n = 1 if level == "admin1" else 2
            return bool(gz.admins_named(name, n) or gz.admins_by_core(name, n))
        return bool(gz.cities_named(name))

    def _is_org_run(self, end: int) -> bool:
        """Does a capitalised organisation word follow at `end`?"""
        doc = self.doc
        return end < len(doc) and self.caps[end] and doc[end].lower_ in self.w["org_heads"]

    # ------------------------------------------------------------------ entities
    def _entity_mentions(self) -> None:
        doc = self.doc
        for ent in doc.ents:
            if any(t in self.blocked for t in range(ent.start, ent.end)):
                continue
            s, e = _trim(doc, ent.start, ent.end)
            if e <= s:
                continue
            label = ent.label_
            if label in NAME_LABELS or label in WEAK_LABELS:
                whole = self._name_from_left(s, e)
                if whole < s:
                    # a person's name stays weak: a place only where its usual checks allow
                    s, label = whole, "PERSON" if label == "PERSON" else "GPE"
            if label in NAME_LABELS:
                s, e = self._hyphenated(s, e)
                # "the Indian Ocean coast": the name without the common noun the model took in
                k = e
                while k - s > 1 and doc[k - 1].is_alpha and doc[k - 1].is_lower:
                    k -= 1
                if k < e and self._whole_place(doc[s:k].text):
                    e = k
            commas = [t.i for t in doc[s:e] if t.text == ","]
            if commas and label in NAME_LABELS:
                # "Shelby, North Carolina" read as one entity
                bounds = [s] + [c + 1 for c in commas]
                ends = commas + [e]
                for bs, be in zip(bounds, ends):
                    bs, be = _trim(doc, bs, be)
                    if be > bs:
                        self._add(bs, be, "ner", label=label)
                continue
            head = self._landmark_head(s, e)
            text = doc[s:e].text
            if self.gz.landmark_named(text):        # "the Kremlin", "White House"
                self._add(s, e, "landmark", label=label, head=head or "")
                continue
            if head and e - s >= 2 and " " not in head and self._whole_place(doc[s:e - 1].text):
                self._add(s, e - 1, "ner", label=label)     # "the Red Sea port of Mokha"
                continue
            nxt = doc[e] if e < len(doc) else None
            if (label in NAME_LABELS or label in WEAK_LABELS) and head is None and nxt is not None \
                    and not _is_cap(nxt) and self.caps[s] \
                    and nxt.lower_ in self.w["landmark_heads"] and nxt.lower_ not in self.w["institution_heads"] \
                    and not self._whole_place(text):
                self._add(s, e + 1, "landmark", label=label, head=nxt.lower_)   # "Waterloo station"
                continue
            if label in NAME_LABELS:
                if head and not self.gz.feature_named(text) and not self.gz.country_named(text) \
                        and (head == text.lower() or not any(p for _, p in self.gz.cities_named(text))):
                    self._add(s, e, "landmark", label=label, head=head)
                else:
                    self._add(s, e, "ner", label=label)
            elif head and label in ("ORG", "EVENT", "PRODUCT", "WORK_OF_ART"):
                # an institution is a place where the text puts something at it
                j = s - 1
                while j >= 0 and (doc[j].lower_ in DETERMINERS or doc[j].ent_type_ in ("GPE", "NORP")):
                    j -= 1
                # ... but not as what someone belongs to ("a member of the Tunisian Parliament")
                member = j >= 1 and doc[j].lower_ == "of" and doc[j - 1].lemma_.lower() in self.w["members"]
                if head not in self.w["institution_heads"] or (
                        j >= 0 and doc[j].lower_ in LOCATIVE_PREPS | {"of", "by"} and not member):
                    self._add(s, e, "landmark", label=label, head=head)
            elif label in WEAK_LABELS:
                self._add(s, e, "weak", label=label)
            elif self.gz.country_named(text) and self.caps[s]:
                self._add(s, e, "weak", label=label)    # "Niger" read as a DATE

    def _proper_noun_mentions(self) -> None:
        doc = self.doc
        covered = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        texts, tags, caps, n = self.texts, self.tags, self.caps, len(self.caps)
        for i, text in enumerate(texts):
            # "the U.S.–Mexico border", "the Russia-Ukraine war": names joined in one token
            if caps[i] and i not in self.blocked and JOINED_NAMES.search(text):
                tok = doc[i]
                pos = 0
                for part in re.split(r"[–—/-]", tok.text):
                    if part and part[0].isupper() and self.gz.country_named(part):
                        m = Mention(start=tok.i, end=tok.i + 1, text=part, source="ner",
                                    char_start=tok.idx + pos, char_end=tok.idx + pos + len(part),
                                    modifier=True)
                        self.mentions.append(m)
                    pos += len(part) + 1
        i = 0
        while i < n:
            if i in covered or i in self.blocked or tags[i] not in ("NNP", "NNPS") or not caps[i]:
                i += 1
                continue
            j = i
            while j < n and j not in covered and j not in self.blocked and (
                    (tags[j] in ("NNP", "NNPS") and caps[j])
                    or (texts[j] == "-" and j + 1 < n and caps[j + 1])):
                j += 1
            head = None
            if j < n and j not in covered and self.lowers[j] in self.w["landmark_heads"] \
                    and not caps[j]:
                head = self.lowers[j]       # "Cité station"
                self._add(i, j + 1, "landmark", head=head)
            else:
                head = self._landmark_head(i, j)
                if head or self.gz.landmark_named(doc[i:j].text):
                    self._add(i, j, "landmark", head=head or "")
                else:
                    self._add(i, j, "weak")
            i = max(j, i + 1)

    def _abbreviation_mentions(self) -> None:
        """Short forms: "New South Wales (NSW)" defines one, and a name the article writes
        whole ("New South Wales ... NSW") stands behind its initials wherever they are
        written; a first-order unit's ISO 3166-2 code ("NSW", "QLD") is a mention too, which
        the resolver accepts only in the unit's country."""
        doc, short = self.doc, {}
        for m in self.mentions:
            e = m.end
            if m.char_start is not None:
                continue
            words = [t.text for t in doc[m.start:e] if _is_cap(t)]
            initials = "".join(w[0] for w in words).upper()
            if e + 2 < len(doc) and doc[e].text == "(" and doc[e + 2].text == ")":
                abbr = doc[e + 1].text
                if abbr.isupper() and 2 <= len(abbr) <= 5 and len(words) >= 2 and abbr == initials:
                    short.setdefault(abbr, m.text)
            if m.source in ("ner", "cue") and len(words) >= 3 and len(words) == e - m.start:
                short.setdefault(initials, m.text)
        texts = self.texts
        uses = {i: short[text] for i, text in enumerate(texts) if text in short and i not in self.blocked}
        codes = {i: text for i, text in enumerate(texts)
                 if 3 <= len(text) <= 4 and text.isupper() and i not in uses and i not in self.blocked
                 and doc[i].is_alpha and not self.gz.country_named(text) and self.gz.admins_by_code(text)}
        if not uses and not codes:
            return
        taken = {**uses, **codes}
        self.mentions = [o for o in self.mentions if not any(o.start <= i < o.end for i in taken)]
        self.mentions += [Mention(start=i, end=i + 1, text=name, source="ner", label="GPE")
                          for i, name in uses.items()]
        self.mentions += [Mention(start=i, end=i + 1, text=code, source="ner", label="GPE", code=True)
                          for i, code in codes.items()]

    def _unit_after_town_mentions(self) -> None:
        """"Springfield, Ill.", "Trenton, N.J.", "Austin, TX": a unit's news-style abbreviation
        or postal code after a town and a comma stands for the unit."""
        doc, abbr = self.doc, self.w["unit_abbreviations"]
        found = []
        texts, caps = self.texts, self.caps
        for i in range(2, len(texts)):
            if texts[i - 1] != "," or not caps[i - 2] or i in self.blocked:
                continue
            tok = doc[i]
            text, end = tok.text, i + 1
            if text not in abbr and text + "." in abbr and end < len(doc) and doc[end].text == ".":
                text = text + "."          # "Austin, Tex." at a sentence's end
            if text in abbr:
                found.append(Mention(start=i, end=i + 1, text=abbr[text][1], source="ner", label="GPE",
                                     level="admin1"))
            elif tok.is_alpha and text.isupper() and len(text) == 2 and not self.gz.country_named(text) \
                    and self.gz.admins_by_code(text):
                found.append(Mention(start=i, end=i + 1, text=text, source="ner", label="GPE", code=True,
                                     level="admin1"))
        if found:
            self.mentions = [o for o in self.mentions if not any(o.overlaps(f) for f in found)] + found

    def _anaphor_mentions(self) -> None:
        doc, anaphors, lowers = self.doc, self.w["anaphors"], self.lowers
        for i, low in enumerate(lowers):
            if low not in anaphors or i == 0 or lowers[i - 1] != "the":
                continue
            tok = doc[i]
            if tok.tag_ not in ("NN",) or _is_cap(tok) and not doc[tok.i - 1].is_sent_start:
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and (nxt.lower_ == "of" or nxt.pos_ in ("NOUN", "PROPN")
                                    and nxt.tag_ != "POS" or _is_cap(nxt) and nxt.pos_ == "PROPN"):
                continue
            if tok.dep_ == "compound":
                continue
            # "the capital, Kyiv," names it right away
            if nxt is not None and nxt.text == "," and tok.i + 2 < len(doc) and self.caps[tok.i + 2] \
                    and doc[tok.i + 2].pos_ == "PROPN":
                continue
            self._add(tok.i - 1, tok.i + 1, "anaphor", text=doc[tok.i - 1:tok.i + 1].text,
                      anaphor=anaphors[tok.lower_])

    # ------------------------------------------------------------------ helpers
    def _add(self, start: int, end: int, source: str, label: str = "", level: Optional[str] = None,
             text: Optional[str] = None, locative: bool = False, head: str = "",
             anaphor: Optional[str] = None) -> None:
        if end <= start:
            return
        if source != "anaphor" and any(t in self.blocked for t in range(start, end)):
            return
        if text is None and source != "anaphor":
            end = self._across_particles(start, end)
        self.mentions.append(Mention(
            start=start, end=end, text=text if text is not None else self.doc[start:end].text,
            source=source, label=label, level=level, locative=locative, head=head,
            anaphor=anaphor, ctx_level=level))

    def _across_particles(self, start: int, end: int) -> int:
        """The end of "Rio Grande do Sul" from that of "Rio Grande", when the gazetteer has it."""
        doc = self.doc
        k = end
        while k + 1 < len(doc) and doc[k].lower_ in self.w["particles"] and self.caps[k + 1]:
            k += 2
            while k < len(doc) and self.caps[k]:
                k += 1
            if not any(t in self.blocked for t in range(end, k)) and (
                    self.gz.known(doc[start:k].text) or self.gz.small_places_named(doc[start:k].text)):
                end = k
        return end

    def _annotate(self, m: Mention) -> None:
        """Cues around a mention: a locative preposition, a feature word after it, a governor,
        a ", Y" appositive that contains it."""
        doc, w = self.doc, self.w
        j = m.start - 1
        while j >= 0 and (doc[j].lower_ in DETERMINERS or doc[j].lower_ in w["directions"]
                          or (doc[j].pos_ == "ADJ" and not self.caps[j])):
            j -= 1
        if j >= 0 and doc[j].lower_ in LOCATIVE_PREPS:
            m.locative = True
        if j >= 1 and doc[j].lower_ in ("and", "or", ",") and m.source != "anaphor":
            # "in Dayton and Toledo": the preposition before the first conjunct
            k = j - 1
            while k >= 0 and k >= j - 6 and doc[k].lower_ not in LOCATIVE_PREPS and doc[k].text not in ".;:":
                k -= 1
            if k >= 0 and doc[k].lower_ in LOCATIVE_PREPS:
                m.locative = True
        nxt = doc[m.end] if m.end < len(doc) else None
        if nxt is not None and not _is_cap(nxt) and m.source in ("ner", "weak") and (
                nxt.lower_ in w["site_nouns"] or m.end + 1 < len(doc)
                and f"{nxt.lower_} {doc[m.end + 1].lower_}" in w["site_nouns"]):
            m.locative = m.site = True      # "the Pirbright laboratory"
        if nxt is not None and m.level is None and m.source in ("ner", "weak") \
                and not self._whole_place(m.text):
            low = nxt.lower_
            if low in w["feature_level"] and not (low in w["plural_features"]):
                m.level = m.ctx_level = w["feature_level"][low]
        if nxt is not None and nxt.lower_ in ("governor", "governor's", "oblast", "regional"):
            m.governor = True
        if m.start >= 2 and doc[m.start - 1].lower_ == "of" and doc[m.start - 2].lower_ in ("governor", "governors"):
            m.governor = True
        root = doc[m.start:m.end].root
        if root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ in ("NOUN", "PROPN") \
                and not (m.start <= root.head.i < m.end):
            m.modifier = True
        # "El Paso, Texas": Y right after a comma; "Austin, in Scott County"
        if nxt is not None and nxt.text == "," and m.end + 1 < len(doc) and self.caps[m.end + 1]:
            m.within_end = m.end + 1
        elif nxt is not None and nxt.text == "," and m.end + 2 < len(doc) and doc[m.end + 1].lower_ == "in" \
                and self.caps[m.end + 2]:
            m.within_end = m.end + 2


# ============================================================================ resolution
class Senses:
    """One sense per name in a document: a name read once keeps that reading.

    The resolver asks while it reads names (so that context counts see one place per name),
    once more after it (a name written before the text pins it down follows too), and for
    sites and unknown places (the second "Yanacocha mine" is where the first one was)."""

    def __init__(self) -> None:
        # name key -> [(token start, level, "X, Y" unit, entry, display name, feature)]
        self.read: dict[str, list[tuple]] = {}

    def remember(self, k: str, start: int, level: Optional[str], within: Optional[Entry], e: Entry,
                 name: Optional[str] = None, feature: Optional[str] = None) -> None:
        self.read.setdefault(k, []).append((start, level, within, e, name, feature))

    def recall(self, k: str, start: int, level: Optional[str], within: Optional[Entry]) -> Optional[tuple]:
        """The earlier reading of name `k` that a mention at `start` takes: (entry, name, feature)."""
        readings = self.read.get(k, ())
        unit = within.key if within is not None else None
        for s, lv, w, e, name, feature in readings:
            if lv == level and (w.key if w is not None else None) == unit:
                return e, name, feature
        if within is None:
            # "Austin" after "Austin, in Scott County, Indiana": the place the text pinned down
            for s, lv, w, e, name, feature in readings:
                if lv == level and w is not None:
                    return e, name, feature
        if level is None:
            # "Idlib" after "Idlib province": the province
            for s, lv, w, e, name, feature in readings:
                if lv == "admin1" and e.feature == "admin1" and s < start:
                    return e, name, feature
        return None

    def pinned(self, k: str) -> Optional[Entry]:
        """The town an "X, Y" appositive pinned name `k` to, if any."""
        return next((e for _s, lv, w, e, _n, _f in self.read.get(k, ())
                     if lv is None and w is not None and e.feature == "city" and _inside(e, w)), None)


class Resolver:
    """Resolves a document's mentions against the gazetteer, in context."""

    def __init__(self, doc: Doc, data: PlaceData, mentions: list[Mention],
                 blocked: Iterable[int] = (), person_tokens: Iterable[str] = ()):
        self.doc = doc
        self.blocked = set(blocked)
        self.gz = data.gz
        self.w = data.w
        self.lexicon = data.lexicon
        self.ranker = data.ranker
        self.trace = data.trace
        self.mentions = mentions
        self.by_start = {m.start: m for m in mentions}
        self.countries: Counter = Counter()        # named in the text
        self.resolved_countries: Counter = Counter()
        self.prior_countries: Counter = Counter()   # of the first reading of the names
        self.admin1_keys: Counter = Counter()
        self.named_units: set = set()      # first-order units the text names (first pass)
        self.senses = Senses()
        # words of people's names ("Jackson" of "Amy Berman Jackson"), as `Finder` found them
        self.person_tokens = frozenset(person_tokens)
        strings = doc.vocab.strings                  # for "a lower-case use of the word":
        self.token_texts = {strings[orth] for orth in doc.to_array(ORTH).tolist()}
        self.place_texts: set[str] = set()
        # first words of organisation names ("Mahan" of "Mahan Air"): alone, still the organisation
        self.org_words: set[str] = set()
        i = 0
        while i < len(doc):
            if i in self.blocked and _is_cap(doc[i]):
                j = i
                while j in self.blocked:
                    j += 1
                if j - i >= 2 and doc[i].lower_ not in ("the",):
                    self.org_words.add(nkey(doc[i].text))
                i = j
            else:
                i += 1

    # ------------------------------------------------------------------ run
    def run(self) -> None:
        for m in self.mentions:
            # "U.S.-Russia talks", "U.S. citizens": a country as a modifier sets no scene
            if m.source in ("cue", "ner", "weak") and m.level in (None, "country") and not m.modifier \
                    and not m.in_name:
                c = self.gz.country_named(m.text)
                if c is not None and _is_cap(self.doc[m.start]) or (c is not None and m.text.isupper()):
                    self.countries[c.country] += 1
        self.neighbours = set()
        for iso in self.countries:
            self.neighbours |= self.gz.neighbours.get(iso, set())
        # names first (cues and NER, then the weaker evidence), then what depends on order;
        # twice, so that a name early in the text is read with the whole text's countries
        self._resolve_names()
        self.prior_countries = Counter(self.resolved_countries)
        for m in self.mentions:
            m.first_reading = m.entry
        self.named_units = {k for k, n in self.admin1_keys.items() if n >= 2}
        for m in self.mentions:
            if m.source in ("cue", "ner", "weak"):
                m.entry, m.name, m.score = None, None, 0.0
        self.resolved_countries = Counter()
        self.admin1_keys = Counter()
        self.senses, self.place_texts = Senses(), set()
        self._resolve_names()
        for m in self.mentions:
            self._leading_name(m)
        self._propagate()
        self._follow_pinned()
        for m in self.mentions:
            if m.entry is not None:
                m.metonymic = self._metonymic(m)
        for m in self.mentions:
            if m.source == "landmark":
                self._place_site(m, self._resolve_landmark)
            elif m.source == "anaphor":
                self._resolve_anaphor(m)
            elif m.entry is None and m.source in ("cue", "ner") and (m.locative or m.level):
                self._place_site(m, self._resolve_unknown)
            elif m.entry is not None and m.entry.kind == "river":
                self._place_river(m)
        for m in self.mentions:
            if m.entry is not None:
                m.metonymic = self._metonymic(m)

    def _resolve_names(self) -> None:
        for sources in (("cue",), ("ner",), ("weak",)):
            for m in self.mentions:
                if m.source in sources:
                    self._resolve_name(m)

    def _leading_name(self, m: Mention) -> None:
        """A place entity the model ran on into other words ("Orange County Sanitation
        District", "South Asia Earthquake"), unread whole: the longest leading part that names
        a place is the mention (inside a name, as in "South Asia Free Trade Agreement"),
        unless the rest is a place too ("South West England") or ends a natural feature's name
        ("Ural Mountains")."""
        if m.entry is not None or m.source != "ner" or m.label not in NAME_LABELS or m.char_start is not None:
            return
        doc = self.doc
        start, end, text = m.start, m.end, m.text
        for k in range(end - 1, start + 1, -1):     # a name of two words at least
            rest = [t for t in doc[k:end] if not t.is_punct]
            joined = bool(rest) and rest[0].i == k and not doc[k - 1].is_punct
            if rest and (rest[0].lower_ in self.w["natural_heads"]
                         or joined and self.gz.known(" ".join(t.text for t in rest))):
                break       # "San Fernando Valley", "South West England": one name
            if not _is_cap(doc[k - 1]) or not rest:
                continue
            m.end, m.text = k, self.doc[start:k].text
            self._resolve_name(m)
            if m.entry is not None:
                m.in_name = True    # the name of something else: it sets no event's scene
                return
        m.end, m.text = end, text

    def _follow_pinned(self) -> None:
        """One town per name: a bare "Austin" is the Austin that "Austin, in Scott County,
        Indiana" pinned down, wherever in the text either stands."""
        for m in self.mentions:
            if m.entry is not None and m.entry.feature == "city" and m.within_end is None and m.level is None:
                m.entry = self.senses.pinned(nkey(m.text)) or m.entry

    def _place_site(self, m: Mention, place) -> None:
        """A site or an unknown place, by `place`; a name placed before stays where it was."""
        k = nkey(m.text)
        earlier = self.senses.recall(k, m.start, "site", None)
        if earlier is not None:
            m.entry, m.name, m.feature = earlier
            return
        place(m)
        if m.entry is not None:
            self.senses.remember(k, m.start, "site", None, m.entry, m.name, m.feature)

    def _propagate(self) -> None:
        """One sense per name: a capitalised word the model missed ("as Reading resident")
        that is written like a place resolved elsewhere in the document is that place."""
        doc = self.doc
        names: dict[str, Mention] = {}
        for m in self.mentions:
            if m.entry is not None and m.source in ("cue", "ner", "weak") and m.char_start is None \
                    and m.feature is None and m.level is None:
                names.setdefault(m.text, m)
        if not names:
            return
        taken = self.blocked | foreign_tokens(doc)
        for m in self.mentions:
            taken.update(range(m.start, m.end))
        for ent in doc.ents:
            if len(ent) > 1 or ent.label_ in ("PERSON", "ORG"):
                taken.update(range(ent.start, ent.end))
        longest = max(len(n.split()) for n in names)
        added = []
        i = 0
        while i < len(doc):
            hit = None
            if i not in taken and _is_cap(doc[i]):
                for n in range(min(longest, len(doc) - i), 0, -1):
                    span = doc[i:i + n]
                    if span.text in names and not any(t in taken for t in range(i, i + n)):
                        if i + n < len(doc) and _is_cap(doc[i + n]) and doc[i + n].pos_ == "PROPN":
                            break       # part of a longer name
                        hit = (i, i + n, names[span.text])
                        break
            if hit is None:
                i += 1
                continue
            s, e, src = hit
            m = Mention(start=s, end=e, text=doc[s:e].text, source="ner", entry=src.entry,
                        name=src.name)
            added.append(m)
            taken.update(range(s, e))
            i = e
        if added:
            self.mentions.extend(added)
            self.mentions.sort(key=lambda m: (m.start, m.char_start or 0))
            self.by_start = {m.start: m for m in self.mentions}

    # ------------------------------------------------------------------ context
    def _note(self, m: Mention, e: Entry) -> None:
        m.entry = e
        if e.country and not (m.modifier and e.feature == "country"):
            self.resolved_countries[e.country] += 1
        if e.feature == "admin1":
            self.admin1_keys[e.key] += 2          # named: a strong hint
        elif e.admin1_key:
            self.admin1_keys[e.admin1_key] += 1   # a town of it named: a weak one
        self.place_texts.add(nkey(m.text))

    def _country_bonus(self, iso: Optional[str]) -> float:
        if not iso:
            return 0.0
        n = self.countries.get(iso, 0)
        if n:
            return 2.0 + min(1.0, 0.25 * (n - 1))
        if self.resolved_countries.get(iso, 0) >= 2 or self.prior_countries.get(iso, 0) >= 2:
            return 2.0      # the country of several places named in the text
        if self.resolved_countries.get(iso):
            return 1.5
        if iso in self.neighbours:
            return 0.7
        return 0.0

    def _score(self, e: Entry, primary: bool, m: Mention, text: Optional[str] = None) -> float:
        if e.feature == "city":
            s = 1.2 * math.log10(e.population + 1)
            if self.gz.is_capital(e):
                s += 1.0
        elif e.feature == "admin1" and e.population:
            # by its towns' people (a lower bound)
            s = 1.2 * math.log10(e.population) - 0.5
        elif e.feature in ("admin1", "admin2"):
            # no population known: a prior, and the weight of its country
            s = (5.0 if e.feature == "admin1" else 4.3) + 0.05 * math.log10(
                self.gz.country_population(e.country) + 1)
        else:
            s = 4.0
        if not primary:
            # another name: "Odessa" for Odesa costs little, "Victoria" for Hong Kong much;
            # "New York" for New York City little, "Oklahoma" for Oklahoma City much
            said, name = nkey(text or m.text), nkey(e.name)
            alike = likeness(said, name) >= 0.75 and not (
                name == said + " city" and e.population < 2_000_000)
            s -= 0.3 if alike else 2.0
        s += self._country_bonus(e.country)
        a1 = e.key if e.feature == "admin1" else e.admin1_key
        if a1 and self.admin1_keys.get(a1):
            s += 1.0 if self.admin1_keys[a1] >= 2 else 0.5
        if m.governor and e.feature == "admin1":
            s += 3.0
        return s

    def _within(self, m: Mention) -> Optional[Entry]:
        if m.within_end is None:
            return None
        if len(m.list_mates) >= 2 and any(self.gz.is_main_name(u, m.text) for u in self.gz.admins_named(m.text, 1)):
            return None     # "Virginia, Washington, West Virginia and Wyoming": a list of units
        o = self.by_start.get(m.within_end)
        if o is None:
            return None
        if o.entry is None and o.source in ("ner", "weak", "cue"):
            self._resolve_name(o)
        e = o.entry
        return e if e is not None and e.feature in ("country", "admin1", "admin2") else None

    def _a_list(self, m: Mention, within: Entry, cands: list) -> bool:
        """"X, Y" as items of a list ("Mosul, Anbar and Basra", "Lyon, Bavaria and Hamburg"):
        the list goes on after Y, or X is known as a place of Y's own country."""
        o = self.by_start.get(m.within_end)
        after = self.doc[o.end] if o is not None and o.end < len(self.doc) else None
        z = self.by_start.get(o.end + 1) if after is not None and after.text == "," else None
        c = self.gz.country_named(z.text) if z is not None else None
        if c is not None and c.country == within.country:
            after = None    # "Stroud, Ontario, Canada": Y's country ends an address, not a list
        return (after is not None and after.lower_ in self.w["list_joiners"]) or bool(m.list_mates) \
            or any(e.country == within.country for e, _ in cands)

    # ------------------------------------------------------------------ names
    def _variants(self, text: str) -> list[str]:
        out = [text]
        words = text.split()
        if len(words) > 1 and words[0].lower() in self.w["directions"]:
            out.append(" ".join(words[1:]))
        return out

    def _resolve_name(self, m: Mention) -> None:
        if m.entry is not None:
            return
        text = m.text
        level = m.level
        doc = self.doc
        if not (_is_cap(doc[m.start]) or (m.char_start is not None and text[:1].isupper())
                or self._direction_before_name(m)):
            return          # "west coast", "vada": no name
        variants = self._variants(text)
        # a country, a sea, a river, a region
        if level in (None, "country"):
            c = self._country_or_feature(m, text)
            if c is not None:
                self._note(m, c)
                return
        words = text.split()
        if level is None and len(words) >= 3 and words[1] == "of" and self.w["of_level"].get(words[0].lower()) == "city" \
                and not self.gz.known(text):
            # "the City of Santa Ana" taken whole by the model: the town (unless the whole name
            # is a place: "the City of Westminster", "the City of London")
            text, level = " ".join(words[2:]), "city"
            variants = self._variants(text)
        k = nkey(text)
        if k in self.w["not_places"] or (m.source != "cue" and self._personal(m)):
            return
        if m.source == "weak" and k not in self.place_texts and not self._weak_ok(m):
            return
        if m.source == "cue" and (text in self.w["stop_names"] or doc[m.start].text in self.w["stop_names"]
                                  and not self.gz.known(text)):    # "Port-au-Prince", "East Java"
            return
        within = self._within(m)
        earlier = self.senses.recall(k, m.start, level, within)
        if earlier is not None:
            self._note(m, earlier[0])
            return
        e = self._best(m, text, level, within)
        if e is None and level is None and len(variants) > 1:
            # "northern Idlib", "Eastern Ukraine": a part of a place named whole; only after
            # the whole name ("Northern Ireland", "West Java") is no place of its own
            c = self._country_or_feature(m, variants[1])
            if c is not None:
                self._note(m, c)
                return
            e = self._best(m, variants[1], None, within)
            if e is not None and not self._in_context(e.country) and (
                    self.countries or self.resolved_countries or self.prior_countries):
                # "Central Plateau" of Haiti is no "Plateau" of Nigeria, "West Midlands" of an
                # English story no "Midlands" of Zimbabwe
                return
        if e is None:
            return
        # "Mahan" after "Mahan Air": a small town's name that the text uses for an organisation,
        # unless a unit that holds it follows it ("A Midland, Michigan, newspaper ... the Midland
        # Daily News"; not "Mahan, Fars and Isfahan", a list)
        if m.source in ("ner", "weak") and not (m.level or m.locative) and k in self.org_words \
                and e.feature == "city" and e.population < 100_000 and (within is None or not _inside(e, within)):
            return
        if m.source in ("ner", "weak") and not m.primary and not (m.level or m.locative) and m.score < 7.5 \
                and k not in self.place_texts:
            return          # only another name of a place ("Pierce", "White House", "Notre Dame")
        if m.source == "weak" and not self._weak_accept(m, e, within):
            return
        if m.source == "ner" and not self._ner_accept(m, e, within):
            return
        self.senses.remember(k, m.start, level, within, e)
        if e.feature in ("admin1", "admin2") and unit_english(e.name) is not None:
            m.name = compose_unit_name(text, e)
        self._note(m, e)

    def _country_or_feature(self, m: Mention, text: str) -> Optional[Entry]:
        """The country, sea, river or region `text` names, if any."""
        doc = self.doc
        c = self.gz.country_named(text)
        f = self.gz.feature_named(text)
        if c is not None and f is not None and nkey(f.name) == nkey(text) != nkey(c.name):
            c = None        # "Central Africa" is the region, though the Central African Republic is called so
        if c is not None and (m.source != "weak" or _is_cap(doc[m.start]) or text.isupper()):
            if text != m.text or not (self._unit_after_town(m, c.country)
                                      or self._home_unit_reading(text, c.country)):
                return c
        if f is not None and (_is_cap(doc[m.start]) or self._direction_before_name(m)):
            return f
        return None

    def _direction_before_name(self, m: Mention) -> bool:
        """A lower-case direction word before a name ("east Africa")."""
        doc = self.doc
        return m.end - m.start > 1 and doc[m.start].lower_ in self.w["directions"] and _is_cap(doc[m.start + 1])

    def _town_before(self, m: Mention) -> Optional[Mention]:
        """X of "X, m" ("Atlanta, Georgia", "Queens, New York")."""
        if m.start < 2 or self.doc[m.start - 1].text != ",":
            return None
        return next((o for o in self.mentions if o.end == m.start - 1 and o.char_start is None), None)

    def _unit_after_town(self, m: Mention, country: Optional[str]) -> bool:
        """"Atlanta, Georgia": a country's name after a town of a province of that name (and
        of another country) is the province."""
        town = self._town_before(m)
        if town is None:
            return False
        units = {u.key for u in self.gz.admins_named(m.text, 1)
                 if u.country != country and self.gz.is_main_name(u, m.text)}
        return any(c.admin1_key in units for c, _p in self.gz.cities_named(town.text))

    def _home_unit_reading(self, text: str, country: Optional[str]) -> bool:
        """A country's name that is also a province of the country the article is set in
        ("Georgia" in a story from the United States) names the province."""
        home = self._home()
        if home is None or home == country:
            return False
        if any(o.first_reading is not None and o.first_reading.country == country
               and o.first_reading.feature != "country" for o in self.mentions):
            return False    # a place inside that country is named too
        return any(e.country == home for e in self.gz.admins_named(text, 1))

    def _home(self) -> Optional[str]:
        """The country the article is set in: the one it names, or places in, most (twice at least)."""
        votes = {c: self.countries.get(c, 0) + self.prior_countries.get(c, 0)
                 for c in dict.fromkeys([*self.countries, *self.prior_countries])}  # ties: first named
        home = max(votes, key=votes.get, default=None)
        return home if home is not None and votes[home] >= 2 else None

    def _candidates(self, text: str, level: Optional[str], m: Mention) -> list[tuple[Entry, bool]]:
        gz = self.gz
        if m.code:
            # "NSW" in an Australian story; "Austin, TX" after a town of the unit
            town = self._town_before(m)
            keys = {c.admin1_key for c, _p in gz.cities_named(town.text)} if town is not None else set()
            return [(e, True) for e in gz.admins_by_code(text) if self._in_context(e.country) or e.key in keys]
        if level == "country":
            c = gz.country_named(text)
            return [(c, True)] if c else []
        if level in ("admin1", "admin2"):
            n = 1 if level == "admin1" else 2
            cands = [(e, True) for e in gz.admins_named(text, n)]   # "X district": any alias
            cands += [(e, False) for e in gz.admins_by_core(text, n) if all(e.key != c.key for c, _ in cands)]
            if not cands and n == 1:
                # "the Houston region": a large city's area, where no province bears its name
                cands = [(e, True) for e, p in gz.cities_named(text) if p and e.population >= 500_000]
            if not cands:
                other = 2 if n == 1 else 1
                cands = [(e, False) for e in gz.admins_named(text, other)]
            if not cands and level == "admin1":
                # "the Kurdistan region", "the Donbas region"
                f = gz.feature_named(text)
                if f is not None:
                    cands = [(f, True)]
            if not cands:
                # "the Kabanjahe district" in an Indonesian story: a unit the gazetteer lacks,
                # named after its town
                cands = [(e, True) for e, p in gz.cities_named(text) if p and self._in_context(e.country)]
            return cands
        if level == "city":
            cands = gz.cities_named(text)
            if not cands:
                cands = [(e, True) for e in gz.small_places_named(text)]
            return cands
        cands = list(gz.cities_named(text))
        if not cands and m.source == "ner" and not gz.admins_named(text):
            # "Dagestan" for "Respublika Dagestan": the unit's core name
            cands = [(e, False) for e in gz.admins_by_core(text) if e.feature == "admin1"]
        for e in gz.admins_named(text):
            # a bare "Pierce" is no county: a second-order unit by its own name only; a
            # first-order unit's aliases are its English names ("Crete", "Aleppo")
            if e.feature == "admin1" or gz.is_main_name(e, text):
                cands.append((e, True))
        cands += [(e, True) for e in gz.extra_named(text) if all(e.key != c.key for c, _ in cands)]
        if self.named_units and m.source in ("ner", "cue"):
            # "Malakoff" in an article that names Texas: the small town of that state
            cands += [(e, True) for e in gz.small_places_named(text)
                      if e.admin1_key in self.named_units and all(e.key != c.key for c, _ in cands)]
        iso = self._list_country(m)
        if iso is not None:
            # "the communities of San Juan, Choropampa, and Magdalena" in Peru: a small town there
            cands += [(e, True) for e in gz.small_places_named(text)
                      if e.country == iso and all(e.key != c.key for c, _ in cands)]
        return cands

    def _unit_spoken_of(self, m: Mention, unit: Entry) -> bool:
        """Whether the text around `m` reads it as the first-order `unit`: a unit word ("the
        state of Washington"), an office of the unit ("the governor of Washington"), a town
        of it before ("Seattle, Washington"), units of its level listed with it ("Washington
        and Oregon"), or a town of it named elsewhere in the text ("... near Yakima")."""
        doc, w = self.doc, self.w
        before = [t.lower_ for t in doc[max(0, m.start - 2):m.start]]
        if len(before) == 2 and before[1] == "of" and (w["of_level"].get(before[0]) in ("admin1", "admin2")
                                                       or before[0] in w["unit_offices"]):
            return True
        if m.end < len(doc) and doc[m.end].lower_ in w["unit_offices"]:
            return True     # "Washington Governor Jay Inslee"
        town = self._town_before(m)
        if town is not None and any(c.admin1_key == unit.key for c in self.gz.towns_named(town.text)):
            return True
        if any(r.feature == unit.feature and r.country == unit.country and r.key != unit.key
               for r in self._mates_read(m)):
            return True
        said = nkey(m.text)
        return any(o.first_reading is not None and o.first_reading.feature not in ("country", "admin1")
                   and o.first_reading.admin1_key == unit.key and nkey(o.text) != said for o in self.mentions)

    @staticmethod
    def _mates_read(m: Mention) -> list[Entry]:
        """How the places listed with `m` were read (first reading, else the current one)."""
        return [r for r in (o.first_reading or o.entry for o in m.list_mates) if r is not None]

    def _list_country(self, m: Mention) -> Optional[str]:
        """The country where most of the (two or more) places listed with `m` lie, if any."""
        read = [r for r in self._mates_read(m) if r.feature != "country"]
        if len(read) < 2:
            return None
        top = Counter(r.country for r in read if r.country).most_common(1)
        return top[0][0] if len(read) >= 2 and top and 2 * top[0][1] > len(read) else None

    def _best(self, m: Mention, text: str, level: Optional[str],
              within: Optional[Entry]) -> Optional[Entry]:
        """The best candidate for `text`; `within` is the unit of a ", Y" appositive."""
        cands = self._candidates(text, level, m)
        if not cands and (m.source in ("ner", "cue") or m.site) and level is None and (m.locative or self.countries):
            cands = [(e, True) for e in self.gz.small_places_named(text)]
            if self.countries or m.source == "weak":
                cands = [c for c in cands if c[0].country in self.countries or c[0].country in self.neighbours]
        if m.source == "cue" and (self.countries or self.resolved_countries):
            # a place known by another name only must lie in the article's own countries, not
            # a neighbour ("the town of Kalam" of a Pakistani story is no Kallam, India)
            near = [c for c in cands if (self._in_context(c[0].country) if c[1] else self._in_context(
                c[0].country, neighbours=False)) or (within is not None and _inside(c[0], within))]
            # "the Syrian city of Aleppo" in an American story: a large place stands on its own,
            # if by its own name or a town's ("the Orientale province" is no L'Oriental of Morocco)
            cands = near or [c for c in cands if c[0].population >= 100_000 and (c[1] or c[0].feature == "city")]
        if not cands:
            return None
        if within is not None:
            inside = [c for c in cands if _inside(c[0], within) and (
                within.feature != "admin2" or c[0].admin1_key == within.admin1_key)]
            if not inside:
                # "Austin, in Scott County, Indiana": the small town of that unit, not the capital of Texas
                inside = [(e, True) for e in self.gz.small_places_named(text) if _inside(e, within) and (
                    within.feature != "admin2" or e.admin1_key == within.admin1_key and e.admin2 == within.name)]
            if inside:
                cands = inside
            elif within.feature in ("admin1", "admin2") and level is None and not self._a_list(m, within, cands):
                # "Bradford, Ontario" with no Bradford of Ontario known: somewhere in Ontario,
                # not Bradford, England (like a district the gazetteer lacks)
                m.name, m.feature, m.primary = text, _point_feature(within, "other"), True
                m.score = 7.0
                return within
        orig = {e.key: p for e, p in cands}
        if not any(p for e, p in cands):
            # an exonym only ("Raqqa", "Mokha"): no penalty where the article is
            cands = [(e, p or self._in_context(e.country) or not self.countries) for e, p in cands]
        said = nkey(text)
        towns = [e for e, p in cands if e.feature == "city" and (
            nkey(e.name) in (said, said + " city") or likeness(said, nkey(e.name)) >= 0.75)]
        gz = self.gz

        def adjust(e: Entry) -> float:
            """A unit and a town of one name: the unit's seat ("Idlib", "Aleppo") reads as
            the town; a namesake elsewhere ("Wyoming, Michigan") yields to the unit."""
            if e.feature in ("admin1", "admin2"):
                g = gz.group(e)
                inside = [t for t in towns if g is not None and gz.group(t) == g]
                return -1.0 if inside else 0.0
            if e in towns and e.population < 500_000 and any(
                    c.feature == "admin1" and c.country == e.country and gz.group(c) != gz.group(e)
                    for c, p in cands):
                return -1.0
            return 0.0

        hand = [self._score(e, p, m, text) + adjust(e) for e, p in cands]
        if self.ranker is not None or self.trace is not None:
            units = [e for e, _p in cands if e.feature == "admin1"]
            placed = [(o.entry.lat, o.entry.lon) for o in self.mentions
                      if o is not m and o.entry is not None and o.entry.lat is not None
                      and o.entry.feature != "country" and o.entry.kind is None]
            feats = [self._features(e, orig.get(e.key, True), text, level, within, h, units, placed)
                     for (e, _p), h in zip(cands, hand)]
            if self.trace is not None and m.char_start is None:
                span = self.doc[m.start:m.end]
                self.trace.append((span.start_char, span.end_char,
                                   [(f, e.lat, e.lon) for f, (e, _p) in zip(feats, cands)]))
        rank = [self.ranker.score(f) for f in feats] if self.ranker is not None else hand
        pool = range(len(cands))
        read = self._mates_read(m)
        if len(read) >= 2 and 2 * sum(r.feature == "admin1" for r in read) > len(read):
            # "British Columbia, Ontario, New Brunswick": a list of provinces, not of towns
            units = [i for i, (e, _p) in enumerate(cands) if e.feature == "admin1" and gz.is_main_name(e, text)]
            pool = units or pool
        elif level is None:
            # "a Buenos Aires hospital": a country's capital, not the province of its name
            # around it (more populous, so the ranker's pick), unless the text speaks of the
            # unit ("Seattle, Washington", "the governor of Washington")
            capitals = {e.country for e, _p in cands if e.feature == "city" and nkey(e.name) == said
                        and gz.is_capital(e)}
            pool = [i for i in pool if not (cands[i][0].feature == "admin1" and cands[i][0].country in capitals
                                            and nkey(cands[i][0].name) == said
                                            and not self._unit_spoken_of(m, cands[i][0]))] or pool
        own = [e.population for e, _p in cands if e.feature == "city" and nkey(e.name) == said]
        if own:
            # "Pittsburgh": the town of that very name, not a smaller one also written so
            # (Pittsburg, California, in a story that names California)
            pool = [i for i in pool if not (cands[i][0].feature == "city" and nkey(cands[i][0].name) != said
                                            and not orig.get(cands[i][0].key, True)
                                            and cands[i][0].population < max(own))] or pool
        iso = self._list_country(m)
        if iso is not None:
            pool = [i for i in pool if cands[i][0].country == iso] or pool
        town = self._town_before(m) if not m.list_mates else None
        if town is not None:
            # "Queens, New York", "Brooklyn, New York": a city that holds the part named first
            parts = [c for c, _p in gz.cities_named(town.text)]
            near = [i for i in pool if cands[i][0].feature == "city" and cands[i][0].population >= 100_000 and any(
                c.key != cands[i][0].key and km(c.lat, c.lon, cands[i][0].lat, cands[i][0].lon) <= 25 for c in parts)]
            # "Mississauga, Ontario", "Pandi, Bulacan": the unit that holds the town named first
            units = [i for i in pool if cands[i][0].feature in ("admin1", "admin2") and any(
                _in_unit(c, cands[i][0]) for c, _p in gz.cities_named(town.text))]
            pool = near or units or pool
        i = max(pool, key=lambda i: (rank[i], -i))
        best, best_score = cands[i][0], hand[i]
        m.score = best_score + (2.0 if within is not None and _inside(best, within) else 0.0)
        m.primary = orig.get(best.key, True)
        return best

    def _features(self, e: Entry, main: bool, text: str, level: Optional[str], within: Optional[Entry],
                  hand: float, rivals: list[Entry], placed: list[tuple[float, float]]) -> list[float]:
        """The candidate's measurements, in `ranker.FEATURES` order; `placed`: the points of
        the other mentions resolved so far (countries and features aside)."""
        said = nkey(text)
        a1 = e.key if e.feature == "admin1" else e.admin1_key
        a1_named = self.admin1_keys.get(a1, 0) if a1 else 0
        near = min((km(e.lat, e.lon, lat, lon) for lat, lon in placed), default=None) \
            if e.lat is not None else None
        feature = e.feature if e.kind is None else "other"
        return [
            hand,
            math.log10(e.population + 1),
            float(feature == "city"), float(feature == "admin1"), float(feature == "admin2"),
            float(feature == "country"), float(feature not in ("city", "admin1", "admin2", "country")),
            float(e.feature == "city" and self.gz.is_capital(e)),
            float(main),
            likeness(said, nkey(e.name)),
            float(min(3, self.countries.get(e.country, 0))) if e.country else 0.0,
            float(min(3, self.resolved_countries.get(e.country, 0) + self.prior_countries.get(e.country, 0)))
            if e.country else 0.0,
            float(bool(e.country) and e.country in self.neighbours),
            float(min(2, a1_named)),
            float(within is not None and _inside(e, within)),
            log_km(near),
            float(level is not None and e.feature == level),
            float(e.feature == "city" and e.population < 500_000 and not self.gz.is_capital(e) and any(
                c.feature == "admin1" and c.country == e.country and nkey(c.name) == said
                and self.gz.group(c) != self.gz.group(e) for c in rivals)),
        ]


    # ------------------------------------------------------------------ acceptance guards
    def _weak_ok(self, m: Mention) -> bool:
        """May a name the model did not tag as a place be one at all?"""
        doc, text = self.doc, m.text
        first = doc[m.start]
        if not _is_cap(first) or text in self.w["stop_names"] or first.text in self.w["stop_names"] \
                and m.end - m.start == 1:
            return False
        if len(text) < 3 or (text.isupper() and len(text) <= 4 and not self.gz.country_named(text)):
            return False
        if m.label == "NORP" and DEMONYM_END.search(text.lower()) and m.level is None \
                and nkey(text) not in self.place_texts \
                and not any(p and e.population >= 100_000 for e, p in self.gz.cities_named(text)):
            return False
        if m.end - m.start == 1 and first.lower_ in self.person_tokens:
            return False
        # a lower-case use of the word elsewhere: a common noun that is also a place name
        low = text.lower()
        if " " not in low and low in self.token_texts:
            return False
        return True

    def _personal(self, m: Mention) -> bool:
        """"Judge Jackson", "Amy Berman Jackson", "nominee Darrell Castle": a person's name."""
        doc = self.doc
        if m.start == 0:
            return False
        prev = doc[m.start - 1]
        if prev.lower_ in self.w["titles"] or (prev.ent_type_ == "PERSON" and prev.ent_iob_ != "O"
                                                 and _is_cap(prev)):
            return True
        return False

    def _listed_with(self, m: Mention, e: Entry) -> bool:
        """Is `e` of a country where most of the places listed with `m` lie ("Suba, Migori,
        Homa Bay, Rongo, Siaya, Kisumu ..." in Kenya)?"""
        read = self._mates_read(m)
        # one mate will do in the country the article is about ("Kisumu and Rift Valley")
        return (len(read) >= 2 or len(read) == 1 and self._in_context(e.country)) and bool(e.country) \
            and e.feature != "country" and 2 * sum(r.country == e.country for r in read) > len(read)

    def _weak_accept(self, m: Mention, e: Entry, within: Optional[Entry]) -> bool:
        if m.level or within is not None and _inside(e, within) or self._listed_with(m, e):
            return True
        if nkey(m.text) in self.place_texts:
            return True
        score = m.score
        if e.feature == "country":
            return True
        if e.feature == "admin1" and m.label != "PERSON" and nkey(e.name) == nkey(m.text):
            return True     # a state's own name, mistagged ("Uttar Pradesh" as ORG)
        if m.locative:
            return score >= 5.0
        need = 9.0 if m.label in ("PERSON", "ORG") else 7.0
        return score >= need

    def _ner_accept(self, m: Mention, e: Entry, within: Optional[Entry]) -> bool:
        if m.level or nkey(m.text) in self.place_texts or self._listed_with(m, e):
            return True
        if within is not None and _inside(e, within):
            return True
        if m.end - m.start == 1 and self.doc[m.start].lower_ in self.person_tokens:
            return False
        if m.end - m.start == 1 and m.label != "GPE" and self.doc[m.start].lower_ in self.lexicon \
                and not self._in_context(e.country) and (
                    e.feature == "admin2" or (e.feature == "city" and e.population < 100_000)
                    or (e.feature == "admin1" and self.gz.country_population(e.country) < 50_000_000)):
            return False    # "At the Pool": an English word, and a small place far away
        if self._in_context(e.country) or not self.countries:
            return m.score >= 4.5 or m.locative
        # a place far from everything else the article names: only a large one
        return m.score >= (5.5 if m.locative else 6.0)

    def _in_context(self, iso: Optional[str], neighbours: bool = True) -> bool:
        return bool(iso) and (iso in self.countries or iso in self.resolved_countries
                              or neighbours and iso in self.neighbours or self.prior_countries.get(iso, 0) >= 2)

    # ------------------------------------------------------------------ order-dependent
    def _others(self, m: Mention, metonymic: bool = False) -> list[Mention]:
        """The other resolved mentions, in text order (metonymic ones only if asked for)."""
        return [o for o in self.mentions if o.entry is not None and o is not m
                and (metonymic or not o.metonymic)]

    def _previous(self, m: Mention, want, metonymic: bool = False) -> Optional[Mention]:
        """The nearest resolved mention before `m` that `want` accepts."""
        return next((o for o in reversed(self._others(m, metonymic)) if o.start < m.start and want(o)), None)

    @staticmethod
    def _nearest(m: Mention, want, others: list[Mention]) -> Optional[Mention]:
        """The nearest of `others` before `m` that `want` accepts, else the first after it."""
        return next((o for o in reversed(others) if o.start < m.start and want(o)), None) \
            or next((o for o in others if o.start >= m.start and want(o)), None)

    def _context_city(self, m: Mention) -> Optional[Entry]:
        """The city a landmark or an unknown place most likely stands in: the nearest one
        named, also where it stands for its government ("Davao del Sur" read as the subject
        of "died")."""
        others = self._others(m)
        o = self._nearest(m, lambda o: o.entry.feature == "city", self._others(m, metonymic=True))
        if o is not None:
            return o.entry
        cities = Counter(o.entry.key for o in self.mentions if o.entry is not None and o.entry.feature == "city")
        if cities:
            key = cities.most_common(1)[0][0]
            return next(o.entry for o in self.mentions if o.entry is not None and o.entry.key == key)
        o = self._nearest(m, lambda o: o.entry.feature in ("admin1", "admin2", "country"), others)
        if o is None:
            return None
        if o.entry.feature == "country":
            cap = self.gz.capital(o.entry.country)
            if cap is not None and cap.population >= CITY_STATE_SHARE * max(1, o.entry.population):
                return cap
        return o.entry

    def _resolve_landmark(self, m: Mention) -> None:
        doc, gz = self.doc, self.gz
        name = doc[m.start:m.end].text
        known = gz.landmark_named(name)
        if known is not None:
            m.entry, m.name, m.feature = known, None, "landmark"
            return
        where: Optional[Entry] = None
        foreign = m.head in self.w["foreign_heads"]
        if not foreign:
            # a place named inside: "Baghdad International Airport", "Hong Kong Police Headquarters"
            where = self._named_inside(m, skip_last=True)
        if where is None:
            # "... Mall in El Paso", "Forbury Gardens, Reading"
            where = self._after_in(m)
        if where is None and not foreign:
            where = self._code_inside(m)
        if where is None:
            where = self._context_city(m)
        if where is None:
            return
        m.entry = where
        m.name = re.sub(r"^(the|The)\s+", "", name)
        m.feature = _point_feature(where, "landmark")

    def _named_inside(self, m: Mention, skip_last: bool = False) -> Optional[Entry]:
        """A place named within a longer name: "Baghdad" in "Baghdad International Airport",
        "Florida" in "Florida State University", "Paris" in "Observatoire de Paris"."""
        doc, gz = self.doc, self.gz
        n_tok = m.end - m.start - (1 if skip_last else 0)
        for n in range(min(n_tok, m.end - m.start - 1), 0, -1):
            for i in range(0, n_tok - n + 1):
                s, e = m.start + i, m.start + i + n
                if not _is_cap(doc[s]):
                    continue
                sub = doc[s:e].text
                c = gz.country_named(sub)
                if c is not None:
                    cap = gz.capital(c.country)
                    if cap is not None and cap.population >= CITY_STATE_SHARE * max(1, c.population):
                        return cap
                    continue
                if nkey(sub) in self.place_texts:
                    o = next((o for o in self.mentions if o.entry is not None and o.feature is None
                              and nkey(o.text) == nkey(sub)), None)
                    if o is not None:
                        return o.entry
                big = [e2 for e2, p in gz.cities_named(sub) if p and e2.population >= 500_000]
                if big:
                    return max(big, key=lambda e2: self._score(e2, True, m))
                units = [e2 for e2 in gz.admins_named(sub, 1) if gz.is_main_name(e2, sub)
                         and self._in_context(e2.country)]
                # "Swat Valley" of a Pakistani story: the district of Swat
                units = units or [e2 for e2 in gz.admins_named(sub, 2) if gz.is_main_name(e2, sub)
                                  and self._in_context(e2.country, neighbours=False)]
                if units:
                    return units[0]
        return None

    def _code_inside(self, m: Mention) -> Optional[Entry]:
        """"the NY Plum Island Animal Disease Center": a unit's code inside a site's name, in the
        article's own countries, when nothing else places it ("the UN compound in Cahul" is in
        Cahul, not Moldova's UN, Ungheni)."""
        for t in self.doc[m.start:m.end]:
            if t.text.isupper() and len(t.text) >= 2:
                units = [u for u in self.gz.admins_by_code(t.text) if self._in_context(u.country, neighbours=False)]
                if len(units) == 1:
                    return units[0]
        return None

    def _resolve_unknown(self, m: Mention) -> None:
        """A named place the gazetteer lacks ("the Salaheddin district" of Aleppo): placed at the
        city (else region) the text is about, as `other`."""
        text, doc = m.text, self.doc
        first = doc[m.start]
        k = nkey(text)
        # (a name with no Latin form, k == "", counts as a person's when the text names nobody)
        if text.isupper() or k in self.person_tokens or not (k or self.person_tokens) \
                or first.pos_ != "PROPN" or not _is_cap(first) or text in self.w["stop_names"] \
                or first.text in self.w["stop_names"] or k in self.w["not_places"]:
            return
        if m.level is None:
            # "Galaxy cluster", "South Sudan in Focus", "Las Estrellas'": no place name
            if m.end - m.start == 1 and first.lower_ in self.lexicon:
                return
            if m.end < len(doc) and _is_cap(doc[m.end]) and doc[m.end].pos_ == "PROPN":
                return
        where = self._named_inside(m)
        if where is not None and self.countries and not self._in_context(where.country):
            where = None    # "Ceamurlia de Jos" of a Romanian story: not Jos, Nigeria
        where = where or self._after_in(m, comma=m.level is not None or m.label in ("GPE", "LOC")) \
            or self._code_inside(m)
        if where is not None and where.feature in ("country", "admin1", "admin2"):
            city = self._context_city(m)
            if city is not None and city.feature == "city" and _inside(city, where):
                where = city
        if where is None:
            if not (m.level or self._strong_locative(m)):
                return
            where = self._context_city(m)
        if where is None:
            return
        m.entry = where
        m.name = text
        m.feature = _point_feature(where, "other")

    def _strong_locative(self, m: Mention) -> bool:
        """"in X", "at X", "near X": words that put something at a place."""
        doc = self.doc
        j = m.start - 1
        while j >= 0 and doc[j].lower_ in DETERMINERS:
            j -= 1
        return j >= 0 and doc[j].lower_ in ("in", "at", "near", "inside", "outside", "into",
                                             "around", "within", "across", "throughout")

    def _after_in(self, m: Mention, comma: bool = True) -> Optional[Entry]:
        """"X in Berlin", "X, Reading": the place named right after a mention."""
        doc, k = self.doc, m.end
        # "the Kabanjahe district of Sumatra": a unit word, then the place it lies in
        of = m.level is not None and doc[k - 1].lower_ in self.w["feature_level"] and k < len(doc) \
            and doc[k].lower_ == "of"
        if k < len(doc) and (doc[k].lower_ in ("in", "at", "near") or of or comma and doc[k].text == ","):
            o = self.by_start.get(k + 1) or self.by_start.get(k + 2)
            if o is None and doc[k].text != ",":
                # "in the British capital London": over a description to the name it gives
                j = k + 1
                while j < min(len(doc), k + 6) and j not in self.by_start and not doc[j].is_punct \
                        and doc[j].pos_ in ("DET", "ADJ", "NOUN", "PROPN"):
                    j += 1
                o = self.by_start.get(j)
            if o is not None and o.entry is not None and o.source != "anaphor" and o.feature is None:
                return o.entry
        return None

    def _place_river(self, m: Mention) -> None:
        river = m.entry
        o = self._nearest(m, lambda o: o.entry.feature == "city" and o.entry.country in river.countries,
                          self._others(m))
        if o is not None:
            m.entry = Entry(key=river.key, name=river.name, feature="other", geonameid=None,
                            lat=o.entry.lat, lon=o.entry.lon, country=o.entry.country,
                            admin1=o.entry.admin1, kind="river", countries=river.countries)

    def _resolve_anaphor(self, m: Mention) -> None:
        kind = m.anaphor
        if kind == "country":
            o = self._previous(m, lambda o: o.entry.feature == "country" and o.feature is None
                               and not o.modifier, metonymic=True)
            e = o.entry if o is not None else None
            if e is None:
                o = self._previous(m, lambda o: bool(o.entry.country) and not o.modifier)
                e = self.gz.country(o.entry.country) if o is not None else None
        elif kind == "capital":
            o = self._previous(m, lambda o: bool(o.entry.country))
            e = self.gz.capital(o.entry.country) if o is not None else None
        elif kind == "admin1":
            o = self._previous(m, lambda o: (o.ctx_level == "admin1" or o.entry.feature == "admin1")
                               and o.feature is None)
            e = o.entry if o is not None else None
        elif kind == "admin2":
            o = self._previous(m, lambda o: o.ctx_level == "admin2" or o.entry.feature == "admin2")
            e = o.entry if o is not None else None
            if o is not None and o.feature == "other":
                m.name, m.feature = o.name, "other"
        else:  # city
            o = self._salient_city(m)
            e = o.entry if o is not None else None
        if e is None:
            return
        m.entry = e
        if o is not None and o.name and o.entry is e and m.name is None:
            m.name = o.name

    def _salient_city(self, m: Mention) -> Optional[Mention]:
        """What "the city" refers to: of the towns (and city-states) named before it, the one
        the article is about (named in its lead, named often) over the one named last ("flown
        to Moscow ... in the city" of a story about Magnitogorsk); the last one breaks ties."""
        def town(o: Mention) -> bool:
            if o.feature is not None or o.source == "anaphor":
                return False
            if o.entry.feature == "city":
                return True
            cap = self.gz.capital(o.entry.country) if o.entry.feature == "country" else None
            return cap is not None and cap.population >= CITY_STATE_SHARE * max(1, o.entry.population)

        before = [o for o in self._others(m, metonymic=True) if o.start < m.start and town(o)]
        if not before:
            return None
        lead_end = next(iter(lead(self.doc, 1)), self.doc[:0]).end
        votes: Counter = Counter()
        for o in before:
            votes[o.entry.key] += 1.0 + (2.0 if o.start < lead_end else 0.0)
        votes[before[-1].entry.key] += 1.0
        best = max(votes.values())
        return next(o for o in reversed(before) if votes[o.entry.key] == best)

    # ------------------------------------------------------------------ metonymy
    def _metonymic(self, m: Mention) -> bool:
        if m.in_name:
            return True
        if m.source == "anaphor" or m.feature == "other" or m.entry.feature not in (
                "country", "city", "admin1", "landmark"):
            return False
        if m.feature == "landmark" and not m.entry.key.startswith("L:"):
            return False        # only the seats of government speak: "the Kremlin said"
        root = self.doc[m.start:m.end].root
        if m.char_start is not None:
            # "the U.S.–Mexico border": a name inside a modifier token
            return root.dep_ in ("compound", "amod", "nmod") and root.head.lemma_.lower() not in self.w["place_nouns"]
        # "Mokha, Yemen": the country of a place just named is where it is
        if m.start >= 2 and self.doc[m.start - 1].text == "," and any(
                o.end == m.start - 1 and o.entry is not None for o in self.mentions):
            return False
        capital = m.entry.feature == "city" and self.gz.is_capital(m.entry)
        return _agentive(root, self.w, state=m.entry.feature == "country", capital=capital)


def _agentive(tok: Token, w: dict, depth: int = 0, state: bool = False, capital: bool = False) -> bool:
    """Does the place at `tok` act as (or stand for) a government? Any place that is the
    subject of an agentive verb; a state (a country, a capital) also as the possessor or
    modifier of a noun that is no place ("Iran's Quds Force", "US troops"), after "for",
    "with", "against", "between", and as the object of a verb of stance ("blamed Israel");
    a capital after "for", "with", "against" ("proxies for Kyiv")."""
    dep, head = tok.dep_, tok.head
    hl = head.lemma_.lower()
    if dep == "nsubj" and head.pos_ in ("VERB", "AUX"):
        return hl not in w["loc_verbs"]
    if dep == "pobj" and head.dep_ == "agent":          # "shelled by Russia"
        return True
    if dep == "poss":
        return hl in w["met_nouns"] or (state and hl not in w["place_nouns"])
    if state and dep in ("compound", "amod", "nmod") and head.pos_ in ("NOUN", "PROPN"):
        return hl not in w["place_nouns"]
    if (state or capital) and dep == "pobj" and head.lower_ in (
            "for", "with", "against", "between", "toward", "towards", "by"):
        return True
    if state and dep == "dobj" and hl in w["stance_verbs"]:
        return True
    if dep == "conj" and depth < 3 and head is not tok:
        return _agentive(head, w, depth + 1, state, capital)
    # "Russia, which launched a full-scale invasion"
    for child in tok.children:
        if child.dep_ == "relcl" and child.pos_ == "VERB":
            subj = [c for c in child.children if c.dep_ == "nsubj" and c.lower_ in ("which", "that", "who")]
            if subj and child.lemma_.lower() not in w["loc_verbs"]:
                return True
    return False


def _point_feature(where: Entry, feature: str) -> str:
    """The feature of a site placed at `where`: its own ("landmark", "other") where the point
    is a town's, else the coarser unit's, so that an airport placed at its country's centre
    does not claim a town's precision."""
    return feature if where.feature in ("city", "landmark", "other") else where.feature


def _in_unit(e: Entry, unit: Entry) -> bool:
    """Whether the town `e` lies in the first- or second-order `unit` (a town filed under no
    second-order unit: within ADMIN2_KM of its point, "Pandi, Bulacan")."""
    if unit.feature == "admin1":
        return _inside(e, unit)
    if unit.feature != "admin2" or e.country != unit.country or e.admin1_key != unit.admin1_key:
        return False
    return nkey(e.admin2) == nkey(unit.name) if e.admin2 else km(e.lat, e.lon, unit.lat, unit.lon) <= ADMIN2_KM


def _inside(e: Entry, within: Entry) -> bool:
    if within.feature == "country":
        return e.country == within.country
    if within.feature == "admin1":
        return e.admin1_key == within.key or (e.country == within.country and e.admin1 == within.name)
    if within.feature == "admin2":
        return e.country == within.country
    return False


# ============================================================================ component
def find_places(doc: Doc, data: Optional[PlaceData] = None) -> list[PlaceSpan]:
    """Every place mention of `doc`, resolved, in text order."""
    data = data or PlaceData.load()
    finder = Finder(doc, data)
    mentions = finder.run()
    Resolver(doc, data, mentions, finder.blocked, finder.person_tokens).run()
    text = doc_text(doc)
    out = []
    for m in mentions:
        if m.entry is None:
            continue
        span = doc[m.start:m.end]
        override = {}
        if m.name:
            override["name"] = m.name
        if m.feature:
            override["feature"] = m.feature
            if m.feature in ("landmark", "other"):
                override["geonameid"] = None
        if m.char_start is not None:
            place = m.entry.place(text[m.char_start:m.char_end], m.char_start, m.char_end, **override)
        else:
            place = m.entry.place(span.text, span.start_char, span.end_char, **override)
        out.append(PlaceSpan(span=span, place=place, metonymic=m.metonymic))
    return out


class PlacesStage:
    """The `eventwire_places` component: `doc._.places`, every place mention resolved."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.nlp = nlp
        self.data: Optional[PlaceData] = None

    def initialize(self, get_examples=None, *, nlp: Optional[Language] = None) -> None:
        """Load the gazetteer, word lists, English lexicon and ranker (once per process)."""
        self.data = PlaceData.load(nlp or self.nlp)

    def __call__(self, doc: Doc) -> Doc:
        if self.data is None:       # a pipeline built by `add_pipe` without `initialize`
            self.initialize()
        doc._.places = find_places(doc, self.data)
        return doc


@Language.factory("eventwire_places", assigns=["doc._.places"],
                  requires=["doc.ents", "token.dep", "token.pos", "token.tag"])
def make_places(nlp: Language, name: str) -> PlacesStage:
    return PlacesStage(nlp, name)


# ============================================================================ the event's place
def _clause_head(tok: Token) -> Token:
    node = tok
    while node.pos_ not in ("VERB", "AUX") and node.head != node:
        node = node.head
    return node


def _said_at(p: PlaceSpan, trigger: Span, speech: set) -> bool:
    """"said in Geneva that ...": the place of a verb of saying that governs the trigger."""
    node, seen = p.span.root, 0
    while node.dep_ in ("pobj", "prep", "compound", "appos", "conj") and node.head is not node and seen < 4:
        node, seen = node.head, seen + 1
    if node.pos_ not in ("VERB", "AUX") or node.lemma_.lower() not in speech:
        return False
    return node.i not in range(trigger.start, trigger.end) and node in trigger.root.ancestors


def event_place(doc: Doc, trigger: Span, exclude: Iterable[int] = (),
                fallback: Optional[PlaceSpan] = None, speech: Optional[set] = None
                ) -> tuple[list[PlaceSpan], bool]:
    """Where the act at `trigger` happened, from `doc._.places`: (places, from_text).

    The non-metonymic place mentions of the trigger's clause, else of its sentence, leaving
    out tokens in `exclude` (the event's actors: "Russia" the attacker is no scene), named
    parties ("Kremlin forces"), and the place where a verb of saying governing the trigger
    was spoken ("said in Geneva that ..."). Of those, the most specific level, nearest the
    trigger first; coordinated places of that level ("the Shebekino and Volokonovsky
    districts") are one event each, so all are returned. Vague references ("the city") are
    place mentions resolved to what they refer to, so they count like names. With nothing
    in the sentence but a river or sea of several countries, `[fallback]` (the article's
    place, chosen by the caller) and from_text=False; `([], False)` without one.
    """
    if speech is None:
        speech = set(config()["speech_verbs"])
    excluded = set(exclude)
    sent = trigger.sent
    cands = [p for p in doc._.places or () if not p.metonymic and sent.start <= p.span.start < sent.end
             and not (set(range(p.span.start, p.span.end)) & excluded)
             and not p.span.root.ent_id_ and not _said_at(p, trigger, speech)]
    if all(p.place.country is None for p in cands):
        # a river or sea of several countries is a line, not where the act was
        return ([fallback], False) if fallback is not None else ([], False)
    head = _clause_head(trigger.root)
    inside = {t.i for t in head.subtree}
    clause = [p for p in cands if p.span.root.i in inside] or cands
    best = min(SPECIFICITY.get(p.place.feature, 9) for p in clause)
    tops = [p for p in clause if SPECIFICITY.get(p.place.feature, 9) == best]
    tops.sort(key=lambda p: abs(p.span.start - trigger.start))
    first = tops[0]
    root = first.span.root
    group = [first] + [p for p in tops[1:] if p.span.root in root.conjuncts or root in p.span.root.conjuncts
                       or p.span.root.head == root or root.head == p.span.root]
    uniq, seen = [], set()
    for p in sorted(group, key=lambda p: p.span.start):
        if p.place.name not in seen:
            seen.add(p.place.name)
            uniq.append(p)
    return uniq, True


# places this close to the article's main place are the same scene (a mall, a park of the city)
SCENE_KM = 50.0


def article_place(doc: Doc, main: Optional[PlaceSpan]) -> Optional[PlaceSpan]:
    """The place for an event whose sentence names none: the article's main place `main`, or
    the first mention of its country where the article is about the country, not the town:
    the country is named more often than the town, and no other place of the town's scene
    (a site in it, its province) is named. A story of a stabbing in Reading names the park and
    the river; one of a country's politics names its capital once or twice."""
    if main is None or main.place.feature == "country" or not main.place.country:
        return main
    here = main.place
    places = [p for p in doc._.places or () if not p.metonymic]
    country = [p for p in places if p.place.feature == "country" and p.place.country == here.country]
    if len(country) <= sum(p.place.name == here.name for p in places):
        return main
    for p in places:
        o = p.place
        if o.name == here.name or o.feature in ("country", "other") or o.country != here.country:
            continue
        if o.name in (here.admin1, here.admin2) or here.name in (o.admin1, o.admin2):
            return main
        if None not in (o.lat, o.lon, here.lat, here.lon) and km(o.lat, o.lon, here.lat, here.lon) <= SCENE_KM:
            return main
    return country[0]

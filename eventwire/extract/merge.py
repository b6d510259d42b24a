"""One event per actor, type, day and place (SPEC 8): repeated mentions become one event.

Called by the assembler after dating (`historical` is read here) and before the dates of the
folded mentions are settled.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from .. import geo
from ..models import Count
from . import vocab
from .events import EventDraft, ontology, specificity, triggers

# Statuses that may describe one event; a denial or a plan is never folded into a report.
STATUS_CLASS = {"reported": 0, "claimed": 0, "disputed": 0, "denied": 1, "planned": 2, "conditional": 2, "negated": 3}
POINTS = {"city", "landmark", "other"}


@lru_cache(maxsize=1)
def _word_sets() -> dict[str, frozenset]:
    """merge.yaml's lists that are looked up per pair of drafts, as sets."""
    data = vocab.load("merge")
    return {key: frozenset(data[key]) for key in ("state_sectors", "victim_modes")}


def _undated(d: EventDraft) -> bool:
    """No time expression governs it (a context day is a guess that yields to one)."""
    return d.date.basis == "publication" or d.date_from_context


def _scene_and_prior(a: EventDraft, b: EventDraft) -> bool:
    """One dated only by the scene's day, the other told as a named person's past ("political
    prisoners arrested during the campaign" on the rally's day, "Babaryka, who was arrested"):
    the text places them apart in time, unless one names the other."""
    for x, y in ((a, b), (b, a)):
        if x.date_from_context and y.prior and not (refers_to(y, x) or refers_to(x, y)):
            return True
    return False


def _dates_compatible(a: EventDraft, b: EventDraft) -> bool:
    if _undated(a) and _undated(b):
        return not _scene_and_prior(a, b)
    if _undated(a) or _undated(b):
        undated, dated = (a, b) if _undated(a) else (b, a)
        if not dated.historical or refers_to(undated, dated):  # "riots had broken out in August ... the riots"
            return True
        # "Russia's invasion" after "launched an invasion in February 2022": the same act
        return undated.trigger.root.pos_ == "NOUN" and bool(undated.actors) and bool(dated.actors)
    if (a.date.start, a.date.end) == (b.date.start, b.date.end):
        return True
    # "a report during the weekend said eight died in the attack": the act told before, within that time
    return anaphoric(b) and a.date.start >= b.date.start and a.date.end <= b.date.end


def _places_compatible(a: EventDraft, b: EventDraft) -> bool:
    if a.place is None or b.place is None:
        return True
    if a.place_from_text and not b.place_from_text and refers_to(b, a):
        return True  # "shooting of Jacob Blake in Kenosha ... Blake survived the shooting": the article's place is a guess
    pa, pb = a.place.place, b.place.place
    if pa.name == pb.name or (pa.geonameid and pa.geonameid == pb.geonameid):
        return True
    if pa.feature in POINTS and pb.feature in POINTS and None not in (pa.lat, pa.lon, pb.lat, pb.lon) \
            and geo.km(pa.lat, pa.lon, pb.lat, pb.lon) <= geo.SAME_PLACE_KM:
        return True  # "Reading" and "Forbury Gardens": one town
    for x, y in ((pa, pb), (pb, pa)):
        if x.feature == "admin1" and y.admin1 == x.name:
            return True
        if x.feature == "admin2" and y.feature in POINTS and x.country == y.country and x.admin1 == y.admin1 \
                and (refers_to(b, a) or refers_to(a, b)):
            return True  # "a shooting in Clairton ... injured in the shooting" at a party in Allegheny County
        if x.feature == "country" and y.country == x.country and not (a.place_from_text and b.place_from_text and y.feature == "country"):
            return True
    return False


def _sides(d: EventDraft) -> set:
    """Who acts, a state and its forces as one side."""
    state = _word_sets()["state_sectors"]
    return {(x.country, "state" if x.sector in state and x.country else x.sector) for x in d.actors}


def _actors_compatible(a: EventDraft, b: EventDraft) -> bool:
    if not a.actors or not b.actors:
        return True
    return bool(_sides(a) & _sides(b))


def _victims_compatible(a: EventDraft, b: EventDraft) -> bool:
    """Arrests told in different sentences of people of different countries are different
    arrests (an attack's victims may be of several countries; a detention is of those it takes)."""
    taking = _word_sets()["victim_modes"]
    if not (taking & set(a.mode) and taking & set(b.mode)) or a.sent == b.sent or anaphoric(a) or anaphoric(b):
        return True
    ca, cb = {x.country for x in a.recipients if x.country}, {x.country for x in b.recipients if x.country}
    return not ca or not cb or bool(ca & cb)


def _definite(tok) -> bool:
    """"the attack", "this shooting", "last night's attack": a particular act."""
    return tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in vocab.load("merge")["definite"]
                                      or c.dep_ == "poss" for c in tok.children)


def antecedent_word(d: EventDraft):
    """The word by which a mention points back to an act already told: "the airstrike" itself,
    or the act a harm happened in ("died in the attack"); None when it tells a new one."""
    root = d.trigger.root
    if _definite(root):
        return root
    nouns = triggers()["nouns"]
    scene = set(vocab.load("merge")["scene"])
    for p in root.children:
        if p.dep_ == "prep" and p.lower_ in scene:
            for x in p.children:
                if x.dep_ == "pobj" and _definite(x) and (nouns.get(x.lemma_.lower()) or {}).get("type") == d.type:
                    return x
    return None


def anaphoric(d: EventDraft) -> bool:
    return antecedent_word(d) is not None


def _stem(tok) -> str:
    """"shelling" and "shell", "shooting" and "shoot": one act named by noun or verb."""
    lemma = tok.lemma_.lower()
    return lemma[:-3] if lemma.endswith("ing") and len(lemma) > 5 else lemma


def _lemmas(d: EventDraft) -> set:
    return {_stem(m.root) for m in (d.trigger, *d.mentions)}


def refers_to(later: EventDraft, earlier: EventDraft) -> bool:
    """`later` points back with a definite noun ("the riots", "the shooting") to an act that
    `earlier` told with that word."""
    word = antecedent_word(later)
    return word is not None and word.i > earlier.trigger.root.i and _stem(word) in _lemmas(earlier)


def _counts_compatible(a: EventDraft, b: EventDraft) -> bool:
    if anaphoric(b):  # "six Mexican nationals were killed in the attack": a part of the toll
        return True
    return all(a.counts[k].value == b.counts[k].value or a.counts[k].qualifier != "exact" or b.counts[k].qualifier != "exact"
               for k in set(a.counts) & set(b.counts))


def _modes_compatible(a: EventDraft, b: EventDraft) -> bool:
    """An abduction and a shelling on one day are two events."""
    distinct = ontology()["distinct_modes"]
    ka, kb = set(a.mode) & distinct, set(b.mode) & distinct
    return ka == kb or bool(ka & kb)


def compatible(a: EventDraft, b: EventDraft) -> bool:
    return (a.type == b.type and _counts_compatible(a, b) and _modes_compatible(a, b)
            and STATUS_CLASS[a.claim.status] == STATUS_CLASS[b.claim.status]
            and _dates_compatible(a, b) and _places_compatible(a, b) and _actors_compatible(a, b)
            and _victims_compatible(a, b))


def _better_count(x: Optional[Count], y: Optional[Count]) -> Optional[Count]:
    """Within one article: an exact figure over a bound, and the larger of two figures, since a
    smaller one there counts a part of the victims ("six of the dead were Mexicans") or an
    earlier toll. (Across articles the store takes the conservative figure instead.)"""
    if x is None or y is None:
        return x or y
    if (x.qualifier == "exact") != (y.qualifier == "exact"):
        exact, bound = (x, y) if x.qualifier == "exact" else (y, x)
        if bound.qualifier == "at_least" and exact.value < bound.value:
            return bound  # one named victim under "at least six": a part of the toll
        return exact
    return x if x.value >= y.value else y


def _union(xs: list, ys: list) -> list:
    out = list(xs)
    for y in ys:
        if not any((y.name, y.country, y.sector) == (x.name, x.country, x.sector) for x in out):
            out.append(y)
    return out


def absorb(a: EventDraft, b: EventDraft) -> None:
    """Fold `b` into `a`."""
    a.evidence += b.evidence  # repeats dropped once, in `merge`
    a.actors = _union(a.actors, b.actors)
    a.recipients = _union(a.recipients, b.recipients)
    a.dates += [(b.date, b.date_from_context), *b.dates]  # dating.settle chooses among them
    if _undated(a) and not _undated(b):  # later mentions compare with it
        a.dates.append((a.date, a.date_from_context))
        a.date, a.date_from_context, a.historical = b.date, False, b.historical
    a.mentions += [b.trigger, *b.mentions]
    # a place the text gives beats the article's place, however specific that guess is
    if b.place is not None and (a.place is None or (b.place_from_text and not a.place_from_text)
                                or b.place_from_text >= a.place_from_text
                                and specificity(b.place.place.feature) < specificity(a.place.place.feature)):
        a.place, a.place_from_text = b.place, b.place_from_text or a.place_from_text
    for kind in set(a.counts) | set(b.counts):
        a.counts[kind] = _better_count(a.counts.get(kind), b.counts.get(kind))
    if not a.claim.claimants and b.claim.claimants:
        # who reports it is kept; the writer stating the act as fact makes it reported still
        a.claim = b.claim if a.claim.status != "reported" else b.claim.model_copy(update={"status": "reported"})
    a.mode = a.mode + [m for m in b.mode if m not in a.mode]
    a.context = sorted(set(a.context) | set(b.context))
    a.implied = a.implied and b.implied
    # "the fighting" pointing back to an act told as background says nothing of its time
    a.background = a.background and (b.background or refers_to(b, a))
    a.prior = a.prior and (b.prior or refers_to(b, a))


def merge(drafts: list[EventDraft]) -> list[EventDraft]:
    """Fold each draft into the first earlier one it is compatible with."""
    drafts = sorted(drafts, key=lambda d: (d.trigger.start, d.place.span.start if d.place else -1))
    out: list[EventDraft] = []
    for d in drafts:
        twins = [o for o in out if compatible(o, d)]
        twin = twins[0] if twins else None
        word = antecedent_word(d) if twins else None
        if word is not None:  # "the airstrike": the latest act told with that word
            named = [o for o in twins if _stem(word) in _lemmas(o)]
            if named:
                twin = named[-1]
            elif any(_stem(word) in _lemmas(o) for o in out):
                twin = None  # the act it names was told at another place or time: this is another event of it
        if twin is None:
            out.append(d)
        else:
            absorb(twin, d)
    for d in out:
        d.evidence = list({(e.start, e.end): e for e in d.evidence}.values())
    return out

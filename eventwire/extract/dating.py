"""Dating: the one place that decides an event's date and whether it is `historical` (SPEC 3).

The assembler asks `date_mention` for each mention of an event (the time expression that
governs its trigger, from the time tagger), and `settle` once the mentions of one event are
folded together: the most precise date the text gives wins, a date after publication is
never when a reported act happened, and an event that ended more than 30 days before
publication is background.
"""
from __future__ import annotations

from datetime import date as Date
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..models import EventDate
from . import times as times_stage, vocab
from .mentions import TimeSpan, per_doc, sentence_index

PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "reported": 9}
HISTORICAL_DAYS = 30  # SPEC 3
# A planned or conditional act may lie ahead of publication.
FUTURE_STATUSES = ("planned", "conditional")


def publication_date(doc: Doc) -> EventDate:
    """No time expression ties the event to a date: on or before publication."""
    return EventDate(start=doc._.pub_date, end=doc._.pub_date, precision="reported", basis="publication")


def from_time(time: TimeSpan) -> EventDate:
    m = time.mention
    return EventDate(start=m.start, end=m.end, precision=m.precision, text=m.text, basis="text", span=m.span)


CONTEXT_SENTENCES = 2  # a day named this many sentences before still describes the same scene
STORY_DAYS = 14  # the lead's day is the story's day only when it is recent news


def _recent_day(time: TimeSpan, pub: str) -> bool:
    m = time.mention
    if m.precision != "day" or m.end > pub:
        return False
    return (Date.fromisoformat(pub) - Date.fromisoformat(m.start)).days <= STORY_DAYS


def _toll_days(doc: Doc) -> set[int]:
    """Starts of time expressions that date only harm words in a sentence that dates another
    act with another day: a toll's day ("a gunman shot shoppers on Saturday morning, with the
    death toll rising to 22 people on Monday, ..., with 25 others injured")."""
    # worked out once per Doc (asked per mention by the assembler, the triggers final): made
    # anew each time, dating every trigger against every time expression, it cost a long text
    # time in its length cubed (60 copies of a two-sentence paragraph with a day in each: 31
    # of 32 CPU-s)
    return per_doc(doc, "eventwire.toll_days", _count_toll_days)


def _count_toll_days(doc: Doc) -> set[int]:
    from .counts import lexicon
    harm = {w for w, kind in lexicon()["kind_of"].items() if kind in ("killed", "injured")}
    index = sentence_index(doc)
    acts, harms = set(), {}
    for t in doc._.triggers or ():
        time = times_stage.event_time(doc, t.span)
        if time is None or described(t.span, time):
            continue
        if t.span.root.lemma_.lower() in harm:
            harms[time.span.start] = index.of(t.span.root)
        else:
            acts.add(time.span.start)
    act_sentences = {index.of(doc[start]) for start in acts}
    return {start for start, n in harms.items() if n in act_sentences and start not in acts}


def _undated_in_lead(doc: Doc, lead: list[TimeSpan]) -> set:
    """Types of the acts the lead names without giving them its day ("the suspect in a
    shooting ... was released Friday": the shooting is not Friday's)."""
    index, days = sentence_index(doc), {t.span.start for t in lead}
    out = set()
    for t in doc._.triggers or ():
        if index.of(t.span.root) in index.lead:
            time = times_stage.event_time(doc, t.span)
            if time is None or time.span.start not in days or described(t.span, time):
                out.add(t.type)
    return out


def context_time(doc: Doc, trigger: Span, type_: Optional[str] = None) -> Optional[TimeSpan]:
    """A day the text gives for the scene a mention belongs to, when no time expression
    governs it: the nearest day named in its sentence or the sentences just before it
    ("On Thursday a man stabbed four officers. The attacker was shot dead by police."),
    else the day of the story its lead names, unless the lead names an act of the mention's
    `type_` without that day (the day a suspect was released is not the day of the shooting
    the lead describes him by, nor of the shooting told later)."""
    pub = doc._.pub_date
    times = [t for t in doc._.times or () if _recent_day(t, pub)]
    if not times:
        return None
    by_sentence: dict[int, list[TimeSpan]] = {}
    for t in times:
        by_sentence.setdefault(sentence_index(doc).of(t.span[0]), []).append(t)
    index = sentence_index(doc)
    sents, n = index.sents, index.of(trigger.root)
    before = [t for m in range(max(0, n - CONTEXT_SENTENCES), n + 1) for t in by_sentence.get(m, ())]
    if before:
        tolls = _toll_days(doc)  # the day of a toll is not the scene's
        return max(before, key=lambda t: (t.span.start not in tolls,
                                          t.span.start if t.span.start < trigger.start else -t.span.start))
    lead = [t for m in index.lead for t in by_sentence.get(m, ())]
    if lead and type_ is not None and type_ in _undated_in_lead(doc, lead):
        return None
    return lead[0] if lead else None


PERFECT_DEPTH = 4  # words between a trigger and the verb whose tense it takes


def past_perfect(trigger: Span) -> bool:
    """Told in the past perfect ("had levied sanctions", "had been allied in fighting"): an act
    before the story's time, background when no time expression dates it."""
    node = trigger.root
    for _ in range(PERFECT_DEPTH):
        auxes = [c for c in node.children if c.dep_ == "aux"]
        if auxes or node.pos_ in ("VERB", "AUX") and node.dep_ not in ("pcomp", "xcomp", "advcl", "conj"):
            return any(a.lemma_.lower() in vocab.load("dating")["perfect_aux"] and a.tag_ == "VBD" for a in auxes)
        if node.head == node:
            break
        node = node.head
    return False


def described(trigger: Span, time: Optional[TimeSpan]) -> bool:
    """A noun mention in a prepositional phrase of another noun, naming the act to describe
    that noun ("the suspect in a shooting of protesters ... was released Friday", "the death
    toll from the shooting rose on Monday"): the time its sentence gives (`time`, or any when
    None) is that other thing's, not the act's. "A series of attacks" is still the attacks."""
    root = trigger.root
    prep = root.head
    if root.pos_ != "NOUN" or root.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ in vocab.load("dating")["part_preps"]:
        return False
    owner = prep.head
    if owner.pos_ != "NOUN" or owner.lemma_.lower() in _act_nouns() or owner.ent_type_ in ("DATE", "TIME"):
        return False
    if time is None:
        return True
    # a time inside the act's own phrase, or inside the describing noun's, dates them both
    return not (owner.left_edge.i <= time.span.start and time.span.end <= owner.right_edge.i + 1)


def of_someone(trigger: Span) -> bool:
    """An act told in the past tense in a relative clause on a named person ("Viktar
    Babaryka, who was arrested and banned from the election"): his past, not the story's scene."""
    node = trigger.root
    while node.dep_ == "conj" and node.head != node:
        node = node.head
    past = node.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in node.children)
    return (node.dep_ == "relcl" and node.head.pos_ == "PROPN" and past  # "who": a person, whatever the entity tag
            and any(c.lower_ in vocab.load("actors")["relative_persons"] for c in node.children))


def background(trigger: Span) -> bool:
    """A mention that tells an act before the story's scene, when no time expression dates
    it: past perfect, a named person's past. (Only the past perfect makes it `historical`:
    a person's past may be recent.)"""
    return past_perfect(trigger) or of_someone(trigger)


def _act_nouns() -> frozenset:
    from .events import triggers
    return frozenset(triggers()["nouns"])


def date_mention(doc: Doc, trigger: Span, type_: Optional[str] = None) -> tuple[EventDate, Optional[TimeSpan], bool]:
    """The date one mention of an event states: its governing time expression, else the day
    its context gives (`context_time`; the third item says so), else publication. A mention
    told as background (`background`) or to describe something else (`described`) takes no
    day from its context (it is before the scene, or the day is the other thing's)."""
    time = times_stage.event_time(doc, trigger)
    if time is not None and not described(trigger, time):
        return from_time(time), time, False
    if background(trigger) or described(trigger, None):
        return publication_date(doc), None, False
    time = context_time(doc, trigger, type_)
    if time is not None:
        return from_time(time), time, True
    return publication_date(doc), None, False


def after_publication(date: EventDate, pub: str) -> bool:
    return date.basis == "text" and date.end > pub


def is_historical(date: EventDate, pub: str) -> bool:
    if date.basis != "text":
        return False
    return (Date.fromisoformat(pub) - Date.fromisoformat(date.end)).days > HISTORICAL_DAYS


def _rank(option: tuple[EventDate, bool]) -> tuple:
    date, from_context = option
    return (date.basis != "text", from_context, PRECISION_RANK.get(date.precision, 9))


def settle(doc: Doc, draft) -> None:
    """Fix `draft`'s date from its mentions' dates (a time expression governing a mention
    first, then the most precise), then its `historical` flag."""
    pub = doc._.pub_date
    future = draft.claim.status in FUTURE_STATUSES
    options = [(d, soft) for d, soft in [(draft.date, draft.date_from_context), *draft.dates]
               if future or not after_publication(d, pub)]
    draft.date, draft.date_from_context = min(options, key=_rank) if options else (publication_date(doc), False)
    # background in the past perfect with no date of its own: earlier than the story, long ago
    draft.historical = is_historical(draft.date, pub) or (draft.background and draft.date.basis != "text")

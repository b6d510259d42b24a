"""Each extraction stage alone, on real sentences (tests/data/stages/sentences.yaml), and the
scope of the whole pipeline on real news with no political event (tests/data/negative)."""
from __future__ import annotations

import pytest
import yaml

from tests.conftest import DATA

SENTENCES = yaml.safe_load((DATA / "stages" / "sentences.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def upto(run_until):
    return lambda key, stop: run_until(SENTENCES[key], stop)


def _scope(doc):
    from eventwire.extract.scope import Scope, ScopeWords

    return Scope(doc, ScopeWords.load())


def test_triggers_stage_marks_acts_with_their_parties(upto):
    doc = upto("shelling", "eventwire_scope")
    by_word = {t.span.text: t for t in doc._.triggers}
    assert by_word["shell"].type == "ASSAULT"
    assert [(a.country, a.sector) for a in by_word["shell"].actors] == [("UKR", "MIL")]
    assert doc._.events is None  # stages annotate; only the assembler builds events


def test_scope_drops_harm_a_hazard_caused_and_keeps_shelling(upto):
    fire = upto("fire", "eventwire_scope")
    assert any(t.type == "ASSAULT" for t in fire._.triggers)  # "killed": the trigger stage fires
    scope = _scope(fire)
    assert not [t for t in fire._.triggers if t.type == "ASSAULT" and scope.keep(t)]
    shelling = upto("shelling", "eventwire_scope")
    scope = _scope(shelling)
    assert [t.span.text for t in shelling._.triggers if scope.keep(t)] == ["shell", "killed"]
    assert all(scope.harm_in_scope(c.anchor) for c in shelling._.counts if c.kind == "killed")


def test_scope_reads_a_hazard_story_from_its_lead(upto):
    doc = upto("typhoon", "eventwire_scope")
    scope = _scope(doc)
    assert scope.hazard_story
    assert not [t for t in doc._.triggers if scope.keep(t)]  # "forced over 58,000 civilians to evacuate"
    assert [c.count.value for c in doc._.counts if c.kind == "killed"] == [20]
    assert not any(scope.harm_in_scope(c.anchor) for c in doc._.counts if c.kind == "killed")


def test_scope_takes_companies_for_no_political_actor(upto):
    doc = upto("tesco", "eventwire_scope")
    scope = _scope(doc)
    assert doc._.triggers and not [t for t in doc._.triggers if scope.keep(t)]


def test_counts_stage_reads_kind_value_and_anchor(upto):
    doc = upto("stabbing", "eventwire_triggers")
    killed = [c for c in doc._.counts if c.kind == "killed"]
    assert [(c.count.value, c.anchor.lemma_) for c in killed] == [(4, "kill")]


def test_dating_gives_an_undated_mention_the_day_of_its_scene(upto):
    from eventwire.extract import dating

    doc = upto("stabbing", "eventwire_assemble")
    shot = next(t for t in doc if t.lower_ == "shot")
    date, time, from_context = dating.date_mention(doc, doc[shot.i:shot.i + 1])
    assert (date.start, date.basis, from_context) == ("2019-10-03", "text", True)  # "On Thursday"
    assert time.mention.text == "On Thursday" or time.mention.text == "Thursday"


def test_dating_refuses_dates_after_publication_and_flags_background():
    from eventwire.extract.dating import after_publication, is_historical
    from eventwire.models import EventDate

    later = EventDate(start="2020-01-25", end="2020-01-25", precision="day", basis="text")
    assert after_publication(later, "2020-01-10")
    old = EventDate(start="2013-11-08", end="2013-11-08", precision="day", basis="text")
    assert is_historical(old, "2019-12-28") and not is_historical(later, "2020-02-01")


def test_assembler_folds_one_attack_into_one_event(extract_text):
    sample = SENTENCES["stabbing"]
    events = extract_text(sample["text"], sample["date"]).events
    assaults = [e for e in events if e.type == "ASSAULT"]
    assert assaults and all(e.date.start == "2019-10-03" for e in assaults)
    assert any(e.counts.killed and e.counts.killed.value == 4 for e in assaults)


def test_news_with_no_political_event_gives_almost_no_events(nlp):
    from eventwire.core import extract
    from eventwire.ingest import read_paths

    documents = list(read_paths([DATA / "negative" / "negative.jsonl"]))
    assert len(documents) >= 60
    events = [e for r in extract(documents, nlp=nlp) for e in r.events]
    assert len(events) / len(documents) <= 0.10, [(e.type, e.evidence[0]) for e in events]
    assert not [e for e in events if e.type == "ASSAULT" and e.counts.killed]


def test_scope_reads_gunfire_opened_as_no_blaze(run_until):
    """wn-018's "Gunman opens fire in El Paso": the fire opened is gunfire, no hazard of its
    own; "A fire yesterday afternoon killed five girls" names one."""
    from tests.test_counts_attach import SAMPLES

    elpaso = run_until(SAMPLES["elpaso"], "eventwire_scope")
    headline = next(iter(elpaso.sents))
    assert "fire" not in _scope(elpaso)._hazard_words(headline)
    fire = run_until(SENTENCES["fire"], "eventwire_scope")
    assert "fire" in _scope(fire)._hazard_words(fire[:])

"""Who was harmed, and how many, attached to the right event: each stage alone on real passages
(tests/data/stages/attach.yaml, copied from the corpus), then the assembler."""
from __future__ import annotations

import pytest
import yaml

from tests.conftest import DATA

SAMPLES = yaml.safe_load((DATA / "stages" / "attach.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def upto(run_until):
    return lambda key, stop: run_until(SAMPLES[key], stop)


def _sample_events(extract_text, key):
    sample = SAMPLES[key]
    return extract_text(sample["text"], sample["date"]).events


def _names(actors):
    return [a.name for a in actors]


def test_triggers_take_the_harmed_as_recipient_not_actor(upto):
    doc = upto("aden", "eventwire_scope")
    by_word = {t.span.text: t for t in reversed(doc._.triggers)}  # the first of a word
    shot = by_word["shot"]  # the headline's "X shot dead": X was shot
    assert not shot.actors and "Nabil Hasan al-Quaety" in _names(shot.recipients)
    died = by_word["died"]  # "X died": X undergoes it
    assert not died.actors and "Nabil Hasan al-Quaety" in _names(died.recipients)
    attacked = by_word["attacked"]
    assert _names(attacked.actors) == ["Multiple assailants"]
    murder = {t.span.text: t for t in upto("murder", "eventwire_scope")._.triggers}["murder"]
    assert not murder.actors and murder.recipients  # "Nabil's murder": Nabil was murdered


def test_assembler_folds_the_killing_and_counts_the_named_victim(extract_text):
    assaults = [e for e in _sample_events(extract_text, "aden") if e.type == "ASSAULT"]
    assert len(assaults) == 1, [(e.evidence, _names(e.actors)) for e in assaults]
    e = assaults[0]
    assert _names(e.actors) == ["Multiple assailants"]
    assert e.counts.killed and e.counts.killed.value == 1
    assert e.date.start == "2020-06-02" and len(e.evidence) == 3


def test_counts_stage_reads_a_total_that_rises_to_a_value(upto):
    doc = upto("elpaso", "eventwire_triggers")
    killed = [(c.count.value, c.count.qualifier) for c in doc._.counts if c.kind == "killed"]
    assert (22, "exact") in killed  # "with the death toll rising to 22 people on Monday"
    assert (25, "exact") in [(c.count.value, c.count.qualifier) for c in doc._.counts if c.kind == "injured"]


def test_scope_drops_harm_that_defines_a_kind_of_event(upto):
    from eventwire.extract.scope import Scope, ScopeWords

    doc = upto("archive", "eventwire_scope")
    assert any(t.type == "ASSAULT" for t in doc._.triggers)  # "killed" fires as a word
    scope = Scope(doc, ScopeWords.load())
    assert not [t for t in doc._.triggers if scope.keep(t)]
    assert not any(scope.harm_in_scope(c.anchor) for c in doc._.counts if c.kind == "killed")


def test_assembler_gives_result_and_restated_counts_to_the_one_attack(extract_text):
    """The harm under the shooting ("with 25 others injured", the toll "on Monday") and the
    victims "killed in the attack" and who "died in the attack" in later sentences are the
    lead's shooting; the largest exact toll is its count."""
    sample = SAMPLES["elpaso"]
    text = sample["text"]
    assaults = [e for e in extract_text(text, sample["date"]).events if e.type == "ASSAULT"]
    assert len(assaults) == 1, [(e.date.text, e.evidence) for e in assaults]
    e = assaults[0]
    assert (e.counts.killed.value, e.counts.injured.value) == (22, 25)
    assert e.date.start == "2019-08-03"
    told = {text[s.start:s.end].split(",")[0] for s in e.evidence}
    assert {"According to Mexican President Andrés Manuel López Obrador",
            "Another report from the Mexican government during the weekend said eight Mexicans died in the attack."} <= told


def test_an_attack_archive_definition_gives_no_event(extract_text):
    sample = SAMPLES["archive"]
    assert not extract_text(sample["text"], sample["date"]).events


def test_dating_takes_an_undated_past_perfect_act_for_background(upto, extract_text):
    from eventwire.extract import dating

    doc = upto("sanctions", "eventwire_assemble")
    designated, levied = (next(t for t in doc if t.lower_ == w) for w in ("designated", "levied"))
    assert dating.past_perfect(doc[levied.i:levied.i + 1]) and not dating.past_perfect(doc[designated.i:designated.i + 1])
    sample = SAMPLES["sanctions"]
    events = sorted(extract_text(sample["text"], sample["date"]).events, key=lambda e: e.evidence[0].start)
    assert [(e.date.basis, e.historical) for e in events] == [("text", True), ("publication", True)]


def test_triggers_skip_the_condition_of_an_offer_and_acts_no_one_names(upto):
    offer = upto("offer", "eventwire_scope")
    assert "meet" not in [t.span.text for t in offer._.triggers]  # "... if he came to meet the fighters"
    assert any(t.lower_ == "meet" and t.pos_ == "VERB" for t in offer)
    assurance = upto("assurance", "eventwire_scope")
    assert "operations" not in [t.span.text for t in assurance._.triggers]  # "not allow any ... operations"
    assert "opposed" in [t.span.text for t in assurance._.triggers]


def test_assembler_folds_harm_in_last_nights_attack_and_keeps_the_larger_bound(extract_text):
    """"five other civilians ... died in last night's attack; twenty more ... were injured": the
    bombing's victims; one named victim under "at least five others" is a part of the toll."""
    assaults = [e for e in _sample_events(extract_text, "mokha") if e.type == "ASSAULT" and not e.historical]
    lead = [e for e in assaults if any(s.start == 198 for s in e.evidence)]  # "At least five other civilians ..."
    assert len(lead) == 1 and lead[0].evidence[0].start == 0, [(e.date.text, e.evidence) for e in assaults]
    killed = lead[0].counts.killed
    assert (killed.value, killed.qualifier) == (6, "at_least")
    assert "explosives" in lead[0].mode


def test_merge_prefers_a_lower_bound_above_an_exact_part():
    from eventwire.extract.merge import _better_count
    from eventwire.models import Count

    one = Count(value=1, qualifier="exact", text="photojournalist Ziad al-Sharabi", span={"start": 63, "end": 90})
    bound = Count(value=6, qualifier="at_least", text="at least five others", span={"start": 40, "end": 61})
    assert _better_count(one, bound) is bound and _better_count(bound, one) is bound
    toll = Count(value=22, qualifier="exact", text="22 people", span={"start": 0, "end": 9})
    assert _better_count(toll, Count(value=20, qualifier="at_least", text="more than 20", span={"start": 0, "end": 12})) is toll


def test_assembler_places_background_with_no_place_of_its_own_in_the_country(extract_text):
    events = _sample_events(extract_text, "drone")
    drone = [e for e in events if "drone" in e.mode]
    assert len(drone) == 1 and drone[0].historical
    assert (drone[0].location.name, drone[0].location.feature) == ("Yemen", "country")
    assert drone[0].counts.killed.value == 6
    today = [e for e in events if e.type == "ASSAULT" and not e.historical]
    assert today and today[0].location.name == "Aden"  # the story's own town stays


def test_counts_stage_adds_up_the_people_listed_together(upto):
    """"injured a man and two women", "Two women and a man were injured", "three girls and a
    boy ... were hospitalized": one count of all the people listed, not of the first number."""
    injured = sorted((c.count.value, c.count.text) for c in upto("streatham", "eventwire_triggers")._.counts
                     if c.kind == "injured")
    assert injured == [(3, "Two women and a man"), (3, "a man and two women")]
    clairton = [(c.count.value, c.kind) for c in upto("clairton", "eventwire_triggers")._.counts]
    assert (4, "injured") in clairton and (3, "injured") not in clairton


def test_assembler_gives_the_listed_total_to_the_attack(extract_text):
    attack = [e for e in _sample_events(extract_text, "streatham") if e.type == "ASSAULT"]
    assert len(attack) == 1 and attack[0].counts.injured.value == 3


def test_a_named_person_and_his_apposition_are_one_victim(extract_text):
    """"Park Won-soon, the mayor of Seoul, ... was found dead": the parser gives the verb two
    subjects; the office is the man's, so one dead, not two."""
    found = [e for e in _sample_events(extract_text, "seoul_mayor") if e.counts.killed]
    assert [e.counts.killed.value for e in found] == [1]


def test_an_intended_killing_has_no_victims(extract_text):
    """"a plot to kill the Saudi Arabian ambassador": no one was killed."""
    events = _sample_events(extract_text, "plot_to_kill")
    assert [e for e in events if e.type == "ASSAULT"]  # the plot is still told
    assert not [e for e in events if e.counts.killed]


def test_the_shooting_named_again_in_its_county_is_the_same_shooting(extract_text):
    """"a shooting at a graduation party" in Clairton, and the party "located in Allegheny
    County, four of whom were injured in the shooting": one shooting, four injured."""
    shootings = [e for e in _sample_events(extract_text, "clairton") if e.type == "ASSAULT"]
    assert len(shootings) == 1 and shootings[0].counts.injured.value == 4


def test_a_number_after_a_time_preposition_counts_no_one_arrested(upto, extract_text):
    """"The two parents were arrested ... after one of their daughters ... escaped": two
    arrested; "after one" is when, not whom."""
    counts = [(c.count.value, c.kind) for c in upto("parents_arrested", "eventwire_triggers")._.counts]
    assert counts == [(2, "arrested")]
    arrest = [e for e in _sample_events(extract_text, "parents_arrested") if e.type == "COERCE"]
    assert len(arrest) == 1 and arrest[0].counts.arrested.value == 2

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

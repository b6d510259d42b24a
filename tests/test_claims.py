"""Claimants and claim status on real corpus sentences (Wikinews, CC BY 2.5)."""
from __future__ import annotations


def test_actor_giving_its_account_in_a_participle_is_the_claimant(extract_text):
    # wn-043: the KGB both arrests and gives the reason ("claiming them to be mercenaries")
    text = ("Within roughly a day before the event, Belarusian KGB arrested 33 Russian individuals, claiming them "
            "to be mercenaries, who allegedly were preparing to organize \"terrorism\" in association with the election.")
    arrest = next(e for e in extract_text(text, "2020-08-03").events if e.type == "COERCE")
    assert arrest.claim.status == "claimed"
    assert [(c.country, c.sector) for c in arrest.claim.claimants] == [("BLR", "GOV")]


def test_act_without_an_account_has_no_claimant(extract_text):
    # wn-043: the same arrest stated by the writer alone
    text = "Within roughly a day before the event, Belarusian KGB arrested 33 Russian individuals."
    arrest = next(e for e in extract_text(text, "2020-08-03").events if e.type == "COERCE")
    assert arrest.claim.status == "reported" and arrest.claim.claimants == []

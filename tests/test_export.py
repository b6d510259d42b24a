"""Exports for ACLED and UCDP users, on real stores filled from real articles: ACLED-form ids
stable across stores, every PLOVER type's ACLED reading (or the documented reason for none),
the publisher as `source`, and the GED-style columns."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import get_args

import pytest

import eventwire
from eventwire.export import columns
from eventwire.export.acled_actors import actor_columns
from eventwire.export.tables import _Actor, _spec, csv_line, priogrid, read_event, rows, write_csv
from eventwire.extract.acled import acled_for
from eventwire.geo import countries
from eventwire.models import Actor, Event, PloverType, Span
from eventwire.store import open_store

from .conftest import DATA, NEWS

ACLED_ID = re.compile(r"^([A-Z]{3})(\d+)$")


def export_rows(db, table="acled", **filters) -> list[dict]:
    with eventwire.open_store(db) as store:
        fh = io.StringIO()
        write_csv(store.rows(table, **filters), fh, table)
    return list(csv.DictReader(io.StringIO(fh.getvalue())))


# ---------------------------------------------------------------- event_id_cnty
def test_acled_ids_are_country_code_and_number_and_unique(news_store):
    exported = export_rows(news_store)
    assert exported
    iso3 = {c["name"]: c["iso3"] for c in countries().values()}
    for r in exported:
        m = ACLED_ID.match(r["event_id_cnty"])
        assert m, r["event_id_cnty"]
        assert m.group(1) == (iso3[r["country"]] if r["country"] else "XXX")
    assert len({r["event_id_cnty"] for r in exported}) == len(exported)


def test_acled_ids_are_the_same_in_a_fresh_store_filled_in_another_order(news_store, tmp_path, nlp):
    again = tmp_path / "again.db"
    eventwire.run([DATA / n for n in reversed(NEWS)], db=again, nlp=nlp)
    first = {r["event_id"]: r["event_id_cnty"] for r in export_rows(news_store)}
    second = {r["event_id"]: r["event_id_cnty"] for r in export_rows(again)}
    assert first == second and len(first) > 10


def test_documents_sharing_the_id_prefix_take_the_long_form(news_store, tmp_path):
    """Two stored articles whose content hashes share the 48 bits of the short id: both
    take all 64 bits, the ids stay unique and still lead back to the event."""
    import shutil

    db = tmp_path / "collide.db"
    shutil.copy(news_store, db)
    with open_store(db, create=False) as store:
        doc = store.query("SELECT * FROM documents d WHERE EXISTS (SELECT 1 FROM events e WHERE e.doc_hash = d.hash "
                          "AND e.country IS NOT NULL) ORDER BY hash LIMIT 1")[0]
        twin = dict(doc, hash=doc["hash"][:12] + ("0000" if doc["hash"][12:] != "0000" else "ffff"),
                    doc_id="twin", text=doc["text"] + " (twin)")
        with store.transaction():
            store.insert("documents", [twin])
    before = {r["event_id"]: r["event_id_cnty"] for r in export_rows(news_store)}
    after = {r["event_id"]: r["event_id_cnty"] for r in export_rows(db)}
    changed = {k for k in before if before[k] != after[k]}
    assert changed and all(k.startswith(doc["hash"]) for k in changed)
    assert all(len(after[k]) > len(before[k]) for k in changed)
    assert len(set(after.values())) == len(after)
    some = sorted(changed)[0]
    with eventwire.open_store(db) as store:
        assert store.canonical_id(after[some]) == store.canonical_id(some) is not None


# ---------------------------------------------------------------- ACLED event types
def test_every_plover_type_has_an_acled_reading_or_a_documented_reason():
    none = _spec()["acled_none"]
    modes = _spec_modes() | {"none"}
    for kind in get_args(PloverType):
        readings = [a for m in modes if (a := acled_for(kind, [m], []))]
        assert readings or kind in none, kind
        if kind in none:  # a type documented as null is null for its ordinary modes
            assert acled_for(kind, [], []) is None, kind


def _spec_modes() -> set[str]:
    from eventwire.extract import vocab

    acled = vocab.load("acled")
    return {m for table in acled["acled"].values() for m in table} | set(acled["assault_acled"])


@pytest.mark.parametrize("kind, mode, wanted", [
    # SPEC 4's table, the floor
    ("COERCE", ["arrest"], ("Strategic developments", "Arrests")),
    ("COERCE", ["curfew"], ("Strategic developments", "Other")),
    ("PROTEST", ["demo"], ("Protests", "Peaceful protest")),
    ("PROTEST", ["riot"], ("Riots", "Violent demonstration")),
    ("MOBILIZE", ["troops"], ("Strategic developments", "Other")),
    ("RETREAT", ["withdraw"], ("Strategic developments", "Non-violent transfer of territory")),
    ("RETREAT", ["release"], ("Strategic developments", "Other")),
    ("AGREE", [], ("Strategic developments", "Agreement")),
    ("ASSAULT", ["destroy"], ("Strategic developments", "Looting/property destruction")),
    ("ASSAULT", ["heavy-weapons"], ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    # Strategic developments' other sub-types
    ("RETREAT", ["ceasefire"], ("Strategic developments", "Agreement")),
    ("RETREAT", ["disarm"], ("Strategic developments", "Change to group/activity")),
    ("COERCE", ["seize"], ("Strategic developments", "Looting/property destruction")),
    ("ASSAULT", ["sexual"], ("Violence against civilians", "Sexual violence")),
])
def test_acled_mapping_keeps_spec_and_adds_sub_types(kind, mode, wanted):
    got = acled_for(kind, mode, [])
    assert (got.event_type, got.sub_event_type) == wanted


def test_abduction_depends_on_who_was_taken():
    span = Span(start=0, end=1)
    soldiers = [Actor(name="two Russian soldiers", text="x", sector="MIL", span=span)]
    villagers = [Actor(name="villagers", text="x", sector="CVL", span=span)]
    assert acled_for("ASSAULT", ["abduct"], soldiers).event_type == "Battles"
    assert acled_for("ASSAULT", ["abduct"], villagers).sub_event_type == "Abduction/forced disappearance"


def test_exported_event_types_are_empty_only_for_documented_types(news_store):
    none = _spec()["acled_none"]
    exported = export_rows(news_store)
    for r in exported:
        if r["event_type"]:
            assert r["disorder_type"] and r["sub_event_type"]
        else:
            assert r["plover_type"] in none, r
    assert any(r["event_type"] == "Strategic developments" for r in exported)


# ---------------------------------------------------------------- source
def test_source_is_the_publisher_never_the_file(news_store):
    by_url = {}
    for r in export_rows(news_store):
        assert not re.search(r"\.(txt|html?|json|jsonl|csv)$", r["source"]), r["source"]
        by_url.setdefault(r["url"], set()).add(r["source"])
    assert by_url[""] == {""}  # plain text files name no publisher
    assert any(u.startswith("https://t.me/") and s == {"Wikinews Wire"} for u, s in by_url.items())
    assert any(u.startswith("https://en.wikinews.org/") and s == {"Wikinews"} for u, s in by_url.items())


def test_publisher_falls_back_to_the_url_host(tmp_path):
    from eventwire.ingest import read_paths

    page = tmp_path / "docs.jsonl"
    page.write_text('{"date": "2020-06-23", "text": "Police arrested 33 people in Minsk on Friday.", '
                    '"url": "https://www.example.org/news/1"}\n', encoding="utf-8")
    [doc] = list(read_paths([page]))
    assert doc.source == "docs.jsonl" and doc.publisher == "example.org"


# ---------------------------------------------------------------- UCDP GED
def test_ucdp_columns_and_rules(news_store):
    exported = export_rows(news_store, "ucdp")
    assert exported and list(exported[0]) == [c["name"] for c in columns("ucdp")]
    for r in exported:
        best = int(r["best"])
        assert r["plover_type"] == "ASSAULT" and best >= 1
        assert int(r["low"]) <= best <= int(r["high"])
        assert sum(int(r[k]) for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")) == best
        assert r["type_of_violence"] in ("", "1", "2", "3")
        if r["type_of_violence"] == "3":
            assert r["side_b"] == "Civilians" and int(r["deaths_civilians"]) == best
        assert r["date_prec"] in "12345" and r["date_start"] <= r["date_end"]
        if r["latitude"]:
            assert int(r["priogrid_gid"]) == priogrid(float(r["latitude"]), float(r["longitude"]))
            assert r["geom_wkt"] == f"POINT ({r['longitude']} {r['latitude']})"
        assert r["where_prec"] in ("", "1", "2", "3", "4", "6")
    # the seed's two people killed by "Ukrainian forces" shelling: a state's forces, civilian victims
    seed = [r for r in exported if r["relid"].startswith("dec42839b675f860:") and r["best"] == "2"]
    assert seed and seed[0]["type_of_violence"] == "3" and seed[0]["side_a"] == "Government of Ukraine"
    assert seed[0]["source_original"] == "Vyacheslav Gladkov" and seed[0]["date_prec"] == "1"


def test_ucdp_keeps_only_lethal_assaults(news_store):
    with eventwire.open_store(news_store) as store:
        lethal = {e.id for e in store.events(type="ASSAULT") if e.counts.killed and e.counts.killed.value}
        assert {r["relid"] for r in store.rows("ucdp")} == lethal
        assert list(store.rows("ucdp", type="PROTEST")) == []


def test_priogrid_cells_count_from_the_south_west():
    assert priogrid(-89.9, -179.9) == 1
    assert priogrid(-89.9, 179.9) == 720
    assert priogrid(89.9, 179.9) == 259200
    assert priogrid(None, 3.0) is None


def test_rows_page_through_the_whole_store(news_store):
    with open_store(news_store, create=False) as store:
        total = store.stats()["events"]
        assert sum(1 for _ in rows(store)) == total


def test_rows_read_only_some_columns_and_make_the_rows_of_all(news_store, monkeypatch):
    """The rows read the columns they use (`READ_COLUMNS`, and any `extra`), not every
    column: for both tables they are those made from every column of the events and their
    documents."""
    from eventwire.export import tables
    from eventwire.store.base import EVENT_COLUMNS

    with open_store(news_store, create=False) as store:
        for table, extra in (("acled", ()), ("acled", ("review_status", "mode")), ("ucdp", ())):
            lean = list(rows(store, table=table, extra=extra))
            with monkeypatch.context() as whole:
                whole.setattr(tables, "_read_columns", lambda extra: EVENT_COLUMNS)
                assert lean == list(rows(store, table=table, extra=extra)), table
            assert lean


# ---------------------------------------------------------------- records read without pydantic
def _read_as_model(event) -> tuple:
    """What the rows read of an event (a model or `read_event`'s view)."""
    return (event.type, list(event.mode), event.date.start,
            (event.location.text, event.location.country) if event.location else None,
            [(a.name, a.text, a.country, a.sector, a.group) for a in [*event.actors, *event.recipients]],
            [(a.name, a.sector) for a in event.claim.claimants], actor_columns(event))


def test_rows_read_stored_records_as_the_model_does(news_store):
    """`read_event` (the parsed JSON, no validation) gives the fields and ACLED actor columns
    that the validated Event gives, for every stored event."""
    with open_store(news_store, create=False) as store:
        records = [r["record"] for r in store.query("SELECT record FROM events")]
    assert records
    for record in records:
        assert _read_as_model(read_event(json.loads(record))) == _read_as_model(Event.model_validate_json(record))


def test_read_event_takes_the_models_defaults_and_equality():
    """A record that leaves out fields with defaults reads as the model fills them; a recipient
    that is one of the actors (same fields, same words) compares equal, as models do."""
    assert _Actor._fields == tuple(Actor.model_fields)
    attacker = {"name": "gunmen", "text": "gunmen", "span": {"start": 0, "end": 6}}
    record = {"id": "d:1", "type": "ASSAULT", "actors": [attacker], "recipients": [dict(attacker)],
              "date": {"start": "2023-06-03", "end": "2023-06-03", "precision": "day", "basis": "text"},
              "location": {"name": "Kharkiv", "text": "Kharkiv", "feature": "city", "span": {"start": 10, "end": 17}},
              "evidence": [{"start": 0, "end": 20}], "confidence": 0.5}
    view, model = read_event(record), Event.model_validate(record)
    assert view.recipients[0] in view.actors and model.recipients[0] in model.actors
    assert _read_as_model(view) == _read_as_model(model)
    other = dict(attacker, span={"start": 30, "end": 36})
    view, model = read_event({**record, "recipients": [other]}), Event.model_validate({**record, "recipients": [other]})
    assert view.recipients[0] not in view.actors and _read_as_model(view) == _read_as_model(model)


def test_csv_lines_are_the_csv_modules():
    """`csv_line` writes what csv.writer writes (QUOTE_MINIMAL, "\\n" line ends), byte for byte:
    quotes, delimiters and line breaks in fields, empty and missing values, numbers; and a field
    with a bare "\\r" quoted, as Python 3.13 quotes it (3.11 and 3.12 did not: a reader broke the
    row there). Every line reads back as its values."""
    import random

    rng = random.Random(7)
    alphabet = ['a', 'Z', ' ', ',', '"', '\n', '\r', '\t', "'", ';', '\x00', 'é', '中', '\u2028']
    values = [None, "", 0, -3, 10 ** 20, 1.5, 0.1 + 0.2, 1e-7, 2e16, float("nan"), True, False]
    for _ in range(2000):
        row = [rng.choice(values) if rng.random() < 0.3 else "".join(rng.choices(alphabet, k=rng.randint(0, 6)))
               for _ in range(rng.randint(1, 5))]
        line = csv_line(row)
        assert list(csv.reader(io.StringIO(line))) == [["" if v is None else str(v) for v in row]], row
        if not any(isinstance(v, str) and "\r" in v for v in row):
            fh = io.StringIO()
            csv.writer(fh, lineterminator="\n").writerow(row)
            assert line == fh.getvalue(), row

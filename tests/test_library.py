"""The Python API (`import eventwire`): real text in, SPEC records out; a real store read as
records, a pandas DataFrame and an Arrow table."""
from __future__ import annotations

import json
from datetime import date

import pytest

import eventwire
from eventwire.export import arrow_schema, columns
from eventwire.models import DocumentRecord, Event
from eventwire.store import StoreError

from .conftest import DATA

# Copied from tests/data/wn-043.txt (Wikinews, published 2020-08-03).
MINSK = ("On Thursday, Sviatlana Tsikhanouskaya, an opposition candidate for the Belarusian presidential election "
         "to be held on August 9, held a rally in Minsk, Belarus.\n\n"
         "Within roughly a day before the event, Belarusian KGB arrested 33 Russian individuals, claiming them to be "
         "mercenaries, who allegedly were preparing to organize \"terrorism\" in association with the election.")


def test_extract_returns_the_spec_record_of_a_text(nlp):
    record = eventwire.extract(MINSK, date="2020-08-03", nlp=nlp)
    assert isinstance(record, DocumentRecord) and record.date == "2020-08-03"
    assert record.extractor.name == "eventwire"
    kinds = {e.type for e in record.events}
    assert {"COERCE", "PROTEST"} <= kinds
    for e in record.events:
        for span in e.evidence:
            assert MINSK[span.start:span.end].strip()
        assert e.date.start <= "2020-08-03"
    arrest = next(e for e in record.events if e.type == "COERCE")
    assert arrest.acled.sub_event_type == "Arrests" and arrest.counts.arrested.value == 33
    rally = next(e for e in record.events if e.type == "PROTEST")
    assert rally.date.start == "2020-07-30" and rally.location.name == "Minsk"
    assert json.loads(record.model_dump_json())["events"][0]["id"].startswith(record.doc_id + ":")


def test_extract_takes_a_date_object_and_metadata(nlp):
    record = eventwire.extract(MINSK, date=date(2020, 8, 3), title="Rally", url="https://en.wikinews.org/x", nlp=nlp)
    assert record.date == "2020-08-03" and record.title == "Rally" and record.url == "https://en.wikinews.org/x"


@pytest.mark.parametrize("bad", ["2020-13-01", "yesterday", ""])
def test_extract_rejects_a_bad_date(bad):
    with pytest.raises(eventwire.FilterError, match="date"):
        eventwire.extract(MINSK, date=bad)


def test_open_store_never_creates_one(tmp_path):
    missing = tmp_path / "nowhere" / "e.db"
    with pytest.raises(StoreError):
        eventwire.open_store(missing)
    assert not missing.parent.exists()


def test_run_with_nothing_readable_makes_no_store(tmp_path):
    db = tmp_path / "e.db"
    problems = []
    with pytest.raises(eventwire.NothingToRead):
        eventwire.run([tmp_path / "missing.txt"], db=db, on_error=problems.append)
    assert not db.exists() and "missing.txt" in str(problems[0])


def test_filtered_events_as_records(news_store):
    with eventwire.open_store(news_store) as store:
        everything = store.events()
        russian = store.events(type="assault", country="Russia")
        assert russian and all(isinstance(e, Event) for e in russian)
        assert all(e.type == "ASSAULT" and e.location.country == "RU" for e in russian)
        assert len(russian) < len(everything)
        june = store.events(since="2023-06-04", until="2023-06-04")
        assert june and all(e.date.start <= "2023-06-04" <= e.date.end for e in june)
        near = store.events(near=(50.6, 36.6, 100))
        assert near and all(e.location.admin1 == "Belgorod Oblast" or e.location.name == "Belgorod Oblast"
                            for e in near)
        shelling = store.events(text="shell")
        assert shelling and len(shelling) < len(everything)


def test_filter_errors_name_the_filter(news_store):
    with eventwire.open_store(news_store) as store:
        for filters, name in (({"country": "Atlantis"}, "country"), ({"since": "2023-13-01"}, "since"),
                              ({"near": "95,0,10"}, "near"), ({"near": (95, 0, 10)}, "near")):
            with pytest.raises(eventwire.FilterError) as exc:
                store.events(**filters)
            assert exc.value.name == name


def test_dataframe_and_arrow_hold_the_export_rows(news_store):
    pd = pytest.importorskip("pandas")
    with eventwire.open_store(news_store) as store:
        rows = list(store.rows(type="ASSAULT"))
        table = store.to_arrow(type="ASSAULT")
        df = store.to_pandas(type="ASSAULT")
        empty = store.to_arrow(type="ASSAULT", country="Iceland")
    assert table.schema == arrow_schema() and table.num_rows == len(rows) == len(df) > 0
    assert empty.num_rows == 0 and empty.schema == arrow_schema()
    assert list(df.columns) == [c["name"] for c in columns()]
    assert df["event_id"].tolist() == [r["event_id"] for r in rows]
    assert str(df["fatalities"].dtype) == "Int64" and str(df["killed"].dtype) == "Int64"
    assert df["killed"].isna().any() and not df["fatalities"].isna().any()  # null stays null, not NaN floats
    assert isinstance(df["event_date"].iloc[0], date)
    assert (df["plover_type"] == "ASSAULT").all()


def test_ucdp_table_as_dataframe(news_store):
    pytest.importorskip("pandas")
    with eventwire.open_store(news_store) as store:
        df = store.to_pandas("ucdp")
    assert list(df.columns) == [c["name"] for c in columns("ucdp")] and len(df) > 0
    assert (df["best"] >= 1).all()


def test_documents_and_sources(news_store):
    with eventwire.open_store(news_store) as store:
        docs = list(store.documents(type="ASSAULT"))
        assert docs and all(e.type == "ASSAULT" for d in docs for e in d.events)
        event = store.events(type="ASSAULT", limit=1)[0]
        found = store.sources(event.id)
        assert found and event.id in {r["id"] for r in found["reports"]}
        assert store.sources(found["canonical"]["id"])["canonical"] == found["canonical"]
        assert store.sources("no-such-event") is None


def test_read_reports_unreadable_inputs(tmp_path):
    items = list(eventwire.read([DATA / "seed.txt", tmp_path / "missing.txt"]))
    assert items[0].id == "dec42839b675f860" and "missing.txt" in str(items[1])

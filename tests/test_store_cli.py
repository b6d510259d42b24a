"""`eventwire run`, `search`, `export` and `sources` as a user types them."""
from __future__ import annotations

import csv
import json
import shutil

import pytest
from typer.testing import CliRunner

from eventwire.cli import app

from .conftest import DATA


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("seed.txt", "wn-018.txt", "wn-040.txt"):
        shutil.copy(DATA / name, folder / name)
    (folder / "README.md").write_text("notes beside the data are not news\n")
    return folder


def invoke(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result


def test_run_twice_stores_once(articles, store_url, nlp):
    first = invoke("run", articles, "--db", store_url)
    assert first.exit_code == 0, first.output
    assert "3 new" in first.output and "failed" in first.output
    second = invoke("run", articles, "--db", store_url)
    assert second.exit_code == 0 and "0 new" in second.output and "3 unchanged" in second.output
    assert "events stored: 0" in second.output


def test_run_skips_bad_documents_and_goes_on(articles, tmp_path, nlp):
    (articles / "broken.txt").write_bytes(b"\x00\x01binary")
    db = tmp_path / "e.db"
    result = invoke("run", articles, "--db", db)
    assert result.exit_code == 0
    assert "broken.txt" in result.output and "1 failed" in result.output and "3 new" in result.output


def test_unusable_store_is_one_line_and_exit_2(articles, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite " * 500)
    result = invoke("run", articles, "--db", junk)
    assert result.exit_code == 2 and "junk.db" in result.output and len(result.output.strip().splitlines()) == 1


def test_search_export_and_sources(articles, tmp_path, nlp):
    db = tmp_path / "e.db"
    assert invoke("run", articles, "--db", db).exit_code == 0
    found = invoke("search", "shelling", "--db", db, "--json")
    rows = [json.loads(line) for line in found.output.splitlines()]
    assert rows and all("shell" in r["summary"].lower() for r in rows)
    assert invoke("search", "--country", "Atlantis", "--db", db).exit_code == 2
    assert invoke("search", "--near", "95,0,10", "--db", db).exit_code == 2

    out = tmp_path / "belgorod.csv"
    result = invoke("export", "--format", "csv", "--country", "RUS", "--type", "ASSAULT", "-o", out, "--db", db)
    assert result.exit_code == 0
    exported = list(csv.DictReader(out.open()))
    assert exported and {r["country"] for r in exported} == {"Russia"} and {r["plover_type"] for r in exported} == {"ASSAULT"}
    assert invoke("export", "--format", "xlsx", "--db", db).exit_code == 2
    assert invoke("export", "--format", "parquet", "--db", db).exit_code == 2  # needs -o

    listing = invoke("sources", rows[0]["canonical_id"], "--db", db)
    assert listing.exit_code == 0 and rows[0]["id"] in listing.output
    assert invoke("sources", "c-nope", "--db", db).exit_code == 1


def test_reading_commands_never_create_a_store(tmp_path):
    missing = tmp_path / "nowhere" / "e.db"
    for args in (("search", "x"), ("export", "--format", "csv"), ("sources", "c1")):
        result = invoke(*args, "--db", missing)
        assert result.exit_code == 2 and "no such store" in result.output
    assert not missing.parent.exists()


def test_bad_filter_values_name_the_option(tmp_path, articles, nlp):
    db = tmp_path / "e.db"
    invoke("run", articles, "--db", db)
    result = invoke("search", "--since", "2023-13-01", "--db", db)
    assert result.exit_code == 2 and "--since" in result.output

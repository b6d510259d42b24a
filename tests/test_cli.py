"""The command line (SPEC 1-2), run as users and evaluation tools run it: the installed
`eventwire` executable in a subprocess. Plus an end-to-end SPEC conformance check on whole
articles from tests/data.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest

from eventwire.ingest import read_paths
from eventwire.store.schema import LATEST

DATA = Path(__file__).parent / "data"
ARTICLES = ["seed.txt", "wn-010.txt", "wn-018.txt", "wn-040.txt", "wn-043.txt"]
SEED_ID = "dec42839b675f860"

PLOVER = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    "DISPLACE",  # SPEC extension
}
PRECISIONS = {"day", "week", "month", "year", "reported"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("eventwire")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("eventwire")
    return [found] if found else [sys.executable, "-m", "eventwire.cli"]


EVENTWIRE = _command()


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run([*EVENTWIRE, *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=cwd, timeout=600)


def jsonl(text: str) -> list[dict]:
    assert text.endswith("\n") or text == ""
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="session")
def validator() -> jsonschema.protocols.Validator:
    res = run("schema")
    assert res.returncode == 0, res.stderr
    schema = json.loads(res.stdout)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ------------------------------------------------------------------ basics


def test_version_and_help():
    res = run("--version")
    assert res.returncode == 0 and res.stdout.startswith("eventwire ")
    res = run("extract", "--help")
    assert res.returncode == 0 and "--date" in res.stdout and "--output" in res.stdout


def test_schema_is_a_json_schema(validator):
    props = validator.schema["properties"]
    assert {"doc_id", "date", "events", "places", "times", "actors", "extractor"} <= set(props)


def test_extract_article_to_stdout(validator):
    res = run("extract", DATA / "seed.txt")
    assert res.returncode == 0, res.stderr
    (record,) = jsonl(res.stdout)
    validator.validate(record)
    assert record["doc_id"] == SEED_ID
    assert record["date"] == "2023-06-04"
    assert record["source"] == "seed.txt"
    assert record["extractor"]["name"] == "eventwire"


def test_extract_to_file_with_o(tmp_path, validator):
    out = tmp_path / "deep" / "out.jsonl"
    res = run("extract", "-o", out, DATA / "seed.txt", DATA / "wikinews-5.jsonl")
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    records = jsonl(out.read_text(encoding="utf-8"))
    assert [r["doc_id"] for r in records] == [SEED_ID] + [
        json.loads(line)["id"] for line in (DATA / "wikinews-5.jsonl").read_text(encoding="utf-8").splitlines()]
    for r in records:
        validator.validate(r)
    assert [p.name for p in out.parent.iterdir()] == ["out.jsonl"]  # no temp file left behind


def test_output_file_mode_follows_umask(tmp_path):
    """-o writes through a temp file; the result must be readable like any file the user creates."""
    out = tmp_path / "out.jsonl"
    res = run("extract", "-o", out, DATA / "wn-040.txt")
    assert res.returncode == 0, res.stderr
    umask = os.umask(0)
    os.umask(umask)
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~umask)


def test_default_date_for_headerless_text(tmp_path):
    text = "Police arrested two protesters in the capital on Monday."
    res = run("extract", "--date", "2021-03-04", write(tmp_path / "plain.txt", text))
    assert res.returncode == 0, res.stderr
    (record,) = jsonl(res.stdout)
    assert record["date"] == "2021-03-04"


@pytest.mark.parametrize("bad", ["2023-13-45", "yesterday", "04/06/2023", "[bold]"])
def test_invalid_date_option_exits_2(bad, tmp_path):
    out = write(tmp_path / "out.jsonl", "SENTINEL\n")
    res = run("extract", "--date", bad, "-o", out, DATA / "seed.txt")
    assert res.returncode == 2
    assert res.stdout == ""
    assert "--date" in res.stderr and bad in res.stderr
    assert "Traceback" not in res.stderr
    assert out.read_text() == "SENTINEL\n"


# ------------------------------------------------------------------ bad input


BAD = {  # file name -> content
    "empty.txt": b"",
    "binary.bin": b"date 2023-06-04 \x00\x01\x02\x00PK\x03\x04",
    "latin1.txt": "date 2023-06-04 Caf\u00e9 bombed.".encode("latin-1"),
    "nodate.txt": b"Shelling hit the town overnight.",
    "baddate.txt": b"date 2023-13-45\nShelling hit the town.",
}
BAD_JSONL = "\n".join([
    json.dumps({"id": "ok-line", "date": "2023-06-04", "text": "Police arrested two men in Minsk."}),
    '{"id": "cut", "date": "2023-06-04", "text": "Shelling hi',
    '["not", "an", "object"]',
]) + "\n"


def make_mixed_dir(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy(DATA / "seed.txt", root / "seed.txt")
    for name, content in BAD.items():
        write(root / "bad" / name, content)
    write(root / "mixed.jsonl", BAD_JSONL)
    return root


def skipped_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("eventwire: skipped ")]


def test_directory_with_good_and_bad_files(tmp_path, validator):
    root = make_mixed_dir(tmp_path / "in")
    res = run("extract", root)
    assert res.returncode == 0, res.stderr
    records = jsonl(res.stdout)
    assert sorted(r["doc_id"] for r in records) == sorted([SEED_ID, "ok-line"])
    for r in records:
        validator.validate(r)
    lines = skipped_lines(res.stderr)
    expected = [str(root / "bad" / n) for n in BAD] + [f"{root / 'mixed.jsonl'}:2", f"{root / 'mixed.jsonl'}:3"]
    # exactly one line per bad document, naming its file (and line), with the problem after it
    assert len(lines) == len(expected), res.stderr
    for where in expected:
        (line,) = [line for line in lines if f"{where}: " in line]
        assert line.split(f"{where}: ", 1)[1].strip()
    assert "Traceback" not in res.stderr


def test_only_bad_files_fails_clearly(tmp_path):
    for name, content in BAD.items():
        write(tmp_path / name, content)
    res = run("extract", *sorted(tmp_path.iterdir()))
    assert res.returncode != 0
    assert res.stdout == ""
    assert "no document could be read" in res.stderr
    assert len(skipped_lines(res.stderr)) == len(BAD)
    assert "Traceback" not in res.stderr


def test_output_untouched_when_run_fails(tmp_path):
    out = write(tmp_path / "out" / "events.jsonl", "SENTINEL\n")
    bad = write(tmp_path / "nodate.txt", b"Shelling hit the town overnight.")
    res = run("extract", "-o", out, bad, tmp_path / "missing.txt")
    assert res.returncode != 0
    assert out.read_text() == "SENTINEL\n"
    assert [p.name for p in out.parent.iterdir()] == ["events.jsonl"]


def test_output_untouched_when_extraction_crashes_midway(tmp_path, monkeypatch):
    """A crash after some records were written must not leave half a file (in process)."""
    from typer.testing import CliRunner

    import eventwire.core
    from eventwire import __version__, cli
    from eventwire.models import DocumentRecord, Extractor

    def half_then_crash(documents, *a, **k):
        yield DocumentRecord(doc_id=documents[0].id, date=documents[0].date,
                             extractor=Extractor(version=__version__))
        raise RuntimeError("boom")

    monkeypatch.setattr(eventwire.core, "extract", half_then_crash)
    out = write(tmp_path / "events.jsonl", "SENTINEL\n")
    res = CliRunner().invoke(cli.app, ["extract", "-o", str(out), str(DATA / "seed.txt"),
                                       str(DATA / "wn-010.txt")])
    assert res.exit_code != 0
    assert out.read_text() == "SENTINEL\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]


# ------------------------------------------------------------------ end to end: SPEC conformance


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, tuple[dict, str, str]]:
    """doc_id -> (record, body, publication date) for whole articles, one CLI run."""
    out = tmp_path_factory.mktemp("e2e") / "out.jsonl"
    inputs = [DATA / a for a in ARTICLES] + [DATA / "wikinews-5.jsonl"]
    res = run("extract", "-o", out, *inputs)
    assert res.returncode == 0, res.stderr[-3000:]
    documents = list(read_paths(inputs))
    records = jsonl(out.read_text(encoding="utf-8"))
    assert [r["doc_id"] for r in records] == [d.id for d in documents]  # input order, ids kept
    return {d.id: (r, d.text, d.date) for d, r in zip(documents, records)}


DOC_IDS = [SEED_ID, "wn-010", "wn-018", "wn-040", "wn-043", "jsonl"]


def _pick(extracted, key):
    if key == "jsonl":
        return [v for k, v in extracted.items() if k.startswith("wn-bench-")]
    if key.startswith("wn-"):
        return [v for v in extracted.values() if v[0]["source"] == f"{key}.txt"]
    return [extracted[key]]


def spans_with_text(record: dict):
    """(where, span, text) for every span-carrying field of a document record (SPEC 5-7)."""
    def actor_like(where, items):
        for i, a in enumerate(items or []):
            yield f"{where}[{i}]", a["span"], a["text"]

    yield from actor_like("actors", record["actors"])
    yield from actor_like("places", record["places"])
    yield from actor_like("times", record["times"])
    for e in record["events"]:
        eid = e["id"]
        yield from actor_like(f"{eid}.actors", e["actors"])
        yield from actor_like(f"{eid}.recipients", e["recipients"])
        yield from actor_like(f"{eid}.claim.claimants", (e.get("claim") or {}).get("claimants"))
        if e.get("location"):
            yield f"{eid}.location", e["location"]["span"], e["location"]["text"]
        for kind, c in (e.get("counts") or {}).items():
            if c:
                yield f"{eid}.counts.{kind}", c["span"], c["text"]
        d = e["date"]
        if d.get("span"):
            yield f"{eid}.date", d["span"], d["text"]


def check_date_range(where, obj, problems):
    for key in ("start", "end"):
        if not (isinstance(obj.get(key), str) and ISO_DATE.match(obj[key])):
            problems.append(f"{where}: {key} {obj.get(key)!r} is not YYYY-MM-DD")
            return
        try:
            date.fromisoformat(obj[key])
        except ValueError:
            problems.append(f"{where}: {key} {obj[key]!r} is not a calendar date")
            return
    if obj["start"] > obj["end"]:
        problems.append(f"{where}: start {obj['start']} after end {obj['end']}")
    if obj.get("precision") not in PRECISIONS:
        problems.append(f"{where}: precision {obj.get('precision')!r}")


def conformance_problems(record: dict, body: str, pub: str) -> list[str]:
    problems = []
    n = len(body)

    def in_body(where, span):
        if not (0 <= span["start"] < span["end"] <= n):
            problems.append(f"{where}: span {span} outside the body (length {n})")
            return False
        return True

    for where, span, text in spans_with_text(record):
        if in_body(where, span) and body[span["start"]:span["end"]] != text:
            problems.append(f"{where}: body[{span['start']}:{span['end']}] = "
                            f"{body[span['start']:span['end']]!r} != text {text!r}")
    for t in record["times"]:
        check_date_range(f"times {t['text']!r}", t, problems)

    ids = [e["id"] for e in record["events"]]
    if len(set(ids)) != len(ids):
        problems.append(f"duplicate event ids {ids}")
    place_names = {p["name"] for p in record["places"]}
    for e in record["events"]:
        eid = e["id"]
        if not re.fullmatch(re.escape(record["doc_id"]) + r":\d+", eid):
            problems.append(f"{eid}: id is not doc_id:N")
        if e["type"] not in PLOVER:
            problems.append(f"{eid}: type {e['type']!r} not PLOVER")
        if not e["evidence"]:
            problems.append(f"{eid}: no evidence span")
        for s in e["evidence"]:
            in_body(f"{eid}.evidence", s)
        if e.get("trigger"):
            in_body(f"{eid}.trigger", e["trigger"])
        d = e["date"]
        check_date_range(f"{eid}.date", d, problems)
        if d["precision"] == "reported" and (d["start"], d["end"]) != (pub, pub):
            problems.append(f"{eid}.date: precision 'reported' but not the publication date {pub}")
        if d["basis"] not in ("text", "publication"):
            problems.append(f"{eid}.date: basis {d['basis']!r}")
        if ISO_DATE.match(d["end"]) and d["end"] > pub and e["claim"]["status"] not in ("planned", "conditional"):
            problems.append(f"{eid}.date: ends {d['end']} after publication {pub} but is not planned")
        if e["historical"] and ISO_DATE.match(d["end"]) and \
                date.fromisoformat(d["end"]) > date.fromisoformat(pub) - timedelta(days=30):
            problems.append(f"{eid}: historical but ended {d['end']}, within 30 days of {pub}")
        if e.get("location") and e["location"]["name"] not in place_names:
            problems.append(f"{eid}: location {e['location']['name']!r} is not in the record's places")
        if not 0.0 <= e["confidence"] <= 1.0:
            problems.append(f"{eid}: confidence {e['confidence']}")
    return problems


@pytest.mark.parametrize("key", DOC_IDS)
def test_end_to_end_spec_conformance(extracted, validator, key):
    picked = _pick(extracted, key)
    assert picked, key
    for record, body, pub in picked:
        validator.validate(record)
        assert record["date"] == pub
        problems = conformance_problems(record, body, pub)
        assert not problems, f"{record['doc_id']}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", ["seed.txt", "wn-010.txt", "wn-018.txt", "wn-040.txt"])
def test_conflict_articles_yield_events(extracted, name):
    """Articles about attacks, arrests and captures state at least one event each."""
    (record, body, _), = [v for v in extracted.values() if v[0]["source"] == name]
    assert record["events"], f"{name}: no events"
    assert any(e["type"] in ("ASSAULT", "COERCE") for e in record["events"])


# ------------------------------------------------------------------ store commands (issue 14)
def invoke(*args):
    from typer.testing import CliRunner

    from eventwire.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_help_shows_flags_as_flags():
    for args in ((), ("search",), ("export",), ("run",)):
        res = invoke(*args, "--help")
        assert res.exit_code == 0 and "--help" in res.output
        assert "<bool>" not in res.output, res.output
    assert re.search(r"--version\s+Show the version", invoke("--help").output)


def test_run_on_nothing_readable_creates_no_store(tmp_path):
    db = tmp_path / "e.db"
    res = invoke("run", tmp_path / "missing.txt", "--db", db)
    assert res.exit_code == 1 and "missing.txt" in res.output and "no store" in res.output
    assert not db.exists() and list(tmp_path.iterdir()) == []
    headerless = write(tmp_path / "notes.txt", "no date header here")
    res = invoke("run", headerless, "--db", db)
    assert res.exit_code == 1 and "notes.txt" in res.output and not db.exists()


def test_opening_an_older_store_says_it_is_upgraded(tmp_path):
    """A command that opens a store made by an older eventwire says which upgrades it runs
    (on a large store they take a while); a new store is made without a word of it."""
    db = tmp_path / "e.db"
    res = invoke("run", DATA / "seed.txt", "--db", db)
    assert res.exit_code == 0 and "upgrading" not in res.output, res.output
    with sqlite3.connect(db) as conn:  # as the eventwire before the last migration left it
        conn.execute("DELETE FROM schema_version WHERE version = (SELECT max(version) FROM schema_version)")
    res = invoke("search", "--db", db)
    assert res.exit_code == 0, res.output
    assert re.search(rf"eventwire: {re.escape(str(db))}: upgrading to schema {LATEST}: \S", res.output), res.output
    assert "upgrading" not in invoke("search", "--db", db).output


def json_lines(res) -> list[dict]:
    assert res.exit_code == 0, res.output
    return [json.loads(line) for line in res.output.splitlines()]


def test_search_json_has_json_values_and_canonical_ids(news_store):
    found = json_lines(invoke("search", "--db", news_store, "--json", "--limit", 50))
    assert found
    for row in found:
        assert isinstance(row["mode"], list) and isinstance(row["context"], list)
        assert isinstance(row["parties"], list) and isinstance(row["event"], dict)
        assert row["mode"] == row["event"]["mode"] and row["canonical_id"]
    table = invoke("search", "--db", news_store, "--limit", 3)
    assert table.exit_code == 0 and "canonical id" in table.output
    for row in found[:3]:
        assert row["id"] in table.output and row["canonical_id"] in table.output


def test_one_way_to_give_the_words(news_store):
    ids = lambda res: [r["id"] for r in json_lines(res)]  # noqa: E731
    positional = ids(invoke("search", "shelling", "--db", news_store, "--json"))
    assert positional
    assert ids(invoke("search", "--text", "shelling", "--db", news_store, "--json")) == positional
    assert ids(invoke("search", "-q", "shelling", "--db", news_store, "--json")) == positional
    exported = invoke("export", "--format", "csv", "-q", "shelling", "--db", news_store)
    assert exported.exit_code == 0
    assert sorted(r["event_id"] for r in csv.DictReader(io.StringIO(exported.output))) == sorted(positional)
    both = invoke("search", "shelling", "--text", "killed", "--db", news_store)
    assert both.exit_code == 2 and "once" in both.output


def test_sources_takes_an_event_id_a_canonical_id_or_an_acled_id(news_store):
    row = json_lines(invoke("search", "shelling", "--db", news_store, "--json", "--limit", 1))[0]
    by_event = invoke("sources", row["id"], "--db", news_store)
    assert by_event.exit_code == 0 and row["canonical_id"] in by_event.output and row["id"] in by_event.output
    assert invoke("sources", row["canonical_id"], "--db", news_store).output == by_event.output
    exported = {r["event_id"]: r for r in csv.DictReader(io.StringIO(
        invoke("export", "--format", "csv", "--db", news_store).output))}
    assert invoke("sources", exported[row["id"]]["event_id_cnty"], "--db", news_store).output == by_event.output
    missing = invoke("sources", "dec42839b675f860:999", "--db", news_store)
    assert missing.exit_code == 1 and "no event or canonical event" in missing.output


def test_readme_example_sources_event_id(news_store):
    """The README's `eventwire sources dec42839b675f860:10`: an event id from `search`."""
    res = invoke("sources", f"{SEED_ID}:10", "--db", news_store)
    assert res.exit_code == 0 and f"{SEED_ID}:10" in res.output


def test_export_ucdp_format(news_store, tmp_path):
    from eventwire.export import columns

    out = tmp_path / "ged.csv"
    res = invoke("export", "--format", "ucdp", "-o", out, "--db", news_store)
    assert res.exit_code == 0 and "events written" in res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and list(rows[0]) == [c["name"] for c in columns("ucdp")]
    assert all(r["plover_type"] == "ASSAULT" and int(r["best"]) >= 1 for r in rows)


def test_readme_output_blocks_are_the_scripts():
    """Every marked README block is one `scripts/readme_outputs.py` regenerates (and not empty)."""
    import importlib.util

    root = Path(__file__).parent.parent
    spec = importlib.util.spec_from_file_location("readme_outputs", root / "scripts" / "readme_outputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (root / "README.md").read_text(encoding="utf-8")
    blocks = {m.group("name"): m.group("body") for m in module.BLOCK.finditer(text)}
    assert set(blocks) == set(module.COMMANDS) | set(module.PYTHON)
    for name, commands in module.COMMANDS.items():
        assert all(f"$ {c}\n" in blocks[name] for c in commands)
    assert "eventwire sources dec42839b675f860:10" in blocks["cli"] and "no store opened" in blocks["cli"]

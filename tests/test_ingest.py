"""Ingest (SPEC 1): the corpus text format, JSON Lines, directories, .gz, and bad input.

Every test reads only files under tests/data or files it writes itself.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from eventwire.ingest import MAX_CHARS, IngestError, read_paths, read_text_document
from eventwire.ingest.readers import read_file
from eventwire.models import Document

DATA = Path(__file__).parent / "data"
# the header regex, as written in SPEC 1 (kept here on purpose: the test checks the SPEC)
SPEC_HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s*")
SEED_ID = "dec42839b675f860"


def sha16(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def spec_body(raw: str) -> tuple[str, str]:
    """(date, body) of a corpus-format text, computed straight from the SPEC."""
    m = SPEC_HEADER.match(raw)
    assert m, "fixture has no header"
    return m.group(1), raw[m.end():]


def docs(items) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def errors(items) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)  # bytes: no newline translation, offsets stay exact
    return path


# ------------------------------------------------------------------ corpus text format


def test_seed_body_date_id_and_source():
    raw = (DATA / "seed.txt").read_text(encoding="utf-8")
    pub, body = spec_body(raw)
    (doc,) = list(read_file(DATA / "seed.txt"))
    assert isinstance(doc, Document)
    assert doc.text == body
    assert doc.text.startswith("A group of anti-Putin Russian partisans")
    assert doc.date == pub == "2023-06-04"
    assert doc.id == sha16(body) == SEED_ID
    assert doc.source == "seed.txt"  # the file's name, no folder


@pytest.mark.parametrize("name", ["wn-010.txt", "wn-018.txt", "wn-040.txt", "wn-043.txt"])
def test_wikinews_header_on_its_own_line(name):
    raw = (DATA / name).read_text(encoding="utf-8")
    pub, body = spec_body(raw)
    (doc,) = list(read_file(DATA / name))
    assert doc.text == body
    assert not doc.text[0].isspace()  # white space after the header belongs to the header
    assert doc.date == pub
    assert doc.id == sha16(body)
    # offsets into the body are offsets into the file text shifted by the header length
    assert raw[len(raw) - len(body):] == doc.text


@pytest.mark.parametrize("raw, body", [
    ("date 2023-06-04 Shelling hit the town.", "Shelling hit the town."),
    (" date 2023-06-04\nShelling hit the town.", "Shelling hit the town."),
    ("\n\n  date 2023-06-04\n\n\nShelling hit the town.\n", "Shelling hit the town.\n"),
    ("\tdate\t2023-06-04\r\nShelling hit the town.", "Shelling hit the town."),
])
def test_header_variants(tmp_path, raw, body):
    (doc,) = list(read_file(write(tmp_path / "a.txt", raw)))
    assert doc.text == body
    assert doc.date == "2023-06-04"
    assert doc.id == sha16(body)


def test_same_text_same_id(tmp_path):
    a = write(tmp_path / "a.txt", "date 2023-06-04\nSame body.")
    b = write(tmp_path / "sub" / "b.txt", "\n date 2023-06-04 Same body.")
    ids = {d.id for d in docs(read_paths([a, b]))}
    assert ids == {sha16("Same body.")}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lead=st.text(alphabet=" \t\r\n", max_size=5),
    pub=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    sep=st.text(alphabet=" \t\r\n\f\v", min_size=1, max_size=4),
    body=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                 min_size=1, max_size=300).filter(lambda s: not s[0].isspace()),
)
def test_property_header_round_trip(tmp_path, lead, pub, sep, body):
    """Any body written with a valid header comes back unchanged, with its date and offsets."""
    raw = f"{lead}date {pub.isoformat()}{sep}{body}"
    path = write(tmp_path / "doc.txt", raw)
    (doc,) = list(read_file(path))
    assert isinstance(doc, Document), doc
    assert doc.text == body
    assert doc.date == pub.isoformat()
    assert doc.id == sha16(body)
    shift = len(raw) - len(body)
    for i in range(0, len(body), 7):  # every offset into the body indexes the same character
        assert doc.text[i] == raw[shift + i]


# ------------------------------------------------------------------ --date default


def test_default_date_for_headerless_text(tmp_path):
    path = write(tmp_path / "plain.txt", "Protesters gathered in the square.")
    (doc,) = list(read_paths([path], default_date="2021-03-04"))
    assert doc.date == "2021-03-04"
    assert doc.text == "Protesters gathered in the square."


def test_header_date_wins_over_default(tmp_path):
    (doc,) = list(read_paths([DATA / "seed.txt"], default_date="2000-01-01"))
    assert doc.date == "2023-06-04"
    assert doc.id == SEED_ID


def test_default_date_fills_jsonl_lines_without_date(tmp_path):
    path = write(tmp_path / "a.jsonl", json.dumps({"id": "x", "text": "Troops withdrew."}) + "\n")
    (doc,) = list(read_paths([path], default_date="2021-03-04"))
    assert doc.date == "2021-03-04"


# ------------------------------------------------------------------ JSON Lines


def test_jsonl_fixture():
    lines = [json.loads(line) for line in (DATA / "wikinews-5.jsonl").read_text(encoding="utf-8").splitlines()]
    items = list(read_file(DATA / "wikinews-5.jsonl"))
    assert len(items) == len(lines) == 5
    for obj, doc in zip(lines, items):
        assert isinstance(doc, Document), doc
        assert doc.id == obj["id"]  # id kept
        assert doc.date == obj["date"][:10]
        assert doc.text == obj["text"]
        assert doc.title == obj["title"]
        assert doc.url == obj["url"]


def test_jsonl_timestamp_and_missing_id(tmp_path):
    rows = [
        {"id": "given-1", "date": "2020-01-09T23:59:59Z", "text": "A strike was called."},
        {"date": "2020-01-09T01:00:00+05:00", "text": "Police arrested two men."},
        {"id": "", "date": "2020-01-09", "text": "Police arrested two men."},
    ]
    path = write(tmp_path / "a.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    a, b, c = list(read_file(path))
    assert (a.id, a.date) == ("given-1", "2020-01-09")
    assert (b.id, b.date) == (sha16("Police arrested two men."), "2020-01-09")
    assert c.id == b.id  # derived from content, whatever the line
    assert a.source == "a.jsonl"


def test_jsonl_blank_lines_skipped_and_line_numbers_counted(tmp_path):
    good = json.dumps({"id": "g", "date": "2020-01-09", "text": "x"})
    path = write(tmp_path / "a.jsonl", f"\n{good}\n\n[1, 2]\n")
    items = list(read_file(path))
    assert [type(i) for i in items] == [Document, IngestError]
    assert items[1].where == f"{path}:4"


# ------------------------------------------------------------------ directories and .gz


def test_directory_recursive_sorted_hidden_skipped(tmp_path):
    write(tmp_path / "b.txt", "date 2020-01-02 B body.")
    write(tmp_path / "a" / "z.txt", "date 2020-01-01 AZ body.")
    write(tmp_path / "c" / "d" / "e.txt", "date 2020-01-03 CDE body.")
    write(tmp_path / ".hidden.txt", "date 2020-01-04 hidden")
    write(tmp_path / ".git" / "x.txt", "date 2020-01-05 hidden dir")
    write(tmp_path / "c" / ".cache" / "y.txt", "date 2020-01-06 nested hidden dir")
    items = list(read_paths([tmp_path]))
    assert not errors(items)
    assert [d.text for d in items] == ["AZ body.", "B body.", "CDE body."]
    assert [d.source for d in items] == ["z.txt", "b.txt", "e.txt"]


def test_directory_of_fixtures_reads_every_article():
    items = list(read_paths([DATA]))
    good = docs(items)
    assert {d.source for d in good} >= {"seed.txt", "wn-010.txt", "wn-018.txt", "wn-040.txt", "wn-043.txt"}
    assert sum(d.id.startswith("wn-bench-") for d in good) == 5
    # notes beside the data (README.md) are passed over; other files without a date are reported
    wheres = [e.where for e in errors(items)]
    assert not any(w.endswith("README.md") for w in wheres) and "README.md" not in {d.source for d in good}
    assert str(DATA / "times" / "cases.yaml") in wheres
    assert all(w.endswith(".yaml") for w in wheres), wheres


def test_gzip_text_and_jsonl(tmp_path):
    raw = (DATA / "seed.txt").read_bytes()
    write(tmp_path / "seed.txt.gz", gzip.compress(raw))
    write(tmp_path / "w.jsonl.gz", gzip.compress((DATA / "wikinews-5.jsonl").read_bytes()))
    items = list(read_paths([tmp_path / "seed.txt.gz", tmp_path / "w.jsonl.gz"]))
    assert not errors(items)
    assert items[0].id == SEED_ID
    assert items[0].source == "seed.txt"
    assert [d.id for d in items[1:]] == [json.loads(line)["id"] for line in
                                         (DATA / "wikinews-5.jsonl").read_text(encoding="utf-8").splitlines()]


def test_broken_gzip_is_an_error(tmp_path):
    path = write(tmp_path / "x.txt.gz", b"\x1f\x8b\x08\x00not really gzip")
    (err,) = list(read_paths([path]))
    assert isinstance(err, IngestError)
    assert err.where == str(path)


def test_corrupt_gzip_stream_is_an_error_not_a_crash(tmp_path):
    data = bytearray(gzip.compress(("date 2023-06-04 " + "shelling " * 200).encode()))
    data[12:24] = b"\xff" * 12  # damage the deflate stream, keep the gzip header
    path = write(tmp_path / "x.txt.gz", bytes(data))
    items = list(read_paths([path, DATA / "seed.txt"]))
    assert isinstance(items[0], IngestError) and items[0].where == str(path)
    assert docs(items)[0].id == SEED_ID


# ------------------------------------------------------------------ bad input

TOO_LONG = "date 2023-06-04\n" + "a" * (MAX_CHARS + 1)

BAD_FILES = {
    # name: (content, where suffix, words the problem must contain)
    "empty.txt": (b"", "", "empty"),
    "blank.txt": (b" \n\n\t \n", "", "empty"),
    "binary.bin": (b"date 2023-06-04 \x00\x01\x02\x00PK\x03\x04", "", "binary"),
    "latin1.txt": ("date 2023-06-04 Caf\u00e9 bombed.".encode("latin-1"), "", "UTF-8"),
    "nodate.txt": (b"Shelling hit the town overnight.", "", "date"),
    "baddate.txt": (b"date 2023-13-45\nShelling hit the town.", "", "2023-13-45"),
    "headeronly.txt": (b"date 2023-06-04\n\n", "", "text"),
    "truncated.jsonl": (b'{"id": "t", "date": "2023-06-04", "text": "Shelling hit', ":1", "JSON"),
    "array.jsonl": (b'["2023-06-04", "Shelling hit the town."]\n', ":1", "object"),
    "string.jsonl": (b'"Shelling hit the town."\n', ":1", "object"),
    "jsonbaddate.jsonl": (b'{"id": "t", "date": "2023-13-45", "text": "x"}\n', ":1", "2023-13-45"),
    "jsonnotext.jsonl": (b'{"id": "t", "date": "2023-06-04"}\n', ":1", "text"),
    "toolong.txt": (TOO_LONG.encode(), "", "too long"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_is_one_clear_error_and_others_go_through(tmp_path, name):
    content, suffix, words = BAD_FILES[name]
    bad = write(tmp_path / name, content)
    items = list(read_paths([DATA / "wn-010.txt", bad, DATA / "seed.txt"]))
    assert [type(i) for i in items] == [Document, IngestError, Document]
    err = items[1]
    assert err.where == f"{bad}{suffix}"
    message = str(err)
    assert message.startswith(f"{bad}{suffix}: ")
    assert "\n" not in message
    assert words.lower() in message.lower()
    assert items[2].id == SEED_ID


def test_text_at_the_limit_is_accepted(tmp_path):
    path = write(tmp_path / "max.txt", "date 2023-06-04\n" + "a" * MAX_CHARS)
    (doc,) = list(read_file(path))
    assert isinstance(doc, Document) and len(doc.text) == MAX_CHARS


def test_missing_path_is_an_error(tmp_path):
    items = list(read_paths([tmp_path / "nope.txt", DATA / "seed.txt"]))
    assert isinstance(items[0], IngestError) and "nope.txt" in str(items[0])
    assert items[1].id == SEED_ID


def test_jsonl_bad_lines_name_their_line_and_good_lines_go_through(tmp_path):
    lines = [
        json.dumps({"id": "ok-1", "date": "2023-06-04", "text": "One."}),
        '{"id": "cut", "date": "2023-06-04", "text": "Tw',
        "42",
        json.dumps({"id": "nodate", "text": "Three."}),
        json.dumps({"id": "ok-2", "date": "2023-06-05T10:00:00", "text": "Four."}),
    ]
    path = write(tmp_path / "mixed.jsonl", "\n".join(lines) + "\n")
    items = list(read_file(path))
    assert [d.id for d in docs(items)] == ["ok-1", "ok-2"]
    assert [e.where for e in errors(items)] == [f"{path}:2", f"{path}:3", f"{path}:4"]


def test_jsonl_line_separator_inside_a_string_is_not_a_line_break(tmp_path):
    """U+2028 is legal unescaped inside a JSON string; JSON Lines break only at \\n."""
    line = json.dumps({"id": "ls", "date": "2023-06-04", "text": "One.\u2028Two."}, ensure_ascii=False)
    path = write(tmp_path / "ls.jsonl", line + "\n")
    items = list(read_file(path))
    assert [type(i) for i in items] == [Document]
    assert items[0].text == "One.\u2028Two."


@pytest.mark.parametrize("extra", [{"title": 5}, {"url": ["x"]}, {"source": {"a": 1}}, {"lang": 1}])
def test_jsonl_wrongly_typed_optional_field_is_an_error_not_a_crash(tmp_path, extra):
    bad = json.dumps({"id": "b", "date": "2023-06-04", "text": "x", **extra})
    good = json.dumps({"id": "g", "date": "2023-06-04", "text": "y"})
    path = write(tmp_path / "typed.jsonl", f"{bad}\n{good}\n")
    items = list(read_file(path))
    assert [type(i) for i in items] == [IngestError, Document]
    assert items[0].where == f"{path}:1"


def test_read_text_document_direct():
    doc = read_text_document("date 2023-06-04\nBody.", "x.txt")
    assert (doc.text, doc.date, doc.source) == ("Body.", "2023-06-04", "x.txt")
    err = read_text_document("Body.", "x.txt")
    assert isinstance(err, IngestError) and err.where == "x.txt"

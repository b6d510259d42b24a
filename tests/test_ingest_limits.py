"""Input limits are enforced while reading: decompression bombs, over-long CSV rows and JSON
lines, deep JSON, big pages and exports are refused with one line naming the file and the
limit, the rest of the batch goes through, and memory stays bounded."""
from __future__ import annotations

import gzip
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from eventwire.ingest import IngestError, read_paths
from eventwire.limits import Limits
from eventwire.models import Document

DATA = Path(__file__).parent / "data"
ARTICLE = ("Ukrainian forces shelled the Russian border town of Shebekino overnight, killing two people, "
           "regional governor Vyacheslav Gladkov said on Telegram on Sunday.")
GiB = 1 << 30
CHUNK = 1 << 20
# peak resident memory of a process reading a 1 GiB bomb: the interpreter, pydantic and the
# readers take ~70 MB; the bomb itself may add no more than one capped document
PEAK_RSS_MB = 150


def items(*paths, **limits) -> tuple[list[Document], list[IngestError]]:
    out = list(read_paths(paths, limits=Limits().with_values({k: str(v) for k, v in limits.items()})))
    return [d for d in out if isinstance(d, Document)], [e for e in out if isinstance(e, IngestError)]


# ---------------------------------------------------------------- bombs, made small
def deflate_bomb(size: int, line: bytes = b"a" * 64 + b" ") -> tuple[bytes, int]:
    """Raw deflate data of `size` bytes of repeated text, built from one compressed MiB repeated
    (each block flushed in full, so it stands alone), and the CRC-32 of the whole."""
    chunk = (line * (CHUNK // len(line) + 1))[:CHUNK]
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // CHUNK):
        crc = zlib.crc32(chunk, crc)
    return block * (size // CHUNK) + b"\x03\x00", crc  # + an empty final block


def gzip_bomb(path: Path, size: int = GiB, head: bytes = b"date 2023-06-04\n") -> Path:
    """A gzip file that inflates to `size` bytes: `head` then text (concatenated gzip members)."""
    chunk = gzip.compress(b"a" * CHUNK, 9)
    path.write_bytes(gzip.compress(head) + chunk * (size // CHUNK))
    return path


def zip_bomb(path: Path, member: str, size: int = GiB) -> Path:
    """A zip whose `member` inflates to `size` bytes, beside a good article (written by hand:
    zipfile cannot store data compressed elsewhere)."""
    data, crc = deflate_bomb(size)
    good = ("date 2023-06-04\n" + ARTICLE).encode()
    body = central = b""
    for name, method, crc, payload, usize in ((member, 8, crc, data, size),
                                              ("b-good.txt", 0, zlib.crc32(good), good, len(good))):
        n = name.encode()
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(payload), usize,
                               len(n), 0, 0, 0, 0, 0, len(body)) + n
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(payload), usize,
                            len(n), 0) + n + payload
    path.write_bytes(body + central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(central), len(body), 0))
    return path


PROBE = """
import json, resource, sys
from eventwire.ingest import IngestError, read_paths
out = [str(x) if isinstance(x, IngestError) else "doc:" + x.id for x in read_paths(sys.argv[1:])]
# VmHWM: this process's own peak; ru_maxrss would also count the parent's size at fork (pytest's)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"items": out, "peak_mb": hwm / 1024, "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def read_in_subprocess(*paths: Path) -> dict:
    """Read `paths` in a fresh interpreter; its items and its peak resident memory (MB)."""
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, paths)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_1_gib_gzip_and_zip_bomb_are_refused_in_bounded_memory(tmp_path):
    text_gz = gzip_bomb(tmp_path / "bomb.txt.gz")
    line_gz = gzip_bomb(tmp_path / "bomb.jsonl.gz", head=b'{"date": "2023-06-04", "text": "')
    zipped = zip_bomb(tmp_path / "bomb.zip", "a-bomb.txt")
    good = tmp_path / "good.txt"
    good.write_text("date 2023-06-04\n" + ARTICLE)
    assert max(p.stat().st_size for p in (text_gz, line_gz, zipped)) < 5 * (1 << 20)  # small on disk

    result = read_in_subprocess(text_gz, line_gz, zipped, good)
    lines = result["items"]
    assert result["peak_mb"] < PEAK_RSS_MB, result
    # the text bomb stops at the document's cap; the one-line JSON bomb's line is refused and
    # read past until the member's cap; the zip member at the document's cap
    assert lines[0].startswith(f"{text_gz}: file over the limit of 8,000,000 bytes (max_doc_bytes")
    assert lines[1].startswith(f"{line_gz}:1: line over the limit of 8,000,000 bytes (max_doc_bytes")
    assert lines[2].startswith(f"{line_gz}: decompressed over the limit of 268,435,456 bytes (max_member_bytes")
    assert lines[3].startswith(f"{zipped}/a-bomb.txt: file over the limit")
    assert lines[4].startswith("doc:") and lines[5].startswith("doc:")  # the zip's good member, good.txt
    assert len(lines) == 6


def test_member_cap_applies_to_every_format_inside_an_archive(tmp_path):
    rows = "text,date\n" + "".join(f'"{ARTICLE} ({n})",2023-06-04\n' for n in range(200))
    path = tmp_path / "many.csv.gz"
    path.write_bytes(gzip.compress(rows.encode()))
    docs, errors = items(path, max_member_bytes=10_000)
    assert 0 < len(docs) < 200
    assert len(errors) == 1 and "(max_member_bytes" in str(errors[0]) and str(path) in str(errors[0])


# ---------------------------------------------------------------- CSV rows
def test_a_csv_row_over_the_limit_is_skipped_and_the_rest_of_the_file_read(tmp_path):
    path = tmp_path / "feed.csv"
    big = "x " * 3_000
    path.write_text("title,text,date\n"
                    f'One,"{ARTICLE}",2023-06-04\n'
                    f'Two,"{big}\n\n{big}",2023-06-04\n'          # a quoted field over several lines
                    f'Three,"{ARTICLE} Again.",2023-06-05\n'
                    f'Four,{big},2023-06-04\n'                     # unquoted
                    f'Five,"{ARTICLE} ""Quoted"" too.",2023-06-06\n')
    docs, errors = items(path, max_row_chars=5_000)
    assert [d.title for d in docs] == ["One", "Three", "Five"]
    assert [str(e).split(": ", 1)[0] for e in errors] == [f"{path}:3", f"{path}:7"]
    assert all("row over the limit of 5,000 characters (max_row_chars" in str(e) for e in errors)


def test_csv_rows_under_the_default_limit_take_a_whole_long_article(tmp_path):
    path = tmp_path / "long.csv"
    text = (ARTICLE + "\n\n") * 2_000  # ~290,000 characters, over csv's own 131,072 default
    path.write_text("text,date\n" + json.dumps(text).replace('\\n', '\n').replace('\\"', '""') + ",2023-06-04\n")
    docs, errors = items(path)
    assert not errors and len(docs) == 1 and len(docs[0].text) > 131_072


# ---------------------------------------------------------------- JSON
def test_deep_json_lines_and_exports_are_refused_not_crashing(tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"date": "2023-06-04", "text": "' + ARTICLE + '", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
                    + json.dumps({"date": "2023-06-04", "text": ARTICLE}) + "\n")
    docs, errors = items(deep)
    assert len(docs) == 1 and len(errors) == 1
    assert str(errors[0]).startswith(f"{deep}:1: JSON nested deeper than 64 levels (max_json_depth)")

    export = tmp_path / "result.json"
    export.write_text('{"name": "c", "type": "public_channel", "messages": ' + "[" * 5_000 + "]" * 5_000 + "}")
    docs, errors = items(export)
    assert not docs and "nested deeper than 64 levels" in str(errors[0])
    # brackets inside strings are text, not nesting
    fine = tmp_path / "fine.jsonl"
    fine.write_text(json.dumps({"date": "2023-06-04", "text": ARTICLE + " [[[[" * 100}) + "\n")
    assert len(items(fine)[0]) == 1


def test_a_jsonl_line_over_the_limit_is_skipped_and_the_next_lines_read(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"date": "2023-06-04", "text": "word " * 5_000}) + "\n"
                    + json.dumps({"date": "2023-06-04", "text": ARTICLE}) + "\n")
    docs, errors = items(path, max_doc_bytes=10_000)
    assert len(docs) == 1 and docs[0].text == ARTICLE
    assert str(errors[0]).startswith(f"{path}:1: line over the limit of 10,000 bytes (max_doc_bytes")


def test_telegram_messages_taken_from_one_export_are_capped(tmp_path):
    path = tmp_path / "result.json"
    messages = [{"id": n, "type": "message", "date": "2023-06-04T10:00:00", "text": f"{ARTICLE} ({n})"}
                for n in range(1, 31)]
    path.write_text(json.dumps({"name": "Chan", "type": "public_channel", "id": 1, "messages": messages}))
    docs, errors = items(path, max_messages=10)
    assert len(docs) == 10 and len(errors) == 1
    assert "20 more messages not read" in str(errors[0]) and "(max_messages)" in str(errors[0])


# ---------------------------------------------------------------- pages, dates, settings
def test_html_over_its_cap_is_refused_before_parsing(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><p>" + ARTICLE * 500 + "</p></article></body></html>")
    docs, errors = items(page, max_html_bytes=10_000)
    assert not docs and str(errors[0]) == (f"{page}: file over the limit of 10,000 bytes "
                                           "(max_html_bytes; EVENTWIRE_MAX_HTML_BYTES or --limit max_html_bytes=N)")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_publication_dates_outside_the_stores_range_are_refused(tmp_path, day):
    path = tmp_path / "far.txt"
    path.write_text(f"date {day}\n{ARTICLE}")
    docs, errors = items(path)
    assert not docs and f"publication date {day} out of range (1000-01-01..8999-12-31)" in str(errors[0])


def test_limits_from_the_environment_and_options():
    lim = Limits.from_env({"EVENTWIRE_MAX_MESSAGES": "5", "EVENTWIRE_DOC_SECONDS": "2.5", "HOME": "/"})
    assert lim.max_messages == 5 and lim.doc_seconds == 2.5 and lim.max_chars == Limits().max_chars
    assert lim.with_options(["max_chars=1_000"]).max_chars == 1000
    for bad in (["max_chars"], ["nope=1"], ["max_chars=-1"], ["max_chars=lots"]):
        with pytest.raises(ValueError):
            lim.with_options(bad)


def test_limits_on_the_command_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from eventwire.cli import app

    monkeypatch.setenv("EVENTWIRE_MAX_CHARS", "1000000")  # --limit sets it; restored after the test
    path = tmp_path / "a.txt"
    path.write_text(f"date 2023-06-04\n{ARTICLE}")
    bad = CliRunner().invoke(app, ["extract", str(path), "--limit", "max_chars=lots"])
    assert bad.exit_code == 2 and "limit max_chars='lots' is not a int" in bad.output
    short = CliRunner().invoke(app, ["extract", str(path), "--limit", "max_chars=50"])
    assert short.exit_code == 1
    assert f"{path}: text too long ({len(ARTICLE):,} characters, limit 50: max_chars)" in short.output


def test_a_count_of_people_beyond_the_limit_is_no_count_and_the_batch_is_stored(tmp_path, extract_text):
    """A number of people no event has ("99999999999999999999 people were killed": a typing
    slip, beyond what a store can hold) is left uncounted; the event stays, and `run` stores it
    with the rest of its batch (it once failed the whole batch with a traceback)."""
    seed = (DATA / "seed.txt").read_text(encoding="utf-8")
    slipped = seed.replace("that two people were killed", "that 99999999999999999999 people were killed")
    assert slipped != seed
    killed = [e.counts.killed.value for e in extract_text(seed, "2023-06-04").events if e.counts.killed]
    assert 2 in killed
    events = extract_text(slipped, "2023-06-04").events
    assert [e.counts.killed.value for e in events if e.counts.killed] == [k for k in killed if k != 2]
    assert len(events) == len(extract_text(seed, "2023-06-04").events)
    (tmp_path / "slipped.txt").write_text(slipped, encoding="utf-8")
    from typer.testing import CliRunner

    from eventwire.cli import app

    done = CliRunner().invoke(app, ["run", str(tmp_path / "slipped.txt"), str(DATA / "seed.txt"), "--db",
                                    str(tmp_path / "s.db")])
    assert done.exit_code == 0, done.output
    assert "documents: 2 new, 0 re-extracted, 0 unchanged, 0 failed" in done.output

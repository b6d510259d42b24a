"""Ingest from where news lives: HTML pages, RSS/Atom feeds, CSV/TSV, Telegram exports, .zip/.gz,
chosen by name and content; non-English documents skipped; one-line errors for bad documents.

Fixtures (tests/data/ingest) are Wikinews articles that also sit in tests/data in the corpus
text format, so every format is checked against the plain-text version of the same article.
Files under tests/data/ingest/.rejected are meant to be rejected (hidden, so that directory
scans of tests/data read only good documents).
"""
from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from eventwire.ingest import IngestError, read_paths
from eventwire.ingest.language import detect_language
from eventwire.ingest.registry import as_url
from eventwire.models import Document
from tests.test_ingest import docs, errors, write

DATA = Path(__file__).parent / "data"
INGEST = DATA / "ingest"
REJECTED = INGEST / ".rejected"
TELEGRAM = INGEST / "telegram" / "result.json"
ARTICLES = ["wn-010.txt", "wn-018.txt", "wn-040.txt", "wn-043.txt"]
# the boilerplate of the saved pages: site furniture, never article text
BOILERPLATE = ["Accept all cookies", "Random article", "Related news", "Most read", "Terms of use",
               "Share this article", "Subscribe", "Search Wikinews", "Sources"]


@pytest.fixture(scope="module")
def plain() -> dict[str, Document]:
    """The plain-text (corpus format) version of each article, by title."""
    out = {}
    for doc in docs(read_paths([DATA / name for name in ARTICLES])):
        out[doc.text.split("\n", 1)[0]] = doc
    return out


def same_article(doc: Document, plain: dict[str, Document]) -> Document:
    """The plain version of the article `doc` carries; its text and date must match."""
    original = plain[doc.text.split("\n", 1)[0]]
    assert doc.text.strip() == original.text.strip()
    assert doc.date == original.date
    return original


# ------------------------------------------------------------------ HTML


def test_html_pages_text_title_date_url_and_no_boilerplate(plain):
    items = list(read_paths([INGEST / "wn-040.html", INGEST / "wn-010.htm"]))
    assert not errors(items)
    for doc in items:
        original = same_article(doc, plain)
        assert doc.title == original.text.split("\n", 1)[0]
        assert doc.url and doc.url.startswith("https://en.wikinews.org/wiki/")
        assert doc.lang == "en"
        for words in BOILERPLATE:
            assert words not in doc.text
    # the canonical link (first page) and og:url (second, which has no canonical link)
    assert [d.url.rsplit("/", 1)[1][:10] for d in items] == ["Three_kill", "Mokha,_Yem"]


def _undated(page: str) -> str:
    """The page with every date its metadata carries removed."""
    page = re.sub(r'<meta property="article:published_time"[^>]*>', "", page)
    page = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page, flags=re.S)
    return re.sub(r"<time[^>]*>.*?</time>", "", page)


def test_html_without_date_takes_the_default_or_is_an_error(tmp_path):
    page = write(tmp_path / "page.html", _undated((INGEST / "wn-040.html").read_text(encoding="utf-8")))
    (err,) = list(read_paths([page]))
    assert isinstance(err, IngestError) and "date" in err.problem
    (doc,) = list(read_paths([page], default_date="2020-06-24"))
    assert doc.date == "2020-06-24"


def test_html_by_content_whatever_the_name(tmp_path):
    saved = write(tmp_path / "article", (INGEST / "wn-040.html").read_bytes())  # no suffix
    (doc,) = list(read_paths([saved]))
    assert doc.date == "2020-06-23" and doc.url


# ------------------------------------------------------------------ feeds


def test_rss_items(plain):
    items = list(read_paths([INGEST / "wikinews-conflicts.rss"]))
    assert len(items) == 3 and not errors(items)
    for doc in items:
        same_article(doc, plain)
        assert doc.title and doc.text.startswith(doc.title + "\n\n")
        assert doc.url.startswith("https://en.wikinews.org/wiki/")
        assert doc.id == doc.url  # the item's guid
        assert doc.source == "Wikinews - Politics and conflicts"
        assert "<" not in doc.text and "&amp;" not in doc.text


def test_feed_declaring_an_undecodable_encoding_is_one_error(tmp_path):
    """feedparser raises on a declared encoding that is not text; the reader reports the file."""
    rss = (INGEST / "wikinews-conflicts.rss").read_bytes().replace(b'encoding="UTF-8"', b'encoding="\x80\xff"', 1)
    path = tmp_path / "broken.rss"
    path.write_bytes(rss)
    items = list(read_paths([path]))
    assert len(items) == 1 and isinstance(items[0], IngestError)
    assert str(items[0]).startswith(str(path)) and "encoding" in str(items[0]) and "\n" not in str(items[0])


def test_atom_entries_content_and_summary_local_date(plain):
    items = list(read_paths([INGEST / "wikinews-crime.atom"]))
    assert len(items) == 2 and not errors(items)
    for doc in items:
        same_article(doc, plain)  # one entry has <content>, the other only <summary>
        assert doc.id.startswith("urn:wikinews:")
    # published at 00:xx+01:00 would be the day before in UTC: the date as written is kept
    assert [d.date for d in items] == ["2020-06-23", "2020-08-03"]


def test_feed_from_url_is_fetched(monkeypatch):
    import httpx

    body = (INGEST / "wikinews-crime.atom").read_bytes()
    seen = []

    def fake_get(url, **kwargs):
        seen.append(url)
        return httpx.Response(200, content=body, request=httpx.Request("GET", url))

    monkeypatch.setattr(httpx, "get", fake_get)
    # a CLI argument arrives as a Path, which folds '//' to '/'
    items = list(read_paths([Path("https://en.wikinews.org/feeds/crime")]))
    assert seen == ["https://en.wikinews.org/feeds/crime"]
    assert len(docs(items)) == 2


def test_url_fetch_failure_is_one_error(monkeypatch):
    import httpx

    def fail(url, **kwargs):
        raise httpx.ConnectError("no network")

    monkeypatch.setattr(httpx, "get", fail)
    items = list(read_paths(["https://example.org/feed.rss", DATA / "wn-010.txt"]))
    assert [type(i) for i in items] == [IngestError, Document]
    assert items[0].where == "https://example.org/feed.rss" and "fetch" in items[0].problem


def test_url_spellings():
    assert as_url("https://example.org/a/feed.xml") == "https://example.org/a/feed.xml"
    assert as_url(Path("http://example.org/rss")) == "http://example.org/rss"
    assert as_url("feeds/https.rss") is None


# ------------------------------------------------------------------ CSV / TSV


def test_csv_rows_with_default_columns(plain):
    items = list(read_paths([INGEST / "articles.csv"]))
    assert len(items) == 4 and not errors(items)
    for doc in items:
        same_article(doc, plain)
        assert doc.id.startswith("api-")  # the id column
        assert doc.source == "Wikinews"   # the source column
        assert doc.url.startswith("https://en.wikinews.org/wiki/")


def test_tsv_rows_without_id_get_the_content_id(plain):
    items = list(read_paths([INGEST / "articles.tsv"]))
    assert len(items) == 2 and not errors(items)
    for doc in items:
        assert doc.id == same_article(doc, plain).id  # same text, same id, whatever the format
        assert doc.source == "articles.tsv"


def test_csv_column_options_and_sniffed_delimiter(tmp_path):
    path = write(tmp_path / "export.csv", "when;story;headline\n"
                 "2021-03-04;Police arrested two men in Minsk.;Arrests\n")
    (err,) = list(read_paths([path]))
    assert isinstance(err, IngestError) and err.where == str(path) and "text column" in err.problem
    (doc,) = list(read_paths([path], text_col="Story", date_col="when"))
    assert (doc.date, doc.title) == ("2021-03-04", "Arrests")
    assert doc.text == "Arrests\n\nPolice arrested two men in Minsk."
    (err,) = list(read_paths([path], text_col="nope"))
    assert "'nope'" in err.problem


def test_csv_is_streamed_row_by_row(tmp_path):
    """The first rows come out before a broken part further down is even read."""
    good = "date,text\n" + "".join(f"2021-03-0{i},Report number {i}.\n" for i in range(1, 4))
    path = write(tmp_path / "big.csv", good.encode() + b"x" * 200_000 + b"\n2021-03-09,\xff\xfe broken\n")
    items = read_paths([path])
    assert [next(items).text for _ in range(3)] == [f"Report number {i}." for i in range(1, 4)]
    rest = list(items)
    assert [type(i) for i in rest] == [IngestError]


def test_gzipped_csv(tmp_path):
    path = write(tmp_path / "articles.csv.gz", gzip.compress((INGEST / "articles.csv").read_bytes()))
    assert [d.id for d in read_paths([path])] == [d.id for d in read_paths([INGEST / "articles.csv"])]


# ------------------------------------------------------------------ Telegram


def test_telegram_export(plain):
    passed = Counter()
    items = list(read_paths([TELEGRAM], passed_over=passed))
    assert not errors(items)
    assert passed == {"Telegram service messages": 2, "Telegram media-only messages": 2}
    export = json.loads(TELEGRAM.read_text(encoding="utf-8"))
    texts = [m for m in export["messages"] if m["type"] == "message" and m["text"]]
    assert [d.id for d in items] == [f"{export['id']}/{m['id']}" for m in texts]
    for doc, message in zip(items, texts):
        assert doc.source == export["name"]
        assert doc.date == message["date"][:10]
        assert doc.url == f"https://t.me/c/{export['id']}/{message['id']}"
        assert doc.forwarded_from == message.get("forwarded_from")
    for doc in items[:3]:  # the articles: text assembled from bold, link and plain parts
        same_article(doc, plain)
    assert sum(d.forwarded_from is not None for d in items) == 1
    assert "https://en.wikinews.org/wiki/" in items[3].text  # a link entity's text


def test_telegram_username_link_and_whole_account_export(tmp_path):
    chat = json.loads(TELEGRAM.read_text(encoding="utf-8"))
    chat["username"] = "wikinewswire"
    path = write(tmp_path / "result.json", json.dumps({"about": "Here is the data you requested.",
                                                       "chats": {"list": [chat]}}))
    items = list(read_paths([path]))
    assert not errors(items)
    assert items[0].id == "wikinewswire/2" and items[0].url == "https://t.me/wikinewswire/2"


# ------------------------------------------------------------------ containers


def test_zip_of_mixed_formats(plain):
    items = list(read_paths([INGEST / "bundle.zip"]))
    assert not errors(items)
    with zipfile.ZipFile(INGEST / "bundle.zip") as z:
        names = z.namelist()
    assert len(names) == 4 and len(items) == 6  # a page, a feed of two, a TSV of two, a text
    for doc in items:
        same_article(doc, plain)


def test_zip_with_binary_and_nested_gzip_members(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(100))
        z.writestr("__MACOSX/._a.txt", b"\x00\x05\x16\x07")
        z.writestr("feeds/crime.atom.gz", gzip.compress((INGEST / "wikinews-crime.atom").read_bytes()))
        z.writestr("a.txt", "date 2020-01-01\nPolice arrested two men in Minsk.")
    path = write(tmp_path / "mixed.zip", buf.getvalue())
    items = list(read_paths([path]))
    assert [type(i) for i in items] == [Document, Document, Document, IngestError]
    assert items[3].where == f"{path}/photo.jpg" and "binary" in items[3].problem


# ------------------------------------------------------------------ language


def test_non_english_documents_are_skipped_with_a_reason():
    items = list(read_paths([REJECTED / "fr.txt", REJECTED / "ru.html", DATA / "wn-040.txt"]))
    assert [str(e) for e in errors(items)] == [f"{REJECTED / 'fr.txt'}: language 'fr', not English",
                                               f"{REJECTED / 'ru.html'}: language 'ru', not English"]
    assert docs(items)[0].lang == "en"


def test_declared_language_is_trusted(tmp_path):
    lines = [{"id": "a", "date": "2020-01-01", "text": "Shelling hit the town.", "lang": "ru"},
             {"id": "b", "date": "2020-01-01", "text": "Shelling hit the town.", "lang": "en-GB"}]
    path = write(tmp_path / "a.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    items = list(read_paths([path]))
    assert isinstance(items[0], IngestError) and "'ru'" in items[0].problem
    assert items[1].lang == "en-GB"


@pytest.mark.parametrize("text", [
    "Взрывы в Белгороде этой ночью, сообщил губернатор.",   # too short to tell
    "Le président a démissionné hier soir.",
    "Police arrested 33 people in Minsk on Friday.",
    "a" * 5000,                                              # no language at all
    "Mehrdad Pahlavanzadeh, Ali Reza Firouzja and Hossein Dehghan met in Tehran on Monday.",
])
def test_short_or_odd_texts_are_not_rejected(text):
    assert detect_language(text) in (None, "en")


# ------------------------------------------------------------------ bad input


def _truncated_telegram() -> bytes:
    raw = TELEGRAM.read_bytes()
    return raw[: len(raw) // 2]


def _bad_feed_date() -> str:
    rss = (INGEST / "wikinews-conflicts.rss").read_text(encoding="utf-8")
    return re.sub(r"<pubDate>[^<]*</pubDate>", "<pubDate>sometime last week</pubDate>", rss, count=1)


def _undated_feed() -> str:
    rss = (INGEST / "wikinews-conflicts.rss").read_text(encoding="utf-8")
    return re.sub(r"<pubDate>[^<]*</pubDate>", "", rss, count=1)


def _zip_with_binary() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("scan.pdf", b"%PDF-1.4\n\x00\x00\x01binary")
    return buf.getvalue()


BAD = {
    # name: (content, where suffix, words the problem must contain, documents that still come)
    "menu-only.html": ('<!DOCTYPE html><html><head><title>Oops</title></head><body><nav><a href="/">Home</a>'
                       '</nav><div class="content"></div></body></html>', "", "no article text", 0),
    "bad-date.rss": (_bad_feed_date(), ":item 1", "sometime last week", 2),
    "no-date.rss": (_undated_feed(), ":item 1", "no date", 2),
    "not-a-feed.rss": ("<rss><channel><title>cut", "", "feed", 0),
    "no-text-column.csv": ("id,title,published\n1,A,2020-01-01\n", "", "no text column", 0),
    "short-row.csv": ("date,title,text\n2020-01-02,B,Police arrested two men.\n2020-01-03,C\n", ":3",
                      "no text in column 'text'", 1),
    "empty-text.csv": ('date,title,text\n2020-01-01,A,"  "\n2020-01-02,B,"Police arrested\ntwo men."\n'
                       "2020-01-03,C,Troops withdrew.\n", ":2", "no text", 2),
    "no-date-column.tsv": ("title\ttext\nA\tShelling hit the town.\n", "", "no date column", 0),
    "result.json": (_truncated_telegram(), "", "truncated", 0),
    "not-telegram.json": ('{\n "name": "x",\n "list": []\n}\n', "", "not a Telegram export", 0),
    "binary-member.zip": (_zip_with_binary(), "/scan.pdf", "binary", 0),
    "broken.zip": (b"PK\x03\x04" + b"garbage" * 20, "", "broken zip", 0),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_line_error_and_the_rest_goes_through(tmp_path, name):
    content, suffix, words, good = BAD[name]
    bad = write(tmp_path / name, content)
    items = list(read_paths([DATA / "wn-010.txt", bad, INGEST / "wn-040.html"]))
    assert isinstance(items[0], Document) and isinstance(items[-1], Document)
    middle = items[1:-1]
    errs = errors(middle)
    assert len(errs) == 1 and len(docs(middle)) == good, middle
    message = str(errs[0])
    assert errs[0].where == f"{bad}{suffix}"
    assert message.startswith(f"{bad}{suffix}: ") and "\n" not in message
    assert words.lower() in message.lower()


def test_telegram_bad_message_names_the_message(tmp_path):
    export = json.loads(TELEGRAM.read_text(encoding="utf-8"))
    export["messages"][1]["date"] = "2020-13-40T00:00:00"
    path = write(tmp_path / "result.json", json.dumps(export))
    items = list(read_paths([path]))
    (err,) = errors(items)
    assert err.where == f"{path}:message 2" and "2020-13-40" in err.problem
    assert len(docs(items)) == 3


# ------------------------------------------------------------------ same events, any format


def _events(record) -> list[tuple]:
    """What an event says, without ids and offsets: type, dates, place, counts."""
    out = []
    for e in record.events:
        counts = e.counts.model_dump(exclude_none=True)
        out.append((e.type, e.date.start, e.date.end, e.location.name if e.location else None,
                    tuple(sorted((k, c["value"], c["qualifier"]) for k, c in counts.items()))))
    return sorted(out)


def test_same_events_from_every_format(nlp, plain):
    from eventwire.core import extract

    formats = [INGEST / "wn-040.html", INGEST / "wn-010.htm", INGEST / "wikinews-conflicts.rss",
               INGEST / "wikinews-crime.atom", INGEST / "articles.csv", TELEGRAM]
    variants = docs(read_paths(formats))
    expected = {r.doc_id: _events(r) for r in extract(list(plain.values()), nlp=nlp)}
    assert all(expected.values())  # every article has events to compare
    compared = 0
    for doc, record in zip(variants, extract(variants, nlp=nlp)):
        if doc.text.split("\n", 1)[0] not in plain:
            continue  # not one of the articles (a short Telegram post)
        assert _events(record) == expected[same_article(doc, plain).id], doc.id
        compared += 1
    assert compared == len(variants) - 1 == 14


# ------------------------------------------------------------------ command line


def _cli(*args) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("eventwire")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          timeout=600)


def test_cli_extract_on_a_directory_mixing_formats(tmp_path):
    mixed = tmp_path / "inbox"
    mixed.mkdir()
    for name in ["wn-040.html", "wikinews-crime.atom", "articles.tsv", "bundle.zip"]:
        shutil.copy(INGEST / name, mixed / name)
    shutil.copytree(INGEST / "telegram", mixed / "telegram")
    shutil.copy(REJECTED / "fr.txt", mixed / "fr.txt")
    res = _cli("extract", mixed)
    assert res.returncode == 0, res.stderr
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(records) == 15  # page 1 + feed 2 + TSV 2 + zip 6 + Telegram 4
    assert sum(bool(r["events"]) for r in records) >= 13
    assert sum((r["url"] or "").startswith("https://t.me/c/") for r in records) == 4
    assert res.stderr.splitlines() == [f"eventwire: skipped {mixed / 'fr.txt'}: language 'fr', not English",
                                       "eventwire: 15 documents extracted, 1 skipped"]


def test_cli_column_options(tmp_path):
    path = write(tmp_path / "export.csv", "when,story\n2021-03-04,Police arrested two men in Minsk.\n")
    res = _cli("extract", path)
    assert res.returncode == 1 and "no text column" in res.stderr
    res = _cli("extract", path, "--text-col", "story", "--date-col", "when")
    assert res.returncode == 0, res.stderr
    (record,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert record["date"] == "2021-03-04" and record["events"][0]["type"] == "COERCE"


def test_the_mapped_language_model_decides_as_py3langid(tmp_path, monkeypatch):
    """The model's arrays unpacked into the cache and memory-mapped (or, with no cache to write,
    read from the package): the same language and probabilities as py3langid's own loading."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from eventwire.ingest import langid_model

    own = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = ["Le président a démissionné hier soir après une longue crise politique dans le pays.",
             "Взрывы в Белгороде этой ночью, сообщил губернатор области в своём телеграм-канале.",
             "Police arrested 33 people in Minsk on Friday.", "a" * 500, "",
             (DATA / "wn-010.txt").read_text("utf-8")[:2000]]
    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path / "cache"))
    built, mapped = langid_model.identifier(), langid_model.identifier()  # written, then read
    assert len(list((tmp_path / "cache").glob("langid-*.bin"))) == 1
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(blocked))  # no directory can be made there
    unmapped = langid_model.identifier()
    for text in texts:
        assert built.rank(text) == mapped.rank(text) == unmapped.rank(text) == own.rank(text)
        assert mapped.classify(text) == own.classify(text)

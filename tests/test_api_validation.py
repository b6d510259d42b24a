"""Every API input is put into its type's range before it reaches the database: full-text
words are data (never FTS syntax), LIKE wildcards are literal, dates and counts fit the store,
places fit the globe, NUL bytes are refused, a write without the token is refused before its
body is read. Out of range is a 4xx with a message, never a 500; on SQLite and PostgreSQL."""
from __future__ import annotations

import warnings

import pytest

from eventwire.limits import Limits
from eventwire.store import open_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from eventwire.api import create_app  # noqa: E402

TOKEN = "api-test-token"
ARTICLE = ("Ukrainian forces shelled the Russian border town of Shebekino overnight, killing two people, "
           "regional governor Vyacheslav Gladkov said on Telegram on Sunday.")
FILTERED = ["/api/events", "/api/points", "/api/aggregates", "/api/export.csv", "/api/export.geojson"]


@pytest.fixture
def api(store_url, sample_records, nlp):
    with open_store(store_url) as store:
        store.add(sample_records)
    app = create_app(store_url, api_token=TOKEN, read_token="", nlp=nlp, cache_seconds=0,
                     limits=Limits(max_body_bytes=1 << 20))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def ids(c, **params) -> list[str]:
    r = c.get("/api/events", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return [e["id"] for e in r.json()["events"]]


def an_event(c) -> str:
    """A Shebekino event in a canonical group (its corrections regroup: date math runs)."""
    return next(e for e in c.get("/api/events", params={"q": "Shebekino", "limit": 100}).json()["events"]
                if e["canonical_id"])["id"]


@pytest.mark.parametrize("path", FILTERED)
@pytest.mark.parametrize("q", ['"', '""', '"shelled', "shelled\"'", "NEAR(", "a OR", "-", "*", "(", "^", ":",
                               "col:word", "AND", "!!", "shelled & | !", "'; DROP TABLE events; --"])
def test_full_text_filters_take_any_words_as_data(api, path, q):
    r = api.get(path, params={"q": q})
    assert r.status_code == 200, (q, r.text)


def test_full_text_words_are_matched_as_words(api):
    shelled = ids(api, q="shelled")
    assert shelled
    # quotes and operators around the words change nothing; 'or' is a word, not an operator
    assert ids(api, q='"shelled"') == ids(api, q="(shelled*") == shelled
    assert set(ids(api, q="shelled Shebekino")) <= set(shelled)
    assert set(ids(api, q="shelled or nothingword")) == set()
    assert ids(api, q='"') == ids(api)  # punctuation alone filters nothing, as an empty filter


@pytest.mark.parametrize("param", ["actor", "mode"])
@pytest.mark.parametrize("wildcard", ["%", "_", "%%", "\\"])
def test_like_wildcards_are_literal(api, param, wildcard):
    assert ids(api, **{param: wildcard}) == []
    assert ids(api)  # the store is not empty


def test_part_of_an_actor_name_still_matches(api):
    assert ids(api, actor="ukrain")


@pytest.mark.parametrize("url", ["/api/events?q=a%00b", "/api/events?actor=%00", "/api/points?admin1=x%00",
                                 "/api/events/abc%00", "/api/documents/a%00?event=x"])
def test_nul_bytes_in_the_path_or_query_are_refused(api, url):
    r = api.get(url)
    assert r.status_code == 400 and "NUL" in r.json()["detail"]


# ---------------------------------------------------------------- documents
def post(c, doc: dict, token: str = TOKEN):
    return c.post("/api/documents", json={"documents": [doc]}, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("doc, message", [
    ({"date": "9999-12-31", "text": ARTICLE}, "documents[0]: publication date 9999-12-31 out of range (1000-01-01..8999-12-31)"),
    ({"date": "0001-01-01", "text": ARTICLE}, "documents[0]: publication date 0001-01-01 out of range"),
    ({"date": "2023-02-30", "text": ARTICLE}, "documents[0]: invalid date '2023-02-30'"),
    ({"date": "2023-06-04", "text": " \n\t "}, "documents[0]: no text"),
    ({"date": "2023-06-04", "text": ARTICLE + "\x00"}, "documents[0].text: NUL character in the text"),
    ({"date": "2023-06-04", "text": ARTICLE, "title": "a\x00"}, "documents[0].title: NUL character in the text"),
    ({"date": "2023-06-04", "text": (
        "Les forces ukrainiennes ont bombardé pendant la nuit la ville frontalière russe de Chebekino, tuant deux "
        "personnes, a déclaré dimanche sur Telegram le gouverneur régional Viatcheslav Gladkov. Selon lui, les "
        "écoles resteront fermées lundi dans toute la région.")}, "documents[0]: language 'fr', not English"),
    ({"date": "2023-06-04", "text": ARTICLE, "lang": "de"}, "documents[0]: language 'de', not English"),
])
def test_documents_the_command_line_would_skip_are_refused(api, doc, message):
    r = post(api, doc)
    assert r.status_code == 422 and r.json()["detail"].startswith(message), r.text
    assert api.get("/api/facets").status_code == 200  # nothing half-stored


def test_a_good_document_is_still_taken(api):
    r = post(api, {"date": "2023-06-04", "text": ARTICLE})
    assert r.status_code == 201 and r.json()["new"] == 1


# ---------------------------------------------------------------- reviews
@pytest.mark.parametrize("changes, message", [
    ({"counts": {"killed": 10 ** 30}}, "counts.killed: 1000000000000000000000000000000 out of range (0..10,000,000)"),
    ({"counts": {"killed": 2 ** 63}}, "counts.killed: 9223372036854775808 out of range"),
    ({"counts": {"killed": -1}}, "counts.killed: -1 out of range"),
    ({"counts": {"injured": {"value": 1e300}}}, "counts.injured: 1e+300 is not a whole number"),
    ({"counts": {"killed": "9" * 5000}}, "counts.killed: '999"),
    ({"counts": {"killed": True}}, "counts.killed: True is not a whole number"),
    ({"location": {"name": "X", "lat": 1000, "lon": 0}}, "location.lat: 1000 out of range (-90..90 degrees)"),
    ({"location": {"name": "X", "lat": 0, "lon": -180.5}}, "location.lon: -180.5 out of range (-180..180 degrees)"),
    ({"location": {"name": "X", "lat": 0, "lon": 0, "geonameid": 2 ** 63}}, "location.geonameid: "),
    ({"date": {"start": "0001-01-01", "end": "0001-01-01"}}, "date.start: date 0001-01-01 out of range"),
    ({"date": {"start": "9999-12-31", "end": "9999-12-31"}}, "date.start: date 9999-12-31 out of range"),
    ({"date": {"start": "2023-06-05", "end": "2023-06-04"}}, "date: end 2023-06-04 before start 2023-06-05"),
    ({"date": {"start": "June"}}, "date.start: 'June' is not a date"),
    ({"actors": ["a\x00b"]}, "changes.actors[0]: NUL character in the text"),
])
def test_corrections_out_of_range_are_refused(api, changes, message):
    eid = an_event(api)
    r = api.post(f"/api/events/{eid}/review", json={"reviewer": "ana", "action": "correct", "changes": changes},
                 headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422 and r.json()["detail"].startswith(message), r.text
    assert api.get("/api/reviews").json()["reviews"] == []


def test_corrections_in_range_are_taken(api):
    eid = an_event(api)
    changes = {"counts": {"killed": 10_000_000}, "location": {"name": "Pole", "lat": -90, "lon": 180},
               "date": {"start": "1000-01-01", "end": "8999-12-31"}}
    r = api.post(f"/api/events/{eid}/review", json={"reviewer": "ana", "action": "correct", "changes": changes},
                 headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    points = api.get("/api/points").json()["points"]
    assert all(-90 <= p[1] <= 90 and -180 <= p[2] <= 180 for p in points)


# ---------------------------------------------------------------- bodies
class Body:
    """A request body sent in pieces, counting how much of it the server took."""

    def __init__(self, size: int) -> None:
        self.size, self.sent = size, 0

    def __iter__(self):
        piece = b" " * 65536
        while self.sent < self.size:
            self.sent += len(piece)
            yield piece


def test_a_big_body_without_the_token_is_refused_before_it_is_read(api):
    body = Body(10 << 20)
    r = api.post("/api/documents", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert body.sent <= 1 << 20  # no more than the client's first pieces, not the 10 MB
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    r = api.post("/api/documents", content=b"x" * (10 << 20), headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401


def test_a_body_over_the_limit_is_refused_with_the_token_too(api):
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    r = api.post("/api/documents", content=b" " * (2 << 20), headers=auth)  # with its Content-Length
    assert r.status_code == 413 and "max_body_bytes" in r.json()["detail"]
    body = Body(2 << 20)
    r = api.post("/api/documents", content=body, headers=auth)  # chunked, no Content-Length
    assert r.status_code == 413 and "max_body_bytes" in r.json()["detail"]

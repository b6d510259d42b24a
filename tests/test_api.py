"""The web API (`eventwire serve`) through FastAPI's TestClient, on real stores: SQLite and
PostgreSQL filled by `eventwire run` on the real articles of tests/data, then read, filtered,
paged, aggregated, exported and reviewed."""
from __future__ import annotations

import csv
import io
import json
import warnings
from contextlib import ExitStack
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app as cli
from eventwire.store import open_store
from eventwire.store.schema import LATEST

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from eventwire.api import create_app  # noqa: E402

DATA = Path(__file__).parent / "data"
SEED = "dec42839b675f860"
TOKEN = "api-test-token"


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def filled_url(request, tmp_path_factory, nlp):
    """A store filled once per backend by `eventwire run` on the real articles."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = str(tmp_path_factory.mktemp("api") / "eventwire.db")
        else:
            from eventwire.store.postgres import scratch_database

            url = stack.enter_context(scratch_database(request.getfixturevalue("pg_admin"), "ew_api"))
        run_cli("run", *sorted(str(p) for p in DATA.glob("*.txt")), "--db", url)
        yield url


@pytest.fixture(scope="module")
def client(filled_url):
    with TestClient(create_app(filled_url, api_token=TOKEN, read_token="")) as c:
        yield c


def all_events(client, **params) -> list[dict]:
    out, cursor = [], None
    while True:
        page = client.get("/api/events", params={**params, "limit": 7, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        out += body["events"]
        cursor = body["next_cursor"]
        if not cursor:
            return out


def shelling(client) -> dict:
    """The seed's overnight shelling (Gladkov: Ukrainian forces 'continued to shell his region overnight')."""
    for e in all_events(client, q="shell", type="ASSAULT"):
        detail = client.get(f"/api/events/{e['id']}").json()
        if any(w["text"] == "shell" for f in detail["fields"] if f["field"] == "trigger" for w in f["words"]):
            return detail
    raise AssertionError("no shelling event in the seed")


# ---------------------------------------------------------------- reads
def test_pages_cover_every_event_once_newest_first(client, filled_url):
    events = all_events(client)
    with open_store(filled_url) as store:
        assert len(events) == store.stats()["events"] > 20
    assert len({e["id"] for e in events}) == len(events)
    keys = [(e["date_start"], e["id"]) for e in events]
    assert keys == sorted(keys, reverse=True)
    assert all("record" not in e and isinstance(e["mode"], list) for e in events)
    assert {e["doc_id"] for e in events} >= {SEED}


@pytest.mark.parametrize("params, check", [
    ({"type": "ASSAULT"}, lambda e: e["type"] == "ASSAULT"),
    ({"type": "assault,protest"}, lambda e: e["type"] in ("ASSAULT", "PROTEST")),
    ({"mode": "heavy-weapons"}, lambda e: "heavy-weapons" in e["mode"]),
    ({"country": "Russia"}, lambda e: e["country"] == "RU"),
    ({"country": "RUS"}, lambda e: e["country"] == "RU"),
    ({"admin1": "Belgorod Oblast"}, lambda e: e["admin1"] == "Belgorod Oblast"),
    ({"actor": "ukrainian"}, lambda e: True),
    ({"since": "2023-06-03", "until": "2023-06-03"}, lambda e: e["date_start"] <= "2023-06-03" <= e["date_end"]),
    ({"claim_status": "claimed"}, lambda e: e["claim_status"] == "claimed"),
    ({"historical": "true"}, lambda e: e["historical"] is True),
    ({"bbox": "36,50,38.5,51.5"}, lambda e: 50 <= e["lat"] <= 51.5 and 36 <= e["lon"] <= 38.5),
    ({"q": "shelling"}, lambda e: "shell" in e["summary"].lower()),
    ({"reviewed": "false"}, lambda e: e["review_status"] is None),
])
def test_filters(client, params, check):
    found = all_events(client, **params)
    assert found, params
    assert all(check(e) for e in found), params
    assert len(found) < len(all_events(client)) or params == {"reviewed": "false"}


def test_filters_combine(client):
    both = all_events(client, type="ASSAULT", country="RU", since="2023-06-01")
    assert both and all(e["type"] == "ASSAULT" and e["country"] == "RU" and e["date_end"] >= "2023-06-01" for e in both)
    assert all_events(client, type="ASSAULT", country="RU", since="2030-01-01") == []


@pytest.mark.parametrize("params, status", [
    ({"bbox": "1,2,3"}, 422), ({"bbox": "0,95,1,96"}, 422), ({"country": "Atlantis"}, 422),
    ({"since": "yesterday"}, 422), ({"cursor": "not-a-cursor"}, 400), ({"limit": 0}, 422),
])
def test_bad_filters_are_refused_clearly(client, params, status):
    r = client.get("/api/events", params=params)
    assert r.status_code == status
    assert r.json()["detail"]


def test_event_with_its_group_and_every_sources_evidence(client):
    detail = shelling(client)
    fields = {f["label"]: f for f in detail["fields"]}
    assert fields["type"]["value"].startswith("ASSAULT")
    assert "heavy-weapons" in detail["mode"]
    assert fields["date"]["value"].startswith("2023-06-03 .. 2023-06-04") and "precision day" in fields["date"]["value"]
    assert fields["date"]["words"][0]["text"] == "overnight"
    assert fields["claim"]["value"].startswith("claimed by Vyacheslav Gladkov")
    assert fields["claim"]["words"][0]["text"] == "Gladkov"
    assert detail["canonical"]["id"] == detail["canonical_id"]
    assert detail["id"] in [s["id"] for s in detail["sources"]]
    for source in detail["sources"]:
        assert any(e["field"] == "evidence" for e in source["evidence"])
    assert detail["reviews"] == []
    # PostgreSQL's full-text column is no event data (it was sent with every event there)
    listed = client.get("/api/events", params={"limit": 5}).json()["events"]
    assert not any("fts" in e for e in [detail, *detail["sources"], *listed])
    assert client.get("/api/events/nope:1").status_code == 404


def test_document_text_cut_under_its_spans(client):
    detail = shelling(client)
    doc = client.get(f"/api/documents/{detail['doc_hash']}", params={"event": detail["id"]}).json()
    assert doc["doc_id"] == SEED and doc["hash"] == detail["doc_hash"]
    assert "".join(s["text"] for s in doc["segments"]) == doc["text"]
    for s in doc["segments"]:
        assert doc["text"][s["start"]:s["end"]] == s["text"]
    marked = "".join(s["text"] for s in doc["segments"] if "evidence" in s.get("fields", []))
    assert "continued to shell his region overnight" in marked
    assert [s["text"] for s in doc["segments"] if "trigger" in s.get("fields", [])] == ["shell"]
    assert {s["event_id"] for s in doc["spans"]} == {detail["id"]}
    whole = client.get(f"/api/documents/{SEED}").json()  # by the source's id too, every event's spans
    assert len({s["event_id"] for s in whole["spans"]}) == len(whole["events"]) > 5
    assert client.get("/api/documents/nothing-here").status_code == 404


def test_aggregates_agree_with_the_list(client):
    agg = client.get("/api/aggregates").json()
    events = all_events(client)
    assert agg["total"] == len(events)
    assert agg["killed"] == sum(e["killed"] or 0 for e in events)
    assert sum(r["events"] for r in agg["by_type"]) == len(events)
    assert [r["day"] for r in agg["by_day"]] == sorted({e["date_start"] for e in events})
    regions = {r["admin1"]: r["events"] for r in agg["by_admin1"]}
    assert regions["Belgorod Oblast"] == len(all_events(client, admin1="Belgorod Oblast")) >= 2
    ru = client.get("/api/aggregates", params={"country": "RU"}).json()
    assert ru["total"] == len(all_events(client, country="RU")) < agg["total"]


def test_points_for_the_map(client):
    pts = client.get("/api/points", params={"country": "RU"}).json()
    events = {e["id"]: e for e in all_events(client, country="RU")}
    assert len(pts["points"]) == len(events) and not pts["truncated"]
    for pid, lat, lon, kind, killed, day, review in pts["points"]:
        assert (lat, lon, kind, killed, day) == (events[pid]["lat"], events[pid]["lon"], events[pid]["type"],
                                                 events[pid]["killed"], events[pid]["date_start"])


def test_csv_and_geojson_export_the_current_filter(client):
    wanted = {e["id"] for e in all_events(client, type="ASSAULT", country="RU")}
    r = client.get("/api/export.csv", params={"type": "ASSAULT", "country": "RU"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["event_id"] for row in rows} == wanted
    assert all(row["event_type"] and row["country"] == "Russia" and "review_status" in row for row in rows)
    g = client.get("/api/export.geojson", params={"type": "ASSAULT", "country": "RU"})
    features = g.json()["features"]
    assert {f["id"] for f in features} == wanted
    for f in features:
        assert f["geometry"]["coordinates"] == [f["properties"]["longitude"], f["properties"]["latitude"]]


def test_places_lookup_for_corrections(client):
    found = client.get("/api/places", params={"q": "Valuyki"}).json()["places"]
    assert found[0]["name"] == "Valuyki" and found[0]["admin1"] == "Belgorod Oblast"
    assert abs(found[0]["lat"] - 50.2) < 0.1 and abs(found[0]["lon"] - 38.1) < 0.1


# ---------------------------------------------------------------- headers and tokens
def test_strict_csp_everywhere_and_docs_without_cdn(client):
    for path in ("/", "/api/events", "/openapi.json", "/static/app.js"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp and "unsafe" not in csp, path
        assert r.headers["x-content-type-options"] == "nosniff"
    page = client.get("/").text
    assert "<script>" not in page and " style=" not in page and "http" not in page.replace("http-equiv", "")
    docs = client.get("/docs")
    assert "script-src 'self';" in docs.headers["content-security-policy"]
    assert "/static/vendor/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/documents", "/api/aggregates",
            "/api/export.csv", "/api/export.geojson", "/api/events/{event_id}/review"} <= set(spec["paths"])


def test_writes_need_the_api_token(filled_url):
    doc = {"documents": [{"date": "2023-06-05", "text": "Nothing happened."}]}
    with TestClient(create_app(filled_url, api_token=TOKEN, read_token="")) as c:
        assert c.post("/api/documents", json=doc).status_code == 401
        assert c.post("/api/documents", json=doc, headers={"Authorization": "Bearer wrong"}).status_code == 401
        r = c.post("/api/events/x/review", json={"reviewer": "a", "action": "accept"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/events").status_code == 200  # reads are open
    with TestClient(create_app(filled_url, api_token="", read_token="")) as c:
        r = c.post("/api/documents", json=doc, headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "EVENTWIRE_API_TOKEN" in r.json()["detail"]


def test_reads_need_a_token_when_one_is_configured(filled_url, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_READ_TOKEN", "reader")
    monkeypatch.setenv("EVENTWIRE_API_TOKEN", TOKEN)
    with TestClient(create_app(filled_url)) as c:
        assert c.get("/api/events").status_code == 401
        assert c.get("/api/events", headers={"Authorization": "Bearer reader"}).status_code == 200
        assert c.get("/api/aggregates", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert c.get("/").status_code == 200 and c.get("/api/config").json()["read_token_required"] is True


# ---------------------------------------------------------------- writes (a fresh store each)
@pytest.fixture
def fresh(store_url, sample_records, nlp):
    with open_store(store_url) as store:
        store.add(sample_records)
    with TestClient(create_app(store_url, api_token=TOKEN, read_token="", nlp=nlp)) as c:
        c.headers["Authorization"] = f"Bearer {TOKEN}"
        yield c, store_url


ARTICLE = ("Ukrainian forces shelled the Russian border town of Shebekino overnight, killing two people, "
           "regional governor Vyacheslav Gladkov said on Telegram on Sunday.")


def test_post_documents_extracts_stores_and_is_idempotent(fresh):
    c, url = fresh
    body = {"documents": [{"id": "post-1", "date": "2023-06-04", "text": ARTICLE, "title": "Shebekino shelled"}]}
    r = c.post("/api/documents", json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["new"] == 1 and out["events"] >= 1 and out["documents"][0]["id"] == "post-1"
    ids = out["documents"][0]["events"]
    detail = c.get(f"/api/events/{ids[0]}").json()
    assert detail["type"] == "ASSAULT" and detail["place"] == "Shebekino" and detail["killed"] == 2
    assert detail["doc_title"] == "Shebekino shelled"
    again = c.post("/api/documents", json=body).json()
    assert again["new"] == 0 and again["unchanged"] == 1
    assert c.post("/api/documents", json={"documents": [{"date": "June", "text": "x"}]}).status_code == 422


def test_review_accept_correct_reject_and_gold_export(fresh, tmp_path):
    c, url = fresh
    detail = shelling(c)
    eid = detail["id"]
    before_place = detail["place"]
    assert c.get("/api/facets").json()["review_status"] == []  # now cached; a write must clear it

    r = c.post(f"/api/events/{eid}/review", json={"reviewer": "ana", "action": "accept"})
    assert r.status_code == 200 and r.json()["review_status"] == "accepted"

    valuyki = c.get("/api/places", params={"q": "Valuyki"}).json()["places"][0]
    changes = {"location": valuyki, "counts": {"killed": 1}, "date": {"start": "2023-06-04", "end": "2023-06-04"},
               "claim": {"status": "reported"}}
    r = c.post(f"/api/events/{eid}/review", json={"reviewer": "bo", "action": "correct", "changes": changes,
                                                  "note": "the shelling hit Valuyki"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["review_status"] == "corrected" and out["written"] == 4
    assert (out["place"], out["killed"], out["date_start"], out["claim_status"]) == ("Valuyki", 1, "2023-06-04", "reported")
    assert out["event"]["location"]["geonameid"] == valuyki["geonameid"]
    assert {f["field"] for f in out["fields"] if f["corrected"]} == {"location", "killed", "date", "claimant"}
    history = {h["field"]: h for h in out["reviews"] if h["action"] == "correct"}
    assert history["location"]["value_before"]["name"] == before_place
    assert history["location"]["value_after"]["name"] == "Valuyki"
    assert history["location"]["reviewer"] == "bo" and history["location"]["reviewed_at"]
    assert history["counts"]["value_before"].get("killed") is None and history["counts"]["value_after"]["killed"]["value"] == 1
    assert [h["action"] for h in out["reviews"]][-1] == "accept"

    # the list and the exports read the corrected values and mark them reviewed
    listed = {e["id"]: e for e in all_events(c, reviewed="true")}
    assert listed[eid]["review_status"] == "corrected" and listed[eid]["place"] == "Valuyki"
    rows = {row["event_id"]: row for row in csv.DictReader(io.StringIO(c.get("/api/export.csv").text))}
    assert rows[eid]["location"] == "Valuyki" and rows[eid]["review_status"] == "corrected"
    assert rows[eid]["fatalities"] == "1"

    assert c.get("/api/facets").json()["review_status"] == [{"value": "corrected", "n": 1}]
    assert c.get("/api/aggregates", params={"reviewed": "true"}).json()["total"] == 1

    other = next(e for e in all_events(c, type="DISPLACE") if e["doc_id"] == SEED)
    assert c.post(f"/api/events/{other['id']}/review", json={"reviewer": "ana", "action": "reject"}).json()[
        "review_status"] == "rejected"

    bad = c.post(f"/api/events/{eid}/review", json={"reviewer": "ana", "action": "correct", "changes": {"type": "NAP"}})
    assert bad.status_code == 422 and "type" in bad.json()["detail"]
    assert c.post(f"/api/events/{eid}/review", json={"reviewer": "ana", "action": "correct",
                                                     "changes": {"colour": "red"}}).status_code == 422

    # gold: the CLI and the API write the same reviewed documents; evaluate reads them
    gold = tmp_path / "gold.jsonl"
    run_cli("export", "--format", "gold", "--db", url, "-o", str(gold))
    records = [json.loads(line) for line in gold.read_text().splitlines()]
    assert [r["doc_id"] for r in records] == [SEED]
    assert c.get("/api/export/gold.jsonl").text == gold.read_text()
    events = {e["id"].rsplit(":", 1)[1]: e for e in records[0]["events"]}
    corrected = events[eid.rsplit(":", 1)[1]]
    assert corrected["location"]["name"] == "Valuyki" and corrected["counts"]["killed"]["value"] == 1
    assert corrected["review_status"] == "corrected" and "optional" not in corrected
    assert other["id"].rsplit(":", 1)[1] not in events  # rejected: not in gold
    assert all(e.get("optional") for k, e in events.items() if k != eid.rsplit(":", 1)[1])
    pred = tmp_path / "pred.jsonl"
    run_cli("export", "--format", "jsonl", "--db", url, "-o", str(pred))
    scores = json.loads(run_cli("evaluate", str(gold), str(pred), "--json"))
    assert scores["documents"] == 1 and scores["events"]["fn"] == 0


def test_reviews_survive_reopening_the_store(fresh):
    c, url = fresh
    eid = all_events(c)[0]["id"]
    c.post(f"/api/events/{eid}/review", json={"reviewer": "ana", "action": "reject", "note": "not an event"})
    with open_store(url) as store:
        assert store.schema_version == LATEST
        rows = store.query("SELECT reviewer, action, note FROM reviews WHERE event_id = ?", [eid])
        assert rows == [{"reviewer": "ana", "action": "reject", "note": "not an event"}]
        assert store.event(eid)["review_status"] == "rejected"
    assert c.get("/api/reviews", params={"event_id": eid}).json()["reviews"][0]["action"] == "reject"

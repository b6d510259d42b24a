"""The map page in a real browser (Playwright driving the system's Chromium), served by
uvicorn on a free port over a SQLite store that `eventwire run` filled with the real articles.

Screenshots go to tests/artifacts/ (gitignored)."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app as cli
from eventwire.store import open_store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).parent / "artifacts"
UI = Path(__file__).resolve().parent.parent / "eventwire" / "ui"
TOKEN = "ui-test-token"
SEED = "dec42839b675f860"
PAYLOAD_TEXT = ("Ukrainian forces shelled the Russian border town of Shebekino overnight, killing two people, "
                "regional governor Vyacheslav Gladkov said on Sunday.\n\n"
                "A reader wrote <script>window.__pwned = 1; alert('script')</script> and "
                "<img src=x onerror=\"window.__pwned = 2; alert('img')\"> in the comments.")
PAYLOAD_TITLE = "<img src=x onerror=\"alert('title')\">Shebekino <b>shelled</b>"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} "
                                "(scripts/test-services installs Debian's chromium)")


def _vendor_ready() -> bool:
    return (UI / "static" / "vendor" / "leaflet.js").exists()


@pytest.fixture(scope="module", autouse=True)
def vendor():
    """The page's JS/CSS from npm: installed by the README's set-up command; built here if missing."""
    if not _vendor_ready() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(UI)], check=False,
                       capture_output=True, timeout=300)
    if not _vendor_ready():
        pytest.skip("front-end assets missing: run `npm ci --prefix eventwire/ui` (needs npm)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, nlp):
    """`eventwire run` on the real articles, then uvicorn in a thread; yields (base URL, db path)."""
    import uvicorn

    from eventwire.api import create_app

    db = str(tmp_path_factory.mktemp("ui") / "eventwire.db")
    result = CliRunner().invoke(cli, ["run", *sorted(str(p) for p in DATA.glob("*.txt")), "--db", db])
    assert result.exit_code == 0, result.output
    app = create_app(db, api_token=TOKEN, read_token="", nlp=nlp)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page with what the test must notice: dialogs, uncaught errors, CSP reports."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, path: str = "/") -> "Page":
        self.page.goto(self.base + path)
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=30_000)
        return self

    def js(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def until(self, script: str, arg=None, timeout: float = 15.0):
        """Poll a JS predicate from Python (the page's CSP forbids the eval that wait_for_function uses)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script, arg)
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {script}"
            time.sleep(0.1)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def page(browser, server):
    p = Page(browser, server[0])
    yield p
    p.close()
    assert not p.dialogs, f"a dialog opened: {p.dialogs}"


def api(server, path: str, **params):
    import httpx

    return httpx.get(server[0] + path, params=params, timeout=30).json()


def seed_events(server) -> list[dict]:
    events, cursor = [], None
    while True:
        body = api(server, "/api/events", limit=100, **({"cursor": cursor} if cursor else {}))
        events += [e for e in body["events"] if e["doc_id"] == SEED]
        cursor = body["next_cursor"]
        if not cursor:
            return events


def shelling_id(server) -> str:
    for e in seed_events(server):
        detail = api(server, f"/api/events/{e['id']}")
        if any(w["text"] == "shell" for f in detail["fields"] if f["field"] == "trigger" for w in f["words"]):
            return e["id"]
    raise AssertionError("no shelling event in the seed")


MARKS_AT = """([points]) => {
  const map = ewDebug.map, box = map.getContainer().getBoundingClientRect();
  return points.map(([lat, lon]) => {
    const p = map.latLngToContainerPoint([lat, lon]);
    const hits = document.elementsFromPoint(box.left + p.x, box.top + p.y);
    return hits.some((e) => e.classList.contains("ew-marker") || !!e.closest(".marker-cluster"));
  });
}"""


def test_markers_for_the_seed_at_their_places(page, server):
    page.open()
    assert page.js("document.querySelector('.leaflet-overlay-pane path') !== null")  # country outlines drawn
    located = [e for e in seed_events(server) if e["lat"] is not None and e["country"] in ("RU", "UA")
               and e["feature"] != "country"]
    assert len(located) >= 8
    places = sorted({(e["lat"], e["lon"]) for e in located})
    page.js("([pts]) => ewDebug.map.fitBounds(pts, {padding: [60, 60], animate: false})", [places])
    page.until("() => !document.querySelector('.leaflet-zoom-anim')")
    time_ok = page.until("([pts]) => ewDebug.map.getBounds().contains(pts[0])", [places])
    assert time_ok
    page.page.wait_for_timeout(500)
    assert page.js(MARKS_AT, [places]) == [True] * len(places), places
    colours = page.js("""() => [...document.querySelectorAll('path.ew-marker')].map(
        (p) => [p.getAttribute('data-type'), p.getAttribute('fill')])""")
    assert ["ASSAULT", "#d32f2f"] in colours  # coloured by type
    page.shot("map-seed")
    assert not page.errors, page.errors


def test_brushing_the_timeline_filters_the_map(page):
    page.open()
    before = page.js("() => ewDebug.points().length")
    box = page.page.locator("#timeline").bounding_box()
    x0, x1 = page.js("() => [ewDebug.xOf('2023-01-01'), ewDebug.xOf('2023-06-05')]")
    y = box["y"] + box["height"] / 2
    page.page.mouse.move(box["x"] + x0, y)
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + x1, y, steps=5)
    page.page.mouse.up()
    page.until("(n) => ewDebug.points().length < n", before)
    days = page.js("() => ewDebug.points().map((p) => p[5])")
    since, until = page.js("() => [document.getElementById('f-since').value, document.getElementById('f-until').value]")
    assert "2022-12-25" <= since <= "2023-01-06" and "2023-06-04" <= until <= "2023-06-10"
    assert days and all(since <= d <= until for d in days) and "2023-06-03" in days
    assert len(days) < before
    listed = page.js("() => [...document.querySelectorAll('#list li')].length")
    assert listed <= len(days) + 5
    page.shot("timeline-brushed")
    page.page.mouse.click(box["x"] + 5, y)  # a click clears the period
    page.until("(n) => ewDebug.points().length === n", before)


def test_the_shelling_event_shows_its_evidence_highlighted(page, server):
    eid = shelling_id(server)
    page.open()
    page.js("() => { document.getElementById('f-q').value = 'shell'; }")
    page.page.click("#filters button[type=submit]")
    page.page.wait_for_selector(f'#list li[data-id="{eid}"]')
    page.page.click(f'#list li[data-id="{eid}"]')
    page.page.wait_for_selector("#panel:not([hidden]) #doc-text .ev")
    evidence = page.js("() => [...document.querySelectorAll('#doc-text .ev')].map((e) => e.textContent).join('')")
    assert "continued to shell his region overnight and that two people were killed the previous evening" in evidence
    assert page.js("() => document.querySelector('#doc-text .f-trigger').textContent") == "shell"
    assert page.js("() => document.querySelector('#doc-text .f-date').textContent") == "overnight"
    rows = page.js("""() => Object.fromEntries([...document.querySelectorAll('#fields tbody tr')].map(
        (tr) => [tr.children[0].textContent, [tr.children[1].textContent, tr.children[2].textContent]]))""")
    assert rows["type"][0].startswith("ASSAULT") and rows["type"][1] == "shell"
    assert "precision day" in rows["date"][0] and rows["date"][1] == "overnight"
    assert rows["claim"][0].startswith("claimed by Vyacheslav Gladkov") and rows["claim"][1] == "Gladkov"
    visible = page.page.locator("#doc-text .f-trigger").is_visible()
    assert visible
    page.shot("shelling-evidence")


def test_script_payloads_in_an_article_stay_text(page, server):
    import httpx

    r = httpx.post(server[0] + "/api/documents", timeout=120, headers={"Authorization": f"Bearer {TOKEN}"},
                   json={"documents": [{"id": "xss-1", "date": "2023-06-04", "text": PAYLOAD_TEXT,
                                        "title": PAYLOAD_TITLE, "url": "javascript:alert('url')"}]})
    assert r.status_code == 201, r.text
    eid = r.json()["documents"][0]["events"][0]
    page.open(f"/#event={eid}")
    page.page.wait_for_selector("#panel:not([hidden]) #doc-text")
    text = page.page.inner_text("#doc-text")
    assert "<script>window.__pwned = 1; alert('script')</script>" in text
    assert "<img src=x onerror=\"window.__pwned = 2; alert('img')\">" in text
    assert PAYLOAD_TITLE in page.page.inner_text("#doc-meta")
    assert page.js("() => document.querySelectorAll('#panel script, #panel img, #doc-meta b, #doc-meta a').length") == 0
    assert page.js("() => window.__pwned === undefined")
    page.page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.page.locator("#doc-text").get_by_text("<script>", exact=False).is_visible()
    page.shot("payloads-inert")


def test_correct_a_place_in_the_page(page, server, tmp_path):
    base, db = server
    eid = shelling_id(server)
    page.open(f"/#event={eid}")
    page.page.wait_for_selector("#panel:not([hidden]) #btn-correct")
    page.page.fill("#reviewer", "ana")
    page.page.fill("#token", TOKEN)
    page.page.click("#btn-correct")
    page.page.fill("#c-place", "Valuyki")
    page.page.click("#c-place-search")
    page.page.click("#c-place-results button >> nth=0")
    assert "Valuyki" in page.page.inner_text("#c-place-chosen")
    page.page.fill("#c-note", "the governor named Valuyki later")
    page.page.click("#c-save")
    page.until("() => document.getElementById('review-msg').textContent.startsWith('correct saved')")
    assert page.page.inner_text("#panel-title").startswith("ASSAULT · Valuyki")
    assert "location" in page.page.inner_text("#history")
    place_row = page.page.inner_text('#fields tr[data-field="location"]')
    assert "Valuyki, Belgorod Oblast" in place_row and "corrected" in place_row
    page.shot("corrected-place")

    with open_store(db) as store:
        row = store.event(eid)
        assert (row["place"], row["review_status"], row["admin1"]) == ("Valuyki", "corrected", "Belgorod Oblast")
        assert abs(row["lat"] - 50.2) < 0.1 and json.loads(row["record"])["location"]["name"] == "Valuyki"
        review = store.query("SELECT * FROM reviews WHERE event_id = ? AND field = 'location'", [eid])[0]
        assert review["reviewer"] == "ana" and review["note"] == "the governor named Valuyki later"
        assert json.loads(review["value_before"])["name"] == "Belgorod Oblast"
    gold = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(cli, ["export", "--format", "gold", "--db", db, "-o", str(gold)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in gold.read_text().splitlines()]
    event = next(e for r in records for e in r["events"] if e.get("review_status") == "corrected")
    assert event["location"]["name"] == "Valuyki" and event["location"]["admin1"] == "Belgorod Oblast"
    assert [r["doc_id"] for r in records] == [SEED] and records[0]["reviewed_by"] == ["ana"]


def test_api_docs_render_from_local_assets(page):
    page.page.goto(page.base + "/docs")
    page.page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert page.page.inner_text(".swagger-ui .info .title").startswith("eventwire")
    assert page.page.locator(".opblock-summary-path", has_text="/api/events/{event_id}/review").count() == 1
    page.shot("api-docs")
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors


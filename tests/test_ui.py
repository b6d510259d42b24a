"""The map page in a real browser (Playwright driving the system's Chromium), served by
uvicorn on a free port over a SQLite store that `eventwire run` filled with the real articles.

Screenshots go to tests/artifacts/ (gitignored)."""
from __future__ import annotations

import colorsys
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app as cli
from eventwire.store import open_store

DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).parent / "artifacts"
UI = Path(__file__).resolve().parent.parent / "eventwire" / "ui"
FAMILIES = json.loads((UI / "static" / "plover-families.json").read_text())["families"]
TYPE_STYLE = {t: (f["id"], shape, colour) for f in FAMILIES for t, (shape, colour) in f["types"].items()}
TOKEN = "ui-test-token"
SEED = "dec42839b675f860"
PAYLOAD_TEXT = ("Ukrainian forces shelled the Russian border town of Shebekino overnight, killing two people, "
                "regional governor Vyacheslav Gladkov said on Sunday.\n\n"
                "A reader wrote <script>window.__pwned = 1; alert('script')</script> and "
                "<img src=x onerror=\"window.__pwned = 2; alert('img')\"> in the comments.")
PAYLOAD_TITLE = "<img src=x onerror=\"alert('title')\">Shebekino <b>shelled</b>"

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


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """`eventwire run` on the real articles into a fresh SQLite store."""
    db = str(tmp_path_factory.mktemp("ui") / "eventwire.db")
    result = CliRunner().invoke(cli, ["run", *sorted(str(p) for p in DATA.glob("*.txt")), "--db", db])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def server(store_path, nlp, serve_app):
    """The app with a write token over the store; yields (base URL, db path)."""
    from eventwire.api import create_app

    with serve_app(create_app(store_path, api_token=TOKEN, read_token="", nlp=nlp)) as base:
        yield base, store_path


@pytest.fixture(scope="module")
def readonly_server(store_path, nlp, serve_app):
    """The same store served with no write token (writes disabled); yields (base URL, db path)."""
    from eventwire.api import create_app

    with serve_app(create_app(store_path, api_token="", read_token="", nlp=nlp)) as base:
        yield base, store_path


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

    def eventually(self, check, timeout: float = 15.0):
        """Poll a Python check of the page (a busy machine draws late; a fixed wait is a guess)."""
        deadline = time.monotonic() + timeout
        while not (value := check()):
            if time.monotonic() > deadline:
                return value
            time.sleep(0.1)
        return value

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
  // each point's marker is drawn, alone or inside the cluster that holds it at this zoom
  const map = ewDebug.map, cl = ewDebug.cluster, box = map.getContainer().getBoundingClientRect();
  const drawnAt = (ll) => {
    const p = map.latLngToContainerPoint(ll);
    return document.elementsFromPoint(box.left + p.x, box.top + p.y)
      .some((e) => e.classList.contains("ew-marker") || !!e.closest(".marker-cluster"));
  };
  return points.map(([lat, lon]) => cl.getLayers().some((m) => {
    const ll = m.getLatLng();
    if (Math.abs(ll.lat - lat) > 1e-6 || Math.abs(ll.lng - lon) > 1e-6) return false;
    const shown = m._map ? m : cl.getVisibleParent(m);  // a shape marker on the map, or its cluster
    return !!shown && drawnAt(shown.getLatLng());
  }));
}"""


def test_markers_for_the_seed_at_their_places(page, server):
    page.open()
    assert page.js("document.querySelector('.leaflet-ewBase-pane path') !== null")  # country outlines drawn
    located = [e for e in seed_events(server) if e["lat"] is not None and e["country"] in ("RU", "UA")
               and e["feature"] != "country"]
    assert len(located) >= 8
    places = sorted({(e["lat"], e["lon"]) for e in located})
    page.js("([pts]) => ewDebug.map.fitBounds(pts, {padding: [60, 60], animate: false})", [places])
    page.until("() => !document.querySelector('.leaflet-zoom-anim')")
    time_ok = page.until("([pts]) => ewDebug.map.getBounds().contains(pts[0])", [places])
    assert time_ok
    page.eventually(lambda: page.js(MARKS_AT, [places]) == [True] * len(places))
    assert page.js(MARKS_AT, [places]) == [True] * len(places), places
    colours = page.js("""() => [...document.querySelectorAll('path.ew-marker')].map(
        (p) => [p.getAttribute('data-type'), p.getAttribute('fill')])""")
    assert ["ASSAULT", TYPE_STYLE["ASSAULT"][2]] in colours  # coloured by type
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
    with open_store(db) as store:
        before = json.loads(store.event(eid)["record"])["location"]["name"]
    assert before != "Valuyki"
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
        assert json.loads(review["value_before"])["name"] == before  # what it was, kept for the audit
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



# ---------------------------------------------------------------- map and page (issue 14)
def set_view(page, lat: float, lon: float, zoom: float) -> None:
    page.js("([lat, lon, z]) => ewDebug.map.setView([lat, lon], z, {animate: false})", [lat, lon, zoom])
    page.until("() => !document.querySelector('.leaflet-zoom-anim')")
    page.page.wait_for_timeout(300)


def names(page, kind: str) -> set[str]:
    return {name for k, name in page.js("() => ewBasemap.shown()") if k == kind}


def test_basemap_names_and_admin1_boundaries_appear_by_zoom(page):
    page.open()
    set_view(page, 50.0, 33.0, 3)
    page.eventually(lambda: {"Ukraine", "Russia", "Kazakhstan"} <= names(page, "country"))
    page.shot("labels-zoom3")
    assert {"Ukraine", "Russia", "Kazakhstan"} <= names(page, "country")
    assert "Moscow" in names(page, "city")  # capitals and the largest cities first
    assert not {"Belgorod", "Kharkiv"} & names(page, "city") and not names(page, "town") and not names(page, "region")
    assert page.js("() => document.querySelectorAll('.leaflet-ewAdmin1-pane path').length") == 0

    set_view(page, 50.3, 36.9, 7)  # the seed's Belgorod Oblast, on the Ukrainian border
    page.until("() => ['ru', 'ua'].every((cc) => ewBasemap.loaded().includes(cc))")
    page.eventually(lambda: {"Belgorod", "Kharkiv"} <= names(page, "city")
                    and {"Kharkiv", "Voronezh", "Sumy"} <= names(page, "region"))
    page.shot("labels-zoom7")
    assert {"Belgorod", "Kharkiv"} <= names(page, "city")
    assert {"Kharkiv", "Voronezh", "Sumy"} <= names(page, "region")  # oblast names
    # one dashed line set per country loaded (the lines between its admin-1 units)
    dashes = page.js("() => [...document.querySelectorAll('.leaflet-ewAdmin1-pane path')].map((p) => p.getAttribute('stroke-dasharray'))")
    assert len(dashes) >= 2 and all(dashes), dashes
    assert "Shebekino" not in names(page, "town")  # 45,000 people: named further in

    set_view(page, 50.41, 36.9, 10)
    page.eventually(lambda: {"Shebekino", "Vovchans’k", "Novaya Tavolzhanka"} <= names(page, "town"))
    page.shot("labels-zoom10")
    assert {"Shebekino", "Vovchans’k", "Novaya Tavolzhanka"} <= names(page, "town")
    assert "Belgorod" in names(page, "region")
    # a name sits at its place: Shebekino's dot is where the map puts 50.41 N 36.914 E
    offset = page.js("""() => {
      const span = [...document.querySelectorAll('.ew-label span')].find((e) => e.textContent === 'Shebekino');
      const box = span.getBoundingClientRect(), map = ewDebug.map.getContainer().getBoundingClientRect();
      const p = ewDebug.map.latLngToContainerPoint([50.41, 36.914]);
      return [box.left + 5 - (map.left + p.x), box.top + box.height / 2 - (map.top + p.y)];
    }""")
    assert abs(offset[0]) < 6 and abs(offset[1]) < 4, offset
    assert not page.errors, page.errors


def test_review_controls_hidden_without_a_write_token(browser, readonly_server, server):
    eid = shelling_id(server)
    for base, shown in ((readonly_server[0], False), (server[0], True)):
        p = Page(browser, base).open(f"/#event={eid}")
        p.page.wait_for_selector("#panel:not([hidden]) #doc-text .ev")
        for sel in ("#reviewer-box", "#review-actions", "#btn-accept", "#token"):
            assert p.page.locator(sel).is_visible() is shown, (base, sel)
        display = p.js("() => getComputedStyle(document.getElementById('review-actions')).display")
        assert display == ("flex" if shown else "none")
        p.shot("review-controls-" + ("with-token" if shown else "without-token"))
        assert not p.errors, p.errors
        p.close()


def brush(page, since: str, until: str) -> None:
    box = page.page.locator("#timeline").bounding_box()
    x0, x1 = page.js("([a, b]) => [ewDebug.xOf(a), ewDebug.xOf(b)]", [since, until])
    y = box["y"] + box["height"] / 2
    page.page.mouse.move(box["x"] + x0, y)
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + x1, y, steps=5)
    page.page.mouse.up()


def test_clear_resets_the_timeline_label(page):
    page.open()
    before = page.js("() => ewDebug.points().length")
    brush(page, "2023-01-01", "2023-06-05")
    page.until("(n) => ewDebug.points().length < n", before)
    assert page.page.inner_text("#timeline-text").startswith("showing 20")
    page.page.click("#f-clear")
    page.until("(n) => ewDebug.points().length === n", before)
    label = page.page.inner_text("#timeline-text")
    assert "showing" not in label and "click the timeline to clear" not in label
    assert label == "drag across the timeline to show a period"
    assert page.js("() => [document.getElementById('f-since').value, document.getElementById('f-until').value]") == ["", ""]
    page.shot("timeline-after-clear")


def test_a_timeline_by_month_reaches_the_last_months_end(page):
    # a store spanning many years answers its chart by month (tests/test_store.py checks the
    # counts); the page must read each bar as a whole month, not as its first day
    months = {"total": 8, "killed": 1, "bucket": "month", "by_type": [], "by_admin1": [],
              "by_day": [{"day": "2021-01-01", "events": 5, "killed": 0}, {"day": "2024-02-01", "events": 3, "killed": 1}]}
    page.page.route("**/api/aggregates*", lambda route: route.fulfill(json=months))
    page.open()
    page.until("() => ewDebug.timeline().days === 2")
    hi = page.js("() => ewDebug.timeline().range.hi")
    assert hi == page.js("() => Math.floor(Date.parse('2024-02-29T00:00:00Z') / 86400000)") + 1
    page.page.fill("#f-since", "2023-06-01")
    page.page.press("#f-since", "Enter")
    page.until("() => document.getElementById('timeline-text').textContent.startsWith('showing')")
    assert page.page.inner_text("#timeline-text").startswith("showing 2023-06-01 .. 2024-02-29")


def test_timeline_opens_on_current_events_and_shows_the_background_on_demand(page, server):
    days = lambda **f: [d["day"] for d in api(server, "/api/aggregates", **f)["by_day"]]  # noqa: E731
    current, background = days(historical="false"), days(historical="true")
    assert background and min(background) < min(current)  # the articles recall events years back
    page.open()
    first = page.js("() => { const r = ewDebug.timeline().range; return new Date(r.first * 864e5).toISOString().slice(0, 10); }")
    assert first == min(current)
    assert all(p[5] >= min(current) for p in page.js("() => ewDebug.points()"))
    n_current = page.js("() => ewDebug.points().length")
    page.shot("timeline-current")

    page.page.click("#t-background")
    page.until("(n) => ewDebug.points().length > n", n_current)
    # the chart's counts come by their own request, which may answer after the points
    first = "() => { const r = ewDebug.timeline().range; return new Date(r.first * 864e5).toISOString().slice(0, 10); }"
    page.until(f"(day) => ({first})() === day", min(background + current))
    assert page.page.inner_text("#t-background") == "current events only"
    page.shot("timeline-background")
    page.page.click("#t-background")
    page.until("(n) => ewDebug.points().length === n", n_current)


def test_events_at_one_point_are_spread_at_full_zoom(page, server):
    points = api(server, "/api/points", historical="false")["points"]
    at = {}
    for p in points:
        at.setdefault((p[1], p[2]), []).append(p[0])
    (lat, lon), ids = max(at.items(), key=lambda kv: len(kv[1]))
    assert len(ids) >= 5
    page.open()
    set_view(page, lat, lon, 6)
    # below full zoom they are one group with a count
    assert max(map(int, page.js("() => [...document.querySelectorAll('.marker-cluster')].map((e) => e.textContent)"))) >= len(ids)
    set_view(page, lat, lon, page.js("() => ewDebug.map.getMaxZoom()"))
    page.until("(ids) => ids.every((id) => document.querySelector(`path.ew-marker[data-id='${id}']`))", ids)
    centres_js = """(ids) => ids.map((id) => {
        const r = document.querySelector(`path.ew-marker[data-id="${id}"]`).getBoundingClientRect();
        return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)]; })"""
    # the spider's legs grow out
    page.eventually(lambda: len(set(map(tuple, page.js(centres_js, ids)))) == len(ids))
    centres = page.js(centres_js, ids)
    assert len(set(map(tuple, centres))) == len(ids), centres  # each one apart from the others
    spread = max(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a in centres for b in centres)
    assert spread > 40
    page.shot("spread-at-full-zoom")
    # a marker of the spread group opens its own event
    page.page.click(f'path.ew-marker[data-id="{ids[0]}"]')
    page.until("(id) => location.hash === '#event=' + encodeURIComponent(id)", ids[0])
    assert not page.errors, page.errors


def test_markers_coloured_and_shaped_by_plover_family(page):
    page.open()
    set_view(page, 35, 20, 2)
    page.js("() => ewDebug.map.fitBounds(ewDebug.points().map((p) => [p[1], p[2]]), {animate: false})")
    drawn_js = """() => [...document.querySelectorAll('path.ew-marker')].map((p) =>
        [p.getAttribute('data-type'), p.getAttribute('data-family'), p.getAttribute('fill'), p.getAttribute('d')])"""
    page.eventually(lambda: len({t for t, *_ in page.js(drawn_js)}) >= 3)
    drawn = page.js(drawn_js)
    assert len({t for t, *_ in drawn}) >= 3, drawn
    for type_, family, fill, d in drawn:
        assert (family, fill) == (TYPE_STYLE[type_][0], TYPE_STYLE[type_][2]), (type_, family, fill)
        assert ("a" in d) == (TYPE_STYLE[type_][1] == "circle")  # circles are arcs, other shapes polygons
    # every type's colour is of its family's hue: the families are told apart at a glance
    hue = lambda c: colorsys.rgb_to_hls(*(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0] * 360  # noqa: E731
    for f in FAMILIES:
        hues = [hue(c) for _, c in f["types"].values()]
        assert max(abs(((h - hue(f["color"]) + 180) % 360) - 180) for h in hues) < 25, f["id"]
    legend = page.js("""() => [...document.querySelectorAll('#legend .fam')].map((f) =>
        [f.dataset.family, [...f.querySelectorAll('svg.glyph')].map((g) => g.dataset.type)])""")
    assert [f for f, _ in legend] == [f["id"] for f in FAMILIES]
    assert sorted(t for _, ts in legend for t in ts) == sorted(TYPE_STYLE)
    page.page.locator("#legend").screenshot(path=str(ARTIFACTS / "legend.png"))
    page.shot("families")


def test_empty_lists_are_plain_text(page, server):
    events = api(server, "/api/events", limit=100)["events"]
    lone = next(e for e in events if not e["review_status"]
                and len(api(server, f"/api/events/{e['id']}")["sources"]) <= 1)
    page.open(f"/#event={lone['id']}")
    page.page.wait_for_selector("#panel:not([hidden]) #doc-text")
    for list_id, text in (("sources", "no other article reports it"), ("history", "not reviewed yet")):
        assert page.js(f"() => document.querySelectorAll('#{list_id} li').length") == 0
        assert not page.page.locator(f"#{list_id}").is_visible()
        note = page.page.locator(f"#{list_id} + p.empty")
        assert note.is_visible() and note.inner_text() == text
    page.page.locator("#history + p.empty").scroll_into_view_if_needed()
    page.shot("empty-lists")

"""Hostile stored text renders inert in the real browser (Playwright driving the system's
Chromium), in every place the page shows stored text: the article view, the event panel, the
lists (events, other sources, review history) and the map's tooltips. The payloads come in
through the API as an attacker with the token would send them (an article's text, title,
source and URL; a correction's place, actors, reviewer and note). And the
Content-Security-Policy forbids inline script, so even markup that got into the DOM could not
run."""
from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.store import open_store

DATA = Path(__file__).parent / "data"
UI = Path(__file__).resolve().parent.parent / "eventwire" / "ui"
TOKEN = "ui-security-token"
SCRIPT = "<script>window.__pwned = 'script'; alert('script')</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">"
JS_URL = "javascript:window.__pwned='url';alert('url')"
TEXT = ("Ukrainian forces shelled the Russian border town of Shebekino overnight, killing two people, "
        f"regional governor Vyacheslav Gladkov said on Sunday.\n\nA reader wrote {SCRIPT} and {IMG} and "
        f"<a href=\"{JS_URL}\">a link</a> in the comments.")
TITLE = f"{IMG}Shebekino <b>shelled</b> {SCRIPT}"
PLACE = f"{IMG} town {SCRIPT}"
ACTOR = f"<svg onload=\"window.__pwned='svg'\"></svg>{IMG}"
REVIEWER = f"{IMG}mallory"
NOTE = f"{SCRIPT} see {JS_URL}"

pytestmark = pytest.mark.skipif(not (UI / "static" / "vendor" / "leaflet.js").exists(),
                                reason="needs the page's vendored assets (npm ci --prefix eventwire/ui)")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, sample_records, nlp, serve_app):
    """A live server over a store of real articles plus the payloads; (base URL, event id)."""
    import httpx

    from eventwire.api import create_app

    db = str(tmp_path_factory.mktemp("xss") / "eventwire.db")
    with open_store(db, create=True) as store:
        store.add(sample_records)
    with serve_app(create_app(db, api_token=TOKEN, read_token="", nlp=nlp, cache_seconds=0)) as base:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        r = httpx.post(base + "/api/documents", headers=auth, timeout=120, json={"documents": [
            {"id": "xss-doc", "date": "2023-06-04", "text": TEXT, "title": TITLE, "url": JS_URL, "source": SCRIPT}]})
        assert r.status_code == 201, r.text
        eid = r.json()["documents"][0]["events"][0]
        changes = {"location": {"name": PLACE, "lat": 50.47, "lon": 36.98, "feature": "city", "country": "RU"},
                   "actors": [ACTOR]}
        r = httpx.post(f"{base}/api/events/{eid}/review", headers=auth, timeout=60,
                       json={"reviewer": REVIEWER, "action": "correct", "changes": changes, "note": NOTE})
        assert r.status_code == 200, r.text
        yield base, eid


@pytest.fixture
def page(browser, hostile):
    """The page, with every dialog and uncaught error recorded; none may happen."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile[0] + f"/#event={hostile[1]}")
    page.wait_for_selector("body[data-ready]", state="attached", timeout=30_000)
    page.wait_for_selector("#panel:not([hidden]) #doc-text", timeout=30_000)
    yield page
    page.wait_for_timeout(300)  # an onerror would fire by now
    assert dialogs == [] and page.evaluate("() => window.__pwned === undefined")
    page.close()


INERT = """(selector) => {
  const root = document.querySelector(selector);
  // the map draws its markers in its own <svg>; stored text never makes elements of these kinds
  const bad = root.querySelectorAll('script, img, iframe, object, embed, foreignObject');
  const handlers = [...root.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name)));
  const links = [...root.querySelectorAll('a[href]')].filter((a) => !/^(https?:|blob:)/i.test(a.href));
  return {bad: bad.length, handlers: handlers.length, links: links.length};
}"""


def inert(page, selector: str) -> None:
    assert page.evaluate(INERT, selector) == {"bad": 0, "handlers": 0, "links": 0}, selector


def test_article_view_shows_payloads_as_text(page):
    text = page.inner_text("#doc-text")
    assert SCRIPT in text and IMG in text and JS_URL in text
    meta = page.inner_text("#doc-meta")
    assert TITLE in meta and SCRIPT in meta  # title and source as written
    inert(page, "#doc-text")
    inert(page, "#doc-meta")  # and no link for a javascript: URL
    assert page.evaluate("() => document.querySelectorAll('#doc-meta b, #doc-text b, #panel svg').length") == 0


def test_event_panel_shows_payloads_as_text(page):
    assert PLACE in page.inner_text("#panel-title")
    fields = page.inner_text("#fields")
    assert PLACE in fields and "mallory" not in fields and "window.__pwned='svg'" in fields
    inert(page, "#panel")


def test_lists_show_payloads_as_text(page, hostile):
    history = page.inner_text("#history")
    assert REVIEWER in history and NOTE in history
    page.click("#panel-close")  # the list shows while no event is open
    page.fill("#f-actor", "svg onload")  # the corrected actor's name: this event alone
    page.click("#filters button[type=submit]")
    page.wait_for_selector(f'#list li[data-id="{hostile[1]}"]')
    assert PLACE in page.inner_text(f'#list li[data-id="{hostile[1]}"]')
    inert(page, "#list")
    inert(page, "#sources")
    inert(page, "#history")


def test_map_tooltips_and_titles_are_inert(page, hostile):
    page.evaluate("([lat, lon]) => ewDebug.map.setView([lat, lon], 12, {animate: false})", [50.47, 36.98])
    page.wait_for_timeout(500)
    box = page.evaluate("""([lat, lon]) => { const p = ewDebug.map.latLngToContainerPoint([lat, lon]);
        const r = ewDebug.map.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
                        [50.47, 36.98])
    page.mouse.move(*box)
    page.wait_for_timeout(500)
    if page.query_selector(".marker-cluster"):  # spiderfy a cluster at the place, then hover ours
        page.mouse.click(*box)
        page.wait_for_timeout(500)
    if not page.query_selector(".leaflet-tooltip"):  # the hover missed (a busy machine): open them all
        page.evaluate("() => ewDebug.map.eachLayer((l) => l.getTooltip && l.getTooltip() && l.openTooltip())")
    assert page.query_selector(".leaflet-tooltip"), "no tooltip at the event's place"
    inert(page, ".leaflet-tooltip-pane")
    inert(page, ".leaflet-overlay-pane")
    # titles (hover text over the article's spans) are attributes: text, whatever they hold
    assert page.evaluate("() => document.querySelectorAll('[title] *[onerror], [title] script').length") == 0


def test_csp_forbids_inline_script_even_in_markup_that_reached_the_page(page, hostile):
    import httpx

    csp = httpx.get(hostile[0] + "/", timeout=30).headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src")).split()
    assert script_src == ["script-src", "'self'"] and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    # a hole would look like this: markup put into the DOM as HTML. The policy must stop it.
    page.evaluate("""() => {
        const box = document.createElement('div');
        box.innerHTML = `<img src="x" onerror="window.__inline = 'img'">`;
        document.body.appendChild(box);
        const s = document.createElement('script');
        s.textContent = "window.__inline = 'script'";
        document.body.appendChild(s);
        const a = document.createElement('a');
        a.href = "javascript:window.__inline='url'"; document.body.appendChild(a); a.click();
    }""")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__inline === undefined")

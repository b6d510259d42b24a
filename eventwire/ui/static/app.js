// eventwire's map page. Everything from the store is put into the page with textContent or
// DOM properties, never as HTML; the server's Content-Security-Policy forbids inline script.
"use strict";

(function () {
  // type -> {family, familyLabel, shape, color}, from plover-families.json (PLOVER's four families)
  const STYLE = {};
  const TYPES = [];
  const SVG = "http://www.w3.org/2000/svg";
  const DAY = 86400000;
  const $ = (id) => document.getElementById(id);
  const state = { cursor: null, points: [], byDay: [], bucket: "day", selection: null, current: null, placeChoice: undefined,
                  config: {}, markers: new Map(), families: [] };

  // ------------------------------------------------------------------ helpers
  function el(tag, opts, children) {
    const node = document.createElement(tag);
    opts = opts || {};
    if (opts.cls) node.className = opts.cls;
    if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
    if (opts.title) node.title = opts.title;
    if (opts.data) for (const [k, v] of Object.entries(opts.data)) node.dataset[k] = String(v);
    for (const c of children || []) if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    return node;
  }
  const style = (type) => STYLE[type] || { family: "other", familyLabel: "other", shape: "circle", color: "#607d8b" };
  const color = (type) => style(type).color;

  // The outline of a marker shape of radius r around (x, y), as SVG path data.
  function shapePath(shape, x, y, r) {
    const poly = (pts) => "M" + pts.map(([a, b]) => `${(x + a * r).toFixed(1)},${(y + b * r).toFixed(1)}`).join("L") + "z";
    switch (shape) {
      case "square": return poly([[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]]);
      case "diamond": return poly([[0, -1.25], [1.25, 0], [0, 1.25], [-1.25, 0]]);
      case "triangle": return poly([[0, -1.25], [1.15, 0.85], [-1.15, 0.85]]);
      case "down": return poly([[0, 1.25], [1.15, -0.85], [-1.15, -0.85]]);
      case "hexagon": return poly([0, 1, 2, 3, 4, 5].map((i) => [Math.cos(i * Math.PI / 3) * 1.1, Math.sin(i * Math.PI / 3) * 1.1]));
      default: return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
    }
  }

  // A circle marker drawn as its type's shape (hit-testing and clustering stay Leaflet's).
  const ShapeMarker = L.CircleMarker.extend({
    _updatePath() {
      if (this.options.shape === "circle" || !this._renderer._setPath) return L.CircleMarker.prototype._updatePath.call(this);
      if (this._empty()) return this._renderer._setPath(this, "M0 0");
      return this._renderer._setPath(this, shapePath(this.options.shape, this._point.x, this._point.y, this._radius));
    },
  });

  // A small inline SVG of a type's shape and colour, for the legend and the list.
  function glyph(type, size) {
    size = size || 12;
    const s = style(type), svg = document.createElementNS(SVG, "svg"), path = document.createElementNS(SVG, "path");
    svg.setAttribute("width", size); svg.setAttribute("height", size); svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("class", "glyph"); svg.dataset.type = type; svg.dataset.family = s.family;
    path.setAttribute("d", shapePath(s.shape, 8, 8, 5.5));
    path.setAttribute("fill", s.color); path.setAttribute("stroke", "#222"); path.setAttribute("stroke-width", "1");
    svg.appendChild(path);
    return svg;
  }

  async function loadFamilies() {
    const data = await getJSON("/static/plover-families.json");
    state.families = data.families;
    for (const f of data.families) {
      for (const [type, [shape, c]] of Object.entries(f.types)) {
        STYLE[type] = { family: f.id, familyLabel: f.label, shape, color: c };
        TYPES.push(type);
      }
    }
  }
  const radius = (killed) => 5 + Math.min(16, 2.5 * Math.sqrt(killed || 0));
  const dayNum = (iso) => Math.floor(Date.parse(iso + "T00:00:00Z") / DAY);
  const isoDay = (n) => new Date(n * DAY).toISOString().slice(0, 10);

  function authHeaders() {
    const token = $("token").value.trim();
    return token ? { Authorization: "Bearer " + token } : {};
  }

  async function api(path, params, init) {
    const url = path + (params && String(params) ? "?" + params : "");
    const res = await fetch(url, Object.assign({ headers: authHeaders() }, init || {}));
    if (!res.ok) {
      let detail = res.status + " " + res.statusText;
      try { const body = await res.json(); detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail); } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    return res;
  }
  const getJSON = async (path, params) => (await api(path, params)).json();

  function setStatus(text) { $("status").textContent = text; }

  // ------------------------------------------------------------------ filters
  function filterParams(opts) {
    opts = opts || {};
    const p = new URLSearchParams();
    const add = (k, id) => { const v = $(id).value.trim(); if (v) p.append(k, v); };
    add("q", "f-q"); add("type", "f-type"); add("country", "f-country"); add("admin1", "f-admin1");
    add("actor", "f-actor"); add("claim_status", "f-claim"); add("historical", "f-historical");
    if (!opts.noDates) { add("since", "f-since"); add("until", "f-until"); }
    const review = $("f-review").value;
    if (review === "none") p.append("reviewed", "false");
    else if (review) p.append("review_status", review);
    if (opts.bbox && $("f-bbox").checked && map) {
      const b = map.getBounds();
      const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
      p.append("bbox", [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
                        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((x) => x.toFixed(4)).join(","));
    }
    return p;
  }

  function fillSelect(id, values, label) {
    const select = $(id);
    for (const v of values) select.appendChild(el("option", { text: label ? label(v) : v.value }, [])).value = v.value;
  }

  async function loadFacets() {
    const f = await getJSON("/api/facets");
    fillSelect("f-type", f.type, (v) => `${v.value} (${v.n})`);
    fillSelect("f-country", f.country, (v) => `${v.value} (${v.n})`);
    fillSelect("f-admin1", f.admin1, (v) => `${v.value} (${v.n})`);
    for (const t of TYPES) $("c-type").appendChild(el("option", { text: t }));
  }

  // ------------------------------------------------------------------ map
  let map = null, cluster = null;

  async function initMap() {
    map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 13, zoomSnap: 0.5 }).setView([35, 20], 2);
    map.attributionControl.setPrefix(false);
    try {
      await ewBasemap.init(map);
    } catch (e) {
      setStatus("basemap could not be loaded: " + e.message);
    }
    cluster = L.markerClusterGroup({ maxClusterRadius: 30, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
                                     chunkedLoading: true, spiderfyDistanceMultiplier: 1.6 });
    map.addLayer(cluster);
    map.on("moveend", () => { if ($("f-bbox").checked) loadList(true); });
    // Events at one point cannot be told apart by zooming: at full zoom the group nearest the
    // middle is spread out on its own (a click spreads any other).
    cluster.on("animationend", spreadAtFullZoom);
    map.on("zoomend", spreadAtFullZoom);
    renderLegend();
  }

  function spreadAtFullZoom() {
    if (map.getZoom() < map.getMaxZoom()) return;
    const centre = map.latLngToContainerPoint(map.getCenter()), size = map.getSize();
    let best = null, dist = Infinity;
    cluster._featureGroup.eachLayer((l) => {
      if (!(l instanceof L.MarkerCluster)) return;
      const p = map.latLngToContainerPoint(l.getLatLng());
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return;
      const d = p.distanceTo(centre);
      if (d < dist) { best = l; dist = d; }
    });
    if (best && cluster._spiderfied !== best) best.spiderfy();
  }

  function renderLegend() {
    const legend = $("legend");
    legend.replaceChildren();
    for (const f of state.families) {
      const sw = el("span", { cls: "sw" });
      sw.style.background = f.color;
      const types = Object.keys(f.types).map((t) => el("span", { cls: "lt", title: t }, [glyph(t, 11), t.toLowerCase()]));
      legend.appendChild(el("span", { cls: "fam", data: { family: f.id } }, [sw, el("b", { text: f.label }), ...types]));
    }
    legend.appendChild(el("span", { cls: "size-note", text: "size: people killed" }));
  }

  function tooltip(p) {
    return el("div", {}, [el("b", { text: p[3] }), " " + p[5] + (p[4] ? ` · ${p[4]} killed` : "")
                          + (p[6] ? ` · ${p[6]}` : "")]);
  }

  async function loadPoints(fit) {
    const data = await getJSON("/api/points", filterParams());
    state.points = data.points;
    cluster.clearLayers();
    state.markers.clear();
    const layers = data.points.map((p) => {
      const s = style(p[3]);
      const m = new ShapeMarker([p[1], p[2]], { radius: radius(p[4]), fillColor: s.color, color: "#222", shape: s.shape,
                                                weight: p[6] ? 2.5 : 1, fillOpacity: 0.9, className: "ew-marker" });
      m.ewPoint = p;
      m.bindTooltip(tooltip(p));
      m.on("click", () => openEvent(p[0]));
      m.on("add", () => {
        const e = m.getElement();
        if (e) { e.setAttribute("data-id", p[0]); e.setAttribute("data-type", p[3]); e.setAttribute("data-family", s.family); }
      });
      state.markers.set(p[0], m);
      return m;
    });
    cluster.addLayers(layers);
    if (fit && layers.length) map.fitBounds(L.latLngBounds(layers.map((m) => m.getLatLng())).pad(0.2), { maxZoom: 7 });
    return data;
  }

  // ------------------------------------------------------------------ timeline
  const canvas = $("timeline");
  let brush = null;

  // The axis spans the days that hold all but the earliest 2% of events, so that a few
  // background events decades back do not squeeze the rest into a sliver; those earlier ones
  // are counted at the left edge, and a brush that starts there takes them in.
  function timelineRange() {
    if (!state.byDay.length) return null;
    const total = state.byDay.reduce((n, d) => n + d.events, 0);
    let i = 0, before = 0;
    while (i < state.byDay.length - 1 && before + state.byDay[i].events <= total * 0.02) before += state.byDay[i++].events;
    const lo = dayNum(state.byDay[i].day), hi = dayNum(state.byDay[state.byDay.length - 1].last);
    return { lo: lo - 1, hi: hi + 1, first: dayNum(state.byDay[0].day), earlier: before };
  }
  const xOfDay = (n, r, w) => ((n - r.lo) / (r.hi - r.lo + 1)) * w;
  const dayOfX = (x, r, w) => Math.floor(r.lo + (x / w) * (r.hi - r.lo + 1));

  function drawTimeline() {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = w * dpr; canvas.height = h * dpr;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const r = timelineRange();
    if (!r) { ctx.fillStyle = "#667"; ctx.fillText("no events", 8, 20); return; }
    const plotH = h - 16, max = Math.max(...state.byDay.map((d) => d.events));
    const sel = state.selection;
    for (const d of state.byDay) {
      const n = dayNum(d.day), x = xOfDay(n, r, w);
      if (n <= r.lo) continue;
      const inside = !sel || (dayNum(d.last) >= dayNum(sel.since) && n <= dayNum(sel.until));
      ctx.fillStyle = inside ? "#37607f" : "#b7c4cf";
      const bh = Math.max(1, (d.events / max) * (plotH - 6));
      // a bar covers its whole bucket: one day, or a month on a store of many years
      ctx.fillRect(x, plotH - bh, Math.max(1, xOfDay(dayNum(d.last) + 1, r, w) - x - 0.5), bh);
    }
    ctx.fillStyle = "#445"; ctx.font = "11px system-ui, sans-serif";
    ctx.fillText(isoDay(r.lo + 1) + (r.earlier ? ` (+${r.earlier} earlier, from ${isoDay(r.first)})` : ""), 4, h - 3);
    const last = isoDay(r.hi - 1);
    ctx.fillText(last, w - ctx.measureText(last).width - 4, h - 3);
    ctx.fillText(`max ${max}/${state.bucket}`, 4, 11);
    const span = sel ? { a: xOfDay(dayNum(sel.since), r, w), b: xOfDay(dayNum(sel.until) + 1, r, w) } : null;
    const box = brush || span;
    if (box) {
      ctx.fillStyle = "rgba(255, 152, 0, 0.18)"; ctx.strokeStyle = "#ef6c00";
      const a = Math.min(box.a, box.b), b = Math.max(box.a, box.b);
      ctx.fillRect(a, 0, b - a, plotH); ctx.strokeRect(a + 0.5, 0.5, b - a, plotH - 1);
    }
  }

  async function loadTimeline() {
    const agg = await getJSON("/api/aggregates", filterParams({ noDates: true }));
    // by month when the store spans many years: each bar then ends on its month's last day
    state.bucket = agg.bucket || "day";
    const monthEnd = (first) => isoDay(Date.UTC(+first.slice(0, 4), +first.slice(5, 7), 0) / DAY);  // day 0 of the next
    // events of no date (day null) have no place on the axis
    state.byDay = agg.by_day.filter((d) => d.day)
      .map((d) => ({ ...d, last: state.bucket === "month" ? monthEnd(d.day) : d.day }));
    drawTimeline();
  }

  function canvasX(ev) { return ev.clientX - canvas.getBoundingClientRect().left; }
  canvas.addEventListener("mousedown", (ev) => { brush = { a: canvasX(ev), b: canvasX(ev) }; drawTimeline(); });
  window.addEventListener("mousemove", (ev) => { if (brush) { brush.b = Math.max(0, Math.min(canvas.clientWidth, canvasX(ev))); drawTimeline(); } });
  window.addEventListener("mouseup", () => {
    if (!brush) return;
    const r = timelineRange(), w = canvas.clientWidth;
    const a = Math.min(brush.a, brush.b), b = Math.max(brush.a, brush.b);
    brush = null;
    if (!r || b - a < 3) { setDates(null); return; }
    // a brush that reaches an end of the axis takes the first or last day with events
    const first = r.first, last = r.hi - 1;
    const since = a <= 2 ? first : Math.max(first, dayOfX(a, r, w));
    const until = b >= w - 2 ? last : Math.min(last, Math.ceil(r.lo + (b / w) * (r.hi - r.lo + 1)) - 1);
    setDates({ since: isoDay(since), until: isoDay(Math.max(since, until)) });
  });

  function showSelection() {
    const sel = state.selection;
    $("timeline-text").textContent = sel ? `showing ${sel.since} .. ${sel.until} — click the timeline to clear`
                                         : "drag across the timeline to show a period";
    const background = $("f-historical").value !== "false";
    $("t-background").textContent = background ? "current events only" : "show the background period";
    $("t-background").setAttribute("aria-pressed", String(background));
  }

  function setDates(sel) {
    state.selection = sel;
    $("f-since").value = sel ? sel.since : "";
    $("f-until").value = sel ? sel.until : "";
    showSelection();
    drawTimeline();
    refresh(false);
  }

  // ------------------------------------------------------------------ list
  // A list with nothing in it says so in plain text beside it, not as a numbered item.
  function showEmpty(list, text) {
    let note = list.nextElementSibling;
    if (!note || !note.classList.contains("empty")) {
      note = el("p", { cls: "empty" });
      list.after(note);
    }
    note.textContent = text || "";
    note.hidden = !text;
    list.hidden = !!text;
  }

  function badge(status) { return status ? el("span", { cls: "badge " + status, text: status }) : null; }

  function listItem(e) {
    const li = el("li", { data: { id: e.id } }, [
      glyph(e.type), el("span", { cls: "type", text: e.type }), el("span", { text: e.date_start + " " }),
      el("span", { cls: "where", text: e.place || "place unknown" }),
      e.killed ? el("span", { text: ` · ${e.killed} killed` }) : null,
      badge(e.review_status),
      el("span", { cls: "summary", text: e.summary || "" }),
    ]);
    li.addEventListener("click", () => openEvent(e.id));
    return li;
  }

  async function loadList(reset) {
    if (reset) { state.cursor = null; $("list").replaceChildren(); }
    const p = filterParams({ bbox: true });
    p.append("limit", "50");
    if (state.cursor) p.append("cursor", state.cursor);
    const data = await getJSON("/api/events", p);
    for (const e of data.events) $("list").appendChild(listItem(e));
    if (reset) {
      state.listEmpty = !data.events.length;
      showEmpty($("list"), state.listEmpty && "no events match the filters");
      if (!$("panel").hidden) showPanel(true);
    }
    state.cursor = data.next_cursor;
    $("more").hidden = !data.next_cursor;
  }

  async function refresh(withTimeline, fit) {
    try {
      const [pts] = await Promise.all([loadPoints(fit), loadList(true), withTimeline ? loadTimeline() : null]);
      setStatus(`${pts.points.length}${pts.truncated ? "+" : ""} located events on the map`);
    } catch (e) {
      setStatus("could not load events: " + e.message);
    }
  }

  // ------------------------------------------------------------------ event panel
  function showPanel(on) {
    $("panel").hidden = !on;
    $("list").hidden = on || state.listEmpty;
    const note = $("list").nextElementSibling;
    if (note && note.classList.contains("empty")) note.hidden = on || !state.listEmpty;
    $("more").hidden = on || !state.cursor;
  }

  function flash(start) {
    const segs = [...$("doc-text").querySelectorAll("[data-start]")];
    const seg = segs.find((s) => +s.dataset.start <= start && start < +s.dataset.end);
    if (!seg) return;
    const box = $("doc-text");
    box.scrollTop = Math.max(0, seg.offsetTop - box.clientHeight / 2);
    seg.classList.add("flash");
    setTimeout(() => seg.classList.remove("flash"), 1500);
  }

  function renderDocument(doc) {
    const box = $("doc-text");
    box.replaceChildren();
    const segs = doc.segments;
    segs.forEach((s, i) => {
      if (!s.fields) { box.appendChild(document.createTextNode(s.text)); return; }
      const own = s.fields.filter((f) => f !== "evidence");
      const span = el("span", { text: s.text, data: { start: s.start, end: s.end } });
      span.className = "seg" + (s.fields.includes("evidence") ? " ev" : "") + (own.length ? " fld" : "")
        + own.map((f) => " f-" + f).join("");
      if (own.length) span.title = own.join(", ");
      box.appendChild(span);
      const next = segs[i + 1];
      const ending = own.filter((f) => !(next && next.fields && next.fields.includes(f)));
      if (ending.length) box.appendChild(el("sup", { cls: "tag", text: ending.join(" ") }));
    });
    const meta = $("doc-meta");
    meta.replaceChildren(document.createTextNode(`${doc.title || doc.doc_id} · published ${doc.date}`
      + (doc.source ? ` · ${doc.source}` : "") + " "));
    if (doc.url && /^https?:\/\//i.test(doc.url)) {
      const a = el("a", { text: "original" });
      a.href = doc.url; a.rel = "noopener noreferrer"; a.target = "_blank";
      meta.appendChild(a);
    }
  }

  function renderFields(detail) {
    const body = $("fields").querySelector("tbody");
    body.replaceChildren();
    for (const f of detail.fields) {
      const words = el("td", { cls: "words" });
      for (const w of f.words) {
        const q = el("q", { text: w.text, data: { start: w.start } });
        q.addEventListener("click", () => flash(w.start));
        words.appendChild(q);
      }
      const value = el("td", { text: f.value }, [f.corrected ? el("span", { cls: "badge corrected", text: "corrected" }) : null]);
      body.appendChild(el("tr", { data: { field: f.field } }, [el("th", { text: f.label }), value, words]));
    }
  }

  function renderSources(detail) {
    const list = $("sources");
    list.replaceChildren();
    const others = detail.sources.filter((s) => s.id !== detail.id);
    showEmpty(list, !others.length && "no other article reports it");
    for (const s of others) {
      const li = el("li", {}, [el("b", { text: `${s.doc_date} ${s.doc_title || s.doc_id}` }),
                               ` — ${s.type} ${s.date_start} ${s.place || ""} `]);
      for (const e of s.evidence.filter((e) => e.field === "evidence")) li.appendChild(el("q", { text: e.text }));
      li.addEventListener("click", () => openEvent(s.id));
      list.appendChild(li);
    }
  }

  function renderHistory(detail) {
    const list = $("history");
    list.replaceChildren();
    showEmpty(list, !detail.reviews.length && "not reviewed yet");
    for (const r of detail.reviews) {
      const change = r.field ? ` ${r.field}: ${JSON.stringify(r.value_before)} → ${JSON.stringify(r.value_after)}` : "";
      list.appendChild(el("li", { text: `${r.reviewed_at} ${r.reviewer} ${r.action}${change}${r.note ? " — " + r.note : ""}` }));
    }
  }

  function renderPanel(detail, doc) {
    state.current = detail;
    const ev = detail.event;
    $("panel-title").replaceChildren(document.createTextNode(`${ev.type} · ${detail.place || "place unknown"}`),
                                     badge(detail.review_status) || "");
    $("panel-meta").textContent = `${detail.date_start}${detail.date_end !== detail.date_start ? " .. " + detail.date_end : ""}`
      + ` · ${detail.claim_status} · confidence ${ev.confidence} · event ${detail.id}`
      + (detail.canonical ? ` · ${detail.canonical.n_sources} source(s)` : "");
    renderFields(detail);
    if (doc) renderDocument(doc);
    renderSources(detail);
    renderHistory(detail);
    $("correct-form").hidden = true;
    $("review-actions").hidden = !state.config.writes_enabled;
  }

  async function openEvent(id) {
    try {
      const detail = await getJSON("/api/events/" + encodeURIComponent(id));
      const p = new URLSearchParams({ event: id });
      const doc = await getJSON("/api/documents/" + encodeURIComponent(detail.doc_hash), p);
      renderPanel(detail, doc);
      showPanel(true);
      $("review-msg").textContent = "";
      if (location.hash !== "#event=" + encodeURIComponent(id)) history.replaceState(null, "", "#event=" + encodeURIComponent(id));
      const box = $("doc-text"), first = box.querySelector(".ev");
      $("right").scrollTop = 0;
      box.scrollTop = first ? Math.max(0, first.offsetTop - 60) : 0;
      if (detail.lat !== null && detail.lat !== undefined && map) {
        map.setView([detail.lat, detail.lon], Math.max(map.getZoom(), 6));
      }
    } catch (e) {
      setStatus("could not open event: " + e.message);
    }
  }

  // ------------------------------------------------------------------ review
  async function sendReview(action, changes, note) {
    const reviewer = $("reviewer").value.trim();
    if (!reviewer) { $("review-msg").textContent = "enter your name as reviewer first"; $("reviewer").focus(); return; }
    localStorage.setItem("eventwire.reviewer", reviewer);
    sessionStorage.setItem("eventwire.token", $("token").value.trim());
    try {
      const res = await api("/api/events/" + encodeURIComponent(state.current.id) + "/review", null, {
        method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, authHeaders()),
        body: JSON.stringify({ reviewer, action, changes: changes || {}, note: note || null }),
      });
      const detail = await res.json();
      const doc = await getJSON("/api/documents/" + encodeURIComponent(detail.doc_hash), new URLSearchParams({ event: detail.id }));
      renderPanel(detail, doc);
      $("review-msg").textContent = `${action} saved (${detail.written} change${detail.written === 1 ? "" : "s"})`;
      loadList(true); loadPoints(false);
    } catch (e) {
      $("review-msg").textContent = "not saved: " + e.message;
    }
  }

  const names = (actors) => (actors || []).map((a) => a.name).join("; ");
  const splitNames = (s) => s.split(";").map((x) => x.trim()).filter(Boolean);

  function openCorrection() {
    const ev = state.current.event;
    $("c-type").value = ev.type;
    $("c-start").value = ev.date.start; $("c-end").value = ev.date.end; $("c-precision").value = ev.date.precision;
    $("c-place").value = ev.location ? ev.location.name : "";
    $("c-place-chosen").textContent = "";
    $("c-place-results").replaceChildren();
    state.placeChoice = undefined;
    for (const k of ["killed", "injured", "captured", "arrested", "displaced"]) {
      const c = (ev.counts || {})[k];
      $("c-" + k).value = c ? c.value : "";
    }
    $("c-actors").value = names(ev.actors); $("c-recipients").value = names(ev.recipients);
    $("c-claim").value = ev.claim.status; $("c-claimants").value = names(ev.claim.claimants);
    $("c-note").value = "";
    $("correct-form").hidden = false;
  }

  async function searchPlace() {
    const q = $("c-place").value.trim();
    const list = $("c-place-results");
    list.replaceChildren();
    showEmpty(list, false);
    if (q.length < 2) return;
    try {
      const data = await getJSON("/api/places", new URLSearchParams({ q }));
      showEmpty(list, !data.places.length && "no such place in the gazetteer");
      for (const p of data.places) {
        const b = el("button", { text: [p.name, p.admin1, p.country].filter(Boolean).join(", ") + ` (${p.feature})` });
        b.type = "button";
        b.addEventListener("click", () => {
          state.placeChoice = p;
          $("c-place").value = p.name;
          $("c-place-chosen").textContent = `chosen: ${p.name} ${p.lat.toFixed(3)}, ${p.lon.toFixed(3)}`;
          list.replaceChildren();
        });
        list.appendChild(el("li", {}, [b]));
      }
    } catch (e) {
      showEmpty(list, "look-up failed: " + e.message);
    }
  }

  function corrections() {
    const ev = state.current.event, changes = {};
    if ($("c-type").value !== ev.type) changes.type = $("c-type").value;
    const date = { start: $("c-start").value, end: $("c-end").value, precision: $("c-precision").value };
    if (date.start !== ev.date.start || date.end !== ev.date.end || date.precision !== ev.date.precision) changes.date = date;
    if (state.placeChoice) changes.location = state.placeChoice;
    else if (!$("c-place").value.trim() && ev.location) changes.location = null;
    const counts = {};
    for (const k of ["killed", "injured", "captured", "arrested", "displaced"]) {
      const old = (ev.counts || {})[k], v = $("c-" + k).value.trim();
      if (v !== (old ? String(old.value) : "")) counts[k] = v === "" ? null : Number(v);
    }
    if (Object.keys(counts).length) changes.counts = counts;
    if ($("c-actors").value.trim() !== names(ev.actors)) changes.actors = splitNames($("c-actors").value);
    if ($("c-recipients").value.trim() !== names(ev.recipients)) changes.recipients = splitNames($("c-recipients").value);
    const claim = {};
    if ($("c-claim").value !== ev.claim.status) claim.status = $("c-claim").value;
    if ($("c-claimants").value.trim() !== names(ev.claim.claimants)) claim.claimants = splitNames($("c-claimants").value);
    if (Object.keys(claim).length) changes.claim = claim;
    return changes;
  }

  // ------------------------------------------------------------------ exports
  async function download(kind) {
    const path = kind === "gold" ? "/api/export/gold.jsonl" : "/api/export." + kind;
    try {
      const blob = await (await api(path, kind === "gold" ? null : filterParams({ bbox: true }))).blob();
      const a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = kind === "gold" ? "eventwire-gold.jsonl" : "eventwire-events." + kind;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (e) {
      setStatus("export failed: " + e.message);
    }
  }

  // ------------------------------------------------------------------ wiring
  function wire() {
    $("filters").addEventListener("submit", (ev) => {
      ev.preventDefault();
      state.selection = $("f-since").value || $("f-until").value
        ? { since: $("f-since").value || (state.byDay[0] || {}).day, until: $("f-until").value || (state.byDay.at(-1) || {}).last }
        : null;
      showSelection();
      refresh(true);
    });
    $("f-clear").addEventListener("click", () => { $("filters").reset(); state.selection = null; showSelection(); refresh(true); });
    // Background (historical) events reach back decades: the page opens on current events and
    // this button brings the background period in or takes it out again.
    $("t-background").addEventListener("click", () => {
      $("f-historical").value = $("f-historical").value === "false" ? "" : "false";
      showSelection();
      refresh(true);
    });
    $("f-bbox").addEventListener("change", () => loadList(true));
    $("more").addEventListener("click", () => loadList(false));
    $("panel-close").addEventListener("click", () => { showPanel(false); history.replaceState(null, "", location.pathname); });
    $("btn-accept").addEventListener("click", () => sendReview("accept"));
    $("btn-reject").addEventListener("click", () => sendReview("reject"));
    $("btn-correct").addEventListener("click", openCorrection);
    $("c-cancel").addEventListener("click", () => { $("correct-form").hidden = true; });
    $("c-place-search").addEventListener("click", searchPlace);
    $("c-place").addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); searchPlace(); } });
    $("correct-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const changes = corrections();
      if (!Object.keys(changes).length) { $("review-msg").textContent = "nothing changed"; return; }
      sendReview("correct", changes, $("c-note").value.trim());
    });
    for (const b of document.querySelectorAll("[data-export]")) b.addEventListener("click", () => download(b.dataset.export));
    window.addEventListener("resize", drawTimeline);
    $("reviewer").value = localStorage.getItem("eventwire.reviewer") || "";
    $("token").value = sessionStorage.getItem("eventwire.token") || "";
  }

  // For tests and the curious: the map and the markers as they are drawn.
  window.ewDebug = {
    get map() { return map; },
    get cluster() { return cluster; },
    points: () => state.points,
    timeline: () => ({ range: timelineRange(), width: canvas.clientWidth, days: state.byDay.length }),
    xOf: (iso) => { const r = timelineRange(); return r ? xOfDay(dayNum(iso), r, canvas.clientWidth) : null; },
    ready: false,
  };

  async function start() {
    wire();
    try { state.config = await getJSON("/api/config"); } catch (e) { state.config = {}; }
    $("reviewer-box").hidden = !state.config.writes_enabled && !state.config.read_token_required;
    try { await loadFamilies(); } catch (e) { setStatus("could not load the type colours: " + e.message); }
    await initMap();
    try { await loadFacets(); } catch (e) { setStatus("could not load filters: " + e.message); }
    showSelection();
    await refresh(true, true);
    const m = /^#event=(.+)$/.exec(location.hash);
    if (m) await openEvent(decodeURIComponent(m[1]));
    window.ewDebug.ready = true;
    document.body.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

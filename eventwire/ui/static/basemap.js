// The map's offline basemap: country shapes, admin-1 boundaries and place names that appear
// as one zooms in. Data comes from static/vendor/geo/ (built from npm packages at `npm ci`, see
// geodata.mjs): index.json with the page, one file per country once the map is zoomed in on it.
// Names are put in with textContent only.
"use strict";

window.ewBasemap = (function () {
  const GEO = "/static/vendor/geo/";
  const ADMIN1_ZOOM = 5;       // admin-1 boundaries from this zoom on
  const ADMIN1_LABEL_ZOOM = 6;
  const MAX_LABELS = 220;
  // the zoom from which a place of so many people is named; capitals two steps earlier
  const CITY_ZOOMS = [[5e6, 3], [1e6, 4], [3e5, 5], [1e5, 6], [3e4, 8], [1e4, 9], [3e3, 10], [0, 11]];
  // the zoom from which a country of so much area (square degrees, latitude-scaled) is named
  const COUNTRY_ZOOMS = [[150, 2], [20, 3], [2, 4], [0, 5]];
  const LAST_COUNTRY_ZOOM = 7;
  const LAND = "#f3f0e8";

  let map = null, index = null, admin1 = null, labels = null;
  const countries = new Map();  // cc -> {labels, towns} once loaded, or a pending promise

  const minZoom = (table, v) => table.find(([n]) => v >= n)[1];

  // Rings that cross the antimeridian (Russia's far east, Fiji) continue past 180° instead of
  // jumping back, which Leaflet would draw as a line across the world.
  function unwrap(fc) {
    const ring = (r) => {
      let shift = 0;
      return r.map((pt, i) => {
        if (i) {
          const d = pt[0] + shift - r[i - 1][0] - prev;
          if (d > 180) shift -= 360; else if (d < -180) shift += 360;
        }
        prev = shift;
        return [pt[0] + shift, pt[1]];
      });
    };
    let prev = 0;
    const rings = (rs) => rs.map((r) => { prev = 0; return ring(r); });
    for (const f of fc.features) {
      const g = f.geometry;
      if (g && (g.type === "Polygon" || g.type === "MultiLineString")) g.coordinates = rings(g.coordinates);
      if (g && g.type === "MultiPolygon") g.coordinates = g.coordinates.map(rings);
    }
    return fc;
  }

  function pane(name, z) {
    const p = map.createPane(name);
    p.style.zIndex = String(z);
    p.style.pointerEvents = "none";
    return name;
  }

  // A point's copy (lon, lon ± 360) inside the bounds, or null.
  function inView(bounds, lat, lon) {
    for (const l of [lon, lon - 360, lon + 360]) if (bounds.contains([lat, l])) return L.latLng(lat, l);
    return null;
  }

  function boxInView(bounds, b) {
    const [w, s, e, n] = b;
    for (const shift of [0, -360, 360]) {
      if (bounds.intersects(L.latLngBounds([s, w + shift], [n, e + shift]))) return true;
    }
    return false;
  }

  async function loadCountry(cc) {
    if (countries.has(cc)) return;
    const pending = fetch(GEO + cc + ".json").then((r) => r.json()).then((data) => {
      // Only the lines between two units of the country: its outline is the countries layer's,
      // which one file for all countries keeps the same on both sides of a border.
      const t = data.admin1;
      for (const o of Object.values(t ? t.objects : {})) {
        const inner = { features: [{ geometry: topojson.mesh(t, o, (a, b) => a !== b) }] };
        L.geoJSON(unwrap(inner).features[0].geometry, { pane: "ewAdmin1", interactive: false,
          style: { color: "#9a8fae", weight: 1, dashArray: "5 3", fill: false } }).addTo(admin1);
      }
      countries.set(cc, { labels: data.labels, towns: data.towns });
      render();
    }).catch(() => countries.delete(cc));
    countries.set(cc, pending);
    return pending;
  }

  function candidates(zoom, bounds) {
    const out = [];
    const add = (kind, name, lat, lon, rank) => {
      const at = inView(bounds, lat, lon);
      if (at) out.push({ kind, name, at, rank });
    };
    if (zoom <= LAST_COUNTRY_ZOOM) {
      for (const [name, lat, lon, area] of index.countries) {
        if (zoom >= minZoom(COUNTRY_ZOOMS, area)) add("country", name, lat, lon, zoom <= 5 ? 3e9 + area : area);
      }
    }
    for (const [name, lat, lon, pop, capital] of index.cities) {
      if (zoom >= minZoom(CITY_ZOOMS, pop) - (capital ? 2 : 0)) add("city", name, lat, lon, 1e9 + pop + (capital ? 1e8 : 0));
    }
    for (const c of countries.values()) {
      if (!c.labels) continue;
      if (zoom >= ADMIN1_LABEL_ZOOM) for (const [name, lat, lon, area] of c.labels) add("region", name, lat, lon, 5e8 + area);
      for (const [name, lat, lon, pop] of c.towns) {
        if (zoom < minZoom(CITY_ZOOMS, pop)) break;  // towns are sorted by people
        add("town", name, lat, lon, pop);
      }
    }
    return out.sort((a, b) => b.rank - a.rank);
  }

  // Greedy placement: the higher-ranked name wins where two would overlap.
  function render() {
    if (!map || !index) return;
    const zoom = Math.round(map.getZoom()), bounds = map.getBounds().pad(0.05);
    if (zoom >= ADMIN1_ZOOM) {
      for (const [cc, b] of Object.entries(index.areas)) if (b && boxInView(bounds, b)) loadCountry(cc);
      if (!map.hasLayer(admin1)) admin1.addTo(map);
    } else if (map.hasLayer(admin1)) {
      map.removeLayer(admin1);
    }
    const placed = [], layers = [];
    for (const c of candidates(zoom, bounds)) {
      if (placed.length >= MAX_LABELS) break;
      const p = map.latLngToContainerPoint(c.at);
      const size = c.kind === "country" ? 13 : c.kind === "city" ? 12 : 11;
      const w = c.name.length * size * 0.58 + 8, h = size + 6;
      const centred = c.kind === "country" || c.kind === "region";
      const r = centred ? { x0: p.x - w / 2, y0: p.y - h / 2, x1: p.x + w / 2, y1: p.y + h / 2 }
                        : { x0: p.x - 4, y0: p.y - h / 2, x1: p.x + w, y1: p.y + h / 2 };
      if (placed.some((q) => r.x0 < q.x1 && q.x0 < r.x1 && r.y0 < q.y1 && q.y0 < r.y1)) continue;
      placed.push(r);
      const text = document.createElement("span");
      text.textContent = c.name;
      text.dataset.kind = c.kind;
      layers.push(L.marker(c.at, {
        pane: "ewLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "ew-label ew-label-" + c.kind, html: text, iconSize: null }),
      }));
    }
    labels.clearLayers();
    for (const l of layers) labels.addLayer(l);
  }

  async function init(m) {
    map = m;
    pane("ewBase", 250);
    pane("ewAdmin1", 260);
    pane("ewLabels", 390);  // under the markers (overlay pane, 400), over the land
    admin1 = L.layerGroup();
    labels = L.layerGroup().addTo(map);
    map.attributionControl.addAttribution("Natural Earth; GeoNames");
    const [topo, idx] = await Promise.all([
      fetch("/static/vendor/countries-50m.json").then((r) => r.json()),
      fetch(GEO + "index.json").then((r) => r.json()),
    ]);
    L.geoJSON(unwrap(topojson.feature(topo, topo.objects.countries)), {
      pane: "ewBase", interactive: false,
      style: { color: "#7d8a96", weight: 0.8, fillColor: LAND, fillOpacity: 1 },
    }).addTo(map);
    index = idx;
    map.on("moveend zoomend", render);
    render();
  }

  // for tests: the names on the map now, by kind
  function shown() {
    return [...document.querySelectorAll(".ew-label span")].map((e) => [e.dataset.kind, e.textContent]);
  }

  return { init, shown, loaded: () => [...countries.entries()].filter(([, v]) => v.labels).map(([k]) => k) };
})();

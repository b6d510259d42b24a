// Copy the dist files the page needs from node_modules into static/vendor/ (run by `npm ci`).
import { copyFileSync, cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildGeo } from "./geodata.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "static", "vendor");
const files = {
  "leaflet/dist/leaflet.js": "leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet.css",
  "leaflet.markercluster/dist/leaflet.markercluster.js": "leaflet.markercluster.js",
  "leaflet.markercluster/dist/MarkerCluster.css": "MarkerCluster.css",
  "leaflet.markercluster/dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
  "topojson-client/dist/topojson-client.min.js": "topojson-client.min.js",
  "world-atlas/countries-50m.json": "countries-50m.json",
  "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui-bundle.js",
  "swagger-ui-dist/swagger-ui.css": "swagger-ui.css",
};
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  copyFileSync(join(here, "node_modules", from), join(out, to));
}
cpSync(join(here, "node_modules", "leaflet", "dist", "images"), join(out, "images"), { recursive: true });
const geo = buildGeo(join(here, "node_modules"), join(out, "geo"));
console.log(`eventwire-ui: ${Object.keys(files).length} files copied to ${out}; basemap labels: `
            + `${geo.countries} countries, ${geo.cities} cities, ${geo.areas} countries' admin-1 and towns`);

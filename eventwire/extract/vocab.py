"""The extraction vocabularies: YAML files in `data/`, read once per process."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """`data/<name>.yaml` as read; callers derive their own indexes and must not mutate it."""
    with open(DATA / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)

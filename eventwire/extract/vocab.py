"""The extraction vocabularies: YAML files in `data/`, read once per process."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
# libyaml's parser when PyYAML was built with it: the same data, ten times faster to read
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """`data/<name>.yaml` as read; callers derive their own indexes and must not mutate it."""
    with open(DATA / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=LOADER)  # noqa: S506 (a safe loader)

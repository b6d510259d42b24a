"""`eventwire run` killed with SIGKILL at random points leaves a sound store with no document
holding part of its events, and a re-run ends equal to an uninterrupted run (SQLite and
PostgreSQL). A short version of `scripts/crash_test.py`, which CI runs with more kills."""
from __future__ import annotations

import random

import pytest

from .test_concurrency import crash_test

KILLS = 2


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_run_killed_at_random_points_loses_and_doubles_nothing(kind, nlp, request):
    pg_admin = request.getfixturevalue("pg_admin") if kind == "postgresql" else crash_test.PG_ADMIN
    lines: list[str] = []
    out = crash_test.trials(kind, KILLS, KILLS, random.Random(), pg_admin=pg_admin, log=lines.append, nlp=nlp)
    assert out["documents"] >= 5 and out["canonical_events"] > 0
    report = "\n".join(lines)
    assert out["kills_with_problems"] == 0, report
    assert out["trials"] and out["trials_converged"] == len(out["trials"]), report

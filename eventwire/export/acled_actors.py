"""ACLED's actor columns (actor1/2, assoc_actor_1/2, inter1/2, interaction) from coded actors.

ACLED names state actors by country and government ("Military Forces of Russia (2000-)"),
unnamed armed actors and civilians by country ("Unidentified Armed Group (Ukraine)",
"Civilians (Tunisia)"); named groups keep their name. Patterns: `acled_names.yaml`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from ..geo import countries
from ..models import Actor, Event


@lru_cache(maxsize=1)
def table() -> dict:
    data = yaml.safe_load(Path(__file__).with_name("acled_names.yaml").read_text(encoding="utf-8"))
    data["country_name"] = {c["iso3"]: c["name"] for c in countries().values()}
    return data


def _since(iso3: str, day: str) -> str:
    years = [y for start, y in table()["governments"].get(iso3, ()) if start <= day]
    return f" ({years[-1]}-)" if years else ""


def acled_name(actor: Actor, event: Event) -> str:
    t = table()
    country = t["country_name"].get(actor.country or "")
    if actor.group:
        return actor.group
    pattern = None
    if event.type == "PROTEST" and actor.sector in ("CVL", "PTY", "UNK"):
        pattern = t["protest"]["riot" if "riot" in event.mode else "demo"]
    elif actor.sector in t["names"] and not (actor.sector in ("GOV", "PTY") and not country):
        pattern = t["names"][actor.sector]
    if pattern is None or country is None:
        return actor.name
    return pattern.format(country=country, since=_since(actor.country, event.date.start))


def inter(actor: Optional[Actor], event: Event, role: str) -> Optional[int]:
    if actor is None:
        return None
    if event.type == "PROTEST" and role == "actor" and actor.sector in ("CVL", "PTY", "UNK"):
        return 5 if "riot" in event.mode else 6
    return table()["inter"].get(actor.sector)


def _names(actors: list[Actor], event: Event) -> Optional[str]:
    return "; ".join(dict.fromkeys(acled_name(a, event) for a in actors)) or None


def actor_columns(event: Event) -> dict:
    """The seven ACLED actor columns of one event."""
    a1 = event.actors[0] if event.actors else None
    a2 = event.recipients[0] if event.recipients else None
    i1, i2 = inter(a1, event, "actor"), inter(a2, event, "recipient")
    codes = sorted(x for x in (i1, i2) if x)
    # ACLED writes a one-sided event's interaction as the code followed by 0 ("60" protesters alone)
    interaction = int("".join(map(str, codes))) if len(codes) == 2 else (codes[0] * 10 if codes else None)
    return {"actor1": acled_name(a1, event) if a1 else None, "assoc_actor_1": _names(event.actors[1:], event),
            "inter1": i1,
            "actor2": acled_name(a2, event) if a2 else None, "assoc_actor_2": _names(event.recipients[1:], event),
            "inter2": i2, "interaction": interaction}

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


def _country(actor: Actor, event: Event) -> Optional[str]:
    """The actor's country (ISO alpha-3), or where the event happened for the parties ACLED
    names by place."""
    iso3 = actor.country
    if iso3 is None and actor.sector in table()["local_sectors"] and event.location is not None \
            and event.location.country:
        iso3 = countries().get(event.location.country, {}).get("iso3")
    return iso3


def _protester(actor: Actor, event: Event) -> bool:
    return event.type == "PROTEST" and actor.sector in ("CVL", "PTY", "UNK")


def _organiser(actor: Actor) -> Optional[str]:
    """The named organisation or person behind protesters ("Black Lives Matter"), if any; not
    a common noun that opens a sentence ("Protesters")."""
    from ..extract.actors import dictionary

    last = actor.name.split()[-1].lower() if actor.name else ""
    common = last in dictionary()["noun_sector"] or last.rstrip("s") in dictionary()["noun_sector"]
    return actor.group or (actor.name if actor.name[:1].isupper() and not common else None)


def coded_sector(actor: Actor, event: Event) -> str:
    """The sector ACLED codes the actor under in this event: the state's military for its
    violence, an unidentified armed group for an attacker who is no state or named group."""
    t = table()
    if event.type == "ASSAULT" and actor in event.actors:
        if actor.sector == "GOV":
            return t["violence_by_state"]
        if actor.sector not in t["inter"] or (t["inter"][actor.sector] >= 7 and not actor.group):
            return t["attacker"]
    return actor.sector


def acled_name(actor: Actor, event: Event) -> str:
    t = table()
    iso3 = _country(actor, event)
    country = t["country_name"].get(iso3 or "")
    sector = coded_sector(actor, event)
    if _protester(actor, event):
        pattern = t["protest"]["riot" if "riot" in event.mode else "demo"]
    elif actor.group and sector not in t["state_sectors"]:
        return actor.group
    elif sector in t["names"] and not (sector in ("GOV", "PTY") and not country):
        pattern = t["names"][sector]
    else:
        pattern = None
    if pattern is None or country is None:
        return actor.group or actor.name
    name = pattern.format(country=country, since=_since(iso3, event.date.start))
    return f"{name} {actor.group}" if actor.group and sector in t["state_sectors"] else name


def inter(actor: Optional[Actor], event: Event, role: str) -> Optional[int]:
    if actor is None:
        return None
    if role == "actor" and _protester(actor, event):
        return 5 if "riot" in event.mode else 6
    sector = coded_sector(actor, event)
    if sector == "REB" and not actor.group:
        return table()["unnamed_rebel_inter"]
    return table()["inter"].get(sector)


def _names(actors: list[Actor], event: Event, main: Optional[str]) -> Optional[str]:
    """The associated actors' names, each once and none repeating the main actor's; a protest's
    organisations by their own names."""
    names = [(_organiser(a) if _protester(a, event) else None) or acled_name(a, event) for a in actors]
    return "; ".join(n for n in dict.fromkeys(names) if n != main) or None


def actor_columns(event: Event) -> dict:
    """The seven ACLED actor columns of one event."""
    a1 = event.actors[0] if event.actors else None
    a2 = event.recipients[0] if event.recipients else None
    i1, i2 = inter(a1, event, "actor"), inter(a2, event, "recipient")
    codes = sorted(x for x in (i1, i2) if x)
    # ACLED writes a one-sided event's interaction as the code followed by 0 ("60" protesters alone)
    interaction = int("".join(map(str, codes))) if len(codes) == 2 else (codes[0] * 10 if codes else None)
    n1 = acled_name(a1, event) if a1 else None
    n2 = acled_name(a2, event) if a2 else None
    # a protest's first organisation is associated with the protesters it names ("BLM" with
    # "Protesters (United Kingdom)")
    assoc1 = event.actors if a1 is not None and _protester(a1, event) and _organiser(a1) else event.actors[1:]
    return {"actor1": n1, "assoc_actor_1": _names(assoc1, event, n1), "inter1": i1,
            "actor2": n2, "assoc_actor_2": _names(event.recipients[1:], event, n2), "inter2": i2,
            "interaction": interaction}

"""The one PLOVER -> ACLED mapping (SPEC 4), used by extraction, review and exports."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from ..models import Acled, Actor
from . import vocab


def _by_mode(table: dict, mode: tuple[str, ...]) -> Optional[tuple[str, Optional[str]]]:
    """The entry of the first listed mode, else the table's `_default`, else None."""
    for key in [*mode, "_default"]:
        if key in table:
            return table[key][0], table[key][1]
    return None


def acled_for(type_: str, mode: list[str], recipients: list[Actor]) -> Optional[Acled]:
    found = acled_types(type_, tuple(mode), frozenset(r.sector for r in recipients))
    return Acled(event_type=found[0], sub_event_type=found[1]) if found else None


@lru_cache(maxsize=4096)
def acled_types(type_: str, mode: tuple[str, ...], targets: frozenset[str]) -> Optional[tuple[str, Optional[str]]]:
    """ACLED's (event type, sub-event type) of an event of PLOVER `type_` and `mode` whose
    recipients are of the sectors `targets`; computed once per distinct input (an export
    reads it for every row)."""
    onto = vocab.load("acled")
    if type_ != "ASSAULT":
        return _by_mode(onto["acled"].get(type_) or {}, mode)
    found = _by_mode(onto["assault_acled"], mode)
    if found:
        return found
    armed = set(onto["armed_sectors"])
    if "abduct" in mode:
        if targets and targets <= armed:
            return "Battles", "Armed clash"
        return "Violence against civilians", "Abduction/forced disappearance"
    if targets and not targets & armed:
        return "Violence against civilians", "Attack"
    return "Battles", "Armed clash"

"""The one PLOVER -> ACLED mapping (SPEC 4), used by extraction, review and exports."""
from __future__ import annotations

from typing import Optional

from ..models import Acled, Actor
from . import vocab


def _by_mode(table: dict, mode: list[str]) -> Optional[Acled]:
    """The entry of the first listed mode, else the table's `_default`, else None."""
    for key in [*mode, "_default"]:
        if key in table:
            return Acled(event_type=table[key][0], sub_event_type=table[key][1])
    return None


def acled_for(type_: str, mode: list[str], recipients: list[Actor]) -> Optional[Acled]:
    onto = vocab.load("acled")
    if type_ != "ASSAULT":
        return _by_mode(onto["acled"].get(type_) or {}, mode)
    found = _by_mode(onto["assault_acled"], mode)
    if found:
        return found
    armed = set(onto["armed_sectors"])
    targets = {r.sector for r in recipients}
    if "abduct" in mode:
        if targets and targets <= armed:
            return Acled(event_type="Battles", sub_event_type="Armed clash")
        return Acled(event_type="Violence against civilians", sub_event_type="Abduction/forced disappearance")
    if targets and not targets & armed:
        return Acled(event_type="Violence against civilians", sub_event_type="Attack")
    return Acled(event_type="Battles", sub_event_type="Armed clash")

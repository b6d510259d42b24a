"""The one PLOVER -> ACLED mapping (SPEC 4), used by extraction, review and exports."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from ..models import Acled, Actor
from . import vocab


@lru_cache(maxsize=1)
def mapping() -> dict:
    return vocab.load("acled")


def acled_for(type_: str, mode: list[str], recipients: list[Actor]) -> Optional[Acled]:
    onto = mapping()
    if type_ == "ASSAULT":
        for m in mode:
            if m in onto["assault_acled"]:
                return Acled(event_type=onto["assault_acled"][m][0], sub_event_type=onto["assault_acled"][m][1])
        armed = set(onto["armed_sectors"])
        targets = {r.sector for r in recipients}
        if "abduct" in mode:
            if targets and targets <= armed:
                return Acled(event_type="Battles", sub_event_type="Armed clash")
            return Acled(event_type="Violence against civilians", sub_event_type="Abduction/forced disappearance")
        if targets and not targets & armed:
            return Acled(event_type="Violence against civilians", sub_event_type="Attack")
        return Acled(event_type="Battles", sub_event_type="Armed clash")
    table = onto["acled"].get(type_)
    if not table:
        return None
    for m in mode:
        if m in table:
            return Acled(event_type=table[m][0], sub_event_type=table[m][1])
    if "_default" in table:
        return Acled(event_type=table["_default"][0], sub_event_type=table["_default"][1])
    return None

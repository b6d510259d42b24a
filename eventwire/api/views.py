"""What the API returns: stored rows made readable, an event's fields beside their words, and a
document's text cut into segments under the spans that cover them."""
from __future__ import annotations

import json
from typing import Optional

from ..store.schema import COUNT_KINDS

JSON_COLUMNS = ("mode", "context")
# the raw record; PostgreSQL's full-text column (a tsvector per event, not data)
HIDDEN = ("record", "seq", "fts")


def event_out(row: dict) -> dict:
    """One stored event without its raw record, JSON columns parsed."""
    out = {k: v for k, v in row.items() if k not in HIDDEN}
    for c in JSON_COLUMNS:
        if isinstance(out.get(c), str):
            out[c] = json.loads(out[c])
    return out


def _span_words(evidence: list[dict], field: str) -> list[dict]:
    return [{"start": e["span_start"], "end": e["span_end"], "text": e["text"]}
            for e in evidence if e["field"] == field]


def _names(actors: list[dict]) -> str:
    return "; ".join(a["name"] + (f" ({a['country']}, {a['sector']})" if a.get("country") else "") for a in actors)


def fields(record: dict, evidence: list[dict]) -> list[dict]:
    """Each coded field, its value as a coder reads it, and the words it came from."""
    out = []

    def add(field: str, label: str, value: Optional[str], words: list[dict]) -> None:
        if value not in (None, ""):
            out.append({"field": field, "label": label, "value": value, "words": words})

    acled = record.get("acled") or {}
    kind = record["type"] + (f" / {', '.join(record['mode'])}" if record.get("mode") else "")
    add("trigger", "type", kind + (f" — ACLED {acled['event_type']}" + (f": {acled['sub_event_type']}"
                                   if acled.get("sub_event_type") else "") if acled else ""),
        _span_words(evidence, "trigger"))
    d = record["date"]
    add("date", "date", (d["start"] if d["start"] == d["end"] else f"{d['start']} .. {d['end']}")
        + f" (precision {d['precision']}, from {d['basis']})", _span_words(evidence, "date"))
    loc = record.get("location")
    if loc:
        where = ", ".join(x for x in (loc["name"], loc.get("admin1") if loc.get("admin1") != loc["name"] else None,
                                      loc.get("country")) if x)
        coords = f" at {loc['lat']:.4f}, {loc['lon']:.4f}" if loc.get("lat") is not None else ""
        add("location", "place", f"{where} ({loc['feature']}{', GeoNames ' + str(loc['geonameid']) if loc.get('geonameid') else ''}){coords}",
            _span_words(evidence, "location"))
    add("actor", "actors", _names(record.get("actors") or []), _span_words(evidence, "actor"))
    add("recipient", "recipients", _names(record.get("recipients") or []), _span_words(evidence, "recipient"))
    for k in COUNT_KINDS:
        c = (record.get("counts") or {}).get(k)
        if c:
            add(k, k, f"{c['value']} ({c['qualifier']})", _span_words(evidence, k))
    claim = record.get("claim") or {}
    add("claimant", "claim", claim.get("status", "reported")
        + (f" by {_names(claim['claimants'])}" if claim.get("claimants") else "")
        + (f" via {claim['channel']}" if claim.get("channel") else ""), _span_words(evidence, "claimant"))
    if record.get("historical"):
        add("historical", "historical", "background, ended over 30 days before publication", [])
    return out


def segments(text: str, spans: list[dict]) -> list[dict]:
    """The text cut at every span boundary; each piece lists the fields (and events) over it,
    so that a page can mark it without parsing anything."""
    cuts = {0, len(text)}
    for s in spans:
        cuts.update((max(0, min(len(text), s["start"])), max(0, min(len(text), s["end"]))))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        over = [s for s in spans if s["start"] <= a and b <= s["end"]]
        piece = {"start": a, "end": b, "text": text[a:b]}
        if over:
            piece["fields"] = sorted({s["field"] for s in over})
            piece["events"] = sorted({s["event_id"] for s in over})
        out.append(piece)
    return out

"""Analysts' review of stored events: accept, correct or reject, each change kept with who,
when and the value before; reviewed documents exported as gold annotations (SPEC 9).

A correction rewrites the event's SPEC record (the `record` column) and the columns derived
from it, so that lists, exports and dedup read the corrected values; the `reviews` table keeps
the history."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any, Iterator, Optional

from ..models import Event
from .base import Store
from .rows import _actor_rows, event_actors, event_row, spec_id
from .schema import COUNT_KINDS

ACTIONS = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}
# What an analyst may correct, as SPEC event keys.
CORRECTABLE = ("type", "mode", "date", "location", "counts", "actors", "recipients", "claim", "historical")
# Corrections that move an event between duplicate groups.
REGROUP = frozenset({"type", "date", "location", "actors", "recipients"})
PLACE_KEYS = ("name", "geonameid", "lat", "lon", "feature", "country", "admin1", "admin2")


class ReviewError(ValueError):
    """A review that cannot be applied: unknown event, action or field, or an invalid value."""


def _anchor(record: dict) -> dict:
    """Where a value typed by an analyst points in the text: the trigger, else the first evidence."""
    return dict(record.get("trigger") or record["evidence"][0])


def _words(text: str, span: dict) -> str:
    return text[span["start"]:span["end"]]


def _actors(value: Any, old: list[dict], text: str, anchor: dict) -> list[dict]:
    """Actors from names or {name, country, sector}; one already there keeps its words."""
    by_name = {a["name"]: a for a in old}
    out = []
    for item in value or []:
        item = {"name": item} if isinstance(item, str) else dict(item)
        name = str(item.get("name") or "").strip()
        if not name:
            continue
        base = dict(by_name.get(name) or {"text": _words(text, anchor) or name, "span": anchor})
        base.update({k: v for k, v in item.items() if k in ("country", "sector", "group")})
        base["name"] = name
        base.setdefault("sector", "UNK")
        out.append(base)
    return out


def _corrected(field: str, value: Any, record: dict, text: str) -> Any:
    """The record's new value for `field`, merged over the old one where partial."""
    old = record.get(field)
    anchor = _anchor(record)
    if field in ("type", "historical"):
        return value
    if field == "mode":
        return [str(m) for m in (value or [])]
    if field == "date":
        return {**old, **{k: value[k] for k in ("start", "end", "precision") if k in value}}
    if field == "location":
        if value is None:
            return None
        place = {k: value.get(k) for k in PLACE_KEYS}
        place["feature"] = place["feature"] or "other"
        span = (old or {}).get("span") or anchor
        return {**place, "text": (old or {}).get("text") or _words(text, span) or place["name"], "span": span}
    if field == "counts":
        counts = dict(old or {})
        for kind, count in value.items():
            if kind not in COUNT_KINDS:
                raise ReviewError(f"unknown count {kind!r}; one of {', '.join(COUNT_KINDS)}")
            if count is None or count == "":
                counts[kind] = None
                continue
            count = {"value": count} if isinstance(count, (int, str)) else dict(count)
            before = counts.get(kind) or {"text": _words(text, anchor), "span": anchor, "qualifier": "exact"}
            counts[kind] = {**before, "value": int(count["value"]),
                            "qualifier": count.get("qualifier") or before.get("qualifier") or "exact"}
        return counts
    if field in ("actors", "recipients"):
        return _actors(value, old or [], text, anchor)
    if field == "claim":
        claim = dict(old or {})
        if "status" in value:
            claim["status"] = value["status"]
        if "channel" in value:
            claim["channel"] = value["channel"] or None
        if "claimants" in value:
            claim["claimants"] = _actors(value["claimants"], claim.get("claimants") or [], text, anchor)
        return claim
    raise ReviewError(f"cannot correct {field!r}; one of {', '.join(CORRECTABLE)}")


def _rewrite(store: Store, row: dict, event: Event, text: str) -> None:
    """The event's row and actors from its corrected record (its evidence is read from it)."""
    from ..extract.acled import acled_for

    event.acled = acled_for(event.type, event.mode, event.recipients)
    folded = event_actors(event)
    new = event_row(event, row["doc_hash"], row["seq"], text, folded=folded)
    columns = [c for c in new if c not in ("id", "doc_hash", "seq", "canonical_id")]
    store.count_words("id = ?", [row["id"]], -1)
    store.execute(f"UPDATE events SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                  [new[c] for c in columns] + [row["id"]])
    store.count_words("id = ?", [row["id"]])
    store.keep_actor_sets({new["actor_set"]: folded} if folded else {})
    store.tally([row], -1)  # the summary tables count the corrected event, not the old one
    store.tally([new])
    store.execute("DELETE FROM actors WHERE event_id = ?", [row["id"]])
    actors = [a for role, group in (("actor", event.actors), ("recipient", event.recipients),
                                    ("claimant", event.claim.claimants))
              for a in _actor_rows(row["id"], role, group)]
    store.insert("actors", actors)


def review(store: Store, event_id: str, reviewer: str, action: str,
           changes: Optional[dict] = None, note: Optional[str] = None) -> list[dict]:
    """Record one analyst's decision on an event; returns the review rows written.

    `changes` (for `correct`) maps SPEC event keys to new values: `type`, `mode`, `date`
    ({start, end, precision}), `location` ({name, lat, lon, geonameid, feature, country, admin1}
    or null), `counts` ({killed: 3 or {value, qualifier} or null, ...}), `actors` and
    `recipients` (names or {name, country, sector}), `claim` ({status, claimants, channel}),
    `historical`."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise ReviewError("a review needs the reviewer's name")
    changes = changes or {}
    if action == "correct" and not changes:
        raise ReviewError("a correction needs at least one changed field")
    if action != "correct" and changes:
        raise ReviewError(f"{action} takes no changes; use correct")
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise ReviewError(f"cannot correct {', '.join(unknown)}; one of {', '.join(CORRECTABLE)}")
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    with store.transaction():
        rows = store.query("SELECT e.*, d.text AS doc_text FROM events e JOIN documents d ON d.hash = e.doc_hash "
                           "WHERE e.id = ?", [event_id])
        if not rows:
            raise ReviewError(f"no event {event_id!r}")
        row = rows[0]
        text = row.pop("doc_text") or ""
        written = []
        regroup = False

        def log(field: Optional[str], before: Any, after: Any) -> None:
            written.append({"id": uuid.uuid4().hex, "event_id": event_id, "reviewer": reviewer, "reviewed_at": at,
                             "action": action, "field": field, "value_before": json.dumps(before, ensure_ascii=False),
                             "value_after": json.dumps(after, ensure_ascii=False), "note": note})

        if action == "correct":
            record = json.loads(row["record"])
            for field in CORRECTABLE:
                if field not in changes:
                    continue
                before = record.get(field)
                try:
                    after = _corrected(field, changes[field], record, text)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    raise ReviewError(f"{field}: {exc}") from exc
                if after != before:
                    record[field] = after
                    log(field, before, after)
            try:
                event = Event.model_validate(record)
            except ValueError as exc:
                raise ReviewError(str(exc).splitlines()[0] + ": " + "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])) from exc
            if written:
                if regroup := bool(row["canonical_id"]) and any(w["field"] in REGROUP for w in written):
                    # the groups it was in or bore on, while the row still holds what they were made of
                    store._dissolve_around("e.id = ?", [event_id])
                _rewrite(store, row, event, text)
            else:
                log(None, row["review_status"], ACTIONS[action])  # confirmed as it was
        else:
            log(None, row["review_status"], ACTIONS[action])
        store.execute("UPDATE events SET review_status = ? WHERE id = ?", [ACTIONS[action], event_id])
        store.insert("reviews", written)
        if regroup:  # the corrected event may now report another event
            store.resolve()
    return written


def history(store: Store, event_id: Optional[str] = None, limit: int = 200) -> list[dict]:
    """Reviews, newest first (of one event, or of all), with values as JSON."""
    where, params = ("WHERE event_id = ?", [event_id]) if event_id else ("", [])
    rows = store.query(f"SELECT * FROM reviews {where} ORDER BY reviewed_at DESC, id LIMIT ?", params + [limit])
    for r in rows:
        for c in ("value_before", "value_after"):
            r[c] = json.loads(r[c]) if r[c] is not None else None
    return rows


def gold_records(store: Store) -> Iterator[dict]:
    """Every document with a reviewed event as a gold record (SPEC 9): accepted and corrected
    events as they now stand, rejected ones left out, events nobody reviewed marked
    `optional` (a prediction that finds one is right; one that misses it is not wrong)."""
    hashes = [r["doc_hash"] for r in store.query(
        "SELECT DISTINCT doc_hash FROM events WHERE review_status IS NOT NULL ORDER BY doc_hash")]
    for h in hashes:
        doc = store.query("SELECT doc_id, date, title, source, url FROM documents WHERE hash = ?", [h])[0]
        events = []
        for row in store.query("SELECT record, review_status FROM events WHERE doc_hash = ? ORDER BY seq", [h]):
            if row["review_status"] == "rejected":
                continue
            event = json.loads(row["record"])
            event["id"] = spec_id(event["id"], doc["doc_id"])
            event["review_status"] = row["review_status"]
            if row["review_status"] is None:
                event["optional"] = True
            events.append(event)
        reviewers = sorted({r["reviewer"] for r in store.query(
            "SELECT DISTINCT r.reviewer FROM reviews r JOIN events e ON e.id = r.event_id WHERE e.doc_hash = ?", [h])})
        yield {**doc, "events": events, "places": [], "times": [], "reviewed_by": reviewers}

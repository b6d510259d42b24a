"""Stored events as rows in ACLED's column names plus ours (`columns.yaml`), and the four
export formats: JSON Lines (SPEC document records), CSV, GeoJSON (RFC 7946) and Parquet."""
from __future__ import annotations

import csv
import json
from datetime import date, datetime
from functools import lru_cache
from itertools import groupby, islice
from pathlib import Path
from typing import Iterable, Iterator, Optional, TextIO

import yaml

from ..geo import countries
from .acled_actors import actor_columns
from ..models import COUNT_KINDS, DocumentRecord, Event, Extractor
from ..store import EventQuery, Store
from ..store.rows import spec_id

FORMATS = ("jsonl", "csv", "geojson", "parquet")
TIME_PRECISION = {"day": 1, "week": 2, "reported": 2, "month": 3, "year": 3}
GEO_PRECISION = {"landmark": 1, "city": 1, "other": 1, "admin2": 2, "admin1": 3, "country": 3}
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Political violence; Demonstrations", "Strategic developments": "Strategic developments"}
PAGE = 500


@lru_cache(maxsize=1)
def columns() -> list[dict]:
    return yaml.safe_load((Path(__file__).with_name("columns.yaml")).read_text(encoding="utf-8"))["columns"]


def table_row(row: dict, evidence: list[dict]) -> dict:
    """One stored event (a row of `Store.events`) as an export row, typed per columns.yaml."""
    event = Event.model_validate_json(row["record"])
    country = countries().get(row["country"] or "", {})
    ingested = row.get("ingested_at")
    out = {
        "event_id_cnty": row["id"], "event_date": row["date_start"], "year": int(row["date_start"][:4]),
        "time_precision": TIME_PRECISION[row["date_precision"]],
        "disorder_type": DISORDER.get(row["event_type"] or ""), "event_type": row["event_type"],
        "sub_event_type": row["sub_event_type"],
        **actor_columns(event),
        "civilian_targeting": "Civilian targeting" if event.type == "ASSAULT" and any(
            a.sector == "CVL" for a in event.recipients) else None,
        "iso": country.get("isonumeric"), "country": country.get("name"),
        "admin1": row["admin1"], "admin2": row["admin2"], "location": row["place"],
        "latitude": row["lat"], "longitude": row["lon"], "geo_precision": GEO_PRECISION.get(row["feature"] or ""),
        "source": row.get("doc_source"), "notes": row["summary"], "fatalities": row["killed"] or 0,
        "timestamp": int(datetime.fromisoformat(ingested).timestamp()) if ingested else None,
        "plover_type": row["type"], "mode": "; ".join(event.mode) or None,
        "date_end": row["date_end"], "date_precision": row["date_precision"], "date_text": row["date_text"],
        "geonameid": row["geonameid"], "feature": row["feature"],
        "claim_status": row["claim_status"], "claimant": row["claimant"], "channel": row["channel"],
        "historical": bool(row["historical"]), "confidence": row["confidence"],
        "canonical_id": row["canonical_id"], "n_sources": row.get("n_sources"),
        "doc_id": row["doc_id"], "doc_date": row["doc_date"], "title": row["doc_title"], "url": row["doc_url"],
        "evidence": json.dumps([[e["field"], e["span_start"], e["span_end"], e["text"]] for e in evidence],
                               ensure_ascii=False),
    }
    for kind in COUNT_KINDS:
        out[kind] = row[kind]
        out[f"{kind}_q"] = row[f"{kind}_q"]
    return out


def rows(store: Store, q: Optional[EventQuery] = None, limit: Optional[int] = None) -> Iterator[dict]:
    """Export rows of the matching events, streamed a page at a time."""
    events = store.events(q, limit=limit)
    while page := list(islice(events, PAGE)):
        ids = [r["id"] for r in page]
        marks = ", ".join("?" * len(ids))
        evidence: dict[str, list[dict]] = {}
        for e in store.query(f"SELECT * FROM evidence WHERE event_id IN ({marks}) ORDER BY event_id, seq", ids):
            evidence.setdefault(e["event_id"], []).append(e)
        for r in page:
            yield table_row(r, evidence.get(r["id"], []))


def parse(value: str, kind: str):
    """A CSV cell back to its documented type (empty = null)."""
    if value == "":
        return None
    return {"string": str, "int": int, "float": float, "date": lambda v: date.fromisoformat(v).isoformat(),
            "bool": lambda v: {"true": True, "false": False}[v]}[kind](value)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(records: Iterable[dict], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c["name"] for c in columns()])
    n = 0
    for r in records:
        writer.writerow([_cell(r[c["name"]]) for c in columns()])
        n += 1
    return n


def write_geojson(records: Iterable[dict], out: TextIO) -> int:
    """A FeatureCollection, streamed; geometry null where the event has no place (RFC 7946 3.2)."""
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for r in records:
        geometry = ({"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}
                    if r["latitude"] is not None else None)
        out.write((",\n" if n else "\n") + json.dumps(
            {"type": "Feature", "id": r["event_id_cnty"], "geometry": geometry, "properties": r},
            ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def arrow_schema():
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32()}
    return pa.schema([pa.field(c["name"], kinds[c["type"]]) for c in columns()])


def write_parquet(records: Iterable[dict], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    dates = [c["name"] for c in columns() if c["type"] == "date"]
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        records = iter(records)
        while page := list(islice(records, 10_000)):
            for r in page:
                for d in dates:
                    r[d] = date.fromisoformat(r[d]) if r[d] else None
            writer.write_table(pa.Table.from_pylist(page, schema=schema))
            n += len(page)
    return n


def document_records(store: Store, q: Optional[EventQuery] = None) -> Iterator[DocumentRecord]:
    """Matching events as SPEC document records (the `extract` output shape), one per article."""
    events = sorted(store.events(q), key=lambda r: (r["doc_hash"], r["seq"]))
    hashes = list(dict.fromkeys(r["doc_hash"] for r in events))
    docs: dict[str, dict] = {}
    for i in range(0, len(hashes), PAGE):  # the documents in a few queries, not one each
        chunk = hashes[i:i + PAGE]
        docs.update((d["hash"], d) for d in store.query(
            f"SELECT hash, doc_id, date, title, source, url, extractor_version FROM documents "
            f"WHERE hash IN ({', '.join('?' * len(chunk))})", chunk))
    for doc_hash, members in groupby(events, key=lambda r: r["doc_hash"]):
        members = list(members)
        doc = docs[doc_hash]
        yield DocumentRecord(
            doc_id=doc["doc_id"], date=doc["date"], title=doc["title"], source=doc["source"], url=doc["url"],
            events=[Event.model_validate_json(m["record"]).model_copy(update={"id": spec_id(m["id"], doc["doc_id"])})
                    for m in members],
            extractor=Extractor(version=doc["extractor_version"]))

"""Stored events as rows in ACLED's column names plus ours, or in UCDP GED's (`columns.yaml`),
and the export formats: JSON Lines (SPEC document records), CSV, GeoJSON (RFC 7946), Parquet."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable, Iterator, NamedTuple, Optional, TextIO

import orjson
import yaml

from ..extract.acled import acled_types
from ..geo import countries
from .acled_actors import actor_columns, table as acled_names
from ..models import COUNT_KINDS, Actor, DocumentRecord, Event, Extractor
from ..store import EventQuery, Store
from ..store.rows import spec_id

FORMATS = ("jsonl", "csv", "geojson", "parquet", "ucdp")
TABLES = ("acled", "ucdp")  # column sets
TIME_PRECISION = {"day": 1, "week": 2, "reported": 2, "month": 3, "year": 3}
GEO_PRECISION = {"landmark": 1, "city": 1, "other": 1, "admin2": 2, "admin1": 3, "country": 3}
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Political violence; Demonstrations", "Strategic developments": "Strategic developments"}
PAGE = 500
COUNT_COLUMNS = [name for kind in COUNT_KINDS for name in (kind, f"{kind}_q")]  # each count, its qualifier
STATE = {"GOV", "MIL", "COP"}
ARMED = STATE | {"REB"}
UNKNOWN_COUNTRY = "XXX"  # ISO 3166 leaves X.. codes to users; ACLED ids need some prefix
ID_PREFIX_HEX = 12  # 48 bits of the document's content hash in `event_id_cnty`
ID_EVENTS = 10_000  # event numbers below this fit the id's last four digits


def to_json(value) -> str:
    """Compact JSON (no space after "," or ":"), non-ASCII unescaped, NaN as null: the GeoJSON
    features and the evidence column, by orjson (an export's features: 5.3 -> 1.2 ms)."""
    return orjson.dumps(value).decode()


ACTOR_DEFAULTS = {n: f.default for n, f in Actor.model_fields.items() if not f.is_required()}
ACTOR_FIELDS = len(Actor.model_fields)


class _Actor(NamedTuple):
    """An actor of a stored record, its fields in Actor's order: two compare equal as the
    models do (the ACLED columns ask whether a recipient is one of the actors)."""
    name: str
    text: str
    country: Optional[str]
    sector: str
    group: Optional[str]
    span: dict


def _actors(actors: Optional[list[dict]]) -> list[_Actor]:
    # a stored record has every field (as the model wrote it); the defaults for older ones
    return [_Actor(**a) if len(a) == ACTOR_FIELDS else _Actor(**{**ACTOR_DEFAULTS, **a}) for a in actors or ()]


def read_event(record: dict) -> SimpleNamespace:
    """What the rows read of a stored record (its JSON, parsed), as the model's attributes with
    its defaults: the record was validated whole when it was written, and pydantic's validation
    again (of these fields only) took a sixth of an export's CPU."""
    location, claim = record.get("location"), record.get("claim") or {}
    return SimpleNamespace(
        type=record["type"], mode=record.get("mode", []), actors=_actors(record.get("actors")),
        recipients=_actors(record.get("recipients")), date=SimpleNamespace(start=record["date"]["start"]),
        location=SimpleNamespace(text=location["text"], country=location.get("country")) if location else None,
        claim=SimpleNamespace(claimants=_actors(claim.get("claimants"))))


@lru_cache(maxsize=1)
def _spec() -> dict:
    return yaml.safe_load((Path(__file__).with_name("columns.yaml")).read_text(encoding="utf-8"))


def columns(table: str = "acled") -> list[dict]:
    """The columns of one table (`acled`: the CSV/GeoJSON/Parquet exports; `ucdp`: GED style)."""
    return _spec()["columns" if table == "acled" else table]


def event_number(event_id: str, long_form: bool = False) -> Optional[int]:
    """The number in `event_id_cnty` of a stored event `HASH:N`: the first 48 bits of the
    document's content hash, then N in four digits; a function of the article's text and the
    event's place in it, so the same input gives the same number in any store. `long_form`
    takes all 64 bits, for documents whose first 48 another stored document shares.
    None for an id that is not a content hash and a number below ID_EVENTS."""
    doc_hash, _, n = event_id.rpartition(":")
    try:
        head, seq = int(doc_hash if long_form else doc_hash[:ID_PREFIX_HEX], 16), int(n)
    except ValueError:
        return None
    return head * ID_EVENTS + seq if 0 <= seq < ID_EVENTS else None


def acled_id(event_id: str, iso3: Optional[str], long_form: bool = False) -> str:
    """ACLED's `event_id_cnty`: the event country's ISO alpha-3 code and `event_number`."""
    number = event_number(event_id, long_form)
    return f"{(iso3 or UNKNOWN_COUNTRY).upper()}{number if number is not None else '-' + event_id}"


def shared_prefixes(store: Store, hashes: list[str]) -> set[str]:
    """The documents among `hashes` whose id prefix another stored document shares."""
    prefixes = sorted({h[:ID_PREFIX_HEX] for h in hashes})
    if not prefixes:
        return set()
    ranges = " OR ".join(["(hash >= ? AND hash < ?)"] * len(prefixes))
    found = store.query(f"SELECT hash FROM documents WHERE {ranges}",
                        [x for p in prefixes for x in (p, p + "g")])  # hex digits sort below "g"
    seen: dict[str, int] = {}
    for r in found:
        seen[r["hash"][:ID_PREFIX_HEX]] = seen.get(r["hash"][:ID_PREFIX_HEX], 0) + 1
    return {h for h in hashes if seen.get(h[:ID_PREFIX_HEX], 0) > 1}


@lru_cache(maxsize=4096)
def _timestamp(ingested: str) -> int:
    """Unix time of a document's `ingested_at` (the same for all its events)."""
    return int(datetime.fromisoformat(ingested).timestamp())


def _names(actors) -> str:
    return "; ".join(dict.fromkeys(a.name for a in actors))


def _evidence(spans: list[tuple]) -> str:
    return to_json(spans)  # tuples are JSON arrays


def table_row(row: dict, event: SimpleNamespace, evidence: list[tuple], doc: Optional[dict] = None,
              canon: Optional[dict] = None) -> dict:
    """One stored event (a row of `Store.events`, its record as `read_event`) as an ACLED-style
    export row, typed per columns.yaml; `doc` holds its document's `publisher` and `long_id`."""
    doc = doc or {}
    country = countries().get(row["country"] or "", {})
    # the current mapping, also for old rows
    acled = acled_types(event.type, tuple(event.mode), frozenset(a.sector for a in event.recipients))
    ingested = row.get("ingested_at")
    out = {
        "event_id_cnty": acled_id(row["id"], country.get("iso3"), doc.get("long_id", False)),
        "event_date": row["date_start"], "year": int(row["date_start"][:4]),
        "time_precision": TIME_PRECISION[row["date_precision"]],
        "disorder_type": DISORDER.get(acled[0]) if acled else None,
        "event_type": acled[0] if acled else None,
        "sub_event_type": acled[1] if acled else None,
        **actor_columns(event),
        "civilian_targeting": "Civilian targeting" if event.type == "ASSAULT" and any(
            a.sector == "CVL" for a in event.recipients) else None,
        "iso": country.get("isonumeric"), "country": country.get("name"),
        "admin1": row["admin1"], "admin2": row["admin2"], "location": row["place"],
        "latitude": row["lat"], "longitude": row["lon"], "geo_precision": GEO_PRECISION.get(row["feature"] or ""),
        "source": doc.get("publisher"), "notes": row["summary"], "fatalities": row["killed"] or 0,
        "timestamp": _timestamp(ingested) if ingested else None,
        "event_id": row["id"], "plover_type": row["type"], "mode": "; ".join(event.mode) or None,
        "date_end": row["date_end"], "date_precision": row["date_precision"], "date_text": row["date_text"],
        "geonameid": row["geonameid"], "feature": row["feature"],
        "claim_status": row["claim_status"], "claimant": row["claimant"], "channel": row["channel"],
        "historical": bool(row["historical"]), "confidence": row["confidence"],
        "canonical_id": row["canonical_id"], "n_sources": row.get("n_sources"),
        "doc_id": row["doc_id"], "doc_date": row["doc_date"], "title": row["doc_title"], "url": row["doc_url"],
        "evidence": _evidence(evidence),
    }
    for name in COUNT_COLUMNS:
        out[name] = row[name]
    return out


# ---------------------------------------------------------------- UCDP GED
def _side(actors, iso3_names: dict) -> Optional[str]:
    """A GED side's name: a state as "Government of X", others by their names."""
    if not actors:
        return None
    a = actors[0]
    if a.sector in STATE and a.country in iso3_names:
        return f"Government of {iso3_names[a.country]}"
    return _names(actors)


def violence_type(actors, recipients) -> Optional[int]:
    """GED's type_of_violence: 1 state-based (a state's forces against another organised armed
    side), 2 non-state (organised armed groups, no state), 3 one-sided (an organised armed
    side against civilians); None when the actors do not tell."""
    a = {x.sector for x in actors}
    b = {x.sector for x in recipients}
    if not a & ARMED:
        return None
    if b & ARMED:
        return 1 if (a | b) & STATE else 2
    if b and b <= {"CVL", "JRN", "MED", "REF", "NGO"}:
        return 3
    return None


WHERE_PREC = {"city": 1, "landmark": 1, "other": 2, "admin2": 3, "admin1": 4, "country": 6}
DATE_PREC = {"week": 3, "month": 4, "year": 5, "reported": 5}


def ucdp_row(row: dict, event: SimpleNamespace, evidence: list[tuple], doc: Optional[dict] = None,
             canon: Optional[dict] = None) -> dict:
    """One stored ASSAULT event with deaths as a GED-style row (columns.yaml `ucdp`)."""
    doc, canon = doc or {}, canon or {}
    country = countries().get(row["country"] or "", {})
    iso3_names = acled_names()["country_name"]
    kind = violence_type(event.actors, event.recipients)
    side_a, side_b = event.actors, event.recipients
    if kind == 1 and not {x.sector for x in side_a} & STATE:
        side_a, side_b = side_b, side_a  # GED puts the government on side A
    best = row["killed"] or 0
    low = min(best, canon.get("killed") if canon.get("killed") is not None else best)
    high = max(best, canon.get("killed_max") or best)
    victims = {x.sector for x in event.recipients}
    deaths = dict.fromkeys(("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"), 0)
    if kind == 3 or (victims and victims <= {"CVL", "JRN", "MED", "REF", "NGO"}):
        deaths["deaths_civilians"] = best
    elif kind in (1, 2) and side_b is event.recipients:
        deaths["deaths_b"] = best
    elif kind in (1, 2):
        deaths["deaths_a"] = best
    else:
        deaths["deaths_unknown"] = best
    day = row["date_precision"] == "day"
    one_day = row["date_start"] == row["date_end"]
    names = (_side(side_a, iso3_names), "Civilians" if kind == 3 else _side(side_b, iso3_names))
    lat, lon = row["lat"], row["lon"]
    return {
        "id": event_number(row["id"], doc.get("long_id", False)),
        "relid": row["id"], "year": int(row["date_start"][:4]),
        "type_of_violence": kind, "dyad_name": " - ".join(n for n in names if n) or None,
        "side_a": names[0], "side_b": names[1],
        "number_of_sources": row.get("n_sources") or 1,
        "source_article": row["doc_url"] or row["doc_title"], "source_office": doc.get("publisher"),
        "source_date": row["doc_date"], "source_headline": row["doc_title"],
        "source_original": _names(event.claim.claimants) or None,
        "where_prec": WHERE_PREC.get(row["feature"] or ""), "where_coordinates": row["place"],
        "where_description": event.location.text if event.location else None,
        "adm_1": row["admin1"], "adm_2": row["admin2"], "latitude": lat, "longitude": lon,
        "geom_wkt": f"POINT ({lon} {lat})" if lat is not None else None,
        "priogrid_gid": priogrid(lat, lon), "country": country.get("name"),
        "region": ucdp_region(row["country"]),
        "event_clarity": 1 if day and WHERE_PREC.get(row["feature"] or "", 9) <= 2 else 2,
        "date_prec": (1 if one_day else 2) if day else DATE_PREC[row["date_precision"]],
        "date_start": row["date_start"], "date_end": row["date_end"],
        **deaths, "best": best, "high": high, "low": low,
        "event_id_cnty": acled_id(row["id"], country.get("iso3"), doc.get("long_id", False)),
        "plover_type": row["type"], "mode": "; ".join(event.mode) or None,
        "claim_status": row["claim_status"], "confidence": row["confidence"], "evidence": _evidence(evidence),
    }


def priogrid(lat: Optional[float], lon: Optional[float]) -> Optional[int]:
    """The PRIO-GRID cell (0.5 degrees, numbered from the south-west corner, rows of 720)."""
    if lat is None or lon is None:
        return None
    row = min(359, int((lat + 90) // 0.5))
    col = min(719, int((lon + 180) // 0.5))
    return row * 720 + col + 1


def ucdp_region(iso2: Optional[str]) -> Optional[str]:
    """UCDP's region of a country: its continent, with the Middle East on its own."""
    country = countries().get(iso2 or "")
    if not country:
        return None
    if country["iso3"] in _spec()["ucdp_middle_east"]:
        return "Middle East"
    return _spec()["ucdp_regions"].get(country["continentcode"])


# What the rows read of an event and its document, not every column (5.2M events, a page of
# 500 events with all 51: 9.2 ms of CPU; with these 40: 7.2)
READ_COLUMNS = ("id", "doc_hash", "type", "date_start", "date_end", "date_precision", "date_text", "place",
                "geonameid", "lat", "lon", "feature", "country", "admin1", "admin2", *COUNT_COLUMNS, "claim_status",
                "claimant", "channel", "historical", "confidence", "summary", "record", "canonical_id")
READ_JOINED = ("d.date AS doc_date, d.doc_id AS doc_id, d.title AS doc_title, d.url AS doc_url, "
               "d.ingested_at AS ingested_at, c.n_sources AS n_sources")


@lru_cache(maxsize=16)
def _read_columns(extra: tuple[str, ...]) -> str:
    return ", ".join(f"e.{c}" for c in dict.fromkeys(READ_COLUMNS + extra)) + ", " + READ_JOINED


def rows(store: Store, q: Optional[EventQuery] = None, limit: Optional[int] = None,
         table: str = "acled", extra: tuple[str, ...] = ()) -> Iterator[dict]:
    """Export rows of the matching events, streamed a page at a time; `table="ucdp"` keeps
    what GED records (ASSAULT with at least one death) in its columns; `extra`: stored event
    columns added after the table's (the API's `review_status`)."""
    q = q or EventQuery()
    if table == "ucdp":
        if q.type and "ASSAULT" not in q.type:
            return
        q = q.model_copy(update={"type": ["ASSAULT"]})
    make = ucdp_row if table == "ucdp" else table_row
    events = store.events(q, limit=limit, columns=_read_columns(extra))
    while page := list(islice(events, PAGE)):
        if table == "ucdp":
            page = [r for r in page if r["killed"]]
            if not page:
                continue
        records = {r["id"]: orjson.loads(r["record"]) for r in page}
        evidence = store.evidence_spans(page, records)
        hashes = sorted({r["doc_hash"] for r in page})
        long_ids = shared_prefixes(store, hashes)
        docs = {d["hash"]: dict(d, long_id=d["hash"] in long_ids) for d in store.query(
            f"SELECT hash, publisher FROM documents WHERE hash IN ({', '.join('?' * len(hashes))})", hashes)}
        canon: dict[str, dict] = {}
        if table == "ucdp":
            groups = sorted({r["canonical_id"] for r in page if r["canonical_id"]})
            if groups:
                canon = {c["id"]: c for c in store.query(
                    f"SELECT id, killed, killed_max FROM canonical_events WHERE id IN "
                    f"({', '.join('?' * len(groups))})", groups)}
        for r in page:
            out = make(r, read_event(records[r["id"]]), evidence.get(r["id"], []), docs.get(r["doc_hash"]),
                       canon.get(r["canonical_id"]))
            for name in extra:
                out[name] = r[name]
            yield out


def parse(value: str, kind: str):
    """A CSV cell back to its documented type (empty = null)."""
    if value == "":
        return None
    return {"string": str, "int": int, "float": float, "date": lambda v: date.fromisoformat(v).isoformat(),
            "bool": lambda v: {"true": True, "false": False}[v]}[kind](value)


def csv_line(values: Iterable) -> str:
    """One CSV line, byte for byte as Python 3.13's csv module writes it (QUOTE_MINIMAL, "\n"
    line ends; str() of other values, as the module: floats by repr), made in Python: the module
    looks the line terminator up for every character it copies (500 rows of the API's export:
    8.4 -> 5.5 ms), and a test of each cell inline rather than a call (5.5 -> 4.2 ms)."""
    cells = [v if v.__class__ is str else "" if v is None else str(v) for v in values]
    if len(cells) == 1 and not cells[0]:
        return '""\n'  # a lone empty field, quoted so that the line is not blank
    # quoted: a cell with the delimiter, the quote or either line break (the csv module left a
    # bare "\r" unquoted before Python 3.13, which readers took for the end of a row)
    return ",".join(['"' + c.replace('"', '""') + '"' if "," in c or '"' in c or "\n" in c or "\r" in c else c
                     for c in cells]) + "\n"


def write_csv(records: Iterable[dict], out: TextIO, table: str = "acled", extra: tuple[str, ...] = ()) -> int:
    """The rows as CSV, the table's columns (and `extra` ones after them); booleans as
    true/false, nulls empty."""
    names = [c["name"] for c in columns(table)] + list(extra)
    flags = [c["name"] for c in columns(table) if c["type"] == "bool"]
    cells = itemgetter(*names)
    out.write(csv_line(names))
    n = 0
    for r in records:
        for name in flags:  # None is written as "", but True as "True"
            if isinstance(r[name], bool):
                r[name] = "true" if r[name] else "false"
        out.write(csv_line(cells(r)))
        n += 1
    return n


def write_geojson(records: Iterable[dict], out: TextIO) -> int:
    """A FeatureCollection, streamed; geometry null where the event has no place (RFC 7946 3.2)."""
    out.write('{"type":"FeatureCollection","features":[')
    n = 0
    for r in records:
        geometry = ({"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}
                    if r["latitude"] is not None else None)
        out.write((",\n" if n else "\n") + to_json(
            {"type": "Feature", "id": r["event_id"], "geometry": geometry, "properties": r}))
        n += 1
    out.write("\n]}\n")
    return n


def arrow_schema(table: str = "acled"):
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32()}
    return pa.schema([pa.field(c["name"], kinds[c["type"]]) for c in columns(table)])


def arrow_batches(records: Iterable[dict], table: str = "acled", size: int = 10_000):
    """Arrow tables of up to `size` rows in the typed schema of `table`."""
    import pyarrow as pa

    schema = arrow_schema(table)
    dates = [c["name"] for c in columns(table) if c["type"] == "date"]
    records = iter(records)
    while page := list(islice(records, size)):
        for r in page:
            for d in dates:
                r[d] = date.fromisoformat(r[d]) if r[d] else None
        yield pa.Table.from_pylist(page, schema=schema)


def to_arrow(records: Iterable[dict], table: str = "acled"):
    """All `records` as one Arrow table (empty, with the schema, when there are none)."""
    import pyarrow as pa

    return pa.concat_tables([arrow_schema(table).empty_table(), *arrow_batches(records, table)])


def write_parquet(records: Iterable[dict], path: Path, table: str = "acled") -> int:
    import pyarrow.parquet as pq

    n = 0
    with pq.ParquetWriter(str(path), arrow_schema(table)) as writer:
        for batch in arrow_batches(records, table):
            writer.write_table(batch)
            n += batch.num_rows
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

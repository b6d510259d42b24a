"""The web API and the map page, one FastAPI app over the store (`eventwire serve`).

Reads are open unless a read token is configured ($EVENTWIRE_READ_TOKEN); writes (new
documents, reviews) need the API token ($EVENTWIRE_API_TOKEN) as `Authorization: Bearer ...`
and are refused while none is configured. Every response carries a strict Content-Security-Policy
(no inline script, no eval, nothing from other origins); the page builds its DOM with
textContent only. SQL is parameterised throughout (the store's `?` placeholders)."""
from __future__ import annotations

import gc
import io
import json
import os
import secrets
import threading
import time
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Literal, Optional

import orjson
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from ..limits import Limits, limits as default_limits
from ..store import EventQuery, Store, open_store
from ..store.query import country_code
from ..store.rows import evidence_rows
from ..store.schema import COUNT_KINDS
from .guard import Guard, Refused, check_review, no_nul
from .views import event_out, fields, segments

STATIC = Path(__file__).resolve().parent.parent / "ui" / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
# Swagger UI (served from the installed npm package, never a CDN) sets style attributes in its markup.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
BEARER = HTTPBearer(auto_error=False, description="The API token (writes) or the read token.")
# SPEC event keys an analyst corrects, and the panel rows that show them.
CORRECTED_FIELD = {"type": "trigger", "mode": "trigger", "actors": "actor", "recipients": "recipient",
                   "claim": "claimant", "location": "location", "date": "date", "historical": "historical"}
MAX_PAGE = 500
WRITES_DISABLED = "writes are disabled: start the server with EVENTWIRE_API_TOKEN set"
NEEDS_TOKEN = "this needs the API token: Authorization: Bearer <token>"
MAX_POINTS = 50_000
MAX_EXPORT = 200_000


class Stores:
    """One store connection per worker thread (SQLite connections stay in their thread)."""

    def __init__(self, url: Optional[str]) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        self.get()  # fail at start-up, not at the first request; migrations run here

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.url)
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                try:
                    store.close()
                except Exception:  # a connection of a finished thread; nothing to save
                    pass
            self._all.clear()


class Cache:
    """Answers of the whole-store scans (aggregates, facets) kept for `seconds`; cleared by every
    write through this app. Writes by other processes show once an answer expires."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key, compute):
        if self.seconds <= 0:
            return compute()
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit and now - hit[0] < self.seconds:
            return hit[1]
        value = compute()
        with self._lock:
            self._items[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class DocumentIn(BaseModel):
    id: Optional[str] = Field(None, description="Source id; the text's content hash when absent.")
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Publication date, YYYY-MM-DD.")
    text: str = Field(min_length=1, max_length=1_000_000)
    title: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None
    lang: Optional[str] = None


class DocumentsIn(BaseModel):
    documents: list[DocumentIn] = Field(min_length=1, max_length=500)


class ReviewIn(BaseModel):
    reviewer: str = Field(min_length=1, max_length=100)
    action: Literal["accept", "correct", "reject"]
    changes: dict = Field(default_factory=dict, description=(
        "For `correct`: SPEC event keys and new values — type, mode, date {start, end, precision}, "
        "location {name, lat, lon, geonameid, feature, country, admin1} or null, counts {killed: 3, ...}, "
        "actors / recipients (names or {name, country, sector}), claim {status, claimants, channel}, historical."))
    note: Optional[str] = Field(None, max_length=2000)


def _same(token: Optional[str], expected: Optional[str]) -> bool:
    return bool(token and expected and secrets.compare_digest(token.encode(), expected.encode()))


def _split(values: list[str]) -> list[str]:
    """Repeated parameters, each possibly comma-separated."""
    return [v.strip() for x in values for v in x.split(",") if v.strip()]


def event_filter(
    q: Optional[str] = Query(None, description="Words in the evidence sentences (full-text)."),
    type: list[str] = Query([], description="PLOVER type(s), e.g. ASSAULT."),
    mode: list[str] = Query([], description="PLOVER mode(s), e.g. heavy-weapons."),
    country: list[str] = Query([], description="Country: ISO alpha-2/alpha-3 or English name."),
    admin1: list[str] = Query([], description="First-level region, e.g. Belgorod Oblast."),
    actor: Optional[str] = Query(None, description="Part of an actor's name or words."),
    since: Optional[date] = Query(None, description="Events that end on or after this day."),
    until: Optional[date] = Query(None, description="Events that start on or before this day."),
    claim_status: list[str] = Query([], description="reported, claimed, disputed, denied, planned, ..."),
    historical: Optional[bool] = Query(None),
    bbox: Optional[str] = Query(None, description="west,south,east,north in degrees."),
    review_status: list[str] = Query([], description="accepted, corrected, rejected."),
    reviewed: Optional[bool] = Query(None, description="Reviewed at all (true) or not yet (false)."),
) -> EventQuery:
    try:
        box = None
        if bbox:
            west, south, east, north = (float(x) for x in bbox.split(","))
            if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
                raise ValueError("bbox out of range")
            box = (west, south, east, north)
        return EventQuery(text=q, type=[t.upper() for t in _split(type)], mode=_split(mode),
                          country=[country_code(c) for c in _split(country)], admin1=_split(admin1),
                          actor=actor or None, since=since, until=until, claim_status=_split(claim_status),
                          historical=historical, bbox=box, review_status=_split(review_status), reviewed=reviewed)
    except ValueError as exc:
        raise HTTPException(422, f"invalid filter: {str(exc).splitlines()[0]}") from None


def create_app(db: Optional[str] = None, *, api_token: Optional[str] = None, read_token: Optional[str] = None,
               nlp=None, cache_seconds: float = 30.0, limits: Optional[Limits] = None) -> FastAPI:
    """The app over the store at `db` (SQLite path or postgresql:// URL; default as `open_store`).
    Tokens default to $EVENTWIRE_API_TOKEN and $EVENTWIRE_READ_TOKEN; `nlp` is a loaded pipeline
    to reuse for POST /api/documents (else loaded on first use); aggregates and facets are
    cached for `cache_seconds` (0: never); `limits` as `eventwire.limits.limits()` by default."""
    limits = limits or default_limits()
    api_token = api_token if api_token is not None else os.environ.get("EVENTWIRE_API_TOKEN") or None
    read_token = read_token if read_token is not None else os.environ.get("EVENTWIRE_READ_TOKEN") or None
    stores = Stores(db)
    cache = Cache(cache_seconds)
    state = {"nlp": nlp}
    nlp_lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # the modules and tables loaded by now live as long as the server: out of the collector's
        # sight, a full collection no longer walks them (110k objects, 40 ms a collection; a
        # 500-event export leaves enough survivors for one every few requests)
        gc.collect()
        gc.freeze()
        yield
        stores.close()

    app = FastAPI(title="eventwire", version=_version(), docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Conflict events extracted from news articles, each field with the words it came "
                              "from. Filter, page, aggregate and export events; read the evidence; review them.")

    def write_refusal(authorization: Optional[str]) -> Optional[tuple[int, str, dict]]:
        """Why a write with this Authorization header is refused, from the header alone."""
        if not api_token:
            return 403, WRITES_DISABLED, {}
        scheme, token = get_authorization_scheme_param(authorization)
        if scheme.lower() != "bearer" or not _same(token, api_token):
            return 401, NEEDS_TOKEN, {"WWW-Authenticate": "Bearer"}
        return None

    # inner to the headers below, so that its refusals carry them too
    app.add_middleware(Guard, write_refusal=write_refusal, max_body=limits.max_body_bytes)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = DOCS_CSP if request.url.path == "/docs" else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def can_read(creds: Optional[HTTPAuthorizationCredentials] = Depends(BEARER)) -> None:
        token = creds.credentials if creds else None
        if read_token and not (_same(token, read_token) or _same(token, api_token)):
            raise HTTPException(401, "this server needs a read token: Authorization: Bearer <token>",
                                headers={"WWW-Authenticate": "Bearer"})

    def can_write(creds: Optional[HTTPAuthorizationCredentials] = Depends(BEARER)) -> None:
        if not api_token:
            raise HTTPException(403, WRITES_DISABLED)
        if not _same(creds.credentials if creds else None, api_token):
            raise HTTPException(401, NEEDS_TOKEN, headers={"WWW-Authenticate": "Bearer"})

    read = [Depends(can_read)]

    # ------------------------------------------------------------ page and docs
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html")

    @app.get("/api/config", tags=["meta"])
    def config() -> dict:
        """What the page needs to know: whether reads need a token and writes are enabled."""
        return {"read_token_required": bool(read_token), "writes_enabled": bool(api_token), "version": _version()}

    # ------------------------------------------------------------ events
    @app.get("/api/events", tags=["events"], dependencies=read)
    def list_events(f: EventQuery = Depends(event_filter), cursor: Optional[str] = None,
                    limit: int = Query(50, ge=1, le=MAX_PAGE)) -> dict:
        """Matching events, newest first; pass `next_cursor` back as `cursor` for the next page."""
        try:
            rows, next_cursor = stores.get().page(f, cursor=cursor, limit=limit)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        return {"events": [event_out(r) for r in rows], "next_cursor": next_cursor}

    @app.get("/api/events/{event_id}", tags=["events"], dependencies=read)
    def get_event(event_id: str) -> dict:
        """One event: its fields beside the words they came from, its canonical group with every
        source's evidence, and its review history."""
        store = stores.get()
        row = store.event(event_id)
        if row is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return _event_detail(store, row)

    @app.get("/api/points", tags=["events"], dependencies=read)
    def points(f: EventQuery = Depends(event_filter), limit: int = Query(20_000, ge=1, le=MAX_POINTS)) -> dict:
        """Located events for a map, compact: [id, lat, lon, type, killed, date_start, review_status]."""
        points, truncated = stores.get().points(f, limit)
        # orjson: the standard encoder took 20 ms of CPU for 20,000 points, orjson 1.3
        return Response(orjson.dumps({"points": points, "truncated": truncated}), media_type="application/json")

    @app.get("/api/aggregates", tags=["events"], dependencies=read)
    def aggregates(f: EventQuery = Depends(event_filter), top: int = Query(30, ge=1, le=500)) -> dict:
        """Counts for charts: events and people killed by day, by type and by admin1."""
        store = stores.get()
        return JSONResponse(cache.get(("aggregates", f.model_dump_json(), top), lambda: store.aggregates(f, top)))

    @app.get("/api/facets", tags=["events"], dependencies=read)
    def facets() -> dict:
        """Values present in the store, for filter menus."""
        store = stores.get()
        return cache.get("facets", store.facets)

    # ------------------------------------------------------------ documents
    @app.get("/api/documents/{key}", tags=["documents"], dependencies=read)
    def get_document(key: str, event: Optional[str] = Query(None, description="Mark only this event's spans.")) -> dict:
        """A document with its text, its events, and the text cut into segments under the
        evidence spans (field and event of each)."""
        store = stores.get()
        doc = store.document(key)
        if doc is None:
            raise HTTPException(404, f"no document {key!r}")
        events = store.query("SELECT e.id, e.type, e.date_start, e.place, e.review_status, e.record FROM events e "
                             "WHERE e.doc_hash = ? ORDER BY e.seq", [doc["hash"]])
        records = {e["id"]: orjson.loads(e.pop("record")) for e in events}
        spans = [{"event_id": v["event_id"], "field": v["field"], "start": v["span_start"], "end": v["span_end"]}
                 for i in sorted(records) if not event or i == event for v in evidence_rows(records[i], "", i)]
        return {**doc, "events": events, "spans": spans, "segments": segments(doc["text"] or "", spans)}

    @app.post("/api/documents", tags=["documents"], status_code=201, dependencies=[Depends(can_write)])
    def post_documents(body: DocumentsIn) -> dict:
        """Extract, store and deduplicate submitted articles (needs the API token). Re-sending
        an article changes nothing."""
        from ..core import run
        from ..ingest import IngestError
        from ..ingest.base import make_document
        from ..nlp import load_nlp
        from ..store import document_hash

        documents = []
        for n, d in enumerate(body.documents):
            where = f"documents[{n}]"
            try:
                no_nul(d.model_dump(), where)
            except Refused as exc:
                raise HTTPException(422, str(exc)) from None
            # the command line's rules: dates the store can hold, English only, some text
            doc = make_document(d.model_dump(), None, None, where, limits)
            if isinstance(doc, IngestError):
                raise HTTPException(422, str(doc))
            documents.append(doc)
        with nlp_lock:
            if state["nlp"] is None:
                state["nlp"] = load_nlp()
        failed: list[str] = []
        store = stores.get()
        summary = run(documents, store, nlp=state["nlp"], on_error=lambda e: failed.append(str(e)))
        cache.clear()
        out = []
        for d in documents:
            h = document_hash(d)
            ids = [r["id"] for r in store.query("SELECT id FROM events WHERE doc_hash = ? ORDER BY seq", [h])]
            out.append({"id": d.id, "hash": h, "events": ids})
        return {"new": summary.new, "replaced": summary.replaced, "unchanged": summary.unchanged,
                "failed": failed, "events": summary.events, "documents": out}

    # ------------------------------------------------------------ review
    @app.post("/api/events/{event_id}/review", tags=["review"], dependencies=[Depends(can_write)])
    def post_review(event_id: str, body: ReviewIn) -> dict:
        """Accept, correct or reject an event (needs the API token). Each change is kept with
        the reviewer, the time and the value before; the event then reads as corrected."""
        from ..store.review import ReviewError, review

        store = stores.get()
        try:
            no_nul([body.reviewer, body.note], "reviewer or note")
            check_review(body.changes, limits)
        except Refused as exc:
            raise HTTPException(422, str(exc)) from None
        try:
            written = review(store, event_id, body.reviewer, body.action, body.changes, body.note)
            cache.clear()
        except ReviewError as exc:
            raise HTTPException(404 if str(exc).startswith("no event") else 422, str(exc)) from None
        detail = _event_detail(store, store.event(event_id))
        return {**detail, "written": len(written)}

    @app.get("/api/reviews", tags=["review"], dependencies=read)
    def reviews(event_id: Optional[str] = None, limit: int = Query(200, ge=1, le=5000)) -> dict:
        """Review history, newest first: who, when, what, the value before and after."""
        from ..store.review import history

        return {"reviews": history(stores.get(), event_id, limit)}

    @app.get("/api/places", tags=["review"], dependencies=read)
    def places(q: str = Query(..., min_length=2, max_length=100), limit: int = Query(10, ge=1, le=50)) -> dict:
        """Gazetteer look-up for correcting an event's place: countries, regions and towns so named."""
        from ..extract.gazetteer import get_gazetteer

        gaz = get_gazetteer()
        found = []
        country = gaz.country_named(q)
        found += [country] if country else []
        found += gaz.admins_named(q)
        found += [e for e, _ in gaz.cities_named(q)]
        found += gaz.small_places_named(q)
        seen, out = set(), []
        for e in sorted(found, key=lambda e: (-(e.population or 0))) if len(found) > 1 else found:
            if e.key in seen or e.lat is None:
                continue
            seen.add(e.key)
            out.append({"name": e.name, "geonameid": e.geonameid, "lat": e.lat, "lon": e.lon, "feature": e.feature,
                        "country": e.country, "admin1": e.admin1, "admin2": e.admin2})
        return {"places": out[:limit]}

    # ------------------------------------------------------------ exports
    @app.get("/api/export.csv", tags=["export"], dependencies=read)
    def export_csv(f: EventQuery = Depends(event_filter), limit: int = Query(MAX_EXPORT, ge=1, le=MAX_EXPORT)):
        """The current filter as ACLED-style CSV (plus review columns)."""
        from ..export import rows, write_csv

        store = stores.get()
        fh = io.StringIO()
        write_csv(rows(store, f, limit=limit, extra=("review_status",)), fh, extra=("review_status",))
        return Response(fh.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="eventwire-events.csv"'})

    @app.get("/api/export.geojson", tags=["export"], dependencies=read)
    def export_geojson(f: EventQuery = Depends(event_filter), limit: int = Query(MAX_EXPORT, ge=1, le=MAX_EXPORT)):
        """The current filter as a GeoJSON FeatureCollection (RFC 7946)."""
        from ..export import rows, write_geojson

        store = stores.get()
        fh = io.StringIO()
        write_geojson(rows(store, f, limit=limit, extra=("review_status",)), fh)
        return Response(fh.getvalue(), media_type="application/geo+json",
                        headers={"Content-Disposition": 'attachment; filename="eventwire-events.geojson"'})

    @app.get("/api/export/gold.jsonl", tags=["export"], dependencies=read)
    def export_gold():
        """Reviewed documents as gold annotations (SPEC 9) for `eventwire evaluate`."""
        from ..store.review import gold_records

        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold_records(stores.get()))
        return Response(body, media_type="application/jsonl",
                        headers={"Content-Disposition": 'attachment; filename="eventwire-gold.jsonl"'})

    @app.exception_handler(ValueError)
    async def _bad_value(request: Request, exc: ValueError):
        return JSONResponse({"detail": str(exc).splitlines()[0]}, status_code=400)

    return app


def _event_detail(store: Store, row: dict) -> dict:
    from ..store.review import history

    record = json.loads(row["record"])
    canonical = store.canonical(row["canonical_id"]) if row.get("canonical_id") else None
    members = store.sources(row["canonical_id"]) if canonical else []
    evidence = store.evidence(members)
    reviews = history(store, row["id"])
    corrected = {CORRECTED_FIELD.get(r["field"], r["field"]) for r in reviews if r["field"]}
    shown = [{**f, "corrected": f["field"] in corrected or (f["field"] in COUNT_KINDS and "counts" in corrected)}
             for f in fields(record, row["evidence"])]
    return {
        **event_out(row), "event": record, "fields": shown,
        "canonical": canonical,
        "sources": [{**event_out(m), "evidence": evidence.get(m["id"], [])} for m in members],
        "reviews": reviews,
    }


def _version() -> str:
    from .. import __version__

    return __version__

"""What the API checks before a request reaches a route or the database.

`Guard` (ASGI, in front of everything): a write without the token is refused from its headers,
before its body is read; a body over `Limits.max_body_bytes` is refused from its
Content-Length, or once that many bytes have come (chunked); a NUL byte in the path or query
is refused (PostgreSQL cannot hold one in text). The `check_*` functions put submitted values
into the range their columns and the store's date arithmetic can hold."""
from __future__ import annotations

import json
import math
from datetime import date
from typing import Any, Awaitable, Callable, Optional

from ..limits import Limits

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Refused(ValueError):
    """A submitted value out of range; the message says which and why (a 422)."""


async def _answer(send: Callable[[dict], Awaitable[None]], status: int, detail: str,
                  headers: Optional[dict[str, str]] = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    head += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: auth from headers first, then a capped body, then the app."""

    def __init__(self, app, *, write_refusal: Callable[[Optional[str]], Optional[tuple[int, str, dict]]],
                 max_body: int) -> None:
        self.app, self.write_refusal, self.max_body = app, write_refusal, max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"").lower():
            return await _answer(send, 400, "NUL byte in the request's path or query")
        if scope["method"] not in WRITE_METHODS:
            return await self.app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope["headers"]}
        auth = headers.get(b"authorization")
        refusal = self.write_refusal(auth.decode("latin-1") if auth is not None else None)
        if refusal:
            return await _answer(send, *refusal)
        length = headers.get(b"content-length")
        too_big = f"request body over the limit of {self.max_body:,} bytes (max_body_bytes); send fewer documents at once"
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _answer(send, 413 if length.isdigit() else 400, too_big if length.isdigit()
                                 else "invalid Content-Length")
        # the body, read here up to the cap (chunked uploads have no Content-Length), then replayed
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                return await _answer(send, 413, too_big)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


# ---------------------------------------------------------------- values
def no_nul(value: Any, where: str = "body") -> None:
    """Refuse a NUL character anywhere in a submitted JSON value (PostgreSQL cannot store one)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Refused(f"{where}: NUL character in the text")
    elif isinstance(value, dict):
        for k, v in value.items():
            no_nul(k, where)
            no_nul(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            no_nul(v, f"{where}[{i}]")


def check_date(value: Any, where: str, limits: Limits) -> None:
    if value is None:
        return
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise Refused(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
    problem = limits.date_problem(day)
    if problem:
        raise Refused(f"{where}: {problem}")


def whole_number(value: Any, where: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise Refused(f"{where}: {value!r} is not a whole number")
    text = value.strip() if isinstance(value, str) else None
    if text is not None and not (text.isascii() and text.isdigit() and len(text) <= 19):
        raise Refused(f"{where}: {value!r} is not a whole number from {low:,} to {high:,}")
    if not low <= int(value) <= high:
        raise Refused(f"{where}: {value} out of range ({low:,}..{high:,})")


def degrees(value: Any, where: str, bound: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not -bound <= value <= bound:
        raise Refused(f"{where}: {value!r} out of range (-{bound:g}..{bound:g} degrees)")


def check_review(changes: dict, limits: Limits) -> None:
    """The parts of a correction that reach number and date columns, in range; the rest is
    checked by the review itself against the SPEC models."""
    no_nul(changes, "changes")
    counts = changes.get("counts")
    if isinstance(counts, dict):
        for kind, count in counts.items():
            value = count.get("value") if isinstance(count, dict) else count
            if value not in (None, ""):
                whole_number(value, f"counts.{kind}", 0, limits.max_count)
    place = changes.get("location")
    if isinstance(place, dict):
        degrees(place.get("lat"), "location.lat", 90)
        degrees(place.get("lon"), "location.lon", 180)
        if place.get("geonameid") is not None:
            whole_number(place["geonameid"], "location.geonameid", 0, (1 << 31) - 1)
    when = changes.get("date")
    if isinstance(when, dict):
        for key in ("start", "end"):
            check_date(when.get(key), f"date.{key}", limits)
        if isinstance(when.get("start"), str) and isinstance(when.get("end"), str) and when["end"] < when["start"]:
            raise Refused(f"date: end {when['end']} before start {when['start']}")

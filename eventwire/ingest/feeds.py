"""RSS and Atom feeds: each item a document (headline, body with HTML stripped, date, link)."""
from __future__ import annotations

import os
import re
from datetime import date
from typing import Any, Iterator, Optional

from .base import IngestError, Item, Options, Source, headline_first, load, make_document, paragraphs, parse_date, site_name

XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# elements that end a line of text; everything else is inline
BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
              "blockquote", "pre", "table", "tr", "section", "article", "header", "footer", "figure",
              "figcaption", "hr")


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, a paragraph per block element (feed bodies are fragments,
    too short for trafilatura's article heuristics)."""
    import lxml.etree
    import lxml.html

    fragment = XML_INVALID.sub("", fragment)  # lxml refuses control characters in any text it holds
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):  # empty or nothing but white space
        return ""
    for el in root.iter(*BLOCK_TAGS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    return paragraphs(root.text_content())


def _body(entry: Any) -> str:
    """The fullest body an item has: content (Atom, RSS content:encoded), else the summary."""
    parts = entry.get("content") or [entry.get("summary_detail")]
    best = max((p for p in parts if p and p.get("value")), key=lambda p: len(p["value"]), default=None)
    if best is None:
        return ""
    if best.get("type", "text/html") in ("text/html", "application/xhtml+xml"):
        return html_to_text(best["value"])
    return paragraphs(best["value"])


def _date(entry: Any) -> Optional[str]:
    """The item's date as written (its own time zone); feedparser's UTC tuple as a last resort."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            parsed = entry.get(f"{key}_parsed")
            if parse_date(raw) is None and parsed:
                return date(*parsed[:3]).isoformat()
            return raw
    return None


def read_feed(src: Source, opts: Options) -> Iterator[Item]:
    import feedparser

    raw = load(src, opts.limits.max_file_bytes, "max_file_bytes")
    if isinstance(raw, IngestError):
        yield raw
        return
    try:
        feed = feedparser.parse(raw)
    except (UnicodeError, LookupError) as exc:  # feedparser decodes a declared encoding unguarded
        yield IngestError(src.where, f"not a readable feed (its encoding: {exc})")
        return
    if not feed.entries:
        why = f"not an RSS or Atom feed ({feed.bozo_exception})" if feed.bozo else "a feed without items"
        yield IngestError(src.where, why.replace("\n", " "))
        return
    source = feed.feed.get("title") or os.path.basename(src.name)
    for n, entry in enumerate(feed.entries, 1):
        where = f"{src.where}:item {n}"
        title = entry.get("title")
        body = _body(entry)
        if not body and not title:
            yield IngestError(where, "no text")
            continue
        pub = _date(entry)
        if pub is None and opts.default_date is None:
            yield IngestError(where, "no date and no --date given")
            continue
        yield make_document({"text": headline_first(title, body) if body else title, "date": pub,
                             "id": entry.get("id"), "title": title, "url": entry.get("link"),
                             "publisher": feed.feed.get("title") or site_name(feed.feed.get("link"))},
                            source, opts.default_date, where, opts.limits)

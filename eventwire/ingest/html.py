"""Saved web pages: the article's main text, title, URL and date, without the page around it."""
from __future__ import annotations

import os
from typing import Iterator

from .base import IngestError, Item, Options, Source, headline_first, load, make_document, paragraphs

# publication date from the page's metadata only (meta tags, JSON-LD, <time>, the URL);
# htmldate's extensive search would also take dates from the text, i.e. the events' dates
DATE_PARAMS = {"extensive_search": False, "original_date": True}


def read_html(src: Source, opts: Options) -> Iterator[Item]:
    import trafilatura  # slow to import; only pages need it

    raw = load(src, opts.limits.max_html_bytes, "max_html_bytes")
    if isinstance(raw, IngestError):
        yield raw
        return
    # bytes, not str: trafilatura reads the page's own charset declaration
    # favor_precision: a page whose article cannot be told from its menus gives no text,
    # rather than the menu ('Home') as the text
    page = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, favor_precision=True,
                                       date_extraction_params=DATE_PARAMS)
    body = paragraphs(page.text or "") if page is not None else ""
    if not body:
        yield IngestError(src.where, "no article text found in the page")
        return
    if page.date is None and opts.default_date is None:
        yield IngestError(src.where, "no publication date in the page's metadata and no --date given")
        return
    yield make_document({"text": headline_first(page.title, body), "date": page.date, "title": page.title,
                         "url": page.url, "source": page.sitename},
                        os.path.basename(src.name), opts.default_date, src.where, opts.limits)

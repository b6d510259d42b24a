"""The event store: SQLite by default (one file), PostgreSQL selected by URL."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from .base import AddResult, Store, StoreError, document_hash
from .query import EventQuery

DEFAULT_DB = "eventwire.db"


def open_store(url: Optional[str | Path] = None, create: bool = True) -> Store:
    """`postgresql://...` opens PostgreSQL; anything else (a path, `sqlite:///path`) a SQLite
    file, made if missing unless `create` is false. None takes $EVENTWIRE_DB, else
    ./eventwire.db. Migrations run on open."""
    url = str(url or os.environ.get("EVENTWIRE_DB") or DEFAULT_DB)
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(url)
    from .sqlite import SQLiteStore

    return SQLiteStore(url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url, create=create)


__all__ = ["AddResult", "EventQuery", "Store", "StoreError", "document_hash", "open_store"]

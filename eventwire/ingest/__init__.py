"""Ingest: turn files (text, JSON Lines, HTML, RSS/Atom, CSV/TSV, Telegram exports, .gz, .zip),
directories and URLs into SPEC documents."""
from .readers import MAX_CHARS, IngestError, read_paths, read_text_document

__all__ = ["IngestError", "read_paths", "read_text_document", "MAX_CHARS"]

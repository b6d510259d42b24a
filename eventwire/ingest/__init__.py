"""Ingest: turn files (text, JSON Lines, directories, .gz) into SPEC documents."""
from .readers import IngestError, read_paths, read_text_document, MAX_CHARS

__all__ = ["IngestError", "read_paths", "read_text_document", "MAX_CHARS"]

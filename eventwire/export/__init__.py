"""Exports of the store: JSON Lines, ACLED-style CSV, GeoJSON, Parquet."""
from .tables import FORMATS, columns, document_records, rows, write_csv, write_geojson, write_parquet

__all__ = ["FORMATS", "columns", "document_records", "rows", "write_csv", "write_geojson", "write_parquet"]

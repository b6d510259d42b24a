"""Exports of the store: JSON Lines, ACLED-style CSV, GeoJSON, Parquet, UCDP GED-style CSV."""
from .tables import (
    FORMATS,
    TABLES,
    acled_id,
    arrow_schema,
    columns,
    document_records,
    rows,
    to_arrow,
    write_csv,
    write_geojson,
    write_parquet,
)

__all__ = ["FORMATS", "TABLES", "acled_id", "arrow_schema", "columns", "document_records", "rows", "to_arrow",
           "write_csv", "write_geojson", "write_parquet"]

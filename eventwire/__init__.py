"""eventwire: dated news reports in, auditable conflict event records out.

    import eventwire
    record = eventwire.extract("Police arrested 33 people in Minsk on Friday.", date="2020-08-03")
    with eventwire.open_store("eventwire.db") as store:
        df = store.to_pandas(type="ASSAULT", country="Ukraine", since="2023-06-01")

The functions live in `eventwire.library`, imported on first use (the command line starts
without loading spaCy)."""

__version__ = "0.1.0"

API = ("extract", "read", "run", "query", "open_store", "EventStore", "FilterError", "NothingToRead")
__all__ = ["__version__", *API]


def __getattr__(name: str):
    if name in API:
        from . import library

        return getattr(library, name)
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")

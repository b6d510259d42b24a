"""The web API and map interface over the store (`eventwire serve`)."""
from .app import create_app

__all__ = ["create_app"]

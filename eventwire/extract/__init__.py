"""Extraction stages: times, places, actors, counts, events (with claims), each a spaCy component.

The package is also the public function `eventwire.extract(text, date=...)`: the name of both,
so the module forwards calls to `eventwire.library.extract`."""
import sys
import types


class _Callable(types.ModuleType):
    def __call__(self, text, date, **options):
        from ..library import extract

        return extract(text, date, **options)


sys.modules[__name__].__class__ = _Callable

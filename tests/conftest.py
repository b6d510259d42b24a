"""Shared fixtures: the real pipeline, built once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    from eventwire.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def run(nlp):
    """Run the whole pipeline on one text dated `date`; returns the spaCy Doc."""
    from eventwire.nlp import make_doc

    def _run(text: str, date: str = "2023-06-04"):
        return nlp(make_doc(nlp, text, date))

    return _run


@pytest.fixture(scope="session")
def extract_text():
    from eventwire.core import extract_text

    return extract_text

"""The YAML vocabularies: word lists hold words (YAML 1.1 reads a bare on/no/yes as a boolean)."""
from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.extract import vocab

NAMES = sorted(p.stem for p in Path(vocab.DATA).glob("*.yaml"))


def _lists(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _lists(v, f"{path}/{k}")
    elif isinstance(node, list):
        yield path, node
        for i, v in enumerate(node):
            yield from _lists(v, f"{path}[{i}]")


@pytest.mark.parametrize("name", NAMES)
def test_word_lists_hold_no_booleans(name):
    bad = [(path, item) for path, items in _lists(vocab.load(name)) for item in items if isinstance(item, bool)]
    assert bad == []


def test_language_word_lists_hold_words():
    """The ingest stage's words (language identification) are plain lower-case words too."""
    import yaml

    from eventwire.ingest import language

    with open(language.DATA, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    items = [item for _, items in _lists(data) for item in items]
    assert items and all(isinstance(w, str) and w == w.lower() for w in items)
    assert language.english_words() == frozenset(data["english_words"])

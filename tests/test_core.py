"""The library entry point: streaming, unreadable inputs and failing documents."""
from __future__ import annotations

from eventwire.core import extract
from eventwire.extract import counts
from eventwire.ingest import IngestError, read_paths
from eventwire.ingest.readers import read_text_document

from .conftest import DATA


def test_a_document_that_breaks_a_component_is_reported_and_the_batch_goes_on(monkeypatch, nlp):
    real = counts.find_counts

    def fragile(doc, *args):
        if "Gladkov" in doc.text:
            raise ValueError("boom")
        return real(doc, *args)

    monkeypatch.setattr(counts, "find_counts", fragile)
    errors: list[IngestError] = []
    items = list(read_paths([DATA / "seed.txt", DATA / "wn-040.txt", DATA / "wn-043.txt"]))
    records = list(extract(items, nlp=nlp, on_error=errors.append))
    assert [r.source for r in records] == ["wn-040.txt", "wn-043.txt"]
    assert len(errors) == 1 and errors[0].where == "seed.txt"
    assert "eventwire_counts" in errors[0].problem and "boom" in errors[0].problem


def test_unreadable_inputs_go_to_on_error_in_order(nlp):
    good = read_text_document(" date 2020-06-23 Police arrested a man in Reading.", "a.txt")
    bad = IngestError("b.txt", "empty file")
    errors: list[IngestError] = []
    records = list(extract([bad, good], nlp=nlp, on_error=errors.append))
    assert errors == [bad] and [r.source for r in records] == ["a.txt"]


def test_the_collector_runs_less_often_while_extracting_and_as_before_after(nlp):
    import gc

    from eventwire.core import GC_YOUNG

    before = gc.get_threshold()
    seen = [gc.get_threshold() for _ in extract(read_paths([DATA / "wn-040.txt", DATA / "wn-043.txt"]), nlp=nlp)]
    assert len(seen) == 2 and all(t[0] == max(before[0], GC_YOUNG) and t[1:] == before[1:] for t in seen)
    assert gc.get_threshold() == before


def test_batches_end_at_the_count_or_before_the_characters_run_over():
    from eventwire.core import batches

    words = ["aaaa", "bb", "cccccc", "d", "eeeeeeeeeeee", "f"]
    assert list(batches(words, 3, 8, len)) == [["aaaa", "bb"], ["cccccc", "d"], ["eeeeeeeeeeee"], ["f"]]
    assert list(batches(words, 2, 100, len)) == [["aaaa", "bb"], ["cccccc", "d"], ["eeeeeeeeeeee", "f"]]
    assert list(batches([], 2, 100, len)) == []


def test_records_do_not_depend_on_how_documents_are_batched(monkeypatch, nlp):
    import eventwire.core as core

    items = list(read_paths([DATA / "seed.txt", DATA / "wn-040.txt", DATA / "wn-043.txt"]))
    alone = [r.model_dump_json() for r in extract(items, nlp=nlp, batch_size=1)]
    monkeypatch.setattr(core, "BATCH_CHARS", 10 ** 9)
    together = [r.model_dump_json() for r in extract(items, nlp=nlp)]
    assert alone == together and len(alone) == 3

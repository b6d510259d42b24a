"""Property-based tests (hypothesis) of the parts that must hold for any input: on random
slices of real articles with random publication dates, times never end before they start and
every reported span indexes the body with exactly the reported words; count parsing never
raises on any string; the readers never raise on any bytes, only give their one-line error."""
from __future__ import annotations

import gzip
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.extract.counts import number_value
from eventwire.ingest import IngestError, read_paths
from eventwire.models import Document

DATA = Path(__file__).parent / "data"
ARTICLES = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted(DATA.glob("*.txt"))]
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@st.composite
def article_slices(draw) -> str:
    text = draw(st.sampled_from(ARTICLES))
    start = draw(st.integers(0, max(0, len(text) - 1)))
    length = draw(st.integers(1, 2_000))
    return text[start:start + length]


pub_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)).map(date.isoformat)


@SLOW
@given(text=article_slices(), pub=pub_dates)
def test_spans_index_the_body_and_times_never_end_before_they_start(extract_text, text, pub):
    if not text.strip():
        return
    record = extract_text(text, pub)
    n = len(text)

    def words(span, said: str | None) -> None:
        assert 0 <= span.start <= span.end <= n
        if said is not None:
            assert text[span.start:span.end] == said

    for t in record.times:
        words(t.span, t.text)
        assert t.start <= t.end, t
    for p in record.places:
        words(p.span, p.text)
    for a in record.actors:
        words(a.span, a.text)
    for e in record.events:
        assert e.date.start <= e.date.end, e.date
        for span in e.evidence:
            words(span, None)
        if e.trigger:
            words(e.trigger, None)
        if e.date.span:
            words(e.date.span, e.date.text)
        if e.location:
            words(e.location.span, None)
        for a in e.actors + e.recipients + e.claim.claimants:
            words(a.span, None)
        for kind in ("killed", "injured", "captured", "arrested", "displaced"):
            count = getattr(e.counts, kind)
            if count is not None:
                words(count.span, None)
                assert count.value >= 0


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_count_parsing_never_raises(text):
    value = number_value(text)
    assert value is None or (isinstance(value, int) and value >= 0)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"(\d{1,30}|[a-z\- ]{1,40}|\d+(\.\d+)? (million|billion|thousand|hundred))", fullmatch=True))
def test_count_parsing_never_raises_on_number_like_strings(text):
    value = number_value(text)
    assert value is None or isinstance(value, int)


SUFFIXES = [".txt", ".jsonl", ".json", ".csv", ".tsv", ".html", ".rss", ".xml", ".gz", ".zip", ""]
SAMPLES = [p.read_bytes() for p in sorted((DATA / "ingest").rglob("*")) if p.is_file() and p.stat().st_size < 200_000]


@st.composite
def hostile_bytes(draw) -> bytes:
    """Random bytes, or a real input file cut and overwritten at random places."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=4_000))
    raw = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(0, 5))):
        if raw:
            i = draw(st.integers(0, len(raw) - 1))
            raw[i:i + draw(st.integers(0, 50))] = draw(st.binary(max_size=20))
    return bytes(raw[:draw(st.integers(0, len(raw)))]) if draw(st.booleans()) else bytes(raw)


def wrapped(raw: bytes, suffix: str) -> bytes:
    """Inside a real container for .gz and .zip half the time, so the inner readers are reached."""
    if suffix == ".gz":
        return gzip.compress(raw)
    if suffix == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("inner.csv", raw)
            z.writestr("inner.jsonl", raw)
        return buf.getvalue()
    return raw


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=hostile_bytes(), suffix=st.sampled_from(SUFFIXES), wrap=st.booleans())
def test_readers_never_raise_on_any_bytes(tmp_path_factory, raw, suffix, wrap):
    path = tmp_path_factory.mktemp("bytes") / f"input{suffix}"
    path.write_bytes(wrapped(raw, suffix) if wrap else raw)
    for item in read_paths([path], default_date="2023-06-04"):
        assert isinstance(item, (Document, IngestError))
        if isinstance(item, IngestError):
            assert "\n" not in str(item) and str(item).startswith(str(path))


@pytest.mark.parametrize("sample", range(len(SAMPLES)))
def test_the_real_samples_read(tmp_path, sample):
    """The unmodified samples the hostile inputs start from read without a crash too."""
    path = tmp_path / "sample"
    path.write_bytes(SAMPLES[sample])
    assert all(isinstance(i, (Document, IngestError)) for i in read_paths([path], default_date="2023-06-04"))

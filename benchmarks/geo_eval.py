"""Geoparsing on GeoVirus: the learned ranker beside the hand-set score and the most populous
candidate, plus load time and peak memory of `eventwire extract` on one article.

    .venv/bin/python benchmarks/geo_eval.py [--geo DIR] [--skip-extract] [-v]

Runs the spaCy model and the places stage only, once per ranking, scores each with the
corpus's own `score.py` (Accuracy@161km end to end and given detection). Needs the shared eval
data (default ../shared/eval/geo); nothing here is used by the tests.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def most_populous():
    from eventwire.extract.ranker import FEATURES, Ranker

    n = len(FEATURES)
    coef = [1.0 if f == "log_pop" else 0.0 for f in FEATURES]
    return Ranker(FEATURES, (0.0,) * n, (1.0,) * n, tuple(coef), 0.0)


def predict(nlp, stage, docs: list[dict], ranker, out: Path) -> None:
    stage.data.ranker = ranker
    with out.open("w", encoding="utf-8") as fh:
        for d in docs:
            doc = nlp.make_doc(d["text"])
            doc._.pub_date = d["date"]
            nlp(doc)
            places = [p.place.model_dump(mode="json") for p in doc._.places]
            fh.write(json.dumps({"doc_id": d["id"], "places": places}) + "\n")


def score(geo: Path, pred: Path, verbose: bool) -> str:
    args = [sys.executable, str(geo / "score.py"), str(geo / "gold.jsonl"), str(pred)]
    res = subprocess.run(args + (["--verbose"] if verbose else []), capture_output=True, text=True)
    lines = res.stdout.splitlines()
    return "\n".join(lines if verbose else [ln for ln in lines if "detection" in ln or "resolution(core)" in ln])


def extract_cost(geo: Path) -> str:
    """Wall time, pipeline load time and peak RSS of `eventwire extract` on one article."""
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.jsonl"
        one.write_text(open(geo / "input.jsonl", encoding="utf-8").readline(), encoding="utf-8")
        code = ("import time,sys; t=time.perf_counter(); from eventwire.nlp import load_nlp; load_nlp(); "
                "print(round(time.perf_counter()-t,2)); from eventwire.cli import app; "
                f"sys.argv=['eventwire','extract',{str(one)!r},'-o',{str(Path(tmp) / 'out.jsonl')!r}]; app()")
        t = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        wall = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        load = (res.stdout.split() or ["?"])[0]
    return f"eventwire extract, one article: {wall:.1f} s wall, pipeline load {load} s, peak RSS {rss:.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--geo", default=str(ROOT.parent / "shared" / "eval" / "geo"))
    ap.add_argument("--skip-extract", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    geo = Path(args.geo)
    if not args.skip_extract:
        print(extract_cost(geo))

    import spacy

    from eventwire.extract import places  # noqa: F401  (registers the factory)
    from eventwire.extract.ranker import Ranker
    from eventwire.nlp import extensions  # noqa: F401
    from eventwire.nlp.pipeline import MODEL

    nlp = spacy.load(MODEL)
    stage = nlp.add_pipe("eventwire_places")
    stage.initialize(nlp=nlp)
    docs = [json.loads(ln) for ln in open(geo / "input.jsonl", encoding="utf-8") if ln.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        for label, ranker in (("most populous candidate", most_populous()), ("hand-set score", None),
                              ("learned ranker (data/place_ranker.json)", Ranker.load())):
            out = Path(tmp) / "pred.jsonl"
            t = time.perf_counter()
            predict(nlp, stage, docs, ranker, out)
            print(f"== {label} ({time.perf_counter() - t:.0f} s)")
            print(score(geo, out, args.verbose))


if __name__ == "__main__":
    main()

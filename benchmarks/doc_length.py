"""Time against document length, per pipeline stage: one word repeated N times (the worst case
for stages that compare mentions pairwise) and a real article repeated to N words. A stage that
grows with the square of the length shows here as a time that quadruples when N doubles.

    python benchmarks/doc_length.py                       # 1k, 2.5k, 5k, 10k words
    python benchmarks/doc_length.py --words 1000,2000 --word shelling --cap 60

Each document runs under the per-document time limit (`--cap` seconds, `Limits.doc_seconds`);
a stage stopped by it shows as '>cap' and the later stages of that document are not run.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventwire.nlp import load_nlp, make_doc  # noqa: E402
from eventwire.timelimit import TimeLimit, time_guard  # noqa: E402

ARTICLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed.txt"


def texts(n: int, word: str) -> dict[str, str]:
    body = ARTICLE.read_text(encoding="utf-8").split("\n", 1)[1].split() if ARTICLE.exists() else [word]
    return {f"'{word}' x{n}": " ".join([word] * n),
            f"article to {n}": " ".join((body * (n // len(body) + 1))[:n])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", default="1000,2500,5000,10000", help="Document lengths in words.")
    ap.add_argument("--word", default="attack", help="The word repeated.")
    ap.add_argument("--cap", type=float, default=60.0, help="Per-document time limit in seconds.")
    args = ap.parse_args()
    nlp = load_nlp()
    time_guard(nlp, args.cap)
    names = [name for name, _ in nlp.pipeline]
    print(f"{'document':<22} {'total':>8}  " + "  ".join(f"{n.removeprefix('eventwire_')[:10]:>10}" for n in names))
    for n in (int(x) for x in args.words.split(",")):
        for label, text in texts(n, args.word).items():
            doc = make_doc(nlp, text, "2023-06-04")
            cells, total = [], 0.0
            for name, proc in nlp.pipeline:
                start = perf_counter()
                try:
                    doc = proc(doc)
                except TimeLimit:
                    cells.append(f">{args.cap:g}")
                    total = float("inf")
                    break
                spent = perf_counter() - start
                total += spent
                cells.append(f"{spent:.2f}")
            cells += ["-"] * (len(names) - len(cells))
            print(f"{label:<22} {total:>8.2f}  " + "  ".join(f"{c:>10}" for c in cells), flush=True)


if __name__ == "__main__":
    main()

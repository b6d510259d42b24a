"""Throughput of `eventwire run` on Dask workers started as separate processes, against the
floor (the bare spaCy model) and `eventwire extract` in one process.

One run measures, each variant in its own processes and each including its model load:

- bare      `spacy.load` + `nlp.pipe` over the texts, in extract's batches (the floor);
- extract   `eventwire extract CORPUS -o OUT`, one process;
- run/1     `dask scheduler` + `dask worker --nworkers 1`, then `eventwire run --scheduler ADDR`
            into a new SQLite store (the workers load the pipeline when the run installs its
            worker plugin, so that load is inside the time);
- run/2     the same with `--nworkers 2`;

and prints documents/s, events/s, peak RSS of every process (each Dask worker's own, read on
the worker), `extract`'s RSS after 100, 500, 1,000, 1,500 and 2,000 documents (memory that
grows with the documents shows there) and the ratios (targets: extract/bare >= 0.85,
run/2 / run/1 >= 1.7).

The corpus is real news text only: every article of ../shared/corpus (the 37 Wikinews articles,
the seed report and the 308 of bench.jsonl.gz) and the inputs of ../shared/eval/{geo,time,plover}
(807 distinct texts, 2.0 M characters). An article longer than --part-chars is cut at paragraph
breaks into parts of about that length, each a document of its own with the article's date, so
that there are >= 2,000 documents (2,133 at the default 1,100) with the realistic spread of
lengths of a news feed rather than a few 20,000-word interviews.

    .venv/bin/python benchmarks/throughput.py                  # all of it (a few minutes)
    .venv/bin/python benchmarks/throughput.py --docs 200 --variants bare run/1 run/2
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
SOURCES = ("corpus", "eval/geo/input.jsonl", "eval/time/input.jsonl", "eval/plover/input.jsonl")
BIN = Path(sys.executable).parent
VARIANTS = ("bare", "extract", "run/1", "run/2")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def corpus(part_chars: int) -> list[dict]:
    """Distinct real texts of ../shared, long ones cut at paragraph breaks."""
    sys.path.insert(0, str(ROOT))
    from eventwire.ingest import read_paths
    from eventwire.models import Document

    docs: dict[str, dict] = {}
    for d in read_paths([SHARED / s for s in SOURCES]):
        if not isinstance(d, Document):
            continue
        for k, text in enumerate(parts(d.text, part_chars)):
            docs.setdefault(text, {"id": f"{d.id}#{k}" if k else d.id, "date": d.date, "text": text})
    return list(docs.values())


def parts(text: str, size: int) -> list[str]:
    out: list[str] = []
    for para in (p.strip() for p in re.split(r"\n\s*\n", text)):
        if not para:
            continue
        if out and len(out[-1]) + len(para) <= size:
            out[-1] += "\n\n" + para
        else:
            out.append(para)
    return out


# the floor is given extract's own batches (`core.batches`): they beat both 8 a batch and
# spaCy's default on this corpus (600 items, CPU-s: 8 a batch 13.5-15.8, default 13.7-13.9,
# extract's 11.9-12.6), so the ratio measures our stages, not a batching the floor lacks
BARE = """
import json, resource, sys, time, spacy
t0 = time.perf_counter()
nlp = spacy.load(sys.argv[2])
texts = [json.loads(line)["text"] for line in open(sys.argv[1])]
def batches(most=64, chars=int(sys.argv[3])):  # core.batches, without importing eventwire
    batch, total = [], 0
    for text in texts:
        if batch and (len(batch) == most or total + len(text) > chars):
            yield batch
            batch, total = [], 0
        batch.append(text)
        total += len(text)
    if batch:
        yield batch
tokens = sum(len(doc) for batch in batches() for doc in nlp.pipe(batch, batch_size=len(batch)))
print(json.dumps({"tokens": tokens, "seconds": time.perf_counter() - t0}))
"""


MILESTONES = (100, 500, 1000, 1500, 2000)


def timed(cmd: list[str], workdir: Path, lines: Optional[Path] = None) -> tuple[float, float, float, str, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS (MB) of the process, its stdout and
    stderr. With `lines` (the JSON Lines file it writes, one line a document) it prints the
    process's RSS as it passes MILESTONES documents: memory that grows with the documents
    shows there."""
    out, err = workdir / "stdout", workdir / "stderr"
    with out.open("w") as o, err.open("w") as e:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=ENV, stdout=o, stderr=e)
        if lines is not None:
            rss_by_docs(proc, lines)
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here: the child's own peak RSS
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {proc.returncode}: {err.read_text().strip()[-500:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read_text(), err.read_text()


def rss_by_docs(proc: subprocess.Popen, lines: Path) -> None:
    """Until `proc` ends: its RSS (MB) when `lines` first holds each of MILESTONES lines."""
    seen, count, status = [], 0, Path(f"/proc/{proc.pid}/status")
    with lines.open("rb") as fh:
        while proc.poll() is None and len(seen) < len(MILESTONES):
            time.sleep(0.2)
            count += fh.read().count(b"\n")
            try:
                rss = next(int(x.split()[1]) for x in status.read_text().splitlines() if x.startswith("VmRSS"))
            except (OSError, StopIteration):  # the process has just ended
                break
            while len(seen) < len(MILESTONES) and count >= MILESTONES[len(seen)]:
                seen.append(f"{MILESTONES[len(seen)]}: {rss / 1024:.0f}")
    if seen:
        print(f"           RSS (MB) after N documents: {', '.join(seen)}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_run(path: Path, n_workers: int, workdir: Path) -> dict:
    """`eventwire run --scheduler` on a scheduler and `n_workers` worker processes started here."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    log = open(workdir / f"dask-{n_workers}.log", "w")
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], env=ENV, stdout=log, stderr=log)]
    procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", str(n_workers),
                                   "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                                  env=ENV, stdout=log, stderr=log))
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(n_workers, timeout=120)
            db = workdir / f"run-{n_workers}.db"
            seconds, _, rss, _, stderr = timed([sys.executable, "-m", "eventwire.cli", "run", str(path),
                                             "--db", str(db), "--scheduler", address], workdir)

            def peak(dask_worker=None) -> float:
                import resource

                return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

            workers = sorted(client.run(peak).values())
        events = int(re.search(r"events stored: (\d+)", stderr).group(1))
        return {"seconds": seconds, "events": events, "rss": rss, "workers": workers}
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait(30)
        log.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part-chars", type=int, default=1100, help="cut longer articles into parts of about this size")
    ap.add_argument("--docs", type=int, default=None, help="use the first N documents (default: all)")
    ap.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    args = ap.parse_args()

    docs = corpus(args.part_chars)[:args.docs]
    chars = sum(len(d["text"]) for d in docs)
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp:
        workdir = Path(tmp)
        path = workdir / "corpus.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs))
        print(f"{len(docs)} documents of real news text, {chars:,} characters ({chars // len(docs)} per document); "
              f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at start", flush=True)
        results: dict[str, dict] = {}
        for v in args.variants:
            if v == "bare":
                from eventwire.core import BATCH_CHARS
                from eventwire.nlp import MODEL

                seconds, cpu, rss, _, _ = timed([sys.executable, "-c", BARE, str(path), MODEL, str(BATCH_CHARS)], workdir)
                results[v] = {"seconds": seconds, "cpu": cpu, "rss": rss, "events": None}
            elif v == "extract":
                seconds, cpu, rss, out, _ = timed([sys.executable, "-m", "eventwire.cli", "extract", str(path)],
                                             workdir, lines=workdir / "stdout")
                events = sum(len(json.loads(line)["events"]) for line in out.splitlines())
                results[v] = {"seconds": seconds, "cpu": cpu, "rss": rss, "events": events}
            else:
                results[v] = dask_run(path, int(v.split("/")[1]), workdir)
            r = results[v]
            workers = f", workers {' / '.join(f'{w:.0f}' for w in r['workers'])} MB" if "workers" in r else ""
            events = f", {r['events'] / r['seconds']:.0f} events/s ({r['events']} events)" if r["events"] is not None else ""
            cpu = f" ({r['cpu']:.1f} CPU s)" if "cpu" in r else ""
            print(f"{v:8} {r['seconds']:7.1f} s{cpu}  {len(docs) / r['seconds']:6.1f} docs/s{events}; "
                  f"peak RSS {r['rss']:.0f} MB{workers}", flush=True)

    rate = {v: len(docs) / r["seconds"] for v, r in results.items()}
    for a, b, target in (("extract", "bare", 0.85), ("run/1", "bare", None), ("run/2", "bare", None),
                         ("run/1", "extract", None), ("run/2", "run/1", 1.7)):
        if a in rate and b in rate:
            goal = f"  (target >= {target})" if target else ""
            print(f"{a} / {b} docs/s: {rate[a] / rate[b]:.2f}{goal}")
    if "extract" in results and "bare" in results:  # other jobs on the machine move wall time, not CPU time
        print(f"extract / bare docs per CPU-second: {results['bare']['cpu'] / results['extract']['cpu']:.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at end")


if __name__ == "__main__":
    main()

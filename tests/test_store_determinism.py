"""Two clean runs give the same store: the same records (every event's place, date, actors)
and the same canonical events, whatever the hash seed, the order of the documents and the
batches they are extracted and stored in."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from eventwire.store import open_store

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"


def _run(db: Path, files: list[Path], seed: str, batch_size: int) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "eventwire.cli", "run", *map(str, files), "--db", str(db),
                           "--batch-size", str(batch_size)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def _stored(db: Path) -> tuple[dict, list]:
    with open_store(str(db), create=False) as store:
        records = {(r["doc_id"], r["seq"]): json.loads(r["record"]) for r in store.query(
            "SELECT d.doc_id, e.seq, e.record FROM events e JOIN documents d ON d.hash = e.doc_hash")}
        return records, store.canonical_events()


def test_two_clean_runs_store_the_same_records_whatever_the_seed_and_order(tmp_path):
    files = [*sorted(DATA.glob("*.txt")), DATA / "wikinews-5.jsonl"]
    _run(tmp_path / "a.db", files, "1", 32)
    _run(tmp_path / "b.db", files[::-1], "2", 1)
    a_records, a_canonical = _stored(tmp_path / "a.db")
    b_records, b_canonical = _stored(tmp_path / "b.db")
    assert len(a_records) > 20
    assert a_records.keys() == b_records.keys()
    changed = sorted(k for k in a_records if a_records[k] != b_records[k])
    assert not changed, f"{len(changed)} events differ, first {changed[0]}: " \
        f"{a_records[changed[0]].get('location')} vs {b_records[changed[0]].get('location')}"
    assert a_canonical == b_canonical

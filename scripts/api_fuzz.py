"""Schemathesis against a live `eventwire serve` on 127.0.0.1: every operation of /openapi.json
with generated valid and invalid inputs (writes with the API token, reviews on a real event),
bounded in examples and time; fails on any 5xx.

    python scripts/api_fuzz.py                    # 25 examples per operation, at most 120 s
    python scripts/api_fuzz.py --examples 100 --max-time 600

Prints the inputs tried and the 5xx count (from the server's own access log, so a 5xx that the
fuzzer did not notice counts too). Offline: nothing leaves the loopback interface.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "fuzz-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=25, help="Examples per operation and phase.")
    ap.add_argument("--max-time", type=int, default=120, help="Seconds for the whole fuzzing run.")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVENTWIRE_API_TOKEN": TOKEN, "EVENTWIRE_DOC_SECONDS": "10"}
    env.pop("EVENTWIRE_READ_TOKEN", None)
    with tempfile.TemporaryDirectory(prefix="eventwire-fuzz-") as tmp:
        db = Path(tmp) / "fuzz.db"
        articles = sorted(str(p) for p in (ROOT / "tests" / "data").glob("*.txt"))
        subprocess.run([sys.executable, "-m", "eventwire.cli", "run", *articles, "--db", str(db)], env=env,
                       check=True, capture_output=True)
        with sqlite3.connect(db) as conn:
            event_id, doc_hash = conn.execute(
                "SELECT id, doc_hash FROM events WHERE canonical_id IS NOT NULL ORDER BY id LIMIT 1").fetchone()
        config = Path(tmp) / "schemathesis.toml"
        config.write_text(f'request-timeout = 120.0\n[parameters]\nevent_id = "{event_id}"\nkey = "{doc_hash}"\n')
        port = free_port()
        log = open(Path(tmp) / "serve.log", "w")
        server = subprocess.Popen([sys.executable, "-m", "eventwire.cli", "serve", "--db", str(db),
                                   "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(base + "/api/config", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.5)
            urllib.request.urlopen(base + "/api/places?q=Kyiv", timeout=120).read()  # gazetteer loaded
            report = Path(tmp) / "report"
            st = Path(sys.executable).parent / "schemathesis"
            done = subprocess.run([str(st), "--config-file", str(config), "run", base + "/openapi.json",
                                   "--checks", "not_a_server_error", "-n", str(args.examples),
                                   "--max-time", str(args.max_time), "--seed", str(args.seed), "-w", "1",
                                   "-H", f"Authorization: Bearer {TOKEN}", "--report", "json",
                                   "--report-dir", str(report)],
                                  env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"},
                                  capture_output=True, text=True)
        finally:
            server.terminate()
            server.wait(30)
            log.close()
        statuses = re.findall(r'HTTP/1\.1" (\d{3})', (Path(tmp) / "serve.log").read_text())
        result = json.loads(Path(sorted(glob.glob(str(report / "*.json")))[-1]).read_text())
        server_errors = sum(s.startswith("5") for s in statuses)
        by_class = {f"{c}xx": sum(s.startswith(c) for s in statuses) for c in "2345"}
        print(f"schemathesis {result['schemathesis_version']}: {result['test_cases']['generated']} inputs tried, "
              f"{len(statuses)} requests ({', '.join(f'{k} {v}' for k, v in by_class.items())}), "
              f"{server_errors} server errors (5xx), {len(result['failures'])} failures")
        if server_errors or result["failures"] or done.returncode not in (0, 1):
            print(done.stdout[-5000:], file=sys.stderr)
        # exit 1 from schemathesis with no failure means network errors (timeouts), not 5xx
        return 1 if server_errors or result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

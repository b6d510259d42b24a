"""Zero 5xx under schemathesis: a bounded run of scripts/api_fuzz.py against a live server on
127.0.0.1 (every operation of /openapi.json, writes with the token, reviews on a real event)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_no_server_error_under_schemathesis():
    pytest.importorskip("schemathesis")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "api_fuzz.py"), "--examples", "10",
                           "--max-time", "60"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    m = re.search(r"(\d+) inputs tried, .* (\d+) server errors \(5xx\), (\d+) failures", done.stdout)
    assert m and int(m.group(1)) > 500 and m.group(2) == "0" and m.group(3) == "0", done.stdout

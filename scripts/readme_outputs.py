#!/usr/bin/env python3
"""Regenerate the outputs shown in README.md: run each marked block's commands (or Python)
on the bundled examples in a scratch folder and write what they printed between its markers
`<!-- readme: NAME -->` and `<!-- /readme -->`.

    python scripts/readme_outputs.py           # rewrite README.md
    python scripts/readme_outputs.py --check   # exit 1 when README.md differs from a fresh run
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- readme: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /readme -->)", re.S)

# Each block: shell commands as a user types them (`eventwire` is this checkout's), in order,
# in one scratch folder holding `examples/` and `tests/data/`; or Python run there.
COMMANDS = {
    "cli": [
        "eventwire run examples/",
        "eventwire run examples/",
        "eventwire search --text shelling --limit 3",
        "eventwire sources dec42839b675f860:10",
        "eventwire export --format csv -o out/events.csv",
        "eventwire export --format geojson --near 50.6,36.6,100 -o out/belgorod.geojson",
        "eventwire export --format parquet -o out/events.parquet",
        "eventwire export --format ucdp -o out/ged.csv",
        "eventwire run missing.txt",
    ],
}
PYTHON = {
    "python": '''\
import eventwire

text = ("On Thursday, Sviatlana Tsikhanouskaya, an opposition candidate for the Belarusian presidential election "
        "to be held on August 9, held a rally in Minsk, Belarus.\\n\\nWithin roughly a day before the event, "
        "Belarusian KGB arrested 33 Russian individuals, claiming them to be mercenaries.")
record = eventwire.extract(text, date="2020-08-03")  # a DocumentRecord (pydantic); .model_dump() for a dict
for event in record.events:
    arrested = event.counts.arrested
    print(event.id, event.type, event.mode, event.acled.sub_event_type, event.date.start, event.date.end,
          event.location.name if event.location else None,
          arrested and (arrested.value, text[arrested.span.start:arrested.span.end]))

eventwire.run(["examples/"], db="eventwire.db")            # what `eventwire run examples/` does
with eventwire.open_store("eventwire.db") as store:         # reading never creates a store
    for e in store.events(text="shelling", limit=2):          # SPEC event records
        print(e.id, e.type, e.date.start, e.location.name)
    df = store.to_pandas(type="ASSAULT", country="Russia")   # pandas (eventwire[pandas]), nullable dtypes
    print(df[["event_id_cnty", "event_date", "sub_event_type", "location", "fatalities"]].head(4).to_string())
    ged = store.to_arrow("ucdp")                               # pyarrow.Table, UCDP GED columns
    print(ged.num_rows, "GED rows;", ged.select(["type_of_violence", "side_a", "side_b", "best"]).to_pylist()[0])
''',
    "publisher": '''\
import eventwire

eventwire.run(["tests/data/ingest/wn-040.html", "tests/data/ingest/telegram/result.json", "examples/seed.txt"],
              db="news.db")
with eventwire.open_store("news.db") as store:
    df = store.to_pandas()
    print(df.drop_duplicates("doc_id")[["doc_id", "source", "title"]].to_string(index=False))
''',
}


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "EVENTWIRE_DB")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_commands(commands: list[str], cwd: Path) -> str:
    lines = []
    for command in commands:
        argv = shlex.split(command)
        if argv[0] == "eventwire":
            argv = [sys.executable, "-m", "eventwire.cli", *argv[1:]]
        done = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=900)
        lines.append(f"$ {command}")
        # stderr and stdout in the order a terminal shows them for these commands: errors first
        lines += [line.rstrip() for line in (done.stderr + done.stdout).splitlines()]
    return "```\n" + "\n".join(lines) + "\n```\n"


def run_python(code: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=900)
    if done.returncode:
        raise SystemExit(f"readme_outputs: the Python block failed:\n{done.stderr}")
    out = "\n".join(line.rstrip() for line in done.stdout.splitlines())
    return f"```python\n{code}```\n\nprints:\n\n```\n{out}\n```\n"


def render() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="eventwire-readme-") as tmp:
        outputs = {}
        for name, commands in COMMANDS.items():
            work = _scratch(Path(tmp) / name)
            outputs[name] = run_commands(commands, work)
        for name, code in PYTHON.items():
            work = _scratch(Path(tmp) / name)
            outputs[name] = run_python(code, work)
    return outputs


def _scratch(work: Path) -> Path:
    (work / "tests").mkdir(parents=True)
    (work / "examples").symlink_to(ROOT / "examples")
    (work / "tests" / "data").symlink_to(ROOT / "tests" / "data")
    return work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when README.md is stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    names = [m.group("name") for m in BLOCK.finditer(text)]
    unknown = set(names) - set(COMMANDS) - set(PYTHON)
    if unknown:
        raise SystemExit(f"readme_outputs: README.md has blocks this script does not know: {sorted(unknown)}")
    outputs = render()
    new = BLOCK.sub(lambda m: m.group(1) + outputs[m.group("name")] + m.group(4), text)
    if args.check:
        if new != text:
            print("README.md outputs are stale: run python scripts/readme_outputs.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"README.md: {len(names)} blocks regenerated ({', '.join(names)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Convert the PETRARCH2 CAMEO verb dictionary and PLOVER's CAMEO2PLOVER table to package data.

    python scripts/convert_cameo.py [PHOENIX_DIR] [-o eventwire/extract/data/verbs.json]

PHOENIX_DIR holds `CAMEO.2.0.txt` and `CAMEO2PLOVER-2021.txt` (default ../shared/resources/phoenix).
The output keeps, per verb lemma, its verb block and default CAMEO code; per block, its
patterns as (words before the verb, words after it, code), each word a list of alternatives
(synonym sets expanded); and the CAMEO -> PLOVER table with `data/verbs_plover.yaml`'s
additions. Attribution: data/VERBS-ATTRIBUTION.md.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eventwire" / "extract" / "data"
CODE = re.compile(r"\[([^\]]*)\]")


def clean_word(w: str) -> str:
    return w.strip("_").replace("_", " ").lower()


def parse_code(raw: str):
    """`[042:043]` -> "042" (the source's act); `[:173]` -> "173"; `[---]` -> None."""
    parts = [p.strip() for p in raw.split(":") if p.strip() and p.strip() != "---"]
    code = parts[0] if parts else None
    return code if code and code.isdigit() else None


def parse_verbs(path: Path) -> dict:
    sets: dict[str, list[str]] = {}
    verbs: dict[str, dict] = {}
    blocks: dict[str, list] = {}
    current_set = block = None
    block_code = None
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    in_patterns = False
    for n, raw in enumerate(lines, 1):
        if "VERB PATTERNS" in raw:
            in_patterns = True
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not in_patterns:
            if line.startswith("&"):
                current_set = line[1:].strip().rstrip("_")
                sets[current_set] = []
            elif line.startswith("+") and current_set:
                sets[current_set].append(clean_word(line[1:].strip()))
            continue
        if line.startswith("---"):
            m = re.match(r"---\s+(\S+)\s+\[([^\]]*)\]", line)
            if not m:
                sys.exit(f"{path}:{n}: unreadable verb block header")
            block = m.group(1).lower()
            block_code = parse_code(m.group(2))
            blocks.setdefault(block, [])
            continue
        if block is None:
            continue
        if line.startswith("-"):
            m = CODE.search(line)
            if not m:
                continue
            code = parse_code(m.group(1))
            if code is None:
                continue
            body = line[1:m.start()].strip()
            if "*" not in body:
                continue
            pre, post = body.split("*", 1)
            blocks[block].append([words(pre, sets), words(post, sets), code])
            continue
        # a verb line: "WORD {FORMS} [code]" or "+WORD_PARTICLE {FORMS} [code]"
        m = CODE.search(line)
        code = parse_code(m.group(1)) if m else None
        head = re.sub(r"\{[^}]*\}", " ", line[:m.start()] if m else line).strip()
        if not head:
            continue
        parts = head.lstrip("+").split()[0].strip("_").lower().split("_")
        lemma, particle = parts[0], " ".join(parts[1:])
        entry = verbs.setdefault(lemma, {"block": block, "code": None, "phrases": {}})
        if particle:
            entry["phrases"][particle] = code or block_code
        else:
            entry["block"] = block
            entry["code"] = code or block_code
    return {"verbs": verbs, "blocks": blocks}


def words(text: str, sets: dict) -> list[list[str]]:
    """Pattern words in order, each a list of alternatives; actor slots and markup dropped."""
    out = []
    for w in re.sub(r"[(){}]", " ", text).split():
        if w in ("$", "+", "^", "%") or w.startswith(("$", "^", "%")):
            continue
        if w.startswith("&"):
            alts = sets.get(w[1:].rstrip("_"))
            if alts:
                out.append(sorted(set(alts)))
            continue
        w = w.lstrip("+")
        if w and re.match(r"^[A-Za-z]", w):
            out.append([clean_word(w)])
    return out


def parse_plover(path: Path, additions: dict) -> dict:
    modes = {t: set(m) for t, m in additions["modes"].items()}
    table = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(\d+):\s*(.*)$", line)
        if not m:
            continue
        fields = [f.strip() for f in m.group(2).split(",")]
        type_ = fields[0]
        mode = fields[1] if len(fields) > 1 else ""
        context = [c.strip() for c in fields[2].split(";") if c.strip()] if len(fields) > 2 else []
        mode = mode if mode in modes.get(type_, ()) else None
        table[m.group(1)] = [type_, mode, context]
    for code, row in additions["codes"].items():
        table[str(code)] = [row["type"], row.get("mode"), row.get("context", [])]
    return table


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("phoenix", nargs="?", default=str(ROOT.parent / "shared" / "resources" / "phoenix"))
    ap.add_argument("-o", "--out", default=str(DATA / "verbs.json"))
    a = ap.parse_args(argv)
    src = Path(a.phoenix)
    for name in ("CAMEO.2.0.txt", "CAMEO2PLOVER-2021.txt"):
        if not (src / name).is_file():
            sys.exit(f"{src / name}: not found")
    additions = yaml.safe_load((DATA / "verbs_plover.yaml").read_text(encoding="utf-8"))
    data = parse_verbs(src / "CAMEO.2.0.txt")
    data["plover"] = parse_plover(src / "CAMEO2PLOVER-2021.txt", additions)
    data["source"] = "PETRARCH2 CAMEO.2.0.txt (MIT, Open Event Data Alliance); PLOVER CAMEO2PLOVER-2021.txt (CC BY-SA 4.0)"
    Path(a.out).write_text(json.dumps(data, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    print(f"{a.out}: {len(data['verbs'])} verbs, {sum(map(len, data['blocks'].values()))} patterns, "
          f"{len(data['plover'])} CAMEO codes")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Convert the Phoenix (PETRARCH2) actor and agent dictionaries to eventwire's actor data.

    python scripts/convert_phoenix.py [PHOENIX_DIR] [-o eventwire/extract/data/phoenix_actors.json]

Reads `Phoenix.Countries.actors.txt`, `Phoenix.International.actors.txt`,
`Phoenix.MilNonState.actors.txt` and `Phoenix.agents.txt` (default
../shared/resources/phoenix) and writes one compact JSON file:
- `actors`: [name, kind, [[start, end, country, sector], ...]] per entry; `start`/`end` are
  ISO dates or null (open), the undated role last; kind is person, org or group;
- `names`: lower-cased name or synonym -> index in `actors`;
- `countries`: country names and synonyms -> ISO alpha-3 (a city or region the file lists
  under a country is left out: it is a place, not the state);
- `agents`: generic noun (lower case, words joined by spaces) -> SPEC sector.
Sectors follow `eventwire/extract/data/cameo_sectors.yaml`. Attribution: data/PHOENIX-ATTRIBUTION.md.
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
ROLE = re.compile(r"\[([A-Z~]*)\s*([^\]]*)\]")
FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
         "Phoenix.MilNonState.actors.txt", "Phoenix.agents.txt")


def norm(name: str) -> str:
    """`VLADIMIR_V._PUTIN_` -> `vladimir v. putin`."""
    return re.sub(r"\s+", " ", name.replace("_", " ")).strip().lower()


def iso_date(s: str):
    """`080507` -> 2008-05-07, `20070101` -> 2007-01-01 (two-digit years above 30 are 19xx)."""
    s = s.strip()
    if len(s) == 6 and s.isdigit():
        yy = int(s[:2])
        year = 1900 + yy if yy > 30 else 2000 + yy
        mm, dd = s[2:4], s[4:6]
    elif len(s) == 8 and s.isdigit():
        year, mm, dd = int(s[:4]), s[4:6], s[6:8]
    else:
        return None
    mm = mm if "01" <= mm <= "12" else "01"
    dd = dd if "01" <= dd <= "31" else "01"
    return f"{year:04d}-{mm}-{dd}"


def date_range(text: str):
    """`000507-080507`, `>080508`, `<990809` or empty -> (start, end); None if unreadable."""
    t = text.strip()
    if not t:
        return (None, None)
    if t.startswith(">"):
        return (iso_date(t[1:]), None)
    if t.startswith("<"):
        return (None, iso_date(t[1:]))
    if "-" in t:
        a, b = t.split("-", 1)
        return (iso_date(a), iso_date(b))
    return None


class SectorTable:
    def __init__(self, table: dict, iso3: set[str]):
        self.sectors = table["sectors"]
        self.international = table["international"]
        self.iso3 = iso3

    def code(self, code: str):
        """CAMEO actor code -> (country or None, SPEC sector)."""
        code = code.lstrip("~").upper()
        head, rest = code[:3], code[3:]
        if head in self.international and head not in self.iso3:
            country, sector = None, self.international[head]
            if head in ("IGO", "NGO"):
                return country, sector
        elif head in self.iso3:
            country, sector = head, "GOV"
        else:  # a region or bloc code ("EUR", "WST"): no single country
            country, sector = None, None
            rest = code
        for i in range(0, len(rest) - 2, 3):
            if rest[i:i + 3] in self.sectors:
                return country, self.sectors[rest[i:i + 3]]
        return country, sector or "UNK"


def entries(lines):
    """(line number, name, synonyms, role texts) per entry of an actor file."""
    name = None
    syns, roles, start = [], [], 0
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        stripped = line.strip()
        if raw[:1] in ("\t", " ") and stripped.startswith("["):
            roles += ROLE.findall(stripped)
            continue
        if stripped.startswith("+"):
            if name is not None:
                syns.append(stripped[1:].split("[", 1)[0].strip())
                roles += ROLE.findall(stripped)
            continue
        if name is not None:
            yield start, name, syns, roles
        name, syns, roles, start = stripped.split("[", 1)[0].strip(), [], ROLE.findall(stripped), n
    if name is not None:
        yield start, name, syns, roles


def similar(name: str, syn: str) -> bool:
    """A country synonym that is a form of the country's own name (not one of its cities)."""
    stem = norm(name).replace("the ", "")[:4]
    return stem in norm(syn).replace(" ", "")


def convert(src: Path, table: SectorTable) -> dict:
    actors, names, countries, agents = [], {}, {}, {}
    for fname, kind in zip(FILES[:3], ("person", "org", "group")):
        lines = (src / fname).read_text(encoding="utf-8", errors="replace").splitlines()
        for n, name, syns, roles in entries(lines):
            if not roles or not name:
                continue
            parsed = []
            for code, dates in roles:
                rng = date_range(dates)
                if rng is None or not code:
                    continue
                country, sector = table.code(code)
                parsed.append([rng[0], rng[1], country, sector])
            if not parsed or all(r[3] == "UNK" for r in parsed):
                continue  # no role the SPEC sectors can tell apart
            codes = [c for c, _ in roles]
            if kind == "person" and len(codes) == 1 and len(codes[0]) == 3 and not roles[0][1].strip():
                # a country entry: its name and the synonyms that are forms of it
                for s in [name] + syns:
                    if s == name or similar(name, s):
                        countries.setdefault(norm(s), codes[0])
                continue
            undated = [r for r in parsed if r[0] is None and r[1] is None]
            dated = [r for r in parsed if not (r[0] is None and r[1] is None)]
            entry_kind = kind if kind != "person" or dated or "_" in name.strip("_") else "org"
            idx = len(actors)
            actors.append([norm(name).title(), entry_kind, dated + undated[:1]])
            for s in [name] + syns:
                key = norm(s)
                if len(key) > 2 and len(key.split()) <= 6 and key not in names:
                    names[key] = idx
    macros: dict[str, list[str]] = {}
    for raw in (src / FILES[3]).read_text(encoding="utf-8", errors="replace").splitlines():
        line = re.sub(r"\{[^}]*\}", " ", raw.split("#", 1)[0]).strip()
        m = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
        if m:
            macros[m.group(1)] = [w.strip() for w in m.group(2).split(",")]
            continue
        m = re.match(r"^\+?([^\[]+?)\s*\[(~[A-Z]+)\]", line)
        if not m:
            continue
        _, sector = table.code(m.group(2))
        forms = [m.group(1)]
        for macro, words in macros.items():
            forms = [f.replace(macro, "_" + w if not f.startswith(macro) else w) for f in forms for w in
                     (words if macro in f else [""])] if any(macro in f for f in forms) else forms
        for f in forms:
            agents.setdefault(norm(f), sector)
    return {"actors": actors, "names": names, "countries": countries, "agents": agents,
            "source": "Phoenix/PETRARCH2 dictionaries (MIT, Open Event Data Alliance); see PHOENIX-ATTRIBUTION.md"}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("phoenix", nargs="?", default=str(ROOT.parent / "shared" / "resources" / "phoenix"))
    ap.add_argument("-o", "--out", default=str(DATA / "phoenix_actors.json"))
    a = ap.parse_args(argv)
    src = Path(a.phoenix)
    for name in FILES:
        if not (src / name).is_file():
            sys.exit(f"{src / name}: not found")
    sys.path.insert(0, str(ROOT))
    from eventwire.geo import countries

    table = SectorTable(yaml.safe_load((DATA / "cameo_sectors.yaml").read_text(encoding="utf-8")),
                        {c["iso3"] for c in countries().values()})
    data = convert(src, table)
    Path(a.out).write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    print(f"{a.out}: {len(data['actors'])} actors, {len(data['names'])} names, "
          f"{len(data['countries'])} country names, {len(data['agents'])} agents")


if __name__ == "__main__":
    main()

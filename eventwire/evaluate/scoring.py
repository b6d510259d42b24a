"""Score document records against gold annotations (SPEC sections 9 and 10).

The numbers are those of the reference scorer (`eval/score.py` in the shared tree): same
event matching, same slot rules, same places and times layers. Documents are paired by
`doc_id`, falling back to the basename of `source`.
"""
from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from .. import geo

Record = Dict[str, Any]
Span = Tuple[int, int]

CITY_KM = 25.0
COUNT_KEYS = ("killed", "injured", "captured", "arrested", "displaced")
POINT = frozenset({"city", "landmark", "other"})
ADMIN_WORDS = re.compile(
    r"\b(oblast'?|region|province|governorate|state|raion|rayon|district|municipality|"
    r"municipal|krai|kray|republic|city|of|the|urban|okrug|hromada|county|prefecture)\b")
ADJ_ENDING = re.compile(r"(skiy|skii|skyi|skaya|skoye|skoe|skoy|sky|ska|ski|sk)$")
EMPTY_DOC: Record = {"events": [], "places": [], "times": []}


class ScoreInputError(ValueError):
    """A gold or prediction file that cannot be read as JSON Lines."""

    def __init__(self, path: str, line: int, msg: str) -> None:
        super().__init__(f"{path}:{line}: not valid JSON ({msg})")
        self.path, self.line = path, line


# ---------------------------------------------------------------- input
def load_jsonl(path: "str | os.PathLike[str]") -> List[Record]:
    """Read one JSON object per non-blank line; `ScoreInputError` names file and line."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                docs.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ScoreInputError(os.fspath(path), n, exc.msg) from None
    return docs


def doc_key(doc: Record) -> str:
    """`doc_id`, else the basename of `source`, else ''."""
    return doc.get("doc_id") or os.path.basename(doc.get("source") or "")


def as_list(x: Any) -> list:
    """None -> [], a list as is, anything else wrapped."""
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


# ---------------------------------------------------------------- spans and dates
def spans(obj: Record) -> List[Span]:
    """(start, end) pairs of an object's `evidence` list and its `span`."""
    found = as_list(obj.get("evidence")) + ([obj["span"]] if obj.get("span") else [])
    return [(int(s["start"]), int(s["end"])) for s in found
            if isinstance(s, dict) and "start" in s and "end" in s]


def overlap(a: Sequence[Span], b: Sequence[Span]) -> bool:
    """Does any span of `a` share a character with any span of `b`?"""
    return any(x0 < y1 and y0 < x1 for x0, x1 in a for y0, y1 in b)


def overlap_len(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Characters shared, summed over all span pairs."""
    return sum(max(0, min(x1, y1) - max(x0, y0)) for x0, x1 in a for y0, y1 in b)


def parse_day(s: Any) -> Optional[date]:
    """The ISO date in the first ten characters, or None."""
    if not s:
        return None
    try:
        return date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def window_ok(pred: Optional[Record], gold: Optional[Record]) -> bool:
    """Does pred `start..end` lie within gold `start..end` widened by `slack_days`?"""
    if not pred or not gold:
        return False
    ps, pe = parse_day(pred.get("start")), parse_day(pred.get("end") or pred.get("start"))
    gs, ge = parse_day(gold.get("start")), parse_day(gold.get("end") or gold.get("start"))
    if None in (ps, pe, gs, ge):
        return False
    slack = timedelta(days=int(gold.get("slack_days", 0)))
    return gs - slack <= ps and pe <= ge + slack


# ---------------------------------------------------------------- places and actors
def norm_name(name: Any) -> str:
    """ASCII, lower case, without admin words, punctuation or adjectival endings."""
    s = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "", ADMIN_WORDS.sub(" ", s))
    return ADJ_ENDING.sub("", s)


def same_name(a: Any, b: Any) -> bool:
    """Equal normalised names, or one (4+ chars) a prefix of the other, at most 2 longer."""
    a, b = norm_name(a), norm_name(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 2


def km(a: Record, b: Record) -> Optional[float]:
    """Great-circle distance between two lat/lon records, or None if either lacks them."""
    try:
        return geo.km(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))
    except (KeyError, TypeError, ValueError):
        return None


def _upper(x: Any) -> str:
    return (x or "").upper()


def place_ok(pred: Any, gold: Record) -> bool:
    """Is `pred` (a place, or a list whose first is used) an acceptable resolution of `gold`?"""
    if isinstance(pred, list):
        pred = pred[0] if pred else None
    if not pred:
        return False
    gf, pf = gold.get("feature"), pred.get("feature")
    if gold.get("geonameid") and pred.get("geonameid") \
            and int(gold["geonameid"]) == int(pred["geonameid"]):
        return True
    if gf in POINT:
        d = km(pred, gold)
        return pf in POINT and d is not None and d <= CITY_KM
    if gf == "country":
        return pf == "country" and _upper(pred.get("country")) == _upper(gold.get("country"))
    if gf in ("admin1", "admin2"):
        if pf != gf:
            return False
        if gold.get("country") and pred.get("country") and _upper(gold["country"]) != _upper(pred["country"]):
            return False
        return same_name(pred.get("name"), gold.get("name"))
    return False


def any_place_ok(pred: Any, golds: Any) -> bool:
    """Is `pred` acceptable for any of the gold places?"""
    return any(place_ok(pred, g) for g in as_list(golds))


def actor_ok(preds: Any, golds: Any) -> bool:
    """Do country and sector of some predicted actor agree with some gold actor?"""
    return any(_upper(p.get("country")) == _upper(g.get("country"))
               and _upper(p.get("sector")) == _upper(g.get("sector"))
               for p in as_list(preds) for g in as_list(golds))


def count_value(c: Any) -> Any:
    """The number of a COUNT object, or a bare number as is."""
    return c.get("value") if isinstance(c, dict) else c


# ---------------------------------------------------------------- matching
def match(golds: Sequence[Record], preds: Sequence[Record],
          compatible: Callable[[Record, Record], bool],
          weight: Callable[[Record, Record], float]) -> Dict[int, int]:
    """Maximum bipartite matching {gold index: pred index} by augmenting paths.

    Each gold tries its compatible predictions heaviest first; required golds with the
    fewest candidates are placed first, optional ones last.
    """
    edges: Dict[int, List[int]] = {}
    for gi, g in enumerate(golds):
        cands = [pi for pi, p in enumerate(preds) if compatible(g, p)]
        if cands:
            edges[gi] = sorted(cands, key=lambda pi: -weight(g, preds[pi]))
    owner: Dict[int, int] = {}

    def augment(gi: int, seen: set) -> bool:
        for pi in edges.get(gi, ()):
            if pi in seen:
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = gi
                return True
        return False

    for gi in sorted(range(len(golds)),
                     key=lambda gi: (bool(golds[gi].get("optional")), len(edges.get(gi, ())))):
        augment(gi, set())
    return {gi: pi for pi, gi in owner.items()}


def span_match(golds: Sequence[Record], preds: Sequence[Record]) -> Dict[int, int]:
    """Match mentions by span overlap, preferring the larger overlap."""
    return match(golds, preds, lambda g, p: overlap(spans(g), spans(p)),
                 lambda g, p: overlap_len(spans(g), spans(p)))


def event_compatible(g: Record, p: Record) -> bool:
    """Type among the gold's acceptable types, and overlapping evidence."""
    return p.get("type") in as_list(g.get("type")) and overlap(spans(g), spans(p))


def event_weight(g: Record, p: Record) -> int:
    """Prefer pairs whose place and date agree, then counts and actors, then evidence overlap."""
    w = overlap_len(spans(g), spans(p))
    if g.get("location") and any_place_ok(p.get("location"), g.get("location")):
        w += 10 ** 6
    if g.get("date") and window_ok(p.get("date"), g.get("date")):
        w += 10 ** 6
    gc, pc = g.get("counts") or {}, p.get("counts") or {}
    w += 10 ** 4 * sum(count_value(gc.get(k)) == count_value(pc.get(k)) for k in COUNT_KEYS)
    if g.get("actors") and actor_ok(p.get("actors"), g.get("actors")):
        w += 10 ** 4
    return w


# ---------------------------------------------------------------- tallies
@dataclass
class Tally:
    """Right / total per named check."""
    right: Dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: Dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, ok: Any) -> None:
        self.total[name] += 1
        self.right[name] += bool(ok)

    def rate(self, name: str) -> Optional[float]:
        t = self.total.get(name, 0)
        return self.right[name] / t if t else None


@dataclass
class _Acc:
    """Everything accumulated over the documents."""
    tp: int = 0
    fp: int = 0
    fn: int = 0
    full_tp: int = 0
    coded_tp: int = 0
    slots: Tally = field(default_factory=Tally)
    places: Tally = field(default_factory=Tally)
    place_err: List[float] = field(default_factory=list)
    times_tp: int = 0
    times_fp: int = 0
    times_fn: int = 0
    time_val: Tally = field(default_factory=Tally)
    missing: List[str] = field(default_factory=list)


def prf(tp: int, fp: int, fn: int) -> Tuple[float, float, float]:
    """Precision, recall, F1 (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# ---------------------------------------------------------------- per document
def _pred_index(pred_docs: Sequence[Record]) -> Dict[str, Record]:
    """Predictions by key (last wins), plus by source basename where that key is free."""
    index = {doc_key(d): d for d in pred_docs}
    for d in pred_docs:
        if d.get("source"):
            index.setdefault(os.path.basename(d["source"]), d)
    return index


def _find_pred(gd: Record, index: Dict[str, Record]) -> Optional[Record]:
    pd = index.get(doc_key(gd))
    if pd is None and gd.get("source"):
        pd = index.get(os.path.basename(gd["source"]))
    return pd


def _score_slots(g: Record, p: Record, slots: Tally) -> Tuple[Optional[bool], Optional[bool]]:
    """Add the slot checks of one matched pair; return (date ok, location ok), None if ungraded."""
    date_ok = window_ok(p.get("date"), g.get("date")) if g.get("date") else None
    loc_ok = any_place_ok(p.get("location"), g.get("location")) if g.get("location") else None
    if g.get("mode"):
        slots.add("mode", bool(set(as_list(p.get("mode"))) & set(as_list(g.get("mode")))))
    if date_ok is not None:
        slots.add("date", date_ok)
    if loc_ok is not None:
        slots.add("location", loc_ok)
    if g.get("actors"):
        slots.add("actor", actor_ok(p.get("actors"), g.get("actors")))
    if g.get("recipients"):
        slots.add("recipient", actor_ok(p.get("recipients"), g.get("recipients")))
    gclaim, pclaim = g.get("claim") or {}, p.get("claim") or {}
    if gclaim.get("status"):
        slots.add("claim_status", pclaim.get("status") in as_list(gclaim["status"]))
    if gclaim.get("claimants"):
        slots.add("claimant", actor_ok(pclaim.get("claimants"), gclaim["claimants"]))
    if "historical" in g:
        slots.add("historical", bool(p.get("historical")) == bool(g["historical"]))
    _score_counts(g, p, slots)
    return date_ok, loc_ok


def _score_counts(g: Record, p: Record, slots: Tally) -> None:
    gc, pc = g.get("counts") or {}, p.get("counts") or {}
    skip = set(as_list(g.get("counts_optional")))
    for k in COUNT_KEYS:
        gv, pv = count_value(gc.get(k)), count_value(pc.get(k))
        if k in skip or (gv is None and pv is None):
            continue
        slots.add(f"count_{k}", gv == pv)
        slots.add("counts", gv == pv)


def _loc_name(loc: Any) -> Any:
    loc = loc[0] if isinstance(loc, list) and loc else loc
    return loc.get("name") if isinstance(loc, dict) else None


def _score_events(key: str, gevents: List[Record], pevents: List[Record], acc: _Acc,
                  log: Optional[TextIO]) -> None:
    m = match(gevents, pevents, event_compatible, event_weight)
    for gi, g in enumerate(gevents):
        if gi not in m:
            if not g.get("optional"):
                acc.fn += 1
                if log:
                    print(f"  MISS {key} {g.get('type')} {g.get('note', '')}", file=log)
            continue
        p = pevents[m[gi]]
        acc.tp += 1
        date_ok, loc_ok = _score_slots(g, p, acc.slots)
        if date_ok is not False and loc_ok is not False:
            acc.full_tp += 1
            if not g.get("actors") or actor_ok(p.get("actors"), g.get("actors")):
                acc.coded_tp += 1
        bad = [n for n, ok in (("date", date_ok), ("location", loc_ok)) if ok is False]
        if log and bad:
            print(f"  SLOT {key} {g.get('type')} wrong: {', '.join(bad)}; "
                  f"pred date={p.get('date')} loc={_loc_name(p.get('location'))}", file=log)
    matched = set(m.values())
    optional = [g for g in gevents if g.get("optional")]
    for pi, p in enumerate(pevents):
        # a second hit on an optional event is neither right nor wrong
        if pi in matched or any(event_compatible(g, p) for g in optional):
            continue
        acc.fp += 1
        if log:
            print(f"  EXTRA {key} {p.get('type')} at {spans(p)[:1]}", file=log)


def _score_places(gd: Record, pd: Record, acc: _Acc) -> None:
    gplaces = [g for g in as_list(gd.get("places")) if not g.get("metonymic")]
    pplaces = as_list(pd.get("places"))
    pm = span_match(gplaces, pplaces)
    for gi, g in enumerate(gplaces):
        acc.places.add("found", gi in pm)
        if gi not in pm:
            continue
        p = pplaces[pm[gi]]
        acc.places.add("resolved", any_place_ok(p, g.get("accept") or [g]))
        d = km(p, g) if g.get("feature") in POINT else None
        if d is not None:
            acc.place_err.append(d)


def _score_times(gd: Record, pd: Record, acc: _Acc) -> None:
    gtimes, ptimes = as_list(gd.get("times")), as_list(pd.get("times"))
    tm = span_match(gtimes, ptimes)
    acc.times_tp += len(tm)
    acc.times_fn += len(gtimes) - len(tm)
    acc.times_fp += len(ptimes) - len(tm)
    for gi, pi in tm.items():
        acc.time_val.add("value", window_ok(ptimes[pi], gtimes[gi]))


def _f1_with(tp_ok: int, acc: _Acc) -> float:
    """F1 when only `tp_ok` of the matched pairs count; the rest are both FP and FN."""
    wrong = acc.tp - tp_ok
    return prf(tp_ok, acc.fp + wrong, acc.fn + wrong)[2]


def _result(n_docs: int, acc: _Acc) -> Dict[str, Any]:
    p, r, f = prf(acc.tp, acc.fp, acc.fn)
    tp_, tr_, tf_ = prf(acc.times_tp, acc.times_fp, acc.times_fn)
    err = sorted(acc.place_err)
    return {
        "documents": n_docs,
        "documents_missing": acc.missing,
        "events": {"tp": acc.tp, "fp": acc.fp, "fn": acc.fn,
                   "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
        "full_event_f1": round(_f1_with(acc.full_tp, acc), 4),
        "coded_event_f1": round(_f1_with(acc.coded_tp, acc), 4),
        "slots": {k: {"accuracy": round(acc.slots.rate(k), 4), "n": acc.slots.total[k]}
                  for k in sorted(acc.slots.total)},
        "places": {"found": acc.places.rate("found"), "resolved": acc.places.rate("resolved"),
                   "n": acc.places.total.get("found", 0),
                   "median_km": err[len(err) // 2] if err else None},
        "times": {"precision": round(tp_, 4), "recall": round(tr_, 4), "f1": round(tf_, 4),
                  "value_accuracy": acc.time_val.rate("value"),
                  "n": acc.times_tp + acc.times_fn},
    }


# ---------------------------------------------------------------- public
def score(gold_docs: Sequence[Record], pred_docs: Sequence[Record], verbose: bool = False,
          out: Optional[TextIO] = None) -> Dict[str, Any]:
    """Score predicted document records against gold ones; the result is JSON-ready.

    With `verbose`, misses, extras and wrong date/location slots are listed on `out`
    (default stdout) as they are found.
    """
    log = (out or sys.stdout) if verbose else None
    index = _pred_index(pred_docs)
    acc = _Acc()
    for gd in gold_docs:
        pd = _find_pred(gd, index)
        if pd is None:
            acc.missing.append(doc_key(gd))
            pd = EMPTY_DOC
        _score_events(doc_key(gd), as_list(gd.get("events")), as_list(pd.get("events")), acc, log)
        _score_places(gd, pd, acc)
        _score_times(gd, pd, acc)
    return _result(len(gold_docs), acc)


def evaluate(gold_path: "str | os.PathLike[str]", pred_path: "str | os.PathLike[str]",
             verbose: bool = False, out: Optional[TextIO] = None) -> Dict[str, Any]:
    """`score` the two JSON Lines files; raises `ScoreInputError` on a bad line."""
    return score(load_jsonl(gold_path), load_jsonl(pred_path), verbose=verbose, out=out)


def _fmt(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.3f}"


def report(result: Dict[str, Any], out: Optional[TextIO] = None) -> None:
    """Print the human-readable summary of a `score` result to `out` (default stdout)."""
    out = out or sys.stdout
    e, pl, t = result["events"], result["places"], result["times"]
    lines = [
        f"documents: {result['documents']}  "
        f"(missing from predictions: {len(result['documents_missing'])})",
        f"events: P {e['precision']:.3f}  R {e['recall']:.3f}  F1 {e['f1']:.3f}  "
        f"(tp {e['tp']}, fp {e['fp']}, fn {e['fn']})",
        f"full-event F1 (type+date+location): {result['full_event_f1']:.3f}",
        f"coded-event F1 (type+date+location+actor): {result['coded_event_f1']:.3f}",
        *(f"  slot {k:<16} {v['accuracy']:.3f}  (n={v['n']})" for k, v in result["slots"].items()),
        f"places: found {_fmt(pl['found'])}  resolved {_fmt(pl['resolved'])}  "
        f"(n={pl['n']}, median km {_fmt(pl['median_km'])})",
        f"times: F1 {t['f1']:.3f}  value accuracy {_fmt(t['value_accuracy'])}  (n={t['n']})",
    ]
    for line in lines:
        print(line, file=out)

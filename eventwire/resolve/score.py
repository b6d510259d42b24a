"""Pairwise precision/recall of cross-document grouping against a hand-made grouping.

The hand grouping lists real events, each with the documents and exact quotes that report it
(`tests/data/dedup/groups.yaml`). A stored event stands for the real event whose quote lies in
its evidence; pairs are counted across documents only (within one document the extractor
merges, not the store)."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Optional

from ..models import Event


@dataclass
class PairScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unverifiable: int = 0  # merged pairs where a side reports no hand-listed event
    missed_pairs: list = field(default_factory=list)
    wrong_pairs: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def assign(entries: list[dict], events: list[dict], texts: dict[str, str]) -> dict[str, Optional[str]]:
    """Stored event id -> id of the hand-listed event of its type whose quotes its evidence covers
    most often.

    `events` are store rows (with `doc_source`, `record`); `texts` maps a source to its text."""
    quotes: dict[str, list[tuple[int, int, str, set]]] = {}
    for entry in entries:
        types = set(entry["type"] if isinstance(entry["type"], list) else [entry["type"]])
        for m in entry["mentions"]:
            start = texts[m["doc"]].find(m["quote"])
            if start >= 0:
                quotes.setdefault(m["doc"], []).append((start, start + len(m["quote"]), entry["id"], types))
    out: dict[str, Optional[str]] = {}
    for row in events:
        spans = Event.model_validate_json(row["record"]).evidence
        hits = [eid for s, e, eid, types in quotes.get(row["doc_source"], ())
                if row["type"] in types and any(sp.start < e and s < sp.end for sp in spans)]
        # the event its evidence quotes most (a sentence may name two events; first listed wins ties)
        out[row["id"]] = max(hits, key=lambda h: (hits.count(h), -hits.index(h))) if hits else None
    return out


def pairwise(entries: list[dict], events: list[dict], texts: dict[str, str]) -> PairScore:
    """Score the store's grouping (`canonical_id` of each row) against the hand grouping."""
    gold = assign(entries, events, texts)
    optional = {e["id"] for e in entries if e.get("optional")}
    score = PairScore()
    for a, b in combinations(sorted(events, key=lambda r: r["id"]), 2):
        if a["doc_hash"] == b["doc_hash"]:
            continue
        together = a["canonical_id"] == b["canonical_id"]
        ga, gb = gold[a["id"]], gold[b["id"]]
        if ga is None or gb is None:
            score.unverifiable += together
            continue
        if together and ga == gb:
            score.tp += 1
        elif together:
            score.fp += 1
            score.wrong_pairs.append((a["id"], b["id"], ga, gb))
        elif ga == gb and ga not in optional:
            score.fn += 1
            score.missed_pairs.append((a["id"], b["id"], ga))
    return score

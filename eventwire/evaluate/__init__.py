"""Evaluate: score document records against gold annotations (SPEC section 10)."""
from .scoring import ScoreInputError, evaluate, load_jsonl, report, score

__all__ = ["ScoreInputError", "evaluate", "load_jsonl", "report", "score"]

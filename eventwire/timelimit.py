"""The last guard on a document's cost: a time budget per document across the pipeline's
stages. Each of our stages charges its time to the document; a document past its budget is
stopped (in the main thread at once, by an alarm; elsewhere at the next stage) and spaCy's
error handler skips it, so the rest of the batch goes on."""
from __future__ import annotations

import signal
import threading
from time import perf_counter
from typing import Any, Callable

from spacy.language import Language
from spacy.tokens import Doc

SPENT = "eventwire_seconds"  # Doc.user_data key: seconds our stages have spent on the doc


class TimeLimit(Exception):
    """A document over its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"over the time limit of {seconds:g} s for one document "
                         "(doc_seconds; EVENTWIRE_DOC_SECONDS or --limit doc_seconds=N)")


class Budget:
    """Seconds one document may take (0: no limit); shared by a pipeline's timed stages."""

    def __init__(self) -> None:
        self.seconds = 0.0


class Timed:
    """A stage that charges its time to the document and stops it past the budget (no `pipe`
    method: spaCy then calls it per document, with the error handler around each call)."""

    def __init__(self, proc: Callable[[Doc], Doc], budget: Budget) -> None:
        self.proc, self.budget = proc, budget

    def __call__(self, doc: Doc) -> Doc:
        seconds = self.budget.seconds
        if not seconds:
            return self.proc(doc)
        spent = doc.user_data.get(SPENT, 0.0)
        left = seconds - spent
        if left <= 0:
            raise TimeLimit(seconds)
        alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        if alarm:
            def stop(signum: int, frame: Any) -> None:
                raise TimeLimit(seconds)

            previous = signal.signal(signal.SIGALRM, stop)
            signal.setitimer(signal.ITIMER_REAL, left)
        start = perf_counter()
        try:
            return self.proc(doc)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            doc.user_data[SPENT] = spent + perf_counter() - start


def time_guard(nlp: Language, seconds: float) -> None:
    """Put every per-document stage of `nlp` (those without a batch `pipe`) under a budget of
    `seconds` per document; once per pipeline, the budget changeable on later calls."""
    budget = getattr(nlp, "_eventwire_budget", None)
    if budget is None:
        budget = Budget()
        nlp._components = [(name, proc if hasattr(proc, "pipe") or isinstance(proc, Timed) else Timed(proc, budget))
                           for name, proc in nlp._components]
        nlp._eventwire_budget = budget
    budget.seconds = seconds

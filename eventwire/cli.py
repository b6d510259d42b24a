"""The command line: a thin layer over the library (`eventwire --help`)."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .ingest import IngestError, read_paths
from .ingest.readers import check_date

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn dated news reports into auditable conflict event records.")
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one error, one line, even in a pipe
PROGRESS_MIN_DOCS = 4


def _version(value: bool) -> None:
    if value:
        typer.echo(f"eventwire {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit.")) -> None:
    """eventwire: who did what to whom, where, when, and according to whom."""


@contextmanager
def open_output(path: Optional[Path]) -> Iterator[TextIO]:
    """stdout, or a file replaced only once everything is written (never half a file)."""
    if path is None:
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the output from other users
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _progress(total: int) -> Progress:
    return Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=total < PROGRESS_MIN_DOCS or not err.is_terminal)


@app.command()
def extract(
    files: List[Path] = typer.Argument(..., help="Text (.txt), JSON Lines (.jsonl) or .gz files, or directories."),
    date: Optional[str] = typer.Option(None, "--date", help="Publication date (YYYY-MM-DD) for files without one."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write JSON Lines here instead of stdout."),
) -> None:
    """Extract SPEC event records, one JSON line per document."""
    if date is not None and check_date(date) is None:
        err.print(f"eventwire: --date {date!r} is not a date (YYYY-MM-DD)", markup=False)
        raise typer.Exit(2)
    from .core import extract as run_extract

    skipped: list[IngestError] = []

    def skip(error: IngestError) -> None:
        skipped.append(error)
        err.print(f"eventwire: skipped {error}", markup=False)

    documents = []
    for item in read_paths(files, default_date=date):
        if isinstance(item, IngestError):
            skip(item)
        else:
            documents.append(item)
    if not documents:
        err.print("eventwire: no document could be read")
        raise typer.Exit(1)
    written = 0
    with open_output(output) as out, _progress(len(documents)) as bar:
        task = bar.add_task("extract", total=len(documents))
        for record in run_extract(documents, on_error=skip):
            out.write(record.model_dump_json(exclude_none=False) + "\n")
            written += 1
            bar.advance(task)
    if skipped:
        err.print(f"eventwire: {written} documents extracted, {len(skipped)} skipped")


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="Gold document records (JSON Lines, SPEC 9)."),
    pred: Path = typer.Argument(..., help="Predicted document records (JSON Lines)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    verbose: bool = typer.Option(False, "--verbose", help="List misses, extras and wrong slots."),
) -> None:
    """Score predictions against gold annotations (SPEC 10)."""
    from .evaluate import ScoreInputError, evaluate as run_evaluate, report

    try:
        result = run_evaluate(gold, pred, verbose=verbose, out=sys.stderr if as_json else None)
    except (ScoreInputError, OSError) as exc:
        err.print(f"eventwire: {exc}", markup=False)
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps(result, indent=1))
    else:
        report(result)


@app.command()
def schema() -> None:
    """Print the JSON Schema of one output line (a document record)."""
    from .models import DocumentRecord

    typer.echo(json.dumps(DocumentRecord.model_json_schema(), indent=2))


def run() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    run()

"""The command line: a thin layer over the library (`eventwire --help`)."""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Iterator, List, Optional, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from . import __version__
from .ingest import IngestError, read_paths
from .ingest.readers import check_date

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn dated news reports into auditable conflict event records.")
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one error, one line, even in a pipe


def _version(value: bool) -> None:
    if value:
        typer.echo(f"eventwire {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit.")) -> None:
    """eventwire: who did what to whom, where, when, and according to whom."""


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` that replaces it only once fully written (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the output from other users
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@contextmanager
def open_output(path: Optional[Path]) -> Iterator[TextIO]:
    """stdout, or a file written through `atomic_path`."""
    if path is None:
        yield sys.stdout
        return
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        yield fh


def _progress(label: str, *columns: ProgressColumn) -> Progress:
    """A bar of documents done: the input is read lazily, so its length is not known."""
    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), *columns, TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)


TEXT_COL_OPTION = typer.Option(None, "--text-col", help="CSV/TSV column holding the text "
                               "(default: text, body or content).")
DATE_COL_OPTION = typer.Option(None, "--date-col", help="CSV/TSV column holding the date "
                               "(default: date, published or publish_date).")
LIMIT_OPTION = typer.Option([], "--limit", metavar="NAME=VALUE", help="Override an input limit, e.g. "
                            "max_chars=2000000 or doc_seconds=30 (repeatable; see SECURITY.md).")


def _apply_limits(options: List[str]) -> None:
    """`--limit NAME=VALUE` as the EVENTWIRE_NAME variables every reader (and Dask worker) reads."""
    from .limits import Limits

    try:
        Limits.from_env().with_options(options)
    except ValueError as exc:
        err.print(f"eventwire: {exc}", markup=False)
        raise typer.Exit(2)
    for option in options:
        name, _, value = option.partition("=")
        os.environ[f"EVENTWIRE_{name.strip().upper()}"] = value.strip()


FILES_HELP = ("Files, directories or http(s) URLs: text (.txt), JSON Lines, HTML pages, RSS/Atom feeds, CSV/TSV, "
              "Telegram result.json, .gz/.zip of these.")


@app.command()
def extract(
    files: List[Path] = typer.Argument(..., help=FILES_HELP),
    date: Optional[str] = typer.Option(None, "--date", help="Publication date (YYYY-MM-DD) for files without one."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write JSON Lines here instead of stdout."),
    text_col: Optional[str] = TEXT_COL_OPTION,
    date_col: Optional[str] = DATE_COL_OPTION,
    limit: List[str] = LIMIT_OPTION,
) -> None:
    """Extract SPEC event records, one JSON line per document."""
    _apply_limits(limit)
    if date is not None and check_date(date) is None:
        err.print(f"eventwire: --date {date!r} is not a date (YYYY-MM-DD)", markup=False)
        raise typer.Exit(2)
    from .core import extract as run_extract

    skipped: list[IngestError] = []

    def skip(error: IngestError) -> None:
        skipped.append(error)
        err.print(f"eventwire: skipped {error}", markup=False)

    def readable() -> Iterator:
        for item in read_paths(files, default_date=date, text_col=text_col, date_col=date_col):
            if isinstance(item, IngestError):
                skip(item)
            else:
                yield item

    # read as extracted, not all first: a backlog's texts never sit in memory together
    documents = readable()
    first = next(documents, None)
    if first is None:
        err.print("eventwire: no document could be read")
        raise typer.Exit(1)
    written = 0
    with open_output(output) as out, _progress("extract", TextColumn("{task.completed:.0f} docs")) as bar:
        task = bar.add_task("extract", total=None)
        for record in run_extract(chain([first], documents), on_error=skip):
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


DB_OPTION = typer.Option(None, "--db", metavar="URL", help="Store: a SQLite file (default ./eventwire.db, or $EVENTWIRE_DB) "
                                             "or a postgresql:// URL.")


class _ErrLines(logging.Handler):
    """The library's notices (a store being upgraded, and how far) as lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"eventwire: {record.getMessage()}", markup=False)


def _show_notices() -> None:
    """The library's notices on stderr: an upgrade that opening a store runs, with its progress."""
    notices = logging.getLogger("eventwire")
    if not any(isinstance(h, _ErrLines) for h in notices.handlers):
        notices.addHandler(_ErrLines())
        notices.setLevel(logging.INFO)


def _open_store(db: Optional[str], create: bool = False):
    """The store, or a one-line error and exit 2; only `run` makes a new one."""
    from .store import StoreError, open_store

    _show_notices()
    try:
        return open_store(db, create=create)
    except StoreError as exc:
        err.print(f"eventwire: {exc}", markup=False)
        raise typer.Exit(2)


@contextmanager
def _dask(workers: int, scheduler: Optional[str]):
    """A Dask client for `run`, or None to extract in this process."""
    if not workers and not scheduler:
        yield None
        return
    from distributed import Client, LocalCluster

    from .scale import WORKER_WAIT, prepare

    where = scheduler or "localhost"
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
            cluster = None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        err.print(f"eventwire: no Dask cluster at {where}: {exc}", markup=False)
        raise typer.Exit(2)
    try:
        try:
            prepare(client)
        except TimeoutError:
            err.print(f"eventwire: no Dask worker joined the cluster at {where} in {WORKER_WAIT} s", markup=False)
            raise typer.Exit(2)
        except Exception as exc:  # raised on a worker: its environment, not this process
            err.print(f"eventwire: the Dask workers at {where} cannot load the pipeline (is this eventwire "
                      f"installed on them?): {type(exc).__name__}: {exc}", markup=False)
            raise typer.Exit(2)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@app.command("run", short_help="Read, extract, store and deduplicate (safe to re-run).")
def run_command(
    files: List[Path] = typer.Argument(..., help=FILES_HELP),
    db: Optional[str] = DB_OPTION,
    date: Optional[str] = typer.Option(None, "--date", help="Publication date (YYYY-MM-DD) for files without one."),
    text_col: Optional[str] = TEXT_COL_OPTION,
    date_col: Optional[str] = DATE_COL_OPTION,
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Documents per store transaction."),
    workers: int = typer.Option(0, "--workers", min=0, help="Extract on a local Dask cluster of this many "
                                "processes (0: in this process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Extract on a running Dask cluster "
                                            "(e.g. tcp://10.0.0.5:8786); its workers need eventwire installed."),
    limit: List[str] = LIMIT_OPTION,
) -> None:
    """The main job: read, extract, store and deduplicate; re-running changes nothing."""
    _apply_limits(limit)
    if date is not None and check_date(date) is None:
        err.print(f"eventwire: --date {date!r} is not a date (YYYY-MM-DD)", markup=False)
        raise typer.Exit(2)
    from .core import run as run_job

    items = _first_document(read_paths(files, default_date=date, text_col=text_col, date_col=date_col))
    store = _open_store(db, create=True)
    waiting = lambda: err.print(f"eventwire: waiting for another run on {store.url}", markup=False)  # noqa: E731
    bar = _progress("run", TextColumn("{task.completed:.0f} docs, {task.fields[events]} events"), _RateColumn())
    with store, store.run_lock(on_wait=waiting), _dask(workers, scheduler) as client, bar:
        task = bar.add_task("run", total=None, events=0)
        summary = run_job(items, store, batch_size=batch_size, client=client,
                          on_error=lambda e: err.print(f"eventwire: skipped {e}", markup=False),
                          on_document=lambda n: bar.advance(task, n),
                          on_events=lambda n: bar.update(task, events=bar.tasks[0].fields["events"] + n))
    err.print(f"documents: {summary.new} new, {summary.replaced} re-extracted, {summary.unchanged} unchanged, "
              f"{len(summary.failed)} failed; events stored: {summary.events}; "
              f"canonical events in {store.url}: {summary.canonical}", markup=False)
    if summary.failed and not summary.new + summary.replaced + summary.unchanged:
        raise typer.Exit(1)


def _first_document(items: Iterator) -> Iterator:
    """`items` unchanged, once one document in them is readable (reading nothing creates no
    store: one-line errors and exit 1). Reads no further than that first document."""
    from itertools import chain

    from .models import Document

    before = []
    for item in items:
        if isinstance(item, Document):
            return chain(before, [item], items)
        before.append(item)
    for item in before:
        err.print(f"eventwire: skipped {item}", markup=False)
    err.print("eventwire: no document could be read; no store opened", markup=False)
    raise typer.Exit(1)


class _RateColumn(ProgressColumn):
    """Documents and events per second since the start."""

    def render(self, task) -> Text:
        seconds = task.elapsed or 0
        if not seconds:
            return Text("")
        return Text(f"{task.completed / seconds:.1f} docs/s, {task.fields['events'] / seconds:.0f} events/s")



def _event_query(text, types, countries, since, until, near):
    from .library import FilterError, query

    try:
        return query(text=text, type=types, country=countries, since=since, until=until, near=near)
    except FilterError as exc:
        err.print(f"eventwire: --{exc.name} {exc.value!r}: {exc.problem}", markup=False)
        raise typer.Exit(2)


def _table_console() -> Console:
    """Tables on stdout; wide enough for ids and evidence when piped."""
    return Console(highlight=False, width=None if err.is_terminal else 160)


TEXT_OPTION = typer.Option(None, "--text", "-q", metavar="WORDS", help="Words to find in the events' evidence "
                           "sentences (full-text search).")
TYPE_OPTION = typer.Option([], "--type", metavar="TYPE", help="PLOVER type (repeatable), e.g. ASSAULT.")
COUNTRY_OPTION = typer.Option([], "--country", metavar="COUNTRY", help="Country: ISO code or name (repeatable).")
SINCE_OPTION = typer.Option(None, "--since", metavar="DATE", help="Events on or after this date (YYYY-MM-DD).")
UNTIL_OPTION = typer.Option(None, "--until", metavar="DATE", help="Events on or before this date (YYYY-MM-DD).")
NEAR_OPTION = typer.Option(None, "--near", metavar="LAT,LON,KM", help="Events within KM of a point.")


JSON_COLUMNS = ("mode", "context", "parties")  # stored as JSON text: emitted as JSON values


@app.command()
def search(
    words: Optional[str] = typer.Argument(None, metavar="[WORDS]", help="Same as --text."),
    text: Optional[str] = TEXT_OPTION,
    types: List[str] = TYPE_OPTION, countries: List[str] = COUNTRY_OPTION,
    since: Optional[str] = SINCE_OPTION, until: Optional[str] = UNTIL_OPTION, near: Optional[str] = NEAR_OPTION,
    limit: int = typer.Option(20, "--limit", min=1), db: Optional[str] = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per event instead of a table."),
) -> None:
    """Find stored events, newest first; `sources` takes either id shown."""
    from rich.table import Table

    if words is not None and text is not None and words != text:
        err.print("eventwire: give the words once: as --text (or -q), or as the argument", markup=False)
        raise typer.Exit(2)
    q = _event_query(text if text is not None else words, types, countries, since, until, near)
    with _open_store(db) as store:
        found = list(store.events(q, limit=limit))
    if as_json:
        for row in found:
            out = {k: (json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v)
                   for k, v in row.items() if k != "record"}
            typer.echo(json.dumps(out | {"event": json.loads(row["record"])}, ensure_ascii=False))
        return
    out = _table_console()
    table = Table("date", "type", "place", "killed", "sources")
    table.add_column("evidence", no_wrap=True, overflow="ellipsis", max_width=48)
    table.add_column("event id", no_wrap=True)
    table.add_column("canonical id", no_wrap=True)
    for row in found:
        table.add_row(row["date_start"], row["type"], row["place"] or "", "" if row["killed"] is None else
                      str(row["killed"]), str(row["n_sources"] or 1),
                      row["summary"] or "", row["id"], row["canonical_id"] or "")
    out.print(table)
    out.print(f"{len(found)} events", markup=False)


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", metavar="FORMAT", help="jsonl (SPEC document records), csv (ACLED "
                            "columns), geojson, parquet, ucdp (UCDP GED-style CSV), gold (reviewed documents as gold "
                            "annotations, SPEC 9). Columns: eventwire/export/columns.yaml."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file (stdout when absent; parquet needs one)."),
    text: Optional[str] = TEXT_OPTION,
    types: List[str] = TYPE_OPTION, countries: List[str] = COUNTRY_OPTION,
    since: Optional[str] = SINCE_OPTION, until: Optional[str] = UNTIL_OPTION, near: Optional[str] = NEAR_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Write the stored events that match the filters."""
    from .export import FORMATS, document_records, rows, write_csv, write_geojson, write_parquet

    if fmt not in FORMATS + ("gold",):
        err.print(f"eventwire: --format {fmt!r}: choose one of {', '.join(FORMATS + ('gold',))}", markup=False)
        raise typer.Exit(2)
    if fmt == "parquet" and output is None:
        err.print("eventwire: --format parquet needs -o FILE", markup=False)
        raise typer.Exit(2)
    q = _event_query(text, types, countries, since, until, near)
    with _open_store(db) as store:
        if fmt == "parquet":
            with atomic_path(output) as tmp:
                n = write_parquet(rows(store, q), tmp)
        else:
            with open_output(output) as fh:
                if fmt == "gold":  # reviewed documents (filters do not apply): a team's own test set
                    from .store.review import gold_records

                    n = 0
                    for gold in gold_records(store):
                        fh.write(json.dumps(gold, ensure_ascii=False) + "\n")
                        n += len(gold["events"])
                elif fmt == "jsonl":
                    n = 0
                    for record in document_records(store, q):
                        fh.write(record.model_dump_json() + "\n")
                        n += len(record.events)
                elif fmt == "geojson":
                    n = write_geojson(rows(store, q), fh)
                else:
                    table = "ucdp" if fmt == "ucdp" else "acled"
                    n = write_csv(rows(store, q, table=table), fh, table)
    if output is not None:
        err.print(f"{n} events written to {output}", markup=False)


@app.command(short_help="The articles behind one event.")
def sources(
    event: str = typer.Argument(..., metavar="ID", help="An event id or a canonical id (both shown by `search`), "
                                "or an ACLED-style event_id_cnty from an export."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """The articles behind one event (its canonical event), with the words each used."""
    from rich.table import Table

    from .library import EventStore

    with _open_store(db) as store:
        found = EventStore(store).sources(event)
    if found is None:
        err.print(f"eventwire: no event or canonical event {event!r}", markup=False)
        raise typer.Exit(1)
    canon, members = found["canonical"], found["reports"]
    out = _table_console()
    counts = ", ".join(f"{k} {canon[k]}" + (f"-{canon[k + '_max']}" if canon[k + "_max"] != canon[k] else "")
                       for k in ("killed", "injured", "captured", "arrested", "displaced") if canon[k] is not None)
    out.print(f"{canon['id']}: {canon['type']} {canon['date_start']}..{canon['date_end']} at "
              f"{canon['place'] or 'unknown place'}{'; ' + counts if counts else ''}; "
              f"{canon['n_sources']} sources", markup=False)
    table = Table("published", "article")
    table.add_column("event", no_wrap=True)
    for name in ("date", "place", "killed"):
        table.add_column(name)
    table.add_column("evidence", no_wrap=True, overflow="ellipsis", max_width=70)
    for m in members:
        table.add_row(m["doc_date"], m["doc_title"] or m["doc_source"] or m["doc_id"], m["id"], m["date_start"],
                      m["place"] or "", "" if m["killed"] is None else str(m["killed"]), m["summary"] or "")
    out.print(table)


@app.command(short_help="The web API and the map page over the store.")
def serve(
    db: Optional[str] = DB_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
) -> None:
    """The web API and the map page over the store (writes need $EVENTWIRE_API_TOKEN)."""
    import uvicorn

    from .api import create_app
    from .store import StoreError

    _show_notices()
    try:
        application = create_app(db)  # opens the store: an upgrade runs here, before serving
    except StoreError as exc:
        err.print(f"eventwire: {exc}", markup=False)
        raise typer.Exit(2)
    err.print(f"eventwire: serving {application.title} on http://{host}:{port}/ (API docs at /docs)", markup=False)
    uvicorn.run(application, host=host, port=port, log_level="info")


def run() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    run()

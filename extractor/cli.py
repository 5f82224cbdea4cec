"""odr's command line: a thin layer over the library API."""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from models import DecisionRecord

from . import fetch as fetching
from .errors import ExtractionFailure
from .manifest import ManifestError, read_manifest, with_sources
from .pipeline import Extractor
from .profile import ProfileError
from .readers import ReadOptions
from .workers import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, Limits
from .writers import SINKS, OutputError, Run, SinkOptions, sink_for

_MB = 1024 * 1024


def read_options(func):
    """Options every reading command shares: profiles, model, limits, OCR."""
    options = [
        click.option("--profile", "profiles", multiple=True, type=click.Path(),
                     help="A council profile (TOML), or a folder of them; may be repeated."),
        click.option("--model", default="auto", show_default=True,
                     help="spaCy model: 'auto' (a statistical model if installed), 'blank' (rules only) or a package name."),
        click.option("--max-bytes", type=int, default=ReadOptions.max_bytes // _MB, show_default=True,
                     help="Refuse files larger than this many megabytes."),
        click.option("--max-pages", type=int, default=ReadOptions.max_pages, show_default=True,
                     help="Refuse PDFs with more pages than this."),
        click.option("--ocr", is_flag=True, help="OCR scanned PDFs (needs tesseract-ocr and pytesseract)."),
        click.option("--password", default=None, help="Password for encrypted PDFs."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def worker_options(func):
    """Limits of the worker process each file is read in (extractor/workers.py): extract and batch."""
    options = [
        click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds per file before it becomes a 'timeout' error (0: no limit)."),
        click.option("--max-memory", type=click.IntRange(min=0), default=DEFAULT_MAX_MEMORY // _MB, show_default=True,
                     help="Megabytes a worker may take on for one file before it becomes 'too_large' (0: no cap)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def worker_limits(timeout: float, max_memory: int) -> Limits:
    return Limits(timeout=timeout or None, max_memory=max_memory * _MB or None)


council_option = click.option(
    "--council", metavar="NAME", default=None,
    help="The council whose records these are: fills each record's council (the text's own naming stays as evidence).")


def reading_options(max_bytes, max_pages, ocr, password, **_) -> ReadOptions:
    return ReadOptions(max_bytes=max_bytes * _MB, max_pages=max_pages, ocr=ocr, password=password)


def make_extractor(profiles, model, **limits) -> Extractor:
    try:
        return Extractor.create(tuple(profiles), model, reading_options(**limits))
    except ProfileError as error:  # a profile that is missing, not TOML, or not the shape odr reads
        raise click.ClickException(str(error)) from None


def record_entry(record: DecisionRecord, *, evidence: bool) -> dict:
    return record.model_dump(mode="json", exclude=None if evidence else {"evidence"})


def record_json(record: DecisionRecord, *, evidence: bool, pretty: bool) -> str:
    return json.dumps(record_entry(record, evidence=evidence), ensure_ascii=False, indent=2 if pretty else None)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="odr")
@click.option("--debug", is_flag=True, help="Show tracebacks for failures.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """odr: turn UK council decision records into validated JSON."""
    ctx.obj = {"debug": debug}


def verbosity_option(func):
    """-q / -v, shared by extract and batch."""
    func = click.option("-v", "--verbose", "verbosity", flag_value=1,
                        help="Say more: each file read (extract), every failed file (batch).")(func)
    return click.option("-q", "--quiet", "verbosity", flag_value=-1, default=0,
                        help="Say nothing on stderr but what stops the run; the exit status tells the rest.")(func)


def output_options(func):
    """How OUT is written, shared by extract and batch."""
    options = [
        click.option("--replace", is_flag=True, help="Write over an OUT that holds an earlier run's output "
                     "(a database keeps its other tables)."),
        click.option("--csv-raw", is_flag=True, help="CSV without the byte-order mark and without neutralising "
                     "cells that start like a formula (=, +, -, @)."),
        click.option("--no-evidence", is_flag=True, help="Leave out where each field was found."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


STDIN = "<stdin>"


def _recordable(reading: dict) -> dict:
    """The reading options as a run records them (the runs table): a PDF password is never stored."""
    return {**reading, "password": "(given)" if reading.get("password") else None}


def _stdin_to_file(folder: Path, max_bytes: int) -> Path:
    """Standard input into a private file, so that it is read in a worker like any other file; reading
    stops one byte past the size limit (the reader then reports too_large)."""
    path = folder / "stdin"
    path.write_bytes(sys.stdin.buffer.read(max_bytes + 1))
    return path


def _sink(output: Path, **options):
    try:
        return sink_for(output, SinkOptions(**options))
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Write here instead of stdout: {', '.join(SINKS)} (SQLite); the suffix picks the format.")
@click.option("--pretty", is_flag=True, help="Indent the JSON.")
@output_options
@worker_options
@council_option
@verbosity_option
@read_options
@click.pass_context
def extract(ctx, files, output, pretty, replace, csv_raw, no_evidence, timeout, max_memory, council, verbosity,
            **reading) -> None:
    """Extract one record per FILE (- reads standard input): one JSON object for one file, JSON Lines
    for several (--pretty: each indented).

    Each file is read in a worker process, within the time limit and the memory cap. A file that
    cannot be read gets one line on stderr and the exit status is 1; --debug (before the command:
    odr --debug extract ...) adds the traceback. An existing OUT is written over only with --replace."""
    sink = _sink(output, pretty=pretty, csv_raw=csv_raw) if output else None
    if sink and not replace and sink.has_output():
        raise click.ClickException(f"{output} exists: --replace writes over it")
    extractor = with_sources(make_extractor(**reading), council=council)
    debug = ctx.obj["debug"]
    run = Run("extract", datetime.datetime.now(datetime.UTC), inputs=len(files),
              options={"files": [str(f) for f in files], **_recordable(reading)})
    entries, failed = [], 0
    with tempfile.TemporaryDirectory(prefix="odr-stdin-") as folder:
        paths = [_stdin_to_file(Path(folder), reading["max_bytes"] * _MB) if str(f) == "-" else f for f in files]
        results = extractor.extract_many(paths, limits=worker_limits(timeout, max_memory), debug=debug)
        with contextlib.closing(results):
            for path, result in results:
                if str(path).startswith(folder):  # standard input, read through a private file
                    (result if isinstance(result, ExtractionFailure) else result.source).path = STDIN
                if isinstance(result, ExtractionFailure):
                    failed += 1
                    if debug and result.traceback:
                        click.echo(result.traceback.rstrip(), err=True)
                    if verbosity >= 0:
                        click.echo(f"odr: {result.one_line()}", err=True)
                    continue
                if verbosity > 0:
                    click.echo(f"odr: {result.source.path}: {result.source.format.value}, {result.source.pages} page(s), "
                               f"{len(result.evidence)} fields found, {len(result.warnings)} warning(s)", err=True)
                if sink:
                    entries.append(record_entry(result, evidence=not no_evidence))
                else:  # streamed, so what is done is out even if a later file has to be abandoned
                    sys.stdout.write(record_json(result, evidence=not no_evidence, pretty=pretty) + "\n")
                    sys.stdout.flush()
    if sink:
        try:
            sink.write(entries, run=run)
        except OutputError as exc:
            raise click.ClickException(str(exc)) from None
    sys.exit(1 if failed else 0)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=f"OUT: {', '.join(SINKS)} (.db: SQLite for Datasette, with a .metadata.json beside it); "
                   "the suffix picks the format.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where files are read: local worker processes, or a Dask cluster (pip install 'odr[dask]').")
@click.option("--scheduler", metavar="ADDRESS|local:N", default=None,
              help="With --engine dask: a running scheduler's address (tcp://host:8786), or local:N to start "
                   "N Dask workers on this machine [default: local:WORKERS].")
@click.option("--resume", is_flag=True,
              help="Keep OUT and skip inputs whose sha256 is already in it; timeout and internal errors are read again.")
@click.option("--retry-errors", is_flag=True, help="With --resume, read every input with an error entry again.")
@click.option("--ext", "extensions", multiple=True, metavar="EXT",
              help="Only take files with this suffix from folders and globs (e.g. --ext pdf --ext txt).")
@click.option("--follow-symlinks", is_flag=True,
              help="Read what symbolic links in a folder lead to, even outside it [default: such a link is an error entry].")
@output_options
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: when stderr is a terminal].")
@worker_options
@council_option
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="An archive's manifest.jsonl (odr fetch): each record gets its file's URL, site id, fetch time "
                   "and council. The manifest itself is not an input.")
@verbosity_option
@read_options
def batch(inputs, output, workers, engine, scheduler, timeout, max_memory, resume, retry_errors, extensions,
          follow_symlinks, replace, csv_raw, no_evidence, progress, council, manifest, verbosity, **reading) -> None:
    """Extract every file in INPUTS (files, folders, globs) into OUT.

    Every input ends as one record, error or duplicate entry. An OUT holding an earlier run's output
    is refused unless --resume (add to it) or --replace (start again). Exit status: 0 when all became
    records, 1 when some became error entries, 130 when interrupted (OUT holds what was done: --resume)."""
    from .batch import EngineError, ExtractorSpec, run_batch

    if resume and replace:
        raise click.ClickException("--resume adds to OUT and --replace starts it again: choose one")
    if retry_errors and not resume:
        raise click.ClickException("--retry-errors reads an earlier run's errors again: it goes with --resume")
    if scheduler is not None and engine != "dask":
        raise click.ClickException("--scheduler names a Dask scheduler: add --engine dask")
    reader = None
    if engine == "dask":
        from .dask_engine import DaskEngine

        try:
            reader = DaskEngine(scheduler or f"local:{workers or os.cpu_count() or 1}")
        except EngineError as exc:
            raise click.ClickException(str(exc)) from None
    _sink(output)  # an unknown suffix is refused before any worker starts
    make_extractor(**reading)  # check profiles and options here, before any worker starts
    manifest = str(manifest) if manifest is not None else None
    if manifest is not None:
        try:
            read_manifest(manifest)
        except ManifestError as exc:
            raise click.ClickException(str(exc)) from None
    spec = ExtractorSpec(tuple(reading["profiles"]), reading["model"], reading_options(**reading), council=council,
                         manifest=manifest)
    options = {"inputs": list(inputs), "council": council, "manifest": manifest, **_recordable(reading)}
    try:
        summary = run_batch(inputs, output, factory=spec, workers=workers, limits=worker_limits(timeout, max_memory),
                            resume=resume, retry_errors=retry_errors, replace=replace, evidence=not no_evidence, extensions=extensions,
                            follow_symlinks=follow_symlinks,
                            progress=False if verbosity < 0 else progress, options=options,
                            sink_options=SinkOptions(csv_raw=csv_raw, manifest=manifest),
                            exclude=[manifest] if manifest is not None else [], engine=reader)
    except (OutputError, EngineError) as exc:
        raise click.ClickException(str(exc)) from None
    if verbosity >= 0:
        click.echo(f"odr batch: {summary.line(every_failure=verbosity > 0)}", err=True)
    sys.exit(summary.exit_status)


@cli.command()
@click.argument("base_url")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The first day of the range.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", default=None,
              help="The last day of the range [default: today].")
@click.option("-o", "--output", "archive", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="ARCHIVE: a new or empty folder, or one fetched into before (only what is new is fetched).")
@click.option("--council", metavar="NAME", default=None,
              help="The council whose site this is, written in the manifest for odr batch --manifest.")
@click.option("--delay", type=click.FloatRange(min=0), default=fetching.DEFAULT_DELAY, show_default=True,
              help="Seconds between one request and the next.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=fetching.DEFAULT_TIMEOUT,
              show_default=True, help="Seconds a request may take.")
@click.option("--retries", type=click.IntRange(min=0), default=fetching.DEFAULT_RETRIES, show_default=True,
              help="Further tries after a timeout, a refused connection, a 429 or a 5xx.")
@click.option("--backoff", type=click.FloatRange(min=0), default=fetching.DEFAULT_BACKOFF, show_default=True,
              help="Seconds before the first retry, doubled for each next one.")
@click.option("--max-failures", type=click.IntRange(min=1), default=fetching.DEFAULT_MAX_FAILURES, show_default=True,
              help="Stop after this many URLs in a row get no answer or a 403, 429 or 5xx.")
@click.option("--contact", metavar="EMAIL_OR_URL", default=None,
              help="How the site's operators can reach you, sent in the User-Agent.")
@click.option("--progress/--no-progress", default=None, help="Progress line [default: when stderr is a terminal].")
def fetch(base_url, start, end, archive, council, delay, timeout, retries, backoff, max_failures, contact,
          progress) -> None:
    """Fetch the decisions a ModernGov site published from --from to --to into ARCHIVE.

    BASE_URL is the site's address (https://democracy.example.gov.uk/). Each decision page is saved as
    ARCHIVE/SITE_ID/decision.html with its documents beside it; ARCHIVE/manifest.jsonl has a line for
    every URL asked for, failures included. Re-running fetches only what is new or failed before.
    Exit status: 0 when every URL was fetched, 1 when some failed or the site stopped answering,
    130 when interrupted."""
    options = fetching.FetchOptions(delay=delay, timeout=timeout, retries=retries, backoff=backoff,
                                    max_failures=max_failures, contact=contact)
    last = (end or datetime.datetime.now()).date()
    try:
        summary = fetching.fetch_site(base_url, start.date(), last, archive, council=council, options=options,
                                      progress=progress)
    except fetching.FetchError as exc:
        raise click.ClickException(str(exc)) from None
    if summary.stopped:
        click.echo(f"odr fetch: {summary.stopped}", err=True)
    click.echo(f"odr fetch: {summary.line()}", err=True)
    sys.exit(summary.exit_status)


@cli.command()
@click.argument("database", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML page to write.")
@click.option("--replace", is_flag=True, help="Write over an existing page.")
def report(database, output, replace) -> None:
    """Write one self-contained HTML page about DATABASE (a .db from odr batch): decisions by council and
    by month, key decisions, field coverage, errors by kind, and the least certain fields to review."""
    from .output import atomic_writer
    from .report import build_report

    if output.exists() and not replace:
        raise click.ClickException(f"{output} exists: --replace writes over it")
    try:
        page = build_report(database)
        with atomic_writer(output) as handle:
            handle.write(page)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write ({exc.strerror or exc})") from None


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a decision record."""
    click.echo(json.dumps(DecisionRecord.model_json_schema(), indent=2))


@cli.command(name="eval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--gold", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The gold annotations [default: DIRECTORY/gold.jsonl]; their file paths are relative to DIRECTORY.")
@click.option("--show-errors", is_flag=True, help="List every mismatch: file, field, expected, got.")
@click.option("--by-council", is_flag=True, help="Also print one row per council (the gold's `council`), weakest first.")
@read_options
def eval_command(directory, gold, show_errors, by_council, **reading) -> None:
    """Score extraction against gold annotations: per-field precision, recall, F1.

    Section texts (decision, reasons) match when at least 90% similar after whitespace is collapsed
    and bullet glyphs are removed; `council` is scored against the gold's `council_stated`."""
    from .evaluate import evaluate, mismatch_lines

    gold_path = gold or directory / "gold.jsonl"
    if not gold_path.is_file():
        missing = f"{gold}: no such file" if gold else f"{directory}: no gold.jsonl"
        raise click.ClickException(f"{missing} (gold annotations: one JSON object per document: file, reference, ...)")
    extractor = make_extractor(**reading)
    try:
        report = evaluate(directory, extractor.extract_file, gold=gold_path)
    except ValueError as exc:  # a gold line that is not JSON, or has no "file"
        raise click.ClickException(f"{gold_path}: unreadable gold annotation ({exc})") from None
    click.echo(report.table())
    for line in report.failures:
        click.echo(f"unreadable: {line}")
    if by_council:
        click.echo("")
        click.echo(report.council_table())
    if show_errors:
        click.echo("\n".join(mismatch_lines(report)))


def main() -> None:
    # What is loaded by now (click, pydantic, the pipeline) lives as long as the process: frozen, the
    # collector never walks it again, neither here nor in the worker processes forked from here (whose
    # copies of it then stay shared), nor at exit, where sweeping it cost odr extract 40-60 ms.
    gc.freeze()
    cli(prog_name="odr")


if __name__ == "__main__":
    main()

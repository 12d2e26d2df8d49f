"""Command line: `python cli.py COMMAND --help` explains each command.

Data goes to stdout or to files; progress and logs go to stderr.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from pipeline import __version__
from pipeline.cli_app import EXIT_OK, EXIT_SOME_FAILED, app, fail_usage

EXIT_INTERRUPTED = 130  # like a shell's Ctrl-C

# Command modules, each registering its commands on `app` when imported.
COMMAND_MODULES = ("models", "geo", "rules", "langid", "scale", "behaviour", "dataset", "fuzz")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"citylinks {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """citylinks: one validated JSON record per news article about cooperation between cities."""


def _progress(enabled: bool):
    from tqdm import tqdm

    return tqdm(unit=" articles", file=sys.stderr, disable=not (enabled and sys.stderr.isatty()))


def _print_summary(summary: dict, output: str, errors_path: str | None) -> None:
    per_lang = ", ".join(f"{k}: {v}" for k, v in summary["per_language"].items()) or "-"
    cache = summary["cache"]
    lines = [
        f"read {summary['read']}, written {summary['written']}, failed {summary['failed']}, "
        f"skipped {summary['skipped']} (done by an earlier run)"
        f" (written without extraction: {summary['not_extracted']})",
        f"per language: {per_lang}",
        f"{summary['articles_per_second'] or 0:.1f} articles/s over {summary['wall_seconds']:.1f} s"
        f" ({summary['executor']})",
    ]
    if cache["annotation"] or cache["language"]:
        lines.append("annotation cache: " + ", ".join(
            f"{kind} {c.get('hits', 0)} hits / {c.get('misses', 0)} misses" for kind, c in cache.items()))
    if summary["interrupted"]:
        lines.append("interrupted: run the same command again to continue where it stopped")
    lines.append(f"output: {output}" + (f"\nerrors: {errors_path}" if errors_path else ""))
    typer.echo("\n".join(lines), err=True)


@app.command()
def extract(
    inputs: list[str] = typer.Argument(..., help="Directories of .txt/.html, .jsonl(.gz) or .csv files; '-' reads JSONL from stdin."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output JSONL (default, or '-': stdout). Beside it: OUT.errors.jsonl, OUT.manifest.json and OUT.jsonl.progress (resume state)."),
    errors: Optional[Path] = typer.Option(None, "--errors", help="Errors JSONL (default: OUTPUT with .errors.jsonl)."),
    force: bool = typer.Option(False, "--force", help="Start over: overwrite an existing output instead of resuming it."),
    workers: int = typer.Option(os.cpu_count() or 1, "-j", "--workers", min=1, help="Worker processes (default: the number of cores; 1: in this process)."),
    chunk_size: int = typer.Option(64, "--chunk-size", min=1, help="Articles per task sent to a worker."),
    cache: Optional[Path] = typer.Option(None, "--cache", file_okay=False, help="Annotation cache directory (default: $CITYLINKS_CACHE, else ~/.cache/citylinks)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the annotation cache."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Take language and NLP annotations from the cache without loading the models (whatever model made them); only cleaning and the rule stages run. Texts not in the cache are annotated."),
    rules: Optional[Path] = typer.Option(None, "--rules", exists=True, file_okay=False, help="Rules directory to use instead of the packaged one (sets CITYLINKS_RULES)."),
    dask: Optional[str] = typer.Option(None, "--dask", metavar="SCHEDULER", help="Run on Dask: a scheduler address (tcp://host:8786), or 'local' / 'local:N' for a LocalCluster of N worker processes."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on a terminal."),
) -> None:
    """Extract one record per article into JSONL; bad articles go to the errors JSONL.

    Running the same command again after an interruption (Ctrl-C, kill, crash)
    continues where it stopped. A re-run after a rules change takes the NLP
    annotations from the cache, so only the rule stages run.
    """
    from pipeline.rules import use_rules_dir
    from pipeline.run.parallel import start_fork_server_early

    if no_cache and rules_only:
        raise fail_usage("--rules-only needs the annotation cache; drop --no-cache")
    if rules is not None:
        use_rules_dir(rules.resolve())
    if dask is None:
        start_fork_server_early(inputs, workers)
    from pipeline.run.batch import RunOptions, run
    from pipeline.run.cache import default_cache_dir
    from pipeline.run.resume import ResumeError
    if output is not None and str(output) == "-":
        output = None
    errors_path = errors or (output.with_name(output.name.removesuffix(".jsonl") + ".errors.jsonl") if output else None)
    options = RunOptions(workers=workers, chunk_size=chunk_size, force=force, dask=dask, rules_only=rules_only,
                         cache_dir=None if no_cache else (cache or default_cache_dir()))
    bar = _progress(progress)
    try:
        summary = run(inputs, output, errors_path, options, on_item=bar.update,
                      on_error_text=lambda text: typer.echo(text, err=True))
    except ResumeError as exc:
        raise fail_usage(str(exc))
    finally:
        bar.close()
    _print_summary(summary.as_dict(), str(output or "<stdout>"), str(errors_path) if errors_path else None)
    if summary.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", exists=True, dir_okay=False, help="Gold JSONL (GOLD.md format)."),
    pred: Path = typer.Option(..., "--pred", exists=True, dir_okay=False, help="Predicted records JSONL."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON instead of a table."),
    by: list[str] = typer.Option([], "--by", help="Break scores down: 'language' and/or 'phenomenon' (repeatable)."),
) -> None:
    """Score predictions against gold: P/R/F1 per field (micro), links, role/kind/status accuracy."""
    from pipeline.measure.evaluate import BREAKDOWNS, evaluate as run_evaluation, format_table, read_jsonl

    unknown = [name for name in by if name not in BREAKDOWNS]
    if unknown:
        raise fail_usage(f"--by takes {' or '.join(BREAKDOWNS)}, not {', '.join(unknown)}")
    try:
        result = run_evaluation(read_jsonl(gold), read_jsonl(pred), by=by)
    except (ValueError, KeyError) as exc:
        raise fail_usage(str(exc))
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_table(result))


@app.command()
def validate(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Records JSONL to check.")) -> None:
    """Check every line against the record schema; bad lines are reported by number."""
    from pydantic import ValidationError

    from schemas.record import ArticleRecord

    good = bad = 0
    with open(file, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                ArticleRecord.model_validate_json(line)
                good += 1
            except ValidationError as exc:
                bad += 1
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                typer.echo(f"{file}:{number}: {where}: {first['msg']}", err=True)
    typer.echo(f"{good} valid, {bad} invalid", err=True)
    raise typer.Exit(EXIT_SOME_FAILED if bad or not good else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of one output record."""
    from schemas.record import json_schema_text

    sys.stdout.write(json_schema_text())


def _register_command_modules() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"pipeline.commands.{name}")


def main() -> None:
    from pipeline.run.parallel import one_thread_per_worker

    # Before any command imports numpy: the process itself is a worker (-j 1, training, bench's
    # one-process profile), and a second BLAS thread only spins on two cores shared by two workers.
    one_thread_per_worker()
    _register_command_modules()
    app()

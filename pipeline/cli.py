"""Command line: `python cli.py COMMAND --help` explains each command.

Data goes to stdout or to files; progress and logs go to stderr.
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from pipeline import __version__
from pipeline.cli_app import EXIT_OK, EXIT_SOME_FAILED, app, fail_usage

# Command modules, each registering its commands on `app` when imported.
COMMAND_MODULES = ("models", "geo", "rules", "langid", "scale")


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
    typer.echo(
        f"read {summary['read']}, written {summary['written']}, failed {summary['failed']}"
        f" (written without extraction: {summary['not_extracted']})\n"
        f"per language: {per_lang}\noutput: {output}" + (f"\nerrors: {errors_path}" if errors_path else ""),
        err=True,
    )


@app.command()
def extract(
    inputs: list[str] = typer.Argument(..., help="Directories of .txt/.html, .jsonl(.gz) or .csv files; '-' reads JSONL from stdin."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output JSONL (default: stdout)."),
    errors: Optional[Path] = typer.Option(None, "--errors", help="Errors JSONL (default: OUTPUT with .errors.jsonl)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing output."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on a terminal."),
) -> None:
    """Extract one record per article into JSONL; bad articles go to the errors JSONL."""
    from pipeline.batch import outcomes, write_outcomes
    from pipeline.readers import read_inputs

    if output is not None and output.exists() and not force:
        raise fail_usage(f"{output} exists; pass --force to overwrite it")
    errors_path = errors or (output.with_name(output.name.removesuffix(".jsonl") + ".errors.jsonl") if output else None)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    err = open(errors_path, "w", encoding="utf-8") if errors_path else None
    bar = _progress(progress)
    try:
        summary = write_outcomes(
            outcomes(read_inputs(inputs)), out, err,
            on_error=lambda e: (err is None) and typer.echo(f"{e.id} ({e.source}): {e.reason}", err=True),
            on_done=lambda: bar.update(1),
        )
    finally:
        bar.close()
        if output:
            out.close()
        if err:
            err.close()
    _print_summary(summary.as_dict(), str(output or "<stdout>"), str(errors_path) if errors_path else None)
    raise typer.Exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", exists=True, dir_okay=False, help="Gold JSONL (GOLD.md format)."),
    pred: Path = typer.Option(..., "--pred", exists=True, dir_okay=False, help="Predicted records JSONL."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON instead of a table."),
) -> None:
    """Score predictions against gold: P/R/F1 per field (micro), role/kind/status accuracy."""
    from pipeline.evaluate import evaluate as run_evaluation, format_table, read_jsonl

    try:
        result = run_evaluation(read_jsonl(gold), read_jsonl(pred))
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
    _register_command_modules()
    app()

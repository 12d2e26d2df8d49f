"""`behave`: the behavioural suites (pipeline/measure/behaviour/<lang>/*.yaml), pass rates per
capability and language, and the failures."""
from __future__ import annotations

from typing import Optional

import typer

from pipeline.cli_app import EXIT_OK, EXIT_SOME_FAILED, app


@app.command()
def behave(
    language: Optional[list[str]] = typer.Option(None, "--language", "-l", help="Only these languages (repeatable)."),
    capability: Optional[list[str]] = typer.Option(None, "--capability", "-c", help="Only these capabilities (repeatable)."),
    failures: bool = typer.Option(True, "--failures/--no-failures", help="List every failing case with what differed."),
) -> None:
    """Run the behavioural tests (CheckList-style templates as data) through the real pipeline.

    Prints the pass rate of each capability per language (MFT, and '/inv' for invariance across
    fillers), then each failure. Exit code 1 when a capability is below its floor.
    """
    from pipeline.measure.behaviour import format_report, run_suites, tally

    tallies, floors = tally(run_suites(language or (), capability or ()))
    typer.echo(format_report(tallies, floors, show_failures=failures))
    below = any(t.rate < floors.get(key, 1.0) for key, t in tallies.items())
    raise typer.Exit(EXIT_SOME_FAILED if below else EXIT_OK)

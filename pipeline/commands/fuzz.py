"""The long property-based fuzz run (the suite runs a bounded one: tests/test_fuzz.py)."""
from __future__ import annotations

import typer

from pipeline.cli_app import app


@app.command("fuzz")
def fuzz_command(
    examples: int = typer.Option(2000, "--examples", min=1, help="Generated input folders per property."),
    huge_line: int = typer.Option(150_000, "--huge-line", help="Longest generated line, in characters (over "
                                  "100,000 the engines annotate in windows)."),
    readers_only: bool = typer.Option(False, "--readers-only", help="Only the readers, not extract end to end."),
    seed: int = typer.Option(None, "--seed", help="Derandomize (the same examples every run)."),
) -> None:
    """Throw generated inputs (random bytes, truncated UTF-8, code pages, mixed scripts, huge lines,
    JSON of wrong shapes, HTML soup) at the readers and at extract: no crash, read = written + failed,
    every output line valid. Stops at the first counterexample, which hypothesis prints."""
    from pipeline.measure.fuzz import Limits, fuzz

    limits = Limits(huge_line=huge_line)
    typer.echo(f"readers: {examples} examples", err=True)
    fuzz(examples, limits, end_to_end=False, seed=seed)
    if not readers_only:
        typer.echo(f"extract end to end: {examples} examples", err=True)
        fuzz(examples, limits, end_to_end=True, seed=seed)
    typer.echo("fuzz: every property held", err=True)

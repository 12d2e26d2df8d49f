"""The Typer application that every command module registers its commands on."""
from __future__ import annotations

import typer

app = typer.Typer(
    name="citylinks",
    help="Extract city-to-city cooperation (cities, officials, dates, agreements, areas) from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def fail_usage(message: str) -> "typer.Exit":
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)

"""Commands of the dataset area: `export` (tables, events, network) and `report` (one HTML file)."""
from __future__ import annotations

from pathlib import Path

import typer

from pipeline.cli_app import app, fail_usage


def _jsonl_files(inputs: list[Path]) -> list[Path]:
    files = []
    for path in inputs:
        if path.is_dir():
            files += sorted(p for p in path.glob("*.jsonl") if not p.name.endswith(".errors.jsonl"))
        elif path.is_file():
            files.append(path)
        else:
            raise fail_usage(f"{path} not found")
    if not files:
        raise fail_usage("no .jsonl output files given")
    return files


@app.command("export")
def export_command(
    inputs: list[Path] = typer.Argument(..., help="Output JSONL files of `extract` (or directories of them: a corpus extracted in parts)."),
    to: Path = typer.Option(..., "--to", file_okay=False, help="Directory for the Parquet tables, citylinks.duckdb and the network files."),
) -> None:
    """Normalised tables (Parquet + one DuckDB file), events and office holders consolidated over
    articles, and the city network (GraphML, GEXF, edge-list CSV). Tables: see README."""
    from pipeline.dataset.export import export

    summary = export(_jsonl_files(inputs), to)
    tables = ", ".join(f"{name} {count}" for name, count in summary["tables"].items())
    typer.echo(f"rows: {tables}\nnetwork: {summary['nodes']} cities, {summary['edges']} links\n"
               f"repeated ids skipped: {summary['repeated_ids']}\n{summary['seconds']} s -> {to}", err=True)


@app.command("report")
def report_command(
    dataset: Path = typer.Argument(..., exists=True, file_okay=False, help="A directory written by `export`."),
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help="The HTML file to write."),
) -> None:
    """One self-contained HTML file (no network needed to open it): map of cities and links,
    agreements per year and type, most connected cities and pairs, counts by country and area,
    and a searchable table of events with their sources and evidence."""
    from pipeline.dataset.report import write_report

    try:
        write_report(dataset, output)
    except FileNotFoundError as exc:  # the map's outlines or a table of the dataset are missing
        raise fail_usage(str(exc))
    typer.echo(f"report: {output}", err=True)

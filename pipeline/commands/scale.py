"""Commands for runs at scale: `diff` (what a rules change changed) and `bench` (speed and memory).

The parallel, resumable, cached and Dask runs themselves are options of `extract`.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Optional

import typer

from pipeline.cli_app import EXIT_OK, app, fail_usage


@app.command()
def diff(
    old: Path = typer.Argument(..., exists=True, dir_okay=False, help="Records JSONL before the change."),
    new: Path = typer.Argument(..., exists=True, dir_okay=False, help="Records JSONL after the change."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole difference as JSON (every item)."),
    limit: int = typer.Option(20, "--limit", min=0, help="Items listed per field and kind of change in the table view."),
) -> None:
    """What changed between two outputs, per field: items added, removed and changed, with article ids.

    Items are compared by the keys of scoring (GOLD.md): city id, official
    name + city, date value, agreement type + parties, area label. Exit code 0
    when nothing changed, 1 when something did.
    """
    from pipeline.measure.diff import diff_files, format_diff

    try:
        result = diff_files(old, new)
    except ValueError as exc:
        raise fail_usage(str(exc))
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_diff(result, limit))
    arts = result["articles"]
    raise typer.Exit(1 if arts["changed"] or arts["only_in_old"] or arts["only_in_new"] else EXIT_OK)


@app.command()
def bench(
    corpus: Optional[list[str]] = typer.Argument(None, help="Input files or directories (as for extract); default: the real news in ../shared/corpus/news."),
    size: Optional[int] = typer.Option(None, "--size", min=1, help="Generate a corpus of this many articles (for scale "
                                       "and memory runs) instead of the real news (default corpus)."),
    words: int = typer.Option(400, "--words", min=50, help="Words per generated article."),
    source: Optional[Path] = typer.Option(None, "--from", exists=True, file_okay=False, help="Directory of news JSONL(.gz) to cut the generated articles from (default: ../shared/corpus/news)."),
    workers: list[int] = typer.Option([1, 2], "-j", "--workers", help="Worker counts of the full runs (repeat the option)."),
    chunk_size: int = typer.Option(64, "--chunk-size", min=1, help="Articles per task."),
    profile: int = typer.Option(100, "--profile", min=0, help="Articles for the per-stage time profile (0: none)."),
    keep: Optional[Path] = typer.Option(None, "--keep", file_okay=False, help="Keep corpus, outputs and caches in this directory."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Articles/s, words/s and RSS per worker: full runs (each worker count), then rules-only re-runs.

    Every run is a real `extract` subprocess; each full run has its own fresh
    cache. The rules-only re-runs use the cache of the full run with the most
    workers after a real rules change, in a copy of the rules: first every
    language's agreements.yaml edited (only that stage runs again), then every
    rule file of every stage edited (every rule stage runs again). The reference,
    spaCy's blank tokenizer alone in this process, runs right before and right
    after the full runs, pooled. Run it with `nice` on a shared machine.
    """
    from pipeline.measure.bench import (NEWS, RULES_EDITS, bracketed_reference, corpus_stats, edited_rules, figures,
                                        format_report, make_corpus, profile_stages, run_extract, tokenizer_reference)

    work = keep or Path(tempfile.mkdtemp(prefix="citylinks-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        news = sorted((source or NEWS).glob("*.jsonl*"))
        if corpus or (size is None and news):  # the headline corpus: real news, as it comes
            inputs = list(corpus or []) or [str(p) for p in news]
            stats = corpus_stats(inputs)
        else:
            sources = sorted((source or NEWS).glob("*.jsonl*"))
            if not sources:
                raise RuntimeError(f"no news JSONL files in {source or NEWS} to generate a corpus from; "
                                   "give a corpus or --from DIR")
            stats = make_corpus(size or 1000, work / "corpus.jsonl", sources, words=words)
            inputs = [stats["path"]]
        typer.echo(f"corpus ready: {stats['articles']} articles; running...", err=True)
        rows = []
        before = tokenizer_reference(inputs, stats["articles"])
        for count in sorted(set(workers)):
            result = run_extract(inputs, work / f"full-{count}.jsonl", work / f"cache-{count}", count,
                                 chunk_size=chunk_size)
            rows.append(figures("full", count, result))
            typer.echo(f"  full run, {count} worker(s): {rows[-1]['articles_per_second']} articles/s", err=True)
        reference = bracketed_reference(before, tokenizer_reference(inputs, stats["articles"]))
        most = max(workers)
        for label, stems in RULES_EDITS:
            rules = edited_rules(work / f"rules-{label}", stems)
            result = run_extract(inputs, work / f"rules-only-{label}.jsonl", work / f"cache-{most}", most,
                                 rules_only=True, chunk_size=chunk_size, rules=rules)
            rows.append(figures(f"rules:{label}", most, result))
            typer.echo(f"  rules-only re-run, {label} edited: {rows[-1]['articles_per_second']} articles/s", err=True)
        stages = profile_stages(inputs, profile) if profile else {}
    except RuntimeError as exc:
        raise fail_usage(str(exc))
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if as_json:
        typer.echo(json.dumps({"corpus": stats, "runs": rows, "profile": stages, "reference": reference}, indent=2))
    else:
        typer.echo(format_report(stats, rows, stages, reference))

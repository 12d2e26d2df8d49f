"""Commands of the cities and officials area: gazetteer build and benchmark, name-normalisation accuracy,
and a look at what the stage finds in off-topic news (false positives).
"""
from __future__ import annotations

import csv
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

import typer

from pipeline.cli_app import app, fail_usage

DEFAULT_BSNLP = Path("../shared/corpus/ner/bsnlp")
DEFAULT_NEWS = Path("../shared/corpus/news")


@app.command("build-gazetteer")
def build_gazetteer_command(
    force: bool = typer.Option(False, "--force", help="Rebuild even when the file exists."),
) -> None:
    """Compile GeoNames cities500 (Latin and Cyrillic names) into the on-disk lookup, and simplemma's
    dictionaries into tries, once."""
    from pipeline.resources.lemma_tries import build_lemma_dictionaries
    from pipeline.resources.gazetteer import build_gazetteer, gazetteer_path, load_gazetteer

    tries = build_lemma_dictionaries()
    typer.echo(f"lemma dictionaries ready: {tries[0].parent} ({len(tries)} languages)", err=True)
    path = gazetteer_path()
    if path.exists() and not force:
        typer.echo(f"gazetteer up to date: {path}", err=True)
        return
    started = time.perf_counter()
    build_gazetteer(path)
    gazetteer = load_gazetteer()
    typer.echo(f"built {path} ({path.stat().st_size / 1e6:.1f} MB): {len(gazetteer)} places, "
               f"{len(gazetteer.names)} names, {time.perf_counter() - started:.1f}s", err=True)


def _per_rows(path: Path) -> list[tuple[str, str]]:
    """Unique (mention, base form) pairs of the PER rows of one BSNLP mentions table."""
    pairs = set()
    with open(path, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row.get("category") == "PER" and row.get("mention") and row.get("base_form"):
                pairs.add((" ".join(row["mention"].split()), " ".join(row["base_form"].split())))
    return sorted(pairs)


def name_accuracy(pairs: list[tuple[str, str]], language: str) -> dict:
    """Share of mentions whose normalised form equals the base form (case-insensitive)."""
    from pipeline.stages.names import normalise_name

    right = unchanged_right = changed = 0
    errors = []
    for mention, base in pairs:
        predicted = normalise_name(mention, language)
        ok = predicted.casefold() == base.casefold()
        right += ok
        unchanged_right += mention.casefold() == base.casefold()
        changed += mention.casefold() != base.casefold()
        if not ok and len(errors) < 10:
            errors.append(f"{mention} -> {predicted} (gold {base})")
    total = len(pairs)
    return {"language": language, "pairs": total, "accuracy": right / total if total else 0.0,
            "identity_baseline": unchanged_right / total if total else 0.0,
            "inflected_pairs": changed, "examples_of_errors": errors}


@app.command("eval-names")
def eval_names(
    bsnlp: Path = typer.Option(DEFAULT_BSNLP, help="Folder with <lang>.mentions.tsv."),
    languages: str = typer.Option("uk,ru,pl,cs,sk,sl,hr,bg", help="Comma-separated languages."),
    show_errors: bool = typer.Option(False, "--errors", help="Print some wrong normalisations."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Name normalisation accuracy on the PER rows of the BSNLP mention tables (mention -> base form)."""
    results = []
    for language in [l.strip() for l in languages.split(",") if l.strip()]:
        path = bsnlp / f"{language}.mentions.tsv"
        if not path.exists():
            raise fail_usage(f"{path} not found")
        results.append(name_accuracy(_per_rows(path), language))
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'lang':<5}{'pairs':>7}{'inflected':>10}{'accuracy':>10}{'identity':>10}")
    for r in results:
        typer.echo(f"{r['language']:<5}{r['pairs']:>7}{r['inflected_pairs']:>10}{r['accuracy']:>10.3f}"
                   f"{r['identity_baseline']:>10.3f}")
        if show_errors:
            for line in r["examples_of_errors"]:
                typer.echo(f"      {line}")


def _news_articles(folder: Path, limit: int):
    """Up to `limit` articles from each news file (sorted paths, file order)."""
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for number, line in enumerate(stream):
                if number >= limit:
                    break
                item = json.loads(line)
                yield item.get("language"), item.get("id", f"{path.name}:{number}"), item.get("text") or ""


@app.command("bench-gazetteer")
def bench_gazetteer(
    news: Path = typer.Option(DEFAULT_NEWS, help="Folder of news *.jsonl.gz."),
    per_file: int = typer.Option(40, help="Articles taken from each news file."),
) -> None:
    """Cost of the cities and officials stages per token on real news (documents from each language's route)."""
    from pipeline.stages.cities import find_cities
    from pipeline.resources.gazetteer import load_gazetteer
    from pipeline.stages.officials import find_officials
    from pipeline.nlp.routing import engine_for

    started = time.perf_counter()
    load_gazetteer()
    load_seconds = time.perf_counter() - started
    docs = []
    for language, _id, text in _news_articles(news, per_file):
        engine, _ = engine_for(language)
        if engine is not None and text:
            docs.append(engine.annotate(text, language))
    tokens = sum(len(d.tokens) for d in docs)
    lines = [f"gazetteer load: {load_seconds:.2f}s",
             f"articles: {len(docs)}, tokens: {tokens}, engines: {', '.join(sorted({d.model for d in docs}))}"]
    for label in ("first pass (cold word caches)", "second pass (warm caches, as in a long batch)"):
        started = time.perf_counter()
        cities = officials = 0
        for doc in docs:
            found = find_cities(doc)
            cities += len(found)
            officials += len(find_officials(doc, found))
        seconds = time.perf_counter() - started
        lines.append(f"{label}: {seconds:.2f}s, {1e6 * seconds / max(tokens, 1):.1f} µs per token, "
                     f"{1e3 * seconds / max(len(docs), 1):.1f} ms per article "
                     f"({cities} cities, {officials} officials)")
    typer.echo("\n".join(lines))


@app.command("scan-news")
def scan_news(
    news: Path = typer.Option(DEFAULT_NEWS, help="Folder of news *.jsonl.gz (off-topic news)."),
    per_file: int = typer.Option(100, help="Articles taken from each news file."),
    top: int = typer.Option(15, help="How many of the most frequent finds to list per language."),
) -> None:
    """What the cities and officials stages find in off-topic news: counts and the most frequent finds."""
    from pipeline.stages.cities import find_cities
    from pipeline.stages.officials import find_officials
    from pipeline.nlp.routing import engine_for

    per_language: dict[str, Counter] = {}
    totals: Counter = Counter()
    for language, _id, text in _news_articles(news, per_file):
        engine, _ = engine_for(language)
        if engine is None or not text:
            continue
        doc = engine.annotate(text, language)
        found = find_cities(doc)
        officials = find_officials(doc, found)
        totals[(language, "articles")] += 1
        totals[(language, "cities")] += len(found)
        totals[(language, "officials")] += len(officials)
        counter = per_language.setdefault(language, Counter())
        for city in found:
            counter[f"{city.name} ({city.country_code}) <- {city.mentions[0].text}"] += 1
        for official in officials:
            counter[f"OFFICIAL {official.name} [{official.role}]"] += 1
    for language in sorted(per_language):
        typer.echo(f"== {language}: {totals[(language, 'articles')]} articles, {totals[(language, 'cities')]} cities, "
                   f"{totals[(language, 'officials')]} officials")
        for item, count in per_language[language].most_common(top):
            typer.echo(f"   {count:4d}  {item}")
    sys.stdout.flush()

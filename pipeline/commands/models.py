"""Commands of the models area: `train-ner LANG` and `models` (registered on the Typer app)."""
from __future__ import annotations

import typer

from pipeline.cli_app import app, fail_usage


@app.command("train-ner")
def train_ner(
    language: str = typer.Argument(..., help="Language code (uk, ru, pl, cs, sl, hr, bg) or a model name (uk_ner)."),
    engine: str = typer.Option("spacy", "--engine", help="spacy (models/<lang>_ner) or stanza (models/bg_stanza_ner)."),
    max_cpu_minutes: float = typer.Option(None, "--max-cpu-minutes", help="CPU-time cap of the training loop (default: recipe)."),
    max_epochs: int = typer.Option(None, "--max-epochs", help="Epoch cap (default: recipe)."),
) -> None:
    """Train the embedded NER model(s) of a language from ../shared/corpus/ner, score them on the
    held-out split, save them under models/ and write their model card (README.md)."""
    from pipeline.nlp.routing import MODELS_DIR
    from pipeline.training.recipes import load_recipes, models_for_language, settings_for

    recipes = load_recipes()
    names = [language] if language in recipes.models else models_for_language(language, recipes)
    if not names:
        raise fail_usage(f"no training recipe for {language!r}; known: {', '.join(sorted(recipes.models))}")
    from pipeline.training.bench import record_speed
    from pipeline.training.card import write_card

    for name in names:
        recipe = recipes.models[name]
        settings = settings_for(recipe, recipes.defaults, max_cpu_minutes=max_cpu_minutes, max_epochs=max_epochs)
        if engine == "stanza":
            from pipeline.training.stanza_ner import train_stanza_model

            out_dir = MODELS_DIR / name.replace("_ner", "_stanza_ner")
            train_stanza_model(name, recipe, settings, out_dir)
        else:
            from pipeline.training.train import train_model

            out_dir = MODELS_DIR / name
            train_model(name, recipe, settings, out_dir)
        speed = record_speed(out_dir, recipe.language)
        typer.echo(f"{out_dir.name}: {speed['words_per_second']} words/s on {speed['articles']} news articles", err=True)
        typer.echo(f"{out_dir.name}: model card {write_card(out_dir)}", err=True)


@app.command("models")
def models(
    bench: bool = typer.Option(False, "--bench", help="Also load each route's engine and print words/s on news text."),
    scores: bool = typer.Option(False, "--scores", help="Print the held-out P/R/F1 table of the embedded models instead."),
    cards: bool = typer.Option(False, "--cards", help="Rewrite every embedded model's README.md from its meta.json."),
    languages: list[str] = typer.Argument(None, help="Only these languages (default: all routes)."),
) -> None:
    """List each language's route, the model that would load here and where it comes from."""
    from pipeline.nlp.routing import MODELS_DIR, availability, routes_table

    if scores or cards:
        from pipeline.training.card import summary_table, write_card

        if cards:
            for meta_path in sorted(MODELS_DIR.glob("*/meta.json")):
                typer.echo(f"wrote {write_card(meta_path.parent)}", err=True)
        if scores:
            typer.echo(summary_table(MODELS_DIR), nl=False)
        return

    table = routes_table()
    chosen = languages or list(table.languages)
    unknown = [lang for lang in chosen if lang not in table.languages]
    if unknown:
        raise fail_usage(f"no route for {', '.join(unknown)} in models/routes.yaml")
    for language in chosen:
        route = table.languages[language]
        typer.echo(f"{language}  lemmatizer {route.lemmatizer}  ({route.note})")
        picked = False
        for candidate in route.candidates:
            ok, where = availability(candidate)
            mark = "  " if picked or not ok else "->"
            picked = picked or ok
            state = "available" if ok else ("not installed" if candidate.if_installed else "MISSING")
            typer.echo(f"  {mark} {candidate.describe():34s} {state:13s} {where}")
        if bench:
            _bench(language)


def _bench(language: str) -> None:
    from pipeline.nlp.routing import engine_for
    from pipeline.training.bench import news_texts, words_per_second

    engine, warnings = engine_for(language)
    texts = news_texts(language)
    if engine is None or not texts:
        typer.echo(f"     bench: no engine or no news text for {language}")
        return
    speed = words_per_second(engine, language, texts)
    typer.echo(f"     bench: {engine.model_id}: {speed['words_per_second']} words/s "
               f"({speed['words']} words, {speed['articles']} articles, {speed['seconds']} s)")

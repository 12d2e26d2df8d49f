"""Commands of the models area: `train-ner LANG` and `models` (registered on the Typer app)."""
from __future__ import annotations

import typer

from pipeline.cli_app import app, fail_usage


@app.command("train-ner")
def train_ner(
    language: str = typer.Argument(..., help="Language code (uk, ru, pl, cs, sl, hr, bg) or a model name (uk_ner)."),
    engine: str = typer.Option("spacy", "--engine", help="spacy (models/<lang>_ner) or stanza (models/bg_stanza_ner)."),
    max_minutes: float = typer.Option(None, "--max-minutes", help="Wall-time cap of the training loop (default: recipe)."),
    max_epochs: int = typer.Option(None, "--max-epochs", help="Epoch cap (default: recipe)."),
) -> None:
    """Train the embedded NER model(s) of a language from ../shared/corpus/ner, score them on the
    held-out split, save them under models/ and write their model card (README.md)."""
    from pipeline.routing import MODELS_DIR
    from pipeline.training.recipes import load_recipes, models_for_language

    recipes = load_recipes()
    names = [language] if language in recipes.models else models_for_language(language, recipes)
    if not names:
        raise fail_usage(f"no training recipe for {language!r}; known: {', '.join(sorted(recipes.models))}")
    overrides = {k: v for k, v in (("max_minutes", max_minutes), ("max_epochs", max_epochs)) if v is not None}
    settings = recipes.defaults.model_copy(update=overrides)
    for name in names:
        recipe = recipes.models[name]
        if engine == "stanza":
            from pipeline.training.stanza_ner import train_stanza_model

            train_stanza_model(name, recipe, settings, MODELS_DIR / name.replace("_ner", "_stanza_ner"))
            continue
        from pipeline.training.bench import record_speed
        from pipeline.training.card import write_card
        from pipeline.training.train import train_model

        train_model(name, recipe, settings, MODELS_DIR / name)
        speed = record_speed(MODELS_DIR / name, recipe.language)
        typer.echo(f"{name}: {speed['words_per_second']} words/s on {speed['articles']} news articles", err=True)
        typer.echo(f"{name}: model card {write_card(MODELS_DIR / name)}", err=True)

"""The training recipes file (pipeline/training/recipes.yaml), validated with unknown keys forbidden."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.rules import parse_rule_file

RECIPES_PATH = Path(__file__).with_name("recipes.yaml")
DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "ner"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tok2Vec(Strict):
    width: int
    depth: int
    window_size: int
    rows: dict[str, int]
    maxout_pieces: int = Field(3, ge=1)  # of the encoder's layers; 2 costs less CPU per token


class Settings(Strict):
    tok2vec: Tok2Vec
    hidden_width: int
    max_epochs: int
    max_cpu_minutes: float
    patience: int
    dropout: float
    dev_fraction: float
    seed: int
    version: str


class Source(Strict):
    name: str
    reader: Literal["iob", "bsnlp", "conllu_ner", "factrueval"]
    path: str
    split: Literal["train", "test", "by_document"]
    label_map: dict[str, Literal["PER", "LOC", "ORG", "JOB"]]
    held_out_fraction: float = 0.15
    repeat: int = 1  # training copies of this source (a small, clean corpus next to a big one)


class Official(Strict):
    model: str
    metric: str
    value: float | str | None = None
    verified: bool = False
    source: str
    note: str = ""


class Recipe(Strict):
    language: str
    licence: str
    sources: tuple[Source, ...]
    official: tuple[Official, ...] = ()
    # Each of these overrides the default for this model. A retrained model gets its own version:
    # the annotation cache is keyed by it.
    max_cpu_minutes: float | None = None
    max_epochs: int | None = None
    patience: int | None = None
    tok2vec: Tok2Vec | None = None
    hidden_width: int | None = None
    version: str | None = None


OVERRIDABLE = ("max_cpu_minutes", "max_epochs", "patience", "tok2vec", "hidden_width", "version")


def settings_for(recipe: Recipe, defaults: Settings, **overrides) -> Settings:
    """The defaults, then the recipe's own values, then the command line's."""
    own = {key: getattr(recipe, key) for key in OVERRIDABLE if getattr(recipe, key) is not None}
    return defaults.model_copy(update={**own, **{k: v for k, v in overrides.items() if v is not None}})


class RecipesFile(Strict):
    defaults: Settings
    models: dict[str, Recipe]


def load_recipes(path: Path = RECIPES_PATH) -> RecipesFile:
    return parse_rule_file(path, RecipesFile)


def corpus_root() -> Path:
    return Path(os.environ.get("CITYLINKS_NER_CORPUS") or DEFAULT_CORPUS)


def models_for_language(language: str, recipes: RecipesFile | None = None) -> list[str]:
    recipes = recipes or load_recipes()
    return sorted(name for name, r in recipes.models.items() if r.language == language)

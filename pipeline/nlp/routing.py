"""Routes table: which engine and model each language goes to (``models/routes.yaml``).

``engine_for(language)`` walks the language's candidates in order and returns the
first engine that loads, with one warning per skipped candidate that was expected
to be there (candidates marked ``if_installed`` are skipped silently). Engines are
built once per process. The table's location can be changed with the
``CITYLINKS_ROUTES`` environment variable.
"""
from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from pipeline.nlp.engines import Engine
from pipeline.nlp.engines.spacy_engine import ModelUnavailable, SpacyEngine
from pipeline.rules import parse_rule_file

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
SUPPORTED_LANGUAGES = ("uk", "ru", "be", "pl", "cs", "sk", "sl", "hr", "sr", "bs", "bg", "en", "de")
SOURCES = ("package", "path", "resources", "blank")


class Candidate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["spacy", "stanza", "slovnet"]
    package: str | None = None
    path: str | None = None
    resources: str | None = None
    blank: str | None = None
    if_installed: bool = False

    @model_validator(mode="after")
    def one_source(self) -> "Candidate":
        given = [s for s in SOURCES if getattr(self, s) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(SOURCES)} (got {given or 'none'})")
        if self.engine == "stanza" and given[0] in ("package", "blank"):
            raise ValueError(f"a stanza candidate takes 'path' or 'resources', not '{given[0]}'")
        if self.engine == "spacy" and given[0] == "resources":
            raise ValueError("a spacy candidate takes 'package', 'path' or 'blank', not 'resources'")
        if self.engine == "slovnet" and given[0] != "package":
            raise ValueError("a slovnet candidate takes 'package' (the PyPI package carrying its weights)")
        return self

    @property
    def source(self) -> str:
        return next(s for s in SOURCES if getattr(self, s) is not None)

    def describe(self) -> str:
        return f"{self.engine} {self.source} {getattr(self, self.source)}"


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lemmatizer: str
    note: str = ""
    candidates: tuple[Candidate, ...]


class RoutesTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: dict[str, Route]


def routes_path() -> Path:
    return Path(os.environ.get("CITYLINKS_ROUTES") or MODELS_DIR / "routes.yaml")


@lru_cache(maxsize=None)
def _load_table(path: str, mtime: float) -> RoutesTable:
    return parse_rule_file(Path(path), RoutesTable)


def routes_table() -> RoutesTable:
    path = routes_path()
    return _load_table(str(path), path.stat().st_mtime)


def model_path(candidate: Candidate) -> Path:
    return MODELS_DIR / candidate.path if candidate.path else Path()


def build_engine(candidate: Candidate, route: Route, language: str) -> Engine:
    """Load one candidate; raises ModelUnavailable when it is not on this machine."""
    if candidate.engine == "stanza":
        from pipeline.nlp.engines.stanza_engine import StanzaEngine

        if candidate.resources:
            return StanzaEngine.from_resources(candidate.resources, route.lemmatizer)
        return StanzaEngine.from_path(model_path(candidate), route.lemmatizer, language)
    if candidate.engine == "slovnet":
        return SpacyEngine.with_slovnet(language, candidate.package, route.lemmatizer)
    if candidate.package:
        return SpacyEngine.from_package(candidate.package, route.lemmatizer)
    if candidate.path:
        return SpacyEngine.from_path(model_path(candidate), route.lemmatizer)
    return SpacyEngine.blank(candidate.blank, route.lemmatizer)


def availability(candidate: Candidate) -> tuple[bool, str]:
    """Would this candidate load here, and where from (checked without loading the model)."""
    import importlib.util

    import spacy

    if candidate.blank:
        native = importlib.util.find_spec(f"spacy.lang.{candidate.blank}") is not None
        return True, f"spacy.blank('{candidate.blank if native else 'xx'}') (no NER)"
    if candidate.engine == "slovnet":
        from pipeline.nlp.engines.slovnet_ner import SlovnetUnavailable, data_dir

        try:
            return True, f"Slovnet NER from the {candidate.package} package ({data_dir(candidate.package)})"
        except SlovnetUnavailable as exc:
            return False, str(exc)
    if candidate.package:
        ok = spacy.util.is_package(candidate.package)
        return ok, f"pip package {candidate.package}" + ("" if ok else " (not installed)")
    if candidate.engine == "stanza" and importlib.util.find_spec("stanza") is None:
        return False, "stanza is not installed (pip install 'citylinks[stanza]')"
    if candidate.resources:
        from pipeline.nlp.engines.stanza_engine import stanza_resources_dir

        folder = stanza_resources_dir() / candidate.resources / "ner"
        return folder.is_dir(), str(folder)
    path = model_path(candidate)
    needed = path / ("ner.pt" if candidate.engine == "stanza" else "config.cfg")
    return needed.exists(), str(path.relative_to(MODELS_DIR.parent)) + ("" if needed.exists() else " (missing)")


@dataclass(frozen=True)
class Resolution:
    """What a route gives on this machine: the engine, and why earlier candidates were skipped."""

    engine: Engine | None
    candidate: Candidate | None
    warnings: tuple[str, ...]
    skipped: tuple[tuple[Candidate, str], ...]


def resolve(language: str, route: Route) -> Resolution:
    warnings, skipped = [], []
    for candidate in route.candidates:
        try:
            engine = build_engine(candidate, route, language)
        except Exception as exc:  # a missing or broken model must fall back, never stop the batch
            expected = isinstance(exc, (ModelUnavailable, ImportError, OSError))
            reason = str(exc) if expected else f"{type(exc).__name__}: {exc}"
            skipped.append((candidate, reason))
            if not candidate.if_installed:
                warnings.append(f"route {language}: {candidate.describe()} unavailable ({reason}); falling back")
            continue
        return Resolution(engine, candidate, tuple(warnings), tuple(skipped))
    warnings.append(f"route {language}: no candidate could be loaded")
    return Resolution(None, None, tuple(warnings), tuple(skipped))


@lru_cache(maxsize=None)
def _resolved(language: str) -> Resolution:
    route = routes_table().languages[language]
    resolution = resolve(language, route)
    gc.freeze()  # a loaded model lives as long as the process: the cyclic collector need not walk it again
    return resolution


def engine_for(language: str) -> tuple[Engine | None, list[str]]:
    """The engine for a language and the warnings of its route (None: no route)."""
    if language not in routes_table().languages:
        return None, []
    resolution = _resolved(language)
    return resolution.engine, list(resolution.warnings)

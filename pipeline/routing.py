"""Routes table: which engine and model each language goes to (models/routes.yaml).

First version: every language gets the blank spaCy engine. Issue 3 replaces this
with official packages, embedded models and Stanza, keeping ``engine_for``.
"""
from __future__ import annotations

from functools import lru_cache

from pipeline.engines import Engine
from pipeline.engines.spacy_engine import SpacyEngine

SUPPORTED_LANGUAGES = ("uk", "ru", "be", "pl", "cs", "sk", "sl", "hr", "sr", "bs", "bg", "en", "de")


@lru_cache(maxsize=None)
def _engine(language: str) -> Engine:
    return SpacyEngine.blank(language)


def engine_for(language: str) -> tuple[Engine | None, list[str]]:
    """The engine for a language and the warnings of its route (None: no route)."""
    if language not in SUPPORTED_LANGUAGES:
        return None, []
    return _engine(language), []

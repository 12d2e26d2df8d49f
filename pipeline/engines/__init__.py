"""NLP engines: each turns a text into an AnnotatedDoc (sentences, tokens with lemmas, entities).

The rule stages never know which engine ran. Which engine and model a language
uses is decided by the routes table in ``models/routes.yaml`` (see routing.py).
"""
from __future__ import annotations

from typing import Protocol

from pipeline.types import AnnotatedDoc


class Engine(Protocol):
    model_id: str  # e.g. "spacy:embedded/uk_ner@0.1.0", recorded in every record

    def annotate(self, text: str, language: str) -> AnnotatedDoc: ...

    def annotate_many(self, texts: list[str], language: str) -> list[AnnotatedDoc]:
        """Several texts of one language (batched where the engine can), in order."""
        ...

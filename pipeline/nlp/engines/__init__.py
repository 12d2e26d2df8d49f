"""NLP engines: each turns a text into an AnnotatedDoc (sentences, tokens with lemmas, entities).

The rule stages never know which engine ran. Which engine and model a language
uses is decided by the routes table in ``models/routes.yaml`` (see routing.py).
"""
from __future__ import annotations

import sys
from typing import Protocol

from pipeline.types import AnnotatedDoc


def _import_spacy_without_torch() -> None:
    """Import spaCy (and thinc) while torch is hidden.

    thinc imports torch when it is installed (thinc/compat.py), which costs every
    process ~185 MB and a second even when no route uses it: our spaCy pipelines
    are thinc/numpy models. Stanza routes import torch themselves when they load
    (thinc's torch support stays off, which Stanza does not use).
    """
    if "torch" in sys.modules or "spacy" in sys.modules:
        return
    sys.modules["torch"] = None  # `import torch` raises ImportError while spaCy is imported
    try:
        import spacy  # noqa: F401
    finally:
        del sys.modules["torch"]


_import_spacy_without_torch()


class Engine(Protocol):
    model_id: str  # e.g. "spacy:embedded/uk_ner@0.1.0", recorded in every record

    def annotate(self, text: str, language: str) -> AnnotatedDoc: ...

    def annotate_many(self, texts: list[str], language: str) -> list[AnnotatedDoc]:
        """Several texts of one language (batched where the engine can), in order."""
        ...

"""Stanza engine: a real stanza.Pipeline (NER) over the project's own tokens, sentences and lemmas.

The text is tokenized, split into sentences and lemmatized by the same spaCy
tokenizer and project components the spaCy engine uses, then fed to Stanza
pretokenized (``tokenize_pretokenized=True``), so both engines give the same
tokens and lemmas and differ only in their entities. Downloads are always
disabled (``download_method=None``): the model comes either from installed Stanza
resources ($STANZA_RESOURCES_DIR or ~/stanza_resources) or from an embedded
model directory trained by `python cli.py train-ner bg --engine stanza`.
"""
from __future__ import annotations

import os
from pathlib import Path

from pipeline.nlp.engines.spacy_engine import (
    ModelUnavailable, add_project_components, blank_nlp, common_label, doc_to_annotated,
)
from pipeline.nlp.engines.windows import WINDOW_CHARS, annotate_in_windows
from pipeline.types import AnnotatedDoc, Entity


def stanza_resources_dir() -> Path:
    return Path(os.environ.get("STANZA_RESOURCES_DIR") or Path.home() / "stanza_resources")


def _stanza():
    try:
        import stanza
    except ImportError as exc:
        raise ModelUnavailable("stanza is not installed (pip install 'citylinks[stanza]')") from exc
    return stanza


def _limit_torch_threads() -> None:
    """One torch thread per process: the batch runs one worker per core, and torch's own
    thread pool on top of that made NER 4x slower on 2 cores (measured: 190 vs 42 ms/article)."""
    import torch

    torch.set_num_threads(int(os.environ.get("CITYLINKS_TORCH_THREADS", "1")))


def load_embedded_pipeline(path: Path, language: str):
    """A stanza.Pipeline from an embedded model directory (ner.pt + pretrain.pt), never downloading."""
    if not (path / "ner.pt").exists() or not (path / "pretrain.pt").exists():
        raise ModelUnavailable(f"no Stanza NER model at {path} (train it with `python cli.py train-ner {language} --engine stanza`)")
    stanza = _stanza()
    _limit_torch_threads()
    return stanza.Pipeline(
        lang=language, dir=str(path), processors="tokenize,ner", tokenize_pretokenized=True,
        ner_model_path=str(path / "ner.pt"), ner_pretrain_path=str(path / "pretrain.pt"),
        download_method=None, allow_unknown_language=True, use_gpu=False, logging_level="WARN",
    )


def load_installed_pipeline(language: str):
    """A stanza.Pipeline from installed resources (stanza.download done by the user), never downloading."""
    base = stanza_resources_dir()  # checked before importing stanza, which imports torch (~185 MB)
    if not (base / "resources.json").exists() or not (base / language / "ner").is_dir():
        raise ModelUnavailable(f"no installed Stanza NER resources for {language} in {base}")
    stanza = _stanza()
    _limit_torch_threads()
    return stanza.Pipeline(
        lang=language, dir=str(base), processors="tokenize,ner", tokenize_pretokenized=True,
        download_method=None, use_gpu=False, logging_level="WARN",
    )


class StanzaEngine:
    def __init__(self, pipeline, language: str, model_id: str, lemmatizer_spec: str):
        self.pipeline = pipeline
        self.model_id = model_id
        self.tokenizer = add_project_components(blank_nlp(language), lemmatizer_spec)

    @classmethod
    def from_path(cls, path: Path, lemmatizer_spec: str, language: str | None = None) -> "StanzaEngine":
        language = language or path.name.split("_")[0]
        version = _meta_version(path)
        return cls(load_embedded_pipeline(path, language), language,
                   f"stanza:embedded/{path.name}@{version}", lemmatizer_spec)

    @classmethod
    def from_resources(cls, language: str, lemmatizer_spec: str) -> "StanzaEngine":
        pipeline = load_installed_pipeline(language)
        return cls(pipeline, language, f"stanza:installed/{language}@{_stanza().__version__}", lemmatizer_spec)

    def annotate(self, text: str, language: str) -> AnnotatedDoc:
        if len(text) > WINDOW_CHARS:
            return annotate_in_windows(text, lambda part: self.annotate(part, language), WINDOW_CHARS)
        with self.tokenizer.memory_zone():  # the new words' strings are freed afterwards
            annotated = doc_to_annotated(self.tokenizer(text), language, self.model_id)
        sentences = [[t for t in annotated.tokens if t.sent == i] for i in range(len(annotated.sentences))]
        sentences = [s for s in sentences if s]
        if not sentences:
            return annotated
        tagged = self.pipeline([[t.text for t in sent] for sent in sentences])
        entities = []
        for tokens, stanza_sent in zip(sentences, tagged.sentences):
            for ent in stanza_sent.ents:
                label = common_label(ent.type)
                first, last = ent.tokens[0].id[0] - 1, ent.tokens[-1].id[-1] - 1
                if label and 0 <= first <= last < len(tokens):
                    start, end = tokens[first].start, tokens[last].end
                    entities.append(Entity(text[start:end], start, end, label, "ner"))
        annotated.entities = entities
        return annotated

    def annotate_many(self, texts: list[str], language: str) -> list[AnnotatedDoc]:
        return [self.annotate(text, language) for text in texts]


def _meta_version(path: Path) -> str:
    import json

    meta = path / "meta.json"
    return json.loads(meta.read_text(encoding="utf-8")).get("version", "?") if meta.exists() else "?"

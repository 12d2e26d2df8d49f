"""spaCy engine: wraps a loaded spaCy Language and converts a Doc to an AnnotatedDoc."""
from __future__ import annotations

import spacy
from spacy.language import Language

from pipeline.types import AnnotatedDoc, Entity, Span, Token

LABEL_MAP = {"PERSON": "PER", "PERS": "PER", "GPE": "LOC", "FAC": "LOC", "NORP": None}


def common_label(label: str) -> str | None:
    """Map an engine's label to the project's PER / LOC / ORG / JOB set (None: not kept)."""
    label = label.upper()
    mapped = LABEL_MAP.get(label, label)
    return mapped if mapped in {"PER", "LOC", "ORG", "JOB"} else None


class SpacyEngine:
    def __init__(self, nlp: Language, model_id: str):
        self.nlp = nlp
        self.model_id = model_id
        if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
            nlp.add_pipe("sentencizer")

    @classmethod
    def blank(cls, language: str) -> "SpacyEngine":
        """Tokenizer and sentencizer only: the last fallback of every route."""
        try:
            nlp = spacy.blank(language)
        except ImportError:
            nlp = spacy.blank("xx")
        return cls(nlp, f"spacy:blank/{nlp.lang}@{spacy.__version__}")

    def annotate(self, text: str, language: str) -> AnnotatedDoc:
        return doc_to_annotated(self.nlp(text), language, self.model_id)


def doc_to_annotated(doc, language: str, model_id: str) -> AnnotatedDoc:
    sentences = [Span(s.start_char, s.end_char) for s in doc.sents]
    sent_index = {}
    for i, sent in enumerate(doc.sents):
        for tok in sent:
            sent_index[tok.i] = i
    tokens = [
        Token(
            text=t.text, start=t.idx, end=t.idx + len(t.text),
            lemma=t.lemma_ or t.text, pos=t.pos_ or "", sent=sent_index.get(t.i, 0),
        )
        for t in doc
        if not t.is_space
    ]
    entities = []
    for ent in doc.ents:
        label = common_label(ent.label_)
        if label:
            entities.append(Entity(ent.text, ent.start_char, ent.end_char, label, "ner"))
    return AnnotatedDoc(text=doc.text, language=language, tokens=tokens,
                        sentences=sentences, entities=entities, model=model_id)

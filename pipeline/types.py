"""Small typed objects that the stages pass to each other.

Reader -> RawArticle -> (cleaning) CleanText -> (langid) LanguageGuess
-> (engine) AnnotatedDoc -> (rule stages) Found* items -> (record) ArticleRecord.

All offsets are Unicode code point offsets into the cleaned text that the
extractor saw (``AnnotatedDoc.text``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawArticle:
    """One article as read from the input, before cleaning."""

    id: str
    source: str  # path[:line] the article came from
    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None  # as given by the input, normalised later


@dataclass(frozen=True)
class ReadFailure:
    """An input item that could not become a RawArticle."""

    id: str
    source: str
    reason: str


@dataclass(frozen=True)
class Trim:
    """A piece of boilerplate removed by cleaning."""

    reason: str  # e.g. "related_news", "encoded_token", "comment_prompt"
    text: str  # what was removed (first 200 characters)
    chars: int  # how many characters were removed


@dataclass(frozen=True)
class CleanText:
    text: str
    trimmed: tuple[Trim, ...] = ()


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None  # ISO 639-1, None when undecided
    probability: float
    runner_up: str | None = None
    runner_up_probability: float | None = None
    method: str = ""


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    lemma: str
    pos: str = ""  # UPOS when the engine has it
    sent: int = 0  # index of the sentence in AnnotatedDoc.sentences


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    text: str
    start: int
    end: int
    label: str  # PER / LOC / ORG / JOB (common label set of the project)
    source: str = "ner"  # "ner" or the name of the rule component that made it


@dataclass
class AnnotatedDoc:
    """What every engine (spaCy or Stanza) produces; rule stages see only this."""

    text: str
    language: str
    tokens: list[Token]
    sentences: list[Span]
    entities: list[Entity]
    model: str  # id of the model that annotated it, e.g. "spacy:uk_citylinks_ner-0.1.0"
    warnings: list[str] = field(default_factory=list)

    def sentence_of(self, offset: int) -> Span | None:
        for sent in self.sentences:
            if sent.start <= offset < sent.end:
                return sent
        return None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        return [t for t in self.tokens if t.start >= start and t.end <= end]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AnnotatedDoc":
        return cls(
            text=data["text"],
            language=data["language"],
            tokens=[Token(**t) for t in data["tokens"]],
            sentences=[Span(**s) for s in data["sentences"]],
            entities=[Entity(**e) for e in data["entities"]],
            model=data["model"],
            warnings=list(data.get("warnings", [])),
        )


@dataclass(frozen=True)
class Evidence:
    """A mention in the text that supports an extracted value."""

    text: str
    start: int
    end: int

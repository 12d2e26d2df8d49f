"""Small typed objects that the stages pass to each other.

Reader -> RawArticle -> (cleaning) CleanText -> (langid) LanguageGuess
-> (engine) AnnotatedDoc -> (rule stages) Found* items -> (record) ArticleRecord.

All offsets are Unicode code point offsets into the cleaned text that the
extractor saw (``AnnotatedDoc.text``).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, NamedTuple


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
    encoding: str | None = None  # how the input's bytes were decoded (None: given as text, e.g. stdin)
    warnings: tuple[str, ...] = ()  # what reading noticed (bytes replaced, a text seen under another id)
    renamed_from: str | None = None  # the input's id when it repeated an earlier one (id is then "<id>#2")


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


class Token(NamedTuple):  # a tuple: a doc of 500 tokens is rebuilt from the cache in C, not 500 __init__ calls
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


_new_token = partial(tuple.__new__, Token)  # Token(*fields) without the Python-level __new__


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
        starts = self._sentence_starts
        if starts is None:  # not in text order: look at each
            return next((s for s in self.sentences if s.start <= offset < s.end), None)
        i = bisect_right(starts, offset) - 1
        return self.sentences[i] if i >= 0 and offset < self.sentences[i].end else None

    @cached_property
    def _sentence_starts(self) -> list[int] | None:
        """Sentence starts for bisect when sentences are in text order and do not overlap (a long page
        asks for the sentence of every title and name)."""
        ordered = all(a.end <= b.start for a, b in zip(self.sentences, self.sentences[1:]))
        return [s.start for s in self.sentences] if ordered else None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        return [t for t in self.tokens if t.start >= start and t.end <= end]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the annotation cache: tokens, sentences and entities as columns (one list per
        field), which encodes and decodes several times faster than one dict per token."""
        tokens = self.tokens
        return {
            "text": self.text, "language": self.language, "model": self.model, "warnings": list(self.warnings),
            "tokens": {"text": [t.text for t in tokens], "start": [t.start for t in tokens],
                       "end": [t.end for t in tokens], "lemma": [t.lemma for t in tokens],
                       "pos": [t.pos for t in tokens], "sent": [t.sent for t in tokens]},
            "sentences": {"start": [s.start for s in self.sentences], "end": [s.end for s in self.sentences]},
            "entities": {"text": [e.text for e in self.entities], "start": [e.start for e in self.entities],
                         "end": [e.end for e in self.entities], "label": [e.label for e in self.entities],
                         "source": [e.source for e in self.entities]},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AnnotatedDoc":
        t, s, e = data["tokens"], data["sentences"], data["entities"]
        return cls(
            text=data["text"],
            language=data["language"],
            tokens=list(map(_new_token, zip(t["text"], t["start"], t["end"], t["lemma"], t["pos"], t["sent"]))),
            sentences=list(map(Span, s["start"], s["end"])),
            entities=list(map(Entity, e["text"], e["start"], e["end"], e["label"], e["source"])),
            model=data["model"],
            warnings=list(data.get("warnings", [])),
        )


@dataclass(frozen=True)
class Evidence:
    """A mention in the text that supports an extracted value."""

    text: str
    start: int
    end: int

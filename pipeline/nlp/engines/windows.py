"""Long texts annotated in windows: each ends at a line break (or a sentence end), offsets shifted back.

spaCy refuses texts over ``nlp.max_length`` (a million characters) and its memory grows
with the length of a doc; a window of ``WINDOW_CHARS`` keeps both bounded. A line
break always ends a sentence for the project's sentence splitter, so cutting there
gives the sentences and tokens the whole text would get, at exact offsets.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.types import AnnotatedDoc, Entity, Span, Token

WINDOW_CHARS = 100_000
_SENTENCE_END = re.compile(r"[.!?…][\"'»”)\]]*\s+")


def window_spans(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """(start, end) spans that cover ``text``, none longer than ``size``."""
    spans, start = [], 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _cut(text: str, start: int, limit: int) -> int:
    """Where a window starting at ``start`` ends: after the last line break in its second half,
    else after its last sentence end, else after its last space, else at ``limit``."""
    half = start + (limit - start) // 2
    newline = text.rfind("\n", half, limit)
    if newline >= 0:
        return newline + 1
    ends = [m.end() for m in _SENTENCE_END.finditer(text, half, limit)]
    if ends:
        return ends[-1]
    space = text.rfind(" ", half, limit)
    return space + 1 if space >= 0 else limit


def annotate_in_windows(text: str, annotate: Callable[[str], AnnotatedDoc],
                        size: int = WINDOW_CHARS) -> AnnotatedDoc:
    """``annotate`` on each window of ``text``; one document with offsets into the whole text."""
    tokens: list[Token] = []
    sentences: list[Span] = []
    entities: list[Entity] = []
    first = None
    for start, end in window_spans(text, size):
        part = annotate(text[start:end])
        first = first or part
        base = len(sentences)
        tokens.extend(Token(t.text, t.start + start, t.end + start, t.lemma, t.pos, t.sent + base)
                      for t in part.tokens)
        sentences.extend(Span(s.start + start, s.end + start) for s in part.sentences)
        entities.extend(Entity(e.text, e.start + start, e.end + start, e.label, e.source) for e in part.entities)
        del part
    return AnnotatedDoc(text=text, language=first.language, tokens=tokens, sentences=sentences,
                        entities=entities, model=first.model, warnings=list(first.warnings))

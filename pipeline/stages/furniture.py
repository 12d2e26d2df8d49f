"""Page furniture inside an article's text, blanked before the rule stages read it.

GOLD.md: nothing from page boilerplate counts (related-news lists, comment sections, tags). Cleaning
trims a furniture tail it recognises; what stays in the text is found here, per language, from the
labels in ``rules/<lang>/furniture.yaml``: a line opened by a label ("Read also: ...") is furniture,
and a label alone on its line takes the lines after it up to a blank line. Every rule stage reads
the document with those spans blanked (spaces, same length, line breaks kept), so offsets into the
record's text stay exact and no stage needs a furniture rule of its own.
"""
from __future__ import annotations

import re
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from pipeline.rules import load_compiled
from pipeline.stages.lexicon import segment_of
from pipeline.types import AnnotatedDoc

BLANK_LINE = re.compile(r"\n[ \t]*\n")
NOT_LINE_BREAK = re.compile(r"[^\n]")


class FurnitureRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    labels: list[str] = []  # "Читайте також", "Tagi": a line they open is page furniture


def _compile(rules: FurnitureRules) -> re.Pattern | None:
    """A line opened by a label and a colon (or nothing, or a few words) after it."""
    if not rules.labels:
        return None
    return re.compile(r"^[ \t·•*>|\-–—]*(?:" + "|".join(rules.labels) + r")(?![^\W_])[^\n:.!?]{0,30}[ \t]*(:?)(.*)$",
                      re.M | re.I)


def furniture_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Spans of page furniture, in text order, not overlapping."""
    pattern = load_compiled("furniture", FurnitureRules, language, _compile)
    if pattern is None:
        return []
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if not match.group(1) and match.group(2).strip():
            continue  # "Tags like these are rare" is a sentence, not a label
        if spans and match.start() < spans[-1][1]:
            continue  # inside the block of a label before it
        end = match.end()
        if not match.group(2).strip():
            blank = BLANK_LINE.search(text, end + 1)
            end = blank.start() if blank else len(text)
        spans.append((match.start(), end))
    return spans


def without_furniture(doc: AnnotatedDoc) -> AnnotatedDoc:
    """The document as the rule stages read it: furniture blanked, its tokens and entities dropped."""
    spans = furniture_spans(doc.text, doc.language)
    if not spans:
        return doc
    chars = list(doc.text)
    for s, e in spans:
        chars[s:e] = NOT_LINE_BREAK.sub(" ", doc.text[s:e])
    return replace(doc, text="".join(chars),
                   tokens=[t for t in doc.tokens if segment_of(spans, t.start) is None],  # spans are in order, apart
                   entities=[e for e in doc.entities if segment_of(spans, e.start) is None])

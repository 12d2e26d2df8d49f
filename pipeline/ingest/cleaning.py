"""Cleaning: HTML to text (trafilatura) and trimming of page boilerplate.

What is trimmed is said in CleanText.trimmed; the cleaned text is the text the
extractor sees and the one that every offset of the record refers to.
"""
from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, ConfigDict

from pipeline.rules import load_compiled
from pipeline.types import CleanText, RawArticle, Trim

PREVIEW_CHARS = 200


class BoilerplateRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_body_chars: int = 300
    tail_markers: dict[str, list[str]]
    line_patterns: dict[str, str] = {}


def _compile(rules: BoilerplateRules) -> tuple[int, dict[str, str], list[tuple[str, re.Pattern]]]:
    markers = {_marker_key(m): reason for reason, items in rules.tail_markers.items() for m in items}
    patterns = [(reason, re.compile(p)) for reason, p in rules.line_patterns.items()]
    return rules.min_body_chars, markers, patterns


def _marker_key(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("’", "'").replace("ʼ", "'")
    return re.sub(r"[\s:!.…»«\"()\-–—|>]+", " ", line).strip().casefold()


def html_to_text(html: str) -> str:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    return text or ""


def article_text(article: RawArticle) -> str:
    if article.text is not None and article.text.strip():
        return article.text
    if article.html:
        return html_to_text(article.html)
    return ""


def clean_text(text: str) -> CleanText:
    """Normalise line ends, drop encoded tokens and cut the boilerplate tail."""
    min_body, markers, patterns = load_compiled("boilerplate", BoilerplateRules, None, _compile)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).replace("\ufeff", "")
    kept: list[str] = []
    trims: list[Trim] = []
    body_chars = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        reason = markers.get(_marker_key(line)) if line.strip() else None
        if reason and body_chars >= min_body:
            rest = "\n".join(lines[index:]).strip()
            trims.append(Trim(reason, rest[:PREVIEW_CHARS], len(rest)))
            break
        dropped = next((r for r, p in patterns if p.fullmatch(line.strip())), None)
        if dropped:
            trims.append(Trim(dropped, line.strip()[:PREVIEW_CHARS], len(line.strip())))
            continue
        kept.append(line)
        body_chars += len(line.strip())
    cleaned = "\n".join(kept).strip()
    return CleanText(cleaned, tuple(trims))

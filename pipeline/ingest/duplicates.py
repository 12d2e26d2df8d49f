"""Repeated ids and repeated texts across all inputs of a run: noted, never dropped.

A repeated id gets a distinct one (``<id>#2``, ``<id>#3``, ...) and keeps the input's
in ``renamed_from``, so the run can report it; a text seen before under another id is
noted in the article's warnings. Ids and texts are remembered as 8-byte digests.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace

from pipeline.types import RawArticle, ReadFailure


def _digest(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class Duplicates:
    def __init__(self) -> None:
        self.ids: dict[int, int] = {}  # id digest -> times seen
        self.texts: dict[int, str] = {}  # body digest -> id of its first article

    def mark(self, article: RawArticle) -> RawArticle:
        changes: dict = {}
        key = _digest(article.id)
        seen = self.ids.get(key, 0)
        self.ids[key] = seen + 1
        if seen:
            number = seen + 1
            while _digest(f"{article.id}#{number}") in self.ids:  # "<id>#2" may be an input id too
                number += 1
            changes["id"] = f"{article.id}#{number}"
            changes["renamed_from"] = article.id
            changes["warnings"] = article.warnings + (f"input: id '{article.id}' repeats an earlier article's",)
            self.ids[_digest(changes["id"])] = 1
        body = article.text if article.text is not None else article.html
        if body:
            first = self.texts.setdefault(_digest(body), changes.get("id", article.id))
            if first != changes.get("id", article.id):
                changes["warnings"] = changes.get("warnings", article.warnings) + (
                    f"input: same text as article '{first}'",)
        return replace(article, **changes) if changes else article


def mark_duplicates(items: Iterable[RawArticle | ReadFailure]) -> Iterator[RawArticle | ReadFailure]:
    duplicates = Duplicates()
    for item in items:
        yield duplicates.mark(item) if isinstance(item, RawArticle) else item

"""Dates stage (placeholder signature; issue 5 implements it)."""
from __future__ import annotations

from dataclasses import dataclass

from schemas.record import DateItem
from pipeline.types import AnnotatedDoc


@dataclass(frozen=True)
class DatesResult:
    published: str | None  # ISO date of publication: from the input, else from a dateline
    dates: list[DateItem]


def find_dates(doc: AnnotatedDoc, published: str | None) -> DatesResult:
    return DatesResult(published, [])

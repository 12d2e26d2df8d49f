"""Cities stage (placeholder signature; issue 4 implements it)."""
from __future__ import annotations

from schemas.record import CityItem
from pipeline.types import AnnotatedDoc


def find_cities(doc: AnnotatedDoc) -> list[CityItem]:
    return []

"""Officials stage (placeholder signature; issue 4 implements it)."""
from __future__ import annotations

from schemas.record import CityItem, OfficialItem
from pipeline.types import AnnotatedDoc


def find_officials(doc: AnnotatedDoc, cities: list[CityItem]) -> list[OfficialItem]:
    return []

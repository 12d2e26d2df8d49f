"""Areas stage (placeholder signature; issue 5 implements it)."""
from __future__ import annotations

from schemas.record import AgreementItem, AreaItem, CityItem
from pipeline.types import AnnotatedDoc


def find_areas(doc: AnnotatedDoc, cities: list[CityItem], agreements: list[AgreementItem]) -> list[AreaItem]:
    return []

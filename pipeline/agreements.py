"""Agreements stage (placeholder signature; issue 5 implements it)."""
from __future__ import annotations

from schemas.record import AgreementItem, CityItem, DateItem, OfficialItem
from pipeline.types import AnnotatedDoc


def find_agreements(doc: AnnotatedDoc, cities: list[CityItem], officials: list[OfficialItem],
                    dates: list[DateItem]) -> list[AgreementItem]:
    return []

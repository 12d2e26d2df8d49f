"""The output record: one per article, the GOLD.md fields plus evidence and provenance.

Every key is always present (null or [] rather than missing) so that pandas,
DuckDB and Polars infer one schema for a whole JSONL file.
"""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_PATH = Path(__file__).with_name("record.schema.json")


class Role(str, Enum):
    mayor = "mayor"
    acting_mayor = "acting_mayor"
    deputy_mayor = "deputy_mayor"
    city_head = "city_head"
    council_chair = "council_chair"
    official = "official"


class AgreementType(str, Enum):
    memorandum = "memorandum"
    cooperation_agreement = "cooperation_agreement"
    twinning_agreement = "twinning_agreement"
    cooperation_programme = "cooperation_programme"
    protocol = "protocol"
    letter_of_intent = "letter_of_intent"
    other = "other"


class AgreementStatus(str, Enum):
    signed = "signed"
    existing = "existing"
    planned = "planned"
    anniversary = "anniversary"
    terminated = "terminated"


class DateKind(str, Enum):
    published = "published"
    signing = "signing"
    event = "event"
    period = "period"
    historical = "historical"
    other = "other"


class Area(str, Enum):
    culture = "culture"
    education = "education"
    science = "science"
    sport = "sport"
    tourism = "tourism"
    youth = "youth"
    economy = "economy"
    urban_development = "urban_development"
    transport = "transport"
    environment = "environment"
    health = "health"
    social = "social"
    governance = "governance"
    innovation = "innovation"
    humanitarian = "humanitarian"


class Status(str, Enum):
    ok = "ok"
    unsupported_language = "unsupported_language"
    undetermined_language = "undetermined_language"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Mention(_Strict):
    """Evidence: the mention text and its code point offsets in the record's `text`."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class CityItem(_Strict):
    geonames_id: int
    name: str = Field(description="GeoNames' English name")
    local_name: str | None = Field(description="name in the article's language, nominative")
    country_code: str | None
    latitude: float | None
    longitude: float | None
    mentions: list[Mention]


class OfficialItem(_Strict):
    name: str = Field(description="full name, nominative, in the article's script")
    role: Role
    city_geonames_id: int | None
    mentions: list[Mention]


class DateItem(_Strict):
    value: str = Field(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?|--\d{2}-\d{2})$")
    kind: DateKind
    mentions: list[Mention]


class AgreementItem(_Strict):
    type: AgreementType
    status: AgreementStatus
    city_geonames_ids: list[int]
    date: str | None
    areas: list[Area] = Field(default_factory=list, description="the fields of cooperation this agreement covers")
    mentions: list[Mention]


class AreaItem(_Strict):
    area: Area
    mentions: list[Mention]


class TrimmedItem(_Strict):
    reason: str
    text: str = Field(description="the removed text, cut to 200 characters")
    chars: int


class StageModels(_Strict):
    language: str | None = Field(description="the language detector(s) that decided")
    engine: str | None = Field(description="the engine and model that annotated the text")
    rules: str | None = Field(description='"packaged", or the rules directory given by CITYLINKS_RULES')


class Provenance(_Strict):
    package_version: str
    rules_hash: str
    models: StageModels
    language_probability: float | None
    language_runner_up: str | None
    language_runner_up_probability: float | None
    source: str
    input_encoding: str | None = Field(
        None, description="how the input's bytes were decoded (e.g. utf-8, cp1251, koi8_r); null for text given as text")


class ArticleRecord(_Strict):
    id: str
    status: Status
    reason: str | None
    language: str | None
    published: str | None
    url: str | None
    title: str | None
    text: str | None = Field(description="the cleaned text the extractor saw; offsets refer to it")
    cities: list[CityItem]
    officials: list[OfficialItem]
    dates: list[DateItem]
    agreements: list[AgreementItem]
    areas: list[AreaItem]
    trimmed: list[TrimmedItem]
    warnings: list[str]
    provenance: Provenance


class ErrorRecord(_Strict):
    """One line of the errors JSONL written beside the output."""

    id: str
    source: str
    reason: str
    recorded: bool = Field(description="true when the article still has a record in the output")


def json_schema() -> dict[str, Any]:
    return ArticleRecord.model_json_schema(mode="serialization")


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

"""The data that drives export: table layouts and docs (tables.yaml) and the consolidation rules
(consolidation.yaml), each validated by a Pydantic model that rejects unknown keys."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.rules import parse_rule_file

HERE = Path(__file__).parent
ARROW_TYPES = {
    "string": pa.string(), "int64": pa.int64(), "double": pa.float64(), "bool": pa.bool_(),
    "list<string>": pa.list_(pa.string()), "list<int64>": pa.list_(pa.int64()),
}
DUCKDB_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN",
                "list<string>": "VARCHAR[]", "list<int64>": "BIGINT[]"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TableSpec(_Strict):
    doc: str
    key: list[str]
    columns: dict[str, tuple[str, str]]

    @model_validator(mode="after")
    def _known(self) -> "TableSpec":
        unknown = [t for t, _ in self.columns.values() if t not in ARROW_TYPES]
        if unknown or not set(self.key) <= set(self.columns):
            raise ValueError(f"unknown column types {unknown} or key columns not in columns")
        return self

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(name, ARROW_TYPES[kind]) for name, (kind, _) in self.columns.items()])


class Tables(_Strict):
    tables: dict[str, TableSpec]


class NearDuplicates(_Strict):
    shingle_words: int = Field(ge=1)
    num_perm: int = Field(ge=16)
    threshold: float = Field(gt=0, le=1)


class TypeRules(_Strict):
    wildcard: list[str]
    compatible: list[list[str]]
    precedence: list[str]


class StatusRules(_Strict):
    compatible: list[tuple[str, str]]
    precedence: list[str]
    retrospective: list[str]


class DateRules(_Strict):
    report_window_days: int = Field(ge=0)


class Consolidation(_Strict):
    near_duplicates: NearDuplicates
    types: TypeRules
    statuses: StatusRules
    dates: DateRules


class _TablesFile(_Strict):
    model_config = ConfigDict(extra="allow")


@lru_cache(maxsize=None)
def tables() -> dict[str, TableSpec]:
    raw = parse_rule_file(HERE / "tables.yaml", _TablesFile).model_extra or {}
    return Tables(tables=raw).tables


@lru_cache(maxsize=None)
def consolidation(path: str | None = None) -> Consolidation:
    return parse_rule_file(Path(path) if path else HERE / "consolidation.yaml", Consolidation)

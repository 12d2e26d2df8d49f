"""One JSONL record -> rows of the per-article tables, as tuples in the column order of
tables.yaml, and its agreements as reports for consolidation."""
from __future__ import annotations

from typing import NamedTuple

ITEM_LISTS = ("cities", "officials", "dates", "agreements", "areas")
ITEM_TABLE = {"cities": "article_cities", "officials": "officials", "dates": "dates", "areas": "article_areas"}
ROW_TABLES = (*ITEM_TABLE.values(), "agreement_parties", "agreement_areas", "mentions")


class Report(NamedTuple):
    """One agreement as one article tells it: what consolidation compares."""

    item_id: str
    article_id: str
    published: str | None
    url: str | None
    type: str
    status: str
    date: str | None
    parties: tuple[int, ...]
    areas: tuple[str, ...]
    duplicate_of: str | None


def item_id(article_id: str, kind: str, index: int) -> str:
    return f"{article_id}/{kind}/{index}"


def article_row(record: dict, output_file: str, duplicate_of: str | None) -> tuple:
    return (record["id"], record["status"], record["reason"], record["language"], record["published"],
            record["url"], record["title"], (record.get("provenance") or {}).get("source"), output_file,
            duplicate_of, len(record["cities"]), len(record["agreements"]), record["text"])


def _item_row(kind: str, article_id: str, ident: str, item: dict) -> tuple:
    if kind == "cities":
        return ident, article_id, item["geonames_id"], item["local_name"]
    if kind == "officials":
        return ident, article_id, item["name"], item["role"], item["city_geonames_id"]
    if kind == "dates":
        return ident, article_id, item["value"], item["kind"]
    return ident, article_id, item["area"]


def record_rows(record: dict) -> dict[str, list[tuple]]:
    """Rows of article_cities, officials, dates, article_areas, agreement_parties, agreement_areas
    and mentions for one record (agreements themselves wait for consolidation)."""
    article_id = record["id"]
    out: dict[str, list[tuple]] = {name: [] for name in ROW_TABLES}
    mentions = out["mentions"]
    for kind in ITEM_LISTS:
        for index, item in enumerate(record[kind]):
            ident = f"{article_id}/{kind}/{index}"
            if kind == "agreements":
                out["agreement_parties"] += [(ident, article_id, g) for g in item["city_geonames_ids"]]
                out["agreement_areas"] += [(ident, article_id, a) for a in item.get("areas") or ()]
            else:
                out[ITEM_TABLE[kind]].append(_item_row(kind, article_id, ident, item))
            mentions += [(ident, kind, article_id, m, mention["text"], mention["start"], mention["end"])
                         for m, mention in enumerate(item["mentions"])]
    return out


def reports(record: dict, duplicate_of: str | None) -> list[Report]:
    return [Report(item_id(record["id"], "agreements", i), record["id"], record["published"], record["url"],
                   a["type"], a["status"], a["date"], tuple(sorted(set(a["city_geonames_ids"]))),
                   tuple(a.get("areas") or ()), duplicate_of)
            for i, a in enumerate(record["agreements"])]


def agreement_row(report: Report, event_id: str | None) -> tuple:
    return (report.item_id, report.article_id, report.type, report.status, report.date,
            len(report.parties), event_id)

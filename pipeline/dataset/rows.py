"""One JSONL record -> rows of the per-article tables (tables.yaml), and its agreements as reports
for consolidation."""
from __future__ import annotations

from typing import NamedTuple

ITEM_LISTS = ("cities", "officials", "dates", "agreements", "areas")


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


def article_row(record: dict, output_file: str, duplicate_of: str | None) -> dict:
    return {
        "article_id": record["id"], "status": record["status"], "reason": record["reason"],
        "language": record["language"], "published": record["published"], "url": record["url"],
        "title": record["title"], "source": (record.get("provenance") or {}).get("source"),
        "output_file": output_file, "duplicate_of": duplicate_of,
        "n_cities": len(record["cities"]), "n_agreements": len(record["agreements"]),
        "text": record["text"],
    }


def _item_row(kind: str, article_id: str, ident: str, item: dict) -> dict:
    row = {"item_id": ident, "article_id": article_id}
    if kind == "cities":
        row.update(geonames_id=item["geonames_id"], local_name=item["local_name"])
    elif kind == "officials":
        row.update(name=item["name"], role=item["role"], city_geonames_id=item["city_geonames_id"])
    elif kind == "dates":
        row.update(value=item["value"], kind=item["kind"])
    elif kind == "areas":
        row.update(area=item["area"])
    return row


_ITEM_TABLE = {"cities": "article_cities", "officials": "officials", "dates": "dates", "areas": "article_areas"}


def record_rows(record: dict) -> dict[str, list[dict]]:
    """Rows of article_cities, officials, dates, article_areas, agreement_parties, agreement_areas
    and mentions for one record (agreements themselves wait for consolidation)."""
    article_id = record["id"]
    out: dict[str, list[dict]] = {name: [] for name in (*_ITEM_TABLE.values(), "agreement_parties",
                                                         "agreement_areas", "mentions")}
    for kind in ITEM_LISTS:
        for index, item in enumerate(record[kind]):
            ident = item_id(article_id, kind, index)
            if kind == "agreements":
                out["agreement_parties"] += [{"item_id": ident, "article_id": article_id, "geonames_id": g}
                                             for g in item["city_geonames_ids"]]
                out["agreement_areas"] += [{"item_id": ident, "article_id": article_id, "area": a}
                                           for a in item.get("areas") or ()]
            else:
                out[_ITEM_TABLE[kind]].append(_item_row(kind, article_id, ident, item))
            out["mentions"] += [
                {"item_id": ident, "item_kind": kind, "article_id": article_id, "mention_index": m,
                 "text": mention["text"], "start": mention["start"], "end": mention["end"]}
                for m, mention in enumerate(item["mentions"])]
    return out


def reports(record: dict, duplicate_of: str | None) -> list[Report]:
    return [Report(item_id(record["id"], "agreements", i), record["id"], record["published"], record["url"],
                   a["type"], a["status"], a["date"], tuple(sorted(set(a["city_geonames_ids"]))),
                   tuple(a.get("areas") or ()), duplicate_of)
            for i, a in enumerate(record["agreements"])]


def agreement_row(report: Report, event_id: str | None) -> dict:
    return {"item_id": report.item_id, "article_id": report.article_id, "type": report.type,
            "status": report.status, "date": report.date, "n_parties": len(report.parties),
            "event_id": event_id}

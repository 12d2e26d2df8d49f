"""What changed between two outputs (say, before and after a rules change), field by field.

Items are compared by the keys that scoring uses (GOLD.md): a city by its
GeoNames id, an official by name (folded, or fuzzy as in scoring) and city, a
date by its value, an agreement by its type and parties, an area by its label.
An item whose key is on both sides but whose attribute moved (an official's
role, a date's kind, an agreement's status or date) is "changed".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.measure.evaluate import ITEM_FIELDS as FIELDS, fold_name, names_match


@dataclass(frozen=True)
class Item:
    key: tuple
    label: str  # what a reader sees, e.g. "703448 Kyiv" or "memorandum [703448, 756135]"
    attribute: str | None = None  # role / kind / status+date: compared for "changed"
    name: str | None = None  # officials: the name for the fuzzy match


def _city(c: dict) -> Item:
    return Item((c.get("geonames_id"),), f"{c.get('geonames_id')} {c.get('name') or ''}".strip())


def _official(o: dict) -> Item:
    name = o.get("name") or ""
    city = o.get("city_geonames_id")
    return Item((fold_name(name), city), f"{name} ({city})", o.get("role"), name)


def _date(d: dict) -> Item:
    return Item((d.get("value"),), str(d.get("value")), d.get("kind"))


def _agreement(a: dict) -> Item:
    parties = sorted(a.get("city_geonames_ids") or [])
    return Item((a.get("type"), tuple(parties)), f"{a.get('type')} {parties}",
                f"{a.get('status')} {a.get('date') or ''}".strip())


def _area(a) -> Item:
    label = a if isinstance(a, str) else (a.get("area") or a.get("label"))
    return Item((label,), str(label))


ITEM_OF = {"cities": _city, "officials": _official, "dates": _date, "agreements": _agreement, "areas": _area}


def article_items(record: dict) -> dict[str, list[Item]]:
    """The comparable items of one record, field by field (text and evidence dropped)."""
    return {name: sorted({ITEM_OF[name](x) for x in record.get(name) or []}, key=lambda i: repr(i.key))
            for name in FIELDS}


def read_items(path: Path) -> dict[str, dict[str, list[Item]]]:
    """id -> items of every record of a JSONL file; only the keys are kept, so memory stays small."""
    articles = {}
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: malformed JSON line: {exc.msg}") from exc
            articles[str(record.get("id"))] = article_items(record)
    return articles


@dataclass
class FieldDiff:
    added: list[tuple[str, str]] = field(default_factory=list)  # (article id, item label)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # (id, label, old, new)
    old_total: int = 0
    new_total: int = 0

    def articles(self) -> set[str]:
        return {x[0] for x in self.added + self.removed + self.changed}


def _pair_officials(gone: list[Item], new: list[Item]) -> list[tuple[Item, Item]]:
    """Officials whose names only differ within scoring's fuzzy threshold count as the same person."""
    pairs = []
    for old in list(gone):
        match = next((n for n in new if n.key[1] == old.key[1] and names_match(old.name, n.name)), None)
        if match is not None:
            gone.remove(old)
            new.remove(match)
            pairs.append((old, match))
    return pairs


def compare_article(article_id: str, old: dict[str, list[Item]], new: dict[str, list[Item]],
                    diffs: dict[str, FieldDiff]) -> None:
    for name in FIELDS:
        before = {i.key: i for i in old.get(name, [])}
        after = {i.key: i for i in new.get(name, [])}
        diff = diffs[name]
        diff.old_total += len(before)
        diff.new_total += len(after)
        gone = [before[k] for k in before if k not in after]
        came = [after[k] for k in after if k not in before]
        same = [(before[k], after[k]) for k in before if k in after]
        if name == "officials":
            same += _pair_officials(gone, came)
        diff.removed += [(article_id, i.label) for i in gone]
        diff.added += [(article_id, i.label) for i in came]
        diff.changed += [(article_id, a.label, a.attribute, b.attribute) for a, b in same
                         if a.attribute != b.attribute]


def diff_files(old_path: Path, new_path: Path) -> dict:
    old, new = read_items(old_path), read_items(new_path)
    diffs = {name: FieldDiff() for name in FIELDS}
    common = [i for i in old if i in new]
    for article_id in common:
        compare_article(article_id, old[article_id], new[article_id], diffs)
    changed_articles = set().union(*(d.articles() for d in diffs.values()))
    return {
        "old": str(old_path), "new": str(new_path),
        "articles": {"old": len(old), "new": len(new), "compared": len(common),
                     "only_in_old": sorted(set(old) - set(new)), "only_in_new": sorted(set(new) - set(old)),
                     "changed": len(changed_articles)},
        "fields": {
            name: {"old_items": d.old_total, "new_items": d.new_total,
                   "added": len(d.added), "removed": len(d.removed), "changed": len(d.changed),
                   "articles_changed": len(d.articles()),
                   "details": {"added": [{"id": i, "item": label} for i, label in d.added],
                               "removed": [{"id": i, "item": label} for i, label in d.removed],
                               "changed": [{"id": i, "item": label, "old": a, "new": b}
                                           for i, label, a, b in d.changed]}}
            for name, d in diffs.items()},
    }


def format_diff(result: dict, limit: int = 20) -> str:
    """The summary table, then up to ``limit`` items per field and kind of change."""
    arts = result["articles"]
    lines = [f"{'field':<12}{'old':>8}{'new':>8}{'added':>8}{'removed':>9}{'changed':>9}{'articles':>10}"]
    for name, f in result["fields"].items():
        lines.append(f"{name:<12}{f['old_items']:>8}{f['new_items']:>8}{f['added']:>8}{f['removed']:>9}"
                     f"{f['changed']:>9}{f['articles_changed']:>10}")
    lines.append(f"\narticles: {arts['compared']} compared, {arts['changed']} changed, "
                 f"{len(arts['only_in_old'])} only in old, {len(arts['only_in_new'])} only in new")
    for kind, ids in (("only in old", arts["only_in_old"]), ("only in new", arts["only_in_new"])):
        if ids:
            lines.append(f"  {kind}: " + ", ".join(ids[:limit]) + (" ..." if len(ids) > limit else ""))
    for name, f in result["fields"].items():
        for kind, sign in (("removed", "-"), ("added", "+"), ("changed", "~")):
            entries = f["details"][kind]
            if not entries:
                continue
            lines.append(f"\n{name} {kind} ({len(entries)}):")
            for e in entries[:limit]:
                extra = f": {e['old']} -> {e['new']}" if kind == "changed" else ""
                lines.append(f"  {sign} {e['id']}: {e['item']}{extra}")
            if len(entries) > limit:
                lines.append(f"  ... {len(entries) - limit} more (--limit, or --json for all)")
    return "\n".join(lines)


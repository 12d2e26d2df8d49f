"""Scoring predictions against gold exactly as ../shared/spec/GOLD.md says.

Per field and per article the gold and predicted items are compared as sets;
true positives, false positives and false negatives are summed over articles
(micro average). Role, date kind and agreement status are accuracies over the
matched items. ``evaluate`` returns a dict; the CLI prints it or writes JSON.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

FIELDS = ("cities", "officials", "dates", "agreements", "areas", "links", "typed_links")
# Links are derived from agreements: they are scored apart and kept out of the all-fields micro sum.
ITEM_FIELDS = ("cities", "officials", "dates", "agreements", "areas")
MAX_LINK_PARTIES = 4
NAME_RATIO = 90
BREAKDOWNS = ("language", "phenomenon")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, same: bool) -> None:
        self.total += 1
        self.correct += int(same)

    def as_dict(self) -> dict:
        return {"correct": self.correct, "total": self.total,
                "accuracy": round(self.correct / self.total, 4) if self.total else None}


@dataclass
class Scores:
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    role: Accuracy = field(default_factory=Accuracy)
    kind: Accuracy = field(default_factory=Accuracy)
    status: Accuracy = field(default_factory=Accuracy)


def fold_name(name: str) -> str:
    """Case folding, ё -> е and no diacritics: the name equality of GOLD.md."""
    name = name.casefold().replace("ё", "е")
    decomposed = unicodedata.normalize("NFD", name)
    # keep й/ї/ў etc. comparable on both sides: diacritics are dropped everywhere alike
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def names_match(a: str, b: str) -> bool:
    fa, fb = fold_name(a), fold_name(b)
    return fa == fb or fuzz.token_sort_ratio(fa, fb) >= NAME_RATIO


def _area_label(item) -> str:
    return item if isinstance(item, str) else (item.get("area") or item.get("label"))


def _score_sets(gold: set, pred: set) -> tuple[int, int, int]:
    return len(gold & pred), len(pred - gold), len(gold - pred)


def _score_officials(gold: list[dict], pred: list[dict], scores: Scores) -> None:
    unmatched = list(pred)
    tp = 0
    for g in gold:
        match = next((p for p in unmatched
                      if p.get("city_geonames_id") == g.get("city_geonames_id")
                      and names_match(p.get("name", ""), g.get("name", ""))), None)
        if match is not None:
            unmatched.remove(match)
            tp += 1
            scores.role.add(match.get("role") == g.get("role"))
    scores.fields["officials"].add(tp, len(unmatched), len(gold) - tp)


def _score_dates(gold: list[dict], pred: list[dict], scores: Scores) -> None:
    gold_kinds: dict[str, str] = {}
    for g in gold:
        gold_kinds.setdefault(g["value"], g.get("kind"))
    pred_kinds: dict[str, str] = {}
    for p in pred:
        pred_kinds.setdefault(p["value"], p.get("kind"))
    scores.fields["dates"].add(*_score_sets(set(gold_kinds), set(pred_kinds)))
    for value in sorted(set(gold_kinds) & set(pred_kinds)):
        scores.kind.add(gold_kinds[value] == pred_kinds[value])


def _agreement_affinity(g: dict, p: dict) -> tuple[int, int]:
    """How well a same-type prediction fits a gold agreement (for pairing only, not for matching)."""
    parties = len(set(g.get("city_geonames_ids") or []) & set(p.get("city_geonames_ids") or []))
    return (int(g.get("status") == p.get("status")) + parties, parties)


def _score_agreements(gold: list[dict], pred: list[dict], scores: Scores) -> None:
    unmatched = list(pred)
    tp = 0
    for g in gold:
        candidates = [p for p in unmatched if p.get("type") == g.get("type")]
        if not candidates:
            continue
        best = max(candidates, key=lambda p: _agreement_affinity(g, p))
        unmatched.remove(best)
        tp += 1
        scores.status.add(best.get("status") == g.get("status"))
    scores.fields["agreements"].add(tp, len(unmatched), len(gold) - tp)


def agreement_links(agreements: list[dict], typed: bool = False) -> set:
    """The unordered city pairs of each agreement with 2 to 4 city parties (GOLD.md, links)."""
    links = set()
    for agreement in agreements:
        parties = sorted(set(agreement.get("city_geonames_ids") or []))
        if not 2 <= len(parties) <= MAX_LINK_PARTIES:
            continue
        for i, first in enumerate(parties):
            for second in parties[i + 1:]:
                links.add((first, second, agreement.get("type")) if typed else (first, second))
    return links


def score_article(gold: dict, pred: dict, scores: Scores) -> None:
    scores.fields["cities"].add(*_score_sets(
        {c["geonames_id"] for c in gold.get("cities") or []},
        {c["geonames_id"] for c in pred.get("cities") or []}))
    _score_officials(gold.get("officials") or [], pred.get("officials") or [], scores)
    _score_dates(gold.get("dates") or [], pred.get("dates") or [], scores)
    _score_agreements(gold.get("agreements") or [], pred.get("agreements") or [], scores)
    scores.fields["areas"].add(*_score_sets(
        {_area_label(a) for a in gold.get("areas") or []},
        {_area_label(a) for a in pred.get("areas") or []}))
    for name, typed in (("links", False), ("typed_links", True)):
        scores.fields[name].add(*_score_sets(agreement_links(gold.get("agreements") or [], typed),
                                             agreement_links(pred.get("agreements") or [], typed)))


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: malformed JSON line: {exc.msg}") from exc


def _groups_of(gold: dict, by: str) -> list[str]:
    if by == "language":
        return [gold.get("language") or "?"]
    if by == "phenomenon":
        return list(gold.get("phenomena") or []) or ["(none)"]
    raise ValueError(f"unknown breakdown {by!r}: choose from {', '.join(BREAKDOWNS)}")


def _summary(scores: Scores) -> dict:
    overall = Counts()
    for name in ITEM_FIELDS:
        counts = scores.fields[name]
        overall.add(counts.tp, counts.fp, counts.fn)
    return {
        "fields": {name: counts.as_dict() for name, counts in scores.fields.items()},
        "micro_all_fields": overall.as_dict(),
        "accuracy": {"role": scores.role.as_dict(), "date_kind": scores.kind.as_dict(),
                     "agreement_status": scores.status.as_dict()},
    }


def evaluate(gold: Iterable[dict], pred: Iterable[dict], by: Iterable[str] = ()) -> dict:
    """Score predicted records against gold records (joined on `id`); `by` adds breakdowns
    per language and/or per phenomenon tag (an article counts in each of its tags)."""
    by = tuple(by)
    predicted = {p["id"]: p for p in pred}
    scores = Scores()
    grouped: dict[str, dict[str, Scores]] = {name: {} for name in by}
    gold_ids: list[str] = []
    missing: list[str] = []
    for g in gold:
        gold_ids.append(g["id"])
        p = predicted.get(g["id"])
        if p is None:
            missing.append(g["id"])
            p = {}
        score_article(g, p, scores)
        for name in by:
            for group in _groups_of(g, name):
                score_article(g, p, grouped[name].setdefault(group, Scores()))
    result = {
        "articles": {"gold": len(gold_ids), "predicted": len(predicted),
                     "missing_predictions": missing,
                     "unscored_predictions": sorted(set(predicted) - set(gold_ids))},
        **_summary(scores),
    }
    if by:
        result["by"] = {name: {group: _summary(s) for group, s in sorted(groups.items())}
                        for name, groups in grouped.items()}
    return result


def format_breakdown(result: dict, by: str) -> str:
    """One row per group: F1 of each field, then role / kind / status accuracy."""
    short = {"cities": "city", "officials": "offic", "dates": "date", "agreements": "agree",
             "areas": "area", "links": "link", "typed_links": "tlink"}
    head = f"{by:<28}{'n':>4}" + "".join(f"{short[f]:>7}" for f in FIELDS) + f"{'role':>7}{'kind':>7}{'stat':>7}"
    lines = [head]
    for group, summary in result["by"][by].items():
        n = summary["fields"]["cities"]["tp"] + summary["fields"]["cities"]["fn"]
        cells = []
        for f in FIELDS:
            c = summary["fields"][f]
            cells.append(f"{c['f1']:>7.2f}" if c["tp"] + c["fp"] + c["fn"] else f"{'-':>7}")
        for a in summary["accuracy"].values():
            cells.append(f"{'-':>7}" if a["accuracy"] is None else f"{a['accuracy']:>7.2f}")
        lines.append(f"{group:<28}{n:>4}" + "".join(cells))
    lines.append("(n: gold cities in the group; '-': nothing to score)")
    return "\n".join(lines)


def format_table(result: dict) -> str:
    lines = [f"{'field':<12}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    rows = [(f, result["fields"][f]) for f in ITEM_FIELDS] + [("all (micro)", result["micro_all_fields"])]
    rows += [(f, result["fields"][f]) for f in FIELDS if f not in ITEM_FIELDS]
    for name, c in rows:
        lines.append(f"{name:<12}{c['precision']:>8.3f}{c['recall']:>8.3f}{c['f1']:>8.3f}"
                     f"{c['tp']:>6}{c['fp']:>6}{c['fn']:>6}")
    lines.append("")
    for name, a in result["accuracy"].items():
        acc = "n/a" if a["accuracy"] is None else f"{a['accuracy']:.3f}"
        lines.append(f"{name + ' accuracy':<26}{acc:>6}  ({a['correct']}/{a['total']} matched)")
    arts = result["articles"]
    lines.append(f"\narticles: {arts['gold']} gold, {arts['predicted']} predicted, "
                 f"{len(arts['missing_predictions'])} gold without prediction")
    for by in result.get("by", {}):
        lines += ["", format_breakdown(result, by)]
    return "\n".join(lines)

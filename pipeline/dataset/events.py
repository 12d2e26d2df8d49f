"""Consolidation: the reports (agreement items) that tell one agreement become one event.

Reports are grouped by their parties; within a group a report joins the first event all of whose
reports it is compatible with (type, status and time, per consolidation.yaml), else it starts one.
"""
from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import combinations

from pipeline.dataset.rows import Report
from pipeline.dataset.spec import Consolidation

Interval = tuple[date, date] | None


def date_interval(value: str | None) -> Interval:
    """The days a reported date can mean ("2024" -> the whole year); None when unknown."""
    if not value or value.startswith("--"):
        return None
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = parts[1]
    if len(parts) == 2:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, parts[2]), date(year, month, parts[2])


class Rules:
    """consolidation.yaml as predicates."""

    def __init__(self, rules: Consolidation):
        self.rules = rules
        types = rules.types
        self.type_pairs = {frozenset(p) for group in types.compatible for p in combinations(group, 2)}
        self.status_pairs = {frozenset(p) for p in rules.statuses.compatible}
        self.window = timedelta(days=rules.dates.report_window_days)

    def types_fit(self, a: str, b: str) -> bool:
        wildcard = self.rules.types.wildcard
        return a == b or a in wildcard or b in wildcard or frozenset((a, b)) in self.type_pairs

    def statuses_fit(self, a: str, b: str) -> bool:
        return a == b or frozenset((a, b)) in self.status_pairs

    def when(self, report: Report) -> Interval:
        """When the report places the agreement: its date, else (news of a signing or a plan)
        around its publication; None for an undated look back at an older agreement."""
        if report.date:
            return date_interval(report.date)
        if report.status in self.rules.statuses.retrospective or not report.published:
            return None
        day = date_interval(report.published[:10])
        return (day[0] - self.window, day[1] + self.window) if day else None

    def signature(self, report: Report) -> tuple:
        """What fit compares: reports with one signature fit the same events."""
        return report.type, report.status, self.when(report)

    def fit(self, a: tuple, b: tuple) -> bool:
        """Two signatures (type, status, interval) can tell the same event."""
        if not (self.types_fit(a[0], b[0]) and self.statuses_fit(a[1], b[1])):
            return False
        x, y = a[2], b[2]
        return x is None or y is None or (x[0] <= y[1] and y[0] <= x[1])

    def first_of(self, values: list[str], precedence: list[str]) -> str:
        return min(values, key=lambda v: precedence.index(v) if v in precedence else len(precedence))


def _report_order(report: Report) -> tuple:
    # dated reports first, so that an undated look back joins the agreement it looks back at
    return (report.date is None, report.published or "9999", report.item_id)


def cluster(reports: list[Report], rules: Rules) -> list[list[Report]]:
    """Reports of agreements between two or more cities grouped into events (complete linkage)."""
    by_parties: dict[tuple[int, ...], list[Report]] = defaultdict(list)
    for report in reports:
        if len(report.parties) >= 2:
            by_parties[report.parties].append(report)
    events: list[list[Report]] = []
    for parties in sorted(by_parties):
        groups: list[tuple[list[Report], set[tuple]]] = []  # reports and their distinct signatures
        for report in sorted(by_parties[parties], key=_report_order):
            mine = rules.signature(report)
            home = next((g for g in groups if all(rules.fit(mine, other) for other in g[1])), None)
            if home is None:
                groups.append(([report], {mine}))
            else:
                home[0].append(report)
                home[1].add(mine)
        events += [reports_of for reports_of, _ in groups]
    return events


def _most_precise_date(reports: list[Report]) -> str | None:
    dates = Counter(r.date for r in reports if r.date)
    if not dates:
        return None
    return min(dates, key=lambda d: (-len(d), -dates[d], d))


def event_row(reports: list[Report], rules: Rules, names: dict[int, str]) -> dict:
    published = sorted(r.published for r in reports if r.published)
    articles = sorted({r.article_id for r in reports})
    originals = {r.duplicate_of or r.article_id for r in reports}
    urls = sorted({r.url for r in reports if r.url})
    parties = list(reports[0].parties)
    return {
        "parties": parties, "party_names": [names.get(g, str(g)) for g in parties],
        "type": rules.first_of([r.type for r in reports], rules.rules.types.precedence),
        "status": rules.first_of([r.status for r in reports], rules.rules.statuses.precedence),
        "date": _most_precise_date(reports),
        "areas": sorted({a for r in reports for a in r.areas}),
        "n_reports": len(reports), "n_articles": len(articles),
        "n_independent_articles": len(originals),
        "article_ids": articles, "urls": urls,
        "first_report": published[0] if published else None,
        "last_report": published[-1] if published else None,
    }


def consolidate(reports: list[Report], rules: Consolidation, names: dict[int, str]) -> tuple[list[dict], dict[str, str]]:
    """Events (numbered e1... by first report) and the event of each report's item id."""
    predicates = Rules(rules)
    groups = cluster(reports, predicates)
    groups.sort(key=lambda g: (min((r.published or "9999") for r in g), min(r.item_id for r in g)))
    rows, event_of = [], {}
    for number, group in enumerate(groups, 1):
        event_id = f"e{number}"
        rows.append({"event_id": event_id, **event_row(group, predicates, names)})
        event_of.update((r.item_id, event_id) for r in group)
    return rows, event_of

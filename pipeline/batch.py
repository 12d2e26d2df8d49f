"""The batch driver: stream articles from the readers through extraction to JSONL writers.

Nothing is held in memory beyond one article; every article read ends either as
a record in the output or as a line in the errors file (read = written + failed).
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from pipeline.extract import Outcome, extract_article
from pipeline.types import RawArticle, ReadFailure
from schemas.record import ErrorRecord

Item = RawArticle | ReadFailure


@dataclass
class RunSummary:
    read: int = 0
    written: int = 0
    failed: int = 0
    not_extracted: int = 0  # written with a non-ok status (no route for the language)
    per_language: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "read": self.read, "written": self.written, "failed": self.failed,
            "not_extracted": self.not_extracted,
            "per_language": dict(sorted(self.per_language.items())),
        }


def outcomes(items: Iterable[Item]) -> Iterator[Outcome]:
    """Sequential extraction, in input order."""
    for item in items:
        if isinstance(item, ReadFailure):
            yield Outcome(None, ErrorRecord(id=item.id, source=item.source, reason=item.reason, recorded=False))
        else:
            yield extract_article(item)


def write_outcomes(results: Iterable[Outcome], out: TextIO, errors: TextIO | None,
                   on_error: Callable[[ErrorRecord], None] | None = None,
                   on_done: Callable[[], None] | None = None) -> RunSummary:
    summary = RunSummary()
    for outcome in results:
        summary.read += 1
        if outcome.record is not None:
            out.write(outcome.record.model_dump_json() + "\n")
            summary.written += 1
            summary.per_language[outcome.record.language or "unknown"] += 1
            if outcome.record.status != "ok":
                summary.not_extracted += 1
        else:
            summary.failed += 1
        if outcome.error is not None:
            if errors is not None:
                errors.write(json.dumps(outcome.error.model_dump(), ensure_ascii=False) + "\n")
            if on_error:
                on_error(outcome.error)
        if on_done:
            on_done()
    return summary

"""Property-based fuzzing, bounded for the suite (the long run: `python cli.py fuzz`)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from pipeline.measure.fuzz import Limits, check_extract, check_readers, input_files


def bounded(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@bounded(300)
@given(input_files(Limits()))
def test_readers_never_raise_and_return_articles_or_failures(files):
    check_readers(files)


@bounded(25)
@given(input_files(Limits(huge_line=3000, max_files=3)))
def test_extract_accounts_for_every_item_and_writes_valid_lines(files):
    check_extract(files)

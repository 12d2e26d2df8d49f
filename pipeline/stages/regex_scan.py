"""``pattern.finditer(text)`` that tries only the places where the pattern can start.

A caller that knows a superset of the start positions of every match (where any title
pattern matches, where a run of digits begins) saves the regex engine a try at every
other character; the matches are the same ones finditer returns.
"""
from __future__ import annotations

import re
from collections.abc import Iterator


def matches_at(pattern: re.Pattern, text: str, starts: list[int] | None) -> Iterator[re.Match]:
    """The matches of ``pattern.finditer(text)``, given ``starts``: every position where one may begin
    (in increasing order; None: unknown, scan the whole text). Lookbehinds still see the text before."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    searched_to = 0
    for start in starts:
        if start < searched_to:
            continue
        match = pattern.match(text, start)
        if match is None:
            continue
        if match.end() == start:  # an empty match: finditer's own rules for what follows it
            yield from pattern.finditer(text, start)
            return
        yield match
        searched_to = match.end()

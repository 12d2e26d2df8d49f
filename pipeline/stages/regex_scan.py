"""``pattern.finditer(text)`` that tries only the places where the pattern can start.

A caller that knows a superset of the start positions of every match (where any title
pattern matches, where a run of digits begins) saves the regex engine a try at every
other character; the matches are the same ones finditer returns.
"""
from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

try:  # the standard library's own regex parser: the first letters a pattern can start with
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # another Python: no guard, the same matches
    _sre = _sre_parse = None


def starts_of(pattern: re.Pattern | None, text: str) -> list[int] | None:
    """Where ``pattern`` (a pattern of possible starts, such as word_start_pattern's) matches: the ``starts``
    of matches_at (None: no such pattern, scan the whole text)."""
    return None if pattern is None else [m.start() for m in pattern.finditer(text)]


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


def first_letter_guard(alternation: str, flags: int = 0) -> str:
    """A lookahead for the letters a match of ``alternation`` can begin with ("(?=[mpr])"), to put before it
    where it is tried at many places (a rule pattern searched in a window of text): at most places the
    engine then tests one letter instead of every alternative. "" where they cannot be told (a class such
    as \\w, any character, a pattern that can match empty): the pattern is then used as it is. The
    lookahead drops no match, since every match begins with one of its letters."""
    try:
        first, empty = _first_letters(_sre_parse.parse(alternation, flags).data) if _sre_parse else (None, True)
    except (re.error, TypeError, ValueError, RecursionError):
        return ""
    if first is None or empty or not first:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"


MAX_RANGE = 512  # a wider class is no useful guard


def _first_letters(items) -> tuple[set[str] | None, bool]:
    """The characters the first consumed character of a parsed sequence can be (None: any or unknown) and
    whether the sequence can match empty. Lookarounds and anchors consume nothing: the next item decides."""
    letters: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            return letters | {chr(av)}, False
        if op is _sre.IN:
            return _class_letters(av, letters), False
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
            continue
        if op is _sre.SUBPATTERN:
            found, empty = _first_letters(av[3])
        elif op is _sre.BRANCH:
            found, empty = set(), False
            for branch in av[1]:
                part, part_empty = _first_letters(branch)
                if part is None:
                    return None, False
                found, empty = found | part, empty or part_empty
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            found, empty = _first_letters(av[2])
            empty = empty or av[0] == 0
        else:
            return None, False
        if found is None:
            return None, False
        letters |= found
        if not empty:
            return letters, False
    return letters, True


def _class_letters(items, letters: set[str]) -> set[str] | None:
    found = set(letters)
    for op, av in items:
        if op is _sre.LITERAL:
            found.add(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < MAX_RANGE:
            found.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None  # a negated class, a category (\\w, \\s): any letter may begin
    return found


def word_start_pattern(alternation: str, flags: int = 0) -> re.Pattern:
    """The places where ``(?<!\\w)(?=alternation)`` matches, as the starts of one-character matches. The
    pattern opens with a case-sensitive class of the characters a match can begin with, so the engine's fast
    class scan skips every other character (a lookbehind or a case-insensitive letter in front turns that
    scan off); the word edge and the alternation are then tested behind that character. The starts are the
    plain pattern's: one character is consumed, and the next search begins just after it."""
    guard = first_letter_guard(alternation, flags)
    if not guard:
        return re.compile(r"(?<!\w)(?=" + alternation + ")", flags)
    char_class = guard[3:-1]  # "(?=[...])" -> "[...]"
    if flags & re.I:  # every character the class matches with case folding, spelt out
        char_class = "[" + "".join(re.escape(c) for c in re.findall(char_class, _all_characters(), flags)) + "]"
    return re.compile("(?-i:" + char_class + r")(?<!\w(?s:.))(?<=(?=" + alternation + r")(?s:.))", flags)


@lru_cache(maxsize=1)
def _all_characters() -> str:
    """Every code point but the surrogates, in one string (built as 32-bit codes: 60 ms, not 400)."""
    codes = array("I", range(0xD800)) + array("I", range(0xE000, 0x110000))
    return codes.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")


class WordBefore(NamedTuple):
    """What ``re.search(r"([^\\W\\d_]{2,})[ \\u00a0]$", text[start:end])`` finds: the word and where it begins."""

    word: str
    start: int  # where the word begins in ``text``


# a space or no-break space, then a run of two or more letters: the word after a mention (matched at its
# end), and, on a reversed window, the word before one
SPACE_THEN_WORD = re.compile(r"[ \u00a0]([^\W\d_]{2,})")


def word_before_space(text: str, start: int, end: int) -> WordBefore | None:
    """The run of two or more letters that a space or no-break space right before ``end`` closes, within
    ``text[start:end]`` (``$`` also holds before a final newline). Matched on the window reversed: a
    ``$``-anchored search tries every character of the window, the reversed match only its last ones."""
    if end > start and text[end - 1] == "\n":
        end -= 1
    found = SPACE_THEN_WORD.match(text[start:end][::-1])
    if found is None:
        return None
    return WordBefore(found.group(1)[::-1], end - found.end())

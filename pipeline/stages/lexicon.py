"""Phrase matching on lemmas or surface stems: the mechanism behind the lexicons of rule files.

A phrase is written in a rule file as words separated by spaces. Each word is
matched against one token, on its lemma or on its surface form (case-folded,
ё -> е, typographic apostrophes -> '), so the lexicons work whether or not the
engine gives real lemmas:

- ``меморандум``   the lemma or the surface form equals the word;
- ``меморанд*``    the lemma or the surface form starts with the stem;
- ``*partnerschaft*``  the lemma or the surface form contains it (German compounds);
- ``*річчя``       the lemma or the surface form ends with it ("25-річчя" is split at the hyphen);
- ``=підписати``   the surface form only (an infinitive, not every form of its lemma);
- ``з|із|зі``      alternatives, each written as above;
- ``...``          a gap of up to ``GAP`` tokens (not across the end of a sentence).

Hyphens inside a token split it into parts ("городов-побратимов" is matched as
"городов" "побратимов"); hyphen and dash tokens between words are skipped.
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import compress, count
from operator import attrgetter, methodcaller
from typing import Callable, NamedTuple

from pipeline.types import AnnotatedDoc

GAP = 3
INDEX_CHARS = 3
MEMO_LIMIT = 20_000
_HYPHENS = "-‐‑‒–—"
_APOSTROPHES = "’ʼ`´‘"  # each becomes "'"
_WORD_PART = re.compile(rf"[^{_HYPHENS}]+")
_EDGE_PUNCT = "\"'«»„“”()[]{}.,;:!?…*•/\\|&"
_SENTENCE_END = {".", "!", "?", "…"}
_SENTENCE_ENDINGS = tuple(_SENTENCE_END)  # for str.endswith
_EDGES = _EDGE_PUNCT + _HYPHENS  # what a token's units are stripped of


def _fold_char(c: str) -> str:
    folded = c.casefold()
    return folded if len(folded) == 1 else c.lower() if len(c.lower()) == 1 else c


def normalise(text: str) -> str:
    """Case-folded, ё -> е, one apostrophe; the same length as ``text`` so offsets stay valid."""
    folded = text.casefold()
    if len(folded) != len(text):  # ß -> ss and the like: fold character by character
        folded = "".join(_fold_char(c) for c in text)
    return _replace_all(folded.replace("ё", "е"), _APOSTROPHES, "'")


def _replace_all(text: str, chars: str, by: str) -> str:
    """Every one of ``chars`` replaced by ``by`` (str.translate with a dict is ~100x slower on a long text)."""
    for char in chars:
        text = text.replace(char, by)
    return text


class Unit(NamedTuple):
    """One word for matching: a token, or a hyphen-separated part of one."""

    surface: str
    lemma: str
    start: int
    end: int
    stop: bool = False  # sentence-final punctuation: gaps do not cross it


@dataclass(frozen=True)
class Option:
    mode: str  # "exact", "prefix", "suffix", "contains", "surface"
    text: str

    def accepts(self, unit: Unit) -> bool:
        if self.mode == "surface":
            return unit.surface == self.text
        if self.mode == "prefix":
            return unit.surface.startswith(self.text) or unit.lemma.startswith(self.text)
        if self.mode == "contains":
            return self.text in unit.surface or self.text in unit.lemma
        if self.mode == "suffix":
            return unit.surface.endswith(self.text) or unit.lemma.endswith(self.text)
        return unit.surface == self.text or unit.lemma == self.text


@dataclass(frozen=True)
class Phrase:
    label: str
    source: str  # the phrase as written in the rule file
    words: tuple[tuple[Option, ...] | None, ...]  # None is a gap

    @property
    def first(self) -> tuple[Option, ...]:
        return self.words[0]  # a phrase never starts with a gap (checked by parse_phrase)


@dataclass(frozen=True)
class Match:
    label: str
    phrase: str
    start: int
    end: int
    first: int  # index of the first unit
    last: int  # index of the last unit

    @property
    def width(self) -> int:
        return self.end - self.start


def parse_option(word: str) -> Option:
    word = normalise(word)
    if word.startswith("="):
        return Option("surface", word[1:])
    if word.startswith("*") and word.endswith("*") and len(word) > 2:
        return Option("contains", word[1:-1])
    if word.endswith("*"):
        return Option("prefix", word[:-1])
    if word.startswith("*") and len(word) > 1:
        return Option("suffix", word[1:])
    return Option("exact", word)


def parse_phrase(label: str, text: str) -> Phrase:
    words: list[tuple[Option, ...] | None] = []
    for word in text.split():
        if word == "...":
            words.append(None)
        else:
            words.append(tuple(parse_option(w) for w in word.split("|") if w))
    if not words or words[0] is None or words[-1] is None:
        raise ValueError(f"phrase {text!r} must start and end with a word")
    return Phrase(label, text, tuple(words))


def check_phrase(text: str) -> str:
    """Pydantic field validator helper: a phrase that parses, else ValueError."""
    parse_phrase("", text)
    return text


class Lexicon:
    """Phrases with labels, indexed by the first characters of their first word."""

    def __init__(self, entries: list[tuple[str, str]]):
        self.phrases = [parse_phrase(label, text) for label, text in entries]
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._scan: list[int] = []  # phrases whose first word has a contains, suffix or very short option
        self._candidates_of: dict[tuple[str, str], tuple[int, ...]] = {}
        self._accepting_of: dict[tuple[str, str], tuple[int, ...]] = {}
        for i, phrase in enumerate(self.phrases):
            keys = {self._key(o.text) for o in phrase.first if o.mode not in ("contains", "suffix")}
            if any(o.mode in ("contains", "suffix") for o in phrase.first) or None in keys:
                self._scan.append(i)
            for key in keys - {None}:
                self._by_key[key].append(i)
        self._starts = StartFilter([o for phrase in self.phrases for o in phrase.first])
        self._order = {p.source: n for n, p in enumerate(self.phrases)}  # ties in find_longest: the earlier phrase

    @classmethod
    def from_mapping(cls, mapping: dict[str, list[str]]) -> "Lexicon":
        return cls([(label, text) for label, texts in mapping.items() for text in texts])

    @staticmethod
    def _key(text: str) -> str | None:
        return text[:INDEX_CHARS] if len(text) >= INDEX_CHARS else None

    def _candidates(self, unit: Unit) -> tuple[int, ...]:
        key = (unit.surface[:INDEX_CHARS], unit.lemma[:INDEX_CHARS])
        found = self._candidates_of.get(key)
        if found is None:
            indexes = set(self._scan)
            for form in key:
                indexes.update(self._by_key.get(form, ()))
            if len(self._candidates_of) >= MEMO_LIMIT:  # bounded memory over a long run
                self._candidates_of.clear()
            found = self._candidates_of[key] = tuple(sorted(indexes))
        return found

    def _accepting(self, unit: Unit) -> tuple[int, ...]:
        """The phrases whose first word accepts ``unit`` (a unit that is not a stop)."""
        key = (unit.surface, unit.lemma)
        found = self._accepting_of.get(key)
        if found is None:
            found = tuple(i for i in self._candidates(unit) if any(o.accepts(unit) for o in self.phrases[i].first))
            if len(self._accepting_of) >= MEMO_LIMIT:  # bounded memory over a long run
                self._accepting_of.clear()
            self._accepting_of[key] = found
        return found

    def find(self, units: list[Unit], starting: Callable[[int], bool] | None = None) -> list[Match]:
        """Every match of every phrase (overlapping), in order of position; ``starting``: only the matches
        whose start (a character offset) it accepts, the others not tried."""
        matches = []
        starts = self._starts.positions(units if isinstance(units, Units) else Units(units))
        if starting is not None:
            starts = [i for i in starts if starting(units[i].start)]
        for i in starts:
            unit = units[i]
            if unit.stop:
                continue
            for index in self._accepting(unit):
                phrase = self.phrases[index]
                last = _match_from(phrase.words[1:], units, i + 1)
                if last is not None:
                    matches.append(Match(phrase.label, phrase.source, units[i].start, units[last].end, i, last))
        return matches

    def find_longest(self, units: list[Unit]) -> list[Match]:
        """Non-overlapping matches: at each place the longest one (ties: the earlier phrase)."""
        order = self._order
        chosen: list[Match] = []
        for match in sorted(self.find(units), key=lambda m: (m.start, -m.width, order[m.phrase])):
            if chosen and match.start < chosen[-1].end:
                continue
            chosen.append(match)
        return chosen


class StartFilter:
    """Where a lexicon's phrases can start: the units that some first-word option may accept.

    Every unit an option accepts passes the filter (an exact, surface or prefix option of
    INDEX_CHARS letters or more shares its first letters with the surface or the lemma, a
    shorter one is checked whole), so trying phrases only there finds the same matches.
    """

    def __init__(self, options: list[Option]):
        indexed = [o for o in options if o.mode in ("exact", "surface", "prefix") and len(o.text) >= INDEX_CHARS]
        self.heads = frozenset(o.text[:INDEX_CHARS] for o in indexed)
        self.short_words = frozenset(o.text for o in options if o.mode in ("exact", "surface")
                                     and len(o.text) < INDEX_CHARS)
        self.short_prefixes = tuple(sorted({o.text for o in options if o.mode == "prefix"
                                            and len(o.text) < INDEX_CHARS}))
        self.suffixes = tuple(sorted({o.text for o in options if o.mode == "suffix"}))
        self.contained = tuple(sorted({o.text for o in options if o.mode == "contains"}))
        # a word that holds any of them: one search of the literals per word, in C (was a Python call per text)
        self.contains = re.compile("|".join(map(re.escape, self.contained))).search if self.contained else None

    def positions(self, units: "Units") -> list[int]:
        words, heads = units.places
        found: set[int] = set()
        # set lookups, no test per unit; a dict's keys view intersects by walking the smaller side
        for head in heads.keys() & self.heads:
            found.update(heads[head])
        for word in words.keys() & self.short_words:
            found.update(words[word])
        tests = []
        if self.short_prefixes:
            tests.append(methodcaller("startswith", self.short_prefixes))
        if self.suffixes:
            tests.append(methodcaller("endswith", self.suffixes))
        if self.contains:
            tests.append(self.contains)
        for test in tests:  # each distinct surface or lemma tested once (C loops: map, compress)
            for word in compress(words, map(test, words)):
                found.update(words[word])
        return sorted(found)


class Units(list):
    """A document's units; where each word stands, which every lexicon's start filter reads, is found once."""

    @cached_property
    def places(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """The units of each surface or lemma, and of each first INDEX_CHARS letters of one."""
        words: dict[str, list[int]] = {}
        get = words.get
        for i, (surface, lemma, _start, _end, _stop) in enumerate(self):
            where = get(surface)
            if where is None:
                words[surface] = [i]
            else:
                where.append(i)
            if lemma != surface:
                where = get(lemma)
                if where is None:
                    words[lemma] = [i]
                else:
                    where.append(i)
        heads: dict[str, list[int]] = {}
        for word, where in words.items():
            head = heads.get(word[:INDEX_CHARS])
            if head is None:
                heads[word[:INDEX_CHARS]] = where.copy()
            else:
                head.extend(where)
        return words, heads


def _match_from(words, units: list[Unit], i: int) -> int | None:
    """Index of the last unit when ``words`` match starting at unit ``i``, else None."""
    if not words:
        return i - 1
    head, rest = words[0], words[1:]
    if head is None:  # a gap: try the shortest one first
        for skip in range(GAP + 1):
            j = i + skip
            if j >= len(units) or any(u.stop for u in units[i:j + 1]):
                return None
            last = _match_from(rest, units, j)
            if last is not None:
                return last
        return None
    if i >= len(units) or units[i].stop or not any(o.accepts(units[i]) for o in head):
        return None
    return _match_from(rest, units, i + 1)


_last_doc: list = [None, {}]  # [doc, what was derived from it]: the stages of one article share it


def _derived(doc: AnnotatedDoc, build):
    """``build(doc)``, computed once per doc object (for the last doc only, so memory stays bounded)."""
    if _last_doc[0] is not doc:
        _last_doc[:] = [doc, {}]
    found = _last_doc[1]
    if build not in found:
        found[build] = build(doc)
    return found[build]


def doc_units(doc: AnnotatedDoc) -> "Units":
    """The doc's tokens as units for matching (computed once per doc object)."""
    return _derived(doc, build_units)


def build_units(doc: AnnotatedDoc) -> "Units":
    units = Units()
    append, make = units.append, tuple.__new__  # tuple.__new__(Unit, ...): Unit(...) without its Python __new__
    token_units = _token_units
    for text, token_start, token_end, token_lemma, _pos, _sent in doc.tokens:  # Token tuples, unpacked in C
        for surface, lemma, start_from, start, end_from, end, stop in token_units(text, token_lemma):
            append(make(Unit, (surface, lemma, (token_end if start_from else token_start) + start,
                               (token_end if end_from else token_start) + end, stop)))
    abbreviations = [i for i in compress(count(), map(attrgetter("stop"), units)) if _abbreviation_period(units, i, doc.text)]
    for i in reversed(abbreviations):
        del units[i]
    return units


ABBREVIATION_LETTERS = 3


def _abbreviation_period(units: list[Unit], i: int, text: str) -> bool:
    """"zastępca ds. kultury", "tzv. partnerské": a period glued to a short lowercase word, with a lowercase
    word after it, closes an abbreviation, not a sentence."""
    if i == 0 or i + 1 >= len(units) or units[i].surface != ".":
        return False
    word, after = units[i - 1], units[i + 1]
    return word.end == units[i].start and len(word.surface) <= ABBREVIATION_LETTERS and word.surface.isalpha() \
        and text[word.start].islower() and text[after.start].islower()


_START, _END = 0, 1  # offsets of a token's units are counted from its start or from its end


@lru_cache(maxsize=MEMO_LIMIT)
def _token_units(text: str, token_lemma: str) -> tuple[tuple[str, str, int, int, int, int, bool], ...]:
    """A token's units as (surface, lemma, start from, start, end from, end, stop)."""
    stripped = text.strip(_EDGES)
    if not stripped:
        return ((text, text, _START, 0, _END, 0, True),) if text.strip() in _SENTENCE_END else ()
    offset = text.index(stripped)
    parts = list(_WORD_PART.finditer(stripped))
    lemma = normalise(token_lemma or text)
    units = []
    for part in parts:
        surface = normalise(part.group())
        # a hyphenated token's lemma belongs to the whole word, so each part keeps only its surface
        part_lemma = lemma if len(parts) == 1 else surface
        units.append((surface, part_lemma, _START, offset + part.start(), _START, offset + part.end(), False))
    if text.endswith(_SENTENCE_ENDINGS) and len(stripped) > 3:  # not "р." or "ul."
        units.append((".", ".", _END, -1, _END, 0, True))
    return tuple(units)


def segments(doc: AnnotatedDoc) -> list[tuple[int, int]]:
    """The doc's sentences, each further cut at line breaks (headlines and list items have no final stop)."""
    return _derived(doc, _segments)


def _segments(doc: AnnotatedDoc) -> list[tuple[int, int]]:
    spans = [(s.start, s.end) for s in doc.sentences] or [(0, len(doc.text))]
    pieces = []
    for start, end in spans:
        for line in re.finditer(r"[^\n]+", doc.text[start:end]):
            text = line.group()
            if text.strip():
                lead = len(text) - len(text.lstrip())
                pieces.append((start + line.start() + lead, start + line.start() + len(text.rstrip())))
    return pieces


def segment_of(pieces: list[tuple[int, int]], offset: int) -> int | None:
    """Index of the segment that contains ``offset`` (None: between segments)."""
    i = bisect.bisect_right(pieces, (offset, float("inf"))) - 1
    return i if i >= 0 and pieces[i][0] <= offset < pieces[i][1] else None

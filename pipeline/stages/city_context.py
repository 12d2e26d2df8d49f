"""The context of city candidates: countries named beside them, and lists of places.

- A country named beside a place says where it lies: after it ("Нарва (Естонія)", "Limerick w
  Irlandii", "Lille in France"), as an adjective before it ("holenderskim Enschede", "maďarského
  Egeru"), or as the head of its line ("Польща – Битом, Отвоцьк"). Within a list a member without
  its own country takes the next member's ("Ланьцут, Гнєзно (Польща)").
- Places listed together ("Tuzla, Zenica i Široki Brijeg", "Gdańsk and Bremen") are one unit of
  evidence: each member counts the others.

Mechanism only: the country adjectives and short names are data (rules/geo.yaml and
rules/<lang>/cities.yaml), the conjunctions too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Protocol

from pipeline.stages.regex_scan import SPACE_THEN_WORD, word_before_space

WORD = re.compile(r"[^\W\d_]+(?:[-'’ʼ.][^\W\d_]+)*\.?")
PARENTHESIS = re.compile(r"\([^()\n]{0,60}\)")
STOP = re.compile(r"[.;!?\n]")
AFTER_WORDS = 5  # how far after a place a country may stand ("in northern France")
PREFIX = 4  # stems are bucketed by their first letters


class Span(Protocol):
    start: int
    end: int
    text: str
    lowercase: bool
    country_keys: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class CountryLexicon:
    """Adjective stems (bucketed by their first letters) and short names of countries."""

    stems: dict[str, tuple[tuple[str, str], ...]]
    abbreviations: dict[str, str]


def country_lexicon(adjectives: dict[str, list[str]], abbreviations: dict[str, list[str]]) -> CountryLexicon:
    buckets: dict[str, list[tuple[str, str]]] = {}
    for code, stems in sorted(adjectives.items()):
        for stem in stems:
            stem = stem.lower()
            buckets.setdefault(stem[:PREFIX], []).append((stem, code))
    stems = {k: tuple(sorted(v, key=lambda sc: -len(sc[0]))) for k, v in buckets.items()}
    short = {name: code for code, names in sorted(abbreviations.items()) for name in names}
    return CountryLexicon(stems, short)


def adjective_country(word: str, lexicon: CountryLexicon) -> str | None:
    low = word.lower()
    for stem, code in lexicon.stems.get(low[:PREFIX], ()):
        if low.startswith(stem):
            return code
    return None


CountryOf = Callable[[str], "str | None"]  # a word (or two words) -> the ISO code of the country it names


def country_hints(found: list[Span], text: str, country_of: CountryOf, lexicon: CountryLexicon,
                  conjunctions: re.Pattern | None, nouns_capitalised: bool = False,
                  adjectives_capitalised: bool = False) -> tuple[list[frozenset[str]], list[int], list[int]]:
    """Per candidate: the countries named beside it, the size of its list of places and the list's number."""
    order = sorted(range(len(found)), key=lambda i: found[i].start)
    places = [i for i in order if not found[i].country_keys]  # a country's name is no place of a list
    hints: list[frozenset[str]] = [frozenset()] * len(found)
    sizes = [1] * len(found)
    lists = [-1] * len(found)
    adjective: dict[int, frozenset[str]] = {}  # the country adjective before a candidate ("німецьким Гісеном")
    for position, i in enumerate(places):
        limit = found[places[position + 1]].start if position + 1 < len(places) else len(text)
        adjective[i] = frozenset(_before(found[i], text, lexicon, nouns_capitalised, adjectives_capitalised))
        hints[i] = frozenset(_after(found[i], text, limit, country_of)) | adjective[i]
        if not hints[i]:
            hints[i] = _region_of_country(found[i], text, lexicon, conjunctions)
    for number, run in enumerate(_runs([found[i] for i in order], order, text, conjunctions, nouns_capitalised)):
        head = _line_head(found[run[0]], text, country_of)
        carried = head
        for i in reversed(run):  # "Ланьцут, Гнєзно (Польща)": the next member's country
            sizes[i], lists[i] = len(run), number
            if hints[i]:
                carried = hints[i]
            else:
                hints[i] = carried
        carried = adjective.get(run[0], frozenset())
        for i in run[1:]:  # "німецькими Гісеном та Фульдою": the first member's adjective, for the rest
            hints[i] = hints[i] or carried
    return hints, sizes, lists


def _after(c: Span, text: str, limit: int, country_of: CountryOf) -> set[str]:
    window = text[c.end:min(limit, c.end + 60)]
    parenthesis = PARENTHESIS.match(window.lstrip())
    if parenthesis:  # "Нарва (Естонія)": the parenthesis, not what follows it
        window = parenthesis.group()
    stop = STOP.search(window)
    if stop:
        window = window[:stop.start()]
    words = [w.group() for w in WORD.finditer(window)][:AFTER_WORDS]
    found = set()
    for a, b in zip(words, words[1:] + [""]):
        code = (b and country_of(f"{a} {b}")) or country_of(a)
        if code:
            found.add(code)
    return found


# A preposition, a country's adjective and a region right after a place ("Wolfsberga z avstrijske Koroške",
# "X in Austrian Styria", "X в австрийской Штирии"): either the region closes the phrase ("z čínského Centra
# pro ..." is an institution), or a capitalised region follows and no capitalised word (a person's name:
# "Wu Guzhen z čínského Centra") stands before the place.
REGION_CLOSING = re.compile(r"[ \u00a0]([^\W\d_]{1,4})[ \u00a0]([^\W\d_]+)[ \u00a0]([^\W\d_]+)\s*[.,;:!?)\n]")
REGION_OPEN = re.compile(r"\s+([^\W\d_]{1,3})\s+([^\W\d_]{4,})\s+([^\W\d_])")
# a word with a capital letter (anywhere in it) ends right before: searched from the capital on, which finds
# the same windows as a search from the word's first letter, without retrying every letter before it
NAME_BEFORE = re.compile(r"[A-ZА-ЯЁЇІЄҐÀ-ÞĀ-ſ][^\W\d_]* $")
REGION_WINDOW = 60


def _region_of_country(c: Span, text: str, lexicon: CountryLexicon, conjunctions: re.Pattern | None) -> frozenset[str]:
    """The country a region phrase right after a place names (its region may read as a place of its own)."""
    matches = [REGION_CLOSING.match(text, c.end, c.end + REGION_WINDOW)]
    if not NAME_BEFORE.search(text, max(0, c.start - 30), c.start):
        matches.append(REGION_OPEN.match(text, c.end))
    for match in matches:
        if not match or not match.group(1).islower() or not match.group(3)[:1].isupper() or (
                conjunctions and conjunctions.fullmatch(match.group(1))):  # "Tabora i poljskog Zamošća": another place
            continue
        code = adjective_country(match.group(2), lexicon)
        if code:
            return frozenset([code])
    return frozenset()


def _before(c: Span, text: str, lexicon: CountryLexicon, nouns_capitalised: bool, adjectives_capitalised: bool) -> set[str]:
    window = ("" if c.start <= 40 else "x") + text[max(0, c.start - 40):c.start]  # "x": the text goes on before
    matches = list(WORD.finditer(window))[-2:]
    for match in reversed(matches):  # "polskie miasto Nowy Sącz", "der tschechischen Stadt Ostrava"
        word = match.group()
        code = adjective_country(word, lexicon) if adjectives_capitalised or not word[:1].isupper() or _opens_sentence(
            window[:match.start()]) else None  # a capitalised adjective only as a sentence's first word
        if code:
            return {code}
        if word[:1].isupper() and not nouns_capitalised:
            break  # not past another name ("Američkih Država Donald")
    return set()


SENTENCE_MARKS = ".!?:|\n–—-"


def _opens_sentence(before: str) -> bool:
    """Only spaces after the start or after a sentence mark: what ``(?:^|[.!?:|\\n–—-])\\s*$`` finds, without
    trying it at every character (str.rstrip strips what \\s matches)."""
    kept = before.rstrip()
    return not kept or kept[-1] in SENTENCE_MARKS or "\n" in before[len(kept):]


def _line_head(c: Span, text: str, country_of: CountryOf) -> frozenset[str]:
    """"Польща – Битом, Білгорай": the country heading the line of a list."""
    line = text[text.rfind("\n", 0, c.start) + 1:c.start]
    match = re.match(r"\s*([^\W\d_]+(?:\s[^\W\d_]+)?)\s*[–—:-]\s*$", line)
    if not match:
        return frozenset()
    words = match.group(1)
    code = country_of(words) or country_of(words.split()[0])
    return frozenset([code]) if code else frozenset()


def _runs(ordered: list[Span], indices: list[int], text: str, conjunctions: re.Pattern | None,
          nouns_capitalised: bool = False) -> list[list[int]]:
    """Chains of capitalised candidates separated only by commas, semicolons, slashes or a
    conjunction (a parenthesis in between is skipped): the lists of places (a lone place is a list of one).
    A word of a person's name is no member ("Splita i Osijeka, Davor Pavlović i Ivan Babić")."""
    runs: list[list[int]] = []
    current: list[int] = []
    previous: Span | None = None
    for c, i in zip(ordered, indices):
        if c.country_keys:  # "Тарту (Эстония), Каунас": a country beside a member is no member itself
            continue
        if c.lowercase or _in_name(c, text, nouns_capitalised):
            previous = None
            continue
        if previous is not None and _joined(text[previous.end:c.start], conjunctions):
            current.append(i)
        else:
            if current:
                runs.append(current)
            current = [i]
        previous = c
    if current:
        runs.append(current)
    return runs


SENTENCE_OPEN = re.compile(r"(?:^|[.!?:\n…])[\s\"«„“'(—–-]*$")


def _in_name(c: Span, text: str, nouns_capitalised: bool) -> bool:
    """A capitalised word right beside the candidate, as in a name ("Davor Pavlović", "Thomas Berger");
    where nouns are capitalised only the word after counts ("die Städte Dresden und Leipzig")."""
    after = SPACE_THEN_WORD.match(text, c.end)
    if after and _capitalised_word(after.group(1)):
        return True
    if nouns_capitalised:
        return False
    before = word_before_space(text, max(0, c.start - 30), c.start)
    return bool(before and _capitalised_word(before.word)
                and not SENTENCE_OPEN.search(text, max(0, before.start - 4), before.start))


def _capitalised_word(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _joined(between: str, conjunctions: re.Pattern | None) -> bool:
    if "\n" in between:
        return False  # one list per line ("Польща – ...;\nФранція – ...")
    between = PARENTHESIS.sub(" ", between).strip()
    if between in (",", ";", "/", "&"):  # not a dash: "Arizona - Calgary 2:4" is a score line
        return True
    between = re.sub(r"^[,;]\s*", "", between)
    return bool(between and conjunctions and conjunctions.fullmatch(between))

"""Officials stage: people holding a city office, their role and the city whose office it is.

Mechanism only; titles per role live in rules/<lang>/officials.yaml.

A title phrase ("міського голови", "z županom", "prezydent miasta", "вице-мэром") is paired
with a person's name standing
  - right before it, as an apposition: "Володимир Хмурич, радник Білоцерківського міського голови";
  - or after it, past the city it names and at most one clause between commas:
    "городской голова Одессы Геннадий Труханов", "вице-мэром Марселя, отвечающим за ..., Жаном Роатта";
  - or after "CITY council represented by": "Житомирською міською радою в особі Сергія Сухомлина".
The city is the one named in the title phrase; else the city whose council or administration
the sentence names (and no other title claims); else the article's only city in its home
countries; else null.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from pipeline.stages.cities import (ADJECTIVE, WORD, Candidate, article_words, candidates, city_rules, country_adjective,
                                    country_named, find_city_mentions)
from pipeline.resources.gazetteer import Place, geo_rules, load_gazetteer
from pipeline.stages.memo import LastArgumentMemo
from pipeline.stages.names import looks_nominative, name_rules, normalise_name, strip_honorifics
from pipeline.stages.regex_scan import matches_at, starts_of, word_start_pattern
from pipeline.rules import load_compiled, load_rules
from pipeline.types import AnnotatedDoc, Span
from schemas.record import CityItem, Mention, OfficialItem, Role

MAX_NAME_PARTS = 4
CLAUSE = re.compile(r"^\s*,[^.;:!?«»\"“”„()]{1,90},\s*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TitlePattern(_Strict):
    pattern: str
    needs_city: bool = False  # the word alone is not a city office ("prezydent", "President")
    # a department title ("vodja oddelka", "naczelnik wydziału"): a city office only where its sentence
    # names a city's council or administration (or a list opened by a city), whose city it is
    needs_institution: bool = False
    # a foreign office ("президент міста" is Polish, "бургомістр" German): with no city in its phrase, the
    # office is of the article's city in these countries (the one it names most)
    countries: list[str] = []
    # "his Kharkiv counterpart": the office of a holder named before it, so a city office only where the text
    # has named one before ("his American counterpart" after a president is a president)
    counterpart: bool = False


class RepresentedBy(_Strict):
    pattern: str  # the council/administration words and "represented by", right before the name
    role: Role


class OfficialRules(_Strict):
    """rules/<lang>/officials.yaml"""

    titles: dict[Role, list[str | TitlePattern]]
    represented_by: list[RepresentedBy] = []
    # words allowed between a title and the name besides city names ("міста", "of", "města")
    connectors: list[str] = []
    # a title that names several holders: a regex matched against the text ending with the title
    # ("заступники міського голови", "the mayors", "die Bürgermeister"); names coordinated after it share it
    plural: list[str] = []
    # words that coordinate names ("і", "and", "in", "oraz")
    conjunctions: list[str] = []
    # words that link a city placed after the name to its office: "Mayor Tom Harlow of Springfield"
    city_after_name: list[str] = []
    # a city right before a title modifies it ("his Kharkiv counterpart", "the Leeds council leader")
    attributive_city: bool = False
    # words that point back to the city last named, right before a title ("its", "the city's") or right
    # after it ("tego miasta", "этого города"): the office is that city's
    anaphora_before: list[str] = []
    anaphora_after: list[str] = []
    # "his/her deputy" ("jego zastępca", "неговият заместник"): the deputy of the official named before
    deputy_of_previous: list[str] = []
    # a place right before a title, as a regex ending at the title with a group named place:
    # "(?P<place>...)['’]s\s+" ("Bremen's mayor"); the gazetteer resolves it when no city mention did
    place_before_title: list[str] = []
    # words after which a title's place stands ("of", "на", "міста"): the first capitalised word after
    # them is the place, not the holder, also when no city mention resolved it
    place_words: list[str] = []
    # words that make a title a past holder's ("тодішній", "damaligen", "the then"), at most two words
    # before it: that holder does not take the office from the article's present one
    former: list[str] = []
    # what opens a portfolio between a title and the name ("з питань", "по", "ds.", "pro", "za"): the
    # lowercase words after it up to the name are the office's field, not a clause
    portfolio: list[str] = []
    # "the delegation of CITY, led by Mayor NAME": words naming a visiting group (right before its city)
    # and words saying who leads it (right before the title); the holder's office is that group's city
    delegation: list[str] = []
    led_by: list[str] = []
    # "the council's director": words right before a title pointing to the council the article is about,
    # and what follows a city mention to make it that council's name ("Exeter City Council", case-sensitive);
    # the first council the article names is the office's (also the article's city when two tie)
    own_council: list[str] = []
    # verbs of arriving ("angereist", "приехал", "przyjechał"): a holder whose sentence says they came and
    # names no city is a guest, of the article's one city outside its home countries, not of the home city
    arrived: list[str] = []
    council_after_city: list[str] = []


@dataclass(frozen=True)
class Title:
    start: int
    end: int
    role: str
    needs_city: bool
    needs_institution: bool = False
    countries: tuple[str, ...] = ()
    counterpart: bool = False


@dataclass(frozen=True)
class NameRun:
    start: int
    end: int
    text: str


@dataclass
class Found:
    name: NameRun
    role: str
    city_id: int | None
    title: Title
    settled: bool = False  # the city was decided by the phrase (also when none): no fallback
    nominative: bool = False  # the name follows a title in the nominative, so it is in the nominative
    shared: bool = False  # one of several holders of one plural title ("заместник-кметовете A, B и C")
    guessed: bool = False  # the city comes from the article (a council named, its main city), not the phrase
    past: bool = False  # a past holder of the office ("the then mayor")


def official_rules(language: str) -> OfficialRules | None:
    return load_rules("officials", OfficialRules, language)


class Alternation(NamedTuple):
    """A pattern made of one rule list as alternatives, between a fixed head and tail."""

    rules: str  # "officials" or "names": the rule file that holds the list
    field: str
    head: str
    tail: str
    flags: int = re.I


ALTERNATIONS = {
    "plural": Alternation("officials", "plural", r"(?<!\w)", r"$"),
    "portfolio": Alternation("officials", "portfolio", r"\s*", r"(?=\s)"),
    "place_word": Alternation("officials", "place_words", r"(?<!\w)", r"[ \u00a0]+$"),
    "former": Alternation("officials", "former", r"(?<!\w)", r"(?:[ \u00a0]+[^\W\d_]+){0,2}[ \u00a0]+$"),
    "after_name": Alternation("officials", "city_after_name", r"[ \u00a0]*,?[ \u00a0]*", r"[ \u00a0]+"),
    "before_title": Alternation("officials", "place_before_title", "", "$", 0),
    "honorific_word": Alternation("names", "honorifics", "", ""),
    "degree_at_end": Alternation("names", "honorifics", r"(?<!\w)", r"\.\s*$"),
    "arrived": Alternation("officials", "arrived", r"(?<!\w)", r"(?!\w)"),
    "honorific_then_word": Alternation("names", "honorifics", r"(?<!\w)", r"\.?[ \u00a0]+(?=[^\W\d_])", 0),
}


@lru_cache(maxsize=None)
def _alternation(language: str, name: str) -> re.Pattern | None:
    """The pattern ALTERNATIONS[name] for a language; None when its rule list is empty."""
    spec = ALTERNATIONS[name]
    words = getattr(official_rules(language) if spec.rules == "officials" else name_rules(language), spec.field)
    return re.compile(spec.head + "(?:" + "|".join(words) + ")" + spec.tail, spec.flags) if words else None


@lru_cache(maxsize=None)
def _alternation_starts(language: str, name: str) -> re.Pattern:
    """Where ALTERNATIONS[name] (a pattern that opens at a word edge) can begin, for matches_at: the engine's
    fast scan instead of a lookbehind tried at every character of the text."""
    spec = ALTERNATIONS[name]
    words = getattr(official_rules(language) if spec.rules == "officials" else name_rules(language), spec.field)
    return word_start_pattern("(?:" + "|".join(words) + ")", spec.flags)


@dataclass(frozen=True)
class TitleMatcher:
    # (pattern, role, needs_city, needs_institution, countries, counterpart)
    patterns: list[tuple[re.Pattern, str, bool, bool, tuple[str, ...], bool]]
    # where some pattern matches: one scan of the text instead of one per pattern (None: patterns with groups)
    starts: re.Pattern | None


def _title_patterns(rules: OfficialRules) -> TitleMatcher:
    out, bodies = [], []
    for role, patterns in rules.titles.items():
        for item in patterns:
            spec = item if isinstance(item, TitlePattern) else TitlePattern(pattern=item)
            role_value = role.value if isinstance(role, Role) else role
            out.append((re.compile(r"(?<!\w)(?:" + spec.pattern + r")(?!\w)", re.I), role_value, spec.needs_city,
                        spec.needs_institution, tuple(spec.countries), spec.counterpart))
            bodies.append(r"(?:" + spec.pattern + r")(?!\w)")
    starts = None
    if out and all(pattern.groups == 0 for pattern, *_ in out):  # groups could not share one pattern
        try:
            starts = word_start_pattern("|".join(bodies), re.I)
        except re.error:
            starts = None
    return TitleMatcher(out, starts)


def find_titles(text: str, language: str) -> list[Title]:
    """Title phrases in the text; where two overlap the longer one wins ("Заступник міського голови")."""
    found = []
    matcher = load_compiled("officials", OfficialRules, language, _title_patterns)
    if matcher is None:
        return []
    starts = starts_of(matcher.starts, text)
    for pattern, role, needs_city, needs_institution, countries, counterpart in matcher.patterns:
        for match in matches_at(pattern, text, starts):
            found.append(Title(match.start(), match.end(), role, needs_city, needs_institution, countries, counterpart))
    found.sort(key=lambda t: (-(t.end - t.start), t.start, t.role))
    kept: list[Title] = []
    for title in found:
        if all(title.end <= k.start or title.start >= k.end for k in kept):
            kept.append(title)
    return sorted(kept, key=lambda t: t.start)


ABBREVIATION = re.compile(r"^[^\W\d_]{1,5}[-'’]", re.U)


HYPHENATED_WORD = re.compile(r"-([^\W\d_]+)-[^\W\d_]")


def _compound_goes_on(text: str, end: int) -> bool:
    """A hyphen, a lowercase word and a hyphen after a name: the name is the head of a compound place name
    ("Франкфурта-на-Одері", "Ústí-nad-Labem") that the engine cut into words."""
    found = HYPHENATED_WORD.match(text, end)
    return found is not None and found.group(1).islower()


def _is_name_word(word: str) -> bool:
    """A capitalised word of two letters or more that is not an inflected abbreviation ("LA-ja", "NATO-ві")."""
    if not word[:1].isupper() or len(word) < 2:
        return False
    head = ABBREVIATION.match(word)
    return not (head and head.group()[:-1].isupper() and len(head.group()) > 2)


def _abbreviation_before_name(run: list[re.Match]) -> bool:
    """"по вопросам ЖКХ Иван Смирнов": an all-caps word before a mixed-case name is not a part of it."""
    return len(run) >= 3 and run[0].group().isupper() and not run[1].group().isupper()


def name_runs(doc: AnnotatedDoc, blocked: list[tuple[int, int]]) -> list[NameRun]:
    """Runs of 2-4 capitalised words separated by single spaces, outside titles and city names."""
    text = doc.text
    inside = bytearray(len(text) + 1)  # 1 where a blocked span covers the character
    for s, e in blocked:
        s = max(s, 0)
        if e > s:
            inside[s:e] = b"\x01" * (e - s)
    words = [m for m in article_words(text) if not inside[m.start()]]
    degree = _alternation(doc.language, "honorific_word")
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for word in words:
        name = word.group()
        is_name = _is_name_word(name) and not (text[word.end():word.end() + 1] == "." and degree
                                               and degree.fullmatch(name))  # "Dr." ends a run: "Leipzig Dr."
        if is_name and len(current) < MAX_NAME_PARTS and (
                not current or text[current[-1].end():word.start()] in (" ", "\u00a0")):
            current.append(word)
            continue
        if len(current) >= 2:
            runs.append(current)
        current = [word] if is_name else []
    if len(current) >= 2:
        runs.append(current)
    runs = [r[1:] if _abbreviation_before_name(r) else r for r in runs]
    runs += _surnames_after_honorific(text, words, runs, doc.language)
    people = [NameRun(r[0].start(), r[-1].end(), text[r[0].start():r[-1].end()]) for r in runs]
    taken = bytearray(len(text) + 1)  # 1 where a name run covers the character (masks: linear on long pages)
    for person in people:
        taken[person.start:person.end] = b"\x01" * (person.end - person.start)
    for entity in doc.entities:  # a PER entity from the engine is a name even when it is one word
        if entity.label == "PER" and 1 not in taken[entity.start:entity.end] \
                and 1 not in inside[entity.start:entity.end] \
                and not _compound_goes_on(text, entity.end):  # "Košic Jaroslav": a city
            people.append(NameRun(entity.start, entity.end, entity.text))
            taken[entity.start:entity.end] = b"\x01" * (entity.end - entity.start)
    return sorted(people, key=lambda p: p.start)


def _surnames_after_honorific(text: str, words: list[re.Match], runs: list[list[re.Match]], language: str
                              ) -> list[list[re.Match]]:
    """"г-н Стоянов", "pan Nowak": one capitalised word after a lowercase honorific is a name (a capitalised
    honorific already joins the run: "Mr Fairbrother")."""
    pattern = _alternation(language, "honorific_then_word")
    if pattern is None:
        return []
    out = []
    starts = starts_of(_alternation_starts(language, "honorific_then_word"), text)
    for match in matches_at(pattern, text, starts):  # rare: the words and runs are searched only where one stands
        index = bisect_left(words, match.end(), key=lambda w: w.start())
        if index < len(words) and words[index].start() == match.end() and _is_name_word(words[index].group()) \
                and not any(w.start() == match.end() for run in runs for w in run):
            out.append([words[index]])
    return out


@lru_cache(maxsize=None)
def _connector_pattern(language: str) -> re.Pattern | None:
    """Connector words and degrees or honorifics ("инж.", "dr. sc.", "г-жа"): what may stand between
    a title (with its city) and the name."""
    rules, honorifics = official_rules(language), name_rules(language).honorifics
    parts = [f"(?:{c})" for c in rules.connectors] + [f"(?:{h})\\.?" for h in honorifics]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.I)


@lru_cache(maxsize=None)
def _list_gap(language: str) -> re.Pattern:
    """What separates coordinated names: a comma, a conjunction, or both."""
    conjunctions = official_rules(language).conjunctions
    conj = "|".join(conjunctions) if conjunctions else "(?!)"
    return re.compile(r"\s*(?:,\s*(?:(?:" + conj + r")\s+)?|(?:" + conj + r")\s+)", re.I)


@dataclass(frozen=True)
class SpanIndex:
    ordered: list[tuple[int, int]]
    starts: list[int]
    longest: int


def _index_spans(spans: list[tuple[int, int]]) -> SpanIndex:
    ordered = sorted(spans)
    return SpanIndex(ordered, [s for s, _ in ordered], max((e - s for s, e in ordered), default=0))


# one index per list of city spans: a long page has thousands of titles and of city names
_span_index = LastArgumentMemo(_index_spans)


def _spans_overlapping(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    if not spans:
        return []
    index = _span_index(spans)
    return index.ordered[bisect_left(index.starts, start - index.longest):bisect_left(index.starts, end)]


def _blank(text: str, start: int, end: int, spans: list[tuple[int, int]], connectors: re.Pattern | None) -> str:
    """text[start:end] with city names (and connector words) replaced by spaces."""
    chars = list(text[start:end])
    for s, e in _spans_overlapping(spans, start, end):
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    gap = "".join(chars)
    return connectors.sub(lambda m: " " * len(m.group()), gap) if connectors else gap  # offsets kept


def _sentence(doc: AnnotatedDoc, offset: int) -> Span:
    """The sentence at offset, continued past a break the sentence splitter made after a degree
    ("Primátor Brna Ing. | Tomáš Dvořák")."""
    span = doc.sentence_of(offset) or Span(0, len(doc.text))
    degree = _alternation(doc.language, "degree_at_end")
    while degree is not None and span.end < len(doc.text) and degree.search(doc.text, span.start, span.end):
        following = doc.sentence_of(span.end) or doc.sentence_of(span.end + 1)
        if following is None or following.end <= span.end:
            break
        span = Span(span.start, following.end)
    return span


PORTFOLIO_WORDS = 8  # "з питань діяльності виконавчих органів ради": at most so many words


def _without_portfolio(gap: str, language: str) -> str:
    """The gap with a portfolio phrase blanked ("заступник мера по экономике Иван Петров"): a marker,
    then only lowercase words or abbreviations (no name, no sentence break) up to the name, perhaps a
    comma."""
    pattern = _alternation(language, "portfolio")
    marker = pattern.match(gap) if pattern else None
    if marker is None:
        return gap
    tail = gap[marker.end():].rstrip()
    comma = tail.endswith(",")
    words = tail.rstrip(",").split()
    if len(words) > PORTFOLIO_WORDS or any(
            not WORD.fullmatch(w) or (w[:1].isupper() and not w.isupper()) for w in words):  # "ЖКХ" may stand
        return gap
    return " " * (len(gap) - 1) + ("," if comma else " ")


def _second_title(gap: str, language: str) -> bool:
    """A conjunction and one or two lowercase words between a title and the name: a second office of the
    same holder ("župan in deželni glavar CITY-gen NAME", "кмет на CITY и областен управител NAME"); more
    words are a clause ("primátorovi CITY a především náměstkovi hejtmana NAME" is another person)."""
    words = gap.split()
    return 2 <= len(words) <= 3 and bool(_conjunction(language).fullmatch(words[0])) \
        and all(WORD.fullmatch(w) and w.islower() for w in words[1:])


APPOSITION_END = re.compile(r"\s*(?:[,.;:!?)–—]|$)")


# the start offsets of the last list of people (sorted by start)
_starts = LastArgumentMemo(lambda people: [p.start for p in people])


def _pair(doc: AnnotatedDoc, title: Title, people: list[NameRun], city_spans: list[tuple[int, int]],
          plural: bool) -> NameRun | None:
    text = doc.text
    sentence = _sentence(doc, title.start)
    connectors = _connector_pattern(doc.language)
    after, gap = None, ""
    starts = _starts(people)  # people are sorted by start: look only where a holder can stand
    for index in range(bisect_left(starts, title.end), len(people)):  # only the first name after a title
        person = people[index]  # can be its holder
        if plural and " " not in person.text.strip():
            continue  # one word in a plural title's phrase is a place the cities stage missed ("і Житомира")
        if person.start >= sentence.end:
            break
        after, gap = person, _without_portfolio(_blank(text, title.end, person.start, city_spans, connectors),
                                                doc.language)
        if plural:  # "the mayors of A and B, X and Y"; "die Bürgermeister – X (A) und Y (B)"
            gap = re.sub(r"^\s*[–—:]\s*$", " ", gap)
            gap = _list_gap(doc.language).sub(" ", gap) + ("," if gap.rstrip().endswith(",") else "")
        break
    apposed = next((person for person in people[bisect_left(starts, sentence.start):bisect_right(starts, title.start)]
                    if person.end <= title.start  # apposition before the title: "NAME, title" / "NAME (title"
                    and re.fullmatch(r"\s*[,(–—-]\s*", _blank(text, person.end, title.start, city_spans, connectors))),
                   None)
    if after is not None and _second_title(gap, doc.language):
        gap = ""  # "župan in deželni glavar Dunaja dr. NAME": one holder of two offices
    if after is not None and not gap.strip() and not (apposed and " " not in after.text.strip()):
        return after  # "заместник-кметовете Мария Стоева" even after "NAME, " (but "NAME, мэру Самары": a place)
    if apposed is not None:
        return apposed
    if after is not None and (CLAUSE.match(gap) or (re.fullmatch(r"\s*,\s*", gap) and (
            _names_city(title.end, after.start, city_spans)  # "the Mayor of Kyiv, Vitali Klitschko"
            or APPOSITION_END.match(text, after.end)))):  # "its mayor, Oleh Marchuk, said"
        return after
    return None


ONE_NAME_AFTER = re.compile(r"[ \u00a0]+[^\W\d_]+(?:[-'’][^\W\d_]+)*(?![-'’\w])(?![ \u00a0]+[^\W\d_]*[^\W\d_a-zа-яіїєґёўђјљњћџ])")


NAME_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:[-'’][^\W\d_]+)*)[ \u00a0]+$")
CAPITAL_AFTER = re.compile(r"[ \u00a0]+([^\W\d_])")


def _given_names_read_as_cities(doc: AnnotatedDoc, titles: list[Title], mentions: list[Candidate]
                                ) -> list[Candidate]:
    """A one-word place that makes a two-word name with the word beside it, right after a title, is a part
    of the holder's name: "старшыня гарвыканкама Уладзімір Сасноўскі" (given name), "burmistrz Jan Opolski"
    (surname). A city there is followed by a whole name."""
    connectors, out = _connector_pattern(doc.language), []
    for title in titles:
        first = next(iter(_mentions_between(mentions, title.end)), None)
        if first is None or first.words != 1:
            continue
        if _blank(doc.text, title.end, first.start, [], connectors).strip():
            before = NAME_WORD_BEFORE.search(doc.text, title.end, first.start)
            if before and _is_name_word(before.group(1)) and not _capital_after(doc.text, first.end) \
                    and not _blank(doc.text, title.end, before.start(), [], connectors).strip() \
                    and _blank(doc.text, before.start(), before.end(), [], connectors).strip():
                out.append(first)  # surname
            continue
        tail = ONE_NAME_AFTER.match(doc.text, first.end)
        if first.kind != ADJECTIVE and tail and _is_name_word(tail.group().strip()) \
                and doc.text[tail.end():tail.end() + 1] != "." \
                and _blank(doc.text, tail.start(), tail.end(), [], connectors).strip():
            out.append(first)  # given name
            continue
        second = next(iter(_mentions_between(mentions, first.end)), None)
        given = NAME_WORD_BEFORE.search(doc.text, first.end, second.start) if second is not None else None
        if second is not None and second.words == 1 and given and given.start() == first.end + 1 \
                and _is_name_word(given.group(1)) and not _capital_after(doc.text, second.end):
            out.append(second)  # "Prezydent Opola Jan Zieliński": the title's city, then a name
    return out


def _capital_after(text: str, end: int) -> bool:
    following = CAPITAL_AFTER.match(text, end)
    return bool(following and following.group(1).isupper())


@lru_cache(maxsize=None)
def _anaphora_patterns(language: str) -> tuple[re.Pattern | None, re.Pattern | None]:
    rules = official_rules(language)
    before = re.compile(r"(?<!\w)(?:" + "|".join(rules.anaphora_before) + r")[ \u00a0]+$", re.I) \
        if rules.anaphora_before else None
    after = re.compile(r"[ \u00a0]+(?:" + "|".join(rules.anaphora_after) + r")(?!\w)", re.I) \
        if rules.anaphora_after else None
    return before, after


def _words_before_end(words: list[str], between: str = "") -> re.Pattern:
    """One of the words, then spaces (and ``between``), at the end of the text searched."""
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")[ \u00a0]+" + between + "$", re.I)


@lru_cache(maxsize=None)
def _delegation_patterns(language: str) -> tuple[re.Pattern | None, re.Pattern | None]:
    rules = official_rules(language)
    if not (rules.delegation and rules.led_by):
        return None, None
    return _words_before_end(rules.delegation, r"(?:\w+[ \u00a0]+)?"), _words_before_end(rules.led_by)


def _delegation_city(doc: AnnotatedDoc, title: Title, mentions: list[Candidate]) -> int | None:
    """"izaslanstvo Sondria, koje predvodi gradonačelnik X", "a delegation from Kharkiv led by Mayor X":
    the city of the group the title's holder leads, named earlier in the sentence."""
    group, leader = _delegation_patterns(doc.language)
    if group is None or not leader.search(doc.text, max(0, title.start - 40), title.start):
        return None
    sentence = _sentence(doc, title.start)
    led = [c for c in _mentions_between(mentions, sentence.start, title.start) if c.end <= title.start
           and group.search(doc.text, max(sentence.start, c.start - 40), c.start)]
    return led[-1].place.geonames_id if led else None


@lru_cache(maxsize=None)
def _own_council_patterns(language: str) -> tuple[re.Pattern | None, re.Pattern | None]:
    rules = official_rules(language)
    if not (rules.own_council and rules.council_after_city):
        return None, None
    council = re.compile(r"[ \u00a0]+(?:" + "|".join(rules.council_after_city) + r")(?!\w)")  # case-sensitive
    return _words_before_end(rules.own_council), council


def _article_council_city(doc: AnnotatedDoc, mentions: list[Candidate]) -> int | None:
    """The city of the first council the article names ("Ashford Borough Council has ..."): the council
    a bare "the council" or a council title without a city is of."""
    council = _own_council_patterns(doc.language)[1]
    if council is None:
        return None
    return next((c.place.geonames_id for c in _mentions_between(mentions, 0) if council.match(doc.text, c.end)), None)


def _own_council(doc: AnnotatedDoc, title: Title, mentions: list[Candidate]) -> int | None:
    """"the council's finance director, X": the city of the council the article names first."""
    before = _own_council_patterns(doc.language)[0]
    if before is None or not before.search(doc.text, max(0, title.start - 20), title.start):
        return None
    return _article_council_city(doc, mentions)


def _anaphoric(doc: AnnotatedDoc, title: Title) -> bool:
    """"Its mayor, Oleh Marchuk", "burmistrz tego miasta Jan Nowicki": the city last named."""
    before, after = _anaphora_patterns(doc.language)
    return bool((before and before.search(doc.text, max(0, title.start - 20), title.start))
                or (after and after.match(doc.text, title.end)))


def _place_after_title(doc: AnnotatedDoc, title: Title, holder: NameRun, mentions: list[Candidate],
                       cities: list[CityItem]) -> tuple[bool, int | None]:
    """(True, city) when, past connector words ("of", "немецкого города"), the title is followed by a
    capitalised word that is not its holder's name: the place of the office, a city mention, a place
    the gazetteer resolves there or (None) a place nothing resolved."""
    connectors = _connector_pattern(doc.language)
    end = min(len(doc.text), title.end + 60)
    following = re.match(r"\s*([^\W\d_][^\s,.;:!?()]*)", _blank(doc.text, title.end, end, [], connectors))
    if following is None or not following.group(1)[:1].isupper():
        return False, None
    start = title.end + following.start(1)
    if holder.start <= start < holder.end:
        return False, None
    city = next(iter(_mentions_at(mentions, start)), None)
    if city is not None:
        return True, city.place.geonames_id
    place = _gazetteer_place_at(doc, start, cities)
    return True, place.geonames_id if place else None


PLACE_WINDOW = 60  # characters: the longest place name looked up at one position


def _gazetteer_place_at(doc: AnnotatedDoc, start: int, cities: list[CityItem], end: int | None = None
                        ) -> Place | None:
    """The place whose own name (no derived form) stands at start (and ends at end, if given), as
    likely as a glued one: the cities stage may have left it out, the title phrase still names it."""
    window = doc.text[start:min(len(doc.text), start + PLACE_WINDOW) if end is None else end]
    for c in candidates(window, doc.language, load_gazetteer(), geo_rules()):
        if c.start == 0 and not c.lowercase and set(c.keys.values()) & GLUED_KINDS \
                and (end is None or start + c.end == end):
            place = _likely_place(c, cities)
            if place is not None:
                return place
    return None


def _place_before_title(doc: AnnotatedDoc, title: Title, cities: list[CityItem]) -> Place | None:
    """"Bremen's mayor", "the Ashford Town mayor", "Bremens Bürgermeister": the
    place written right before the title, resolved in the gazetteer."""
    pattern = _alternation(doc.language, "before_title")
    match = pattern.search(doc.text, max(0, title.start - PLACE_WINDOW), title.start) if pattern else None
    if match is None:
        return None
    return _gazetteer_place_at(doc, match.start("place"), cities, match.end("place"))


@lru_cache(maxsize=None)
def _in_title_patterns(language: str) -> re.Pattern | None:
    rules = official_rules(language)
    return re.compile("|".join(f"(?:{p})" for p in rules.place_before_title)) if rules.place_before_title else None


def _place_in_title(doc: AnnotatedDoc, title: Title, cities: list[CityItem]) -> Place | None:
    """"Leader of Ashford Borough Council": a place written inside the title phrase as its council's name."""
    pattern = _in_title_patterns(doc.language)
    match = pattern.search(doc.text, title.start, title.end) if pattern else None
    if match is None:
        return None
    return _gazetteer_place_at(doc, match.start("place"), cities, match.end("place"))


def _coordinated_before(doc: AnnotatedDoc, last: NameRun, people: list[NameRun]) -> list[NameRun]:
    """Names coordinated before an apposited plural title's nearest holder: "Ivo Babajić i Damir
    Hodžić, bivši gradonačelnici"; none unless a conjunction joins them."""
    gap_pattern, conjunction = _list_gap(doc.language), _conjunction(doc.language)
    sentence, first, items, joined = _sentence(doc, last.start), last, [], False
    starts = _starts(people)
    for person in reversed(people[bisect_left(starts, sentence.start):bisect_left(starts, last.start)]):
        if person.end > first.start or person.start < sentence.start:
            continue
        gap = doc.text[person.end:first.start]
        if not gap_pattern.fullmatch(gap):
            break
        items.insert(0, person)
        first = person
        joined = joined or bool(conjunction.search(gap))
    return items if joined else []


def _cities_in_title_phrase(doc: AnnotatedDoc, title: Title, mentions: list[Candidate]) -> list[int]:
    """The cities coordinated right after a title, up to the end of its phrase ("gradonačelnici Rijeke i
    Tuzle,"): only connectors and conjunctions between them."""
    connectors, conjunction, ids, position = _connector_pattern(doc.language), _conjunction(doc.language), [], title.end
    for c in _mentions_between(mentions, position):
        if c.start < position:
            continue
        gap = _blank(doc.text, position, c.start, [], connectors)
        if conjunction.sub(" ", gap).strip():
            break
        ids.append(c.place.geonames_id)
        position = c.end
    return ids


def _own_city(doc: AnnotatedDoc, person: NameRun, mentions: list[Candidate],
              known: dict[NameRun, tuple[int, int | None]]) -> tuple[int, int | None]:
    """The city written right after a holder's name, in brackets or after a linking word ("X (A)",
    "X für A", "X iz A"), and where it ends; (person.end, None) when none stands there. ``known`` keeps
    the article's answers: a plural title's holders are asked while they are coordinated and again after."""
    if person not in known:
        city = next(iter(_city_after_name(doc, person, mentions)), None)
        close = BRACKET_CLOSE.match(doc.text, city.end) if city is not None else None
        known[person] = (person.end, None) if city is None else \
            ((close.end() if close else city.end), city.place.geonames_id)
    return known[person]


def _coordinated(doc: AnnotatedDoc, first: NameRun, people: list[NameRun], mentions: list[Candidate],
                 own_cities: dict[NameRun, tuple[int, int | None]]) -> list[NameRun]:
    """Names coordinated after a plural title's first holder, up to the last one a conjunction joins:
    "заместник-кметовете A, B и C", "Župana A in B", "X (A) und Y (B)"."""
    gap_pattern, conjunction = _list_gap(doc.language), _conjunction(doc.language)
    sentence, last, items, closed = _sentence(doc, first.start), first, [], 0
    starts = _starts(people)
    for person in people[bisect_left(starts, first.end):bisect_left(starts, sentence.end)]:
        if person.start < last.end or person.start >= sentence.end:
            continue
        gap = doc.text[_own_city(doc, last, mentions, own_cities)[0]:person.start]
        if not gap_pattern.fullmatch(gap):
            break
        items.append(person)
        last = person
        if conjunction.search(gap):
            closed = len(items)
    return items[:closed]


@lru_cache(maxsize=None)
def _conjunction(language: str) -> re.Pattern:
    conjunctions = official_rules(language).conjunctions
    return re.compile(r"(?<!\w)(?:" + ("|".join(conjunctions) or "(?!)") + r")(?!\w)", re.I)


MIN_GLUED_POPULATION = 10000  # a place glued before a name, alone in its country in the article, from a town up
GLUED_KINDS = frozenset({"geo_lemma", "lemma", "exact", "inflected"})  # a place's own name, not a derived word


def _place_in_name(doc: AnnotatedDoc, title: Title, person: NameRun, cities: list[CityItem]
                   ) -> tuple[NameRun, Place | None]:
    """"мер міста Новий Сонч Анджей Мазур", "gradonačelnik Kranja Janez Hribar": the title's city glued
    to the front of a name run is cut off the name (two name words stay) and becomes the office's city."""
    words = list(WORD.finditer(doc.text, person.start, person.end))
    if len(words) < 3:
        return person, None
    window = doc.text[title.end:person.end]  # from the title on: "Belog Manastira" may begin before the run
    for c in candidates(window, doc.language, load_gazetteer(), geo_rules()):
        start, end = title.end + c.start, title.end + c.end
        rest = [w for w in words if w.start() >= end]
        own_name = bool(set(c.keys.values()) & GLUED_KINDS)
        if start > person.start or end <= person.start or len(rest) < 2 or c.lowercase \
                or not (own_name or start == person.start):
            continue
        # a derived key ("Valjeva", "Гамбурга" by transliteration) only for a place the article
        # knows or one in a country of its cities: a given name is read as a far town too easily
        place = _likely_place(c, cities, None if own_name else doc.language)
        if place is not None:
            return NameRun(rest[0].start(), person.end, doc.text[rest[0].start():person.end]), place
    person_rest, place = _known_city_in_name(doc, person, words, cities)
    if place is None and _place_announced(doc, title, person):  # "кмета на Лудогорци Иван Петров Стоянов"
        return NameRun(words[1].start(), person.end, doc.text[words[1].start():person.end]), None
    return person_rest, place


def _place_announced(doc: AnnotatedDoc, title: Title, person: NameRun) -> bool:
    """Only connectors between the title and the run, the last of them a word after which a place
    stands ("of", "на", "міста"): the run's first word is that place, not a part of the name."""
    pattern = _alternation(doc.language, "place_word")
    if pattern is None or not pattern.search(doc.text, title.end, person.start):
        return False
    return not _blank(doc.text, title.end, person.start, [], _connector_pattern(doc.language)).strip()


def _known_city_in_name(doc: AnnotatedDoc, person: NameRun, words: list[re.Match], cities: list[CityItem]
                        ) -> tuple[NameRun, Place | None]:
    """"burmistrz Nowego Targu Jan Hudak": the first words of the run are an inflected form of a
    city the article names elsewhere ("Nowy Targ"), word by word of the same stem."""
    gazetteer = load_gazetteer()
    for size in (2, 1):
        lead, rest = [w.group() for w in words[:size]], words[size:]
        if len(rest) < 2:
            continue
        for city in cities:
            if any(_same_stems(lead, WORD.findall(m.text)) for m in city.mentions):
                rest_run = NameRun(rest[0].start(), person.end, doc.text[rest[0].start():person.end])
                return rest_run, gazetteer.place(city.geonames_id)
    return person, None


def _city_word_place(person: NameRun, cities: list[CityItem]) -> Place | None:
    """The city a one-word "name" is a form of (see _city_word)."""
    if " " in person.text.strip():
        return None
    city = next((c for c in cities for m in c.mentions if _same_stems([person.text], WORD.findall(m.text))), None)
    return load_gazetteer().place(city.geonames_id) if city else None


def _city_word(person: NameRun, cities: list[CityItem]) -> bool:
    """A one-word "name" that is a form of a one-word city the article names ("gradonačelnik Splita,"
    where the engine tagged the city as a person and the cities stage left this mention out)."""
    if " " in person.text.strip():
        return False
    return any(_same_stems([person.text], WORD.findall(m.text)) for c in cities for m in c.mentions)


def _same_stems(words: list[str], others: list[str]) -> bool:
    """Two forms of one phrase: as many words, each pair with a common start of 3 letters or more that
    leaves at most 3 letters of either (an ending: "Nowego" / "Nowy", "Targu" / "Targ")."""
    if len(words) != len(others):
        return False
    for a, b in zip(words, others):
        a, b = a.casefold(), b.casefold()
        common = len(os.path.commonprefix([a, b]))
        if common < 3 or common < max(len(a), len(b)) - 3:
            return False
    return True


def _likely_place(candidate: Candidate, cities: list[CityItem], strict_language: str | None = None
                  ) -> Place | None:
    """The place a glued name leads to: one the article names elsewhere, else one in a country of
    the article's cities or a big one; strict (any derived key): one the article names or a town in a
    country of its cities or of the language's home countries ("Петер" is not the village Péteri)."""
    strict = strict_language is not None
    gazetteer = load_gazetteer()
    places = {p.geonames_id: p for key, kind in candidate.keys.items() if strict or kind in GLUED_KINDS
              for p in gazetteer.lookup(key)}
    if not places:
        return None
    known, countries = {c.geonames_id for c in cities}, {c.country_code for c in cities}
    if strict:
        countries |= set(geo_rules().home_countries.get(strict_language, []))
    best = max(places.values(), key=lambda p: (p.geonames_id in known, p.country_code in countries,
                                                p.population, -p.geonames_id))
    big = best.population >= MIN_GLUED_POPULATION
    believed = best.geonames_id in known or (best.country_code in countries and (big or not strict)) or (
        big and not strict)
    return best if believed else None


def _names_city(start: int, end: int, city_spans: list[tuple[int, int]]) -> bool:
    return any(start <= s and e <= end for s, e in _spans_overlapping(city_spans, start, end))


@dataclass(frozen=True)
class MentionIndex:
    """City mentions by start (sorted), by start offset and by end offset."""
    starts: list[int]
    by_start_order: list[Candidate]
    at_start: dict[int, list[Candidate]]
    at_end: dict[int, list[Candidate]]


def _index_mentions(cities: list[Candidate]) -> MentionIndex:
    ordered = sorted(cities, key=lambda c: c.start)
    at_start: dict[int, list[Candidate]] = {}
    at_end: dict[int, list[Candidate]] = {}
    for c in cities:
        at_start.setdefault(c.start, []).append(c)
        at_end.setdefault(c.end, []).append(c)
    return MentionIndex([c.start for c in ordered], ordered, at_start, at_end)


# one index per list of mentions: looking at every city of a long page for every title grew with
# the product of the two
_mention_index = LastArgumentMemo(_index_mentions)
SPACES = " \u00a0"


def _mentions_between(cities: list[Candidate], start: int, end: int | None = None) -> list[Candidate]:
    """The mentions that start in [start, end), by start."""
    index = _mention_index(cities)
    stop = len(index.starts) if end is None else bisect_left(index.starts, end)
    return index.by_start_order[bisect_left(index.starts, start):stop]


def _mentions_at(cities: list[Candidate], start: int) -> list[Candidate]:
    return _mention_index(cities).at_start.get(start, [])


def _cities_near(title: Title, person: NameRun, cities: list[Candidate], text: str, language: str) -> list[Candidate]:
    """Cities inside the title phrase or between it and the name, then those touching it (adjective before,
    genitive after, perhaps past connectors: "X, мера міста-побратима Y"): "в Туле председатель
    Гомельского горисполкома" is Gomel's office."""
    index = _mention_index(cities)
    start, end = min(title.start, person.start), max(title.end, person.end)
    inside = [c for c in _mentions_between(cities, start, end) if c.end <= end and not (person.start <= c.start < person.end)]
    gap_start = title.start
    while gap_start > 0 and text[gap_start - 1] in SPACES:
        gap_start -= 1
    before = [c for p in range(gap_start, title.start + 1) for c in index.at_end.get(p, [])]
    gap_end = _past_connectors(text, title.end, language)
    after = [c for p in range(title.end, gap_end + 1) for c in index.at_start.get(p, [])]
    seen = {id(c) for c in inside}
    touching = sorted({id(c): c for c in before + after if id(c) not in seen}.values(), key=lambda c: c.start)
    return sorted(inside, key=lambda c: c.start) + touching


def _past_connectors(text: str, start: int, language: str) -> int:
    """The end of the spaces and connector words ("of the twin town of", "міста-побратима") from start."""
    connectors, end = _connector_pattern(language), start
    while True:
        while end < len(text) and text[end] in SPACES:
            end += 1
        word = connectors.match(text, end) if connectors else None
        if word is None or word.end() == end:
            return end
        end = word.end()


BRACKET_OPEN = re.compile(r"[ \u00a0]*\([ \u00a0]*")
BRACKET_CLOSE = re.compile(r"[ \u00a0]*\)")


def _city_after_name(doc: AnnotatedDoc, person: NameRun, cities: list[Candidate]) -> list[Candidate]:
    """"Mayor Tom Harlow of Springfield", "gradonačelnik Ivan Horvat iz Splita", "burmistrz Jan Nowak (Opole)"."""
    bracket = BRACKET_OPEN.match(doc.text, person.end)
    if bracket:
        city = next(iter(_mentions_at(cities, bracket.end())), None)
        return [city] if city and BRACKET_CLOSE.match(doc.text, city.end) else []
    pattern = _alternation(doc.language, "after_name")
    link = pattern.match(doc.text, person.end) if pattern else None
    return _mentions_at(cities, link.end())[:1] if link else []


@lru_cache(maxsize=None)
def _represented_patterns(language: str) -> list[tuple[RepresentedBy, re.Pattern, re.Pattern]]:
    """Each represented-by phrase, and where it can begin (word_start_pattern)."""
    return [(item, re.compile(r"(?<!\w)(?:" + item.pattern + r")\s+", re.I),
             word_start_pattern(f"(?:{item.pattern})", re.I)) for item in official_rules(language).represented_by]


def _represented(doc: AnnotatedDoc, people: list[NameRun], cities: list[Candidate]) -> list[Found]:
    found = []
    for item, pattern, starts in _represented_patterns(doc.language):
        for match in matches_at(pattern, doc.text, starts_of(starts, doc.text)):
            person = next((p for p in people if p.start == match.end()), None)
            if person is None:
                continue
            before = [c for c in cities if c.end <= match.start()
                      and re.fullmatch(r"\s*", doc.text[c.end:match.start()])]
            title = Title(match.start(), match.end(), item.role.value, False)
            found.append(Found(person, item.role.value, before[-1].place.geonames_id if before else None, title))
    return found


def _institution_city(doc: AnnotatedDoc, person: NameRun, cities: list[Candidate], claimed: set[int]) -> int | None:
    """The city whose council or administration the person's sentence names (not claimed by another title),
    the nearest before the name first: "predstavnici Grada A, pročelnik ... X, otputovali su u grad B"."""
    rules = city_rules(doc.language)
    sentence = _sentence(doc, person.start)
    options = []
    for c in _mentions_between(cities, sentence.start, sentence.end):
        if c.place.geonames_id in claimed:
            continue
        last_word = doc.text.rfind(" ", c.start, c.end) + 1  # "Mestne občine Idrija": the institution inside
        after, before = doc.text[c.end:c.end + 80], doc.text[max(0, c.start - 80):max(c.start, last_word)]
        if (rules.institution_after and rules.institution_after.search(after)) or \
                (rules.institution_before and rules.institution_before.search(before)):
            options.append((c.start > person.start, abs(c.start - person.start), c.place.geonames_id))
    return min(options)[2] if options else None


def _arrived(doc: AnnotatedDoc, person: NameRun, mentions: list[Candidate]) -> bool:
    """"Bürgermeister X war mit einer Delegation angereist": the holder, then a verb saying they came,
    in a sentence that names no city (one that it names is where they went: "Mayor X arrived in B"; the
    verb before the name may have another subject: "A's delegation arrived, led by Mayor X")."""
    pattern = _alternation(doc.language, "arrived")
    sentence = _sentence(doc, person.start)
    return bool(pattern and pattern.search(doc.text, person.end, sentence.end)) \
        and not _mentions_between(mentions, sentence.start, sentence.end)


def _guest_city(doc: AnnotatedDoc, person: NameRun, mentions: list[Candidate], cities: list[CityItem]) -> int | None:
    """The one city outside the home countries that the article names, or that the sentence before names."""
    home = set(geo_rules().home_countries.get(doc.language, []))
    foreign = {c.geonames_id for c in cities if c.country_code not in home}
    if len(foreign) == 1:
        return foreign.pop()
    start = _sentence(doc, person.start).start
    previous = _sentence(doc, max(0, start - 1)) if start > 0 else None
    named = {c.place.geonames_id for c in _mentions_between(mentions, previous.start, start)} & foreign \
        if previous else set()
    return named.pop() if len(named) == 1 else None


def _department_city(doc: AnnotatedDoc, title: Title, person: NameRun, glued: Place | None, near: list[Candidate],
                     in_country: int | None, mentions: list[Candidate]) -> int | None:
    """The city of a department title: named in its phrase, opening the list it stands in, or the city
    whose council or administration its sentence names."""
    if glued is not None:
        return glued.geonames_id
    phrase = [c for c in near if min(title.start, person.start) <= c.start and c.end <= max(title.end, person.end)]
    if phrase:
        return phrase[0].place.geonames_id
    return in_country or _institution_city(doc, person, mentions, set()) or _own_council(doc, title, mentions)


def _other_city_in_sentence(doc: AnnotatedDoc, person: NameRun, cities: list[Candidate], home_city: int) -> int | None:
    """The one city other than the home city that the person's sentence names, if there is one."""
    sentence = _sentence(doc, person.start)
    others = {c.place.geonames_id for c in _mentions_between(cities, sentence.start, sentence.end)} - {home_city}
    return others.pop() if len(others) == 1 else None


def _state_office(doc: AnnotatedDoc, title: Title) -> bool:
    """A title word that is a city's office only with its city ("prezydent", "президент") is a state's office
    with the state's name right after it ("prezydent Ukrainy", "президента России") or its adjective right
    before it ("francuskiego prezydenta", "российского президента")."""
    before, after = _words_beside(doc, title)
    return bool(after and country_named(after, doc.language) or before and country_adjective(before, doc.language))


def _words_beside(doc: AnnotatedDoc, title: Title) -> tuple[str | None, str | None]:
    """The word right before the title and the word right after it (None where a line or punctuation stands)."""
    before = re.search(r"([^\W\d_]+)[ \u00a0]+$", doc.text[max(0, title.start - 40):title.start])
    after = re.match(r"[ \u00a0]+([^\W\d_]+)", doc.text[title.end:title.end + 40])
    return (before.group(1) if before else None), (after.group(1) if after else None)


def _city_of_country_beside(doc: AnnotatedDoc, title: Title, cities: list[CityItem]) -> int | None:
    """"jeho ukrajinský protějšek", "Primátor ukrajinského mesta": a country's adjective right before or
    after the title points to the article's city in that country (the one it names most)."""
    for word in _words_beside(doc, title):
        code = country_adjective(word, doc.language) if word else None
        if code:
            return _main_city([c for c in cities if c.country_code == code])
    return None


def _city_of_title_country(title: Title, cities: list[CityItem]) -> int | None:
    """"заступник президента міста X": a Polish office, of the article's city in Poland (the most named)."""
    return _main_city([c for c in cities if c.country_code in title.countries]) if title.countries else None


def _adjective_city_before(doc: AnnotatedDoc, title: Title, cities: list[CityItem]) -> int | None:
    """"вршачки градоначелник", "kranjski župan", "niški kolega": a city adjective right before
    the title that the cities stage did not keep there names the office's city, when it is a city the
    article names elsewhere."""
    before = NAME_WORD_BEFORE.search(doc.text, max(0, title.start - 40), title.start)
    if before is None or before.group(1)[:1].isupper() and before.start() > 0 \
            and doc.text[:before.start()].rstrip()[-1:] not in ".!?\n":
        return None  # a capitalised word inside a sentence is a name or a city mention, not an adjective
    known, gazetteer = {c.geonames_id for c in cities}, load_gazetteer()
    for c in candidates(before.group(1), doc.language, gazetteer, geo_rules()):
        ids = [p.geonames_id for key, kind in c.keys.items() if kind == ADJECTIVE for p in gazetteer.lookup(key)
               if p.geonames_id in known]
        if c.start == 0 and c.end == len(before.group(1)) and len(set(ids)) == 1:
            return ids[0]
    stems = {c.geonames_id for c in cities for m in c.mentions if _adjective_of(before.group(1), m.text)}
    return stems.pop() if len(stems) == 1 else None


ADJECTIVE_SUFFIX = re.compile(r"(?:[sšcčzž]k|[сшцзж]к)[^\W\d_]{1,4}$", re.I)


def _adjective_of(adjective: str, city: str) -> bool:
    """"kranjski" of "Kranj", "вршачки" of "Вршац": a -sk-/-ск- adjective that keeps all of a
    one-word city name but its last two letters."""
    if " " in city or not ADJECTIVE_SUFFIX.search(adjective):
        return False
    common = len(os.path.commonprefix([adjective.casefold(), city.casefold()]))
    return common >= 4 and common >= len(city) - 2


COLON_LEAD = 80  # characters before a colon where the city that opens a list of people may stand


def _city_before_colon(doc: AnnotatedDoc, title: Title, mentions: list[Candidate], title_starts: set[int]
                       ) -> int | None:
    """"Radom reprezentują: prezydent A, wiceprezydent B", "goście z Lublina: sekretarz miasta A": the
    city right before the colon that opens a list of people is the office of each title in the list."""
    sentence = _sentence(doc, title.start)
    colon = doc.text.rfind(":", sentence.start, title.start)
    if colon < 0 or re.search(r"[.;!?]", doc.text[colon:title.start]) or _mentions_between(mentions, colon, title.start):
        return None
    first = re.match(r"\s*([^\W\d_])", doc.text[colon + 1:title.end])
    if first is None or not (first.group(1).isupper() or colon + 1 + first.start(1) in title_starts):
        return None  # a list of people or titles follows the colon, not a clause
    lead = _mentions_between(mentions, max(sentence.start, colon - COLON_LEAD), colon)
    if lead and re.fullmatch(r"(?:\s+[^\W\d_]+){0,3}\s*", doc.text[lead[-1].end:colon]):
        return lead[-1].place.geonames_id  # "przedstawiciele Lublina:", "Radom reprezentują:"
    return None


def _main_city(cities: list[CityItem]) -> int | None:
    """The city the article names most often, if one does so more than every other."""
    counts = sorted((len(c.mentions), c.geonames_id) for c in cities)
    if not counts or (len(counts) > 1 and counts[-1][0] == counts[-2][0]):
        return None
    return counts[-1][1]


def _home_city(doc: AnnotatedDoc, cities: list[CityItem]) -> int | None:
    home = set(geo_rules().home_countries.get(doc.language, []))
    ids = [c.geonames_id for c in cities if c.country_code in home]
    return ids[0] if len(ids) == 1 else None


def find_officials(doc: AnnotatedDoc, cities: list[CityItem]) -> list[OfficialItem]:
    rules = official_rules(doc.language)
    if rules is None:
        return []
    city_ids = {c.geonames_id for c in cities}
    mentions = [c for c in find_city_mentions(doc) if c.place.geonames_id in city_ids]
    titles = find_titles(doc.text, doc.language)
    given = _given_names_read_as_cities(doc, titles, mentions)
    mentions = [c for c in mentions if c not in given]
    city_spans = [(c.start, c.end) for c in mentions]
    people = name_runs(doc, city_spans + [(t.start, t.end) for t in titles])
    found = _represented(doc, people, mentions)
    taken = {f.name.start for f in found}
    plural = _alternation(doc.language, "plural")
    title_starts = {t.start for t in titles}
    own_cities: dict[NameRun, tuple[int, int | None]] = {}
    for title in titles:
        if title.counterpart and not any(f.title.start < title.start and not f.title.counterpart for f in found):
            continue  # "его американский коллега Джо Байден" with no city office named before
        if title.needs_city and not title.counterpart and _state_office(doc, title):
            continue  # "prezydent Ukrainy Petro Poroszenko", "francuskiego prezydenta"
        is_plural = bool(plural and plural.search(doc.text, max(0, title.start - 30), title.end))
        person = _pair(doc, title, people, city_spans, is_plural)
        named = _city_word_place(person, cities) if person is not None and person.end <= title.start + 80 \
            and person.start >= title.end else None
        if named is not None:  # "председателят на Общинския съвет – Ловеч г-н Христов": the title's city
            others = [p for p in people if p is not person]
            person = _pair(doc, title, others, city_spans + [(person.start, person.end)], is_plural)
        if person is None or person.start in taken or _city_word(person, cities):
            continue
        person, glued = _place_in_name(doc, title, person, cities)
        glued = glued or named
        near = _cities_near(title, person, mentions, doc.text, doc.language) or _city_after_name(doc, person, mentions)
        in_country = None if near or glued else (_adjective_city_before(doc, title, cities)
                                                 or _city_of_country_beside(doc, title, cities)
                                                 or _city_before_colon(doc, title, mentions, title_starts))
        if title.needs_institution:
            department = _department_city(doc, title, person, glued, near, in_country, mentions)
            if department is None:
                continue  # "vodja oddelka za kardiologijo": a department of no city government
            found.append(Found(person, title.role, department, title, settled=True))
            taken.add(person.start)
            continue
        if title.needs_city and glued is None and in_country is None and not any(
                c.end > title.start or c.kind == ADJECTIVE or rules.attributive_city for c in near):
            continue  # "в Варшаве президент Польши": a bare title needs its own city, not one before it
        if not near and glued is None and in_country is None:  # not enough for a title that needs its city
            in_country = _city_of_title_country(title, cities)
        holders, phrase = [person], [c.place.geonames_id for c in near
                                     if title.start <= c.start and c.end <= person.start]
        if is_plural and person.end <= title.start:  # "X i Y, bivši gradonačelnici Rijeke i Tuzle"
            holders = _coordinated_before(doc, person, people) + [person]
            phrase = _cities_in_title_phrase(doc, title, mentions)
        elif is_plural:
            holders += _coordinated(doc, person, people, mentions, own_cities)
        city_ids, settled = _holder_cities(holders, glued, near, list(dict.fromkeys(phrase)))
        own = [_own_city(doc, holder, mentions, own_cities)[1] for holder in holders] if len(holders) > 1 else []
        if own and None not in own:  # "Bürgermeister X (A) und Y (B)", "X für A und Y für B"
            city_ids, settled = own, True
        if in_country is not None and len(holders) == 1:
            city_ids, settled = [in_country], True
        elif not near and glued is None and len(holders) == 1 \
                and (led := _delegation_city(doc, title, mentions)) is not None:
            city_ids, settled = [led], True
        elif not near and glued is None and len(holders) == 1 \
                and (council := _own_council(doc, title, mentions)) is not None:
            city_ids, settled = [council], True
        elif not near and glued is None and len(holders) == 1 and _anaphoric(doc, title):
            previous = [c for c in mentions if c.end <= title.start]
            city_ids, settled = [previous[-1].place.geonames_id if previous else None], True
        elif not near and glued is None and len(holders) == 1:
            named, place = _place_after_title(doc, title, person, mentions, cities)
            if not named:  # "Bremen's mayor": a place the cities stage did not keep
                before = _place_before_title(doc, title, cities) or _place_in_title(doc, title, cities)
                named, place = before is not None, before.geonames_id if before else None
            if named:  # "First Deputy Mayor of Kharkiv"; "мэр немецкого города Кель" (no city known: null)
                city_ids, settled = [place], True
        for holder, city_id in zip(holders, city_ids):
            if holder.start not in taken:
                taken.add(holder.start)
                found.append(Found(holder, title.role, city_id, title, settled=settled,
                                   nominative=_named_in_nominative(doc, holder, title),
                                   shared=len(holders) > 1, past=_past_title(doc, title)))
    _coordinated_title_city(doc, found)
    claimed = {f.city_id for f in found if f.city_id is not None}
    home_city = _home_city(doc, cities)
    for f in found:
        if f.city_id is None and not f.settled:
            f.city_id = _institution_city(doc, f.name, mentions, claimed) or (
                home_city if _free(home_city, f, found) else None)
            if f.city_id is not None and f.city_id == home_city and _arrived(doc, f.name, mentions):
                f.city_id, f.settled = _guest_city(doc, f.name, mentions, cities), True
            if f.city_id is not None and f.city_id == home_city and not _free(home_city, f, found, anyhow=True):
                # "partnership signed by mayor A (home) together with mayor B": B heads the sentence's other city
                f.city_id = _other_city_in_sentence(doc, f.name, mentions, home_city) or f.city_id
            f.guessed = f.city_id is not None
    _share_title_city(found)
    home = set(geo_rules().home_countries.get(doc.language, []))
    for f in found:  # "Mayor Tom Harlow": a bare title is the office of the city the article is about (the
        if f.city_id is None and not f.settled:  # most named of those no other mayor is of; a tie goes to the
            free = [c for c in cities if _free(c.geonames_id, f, found, anyhow=True)]  # home country's, else
            # to the city whose council the article names first)
            f.city_id = _main_city(free) or _main_city([c for c in free if c.country_code in home]) or (
                council if (council := _article_council_city(doc, mentions)) in {c.geonames_id for c in free} else None)
            f.guessed = f.city_id is not None
    _share_title_city(found)
    found += _deputies_of_previous(doc, rules, people, found, taken)
    return _add_repeated_mentions(_merge(found, doc.text, doc.language), people, doc.language)


MANY_PER_CITY = ("deputy_mayor", "official")  # offices a city has several holders of at once


def _coordinated_title_city(doc: AnnotatedDoc, found: list[Found]) -> None:
    """"kranjski župan A in podžupan B", "the Mayor of Leeds A and deputy mayor B": a deputy's title with
    no city of its own, coordinated right after the name of a holder whose phrase named the city, is of
    that city."""
    conjunction = _conjunction(doc.language)
    by_end = {f.name.end: f for f in found if f.city_id is not None}
    for f in found:
        if f.city_id is not None or f.settled or f.role not in MANY_PER_CITY or f.name.start < f.title.end:
            continue
        gap = re.search(r"[ \u00a0]*(?:,[ \u00a0]*)?(\w+)[ \u00a0]+$", doc.text[max(0, f.title.start - 30):f.title.start])
        if gap and conjunction.fullmatch(gap.group(1)):
            previous = by_end.get(f.title.start - len(gap.group()))
            if previous is not None and not previous.guessed:
                f.city_id, f.settled = previous.city_id, True


def _free(city_id: int | None, f: Found, found: list[Found], anyhow: bool = False) -> bool:
    """No other holder of f's office has this city by a title phrase or as a co-holder of f's title (or
    anyhow), where a city has one holder of it ("Župana A in B" are mayors of two cities, not both of the
    home city)."""
    return f.role in MANY_PER_CITY or not any(
        o is not f and o.city_id == city_id and o.role == f.role and o.past == f.past
        and (anyhow or not o.guessed or o.title == f.title) for o in found)


def _past_title(doc: AnnotatedDoc, title: Title) -> bool:
    pattern = _alternation(doc.language, "former")
    return bool(pattern and pattern.search(doc.text, max(0, title.start - 40), title.start))


def _share_title_city(found: list[Found]) -> None:
    """Holders of one plural title with no city in its phrase share the city found for the first of
    them: "заместник-кметовете A, B и C" are all deputies of the same city (mayors of one title are
    of several cities: "Župana A in B")."""
    by_title: dict[Title, list[Found]] = {}
    for f in found:
        if f.shared and not f.settled and f.role in MANY_PER_CITY:
            by_title.setdefault(f.title, []).append(f)
    for holders in by_title.values():
        known = [f.city_id for f in holders if f.city_id is not None]
        if known and len(set(known)) == 1:
            for f in holders:
                f.city_id = known[0]


@lru_cache(maxsize=None)
def _deputy_patterns(language: str) -> tuple[re.Pattern, re.Pattern]:
    """The deputy phrase, and where it can begin (found by the engine's fast scan)."""
    alternation = "(?:" + "|".join(official_rules(language).deputy_of_previous) + ")"
    return re.compile(r"(?<!\w)" + alternation + r"(?!\w)", re.I), word_start_pattern(alternation, re.I)


PREVIOUS_WITHIN = 300  # characters from the official named before to "his deputy"
HEADS = ("mayor", "acting_mayor")


def _deputies_of_previous(doc: AnnotatedDoc, rules: OfficialRules, people: list[NameRun], found: list[Found],
                          taken: set[int]) -> list[Found]:
    """"wójt Adam Sikora ... jego zastępca Piotr Mazurek", "неговият заместник по туризма Георги
    Петков": the office and city of the official named before; lowercase words may stand between."""
    if not rules.deputy_of_previous:
        return []
    deputies = []
    pattern, starts = _deputy_patterns(doc.language)
    for match in matches_at(pattern, doc.text, starts_of(starts, doc.text)):
        person = next((p for p in people if p.start >= match.end()), None)
        gap = doc.text[match.end():person.start] if person else ""
        if person is None or person.start in taken or len(gap) > 40 or re.search(r"[^\w\s]", gap) \
                or any(ch.isupper() for ch in gap):
            continue
        before = [f for f in found if f.name.end <= match.start() and match.start() - f.name.end <= PREVIOUS_WITHIN]
        if not before:
            continue
        head = max(before, key=lambda f: f.name.end)
        role = "deputy_mayor" if head.role in HEADS else "official"
        title = Title(match.start(), match.end(), role, False)
        taken.add(person.start)
        deputies.append(Found(person, role, head.city_id, title, settled=True))
    return deputies


def _holder_cities(holders: list[NameRun], glued: Place | None, near: list[Candidate],
                   phrase: list[int]) -> tuple[list[int | None], bool]:
    """One holder: the glued or nearest city. Several: the cities named inside the title phrase, one
    per holder in order when the counts agree ("the mayors of A and B, X and Y"), the same city for
    all when one is named, else none (an office shared or not said)."""
    inside = [glued.geonames_id] if glued is not None else phrase
    if len(holders) == 1:
        return [glued.geonames_id if glued else (near[0].place.geonames_id if near else None)], False
    if len(inside) == len(holders):
        return inside, True
    # several cities, not one per holder: an office shared or not said, left null (no fallback)
    return [inside[0] if len(inside) == 1 else None] * len(holders), len(inside) > 1


def _add_repeated_mentions(items: list[OfficialItem], people: list[NameRun], language: str) -> list[OfficialItem]:
    """The same person named again without a title ("заслуги Геннадия Труханова") is one more mention."""
    if not items:
        return []  # no name to look for: the runs are not normalised
    by_name = {item.name.casefold(): item for item in items}
    for person in people:
        item = by_name.get(normalise_name(person.text, language).casefold())
        if item is not None and all(m.start != person.start for m in item.mentions):
            item.mentions.append(Mention(text=person.text, start=person.start, end=person.end))
    for item in items:
        item.mentions.sort(key=lambda m: m.start)
    return sorted(items, key=lambda o: (o.mentions[0].start, o.name))


APPOSITION = re.compile(r"[ \u00a0]*,[ \u00a0]*")


def _named_in_nominative(doc: AnnotatedDoc, holder: NameRun, title: Title) -> bool:
    """The name follows a title in the nominative, or stands in apposition before one ("Anna Nowak,
    doradczyni mera": the name takes the title's case)."""
    after = holder.start >= title.end
    apposition = holder.end <= title.start and APPOSITION.fullmatch(doc.text, holder.end, title.start)
    return bool(after or apposition) and _nominative_title(doc, title)


def _nominative_title(doc: AnnotatedDoc, title: Title) -> bool:
    """The title's first word is its own lemma ("župan", "Primátor", "мер"; not "županom", "мером")."""
    word = WORD.match(doc.text, title.start)
    return bool(word) and looks_nominative(word.group(), doc.language)


def _with_honorific(text: str, name: NameRun, language: str) -> str:
    """The name with the lowercase honorific written right before it ("пана X"): its case and gender
    are the name's."""
    before = NAME_WORD_BEFORE.search(text, max(0, name.start - 20), name.start)
    if before is None or not before.group(1).islower() or strip_honorifics(f"{before.group(1)} x", language) != "x":
        return name.text
    return f"{before.group(1)} {name.text}"


def _merge(found: list[Found], text: str, language: str) -> list[OfficialItem]:
    """One item per person (by normalised name), mentions in text order, first role and city kept (a city
    guessed from the article gives way to one a later title phrase names)."""
    by_name: dict[str, OfficialItem] = {}
    guessed: set[str] = set()  # names whose city so far is only guessed from the article
    for f in sorted(found, key=lambda f: f.name.start):
        name = normalise_name(_with_honorific(text, f.name, language), language, f.nominative)
        if len(name.split()) < 1:
            continue
        key = name.casefold()
        mention = Mention(text=f.name.text, start=f.name.start, end=f.name.end)
        item = by_name.get(key)
        if item is None:
            by_name[key] = OfficialItem(name=name, role=f.role, city_geonames_id=f.city_id, mentions=[mention])
            if f.guessed:
                guessed.add(key)
        else:
            item.mentions.append(mention)
            if item.city_geonames_id is None or (key in guessed and f.city_id is not None and not f.guessed):
                item.city_geonames_id = f.city_id  # "з мером X ... американський мер X": the phrase wins
                if not f.guessed:
                    guessed.discard(key)
    items = _surnames_into_full_names(list(by_name.values()))
    return sorted(items, key=lambda o: (o.mentions[0].start, o.name))


def _surnames_into_full_names(items: list[OfficialItem]) -> list[OfficialItem]:
    """"gradonačelnica Kovač" after "gradonačelnica Mostara Ana Kovač": a surname alone is one more
    mention of the one official whose full name ends with it (kept apart when none or several do)."""
    by_surname: dict[str, list[OfficialItem]] = {}
    for item in items:
        parts = item.name.split()
        if len(parts) > 1:
            by_surname.setdefault(parts[-1].casefold(), []).append(item)
    kept = []
    for item in items:
        fuller = by_surname.get(item.name.casefold(), []) if " " not in item.name else []
        if len(fuller) != 1:
            kept.append(item)
            continue
        fuller[0].mentions = sorted(fuller[0].mentions + item.mentions, key=lambda m: m.start)
        if fuller[0].city_geonames_id is None:
            fuller[0].city_geonames_id = item.city_geonames_id
    return kept

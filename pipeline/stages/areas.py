"""Areas stage: the fields of cooperation (GOLD.md taxonomy) named in sentences about cooperation.

A term of the area lexicon counts only inside a context sentence: one with a
cooperation, exchange, agreement or discussion cue, or with an agreement
mention; list items after such a sentence ending in ":" inherit its context.
The whole article must also be about relations between cities: an agreement
was found, or an inter-city cue ("побратим", "partner city") is present, or
two cities are named together with a municipal cue. Every word is data in
``pipeline/rules/<lang>/areas.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, field_validator

from pipeline.stages.lexicon import Lexicon, check_phrase, doc_units, segment_of, segments
from pipeline.rules import load_compiled
from pipeline.types import AnnotatedDoc
from schemas.record import AgreementItem, Area, AreaItem, CityItem, Mention

STAGE = "areas"
_AFTER_STOP = re.compile(r"(?:^|[.!?:…»”\"]|[-–—]\s)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-–—•*·▪●]|\d{1,2}[.)])")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _checked(value: list[str]) -> list[str]:
    return [check_phrase(p) for p in value]


class AreaRules(_Strict):
    context: list[str]  # cooperation, exchange, agreement, discussion: a sentence where areas count
    intercity: list[str] = []  # the article is about relations between cities ("побратим", "Partnerstadt")
    municipal: list[str] = []  # city governments: with two cities, the article is about their relations
    anywhere: list[Area] = []  # areas that count outside context sentences (aid between cities is itself an exchange)
    experience: list[str] = []  # exchange of experience: governance where its sentence names no other field
    representatives: list[str] = []  # "представники двох міст": an exchange between them is governance
    capital_is_name: bool = True  # a capitalised area word inside a sentence is part of a name (not in German)
    not_areas: list[str] = []  # terms that hold an area word but name no field ("муниципальное образование")
    generic: list[str] = []  # "as a rule", "usually": what twin cities do in general, not this cooperation
    areas: dict[Area, list[str]]

    _words = field_validator("context", "intercity", "municipal", "experience", "representatives", "not_areas",
                             "generic")(
        lambda cls, v: _checked(v))

    @field_validator("areas")
    @classmethod
    def _area_phrases(cls, value: dict[Area, list[str]]) -> dict[Area, list[str]]:
        for phrases in value.values():
            _checked(phrases)
        return value


@dataclass
class Compiled:
    anywhere: frozenset[str]
    context: Lexicon
    intercity: Lexicon
    municipal: Lexicon
    experience: Lexicon
    governments: Lexicon
    areas: Lexicon
    not_areas: Lexicon
    generic: Lexicon
    capital_is_name: bool


def _compile(rules: AreaRules) -> Compiled:
    return Compiled(
        anywhere=frozenset(getattr(a, "value", a) for a in rules.anywhere),
        context=Lexicon([("context", p) for p in rules.context]),
        intercity=Lexicon([("intercity", p) for p in rules.intercity]),
        municipal=Lexicon([("municipal", p) for p in rules.municipal]),
        experience=Lexicon([(Area.governance.value, p) for p in rules.experience]),
        governments=Lexicon([("government", p) for p in rules.municipal + rules.representatives]),
        areas=Lexicon([(getattr(a, "value", a), p) for a, phrases in rules.areas.items() for p in phrases]),
        not_areas=Lexicon([("not_area", p) for p in rules.not_areas]),
        generic=Lexicon([("generic", p) for p in rules.generic]),
        capital_is_name=rules.capital_is_name,
    )


def compiled_for(language: str) -> Compiled | None:
    return load_compiled(STAGE, AreaRules, language, _compile)


def _about_cities(c: Compiled, units, cities: list[CityItem], agreements: list[AgreementItem]) -> bool:
    if agreements or c.intercity.find(units):
        return True
    return len({city.geonames_id for city in cities}) >= 2 and bool(c.municipal.find(units))


def _context_segments(doc: AnnotatedDoc, c: Compiled, units, pieces, agreements: list[AgreementItem]) -> set[int]:
    marked = {segment_of(pieces, m.start) for m in c.context.find(units)}
    marked |= {segment_of(pieces, m.start) for a in agreements for m in a.mentions}
    marked -= {segment_of(pieces, m.start) for m in c.generic.find(units)}
    marked.discard(None)
    inherited = set()
    for i in sorted(marked):
        if doc.text[pieces[i][0]:pieces[i][1]].rstrip().endswith(":"):
            j = i + 1
            while j < len(pieces) and _LIST_ITEM.match(doc.text[pieces[j][0]:pieces[j][1]]):
                inherited.add(j)
                j += 1
    return marked | inherited


def _inside_name(text: str, pieces, start: int) -> bool:
    """A capitalised word inside a sentence starts or continues a name ("Palác Kultury", "Economic Development Corp.")."""
    i = segment_of(pieces, start)
    return text[start].isupper() and i is not None and pieces[i][0] != start and not _AFTER_STOP.search(text[pieces[i][0]:start])


def _in_name(text: str, pieces, units, m, names: list[tuple[int, int]]) -> bool:
    """The area word starts a name ("Kulturní dům") or continues one that the engine found around it
    ("у Художньому музеї"); "передали Калушу генератори" is a place before a common noun."""
    if _inside_name(text, pieces, m.start):
        return True
    if m.first == 0:
        return False
    before = units[m.first - 1]
    return (not text[before.end:m.start].strip() and _inside_name(text, pieces, before.start)
            and _spanning(names, before.start, m.start))


def _spanning(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Some span holds both offsets (spans sorted by start; a name is rarely nested in another)."""
    i = segment_of(spans, start)
    return i is not None and end < spans[i][1]


def _names(doc: AnnotatedDoc) -> list[tuple[int, int]]:
    """Names of organisations and places (a person's name does not hold a field of cooperation)."""
    return sorted((e.start, e.end) for e in doc.entities if e.label != "PER")


def _named_areas(doc: AnnotatedDoc, c: Compiled, units, pieces, context: set[int]) -> list:
    """The area words that count: in a context sentence (or of an area that counts anywhere), not inside a
    not-area term, not in the name of an institution."""
    names = _names(doc) if c.capital_is_name else []
    blocked = sorted((m.start, m.end) for m in c.not_areas.find(units))
    return [m for m in c.areas.find_longest(units)
            if (m.label in c.anywhere or segment_of(pieces, m.start) in context)
            and not _spanning(blocked, m.start, m.start)
            and not (c.capital_is_name and _in_name(doc.text, pieces, units, m, names))]


def find_areas(doc: AnnotatedDoc, cities: list[CityItem], agreements: list[AgreementItem]) -> list[AreaItem]:
    c = compiled_for(doc.language)
    if c is None:
        return []
    units = doc_units(doc)
    if not _about_cities(c, units, cities, agreements):
        return []
    pieces = segments(doc)
    context = _context_segments(doc, c, units, pieces, agreements)
    found: dict[str, list[Mention]] = {}
    named = _named_areas(doc, c, units, pieces, context)
    # "школи обмінюються досвідом у сфері освіти" is about education; an exchange of experience alone, or one
    # between the cities' governments ("міські ради обмінюватимуться досвідом"), is governance. Between the
    # cities alone ("жители обоих городов") is not between governments
    fields = {segment_of(pieces, m.start) for m in named}
    fields -= {segment_of(pieces, m.start) for m in c.governments.find(units)}
    named += [m for m in c.experience.find(units)
              if segment_of(pieces, m.start) in context and segment_of(pieces, m.start) not in fields]
    seen = set()
    for m in sorted(named, key=lambda m: m.start):
        if (m.label, m.start, m.end) not in seen:  # an exchange of experience can also be a named area term
            seen.add((m.label, m.start, m.end))
            found.setdefault(m.label, []).append(Mention(text=doc.text[m.start:m.end], start=m.start, end=m.end))
    items = [AreaItem(area=label, mentions=mentions) for label, mentions in found.items()]
    return sorted(items, key=lambda a: (a.mentions[0].start, a.area))

"""Cities stage: places named in the text, through inflection, adjectives and demonyms, to GeoNames ids.

Mechanism only; every word list lives in rules/<lang>/cities.yaml and rules/geo.yaml.

1. Every word (and 2-3 word sequence) yields candidate name keys: the word itself, its
   lemmas (pymorphy3 for uk/ru, simplemma elsewhere), noun-ending rules, and for
   adjectives and demonyms the stem with its derivational suffix removed
   ("Львівською" -> "львів", "калужских" -> "калуга", "legniczan" -> "legnica"); a stem that
   matches nothing exactly may match a big city's name closely (rapidfuzz).
2. Keys found in the gazetteer give candidate places; a name shared by several places is
   resolved by the article's home countries, the countries of the other cities, a region
   named next to it ("Odessa, Texas") and population.
3. A mention is kept when its evidence (population, trigger words such as "місто", a
   city institution such as "міська рада", NER labels, capitalisation) reaches the
   threshold of geo.yaml; regions ("Московская область"), organisations ("Львівський
   університет") and person-name contexts ("Александр Борисов") veto it.
"""
from __future__ import annotations

import os
import re
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from pipeline.resources import morphology
from pipeline.resources.gazetteer import (GeoRules, Gazetteer, Place, fold_diacritics, geo_rules, load_gazetteer, name_key,
                                          population_weight, skeleton)
from pipeline.rules import load_compiled
from pipeline.stages.memo import LastArgumentMemo
from pipeline.stages.names import name_rules
from pipeline.stages.regex_scan import SPACE_THEN_WORD, first_letter_guard, word_before_space
from pipeline.stages.city_context import CountryLexicon, adjective_country, country_hints, country_lexicon
from pipeline.types import AnnotatedDoc
from schemas.record import CityItem, Mention

WORD = re.compile(r"[^\W\d_]+(?:[-'’ʼ][^\W\d_]+)*")
MAX_NGRAM = 5  # "Bad Homburg vor der Höhe", "Brandenburg an der Havel"
# how far before/after a mention the context patterns look (characters)
CONTEXT_CHARS = 80


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EndingRule(_Strict):
    ending: str
    nominative: list[str]


class CityRules(_Strict):
    """rules/<lang>/cities.yaml"""

    noun_endings: list[EndingRule] = []
    adjective_endings: list[str] = []
    derivation_suffixes: list[str] = []
    demonym_suffixes: list[str] = []
    demonyms_capitalised: bool = False  # "Ljubljančani" (sl) vs "krakowianie" (pl)
    lowercase_name_parts: bool = False  # sl: "Novo mesto", a two-word name whose second word is lowercase
    lowercase_adjectives: bool = True  # de: "Berliner" is always capitalised ("wieder" is no Wieden)
    nouns_capitalised: bool = False
    adjectives_capitalised: bool = False  # en: "the Polish city of X" (elsewhere a capitalised "Deutsche Welle" is a name)  # de: "der tschechischen Stadt Ostrava" (a country adjective may stand before a noun)
    # share of the common-word penalty kept inside a sentence, where capitals say more
    common_word_mid_sentence: float = 0.5
    stem_alternations: dict[str, list[str]] = {}
    stem_endings: list[str] = [""]
    trigger_before: list[str] = []
    # an agreement or cooperation noun and "with" ("sporazum o suradnji s", "umowę z"): the partner named next
    # counts as after a trigger word (persons, firms and countries are told apart elsewhere), but it does
    # not confirm a loose transliteration ("dohodu s Velkou Británií" is a country's name)
    partner_before: list[str] = []
    institution_before: list[str] = []
    institution_after: list[str] = []
    region_before: list[str] = []
    region_after: list[str] = []
    organisation_before: list[str] = []
    organisation_after: list[str] = []
    list_conjunctions: list[str] = []  # "і", "and": words that join the members of a list of places
    name_part_endings: list[EndingRule] = []  # "Novoj Gradiški" -> "nova gradiška": each word of a multiword name
    place_prepositions: list[str] = []  # "u", "do", "aus": a capitalised word right after one is likely a place
    country_adjectives: dict[str, list[str]] = {}  # ISO code -> adjective stems of this language only
    # adjectives of ordinary words that look derived from a place ("Gradskoj skupštini" is no Grado)
    ordinary_adjective_stems: list[str] = []
    # the nominative endings of adjectival surnames ("Marek Lipiński"): such a word after a given name
    # makes its capitalised adjective mentions the person's (an attributive "Мінскага" ends otherwise)
    surname_endings: list[str] = []
    # a neighbour language's spelling of the same name, where GeoNames lacks this language's (be: "Варонеж"
    # is ru "Воронеж"): letters always replaced, then letters replaced at each subset of their places
    spelling_letters: dict[str, str] = {}
    spelling_optional: dict[str, str] = {}
    # countries whose namesake an article in this language means when nothing else tells (en: an "Ashburton"
    # is the Devon town, not the New Zealand one); they weigh in the choice only, not in acceptance
    namesake_countries: list[str] = []
    # an administrative word that only a town or village bears ("miasto i gmina", "village of", "obec", "село"):
    # of the namesakes, not the big city
    small_town_before: list[str] = []
    # capitalised nouns that open an organisation's name before its town ("Visit X", "Culture X"): no given
    # name, so the town after them is no surname
    organisation_nouns: list[str] = []
    # compass adjectives that, capitalised right before or after a name, make it a region's or country's
    # name ("Северная Каролина", "Karolina Północna", "Južna Dakota"), not its namesake town's
    compass_words: list[str] = []
    # verbs of speaking ("stwierdziła", "заявил", "said"): a small foreign place's name right before or after
    # one is a person's ("– stwierdziła Bennett")
    speech_verbs: list[str] = []


@dataclass(frozen=True)
class EndingTables:
    """A language's ending lists in the order the derivations try them (sorted once, not per word)."""

    noun_endings: tuple[tuple[int, dict[str, tuple[list[str], ...]]], ...]  # length -> ending -> nominatives, longest first
    adjective_endings: "EndingSet"
    derivation_suffixes: "EndingSet"
    lowercase_derivation_suffixes: "EndingSet"  # a lowercase adjective needs a full suffix (two letters or more)
    demonym_suffixes: "EndingSet"
    stem_alternations: tuple[tuple[str, list[str]], ...]  # longest tail first
    derived_stem: dict[int, re.Pattern] = field(default_factory=dict)  # _has_derived_stem's pattern per stem length


# Endings grouped by length, longest first: length -> {ending: how often the rule file lists it}.
# A word ends with at most one ending of each length, so one lookup per length finds it.
EndingSet = tuple[tuple[int, dict[str, int]], ...]


def _longest_first(endings: list[str]) -> EndingSet:
    by_length: dict[int, dict[str, int]] = {}
    for ending in endings:
        counts = by_length.setdefault(len(ending), {})
        counts[ending] = counts.get(ending, 0) + 1
    return tuple(sorted(by_length.items(), reverse=True))


def _noun_endings(rules: list[EndingRule]) -> tuple[tuple[int, dict[str, tuple[list[str], ...]]], ...]:
    """The noun ending rules by length (longest first) and ending, each ending's rules in file order: a word
    ends with one ending of each length, found by one lookup."""
    by_length: dict[int, dict[str, list[list[str]]]] = {}
    for rule in rules:
        by_length.setdefault(len(rule.ending), {}).setdefault(rule.ending, []).append(rule.nominative)
    return tuple((length, {ending: tuple(found) for ending, found in endings.items()})
                 for length, endings in sorted(by_length.items(), reverse=True))


def _ending_tables(rules: CityRules) -> EndingTables:
    return EndingTables(
        noun_endings=_noun_endings(rules.noun_endings),
        adjective_endings=_longest_first(rules.adjective_endings),
        derivation_suffixes=_longest_first(rules.derivation_suffixes),
        lowercase_derivation_suffixes=_longest_first([d for d in rules.derivation_suffixes if len(d) >= 2]),
        demonym_suffixes=_longest_first(rules.demonym_suffixes),
        stem_alternations=tuple(sorted(rules.stem_alternations.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
    )


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the per-word caches
class CompiledCityRules:
    rules: CityRules
    endings: EndingTables
    trigger_before: WordThen | None
    institution_before: WordThen | None
    institution_after: re.Pattern | None
    region_before: WordThen | None
    region_after: re.Pattern | None
    organisation_before: WordThen | None
    organisation_after: re.Pattern | None
    conjunctions: re.Pattern | None = None
    preposition: WordThen | None = None
    partner_before: WordThen | None = None
    small_town_before: WordThen | None = None
    organisation_nouns: frozenset[str] = frozenset()
    compass: re.Pattern | None = None
    speech: re.Pattern | None = None


def _before(patterns: list[str], compound: bool = False) -> WordThen | None:
    """A pattern that ends right before a mention; ``compound`` also lets a hyphened second part follow
    the word ("місті-побратимі X", "горад-пабрацім X", "city-partner X")."""
    tail = r"(?:-[^\W\d_]+)?" if compound else ""
    return WordThen(patterns, tail + r"[\s«\"„“'(]*$") if patterns else None


class WordThen:
    """``(?:^|[^\\w])(?:patterns)rest``, searched in a window before each mention, as two patterns: one after
    a non-word character, which the regex engine finds by a fast scan (a pattern opening with an alternative
    tries every place), and one at the very start (match: ``^`` holds only there). Each is guarded by the
    letters the patterns begin with. Found where the single pattern is found (the callers ask only whether)."""

    def __init__(self, patterns: list[str], rest: str):
        alternation = "(?:" + "|".join(patterns) + ")"
        guard = first_letter_guard(alternation, re.I)
        self.pattern = r"(?:^|[^\w])" + alternation + rest
        self._after_other = re.compile(r"[^\w]" + guard + alternation + rest, re.I)
        self._at_start = re.compile(r"^" + guard + alternation + rest, re.I)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self._after_other.search(text, pos, endpos) or self._at_start.match(text, pos, endpos)


def _after(patterns: list[str]) -> re.Pattern | None:
    return re.compile(r"^\s*(?:" + "|".join(patterns) + r")(?!\w)", re.I) if patterns else None


def _compile(rules: CityRules) -> CompiledCityRules:
    return CompiledCityRules(
        rules, _ending_tables(rules), _before(rules.trigger_before, compound=True), _before(rules.institution_before), _after(rules.institution_after),
        _before(rules.region_before), _after(rules.region_after),
        _before(rules.organisation_before), _after(rules.organisation_after),
        re.compile("|".join(re.escape(c) for c in rules.list_conjunctions), re.I) if rules.list_conjunctions else None,
        WordThen(rules.place_prepositions, r"[ \u00a0]$") if rules.place_prepositions else None,
        _before(rules.partner_before), _before(rules.small_town_before),
        frozenset(word.lower() for word in rules.organisation_nouns),
        _words_pattern(rules.compass_words), _words_pattern(rules.speech_verbs),
    )


def _words_pattern(words: list[str], ignore_case: bool = True) -> re.Pattern | None:
    """One word of a list of patterns (matched whole)."""
    return re.compile("(?:" + "|".join(words) + ")", re.I if ignore_case else 0) if words else None


@lru_cache(maxsize=1)
def _default_rules() -> CompiledCityRules:
    return _compile(CityRules())


def city_rules(language: str) -> CompiledCityRules:
    """A language's compiled city rules; a language with no cities.yaml gets the defaults."""
    return load_compiled("cities", CityRules, language, _compile) or _default_rules()


# ---------------------------------------------------------------- candidate keys of one word

MAX_SPELLINGS = 16


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def spellings(key: str, compiled: CompiledCityRules) -> tuple[str, ...]:
    """Other spellings of a key by the language's spelling rules (be "варонеж" -> "воронеж", "варонеж"...)."""
    rules = compiled.rules
    if not rules.spelling_letters and not rules.spelling_optional:
        return ()
    fixed = "".join(rules.spelling_letters.get(ch, ch) for ch in key)
    found = [fixed]
    for i, ch in enumerate(fixed):
        if ch in rules.spelling_optional:
            found += [f[:i] + rules.spelling_optional[ch] + f[i + 1:] for f in found][:MAX_SPELLINGS - len(found)]
    return tuple(f for f in dict.fromkeys(found) if f != key)

# how a key was reached from the text, most trusted first ("geo_lemma": pymorphy3's place-name reading)
GEO_LEMMA, LEMMA, EXACT, INFLECTED = "geo_lemma", "lemma", "exact", "inflected"
ADJECTIVE, DEMONYM, FUZZY = "adjective", "demonym", "fuzzy"
TRANSLITERATED = "transliterated"  # a Cyrillic spelling matched to a Latin name by its skeleton ("Едегем")
NAME_KINDS = frozenset({GEO_LEMMA, LEMMA, EXACT, INFLECTED})  # the name itself in some case, not a derived form
KIND_RANK = {GEO_LEMMA: 0, LEMMA: 1, EXACT: 2, INFLECTED: 3, ADJECTIVE: 4, DEMONYM: 5, TRANSLITERATED: 6, FUZZY: 7}
CYRILLIC = re.compile("[\u0400-\u052f]")


def _stem_variants(base: str, rules: CityRules, endings: EndingTables) -> list[str]:
    """A derived stem with its consonant alternations undone, each with every nominative ending."""
    stems = [base]
    for tail, replacements in endings.stem_alternations:
        if base.endswith(tail):
            stems += [base[: -len(tail)] + r for r in replacements]
    return [s + e for s in stems for e in rules.stem_endings]


def _strip_longest(word: str, endings: EndingSet, min_stem: int = 3) -> list[str]:
    """``word`` without each of ``endings`` that it ends with, longest first, keeping ``min_stem`` letters."""
    stems = []
    size = len(word)
    for length, counts in endings:
        if size - length >= min_stem:
            times = counts.get(word[size - length:])
            if times:
                stems += [word[:size - length]] * times
    return stems


def adjective_stems(word: str, endings: EndingTables, lowercase: bool = False,
                    stripped: list[str] | None = None) -> list[str]:
    """Stems of a name-derived adjective: "львівською" -> ["львів", "львівськ"], "piranske" -> ["piran", "piransk"].

    The stem must end in a derivational suffix (-ськ-, -ск-, -sk-...); it is kept as well,
    since some names end in one themselves ("Донецьк", "Смоленск", "Gdańsk").
    """
    derivations = endings.lowercase_derivation_suffixes if lowercase else endings.derivation_suffixes
    stems = []
    # ``stripped``: the word's stems without an adjective ending, when the caller has them already
    for stem in _strip_longest(word, endings.adjective_endings) if stripped is None else stripped:
        bases = _strip_longest(stem, derivations, min_stem=3)
        if bases:
            stems += bases + [stem]
        elif not derivations:
            stems.append(stem)
    return list(dict.fromkeys(stems))


def demonym_stems(word: str, endings: EndingTables) -> list[str]:
    return list(dict.fromkeys(_strip_longest(word, endings.demonym_suffixes)))


def _noun_rule_keys(word: str, endings: EndingTables) -> list[str]:
    keys = []
    size = len(word)
    for length, by_ending in endings.noun_endings:
        if size - length >= 2:
            stem = word[:size - length]
            for nominative in by_ending.get(word[size - length:], ()):
                keys += [stem + n for n in nominative]
    return keys


def _reading_kind(reading: morphology.Reading) -> str:
    """A place-name reading is trusted most, a person-name reading ("Львові" as Surn "Львов") least."""
    if "Geox" in reading.grammemes:
        return GEO_LEMMA
    return INFLECTED if reading.grammemes & {"Name", "Surn", "Patr"} else LEMMA


def word_keys(word: str, language: str, lowercase: bool,
              compiled: CompiledCityRules | None = None) -> tuple[tuple[str, str], ...]:
    """(key, kind) candidates of one word; lowercase words only through adjectives and demonyms."""
    compiled = compiled or city_rules(language)
    rules, endings = compiled.rules, compiled.endings
    low = name_key(word)
    found: dict[str, str] = {}

    def add(keys, kind):
        for key in keys:
            if key and (key not in found or KIND_RANK[kind] < KIND_RANK[found[key]]):
                found[key] = kind

    adjectives = rules.lowercase_adjectives or not lowercase  # de: a lowercase word is never a city adjective
    adjective_sources = [low] if adjectives else []
    demonym_sources = [low]
    if not lowercase:
        add([low], EXACT)
        add(_noun_rule_keys(low, endings), INFLECTED)
    readings = morphology.readings(word, language)
    for reading in readings:
        if reading.pos == "NOUN" and not lowercase:
            add([name_key(reading.normal_form)], _reading_kind(reading))
        elif reading.pos in ("ADJF", "ADJS") and adjectives:
            adjective_sources.append(name_key(reading.normal_form))
        elif reading.pos == "NOUN":
            demonym_sources.append(name_key(reading.normal_form))
    if not readings:
        lemma = morphology.lemma(word, language)
        if lemma:
            lemma = name_key(lemma)
            if not lowercase:
                add([lemma], LEMMA)
            if adjectives:
                adjective_sources.append(lemma)
            demonym_sources.append(lemma)
    min_base = 4 if lowercase else 3  # a lowercase word must carry a longer stem ("kilka" is not Kiel)
    # a lowercase adjective needs a full derivational suffix (-sk-, -ск-): "białka" (-k-) is not Biała
    ordinary = rules.ordinary_adjective_stems
    for source in dict.fromkeys(adjective_sources):
        stripped = _strip_longest(source, endings.adjective_endings)
        if ordinary and any(stem in ordinary for stem in stripped):
            continue
        for stem in adjective_stems(source, endings, lowercase, stripped):
            if len(stem) >= min_base:
                add(_stem_variants(stem, rules, endings), ADJECTIVE)
    if lowercase == rules.demonyms_capitalised:
        demonym_sources = []
    for source in dict.fromkeys(demonym_sources):
        for stem in demonym_stems(source, endings):
            if len(stem) >= min_base:
                add(_stem_variants(stem, rules, endings), DEMONYM)
    for key, kind in list(found.items()):
        if kind in NAME_KINDS:
            add(spellings(key, compiled), kind)
    order = {key: i for i, key in enumerate(found)}  # the rules' own order breaks ties ("ž" -> "h" before "g")
    return tuple(sorted(found.items(), key=lambda kv: (KIND_RANK[kv[1]], order[kv[0]])))


def fuzzy_sources(word: str, language: str) -> list[str]:
    """The forms whose derived stems are matched nearly: the word and its adjective readings."""
    return [name_key(word)] + [name_key(r.normal_form) for r in morphology.readings(word, language)
                               if r.pos in ("ADJF", "ADJS")]


def fuzzy_stems(sources: list[str], endings: EndingTables) -> tuple[str, ...]:
    """Derived stems of an adjective or demonym, for near matching; each is a prefix of its source."""
    stems = []
    for source in dict.fromkeys(sources):
        stems += adjective_stems(source, endings) + demonym_stems(source, endings)
    return tuple(dict.fromkeys(stems))


# ---------------------------------------------------------------- mentions in a document

@dataclass
class Candidate:
    start: int
    end: int
    text: str
    keys: dict[str, str]  # gazetteer key -> kind of derivation
    lowercase: bool
    words: int
    place: Place | None = None
    kind: str = EXACT
    key: str = ""
    score: float = 0.0
    veto: str | None = None
    country_keys: tuple[str, ...] = ()  # keys of the word that are country names ("Mehika", "Irska")
    hints: frozenset[str] = frozenset()  # countries named beside it ("Нарва (Естонія)", "holenderskim Enschede")
    list_size: int = 1  # how many places the list it stands in names ("Tuzla, Zenica i Široki Brijeg": 3)
    list_number: int = -1  # which list of the text it stands in
    list_trigger: bool = False  # a trigger word opens its list ("з містами Фільдерштадт, ... та Остфільдерн")
    # an agreement and "with" open its list ("umowy z Dreznem, Wilnem i Kownem"), or a title does and it is
    # not the list's first member ("die Bürgermeister von Erfurt und Tampere": the title's towns, all of them)
    list_partner: bool = False
    list_preposition: bool = False  # a place preposition opens its list ("z Kowna i Ołomuńca")
    # countries named beside any mention of the same name in the article (one sense per article)
    sense_hints: frozenset[str] = frozenset()
    small_town: bool = False  # a town-or-village word stands before it ("burmistrz miasta i gminy X")


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def _separator_ok(text: str, left_end: int, right_start: int) -> bool:
    return text[left_end:right_start] in (" ", "-", "\u00a0")


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _name_part_forms(word: str, language: str) -> tuple[str, ...]:
    """Up to six keys of one word of a multi-word name: as written, its nominative forms, its lemma, its
    forms by the language's name-part endings."""
    forms = [name_key(word)]
    for parse in morphology.parses(word, language)[:4]:
        form = morphology.inflect(parse, {"nomn", "sing"}) if "ADJF" in str(parse.tag) else parse.normal_form
        if form:
            forms.append(name_key(form))
    lemma = morphology.lemma(word, language) if not morphology.analyser(language) else None
    if lemma:
        forms.append(name_key(lemma))
    low = name_key(word)
    for rule in city_rules(language).rules.name_part_endings:  # longest endings are listed first
        if low.endswith(rule.ending) and len(low) > len(rule.ending) + 1:
            forms += [low[:len(low) - len(rule.ending)] + nominative for nominative in rule.nominative]
    return tuple(dict.fromkeys(forms))[:6]


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _ngram_keys(words: tuple[str, ...], language: str, gazetteer: Gazetteer) -> tuple[tuple[str, str], ...]:
    """Keys of a multi-word name: exact, or each word in its nominative (pymorphy3) form."""
    keys: dict[str, str] = {}
    exact = name_key(" ".join(words))
    if exact in gazetteer:
        keys[exact] = EXACT
    rules = city_rules(language)
    first, opens = _first_word_forms(words[0], language, gazetteer)
    if not opens:
        # no multi-word name starts with any form of the first word: perhaps another language's spelling
        return tuple(keys.items()) or _part_or_near_keys(words, language, gazetteer)
    per_word = [first] + [_name_part_forms(w, language) for w in words[1:]]
    combos = [""]
    for forms in per_word:
        combos = [f"{c} {f}".strip() for c in combos for f in forms][:64]
    for key in combos:
        if key not in gazetteer:
            key = next((v for v in spellings(key, rules) if v in gazetteer), key)
        if key not in gazetteer:
            key = _folded(key)  # "Spišskej Sobote" -> "spisska sobota", a name GeoNames keeps without diacritics
        if key in gazetteer and key not in keys:
            keys[key] = LEMMA
    return tuple(keys.items()) or _part_or_near_keys(words, language, gazetteer)


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _first_word_forms(word: str, language: str, gazetteer: Gazetteer) -> tuple[tuple[str, ...], bool]:
    """The forms and spellings of a name's first word, and whether a multi-word name opens with one of them:
    once per word, not once per n-gram that it opens."""
    forms = _name_part_forms(word, language)
    forms += tuple(v for form in forms for v in spellings(form, city_rules(language)))
    return forms, any(gazetteer.names.has_prefix(form + " ") for form in forms)


def _part_or_near_keys(words: tuple[str, ...], language: str, gazetteer: Gazetteer) -> tuple[tuple[str, str], ...]:
    return _part_keys(words, language, gazetteer) or _near_part_keys(words, language, gazetteer)


def _near_part_keys(words: tuple[str, ...], language: str, gazetteer: Gazetteer) -> tuple[tuple[str, str], ...]:
    """A foreign multiword name with a declined adjective part in a spelling too far for the exact skeleton
    ("s polskou Bystřicí Kladskou", Bystrzyca Kłodzka): a near match of the part skeletons (FUZZY, kept only
    beside its country, _evidence). Only capitalised words none of which is an ordinary word or a given name."""
    settings = geo_rules().fuzzy
    last = name_key(words[-1])
    if not all(_is_capitalised(w) for w in words) or not _strip_longest(last, city_rules(language).endings.adjective_endings):
        return ()
    first = _part_skeleton(name_key(words[0]))  # the first core of the first word: where near_parts looks
    if len(first) >= 2 and not gazetteer.has_near_parts(len(words), first[:2]):
        return ()  # no multiword name of as many words opens with those letters: no part skeletons to build
    if any("Name" in r.grammemes for r in morphology.readings(words[0], language)) or any(
            morphology.is_common_word(w, language) for w in words):
        return ()
    cores = [_word_cores(w, language) for w in words]
    parts = " ".join(c[0] for c in cores)  # the nominative's skeleton, and the adjective's stem for the last word
    parts = parts.rsplit(" ", 1)[0] + " " + cores[-1][-1] if len(cores[-1]) > 1 else parts
    if len(parts) - parts.count(" ") < settings.part_min_letters:
        return ()
    return tuple((key, FUZZY) for key in gazetteer.near_parts(parts, settings.part_min_ratio, settings.part_min_word_ratio))


MIN_END_LETTERS = 3  # and its first and last words this many ("rosor d ved", not "n london")
MIN_PART_LETTERS = 6  # a multiword skeleton match needs this many letters ("elen gor", not "san d")


def _part_keys(words: tuple[str, ...], language: str, gazetteer: Gazetteer) -> tuple[tuple[str, str], ...]:
    """A foreign multiword name in this language's spelling ("v Ostrově Velkopolském", "Търгу Муреш",
    "Sremsko Mitrovico"): each word's nominative forms and adjective stem reduced to their transliteration
    skeletons and matched word by word to GeoNames' Latin names."""
    if any("Name" in r.grammemes for r in morphology.readings(words[0], language)):
        return ()  # "Іван Петренко": a given name opens a person's name (pymorphy3 languages)
    per_word = []
    for word in words:
        cores = _word_cores(word, language)
        if not per_word and not any(gazetteer.opens_parts(core) for core in cores):
            return ()
        if len(per_word) == 1 and not any(gazetteer.opens_parts_with(f"{a} {b}") for a in per_word[0] for b in cores):
            return ()  # most pairs of capitalised words (a person's name) stop here
        per_word.append(cores)
    if min(max(map(len, per_word[0])), max(map(len, per_word[-1]))) < MIN_END_LETTERS:
        return ()  # "Но Лондон": a short word that opens a sentence is no part of a name
    combos = [""]
    for cores in per_word:
        combos = [f"{c} {core}".strip() for c in combos for core in cores][:64]
    keys: dict[str, str] = {}
    for combo in combos:
        if len(combo) - combo.count(" ") >= MIN_PART_LETTERS:
            for key in gazetteer.by_parts(combo):
                keys.setdefault(key, TRANSLITERATED)
    return tuple(keys.items())


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _word_cores(word: str, language: str) -> tuple[str, ...]:
    """The skeletons of a word's nominative forms and of its stem without an adjective ending
    ("Velkopolském" -> "velkopolsk"), once per word: every n-gram from it asks again."""
    forms = list(_name_part_forms(word, language))
    forms += _strip_longest(name_key(word), city_rules(language).endings.adjective_endings)[:1]
    return tuple(dict.fromkeys(_part_skeleton(form) for form in forms))


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _part_skeleton(form: str) -> str:
    return skeleton(form, geo_rules().gazetteer.transliteration)


# the words of the article's text: the cities and officials stages both read them (equal, not always the same texts)
article_words = LastArgumentMemo(lambda text: list(WORD.finditer(text)), key=lambda text: text)


def candidates(text: str, language: str, gazetteer: Gazetteer, geo: GeoRules,
               words: list[re.Match] | None = None) -> list[Candidate]:
    """The candidate mentions of a text (``words``: its WORD matches, when already found)."""
    words = list(WORD.finditer(text)) if words is None else words
    surfaces = [w.group() for w in words]
    fuzzy = (geo.fuzzy.min_stem_letters, geo.fuzzy.min_ratio, geo.gazetteer.fuzzy_prefix)
    compiled = city_rules(language)
    places = {s: _word_places(s, language, compiled, gazetteer, *fuzzy) for s in dict.fromkeys(surfaces)}
    found: list[Candidate] = []
    covered_until = -1
    for i, surface in enumerate(surfaces):
        word = words[i]
        if word.start() < covered_until:
            continue
        if _is_capitalised(surface):  # only capitalised words start a multi-word name
            ngram = _longest_ngram(words, i, text, language, gazetteer, compiled.rules.lowercase_name_parts,
                                   compiled.institution_after)
            if ngram is not None:
                found.append(ngram)
                covered_until = ngram.end
                continue
        if places[surface] is not None and not _person_read_alone(word, places[surface], language):
            single = _single_word(word, surface, places[surface])
            if single is not None:
                found.append(single)
        elif places[surface] is None and _is_capitalised(surface) and CYRILLIC.match(surface):
            short = _short_name_in_country(word, language, gazetteer)
            if short is not None:
                found.append(short)
    return found


PARENTHESISED = re.compile(r"[ \u00a0]*\(([^\W\d_]+(?: [^\W\d_]+)?)\)")


def _short_name_in_country(word: re.Match, language: str, gazetteer: Gazetteer) -> Candidate | None:
    """"Йихви (Естония)", "Вейхай (Китай)": a short name whose skeleton is too loose on its own ("igv") reaches
    the places of that skeleton in the country named in parentheses right after it."""
    country = PARENTHESISED.match(word.string, word.end(), word.end() + 40)
    code = country and country_named(country.group(1), language)
    if not code:
        return None
    keys = _short_skeleton_keys(word.group(), language, code, gazetteer)
    return Candidate(word.start(), word.end(), word.group(), dict.fromkeys(keys, TRANSLITERATED), False, 1) if keys else None


@lru_cache(maxsize=4096)
def _short_skeleton_keys(surface: str, language: str, country: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    """Latin keys of places in ``country`` whose skeleton is that of a nominative reading of the word, for the
    skeletons too short for _transliterated_keys (longer ones were asked there, with its own checks)."""
    keys: dict[str, None] = {}
    shortest = geo_rules().fuzzy.min_skeleton_letters
    for key, kind in word_keys(surface, language, False):
        found = _part_skeleton(key) if kind in NAME_KINDS else ""
        if found and len(found) < shortest:
            for latin in gazetteer.transliterated(found):
                if any(p.country_code == country for p in _places_named(gazetteer, latin)):
                    keys[latin] = None
    return tuple(keys)


LINE_HEAD = re.compile(r"(?:^|\n)[^\W\d_]+(?: [^\W\d_]+)?\s*[–—-]\s*[^\n]*$")


def _person_read_alone(word: re.Match, found: tuple, language: str) -> bool:
    """A word read as a person's name that reaches places only by its skeleton is a candidate only where a
    country can stand beside it: a parenthesis after it ("Хярнёсанд (Швеция)") or a line headed by a
    country ("Чехія – ..."); elsewhere ("Байден, Обама и Клинтон") it would lengthen a list of places."""
    if any(kind != TRANSLITERATED for _, kind in found[0]) or not _ordinary_or_personal(word.group(), language):
        return False
    text = word.string
    return not (text[word.end():word.end() + 3].lstrip().startswith("(")
                or LINE_HEAD.search(text, max(0, word.start() - 200), word.start()))


def _longest_ngram(words, i, text, language, gazetteer, lowercase_last: bool,
                   institution: re.Pattern | None = None) -> Candidate | None:
    """The longest multi-word name from the capitalised word ``words[i]`` on."""
    last = i  # the words joined to words[i] by a space or hyphen only
    while last + 1 < len(words) and last - i + 1 < MAX_NGRAM and _separator_ok(text, words[last].end(),
                                                                              words[last + 1].start()):
        last += 1
    for n in range(last - i + 1, 1, -1):
        span = words[i: i + n]
        if not _is_capitalised(span[-1].group()) and (n > 2 or not lowercase_last):
            continue  # but "Novo mesto", "v Novem mestu" (sl)
        keys = _ngram_keys(tuple(w.group() for w in span), language, gazetteer)
        if keys and all(kind == FUZZY for _, kind in keys) and not (i and country_adjective(words[i - 1].group(), language)):
            continue  # a near multiword match only right after its country's adjective ("s polskou Bílou Podlaskou")
        if keys and not _institution_swallowed(span, keys, gazetteer, institution):
            start, end = span[0].start(), span[-1].end()
            return Candidate(start, end, text[start:end], dict(keys), False, n)
    return None


def _institution_swallowed(span, keys: tuple[tuple[str, str], ...], gazetteer: Gazetteer,
                           institution: re.Pattern | None) -> bool:
    """"Bristol City Council": the last word opens an institution's name, and the words before it name a
    bigger place than the whole does (a small "Bristol City" abroad); "Salt Lake City Council" keeps its city."""
    last = span[-1]
    found = institution.match(last.string[last.start():last.start() + 40]) if institution else None
    if found is None or found.end() <= len(last.group()):
        return False
    shorter = name_key(last.string[span[0].start():span[-2].end()])
    whole = max((p.population for key, _ in keys for p in _places_named(gazetteer, key)), default=0)
    return any(p.population > whole for p in _places_named(gazetteer, shorter))


def _in_capitals_run(word: re.Match) -> bool:
    text = word.string
    before = re.search(r"([^\W\d_]{2,})\W{1,3}$", text[max(0, word.start() - 40):word.start()])
    after = re.match(r"\W{1,3}([^\W\d_]{2,})", text[word.end():word.end() + 40])
    return any(m is not None and m.group(1).isupper() for m in (before, after))


@lru_cache(maxsize=40_000)
def _near_keys(stem: str, min_ratio: float, prefix: int) -> tuple[str, ...]:
    return tuple(key for key, _score in load_gazetteer().near(stem, min_ratio, prefix)[:1])


def _single_word(word: re.Match, surface: str, found: tuple) -> Candidate | None:
    """The mention of a word that can name places (``found``: its _word_places)."""
    if surface.isupper() and (len(surface) <= 4 or _in_capitals_run(word)):
        return None  # abbreviations ("PTI", "USA") and shouting lines ("ТЪРГОВСКА МАРКА")
    keys, countries = found
    return Candidate(word.start(), word.end(), surface, dict(keys), not _is_capitalised(surface), 1,
                     country_keys=countries)


# Every distinct word of every article is asked (~200 per news article), most of them lowercase words that
# name nothing (None, small entries). On 2,663 news articles of 8 languages in one process: 20,000 entries
# missed 230,000 times (12.2 s in misses), 60,000 missed 156,000 (9.4 s) for 11 MB more; 100,000: 9.2 s.
WORD_PLACES_CACHE_SIZE = 60_000


@lru_cache(maxsize=WORD_PLACES_CACHE_SIZE)
def _word_places(surface: str, language: str, compiled: CompiledCityRules, gazetteer: Gazetteer,
                 min_stem_letters: int, min_ratio: float,
                 fuzzy_prefix: int) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]] | None:
    """What one word can name wherever it stands: its gazetteer keys with their kinds and its country keys."""
    lowercase = not _is_capitalised(surface)
    if lowercase and not _derives_stem(surface, language, compiled.endings, min(4, min_stem_letters)):
        return None  # most lowercase words: neither word_keys (stems of 4 letters) nor a near match (6) can start
    all_keys = word_keys(surface, language, lowercase, compiled)
    if "-" in surface and not lowercase:  # "Франкфурті-на-Майні": only the first part of the name inflects
        head, rest = surface.split("-", 1)
        all_keys += tuple((f"{key}-{name_key(rest)}", kind) for key, kind in word_keys(head, language, False, compiled)
                          if kind not in (ADJECTIVE, DEMONYM))
    countries = tuple(k for k, kind in all_keys if k in gazetteer.countries and kind not in (ADJECTIVE, DEMONYM))
    keys = {k: kind for k, kind in all_keys if k in gazetteer}
    latin_fallback = not keys and not CYRILLIC.match(surface)  # "Volodymyr-Volynskyj", "Tschernihiw": other schemes
    if not lowercase and not countries and (CYRILLIC.match(surface) or latin_fallback) \
            and not _ordinary_or_personal(surface, language, not keys and CYRILLIC.match(surface) is not None):
        # "Торунь" names a Ukrainian village in GeoNames' Cyrillic; the skeleton also reaches Toruń. Beside
        # other readings a skeleton counts only as a big city's own name ("Вярска" is not Warsaw). A Cyrillic
        # word read as a person's name and as no place is transliterated too, but needs its country (_evidence)
        read = bool(keys)
        for key, kind in _transliterated_keys(_with_yo(all_keys, surface), gazetteer).items():
            if not read or _big_own_name(key, gazetteer):  # every skeleton match of an unread word (a name and its -e twin)
                keys.setdefault(key, kind)
    if not keys:
        sources = fuzzy_sources(surface, language)
        # a stem is a prefix of its source, and near() looks only in the bucket of the stem's first letters
        if min_stem_letters >= fuzzy_prefix and not any(s[:fuzzy_prefix] in gazetteer.fuzzy for s in sources):
            sources = []
        for stem in fuzzy_stems(sources, compiled.endings):
            if len(stem) >= min_stem_letters:
                for key in _near_keys(stem, min_ratio, fuzzy_prefix):
                    keys.setdefault(key, FUZZY)
    if not keys:
        return None
    return tuple(keys.items()), countries


def _with_yo(all_keys: tuple[tuple[str, str], ...], surface: str) -> tuple[tuple[str, str], ...]:
    """The keys with the ё that name_key folds to е put back where the word writes it: "Хярнёсанд" is an ö."""
    low = surface.lower()
    if "ё" not in low:
        return all_keys
    yo = [i for i, letter in enumerate(low) if letter == "ё"]
    return tuple(("".join("ё" if i in yo and letter == "е" else letter for i, letter in enumerate(key)), kind)
                 for key, kind in all_keys)


def _derives_stem(surface: str, language: str, endings: EndingTables, min_letters: int) -> bool:
    """Whether some form of a lowercase word (as written, its readings, its lemma: every source of word_keys
    and fuzzy_sources) has an adjective or demonym stem of ``min_letters`` letters, the only way it names a place.
    The written form is tried first: it needs no dictionary."""
    if _has_derived_stem(name_key(surface), endings, min_letters):
        return True
    forms = [name_key(form) for form in morphology.normal_forms(surface, language)]
    if not forms:  # word_keys takes the lemma where there are no readings
        lemma = morphology.lemma(surface, language)
        forms += [name_key(lemma)] if lemma else []
    return any(_has_derived_stem(form, endings, min_letters) for form in dict.fromkeys(forms))


def _has_derived_stem(form: str, endings: EndingTables, min_letters: int) -> bool:
    """Whether adjective_stems (either suffix table) or demonym_stems give ``form`` a stem of ``min_letters``
    letters, without building them: an adjective stem is the longest of its derivations, and it is kept when
    a derivation suffix strips from it (the lowercase suffixes are a subset) or when a table is empty."""
    pattern = endings.derived_stem.get(min_letters)
    if pattern is None:
        pattern = endings.derived_stem[min_letters] = _derived_stem_pattern(endings, min_letters)
    return pattern.fullmatch(form) is not None


def _derived_stem_pattern(endings: EndingTables, min_letters: int) -> re.Pattern:
    """_has_derived_stem as one pattern: [at least 3 letters][derivation suffix][adjective ending], the stem
    before the ending at least ``min_letters`` long (any stem where no suffix has two letters), or a demonym
    suffix after such a stem. A word is asked once; a pattern walks it in C."""
    least = max(3, min_letters)  # _strip_longest keeps three letters before an ending
    adjectives = _alternation(endings.adjective_endings)
    branches = []
    if adjectives and not endings.lowercase_derivation_suffixes:
        branches.append(f".{{{least},}}{adjectives}")
    elif adjectives:
        branches += [f".{{{max(3, least - length)},}}{_alternation(((length, suffixes),))}{adjectives}"
                     for length, suffixes in endings.derivation_suffixes]
    demonyms = _alternation(endings.demonym_suffixes)
    if demonyms:
        branches.append(f".{{{least},}}{demonyms}")
    return re.compile("(?s)(?:" + "|".join(branches) + ")" if branches else "(?!)")


def _alternation(endings: EndingSet) -> str:
    words = [re.escape(ending) for _, counts in endings for ending in counts]
    return "(?:" + "|".join(words) + ")" if words else ""


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _ordinary_or_personal(surface: str, language: str, persons_allowed: bool = False) -> bool:
    """"Воду", "Мухаммеда": a word pymorphy3 reads as a common word or a person's name is not transliterated
    (a person's name is, where ``persons_allowed``)."""
    if morphology.analyser(language) is None:
        return False
    if not persons_allowed and any(r.grammemes & {"Name", "Surn", "Patr"} for r in morphology.readings(surface, language)):
        return True
    if _capitalised_compound(surface):  # "Франкфурт-на-Майні": the dictionary's plain noun is still a name
        return False
    return morphology.is_common_word(surface, language) and not morphology.readings(surface, language)[0].grammemes & {"Geox"}


def _capitalised_compound(surface: str) -> bool:
    """Two or more capitalised parts joined by hyphens ("Франкфурт-на-Майні", "Ла-Рошель")."""
    return sum(1 for part in surface.split("-") if part[:1].isupper()) >= 2


def _big_own_name(key: str, gazetteer: Gazetteer) -> bool:
    big = geo_rules().scoring.big_population
    return any(_own_name(p) == key and p.population >= big for p in _places_named(gazetteer, key))


def _transliterated_keys(all_keys: tuple[tuple[str, str], ...], gazetteer: Gazetteer) -> dict[str, str]:
    """Latin names whose skeleton equals that of one of the word's nominative readings ("Едегем" -> edegem)."""
    geo = geo_rules()
    keys: dict[str, str] = {}
    asked = set()  # keys that end in vowels share a skeleton: what it reaches is in ``keys`` already
    for key, kind in all_keys:
        if kind not in NAME_KINDS:
            continue  # a derived stem is never transliterated: no skeleton to build
        found = _part_skeleton(key)  # the multiword parts ask the same forms' skeletons
        question = (found, kind != INFLECTED and bool(CYRILLIC.match(key)), kind != INFLECTED)
        if question in asked:
            continue
        asked.add(question)
        if len(found) >= geo.fuzzy.min_skeleton_letters:
            # a variant only of the word's nominative: a stripped inflected form is loose enough already
            variants = _variant_matches(found, gazetteer, bool(CYRILLIC.match(key))) if kind != INFLECTED else ()
            for latin in gazetteer.transliterated(found) + variants:
                keys.setdefault(latin, TRANSLITERATED)
    return keys


def _compile_skeleton_variants(geo: GeoRules) -> tuple[tuple[re.Pattern, str, frozenset[str], bool, bool], ...]:
    return tuple((re.compile(v.pattern), v.replacement, frozenset(v.countries), v.each, v.cyrillic_only)
                 for v in geo.fuzzy.skeleton_variants)


def _variant_matches(found: str, gazetteer: Gazetteer, cyrillic: bool) -> tuple[str, ...]:
    """Latin names of places in the countries that spell one sound otherwise ("Кампина": the k of a
    Romance c, Câmpina)."""
    matches: tuple[str, ...] = ()
    for pattern, replacement, countries, each, cyrillic_only in load_compiled("geo", GeoRules, None, _compile_skeleton_variants):
        if cyrillic_only and not cyrillic:
            continue
        variants = [found[:m.start()] + replacement + found[m.end():] for m in pattern.finditer(found)] if each \
            else [pattern.sub(replacement, found)]
        for variant in dict.fromkeys(v for v in variants if v != found):
            matches += tuple(key for key in gazetteer.transliterated(variant)
                             if any(p.country_code in countries for p in _places_named(gazetteer, key)))
    return matches


# ---------------------------------------------------------------- choosing and accepting

def _region_named_after(text: str, end: int, gazetteer: Gazetteer) -> tuple[str, str | None] | None:
    """"Odessa, Texas" / "Odessa (Ukraine)": the country or US state written right after a name."""
    match = re.match(r"\s*[,(]\s*([^\W\d_]+(?:\s[^\W\d_]+)?)", text[end:end + 40])
    if not match:
        return None
    words = match.group(1)
    return gazetteer.regions.get(name_key(words)) or gazetteer.regions.get(name_key(words.split()[0]))


def _choose(candidate: Candidate, gazetteer: Gazetteer, geo: GeoRules, home: set[str],
            co_countries: dict[str, set[int]], region: tuple[str, str | None] | None,
            written: dict[int, set[str]] | None = None, neighbours: frozenset[str] = frozenset(),
            known: dict | None = None) -> None:
    """The candidate's likeliest place. Only the co-country and written points depend on the pass: the other
    terms are kept in ``known`` and summed again in the same order, so the scores are equal."""
    memo_key = ("choose", id(candidate), tuple(candidate.keys.items()), region, candidate.hints, candidate.sense_hints)
    options = known.get(memo_key) if known is not None else None
    if options is None:
        options = _choice_terms(candidate, gazetteer, geo, home, region, neighbours)
        if known is not None:
            known[memo_key] = options
    namesakes = options[0]
    best: tuple | None = None
    for place, kind, key, score, tail in options[1]:
        if place.country_code not in home and co_countries.get(place.country_code, set()) - namesakes:
            # another place of the article lies in that country; for a home country the home points
            # already say so (a home village named like a big foreign city is no likelier for it)
            score += geo.scoring.choose_co_country
        if written and written.get(place.geonames_id, {candidate.text}) - {candidate.text}:
            # one sense per article: another word's "Lipno" makes "z Lipna" that Lipno (not its own first guess)
            score += geo.scoring.choose_region_named
        for term in tail:
            score += term
        rank = (score, -KIND_RANK[kind], -place.geonames_id)
        if best is None or rank > best[0]:
            best = (rank, place, kind, key)
    if best is not None:
        _, candidate.place, candidate.kind, candidate.key = best


def _choice_terms(candidate: Candidate, gazetteer: Gazetteer, geo: GeoRules, home: set[str],
                  region: tuple[str, str | None] | None, neighbours: frozenset[str]) -> tuple[frozenset[int], list]:
    """The places the candidate's keys reach with their kind and key, each with its points before the
    co-country points (summed) and those after them (in the order they add up); and the keys' namesakes."""
    namesakes, own_name_reached = _places_of_keys(gazetteer, tuple(candidate.keys))
    reached: set[int] = set()
    read_otherwise = any(kind != TRANSLITERATED for kind in candidate.keys.values())
    options = []
    for key, kind in candidate.keys.items():  # most trusted kind first: a place keeps the kind it is reached by first
        for place in _places_named(gazetteer, key):
            if place.geonames_id in reached or (kind == TRANSLITERATED and (read_otherwise or own_name_reached)
                                                 and _own_name(place) != key):  # "Аризона" is no Yuma (alias "Arizonia")
                continue
            reached.add(place.geonames_id)
            score = population_weight(place.population)
            if place.geonames_id in own_name_reached:
                score += geo.scoring.choose_own_name
            if place.country_code in home and (place.geonames_id in own_name_reached or CYRILLIC.match(key)
                                               or place.population >= geo.scoring.medium_population):
                # a home village reached by an old alias only ("Równe") is no likelier than the city it names
                score += geo.scoring.choose_home_country
            if kind == ADJECTIVE and candidate.lowercase and place.country_code in neighbours and place.country_code not in home:
                score += geo.scoring.choose_neighbour  # "goriški" is Gorica across the border, not Gori in Georgia
            tail = []
            if (region and place.country_code == region[0] and region[1] in (None, place.admin1)) \
                    or place.country_code in candidate.hints:
                tail.append(geo.scoring.choose_region_named)
            elif place.country_code in candidate.sense_hints:
                # one sense per article: "Valence in southern France" once leans every "Valence" French
                tail.append(geo.scoring.choose_sense_named)
            if candidate.small_town and place.population >= geo.scoring.big_population:
                tail.append(-geo.scoring.choose_region_named)  # "wsi X", "village of X": no big city
            options.append((place, kind, key, score, tail))
    return namesakes, options


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _places_of_keys(gazetteer: Gazetteer, keys: tuple[str, ...]) -> tuple[frozenset[int], frozenset[int]]:
    """The places a word's keys reach, and those reached by their own name (asked in both passes, and
    again for every mention of the word)."""
    namesakes = frozenset(i for key in keys for i in gazetteer.names.get(key, ()))
    own_name_reached = frozenset(place.geonames_id for key in keys for place in _places_named(gazetteer, key)
                                 if _own_name(place) == key)
    return namesakes, own_name_reached


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _places_named(gazetteer: Gazetteer, key: str) -> tuple[Place, ...]:
    return tuple(gazetteer.lookup(key))


def _own_name(place: Place) -> str:
    return _name_key(place.name)


_name_key = lru_cache(maxsize=morphology.WORD_CACHE_SIZE)(name_key)


def _country_named(c: Candidate, gazetteer: Gazetteer, trust_population: int, home: set[str]) -> bool:
    """A country's name ("Irska", "Włochy", "Kina"), unless it is also the own name of the place (Luxembourg);
    or a US state's ("Floridi" is not Floridablanca), unless the place is the state's namesake city of
    some size (Washington, not the village California) or a big one (New York)."""
    for key in c.country_keys:
        if not (c.place.country_code == gazetteer.countries[key] and _own_name(c.place) == key):
            return True
    if c.place.population >= trust_population:
        return False
    medium = geo_rules().scoring.medium_population
    region = gazetteer.regions.get(c.key)
    if region and region[1] and not (_own_name(c.place) == c.key and c.place.population >= medium):
        return True
    # "w Arizonie", "в Вирджинии": a word that reaches a namesake of a US state abroad (Arizona HN) or a US
    # village names the state; but a home town ("Монтана" in a bg text) is that town, and a word that also
    # reaches the state's namesake city of some size ("Вашингтон") names the city
    own = _own_name(c.place)
    own_region = gazetteer.regions.get(own)
    if not (own_region and own_region[1]) or c.place.country_code in home:
        return False
    return not any(p.country_code == own_region[0] and p.population >= medium and _own_name(p) == own
                   for key in c.keys for p in _places_named(gazetteer, key))


NEXT_WORDS = re.compile(r"[ \u00a0]([^\W\d_]+\.?)(?:[ \u00a0]([^\W\d_]+\.?))?")


def _opens_country_name(c: Candidate, text: str, language: str, gazetteer: Gazetteer, lexicon: CountryLexicon) -> bool:
    """"Korea Płn.", "Съединени щати": the mention is the first word of a country's name of several words."""
    after = NEXT_WORDS.match(text, c.end, c.end + 40)
    if after is None:
        return False
    words = c.text
    for word in after.groups():
        if word is None:
            return False
        words = f"{words} {word}"
        if _country_in_words(words, language, gazetteer, lexicon) or (
                words.endswith(".") and _country_in_words(words[:-1], language, gazetteer, lexicon)):
            return True
    return False


def _home_town_name(c: Candidate, place: Place, home: set[str], language: str, rules: CompiledCityRules) -> bool:
    """"Olomouc má už dvanáct smluv", "Koper se pripravlja": a town of the article's own country whose name is
    no ordinary word of the language needs no other sign at a sentence start. Not where every noun is
    capitalised (de): the dictionary then writes "Lage" (a situation) as it writes a town's name."""
    return place.country_code in home and c.kind in NAME_KINDS \
        and not rules.rules.nouns_capitalised and not morphology.is_ordinary_word(c.text, language)


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 4):start]
    # a line break then only punctuation ("\n• X"); "\nZ X": the preposition opens the line, not X
    return start == 0 or bool(re.search(r"(^|[.!?\n:…])[\s\"«„“'(—–-]*$|\n\W*$", before))


def _person_context(candidate: Candidate, text: str, words: dict[int, re.Match], language: str,
                    institution_follows: bool = False, trigger: bool = False) -> str | None:
    """"veto" when a given name stands right before (pymorphy3 Name), "near" for another capitalised word
    (but not for the capitalised institution that follows: "Shibetsu Council", "Arklow Municipal District")."""
    if candidate.lowercase:
        return None
    found = word_before_space(text, max(0, candidate.start - 30), candidate.start)
    before = found.word if found else None
    after = SPACE_THEN_WORD.match(text, candidate.end, candidate.end + 30)
    if before and any("Name" in r.grammemes for r in morphology.readings(before, language)) \
            and _is_capitalised(before) and candidate.kind in NAME_KINDS:
        return "veto"  # "Александр Борисов"
    if after and _is_capitalised(after.group(1)) and candidate.kind in (GEO_LEMMA, EXACT, LEMMA) \
            and any("Name" in r.grammemes for r in morphology.readings(candidate.text, language)):
        return "veto"  # "Владимир Цумарев"
    if re.match(r"[ \u00a0][^\W\d_]\.[ \u00a0]?[^\W\d_]", text[candidate.end:candidate.end + 6]):
        return "near"  # "George W. Bush": an initial follows, as in a name
    if before and _sentence_start(text, candidate.start - len(before) - 1):
        before = None  # "Делегація Білої Церкви": the first word of a sentence is capitalised anyway
    if before and (trigger or not _name_word(before, language, text, candidate.text)):
        before = None  # "Фундація Гданська", "Partnerstadt Olmütz": an ordinary noun or a trigger, no given name
    for word in (before, None if institution_follows or not after else after.group(1)):
        if word and _is_capitalised(word) and not word.isupper():
            return "near"  # "Zoran Janković", "Володимир Глухов": capitalised words side by side, as in a name
    return None


def _given_name_after_title(c: Candidate, text: str, before: str, rules: CompiledCityRules, language: str) -> bool:
    """"Primátor Pavel Hrubeš", "Міський голова Петро Гнатюк": a title, then one word and a surname
    is a given name; a city between title and name has the whole name after it ("gradonačelnik Kranja
    Janez Hribar", "Primátor Brna Ing. Tomáš Dvořák": a degree opens that name), and where pymorphy3
    can tell, stands in the genitive ("мэр Москвы Собянин")."""
    if c.words != 1 or c.lowercase or not (rules.institution_before and rules.institution_before.search(before)):
        return False
    if rules.preposition and rules.preposition.search(before):
        return False  # "Oberbürgermeister von Regensburg Kooperationsvereinbarungen": a place preposition's town
    after = re.match(r"[ \u00a0]([^\W\d_]+)(?:[ \u00a0]([^\W\d_]+))?", text[c.end:c.end + 60])
    if not after or not _is_capitalised(after.group(1)) or after.group(1).isupper():
        return False
    if _degree(after.group(1), language):
        return False
    if after.group(2) and _is_capitalised(after.group(2)):
        return False
    return not (morphology.analyser(language) and _may_be_genitive(c.text, language))


WORD_AFTER = re.compile(r"[ \u00a0]([^\W\d_]+)")
WORD_AFTER_COMMA = re.compile(r",?[ \u00a0]([^\W\d_]+)")


def _full_name_after(c: Candidate, text: str) -> bool:
    """Two capitalised words follow: a whole name, so the candidate is no given name of it."""
    after = re.match(r"[ \u00a0]([^\W\d_]+)[ \u00a0]([^\W\d_]+)", text[c.end:c.end + 60])
    return bool(after) and all(_is_capitalised(w) and not w.isupper() for w in after.groups())


def _surname_after(c: Candidate, text: str, language: str) -> bool:
    """The next word reads as a surname or patronymic (pymorphy3 only), as after a given name."""
    after = WORD_AFTER.match(text, c.end, c.end + 40)
    return bool(after) and any(r.grammemes & {"Surn", "Patr"} for r in morphology.readings(after.group(1), language))


def _degree(word: str, language: str) -> bool:
    pattern = _degree_pattern(language)
    return bool(pattern and pattern.fullmatch(word))


@lru_cache(maxsize=None)
def _degree_pattern(language: str) -> re.Pattern | None:
    honorifics = name_rules(language).honorifics  # "Ing", "dr", "инж": degrees and honorifics before a name
    return re.compile("(?:" + "|".join(honorifics) + ")", re.I) if honorifics else None


def _quoted(text: str, start: int, end: int) -> bool:
    """«Лева», "Вашингтон пост": a name opening a quotation is the name of something else (a firm, a paper)."""
    if text[start - 1:start] not in ("«", '"', "„", "“"):
        return False
    return bool(re.match(r"[^\n.!?«»\"„“”]{0,40}[»\"“”]", text[end:end + 42]))


def _evidence(c: Candidate, doc: AnnotatedDoc, language: str, geo: GeoRules, rules: CompiledCityRules,
              home: set[str], co_countries: dict[str, set[int]], gazetteer: Gazetteer, surnames: set[str],
              known: dict, peers: list[Candidate] = ()) -> None:
    """The candidate's score and veto. Only the co-country points depend on the pass; the other terms are
    kept in ``known`` (per candidate and choice) and summed again in the same order, so the sums are equal."""
    place = c.place
    memo_key = (id(c), place.geonames_id, c.kind, c.key)
    terms = known.get(memo_key)
    if terms is None:
        terms = known[memo_key] = _evidence_terms(c, doc, language, geo, rules, home, surnames)
    head, tail, veto = terms
    score = 0.0
    for term in head:
        score += term
    if co_countries.get(place.country_code, set()) - {place.geonames_id}:
        score += geo.scoring.co_country_points
    if c.list_size > 2 and any(o.place and o.place.country_code == place.country_code
                               and o.place.geonames_id != place.geonames_id for o in peers):
        score += geo.scoring.list_same_country_points  # "Кохтла-Ярве, Нарвы, Силламяэ, Тапа": one country's towns
    for term in tail:
        score += term
    if veto is not None:
        c.veto = veto
    c.score = score


DATELINE_DASH = re.compile(r"[ \u00a0]+[—–-][ \u00a0]")


def _dateline(c: Candidate, text: str) -> bool:
    """"Вашингтон — Президент ...": a name that opens a line, then a dash, is the dateline's place."""
    return (c.start == 0 or text[c.start - 1] == "\n") and DATELINE_DASH.match(text, c.end) is not None


def _words_beside(c: Candidate, text: str, comma: bool = False) -> tuple[str, str]:
    """The word right before the mention (two letters or more: the compass and speech words are longer) and
    the word right after it (where ``comma``, also after a comma), or ""."""
    before = word_before_space(text, max(0, c.start - 30), c.start)
    after = (WORD_AFTER_COMMA if comma else WORD_AFTER).match(text, c.end, c.end + 30)
    return before.word if before else "", after.group(1) if after else ""


def _organisation_word_after(text: str, end: int, geo: GeoRules) -> bool:
    """"New York Times", "Brussels Airlines": the next word names the paper, airline or firm the place's name opens."""
    if not text[end + 1:end + 2].isupper():
        return False
    pattern = _organisation_words(tuple(geo.organisation_words_after))
    after = WORD_AFTER.match(text, end, end + 30)
    return pattern is not None and after is not None and pattern.fullmatch(after.group(1)) is not None


@lru_cache(maxsize=4)
def _organisation_words(words: tuple[str, ...]) -> re.Pattern | None:
    return _words_pattern(list(words), ignore_case=False)


def _person_shaped(c: Candidate, text: str, rules: CompiledCityRules, titled: bool) -> bool:
    """One capitalised word after a title ("prezydenta Dudy") or beside a verb of speaking ("stwierdziła
    Bennett", "Bennett powiedział"), as a person's name stands."""
    if c.words != 1 or c.lowercase or not (titled or rules.speech):
        return False
    if titled:
        return c.kind == INFLECTED  # a stripped ending only ("Dudy" -> "duda"), not the name as written
    return any(word and rules.speech.fullmatch(word) for word in _words_beside(c, text, comma=True))


def _compass_beside(c: Candidate, text: str, compass: re.Pattern) -> bool:
    """A capitalised compass adjective right before or after the name: "Северная Каролина", "Karolinie Północnej"."""
    if c.words != 1 or c.lowercase:
        return False
    # not after a comma: "Charlotte, North Carolina" names the town and its state
    return any(word[:1].isupper() and compass.fullmatch(word) for word in _words_beside(c, text))


def _named_institution_follows(c: Candidate, text: str, rules: CompiledCityRules, institution_follows: bool) -> bool:
    """"Ilkley Town Council": a capitalised institution after a town names it, where capitals mark names
    (not "Eine Delegation" in German, whose nouns are all capitalised, nor a derived adjective)."""
    if not institution_follows or c.kind == ADJECTIVE or rules.rules.nouns_capitalised:
        return False
    after = WORD_AFTER.match(text, c.end, c.end + 30)
    return bool(after) and _is_capitalised(after.group(1))


def _proper_latin_word(c: Candidate, language: str, text: str) -> bool:
    """One word that the language's dictionary keeps as a proper name ("Ołomuńca" -> "Ołomuniec") and the text
    never writes lowercase: no ordinary noun ("Unią" -> "unia")."""
    lemma = morphology.lemma(c.text, language)
    return c.words == 1 and not (lemma and lemma.islower()) and not _written_lowercase(c.text.lower(), text)


class _EntityStarts(NamedTuple):
    starts: list[int]  # the entities' starts, sorted
    order: list[int]  # the doc index of the entity at each sorted start
    longest: int  # the longest entity's length: one covering a character starts at most this far before it


def _index_covering(doc: AnnotatedDoc) -> _EntityStarts:
    order = sorted(range(len(doc.entities)), key=lambda i: doc.entities[i].start)
    return _EntityStarts([doc.entities[i].start for i in order], order,
                         max((e.end - e.start for e in doc.entities), default=0))


# the doc's entities by start: scanning every entity for every candidate grew with the square of a long
# page, and an index of every character they cover cost a step per character
_covering_index = LastArgumentMemo(_index_covering)


def _entities_covering(doc: AnnotatedDoc, position: int) -> list:
    """The doc's entities that cover a character, in the doc's order."""
    index = _covering_index(doc)
    near = index.order[bisect_left(index.starts, position - index.longest + 1):bisect_right(index.starts, position)]
    return [doc.entities[i] for i in sorted(near) if doc.entities[i].end > position]


def _known_town_form(c: Candidate, own_name: bool, medium_population: int) -> bool:
    """The word is a town's name in the language (``own_name``: a home town, or a foreign one by the
    language's own name for it, as "Kowno", not "Clinton") as the gazetteer or the lemmatiser knows it, not
    a loose or person-name reading of it, and the town is no village (villages share names with persons)."""
    return own_name and c.kind in (GEO_LEMMA, LEMMA, EXACT) and c.place.population >= medium_population


def _labelled_person(doc: AnnotatedDoc, c: Candidate) -> bool:
    return any(e.label == "PER" and e.start <= c.start and c.end <= e.end for e in _entities_covering(doc, c.start))


def _evidence_terms(c: Candidate, doc: AnnotatedDoc, language: str, geo: GeoRules, rules: CompiledCityRules,
                    home: set[str], surnames: set[str]) -> tuple[list[float], list[float], str | None]:
    """The points of a candidate before and after its co-country points, in the order they add up, and its veto."""
    s = geo.scoring
    text = doc.text
    before, after = text[max(0, c.start - CONTEXT_CHARS):c.start], text[c.end:c.end + CONTEXT_CHARS]
    place = c.place
    head: list[float] = []
    tail: list[float] = []
    veto = None
    if place.population >= s.big_population:
        head.append(s.big_points)
    elif place.population >= s.medium_population:
        head.append(s.medium_points)
    if place.country_code in home:
        head.append(s.home_country_points)
    institution_follows = bool(rules.institution_after and rules.institution_after.search(after))
    institution = bool(institution_follows
                       or (rules.institution_before and c.kind != ADJECTIVE and rules.institution_before.search(before)
                           and _may_be_genitive(c.text, language)))
    if institution:
        tail.append(s.institution_points)
    trigger = c.list_trigger or bool(rules.trigger_before and rules.trigger_before.search(before))
    # the partner is a noun: an adjective after "with" qualifies the next word ("s Velkou Británií")
    partner = c.kind not in (ADJECTIVE, DEMONYM) and (
        c.list_partner or bool(rules.partner_before and rules.partner_before.search(before)))
    town_word, trigger = trigger, trigger or partner
    prepositioned = False
    if trigger:
        tail.append(s.trigger_points)
    elif rules.preposition and not c.lowercase and c.kind != ADJECTIVE and rules.preposition.search(before):
        tail.append(s.preposition_points)  # "boravila je u Krakovu", "přijela do Lince"
        prepositioned = True
    hinted = place.country_code in c.hints
    if hinted:
        tail.append(s.country_hint_points)
    if c.list_size > 1:
        tail.append(min(s.list_max_points, s.list_member_points * (c.list_size - 1)))
    person = _person_context(c, text, {}, language, institution_follows, trigger)
    # a title, then the town, then a whole name: the town is the title's, however small or name-like
    # ("gradonačelnik Zvornika Jasmin Halilović", "мер Ізмаїла Андрій Мельничук")
    title_city = institution and not institution_follows and c.words == 1 and _full_name_after(c, text) \
        and not _surname_after(c, text, language)  # but "президента Володимира Путіна": a given name
    if person == "veto" and title_city:
        person = "near"
    alias_only = place.country_code not in home and _folded(_own_name(place)) not in {_folded(k) for k in c.keys}
    # a text names a foreign town by its GeoNames name in the language as written ("Гюмри", "w Ołomuńcu",
    # "Olmütz"): no alias reached by a rule, once the town is big enough and its name is no region's
    # ("Флорида") nor an ordinary word ("Новый" is no Novi); from medium size where the town's own country
    # writes Cyrillic ("Охрид" is Ohrid's own spelling)
    native_from = s.medium_population if place.country_code in geo.cyrillic_countries else s.native_alias_population
    native = c.kind in (GEO_LEMMA, EXACT, LEMMA) \
        and place.population >= native_from and _own_name(place) not in load_gazetteer().regions \
        and not (morphology.analyser(language) and morphology.is_common_word(c.text, language)) \
        and (bool(CYRILLIC.match(c.key)) or _proper_latin_word(c, language, text))
    # a place named beside its country, or big and with no name beside it, outweighs a PER label ("від
    # Берліна", "Львів і Вроцлав підписали"); so does a multiword name after a place preposition ("v Murski
    # Soboti"), and there or in a list the preposition opens a town of some size by its own name in the
    # language ("do Ołomuńca", "z Kowna i Ołomuńca")
    placed = person is None and (hinted or place.population >= s.big_population or (prepositioned and c.words > 1)
                                 or ((prepositioned or c.list_preposition)
                                     and _known_town_form(c, place.country_code in home or (alias_only and native),
                                                      s.medium_population)))
    for entity in _entities_covering(doc, c.start):
        if entity.start <= c.start and c.end <= entity.end:
            # a LOC label says "a place", not which one: it does not back a foreign place named by an alias
            if entity.label == "LOC" and (entity.start, entity.end) == (c.start, c.end) and not alias_only:
                tail.append(s.ner_loc_points)  # a longer LOC ("Parku zmage", "Московская область") is another place
            elif entity.label == "ORG" and not institution:
                tail.append(s.ner_org_points)
            elif entity.label == "PER" and not placed and not town_word and not title_city and not (
                    (institution or partner) and place.population >= s.medium_population):
                # but "primátor Košic Jaroslav", "Mesto Stropkov": a title before a town, or a trigger before
                # any place, says place ("prezydenta Donalda Trumpa" is no village Donald); an agreement with
                # a town only when the town is no village ("sodelovanju z Johnsonom" is a person)
                veto = "ner_person"
    if c.words > 1:
        tail.append(s.multiword_points)  # "Murskoj Soboti": capitalised words that together name a place
    if c.kind == FUZZY:
        tail.append(s.fuzzy_points)
        if c.words > 1 and not hinted:
            veto = "fuzzy_unconfirmed"  # a near multiword skeleton: only beside its country ("polskou")
    elif c.kind == TRANSLITERATED:
        tail.append(s.transliterated_points)
        own = _own_name(place) == c.key
        # "Mayor Okamura" is a person: a title confirms only a Cyrillic spelling ("мер Гейдельберга")
        named_town = (town_word or (institution and CYRILLIC.match(c.text) and own)) \
            and place.population >= s.medium_population and not c.sense_hints  # nor where the text names a country
        # a name of several words matched word by word is no loose match of one ("v Jelení Hoře")
        compound = (c.words > 1 or "-" in c.text) and place.population >= s.medium_population
        if not hinted and not named_town and not compound and (not CYRILLIC.match(c.text) or not (
                own and (place.country_code in home or place.population >= s.big_population))):  # another Latin scheme needs its country
            # a skeleton is loose: a small foreign place needs its country, or "місто"/"мер" before a town
            veto = "transliteration_unconfirmed"
        if c.words == 1 and _ordinary_or_personal(c.text, language) and (
                not hinted or person is not None or _labelled_person(doc, c)):
            # "Біліна", "Хярнёсанд": a name's reading, unless its country is named and nothing says person
            # ("Байден (США)", "Джо Байден": a PER label or a capitalised word beside it)
            veto = "transliteration_unconfirmed"
    if alias_only and not native and (place.population < s.big_population or (
            c.kind not in (GEO_LEMMA, EXACT, LEMMA) and place.population < s.alias_trust_population)):
        tail.append(s.foreign_alias_points)  # "Parku" -> Rockville (alias "Park"), "Голландии" -> Holland (US)
    if c.lowercase:
        tail.append(s.lowercase_points)
    # a big city, or a home town of some size named as written (pymorphy3 lists some as plain nouns),
    # is an ordinary word only where the text also writes it lowercase
    if c.words == 1 and c.kind in (GEO_LEMMA, EXACT, LEMMA, INFLECTED, TRANSLITERATED) and _common_word(
            c.text, language, text, place.population >= s.big_population or (
                place.country_code in home and place.population >= s.medium_population and name_key(c.text) == c.key)):
        mid_sentence = rules.rules.common_word_mid_sentence
        tail.append(s.common_word_points * (1.0 if _sentence_start(text, c.start) else mid_sentence))
    if c.words == 1 and not c.lowercase and c.kind in (GEO_LEMMA, EXACT, LEMMA, INFLECTED, TRANSLITERATED, ADJECTIVE) \
            and not _named_institution_follows(c, text, rules, institution_follows) and _sentence_start(text, c.start) \
            and not _dateline(c, text) and not _home_town_name(c, place, home, language, rules):
        tail.append(s.sentence_start_points)
    small_abroad = place.country_code not in home and place.population < s.medium_population
    if small_abroad and not (hinted or town_word) and _person_shaped(
            c, text, rules, institution and not institution_follows and not title_city):
        person = "veto"  # "prezydenta Dudy", "– stwierdziła Bennett": a small foreign namesake of a person
    if person == "veto" or (person == "near" and c.kind == TRANSLITERATED and not hinted and not institution):
        veto = "person_name"  # "Петър Колев" is no Petare: a loose skeleton beside a capitalised word is a name
    elif (person == "near" and (not institution or (name_key(c.text) == c.key and not _full_name_after(c, text)))) \
            or c.key in surnames:
        # but "мером Вроцлава Яцеком Сутриком", "Кметът на Пловдив Петър Колев": a title, its city, a name
        tail.append(s.person_near_points)
    if (rules.region_after and rules.region_after.search(after)) or \
            (rules.region_before and rules.region_before.search(before) and c.kind != ADJECTIVE) or \
            (rules.compass and place.country_code not in home and place.population < s.alias_trust_population
             and _compass_beside(c, text, rules.compass)):
        veto = "region"
    if not c.lowercase and _opens_country_name(c, text, language, load_gazetteer(), _country_lexicon(geo, rules)):
        veto = "country"
    if not institution and ((rules.organisation_after and c.kind in (ADJECTIVE, FUZZY)
                             and rules.organisation_after.search(after))
                            or (rules.organisation_before and rules.organisation_before.search(before))):
        veto = "organisation"
    if _quoted(text, c.start, c.end) and not institution:
        veto = "quoted"
    if not institution and _organisation_word_after(text, c.end, geo):
        veto = "organisation"
    if institution and _given_name_after_title(c, text, before, rules, language):
        veto = "given_name"
    if c.lowercase and not institution and place.population < s.big_population:
        veto = "lowercase_small"
    return head, tail, veto


_folded = lru_cache(maxsize=morphology.WORD_CACHE_SIZE)(fold_diacritics)



def _surnames(found: list[Candidate], text: str, language: str,
              trigger: WordThen | None) -> tuple[set[str], set[str], set[str]]:
    """Keys of single words that somewhere in the text follow a capitalised word, as a surname
    follows a given name ("Georgu Bushu" makes every "Bush", "Busha" of the article a person); and
    apart, the keys of such words read only as adjectives ("Marek Lipiński": a surname in -ski, whose
    capitalised adjective mentions elsewhere are the person, while the town "Lipina" itself is not);
    and the surnames as written after a known given name."""
    stems: set[str] = set()
    written: set[str] = set()
    adjectival: set[str] = set()
    surname_endings = tuple(city_rules(language).rules.surname_endings)
    # ends of words that name a big city by its own name ("Glasgow", not "Kamala" of "Kamala Harris")
    place_ends = {c.end for c in found if not c.lowercase and c.words == 1
                  and any(kind in (GEO_LEMMA, LEMMA, EXACT) and _big_own_name(key, load_gazetteer())
                          for key, kind in c.keys.items())}
    for c in found:
        if c.words != 1 or c.lowercase:
            continue
        before = word_before_space(text, max(0, c.start - 30), c.start)
        if not before or not _name_word(before.word, language, text, c.text):
            continue
        if surname_endings and c.text.lower().endswith(surname_endings) \
                and all(kind == ADJECTIVE for kind in c.keys.values()):
            # the ending says surname, also after a sentence's first word or a given name that some big
            # city bears ("Adama Lubińskiego")
            adjectival.update(c.keys)
        if c.start - 1 in place_ends:  # the word before ends right before the space
            continue  # "the Glasgow Nantes Friendship Society": a big city before, no given name
        if not _sentence_start(text, c.start - len(before.word) - 1) \
                and not (trigger and trigger.search(text, max(0, c.start - CONTEXT_CHARS), c.start)):
            # not the place an adjectival surname derives from ("Stanisław Żółkiewski" is no "Żółkiew")
            stems.update(key for key, kind in c.keys.items() if kind != ADJECTIVE)
            if any("Name" in r.grammemes for r in morphology.readings(before.word, language)):
                written.add(c.text)  # after a given name that pymorphy3 knows ("Павел Соколов")
    return stems, adjectival, written


def _name_word(word: str, language: str, text: str, following: str) -> bool:
    """Capitalised as a word of a person's name is, unless it is an ordinary noun with the city in the
    genitive after it ("Фундація Гданська", "Radnica Poprad": an institution of the city, not a name;
    but "Близького Сходу", "Ексон Мобіл" are names of other things)."""
    if not _is_capitalised(word) or word.isupper() or word.lower() in city_rules(language).organisation_nouns:
        return False
    if morphology.analyser(language) is not None:
        return not (morphology.is_common_word(word, language)
                    and all(r.pos == "NOUN" for r in morphology.readings(word.lower(), language))
                    and any("gent" in r.grammemes and "plur" not in r.grammemes
                            for r in morphology.readings(following, language)))
    return not _written_lowercase(word.lower(), text)


def _may_be_genitive(surface: str, language: str) -> bool:
    """"мэр Одессы": after an institution word a city stands in the genitive; where pymorphy3 can
    tell, a nominative-only word ("председатель горисполкома Владимир Цумарев") is not its city."""
    found = morphology.readings(surface, language)
    if not found or any("gent" in r.grammemes for r in found):
        return True
    head = surface.split("-", 1)[0]  # "мер Франкфурта-на-Одері": only the first part of the name inflects
    return head != surface and _may_be_genitive(head, language)


def _common_word(surface: str, language: str, text: str, big: bool = False) -> bool:
    """Also an ordinary word; a big city's name only where this text writes it lowercase (pymorphy3's uk
    dictionary lists "Львів", "Бремен" as plain nouns)."""
    if any(ch.isupper() for ch in surface[1:]):
        return False  # "Нью-Йорка", "McAllen": the shape of a name, not of an ordinary word
    if morphology.analyser(language) is not None and not big:
        return morphology.is_common_word(surface, language)
    return _written_lowercase(surface.lower(), text)


# per text, the words already checked: a long page names a big city thousands of times
_lowercase_answers = LastArgumentMemo(lambda text: {})


def _written_lowercase(low: str, text: str) -> bool:
    """Does this text also write the word in lowercase (once per word and text, not per mention)?"""
    known = _lowercase_answers(text)
    if low not in known:
        known[low] = _whole_word_in(low, text)
    return known[low]


def _is_word_char(char: str) -> bool:
    """What the regex class \\w matches (str.isalnum covers letters, digits and numerics)."""
    return char.isalnum() or char == "_"


def _whole_word_in(word: str, text: str) -> bool:
    """Whether ``text`` writes ``word`` with no word character right before or after it: what the pattern
    ``(?<!\\w)WORD(?!\\w)`` finds, by str.find (a pattern per word compiled ~1 ms, and each new one pushed
    the stages' own patterns out of the re module's cache)."""
    end = len(word)
    found = text.find(word)
    while found >= 0:
        if not (found and _is_word_char(text[found - 1])) and not (found + end < len(text) and _is_word_char(text[found + end])):
            return True
        found = text.find(word, found + 1)
    return False


def _assess(found: list[Candidate], doc: AnnotatedDoc, gazetteer: Gazetteer, geo: GeoRules,
            rules: CompiledCityRules, home: set[str], co_countries: dict[str, set[int]],
            known: dict, surnames: tuple[set[str], set[str], set[str]],
            written: dict[int, set[str]] | None = None) -> list[Candidate]:
    surnames, adjectival_surnames, written_surnames = surnames
    lists: dict[int, list[Candidate]] = {}
    named = [_region_named_after(doc.text, c.end, gazetteer) for c in found]
    by_name = _regions_by_name(found, named)
    choice_home = home | set(rules.rules.namesake_countries)
    neighbours = frozenset(geo.neighbour_countries.get(doc.language, ()))
    for c, region in zip(found, named):
        c.veto = None
        if region is not None and not any(key in gazetteer.regions for key in c.keys):
            c.hints = c.hints | {region[0]}  # "Paris, Texas", "Odessa (Ukraine)"; but "Kalifornia, Oregon"
        _choose(c, gazetteer, geo, choice_home, co_countries, region or by_name.get(c.text), written, neighbours,
                known)
        if c.list_number >= 0:
            lists.setdefault(c.list_number, []).append(c)
    for c in found:
        if c.place is not None:
            _evidence(c, doc, doc.language, geo, rules, home, co_countries, gazetteer, surnames, known,
                      lists.get(c.list_number, []))
            if _country_named(c, gazetteer, geo.scoring.alias_trust_population, home) or (
                    c.kind in (ADJECTIVE, DEMONYM, FUZZY, TRANSLITERATED)
                    and adjective_country(c.text, _country_lexicon(geo, rules))):
                c.veto = "country"  # "Američané", "American": a country's adjective or people, not a city
            elif c.kind == ADJECTIVE and not c.lowercase and c.key in adjectival_surnames:
                c.veto = "surname"  # "prezydent miasta Lipiński" after "Marek Lipiński"
            elif c.text in written_surnames and rules.institution_before and rules.institution_before.search(
                    doc.text, max(0, c.start - CONTEXT_CHARS), c.start):
                c.veto = "surname"  # "Мэр Соколов" after "Павел Соколов": the title's holder, not its town
    accepted_ids = {c.place.geonames_id for c in found
                    if c.place and c.veto is None and c.score >= geo.scoring.accept}
    # a place accepted once takes its weaker mentions too, unless they are vetoed
    return [c for c in found if c.place and c.veto is None and c.place.geonames_id in accepted_ids]


def _regions_by_name(found: list[Candidate], named: list) -> dict[str, tuple[str, str | None]]:
    """One sense per article: "Paris, Texas" once makes every "Paris" of the text the Texan one."""
    regions: dict[str, tuple[str, str | None]] = {}
    for c, region in zip(found, named):
        if region is not None:
            regions.setdefault(c.text, region)
    return regions


def find_city_mentions(doc: AnnotatedDoc) -> list[Candidate]:
    """Accepted mentions with their place, in text order (also used by the officials stage)."""
    return list(_last_city_mentions(doc))


def _city_mentions(doc: AnnotatedDoc) -> list[Candidate]:
    gazetteer, geo = load_gazetteer(), geo_rules()
    rules = city_rules(doc.language)
    home = set(geo.home_countries.get(doc.language, []))
    found = candidates(doc.text, doc.language, gazetteer, geo, article_words(doc.text))
    _mark_context(found, doc.text, doc.language, gazetteer, geo, rules)
    known: dict = {}  # evidence terms of each candidate and choice, shared by the two passes
    surnames = _surnames(found, doc.text, doc.language, rules.trigger_before)
    first = _assess(found, doc, gazetteer, geo, rules, home, {}, known, surnames)
    if not first:  # no co-countries, nothing written, no short form: the second pass would be this one again
        return first
    co_countries: dict[str, set[int]] = {}  # country -> the places accepted there in the first pass
    for c in first:
        co_countries.setdefault(c.place.country_code, set()).add(c.place.geonames_id)
    # places accepted where the text writes their name itself, not through a derivation
    # places accepted where a word names them and nothing else, or a town-or-village word says which namesake
    written: dict[int, set[str]] = {}
    for c in first:
        if c.kind in (GEO_LEMMA, LEMMA, EXACT) and c.score >= geo.scoring.accept and (c.small_town or {
                i for key in c.keys for i in gazetteer.names.get(key, ())} == {c.place.geonames_id}):
            written.setdefault(c.place.geonames_id, set()).add(c.text)
    if _short_forms(found, first, written, geo.scoring.accept):  # keys were added: the surnames read them
        surnames = _surnames(found, doc.text, doc.language, rules.trigger_before)
    return _assess(found, doc, gazetteer, geo, rules, home, co_countries, known, surnames, written)


def _short_forms(found: list[Candidate], first: list[Candidate], written: dict[int, set[str]], accept: float) -> bool:
    """"se zástupci Dvora" after "Dvůr Králové nad Labem": a word that opens a multiword name accepted in the
    article is that place's short form (it reaches the place, and the full name counts as written).
    Whether a candidate gained a key."""
    opening: dict[str, Candidate] = {}  # first word of an accepted multiword name -> its mention
    for c in first:
        if c.words > 1 and c.score >= accept and c.kind in (GEO_LEMMA, LEMMA, EXACT):
            opening.setdefault(c.key.split(" ")[0], c)
    changed = False
    if not opening:
        return changed
    for c in found:
        if c.words != 1 or c.lowercase:
            continue
        for key, kind in list(c.keys.items()):
            full = opening.get(key)
            if full is not None and kind in NAME_KINDS:
                c.keys[full.key] = kind
                written.setdefault(full.place.geonames_id, set()).add(full.text)
                changed = True
                break
    return changed


# find_cities and find_officials both ask, with equal (not always the same) documents
_last_city_mentions = LastArgumentMemo(_city_mentions, key=lambda doc: (doc.text, doc.language, tuple(doc.entities)))


def _mark_context(found: list[Candidate], text: str, language: str, gazetteer: Gazetteer, geo: GeoRules,
                  rules: CompiledCityRules) -> None:
    """Each candidate's countries named beside it and the size of its list of places."""
    lexicon = _country_lexicon(geo, rules)
    hints, sizes, lists = country_hints(found, text, lambda words: _country_in_words(words, language, gazetteer, lexicon),
                                        lexicon, rules.conjunctions, rules.rules.nouns_capitalised,
                                        rules.rules.adjectives_capitalised)
    first: dict[int, Candidate] = {}
    named: dict[tuple, frozenset[str]] = {}  # "Кълъраш (Румъния)" once says it of every "Кълъраш"
    senses = {id(c): _sense_key(c) for c in found}
    for c, hint, size, number in zip(found, hints, sizes, lists):
        c.hints, c.list_size, c.list_number = hint, size, number
        if hint:
            named.setdefault(tuple(c.keys), hint)
            if senses[id(c)]:
                named.setdefault(senses[id(c)], hint)
        if size > 1 and (number not in first or c.start < first[number].start):
            first[number] = c
    opened = _lists_after(first, text, rules.trigger_before)
    partnered = _lists_after(first, text, rules.partner_before)
    titled = _lists_after(first, text, rules.institution_before)
    prepositioned = _lists_after(first, text, rules.preposition)
    for c in found:
        c.list_trigger = c.list_number in opened
        c.list_preposition = c.list_number in prepositioned
        c.list_partner = c.list_number in partnered or (c.list_number in titled and c is not first[c.list_number])
        c.sense_hints = named.get(tuple(c.keys)) or (senses[id(c)] and named.get(senses[id(c)])) or c.hints
        c.small_town = bool(rules.small_town_before and rules.small_town_before.search(
            text, max(0, c.start - CONTEXT_CHARS), c.start))


def _sense_key(c: Candidate) -> tuple[str, ...]:
    """The name a mention gives as its nominative, whatever its case: "z francouzského Brestu" and "s Brestem" are one
    name, so the country said beside one says it of the other (one sense per article); () for a derived form."""
    return tuple(key for key, kind in c.keys.items() if kind in NAME_KINDS)[:1]


def _lists_after(first: dict[int, Candidate], text: str, pattern: WordThen | None) -> set[int]:
    """The lists whose first member follows the pattern."""
    return {number for number, c in first.items()
            if pattern and pattern.search(text, max(0, c.start - CONTEXT_CHARS), c.start)}


_LEXICONS: dict[tuple[int, int], CountryLexicon] = {}


def country_adjective(word: str, language: str) -> str | None:
    """The country whose adjective the word is ("ukrajinský", "американського", "Ukrainian"), if any."""
    return adjective_country(word, _country_lexicon(geo_rules(), city_rules(language)))


def _country_lexicon(geo: GeoRules, rules: CompiledCityRules) -> CountryLexicon:
    key = (id(geo), id(rules))
    if key not in _LEXICONS:
        adjectives = {code: list(stems) for code, stems in geo.country_adjectives.items()}
        for code, stems in rules.rules.country_adjectives.items():
            adjectives[code] = adjectives.get(code, []) + stems
        _LEXICONS[key] = country_lexicon(adjectives, geo.country_abbreviations)
    return _LEXICONS[key]


def country_named(words: str, language: str) -> str | None:
    """The country that a word or two name ("Ukrainy", "США", "Rosji"), if any."""
    return _country_in_words(words, language, load_gazetteer(), _country_lexicon(geo_rules(), city_rules(language)))


@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def _country_in_words(words: str, language: str, gazetteer: Gazetteer, lexicon: CountryLexicon) -> str | None:
    """The country that a word or two name: a short name ("США"), a name in any case ("Irlandii")."""
    if words in lexicon.abbreviations:
        return lexicon.abbreviations[words]
    key = name_key(words)
    if key in gazetteer.countries:
        return gazetteer.countries[key]
    if " " in words or not words[:1].isalpha():
        return None
    if words[:1].isupper():
        for found, kind in word_keys(words, language, False):
            if found in gazetteer.countries and kind not in (ADJECTIVE, DEMONYM):
                return gazetteer.countries[found]
    return None


def find_cities(doc: AnnotatedDoc) -> list[CityItem]:
    gazetteer = load_gazetteer()
    by_place: dict[int, list[Candidate]] = {}
    for c in find_city_mentions(doc):
        by_place.setdefault(c.place.geonames_id, []).append(c)
    items = []
    for geonames_id, mentions in by_place.items():
        place = mentions[0].place
        items.append(CityItem(
            geonames_id=geonames_id, name=place.name, local_name=_local_name(mentions, gazetteer),
            country_code=place.country_code, latitude=place.latitude, longitude=place.longitude,
            mentions=[Mention(text=m.text, start=m.start, end=m.end) for m in mentions],
        ))
    return sorted(items, key=lambda item: (item.mentions[0].start, item.geonames_id))


def _local_name(mentions: list[Candidate], gazetteer: Gazetteer) -> str:
    """The nominative name in the article: the place's own name if a mention leads to it ("Zagrebački" ->
    "Zagreb", not the alias "Zagreba"), else the key that most mentions lead to."""
    geonames_id = mentions[0].place.geonames_id
    votes: dict[str, list] = {}
    for m in mentions:
        for key, kind in m.keys.items():
            if geonames_id in gazetteer.names.get(key, ()):
                vote = votes.setdefault(key, [0, KIND_RANK[kind]])
                vote[0] += 1
                vote[1] = min(vote[1], KIND_RANK[kind])
    def shared_prefix(key: str) -> int:  # "Львові", "Львівська" are closer to "львів" than to "львов"
        return sum(len(os.path.commonprefix([key, name_key(m.text)])) for m in mentions)

    own = _own_name(mentions[0].place)
    position = {}
    for m in mentions:
        for i, k in enumerate(m.keys):
            position[k] = min(position.get(k, i), i)
    key = min(votes, key=lambda k: (k != own, -votes[k][0], votes[k][1], -shared_prefix(k), position[k], k))
    return gazetteer.display.get(key, key.title())

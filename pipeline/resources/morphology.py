"""Morphology helpers shared by the cities and names stages: pymorphy3 (uk, ru) and simplemma.

Each analyser is loaded once per process. Functions return plain strings and small tuples,
so callers never depend on the analysers' own objects.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import NamedTuple

from pipeline.resources.lemma_tries import simplemma_lemmatizer

PYMORPHY_LANGUAGES = ("uk", "ru")
# simplemma's code for each of our languages (Serbo-Croatian covers hr, sr, bs).
SIMPLEMMA_CODES = {"pl": "pl", "cs": "cs", "sk": "sk", "sl": "sl", "hr": "hbs", "sr": "hbs", "bs": "hbs",
                   "bg": "bg", "en": "en", "de": "de", "uk": "uk", "ru": "ru"}


class Reading(NamedTuple):
    """One pymorphy3 reading of a word."""

    normal_form: str
    pos: str  # NOUN, ADJF, ...
    grammemes: frozenset[str]
    score: float


@lru_cache(maxsize=None)
def analyser(language: str):
    """The pymorphy3 analyser of `language` (uk or ru), or None for other languages."""
    if language not in PYMORPHY_LANGUAGES:
        return None
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


# Bounded caches: a batch of 10^5 articles meets millions of word forms; past a few ten
# thousand entries the hit rate barely grows while the memory does.
WORD_CACHE_SIZE = 20_000


def readings(word: str, language: str) -> tuple[Reading, ...]:
    """pymorphy3's readings of a word, () outside uk/ru (asked for every word of every language: those
    answers take no place in the bounded cache of uk/ru words)."""
    return _readings(word, language) if language in PYMORPHY_LANGUAGES else ()


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _readings(word: str, language: str) -> tuple[Reading, ...]:
    # tag.grammemes is a frozenset shared by every parse with that tag: kept as it is, not copied
    # (a copy is ~700 bytes per reading); the POS name is interned for the same reason.
    return tuple(
        Reading(p.normal_form, sys.intern(str(p.tag.POS or "")), p.tag.grammemes, float(p.score))
        for p in recent_parses(word, language)
    )


CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff'’ʼ-]+")


def normal_forms(word: str, language: str) -> tuple[str, ...]:
    """The normal forms of the word's readings, () outside uk/ru. A Cyrillic word in pymorphy3's dictionary
    (no initial, Latin or Roman number reading beside the dictionary's, which ends the analysis) has them
    read from its paradigms without building the readings: most words of a text are only asked this."""
    if language not in PYMORPHY_LANGUAGES:
        return ()
    if CYRILLIC_WORD.fullmatch(word) and not word[0].isupper():
        morph = analyser(language)
        dictionary = morph.dictionary
        found = [dictionary.build_normal_form(paradigm, index, fixed)
                 for fixed, parses in dictionary.words.similar_items(word.lower(), morph.char_substitutes)
                 for paradigm, index in parses]
        if found:
            return tuple(dict.fromkeys(found))
    return tuple(dict.fromkeys(r.normal_form for r in readings(word, language)))


def parses(word: str, language: str) -> tuple:
    """The raw pymorphy3 parses (for inflecting a reading); () outside uk/ru."""
    return _parses(word, language) if language in PYMORPHY_LANGUAGES else ()


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _parses(word: str, language: str) -> tuple:
    return recent_parses(word, language)


# The raw parses of the words met last: the engine's lemmatizer parses each new word of a batch of articles
# (nlp/engines/lemmas.py), then the cities stage asks a name's readings and, for a name of several words, its
# parses (the names stage too); pymorphy3 parses the word once. Cleared when full, so the raw parses (heavier
# than readings) of a few batches' words are all that is kept.
RECENT_PARSES = 4096
_recent_parses: dict[tuple[str, str], tuple] = {}


def recent_parses(word: str, language: str) -> tuple:
    """pymorphy3's raw parses of a word (uk, ru), kept for the words met last."""
    key = (word, language)
    found = _recent_parses.get(key)
    if found is None:
        if len(_recent_parses) >= RECENT_PARSES:
            _recent_parses.clear()
        found = _recent_parses[key] = tuple(analyser(language).parse(word))
    return found


def inflect(parse, grammemes: set[str]) -> str | None:
    """The word form of a pymorphy3 parse with `grammemes`, or None when it cannot be built."""
    form = parse.inflect(grammemes)
    return form.word if form is not None else None


@lru_cache(maxsize=WORD_CACHE_SIZE)
def lemma(word: str, language: str) -> str | None:
    """simplemma's lemma of `word` (case kept as simplemma gives it), None when unsupported."""
    code = SIMPLEMMA_CODES.get(language)
    if code is None:
        return None
    try:
        return simplemma_lemmatizer().lemmatize(word, lang=code)
    except ValueError:
        return None


@lru_cache(maxsize=WORD_CACHE_SIZE)
def is_ordinary_word(word: str, language: str) -> bool:
    """Whether the lowercase word is an ordinary word of the language: pymorphy3's common word (uk, ru), or a
    form simplemma's dictionary lists with a lowercase lemma ("most" -> "most"; "olomouc" -> "Olomouc" is a
    proper noun's, and a word the dictionary does not list is no ordinary word it knows)."""
    from pipeline.resources.lemma_tries import simplemma_dictionary

    if analyser(language) is not None and is_common_word(word, language):
        return True
    code = SIMPLEMMA_CODES.get(language)
    if code is None:
        return True  # nothing to tell by
    found = simplemma_dictionary().get_lemma(word.lower(), code)
    return bool(found) and not found[:1].isupper()


def is_common_word(word: str, language: str) -> bool:
    """True when the lowercase word is an ordinary (not proper) word of uk/ru by pymorphy3's dictionary."""
    found = readings(word.lower(), language)
    known = [r for r in found if "Geox" not in r.grammemes and "Name" not in r.grammemes
             and "Surn" not in r.grammemes and "Patr" not in r.grammemes and "Orgn" not in r.grammemes]
    proper = [r for r in found if r.grammemes & {"Geox", "Name", "Surn", "Patr"}]
    if not known or proper:
        return False
    morph = analyser(language)
    return morph is not None and morph.word_is_known(word.lower())

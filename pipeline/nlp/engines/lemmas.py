"""Lemmatizer backends shared by every engine: pymorphy3 (uk, ru), simplemma, or lowercase.

A backend is named by a short spec string taken from the routes table
(``models/routes.yaml``): ``pymorphy3:uk``, ``simplemma:pl``, ``simplemma:hbs``
or ``lowercase``. Lemmas are always lowercase, so rule stages can compare a
token's lemma with a trigger word without caring which engine ran.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from pipeline.resources.lemma_tries import simplemma_lemmatizer

Lemmatize = Callable[[str], str]
PERSONAL_NAME_TAGS = frozenset({"Surn", "Name", "Patr"})  # OpenCorpora grammemes
WORD_CACHE_SIZE = 50_000  # per lemmatizer: bounded, so a long batch does not keep every word form it met
# (~15 MB; on the second half of the pl news 8.6% of word tokens miss it, 11.7% with 20,000 forms)


def _pymorphy3(language: str) -> Lemmatize:
    """pymorphy3's readings, with simplemma (which keeps the case of names) to choose among them."""
    from pipeline.resources.morphology import analyser, recent_parses

    simplemma = simplemma_lemmatizer()
    analyzer = analyser(language)  # the one the rule stages use too (~20 MB per copy)

    def lemma(word: str) -> str:  # cached per word by lemmatizer_of_words
        parses = recent_parses(word, language)  # the rule stages ask the same words' parses soon after
        if not parses:
            return word.lower()
        # p.is_known looks its form up again for every reading: once per distinct form instead.
        known_forms = {form for form in {p.word for p in parses} if analyzer.word_is_known(form)}
        known = [p for p in parses if p.word in known_forms] or parses
        # Vocative readings are rare in news and make "Кличко" look like "кличка".
        known = [p for p in known if "voct" not in p.tag.grammemes] or known
        if len({p.normal_form for p in known}) == 1:
            return known[0].normal_form  # what the choice below gives when all readings agree
        best = max(p.score for p in known)
        top = [p for p in known if p.score >= best - 1e-9]
        # The uk dictionary scores every reading 1.0 and lists surname readings first
        # ("Харкові" -> surname "Харко"); prefer a reading that is not a personal name.
        # simplemma knows which reading is common ("Києві": "Київ", not "кий" a cue);
        # take its lemma when pymorphy3 allows it.
        hint = simplemma.lemmatize(word, lang=language).lower()
        if any(p.normal_form == hint for p in known):
            return hint
        # Else the lemma most readings share ("голови": 9 readings of "голова", 3 of a rare "голови").
        candidates = [p.normal_form for p in top if not (PERSONAL_NAME_TAGS & p.tag.grammemes)]
        candidates = candidates or [p.normal_form for p in top]
        return max(dict.fromkeys(candidates), key=candidates.count)

    return lemma


def _simplemma(language: str) -> Lemmatize:
    simplemma = simplemma_lemmatizer()

    def lemma(word: str) -> str:  # cached per word by lemmatizer_of_words
        return simplemma.lemmatize(word, lang=language).lower()

    return lemma


def _lowercase(_: str) -> Lemmatize:
    return str.lower


BACKENDS: dict[str, Callable[[str], Lemmatize]] = {
    "pymorphy3": _pymorphy3,
    "simplemma": _simplemma,
    "lowercase": _lowercase,
}


@lru_cache(maxsize=None)
def lemmatizer(spec: str) -> Lemmatize:
    """The lemmatize function for a spec such as ``pymorphy3:uk`` (loaded once per process)."""
    backend, _, language = spec.partition(":")
    if backend not in BACKENDS:
        raise ValueError(f"unknown lemmatizer backend {backend!r} in {spec!r}; known: {sorted(BACKENDS)}")
    return BACKENDS[backend](language)


@lru_cache(maxsize=None)
def lemmatizer_of_words(spec: str) -> Lemmatize:
    """The lowercase lemma of one word for a spec (punctuation and numbers come back as they are),
    with a bounded cache of whole answers: one lookup per token."""
    lemmatize = lemmatizer(spec)

    @lru_cache(maxsize=WORD_CACHE_SIZE)
    def lemma(word: str) -> str:
        if not any(ch.isalpha() for ch in word):
            return word
        return lemmatize(word).lower()

    return lemma

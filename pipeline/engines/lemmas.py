"""Lemmatizer backends shared by every engine: pymorphy3 (uk, ru), simplemma, or lowercase.

A backend is named by a short spec string taken from the routes table
(``models/routes.yaml``): ``pymorphy3:uk``, ``simplemma:pl``, ``simplemma:hbs``
or ``lowercase``. Lemmas are always lowercase, so rule stages can compare a
token's lemma with a trigger word without caring which engine ran.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

Lemmatize = Callable[[str], str]
PERSONAL_NAME_TAGS = frozenset({"Surn", "Name", "Patr"})  # OpenCorpora grammemes
WORD_CACHE_SIZE = 50_000  # per lemmatizer: bounded, so a long batch does not keep every word form it met


SIMPLEMMA_LANGUAGES = ("pl", "cs", "sk", "sl", "hbs", "bg", "en", "de", "uk", "ru")  # what the routes and stages ask
SIMPLEMMA_CACHE_SIZE = 50_000  # simplemma's own (word, language) -> lemma cache, bounded like ours


def lemma_dictionary_dir() -> Path:
    """Where simplemma's dictionaries are kept as MARISA tries, beside the gazetteer."""
    from simplemma.__metadata__ import __version__
    from pipeline.gazetteer import cache_dir

    return cache_dir() / f"simplemma-{__version__}-tries"


@lru_cache(maxsize=1)
def simplemma_lemmatizer():
    """simplemma over its dictionaries as MARISA tries (simplemma's TrieDictionaryFactory): the same
    lemmas as its dict backend, ~5 µs a first lookup instead of 15-190 µs with the streamed
    dictionaries, a few MB per language instead of 50-350 MB as dicts, loaded in milliseconds."""
    import simplemma
    from simplemma.strategies.default import DefaultStrategy
    from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

    build_lemma_dictionaries()
    factory = TrieDictionaryFactory(cache_max_size=len(SIMPLEMMA_LANGUAGES), use_disk_cache=True,
                                    disk_cache_dir=str(lemma_dictionary_dir()))
    return simplemma.Lemmatizer(cache_max_size=SIMPLEMMA_CACHE_SIZE,
                                lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))


BUILD_TRIE = """
import os, sys
from marisa_trie import BytesTrie, HUGE_CACHE
from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk
language, target = sys.argv[1], sys.argv[2]
trie = BytesTrie(((k.decode(), v) for k, v in _load_dictionary_from_disk(language).items()), cache_size=HUGE_CACHE)
partial = f"{target}.{os.getpid()}.partial"
trie.save(partial)
os.replace(partial, target)  # workers building at once: each file appears whole, the same bytes
"""


def build_lemma_dictionaries(languages: tuple[str, ...] = SIMPLEMMA_LANGUAGES) -> list[Path]:
    """Build the tries that are missing, each in a child process: building one holds the whole
    dict (up to ~350 MB for pl), which a worker must not keep. Normally done once by
    `python cli.py build-gazetteer` (``make demo`` / ``make test``)."""
    import subprocess
    import sys

    directory = lemma_dictionary_dir()
    paths = [directory / f"{language}.dic" for language in languages]
    missing = [(language, path) for language, path in zip(languages, paths) if not path.exists()]
    if missing:
        directory.mkdir(parents=True, exist_ok=True)
        print(f"citylinks: building simplemma lemma tries in {directory} for "
              f"{', '.join(language for language, _ in missing)} (once)", file=sys.stderr)
    for language, path in missing:
        subprocess.run([sys.executable, "-c", BUILD_TRIE, language, str(path)], check=True)
    return paths


def _pymorphy3(language: str) -> Lemmatize:
    """pymorphy3's readings, with simplemma (which keeps the case of names) to choose among them."""
    from pipeline.morphology import analyser

    simplemma = simplemma_lemmatizer()
    analyzer = analyser(language)  # the one the rule stages use too (~20 MB per copy)

    def lemma(word: str) -> str:  # cached per word by lemmatizer_of_words
        parses = analyzer.parse(word)
        if not parses:
            return word.lower()
        known = [p for p in parses if p.is_known] or parses
        # Vocative readings are rare in news and make "Кличко" look like "кличка".
        known = [p for p in known if "voct" not in p.tag.grammemes] or known
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

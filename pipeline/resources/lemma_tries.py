"""simplemma's dictionaries as MARISA tries, built once into the cache directory.

Both the rule stages (through ``morphology``) and the engines' lemmatizers read lemmas
from here, so it sits below both.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.resources.gazetteer import cache_dir

SIMPLEMMA_LANGUAGES = ("pl", "cs", "sk", "sl", "hbs", "bg", "en", "de", "uk", "ru")  # what the routes and stages ask
SIMPLEMMA_CACHE_SIZE = 20_000  # simplemma's own (word, language) -> lemma cache, bounded like ours


def lemma_dictionary_dir() -> Path:
    """Where simplemma's dictionaries are kept as MARISA tries, beside the gazetteer."""
    from simplemma.__metadata__ import __version__

    return cache_dir() / f"simplemma-{__version__}-tries"


@lru_cache(maxsize=1)
def simplemma_lemmatizer():
    """simplemma over its dictionaries as MARISA tries (simplemma's TrieDictionaryFactory): the same
    lemmas as its dict backend, ~5 µs a first lookup instead of 15-190 µs with the streamed
    dictionaries, a few MB per language instead of 50-350 MB as dicts, loaded in milliseconds."""
    import simplemma
    from simplemma.strategies.default import DefaultStrategy

    return simplemma.Lemmatizer(cache_max_size=SIMPLEMMA_CACHE_SIZE,
                                lemmatization_strategy=DefaultStrategy(dictionary_factory=_trie_factory()))


@lru_cache(maxsize=1)
def simplemma_dictionary():
    """simplemma's dictionary lookup alone (no guessing by rules or affixes), over the same tries:
    ``get_lemma(word, language)`` is None for a word the dictionary does not list."""
    from simplemma.strategies.dictionary_lookup import DictionaryLookupStrategy

    return DictionaryLookupStrategy(dictionary_factory=_trie_factory())


@lru_cache(maxsize=1)
def _trie_factory():
    from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

    build_lemma_dictionaries()
    return TrieDictionaryFactory(cache_max_size=len(SIMPLEMMA_LANGUAGES), use_disk_cache=True,
                                 disk_cache_dir=str(lemma_dictionary_dir()))


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

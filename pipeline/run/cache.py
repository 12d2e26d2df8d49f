"""Annotation cache: the expensive model output per article, kept on disk between runs.

Two kinds of entries, both keyed by the sha256 of the cleaned text:

- ``lang``: the language guess, keyed also by what decides it besides the
  text: the language-identification code, its rule file and detector versions;
- ``doc``: the engine's AnnotatedDoc and its route warnings, keyed also by the
  language, the engine's model id, the language's route (lemmatizer) and the
  engine code.

A re-run after a rules change finds every entry again (text, models and
engine code did not change), so only cleaning and the rule stages run; a new
model id, route or engine code is a miss. With ``rules_only`` the engine is
not even loaded: the newest annotation of the text in that language is taken,
whatever model made it, and only texts never annotated go to the engine.

The store is one SQLite file (WAL mode, so worker processes read and write it
at once); values are ``marshal`` data, zlib-compressed unless short (plain dicts, lists, strings and numbers:
it encodes and decodes faster than JSON and, unlike pickle, never runs code on load); entries of
the older JSON layout are still read. The location is ``--cache DIR``, else
``$CITYLINKS_CACHE``, else ``~/.cache/citylinks``.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import sqlite3
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.run.stage_cache import StageMemo, library_version
from pipeline.types import AnnotatedDoc, CleanText, LanguageGuess

DB_NAME = "annotations.sqlite"
FORMAT = 3  # bump when the stored value layout changes; old entries then miss (2: AnnotatedDoc as columns)
READABLE = frozenset({2, 3})  # 3: the format 2 values as marshal instead of JSON, so 2 still reads
MARSHALLED = b"M"  # first byte of a marshal value (a zlib stream starts with 0x78)
PLAIN = b"P"  # first byte of an uncompressed marshal value: a short one (most rule stages' results)
# zlib's set-up for each compress costs 10-80 µs whatever the length (its tables are cleared each time):
# a value shorter than this is stored as it is (a news article's stage results are ~90 bytes each)
SHORTEST_COMPRESSED = 512
ANNOTATED_NOW_LIMIT = 10_000  # bounds the set of texts annotated in this run and not yet through the stages
COMPRESSION_LEVEL = 1  # measured on news docs: 0.25 ms and 6.3 KB per doc (3: 0.34 ms, 5.8 KB; 0: 18.6 KB)

Annotator = Callable[[CleanText, str], tuple[AnnotatedDoc | None, list[str]]]
Detector = Callable[[str], LanguageGuess]
BatchAnnotator = Callable[[list[CleanText], str], list[tuple[AnnotatedDoc | None, list[str]]]]

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    kind TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    language TEXT NOT NULL,
    model TEXT NOT NULL,
    value BLOB NOT NULL,
    stored REAL NOT NULL,
    PRIMARY KEY (kind, text_hash, language, model)
) WITHOUT ROWID
"""


def default_cache_dir() -> Path:
    return Path(os.environ.get("CITYLINKS_CACHE") or Path.home() / ".cache" / "citylinks")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


def _file_digest(path: Path) -> str:
    return f"{path.name}:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"


def language_id_key() -> str:
    """What decides a language guess besides the text: the langid code, its rules, the detectors."""
    from pipeline.nlp import langid
    from pipeline.rules import rules_dir

    parts = [_file_digest(Path(langid.__file__)), library_version("lingua-language-detector"), library_version("langdetect")]
    parts += [_file_digest(p) for p in sorted(rules_dir().rglob("langid.yaml"))]
    return "langid:" + _digest(parts)


@lru_cache(maxsize=1)
def engine_code_key() -> str:
    """The code that turns a model's output into an AnnotatedDoc (tokenizer exceptions, lemmas, sentences)."""
    from pipeline.nlp import engines

    folder = Path(engines.__file__).parent
    return _digest([_file_digest(p) for p in sorted(folder.glob("*.py"))])


def route_key(language: str) -> str:
    """The language's route as configured (its lemmatizer is not part of the model id)."""
    try:
        from pipeline.nlp.routing import routes_table

        route = routes_table().languages.get(language)
        return _digest([route.model_dump_json()]) if route is not None else "none"
    except Exception:  # noqa: BLE001 - an unreadable routes table fails in engine_for, not here
        return "unknown"


def annotation_model_key(language: str, model_id: str) -> str:
    return f"{model_id}|route:{route_key(language)}|code:{engine_code_key()}"


def _pack(value: dict) -> bytes:
    data = marshal.dumps({"format": FORMAT, **value})
    if len(data) < SHORTEST_COMPRESSED:
        return PLAIN + data
    return MARSHALLED + zlib.compress(data, COMPRESSION_LEVEL)


def _unpack(blob: bytes) -> dict | None:
    try:
        if blob[:1] == PLAIN:
            value = marshal.loads(blob[1:])
        elif blob[:1] == MARSHALLED:
            value = marshal.loads(zlib.decompress(blob[1:]))
        else:
            value = json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError, EOFError, TypeError):
        return None
    return value if isinstance(value, dict) and value.get("format") in READABLE else None


def _set_up(db: sqlite3.Connection, patience: float = 120.0) -> None:
    """WAL mode and the table. Switching a new file to WAL takes an exclusive lock and SQLite
    answers "database is locked" at once, without waiting, while another process (a worker
    starting at the same moment) holds the file; so wait and try again, as a busy timeout would."""
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(SCHEMA)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class AnnotationCache:
    """One SQLite file of cached annotations; one instance per process (and thread)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / DB_NAME
        self.db = sqlite3.connect(self.path, timeout=120, isolation_level=None)
        _set_up(self.db)
        self._pending: list[tuple] = []

    def get(self, kind: str, key: str, language: str, model: str) -> dict | None:
        row = self.db.execute(
            "SELECT value FROM entries WHERE kind=? AND text_hash=? AND language=? AND model=?",
            (kind, key, language, model)).fetchone()
        return _unpack(row[0]) if row else None

    def newest(self, kind: str, key: str, language: str) -> tuple[str, dict] | None:
        """The most recently stored entry for a text and language, whatever the model."""
        rows = self.db.execute(
            "SELECT model, value FROM entries WHERE kind=? AND text_hash=? AND language=? "
            "ORDER BY stored DESC, model", (kind, key, language)).fetchall()
        for model, blob in rows:
            value = _unpack(blob)
            if value is not None:
                return model, value
        return None

    def put(self, kind: str, key: str, language: str, model: str, value: dict) -> None:
        """Queued until commit(): one transaction per chunk of articles."""
        self._pending.append((kind, key, language, model, _pack(value), time.time()))

    def commit(self) -> None:
        if not self._pending:
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", self._pending)
        self._pending.clear()

    def stats(self) -> dict:
        count, size = self.db.execute("SELECT count(*), coalesce(sum(length(value)), 0) FROM entries").fetchone()
        return {"entries": count, "value_bytes": size, "path": str(self.path)}

    def close(self) -> None:
        self.commit()
        self.db.close()


@dataclass
class CacheCounts:
    hits: int = 0
    misses: int = 0

    def as_dict(self) -> dict:
        return {"hits": self.hits, "misses": self.misses}


class CachedStages:
    """Language identification and annotation, looked up in the cache before running the models.

    ``detect`` and ``annotate`` have the signatures that pipeline.run.extract expects,
    so they plug into ``extract_article(article, detect=..., annotator=...)``.
    """

    def __init__(self, cache: AnnotationCache, detect: Detector, annotate: Annotator, rules_only: bool = False,
                 annotate_many: BatchAnnotator | None = None):
        self.cache = cache
        self._detect = detect
        self._annotate = annotate
        self._annotate_many = annotate_many
        self.language_key = language_id_key()
        self.rules_only = rules_only
        self._model_keys: dict[tuple[str, str], str] = {}
        self.lang = CacheCounts()
        self.doc = CacheCounts()
        self.stage = CacheCounts()
        self._annotated_now: set[str] = set()  # texts whose annotation was not in the cache: nor are their stages

    def detect(self, text: str) -> LanguageGuess:
        key = text_hash(text)
        found = self.cache.get("lang", key, "", self.language_key)
        if found is not None:
            try:
                guess = LanguageGuess(**found["guess"])
                self.lang.hits += 1
                return guess
            except (KeyError, TypeError):  # written by an older LanguageGuess layout
                pass
        self.lang.misses += 1
        guess = self._detect(text)
        self.cache.put("lang", key, "", self.language_key, {"guess": vars(guess)})
        return guess

    def model_key(self, language: str, model_id: str) -> str:
        if (language, model_id) not in self._model_keys:
            self._model_keys[(language, model_id)] = annotation_model_key(language, model_id)
        return self._model_keys[(language, model_id)]

    def annotate(self, clean: CleanText, language: str) -> tuple[AnnotatedDoc | None, list[str]]:
        return self.annotate_many([clean], language)[0]

    def annotate_many(self, cleans: list[CleanText], language: str) -> list[tuple[AnnotatedDoc | None, list[str]]]:
        """Cached annotations of texts of one language; the misses go to the engine in one batch."""
        engine = None
        if not self.rules_only:
            from pipeline.nlp.routing import engine_for

            engine, _ = engine_for(language)
            if engine is None:
                return self._run(cleans, language)
        keys = [text_hash(clean.text) for clean in cleans]
        results = [self._cached(key, language, engine) for key in keys]
        misses = [i for i, found in enumerate(results) if found is None]
        if misses:
            for i, (doc, warnings) in zip(misses, self._run([cleans[i] for i in misses], language)):
                self.doc.misses += 1
                if len(self._annotated_now) >= ANNOTATED_NOW_LIMIT:
                    self._annotated_now.clear()
                self._annotated_now.add(keys[i])
                if doc is not None:
                    model = self.model_key(language, doc.model if self.rules_only else engine.model_id)
                    self.cache.put("doc", keys[i], language, model, {"doc": doc.to_dict(), "warnings": warnings})
                results[i] = (doc, warnings)
        return results

    def _cached(self, key: str, language: str, engine) -> tuple[AnnotatedDoc, list[str]] | None:
        if self.rules_only:
            found = self.cache.newest("doc", key, language)
            return self._decode(found[1]) if found is not None else None
        value = self.cache.get("doc", key, language, self.model_key(language, engine.model_id))
        return self._decode(value) if value is not None else None

    def _run(self, cleans: list[CleanText], language: str) -> list[tuple[AnnotatedDoc | None, list[str]]]:
        if self._annotate_many is not None:
            return self._annotate_many(cleans, language)
        return [self._annotate(clean, language) for clean in cleans]

    def _decode(self, value: dict) -> tuple[AnnotatedDoc, list[str]] | None:
        try:
            doc = AnnotatedDoc.from_dict(value["doc"])
        except (KeyError, TypeError):  # written by an older AnnotatedDoc layout
            return None
        self.doc.hits += 1
        return doc, list(value["warnings"])

    def stage_runner(self, clean: CleanText, doc: AnnotatedDoc):
        """The rule stages of one article, each taken from the cache when nothing it reads changed."""
        key = text_hash(clean.text)
        context = f"{key}|{doc.language}|{doc.model}"
        annotated_now = key in self._annotated_now
        self._annotated_now.discard(key)
        # an article annotated in this run has no stage results stored under that annotation: they are stored,
        # not looked up (a lookup that cannot hit costs a query per stage)
        return StageMemo(self.cache, context, doc.language, self.stage, look_up=not annotated_now).run

    def counts(self) -> dict:
        return {"language": self.lang.as_dict(), "annotation": self.doc.as_dict(), "stages": self.stage.as_dict()}

    def reset_counts(self) -> None:
        self.lang, self.doc, self.stage = CacheCounts(), CacheCounts(), CacheCounts()

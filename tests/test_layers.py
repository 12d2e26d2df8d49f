"""Each dependency points one way: a module imports only from its own sub-package and from
sub-packages of lower layers (read from the source with ast, imports inside functions included)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. Packages of one layer may not import each other: the rule stages never see an
# engine, the engines never see a rule stage, input knows neither.
LAYERS: list[set[str]] = [
    {"pipeline", "pipeline.types", "pipeline.rules", "schemas"},
    {"pipeline.resources"},
    {"pipeline.ingest", "pipeline.nlp", "pipeline.stages"},
    {"pipeline.run", "pipeline.training"},
    {"pipeline.measure", "pipeline.dataset"},
    {"pipeline.cli"},
]
LAYER_OF = {unit: level for level, units in enumerate(LAYERS) for unit in units}
# The command line is one unit: its entry, the app its command modules register on, and those modules.
SAME_UNIT = {"pipeline.commands": "pipeline.cli", "pipeline.cli_app": "pipeline.cli"}


def unit_of(module: str) -> str:
    """The layer unit a dotted module belongs to: its sub-package, or the top module itself."""
    parts = module.split(".")
    for size in (2, 1):
        prefix = ".".join(parts[:size])
        if prefix in LAYER_OF or prefix in SAME_UNIT:
            return SAME_UNIT.get(prefix, prefix)
    raise KeyError(module)


def project_modules() -> list[tuple[str, Path]]:
    found = []
    for package in ("pipeline", "schemas"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.append((".".join(parts), path))
    return found


def imported_modules(module: str, path: Path) -> set[str]:
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pipeline import extract`
    return {name for name in names if name.split(".")[0] in ("pipeline", "schemas")}


def violations(module: str, path: Path) -> list[str]:
    own = unit_of(module)
    found = {}
    for target in sorted(imported_modules(module, path)):
        try:
            other = unit_of(target)
        except KeyError:
            continue  # `from pipeline import __version__`, a name rather than a module
        if other != own and LAYER_OF[other] >= LAYER_OF[own]:
            found.setdefault(other, f"{module} ({own}, layer {LAYER_OF[own]}) imports {target} "
                                    f"({other}, layer {LAYER_OF[other]})")
    return sorted(found.values())


def test_every_module_has_a_layer():
    missing = []
    for module, _ in project_modules():
        try:
            unit_of(module)
        except KeyError:
            missing.append(module)
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


@pytest.mark.parametrize("module,path", project_modules(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_imports_point_down(module, path):
    assert not violations(module, path)


def test_the_check_can_fail(tmp_path):
    upward = tmp_path / "cities.py"
    upward.write_text("from pipeline.run.cache import AnnotationCache\nfrom pipeline.nlp import engines\n")
    found = violations("pipeline.stages.cities", upward)
    assert len(found) == 2 and "imports pipeline.nlp" in found[0] and "imports pipeline.run.cache" in found[1]

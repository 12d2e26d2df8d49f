"""`rules` commands: validate every rule file, and show which languages have which rule files."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Optional

import typer
import yaml

from pipeline.cli_app import EXIT_OK, EXIT_SOME_FAILED, app

rules_app = typer.Typer(help="Check the rule files (pipeline/rules) and show their coverage.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

# The Pydantic model of each stage's rule file ("module:Class"); a stage missing here is checked for YAML syntax only.
RULE_MODELS = {
    "boilerplate": "pipeline.ingest.cleaning:BoilerplateRules",
    "geo": "pipeline.resources.gazetteer:GeoRules",
    "langid": "pipeline.nlp.langid:LangidRules",
    "cities": "pipeline.stages.cities:CityRules",
    "furniture": "pipeline.stages.furniture:FurnitureRules",
    "dates": "pipeline.stages.dates:DatesRules",
    "agreements": "pipeline.stages.agreements:AgreementRules",
    "areas": "pipeline.stages.areas:AreaRules",
}


def model_for(stage: str):
    target = RULE_MODELS.get(stage)
    if target is None:
        return None
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name, None)


def check_file(path: Path) -> tuple[str, str | None]:
    """("ok" | "syntax" | "error", message) for one rule file."""
    from pipeline.rules import RuleError, parse_rule_file

    model = model_for(path.stem)
    try:
        if model is None:
            yaml.safe_load(path.read_text(encoding="utf-8"))
            return "syntax", f"{path}: YAML only (no model registered for stage '{path.stem}')"
        parse_rule_file(path, model)
        return "ok", None
    except RuleError as exc:
        return "error", str(exc)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return "error", f"{path}:{mark.line + 1 if mark else '?'}: invalid YAML: {exc}"


@rules_app.command("check")
def check(directory: Optional[Path] = typer.Option(None, "--rules", help="Rules directory (default: the one in force).")) -> None:
    """Validate every rule file against its stage's model; a bad file is reported as path:line."""
    from pipeline.rules import rule_files, rules_dir, rules_hash

    base = directory or rules_dir()
    counts = {"ok": 0, "syntax": 0, "error": 0}
    for path in rule_files(base):
        status, message = check_file(path)
        counts[status] += 1
        if message:
            typer.echo(message, err=True)
    typer.echo(f"{counts['ok']} valid, {counts['syntax']} syntax only, {counts['error']} invalid"
               f" ({base}, {rules_hash(base)})", err=True)
    raise typer.Exit(EXIT_SOME_FAILED if counts["error"] else EXIT_OK)


def coverage_table(base: Path) -> str:
    """A Markdown table: one row per language folder, one column per stage, ✓ where a file exists."""
    languages = sorted(p.name for p in base.iterdir() if p.is_dir())
    stages = sorted({f.stem for lang in languages for f in (base / lang).glob("*.yaml")})
    lines = ["| language | " + " | ".join(stages) + " |", "|---|" + "---|" * len(stages)]
    for lang in languages:
        marks = ["✓" if (base / lang / f"{stage}.yaml").exists() else "–" for stage in stages]
        lines.append(f"| {lang} | " + " | ".join(marks) + " |")
    shared = sorted(f.stem for f in base.glob("*.yaml"))
    if shared:
        lines.append("")
        lines.append("language-free: " + ", ".join(shared))
    return "\n".join(lines)


@rules_app.command("coverage")
def coverage(directory: Optional[Path] = typer.Option(None, "--rules", help="Rules directory (default: the one in force).")) -> None:
    """Print which languages have which rule files (Markdown table)."""
    from pipeline.rules import rules_dir

    typer.echo(coverage_table(directory or rules_dir()))

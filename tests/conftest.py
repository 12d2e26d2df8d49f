"""Shared test helpers: paths and a real subprocess run of the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SEEDS_GOLD = SHARED / "corpus" / "seeds.gold.jsonl"


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None,
            env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `python cli.py ARGS` in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        input=input, capture_output=True, text=True, cwd=cwd or ROOT, env=full_env, timeout=timeout,
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def cli():
    return run_cli


def extract_through_routes(tmp_path: Path, routes_yaml: str, article_id: str, text: str) -> dict:
    """One article through `extract` with an edited routes table (CITYLINKS_ROUTES); its record."""
    routes, corpus, out = tmp_path / "routes.yaml", tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    routes.write_text(routes_yaml, encoding="utf-8")
    corpus.write_text(json.dumps({"id": article_id, "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    done = run_cli("extract", str(corpus), "-o", str(out), "-j", "1", "--no-cache", "--no-progress",
                   env={"CITYLINKS_ROUTES": str(routes)}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return read_jsonl(out)[0]


def routes_file_error(tmp_path: Path, candidate: str) -> str:
    """A one-candidate routes table for uk with the given candidate line: parsed, its error text."""
    from pipeline.nlp.routing import RoutesTable
    from pipeline.rules import RuleError, parse_rule_file

    path = tmp_path / "routes.yaml"
    path.write_text(f"languages:\n  uk:\n    lemmatizer: lowercase\n    candidates:\n      - {candidate}\n",
                    encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        parse_rule_file(path, RoutesTable)
    return str(raised.value)

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

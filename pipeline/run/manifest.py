"""The run manifest written beside the output (``OUT.manifest.json``): what made this output.

Package version and git revision, the models that annotated each language,
the rules hash with every rule file's sha256, every input file with its
sha256, the settings, the counts and the speed. It is rewritten at each
checkpoint (status ``running``) and at the end (``complete`` or
``interrupted``); a resumed run keeps the earlier sessions in ``sessions``.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__
from pipeline.ingest.readers import files_under
from pipeline.rules import rule_file_hashes, rules_dir, rules_hash

FORMAT = 1
ROOT = Path(__file__).resolve().parents[2]


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name.removesuffix(".jsonl") + ".manifest.json")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def git_revision() -> dict:
    """The commit of the source tree and whether it had uncommitted changes (None outside git)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    revision = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no") if revision else None
    return {"revision": revision, "dirty": bool(dirty) if revision else None}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(inputs: list[str]) -> list[dict]:
    """Every input file (directories expanded as the readers do) with its size and sha256."""
    files = []
    for name in inputs:
        if name == "-":
            files.append({"path": "<stdin>", "bytes": None, "sha256": None})
            continue
        path = Path(name)
        paths = sorted(files_under(path)) if path.is_dir() else [path]
        for p in paths:
            try:
                files.append({"path": str(p), "bytes": p.stat().st_size, "sha256": file_sha256(p)})
            except OSError as exc:
                files.append({"path": str(p), "bytes": None, "sha256": None, "error": str(exc)})
    return files


def rules_section() -> dict:
    return {"dir": str(rules_dir()), "hash": rules_hash(), "files": rule_file_hashes()}


def environment() -> dict:
    return {"package_version": __version__, "git": git_revision(), "python": sys.version.split()[0],
            "platform": platform.platform(), "cpu_count": os.cpu_count()}


def read_manifest(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(path: Path, manifest: dict) -> None:
    """Atomically: a reader never sees half a manifest."""
    temporary = path.with_name(path.name + ".tmp")
    # a file name with bytes that are not UTF-8 holds lone surrogates: written as JSON escapes (\udcff)
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8",
                         errors="backslashreplace")
    os.replace(temporary, path)

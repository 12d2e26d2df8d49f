"""Resume state of a run: which input items are done, and where the output files end.

Beside ``OUT.jsonl`` a run keeps ``OUT.jsonl.progress``: a header line (rules
hash and package version of the run), then one line per finished input item:

    <key> TAB <output size after it> TAB <errors size after it>

The item's lines go to the output and errors files first, its progress line
after them, so the last complete progress line always names a consistent
state. On resume the files are cut back to it: a half-written last line from a
kill -9 (or lines whose progress line was not written) disappear, and those
items are simply done again. No item is ever written twice or lost.

An item's key is a digest of its id and content, so an edited article with the
same id counts as not done; repeated items are counted, not collapsed.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.types import RawArticle, ReadFailure

SUFFIX = ".progress"
LOCK_SUFFIX = ".lock"
FORMAT = 1


class ResumeError(Exception):
    """The output cannot be continued; the message says what to do."""


def item_key(item: RawArticle | ReadFailure) -> str:
    if isinstance(item, ReadFailure):
        content = ["failure", item.id, item.source, item.reason]
    else:
        content = ["article", item.id, item.text, item.html, item.url, item.title, item.published]
    data = json.dumps(content, ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(data, digest_size=10).hexdigest()


def progress_path(output: Path) -> Path:
    return output.with_name(output.name + SUFFIX)


@contextmanager
def exclusive(output: Path):
    """Hold ``OUT.jsonl.lock`` for the run: a second run on the same output is refused instead of
    interleaving its lines. The lock is the kernel's (flock), so a killed run never leaves it held."""
    output.parent.mkdir(parents=True, exist_ok=True)
    path = output.with_name(output.name + LOCK_SUFFIX)
    with open(path, "a+") as stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = stream.read().strip() or "?"
            raise ResumeError(f"{output} is being written by another extract run (pid {holder}); "
                              "wait for it to finish or write to another output") from None
        stream.truncate(0)
        stream.write(str(os.getpid()))
        stream.flush()
        yield


@dataclass
class ResumePoint:
    """Where a run starts: the keys already done and the sizes of the files."""

    done: Counter = field(default_factory=Counter)
    output_size: int = 0
    errors_size: int = 0
    progress_size: int = 0
    resumed: bool = False

    @property
    def items_done(self) -> int:
        return sum(self.done.values())


def header(rules_hash: str, package_version: str) -> dict:
    return {"progress": FORMAT, "rules_hash": rules_hash, "package_version": package_version}


def _read_entries(path: Path) -> tuple[dict | None, int, list[tuple[str, int, int, int]]]:
    """The header, its size and the complete entries, each with the progress file size after it."""
    entries = []
    with open(path, "rb") as stream:
        first = stream.readline()
        if not first.endswith(b"\n"):
            return None, 0, []
        try:
            head = json.loads(first)
        except ValueError:
            return None, 0, []
        position = len(first)
        for line in stream:
            if not line.endswith(b"\n"):
                break  # the half-written last line of a killed run
            parts = line.rstrip(b"\n").split(b"\t")
            if len(parts) != 3:
                break
            try:
                entries.append((parts[0].decode(), int(parts[1]), int(parts[2]), position + len(line)))
            except ValueError:
                break
            position += len(line)
    return head, len(first), entries


def _size(path: Path | None) -> int:
    return path.stat().st_size if path is not None and path.exists() else 0


def start(output: Path, errors: Path | None, expected: dict, force: bool) -> ResumePoint:
    """Prepare the output files for a run and say what is already done.

    Fresh start: the files are emptied and a progress header written. Resume:
    the files are cut back to the last recorded item.
    """
    progress = progress_path(output)
    if force or not output.exists():
        return _fresh(output, errors, progress, expected)
    if not progress.exists():
        raise ResumeError(f"{output} exists and was not written by a resumable run; "
                          "pass --force to overwrite it")
    head, head_size, entries = _read_entries(progress)
    if head is None or head.get("progress") != FORMAT:
        raise ResumeError(f"{progress} is not a progress file this version can read; pass --force to start over")
    for name in ("rules_hash", "package_version"):
        if head.get(name) != expected[name]:
            raise ResumeError(
                f"{output} was made with {name} {head.get(name)}, the current one is {expected[name]}; "
                "pass --force to redo it with the current one (cached annotations make that fast), "
                "or write to a new output")
    output_size, errors_size = _size(output), _size(errors)
    kept = len(entries)
    while kept and (entries[kept - 1][1] > output_size or entries[kept - 1][2] > errors_size):
        kept -= 1  # the data of these entries did not reach the disk (power loss)
    point = ResumePoint(progress_size=head_size, resumed=True)
    point.done.update(key for key, _, _, _ in entries[:kept])
    if kept:
        _, point.output_size, point.errors_size, point.progress_size = entries[kept - 1]
    _truncate(output, point.output_size)
    if errors is not None:
        _truncate(errors, point.errors_size)
    _truncate(progress, point.progress_size)
    return point


def _fresh(output: Path, errors: Path | None, progress: Path, expected: dict) -> ResumePoint:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(b"")
    if errors is not None:
        errors.write_bytes(b"")
    line = (json.dumps(expected) + "\n").encode()
    progress.write_bytes(line)
    return ResumePoint(progress_size=len(line))


def _truncate(path: Path, size: int) -> None:
    if not path.exists():
        path.write_bytes(b"")
    if path.stat().st_size != size:
        with open(path, "r+b") as stream:
            stream.truncate(size)


def entry_line(key: str, output_size: int, errors_size: int) -> bytes:
    return f"{key}\t{output_size}\t{errors_size}\n".encode()


def sync(*streams) -> None:
    """Data files first, progress last: the progress file never runs ahead of the data on disk."""
    for stream in streams:
        if stream is not None:
            os.fsync(stream.fileno())

"""Interrupted runs (kill -9, Ctrl-C) continue where they stopped: every article written exactly once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import ROOT, read_jsonl, run_cli
from pipeline.run import resume
from test_batch import extract, manifest_of, small_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    path = folder / "corpus.jsonl"
    # long enough that a fast machine is still mid-run when the test interrupts it
    ids = small_corpus(path, count=160)
    return path, ids


def progress_entries(out: Path) -> int:
    path = resume.progress_path(out)
    return path.read_bytes().count(b"\n") - 1 if path.exists() else 0


def start_and_stop(corpus: Path, out: Path, cache: Path, sig: int, after: int, *options: str):
    """Start an extract run, let it finish ``after`` items, then send it ``sig``."""
    command = [sys.executable, str(ROOT / "cli.py"), "extract", str(corpus), "-o", str(out), "--no-progress",
               "--cache", str(cache), "--chunk-size", "1", *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    children = []
    while progress_entries(out) < after and process.poll() is None and time.monotonic() < deadline:
        try:
            children = psutil.Process(process.pid).children(recursive=True) or children
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    if process.poll() is not None:
        pytest.fail(f"the run ended (exit {process.returncode}) before it could be interrupted:\n"
                    f"{process.communicate()[1][-3000:]}")
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stderr, children


def test_kill_9_midway_then_resume_writes_every_article_once(corpus, tmp_path):
    path, ids = corpus
    out = tmp_path / "out.jsonl"
    code, _, children = start_and_stop(path, out, tmp_path / "cache", signal.SIGKILL, 6, "-j", "2")
    assert code == -signal.SIGKILL
    done_before = len(read_jsonl(out))
    assert 0 < done_before < len(ids)
    # worker processes do not outlive their killed parent
    time.sleep(3)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    # a torn last line, as if the kill had come in the middle of a write
    with open(out, "ab") as stream:
        stream.write(b'{"id": "torn", "status": "o')
    with open(resume.progress_path(out), "ab") as stream:
        stream.write(b"0123456789abcdef")
    errors_before = len(read_jsonl(tmp_path / "out.errors.jsonl")) if (tmp_path / "out.errors.jsonl").exists() else 0

    result = extract(path, out, tmp_path / "cache", "-j", "2", "--chunk-size", "2")
    # exit 1 when this run failed an item: the bad lines (a malformed one, a blank text) it had left to do
    assert result.returncode == (1 if errors_before < 2 else 0), result.stderr
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ids  # each exactly once, in input order
    errors = read_jsonl(tmp_path / "out.errors.jsonl")
    assert [e["id"] for e in errors] == ["corpus.jsonl:6", "blank"]
    counts = manifest_of(out)["counts"]
    read = len(ids) + 2  # the malformed line and the blank text are read and failed
    assert counts["read"] == read == counts["written"] + counts["failed"] + counts["skipped"]
    assert counts["skipped"] >= done_before
    assert progress_entries(out) == read

    again = extract(path, out, tmp_path / "cache", "-j", "1")
    assert f"read {read}, written 0, failed 0, skipped {read}" in again.stderr
    assert [r["id"] for r in read_jsonl(out)] == ids


def test_ctrl_c_stops_cleanly_and_the_next_run_completes(corpus, tmp_path):
    path, ids = corpus
    out = tmp_path / "out.jsonl"
    code, stderr, _ = start_and_stop(path, out, tmp_path / "cache", signal.SIGINT, 4, "-j", "2")
    assert code == 130, stderr
    assert "run the same command again" in stderr
    manifest = manifest_of(out)
    assert manifest["status"] == "interrupted"
    lines = out.read_bytes()
    assert lines.endswith(b"\n") and len(read_jsonl(out)) == manifest["counts"]["written"]

    result = extract(path, out, tmp_path / "cache", "-j", "1")
    # exit 1 when this run failed an item: the bad lines (a malformed one, a blank text) it had left to do
    assert result.returncode == (1 if manifest["counts"]["failed"] < 2 else 0), result.stderr
    assert [r["id"] for r in read_jsonl(out)] == ids
    manifest = manifest_of(out)
    assert manifest["status"] == "complete" and len(manifest["sessions"]) == 1
    assert manifest["sessions"][0]["status"] == "interrupted"


def test_force_starts_over_and_a_rules_change_is_refused(corpus, tmp_path):
    path, ids = corpus
    short = tmp_path / "short.jsonl"
    short.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:4]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert extract(short, out, tmp_path / "cache", "-j", "1").returncode == 0
    first = out.read_bytes()

    rules = tmp_path / "rules"
    rules.mkdir()
    for source in (ROOT / "pipeline" / "rules").rglob("*.yaml"):
        target = rules / source.relative_to(ROOT / "pipeline" / "rules")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    with open(rules / "boilerplate.yaml", "a", encoding="utf-8") as stream:
        stream.write("\n# edited\n")
    refused = extract(short, out, tmp_path / "cache", "-j", "1", "--rules", str(rules))
    assert refused.returncode == 2 and "rules_hash" in refused.stderr and "--force" in refused.stderr
    assert out.read_bytes() == first  # untouched

    redone = extract(short, out, tmp_path / "cache", "-j", "1", "--rules", str(rules), "--force")
    assert redone.returncode == 0, redone.stderr
    assert "read 4, written 4, failed 0, skipped 0" in redone.stderr
    assert {r["provenance"]["rules_hash"] for r in read_jsonl(out)} != {json.loads(first.splitlines()[0])["provenance"]["rules_hash"]}


def test_output_not_made_by_a_resumable_run_is_not_touched(tmp_path):
    out = tmp_path / "mine.jsonl"
    out.write_text('{"id": "keep me"}\n', encoding="utf-8")
    result = run_cli("extract", str(ROOT / "data" / "raw" / "uk_lutsk_lublin.txt"), "-o", str(out))
    assert result.returncode == 2 and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == '{"id": "keep me"}\n'


def write_state(folder: Path, out_lines: list[bytes], err_lines: list[bytes], entries: list[tuple[str, int, int]],
                tail: bytes = b"") -> tuple[Path, Path]:
    out, errors = folder / "o.jsonl", folder / "o.errors.jsonl"
    out.write_bytes(b"".join(out_lines))
    errors.write_bytes(b"".join(err_lines))
    head = json.dumps(resume.header("sha256:r", "1.0")).encode() + b"\n"
    resume.progress_path(out).write_bytes(head + b"".join(resume.entry_line(*e) for e in entries) + tail)
    return out, errors


def test_resume_cuts_files_back_to_the_last_recorded_item(tmp_path):
    a, b, c = b'{"id": "a"}\n', b'{"id": "b"}\n', b'{"id": "c"}\n'
    e = b'{"id": "x"}\n'
    # c reached the output but its progress line did not; the last progress line is torn
    out, errors = write_state(tmp_path, [a, b, c, b'{"id": "d"'], [e],
                              [("k1", len(a), 0), ("k2", len(a), len(e)), ("k3", len(a + b), len(e))], b"k4\t99")
    point = resume.start(out, errors, resume.header("sha256:r", "1.0"), force=False)
    assert point.resumed and dict(point.done) == {"k1": 1, "k2": 1, "k3": 1}
    assert out.read_bytes() == a + b and errors.read_bytes() == e
    assert resume.progress_path(out).read_bytes().endswith(resume.entry_line("k3", len(a + b), len(e)))


def test_resume_walks_back_past_entries_whose_data_never_reached_the_disk(tmp_path):
    a = b'{"id": "a"}\n'
    out, errors = write_state(tmp_path, [a], [], [("k1", len(a), 0), ("k2", 2 * len(a), 0), ("k2", 3 * len(a), 0)])
    point = resume.start(out, errors, resume.header("sha256:r", "1.0"), force=False)
    assert dict(point.done) == {"k1": 1} and point.output_size == len(a)


def test_resume_refuses_other_rules_or_version(tmp_path):
    out, errors = write_state(tmp_path, [], [], [])
    with pytest.raises(resume.ResumeError, match="rules_hash"):
        resume.start(out, errors, resume.header("sha256:other", "1.0"), force=False)
    with pytest.raises(resume.ResumeError, match="package_version"):
        resume.start(out, errors, resume.header("sha256:r", "2.0"), force=False)
    point = resume.start(out, errors, resume.header("sha256:other", "1.0"), force=True)
    assert not point.resumed and point.items_done == 0


def test_item_key_is_id_and_content():
    from pipeline.types import RawArticle, ReadFailure

    one = RawArticle(id="a", source="f:1", text="Львів і Вроцлав")
    assert resume.item_key(one) == resume.item_key(RawArticle(id="a", source="g:9", text="Львів і Вроцлав"))
    assert resume.item_key(one) != resume.item_key(RawArticle(id="a", source="f:1", text="Львів і Краків"))
    assert resume.item_key(one) != resume.item_key(RawArticle(id="b", source="f:1", text="Львів і Вроцлав"))
    assert resume.item_key(ReadFailure("a", "f:1", "bad")) != resume.item_key(one)
    assert os.path.basename(str(resume.progress_path(Path("/x/out.jsonl")))) == "out.jsonl.progress"


def test_two_runs_on_one_output_at_once_one_refuses(corpus, tmp_path):
    path, ids = corpus
    out = tmp_path / "out.jsonl"
    command = [sys.executable, str(ROOT / "cli.py"), "extract", str(path), "-o", str(out), "--no-progress",
               "--cache", str(tmp_path / "cache"), "-j", "1"]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = sorted((run.wait(timeout=600), run.stderr.read()) for run in runs)
    for run in runs:
        run.stderr.close()
        run.stdout.close()
    (done_code, _), (refused_code, refused) = results
    assert done_code == 1 and refused_code == 2, results  # 1: the corpus's two bad lines
    assert "being written by another extract run" in refused
    assert [r["id"] for r in read_jsonl(out)] == ids  # nothing interleaved, nothing twice
    assert progress_entries(out) == len(ids) + 2


def _kill_tree(process: subprocess.Popen) -> None:
    """kill -9 of the run and of what it started (a trie builder), as a crash or OOM kill would."""
    try:
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    for member in family:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass
    process.wait(timeout=60)


def _start_and_kill_when(command: list[str], env: dict, log: Path, started) -> bool:
    """Run ``command`` (stderr to ``log``); kill -9 it and its children once ``started(process, stderr)``
    is true. False: it ended first."""
    with open(log, "w") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 600
    while process.poll() is None and time.monotonic() < deadline:
        if started(process, log.read_text(encoding="utf-8", errors="replace")):
            _kill_tree(process)
            return True
        time.sleep(0.01)
    _kill_tree(process)
    return False


def _building_a_trie(process: subprocess.Popen, _stderr: str) -> bool:
    try:
        return any("BytesTrie" in " ".join(child.cmdline()) for child in psutil.Process(process.pid).children())
    except psutil.Error:
        return False


def test_kill_9_while_the_first_run_builds_its_resources(tmp_path):
    """A fresh cache directory: the run is killed while it builds a lemma trie, then while it compiles
    the gazetteer; nothing half-written is ever used and the next run completes with the same records."""
    from marisa_trie import BytesTrie

    from pipeline.resources.gazetteer import cache_dir, gazetteer_path
    from pipeline.resources.lemma_tries import lemma_dictionary_dir

    article = ROOT / "data" / "raw" / "hr_zagreb_mostar.txt"
    reference = tmp_path / "reference.jsonl"
    assert run_cli("extract", str(article), "-o", str(reference), "--no-progress", "-j", "1").returncode == 0

    fresh = tmp_path / "fresh-cache"
    env = {**os.environ, "CITYLINKS_CACHE": str(fresh)}
    tries, built_tries = lemma_dictionary_dir(), fresh / lemma_dictionary_dir().relative_to(cache_dir())
    built_tries.mkdir(parents=True)
    rebuilt = ("hbs", "bg")  # small ones, built again by the test; the others are copied
    for trie in tries.glob("*.dic"):
        if trie.stem not in rebuilt:
            (built_tries / trie.name).write_bytes(trie.read_bytes())
    gazetteer = fresh / gazetteer_path().name
    out = tmp_path / "out.jsonl"
    command = [sys.executable, str(ROOT / "cli.py"), "extract", str(article), "-o", str(out), "--no-progress",
               "-j", "1"]

    log = tmp_path / "stderr.txt"
    assert _start_and_kill_when(command, env, log, _building_a_trie)
    assert _start_and_kill_when(command, env, log, lambda _p, stderr: "building it once" in stderr)
    assert not gazetteer.exists()  # killed while compiling: nothing under the final name
    for trie in built_tries.glob("*.dic"):  # every trie under its final name is whole
        BytesTrie().load(str(trie))
    # what a kill in the middle of a write leaves: torn temporary files, never read
    (fresh / (gazetteer.stem + ".tmp99999")).write_bytes(b"\x80\x05torn")
    (built_tries / "hbs.dic.99999.partial").write_bytes(b"torn")

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert gazetteer.exists() and all((built_tries / f"{language}.dic").exists() for language in rebuilt)
    drop = lambda r: {k: v for k, v in r.items() if k != "provenance"}  # noqa: E731
    assert [drop(r) for r in read_jsonl(out)] == [drop(r) for r in read_jsonl(reference)]

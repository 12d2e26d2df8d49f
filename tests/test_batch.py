"""Batch runs through the real CLI: parallel workers keep input order and bytes; the manifest says what ran."""
from __future__ import annotations

import gzip
import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, SHARED, read_jsonl, run_cli
from pipeline.run.parallel import ordered_results

NEWS_UK = SHARED / "corpus" / "news" / "bsnlp-uk.jsonl.gz"


def small_corpus(path: Path, count: int = 40, words: int = 120) -> list[str]:
    """Real Ukrainian news cut to ``words`` words, with a malformed line and an empty text among them.

    Returns the ids that must end up in the output, in input order.
    """
    rows, seen = [], set()
    with gzip.open(NEWS_UK, "rt", encoding="utf-8") as stream:
        for line in stream:
            row = json.loads(line)
            text = " ".join(row["text"].split()[:words])
            if len(text.split()) < words or row["id"] in seen:
                continue
            seen.add(row["id"])
            rows.append({"id": row["id"], "text": text, "published": row.get("published")})
            if len(rows) == count:
                break
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(5, '{"id": "broken", "text": "no end')
    lines.insert(11, json.dumps({"id": "blank", "text": "   "}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [r["id"] for r in rows]


def extract(corpus: Path, out: Path, cache: Path, *options: str, **kwargs):
    return run_cli("extract", str(corpus), "-o", str(out), "--no-progress", "--cache", str(cache), *options, **kwargs)


def manifest_of(out: Path) -> dict:
    return json.loads(out.with_name(out.name.removesuffix(".jsonl") + ".manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The corpus and its output from one sequential run (in this process, -j 1)."""
    folder = tmp_path_factory.mktemp("reference")
    corpus = folder / "corpus.jsonl"
    ids = small_corpus(corpus)
    out = folder / "out.jsonl"
    result = extract(corpus, out, folder / "cache", "-j", "1")
    assert result.returncode == 1, result.stderr  # two bad input lines
    return {"corpus": corpus, "ids": ids, "out": out.read_bytes(),
            "errors": (folder / "out.errors.jsonl").read_bytes(), "stderr": result.stderr}


def test_sequential_run_accounts_for_every_line(reference):
    records = [json.loads(line) for line in reference["out"].decode().splitlines()]
    assert [r["id"] for r in records] == reference["ids"]
    assert {r["language"] for r in records} == {"uk"}
    errors = [json.loads(line) for line in reference["errors"].decode().splitlines()]
    assert [e["id"] for e in errors] == ["corpus.jsonl:6", "blank"]
    assert "read 42, written 40, failed 2, skipped 0" in reference["stderr"]


def test_two_workers_keep_input_order_and_bytes(reference, tmp_path):
    out = tmp_path / "par.jsonl"
    result = extract(reference["corpus"], out, tmp_path / "cache", "-j", "2", "--chunk-size", "3")
    assert result.returncode == 1, result.stderr
    assert out.read_bytes() == reference["out"]
    assert (tmp_path / "par.errors.jsonl").read_bytes() == reference["errors"]
    manifest = manifest_of(out)
    assert manifest["settings"]["executor"].startswith("2 processes")
    # Which process takes which chunk is up to the pool (a worker still starting may get none);
    # results arriving out of order are covered deterministically below.
    assert 1 <= len(manifest["workers"]) <= 2
    assert sum(w["articles"] for w in manifest["workers"].values()) == 42


def test_results_come_back_in_submission_order_whatever_order_they_finish_in():
    """ordered_results over a pool where, in each group of three chunks, the last finishes first."""
    done = {chunk: threading.Event() for chunk in range(12)}
    finished = []

    def work(chunk: int) -> int:
        if chunk % 3 != 2:  # wait for the next chunk of the group to finish
            assert done[chunk + 1].wait(timeout=30)
        finished.append(chunk)
        done[chunk].set()
        return chunk

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(ordered_results(lambda chunk: pool.submit(work, chunk), iter(range(12)), window=3))
    assert finished == [2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9]
    assert results == list(range(12))


def test_manifest_says_what_made_the_output(reference, tmp_path):
    out = tmp_path / "m.jsonl"
    extract(reference["corpus"], out, tmp_path / "cache", "-j", "1")
    manifest = manifest_of(out)
    assert manifest["status"] == "complete"
    assert manifest["counts"] == {"read": 42, "written": 40, "failed": 2, "skipped": 0, "not_extracted": 0,
                                  "per_language": {"uk": 40}}
    (source,) = manifest["inputs"]
    assert source["sha256"] == hashlib.sha256(reference["corpus"].read_bytes()).hexdigest()
    record = read_jsonl(out)[0]
    assert manifest["rules"]["hash"] == record["provenance"]["rules_hash"]
    assert "boilerplate.yaml" in manifest["rules"]["files"]
    assert manifest["models"]["engines"]["uk"] == [record["provenance"]["models"]["engine"]]
    assert manifest["models"]["language_identification"] == [record["provenance"]["models"]["language"]]
    assert manifest["package_version"] and "revision" in manifest["git"]  # None outside a git checkout
    assert manifest["timing"]["articles_per_second"] > 0
    cpu = manifest["timing"]["cpu_ms_per_article"]  # the workers' CPU by phase, then by rule stage in order
    assert list(cpu)[:5] == ["cleaning and language", "annotation", "rule stages", "serialisation", "rules start-up"]
    assert list(cpu)[5:] == ["dates", "cities", "officials", "agreements", "areas"] and min(cpu.values()) > 0
    assert manifest["cache"]["annotation"] == {"hits": 0, "misses": 40}


def test_small_input_runs_in_process(tmp_path):
    out = tmp_path / "one.jsonl"
    result = run_cli("extract", str(ROOT / "data" / "raw" / "uk_lutsk_lublin.txt"), "-o", str(out),
                     "--no-progress", "--cache", str(tmp_path / "cache"), "-j", "2")
    assert result.returncode == 0, result.stderr
    assert manifest_of(out)["settings"]["executor"] == "in-process"


def test_stdout_output_has_no_side_files(reference, tmp_path):
    result = run_cli("extract", str(reference["corpus"]), "--no-progress", "--cache", str(tmp_path / "c"), "-j", "1",
                     cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.encode() == reference["out"]
    assert "corpus.jsonl:6" in result.stderr  # errors go to stderr when there is no errors file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]


EARLY_START = """
import multiprocessing, os, sys
from concurrent.futures import ProcessPoolExecutor
import psutil
from pipeline.run.parallel import start_fork_server_early
small, big = sys.argv[1], sys.argv[2]
os.environ.pop("OPENBLAS_NUM_THREADS", None)
servers = lambda: sum("forkserver" in " ".join(p.cmdline()) for p in psutil.Process().children())
print(start_fork_server_early([small], 2), start_fork_server_early([big], 1), servers())
print(start_fork_server_early([big], 2), servers())
with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
    print(pool.submit(os.getenv, "OPENBLAS_NUM_THREADS").result())
"""


def test_the_fork_server_starts_early_only_for_an_input_that_needs_workers(tmp_path):
    """A big input's fork server starts before the main process imports the extractor, with one BLAS thread
    per worker in its environment; a small input (run in-process) or one worker starts none."""
    import subprocess
    import sys

    from pipeline.run.parallel import EARLY_FORK_SERVER_BYTES, _input_bytes

    small, folder = ROOT / "data" / "raw" / "uk_lutsk_lublin.txt", tmp_path / "big"
    folder.mkdir()
    for n in range(3):
        (folder / f"part{n}.txt").write_text("Мэр Самары. " * (EARLY_FORK_SERVER_BYTES // 40), encoding="utf-8")
    assert _input_bytes([str(small)], EARLY_FORK_SERVER_BYTES) == small.stat().st_size
    assert _input_bytes(["-", str(folder)], EARLY_FORK_SERVER_BYTES) >= EARLY_FORK_SERVER_BYTES
    done = subprocess.run([sys.executable, "-c", EARLY_START, str(small), str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["False False 0", "True 1", "1"]

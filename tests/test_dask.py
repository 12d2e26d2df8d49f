"""`extract --dask`: the same extraction as shards on a dask.distributed LocalCluster (2 worker processes)."""
from __future__ import annotations

import pytest

from conftest import read_jsonl
from test_batch import extract, manifest_of, small_corpus

pytest.importorskip("dask.distributed")


def test_local_cluster_with_two_workers_gives_the_same_bytes_in_input_order(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    ids = small_corpus(corpus, count=12, words=80)
    reference = tmp_path / "ref.jsonl"
    extract(corpus, reference, tmp_path / "cache-ref", "-j", "1")

    out = tmp_path / "dask.jsonl"
    result = extract(corpus, out, tmp_path / "cache-dask", "--dask", "local:2", "--chunk-size", "2")
    assert result.returncode == 1, result.stderr  # the two bad input lines
    assert out.read_bytes() == reference.read_bytes()
    assert [r["id"] for r in read_jsonl(out)] == ids
    assert (tmp_path / "dask.errors.jsonl").read_bytes() == (tmp_path / "ref.errors.jsonl").read_bytes()
    manifest = manifest_of(out)
    assert manifest["settings"]["executor"].startswith("dask LocalCluster (2 worker processes)")
    assert len(manifest["workers"]) == 2  # both Dask workers ran shards
    assert manifest["counts"]["read"] == 14 and manifest["cache"]["annotation"]["misses"] == 12

    # resume works the same on Dask: nothing left to do
    again = extract(corpus, out, tmp_path / "cache-dask", "--dask", "local:2")
    assert "read 14, written 0, failed 0, skipped 14" in again.stderr

"""Property-based fuzzing (hypothesis) of the readers and of `extract` end to end.

Generated input folders hold files as scrapers leave them: random bytes, real text in
several code pages cut at any byte, scripts mixed, huge lines, JSON lines of every
shape, CSV rows of any width, HTML soup. The properties: reading never raises, and a
batch run never crashes, accounts for every item (read = written + failed) and writes
only lines that the schema accepts. The suite runs a bounded number of examples; the
long run is `python cli.py fuzz`.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.ingest.readers import FIELDS, read_inputs
from pipeline.types import RawArticle, ReadFailure
from schemas.record import ArticleRecord, ErrorRecord

SEEDS_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r", "cp1250", "iso8859_2", "latin_1")
SCRIPTS = "abcčšžłąęßäöüабвгґдєіїўъыэюяђћџ0123456789 .,;:!?«»„“\"'-–—()\n\t\r\u00a0\u200b\ufeff\ufffd<>&/"


@dataclass(frozen=True)
class Limits:
    huge_line: int = 20_000  # characters of the longest generated line
    max_files: int = 4


def seed_sentences() -> list[str]:
    """Lines of the sample articles in data/raw: real text in several languages to mutate."""
    lines = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if len(line) > 40]
    return lines or ["Міський голова Луцька зустрівся з делегацією з Любліна."]


def texts(limits: Limits) -> st.SearchStrategy[str]:
    seeds = seed_sentences()
    sentence = st.sampled_from(seeds)
    mixed = st.lists(st.one_of(sentence, st.text(alphabet=SCRIPTS, max_size=80)), max_size=6).map(" ".join)
    huge = st.tuples(sentence, st.integers(1, max(1, limits.huge_line // 60))).map(lambda p: (p[0] + " ") * p[1])
    return st.one_of(sentence, mixed, huge, st.text(max_size=200))


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """A text in some encoding, maybe cut at any byte (a truncated download)."""
    def encode(args) -> bytes:
        value, encoding, cut = args
        data = value.encode(encoding, errors="replace")
        return data[:cut] if cut is not None else data
    return st.tuples(text, st.sampled_from(ENCODINGS), st.none() | st.integers(0, 4000)).map(encode)


def html_soup(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    tags = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<script>var a=1;</script>", "<br>", "<!--",
                            "-->", "<meta charset=\"koi8-r\">", "<meta charset=\"nonsense\">", "<html>",
                            "<body>", "<table><tr><td>", "<a href='x'>", "&amp;", "&#x41;", "&bogus;", "<"])
    return st.lists(st.one_of(tags, text), max_size=12).map("".join)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6)


def json_lines(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    field_value = st.one_of(text, JSON_VALUES)
    row = st.dictionaries(st.sampled_from(FIELDS + ("extra",)), field_value, max_size=5)
    line = st.one_of(row.map(lambda r: json.dumps(r, ensure_ascii=False)), JSON_VALUES.map(json.dumps),
                     st.text(alphabet=SCRIPTS + "{}[]:", max_size=60),
                     st.sampled_from(['{"id": "s\\ud800", "text": "Lviv \\udc00 Wroclaw"}',  # lone surrogates
                                      '{"text": "\\ud83d\\ude00 \\ud83d"}']),
                     st.tuples(row, st.integers(0, 50)).map(lambda p: json.dumps(p[0])[:p[1]]))
    lines = st.lists(line, max_size=6).map(lambda ls: "\n".join(ls) + "\n")
    return st.one_of(encoded(lines), st.binary(max_size=300))


def csv_rows(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    header = st.lists(st.sampled_from(FIELDS + ("extra",)), min_size=0, max_size=4, unique=True).map(",".join)
    cell = st.one_of(text, st.text(alphabet=SCRIPTS + ",\"", max_size=20)).map(lambda c: '"' + c.replace('"', '""') + '"')
    rows = st.lists(st.lists(cell, max_size=5).map(",".join), max_size=5)
    body = st.tuples(header, rows).map(lambda p: "\n".join([p[0], *p[1]]) + "\n")
    return st.one_of(encoded(body), st.binary(max_size=300))


def input_files(limits: Limits) -> st.SearchStrategy[list[tuple[str, bytes]]]:
    text = texts(limits)
    one = st.one_of(
        st.tuples(st.just(".txt"), st.one_of(encoded(text), st.binary(max_size=500))),
        st.tuples(st.just(".html"), st.one_of(encoded(html_soup(text)), st.binary(max_size=500))),
        st.tuples(st.just(".jsonl"), json_lines(text)),
        st.tuples(st.just(".csv"), csv_rows(text)),
    )
    return st.lists(one, min_size=1, max_size=limits.max_files)


def write_files(folder: Path, files: list[tuple[str, bytes]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, (suffix, data) in enumerate(files):
        (folder / f"f{index}{suffix}").write_bytes(data)
    return folder


def check_readers(files: list[tuple[str, bytes]]) -> list:
    """Reading never raises; every item is an article with string fields or a failure with a reason."""
    with tempfile.TemporaryDirectory() as tmp:
        items = list(read_inputs([str(write_files(Path(tmp) / "in", files))]))
    for item in items:
        assert isinstance(item, (RawArticle, ReadFailure)), item
        if isinstance(item, ReadFailure):
            assert item.reason and isinstance(item.id, str)
            continue
        assert isinstance(item.id, str) and item.id
        for value in (item.text, item.html, item.url, item.title, item.published):
            assert value is None or isinstance(value, str)
    return items


def check_extract(files: list[tuple[str, bytes]]) -> dict:
    """A whole batch run in this process: no crash, read = written + failed, every line valid."""
    from pipeline.run.batch import RunOptions, run

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_files(Path(tmp) / "in", files)
        expected = sum(1 for _ in read_inputs([str(folder)]))
        out, errors = Path(tmp) / "out.jsonl", Path(tmp) / "out.errors.jsonl"
        summary = run([str(folder)], out, errors, RunOptions(workers=1, cache_dir=None, force=True))
        records = [ArticleRecord.model_validate_json(line) for line in out.read_text(encoding="utf-8").splitlines()]
        problems = [ErrorRecord.model_validate_json(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert summary.read == expected == summary.written + summary.failed, summary.counts()
    assert len(records) == summary.written
    assert sum(not e.recorded for e in problems) == summary.failed
    assert not [e.reason for e in problems if e.reason.startswith("internal error")]
    for record in records:
        for field in ("cities", "officials", "dates", "agreements", "areas"):
            for item in getattr(record, field):
                for mention in item.mentions:
                    assert record.text[mention.start:mention.end] == mention.text
    return summary.counts()


def fuzz(examples: int, limits: Limits, end_to_end: bool, seed: int | None = None) -> None:
    """Run one property over ``examples`` generated input folders (raises on the first failure)."""
    check = check_extract if end_to_end else check_readers
    options = settings(max_examples=examples, deadline=None, database=None, derandomize=seed is not None,
                       suppress_health_check=list(HealthCheck))

    @options
    @given(input_files(limits))
    def property_holds(files):
        check(files)

    property_holds()

"""Each input reader on real files: ids, fields, order, and failures as items (never exceptions)."""
from __future__ import annotations

import gzip
import io
import json

from pipeline.ingest.readers import content_id, read_inputs, read_path
from pipeline.types import RawArticle, ReadFailure


def test_text_and_html_files_use_the_file_stem_as_id(tmp_path):
    (tmp_path / "b_article.txt").write_text("Місто Львів.", encoding="utf-8")
    (tmp_path / "a_page.html").write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    items = list(read_path(tmp_path))
    assert [i.id for i in items] == ["a_page", "b_article"]  # sorted paths
    assert items[0].html.startswith("<html>") and items[0].text is None
    assert items[1].text == "Місто Львів." and items[1].source.endswith("b_article.txt")


def test_utf8_bom_and_utf16_are_decoded(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffŽupan Ljubljane".encode("utf-8"))
    (tmp_path / "wide.txt").write_bytes("Župan Maribora".encode("utf-16"))
    items = {i.id: i for i in read_path(tmp_path)}
    assert items["bom"].text == "Župan Ljubljane"
    assert items["wide"].text == "Župan Maribora"


def test_jsonl_fields_and_missing_id_gets_content_hash(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text(
        json.dumps({"id": "x1", "text": "Kraków i Lwów", "url": "u", "title": "t", "published": "2024-01-02"}) + "\n"
        + "\n"
        + json.dumps({"html": "<p>Brno</p>"}) + "\n",
        encoding="utf-8",
    )
    first, second = list(read_path(path))
    assert first == RawArticle(id="x1", source=f"{path}:1", text="Kraków i Lwów", url="u", title="t", published="2024-01-02")
    assert second.id == content_id("<p>Brno</p>") and second.html == "<p>Brno</p>"
    assert second.source == f"{path}:3"


def test_gzipped_jsonl_is_read(tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "g1", "text": "Praha"}) + "\n")
    assert [i.id for i in read_path(path)] == ["g1"]


def test_csv_with_same_columns(tmp_path):
    path = tmp_path / "dump.csv"
    path.write_text('id,text,published\nc1,"Brno, Košice",2023-11-09\nc2,"Zagreb\nMostar",\n', encoding="utf-8")
    items = list(read_path(path))
    assert [(i.id, i.text, i.published) for i in items] == [
        ("c1", "Brno, Košice", "2023-11-09"), ("c2", "Zagreb\nMostar", None)]


def test_jsonl_from_stdin():
    stream = io.StringIO(json.dumps({"id": "s1", "text": "Odesa"}) + "\n")
    items = list(read_inputs(["-"], stdin=stream))
    assert items == [RawArticle(id="s1", source="<stdin>:1", text="Odesa")]


def test_bad_items_become_failures_with_reasons(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("Mesto Žilina".encode("cp1250"))
    (tmp_path / "lines.jsonl").write_text('{"id": "ok", "text": "a"}\n{"id": "broken", "text": \n[1, 2]\n', encoding="utf-8")
    (tmp_path / "rows.csv").write_text("id,text\nr1,fine\nr2,too,many\n", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    items = list(read_path(tmp_path))
    failures = {f.id: f.reason for f in items if isinstance(f, ReadFailure)}
    assert "bad encoding" in failures["latin1"] and "UTF-8" in failures["latin1"]
    assert failures["lines.jsonl:2"].startswith("malformed JSON line")
    assert failures["lines.jsonl:3"] == "JSON line is not an object"
    assert failures["rows.csv:3"].startswith("malformed CSV row: 3 fields")
    assert "unsupported file type" in failures["notes.docx"]
    assert sorted(i.id for i in items if isinstance(i, RawArticle)) == ["ok", "r1"]


def test_missing_path_is_a_failure(tmp_path):
    (failure,) = list(read_inputs([str(tmp_path / "nope.jsonl")]))
    assert isinstance(failure, ReadFailure) and failure.reason == "no such file or directory"

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
    assert first == RawArticle(id="x1", source=f"{path}:1", text="Kraków i Lwów", url="u", title="t",
                               published="2024-01-02", encoding="utf-8")
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
    assert items == [RawArticle(id="s1", source="<stdin>:1", text="Odesa", encoding="utf-8")]


def test_bad_items_become_failures_with_reasons(tmp_path):
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "lines.jsonl").write_text('{"id": "ok", "text": "a"}\n{"id": "broken", "text": \n[1, 2]\n', encoding="utf-8")
    (tmp_path / "rows.csv").write_text("id,text\nr1,fine\nr2,too,many\n", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    items = list(read_path(tmp_path))
    failures = {f.id: f.reason for f in items if isinstance(f, ReadFailure)}
    assert failures["binary"].startswith("bad encoding: not text in any known encoding")
    assert failures["lines.jsonl:2"].startswith("malformed JSON line")
    assert failures["lines.jsonl:3"] == "JSON line is not an object"
    assert failures["rows.csv:3"].startswith("malformed CSV row: 3 fields")
    assert "unsupported file type" in failures["notes.docx"]
    assert sorted(i.id for i in items if isinstance(i, RawArticle)) == ["ok", "r1"]


def test_missing_path_is_a_failure(tmp_path):
    (failure,) = list(read_inputs([str(tmp_path / "nope.jsonl")]))
    assert isinstance(failure, ReadFailure) and failure.reason == "no such file or directory"


# Real sentences in the code pages older dumps use: each file must read back exactly, and say how.
SENTENCES = {
    "uk": "Міський голова Луцька зустрівся з делегацією з Любліна. Сторони домовилися про обмін студентами "
          "між університетами, а в червні підпишуть угоду про партнерство.",
    "ru": "Мэр Казани подписал соглашение о сотрудничестве с городом-побратимом. Стороны договорились "
          "развивать туризм, культурный обмен и связи между школами.",
    "bg": "Кметът на Пловдив подписа споразумение за сътрудничество с град Скопие. Двете общини ще "
          "работят заедно в областта на културата и туризма.",
    "cs": "Primátor Brna podepsal memorandum o spolupráci s městem Lvov. Obě města chtějí rozvíjet "
          "spolupráci v oblasti školství, kultury a cestovního ruchu.",
    "pl": "Prezydent Gdańska podpisał porozumienie o współpracy z miastem Charków. Współpraca obejmie "
          "kulturę, oświatę, gospodarkę i wymianę młodzieży.",
    "sl": "Župan Maribora je podpisal sporazum o sodelovanju s hrvaškim mestom Čakovec. Mesti bosta "
          "sodelovali na področju kulture, športa in turizma.",
    "hr": "Gradonačelnik Osijeka potpisao je sporazum o suradnji s gradom Tuzlom. Đaci će sudjelovati "
          "u razmjeni, a županija će pomoći u financiranju.",
    "sk": "Primátor Košíc podpísal memorandum o spolupráci s mestom Užhorod. Ľudia z oboch miest sa "
          "stretnú na festivale v máji.",
}
CODE_PAGES = [("uk", "cp1251"), ("uk", "koi8_u"), ("ru", "koi8_r"), ("ru", "cp1251"), ("bg", "cp1251"),
              ("cs", "cp1250"), ("cs", "iso8859_2"), ("pl", "iso8859_2"), ("pl", "cp1250"), ("sl", "cp1250"),
              ("sl", "iso8859_2"), ("hr", "cp1250"), ("hr", "iso8859_2"), ("sk", "iso8859_2")]


def test_text_files_in_old_code_pages_are_decoded_and_say_how(tmp_path):
    for language, encoding in CODE_PAGES:
        (tmp_path / f"{language}_{encoding}.txt").write_bytes(SENTENCES[language].encode(encoding))
    (tmp_path / "uk_utf16.txt").write_bytes(SENTENCES["uk"].encode("utf-16"))
    items = {i.id: i for i in read_path(tmp_path)}
    for language, encoding in CODE_PAGES:
        item = items[f"{language}_{encoding}"]
        assert (item.text, item.encoding, item.warnings) == (SENTENCES[language], encoding, ()), item.id
    assert (items["uk_utf16"].text, items["uk_utf16"].encoding) == (SENTENCES["uk"], "utf-16")


def test_html_declared_charset_is_used(tmp_path):
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1250">'
            f'</head><body><p>{SENTENCES["pl"]}</p></body></html>')
    (tmp_path / "page.html").write_bytes(page.encode("cp1250"))
    (item,) = read_path(tmp_path / "page.html")
    assert item.encoding == "cp1250" and SENTENCES["pl"] in item.html


def test_stray_bytes_in_utf8_are_replaced_with_a_warning(tmp_path):
    data = SENTENCES["sl"].encode("utf-8")
    (tmp_path / "sl.txt").write_bytes(data[:40] + b"\x9a" + data[40:])
    (item,) = read_path(tmp_path / "sl.txt")
    assert item.encoding == "utf-8" and item.text.count("\ufffd") == 1
    assert item.text.replace("\ufffd", "") == SENTENCES["sl"]
    assert item.warnings == ("input: 1 undecodable byte(s) in utf-8 replaced by U+FFFD",)


def test_csv_and_jsonl_in_code_pages(tmp_path):
    (tmp_path / "rows.csv").write_bytes(f'id,text\nr1,"{SENTENCES["ru"]}"\n'.encode("koi8_r"))
    (tmp_path / "lines.jsonl").write_bytes(
        (json.dumps({"id": "j1", "text": SENTENCES["cs"]}, ensure_ascii=False) + "\n").encode("cp1250"))
    items = {i.id: i for i in read_path(tmp_path)}
    assert (items["r1"].text, items["r1"].encoding) == (SENTENCES["ru"], "koi8_r")
    assert (items["j1"].text, items["j1"].encoding) == (SENTENCES["cs"], "cp1250")


def test_wrong_types_get_their_own_reason(tmp_path):
    path = tmp_path / "typed.jsonl"
    rows = [{"id": 5, "text": 12345}, {"id": [1], "text": "Praha"}, {"id": "h", "html": {"p": "x"}},
            {"id": "p", "text": "Brno", "published": 2024}, {"id": 7, "text": "Plzeň"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = list(read_path(path))
    reasons = [i.reason if isinstance(i, ReadFailure) else None for i in items]
    assert reasons == ["field 'text' must be a string, got a number (12345)",
                       "field 'id' must be a string or an integer, got a list ([1])",
                       "field 'html' must be a string, got an object ({\"p\": \"x\"})",
                       "field 'published' must be a string, got a number (2024)", None]
    assert [i.id for i in items] == ["5", f"{path}:2", "h", "p", "7"]


def test_repeated_ids_get_distinct_ids_and_repeated_texts_a_warning(tmp_path):
    path = tmp_path / "dups.jsonl"
    rows = [{"id": "a", "text": "Praha"}, {"id": "a", "text": "Brno"}, {"id": "a#2", "text": "Ostrava"},
            {"id": "b", "text": "Praha"}, {"id": "a", "text": "Plzeň"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert [(i.id, i.renamed_from) for i in items] == [
        ("a", None), ("a#2", "a"), ("a#2#2", "a#2"), ("b", None), ("a#3", "a")]
    assert items[3].warnings == ("input: same text as article 'a'",)
    assert items[0].warnings == () and "repeats an earlier" in items[1].warnings[0]


def test_lone_surrogates_become_replacement_characters(tmp_path):
    """JSON escapes of half a character and file names that are not UTF-8 could not be written out."""
    import os

    from pipeline.run.resume import item_key

    (tmp_path / "dump.jsonl").write_text('{"id": "s\\ud800", "text": "Lviv \\udc00 i Wroclaw \\ud83d\\ude00"}\n',
                                         encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xffname.txt"), "wb") as stream:
        stream.write("Львів і Вроцлав".encode("utf-8"))
    odd, lines = sorted(read_inputs([str(tmp_path)]), key=lambda i: i.source)
    assert (odd.id, odd.text) == ("bad\ufffdname", "Львів і Вроцлав")
    assert (lines.id, lines.text) == ("s\ufffd", "Lviv \ufffd i Wroclaw \U0001F600")
    assert lines.warnings == ("input: 2 lone surrogate(s) replaced by U+FFFD",)
    assert item_key(odd) and item_key(lines) and "\ufffd" in odd.source

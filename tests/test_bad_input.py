"""Bad input through the real CLI: the batch goes on, every article is accounted for, exit codes tell."""
from __future__ import annotations

import json

import pytest

from conftest import read_jsonl, run_cli

FRENCH = ("Le conseil municipal de Bordeaux a voté hier soir le budget de la ville pour l'année prochaine. "
          "Les élus ont longuement débattu des investissements dans les écoles et les transports publics, "
          "avant d'adopter le texte à une large majorité.")
UKRAINIAN = ("Міський голова Луцька зустрівся з делегацією з Любліна. Сторони обговорили співпрацю "
             "у сфері культури та освіти і домовилися про обмін студентами між університетами.")


def make_bad_inputs(folder):
    (folder / "01_good.txt").write_text(UKRAINIAN, encoding="utf-8")
    (folder / "02_empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "03_cp1251.txt").write_bytes(UKRAINIAN.encode("cp1251"))
    (folder / "04_soup.html").write_text("<html><body><div><script>var a=1;</script></div></body></html>", encoding="utf-8")
    (folder / "05_french.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "06_dump.jsonl").write_text(
        json.dumps({"id": "j-good", "text": UKRAINIAN}) + "\n" + '{"id": "j-bad", "text": "unterminated\n',
        encoding="utf-8")
    (folder / "07_rows.csv").write_text(f'id,text\nc-good,"{UKRAINIAN}"\nc-bad,one,two\n', encoding="utf-8")


def test_batch_goes_on_and_every_article_is_accounted_for(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_bad_inputs(inputs)
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(inputs), "-o", str(out), "--no-progress")
    assert result.returncode == 1, result.stderr
    records = {r["id"]: r for r in read_jsonl(out)}
    errors = {e["id"]: e for e in read_jsonl(tmp_path / "out.errors.jsonl")}

    assert set(records) == {"01_good", "03_cp1251", "05_french", "j-good", "c-good"}
    assert records["01_good"]["status"] == "ok" and records["01_good"]["language"] == "uk"
    assert records["03_cp1251"]["text"] == records["01_good"]["text"]
    assert records["03_cp1251"]["provenance"]["input_encoding"] == "cp1251"
    assert records["03_cp1251"]["warnings"] == ["input: same text as article '01_good'"]
    assert records["05_french"]["status"] == "unsupported_language"
    assert "no route for language 'fr'" in records["05_french"]["reason"]

    assert errors["02_empty"]["reason"] == "empty text" and not errors["02_empty"]["recorded"]
    assert errors["04_soup"]["reason"] == "HTML page with no extractable main text"
    assert errors["06_dump.jsonl:2"]["reason"].startswith("malformed JSON line")
    assert errors["07_rows.csv:3"]["reason"].startswith("malformed CSV row")
    assert errors["05_french"]["recorded"] is True

    failed = [e for e in errors.values() if not e["recorded"]]
    assert "read 9, written 5, failed 4" in result.stderr
    assert len(records) + len(failed) == 9


def test_all_good_input_exits_zero(tmp_path):
    (tmp_path / "a.txt").write_text(UKRAINIAN, encoding="utf-8")
    result = run_cli("extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert read_jsonl(tmp_path / "o.errors.jsonl") == []


def test_usage_errors_exit_two(tmp_path):
    assert run_cli("extract").returncode == 2
    out = tmp_path / "exists.jsonl"
    out.write_text("", encoding="utf-8")
    (tmp_path / "a.txt").write_text(UKRAINIAN, encoding="utf-8")
    result = run_cli("extract", str(tmp_path / "a.txt"), "-o", str(out))
    assert result.returncode == 2 and "--force" in result.stderr


@pytest.mark.parametrize("output_args", [[], ["-o", "-"]], ids=["no-output", "dash-output"])
def test_stdin_to_stdout_keeps_data_and_logs_apart(output_args, tmp_path):
    line = json.dumps({"id": "s1", "text": UKRAINIAN}, ensure_ascii=False) + "\n"
    result = run_cli("extract", "-", *output_args, "--no-progress", input=line, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert record["id"] == "s1" and record["language"] == "uk"
    assert "read 1, written 1, failed 0" in result.stderr
    assert list(tmp_path.iterdir()) == []  # '-o -' is stdout, not a file named '-' with resume state


SLOVENE = ("Župan Maribora je v ponedeljek podpisal sporazum o sodelovanju s hrvaškim mestom Čakovec. "
           "Mesti bosta sodelovali na področju kulture, športa in turizma ter izmenjevali učence.")
RUSSIAN = ("Мэр Казани подписал соглашение о сотрудничестве с городом-побратимом Ташкентом. Стороны "
           "договорились развивать туризм, культурный обмен и связи между школами двух городов.")


def test_dumps_as_scrapers_leave_them(tmp_path):
    """Code pages, a stray byte, repeated ids and texts, wrong types and a text over the ceiling."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "ru_koi8.txt").write_bytes(RUSSIAN.encode("koi8_r"))
    data = SLOVENE.encode("utf-8")
    (inputs / "sl_stray.txt").write_bytes(data[:30] + b"\xfe" + data[30:])
    rows = [{"id": "a1", "text": UKRAINIAN}, {"id": "a1", "text": SLOVENE}, {"id": "b7", "text": UKRAINIAN},
            {"id": 5, "text": 12345}, {"id": "p1", "text": SLOVENE, "published": ["2024"]},
            {"id": "long", "text": UKRAINIAN * 20}]
    (inputs / "dump.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                       encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(inputs), "-o", str(out), "--no-progress", "-j", "1",
                     env={"CITYLINKS_MAX_CHARS": "3000"})
    assert result.returncode == 1, result.stderr
    records = {r["id"]: r for r in read_jsonl(out)}
    errors = {e["id"]: e for e in read_jsonl(tmp_path / "out.errors.jsonl")}

    assert set(records) == {"a1", "a1#2", "b7", "ru_koi8", "sl_stray"}
    assert records["ru_koi8"]["language"] == "ru" and records["ru_koi8"]["text"] == RUSSIAN
    assert records["ru_koi8"]["provenance"]["input_encoding"] == "koi8_r"
    assert records["ru_koi8"]["cities"], "a decoded text is extracted like any other"
    assert records["sl_stray"]["language"] == "sl" and records["sl_stray"]["text"].count("\ufffd") == 1
    assert records["sl_stray"]["warnings"][0] == "input: 1 undecodable byte(s) in utf-8 replaced by U+FFFD"
    assert records["a1#2"]["text"] == SLOVENE and records["a1"]["text"] == UKRAINIAN
    assert errors["a1#2"] == {"id": "a1#2", "source": f"{inputs / 'dump.jsonl'}:2", "recorded": True,
                              "reason": "repeated id 'a1': recorded as 'a1#2'"}
    assert "input: same text as article 'a1'" in records["b7"]["warnings"]
    assert errors["5"]["reason"] == "field 'text' must be a string, got a number (12345)"
    assert errors["p1"]["reason"] == "field 'published' must be a string, got a list ([\"2024\"])"
    assert errors["long"]["reason"].startswith("text too long: ") and "CITYLINKS_MAX_CHARS" in errors["long"]["reason"]
    assert "read 8, written 5, failed 3" in result.stderr

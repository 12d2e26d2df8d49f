"""Bad input through the real CLI: the batch goes on, every article is accounted for, exit codes tell."""
from __future__ import annotations

import json

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

    assert set(records) == {"01_good", "05_french", "j-good", "c-good"}
    assert records["01_good"]["status"] == "ok" and records["01_good"]["language"] == "uk"
    assert records["05_french"]["status"] == "unsupported_language"
    assert "no route for language 'fr'" in records["05_french"]["reason"]

    assert errors["02_empty"]["reason"] == "empty text" and not errors["02_empty"]["recorded"]
    assert errors["03_cp1251"]["reason"].startswith("bad encoding")
    assert errors["04_soup"]["reason"] == "HTML page with no extractable main text"
    assert errors["06_dump.jsonl:2"]["reason"].startswith("malformed JSON line")
    assert errors["07_rows.csv:3"]["reason"].startswith("malformed CSV row")
    assert errors["05_french"]["recorded"] is True

    failed = [e for e in errors.values() if not e["recorded"]]
    assert "read 9, written 4, failed 5" in result.stderr
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


def test_stdin_to_stdout_keeps_data_and_logs_apart():
    line = json.dumps({"id": "s1", "text": UKRAINIAN}, ensure_ascii=False) + "\n"
    result = run_cli("extract", "-", "--no-progress", input=line)
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert record["id"] == "s1" and record["language"] == "uk"
    assert "read 1, written 1, failed 0" in result.stderr

"""The output contract: schema file up to date, every key on every line, deterministic bytes, validate."""
from __future__ import annotations

import json

from conftest import ROOT, read_jsonl, run_cli
from schemas.record import ArticleRecord, json_schema_text

SAMPLE = ROOT / "data" / "raw"


def test_committed_json_schema_is_current():
    committed = (ROOT / "schemas" / "record.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "run: python cli.py schema > schemas/record.schema.json"


def test_schema_command_prints_the_schema():
    result = run_cli("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "ArticleRecord"


def test_sample_run_is_deterministic_and_complete(tmp_path):
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for out in (first, second):
        result = run_cli("extract", str(SAMPLE), "-o", str(out), "--no-progress")
        assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    records = read_jsonl(first)
    assert len(records) == 8
    keys = set(ArticleRecord.model_fields)
    for record in records:
        assert set(record) == keys  # every key on every line
        ArticleRecord.model_validate(record)
        for field in ("cities", "officials", "dates", "agreements", "areas"):
            for item in record[field]:
                for mention in item["mentions"]:
                    assert record["text"][mention["start"]:mention["end"]] == mention["text"]
    by_id = {r["id"]: r for r in records}
    assert by_id["de_dresden_wroclaw"]["language"] == "de"
    assert by_id["sl_maribor_graz"]["trimmed"] == [] and "Povezane novice" not in by_id["sl_maribor_graz"]["text"]
    assert by_id["uk_lutsk_lublin"]["trimmed"][0]["reason"] == "related_news"


def test_validate_reports_bad_lines_by_number(tmp_path):
    good = tmp_path / "good.jsonl"
    assert run_cli("extract", str(SAMPLE / "hr_zagreb_mostar.txt"), "-o", str(good), "--no-progress").returncode == 0
    line = good.read_text(encoding="utf-8").splitlines()[0]
    broken = json.loads(line)
    broken["cities"] = [{"geonames_id": "not a number"}]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(line + "\n" + json.dumps(broken) + "\n{oops\n", encoding="utf-8")
    result = run_cli("validate", str(mixed))
    assert result.returncode == 1
    assert f"{mixed}:2: cities.0" in result.stderr and f"{mixed}:3:" in result.stderr
    assert "1 valid, 2 invalid" in result.stderr
    assert run_cli("validate", str(good)).returncode == 0

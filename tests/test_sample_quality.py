"""End to end on the bundled sample (8 languages) against its gold: real values, and a floor per field.

The sample (data/raw) was written by the team and annotated in tests/data/sample.gold.jsonl; the floors
guard against regressions, they are not a target the rules were tuned to.
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, read_jsonl, run_cli

GOLD = ROOT / "tests" / "data" / "sample.gold.jsonl"
FLOORS = {"cities": 0.9, "officials": 0.85, "dates": 0.85, "agreements": 0.8, "areas": 0.85}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "sample.jsonl"
    result = run_cli("extract", str(ROOT / "data" / "raw"), "-o", str(out), "--no-progress", "--no-cache")
    assert result.returncode == 0, result.stderr
    return out


def test_every_field_scores_above_its_floor(sample_run):
    result = run_cli("evaluate", "--gold", str(GOLD), "--pred", str(sample_run), "--json")
    scores = json.loads(result.stdout)
    for field, floor in FLOORS.items():
        assert scores["fields"][field]["f1"] >= floor, (field, scores["fields"][field])


def test_values_across_languages(sample_run):
    records = {r["id"]: r for r in read_jsonl(sample_run)}
    wroclaw = next(c for c in records["de_dresden_wroclaw"]["cities"] if c["geonames_id"] == 3081368)
    assert (wroclaw["name"], wroclaw["country_code"]) == ("Wrocław", "PL")
    assert wroclaw["mentions"][0]["text"].startswith("Breslau")
    assert {(o["name"], o["role"], o["city_geonames_id"]) for o in records["sl_maribor_graz"]["officials"]} >= {
        ("Saša Arsenovič", "mayor", 3195506)}
    lviv = {c["geonames_id"]: c for c in records["pl_rzeszow_lwow"]["cities"]}[702550]
    assert lviv["mentions"][0]["text"].startswith("Lwow")  # "Lwowa", "Lwowowi": inflected Polish exonym
    assert {(o["name"], o["city_geonames_id"]) for o in records["uk_lutsk_lublin"]["officials"]} >= {
        ("Ігор Поліщук", 702569)}
    memorandum = records["uk_lutsk_lublin"]["agreements"][0]
    assert (memorandum["type"], memorandum["status"], memorandum["date"]) == ("memorandum", "signed", "2024-03-12")
    ru_dates = {(d["value"], d["kind"]) for d in records["ru_gomel_tula"]["dates"]}
    assert ("2023-06-14", "signing") in ru_dates  # "Вчера" resolved against published 2023-06-15
    assert records["en_edinburgh_kyiv"]["agreements"][0]["type"] == "cooperation_agreement"

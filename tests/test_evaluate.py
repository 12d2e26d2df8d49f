"""The evaluate arithmetic on hand-made gold/pred pairs, as GOLD.md defines it."""
from __future__ import annotations

import json

import pytest

from conftest import run_cli
from pipeline.measure.evaluate import evaluate, fold_name, names_match

GOLD = [
    {"id": "a", "cities": [{"geonames_id": 1}, {"geonames_id": 2}, {"geonames_id": 3}],
     "officials": [{"name": "Андрій Садовий", "role": "mayor", "city_geonames_id": 1},
                   {"name": "Sergej Sobjanin", "role": "mayor", "city_geonames_id": 2}],
     "dates": [{"value": "2019-09-10", "kind": "signing"}, {"value": "2000", "kind": "historical"}],
     "agreements": [{"type": "memorandum", "status": "signed", "city_geonames_ids": [1, 2], "date": None},
                    {"type": "memorandum", "status": "existing", "city_geonames_ids": [1, 3], "date": None}],
     "areas": ["culture", "sport"]},
    {"id": "b", "cities": [{"geonames_id": 9}], "officials": [], "dates": [], "agreements": [], "areas": ["economy"]},
]

PRED = [
    {"id": "a", "cities": [{"geonames_id": 1}, {"geonames_id": 2}, {"geonames_id": 4}],
     # case, ё and diacritics folded; a wrong city makes the second one a miss
     "officials": [{"name": "АНДРІЙ САДОВИЙ", "role": "deputy_mayor", "city_geonames_id": 1},
                   {"name": "Sergej Sobjanin", "role": "mayor", "city_geonames_id": 3}],
     "dates": [{"value": "2019-09-10", "kind": "signing"}, {"value": "2000", "kind": "event"},
               {"value": "2021", "kind": "period"}],
     "agreements": [{"type": "memorandum", "status": "existing", "city_geonames_ids": [1, 3], "date": None},
                    {"type": "memorandum", "status": "signed", "city_geonames_ids": [1, 2], "date": None},
                    {"type": "memorandum", "status": "signed", "city_geonames_ids": [1, 2], "date": None},
                    {"type": "protocol", "status": "signed", "city_geonames_ids": [], "date": None}],
     "areas": [{"area": "culture", "mentions": []}, {"area": "tourism", "mentions": []}]},
    {"id": "extra", "cities": [{"geonames_id": 5}]},
]


@pytest.fixture(scope="module")
def result():
    return evaluate(GOLD, PRED)


def test_cities_are_sets_of_ids_summed_over_articles(result):
    # a: tp 1,2  fp 4  fn 3;  b: no prediction -> fn 9
    assert result["fields"]["cities"] == {"tp": 2, "fp": 1, "fn": 2, "precision": 0.6667, "recall": 0.5, "f1": 0.5714}


def test_officials_need_same_city_and_folded_name(result):
    assert result["fields"]["officials"]["tp"] == 1
    assert result["fields"]["officials"]["fp"] == 1 and result["fields"]["officials"]["fn"] == 1
    assert result["accuracy"]["role"] == {"correct": 0, "total": 1, "accuracy": 0.0}


def test_dates_match_on_value_and_kind_is_accuracy(result):
    assert result["fields"]["dates"]["tp"] == 2 and result["fields"]["dates"]["fp"] == 1
    assert result["accuracy"]["date_kind"] == {"correct": 1, "total": 2, "accuracy": 0.5}


def test_agreements_match_on_type_each_gold_at_most_once(result):
    c = result["fields"]["agreements"]
    assert (c["tp"], c["fp"], c["fn"]) == (2, 2, 0)
    # pairing prefers the same-status prediction among same-type ones
    assert result["accuracy"]["agreement_status"]["accuracy"] == 1.0


def test_areas_accept_strings_and_objects(result):
    c = result["fields"]["areas"]
    assert (c["tp"], c["fp"], c["fn"]) == (1, 1, 2)


def test_articles_bookkeeping(result):
    assert result["articles"]["missing_predictions"] == ["b"]
    assert result["articles"]["unscored_predictions"] == ["extra"]
    total = result["micro_all_fields"]
    assert (total["tp"], total["fp"], total["fn"]) == (8, 6, 5)


@pytest.mark.parametrize("a, b, same", [
    ("Александр ИВАНОВ", "Александр Иванов", True),
    ("Пётр Семёнов", "Петр Семенов", True),
    ("Zoran Janković", "Zoran Jankovic", True),
    ("Sobjanin Sergej", "Sergej Sobjanin", True),  # token_sort_ratio
    ("Андрій Садовий", "Андрій Москаленко", False),
])
def test_name_equality(a, b, same):
    assert names_match(a, b) is same


def test_fold_name():
    assert fold_name("  Łukasz  ŽUPAN ") == "łukasz zupan"


def test_cli_table_and_json(tmp_path):
    gold, pred = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
    gold.write_text("".join(json.dumps(g) + "\n" for g in GOLD), encoding="utf-8")
    pred.write_text("".join(json.dumps(p) + "\n" for p in PRED), encoding="utf-8")
    table = run_cli("evaluate", "--gold", str(gold), "--pred", str(pred))
    assert table.returncode == 0
    assert "cities" in table.stdout and "0.571" in table.stdout and "role accuracy" in table.stdout
    as_json = run_cli("evaluate", "--gold", str(gold), "--pred", str(pred), "--json")
    assert json.loads(as_json.stdout)["fields"]["cities"]["f1"] == 0.5714


def test_links_are_unordered_pairs_of_two_to_four_parties():
    gold = [{"id": "x", "language": "uk", "phenomena": ["list-with-countries", "dateline"], "agreements": [
        {"type": "memorandum", "status": "signed", "city_geonames_ids": [2, 1]},
        {"type": "twinning_agreement", "status": "existing", "city_geonames_ids": [1, 3, 4]},
        {"type": "other", "status": "signed", "city_geonames_ids": [1, 2, 3, 4, 5]}]}]  # 5 parties: no links
    pred = [{"id": "x", "agreements": [
        {"type": "cooperation_agreement", "status": "signed", "city_geonames_ids": [1, 2]},
        {"type": "twinning_agreement", "status": "existing", "city_geonames_ids": [3, 1]},
        {"type": "twinning_agreement", "status": "existing", "city_geonames_ids": [7]}]}]
    result = evaluate(gold, pred, by=("language", "phenomenon"))
    links, typed = result["fields"]["links"], result["fields"]["typed_links"]
    # gold links {1-2, 1-3, 1-4, 3-4}; predicted {1-2, 1-3}
    assert (links["tp"], links["fp"], links["fn"]) == (2, 0, 2)
    # typed: only twinning 1-3 agrees on the type
    assert (typed["tp"], typed["fp"], typed["fn"]) == (1, 1, 3)
    # links stay out of the all-fields sum, which counts the agreements themselves
    assert result["micro_all_fields"]["tp"] == result["fields"]["agreements"]["tp"] == 1
    assert result["by"]["language"]["uk"]["fields"]["links"]["tp"] == 2
    assert set(result["by"]["phenomenon"]) == {"list-with-countries", "dateline"}
    assert result["by"]["phenomenon"]["dateline"]["fields"]["typed_links"]["fn"] == 3


def test_cli_breakdowns(tmp_path):
    gold, pred = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
    tagged = [dict(g, language="pl", phenomena=["plural-title"]) for g in GOLD]
    gold.write_text("".join(json.dumps(g) + "\n" for g in tagged), encoding="utf-8")
    pred.write_text("".join(json.dumps(p) + "\n" for p in PRED), encoding="utf-8")
    table = run_cli("evaluate", "--gold", str(gold), "--pred", str(pred), "--by", "language", "--by", "phenomenon")
    assert table.returncode == 0, table.stderr
    rows = {line.split()[0]: line.split() for line in table.stdout.splitlines() if line.strip()}
    assert rows["pl"][1] == "4" and rows["pl"][2] == "0.57"  # 4 gold cities, cities F1 0.57
    assert "plural-title" in rows and "links" in rows
    bad = run_cli("evaluate", "--gold", str(gold), "--pred", str(pred), "--by", "country")
    assert bad.returncode == 2 and "--by takes" in bad.stderr

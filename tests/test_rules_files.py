"""The rule files of dates, agreements and areas: valid, duplicate-free, covering every language,
and a malformed file is reported with its path and line (by the loader and by `rules check`)."""
from __future__ import annotations

import shutil
from collections import Counter

import pytest
import yaml

from conftest import ROOT, run_cli
from pipeline.stages.agreements import AgreementRules
from pipeline.stages.areas import AreaRules
from pipeline.stages.dates import DatesRules
from pipeline.rules import PACKAGED_RULES_DIR, RuleError, parse_rule_file, rules_hash

LANGUAGES = ("uk", "ru", "be", "sl", "hr", "sr", "bs", "pl", "cs", "sk", "bg", "en", "de")
MODELS = {"dates": DatesRules, "agreements": AgreementRules, "areas": AreaRules}
FILES = [(lang, stage) for lang in LANGUAGES for stage in MODELS]


@pytest.mark.parametrize("lang,stage", FILES, ids=[f"{l}/{s}" for l, s in FILES])
def test_every_language_has_a_valid_file(lang, stage):
    path = PACKAGED_RULES_DIR / lang / f"{stage}.yaml"
    assert path.exists(), f"missing rule file {path}"
    parse_rule_file(path, MODELS[stage])


def _phrase_lists(data, where=""):
    """Every list of strings in a rule file, with where it is."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _phrase_lists(value, f"{where}.{key}")
    elif isinstance(data, list):
        if all(isinstance(x, str) for x in data):
            yield where, data
        else:
            for i, value in enumerate(data):
                yield from _phrase_lists(value, f"{where}[{i}]")


@pytest.mark.parametrize("lang,stage", FILES, ids=[f"{l}/{s}" for l, s in FILES])
def test_no_duplicate_phrases_within_a_list(lang, stage):
    data = yaml.safe_load((PACKAGED_RULES_DIR / lang / f"{stage}.yaml").read_text(encoding="utf-8"))
    for where, items in _phrase_lists(data):
        twice = [p for p, n in Counter(p.casefold() for p in items).items() if n > 1]
        assert not twice, f"{lang}/{stage}.yaml {where}: duplicates {twice}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_month_forms_name_one_month_each(lang):
    rules = parse_rule_file(PACKAGED_RULES_DIR / lang / "dates.yaml", DatesRules)
    owners = Counter(form.casefold() for forms in rules.months.values() for form in set(forms))
    assert [f for f, n in owners.items() if n > 1] == [], f"{lang}: a month form names two months"


@pytest.fixture
def rules_copy(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(PACKAGED_RULES_DIR, copy)
    return copy


def test_unknown_key_is_reported_with_path_and_line(rules_copy):
    path = rules_copy / "pl" / "agreements.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "statuses: [podpisali]")  # a typo for status_cues, at the top level of the file
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as error:
        parse_rule_file(path, AgreementRules)
    assert error.value.line == 2 and str(error.value).startswith(f"{path}:2:")


def test_bad_phrase_and_bad_enum_are_reported_with_line(rules_copy):
    path = rules_copy / "de" / "areas.yaml"
    text = path.read_text(encoding="utf-8").replace("  sport: [", "  sports: [", 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("  sports:"))
    with pytest.raises(RuleError) as error:
        parse_rule_file(path, AreaRules)
    assert error.value.line == line
    dates = rules_copy / "uk" / "dates.yaml"
    dates.write_text(dates.read_text(encoding="utf-8").replace("  - kind: signing\n    phrases: [",
                                                                "  - kind: signing\n    phrases: [\"... gap\", "),
                     encoding="utf-8")
    with pytest.raises(RuleError, match="must start and end with a word"):
        parse_rule_file(dates, DatesRules)


def test_rules_check_command_names_the_bad_file(rules_copy):
    good = run_cli("rules", "check", "--rules", str(rules_copy))
    assert good.returncode == 0, good.stderr
    path = rules_copy / "sl" / "dates.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weekdays:", "weekday:", 1), encoding="utf-8")
    bad = run_cli("rules", "check", "--rules", str(rules_copy))
    assert bad.returncode == 1
    assert f"{path}:" in bad.stderr and "weekday" in bad.stderr


def test_rules_coverage_table_lists_every_language():
    result = run_cli("rules", "coverage")
    assert result.returncode == 0
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("| ")}
    header = [c.strip() for c in rows.pop("language").split("|")[2:-1]]
    for stage in MODELS:
        assert stage in header
    for lang in LANGUAGES:
        marks = [c.strip() for c in rows[lang].split("|")[2:-1]]
        assert all(marks[header.index(stage)] == "✓" for stage in MODELS), lang


def test_rules_hash_follows_the_rule_files(rules_copy):
    before = rules_hash(rules_copy)
    path = rules_copy / "en" / "areas.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a researcher's note\n", encoding="utf-8")
    assert rules_hash(rules_copy) != before
    assert rules_hash(PACKAGED_RULES_DIR) == rules_hash(ROOT / "pipeline" / "rules")

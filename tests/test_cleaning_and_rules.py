"""Boilerplate trimming and the rule-file loader (errors with path and line, hashing)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

import pytest

from pipeline.ingest.cleaning import clean_text
from pipeline.rules import RuleError, parse_rule_file, rules_hash

BODY = ("Глава городского самоуправления Калуги принял участие в форуме городов-побратимов. " * 5).strip()


def test_encoded_tokens_and_related_news_tail_are_trimmed():
    blob = "eyJpdiI6Imx6empMcm85Mjg3MEhUVzRydTYvNmc9PSIsInZhbHVlIjoiMHVYcVJmVkZSZno4aXhi" * 2
    text = f"{BODY}\n\n{blob}\n\nЧитайте также:\nДругая новость про Тулу\nЕщё одна"
    clean = clean_text(text)
    assert clean.text == BODY
    assert [t.reason for t in clean.trimmed] == ["encoded_token", "related_news"]
    assert clean.trimmed[1].text.startswith("Читайте также:") and clean.trimmed[1].chars > 20


def test_a_marker_before_enough_body_is_kept():
    text = "Комментарии\nКороткий текст о Калуге."
    assert clean_text(text).text == text and clean_text(text).trimmed == ()


def test_line_ends_and_bom_are_normalised():
    assert clean_text("\ufeffLjubljana\r\nMoskva\r").text == "Ljubljana\nMoskva"


class TitleRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    titles: list[str]
    priority: int = 0


def test_unknown_key_is_reported_with_path_and_line(tmp_path):
    path = tmp_path / "officials.yaml"
    path.write_text("titles:\n  - мер\n  - міський голова\npriorty: 3\n", encoding="utf-8")
    with pytest.raises(RuleError) as error:
        parse_rule_file(path, TitleRules)
    assert f"{path}:4:" in str(error.value) and "priorty" in str(error.value)


def test_wrong_type_points_at_the_entry(tmp_path):
    path = tmp_path / "officials.yaml"
    path.write_text("titles:\n  - мер\n  - {bad: 1}\n", encoding="utf-8")
    with pytest.raises(RuleError) as error:
        parse_rule_file(path, TitleRules)
    assert f"{path}:3:" in str(error.value)


def test_broken_yaml_is_reported_with_line(tmp_path):
    path = tmp_path / "officials.yaml"
    path.write_text("titles:\n  - мер\n  - [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError) as error:
        parse_rule_file(path, TitleRules)
    assert "invalid YAML" in str(error.value) and str(path) in str(error.value)


def test_rules_hash_changes_with_any_rule_file(tmp_path):
    (tmp_path / "uk").mkdir()
    (tmp_path / "uk" / "areas.yaml").write_text("a: 1\n", encoding="utf-8")
    before = rules_hash(tmp_path)
    assert before == rules_hash(tmp_path)
    (tmp_path / "uk" / "areas.yaml").write_text("a: 2\n", encoding="utf-8")
    assert rules_hash(tmp_path) != before

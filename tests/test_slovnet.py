"""The Slovnet route for Russian: weights from the natasha wheel, entities on spaCy's tokens."""
from __future__ import annotations

import pytest

from conftest import extract_through_routes, routes_file_error
from pipeline.nlp.routing import Route, resolve

TEXT = ("Мэр Калуги Константин Полежаев встретился в Москве с главой Минска Владимиром Кухаревым. "
        "Стороны подписали соглашение о сотрудничестве.")

pytest.importorskip("slovnet")


def slovnet_route() -> Route:
    return Route.model_validate({"lemmatizer": "pymorphy3:ru", "candidates": [
        {"engine": "slovnet", "package": "natasha"}, {"engine": "spacy", "path": "ru_ner"}]})


def test_slovnet_engine_tags_people_and_places_on_spacy_tokens():
    resolution = resolve("ru", slovnet_route())
    assert not resolution.warnings
    engine = resolution.engine
    assert engine.model_id.startswith("slovnet:natasha-") and engine.model_id.endswith("/slovnet_ner_news_v1")
    doc = engine.annotate(TEXT, "ru")
    found = {(e.text, e.label) for e in doc.entities}
    assert {("Калуги", "LOC"), ("Константин Полежаев", "PER"), ("Москве", "LOC"),
            ("Минска", "LOC"), ("Владимиром Кухаревым", "PER")} <= found
    starts = {t.start for t in doc.tokens}
    assert all(e.start in starts and TEXT[e.start:e.end] == e.text for e in doc.entities)
    assert len(doc.sentences) == 2 and doc.tokens[1].lemma == "калуга"


def test_missing_weights_package_falls_back_with_a_warning():
    route = Route.model_validate({"lemmatizer": "pymorphy3:ru", "candidates": [
        {"engine": "slovnet", "package": "no_such_weights"}, {"engine": "spacy", "path": "ru_ner"}]})
    resolution = resolve("ru", route)
    assert resolution.engine.model_id.startswith("spacy:embedded/ru_ner@")
    assert "no_such_weights" in resolution.warnings[0]


def test_a_slovnet_candidate_takes_a_package(tmp_path):
    assert "slovnet candidate takes 'package'" in routes_file_error(tmp_path, "{engine: slovnet, path: ru_ner}")


def test_extract_through_a_slovnet_route(tmp_path):
    record = extract_through_routes(tmp_path, "languages:\n  ru:\n    lemmatizer: pymorphy3:ru\n    candidates:\n"
                                    "      - {engine: slovnet, package: natasha}\n      - {engine: spacy, blank: ru}\n",
                                    "ru-1", TEXT)
    assert record["provenance"]["models"]["engine"].startswith("slovnet:natasha-")
    assert {c["name"] for c in record["cities"]} >= {"Kaluga", "Minsk"}

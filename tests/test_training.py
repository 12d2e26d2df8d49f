"""Corpus readers, splits and scoring of the NER training (real corpus files from ../shared)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.training.corpora import (
    Sentence, guess_spaces, held_out, map_bio, read_bsnlp, read_conllu_ner, read_factrueval, read_iob,
)
from pipeline.training.recipes import corpus_root, load_recipes
from pipeline.training.stanza_ner import entity_spans
from pipeline.training.train import split_corpora

CORPUS = corpus_root()
MODELS = Path(__file__).resolve().parents[1] / "models"
UK_MAP = {"PERS": "PER", "LOC": "LOC", "ORG": "ORG", "JOB": "JOB"}
COMMON_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}


@pytest.mark.parametrize("tags,expected", [
    (["B-PERS", "I-PERS", "O", "B-DATE", "I-DATE"], ["B-PER", "I-PER", "O", "O", "O"]),
    (["I-LOC", "I-LOC"], ["B-LOC", "I-LOC"]),  # an orphan I- starts an entity
    (["B-ORG", "I-LOC"], ["B-ORG", "B-LOC"]),  # a label change starts a new entity
    (["B-JOB", "I-JOB", "B-MISC"], ["B-JOB", "I-JOB", "O"]),
])
def test_bio_tags_map_to_the_common_labels(tags, expected):
    assert map_bio(tags, UK_MAP) == expected


def test_spaces_are_guessed_around_punctuation():
    assert guess_spaces(["Мер", "(", "Львів", ")", "сказав", ":", "так", "."]) == \
        [True, False, False, True, False, True, False, False]


def test_ner_uk_keeps_job_titles():
    sentences = list(read_iob(CORPUS / "uk" / "ner-uk-2.0-test.iob", UK_MAP))
    jobs = [" ".join(w for w, t in zip(s.words, s.tags) if t.endswith("JOB")) for s in sentences
            if any(t.endswith("JOB") for t in s.tags)]
    assert any("голова" in job for job in jobs)
    assert {t[2:] for s in sentences for t in s.tags if t != "O"} == {"PER", "LOC", "ORG", "JOB"}


def test_bsnlp_reader_keeps_documents_and_drops_pro_evt():
    import gzip

    path = CORPUS / "bsnlp" / "hr.tokens.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        documents = {"/".join(line.split("\t")[:2]) for line in list(stream)[1:]}
    sentences = list(read_bsnlp(path, COMMON_MAP))
    assert {s.doc_id for s in sentences} == documents
    assert {t[2:] for s in sentences for t in s.tags if t != "O"} == {"PER", "LOC", "ORG"}


def test_ssj500k_reader_maps_lowercase_labels():
    first = next(s for s in read_conllu_ner(CORPUS / "sl" / "ssj500k-test_ner.conllu", COMMON_MAP)
                 if any(t != "O" for t in s.tags))
    assert set(first.tags) <= {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}


def test_factrueval_objects_become_spans():
    folder = CORPUS / "ru" / "factRuEval-2016" / "devset"
    book = [s for s in read_factrueval(folder, {"Person": "PER", "Location": "LOC", "LocOrg": "LOC", "Org": "ORG"})
            if s.doc_id == "factRuEval/book_100"]
    spans = {(" ".join(s.words[a:b]), label) for s in book for a, b, label in entity_spans(list(s.tags))}
    assert ("мэрии Москвы", "ORG") in spans
    assert ("Юрия Лужкова", "PER") in spans


def test_held_out_split_is_deterministic_and_whole_documents():
    assert held_out("covid-19/bg-100", 0.15) == held_out("covid-19/bg-100", 0.15)
    share = sum(held_out(f"doc-{i}", 0.15) for i in range(2000)) / 2000
    assert 0.12 < share < 0.18


def test_held_out_documents_are_never_trained_on():
    recipes = load_recipes()
    split = split_corpora(recipes.models["hr_ner"], recipes.defaults)
    held_docs = {s.doc_id for sents in split.held_out.values() for s in sents}
    train_docs = {s.doc_id for s in split.train + split.dev}
    assert held_docs and not held_docs & train_docs


@pytest.mark.parametrize("tags,spans", [
    (["B-PER", "I-PER", "O", "S-LOC"], {(0, 2, "PER"), (3, 4, "LOC")}),
    (["B-ORG", "E-ORG", "B-LOC"], {(0, 2, "ORG"), (2, 3, "LOC")}),
    (["O", "I-LOC", "I-LOC"], {(1, 3, "LOC")}),
])
def test_entity_spans_from_bio_and_bioes(tags, spans):
    assert entity_spans(tags) == spans


@pytest.mark.parametrize("name", ["uk_ner", "ru_ner", "pl_ner", "cs_ner", "sl_ner", "hr_ner", "bg_ner", "bg_stanza_ner"])
def test_every_shipped_model_has_card_scores_and_fits(name):
    folder = MODELS / name
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    held = meta["citylinks"]["held_out"]["all"]
    assert 0.0 < held["f"] <= 1.0 and set(held["per_label"]) >= {"PER", "LOC", "ORG"}
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "Held-out scores" in card and "official" in card.lower() and "words/s" in card
    if "NC" in meta["license"]:
        assert "Non-commercial" in card
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) < 12e6


def test_a_recipe_overrides_the_defaults_and_its_encoder_reaches_the_model():
    from pipeline.training.recipes import settings_for
    from pipeline.training.train import ner_config

    recipes = load_recipes()
    lean = recipes.models["uk_ner"].model_copy(update={
        "version": "9.9.9", "max_epochs": 20,
        "tok2vec": recipes.defaults.tok2vec.model_copy(update={"width": 48, "maxout_pieces": 2})})
    settings = settings_for(lean, recipes.defaults, max_epochs=5)
    assert (settings.version, settings.max_epochs, settings.tok2vec.width) == ("9.9.9", 5, 48)
    encode = ner_config(settings)["model"]["tok2vec"]["encode"]
    assert (encode["width"], encode["maxout_pieces"]) == (48, 2)
    assert settings_for(recipes.models["pl_ner"].model_copy(update={"tok2vec": None, "version": None}),
                        recipes.defaults).version == recipes.defaults.version

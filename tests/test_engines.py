"""Engines and routes: real models from models/, real news articles from ../shared, network off."""
from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import extract_through_routes, routes_file_error

from pipeline.nlp.engines.spacy_engine import SpacyEngine, common_label
from pipeline.nlp.routing import MODELS_DIR, SUPPORTED_LANGUAGES, Route, engine_for, resolve, routes_table

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "corpus" / "news"
COMMON = {"PER", "LOC", "ORG", "JOB"}


@pytest.fixture(scope="session", autouse=True)
def network_off():
    """Any attempt to open a network connection fails the test that makes it."""
    def refuse(*args, **kwargs):
        raise OSError("network disabled in tests")

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "create_connection", refuse)
        yield


def news_article(language: str, index: int = 0) -> str:
    with gzip.open(NEWS / f"bsnlp-{language}.jsonl.gz", "rt", encoding="utf-8") as stream:
        for i, line in enumerate(stream):
            if i == index:
                return json.loads(line)["text"]
    raise IndexError(index)


@pytest.fixture(scope="session")
def uk_engine():
    return SpacyEngine.from_path(MODELS_DIR / "uk_ner", "pymorphy3:uk")


@pytest.fixture(scope="session")
def bg_stanza_engine():
    pytest.importorskip("stanza")
    from pipeline.nlp.engines.stanza_engine import StanzaEngine

    return StanzaEngine.from_path(MODELS_DIR / "bg_stanza_ner", "simplemma:bg", "bg")


def check_document(doc, text: str) -> None:
    assert doc.text == text
    assert len(doc.sentences) > 1
    for token in doc.tokens:
        assert text[token.start:token.end] == token.text
        assert token.lemma and token.lemma == token.lemma.lower()
        sent = doc.sentences[token.sent]
        assert sent.start <= token.start and token.end <= sent.end
    for ent in doc.entities:
        assert ent.label in COMMON
        assert text[ent.start:ent.end] == ent.text


def test_embedded_spacy_model_on_a_real_ukrainian_article(uk_engine):
    text = news_article("uk")
    doc = uk_engine.annotate(text, "uk")
    check_document(doc, text)
    assert doc.model.startswith("spacy:embedded/uk_ner@")
    assert {e.label for e in doc.entities} & {"PER", "LOC"}


def test_embedded_model_multiplies_with_numpy_not_blis(uk_engine):
    ops = uk_engine.nlp.get_pipe("ner").model.ops
    assert type(ops).__name__ == "NumpyOps" and ops.use_blis is False


def test_ukrainian_model_finds_city_person_and_title(uk_engine):
    text = "Міський голова Львова Андрій Садовий зустрівся у Варшаві з президентом Польщі."
    doc = uk_engine.annotate(text, "uk")
    found = {(e.text, e.label) for e in doc.entities}
    assert ("Андрій Садовий", "PER") in found
    assert ("Варшаві", "LOC") in found


def test_stanza_model_on_a_real_bulgarian_article(bg_stanza_engine):
    text = news_article("bg")
    doc = bg_stanza_engine.annotate(text, "bg")
    check_document(doc, text)
    assert doc.model.startswith("stanza:embedded/bg_stanza_ner@")
    assert {e.label for e in doc.entities} & {"PER", "LOC", "ORG"}


def test_both_engines_give_the_same_tokens_and_lemmas(bg_stanza_engine):
    text = "Кметът на София Йорданка Фандъкова посети Варна.\nСрещата беше в общината."
    stanza_doc = bg_stanza_engine.annotate(text, "bg")
    spacy_doc = SpacyEngine.blank("bg", "simplemma:bg").annotate(text, "bg")
    assert stanza_doc.tokens == spacy_doc.tokens
    assert stanza_doc.sentences == spacy_doc.sentences


LEMMAS = [  # (language, text, word, expected lemma)
    ("uk", "Зустріч міського голови Харкова.", "голови", "голова"),
    ("uk", "Делегація прибула до Харкова.", "Харкова", "харків"),
    ("uk", "Він живе у Києві.", "Києві", "київ"),
    ("ru", "Визит мэра Москвы.", "мэра", "мэр"),
    ("ru", "Соглашение о побратимстве городов.", "городов", "город"),
    # readings that all share one lemma (the shortcut that skips simplemma), one through ё for е
    ("uk", "Міста обмінялися угодами.", "угодами", "угода"),
    ("ru", "Партнерство городов продлено.", "Партнерство", "партнёрство"),
    ("pl", "Spotkanie z burmistrzem Krakowa.", "burmistrzem", "burmistrz"),
    ("cs", "Primátor Prahy podepsal smlouvu.", "Prahy", "praha"),
    ("sk", "Primátor mesta podpísal zmluvu.", "mesta", "mesto"),
    ("sl", "Župan Ljubljane je podpisal sporazum.", "Ljubljane", "ljubljana"),
    ("hr", "Gradonačelnik Zagreba potpisao je sporazum.", "Zagreba", "zagreb"),
    ("sr", "Градоначелник Београда је потписао споразум.", "Београда", "београд"),
    ("bg", "Кметът на града подписа споразумение.", "града", "град"),
    ("en", "The mayors signed agreements.", "agreements", "agreement"),
    ("de", "Die Bürgermeister der Städte trafen sich.", "Städte", "stadt"),
]


@pytest.mark.parametrize("language,text,word,lemma", LEMMAS)
def test_every_route_gives_real_lemmas(language, text, word, lemma):
    route = routes_table().languages[language]
    doc = SpacyEngine.blank(language, route.lemmatizer).annotate(text, language)
    assert {t.text: t.lemma for t in doc.tokens}[word] == lemma, f"{language}: {word}"


SENTENCES = [  # (language, text, expected sentences)
    ("uk", "Новини Львова\nМер підписав угоду. Потім була зустріч.",
     ["Новини Львова", "Мер підписав угоду.", "Потім була зустріч."]),
    ("uk", "Мер В. Кличко приїхав у м. Львів 5 травня 2023 р. з візитом.",
     ["Мер В. Кличко приїхав у м. Львів 5 травня 2023 р. з візитом."]),
    ("pl", "Umowa kosztuje 2.5 mln zł. «Dobrze» – powiedział.",
     ["Umowa kosztuje 2.5 mln zł.", "«Dobrze» – powiedział."]),
    # spaCy's sl tokenizer keeps ordinary words with their period ("mest.", "dan."): still a sentence end
    ("sl", "Sodelovanje obeh mest. Prihodnje leto bo sejem. Prišel je dr. Zupan s ga. Kos 3. jan. 2025.",
     ["Sodelovanje obeh mest.", "Prihodnje leto bo sejem.", "Prišel je dr. Zupan s ga. Kos 3. jan. 2025."]),
]


@pytest.mark.parametrize("language,text,expected", SENTENCES)
def test_news_sentence_splitting(language, text, expected):
    doc = SpacyEngine.blank(language).annotate(text, language)
    assert [text[s.start:s.end] for s in doc.sentences] == expected


def test_every_language_has_a_route_that_loads():
    assert set(routes_table().languages) == set(SUPPORTED_LANGUAGES)
    for language in SUPPORTED_LANGUAGES:
        engine, warnings = engine_for(language)
        assert engine is not None, language
        assert warnings == [], f"{language}: {warnings}"


def test_unrouted_language_gets_no_engine():
    assert engine_for("fi") == (None, [])


def test_missing_preferred_model_falls_back_with_a_warning():
    route = Route.model_validate({"lemmatizer": "pymorphy3:uk", "candidates": [
        {"engine": "spacy", "package": "uk_core_news_sm", "if_installed": True},
        {"engine": "spacy", "path": "no_such_model"},
        {"engine": "stanza", "path": "no_such_stanza_model"},
        {"engine": "spacy", "path": "uk_ner"},
    ]})
    resolution = resolve("uk", route)
    assert resolution.engine.model_id.startswith("spacy:embedded/uk_ner@")
    assert len(resolution.warnings) == 2  # the optional package is skipped silently
    assert "no_such_model" in resolution.warnings[0]
    assert "no_such_stanza_model" in resolution.warnings[1]


def test_a_route_of_only_missing_models_warns_and_ends_blank():
    route = Route.model_validate({"lemmatizer": "lowercase", "candidates": [
        {"engine": "spacy", "path": "no_such_model"}, {"engine": "spacy", "blank": "sr"}]})
    resolution = resolve("sr", route)
    assert resolution.engine.model_id.startswith("spacy:blank/sr@")
    assert resolution.warnings and "no_such_model" in resolution.warnings[0]


def test_a_broken_model_falls_back_with_a_warning(tmp_path):
    (tmp_path / "config.cfg").write_text("[nlp]\nlang = \"uk\"\npipeline = [\"ner\"]\n", encoding="utf-8")
    route = Route.model_validate({"lemmatizer": "lowercase", "candidates": [
        {"engine": "spacy", "path": str(tmp_path)}, {"engine": "spacy", "blank": "uk"}]})
    resolution = resolve("uk", route)
    assert resolution.engine.model_id.startswith("spacy:blank/uk@")
    assert str(tmp_path) in resolution.warnings[0]


def test_routes_file_rejects_unknown_keys_with_line(tmp_path):
    assert "routes.yaml:5" in routes_file_error(tmp_path, "{engine: spacy, blank: uk, fallback: yes}")


def test_candidate_needs_exactly_one_source(tmp_path):
    assert "exactly one" in routes_file_error(tmp_path, "{engine: spacy, blank: uk, path: uk_ner}")


@pytest.mark.parametrize("label,common", [
    ("PERS", "PER"), ("PERSON", "PER"), ("PER", "PER"), ("GPE", "LOC"), ("LOC", "LOC"), ("FAC", "LOC"),
    ("ORG", "ORG"), ("JOB", "JOB"), ("S-PER", "PER"), ("E-ORG", "ORG"), ("MISC", None), ("DATE", None),
    ("NORP", None), ("PRO", None), ("EVT", None), ("persName", "PER"), ("placeName", "LOC"), ("orgName", "ORG"),
])
def test_entity_labels_map_to_the_common_set(label, common):
    assert common_label(label) == common


def test_models_command_lists_every_route():
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "cli.py", "models"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for language in SUPPORTED_LANGUAGES:
        assert any(line.startswith(f"{language} ") for line in result.stdout.splitlines()), language
    assert "-> spacy path uk_ner" in result.stdout
    assert "-> spacy path bg_ner" in result.stdout


def test_a_routes_file_can_send_bulgarian_to_the_stanza_model(tmp_path):
    """The Stanza route end to end: an edited routes table puts the embedded Stanza model first."""
    pytest.importorskip("stanza")
    record = extract_through_routes(tmp_path, "languages:\n  bg:\n    lemmatizer: simplemma:bg\n    candidates:\n"
                                    "      - {engine: stanza, path: bg_stanza_ner}\n      - {engine: spacy, path: bg_ner}\n",
                                    "bg-1", news_article("bg"))
    assert record["language"] == "bg"
    assert record["provenance"]["models"]["engine"].startswith("stanza:embedded/bg_stanza_ner@")
    assert record["cities"], "the Stanza route found no city in a Bulgarian news article"


def test_long_text_in_windows_gives_what_the_whole_text_gives(uk_engine, monkeypatch):
    """Windows end at line breaks, where a sentence always ends: same tokens, sentences and offsets."""
    import pipeline.nlp.engines.spacy_engine as spacy_engine
    from pipeline.nlp.engines.windows import window_spans

    text = "\n".join(news_article("uk", i) for i in range(3))
    whole = uk_engine.annotate(text, "uk")
    monkeypatch.setattr(spacy_engine, "WINDOW_CHARS", 1500)
    assert len(window_spans(text, 1500)) > 3
    windowed = uk_engine.annotate(text, "uk")
    check_document(windowed, text)
    assert windowed.tokens == whole.tokens and windowed.sentences == whole.sentences
    same = set(windowed.entities) & set(whole.entities)
    assert len(same) >= 0.9 * len(whole.entities) > 0


def test_text_over_the_engines_limit_is_annotated_at_exact_offsets():
    engine = SpacyEngine.blank("en")
    line = "The mayor of Lviv met the mayor of Wroclaw. They signed a memorandum on culture.\n"
    text = line * (engine.nlp.max_length // len(line) + 100)
    assert len(text) > engine.nlp.max_length
    doc = engine.annotate(text, "en")
    assert doc.text == text and doc.tokens[-1].end == len(text.rstrip())
    assert len(doc.sentences) == 2 * text.count("\n")
    middle = doc.tokens[len(doc.tokens) // 2]
    assert text[middle.start:middle.end] == middle.text
    assert all(s.start < s.end for s in doc.sentences[::997])
    assert doc.tokens[-1].sent == len(doc.sentences) - 1


def test_learnt_words_give_the_same_annotation_and_stay_bounded(monkeypatch):
    """Words kept in the vocabulary (tokenizer cache on) change nothing; past the bound no more are kept."""
    import pipeline.nlp.engines.spacy_engine as spacy_engine

    texts = [news_article("uk", i) for i in range(6)]
    monkeypatch.setattr(spacy_engine, "PERMANENT_WORDS", 0)
    forgetful = SpacyEngine.from_path(MODELS_DIR / "uk_ner", "pymorphy3:uk")
    expected = forgetful.annotate_many(texts, "uk")
    assert forgetful.learned == 0
    monkeypatch.setattr(spacy_engine, "PERMANENT_WORDS", 500)
    learning = SpacyEngine.from_path(MODELS_DIR / "uk_ner", "pymorphy3:uk")
    assert learning.annotate_many(texts[:3], "uk") + learning.annotate_many(texts[3:], "uk") == expected
    learnt = learning.learned
    assert 500 <= learnt < 500 + len(set(texts[0].split())) * 3
    assert learning.annotate_many(texts, "uk") == expected and learning.learned == learnt
    # one text at a time: the Doc tokenized outside the zone goes through the components as it is
    single = SpacyEngine.from_path(MODELS_DIR / "uk_ner", "pymorphy3:uk")
    assert [single.annotate(text, "uk") for text in texts] == expected and single.learned >= 500


def test_batches_end_at_a_character_bound_and_annotate_as_one_batch(uk_engine, monkeypatch):
    """A batch of nlp.pipe ends at PIPE_BATCH_CHARS (the NER's arrays grow with a batch's tokens): the
    annotations are those of one batch holding every text."""
    import pipeline.nlp.engines.spacy_engine as spacy_engine

    texts = [news_article("uk", i) for i in range(6)]
    bound = 2 * max(map(len, texts))
    batches = list(spacy_engine.pipe_batches(texts, 32, bound))
    assert [t for batch in batches for t in batch] == texts and 1 < len(batches) < len(texts)
    assert all(sum(map(len, batch)) <= bound for batch in batches)
    assert list(spacy_engine.pipe_batches(texts, 4, 10)) == [[t] for t in texts]  # a long text alone
    monkeypatch.setattr(spacy_engine, "PIPE_BATCH_CHARS", 10**9)
    whole = uk_engine.annotate_many(texts, "uk")
    monkeypatch.setattr(spacy_engine, "PIPE_BATCH_CHARS", bound)
    assert uk_engine.annotate_many(texts, "uk") == whole and any(doc.entities for doc in whole)


def test_lexemes_keep_only_the_attributes_the_pipeline_reads(monkeypatch):
    """An embedded model's new words get only the attributes its NER hashes, IS_SPACE and LANG; its entities,
    tokens and lemmas are those of a model keeping every getter. A pipeline with another component
    keeps them all."""
    import pipeline.nlp.engines.spacy_engine as spacy_engine
    from spacy.attrs import IDS

    names = {value: name for name, value in IDS.items()}
    texts = [news_article("sl", i) for i in range(4)]
    lean = SpacyEngine.from_path(MODELS_DIR / "sl_ner", "simplemma:sl")
    assert sorted(names[a] for a in lean.nlp.vocab.lex_attr_getters) == ["IS_SPACE", "LANG", "NORM", "PREFIX", "SHAPE", "SUFFIX"]
    monkeypatch.setattr(spacy_engine, "keep_read_lexeme_attributes", lambda nlp: nlp)
    full = SpacyEngine.from_path(MODELS_DIR / "sl_ner", "simplemma:sl")
    assert len(full.nlp.vocab.lex_attr_getters) > 15
    expected = full.annotate_many(texts, "sl")
    assert lean.annotate_many(texts, "sl") == expected and sum(len(doc.entities) for doc in expected) > 10
    monkeypatch.undo()
    with_sentencizer = spacy_engine.blank_nlp("sl")
    with_sentencizer.add_pipe("sentencizer")
    getters = dict(with_sentencizer.vocab.lex_attr_getters)
    assert spacy_engine.keep_read_lexeme_attributes(with_sentencizer).vocab.lex_attr_getters == getters

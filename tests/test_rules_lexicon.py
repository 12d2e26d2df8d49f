"""The phrase syntax of the rule lexicons (pipeline/stages/lexicon.py) on real tokens."""
from __future__ import annotations

import pytest

from pipeline.nlp.engines.spacy_engine import SpacyEngine
from pipeline.stages.lexicon import Lexicon, build_units, normalise
from pipeline.types import AnnotatedDoc, Span, Token


def matched(lang: str, text: str, phrase: str) -> list[str]:
    doc = SpacyEngine.blank(lang).annotate(text, lang)
    return [doc.text[m.start:m.end] for m in Lexicon([("x", phrase)]).find_longest(build_units(doc))]


CASES = [
    ("ru", "форум городов-побратимов", "город* побратим*", ["городов-побратимов"]),
    ("ru", "соглашения об установлении побратимских отношений", "соглашени* о|об ... побратим*",
     ["соглашения об установлении побратимских"]),
    ("ru", "соглашение. О побратимских связях", "соглашени* о|об ... побратим*", []),  # no gap across a sentence
    ("uk", "планують підписати угоду", "=підписати", ["підписати"]),
    ("uk", "угоду підписали", "=підписати", []),
    ("uk", "25-річчя побратимства", "*річчя", ["річчя"]),
    ("uk", "розвитку культурних зв’язків", "культурн* зв'яз*", ["культурних зв’язків"]),
    ("de", "den Städtepartnerschaftsvertrag", "*partnerschaft*", ["Städtepartnerschaftsvertrag"]),
    ("ru", "Договор о ДРУЖБЕ и сотрудничестве, Ёлки", "договор* о ... сотрудничеств*",
     ["Договор о ДРУЖБЕ и сотрудничестве"]),
]


@pytest.mark.parametrize("lang,text,phrase,expected", CASES)
def test_phrase_syntax(lang, text, phrase, expected):
    assert matched(lang, text, phrase) == expected


def test_lemma_or_surface_both_match():
    text = "підписали меморандуму"
    doc = AnnotatedDoc(text=text, language="uk", sentences=[Span(0, len(text))], entities=[], model="test",
                       tokens=[Token("підписали", 0, 9, "підписати"), Token("меморандуму", 10, 21, "меморандум")])
    lexicon = Lexicon([("lemma", "підписати меморандум")])
    assert [(m.start, m.end) for m in lexicon.find(build_units(doc))] == [(0, 21)]


def test_normalise_keeps_offsets():
    text = "Straße İstanbul Ёлка ’"
    assert len(normalise(text)) == len(text)
    assert normalise("Ёлка") == "елка"

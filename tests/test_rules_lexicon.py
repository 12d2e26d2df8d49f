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
    # the period of an abbreviation closes no sentence; a sentence's period after a short word still does
    ("pl", "zastępca burmistrza ds. kultury", "zastęp* ... ds kultur*", ["zastępca burmistrza ds. kultury"]),
    ("pl", "Była tam też. Kultura jest ważna", "był* ... kultur*", []),
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


def test_start_filter_finds_every_kind_of_first_word_at_each_place():
    """The start filter looks words up where the doc's words stand: every option kind (long and short
    words and prefixes, suffixes, contained parts), on the surface or the lemma, at each of its places."""
    words = [("smluvní", "smluvní"), ("od", "od"), ("dohody", "dohoda"), ("podpisem", "podpis"),
             ("od", "od"), ("dohoda", "dohoda"), ("partnerstvím", "partnerství"), ("zlaté", "zlatý")]
    text = " ".join(w for w, _ in words)
    tokens, start = [], 0
    for word, lemma in words:
        tokens.append(Token(word, start, start + len(word), lemma))
        start += len(word) + 1
    doc = AnnotatedDoc(text=text, language="cs", sentences=[Span(0, len(text))], entities=[], model="test",
                       tokens=tokens)
    lexicon = Lexicon([("long", "dohoda"), ("short", "od"), ("prefix", "pod*"), ("short prefix", "zl*"),
                       ("suffix", "*ství"), ("contained", "*luvn*")])
    found = [(m.label, doc.text[m.start:m.end]) for m in lexicon.find(build_units(doc))]
    assert found == [("contained", "smluvní"), ("short", "od"), ("long", "dohody"), ("prefix", "podpisem"),
                     ("short", "od"), ("long", "dohoda"), ("suffix", "partnerstvím"), ("short prefix", "zlaté")]


@pytest.mark.parametrize("lang,text,phrase", [
    ("uk", "Угоду підписали 5 травня. Мери підписали меморандум. Угоду підписали знову", "підпис*|угод*"),
    ("pl", "Umowę podpisano w maju. Burmistrzowie podpisali umowę o partnerstwie.", "umow* ... partnerstw*|podpis*"),
])
def test_find_starting_keeps_the_matches_that_start_there(lang, text, phrase):
    """``starting`` (the dates stage passes its dates' sentences) drops the matches that start elsewhere
    and changes none of the others."""
    doc = SpacyEngine.blank(lang).annotate(text, lang)
    lexicon = Lexicon([("x", phrase)])
    every = lexicon.find(build_units(doc))
    second = range(text.index(".") + 2, text.index(".", text.index(".") + 1))  # the second sentence
    kept = lexicon.find(build_units(doc), lambda start: start in second)
    assert len(every) > len(kept) > 0
    assert kept == [m for m in every if m.start in second]

"""The cities stage skips a lowercase word none of whose forms has an adjective or demonym stem
(``_derives_stem``): that shortcut must never drop what the full derivation (word_keys, the near match)
would find. Real words through the real morphology and rules, per language."""
from __future__ import annotations

import pytest

from pipeline.resources import morphology
from pipeline.resources.gazetteer import geo_rules, name_key
from pipeline.stages.cities import (WORD, _derives_stem, _has_derived_stem, adjective_stems, city_rules, demonym_stems,
                                    fuzzy_sources, fuzzy_stems, word_keys)

SENTENCES = {
    "uk": "делегація львівської міської ради та харківські митці підписали угоду з одеситами вчора",
    "ru": "представители калужских предприятий и тверская делегация встретились с новгородцами",
    "pl": "władze krakowskiego magistratu i wrocławscy radni spotkali się z poznaniakami w marcu",
    "cs": "zástupci pražského magistrátu a brněnští radní podepsali smlouvu s ostravany",
    "sl": "predstavniki ljubljanske občine in kranjski svetniki so se srečali z novomeščani",
    "hr": "predstavnici zagrebačke gradske uprave i splitski vijećnici potpisali su sporazum",
    "bg": "представители на пловдивската община и варненски съветници подписаха споразумение",
    "de": "die berliner delegation und münchner stadträte unterzeichneten einen vertrag",
}


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_a_skipped_lowercase_word_has_no_keys_and_no_near_stem(language):
    compiled = city_rules(language)
    min_stem_letters = geo_rules().fuzzy.min_stem_letters
    threshold = min(4, min_stem_letters)
    words = [m.group() for m in WORD.finditer(SENTENCES[language])]
    skipped = [w for w in words if not _derives_stem(w, language, compiled.endings, threshold)]
    for word in skipped:
        assert word_keys(word, language, True, compiled) == (), word
        near = fuzzy_stems(fuzzy_sources(word, language), compiled.endings)
        assert not [s for s in near if len(s) >= min_stem_letters], word
    assert skipped, "the sentence has ordinary words the shortcut skips"


@pytest.mark.parametrize("language,adjective", [("uk", "львівської"), ("ru", "калужских"), ("pl", "krakowskiego"),
                                                ("cs", "pražského"), ("sl", "ljubljanske"), ("bg", "пловдивската")])
def test_a_place_adjective_is_not_skipped(language, adjective):
    compiled = city_rules(language)
    assert _derives_stem(adjective, language, compiled.endings, 4)
    assert word_keys(adjective, language, True, compiled)


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_the_derived_stem_pattern_says_what_the_stem_functions_give(language):
    """_has_derived_stem is one compiled pattern; it must agree with adjective_stems (either suffix table) and
    demonym_stems on every word, every stem length."""
    endings = city_rules(language).endings
    words = {name_key(m.group()) for m in WORD.finditer(SENTENCES[language])}
    words |= {form for word in words for form in (word[:-1], word[1:], word[2:], word + "а")}
    for min_letters in (3, 4, 5, 6):
        for word in sorted(words):
            stems = adjective_stems(word, endings) + adjective_stems(word, endings, True) + demonym_stems(word, endings)
            assert _has_derived_stem(word, endings, min_letters) == any(len(s) >= min_letters for s in stems), word


@pytest.mark.parametrize("language,words", [
    ("uk", "делегація львівської міської ради по-українськи що-небудь ґанок online iv"),
    ("ru", "представители калужских предприятий ёлка по-русски кое-что online xiv"),
])
def test_normal_forms_are_those_of_the_readings(language, words):
    """morphology.normal_forms reads a known Cyrillic word's paradigms directly: the same forms as its readings."""
    for word in words.split():
        assert set(morphology.normal_forms(word, language)) == {r.normal_form for r in morphology.readings(word, language)}, word

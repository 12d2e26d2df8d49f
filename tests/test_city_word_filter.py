"""The cities stage skips a lowercase word none of whose forms has an adjective or demonym stem
(``_derives_stem``): that shortcut must never drop what the full derivation (word_keys, the near match)
would find. Real words through the real morphology and rules, per language."""
from __future__ import annotations

import pytest

from pipeline.resources.gazetteer import geo_rules
from pipeline.stages.cities import (WORD, _derives_stem, city_rules, fuzzy_sources, fuzzy_stems,
                                    word_keys)

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

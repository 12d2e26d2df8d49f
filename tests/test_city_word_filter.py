"""The cities stage skips a lowercase word none of whose forms has an adjective or demonym stem
(``_derives_stem``): that shortcut must never drop what the full derivation (word_keys, the near match)
would find. Real words through the real morphology and rules, per language."""
from __future__ import annotations

import re

import pytest

from pipeline.resources import morphology
from pipeline.resources.gazetteer import geo_rules, name_key
from pipeline.stages.cities import (WORD, _derives_stem, _has_derived_stem, adjective_stems, city_rules, demonym_stems,
                                    fuzzy_sources, fuzzy_stems, word_keys)
from pipeline.stages.regex_scan import first_letter_guard, matches_at, word_before_space, word_start_pattern

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


@pytest.mark.parametrize("alternation,guard", [
    (r"(?:miasto|gmin\w*)", "(?=[gm])"),
    (r"(?:(?:deputy\s+)?mayor|city)", "(?=[cdm])"),
    (r"(?:(?<!във\s)връзк|с)", "(?=[вс])"),
    (r"(?:[a-c]x|z)", "(?=[abcz])"),
    (r"(?:\w+ого|мер)", ""),  # a class of any letter: no guard
    (r"(?:x?)", ""),  # may match empty
])
def test_first_letter_guard(alternation, guard):
    assert first_letter_guard(alternation, re.I) == guard


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_a_word_before_pattern_finds_what_the_single_pattern_finds(language):
    """WordThen searches as two guarded patterns; in every window of the text, and with pos/endpos, it must
    find a match exactly where ``(?:^|[^\\w])(?:patterns)rest`` does."""
    compiled = city_rules(language)
    patterns = [p for p in (compiled.trigger_before, compiled.institution_before, compiled.region_before,
                            compiled.organisation_before, compiled.partner_before, compiled.small_town_before,
                            compiled.preposition) if p is not None]
    assert patterns
    text = SENTENCES[language] + " (" + " ".join(SENTENCES[language].split()[::-1]) + ") "
    for pattern in patterns:
        single = re.compile(pattern.pattern, re.I)
        for end in range(len(text) + 1):
            for start in (0, max(0, end - 30)):
                window = text[start:end]
                assert (pattern.search(window) is None) == (single.search(window) is None), (pattern.pattern, window)
                assert (pattern.search(text, start, end) is None) == (single.search(text, start, end) is None)


WORD_START_TEXTS = [
    "Мер Ордичів ПАН Мер, мер-мер «мер» 2мер ᲀмер МЕР\nмер",
    "\u0130stanbul ist \u212aELVIN Kelvin kelvin \u017ftadt Stadt. x-stadt _stadt \u1c80ід від",
    "",
    "ß ẞ SS ss. Ärger ärger",
]


@pytest.mark.parametrize("alternation, flags", [
    (r"(?:мер|пан(?:і|ові)?)", re.I),
    (r"(?:istanbul|kelvin|stadt|ß|ärger|від)", re.I),
    (r"(?:stadt|ärger|«)", 0),  # a start that is not a word character
    (r"(?:\w+ого|мер)", re.I),  # no guard: the plain pattern
    (r"(?!x)x", 0),
])
def test_word_start_pattern_finds_the_starts_of_the_plain_pattern(alternation, flags):
    """Case folding included (Kelvin sign, long s, dotted capital I, the Cyrillic rounded ve)."""
    plain = re.compile(r"(?<!\w)(?=" + alternation + ")", flags)
    fast = word_start_pattern(alternation, flags)
    for text in WORD_START_TEXTS + [" ".join(WORD_START_TEXTS)]:
        assert [m.start() for m in fast.finditer(text)] == [m.start() for m in plain.finditer(text)], text
        whole = re.compile(r"(?<!\w)" + alternation + r"(?!\w)", flags)
        starts = [m.start() for m in fast.finditer(text)]
        assert [m.span() for m in matches_at(whole, text, starts)] == [m.span() for m in whole.finditer(text)]


def test_word_start_pattern_opens_with_a_class_the_engine_scans_fast():
    assert word_start_pattern(r"(?:мер|пан)", re.I).pattern.startswith("(?-i:[")
    assert word_start_pattern(r"(?:мер|пан)", re.I).search("Приїхав ПАН") is not None


@pytest.mark.parametrize("before", ["", "   ", "x", "Тарас ", "Зеленого міста. ", "Пан\n  ", "пан\u00a0",
                                    "Жовтня: ", "2026 — ", "Він \u2028", "слово.x ", "ціна|", "a\nb "])
def test_opens_sentence_is_the_pattern_it_replaces(before):
    """_before's sentence-start test: the same answer as the regex it replaced, without a try at every character."""
    from pipeline.stages.city_context import _opens_sentence
    assert _opens_sentence(before) == (re.search(r"(?:^|[.!?:|\n–—-])\s*$", before) is not None)


WORD_THEN_SPACE_AT_END = re.compile(r"([^\W\d_]{2,})[ \u00a0]$")


@pytest.mark.parametrize("text", [
    "Městská rada a primátor Petr Vondráček", "мер міста Олег Гринчук \nі", "ab \n", "a \n", "x ab\u00a0y",
    "rok 2019 ²ab x", "Ⅻab x", "snake_case word", "Dva  razy", "\n\n", "", "ab\n \n", "Łukasz Zieliński, Opole",
])
def test_word_before_space_is_the_dollar_anchored_search_it_replaces(text):
    """At every end and window, the word and its start that the $-anchored search finds (also before a
    final newline, which $ allows)."""
    for end in range(len(text) + 1):
        for start in range(0, end + 1):
            found = WORD_THEN_SPACE_AT_END.search(text[start:end])
            expected = None if found is None else (found.group(1), start + found.start())
            got = word_before_space(text, start, end)
            assert (None if got is None else (got.word, got.start)) == expected, (text, start, end)


@pytest.mark.parametrize("text", [
    "Rijeka i rijeka", "podrijeka rijeka_", "Kraków, krakow2 krakow", "łódź łódźka", "x\u0301lodz lodz\u0301",
    "мост Мост мостовой", "most", "", "a", "²most most²",
])
def test_whole_word_in_is_the_pattern_it_replaces(text):
    """For every word of the text and slices of it: what (?<!\\w)WORD(?!\\w) finds."""
    from pipeline.stages.cities import _whole_word_in
    words = {text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + 8) + 1)}
    for word in words:
        expected = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
        assert _whole_word_in(word, text) == expected, (word, text)

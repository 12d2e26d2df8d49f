"""Language identification: letters and scripts, lingua, seeded langdetect, word markers.

The decision rule (thresholds, alphabets, which detector is consulted when, the markers that
split Croatian, Bosnian and Serbian) is data in ``pipeline/rules/langid.yaml``; this module is
the mechanism. It looks only at a bounded prefix of the cleaned text, so the cost does not grow
with the article. Both detectors are deterministic: lingua has no randomness, langdetect is seeded.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

from pydantic import BaseModel, ConfigDict, Field

from pipeline.rules import load_rules
from pipeline.types import LanguageGuess

STAGE = "langid"
WORD = re.compile(r"\w+")
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SampleRules(_Strict):
    max_chars: int = Field(gt=0)
    min_letters: int = Field(ge=1)


class LinguaRules(_Strict):
    mode: str = Field(pattern="^(low_accuracy|high_accuracy)$")
    covered: tuple[str, ...]
    guard: tuple[str, ...] = ()


class LangdetectRules(_Strict):
    seed: int
    consult_below: float = Field(ge=0.0, le=1.0)


class ForeignLetters(_Strict):
    min_count: int = Field(ge=1)
    min_share: float = Field(ge=0.0, le=1.0)


class ScriptRules(_Strict):
    ranges: tuple[tuple[int, int], ...]
    foreign: ForeignLetters


class MarkerSet(_Strict):
    """Words that count ``weight`` hits for each of ``languages``: whole words, word beginnings
    (``stems``), word endings (``suffixes``), regular expressions searched in a word that nothing
    else marked (``patterns``), and two-word sequences (``phrases``; a first word written ``*xyz``
    matches any word ending in ``xyz``)."""

    languages: tuple[str, ...]
    weight: float = Field(default=1.0, gt=0.0)
    words: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


class VarietyGroup(_Strict):
    name: str
    languages: tuple[str, ...]
    script: str
    prior: dict[str, float] = {}
    lingua_weight: float = Field(ge=0.0)
    # lingua's score of a member shared among these members (a model that stands for several)
    lingua_stands_for: dict[str, tuple[str, ...]] = {}
    neutral: tuple[str, ...] = ()  # words that are never markers, though a stem or suffix matches
    markers: tuple[MarkerSet, ...]


class FunctionWords(_Strict):
    """Closed-class words (articles, prepositions, conjunctions, auxiliaries) of a language that no other
    covered language writes alike: a text whose ordinary words are mostly one language's function words
    is in that language, however many foreign names it quotes."""

    min_hits: int = Field(ge=1)
    min_share: float = Field(gt=0.0, le=1.0)  # of the words not written with a capital inside a sentence
    words: dict[str, tuple[str, ...]]


class LangidRules(_Strict):
    sample: SampleRules
    homoglyphs: dict[str, str] = {}
    lingua: LinguaRules
    langdetect: LangdetectRules
    runner_up_min_ratio: float = Field(ge=0.0, le=1.0)
    min_script_share: float = Field(ge=0.0, le=1.0)
    scripts: dict[str, ScriptRules]
    alphabets: dict[str, str]
    varieties: tuple[VarietyGroup, ...] = ()
    function_words: FunctionWords | None = None


def langid_rules() -> LangidRules:
    rules = load_rules(STAGE, LangidRules)
    if rules is None:
        raise FileNotFoundError(f"no {STAGE}.yaml in the rules directory")
    return rules


# --- sample and letter evidence ---------------------------------------------------------------

def sample_of(text: str, max_chars: int) -> str:
    """The first ``max_chars`` characters, cut back to the last space so no word is split."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut


def fold_homoglyphs(sample: str, rules: LangidRules) -> str:
    """Latin look-alikes inside words that also have Cyrillic letters become Cyrillic ("Tpъмп").

    Some sites mix the scripts on purpose; the n-gram detectors would read such text as Latin.
    """
    if not rules.homoglyphs or not CYRILLIC_LETTER.search(sample):
        return sample
    table, words = _derived("homoglyphs", rules, _homoglyph_folding)

    def fold(match: re.Match) -> str:
        word = match.group(0)
        return word.translate(table) if CYRILLIC_LETTER.search(word) else word

    return words.sub(fold, sample)


def _homoglyph_folding(rules: LangidRules) -> tuple[dict[int, str], re.Pattern]:
    """The translation table, and the words (whole runs of ``\\w``) that hold a look-alike: the only
    ones folding can change, so the callback runs for few words."""
    look_alikes = "".join(re.escape(ch) for ch in rules.homoglyphs)
    return str.maketrans(rules.homoglyphs), re.compile(rf"\w*[{look_alikes}]\w*")


def script_of(char: str, scripts: dict[str, ScriptRules]) -> str | None:
    point = ord(char)
    for name, script in scripts.items():
        if any(low <= point <= high for low, high in script.ranges):
            return name
    return None


def _script_table(rules: LangidRules) -> dict[str, str | None]:
    """``script_of`` per character, filled as characters are met (a text has few distinct letters)."""
    return _derived("script_table", rules, lambda r: {})


def _letters_by_script(letters: Counter[str], rules: LangidRules) -> dict[str, dict[str, int]]:
    """The letter counts split by script (letters of no script left out), scripts in order of first use."""
    table = _script_table(rules)
    grouped: dict[str, dict[str, int]] = {}
    for ch, n in letters.items():
        script = table.get(ch, False)
        if script is False:
            script = table[ch] = script_of(ch, rules.scripts)
        if script:
            grouped.setdefault(script, {})[ch] = n
    return grouped


def _script_totals(script_letters: dict[str, dict[str, int]]) -> Counter[str]:
    """How many letters each script has (from ``_letters_by_script``)."""
    return Counter({script: sum(group.values()) for script, group in script_letters.items()})


def letter_counts(sample: str) -> Counter[str]:
    return Counter(filter(str.isalpha, sample.lower()))


_DERIVED: dict[tuple[str, int], tuple[object, object]] = {}


def _derived(name: str, source: object, build):
    """``build(source)`` computed once per loaded rules object (rule models hold dicts: not hashable)."""
    cached = _DERIVED.get((name, id(source)))
    if cached is None or cached[0] is not source:
        cached = _DERIVED[(name, id(source))] = (source, build(source))
    return cached[1]


def _scripts_of_alphabets(rules: LangidRules) -> dict[str, frozenset[str]]:
    """Which scripts each alphabet is written in."""
    return _derived("alphabet_scripts", rules, lambda r: {
        language: frozenset({script_of(ch, r.scripts) for ch in alphabet} - {None})
        for language, alphabet in r.alphabets.items()
    })


def _alphabet_sets(rules: LangidRules) -> list[tuple[str, frozenset[str]]]:
    return _derived("alphabet_sets", rules, lambda r: [
        (language, frozenset(alphabet)) for language, alphabet in sorted(r.alphabets.items())])


def ruled_out(letters: Counter[str], rules: LangidRules) -> dict[str, str]:
    """Covered and guard languages the letters rule out, with the reason (for tests and the eval's errors)."""
    total = sum(letters.values())
    script_letters = _letters_by_script(letters, rules)
    by_script = _script_totals(script_letters)
    reasons: dict[str, str] = {}
    own = _scripts_of_alphabets(rules)
    for language, alphabet in _alphabet_sets(rules):
        own_scripts = own[language]
        share = sum(by_script[s] for s in own_scripts) / total
        if share < rules.min_script_share:
            reasons[language] = f"script share {share:.2f}"
            continue
        for script in sorted(own_scripts):
            group = script_letters.get(script, {})
            foreign = group.keys() - alphabet
            count = sum(group[ch] for ch in foreign)
            limit = rules.scripts[script].foreign
            if count >= limit.min_count and count / total >= limit.min_share:
                reasons[language] = "foreign letters " + "".join(sorted(foreign))
                break
    return reasons


# --- detectors ---------------------------------------------------------------------------------

@lru_cache(maxsize=64)  # one per set of allowed languages; the models themselves are shared
def _lingua_detector(mode: str, languages: tuple[str, ...]):
    """Built once per process and configuration (lingua loads its models lazily, per language)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    wanted = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
    builder = LanguageDetectorBuilder.from_languages(*wanted)
    if mode == "low_accuracy":
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def lingua_scores(sample: str, rules: LangidRules, excluded: Iterable[str] = ()) -> dict[str, float]:
    """lingua's confidences over covered + guard languages minus ``excluded``.

    A detector built without the ruled-out languages ranks the remaining ones properly (its
    confidences are sharply peaked, so dropping the winner afterwards would leave nothing to rank).
    """
    excluded = set(excluded)
    languages = tuple(lang for lang in rules.lingua.covered + rules.lingua.guard if lang not in excluded)
    if not languages:
        return {}
    if len(languages) == 1:
        # The letters leave one language: nothing to rank (before guards were ruled out, lingua gave it
        # ~1.0 against the guards). A one-language lingua detector takes ~100 ms and ~20 MB to build.
        return {languages[0]: 1.0}
    detector = _lingua_detector(rules.lingua.mode, languages)
    return {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in detector.compute_language_confidence_values(sample)
        if value.value > 0.0
    }


def langdetect_scores(sample: str, seed: int) -> dict[str, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = seed
    try:
        guesses = detect_langs(sample)
    except LangDetectException:
        return {}
    scores: dict[str, float] = {}
    for guess in guesses:  # "zh-cn" -> "zh"
        code = guess.lang.split("-")[0]
        scores[code] = scores.get(code, 0.0) + guess.prob
    return scores


def _normalised(scores: dict[str, float]) -> dict[str, float]:
    total = sum(scores.values())
    return {lang: value / total for lang, value in scores.items()} if total > 0 else {}


def _ranked(scores: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


# --- word markers ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _MarkerIndex:
    words: dict[str, tuple[MarkerSet, ...]]
    stems: dict[str, tuple[MarkerSet, ...]]
    stem_lengths: tuple[int, ...]  # longest first: the longest matching stem wins
    suffixes: tuple[tuple[str, MarkerSet], ...]
    patterns: tuple[tuple[re.Pattern, MarkerSet], ...]  # one alternation per marker set
    phrases: dict[tuple[str, str], tuple[MarkerSet, ...]]
    wild_phrases: dict[str, tuple[tuple[str, MarkerSet], ...]]  # second word -> (first word's ending, set)
    neutral: frozenset[str]


def _build_marker_index(group: VarietyGroup) -> _MarkerIndex:
    words: dict[str, list[MarkerSet]] = defaultdict(list)
    stems: dict[str, list[MarkerSet]] = defaultdict(list)
    phrases: dict[tuple[str, str], list[MarkerSet]] = defaultdict(list)
    wild: dict[str, list[tuple[str, MarkerSet]]] = defaultdict(list)
    suffixes = []
    for marker in group.markers:
        for word in marker.words:
            words[word].append(marker)
        for stem in marker.stems:
            stems[stem].append(marker)
        suffixes.extend((suffix, marker) for suffix in marker.suffixes)
        for phrase in marker.phrases:
            first, second = phrase.split(" ")
            if first.startswith("*"):
                wild[second].append((first[1:], marker))
            else:
                phrases[(first, second)].append(marker)
    return _MarkerIndex(
        {w: tuple(m) for w, m in words.items()}, {w: tuple(m) for w, m in stems.items()},
        tuple(sorted({len(stem) for stem in stems}, reverse=True)),
        tuple(sorted(suffixes, key=lambda item: -len(item[0]))),
        tuple((re.compile("|".join(m.patterns)), m) for m in group.markers if m.patterns),
        {p: tuple(m) for p, m in phrases.items()}, {w: tuple(m) for w, m in wild.items()},
        frozenset(group.neutral))


def _marker_index(group: VarietyGroup) -> _MarkerIndex:
    return _derived("markers", group, _build_marker_index)


def _word_markers(word: str, index: _MarkerIndex) -> tuple[MarkerSet, ...]:
    """The marker sets of one word: a whole word first, else its longest stem, a suffix, a pattern."""
    if word in index.neutral:
        return ()
    found = index.words.get(word)
    if found:
        return found
    for length in index.stem_lengths:
        if length <= len(word):
            found = index.stems.get(word[:length])
            if found:
                return found
    for suffix, marker in index.suffixes:  # longest first
        if len(word) > len(suffix) and word.endswith(suffix):
            return (marker,)
    return tuple(marker for pattern, marker in index.patterns if pattern.search(word))


def _phrase_markers(previous: str, word: str, index: _MarkerIndex) -> list[MarkerSet]:
    found = list(index.phrases.get((previous, word), ()))
    found.extend(marker for ending, marker in index.wild_phrases.get(word, ())
                 if len(previous) > len(ending) and previous.endswith(ending))
    return found


def marker_hits(sample: str, group: VarietyGroup) -> Counter[str]:
    """Weighted marker hits per language of the group in the sample."""
    index = _marker_index(group)
    hits: Counter[str] = Counter()
    words = WORD.findall(sample.lower())
    for position, word in enumerate(words):
        found = _word_markers(word, index)
        if position:
            found = (*found, *_phrase_markers(words[position - 1], word, index))
        for marker in found:
            for language in marker.languages:
                hits[language] += marker.weight
    return hits


def lingua_shares(scores: dict[str, float], group: VarietyGroup) -> dict[str, float]:
    """Each member's share of the group in lingua's view, a standing-for model's share spread out."""
    mass = sum(scores.get(lang, 0.0) for lang in group.languages)
    shares = {lang: 0.0 for lang in group.languages}
    if mass <= 0:
        return shares
    for lang in group.languages:
        heirs = group.lingua_stands_for.get(lang, (lang,))
        for heir in heirs:
            shares[heir] += scores.get(lang, 0.0) / mass / len(heirs)
    return shares


def _apply_variety(scores: dict[str, float], sample: str, letters: Counter[str],
                   rules: LangidRules) -> tuple[dict[str, float], str | None]:
    """Redistribute a variety group's probability over its members by marker hits.

    Each member scores weighted hits + prior + lingua_weight x (its share of the group in lingua's
    view, see ``lingua_shares``);
    the group's total probability is then shared in proportion to those scores.
    """
    best = _ranked(scores)[0][0]
    dominant = dominant_script(letters, rules)
    for group in rules.varieties:
        if best not in group.languages or dominant != group.script:
            continue
        hits = marker_hits(sample, group)
        mass = sum(scores.get(lang, 0.0) for lang in group.languages)
        shares = lingua_shares(scores, group)
        weights = {
            lang: hits[lang] + group.prior.get(lang, 0.0) + group.lingua_weight * shares[lang]
            for lang in group.languages
        }
        total = sum(weights.values())
        rescored = {lang: value for lang, value in scores.items() if lang not in group.languages}
        rescored.update({lang: mass * weight / total for lang, weight in weights.items()})
        return rescored, group.name
    return scores, None


LETTERS = re.compile(r"[^\W\d_]+")
SENTENCE_OPENERS = frozenset(".!?:\n\"“„«(")


def _letters_outside_names(sample: str, letters: Counter[str], rules: LangidRules) -> Counter[str]:
    """The letters of the words not capitalised inside a sentence of a Latin-script text: the letters of
    quoted names ("Łódź", "Großkopf") do not rule out the language around them. All letters when too
    few are left."""
    if dominant_script(letters, rules) != "Latin":
        return letters  # Cyrillic names carry no letters foreign to the languages around them
    ordinary = " ".join(word for word, start in _words(sample) if not _name_at(sample, word, start))
    counts = letter_counts(ordinary)
    return counts if sum(counts.values()) >= rules.sample.min_letters else letters


def _words(sample: str) -> list[tuple[str, int]]:
    """The words (runs of letters) of the sample with their starts; one per sample (``memo``)."""
    if _WORDS_MEMO[0] is not sample:
        _WORDS_MEMO[:] = [sample, [(m.group(), m.start()) for m in LETTERS.finditer(sample)]]
    return _WORDS_MEMO[1]


_WORDS_MEMO: list = [None, []]


def _name_at(sample: str, word: str, start: int) -> bool:
    """A word capitalised inside a sentence: a name, which says nothing of the language around it."""
    return word[0].isupper() and not _opens_sentence(sample, start)


def _opens_sentence(text: str, start: int) -> bool:
    position = start - 1
    while position >= 0 and text[position] in " \t\u00a0":
        position -= 1
    return position < 0 or text[position] in SENTENCE_OPENERS


def _function_word_language(scores: dict[str, float], sample: str, rules: LangidRules) -> str | None:
    """The language whose function words make at least ``min_share`` of the sample's ordinary words
    (words capitalised inside a sentence are names, left out), when it is not lingua's winner."""
    spec = rules.function_words
    if spec is None or not scores:
        return None
    lexicon = _derived("function_words", spec, lambda s: {w: lang for lang, ws in s.words.items() for w in ws})
    ordinary, hits = 0, Counter()
    for word, start in _words(sample):
        language = lexicon.get(word.casefold())
        if language is None and _name_at(sample, word, start):
            continue
        ordinary += 1
        if language is not None:
            hits[language] += 1
    if not hits or not ordinary:
        return None
    language, count = hits.most_common(1)[0]
    best = _ranked(scores)[0][0]
    if language == best or language not in scores or count < spec.min_hits or count < spec.min_share * ordinary:
        return None
    return language


def dominant_script(letters: Counter[str], rules: LangidRules) -> str | None:
    """The script with the most letters (``letter_counts``), by the scripts of the langid rules."""
    by_script = _script_totals(_letters_by_script(letters, rules))
    return by_script.most_common(1)[0][0] if by_script else None


# --- decision ----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _package_version(name: str) -> str:
    return version(name)


def _method(parts: list[str]) -> str:
    return "+".join(parts)


def _guess(scores: dict[str, float], method: str, rules: LangidRules) -> LanguageGuess:
    ranked = _ranked(scores)
    if not ranked:
        return LanguageGuess(None, 0.0, method=method)
    (best, best_p), runner = ranked[0], ranked[1] if len(ranked) > 1 else None
    if runner and runner[1] >= rules.runner_up_min_ratio * best_p:
        return LanguageGuess(best, round(best_p, 4), runner[0], round(runner[1], 4), method)
    return LanguageGuess(best, round(best_p, 4), method=method)


def detect_language(text: str, rules: LangidRules | None = None) -> LanguageGuess:
    """Language of a cleaned text: letters rule out, lingua ranks, markers split close varieties."""
    rules = rules or langid_rules()
    sample = fold_homoglyphs(sample_of(text, rules.sample.max_chars), rules)
    letters = letter_counts(sample)
    method = [f"lingua-{_package_version('lingua-language-detector')}/{rules.lingua.mode}", "letters"]
    if sum(letters.values()) < rules.sample.min_letters:
        return LanguageGuess(None, 0.0, method=_method(method))
    excluded = ruled_out(_letters_outside_names(sample, letters, rules), rules)
    if set(rules.lingua.covered) <= set(excluded):
        excluded = {}  # letters that rule out every language: a mixed text, the letters say nothing
        method.append("mixed")
    scores = _normalised(lingua_scores(sample, rules, excluded))
    if not scores or _ranked(scores)[0][1] < rules.langdetect.consult_below:
        second = langdetect_scores(sample, rules.langdetect.seed)
        known = set(rules.lingua.covered + rules.lingua.guard) - set(excluded)
        second = {k: v for k, v in second.items() if k in known}
        languages = set(scores) | set(second)
        scores = _normalised({k: scores.get(k, 0.0) + second.get(k, 0.0) for k in languages})
        method.append(f"langdetect-{_package_version('langdetect')}/seed{rules.langdetect.seed}")
    if not scores:
        return LanguageGuess(None, 0.0, method=_method(method))
    by_words = _function_word_language(scores, sample, rules)
    if by_words is not None:  # the winner's score and the function words' language change places
        best = _ranked(scores)[0][0]
        scores = {**scores, best: scores[by_words], by_words: scores[best]}
        method.append("function-words")
    scores, group = _apply_variety(scores, sample, letters, rules)
    if group:
        method.append(f"markers:{group}")
    return _guess(scores, _method(method), rules)


BASELINE_CHARS = 1000  # the first version's prefix


def detect_language_langdetect(text: str, rules: LangidRules | None = None,
                               max_chars: int = BASELINE_CHARS) -> LanguageGuess:
    """The baseline (the first version): seeded langdetect alone on the first 1000 characters."""
    rules = rules or langid_rules()
    sample = sample_of(text, max_chars)
    method = f"langdetect-{_package_version('langdetect')}/seed{rules.langdetect.seed}"
    return _guess(langdetect_scores(sample, rules.langdetect.seed), method, rules)

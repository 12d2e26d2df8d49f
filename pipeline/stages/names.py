"""Person names to the nominative, in the article's script, each part capitalised, without honorifics.

uk, ru: pymorphy3, choosing one case and gender for the whole name and preferring the
person-name readings (Name/Surn/Patr): "Андрія Садового" -> "Андрій Садовий",
"Геннадия Труханова" -> "Геннадий Труханов"; a part with no reading in that case
(a foreign surname, "Жаном Роатта") stays as written.
Other languages: rules/<lang>/names.yaml lists, per case, the endings of name parts and
their nominative; the case that explains the name best wins ("Sergejem Sobjaninom" ->
"Sergej Sobjanin"). Parts written all in capitals or all in lowercase are re-cased
("Александр ИВАНОВ" -> "Александр Иванов").
"""
from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from pipeline.resources import morphology
from pipeline.rules import load_compiled, load_rules


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseRules(_Strict):
    case: str
    # [regex anchored at the end of a name part, replacement]; the first matching one applies
    endings: list[tuple[str, str]]


class NameRules(_Strict):
    """rules/<lang>/names.yaml"""

    honorifics: list[str] = []
    particles: list[str] = []  # lowercase parts kept lowercase ("van", "de")
    # added to an oblique case that changes every part of a name of two or more parts
    # ("Sergeja Skripala" is genitive, not a woman's name in the nominative)
    all_parts_bonus: float = 1.0
    # taken from an oblique case for each part of a name of two or more parts that none of its endings
    # explains: "Станіслаў Бой" is a nominative (-ў and -й), not an instrumental of "Боя" beside a part
    # that no instrumental ending explains
    unexplained_penalty: float = 1.5
    cases: list[CaseRules] = []
    # given names whose nominative ends in a vowel that oblique endings replace ("Marko": "Marka",
    # "Markom"; "Luka": "Lukom"): a stem the case endings leave bare takes that vowel back
    vowel_given_names: list[str] = []
    # a vowel that the oblique cases of some names drop ("Paweł": "Pawła", "Zdeněk": "Zdeňkem", "Peter":
    # "Petrom"): where the endings leave such a stem, simplemma's lemma with the vowel back is the nominative
    fleeting_vowels: str = ""
    # letters that a dropped vowel softens or hardens, as the lemma writes them ("Maćka" -> "Maciek": ć is ci)
    soft_letters: dict[str, str] = {}
    # uk, ru: endings of masculine surnames pymorphy3 does not know, per oblique case (its case names),
    # used where an honorific before the name says the case ("пана Петра Радославова": genitive, masculine)
    masculine_surnames: list[CaseRules] = []


PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "voct")
GENDERS = ("masc", "femn")


def name_rules(language: str) -> NameRules:
    return load_rules("names", NameRules, language) or NameRules()


@lru_cache(maxsize=None)
def _honorific_pattern(language: str, honorifics: tuple[str, ...]) -> re.Pattern | None:
    if not honorifics:
        return None
    return re.compile(r"^(?:(?:" + "|".join(honorifics) + r")(?:\.|(?=\s))\s*)+", re.I)


def strip_honorifics(text: str, language: str) -> str:
    rules = name_rules(language)
    pattern = _honorific_pattern(language, tuple(rules.honorifics))
    return pattern.sub("", text).strip() if pattern else text.strip()


def recase(part: str, particles: list[str]) -> str:
    """ИВАНОВ -> Иванов, жан-клод -> Жан-Клод; mixed case (McDonald) is kept."""
    if part.lower() in particles:
        return part.lower()
    if not (part.isupper() or part.islower()) or len(part) < 2:
        return part
    return "-".join(p[:1].upper() + p[1:].lower() for p in part.split("-"))


# ---------------------------------------------------------------- uk, ru: pymorphy3

def _reading_weight(parse) -> float:
    return parse.score + (1.0 if PERSON_TAGS & set(parse.tag.grammemes) else 0.0)


def _name_readings(word: str, language: str) -> list[tuple]:
    """The singular noun and adjective readings of a name part as (parse, case, gender, Ms-f, a-stem, weight):
    the tag is read once, not once per case and gender tried."""
    table = []
    for parse in morphology.parses(word, language):
        tag = parse.tag
        if tag.POS in ("NOUN", "ADJF") and tag.number != "plur":
            a_stem = tag.POS == "NOUN" and tag.gender == "femn" and parse.normal_form[-1:] in ("а", "я")
            table.append((parse, tag.case, tag.gender, "Ms-f" in tag.grammemes, a_stem, _reading_weight(parse)))
    return table


# a man's surname in -а/-я declines as a feminine noun ("Леонідом Кучмою", "Виолу"): where the dictionary does
# not know it as a surname, its feminine reading serves a masculine name after the given name, weighed less than
# a reading that agrees; only in the cases whose endings no indeclinable foreign name has ("Барклі", "О'Лири")
A_STEM_FOR_MASCULINE = 0.5
A_STEM_CASES = frozenset({"ablt", "accs"})


def _best_fit(readings: list[tuple], case: str, gender: str, surname: bool = False) -> tuple:
    """(parse, weight) of the heaviest reading in ``case`` that agrees with ``gender`` (the first one on
    a tie), or (None, 0.0); ``surname``: a part after the first."""
    best, best_weight = None, 0.0
    for parse, parse_case, parse_gender, common_gender, a_stem, weight in readings:
        if parse_case != case:
            continue
        if not (parse_gender in (gender, None) or common_gender):
            if not (a_stem and surname and gender == "masc" and case in A_STEM_CASES):
                continue
            weight *= A_STEM_FOR_MASCULINE
        if best is None or weight > best_weight:
            best, best_weight = parse, weight
    return best, best_weight


def _honorific_grammar(text: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The cases and genders an honorific before the name allows ("пана": genitive or accusative,
    masculine), all of them where none stands or it tells nothing."""
    first = text.split(" ", 1)[0]
    if strip_honorifics(first + " x", language) != "x" or morphology.analyser(language) is None:
        return CASES, GENDERS
    readings = [p.tag for p in morphology.parses(first.rstrip(".").lower(), language)
                if p.tag.POS == "NOUN" and p.tag.number != "plur"]
    genders = tuple(g for g in GENDERS if any(t.gender == g for t in readings))
    if not readings or len(genders) != 1:
        return CASES, GENDERS
    return tuple(c for c in CASES if any(t.case == c for t in readings)), genders


def _nominative_pymorphy(parts: list[str], language: str, cases: tuple[str, ...] = CASES,
                         genders: tuple[str, ...] = GENDERS) -> list[str]:
    best, best_score, best_case = None, 0.0, None
    readings = [_name_readings(p, language) for p in parts]
    for case in cases:
        for gender in genders:
            chosen = [_best_fit(r, case, gender, i > 0) for i, r in enumerate(readings)]
            fits = [parse for parse, _ in chosen]
            score = sum(weight for parse, weight in chosen if parse is not None)
            if score > best_score + 1e-9:
                best, best_score, best_case = fits, score, case
    if best is None:
        return parts
    unknown = _masculine_surname_endings(language, best_case) if genders == ("masc",) else []
    out = []
    for part, parse in zip(parts, best):
        form = None
        if parse is not None and parse.tag.case != "nomn":
            form = _no_vowel_shift(morphology.inflect(parse, {"nomn", "sing"}) or morphology.inflect(parse, {"nomn"}),
                                   part)
        elif parse is None and unknown:
            form = _apply_case(part, unknown)[0]
        out.append(_same_case_shape(form, part) if form else part)
    return out


def _no_vowel_shift(form: str | None, part: str) -> str | None:
    """"Радославова" -> "Радославов", not "Радославів": the o/e-to-i shift of Ukrainian nouns ("Київ", "Києва")
    is not one of surnames in -ов/-ев, which keep their vowel."""
    stem = form[:-2] if form and form.lower().endswith("ів") else None
    if stem and part.lower().startswith(stem.lower()) and part.lower()[len(stem):len(stem) + 2] in ("ов", "ев"):
        return stem + part[len(stem):len(stem) + 2]
    return form


def _masculine_surname_endings(language: str, case: str | None) -> list[tuple[re.Pattern, str]]:
    tables = load_compiled("names", NameRules, language, _compiled_surnames) or {}
    return tables.get(case, [])


def _compiled_surnames(rules: NameRules) -> dict[str, list[tuple[re.Pattern, str]]]:
    return {c.case: [(re.compile(pattern + r"$"), repl) for pattern, repl in c.endings]
            for c in rules.masculine_surnames}


def _same_case_shape(form: str, original: str) -> str:
    """The inflected form written like the original part was (capitalised, or all capitals)."""
    if original.isupper() and len(original) > 1:
        return form.upper()
    if original[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in form.split("-"))
    return form


# ---------------------------------------------------------------- other languages: ending rules

def _compiled_cases(rules: NameRules) -> list[tuple[str, list[tuple[re.Pattern, str]]]]:
    return [(c.case, [(re.compile(pattern + r"$"), repl) for pattern, repl in c.endings]) for c in rules.cases]


def _apply_case(part: str, endings: list[tuple[re.Pattern, str]]) -> tuple[str, int]:
    low = part.lower()
    for pattern, replacement in endings:
        match = pattern.search(low)
        if match:
            return part[: match.start()] + replacement, len(match.group(0)) + 1
    return part, 0


LEMMA_AGREES = 3  # weight of a part whose result is also simplemma's lemma of it ("Zorana" -> "Zoran")


def _nominative_rules(parts: list[str], language: str) -> list[str]:
    """The case (of names.yaml, first wins ties) whose endings explain the parts best."""
    cases = load_compiled("names", NameRules, language, _compiled_cases) or []
    lemmas = [morphology.lemma(p, language) for p in parts]
    best, best_score = parts, 0
    rules = name_rules(language)
    for number, (_case, endings) in enumerate(cases):
        applied = [_apply_case(p, endings) for p in parts]
        score = sum(weight for _, weight in applied)
        if number and len(parts) > 1 and all(form != part for (form, _), part in zip(applied, parts)):
            score += rules.all_parts_bonus
        if number and len(parts) > 1:  # an oblique case must explain the given name too ("Станіслаў Бой")
            score -= rules.unexplained_penalty * sum(1 for _, weight in applied if weight == 0)
        score += sum(LEMMA_AGREES for (form, _), part, lemma in zip(applied, parts, lemmas)
                     if lemma and lemma != part and form == lemma)
        if score > best_score:
            best, best_score = [form for form, _ in applied], score
    known = load_compiled("names", NameRules, language, _vowel_given_names) or frozenset()
    return [_given_name_vowel(_fleeting_vowel_back(form, part, lemma, rules), part, known)
            for form, part, lemma in zip(best, parts, lemmas)]


def _fleeting_vowel_back(form: str, part: str, lemma: str | None, rules: NameRules) -> str:
    """"Pawł" (cut from "Pawła") -> "Paweł", simplemma's lemma of "Pawła", which is the stem with one of the
    language's fleeting vowels before its last letter."""
    if form == part or not lemma or not rules.fleeting_vowels:
        return form
    stem, whole = _soft_folded(form.lower(), rules), _soft_folded(lemma.lower(), rules)
    if len(whole) == len(stem) + 1 and whole[-2] in rules.fleeting_vowels and whole[:-2] + whole[-1] == stem:
        return lemma[:1].upper() + lemma[1:]
    return form


def _soft_folded(word: str, rules: NameRules) -> str:
    for letter, written in rules.soft_letters.items():
        word = word.replace(letter, written)
    return word


def _given_name_vowel(form: str, part: str, known: frozenset[str]) -> str:
    """"Mark" (cut from "Marka") -> "Marko" when the lexicon ``known`` has "Marko" and not "Mark"."""
    if form == part or not form or form[-1].lower() in VOWELS:
        return form
    return next((form + v for v in "oeaоеа" if (form + v).lower() in known), form)


VOWELS = frozenset("aeiouyаеиоуяюєіїыэ")


def _vowel_given_names(rules: NameRules) -> frozenset[str]:
    return frozenset(n.lower() for n in rules.vowel_given_names)


def looks_nominative(word: str, language: str) -> bool:
    """A common noun in the nominative: its own lemma, and (where no pymorphy3 dictionary tells) no
    oblique case ending of names.yaml explains it better ("podžupan", not "podžupanom" or "župana")."""
    low = word.lower()
    lemma = morphology.lemma(low, language)
    if lemma is None or lemma.lower() != low:
        return False
    return morphology.analyser(language) is not None or _nominative_rules([low], language) == [low]


# ---------------------------------------------------------------- entry point

@lru_cache(maxsize=morphology.WORD_CACHE_SIZE)
def normalise_name(text: str, language: str, nominative: bool = False) -> str:
    """The nominative form of a person's name as the article writes it; ``nominative``: the text
    says the name is in the nominative already (it follows a title in the nominative), so only
    honorifics and capitals are repaired ("Župan Matej Hribar" stays "Matej Hribar")."""
    rules = name_rules(language)
    written = " ".join(text.split())
    text = strip_honorifics(written, language)
    parts = text.split(" ")
    if not text or nominative:
        return " ".join(recase(p, rules.particles) for p in parts)
    if morphology.analyser(language) is not None:
        parts = _nominative_pymorphy(parts, language, *_honorific_grammar(written, language))
    else:
        parts = _nominative_rules(parts, language)
    return " ".join(recase(p, rules.particles) for p in parts)

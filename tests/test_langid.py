"""Language identification: real sentences per language, hard neighbours, determinism, edge cases."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.nlp.langid import (
    detect_language, detect_language_langdetect, fold_homoglyphs, langid_rules, letter_counts, lingua_shares,
    marker_hits, ruled_out, sample_of,
)
from pipeline.measure.langid_eval import EVAL_SETS, MIN_CHARS, SAMPLES_DIR, evaluation_set, read_samples, score_detector

PROJECT = Path(__file__).resolve().parent.parent

# (expected language, a real news-like sentence); the samples are not taken from data/langid.
SENTENCES = [
    ("uk", "Київська міська рада ухвалила рішення про будівництво нового мосту через Дніпро. "
           "Роботи розпочнуться навесні, а завершити їх планують за три роки."),
    ("ru", "Московская городская дума одобрила программу развития общественного транспорта. "
           "По словам депутатов, в ближайшие годы в городе появятся новые линии метро и трамвая."),
    ("be", "Гарадская рада Маладзечна зацвердзіла праграму развіцця транспарту. Паводле слоў "
           "дэпутатаў, у бліжэйшыя гады ў горадзе з'явяцца новыя аўтобусныя маршруты."),
    ("be", "Дзеці гулялі ля ракі, а бацькі размаўлялі пра надвор'е і будучы кірмаш."),
    ("bg", "Столичният общински съвет одобри програмата за развитие на градския транспорт. Според "
           "общинските съветници през следващите години ще бъдат построени нови линии на метрото."),
    ("mk", "Советот на општина Куманово ја одобри програмата за развој на јавниот превоз. Според "
           "советниците, во следните години ќе бидат воведени нови автобуски линии."),
    ("sr", "Скупштина града Крагујевца усвојила је програм развоја јавног превоза. Према речима "
           "одборника, у наредним годинама биће уведене нове аутобуске линије."),
    ("sr", "Skupština grada Kragujevca usvojila je program razvoja javnog prevoza. Prema rečima "
           "odbornika, u narednim godinama biće uvedene nove autobuske linije, a cene karata ostaće "
           "iste kao prošle nedelje."),
    ("hr", "Gradsko vijeće Splita usvojilo je program razvoja javnog prijevoza. Prema riječima "
           "vijećnika, tijekom sljedećih godina bit će uvedene nove autobusne linije, a cijene karata "
           "ostat će iste."),
    ("bs", "Gradsko vijeće Zenice usvojilo je program razvoja javnog prevoza. Prema riječima "
           "vijećnika, tokom naredne sedmice bit će uvedene nove autobuske linije, a cijene karata "
           "ostaju iste kao u januaru."),
    ("sl", "Mestni svet Maribora je sprejel program razvoja javnega prevoza. Po besedah svetnikov "
           "bodo v prihodnjih letih uvedli nove avtobusne linije, cene vozovnic pa bodo ostale enake."),
    ("pl", "Rada Miasta Krakowa przyjęła program rozwoju transportu publicznego. Według radnych w "
           "najbliższych latach powstaną nowe linie tramwajowe i autobusowe."),
    ("cs", "Zastupitelstvo města Brna schválilo program rozvoje veřejné dopravy. Podle zastupitelů "
           "vzniknou v příštích letech nové tramvajové a autobusové linky."),
    ("sk", "Mestské zastupiteľstvo Košíc schválilo program rozvoja verejnej dopravy. Podľa poslancov "
           "vzniknú v najbližších rokoch nové električkové a autobusové linky."),
    ("en", "The city council of Glasgow approved a programme for the development of public transport. "
           "According to councillors, new tram and bus lines will be introduced in the coming years."),
    ("de", "Der Gemeinderat von Graz hat ein Programm zur Entwicklung des öffentlichen Verkehrs "
           "beschlossen. Nach Angaben der Stadträte sollen neue Straßenbahnlinien entstehen."),
    ("fr", "Le conseil municipal de Nantes a approuvé un programme de développement des transports "
           "publics. Selon les élus, de nouvelles lignes de tramway seront créées."),
]


@pytest.mark.parametrize("expected,text", SENTENCES, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(SENTENCES)])
def test_real_sentence_is_detected(expected, text):
    guess = detect_language(text)
    assert guess.language == expected, f"{expected}: got {guess}"
    assert 0.0 < guess.probability <= 1.0
    assert guess.method.startswith("lingua-")


def test_langdetect_alone_has_no_label_for_be_sr_bs():
    """Why langdetect is only the baseline: it must answer with a wrong route."""
    by_lang = {lang: text for lang, text in SENTENCES}
    assert detect_language_langdetect(by_lang["be"]).language in {"ru", "uk"}
    assert detect_language_langdetect(by_lang["bs"]).language != "bs"


@pytest.mark.parametrize("text,out,kept", [
    ("Київ і Львів підписали угоду про співпрацю в галузі культури та освіти.", {"ru", "be", "bg", "mk", "sr"}, "uk"),
    ("Мінск і Гродна падпісалі пагадненне аб супрацоўніцтве ў галіне культуры.", {"ru", "uk", "bg", "mk", "sr"}, "be"),
    ("Мэры Москвы и Казани объявили о сотрудничестве, которое начнётся в этом году.", {"uk", "be", "bg", "mk", "sr"}, "ru"),
    ("Београд и Ниш ће потписати споразум о сарадњи, а уговор ће припремити општинске службе.", {"ru", "uk", "be", "bg", "mk"}, "sr"),
    ("Скопје и Охрид ќе потпишат договор за соработка, а градоначалниците ќе се сретнат во вторник.", {"ru", "uk", "be", "bg", "sr"}, "mk"),
])
def test_letters_rule_out_neighbours(text, out, kept):
    reasons = ruled_out(letter_counts(text), langid_rules())
    assert out <= set(reasons), reasons
    assert kept not in reasons


def test_letters_rule_out_guard_languages_too():
    """Guard languages (known only so that their texts get their own label) are ruled out by the same
    letters as covered ones: lingua then ranks only what the letters allow (each language left costs it)."""
    rules = langid_rules()
    ukrainian = ruled_out(letter_counts("Київ і Львів підписали угоду про співпрацю в галузі культури та освіти."), rules)
    assert set(rules.lingua.guard) <= set(ukrainian)
    polish = ruled_out(letter_counts("Władze Łodzi i Wałbrzycha podpisały porozumienie o współpracy, które obejmie "
                                     "także wymianę młodzieży szkolnej."), rules)
    assert {"it", "es", "hu", "tr", "nl"} <= set(polish) and "pl" not in polish
    hungarian = ("A városi közgyűlés elfogadta az új közlekedési tervet, amely szerint jövőre két új "
                 "villamosvonal épül a belvárosban.")
    assert "hu" not in ruled_out(letter_counts(hungarian), rules)
    assert detect_language(hungarian).language == "hu"


def test_stray_foreign_letters_do_not_rule_out():
    """A Russian text with one Ukrainian place name keeps Russian."""
    text = ("Делегация из Москвы провела переговоры с руководством города. Стороны обсудили "
            "строительство дорог, развитие туризма и поставки оборудования в Київ.")
    assert "ru" not in ruled_out(letter_counts(text), langid_rules())
    assert detect_language(text).language == "ru"


def test_latin_look_alikes_inside_cyrillic_words_are_read_as_cyrillic():
    """Some sites mix scripts on purpose; such a Bulgarian page must not come out Spanish."""
    text = ("Oфициaлният пpoфил нa нacтoящия пpeзидeнт нa CAЩ Дoнaлд Tpъмп в Twitter e eдин oт "
            "нaй-cилнитe мy инcтpyмeнти зa вpъзĸa c шиpoĸaтa oбщecтвeнocт.")
    folded = fold_homoglyphs(text, langid_rules())
    assert folded.startswith("Официалният профил на настоящия президент на САЩ Доналд Тръмп в Twitter")
    assert detect_language(text).language == "bg"


def test_czech_letters_rule_out_slovak():
    text = ("Přijetí postu ministra zdravotnictví je diagnóza. Plukovník musel opustit místo náměstka, "
            "protože neměl bezpečnostní prověrku. Nevěřím mu ani dobrý den, názory mění, jak se mu hodí.")
    assert "sk" in ruled_out(letter_counts(text), langid_rules())
    assert detect_language(text).language == "cs"


def test_markers_split_croatian_bosnian_serbian():
    group = langid_rules().varieties[0]
    assert marker_hits("tijekom tjedna tisuću ljudi", group) == Counter({"hr": 3})
    assert marker_hits("tokom sedmice hiljadu", group) == Counter({"bs": 3, "sr": 3})
    # the ekavian reflex weighs 2: it is a property of the standard, not a preference of words
    assert marker_hits("predsjednik i predsednik", group) == Counter({"hr": 1, "bs": 1, "sr": 2})


@pytest.mark.parametrize("text,expected", [
    ("predsjednicima", {"hr": 1, "bs": 1}),  # stem predsjedn-, an inflected form no list has
    ("poslednjoj", {"sr": 2}),  # stem poslednj-
    ("razmjena", {"hr": 1, "bs": 1}),  # pattern: short je after m
    ("premijer pacijent", {}),  # -ijer, -ijent are loanword endings, not jat
    ("radićemo", {"sr": 2}),  # fused future (suffix -ićemo)
    ("nećemo", {}),  # neutral: the same in all three
    ("radit ćemo", {"hr": 1, "bs": 1}),  # cut infinitive + future: a phrase
    ("treba da", {"bs": 1, "sr": 1}),
    ("obezbijeđen", {"sr": 1}),  # Serbian vocabulary in its ijekavian form (Republika Srpska)
])
def test_marker_kinds(text, expected):
    assert marker_hits(text, langid_rules().varieties[0]) == Counter(expected)


def test_lingua_bosnian_model_stands_for_latin_serbian_too():
    group = langid_rules().varieties[0]
    shares = lingua_shares({"bs": 0.6, "hr": 0.2, "en": 0.2}, group)
    assert shares == pytest.approx({"hr": 0.25, "bs": 0.375, "sr": 0.375})


@pytest.mark.parametrize("text", ["", "   \n\t", "12345 67 89 !!! ---", "OK", "https://t.co/x1"])
def test_empty_or_letterless_text_is_undetermined(text):
    guess = detect_language(text)
    assert guess.language is None and guess.probability == 0.0 and guess.runner_up is None


def test_mixed_page_keeps_the_main_language():
    russian = ("Мэр города встретился с делегацией побратима и обсудил совместные проекты в области "
               "образования, культуры и городского хозяйства. Стороны договорились подписать "
               "меморандум о сотрудничестве до конца года и провести форум предпринимателей. ")
    ukrainian_headlines = "Читайте також: Київ і Львів підписали угоду. Новини Житомира за тиждень."
    assert detect_language(russian * 2 + ukrainian_headlines).language == "ru"
    english_boilerplate = "Cookies help us deliver our services. Accept all. "
    slovenian = ("Župan Ljubljane je s predstavniki pobratenega mesta podpisal pismo o nameri o "
                 "sodelovanju na področju kulture, izobraževanja in javnega prometa. Obe mesti bosta "
                 "prihodnje leto organizirali skupno razstavo in izmenjavo dijakov. ")
    assert detect_language(english_boilerplate + slovenian * 2).language == "sl"


def test_text_in_two_neighbouring_languages_is_not_undetermined():
    """Letters of a Slovak and a Czech paragraph rule out both; the answer must still be one of them."""
    text = ("Mnohí sa spoliehajú na svoju vládu, no je zrejmé, že žiadna vláda nie je schopná vytvoriť "
            "skutočné pracovné miesta. Tato kniha začíná výčtem jednoho týdne v Trumpově životě. "
            "Ukazuje nám Trumpa v akci, jak vede svůj život a jak si povídá s přáteli.")
    assert detect_language(text).language in {"sk", "cs"}


def test_uncovered_language_gets_its_own_label_not_a_covered_one():
    guess = detect_language("Il consiglio comunale di Bologna ha approvato il nuovo piano per il trasporto "
                            "pubblico, che prevede nuove linee di tram entro la fine del prossimo anno.")
    assert guess.language == "it"


def test_close_call_records_the_runner_up():
    guess = detect_language("Ljudi su došli na trg i razgovarali o gradu.")  # no telling word
    assert guess.language in {"hr", "bs", "sr"}
    assert guess.runner_up in {"hr", "bs", "sr"} - {guess.language}
    assert guess.runner_up_probability is not None and guess.runner_up_probability <= guess.probability


def test_same_answer_twice_and_across_processes():
    texts = [text for _, text in SENTENCES[:8]]
    first = [detect_language(t) for t in texts]
    assert first == [detect_language(t) for t in texts]
    code = ("import sys; from pipeline.nlp.langid import detect_language, detect_language_langdetect\n"
            "for line in sys.stdin.read().split('\\x00'):\n"
            "    print(repr(detect_language(line)), repr(detect_language_langdetect(line)))")
    runs = [subprocess.run([sys.executable, "-c", code], input="\x00".join(texts), capture_output=True,
                           text=True, cwd=PROJECT, check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0].splitlines()[0].startswith(repr(first[0]))


def test_cost_is_bounded_by_the_sample():
    """A 2-million-character article is judged on the same bounded prefix as a short one."""
    rules = langid_rules()
    paragraph = SENTENCES[0][1] + " "
    huge = paragraph * (2_000_000 // len(paragraph))
    sample = sample_of(huge, rules.sample.max_chars)
    assert len(sample) <= rules.sample.max_chars and not sample.endswith(" ")
    assert huge.startswith(sample)
    assert detect_language(huge) == detect_language(huge[: rules.sample.max_chars])


def test_rules_file_is_consistent():
    rules = langid_rules()
    covered = set(rules.lingua.covered)
    assert {"uk", "ru", "be", "sl", "hr", "sr", "bs", "pl", "cs", "sk", "bg", "mk", "en", "de", "fr"} <= covered
    assert not covered & set(rules.lingua.guard)
    assert set(rules.alphabets) == covered | set(rules.lingua.guard), \
        "every covered and guard language needs its alphabet (letters rule guards out too)"
    for language, alphabet in rules.alphabets.items():
        assert alphabet == alphabet.lower() and len(set(alphabet)) == len(alphabet), language
    for group in rules.varieties:
        words = Counter(w for marker in group.markers
                        for w in marker.words + marker.stems + marker.suffixes + marker.phrases)
        duplicates = sorted(w for w, n in words.items() if n > 1)
        assert not duplicates, f"{group.name}: words listed twice: {duplicates}"
        assert not set(group.neutral) & set(words), "a neutral word is also a marker"
        for marker in group.markers:
            assert set(marker.languages) <= set(group.languages), marker.languages
            for w in marker.words + marker.stems + marker.suffixes + tuple(group.neutral):
                assert w == w.lower() and " " not in w, w
            assert all(len(p.split(" ")) == 2 and not p.split(" ")[1].startswith("*") for p in marker.phrases)
        for language, heirs in group.lingua_stands_for.items():
            assert {language, *heirs} <= set(group.languages)


# --- the evaluation sets (real files, the real detector) ---------------------------------------

@pytest.fixture(scope="module")
def sample_scores():
    """The final detector on the tuning samples, the held-out samples and the UDHR windows."""
    tuning = [d for d in read_samples(SAMPLES_DIR) if len(d.text) >= MIN_CHARS]  # as in evaluation_set
    sets = {"tuning": tuning, "heldout": evaluation_set("heldout"),
            "udhr": evaluation_set("udhr")}
    return {name: score_detector("final", detect_language, docs) for name, docs in sets.items()}


def test_evaluation_sets_are_apart_and_labelled():
    tuning = {d.text for d in read_samples(SAMPLES_DIR)}
    for name in ("heldout", "udhr"):
        docs = evaluation_set(name)
        assert docs and not tuning & {d.text for d in docs}, name
    counts = Counter(d.label for d in evaluation_set("heldout"))
    assert counts["sr-Latn"] >= 20 and counts["bs"] >= 15
    assert all(counts[label] >= 10 for label in ("sr-Cyrl", "be", "mk"))
    udhr = evaluation_set("udhr")
    assert {"hr", "bs", "sr-Latn", "sr-Cyrl", "be", "mk", "en", "de"} <= {d.label for d in udhr}
    short = [d.id for d in udhr if len(d.text) < 1000]  # windows: the 1000-character prefix is a real test
    assert len(short) <= len({d.label for d in udhr}), short  # at most each label's tail


def test_tuning_samples_at_300_chars(sample_scores):
    score = sample_scores["tuning"]
    for label in ("sr-Latn", "bs", "sr-Cyrl", "be", "mk", "en", "de", "fr"):
        assert score.accuracy(label, 300) >= 0.99, (label, score.confusions)


# Floors measured on sets never tuned on (see data/langid/README.md), set below the measured value:
# held-out sr-Latn 21/22 (the miss is ijekavian Serbian of Republika Srpska), bs 15/16; UDHR
# sr-Latn 9/9, bs 5/9 (legal Bosnian with Croatian words and no jat word in 300 characters).
HELDOUT_FLOORS = {("heldout", "sr-Latn"): 0.9, ("heldout", "bs"): 0.85, ("heldout", "sr-Cyrl"): 0.99,
                  ("heldout", "be"): 0.99, ("heldout", "mk"): 0.99, ("udhr", "sr-Latn"): 0.85,
                  ("udhr", "bs"): 0.4}


@pytest.mark.parametrize("name,label", sorted(HELDOUT_FLOORS))
def test_heldout_accuracy_floor_at_300_chars(sample_scores, name, label):
    accuracy = sample_scores[name].accuracy(label, 300)
    assert accuracy >= HELDOUT_FLOORS[(name, label)], (accuracy, sample_scores[name].confusions)


def test_udhr_other_languages_at_300_chars(sample_scores):
    score = sample_scores["udhr"]
    labels = {label for (label, _) in score.total} - {"bs", "sr-Latn"}
    assert len(labels) >= 14
    for label in sorted(labels):
        assert score.accuracy(label, 300) >= 0.99, (label, score.confusions)


def test_eval_langid_command_prints_each_set():
    run = subprocess.run([sys.executable, "cli.py", "eval-langid", "--set", "heldout,udhr", "--labels", "sr-Latn,mk"],
                         capture_output=True, text=True, cwd=PROJECT, timeout=600)
    assert run.returncode == 0, run.stderr
    heldout, udhr = run.stdout.split("== set udhr")
    assert heldout.startswith("== set heldout: 32 labelled documents ==")
    for section in (heldout, udhr):
        rows = {line.split()[0]: line.split() for line in section.splitlines() if line.startswith(("sr-Latn", "mk"))}
        assert set(rows) == {"sr-Latn", "mk"}
        assert rows["mk"][-3:] == ["100.0%"] * 3
    assert "ms per document" in udhr


def test_eval_langid_command_rejects_an_unknown_set():
    run = subprocess.run([sys.executable, "cli.py", "eval-langid", "--set", "heldout,nope"],
                         capture_output=True, text=True, cwd=PROJECT, timeout=600)
    assert run.returncode != 0 and "nope" in run.stderr
    assert set(EVAL_SETS) == {"tuning", "heldout", "udhr"}


@pytest.mark.parametrize("expected, text", [
    ("en", "The mayors of Poznań and Hanover, Katarzyna Wiśniewska and Rüdiger Krause, signed a memorandum."),
    ("en", "The mayors of Kraków and Bremen, Zbigniew Nowakowski and Andreas Hartmann, met in the town hall."),
    # names with five foreign letters or more: they do not rule English out either
    ("en", "The mayors of Łódź and Göttingen, Zenon Wąsowicz and Jürgen Großkopf, signed a memorandum."),
    ("pl", "Prezydent Gdyni spotkał się z burmistrzem Lubeki w ratuszu i podpisali umowę o współpracy."),
    ("de", "Die Bürgermeister von Görlitz und Zgorzelec haben sich auf eine gemeinsame Buslinie geeinigt."),
])
def test_function_words_weigh_over_quoted_names(expected, text):
    """A short English sentence full of Polish and German names is English: its ordinary words are
    English function words, the names (capitalised inside the sentence) say nothing of its language."""
    assert detect_language(text).language == expected

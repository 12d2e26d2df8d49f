"""Agreements: each language's triggers, types and statuses with real phrases; parties and dates.

Documents are annotated by the blank spaCy engine (no lemmas): the lexicons must match on
stems of the surface forms. Cities are built by hand (the cities stage is tested elsewhere).
"""
from __future__ import annotations

import pytest

from pipeline.stages.agreements import find_agreements
from pipeline.stages.dates import find_dates
from pipeline.nlp.engines.spacy_engine import SpacyEngine
from schemas.record import CityItem, Mention


def city(text: str, surface: str, gid: int, name: str) -> CityItem:
    start = text.index(surface)
    return CityItem(geonames_id=gid, name=name, local_name=None, country_code=None, latitude=None, longitude=None,
                    mentions=[Mention(text=surface, start=start, end=start + len(surface))])


def agreements_of(lang: str, text: str, cities=(), published: str | None = None):
    doc = SpacyEngine.blank(lang).annotate(text, lang)
    dates = find_dates(doc, published).dates
    return find_agreements(doc, list(cities), [], dates)


# (language, text, [(type, status)])
TRIGGERS = [
    ("uk", "Відбулося підписання меморандуму між Львівською міською радою та Житомирською міською радою.",
     [("memorandum", "signed")]),
    ("uk", "Міські ради планують підписати угоду про співпрацю найближчим часом.", [("cooperation_agreement", "planned")]),
    ("uk", "Львів і Люблін стали побратимами у 1991 році.", [("twinning_agreement", "existing")]),
    ("uk", "У Житомирі відзначили 25-річчя побратимства міст.", [("twinning_agreement", "anniversary")]),
    ("uk", "Делегація міста-побратима Любліна відвідала Львів.", []),
    ("ru", "Подготовка программы мероприятий к 50-летию со дня подписания соглашения об установлении "
           "побратимских отношений.", [("twinning_agreement", "anniversary")]),
    ("ru", "Мэры городов подписали программу сотрудничества на 2020–2022 годы.",
     [("cooperation_programme", "signed")]),
    ("ru", "Россия и Китай подписали соглашение о поставках газа.", []),
    ("be", "Гарадскія саветы падпісалі пагадненне аб супрацоўніцтве.", [("cooperation_agreement", "signed")]),
    ("sl", "Župan je podpisal Program sodelovanja med Vlado Moskve in Mestno občino Ljubljana.",
     [("cooperation_programme", "signed")]),
    ("sl", "Sodelovanje temelji na podlagi Protokola o prijateljstvu in sodelovanju med mestoma iz leta 2000.",
     [("protocol", "existing")]),
    ("hr", "Gradonačelnici su potpisali Povelju o bratimljenju dvaju gradova.", [("twinning_agreement", "signed")]),
    ("hr", "Gradovi planiraju potpisati sporazum o suradnji.", [("cooperation_agreement", "planned")]),
    ("sr", "Градоначелници су потписали споразум о сарадњи два града.", [("cooperation_agreement", "signed")]),
    ("sr", "Gradovi su potpisali Protokol o prijateljstvu i saradnji.", [("protocol", "signed")]),
    ("bs", "Gradonačelnici su potpisali Memorandum o razumijevanju između dva grada.", [("memorandum", "signed")]),
    ("pl", "Prezydenci miast podpisali umowę o współpracy.", [("cooperation_agreement", "signed")]),
    ("pl", "Obchody 20-lecia partnerstwa miast Lublina i Łucka.", [("twinning_agreement", "anniversary")]),
    ("pl", "Burmistrzowie podpisali list intencyjny w sprawie współpracy miast.", [("letter_of_intent", "signed")]),
    ("cs", "Primátoři podepsali smlouvu o partnerství obou měst.", [("cooperation_agreement", "signed")]),
    ("sk", "Primátori podpísali memorandum o spolupráci medzi mestami.", [("memorandum", "signed")]),
    ("bg", "Кметовете подписаха споразумение за сътрудничество между двата града.",
     [("cooperation_agreement", "signed")]),
    ("bg", "Кметовете на двата града ще подпишат меморандум за сътрудничество.", [("memorandum", "planned")]),
    ("en", "The mayors signed a memorandum of understanding between the two cities.", [("memorandum", "signed")]),
    ("en", "The cities signed a declaration of cooperation.", [("letter_of_intent", "signed")]),
    ("en", "The city council adopted a friendship charter with the city.", [("other", "existing")]),
    ("de", "Die Oberbürgermeister unterzeichneten den Städtepartnerschaftsvertrag im Rathaus.",
     [("twinning_agreement", "signed")]),
    ("de", "Die Stadt feiert das 30-jährige Jubiläum der Städtepartnerschaft.", [("twinning_agreement", "anniversary")]),
    ("de", "Die Städte planen, eine Absichtserklärung zu unterzeichnen.", [("letter_of_intent", "planned")]),
]


@pytest.mark.parametrize("lang,text,expected", TRIGGERS, ids=[f"{t[0]}-{i}" for i, t in enumerate(TRIGGERS)])
def test_triggers_types_and_statuses(lang, text, expected):
    assert [(a.type, a.status) for a in agreements_of(lang, text)] == expected


def test_parties_from_the_sentence_and_date_from_the_nearest_date():
    text = "Сьогодні, 1 червня, відбулося підписання меморандуму між Львовом та Житомиром."
    cities = [city(text, "Львовом", 702550, "Lviv"), city(text, "Житомиром", 686967, "Zhytomyr")]
    [item] = agreements_of("uk", text, cities)
    assert (item.type, item.status, item.city_geonames_ids, item.date) == ("memorandum", "signed", [702550, 686967],
                                                                           "--06-01")
    assert text[item.mentions[0].start:item.mentions[0].end] == "меморандуму"


def test_agreements_with_several_partners_give_one_item_per_pair():
    text = "У Городской Думы Калуги подписаны соглашения о сотрудничестве с городскими советами Смоленска и Тулы."
    cities = [city(text, "Калуги", 553915, "Kaluga"), city(text, "Смоленска", 491687, "Smolensk"),
              city(text, "Тулы", 480562, "Tula")]
    pairs = [a.city_geonames_ids for a in agreements_of("ru", text, cities)]
    assert pairs == [[553915, 491687], [553915, 480562]]


@pytest.mark.parametrize("lang,text,surfaces", [
    ("ru", "Харьков подписал соглашение о сотрудничестве со Страсбургом и Келем.", ["Харьков", "Страсбургом", "Келем"]),
    ("pl", "Lublin podpisał umowę o współpracy ze Strasburgiem i Kehl.", ["Lublin", "Strasburgiem", "Kehl"]),
    ("en", "Kharkiv signed a cooperation agreement with Strasbourg and Kehl.", ["Kharkiv", "Strasbourg", "Kehl"]),
])
def test_one_document_in_the_singular_with_several_partners_is_one_item_of_them_all(lang, text, surfaces):
    cities = [city(text, s, gid, s) for s, gid in zip(surfaces, (706483, 2973783, 2892550))]
    pairs = [a.city_geonames_ids for a in agreements_of(lang, text, cities)]
    assert pairs == [[706483, 2973783, 2892550]]


@pytest.mark.parametrize("lang,text,surfaces", [
    ("sk", "Okruh partnerov sa rozšíri o Krems a Ptuj. Dohody o spolupráci s nimi schválilo mestské zastupiteľstvo Trnavy.",
     ["Trnavy", "Krems", "Ptuj"]),
    ("ru", "Круг партнёров расширят Витебск и Шяуляй. Соглашения о сотрудничестве с ними подписаны в мэрии Твери.",
     ["Твери", "Витебск", "Шяуляй"]),
])
def test_documents_with_them_pair_the_host_with_the_cities_of_the_sentence_before(lang, text, surfaces):
    cities = [city(text, s, gid, s) for s, gid in zip(surfaces, (3057124, 2887398, 3192892))]
    pairs = [a.city_geonames_ids for a in agreements_of(lang, text, cities)]
    assert pairs == [[3057124, 2887398], [3057124, 3192892]]


def test_partners_of_a_city_not_found_are_not_paired_with_each_other():
    text = ("Сегодня подписаны соглашения о сотрудничестве с городскими советами Смоленска и Тулы. "
            "Делегация посетила также Минск.")
    cities = [city(text, "Смоленска", 491687, "Smolensk"), city(text, "Тулы", 480562, "Tula"),
              city(text, "Минск", 625144, "Minsk")]
    [item] = agreements_of("ru", text, cities)
    assert item.city_geonames_ids == []


def test_mentions_of_one_document_merge_and_a_planned_one_stays_apart():
    text = ("Мэры подписали соглашение о сотрудничестве. Соглашение предусматривает обмен делегациями. "
            "Городские советы также намерены подписать подобные соглашения с городами Беларуси.")
    items = agreements_of("ru", text)
    assert [(a.type, a.status, len(a.mentions)) for a in items] == [
        ("cooperation_agreement", "signed", 2), ("cooperation_agreement", "planned", 1)]


@pytest.mark.parametrize("lang,text,published,expected", [
    ("uk", "Меморандум між містами було підписано у 2005 році. Сьогодні мери обговорили нові проекти.", "2019-05-05",
     ("memorandum", "existing", "2005")),
    ("ru", "Самое первое соглашение о побратимских связях было подписано в 1992 году.", "2017-03-31",
     ("twinning_agreement", "existing", "1992")),
])
def test_a_signing_long_ago_is_background(lang, text, published, expected):
    [item] = agreements_of(lang, text, published=published)
    assert (item.type, item.status, item.date) == expected


# a past signing told in a subordinate "when" clause is background, not the reported event
BACKGROUND_CLAUSES = [
    ("sl", "Mestni občini sodelujeta od leta 2003, ko sta podpisala sporazum o sodelovanju.",
     ("cooperation_agreement", "existing")),
    ("ru", "Города дружат с 1997 года, когда было подписано соглашение о сотрудничестве.",
     ("cooperation_agreement", "existing")),
    ("uk", "Міста співпрацюють з 2001 року, коли було підписано угоду про співпрацю.",
     ("cooperation_agreement", "existing")),
    ("pl", "Miasta współpracują od 1999 roku, kiedy podpisały umowę o współpracy.",
     ("cooperation_agreement", "existing")),
    ("hr", "Gradovi surađuju od 2005. godine, kada je potpisan sporazum o suradnji.",
     ("cooperation_agreement", "existing")),
]


@pytest.mark.parametrize("lang,text,expected", BACKGROUND_CLAUSES)
def test_signing_in_a_when_clause_is_background(lang, text, expected):
    assert [(a.type, a.status) for a in agreements_of(lang, text, published="2024-05-07")] == [expected]


@pytest.mark.parametrize("lang,text,expected", [
    ("sl", "Mesti podpisala program sodelovanja\nŽupana sta včeraj podpisala Program sodelovanja.",
     [("cooperation_programme", "signed", 2)]),
    ("ru", "Мэры городов подписали программу сотрудничества. Программу сотрудничества планируется продлить.",
     [("cooperation_programme", "signed", 2)]),
])
def test_one_document_named_twice_is_one_agreement_with_the_strongest_status(lang, text, expected):
    assert [(a.type, a.status, len(a.mentions)) for a in agreements_of(lang, text)] == expected


def test_a_document_with_no_city_in_its_sentence_is_between_the_two_cities_of_the_article():
    text = ("Prezydent Krakowa spotkał się z merem Lwowa. "
            "Miasta zapowiedziały, że jesienią podpiszą umowę o współpracy.")
    cities = [city(text, "Krakowa", 3094802, "Kraków"), city(text, "Lwowa", 702550, "Lviv")]
    [item] = agreements_of("pl", text, cities)
    assert (item.type, item.status, item.city_geonames_ids) == ("cooperation_agreement", "planned", [3094802, 702550])


def test_with_three_cities_in_the_article_no_parties_are_guessed():
    text = "Kraków, Lwów i Wilno to partnerzy. Miasta zapowiedziały, że podpiszą umowę o współpracy."
    cities = [city(text, "Kraków", 3094802, "Kraków"), city(text, "Lwów", 702550, "Lviv"),
              city(text, "Wilno", 593116, "Vilnius")]
    [item] = agreements_of("pl", text, cities)
    assert item.city_geonames_ids == []


def test_a_bare_document_word_with_another_status_stays_apart():
    text = ("Мэры подписали соглашения о сотрудничестве. Городские советы также намерены подписать "
            "подобные соглашения с городами Беларуси. Соглашения будут подписаны осенью.")
    statuses = [a.status for a in agreements_of("ru", text)]
    assert statuses[:2] == ["signed", "planned"]


def test_a_partnership_with_no_city_after_with_is_no_agreement():
    text = "Kraków podpisał wiele umów. Rząd zawarł ważne partnerstwo z krajami Azji."
    cities = [city(text, "Kraków", 3094802, "Kraków")]
    assert [a.type for a in agreements_of("pl", text, cities)] == []
    text = "Kraków podpisał porozumienie o partnerstwie. Miasto zawarło partnerstwo z Lwowem."
    cities = [city(text, "Kraków", 3094802, "Kraków"), city(text, "Lwowem", 702550, "Lviv")]
    assert "twinning_agreement" in [a.type for a in agreements_of("pl", text, cities)]


# "N years of partnership" with no document named: the twinning's anniversary; a year after the number is a date
ANNIVERSARIES = [
    ("en", "Leeds and Bremen celebrate 45 years of partnership.", "Leeds", "Bremen", ["twinning_agreement"]),
    ("pl", "Jubileusz 25-lecia współpracy miast Kraków i Lwów.", "Kraków", "Lwów", ["twinning_agreement"]),
    ("ru", "Тула и Брест отмечают 20 лет плодотворного сотрудничества.", "Тула", "Брест", ["twinning_agreement"]),
    ("ru", "Мэры Тулы и Бреста 12 апреля 2011 года подписали соглашение о сотрудничестве.", "Тулы", "Бреста",
     ["cooperation_agreement"]),
]


@pytest.mark.parametrize("lang,text,a,b,types", ANNIVERSARIES)
def test_years_of_a_relation_are_its_anniversary(lang, text, a, b, types):
    cities = [city(text, a, 1, a), city(text, b, 2, b)]
    found = agreements_of(lang, text, cities, published="2024-05-14")
    assert [x.type for x in found] == types
    assert all(x.status == ("anniversary" if "twinning" in x.type else "existing") for x in found)
    assert all(sorted(x.city_geonames_ids) == [1, 2] for x in found)


def test_a_relation_anniversary_needs_two_cities_and_joins_the_earlier_document():
    text = "The mayor of Leeds recalled 25 years of cooperation with the regional hospital."
    assert agreements_of("en", text, [city(text, "Leeds", 1, "Leeds")]) == []
    text = ("Leeds and Bremen celebrate 20 years of partnership. "
            "The partnership agreement between the cities was signed in 2004.")
    cities = [city(text, "Leeds", 1, "Leeds"), city(text, "Bremen", 2, "Bremen")]
    [item] = agreements_of("en", text, cities, published="2024-05-14")
    assert (item.type, item.status, item.date) == ("cooperation_agreement", "anniversary", "2004")


def test_both_cities_are_the_two_named_before_it():
    text = ("Burmistrz Kielc przyjął burmistrza Radomia. Dziś podpisali memorandum o współpracy obu miast. "
            "W przyszłym roku delegacja odwiedzi Wilno.")
    cities = [city(text, "Kielc", 1, "Kielce"), city(text, "Radomia", 2, "Radom"), city(text, "Wilno", 3, "Vilnius")]
    [item] = agreements_of("pl", text, cities)
    assert (item.type, item.status, sorted(item.city_geonames_ids)) == ("memorandum", "signed", [1, 2])


@pytest.mark.parametrize("lang,text", [
    ("hr", "Osijek i Pula potpisuju memorandum o suradnji\n\nIdućeg mjeseca gradonačelnici Osijeka i Pule "
           "potpisat će memorandum o suradnji."),
    ("hr", "Gradonačelnici Osijeka i Pule razgovarali su o potpisivanju memoranduma o suradnji."),
    ("ru", "Мэры Тулы и Бреста обсудили подписание меморандума о сотрудничестве."),
])
def test_a_headline_yields_to_the_body_and_a_signing_under_discussion_is_planned(lang, text):
    first, second = ("Osijek", "Pul") if lang == "hr" else ("Тулы", "Бреста")
    cities = [city(text, first, 1, first), city(text, second, 2, second)]
    assert [(a.type, a.status) for a in agreements_of(lang, text, cities)] == [("memorandum", "planned")]


# one name told with two years: an earlier, background document and its renewal are two; a plan told
# later of the same document ("a fair next April") is a step of it, not another document
YEARS_OF_ONE_NAME = [
    ("Župana Velenja in Kopra sta 10. maja 2024 podpisala sporazum o prijateljstvu. "
     "Mesti sta prvič sklenili sporazum o prijateljstvu leta 2005.",
     [("cooperation_agreement", "signed", "2024-05-10"), ("cooperation_agreement", "existing", "2005")]),
    ("Župana Velenja in Kopra sta 10. maja 2024 podpisala program sodelovanja. V programu sodelovanja sta "
     "opredelila področja skupnega dela. V programu sodelovanja načrtujeta skupni sejem aprila prihodnje leto.",
     [("cooperation_programme", "signed", "2024-05-10")]),
]


@pytest.mark.parametrize("text,expected", YEARS_OF_ONE_NAME)
def test_one_name_with_two_years(text, expected):
    cities = [city(text, "Velenja", 1, "Velenje"), city(text, "Kopra", 2, "Koper")]
    found = agreements_of("sl", text, cities, published="2024-05-14")
    assert sorted((a.type, a.status, a.date) for a in found) == sorted(expected)
    assert all(sorted(a.city_geonames_ids) == [1, 2] for a in found)


@pytest.mark.parametrize("lang, text, region", [
    ("ru", "Мэр Тулы подписал соглашение о сотрудничестве с Дрезденом и рассказал о связях с провинцией Хэйлун.",
     "Хэйлун"),
    ("be", "Мэр Брэста падпісаў пагадненне аб супрацоўніцтве з Каўнасам і з правінцыяй Хэйлун.", "Хэйлун"),
])
def test_a_place_right_after_a_region_word_is_no_party(lang, text, region):
    """A town of the gazetteer sharing a province's name ("with the province X") is the province: no third party."""
    host, partner = ("Тулы", "Дрезденом") if lang == "ru" else ("Брэста", "Каўнасам")
    cities = [city(text, host, 480562, "Host"), city(text, partner, 2935022, "Partner"),
              city(text, region, 2037013, "Region")]
    [item] = agreements_of(lang, text, cities)
    assert item.city_geonames_ids == [480562, 2935022]


def test_a_journey_with_a_purpose_clause_is_signed_in_the_past_and_planned_in_the_future():
    past = "Vorige Woche reiste der Bürgermeister von Kassel nach Linz, um dort ein Memorandum zu unterzeichnen."
    future = "Im Mai reist der Bürgermeister von Kassel nach Linz, um dort ein Memorandum zu unterzeichnen."
    statuses = []
    for text in (past, future):
        cities = [city(text, "Kassel", 2892518, "Kassel"), city(text, "Linz", 2772400, "Linz")]
        [item] = agreements_of("de", text, cities)
        statuses.append(item.status)
    assert statuses == ["signed", "planned"]



def host_city(text: str, surfaces: list[str], gid: int, name: str) -> CityItem:
    mentions = [Mention(text=s, start=text.index(s), end=text.index(s) + len(s)) for s in surfaces]
    return CityItem(geonames_id=gid, name=name, local_name=None, country_code=None, latitude=None, longitude=None,
                    mentions=mentions)


@pytest.mark.parametrize("lang, first, second, noun, adjective", [
    ("ru", "Город Тула подписал соглашения с Дрезденом и Клайпедой.",
     "Мэр Тулы намерен подписать подобные соглашения с {} городов.", "представителями", "представительными органами"),
    ("pl", "Radom podpisał porozumienia z Dreznem i Kłajpedą.",
     "Prezydent Radomia chce podpisać podobne porozumienia z {} miast.", "przedstawicielami",
     "przedstawicielskimi organami"),
])
def test_with_the_delegations_takes_the_partners_of_the_sentence_before(lang, first, second, noun, adjective):
    """"With the representatives (of the cities)" points back to the partners the sentence before lists;
    "with representative bodies of cities" is an adjective and names partners of its own."""
    host = ["Тула", "Тулы"] if lang == "ru" else ["Radom ", "Radomia"]
    partners = ["Дрезденом", "Клайпедой"] if lang == "ru" else ["Dreznem", "Kłajpedą"]

    def planned_pairs(word):
        text = first + " " + second.format(word)
        cities = [host_city(text, host, 1, "Host"), city(text, partners[0], 2, "Dresden"),
                  city(text, partners[1], 3, "Klaipeda")]
        return {tuple(a.city_geonames_ids) for a in agreements_of(lang, text, cities) if a.status == "planned"}

    assert planned_pairs(noun) == {(1, 2), (1, 3)}
    assert planned_pairs(adjective) <= {(1,)}

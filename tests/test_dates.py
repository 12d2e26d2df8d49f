"""Dates: each language's date forms, the publication date, relative words and kinds, with real phrases.

Documents are annotated by the blank spaCy engine (tokenizer and sentencizer only): the
date grammar and its cues must work without lemmas.
"""
from __future__ import annotations

import pytest

from pipeline.stages.dates import find_dates
from pipeline.nlp.engines.spacy_engine import SpacyEngine


def dates_of(lang: str, text: str, published: str | None = None):
    doc = SpacyEngine.blank(lang).annotate(text, lang)
    return find_dates(doc, published)


# (language, text, published, expected values in order of position)
FORMS = [
    ("uk", "Сьогодні, 1 червня, відбулося підписання меморандуму.", None, ["--06-01"]),
    ("uk", "26 квітня, 2016 року делегація відвідала Львів.", None, ["2016-04-26"]),
    ("uk", "Стратегія розвитку міста до 2025 року, інститут заснований 2009 року.", None, ["2025", "2009"]),
    ("uk", "Угоду підписали у травні 2018 року в Житомирі.", None, ["2018-05"]),
    ("uk", "Форум відбудеться з 12 по 14 вересня 2021 року.", None, ["2021-09-12", "2021-09-14"]),
    ("ru", "Форум прошел в Могилёве 30 – 31 марта.", "2017-03-31", ["2017-03-30", "2017-03-31"]),
    ("ru", "Впервые она состоялась в Гомеле в 1998 году.", None, ["1998"]),
    ("ru", "Соглашение подписано 31.03.2017 в мэрии.", None, ["2017-03-31"]),
    ("ru", "В 2022-м году исполнится 50-летний юбилей, прошло 30 лет.", None, ["2022"]),
    ("ru", "В форуме участвовали около 150 представителей, сессия в 15:35.", None, []),
    ("be", "Пагадненне падпісалі 15 мая 2019 года ў Магілёве.", None, ["2019-05-15"]),
    ("be", "Гарады пабраталіся ў 1992 годзе.", None, ["1992"]),
    ("sl", "Podpisal je Program sodelovanja 10. septembra 2019 v Moskvi.", None, ["2019-09-10"]),
    ("sl", "Protokol o prijateljstvu iz leta 2000 in program za obdobje 2019 – 2021.", None,
     ["2000", "2019", "2021"]),
    ("hr", "Sporazum je potpisan 11. rujna 2019. u Zagrebu.", None, ["2019-09-11"]),
    ("hr", "Gradovi su pobratimljeni 1975. godine.", None, ["1975"]),
    ("sr", "Споразум је потписан 5. октобра 2018. године у Београду.", None, ["2018-10-05"]),
    ("sr", "Gradovi sarađuju od 2004. godine.", None, ["2004"]),
    ("bs", "Sporazum je potpisan 3. marta 2020. godine u Sarajevu.", None, ["2020-03-03"]),
    ("pl", "Umowę o współpracy podpisano 12 maja 2015 r. w Lublinie.", None, ["2015-05-12"]),
    ("pl", "Miasta współpracują od 1996 roku.", None, ["1996"]),
    ("cs", "Smlouva byla podepsána 4. června 2019 v Brně.", None, ["2019-06-04"]),
    ("cs", "Partnerství měst trvá od roku 1993.", None, ["1993"]),
    ("sk", "Zmluvu podpísali 20. októbra 2017 v Košiciach.", None, ["2017-10-20"]),
    ("sk", "Mestá spolupracujú od roku 2001.", None, ["2001"]),
    ("bg", "Споразумението беше подписано на 7 юни 2016 г. в Пловдив.", None, ["2016-06-07"]),
    ("bg", "Градовете са побратимени през 1968 г.", None, ["1968"]),
    ("en", "The memorandum was signed on March 30, 2017 in Lviv.", None, ["2017-03-30"]),
    ("en", "The towns have been twinned since 1992; the plan runs 2019-2021.", None, ["1992", "2019", "2021"]),
    ("en", "Updated 12 May 2020. The visit took place on 3 May 2020.", None, ["2020-05-03"]),
    ("de", "Der Vertrag wurde am 3. März 2019 im Rathaus unterzeichnet.", None, ["2019-03-03"]),
    ("de", "Die Städtepartnerschaft besteht seit 1987, das Treffen ist um 10.30 Uhr.", None, ["1987"]),
    ("de", "Im Jahr 1990 war ein 30-jähriges Jubiläum.", None, ["1990"]),
    # a bare year in a clause "YEAR participle AUXILIARY", but not a count before a noun
    ("de", "Die Partnerschaft, die 1959 begründet wurde, feiert ihr Jubiläum.", None, ["1959"]),
    ("de", "Der Vertrag, der 1987 unterzeichnet worden ist, gilt weiter.", None, ["1987"]),
    ("de", "Rund 2000 Menschen wurden aus der Stadt evakuiert.", None, []),
]


@pytest.mark.parametrize("lang,text,published,expected", FORMS, ids=[f"{f[0]}-{i}" for i, f in enumerate(FORMS)])
def test_date_forms(lang, text, published, expected):
    assert [d.value for d in dates_of(lang, text, published).dates] == expected


# (language, text, published, expected value) for relative words
RELATIVE = [
    ("uk", "Сьогодні в Житомирі відбувається презентація.", "2018-06-01", "2018-06-01"),
    ("ru", "Вчера мэр провел встречу с коллегами.", "2020-03-01", "2020-02-29"),
    ("sl", "Dnevi Ljubljane bodo maja prihodnje leto.", "2019-09-11", "2020-05"),
    ("sl", "Letos smo podpisali sporazum.", "2019-09-11", "2019"),
    ("uk", "Проект запущено минулого року.", "2016-04-26", "2015"),
    ("pl", "W przyszłym roku miasta podpiszą umowę.", "2021-02-02", "2022"),
    ("de", "Gestern wurde der Vertrag unterzeichnet.", "2019-01-01", "2018-12-31"),
]


@pytest.mark.parametrize("lang,text,published,expected", RELATIVE)
def test_relative_words_resolve_against_published(lang, text, published, expected):
    assert expected in [d.value for d in dates_of(lang, text, published).dates]


@pytest.mark.parametrize("lang,text", [(l, t) for l, t, p, _ in RELATIVE])
def test_relative_words_left_out_without_published(lang, text):
    values = [d.value for d in dates_of(lang, text, None).dates]
    assert not [v for v in values if not v.startswith("--")]


def test_dateline_gives_published_and_resolves_day_month():
    text = ("В Могилёве прошел форум городов-побратимов\n15:35 31.03.2017\n0 4749\n\n"
            "Форум прошел 30 – 31 марта. Впервые она состоялась в Гомеле в 1998 году.")
    result = dates_of("ru", text)
    assert result.published == "2017-03-31"
    kinds = {d.value: d.kind for d in result.dates}
    assert kinds == {"2017-03-31": "published", "2017-03-30": "event", "1998": "historical"}


def test_dateline_with_weekday():
    result = dates_of("sl", "sreda, 11. 9. 2019\n\nŽupan je včeraj podpisal program.")
    assert result.published == "2019-09-11"
    assert [(d.value, d.kind) for d in result.dates][:2] == [("2019-09-11", "published"), ("2019-09-10", "signing")]


# datelines: "CITY, DATE – story" (a place and a comma before the date, a dash after it), and dates
# among page furniture (weekday, time, section, source, labels)
DATELINES = [
    ("hr", "Split, 12. svibnja 2022. – Gradonačelnik Splita Ivica Puljak otvorio je sajam.", "2022-05-12"),
    ("sl", "Ljubljana, 11. 9. 2019 - Župan Zoran Janković je sprejel goste.", "2019-09-11"),
    ("pl", "Gdańsk (PAP), 3 lutego 2020 - Prezydent miasta podpisała umowę.", "2020-02-03"),
    ("ru", "Калуга, 15 марта 2017 г. — Городской голова провел встречу.", "2017-03-15"),
    ("en", "LVIV, March 3, 2023 — The city council approved the plan.", "2023-03-03"),
    ("cs", "Titulek zprávy\n\n23.11.2015 12:10 | Zprávy z radnic\n\nPrimátor podepsal memorandum.", "2015-11-23"),
    ("uk", "2025.05.14 14:57 | Громада | Міжнародна співпраця | 100\n\nНа в'їзді встановили щит.", "2025-05-14"),
    ("ru", "Политика  13:15   09.11.2025\n\nМэр подписал соглашение.", "2025-11-09"),
    ("sl", "Gorenjski glas, ponedeljek, 5. januar 2015\n\nŽupan je sprejel goste.", "2015-01-05"),
    ("bg", "Заглавие\n\nКозлодуй, 22 ноември 2017 г.\n\nОбщинският съвет се събра.", "2017-11-22"),
    ("ru", "Заголовок\n\n© LETA 21 января, 2026 14:20   Важно   0 комментариев\n\nТекст.", "2026-01-21"),
    ("en", "ALBUQUERQUE, N.M., July 17, 2023 —\n\nThe city is working on plans.", "2023-07-17"),
    ("sk", "Dolný Kubín 2. júna 2023 (TASR) – Mesto oslavuje výročie.", "2023-06-02"),
    ("de", "Die Stadt empfing Gäste.\n\neingestellt am 19.06.2023", "2023-06-19"),
    ("en", "Association News\nPosted October 2011\n\nThe mayor came to celebrate.", "2011-10"),
]


@pytest.mark.parametrize("lang,text,published", DATELINES)
def test_dateline_gives_published(lang, text, published):
    result = dates_of(lang, text)
    assert result.published == published
    assert (published, "published") in [(d.value, d.kind) for d in result.dates]


def test_a_date_inside_a_sentence_is_not_a_dateline():
    assert dates_of("hr", "Sporazum je potpisan 4. listopada 2023. – rekao je gradonačelnik.").published is None


def test_input_published_wins_over_dateline():
    assert dates_of("ru", "15:35 31.03.2017\n\nТекст новости.", "2017-04-01").published == "2017-04-01"


def test_dateline_without_year_gives_no_published():
    result = dates_of("uk", "1 червня\n\nМеморандум підписали у Львові.")
    assert result.published is None
    assert [(d.value, d.kind) for d in result.dates] == [("--06-01", "published")]


KINDS = [
    ("sl", "Župan je 10. septembra 2019 v Moskvi podpisal Program sodelovanja.", "2019-09-11", "2019-09-10", "signing"),
    ("ru", "Самое первое соглашение было подписано в 1992 году.", "2017-03-31", "1992", "historical"),
    ("uk", "Стратегія розвитку міста до 2025 року.", "2016-04-26", "2025", "period"),
    ("ru", "Программа мероприятий к празднованию в 2022 году 50-летнего юбилея со дня подписания.",
     "2020-10-01", "2022", "event"),
    ("pl", "Spotkanie burmistrzów odbyło się 5 maja 2021 r. w Lublinie.", "2021-05-06", "2021-05-05", "event"),
    ("en", "The programme covers the period 2019-2021.", "2019-05-01", "2021", "period"),
]


@pytest.mark.parametrize("lang,text,published,value,kind", KINDS)
def test_kinds(lang, text, published, value, kind):
    assert {d.value: d.kind for d in dates_of(lang, text, published).dates}[value] == kind


def test_same_day_published_and_signing_give_one_published_entry():
    result = dates_of("uk", "Сьогодні, 1 червня 2018 року, підписали меморандум.", "2018-06-01")
    assert [(d.value, d.kind) for d in result.dates] == [("2018-06-01", "published")]
    assert len(result.dates[0].mentions) == 2


def test_month_alone_is_not_a_date_and_evidence_offsets_point_into_text():
    text = "У березні делегація приїде до Львова, а 5 квітня 2019 року підпише угоду."
    result = dates_of("uk", text)
    assert [d.value for d in result.dates] == ["2019-04-05"]
    mention = result.dates[0].mentions[0]
    assert text[mention.start:mention.end] == mention.text == "5 квітня 2019 року"




def test_widgets_related_lists_and_later_stamps_give_no_dates():
    text = ("Montag, 9. Dezember 2024 | Ingelheim 5 °C, bedeckt\n\nLokal • 22. April 2024\n\n"
            + "Der Stadtrat hat beschlossen.\n" * 12 + "\nLesen Sie auch: Neuer Kreisverkehr am 2. Dezember freigegeben\n"
            "Andere Nachricht\n2023-03-11, 10:20")
    result = dates_of("de", text)
    assert result.published == "2024-04-22"
    assert [d.value for d in result.dates] == ["2024-04-22"]


def test_a_range_of_days_is_no_dateline_and_shares_its_year():
    result = dates_of("en", "Dundee Central Library\nTuesday 21 May – Saturday 1 June 2024\n\nThe exhibition opens.")
    assert result.published is None
    assert [d.value for d in result.dates] == ["2024-05-21", "2024-06-01"]


@pytest.mark.parametrize("lang,text,published,expected", [
    ("en", "The council took little formal action on Monday.", "2023-01-24", [("2023-01-23", "event")]),
    ("sl", "Osrednji dogodek je bil v soboto na trgu.", "2022-07-13", [("2022-07-09", "event")]),
    ("en", "Next month, on 12 June, the mayors will sign the agreement.", "2024-05-14", [("2024-06-12", "signing")]),
    ("sl", "Aktivnosti so potekale od 18. do 20. 9. 2015.", None, [("2015-09-18", "event"), ("2015-09-20", "event")]),
    ("uk", "Місто у 2023-му приймало дітей.", "2026-02-05", [("2023", "historical")]),
    ("uk", "Перехідний період розпочнеться 30 березня наступного року.", "2018-11-15", [("2019-03-30", "period")]),
    ("en", "The repairs are funded by the Interreg 2014–2020 programme.", "2024-05-14", []),
])
def test_weekdays_restatements_ranges_and_names(lang, text, published, expected):
    assert [(d.value, d.kind) for d in dates_of(lang, text, published).dates] == expected


BACKGROUND = [
    ("uk", "Угоду про партнерство міський голова підписав 25 лютого.", "2025-04-27", "2025-02-25", "historical"),
    ("en", "A full council debate followed in July 2022.", "2023-12-06", "2022-07", "historical"),
    ("pl", "Berdyczów jest związany z Częstochową umową od maja 2023 r.", None, "2023-05", "historical"),
    ("hr", "Gradovi njeguju odnose od 1989., kada je potpisana povelja o prijateljstvu.", None, "1989", "historical"),
    ("uk", "Нагадаємо, договір підписали 23 січня 2024 року.", None, "2024-01-23", "historical"),
    ("ru", "В 2006 – 2010 годах города обменивались выставками.", "2011-10-07", "2006", "historical"),
    ("ru", "Главным итогом стали дорожные карты на 2024 год.", None, "2024", "period"),
    ("bs", "Odluke su usvojene 26. maja ove godine.", "2023-06-14", "2023-05-26", "event"),
]


@pytest.mark.parametrize("lang,text,published,value,kind", BACKGROUND)
def test_background_milestones_and_periods(lang, text, published, value, kind):
    assert {d.value: d.kind for d in dates_of(lang, text, published).dates}[value] == kind

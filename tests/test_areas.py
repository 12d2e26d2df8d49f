"""Areas: lexicon per language, gated by cooperation context (sentence) and inter-city relevance (article)."""
from __future__ import annotations

import pytest

from pipeline.stages.agreements import find_agreements
from pipeline.stages.areas import find_areas
from pipeline.nlp.engines.spacy_engine import SpacyEngine
from schemas.record import CityItem, Mention


def areas_of(lang: str, text: str, cities=()):
    doc = SpacyEngine.blank(lang).annotate(text, lang)
    agreements = find_agreements(doc, list(cities), [], [])
    return [a.area for a in find_areas(doc, list(cities), agreements)]


# (language, text, expected areas in order of first mention)
IN_CONTEXT = [
    ("uk", "Меморандум між містами передбачає співпрацю в галузі культури, освіти, спорту і туризму.",
     ["culture", "education", "sport", "tourism"]),
    ("ru", "Города-побратимы обсудили сотрудничество в сфере здравоохранения и экономики.", ["health", "economy"]),
    ("ru", "Между городами подписано соглашение о сотрудничестве в культурно-гуманитарной сфере.", ["culture"]),
    ("be", "Гарады-пабрацімы дамовіліся аб супрацоўніцтве ў галіне адукацыі і спорту.", ["education", "sport"]),
    ("sl", "Pobratena mesta sodelujejo na področju kulture, turizma in varstva okolja.",
     ["culture", "tourism", "environment"]),
    ("hr", "Gradovi pobratimi dogovorili su suradnju u području kulture i sporta.", ["culture", "sport"]),
    ("sr", "Братимљење градова подразумева сарадњу у области културе и туризма.", ["culture", "tourism"]),
    ("bs", "Pobratimljeni gradovi razgovarali su o saradnji u oblasti obrazovanja i zdravstva.",
     ["education", "health"]),
    ("pl", "Miasta partnerskie omówiły współpracę w zakresie kultury i transportu publicznego.",
     ["culture", "transport"]),
    ("cs", "Partnerská města projednala spolupráci v oblasti kultury a cestovního ruchu.", ["culture", "tourism"]),
    ("sk", "Partnerské mestá rokovali o spolupráci v oblasti školstva a športu.", ["education", "sport"]),
    ("bg", "Побратимените градове обсъдиха сътрудничество в областта на културата и туризма.",
     ["culture", "tourism"]),
    ("en", "The twin cities agreed to cooperate in culture, education and smart city technologies.",
     ["culture", "education", "innovation"]),
    ("de", "Die Partnerstädte vereinbarten eine Zusammenarbeit bei Kultur, Sport und Klimaschutz.",
     ["culture", "sport", "environment"]),
]


@pytest.mark.parametrize("lang,text,expected", IN_CONTEXT, ids=[f"{t[0]}-{i}" for i, t in enumerate(IN_CONTEXT)])
def test_areas_in_cooperation_sentences(lang, text, expected):
    assert areas_of(lang, text) == expected


# Area words outside any cooperation sentence, or in an article that is not about cities' relations.
OUT_OF_CONTEXT = [
    ("uk", "Місто-побратим. Вчора у Львові відбувся чемпіонат зі спорту, а в музеї відкрилася виставка."),
    ("ru", "Россия и Китай обсудили сотрудничество в сфере энергетики и экономики."),
    ("pl", "Minister omówił współpracę w zakresie gospodarki i nauki z ambasadorem."),
    ("en", "The football club signed a new player; the museum opened an exhibition on sport."),
    ("de", "Die Regierung sprach über die Zusammenarbeit in Wirtschaft und Kultur."),
]


@pytest.mark.parametrize("lang,text", OUT_OF_CONTEXT)
def test_no_areas_without_context(lang, text):
    assert areas_of(lang, text) == []


def test_list_items_inherit_the_context_of_their_lead_sentence():
    text = ("V Programu sodelovanja med mestoma smo opredelili naslednja področja:\n"
            "  • šport (prijateljske tekme)\n  • turizem (sejmi)\nDrugo: razstava v galeriji.")
    assert areas_of("sl", text) == ["sport", "tourism"]


def test_two_cities_and_a_municipal_word_make_an_article_about_cities():
    text = "Міські голови обговорили співпрацю в галузі освіти. Відбулася зустріч у Львові та Житомирі."
    start_l, start_z = text.index("Львові"), text.index("Житомирі")
    cities = [CityItem(geonames_id=g, name=n, local_name=None, country_code=None, latitude=None, longitude=None,
                       mentions=[Mention(text=s, start=i, end=i + len(s))])
              for g, n, s, i in [(702550, "Lviv", "Львові", start_l), (686967, "Zhytomyr", "Житомирі", start_z)]]
    assert areas_of("uk", text) == []
    assert areas_of("uk", text, cities) == ["education"]


@pytest.mark.parametrize("lang,text,expected", [
    ("uk", "Львів і Люблін — міста-побратими. Їхні школи обмінюються досвідом у сфері освіти.", ["education"]),
    ("uk", "Міста-побратими домовилися обмінюватися досвідом.", ["governance"]),
    ("uk", "Мери двох міст обмінялися досвідом щодо розвитку транспорту.", ["governance", "transport"]),
    ("ru", "Львов и Люблин — города-побратимы. Их школы обмениваются опытом в сфере образования.", ["education"]),
    ("pl", "Lublin i Lwów to miasta partnerskie. Ich kluby prowadzą wymianę doświadczeń w zakresie sportu.", ["sport"]),
    ("en", "The schools of the twin cities exchange their experience in education.", ["education"]),
    ("en", "The twin cities agreed on an exchange of experience.", ["governance"]),
])
def test_an_exchange_of_experience_is_governance_only_between_city_governments_or_alone(lang, text, expected):
    assert sorted(areas_of(lang, text)) == sorted(expected)


@pytest.mark.parametrize("lang,text", [
    ("uk", "Міста-побратими домовилися обмінюватися досвідом."),
    ("ru", "Города-побратимы договорились об обмене опытом."),
    ("en", "The twin cities agreed on an exchange of experience."),
])
def test_a_span_found_by_two_rules_is_one_mention(lang, text):
    doc = SpacyEngine.blank(lang).annotate(text, lang)
    for item in find_areas(doc, [], find_agreements(doc, [], [], [])):
        spans = [(m.start, m.end) for m in item.mentions]
        assert item.area == "governance" and len(spans) == len(set(spans)) >= 1, item

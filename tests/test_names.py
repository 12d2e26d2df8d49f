"""Person names to the nominative, in the article's script, per language (BSNLP-style pairs)."""
import pytest

from pipeline.stages.names import normalise_name

NAMES = [
    ("uk", "Андрія Садового", "Андрій Садовий"),
    ("uk", "Сергія Сухомлина", "Сергій Сухомлин"),
    ("uk", "Віталія Кличка", "Віталій Кличко"),
    ("uk", "Ганною Ковальчук", "Ганна Ковальчук"),
    ("uk", "Андрій Москаленко", "Андрій Москаленко"),
    ("ru", "Геннадия Труханова", "Геннадий Труханов"),
    ("ru", "Александр ИВАНОВ", "Александр Иванов"),
    ("ru", "Жаном Роатта", "Жан Роатта"),
    ("ru", "Сергею Собянину", "Сергей Собянин"),
    ("ru", "Юлии Тимошенко", "Юлия Тимошенко"),
    ("sl", "Sergejem Sobjaninom", "Sergej Sobjanin"),
    ("sl", "Zoran Janković", "Zoran Janković"),
    ("sl", "Angelo Merkel", "Angela Merkel"),
    ("sl", "Borutu Pahorju", "Borut Pahor"),
    ("sl", "Sergeja Skripala", "Sergej Skripal"),
    ("pl", "Aleksiejem Millerem", "Aleksiej Miller"),
    ("pl", "Andrzeja Grzyba", "Andrzej Grzyb"),
    ("pl", "Agata Gostyńska", "Agata Gostyńska"),
    ("pl", "Jarosława Kaczyńskiego", "Jarosław Kaczyński"),
    ("cs", "Angele Merkelové", "Angela Merkelová"),
    ("bg", "Деница КИТАНОВА", "Деница Китанова"),
    # given names ending in a vowel that oblique endings replace; consonant-final ones stay bare
    ("hr", "Zlatkom Marićem", "Zlatko Marić"),
    ("hr", "Vinka Pavića", "Vinko Pavić"),
    ("hr", "Nikolom Tomićem", "Nikola Tomić"),
    ("hr", "Ivanom Babićem", "Ivan Babić"),
    ("bs", "Stanka Ramića", "Stanko Ramić"),
    ("sr", "Ђорђем Лазићем", "Ђорђе Лазић"),
    ("sr", "Veljka Stojkovića", "Veljko Stojković"),
    ("sl", "Janka Zupana", "Janko Zupan"),
    ("sl", "Mark Twain", "Mark Twain"),
    # a vowel the oblique cases drop comes back; a consonant softened before it is written hard again
    ("pl", "Pawłem Nowakiem", "Paweł Nowak"),
    ("pl", "Marka Wójcika", "Marek Wójcik"),
    ("pl", "Maćka Nowaka", "Maciek Nowak"),
    ("cs", "Zdeňkem Novákem", "Zdeněk Novák"),
    ("cs", "Karla Svobody", "Karel Svoboda"),
    ("cs", "Petra Pavla", "Petr Pavel"),
    ("cs", "Pavla Nováková", "Pavla Nováková"),
    ("sk", "Petrom Kováčom", "Peter Kováč"),
    ("sk", "Pavlom Hudákom", "Pavol Hudák"),
    ("sl", "Petrom Kovačem", "Peter Kovač"),
    # a man's surname in -а declines as a feminine noun; foreign indeclinables stay as written
    ("uk", "Бартошем Шлядою", "Бартош Шляда"),
    ("ru", "Олегом Дерипаской", "Олег Дерипаска"),
    ("ru", "Винсента Виолу", "Винсент Виола"),
    ("uk", "Стівена Барклі", "Стівен Барклі"),
    ("uk", "Лючії Серені Россі", "Лючія Серена Россі"),
    # Ukrainian given names in -o, as Polish and Czech write them
    ("pl", "Danyłem Szewczukiem", "Danyło Szewczuk"),
    ("cs", "Dmytrem Kulebou", "Dmytro Kuleba"),
    # the accusative of a man's name and of a woman's apart; -sku is only a woman's adjectival surname
    ("hr", "Ljubu Horvata", "Ljubo Horvat"),
    ("bs", "Jelenu Petrovsku", "Jelena Petrovska"),
    ("hr", "Mariju Kovačku", "Marija Kovačka"),
    ("hr", "Ivanu Horvatu", "Ivan Horvat"),
    ("sr", "Јелену Петровску", "Јелена Петровска"),
    ("sr", "Luku Jovića", "Luka Jović"),
]


@pytest.mark.parametrize("language,mention,expected", NAMES)
def test_nominative(language, mention, expected):
    assert normalise_name(mention, language) == expected


@pytest.mark.parametrize("language,mention,expected", [
    ("sl", "dr. Zoran Janković", "Zoran Janković"),
    ("uk", "пана Андрія Садового", "Андрій Садовий"),
    ("de", "Herr Dieter Reiter", "Dieter Reiter"),
    ("pl", "prof. Jacek Majchrowski", "Jacek Majchrowski"),
])
def test_honorifics_are_not_part_of_the_name(language, mention, expected):
    assert normalise_name(mention, language) == expected


def test_eval_names_command_on_a_bsnlp_style_table(tmp_path):
    import subprocess
    import sys

    table = tmp_path / "sl.mentions.tsv"
    table.write_text(
        "topic\tfile\tmention\tbase_form\tcategory\tentity_id\n"
        "t\tf\tSergejem Sobjaninom\tSergej Sobjanin\tPER\tp1\n"
        "t\tf\tZoran Janković\tZoran Janković\tPER\tp2\n"
        "t\tf\tLjubljani\tLjubljana\tLOC\tl1\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, "cli.py", "eval-names", "--bsnlp", str(tmp_path), "--languages", "sl",
                             "--json"], capture_output=True, text=True, check=True)
    import json

    (row,) = json.loads(result.stdout)
    assert (row["language"], row["pairs"], row["accuracy"], row["inflected_pairs"]) == ("sl", 2, 1.0, 1)

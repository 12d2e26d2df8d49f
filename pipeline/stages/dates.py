"""Dates stage: calendar expressions, the publication date and the kind of each date.

The grammar (numbers, separators, ranges) is code; every word it uses (month
forms, year markers, relative words, kind cues, stamp and dateline labels) is
data in ``pipeline/rules/<lang>/dates.yaml``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from pipeline.stages.lexicon import Lexicon, check_phrase, doc_units, normalise, segment_of, segments
from pipeline.stages.regex_scan import matches_at, starts_of, word_start_pattern
from pipeline.rules import load_compiled
from pipeline.types import AnnotatedDoc
from schemas.record import DateItem, DateKind, Mention

STAGE = "dates"
DATELINE_LINES = 12  # a dateline stands among the first lines of the text
DATELINE_CHARS = 1000
DATELINE_RESIDUE = 3  # letters allowed on a dateline besides the date, times, weekday and labels
MARKED_YEARS = (1000, 2100)  # a year with a marker ("1147 году")
PREPOSED_YEARS = (1900, 2100)  # a year after a bare preposition ("в 1998")
MAX_RANGE_YEARS = 50
BACKGROUND_MONTHS = 2  # a day or month this many months before publication is background, not the news
WEB_NEWS_SINCE = 1995  # no web news page reports an event of a year before this: with no anchor, it is background
STAMP_REACH = 40  # characters between an "updated" stamp word and its date
# the kinds whose pattern (see _grammar) begins with a number that no digit precedes
NUMBER_LED = frozenset({"iso", "numeric", "day_month", "year_range", "year_after", "year_clause", "year_opening"})
CLAUSE_START = re.compile(r"(?:^|[.!?;:,\n])\s*$")
# the kinds whose pattern begins with one of the rule words (Grammar.word_starts finds where they stand)
WORD_LED = frozenset({"month_day", "month_year", "month_relative", "year_before", "year_preposition", "relative"})
DIGITS = re.compile(r"\d+")
# "Zagreb, 4. listopada 2023. – Gradonačelnik ...", "ALBUQUERQUE, N.M., July 17, 2023 —", "Dolný Kubín
# 2. júna (TASR) –": a place (and agency) open the line, a dash after the date opens the story
PLACE_BEFORE_DATELINE = re.compile(r"\s*(?P<place>[^\W\d_][\w.'’ -]{0,40}?)\s*(?:\([^()\n]{1,30}\))?,?\s*")
DASH_AFTER_DATELINE = re.compile(r"\.?\s*(?:\([^()\n]{1,30}\)\s*)?[–—-]\s")
PLACE_WORDS = 4
CREDIT = re.compile(r"©\s*[^\W\d_]+")  # "© LETA 21 января, 2026": an agency credit
# page furniture on one line: "23.11.2015 12:10 | Zprávy z radnic", "Lokal • 22. April 2024", "Политика  13:15"
FURNITURE_SEPARATOR = re.compile(r"\s*[|•·]\s*|\s/\s|\s{2,}")
NAME_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)[ -]$")  # the word just before a number
RELATED_REACH = 150  # characters from the start of a "Read also:" line that its title may take
CLAUSE_BREAK = re.compile(r"[,;:()–—\n]")
CLAUSE_REACH = 200
RESTATED_GAP = re.compile(r"[\s,(–—-]*(?:[^\W\d_]{1,3}\s+)?")  # between a relative word and the date it restates
TEMPERATURE = re.compile(r"\d\s*°")  # "Ingelheim 5 °C": a today/weather widget, no dates from it


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RelativeRule(_Strict):
    """A relative word resolved against the publication date ("вчера": day -1)."""

    form: str
    unit: Literal["day", "weekday", "month", "year"]
    offset: int


class KindCue(_Strict):
    kind: DateKind
    phrases: list[str]
    sentence: bool = False  # the cue gives its kind to every date of the sentence ("Нагадаємо, ..."); else the nearest cue wins

    _check = field_validator("phrases")(lambda cls, v: [check_phrase(p) for p in v])


class DatesRules(_Strict):
    months: dict[int, list[str]]  # month number -> every surface form (cases, abbreviations)
    weekdays: list[str] = []  # for datelines ("sreda, 11. 9. 2019")
    year_markers_before: list[str] = []  # words that make the next number a year ("leta 2000", "roku 1998")
    year_markers_after: list[str] = []  # markers after a year ("1998 году", "2016 року", "2000. godine")
    # auxiliaries closing a clause "YEAR participle AUX" ("die 1959 begründet wurde"): the number is a year
    year_clause_auxiliaries: list[str] = []
    year_prepositions: list[str] = []  # "в 1998": a year when no word follows ("в 2000 человек" is a count)
    # finite verbs right after a number that opens a clause (verb-second order: "2004 unterzeichneten die
    # Bürgermeister", "1988 wurde das Abkommen verlängert"; a dashed aside may stand between): the number is a year
    year_opening_verbs: list[str] = []
    lowercase_after_preposition: bool = False  # en, de: "in 2019 the city" is still a year
    period_before: list[str] = []  # "до 2025 року": the year ends a period
    period_for: list[str] = []  # "на 2024 год", "za 2017": a plan for the whole year (a period)
    since: list[str] = []  # "od 1989.", "since 2017", "з 2002 року": a relation that began then (historical)
    range_joiners: list[str] = []  # "з 1 по 5 червня", "od 1. do 5. junija"
    not_after_year: list[str] = []  # "1990-х", "2000-летие": not a calendar year
    relative: list[RelativeRule] = []
    kind_cues: list[KindCue] = []  # checked in order; the first kind with a cue in the sentence wins
    stamps: list[str] = []  # a line with one of these is an "updated" stamp: no dates on it
    dateline_labels: list[str] = []  # "Опубліковано", "Objavljeno" on a dateline
    # "eingestellt am 19.06.2023", "Posted October 2011": a line with one of these dates the page wherever it stands
    published_labels: list[str] = []
    related_labels: list[str] = []  # "Lesen Sie auch:", "Читайте також": the line lists other pages
    month_first: bool = False  # "March 30, 2017"

    @field_validator("months")
    @classmethod
    def _twelve_months(cls, value: dict[int, list[str]]) -> dict[int, list[str]]:
        if sorted(value) != list(range(1, 13)):
            raise ValueError("months must have the keys 1 to 12")
        return value


@dataclass(frozen=True)
class DatesResult:
    published: str | None  # ISO date of publication: from the input, else from a dateline
    dates: list[DateItem]


@dataclass(frozen=True)
class Found:
    """One calendar value read from the text, before the year is resolved and the kind chosen."""

    start: int
    end: int
    year: int | None
    month: int | None = None
    day: int | None = None
    relative: RelativeRule | None = None
    in_range: bool = False  # one end of a range of years
    until: int | None = None  # the last year of that range
    dateline: bool = False

    @property
    def precision(self) -> str:
        if self.relative is not None and self.month is None:
            return "day" if self.relative.unit in ("day", "weekday") else self.relative.unit
        return "day" if self.day else "month" if self.month else "year"


@dataclass
class Grammar:
    """The compiled regular expressions of one language."""

    patterns: list[tuple[str, re.Pattern]]
    month_of: dict[str, int]
    relative_of: dict[str, RelativeRule]
    weekdays: re.Pattern | None
    labels: re.Pattern | None
    published_labels: re.Pattern | None
    related: re.Pattern | None  # a line that opens with a related-pages label
    stamps: re.Pattern | None
    cues: Lexicon
    date_words: frozenset[str]  # words that may stand before a year without making it a name
    day_joint: re.Pattern  # what stands between two days that share the year given after the second
    word_starts: re.Pattern  # where a word that begins a WORD_LED pattern stands
    rules: DatesRules = field(repr=False)


def _alternation(forms: list[str]) -> str:
    escaped = sorted({re.escape(normalise(f)) for f in forms if f.strip()}, key=lambda f: (-len(f), f))
    return "(?:" + "|".join(escaped) + ")" if escaped else "(?!x)x"


def _word(forms: list[str]) -> str:
    """Forms as whole words (a form may end with a dot, so the right edge is a non-word lookahead)."""
    return rf"(?<!\w){_alternation(forms)}(?!\w)"


def _grammar(rules: DatesRules) -> Grammar:
    month_forms = [f for forms in rules.months.values() for f in forms]
    month_of = {normalise(f): n for n, forms in rules.months.items() for f in forms}
    month = rf"(?P<month>{_word(month_forms)})\.?"
    day_range = (rf"(?P<d1>[0-3]?\d)\.?(?:\s*(?:[-–—]|{_word(rules.range_joiners)})\s*(?P<d2>[0-3]?\d)\.?)?")
    year = r"(?P<year>\d{4})(?!\d)"
    relatives = {normalise(r.form): r for r in rules.relative}
    relative_year = _word([r.form for r in rules.relative if r.unit == "year"])
    after = _word(rules.year_markers_after)
    inflection = r"(?:-\w{1,3})?"  # "2022-м году", "2019-го року"
    patterns = [
        ("iso", re.compile(r"(?<![\d.])(?P<year>\d{4})(?P<sep>[-.])(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?!\d)")),
        ("numeric", re.compile(rf"(?<![\d.])(?:(?P<d1>[0-3]?\d)\.?\s*(?:[-–—]|{_word(rules.range_joiners)})\s*)?"
                               r"(?P<d>[0-3]?\d)\.\s?(?P<m>[01]?\d)\.\s?(?P<year>\d{4})(?!\d)")),
        ("numeric", re.compile(r"(?<![\d/])(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<year>\d{4})(?!\d)")),
        ("day_month", re.compile(rf"(?<![\d.,:])\b{day_range}\s+{month}(?:,?\s+{year}{inflection}(?:\s*{after})?)?")),
        ("month_year", re.compile(rf"{month},?\s+{year}{inflection}(?:\s*{after})?")),
        ("month_relative", re.compile(rf"{month}\s+(?P<rel>{relative_year})")),
        ("year_range", re.compile(r"(?<![\d.,])(?P<y1>\d{4})\.?\s*[-–—]\s*(?P<y2>\d{4})(?!\d)"
                                  rf"(?:\s*{after})?")),
        ("year_after", re.compile(rf"(?<![\d.,])(?P<year>\d{{4}}){inflection}\.?\s*{after}")),
        ("year_before", re.compile(rf"{_word(rules.year_markers_before)}\s+{year}")),
        ("year_preposition", re.compile(
            rf"{_word(rules.year_prepositions + rules.period_before)}\s+{year}"
            r"(?:-[^\W\d_]{1,3}(?!\w)|(?!\s*[-–—]\s*\d)(?!\s*\w))"  # "у 2023-му": the ending makes it a year
            if not rules.lowercase_after_preposition else
            rf"{_word(rules.year_prepositions + rules.period_before)}\s+{year}(?![.,]\d)")),
        ("relative", re.compile(_word([r.form for r in rules.relative]))),
        ("year_clause", re.compile(rf"(?<![\d.,])(?P<year>\d{{4}})\s+(?P<participle>[^\W\d_]+)\s+"
                                   rf"{_word(rules.year_clause_auxiliaries)}")),
    ]
    if rules.year_opening_verbs:
        patterns.append(("year_opening", re.compile(
            rf"(?<![\d.,])(?P<year>\d{{4}})(?:\s+[-–—][^-–—\n]{{1,60}}[-–—])?\s+{_word(rules.year_opening_verbs)}")))
    if rules.month_first:
        patterns.insert(3, ("month_day", re.compile(
            rf"{month}\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*[-–—]\s*(?P<d2>[0-3]?\d))?\b(?:,?\s+{year})?")))
    cues = Lexicon([(c.kind.value if hasattr(c.kind, "value") else c.kind, p)
                    for c in rules.kind_cues for p in c.phrases])
    return Grammar(
        patterns=patterns, month_of=month_of, relative_of=relatives,
        weekdays=re.compile(_word(rules.weekdays)) if rules.weekdays else None,
        labels=re.compile(_word(rules.dateline_labels)) if rules.dateline_labels else None,
        published_labels=re.compile(_word(rules.published_labels)) if rules.published_labels else None,
        related=re.compile(r"\W*" + _word(rules.related_labels)) if rules.related_labels else None,
        stamps=re.compile(_word(rules.stamps)) if rules.stamps else None,
        cues=cues, rules=rules,
        date_words=frozenset(normalise(w) for w in month_forms + rules.weekdays + rules.year_prepositions
                             + rules.year_markers_before + rules.period_before + rules.period_for + rules.since
                             + rules.range_joiners),
        day_joint=re.compile(rf"\s*(?:[-–—]|{_word(rules.range_joiners)})\s*(?:{_word(rules.weekdays)},?\s*)?"),
        word_starts=word_start_pattern(_alternation(
            month_forms + rules.year_markers_before + rules.year_prepositions + rules.period_before
            + [r.form for r in rules.relative])),
    )


def grammar_for(language: str) -> Grammar | None:
    return load_compiled(STAGE, DatesRules, language, _grammar)


# --- reading calendar values ---------------------------------------------------------------

def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        last = calendar.monthrange(year or 2000, month)[1]  # 2000: a leap year admits 29 February
        return 1 <= day <= last
    return True


def _year_ok(value: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _read(kind: str, m: re.Match, g: Grammar, lowered: str) -> list[Found]:
    start, end = m.start(), m.end()
    groups = m.groupdict()
    if groups.get("month") and m.end("month") == end - 1 and len(groups["month"]) > 4:
        end -= 1  # the dot after a full month name ends the sentence; it is not an abbreviation's
    year = int(groups["year"]) if groups.get("year") else None
    if year is not None and not _year_ok(year, MARKED_YEARS):
        return []
    if kind in ("iso", "numeric"):  # "od 18. do 20. 9. 2015": each day of the range
        days = ([int(groups["d1"])] if groups.get("d1") else []) + [int(groups["d"])]
        values = [(year, int(groups["m"]), d) for d in days]
    elif kind in ("day_month", "month_day"):
        month = g.month_of[normalise(groups["month"])]
        days = [int(groups["d1"])] + ([int(groups["d2"])] if groups.get("d2") else [])
        if len(days) == 2 and days[1] <= days[0]:
            return []
        values = [(year, month, d) for d in days]
    elif kind == "month_year":
        values = [(year, g.month_of[normalise(groups["month"])], None)]
    elif kind == "month_relative":
        rel = g.relative_of[normalise(groups["rel"])]
        return [Found(start, end, None, g.month_of[normalise(groups["month"])], None, relative=rel)]
    elif kind == "year_range":
        first, last = int(groups["y1"]), int(groups["y2"])
        if not (_year_ok(first, PREPOSED_YEARS) and first < last <= first + MAX_RANGE_YEARS):
            return []
        return [Found(start, end, first, in_range=True, until=last), Found(start, end, last, in_range=True, until=last)]
    elif kind == "relative":
        return [Found(start, end, None, relative=g.relative_of[normalise(m.group())])]
    else:  # a year with a marker or a preposition
        if kind in ("year_preposition", "year_clause", "year_opening") and not _year_ok(year, PREPOSED_YEARS):
            return []
        if _duration_follows(lowered, m.end("year"), g.rules.not_after_year):
            return []
        values = [(year, None, None)]
    return [Found(start, end, y, mo, d) for y, mo, d in values if _valid(y, mo, d)]


def _duration_follows(lowered: str, position: int, suffixes: list[str]) -> bool:
    return any(lowered.startswith(normalise(s), position) for s in suffixes)


def _candidates(text: str, g: Grammar) -> list[Found]:
    """Every calendar value, overlaps resolved: the longest expression wins at each place."""
    lowered = normalise(text)  # same length as text: offsets stay valid
    spans: list[tuple[int, int, int, list[Found]]] = []
    starts = {"number": starts_of(DIGITS, lowered),  # where a run of digits begins
              "word": starts_of(g.word_starts, lowered)}
    for order, (kind, pattern) in enumerate(g.patterns):
        led = "number" if kind in NUMBER_LED else "word" if kind in WORD_LED else None
        for m in matches_at(pattern, lowered, starts[led] if led else None):
            if kind == "year_clause" and not text[m.start("participle")].islower():
                continue  # "2000 Menschen wurden": a count before a noun
            if kind == "year_opening" and not CLAUSE_START.search(text, max(0, m.start() - 3), m.start()):
                continue  # "rund 2000 waren gekommen": a count inside a clause
            if kind == "year_range" and _after_name(text, m.start(), g):
                continue
            found = _read(kind, m, g, lowered)
            if found:
                spans.append((m.start(), m.end(), order, found))
    chosen: list[Found] = []
    taken_until = -1
    for start, end, _, found in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]), s[2])):
        if start < taken_until:
            continue
        chosen.extend(found)
        taken_until = end
    kept = [f for f in chosen if not _on_stamp_line(text, f.start, g) and not _on_furniture_line(text, f.start, g)]
    return _years_shared(text, kept, g)


def _relative_years_joined(text: str, found: list[Found]) -> list[Found]:
    joined: list[Found] = []
    for f in found:
        last = joined[-1] if joined else None
        if (last is not None and f.relative is not None and f.relative.unit == "year" and last.day is not None
                and last.year is None and last.relative is None and not text[last.end:f.start].strip()):
            joined[-1] = replace(last, end=f.end, relative=f.relative)
            continue
        joined.append(f)
    return joined


def _restatements_dropped(text: str, values: list[tuple[Found, str]]) -> list[tuple[Found, str]]:
    """"next month, on 12 June", "26. maja ove godine": the explicit date beside a relative phrase is the
    one entry (a relative word that resolves to the same day stays as one more mention of it)."""
    kept = []
    for i, (f, v) in enumerate(values):
        beside = [values[j] for j in (i - 1, i + 1) if 0 <= j < len(values)]
        if f.relative is not None and any(_restates(text, f, e) and w != v for e, w in beside):
            continue
        kept.append((f, v))
    return kept


def _restates(text: str, relative: Found, explicit: Found) -> bool:
    if explicit.relative is not None or explicit.month is None:
        return False
    if explicit.start >= relative.end:
        return bool(RESTATED_GAP.fullmatch(text, relative.end, explicit.start))
    return bool(RESTATED_GAP.fullmatch(text, explicit.end, relative.start))


def _years_shared(text: str, found: list[Found], g: Grammar) -> list[Found]:
    """A year given once for several days completes each: "21 May – Saturday 1 June 2024"; a relative
    year completes the day before it: "29 березня наступного року"."""
    shared = _relative_years_joined(text, found)
    for i in range(len(shared) - 2, -1, -1):
        day, nxt = shared[i], shared[i + 1]
        if (day.day is not None and day.year is None and day.relative is None and nxt.day is not None
                and nxt.year is not None and g.day_joint.fullmatch(normalise(text[day.end:nxt.start]))):
            shared[i] = replace(day, year=nxt.year)
    return shared


def _after_name(text: str, start: int, g: Grammar) -> bool:
    """"Interreg 2014–2020", "ЮГАГРО 2024": years right after a capitalised word belong to a name."""
    m = NAME_BEFORE.search(text, max(0, start - 40), start)
    return bool(m) and m.group(1)[0].isupper() and normalise(m.group(1)) not in g.date_words


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, (len(text) if end < 0 else end)


def _on_furniture_line(text: str, offset: int, g: Grammar) -> bool:
    """A weather widget ("Ingelheim 5 °C") or a list of related pages ("Lesen Sie auch: ...")."""
    start, end = _line_bounds(text, offset)
    if TEMPERATURE.search(text, start, end):
        return True
    # the title of a related page; a scraper may glue the story's next paragraph onto the same line
    head = text[start:min(end, start + 60)]
    return g.related is not None and offset - start <= RELATED_REACH and bool(g.related.match(normalise(head)))


def _on_stamp_line(text: str, offset: int, g: Grammar) -> bool:
    """An "updated"/"modified" stamp just before the date, on its line."""
    if g.stamps is None:
        return False
    start = max(_line_bounds(text, offset)[0], offset - STAMP_REACH)
    return bool(g.stamps.search(normalise(text[start:offset])))


# --- publication date ----------------------------------------------------------------------

def _is_dateline(text: str, found: Found, others: list[Found], g: Grammar) -> bool:
    """A date that stands as the page's dateline: near the top among furniture, or after a publication label."""
    if found.relative is not None or (found.day is None and found.month is None):
        return False
    start, end = _line_bounds(text, found.start)
    labelled = g.published_labels is not None and bool(g.published_labels.search(normalise(text[start:end])))
    if not (labelled or _at_top(text, found, start)) or (found.day is None and not labelled):
        return False
    if found.day is not None and _place_and_dash(text, start, found, g):
        return True
    return _stands_alone(text, found, others, g)


def _at_top(text: str, found: Found, line_start: int) -> bool:
    return found.start <= DATELINE_CHARS and text.count("\n", 0, line_start) < DATELINE_LINES


def _stands_alone(text: str, found: Found, others: list[Found], g: Grammar) -> bool:
    """The date is alone on its line among furniture (weekday, time, labels, source, section)."""
    start, end = _line_bounds(text, found.start)
    seg_start, seg_end = _furniture_segment(text, start, end, found)
    if any(o is not found and seg_start <= o.start < seg_end for o in others):
        return False  # "Tuesday 21 May – Saturday 1 June 2024": a range, not a dateline
    before = _without_names(CREDIT.sub(" ", text[seg_start:found.start]))
    rest = normalise(before + " " + text[found.end:seg_end])
    for pattern in (g.weekdays, g.labels, g.published_labels):
        if pattern is not None:
            rest = pattern.sub(" ", rest)
    return sum(map(str.isalpha, rest)) <= DATELINE_RESIDUE


def _other_stamps_dropped(text: str, found: list[Found], g: Grammar) -> list[Found]:
    """Below the article, a full date alone on its line stamps another item (related news, a comment)."""
    if not any(f.dateline for f in found):
        return found
    return [f for f in found if f.dateline or f.day is None or f.year is None
            or _at_top(text, f, _line_bounds(text, f.start)[0]) or not _stands_alone(text, f, found, g)]


def _place_and_dash(text: str, line_start: int, found: Found, g: Grammar) -> bool:
    """"CITY, DATE –", "Dolný Kubín 2. júna (TASR) –": capitalised place words before, a dash after
    (not "Tuesday 21 May – Saturday 1 June": a weekday is no place)."""
    m = PLACE_BEFORE_DATELINE.fullmatch(text, line_start, found.start)
    if not m or not DASH_AFTER_DATELINE.match(text, found.end):
        return False
    if g.weekdays is not None and g.weekdays.search(normalise(m.group("place"))):
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", m.group("place"))
    return 0 < len(words) <= PLACE_WORDS and ("," in m.group() or all(w[0].isupper() for w in words))


def _furniture_segment(text: str, start: int, end: int, found: Found) -> tuple[int, int]:
    """The part of a furniture line ("date | section | views") that holds the date."""
    seg_start, seg_end = start, end
    for sep in FURNITURE_SEPARATOR.finditer(text, start, end):
        if sep.end() <= found.start:
            seg_start = sep.end()
        elif sep.start() >= found.end:
            seg_end = sep.start()
            break
    return seg_start, seg_end


def _without_names(before: str) -> str:
    """Drop the capitalised names and commas before a dateline's date ("Gorenjski glas, ponedeljek, ",
    "Козлодуй, "): a source or a place; the weekday after them is dropped as a rule word."""
    parts = before.split(",")
    while len(parts) > 1 and _is_name(parts[0]):
        parts.pop(0)
    return ",".join(parts)


def _is_name(part: str) -> bool:
    words = part.split()
    return 0 < len(words) <= PLACE_WORDS - 1 and words[0][0].isupper()


def _with_dateline(text: str, found: list[Found], g: Grammar) -> list[Found]:
    for i, f in enumerate(found):
        if _is_dateline(text, f, found, g):
            return found[:i] + [replace(f, dateline=True)] + found[i + 1:]
    return found


def _iso(year: int | None, month: int | None, day: int | None) -> str:
    if year is None:
        return f"--{month:02d}-{day:02d}"
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _parse_iso(value: str | None) -> tuple[int | None, int | None, int | None]:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value or "")
    if not m:
        return None, None, None
    return tuple(int(x) if x else None for x in m.groups())  # type: ignore[return-value]


def _resolve(f: Found, published: str | None) -> str | None:
    """The ISO value of a found date; day-months and relative words use the publication date."""
    p_year, p_month, p_day = _parse_iso(published)
    if f.relative is not None:
        rel = f.relative
        if rel.unit == "year" and p_year:
            return _iso(p_year + rel.offset, f.month, f.day)
        if rel.unit == "month" and p_year and p_month and f.month is None:
            index = p_year * 12 + (p_month - 1) + rel.offset
            return _iso(index // 12, index % 12 + 1, None)
        if rel.unit == "day" and p_day:
            return (date(p_year, p_month, p_day) + timedelta(days=rel.offset)).isoformat()
        if rel.unit == "weekday" and p_day:
            day = date(p_year, p_month, p_day)
            return (day - timedelta(days=(day.weekday() - rel.offset) % 7)).isoformat()
        return None
    year = f.year if f.year is not None else (p_year if f.day else None)
    if year is None and f.day is None:
        return None
    if year is not None and not _valid(year, f.month, f.day):
        return None
    return _iso(year, f.month, f.day)


# --- kinds ---------------------------------------------------------------------------------

def _year_of(value: str) -> int | None:
    return int(value[:4]) if value[:4].isdigit() else None


def _reference_year(values: list[tuple[Found, str]], published: str | None) -> int | None:
    """The year of the reported events: the publication's, else the latest dated day or month."""
    if _parse_iso(published)[0]:
        return _parse_iso(published)[0]
    years = [_year_of(v) for f, v in values if f.precision != "year" and _year_of(v)]
    return max(years) if years else None


def _word_before(text: str, f: Found, words: list[str]) -> bool:
    """One of ``words`` (a word or a phrase: "до", "до конца") just before the date, or opening it
    ("до 2025", "od roku 1989")."""
    before = normalise(text[max(0, f.start - 30):f.start]).split()
    head = normalise(text[f.start:f.end]).split()[:1]
    wanted = [normalise(w).split() for w in words]
    return any(before[-len(w):] == w or head == w for w in wanted if w)


def _months_before(value: str, published: str | None) -> int:
    """How many calendar months ``value`` lies before a publication date that has a month (else 0)."""
    p_year, p_month, _ = _parse_iso(published)
    year, month, _ = _parse_iso(value)
    if not (p_month and year and month):
        return 0
    return (p_year * 12 + p_month) - (year * 12 + month)


def _kind(f: Found, value: str, published: str | None, reference: int | None,
          text: str, cues: "CueKinds", g: Grammar) -> str:
    cue_kinds = cues.kinds
    if f.dateline or (published and value == published):
        return DateKind.published.value
    year = _year_of(value)
    if f.in_range:  # "у 2006 – 2010 роках" told of the past is background; "2019–2021" ahead bounds a programme
        return DateKind.historical.value if reference and f.until < reference else DateKind.period.value
    if _word_before(text, f, g.rules.period_before) or (
            f.precision == "year" and _word_before(text, f, g.rules.period_for)):
        return DateKind.period.value
    if (f.relative is None or f.relative.unit in ("month", "year")) and year and _is_background(f, value, year, published, reference, text, cues, g):
        return DateKind.historical.value
    if cue_kinds:
        return cue_kinds[0]
    return DateKind.event.value if f.precision != "year" else DateKind.other.value


def _is_background(f: Found, value: str, year: int, published: str | None, reference: int | None,
                   text: str, cues: "CueKinds", g: Grammar) -> bool:
    """A past milestone told as background: long before the reported events, or a relation that
    began then ("od 1989.", "since 2017"), or a year or month of a signing when the article's own
    year is unknown (the reported signing is told by its day)."""
    if reference and (year < reference - 1 or (f.precision == "year" and year < reference)):
        return True
    if year < WEB_NEWS_SINCE:
        return True
    if _months_before(value, published) >= BACKGROUND_MONTHS and not _event_this_year(year, published, cues):
        return True
    if f.precision != "day" and _word_before(text, f, g.rules.since) and not (reference and year > reference):
        return True
    return f.precision != "day" and not published and DateKind.signing.value in cues.kinds


def _event_this_year(year: int, published: str | None, cues: "CueKinds") -> bool:
    """A session or meeting of the publication's year named in the date's own clause ("prihvatilo na
    sjednici 9. ožujka") is one of the reported steps, not background."""
    return cues.own == DateKind.event.value and year == _parse_iso(published)[0]


Cue = tuple[bool, int, int, str]  # (a whole-sentence cue, position, rank of its group, kind)


@dataclass(frozen=True)
class CueKinds:
    kinds: list[str]  # the kinds the sentence's cues suggest, the strongest first
    own: str | None  # the first kind cued inside the date's own clause


def _cues_by_segment(doc: AnnotatedDoc, g: Grammar, dates: list[Found]) -> tuple[list[tuple[int, int]], dict[int, list[Cue]]]:
    """The cues of the segments that hold one of ``dates``: a date reads only its own segment's cues."""
    pieces = segments(doc)
    wanted = {segment_of(pieces, f.start) for f in dates} - {None}
    found: dict[int, list[Cue]] = {}
    for match in g.cues.find(doc_units(doc), lambda start: segment_of(pieces, start) in wanted):
        seg = segment_of(pieces, match.start)
        if seg is not None:
            rank = _cue_rank(g, match.phrase)
            whole = rank < len(g.rules.kind_cues) and g.rules.kind_cues[rank].sentence
            found.setdefault(seg, []).append((whole, match.start, rank, match.label))
    return pieces, found


def _cue_kinds(cues: list[Cue], f: Found, text: str) -> CueKinds:
    """The kinds the cues of a date's sentence suggest, the strongest first: a whole-sentence cue, then
    the cues of the date's own clause ("prihvatilo na sjednici 9. ožujka, a ..."), then, for a clause
    with no cue of its own, those of the clause before it ("..., a županijsko 4. lipnja"), each by group order."""
    start, end = _clause(text, f.start, f.end)
    own = [c for c in cues if not c[0] and start <= c[1] < end]
    before = (_clause(text, start - 1, start - 1)[0], start) if not own and start > 0 else (start, start)
    ordered = sorted(cues, key=lambda c: (not c[0], not start <= c[1] < end, not before[0] <= c[1] < before[1], c[2]))
    return CueKinds([kind for _, _, _, kind in ordered], min(own, key=lambda c: c[2])[3] if own else None)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    before = CLAUSE_BREAK.search(text[max(0, start - CLAUSE_REACH):start][::-1])
    after = CLAUSE_BREAK.search(text, end, end + CLAUSE_REACH)
    return (start - before.start() if before else start - CLAUSE_REACH), (after.start() if after else end + CLAUSE_REACH)


def _cue_rank(g: Grammar, phrase: str) -> int:
    """Position of the cue group that holds ``phrase`` (the first group in the file wins)."""
    for n, cue in enumerate(g.rules.kind_cues):
        if phrase in cue.phrases:
            return n
    return len(g.rules.kind_cues)


# --- the stage -----------------------------------------------------------------------------

def find_dates(doc: AnnotatedDoc, published: str | None) -> DatesResult:
    g = grammar_for(doc.language)
    if g is None:
        return DatesResult(published, [])
    found = _other_stamps_dropped(doc.text, _with_dateline(doc.text, _candidates(doc.text, g), g), g)
    if published is None:
        dateline = next((f for f in found if f.dateline), None)
        if dateline is not None and dateline.year is not None:
            published = _iso(dateline.year, dateline.month, dateline.day)
    resolved = _restatements_dropped(doc.text, [(f, v) for f in found if (v := _resolve(f, published)) is not None])
    reference = _reference_year(resolved, published)
    pieces, cues = _cues_by_segment(doc, g, [f for f, _ in resolved]) if resolved else ([], {})
    items: dict[str, DateItem] = {}
    for f, value in resolved:
        mention = Mention(text=doc.text[f.start:f.end], start=f.start, end=f.end)
        if value in items:
            item = items[value]
            if mention not in item.mentions:
                item.mentions.append(mention)
            if f.dateline:
                item.kind = DateKind.published.value
            continue
        kinds = _cue_kinds(cues.get(segment_of(pieces, f.start), []), f, doc.text)
        items[value] = DateItem(value=value, kind=_kind(f, value, published, reference, doc.text, kinds, g),
                                mentions=[mention])
    dates = sorted(items.values(), key=lambda d: (d.mentions[0].start, d.value))
    return DatesResult(published, dates)

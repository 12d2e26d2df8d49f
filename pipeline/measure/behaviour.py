"""Behavioural tests in the manner of CheckList (Ribeiro et al., 2020), as data.

Suites live in ``pipeline/measure/behaviour/<lang>/<field>.yaml``; fillers shared by a
language's suites in ``<lang>/fillers.yaml``. A suite names capabilities; each capability has
templates whose ``{slot.form}`` holes are filled from filler lists (cities with their GeoNames id
and case forms, titles, names, countries), expanded into minimal texts with their expected
output. Two test types:

- MFT (minimum functionality): each generated text must give exactly the expected items of the
  fields the template's ``expect`` names (a field left out is not checked; ``[]`` demands none);
- INV (invariance): the texts of one template differ only in their fillers, so what is found,
  read through the slots (a city as its slot name, an official as role and city slot), must be
  the same for all of them: another city of the same country in a slot changes nothing else.

``run_suites`` yields results; ``python cli.py behave`` prints pass rates per capability and
language and lists failures; ``tests/test_behaviour.py`` holds every capability to its floor.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from pipeline.measure.evaluate import names_match

SUITES_DIR = Path(__file__).with_name("behaviour")
DEFAULT_CASES = 4
HOLE = re.compile(r"\{(\w+)\.(\w+)\}")
FIELDS = ("cities", "officials", "dates", "agreements", "areas")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExpectedOfficial(_Strict):
    name: str = Field(description="'slot.form' of a name filler, or a literal name")
    role: str
    city: str | None = Field(None, description="the slot of the official's city, or null")


class ExpectedDate(_Strict):
    value: str
    kind: str


class ExpectedAgreement(_Strict):
    type: str
    status: str
    parties: list[str] = Field(default_factory=list, description="slots of the city parties")
    date: str | None = Field(None, description="checked only when given")
    areas: list[str] | None = Field(None, description="checked only when given")


class Expect(_Strict):
    cities: list[str] | None = None
    officials: list[ExpectedOfficial] | None = None
    dates: list[ExpectedDate] | None = None
    agreements: list[ExpectedAgreement] | None = None
    areas: list[str] | None = None


class Template(_Strict):
    text: str
    slots: dict[str, str] = Field(default_factory=dict, description="slot name -> filler list name")
    expect: Expect
    published: str | None = Field(None, description="overrides the suite's published date")
    cases: int = DEFAULT_CASES


class Capability(_Strict):
    floor: float = Field(1.0, ge=0, le=1, description="the pass rate the test suite demands (a ratchet)")
    inv_floor: float | None = Field(None, ge=0, le=1, description="the same for invariance (default: floor); one "
                                    "failing case breaks its template's invariance, so this one is often lower")
    templates: list[Template]


class Suite(_Strict):
    language: str
    published: str | None = None
    fillers: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    capabilities: dict[str, Capability]


@dataclass(frozen=True)
class Case:
    language: str
    capability: str
    suite: str  # file stem: cities, officials, ...
    template_index: int
    text: str
    published: str | None
    expect: Expect
    bindings: dict[str, dict[str, Any]]  # slot -> the filler entry put there


@dataclass
class Result:
    case: Case
    failures: list[str]
    reading: tuple  # what was found, read through the slots (for INV)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class Tally:
    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 1.0


def suite_files(languages: Iterable[str] = ()) -> list[Path]:
    wanted = set(languages)
    return [p for p in sorted(SUITES_DIR.glob("*/*.yaml"))
            if p.name != "fillers.yaml" and (not wanted or p.parent.name in wanted)]


def load_suite(path: Path) -> Suite:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    shared = path.with_name("fillers.yaml")
    if shared.is_file():
        common = (yaml.safe_load(shared.read_text(encoding="utf-8")) or {}).get("fillers", {})
        data["fillers"] = {**common, **(data.get("fillers") or {})}
    data.setdefault("language", path.parent.name)
    try:
        return Suite.model_validate(data)
    except Exception as exc:  # a typo in a suite names its file
        raise ValueError(f"{path}: {exc}") from exc


def expand(suite: Suite, stem: str, capabilities: Iterable[str] = ()) -> Iterator[Case]:
    wanted = set(capabilities)
    for name, capability in suite.capabilities.items():
        if wanted and name not in wanted:
            continue
        for index, template in enumerate(capability.templates):
            for number in range(template.cases):
                bindings = _bindings(suite, template, number, f"{suite.language}/{stem}.yaml {name}")
                yield Case(suite.language, name, stem, index, _fill(template.text, bindings),
                           _published(suite, template), template.expect, bindings)


def _published(suite: Suite, template: Template) -> str | None:
    """The template's own published date when it sets one (null: no input date), else the suite's."""
    return template.published if "published" in template.model_fields_set else suite.published


def _bindings(suite: Suite, template: Template, number: int, where: str) -> dict[str, dict[str, Any]]:
    """Case `number` of a template: slot k takes entry (number + k) of its list, so two slots
    on one list hold different entries and each case differs from the one before."""
    chosen: dict[str, dict[str, Any]] = {}
    for k, (slot, list_name) in enumerate(template.slots.items()):
        entries = suite.fillers.get(list_name)
        if not entries:
            raise ValueError(f"{where}: slot {slot!r} names filler list {list_name!r}, which is missing or empty")
        chosen[slot] = entries[(number + k) % len(entries)]
    return chosen


def _fill(text: str, bindings: dict[str, dict[str, Any]]) -> str:
    def form(match: re.Match) -> str:
        slot, name = match.groups()
        entry = bindings[slot]
        if name not in entry:
            raise ValueError(f"filler {entry} has no form {name!r} (template {text!r})")
        return str(entry[name])
    return HOLE.sub(form, text)


def _ref(value: str, bindings: dict[str, dict[str, Any]]) -> Any:
    """'slot.form' -> that form of the slot's filler; 'slot' -> its GeoNames id; else the literal."""
    slot, _, form = value.partition(".")
    if slot in bindings:
        return bindings[slot][form] if form else bindings[slot]["id"]
    return value


def check(case: Case, record: dict) -> Result:
    """Compare one record with what its case expects; also read it through the slots."""
    b, expect, failures = case.bindings, case.expect, []
    if record.get("status") != "ok":
        failures.append(f"status {record.get('status')}: {record.get('reason')}")
    slot_of = {entry["id"]: slot for slot, entry in b.items() if "id" in entry}
    cities = {c["geonames_id"] for c in record.get("cities", [])}
    if expect.cities is not None:
        want = {_ref(slot, b) for slot in expect.cities}
        _compare(failures, "cities", want, cities, lambda i: f"{slot_of.get(i, '?')}={i}")
    officials = record.get("officials", [])
    if expect.officials is not None:
        _check_officials(failures, expect.officials, officials, b, slot_of)
    if expect.dates is not None:
        _compare(failures, "dates", {(d.value, d.kind) for d in expect.dates},
                 {(d["value"], d["kind"]) for d in record.get("dates", [])})
    if expect.agreements is not None:
        _check_agreements(failures, expect.agreements, record.get("agreements", []), b, slot_of)
    if expect.areas is not None:
        _compare(failures, "areas", set(expect.areas), {a["area"] for a in record.get("areas", [])})
    return Result(case, failures, _reading(record, slot_of))


def _compare(failures: list[str], name: str, want: set, got: set, show=repr) -> None:
    if want != got:
        missing = ", ".join(sorted(show(x) for x in want - got))
        extra = ", ".join(sorted(show(x) for x in got - want))
        failures.append(f"{name}: missing [{missing}] extra [{extra}]")


def _check_officials(failures, expected, found, b, slot_of) -> None:
    left = list(found)
    for want in expected:
        name, city = _ref(want.name, b), (_ref(want.city, b) if want.city else None)
        match = next((o for o in left if o.get("city_geonames_id") == city and names_match(o["name"], name)), None)
        if match is None:
            failures.append(f"officials: missing {name} ({want.role}, {want.city or 'no city'})")
            continue
        left.remove(match)
        if match["role"] != want.role:
            failures.append(f"officials: {name} is {match['role']}, expected {want.role}")
    for extra in left:
        failures.append(f"officials: extra {extra['name']} ({extra['role']}, "
                        f"{slot_of.get(extra.get('city_geonames_id'), extra.get('city_geonames_id'))})")


def _agreement_key(type_: str, status: str, parties: Iterable[Any]) -> tuple:
    return (type_, status, tuple(sorted(parties)))


def _check_agreements(failures, expected, found, b, slot_of) -> None:
    left = list(found)
    for want in expected:
        key = _agreement_key(want.type, want.status, {_ref(p, b) for p in want.parties})
        match = next((a for a in left if _agreement_key(a["type"], a["status"], set(a["city_geonames_ids"])) == key),
                     None)
        if match is None:
            failures.append(f"agreements: missing {want.type}/{want.status} {sorted(want.parties)}")
            continue
        left.remove(match)
        if want.date is not None and match.get("date") != want.date:
            failures.append(f"agreements: {want.type} dated {match.get('date')}, expected {want.date}")
        if want.areas is not None and set(match.get("areas", [])) != set(want.areas):
            failures.append(f"agreements: {want.type} areas {sorted(match.get('areas', []))}, "
                            f"expected {sorted(want.areas)}")
    for extra in left:
        parties = [slot_of.get(i, i) for i in extra["city_geonames_ids"]]
        failures.append(f"agreements: extra {extra['type']}/{extra['status']} {parties}")


def _reading(record: dict, slot_of: dict) -> tuple:
    def slot(i):
        return slot_of.get(i, f"id:{i}")
    return (
        tuple(sorted(slot(c["geonames_id"]) for c in record.get("cities", []))),
        tuple(sorted((o["role"], str(slot(o["city_geonames_id"])) if o.get("city_geonames_id") else "-")
                     for o in record.get("officials", []))),
        tuple(sorted((d["value"], d["kind"]) for d in record.get("dates", []))),
        tuple(sorted((a["type"], a["status"], tuple(sorted(str(slot(i)) for i in a["city_geonames_ids"])))
                     for a in record.get("agreements", []))),
        tuple(sorted(a["area"] for a in record.get("areas", []))),
    )


def extract_case(case: Case) -> dict:
    """Run the real pipeline on one generated text, the language given (language id is tested
    elsewhere; here the rule stages and the engine of that language are under test)."""
    from pipeline.run.extract import extract_article
    from pipeline.types import LanguageGuess, RawArticle

    article = RawArticle(id=f"{case.language}-{case.capability}-{case.template_index}", source="behaviour",
                         text=case.text, published=case.published)
    outcome = extract_article(article, detect=lambda _: LanguageGuess(case.language, 1.0, method="given"))
    if outcome.record is None:
        return {"status": "error", "reason": outcome.error.reason if outcome.error else "no record"}
    return outcome.record.model_dump(mode="json")


def run_suites(languages: Iterable[str] = (), capabilities: Iterable[str] = ()) -> Iterator[Result]:
    for path in suite_files(languages):
        suite = load_suite(path)
        for case in expand(suite, path.stem, capabilities):
            yield check(case, extract_case(case))


def tally(results: Iterable[Result]) -> tuple[dict[tuple[str, str], Tally], dict[tuple[str, str], float]]:
    """Pass counts per (language, capability) for MFT and INV, and the floors to hold them to."""
    tallies: dict[tuple[str, str], Tally] = {}
    readings: dict[tuple, list[Result]] = {}
    for result in results:
        case = result.case
        t = tallies.setdefault((case.language, case.capability), Tally())
        t.total += 1
        t.passed += result.passed
        if not result.passed:
            t.failures.append(f"{case.text}\n      " + "\n      ".join(result.failures))
        readings.setdefault((case.language, case.capability, case.suite, case.template_index), []).append(result)
    for (language, capability, _, _), group in readings.items():
        t = tallies.setdefault((language, f"{capability}/inv"), Tally())
        t.total += 1
        if len({r.reading for r in group}) == 1:
            t.passed += 1
        else:
            t.failures.append("the same template read differently:\n      " + "\n      ".join(
                f"{r.case.text} -> {r.reading}" for r in group))
    floors = {}
    for path in suite_files():
        suite = load_suite(path)
        for name, capability in suite.capabilities.items():
            floors[(suite.language, name)] = capability.floor
            floors[(suite.language, f"{name}/inv")] = capability.floor if capability.inv_floor is None \
                else capability.inv_floor
    return tallies, floors


def format_report(tallies: dict[tuple[str, str], Tally], floors: dict, show_failures: bool = True) -> str:
    languages = sorted({language for language, _ in tallies})
    capabilities = sorted({capability for _, capability in tallies})
    width = max([len(c) for c in capabilities] + [10]) + 2
    lines = [f"{'capability':<{width}}" + "".join(f"{lang:>6}" for lang in languages)]
    for capability in capabilities:
        cells = []
        for language in languages:
            t = tallies.get((language, capability))
            cells.append(f"{'':>6}" if t is None else f"{100 * t.rate:>6.0f}")
        lines.append(f"{capability:<{width}}" + "".join(cells))
    passed = sum(t.passed for t in tallies.values())
    total = sum(t.total for t in tallies.values())
    lines.append(f"\n{passed}/{total} passed ({100 * passed / max(total, 1):.1f}%); pass rates in %")
    for language in languages:
        own = [t for (lang, _), t in tallies.items() if lang == language]
        p, n = sum(t.passed for t in own), sum(t.total for t in own)
        lines.append(f"  {language}: {p}/{n} ({100 * p / max(n, 1):.1f}%)")
    below = [(k, t) for k, t in sorted(tallies.items()) if t.rate < floors.get(k, 1.0)]
    if below:
        lines.append("\nbelow their floor: " + ", ".join(f"{lang}/{cap} {100 * t.rate:.0f}% < "
                                                        f"{100 * floors[(lang, cap)]:.0f}%" for (lang, cap), t in below))
    if show_failures:
        for (language, capability), t in sorted(tallies.items()):
            for failure in t.failures:
                lines.append(f"\n[{language} {capability}] {failure}")
    return "\n".join(lines)

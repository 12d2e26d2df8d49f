"""The behavioural suites (pipeline/measure/behaviour/) through the real pipeline: every
capability of every language at or above its floor, and the checker itself."""
from __future__ import annotations

import pytest

from conftest import run_cli
from pipeline.measure.behaviour import (Case, Expect, check, expand, format_report, load_suite, run_suites,
                                        suite_files, tally)


@pytest.fixture(scope="module")
def tallies():
    return tally(run_suites())


def test_every_suite_loads_and_expands():
    files = suite_files()
    assert files, "no behavioural suites found"
    for path in files:
        cases = list(expand(load_suite(path), path.stem))
        assert cases, f"{path} generates no case"
        assert all("{" not in case.text for case in cases), f"{path}: a hole left unfilled"


def test_capabilities_hold_their_floors(tallies):
    results, floors = tallies
    below = {f"{lang}/{cap}": f"{t.rate:.2f} < {floors[(lang, cap)]:.2f}\n" + "\n".join(t.failures[:5])
             for (lang, cap), t in results.items() if t.rate < floors[(lang, cap)]}
    assert not below, "\n".join(f"{k}: {v}" for k, v in below.items())


def _case(text: str, expect: dict) -> Case:
    bindings = {"a": {"id": 1, "nom": "A"}, "b": {"id": 2, "nom": "B"}, "p": {"nom": "Jan Nowak"}}
    return Case("pl", "probe", "cities", 0, text, None, Expect.model_validate(expect), bindings)


def test_check_names_what_differs():
    record = {"status": "ok", "cities": [{"geonames_id": 1}, {"geonames_id": 7}],
              "officials": [{"name": "Jana Nowaka", "role": "deputy_mayor", "city_geonames_id": 1}],
              "dates": [], "areas": [],
              "agreements": [{"type": "memorandum", "status": "signed", "city_geonames_ids": [1, 2], "areas": []}]}
    result = check(_case("t", {"cities": ["a", "b"], "officials": [{"name": "p.nom", "role": "mayor", "city": "a"}],
                               "agreements": [{"type": "memorandum", "status": "planned", "parties": ["a", "b"]}]}),
                   record)
    text = "\n".join(result.failures)
    assert "cities: missing [b=2] extra [?=7]" in text
    assert "officials: Jan Nowak is deputy_mayor, expected mayor" in text  # names compared as GOLD.md scores them
    assert "agreements: missing memorandum/planned" in text and "extra memorandum/signed" in text
    assert result.reading[0] == ("a", "id:7")


def test_check_passes_exact_output():
    record = {"status": "ok", "cities": [{"geonames_id": 2}, {"geonames_id": 1}], "officials": [],
              "dates": [{"value": "2024-06-12", "kind": "signing"}], "agreements": [], "areas": []}
    expect = {"cities": ["a", "b"], "officials": [], "dates": [{"value": "2024-06-12", "kind": "signing"}]}
    assert check(_case("t", expect), record).passed


def test_behave_command_reports_rates():
    done = run_cli("behave", "-l", "en", "--no-failures")
    assert done.returncode in (0, 1), done.stderr
    assert "sentence-initial-city" in done.stdout and "passed" in done.stdout

"""`diff OLD NEW`: per field, items added, removed and changed, compared by the keys of scoring."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from pipeline.measure.diff import diff_files

LVIV, WROCLAW, LUBLIN, KYIV = 702550, 3081368, 765876, 703448


def record(article_id: str, cities=(), officials=(), dates=(), agreements=(), areas=()) -> dict:
    return {"id": article_id,
            "cities": [{"geonames_id": g, "name": n, "mentions": []} for g, n in cities],
            "officials": [{"name": n, "role": r, "city_geonames_id": c, "mentions": []} for n, r, c in officials],
            "dates": [{"value": v, "kind": k, "mentions": []} for v, k in dates],
            "agreements": [{"type": t, "status": s, "city_geonames_ids": list(p), "date": None, "mentions": []}
                           for t, s, p in agreements],
            "areas": [{"area": a, "mentions": []} for a in areas]}


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def pair(tmp_path: Path) -> tuple[Path, Path]:
    old = [
        record("uk-1", cities=[(LVIV, "Lviv"), (WROCLAW, "Wroclaw")],
               officials=[("Андрій Садовий", "mayor", LVIV)], dates=[("2024-05-14", "signing")],
               agreements=[("memorandum", "planned", [LVIV, WROCLAW])], areas=["culture"]),
        record("uk-2", cities=[(LUBLIN, "Lublin")], areas=["sport"]),
        record("uk-3", cities=[(KYIV, "Kyiv")]),
    ]
    new = [
        # the same person (name within the fuzzy threshold), another role; status moved; an area more
        record("uk-1", cities=[(LVIV, "Lviv"), (WROCLAW, "Wroclaw")],
               officials=[("Андрiй Садовий", "city_head", LVIV)], dates=[("2024-05-14", "signing")],
               agreements=[("memorandum", "signed", [LVIV, WROCLAW])], areas=["culture", "tourism"]),
        # Lublin lost, Kyiv found; a date appears
        record("uk-2", cities=[(KYIV, "Kyiv")], dates=[("2023", "historical")], areas=["sport"]),
        record("uk-4", cities=[(KYIV, "Kyiv")]),
    ]
    return write(tmp_path / "old.jsonl", old), write(tmp_path / "new.jsonl", new)


def test_items_are_compared_by_the_scoring_keys(tmp_path):
    result = diff_files(*pair(tmp_path))
    fields = result["fields"]
    assert fields["cities"]["details"]["removed"] == [{"id": "uk-2", "item": f"{LUBLIN} Lublin"}]
    assert fields["cities"]["details"]["added"] == [{"id": "uk-2", "item": f"{KYIV} Kyiv"}]
    assert fields["officials"]["added"] == fields["officials"]["removed"] == 0
    assert fields["officials"]["details"]["changed"] == [
        {"id": "uk-1", "item": f"Андрій Садовий ({LVIV})", "old": "mayor", "new": "city_head"}]
    assert fields["agreements"]["details"]["changed"][0]["old"] == "planned"
    assert fields["agreements"]["details"]["changed"][0]["new"] == "signed"
    assert fields["dates"]["details"]["added"] == [{"id": "uk-2", "item": "2023"}]
    assert fields["areas"]["details"]["added"] == [{"id": "uk-1", "item": "tourism"}]
    assert fields["areas"]["removed"] == 0
    assert result["articles"] == {"old": 3, "new": 3, "compared": 2, "only_in_old": ["uk-3"],
                                  "only_in_new": ["uk-4"], "changed": 2}


def test_agreement_parties_are_part_of_the_key(tmp_path):
    old = write(tmp_path / "a.jsonl", [record("x", agreements=[("twinning_agreement", "existing", [LVIV, WROCLAW])])])
    new = write(tmp_path / "b.jsonl", [record("x", agreements=[("twinning_agreement", "existing", [LVIV, LUBLIN])])])
    agreements = diff_files(old, new)["fields"]["agreements"]
    assert (agreements["added"], agreements["removed"], agreements["changed"]) == (1, 1, 0)


def test_cli_table_and_json(tmp_path):
    old, new = pair(tmp_path)
    table = run_cli("diff", str(old), str(new))
    assert table.returncode == 1, table.stderr  # something changed
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["field", "old", "new", "added", "removed", "changed", "articles"]
    assert lines[1].split() == ["cities", "3", "3", "1", "1", "0", "1"]  # items of the compared articles
    assert "  - uk-2: 765876 Lublin" in lines and "  + uk-2: 703448 Kyiv" in lines
    assert f"  ~ uk-1: Андрій Садовий ({LVIV}): mayor -> city_head" in lines
    assert "articles: 2 compared, 2 changed, 1 only in old, 1 only in new" in table.stdout

    as_json = run_cli("diff", str(old), str(new), "--json")
    assert json.loads(as_json.stdout) == diff_files(old, new) | {"old": str(old), "new": str(new)}

    same = run_cli("diff", str(old), str(old))
    assert same.returncode == 0 and "articles: 3 compared, 0 changed" in same.stdout

"""The dataset: export of real extracted records (data/raw through the extractor, and the 85 dev
articles, extracted from ../shared/corpus/dev at test time) to tables, events, network and the HTML report; consolidation accuracy on
hand-made article groups (tests/data/dataset/consolidation_set.yaml)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from itertools import combinations
from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd
import polars as pl
import pytest
import yaml

from conftest import ROOT, SHARED, read_jsonl, run_cli
from pipeline.dataset import spec
from pipeline.dataset.events import consolidate
from pipeline.dataset.rows import reports
from schemas.record import ArticleRecord

DATA = ROOT / "tests" / "data" / "dataset"
DEV_TEXTS = SHARED / "corpus" / "dev" / "texts"


@pytest.fixture(scope="module")
def dev_records(tmp_path_factory) -> Path:
    """The 85 dev articles through the real extractor (read from ../shared, never copied here)."""
    if not DEV_TEXTS.is_dir():
        pytest.skip(f"{DEV_TEXTS} is not there")
    out = tmp_path_factory.mktemp("dev") / "dev.jsonl"
    done = run_cli("extract", str(DEV_TEXTS), "-o", str(out), "--force", "-j", "2", "--no-progress")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory, dev_records):
    """data/raw through the real extractor, plus the dev records: two parts of one corpus."""
    tmp = tmp_path_factory.mktemp("dataset")
    done = run_cli("extract", "data/raw", "-o", str(tmp / "raw.jsonl"), "--force", "-j", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    done = run_cli("export", str(tmp / "raw.jsonl"), str(dev_records), "--to", str(tmp / "out"))
    assert done.returncode == 0, done.stderr
    records = read_jsonl(tmp / "raw.jsonl") + read_jsonl(dev_records)
    return tmp / "out", records


def expected_counts(records: list[dict]) -> dict[str, int]:
    items = lambda kind: [item for r in records for item in r[kind]]
    return {
        "articles": len(records), "article_cities": len(items("cities")), "officials": len(items("officials")),
        "dates": len(items("dates")), "agreements": len(items("agreements")), "article_areas": len(items("areas")),
        "agreement_parties": sum(len(a["city_geonames_ids"]) for a in items("agreements")),
        "agreement_areas": sum(len(a["areas"]) for a in items("agreements")),
        "mentions": sum(len(i["mentions"]) for kind in ("cities", "officials", "dates", "agreements", "areas")
                        for i in items(kind)),
        "cities": len({c["geonames_id"] for c in items("cities")}),
    }


def test_every_table_loads_in_one_line_in_pandas_polars_and_duckdb_with_the_jsonl_counts(exported):
    out, records = exported
    expected = expected_counts(records)
    db = duckdb.connect(str(out / "citylinks.duckdb"), read_only=True)
    for name in spec.tables():
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert list(frame.columns) == list(spec.tables()[name].columns), name
        assert len(frame) == len(pl.read_parquet(out / f"{name}.parquet")) == len(db.table(name).fetchall()), name
        if name in expected:
            assert len(frame) == expected[name], name
        assert len(frame) > 0 or name == "agreement_areas", name  # the extractor fills no agreement areas yet


def test_keys_are_unique_and_joins_hold(exported):
    out, records = exported
    db = duckdb.connect(str(out / "citylinks.duckdb"), read_only=True)
    for name, table in spec.tables().items():
        key = ", ".join(f'"{k}"' for k in table.key)
        assert db.execute(f"SELECT count(*) - count(DISTINCT ({key})) FROM {name}").fetchone()[0] == 0, name
    # every mention's offsets cut its text out of the article's text
    wrong = db.execute("""SELECT count(*) FROM mentions m JOIN articles a USING (article_id)
                          WHERE substr(a.text, m."start" + 1, m."end" - m."start") <> m.text""").fetchone()[0]
    assert wrong == 0
    for child, column, parent, parent_column in [
            ("article_cities", "geonames_id", "cities", "geonames_id"),
            ("agreement_parties", "item_id", "agreements", "item_id"),
            ("mentions", "article_id", "articles", "article_id"),
            ("agreements", "event_id", "events", "event_id"),
            ("event_evidence", "mention_item_id", "mentions", "item_id")]:
        orphans = db.execute(f"""SELECT count(*) FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS
                                 (SELECT 1 FROM {parent} p WHERE p.{parent_column} = c.{column})""").fetchone()[0]
        assert orphans == 0, (child, column)
    # every agreement of two or more cities is in one event, and each event counts its reports
    agreements = [a for r in records for a in r["agreements"] if len(set(a["city_geonames_ids"])) >= 2]
    assert db.execute("SELECT count(*) FROM agreements WHERE event_id IS NOT NULL").fetchone()[0] == len(agreements)
    assert db.execute("SELECT sum(n_reports) FROM events").fetchone()[0] == len(agreements)
    kyiv = db.execute("SELECT name, country_code, population FROM cities WHERE geonames_id = 703448").fetchone()
    assert kyiv[0] == "Kyiv" and kyiv[1] == "UA" and kyiv[2] > 2_000_000


def test_tables_and_columns_are_documented_in_the_database_and_the_readme(exported):
    out, _ = exported
    db = duckdb.connect(str(out / "citylinks.duckdb"), read_only=True)
    comments = dict(db.execute("SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal").fetchall())
    assert set(comments) == set(spec.tables()) and all(comments.values())
    undocumented = db.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND comment IS NULL").fetchall()
    assert undocumented == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in spec.tables())


def test_network_files_agree_with_the_events(exported):
    out, _ = exported
    events = pd.read_parquet(out / "events.parquet")
    pairs = Counter(pair for parties in events["parties"] for pair in combinations(sorted(parties), 2))
    for graph in (nx.read_graphml(out / "network.graphml"), nx.read_gexf(out / "network.gexf")):
        assert graph.number_of_edges() == len(pairs)
        assert graph.number_of_nodes() == len({g for pair in pairs for g in pair})
    edges = pd.read_csv(out / "network_edges.csv")
    assert len(edges) == len(pairs)
    assert dict(zip(zip(edges["source"], edges["target"]), edges["n_events"])) == dict(pairs)
    graph = nx.read_graphml(out / "network.graphml")
    assert all(data["degree"] == graph.degree(node) for node, data in graph.nodes(data=True))


def test_office_holders_gather_one_person_over_articles(exported):
    out, records = exported
    seen = Counter((o["name"].casefold(), o["city_geonames_id"], o["role"]) for r in records
                   for o in {(o["name"], o["city_geonames_id"], o["role"]): o for o in r["officials"]}.values()
                   if o["city_geonames_id"] is not None)
    holders = pd.read_parquet(out / "office_holders.parquet")
    assert len(holders) == len(seen)
    assert sorted(holders["n_articles"]) == sorted(seen.values())


def test_a_corpus_exported_in_parts_counts_a_repeated_article_once(dev_records, tmp_path):
    done = run_cli("export", str(dev_records), str(dev_records), "--to", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "repeated ids skipped: 85" in done.stderr
    assert len(pd.read_parquet(tmp_path / "articles.parquet")) == 85


# ---- consolidation accuracy on hand-made article groups

def _mention(text: str, phrase: str) -> dict:
    start = text.index(phrase)
    return {"text": phrase, "start": start, "end": start + len(phrase)}


def _record(article: dict, cities: dict) -> dict:
    text = " ".join(article["text"].split())
    names = sorted({n for a in article["agreements"] for n in a["parties"]}, key=text.index)
    city = lambda n: {"geonames_id": cities[n][0], "name": n, "local_name": n, "country_code": cities[n][1],
                      "latitude": cities[n][2], "longitude": cities[n][3], "mentions": [_mention(text, n)]}
    agreement = lambda a: {"type": a["type"], "status": a["status"], "date": a["date"], "areas": a["areas"],
                           "city_geonames_ids": [cities[n][0] for n in a["parties"]],
                           "mentions": [_mention(text, a["trigger"])]}
    record = {"id": article["id"], "status": "ok", "reason": None, "language": "en",
              "published": article["published"], "url": article["url"], "title": None, "text": text,
              "cities": [city(n) for n in names], "officials": [], "dates": [],
              "agreements": [agreement(a) for a in article["agreements"]], "areas": [], "trimmed": [],
              "warnings": [], "provenance": {"package_version": "0", "rules_hash": "hand-made",
                                             "models": {"language": None, "engine": None, "rules": None},
                                             "language_probability": None, "language_runner_up": None,
                                             "language_runner_up_probability": None, "source": "hand-made"}}
    return ArticleRecord.model_validate(record).model_dump(mode="json")


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    spec_file = yaml.safe_load((DATA / "consolidation_set.yaml").read_text(encoding="utf-8"))
    records = [_record(a, spec_file["cities"]) for a in spec_file["articles"]]
    tmp = tmp_path_factory.mktemp("consolidation")
    (tmp / "set.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    done = run_cli("export", str(tmp / "set.jsonl"), "--to", str(tmp / "out"))
    assert done.returncode == 0, done.stderr
    gold = {f"{a['id']}/agreements/{i}": g["event"] for a in spec_file["articles"] for i, g in enumerate(a["agreements"])}
    return tmp / "out", spec_file, gold


def pairwise_scores(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    """Precision and recall over pairs of reports put in one event."""
    pairs = lambda labels: {frozenset(p) for p in combinations(sorted(labels), 2) if labels[p[0]] == labels[p[1]]}
    got, want = pairs(predicted), pairs(gold)
    return (len(got & want) / len(got) if got else 1.0), (len(got & want) / len(want) if want else 1.0)


def test_consolidation_accuracy_on_hand_made_groups(hand_made):
    out, _, gold = hand_made
    predicted = dict(pd.read_parquet(out / "agreements.parquet")[["item_id", "event_id"]].itertuples(index=False))
    precision, recall = pairwise_scores(predicted, gold)
    assert (precision, recall) == (1.0, 1.0), (precision, recall)
    events = pd.read_parquet(out / "events.parquet").set_index("event_id")
    assert len(events) == len(set(gold.values()))
    lviv_2024 = events.loc[predicted["lw-1/agreements/0"]]
    assert (lviv_2024["type"], lviv_2024["status"], lviv_2024["date"]) == ("memorandum", "signed", "2024-03-12")
    assert (lviv_2024["first_report"], lviv_2024["last_report"], lviv_2024["n_articles"]) == ("2024-02-20", "2024-03-14", 4)
    assert lviv_2024["n_independent_articles"] == 3  # lw-2 is a syndicated copy of lw-1
    assert "https://regional-wire.example/2024/03/12/lviv-wroclaw" in list(lviv_2024["urls"])


def test_syndicated_copies_are_marked_and_other_articles_of_the_pair_are_not(hand_made):
    out, spec_file, _ = hand_made
    copies = dict(pd.read_parquet(out / "articles.parquet")[["article_id", "duplicate_of"]].itertuples(index=False))
    assert {a: c for a, c in copies.items() if isinstance(c, str)} == {a["id"]: a["copy_of"] for a in spec_file["articles"] if "copy_of" in a}


def test_each_event_field_has_its_evidence_spans(hand_made):
    out, _, _ = hand_made
    db = duckdb.connect(str(out / "citylinks.duckdb"), read_only=True)
    fields = db.execute("SELECT DISTINCT field FROM event_evidence").fetchall()
    assert {f for (f,) in fields} == {"type", "status", "parties"}  # the hand-made records have no date or area items
    spans = db.execute("""SELECT e.text, substr(a.text, e."start" + 1, e."end" - e."start")
                          FROM event_evidence e JOIN articles a USING (article_id)""").fetchall()
    assert spans and all(a == b for a, b in spans)


def test_the_consolidation_rules_are_data(hand_made):
    """A narrower report window splits the planned report (three weeks before) off the signing."""
    out, _, gold = hand_made
    records = read_jsonl(next(out.parent.glob("*.jsonl")))
    rules = spec.consolidation().model_copy(deep=True)
    all_reports = [r for record in records for r in reports(record, None)]
    _, wide = consolidate(all_reports, rules, {})
    rules.dates.report_window_days = 5
    _, narrow = consolidate(all_reports, rules, {})
    assert wide["lw-4/agreements/0"] == wide["lw-1/agreements/0"]
    assert narrow["lw-4/agreements/0"] != narrow["lw-1/agreements/0"]


# ---- the HTML report in headless Chromium

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run")


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium: `make setup` installs Debian's chromium package (apt-get install chromium), "
                    "which failed or was not run on this machine")
    return subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180)


def test_report_renders_offline_in_chromium_and_shows_the_counts_of_its_data(exported, tmp_path):
    out, _ = exported
    page = tmp_path / "report.html"
    done = run_cli("report", str(out), "-o", str(page))
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|iframe|link|object|embed)[^>]*(src|href)=|url\(|@import", html), "a loaded resource"
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile").stdout
    db = duckdb.connect(str(out / "citylinks.duckdb"), read_only=True)
    count = lambda query: db.execute(query).fetchone()[0]
    shown = lambda ident: re.search(rf'id="{ident}">(\d+)<', dom).group(1)
    assert int(shown("n-events")) == count("SELECT count(*) FROM events")
    assert int(shown("n-articles")) == count("SELECT count(*) FROM articles")
    assert int(shown("n-agreements")) == count("SELECT count(*) FROM agreements")
    assert int(shown("n-links")) == len(pd.read_csv(out / "network_edges.csv"))
    assert f"{count('SELECT count(*) FROM events')} shown" in dom  # the search box's script ran
    assert dom.count('class="country"') > 10 and dom.count('class="city"') == count(
        "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) AS p FROM events)")
    shot = tmp_path / "report.png"
    chromium("--window-size=1100,1600", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "profile2")
    assert shot.exists() and shot.stat().st_size > 20_000

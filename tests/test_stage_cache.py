"""The rule-stage cache: a rules change re-runs only the stages whose rule files changed."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import extract
from pipeline.ingest.readers import read_inputs
from pipeline.run.stage_cache import STAGE_RULE_FILES, decode, encode

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
SAMPLE = ROOT / "data" / "raw"
ORDER = ("dates", "cities", "officials", "agreements", "areas")

STAGE_SCRIPT = r"""
import json, sys
from pipeline import rules
from pipeline.run import extract
from pipeline.stages.agreements import find_agreements
from pipeline.stages.areas import find_areas
from pipeline.stages.cities import find_cities
from pipeline.stages.dates import find_dates
from pipeline.stages.officials import find_officials
from pipeline.run.stage_cache import decode
from pipeline.types import AnnotatedDoc

RUN = {
    "dates": lambda doc, up, published: find_dates(doc, published),
    "cities": lambda doc, up, published: find_cities(doc),
    "officials": lambda doc, up, published: find_officials(doc, up["cities"]),
    "agreements": lambda doc, up, published: find_agreements(doc, up["cities"], up["officials"], up["dates"].dates),
    "areas": lambda doc, up, published: find_areas(doc, up["cities"], up["agreements"]),
}
stage = sys.argv[1]
reads = []
for line in open(sys.argv[2], encoding="utf-8"):
    article = json.loads(line)
    doc = AnnotatedDoc.from_dict(article["doc"])
    upstream = {name: decode(name, text) for name, text in article["results"].items()}
    with rules.recording_reads() as seen:
        RUN[stage](doc, upstream, article["published"])
    reads.append({"language": doc.language, "reads": sorted([s, l] for s, l in seen)})
print(json.dumps(reads))
"""


@pytest.fixture(scope="module")
def annotated_articles(tmp_path_factory) -> Path:
    """Every article of the sample and the seeds, annotated, with each stage's result."""
    path = tmp_path_factory.mktemp("stages") / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for article in read_inputs([str(SAMPLE), str(SEEDS)]):
            clean, guess = extract.prepare(article)
            doc, warnings = extract.annotate(clean, guess.language)
            results = {}

            def keep(stage, compute, inputs=(), extra=""):
                results[stage] = encode(stage, compute())
                return decode(stage, results[stage])

            extract.extract_from_doc(article, clean, guess, doc, warnings, keep)
            out.write(json.dumps({"doc": doc.to_dict(), "results": results,
                                  "published": extract.normalise_published(article.published)},
                                 ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize("stage", ORDER)
def test_every_rule_file_a_stage_reads_is_declared(stage, annotated_articles):
    """Each stage in a fresh process (nothing loaded before it), its rule-file reads recorded."""
    done = subprocess.run([sys.executable, "-c", STAGE_SCRIPT, stage, str(annotated_articles)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    per_article = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(per_article) >= 13
    languages = {a["language"] for a in per_article}
    assert {"uk", "ru", "sl", "pl", "cs", "hr", "de", "en"} <= languages
    read_files = set()
    for article in per_article:
        for file_stage, language in article["reads"]:
            read_files.add(file_stage)
            assert file_stage in STAGE_RULE_FILES[stage], (stage, file_stage)
            assert language in (None, article["language"]), (stage, file_stage, language, article["language"])
    assert stage in read_files  # the recorder sees reads at all


def test_results_survive_the_round_trip_through_json(annotated_articles):
    for line in open(annotated_articles, encoding="utf-8"):
        for stage, text in json.loads(line)["results"].items():
            assert encode(stage, decode(stage, text)) == text


def _extract(tmp_path: Path, name: str, *options: str, env: dict | None = None) -> tuple[list[dict], dict]:
    output = tmp_path / f"{name}.jsonl"
    done = subprocess.run([sys.executable, "cli.py", "extract", str(SAMPLE), str(SEEDS), "-o", str(output),
                           "-j", "1", "--force", "--no-progress", "--cache", str(tmp_path / "cache"), *options],
                          cwd=ROOT, capture_output=True, text=True, timeout=900, env=env or os.environ.copy())
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((tmp_path / f"{name}.manifest.json").read_text(encoding="utf-8"))
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()], manifest


def test_a_rules_change_reruns_only_the_stages_and_languages_it_touches(tmp_path):
    first, manifest = _extract(tmp_path, "first")
    articles = len(first)
    assert manifest["cache"]["stages"] == {"hits": 0, "misses": 5 * articles}

    again, manifest = _extract(tmp_path, "again", "--rules-only")
    assert manifest["cache"]["stages"] == {"hits": 5 * articles, "misses": 0}
    assert [json.dumps(r, sort_keys=True) for r in again] == [json.dumps(r, sort_keys=True) for r in first]

    # A new Ukrainian agreement trigger: only the Ukrainian articles run agreements again.
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "pipeline" / "rules", rules)
    with open(rules / "uk" / "agreements.yaml", "a", encoding="utf-8") as stream:
        stream.write("\n# a comment changes the file's bytes, so its hash\n")
    edited, manifest = _extract(tmp_path, "edited", "--rules-only", "--rules", str(rules))
    ukrainian = sum(1 for r in first if r["language"] == "uk")
    assert ukrainian >= 3
    assert manifest["cache"]["stages"]["misses"] == ukrainian  # areas hit again: same agreements
    for old, new in zip(first, edited):
        new["provenance"].pop("rules_hash"), old["provenance"].pop("rules_hash")
        new["provenance"]["models"].pop("rules"), old["provenance"]["models"].pop("rules")
        assert new == old

    # A changed result downstream of cities: a city rule file removed for Ukrainian.
    (rules / "uk" / "cities.yaml").unlink()
    _, manifest = _extract(tmp_path, "no_uk_cities", "--rules-only", "--rules", str(rules))
    assert manifest["cache"]["stages"]["misses"] >= ukrainian * 2  # cities, officials (and more if cities changed)
    assert manifest["cache"]["stages"]["hits"] >= 5 * (articles - ukrainian)


def test_code_that_computes_records_is_in_the_key_and_the_exclusions_exist():
    from pipeline.run.stage_cache import NOT_RECORD_CODE, _is_record_code

    for relative in NOT_RECORD_CODE:
        assert (ROOT / relative).exists(), relative
    for module in ("dates", "cities", "gazetteer", "officials", "names", "agreements", "areas", "lexicon",
                   "morphology", "rules", "extract", "stage_cache", "types"):
        assert _is_record_code(f"pipeline/{module}.py"), module
    assert _is_record_code("pipeline/nlp/engines/lemmas.py") and _is_record_code("schemas/record.py")
    assert not _is_record_code("pipeline/commands/scale.py") and not _is_record_code("pipeline/measure/bench.py")

"""The annotation cache: what hits, what misses, and that a cached run gives the same bytes."""
from __future__ import annotations

import json
import multiprocessing
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, read_jsonl
from pipeline.run import cache as annotation_cache
from pipeline.run.cache import AnnotationCache, CachedStages, text_hash
from pipeline.run.extract import annotate, detect_language, prepare
from pipeline.types import RawArticle
from test_batch import extract, manifest_of, small_corpus

LVIV = ("Міський голова Львова Андрій Садовий підписав у середу меморандум про співпрацю з мером "
        "Вроцлава. Міста домовилися про обмін студентами та спільні проєкти у сфері культури й туризму.")
BRNO = ("Primátorka Brna Markéta Vaňková podepsala v pondělí memorandum o spolupráci se starostou Košic. "
        "Města se dohodla na výměně studentů a na společných projektech v oblasti kultury a cestovního ruchu.")


class Counted:
    """The real model stage, counting how often it actually ran."""

    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args):
        self.calls += 1
        return self.function(*args)


def stages(folder: Path, rules_only: bool = False) -> tuple[CachedStages, Counted, Counted]:
    detect, annotator = Counted(detect_language), Counted(annotate)
    return CachedStages(AnnotationCache(folder), detect, annotator, rules_only), detect, annotator


def test_second_lookup_hits_and_returns_the_same_annotation(tmp_path):
    first, detect, annotator = stages(tmp_path)
    results = {}
    for text in (LVIV, BRNO):
        clean, guess = prepare(RawArticle(id="x", source="t", text=text), first.detect)
        results[text] = (guess, first.annotate(clean, guess.language))
    first.cache.commit()
    assert detect.calls == 2 and annotator.calls == 2
    assert first.counts() == {"language": {"hits": 0, "misses": 2}, "annotation": {"hits": 0, "misses": 2},
                              "stages": {"hits": 0, "misses": 0}}

    again, detect, annotator = stages(tmp_path)  # a new process would open the same file
    for text, (guess, (doc, warnings)) in results.items():
        clean, cached_guess = prepare(RawArticle(id="y", source="t", text=text), again.detect)
        assert cached_guess == guess
        cached_doc, cached_warnings = again.annotate(clean, guess.language)
        assert cached_doc == doc and cached_warnings == warnings
    assert detect.calls == 0 and annotator.calls == 0
    assert {guess.language for guess, _ in results.values()} == {"uk", "cs"}


def test_another_model_id_misses_and_rules_only_takes_the_newest(tmp_path, monkeypatch):
    first, _, _ = stages(tmp_path)
    clean, guess = prepare(RawArticle(id="x", source="t", text=LVIV), first.detect)
    doc, _ = first.annotate(clean, "uk")
    first.cache.commit()
    stored = first.model_key("uk", doc.model)
    assert first.cache.get("doc", text_hash(clean.text), "uk", stored) is not None
    assert first.cache.get("doc", text_hash(clean.text), "uk", first.model_key("uk", doc.model + "-v2")) is None
    # engine code is part of the key: an edited engine misses
    monkeypatch.setattr(annotation_cache, "engine_code_key", lambda: "edited")
    assert first.model_key("uk", doc.model) == stored  # memoised per process ...
    assert annotation_cache.annotation_model_key("uk", doc.model) != stored  # ... but a new process misses

    rules_only, _, annotator = stages(tmp_path, rules_only=True)
    cached, _ = rules_only.annotate(clean, "uk")
    assert cached == doc and annotator.calls == 0
    other = prepare(RawArticle(id="z", source="t", text=LVIV + " Угоду підписали в ратуші."), rules_only.detect)[0]
    rules_only.annotate(other, "uk")  # never annotated: the engine runs after all
    assert annotator.calls == 1 and rules_only.counts()["annotation"] == {"hits": 1, "misses": 1}


def test_damaged_or_foreign_entries_are_misses(tmp_path):
    store = AnnotationCache(tmp_path)
    store.put("lang", "k", "", "m", {"guess": {"language": "uk"}})
    store.commit()
    assert store.get("lang", "k", "", "m") == {"format": annotation_cache.FORMAT, "guess": {"language": "uk"}}
    store.db.execute("UPDATE entries SET value=? WHERE text_hash='k'", (b"not zlib",))
    assert store.get("lang", "k", "", "m") is None
    store.db.execute("UPDATE entries SET value=? WHERE text_hash='k'",
                     (zlib.compress(json.dumps({"format": -1}).encode()),))
    assert store.get("lang", "k", "", "m") is None
    store.db.execute("UPDATE entries SET value=? WHERE text_hash='k'", (annotation_cache.MARSHALLED + b"not zlib",))
    assert store.get("lang", "k", "", "m") is None
    assert store.stats()["entries"] == 1


def test_short_values_are_stored_as_they_are_long_ones_compressed(tmp_path):
    store = AnnotationCache(tmp_path)
    short, long = {"result": "[]"}, {"result": "Kraków " * 200}
    store.put("stage", "short", "pl", "cities", short)
    store.put("stage", "long", "pl", "cities", long)
    store.commit()
    blobs = dict(store.db.execute("SELECT text_hash, value FROM entries").fetchall())
    assert blobs["short"][:1] == annotation_cache.PLAIN and blobs["long"][:1] == annotation_cache.MARSHALLED
    assert len(blobs["long"]) < len("Kraków " * 200)
    assert store.get("stage", "short", "pl", "cities") == {"format": annotation_cache.FORMAT, **short}
    assert store.get("stage", "long", "pl", "cities") == {"format": annotation_cache.FORMAT, **long}
    store.db.execute("UPDATE entries SET value=? WHERE text_hash='short'", (annotation_cache.PLAIN + b"\xffnot marshal",))
    assert store.get("stage", "short", "pl", "cities") is None


def test_stage_results_of_an_article_annotated_now_are_stored_not_looked_up(tmp_path, monkeypatch):
    """A new annotation has no stage results under it yet: its stages ask the store nothing (a query each
    saved); once its annotation is cached, the next run looks them up and finds them."""
    from pipeline.run.extract import extract_from_doc

    asked = []
    get = AnnotationCache.get
    monkeypatch.setattr(AnnotationCache, "get", lambda self, kind, *rest: asked.append(kind) or get(self, kind, *rest))
    records = []
    for run in range(2):
        asked.clear()
        cached, _, annotator = stages(tmp_path)
        article = RawArticle(id="x", source="t", text=LVIV)
        clean, guess = prepare(article, cached.detect)
        doc, warnings = cached.annotate(clean, guess.language)
        records.append(extract_from_doc(article, clean, guess, doc, warnings, cached.stage_runner(clean, doc)))
        cached.cache.commit()
        stage_counts = cached.counts()["stages"]
        if run == 0:
            assert annotator.calls == 1 and asked.count("stage") == 0 and stage_counts == {"hits": 0, "misses": 5}
        else:
            assert annotator.calls == 0 and asked.count("stage") == 5 and stage_counts == {"hits": 5, "misses": 0}
    assert records[0] == records[1] and [c.name for c in records[1].cities] == ["Lviv", "Wrocław"]


def test_entries_of_the_json_layout_still_read(tmp_path):
    """A cache written before values were marshalled keeps its annotations (no re-annotation)."""
    store = AnnotationCache(tmp_path)
    old = {"format": 2, "guess": {"language": "uk", "probability": 0.9}}
    store.db.execute("INSERT INTO entries VALUES ('lang', 'k', '', 'm', ?, 0)",
                     (zlib.compress(json.dumps(old).encode()),))
    assert store.get("lang", "k", "", "m") == old


def copy_rules(target: Path) -> Path:
    for source in (ROOT / "pipeline" / "rules").rglob("*.yaml"):
        path = target / source.relative_to(ROOT / "pipeline" / "rules")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.read_bytes())
    return target


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    small_corpus(path, count=8, words=80)
    return path


def test_a_rules_change_reruns_only_the_rule_stages(corpus, tmp_path):
    rules = copy_rules(tmp_path / "rules")
    first = tmp_path / "first.jsonl"
    extract(corpus, first, tmp_path / "cache", "-j", "1", "--rules", str(rules))
    assert manifest_of(first)["cache"]["annotation"] == {"hits": 0, "misses": 8}

    stage_file = sorted(rules.glob("uk/*.yaml"))[0]  # a rule file of a stage after the engine
    stage_file.write_text(stage_file.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    second = tmp_path / "second.jsonl"
    result = extract(corpus, second, tmp_path / "cache", "-j", "1", "--rules", str(rules))
    assert result.returncode == 1, result.stderr
    cache = manifest_of(second)["cache"]
    old, new = read_jsonl(first), read_jsonl(second)
    ukrainian = sum(1 for record in old if record["language"] == "uk")
    assert stage_file.name == "agreements.yaml" and ukrainian >= 1
    # only agreements, only for the Ukrainian articles, ran again (areas too where agreements changed)
    assert cache == {"language": {"hits": 8, "misses": 0}, "annotation": {"hits": 8, "misses": 0},
                     "stages": {"hits": 5 * 8 - ukrainian, "misses": ukrainian}}
    assert old[0]["provenance"]["rules_hash"] != new[0]["provenance"]["rules_hash"]
    for a, b in zip(old, new):  # same annotations, same rules content: the same extractions
        assert {k: v for k, v in a.items() if k != "provenance"} == {k: v for k, v in b.items() if k != "provenance"}


def routes_file(folder: Path, blank: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "routes.yaml"
    path.write_text("languages:\n  uk:\n    lemmatizer: pymorphy3:uk\n    candidates:\n"
                    f"      - {{engine: spacy, blank: {blank}}}\n", encoding="utf-8")
    return path


def test_a_model_change_misses_and_rules_only_reuses_what_is_there(corpus, tmp_path):
    uk_model = {"CITYLINKS_ROUTES": str(routes_file(tmp_path / "a", "uk"))}
    multi_model = {"CITYLINKS_ROUTES": str(routes_file(tmp_path / "b", "xx"))}
    runs = [("one", uk_model, ()), ("two", uk_model, ()), ("three", multi_model, ()),
            ("four", multi_model, ("--rules-only",))]
    caches = {}
    for name, env, options in runs:
        out = tmp_path / f"{name}.jsonl"
        result = extract(corpus, out, tmp_path / "cache", "-j", "1", *options, env=env)
        assert result.returncode == 1, result.stderr
        caches[name] = manifest_of(out)["cache"]["annotation"]
        (engine,) = manifest_of(out)["models"]["engines"]["uk"]
        assert engine.startswith("spacy:blank/uk@" if env is uk_model else "spacy:blank/xx@")
    assert caches["one"] == {"hits": 0, "misses": 8}
    assert caches["two"] == {"hits": 8, "misses": 0}
    assert caches["three"] == {"hits": 0, "misses": 8}  # another model id
    assert caches["four"] == {"hits": 8, "misses": 0}  # rules-only: the newest annotation, no model loaded
    assert (tmp_path / "three.jsonl").read_bytes() == (tmp_path / "four.jsonl").read_bytes()


def _open_when_released(directory: str, start, results) -> None:
    start.wait()
    try:
        cache = AnnotationCache(Path(directory))
        cache.put("stage", "key", "uk", "model", {"n": 1})
        cache.close()
        results.put("ok")
    except Exception as error:  # noqa: BLE001 - the test reports what a worker met
        results.put(repr(error))


def test_workers_opening_a_new_cache_at_once_all_get_it(tmp_path):
    """`extract -j 2` opens one new SQLite file from several processes at the same moment; switching it to
    WAL used to fail now and then with "database is locked" at once (and the whole run with it)."""
    context = multiprocessing.get_context("fork")
    failures = []
    for round_ in range(40):
        start, results = context.Barrier(4), context.Queue()
        openers = [context.Process(target=_open_when_released, args=(str(tmp_path / str(round_)), start, results))
                   for _ in range(4)]
        for opener in openers:
            opener.start()
        outcomes = [results.get(timeout=120) for _ in openers]
        for opener in openers:
            opener.join()
        failures += [outcome for outcome in outcomes if outcome != "ok"]
    assert failures == []
    assert AnnotationCache(tmp_path / "0").stats()["entries"] == 1

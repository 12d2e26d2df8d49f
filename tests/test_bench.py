"""`bench`: the generated corpus, and the figures printed from real extract runs."""
from __future__ import annotations

import json

from conftest import SHARED, run_cli
from pipeline.measure.bench import format_report, make_corpus
from test_batch import small_corpus

NEWS = SHARED / "corpus" / "news"


def test_generated_corpus_is_distinct_varied_and_about_the_size_asked(tmp_path):
    stats = make_corpus(40, tmp_path / "c.jsonl", sorted(NEWS.glob("*.jsonl.gz")), words=150)
    rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == stats["articles"] == 40
    assert len({r["text"] for r in rows}) == 40 and len({r["id"] for r in rows}) == 40
    assert all(150 <= len(r["text"].split()) < 400 for r in rows)
    first_languages = [r["id"].rsplit("-", 1)[1] for r in rows[:len(stats["languages"])]]
    assert len(set(first_languages)) == len(stats["languages"]) >= 8  # languages interleaved
    assert stats["words"] == sum(len(r["text"].split()) for r in rows)


def test_bench_prints_speed_and_memory_of_full_and_rules_only_runs(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    small_corpus(corpus, count=6, words=100)
    result = run_cli("bench", str(corpus), "-j", "1", "--profile", "3", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    full, agreements, all_stages = report["runs"]
    assert (full["run"], agreements["run"], all_stages["run"]) == ("full", "rules:agreements", "rules:all-stages")
    assert full["articles"] == agreements["articles"] == all_stages["articles"] == 8  # 6 articles, 2 bad lines
    assert full["articles_per_second"] > 0 and full["words_per_second"] > 0
    assert len(full["peak_rss_mb_per_worker"]) == 1 and full["peak_rss_mb_per_worker"][0] > 50
    assert full["cache"]["stages"] == {"hits": 0, "misses": 5 * 6}
    # the rules-only re-runs read every annotation from the cache and re-run only the edited stages
    assert agreements["cache"]["annotation"] == all_stages["cache"]["annotation"] == {"hits": 6, "misses": 0}
    assert agreements["cache"]["stages"] == {"hits": 4 * 6, "misses": 6}  # areas hit: agreements unchanged
    assert all_stages["cache"]["stages"] == {"hits": 0, "misses": 5 * 6}
    # the workers' own clock: every phase of the full run, and each rule stage inside the rule-stages phase;
    # the worker's first uk article loads the rules and counts as their start-up
    phases = full["cpu_ms_per_article"]
    assert list(phases) == ["cleaning and language", "annotation", "rule stages", "serialisation", "rules start-up",
                            "dates", "cities", "officials", "agreements", "areas"]
    assert all(ms > 0 for ms in phases.values())
    assert sum(phases[s] for s in ("dates", "cities", "officials", "agreements", "areas")) <= phases["rule stages"]
    # a stage taken from the stage cache is not clocked under its name: the agreements re-run computed one stage
    assert list(agreements["cpu_ms_per_article"])[5:] == ["agreements"]
    profile = report["profile"]
    assert profile["articles"] == 2 and set(profile["by_language"]) == {"uk"}  # the first uk article not counted
    assert set(profile["ms_per_article"]) >= {"language", "annotation", "rule stages"}

    reference = report["reference"]
    assert reference["articles"] == 6 and reference["articles_per_second"] > full["articles_per_second"]
    # taken right before and right after the full runs, and pooled: the ratio is not set by when one ran
    before, after = reference["before"], reference["after"]
    assert before["articles"] == after["articles"] == 6 and before["tokens"] == after["tokens"] > 6 * 100
    assert reference["tokens"] == 2 * before["tokens"]
    assert min(before["articles_per_second"], after["articles_per_second"]) <= reference["articles_per_second"] \
        <= max(before["articles_per_second"], after["articles_per_second"])
    table = format_report(report["corpus"], report["runs"], profile, reference)
    assert f"{before['articles_per_second']:.1f} right before the full runs, " \
           f"{after['articles_per_second']:.1f} right after" in table
    assert "rules:agreements / full, 1 worker(s):" in table and "peak RSS MB/worker" in table
    assert "% of the tokenizer alone" in table
    # the same ratio in CPU time, which a loaded machine does not distort
    assert 0 < full["articles_per_cpu_second"] < reference["articles_per_cpu_second"]
    assert "articles per worker CPU second" in table
    assert "in the workers, full run, 1 worker(s): CPU ms per article" in table
    assert f"rule stages {phases['rule stages']} (dates {phases['dates']}, cities {phases['cities']}," in table
    assert table.splitlines()[3].split()[:2] == ["full", "1"]
    # the profile's articles against the corpus's: the runs' CPU per article scales with their length
    assert profile["words_per_article"] > 50 and "words per article, the corpus" in table
    # one process has no language lanes; with several workers the table says which lanes each one did
    assert full["articles_by_lane_per_worker"] == [{}] and "language lane" not in table
    full["articles_by_lane_per_worker"] = [{"uk": 5}, {"pl": 3, "ru": 2}]
    assert "articles by language lane: uk 5; pl 3, ru 2" in format_report(report["corpus"], report["runs"], profile,
                                                                         reference)


def test_profile_samples_take_each_input_file_in_turn(tmp_path):
    from pipeline.measure.bench import interleaved_articles

    for name, count in (("a.jsonl", 3), ("b.jsonl", 1), ("c.jsonl", 2)):
        (tmp_path / name).write_text("".join(json.dumps({"id": f"{name[0]}{i}", "text": "Текст статті."}) + "\n"
                                             for i in range(count)), encoding="utf-8")
    order = [a.id for a in interleaved_articles([str(tmp_path)])]
    assert order == ["a0", "b0", "c0", "a1", "c1", "a2"]


def test_bench_without_a_corpus_measures_the_news_directory(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    small_corpus(news / "news-uk.jsonl", count=3, words=60)
    result = run_cli("bench", "--from", str(news), "-j", "1", "--profile", "0", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["corpus"]["articles"] == report["runs"][0]["articles"] == 5  # 3 articles, 2 bad lines

"""Benchmark: articles/s, words/s and RSS per worker of real `extract` runs.

Each configuration is a real ``python cli.py extract`` subprocess (so every
run starts cold and its RSS is its own); the figures come from the run's
manifest. Without a corpus, one is generated from the real news articles in
the shared corpus: windows of about 400 words cut at sentence ends, languages
interleaved, every text distinct.
"""
from __future__ import annotations

import gc
import gzip
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from itertools import cycle, islice
from pathlib import Path

from pipeline.run.manifest import manifest_path
from pipeline.rules import rules_dir

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT.parent / "shared" / "corpus" / "news"
ARTICLE_WORDS = 400
PASSES = 4  # windows start at 0, 1/4, 1/2, 3/4 of a window: more distinct texts from the same news
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _news_by_language(sources: list[Path]) -> dict[str, list[dict]]:
    by_language: dict[str, list[dict]] = {}
    for path in sources:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as stream:
            for line in stream:
                row = json.loads(line)
                if row.get("text"):
                    by_language.setdefault(row.get("language") or path.stem, []).append(row)
    return by_language


def _windows(rows: list[dict], words: int) -> Iterator[tuple[dict, str]]:
    """Texts of about ``words`` words cut from the articles, pass after pass with shifted starts."""
    for shift in range(PASSES):
        skip = words * shift // PASSES
        for row in rows:
            sentences = [s for s in SENTENCE_END.split(row["text"].replace("\n", " ")) if s.strip()]
            current, count, skipped = [], 0, 0
            for sentence in sentences:
                n = len(sentence.split())
                if skipped < skip:
                    skipped += n
                    continue
                current.append(sentence)
                count += n
                if count >= words:
                    yield row, " ".join(current)
                    current, count = [], 0


def _mixes(rows: list[dict], words: int, seed: str) -> Iterator[tuple[dict, str]]:
    """Endless texts of about ``words`` words made of sentences drawn from all the articles of one
    language (seeded, so the same corpus every time): distinct texts once the windows run out."""
    sentences = [s for row in rows for s in SENTENCE_END.split(row["text"].replace("\n", " ")) if s.strip()]
    if not sentences:
        return
    rng = random.Random(seed)
    while True:
        current, count = [], 0
        while count < words:
            sentence = rng.choice(sentences)
            current.append(sentence)
            count += len(sentence.split())
        yield rows[0], " ".join(current)


def _texts(rows: list[dict], words: int, seed: str) -> Iterator[tuple[dict, str]]:
    yield from _windows(rows, words)
    yield from _mixes(rows, words, seed)


def make_corpus(size: int, target: Path, sources: list[Path] | None = None, words: int = ARTICLE_WORDS) -> dict:
    """Write ``size`` distinct articles of about ``words`` words, languages interleaved: windows of
    real articles first, then (for corpora of 10^4-10^5 articles) texts of their sentences mixed."""
    sources = sources or sorted(NEWS.glob("*.jsonl*"))
    by_language = _news_by_language(sources)
    streams = {lang: _texts(rows, words, lang) for lang, rows in sorted(by_language.items())}
    languages, total_words, seen = Counter(), 0, set()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8") as out:
        for lang in cycle(list(streams)):
            if len(seen) >= size or not streams:
                break
            if lang not in streams:
                continue
            window = next(streams[lang], None)
            if window is None:
                del streams[lang]
                continue
            row, text = window
            digest = hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()
            if digest in seen:
                continue
            seen.add(digest)
            languages[lang] += 1
            total_words += len(text.split())
            out.write(json.dumps({"id": f"bench-{len(seen):06d}-{lang}", "text": text, "title": row.get("title"),
                                  "published": row.get("published")}, ensure_ascii=False) + "\n")
    return {"path": str(target), "articles": len(seen), "words": total_words,
            "languages": dict(sorted(languages.items()))}


# The rules changes a rules-only re-run is measured after: (label, stems of the rule files edited).
RULES_EDITS = (
    ("agreements", ("agreements",)),
    ("all-stages", ("dates", "cities", "geo", "names", "officials", "agreements", "areas")),
)


def edited_rules(target: Path, stems: tuple[str, ...]) -> Path:
    """A copy of the rules in force with a comment naming ``target`` appended to every file named
    ``<stem>.yaml``: bytes no earlier edit gave them, so new hashes for exactly the stages that read them."""
    shutil.copytree(rules_dir(), target, dirs_exist_ok=True)
    for path in sorted(target.rglob("*.yaml")):
        if path.stem in stems:
            with open(path, "a", encoding="utf-8") as stream:
                stream.write(f"\n# edited by `citylinks bench` ({target.name}) to measure a rules-only re-run\n")
    return target


def run_extract(inputs: list[str], output: Path, cache: Path, workers: int, rules_only: bool = False,
                chunk_size: int = 64, rules: Path | None = None) -> dict:
    """One real extract run in a subprocess; returns its manifest."""
    command = [sys.executable, str(ROOT / "cli.py"), "extract", *inputs, "-o", str(output), "--force",
               "--no-progress", "--cache", str(cache), "-j", str(workers), "--chunk-size", str(chunk_size)]
    if rules_only:
        command.append("--rules-only")
    if rules is not None:
        command += ["--rules", str(rules)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    result = json.loads(manifest_path(output).read_text(encoding="utf-8"))
    result["process_seconds"] = time.perf_counter() - started
    return result


def interleaved_articles(inputs: list[str]) -> Iterator:
    """The articles of several inputs taken in turn (one from each file, then the next...), so
    that a sample of the first N covers every language of a corpus stored one file per language."""
    from pipeline.ingest.readers import read_inputs
    from pipeline.types import RawArticle

    streams = [(a for a in read_inputs([i]) if isinstance(a, RawArticle)) for i in _input_files(inputs)]
    while streams:
        for stream in list(streams):
            article = next(stream, None)
            if article is None:
                streams.remove(stream)
            else:
                yield article


def _input_files(inputs: list[str]) -> list[str]:
    files = []
    for item in inputs:
        path = Path(item)
        if path.is_dir() and not any(path.glob("*.txt")) and not any(path.glob("*.html")):
            files += [str(p) for p in sorted(path.glob("*.jsonl*"))]
        else:
            files.append(item)
    return files


def tokenizer_reference(inputs: list[str], articles: int = 1000) -> dict:
    """The floor any spaCy pipeline pays: spaCy's blank tokenizer alone, in this process, on the
    same articles (language detected outside the timing), as articles/s and tokens/s."""
    from pipeline.ingest.cleaning import article_text
    from pipeline.nlp.engines.spacy_engine import blank_nlp
    from pipeline.nlp.langid import detect_language

    tokenizers, seconds, cpu_seconds, tokens, counted = {}, 0.0, 0.0, 0, 0
    for article in islice(interleaved_articles(inputs), articles):
        text = article_text(article)
        language = detect_language(text).language if text.strip() else None
        if language is None:
            continue
        tokenizer = tokenizers.get(language) or tokenizers.setdefault(language, blank_nlp(language).tokenizer)
        started, cpu_started = time.perf_counter(), time.process_time()
        tokens += len(tokenizer(text))
        seconds += time.perf_counter() - started
        cpu_seconds += time.process_time() - cpu_started
        counted += 1
    return _rates(counted, counted, seconds, cpu_seconds, tokens)


def _rates(articles: int, timed: int, seconds: float, cpu_seconds: float, tokens: int) -> dict:
    """A reference's figures: ``articles`` it read, from ``timed`` tokenizations in ``seconds`` (wall, CPU)."""
    return {"articles": articles, "seconds": round(seconds, 3), "cpu_seconds": round(cpu_seconds, 3),
            "articles_per_second": round(timed / seconds, 1) if seconds else None,
            "articles_per_cpu_second": round(timed / cpu_seconds, 1) if cpu_seconds else None,
            "tokens": tokens, "tokens_per_second": round(tokens / seconds) if seconds else None}


def bracketed_reference(before: dict, after: dict) -> dict:
    """Two tokenizer references, taken right before and right after the full runs, pooled: a machine whose
    speed drifts by 10-15% within minutes would otherwise set the ratio by when the one reference ran."""
    pooled = _rates(before["articles"], before["articles"] + after["articles"], before["seconds"] + after["seconds"],
                    before["cpu_seconds"] + after["cpu_seconds"], before["tokens"] + after["tokens"])
    return {**pooled, "before": before, "after": after}


def profile_stages(inputs: list[str], articles: int = 100) -> dict:
    """Milliseconds per article of each stage, in this process, on articles taken in turn from
    each input file (every language of a corpus kept one file per language).

    The first article of each language is not counted: it pays for loading that
    language's models and rules (the start-up the runs report separately).
    """
    from pipeline.run import extract
    from pipeline.run.parallel import GC_THRESHOLDS

    sample = list(islice(interleaved_articles(inputs), articles))
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)  # as in a worker
    times, per_language, counted, seen, words = Counter(), {}, Counter(), set(), 0
    for article in sample:
        t0 = time.perf_counter()
        try:
            clean = extract.clean_text(extract.article_text(article))
            t1 = time.perf_counter()
            guess = extract.detect_language(clean.text)
            t2 = time.perf_counter()
            doc, warnings = extract.annotate(clean, guess.language) if guess.language else (None, [])
            t3 = time.perf_counter()
            record = extract.extract_from_doc(article, clean, guess, doc, warnings) if doc else None
            t4 = time.perf_counter()
            if record is not None:
                record.model_dump_json()
            t5 = time.perf_counter()
        except Exception:  # noqa: BLE001 - a broken article is not what we measure
            continue
        if guess.language not in seen:
            seen.add(guess.language)
            continue
        times.update({"cleaning": t1 - t0, "language": t2 - t1, "annotation": t3 - t2,
                      "rule stages": t4 - t3, "serialisation": t5 - t4})
        model = doc.model if doc else "-"
        entry = per_language.setdefault(guess.language, {"model": model, "articles": 0, "annotation": 0.0,
                                                         "rule stages": 0.0})
        entry["articles"] += 1
        entry["annotation"] += t3 - t2
        entry["rule stages"] += t4 - t3
        counted["all"] += 1
        words += len((article.text or article.html or "").split())
    gc.set_threshold(*thresholds)
    n = max(1, counted["all"])
    return {
        "articles": counted["all"],
        "ms_per_article": {stage: round(seconds / n * 1000, 2) for stage, seconds in times.items()},
        "words_per_article": round(words / n),  # as corpus_stats counts them: the sample's length vs the corpus's
        "by_language": {
            lang: {"model": e["model"], "articles": e["articles"],
                   "annotation_ms": round(e["annotation"] / e["articles"] * 1000, 1),
                   "rule_stages_ms": round(e["rule stages"] / e["articles"] * 1000, 1)}
            for lang, e in sorted(per_language.items())},
    }


def figures(label: str, workers: int, result: dict) -> dict:
    timing, counts = result["timing"], result["counts"]
    processed = counts["read"] - counts["skipped"]
    wall = timing["wall_seconds"] or 0.0
    start_up = timing["first_result_seconds"] or 0.0
    steady = processed / (wall - start_up) if wall > start_up else None
    rss = list(result["workers"].values())
    cpu = [w.get("cpu_seconds") or 0.0 for w in rss]
    return {
        "run": label, "workers": workers, "articles": processed, "wall_seconds": round(wall, 2),
        "start_up_seconds": round(start_up, 2),
        "articles_per_second": timing["articles_per_second"], "steady_articles_per_second": round(steady, 1) if steady else None,
        "words_per_second": timing["words_per_second"],
        # what a shared, loaded machine does not distort: articles per CPU second of the workers
        "articles_per_cpu_second": round(processed / sum(cpu), 1) if sum(cpu) else None,
        "peak_rss_mb_per_worker": [w["peak_rss_mb"] for w in rss],
        "cpu_ms_per_article": timing.get("cpu_ms_per_article") or {},
        "rss_mb_start_middle_end": [[w["rss_mb_start"], w["rss_mb_middle"], w["rss_mb_end"]] for w in rss],
        "cache": result["cache"], "executor": result["settings"]["executor"],
        "articles_by_lane_per_worker": [w.get("articles_by_lane") or {} for w in rss],
    }


def format_report(corpus: dict, rows: list[dict], stages: dict[str, float], reference: dict | None = None) -> str:
    langs = ", ".join(f"{k} {v}" for k, v in corpus["languages"].items()) if corpus.get("languages") else "-"
    lines = [f"corpus: {corpus['path']}: {corpus['articles']} articles, {corpus['words']} words "
             f"({corpus['words'] / max(1, corpus['articles']):.0f} per article); {langs}", "",
             f"{'run':<18}{'workers':>8}{'articles/s':>12}{'steady/s':>10}{'words/s':>10}{'wall s':>8}"
             f"{'start s':>9}  {'peak RSS MB/worker':<20}RSS MB start/middle/end per worker"]
    for r in rows:
        peak = ", ".join(f"{x:.0f}" for x in r["peak_rss_mb_per_worker"])
        growth = "; ".join("/".join(f"{x:.0f}" for x in w) for w in r["rss_mb_start_middle_end"])
        lines.append(f"{r['run']:<18}{r['workers']:>8}{r['articles_per_second'] or 0:>12.1f}"
                     f"{r['steady_articles_per_second'] or 0:>10.1f}{r['words_per_second'] or 0:>10.0f}"
                     f"{r['wall_seconds']:>8.1f}{r['start_up_seconds']:>9.1f}  {peak:<20}{growth}")
    full = {r["workers"]: r for r in rows if r["run"] == "full"}
    ratios = []
    for r in rows:
        f = full.get(r["workers"])
        if r["run"] != "full" and f and f["articles_per_second"] and r["articles_per_second"]:
            ratios.append(f"{r['run']} / full, {r['workers']} worker(s): "
                          f"{r['articles_per_second'] / f['articles_per_second']:.1f}x")
    if ratios:
        lines.append("\n" + "\n".join(ratios))
    if reference and reference.get("articles_per_second"):
        lines.append(f"\nreference: spaCy's blank tokenizer alone, one process, {reference['articles']} of the same "
                     f"articles: {reference['articles_per_second']:.1f} articles/s, {reference['tokens_per_second']} tokens/s"
                     + _bracket_note(reference))
        for r in rows:
            if r["run"] == "full" and r["articles_per_second"]:
                per_worker = r["articles_per_second"] / r["workers"]
                lines.append(f"full, {r['workers']} worker(s): {per_worker:.1f} articles/s per worker = "
                             f"{100 * per_worker / reference['articles_per_second']:.1f}% of the tokenizer alone")
            if r["run"] == "full" and r.get("articles_per_cpu_second") and reference.get("articles_per_cpu_second"):
                lines.append(f"  in CPU time (steadier on a loaded machine): {r['articles_per_cpu_second']:.1f} articles "
                             f"per worker CPU second = {100 * r['articles_per_cpu_second'] / reference['articles_per_cpu_second']:.1f}% "
                             f"of the tokenizer's {reference['articles_per_cpu_second']:.1f}")
    for r in rows:
        if r["run"] == "full" and r.get("cpu_ms_per_article"):
            lines.append(f"\nin the workers, full run, {r['workers']} worker(s): CPU ms per article "
                         "(a rule stage: its own computing): " + _phase_line(r["cpu_ms_per_article"]))
        if r["run"] == "full" and any(r.get("articles_by_lane_per_worker") or []):
            lines.append("  articles by language lane: " + "; ".join(
                ", ".join(f"{lane} {n}" for lane, n in lanes.items()) or "-" for lanes in r["articles_by_lane_per_worker"]))
    lines.append("rules:agreements = rules-only re-run after every language's agreements.yaml was edited; "
                 "rules:all-stages = after every rule file of every stage was edited (each rule stage runs again)")
    if stages and stages.get("articles"):
        ms = stages["ms_per_article"]
        lines.append(f"\nwhere the time goes (one process, {stages['articles']} articles after each language's "
                     "first, ms per article): " + ", ".join(f"{k} {v}" for k, v in ms.items())
                     + f"; total {sum(ms.values()):.1f}")
        lines += _length_note(stages, corpus, sum(ms.values()))
        for lang, e in stages["by_language"].items():
            lines.append(f"  {lang}: annotation {e['annotation_ms']:>7.1f}  rule stages {e['rule_stages_ms']:>6.1f}"
                         f"  ({e['articles']} articles, {e['model']})")
    lines.append("\narticles/s and words/s: over the run's wall time, start-up (process start, model loading "
                 "until the first chunk is back) included; steady/s: after start-up")
    return "\n".join(lines)


def _bracket_note(reference: dict) -> str:
    if not (reference.get("before") and reference.get("after")):
        return ""
    return (f" (pooled: {reference['before']['articles_per_second']:.1f} right before the full runs, "
            f"{reference['after']['articles_per_second']:.1f} right after)")


def _phase_line(ms: dict[str, float]) -> str:
    """'cleaning and language 1.9, annotation 20.1, rule stages 15.2 (dates 3.1, cities 9.0, ...), ...'"""
    from pipeline.run.parallel import PHASES

    stages = ", ".join(f"{k} {v}" for k, v in ms.items() if k not in PHASES)
    return ", ".join(f"{k} {v}" + (f" ({stages})" if k == "rule stages" and stages else "")
                     for k, v in ms.items() if k in PHASES)


def _length_note(stages: dict, corpus: dict, total_ms: float) -> list[str]:
    """The profile takes the same number of articles from each language, the runs take every article:
    when the sample's articles are shorter than the corpus's, the runs cost more per article."""
    sample, whole = stages.get("words_per_article") or 0, corpus["words"] / max(1, corpus["articles"])
    if not sample:
        return []
    return [f"  the sample has {sample} words per article, the corpus {whole:.0f}: at the corpus's length "
            f"the total is about {total_ms * whole / sample:.1f} ms per article"]


def corpus_stats(inputs: list[str]) -> dict:
    from pipeline.ingest.readers import read_inputs
    from pipeline.types import RawArticle

    articles = words = 0
    for item in read_inputs(inputs):
        articles += 1
        if isinstance(item, RawArticle):
            words += len((item.text or item.html or "").split())
    return {"path": ", ".join(inputs), "articles": articles, "words": words, "languages": {}}

"""Labelled documents for scoring language identification, and the scoring itself.

Every document's language is known from where it comes from:
BSNLP news (``news/bsnlp-<lang>.jsonl.gz``, each line states its language, plus
the few documents only present in ``ner/bsnlp/<lang>.tokens.tsv.gz``, whose
text is rebuilt by joining tokens), ner-uk (IOB), factRuEval-2016 (.txt),
ssj500k (CoNLL-U ``# text`` lines), and the project's own samples in
``data/langid/<label>.txt`` (documents separated by blank lines; the label is
``<lang>`` or ``<lang>-<script>``, e.g. ``sr-Latn``).

Three evaluation sets (``EVAL_SETS``), scored and printed apart:

- ``tuning``: the shared corpora + ``data/langid/*.txt``, the samples the rules were tuned on;
- ``heldout``: ``data/langid/heldout/*.txt``, news-style samples written apart, never tuned on;
- ``udhr``: ``data/langid/udhr/*.txt``, 1000-character windows of the Universal Declaration of
  Human Rights in each language (real translations, not written for this project).
"""
from __future__ import annotations

import csv
import gzip
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLES_DIR = PROJECT_DIR / "data" / "langid"
HELDOUT_DIR = SAMPLES_DIR / "heldout"
UDHR_DIR = SAMPLES_DIR / "udhr"
DEFAULT_CORPUS_DIR = PROJECT_DIR.parent / "shared" / "corpus"
PREFIXES = (100, 300, 1000)
MIN_CHARS = 300  # shorter documents would make the 300 and 1000 columns the same test
PSEUDO_DOC_CHARS = 1500  # sentence corpora are merged into documents of about this size


@dataclass(frozen=True)
class LabelledDoc:
    id: str
    label: str  # language code, optionally with a script: "sr-Latn"
    source: str
    text: str

    @property
    def language(self) -> str:
        return self.label.split("-")[0]


def _bsnlp_news(corpus: Path) -> Iterator[LabelledDoc]:
    for path in sorted((corpus / "news").glob("bsnlp-*.jsonl.gz")):
        # the file name is the label: some lines say "ua" or "cz" instead of the ISO code
        language = path.name.removeprefix("bsnlp-").split(".")[0]
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for line in stream:
                item = json.loads(line)
                yield LabelledDoc(item["id"], language, f"news/{path.name}", item["text"])


def _bsnlp_tokens(corpus: Path, skip: set[tuple[str, str]]) -> Iterator[LabelledDoc]:
    """Documents of the BSNLP token files that the news files do not have."""
    for path in sorted((corpus / "ner" / "bsnlp").glob("*.tokens.tsv.gz")):
        language = path.name.split(".")[0]
        docs: dict[str, list[str]] = defaultdict(list)
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            reader = csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
            for row in reader:
                doc_id = f"{row['topic']}-{row['doc']}"
                if (language, doc_id) not in skip:
                    docs[doc_id].append(row["text"])
        for doc_id in sorted(docs):
            yield LabelledDoc(doc_id, language, f"ner/bsnlp/{path.name}", " ".join(docs[doc_id]))


def _merge(pieces: Iterable[str], size: int = PSEUDO_DOC_CHARS) -> Iterator[str]:
    """Consecutive paragraphs joined until each document has about ``size`` characters."""
    current: list[str] = []
    length = 0
    for piece in pieces:
        current.append(piece)
        length += len(piece) + 1
        if length >= size:
            yield " ".join(current)
            current, length = [], 0
    if current:
        yield " ".join(current)


def _ner_uk(corpus: Path) -> Iterator[LabelledDoc]:
    for path in sorted((corpus / "ner" / "uk").glob("*.iob")):
        raw = path.read_text(encoding="utf-8")
        paragraphs = []
        for block in re.split(r"\n{4,}", raw):  # 2 blank lines end a sentence, more end a paragraph
            tokens = [line.split(" ")[0] for line in block.splitlines() if line.strip()]
            if tokens:
                paragraphs.append(" ".join(tokens))
        for number, text in enumerate(_merge(paragraphs)):
            yield LabelledDoc(f"{path.stem}#{number}", "uk", f"ner/uk/{path.name}", text)


def _fact_ru_eval(corpus: Path) -> Iterator[LabelledDoc]:
    for path in sorted((corpus / "ner" / "ru" / "factRuEval-2016").glob("*/book_*.txt")):
        yield LabelledDoc(path.stem, "ru", f"ner/ru/factRuEval-2016/{path.parent.name}",
                          path.read_text(encoding="utf-8-sig"))


def _ssj500k(corpus: Path) -> Iterator[LabelledDoc]:
    for path in sorted((corpus / "ner" / "sl").glob("*.conllu")):
        paragraphs: dict[str, list[str]] = defaultdict(list)
        order: list[str] = []
        sent_id = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# sent_id = "):
                sent_id = line.removeprefix("# sent_id = ")
            elif line.startswith("# text = "):
                paragraph = sent_id.rsplit(".", 1)[0]
                if paragraph not in paragraphs:
                    order.append(paragraph)
                paragraphs[paragraph].append(line.removeprefix("# text = "))
        texts = (" ".join(paragraphs[p]) for p in order)
        for number, text in enumerate(_merge(texts)):
            yield LabelledDoc(f"{path.stem}#{number}", "sl", f"ner/sl/{path.name}", text)


def read_samples(directory: Path = SAMPLES_DIR) -> Iterator[LabelledDoc]:
    """Sample files of a directory: one file per label, documents separated by blank lines."""
    for path in sorted(directory.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        docs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", raw) if block.strip()]
        source = path.relative_to(PROJECT_DIR).as_posix() if path.is_relative_to(PROJECT_DIR) else str(path)
        for number, text in enumerate(docs):
            yield LabelledDoc(f"{path.stem}#{number}", path.stem, source, text)


def labelled_documents(corpus: Path = DEFAULT_CORPUS_DIR, samples: Path = SAMPLES_DIR,
                       per_source: int | None = None) -> list[LabelledDoc]:
    """Every labelled document of at least MIN_CHARS characters, at most ``per_source`` from each source file.

    The cap takes every k-th document (not the first ones), so topics stay mixed.
    """
    news = list(_bsnlp_news(corpus))
    seen = {(d.label, d.id) for d in news}
    streams = [news, _bsnlp_tokens(corpus, seen), _ner_uk(corpus), _fact_ru_eval(corpus),
               _ssj500k(corpus), read_samples(samples)]
    by_source: dict[str, list[LabelledDoc]] = defaultdict(list)
    for stream in streams:
        for doc in stream:
            text = " ".join(doc.text.split())
            if len(text) >= MIN_CHARS:
                by_source[doc.source].append(LabelledDoc(doc.id, doc.label, doc.source, text))
    chosen: list[LabelledDoc] = []
    for source in sorted(by_source):
        docs = by_source[source]
        if per_source and len(docs) > per_source:
            step = len(docs) / per_source
            docs = [docs[int(i * step)] for i in range(per_source)]
        chosen.extend(docs)
    return chosen


EVAL_SETS = ("tuning", "heldout", "udhr")


def evaluation_set(name: str, corpus: Path = DEFAULT_CORPUS_DIR,
                   per_source: int | None = None) -> list[LabelledDoc]:
    """The labelled documents of one of EVAL_SETS (see the module's docstring)."""
    if name == "tuning":
        return labelled_documents(corpus, per_source=per_source)
    directories = {"heldout": HELDOUT_DIR, "udhr": UDHR_DIR}
    if name not in directories:
        raise ValueError(f"unknown evaluation set {name!r}: one of {', '.join(EVAL_SETS)}")
    docs = [LabelledDoc(d.id, d.label, d.source, " ".join(d.text.split()))
            for d in read_samples(directories[name])]
    return [d for d in docs if len(d.text) >= MIN_CHARS]


Detector = Callable[[str], "LanguageGuess"]  # noqa: F821 (pipeline.types.LanguageGuess)


@dataclass
class DetectorScore:
    """Accuracy per label and prefix length, cost per document, and the confusions."""

    name: str
    correct: dict[tuple[str, int], int]
    total: dict[tuple[str, int], int]
    seconds: float  # detection time over the whole documents (the detector bounds its sample)
    documents: int
    confusions: dict[tuple[str, int], Counter]
    errors: list[tuple[LabelledDoc, int, str | None]]

    def accuracy(self, label: str, prefix: int) -> float:
        return self.correct.get((label, prefix), 0) / self.total[(label, prefix)]

    def ms_per_document(self) -> float:
        return 1000 * self.seconds / self.documents if self.documents else 0.0


def score_detector(name: str, detect: Detector, docs: list[LabelledDoc],
                   prefixes: tuple[int, ...] = PREFIXES) -> DetectorScore:
    correct: dict[tuple[str, int], int] = defaultdict(int)
    total: dict[tuple[str, int], int] = defaultdict(int)
    confusions: dict[tuple[str, int], Counter] = defaultdict(Counter)
    errors: list[tuple[LabelledDoc, int, str | None]] = []
    detect(docs[0].text if docs else "warm up")  # model loading is not per-article cost
    for doc in docs:
        for prefix in prefixes:
            got = detect(doc.text[:prefix]).language
            total[(doc.label, prefix)] += 1
            if got == doc.language:
                correct[(doc.label, prefix)] += 1
            else:
                confusions[(doc.label, prefix)][got] += 1
                errors.append((doc, prefix, got))
    started = time.perf_counter()
    for doc in docs:
        detect(doc.text)
    seconds = time.perf_counter() - started
    return DetectorScore(name, dict(correct), dict(total), seconds, len(docs), dict(confusions), errors)


def format_scores(scores: list[DetectorScore], prefixes: tuple[int, ...] = PREFIXES) -> str:
    """One row per label: document count, then accuracy per prefix for each detector."""
    labels = sorted({label for s in scores for (label, _) in s.total})
    head = f"{'label':8} {'docs':>5} " + " ".join(
        f"{s.name[:12] + '@' + str(p):>17}" for s in scores for p in prefixes)
    lines = [head, "-" * len(head)]
    for label in labels:
        docs = scores[0].total.get((label, prefixes[0]), 0)
        cells = " ".join(f"{100 * s.accuracy(label, p):>16.1f}%" for s in scores for p in prefixes)
        lines.append(f"{label:8} {docs:>5} {cells}")
    lines.append("")
    for s in scores:
        lines.append(f"{s.name}: {s.ms_per_document():.2f} ms per document (whole text in, bounded sample)")
        for prefix in prefixes:
            worst = [f"{label}->" + ",".join(f"{k}:{v}" for k, v in counter.most_common(3))
                     for (label, at), counter in sorted(s.confusions.items()) if at == prefix]
            lines.append(f"  confusions at {prefix}: {' '.join(worst) or '-'}")
    return "\n".join(lines)


@dataclass
class PipelineCost:
    """Wall and CPU seconds (CPU: this process, all threads) of the pipeline and of langid alone."""

    articles: int
    pipeline_wall: float  # extract_article, every stage, langid included
    pipeline_cpu: float
    langid_wall: float  # detect_language on the same cleaned texts
    langid_cpu: float

    def line(self) -> str:
        def ms(seconds: float) -> float:
            return 1000 * seconds / self.articles

        return (f"{self.articles} news articles (after one warm-up article per language):\n"
                f"  pipeline (extract_article): {ms(self.pipeline_wall):.1f} ms wall, {ms(self.pipeline_cpu):.1f} ms CPU per article\n"
                f"  language detection:         {ms(self.langid_wall):.2f} ms wall, {ms(self.langid_cpu):.2f} ms CPU per article"
                f" = {100 * self.langid_wall / self.pipeline_wall:.1f}% (wall), "
                f"{100 * self.langid_cpu / self.pipeline_cpu:.1f}% (CPU) of the pipeline")


def _timed(function, items) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        function(item)
    return time.perf_counter() - wall, time.process_time() - cpu


def pipeline_cost(corpus: Path, per_language: int) -> PipelineCost:
    """Time the whole pipeline and language detection alone on the same real news articles."""
    from pipeline.ingest.cleaning import article_text, clean_text
    from pipeline.run.extract import extract_article
    from pipeline.nlp.langid import detect_language
    from pipeline.ingest.readers import read_jsonl_file
    from pipeline.types import RawArticle

    articles: list[RawArticle] = []
    warm_up: list[RawArticle] = []
    for path in sorted((corpus / "news").glob("bsnlp-*.jsonl.gz")):
        items = [item for item in read_jsonl_file(path) if isinstance(item, RawArticle)]
        step = max(1, len(items) // (per_language + 1))
        chosen = items[::step][: per_language + 1]
        warm_up.append(chosen[0])
        articles.extend(chosen[1:])
    for article in warm_up:  # models load here, not in the timed loop
        extract_article(article)
    pipeline_wall, pipeline_cpu = _timed(extract_article, articles)
    texts = [clean_text(article_text(a)).text for a in articles]
    langid_wall, langid_cpu = _timed(detect_language, texts)
    return PipelineCost(len(articles), pipeline_wall, pipeline_cpu, langid_wall, langid_cpu)

"""One article through every stage: text -> cleaning -> language -> engine -> rule stages -> record."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime

from pipeline import __version__
from pipeline.stages.agreements import find_agreements
from pipeline.stages.areas import find_areas
from pipeline.stages.cities import find_cities
from pipeline.ingest.cleaning import article_text, clean_text
from pipeline.stages.dates import find_dates
from pipeline.stages.furniture import without_furniture
from pipeline.nlp.langid import detect_language
from pipeline.stages.officials import find_officials
from pipeline.nlp.routing import engine_for
from pipeline.rules import rules_hash_in_force, rules_source
from pipeline.run.stage_cache import StageRunner, direct
from pipeline.types import AnnotatedDoc, CleanText, LanguageGuess, RawArticle
from schemas.record import ArticleRecord, ErrorRecord, Provenance, StageModels, Status, TrimmedItem


DEFAULT_MAX_CHARS = 20_000_000


@dataclass(frozen=True)
class Outcome:
    """What one article gave: a record, an error line, or both (a record with a non-ok status)."""

    record: ArticleRecord | None
    error: ErrorRecord | None


class ArticleError(Exception):
    """An article that cannot be extracted; the message is the recorded reason."""


def normalise_published(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD, YYYY-MM or YYYY) from the input's `published` field, else None."""
    value = (value or "").strip()
    full = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if full:
        try:
            return date(*(int(g) for g in full.groups())).isoformat()
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}(-\d{2})?", value):
        return value
    for fmt in ("%d.%m.%Y", "%d/%m/%Y", "%a, %d %b %Y %H:%M:%S %z", "%d %B %Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _provenance(article: RawArticle, guess: LanguageGuess | None, engine_model: str | None) -> Provenance:
    return Provenance(
        package_version=__version__,
        rules_hash=rules_hash_in_force(),
        models=StageModels(language=guess.method if guess else None, engine=engine_model, rules=rules_source()),
        language_probability=guess.probability if guess else None,
        language_runner_up=guess.runner_up if guess else None,
        language_runner_up_probability=guess.runner_up_probability if guess else None,
        source=article.source,
        input_encoding=article.encoding,
    )


def _record(article: RawArticle, clean: CleanText, guess: LanguageGuess, status: Status,
            reason: str | None, engine_model: str | None, **fields) -> ArticleRecord:
    values = dict(cities=[], officials=[], dates=[], agreements=[], areas=[], warnings=[],
                  published=normalise_published(article.published))
    values.update(fields)
    values["warnings"] = list(article.warnings) + values["warnings"]
    return ArticleRecord(
        id=article.id, status=status, reason=reason, language=guess.language,
        url=article.url, title=article.title, text=clean.text,
        trimmed=[TrimmedItem(reason=t.reason, text=t.text, chars=t.chars) for t in clean.trimmed],
        provenance=_provenance(article, guess, engine_model), **values,
    )


def annotate(clean: CleanText, language: str) -> tuple[AnnotatedDoc | None, list[str]]:
    engine, warnings = engine_for(language)
    if engine is None:
        return None, warnings
    doc = engine.annotate(clean.text, language)
    return doc, warnings + doc.warnings


def annotate_many(cleans: list[CleanText], language: str) -> list[tuple[AnnotatedDoc | None, list[str]]]:
    """``annotate`` of several texts of one language, batched by the engine."""
    engine, warnings = engine_for(language)
    if engine is None:
        return [(None, list(warnings)) for _ in cleans]
    docs = engine.annotate_many([c.text for c in cleans], language)
    return [(doc, warnings + doc.warnings) for doc in docs]


def extract_from_doc(article: RawArticle, clean: CleanText, guess: LanguageGuess,
                     doc: AnnotatedDoc, warnings: list[str], run_stage: StageRunner = direct) -> ArticleRecord:
    """The rule stages on an annotated document (the part a rules-only re-run repeats).

    ``run_stage`` runs one stage given its inputs; the batch driver passes a
    ``StageMemo``'s, which takes a stage's result from the cache when nothing it reads changed.
    """
    published = normalise_published(article.published)
    doc = without_furniture(doc)  # GOLD.md: nothing from page furniture counts, for any stage
    dates = run_stage("dates", lambda: find_dates(doc, published), extra=published or "")
    cities = run_stage("cities", lambda: find_cities(doc))
    officials = run_stage("officials", lambda: find_officials(doc, cities), ("cities",))
    agreements = run_stage("agreements", lambda: find_agreements(doc, cities, officials, dates.dates),
                           ("cities", "officials", "dates"))
    areas = run_stage("areas", lambda: find_areas(doc, cities, agreements), ("cities", "agreements"))
    return _record(
        article, clean, guess, Status.ok, None, doc.model,
        published=dates.published, cities=cities, officials=officials, dates=dates.dates,
        agreements=agreements, areas=areas, warnings=warnings,
    )


def max_chars() -> int:
    """The longest text (or HTML page) extracted; a longer one is refused rather than exhaust memory."""
    return int(os.environ.get("CITYLINKS_MAX_CHARS", DEFAULT_MAX_CHARS))


def prepare(article: RawArticle, detect=detect_language) -> tuple[CleanText, LanguageGuess]:
    size, limit = len(article.text or article.html or ""), max_chars()
    if size > limit:
        raise ArticleError(f"text too long: {size:,} characters, the limit is {limit:,} "
                           "(set CITYLINKS_MAX_CHARS to raise it)")
    text = article_text(article)
    if not text.strip():
        raise ArticleError("empty text" if article.html is None else "HTML page with no extractable main text")
    clean = clean_text(text)
    if not clean.text.strip():
        raise ArticleError("nothing left after trimming boilerplate")
    return clean, detect(clean.text)


def extract_article(article: RawArticle, detect=detect_language, annotator=annotate, stage_runner=None) -> Outcome:
    """Run every stage on one article; a failure becomes an error line, never an exception.

    ``detect`` and ``annotator`` are the model stages and ``stage_runner(clean, doc)`` gives
    the rule stages' runner; the batch driver passes cached versions (pipeline.run.cache.CachedStages).
    """
    try:
        clean, guess = prepare(article, detect)
    except Exception as exc:  # a bug on one article must not stop the batch
        return note_renamed(article, _failed(article, exc))
    return extract_prepared(article, clean, guess, annotator, stage_runner)


def extract_prepared(article: RawArticle, clean: CleanText, guess: LanguageGuess, annotator=annotate,
                     stage_runner=None) -> Outcome:
    """The stages after cleaning and language identification (the batch driver prepares a chunk first)."""
    return note_renamed(article, _extract_prepared(article, clean, guess, annotator, stage_runner))


def note_renamed(article: RawArticle, outcome: Outcome) -> Outcome:
    """An article whose id repeated an earlier one's also gets a line in the errors file."""
    if article.renamed_from is None:
        return outcome
    note = f"repeated id '{article.renamed_from}': recorded as '{article.id}'"
    error = outcome.error
    reason = f"{error.reason}; {note}" if error else note
    return Outcome(outcome.record, ErrorRecord(id=article.id, source=article.source, reason=reason,
                                               recorded=outcome.record is not None))


def _extract_prepared(article: RawArticle, clean: CleanText, guess: LanguageGuess, annotator,
                      stage_runner) -> Outcome:
    try:
        if guess.language is None:
            return _unrouted(article, clean, guess, Status.undetermined_language,
                             "language could not be determined")
        doc, warnings = annotator(clean, guess.language)
        if doc is None:
            return _unrouted(article, clean, guess, Status.unsupported_language,
                             f"no route for language '{guess.language}' in models/routes.yaml")
        run_stage = stage_runner(clean, doc) if stage_runner is not None else direct
        return Outcome(extract_from_doc(article, clean, guess, doc, warnings, run_stage), None)
    except Exception as exc:  # a bug on one article must not stop the batch
        return _failed(article, exc)


def _failed(article: RawArticle, exc: Exception) -> Outcome:
    reason = str(exc) if isinstance(exc, ArticleError) else f"internal error: {type(exc).__name__}: {exc}"
    return Outcome(None, ErrorRecord(id=article.id, source=article.source, reason=reason, recorded=False))


def _unrouted(article: RawArticle, clean: CleanText, guess: LanguageGuess, status: Status, reason: str) -> Outcome:
    record = _record(article, clean, guess, status, reason, None)
    return Outcome(record, ErrorRecord(id=article.id, source=article.source, reason=reason, recorded=True))

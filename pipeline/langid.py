"""Language identification (first version: langdetect with a fixed seed, on a bounded prefix)."""
from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from pipeline.types import LanguageGuess

DetectorFactory.seed = 0
PREFIX_CHARS = 1000
METHOD = "langdetect-1.0.9/seed0"


def detect_language(text: str) -> LanguageGuess:
    sample = text[:PREFIX_CHARS]
    try:
        guesses = detect_langs(sample)
    except LangDetectException:
        return LanguageGuess(None, 0.0, method=METHOD)
    best = guesses[0]
    runner = guesses[1] if len(guesses) > 1 else None
    return LanguageGuess(
        best.lang.split("-")[0], round(best.prob, 4),
        runner.lang.split("-")[0] if runner else None,
        round(runner.prob, 4) if runner else None, METHOD,
    )

"""Words per second of an engine on real news text (the BSNLP news dump in ../shared/corpus/news)."""
from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

from pipeline.nlp.engines import Engine
from pipeline.training.recipes import corpus_root


def news_path(language: str) -> Path:
    return corpus_root().parent / "news" / f"bsnlp-{language}.jsonl.gz"


def news_texts(language: str, limit: int = 60) -> list[str]:
    """The first `limit` article texts of a language (empty when there is no news file)."""
    path = news_path(language)
    if not path.exists():
        return []
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for line in stream:
            text = json.loads(line).get("text") or ""
            if text.strip():
                texts.append(text)
            if len(texts) >= limit:
                break
    return texts


def words_per_second(engine: Engine, language: str, texts: list[str]) -> dict:
    """Annotate every text once after one warm-up; words are the tokens of the AnnotatedDoc."""
    if not texts:
        return {"words": 0, "seconds": 0.0, "words_per_second": None, "articles": 0}
    engine.annotate(texts[0], language)
    started = time.perf_counter()
    words = sum(len(engine.annotate(text, language).tokens) for text in texts)
    seconds = time.perf_counter() - started
    return {"words": words, "seconds": round(seconds, 2), "articles": len(texts),
            "words_per_second": round(words / seconds) if seconds else None}


def record_speed(model_dir: Path, language: str) -> dict:
    """Measure an embedded model inside its full engine and store the figure in its meta.json."""
    from pipeline.nlp.engines.spacy_engine import SpacyEngine
    from pipeline.nlp.engines.stanza_engine import StanzaEngine
    from pipeline.nlp.routing import routes_table

    spec = routes_table().languages[language].lemmatizer
    is_stanza = (model_dir / "ner.pt").exists()
    engine = StanzaEngine.from_path(model_dir, spec, language) if is_stanza else SpacyEngine.from_path(model_dir, spec)
    speed = words_per_second(engine, language, news_texts(language))
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.setdefault("citylinks", {})["speed"] = speed
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return speed

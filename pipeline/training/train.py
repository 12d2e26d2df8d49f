"""Train one compact spaCy NER model from its recipe, score it on the held-out split, save it.

The model is a small hash-embedding CNN (no pretrained vectors) with a
transition-based NER head; it is saved with spaCy's ``to_disk`` layout under
``models/<name>/`` and its ``meta.json`` records the training data, the split
and the held-out scores. The engine adds the project's sentence and lemma
components when it loads the model (see pipeline/nlp/engines/spacy_engine.py).
"""
from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import compounding, minibatch

from pipeline.nlp.engines.spacy_engine import blank_nlp, load_pipeline, numpy_ops
from pipeline.training.corpora import READERS, Sentence, held_out, label_counts
from pipeline.training.recipes import Recipe, Settings, corpus_root

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Split:
    train: list[Sentence] = field(default_factory=list)
    dev: list[Sentence] = field(default_factory=list)
    held_out: dict[str, list[Sentence]] = field(default_factory=dict)  # source name -> sentences
    description: list[dict] = field(default_factory=list)


def split_corpora(recipe: Recipe, settings: Settings, root: Path | None = None) -> Split:
    """Read every source of the recipe and divide it into train / dev / held-out."""
    root = root or corpus_root()
    split = Split()
    for source in recipe.sources:
        sentences = list(READERS[source.reader](root / source.path, dict(source.label_map)))
        kept, held = [], []
        for sent in sentences:
            is_held = source.split == "test" or (
                source.split == "by_document" and held_out(sent.doc_id, source.held_out_fraction))
            (held if is_held else kept).append(sent)
        dev = [s for s in kept if held_out(s.doc_id, settings.dev_fraction, salt="citylinks-dev")]
        train = [s for s in kept if not held_out(s.doc_id, settings.dev_fraction, salt="citylinks-dev")]
        split.train += train * source.repeat
        split.dev += dev
        if held:
            split.held_out[source.name] = held
        split.description.append({
            "name": source.name, "path": source.path, "split": source.split, "repeat": source.repeat,
            "train_sentences": len(train), "dev_sentences": len(dev), "held_out_sentences": len(held),
            "held_out_documents": len({s.doc_id for s in held}),
            "train_words": sum(len(s.words) for s in train),
            "train_entities": label_counts(train), "held_out_entities": label_counts(held),
        })
    return split


def ner_config(settings: Settings) -> dict:
    t2v = settings.tok2vec
    return {"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
        "extra_state_tokens": False, "hidden_width": settings.hidden_width, "maxout_pieces": 2,
        "use_upper": True, "nO": None,
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": t2v.width,
                      "attrs": list(t2v.rows), "rows": list(t2v.rows.values()),
                      "include_static_vectors": False},
            "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": t2v.width,
                       "depth": t2v.depth, "window_size": t2v.window_size, "maxout_pieces": t2v.maxout_pieces},
        },
    }}


def build_nlp(language: str, settings: Settings, labels: list[str]) -> Language:
    nlp = blank_nlp(language)
    with numpy_ops():
        ner = nlp.add_pipe("ner", config=ner_config(settings))
    for label in labels:
        ner.add_label(label)
    return nlp


def to_examples(nlp: Language, sentences: list[Sentence]) -> list[Example]:
    examples = []
    for sent in sentences:
        words, spaces = list(sent.words), list(sent.spaces)
        predicted = Doc(nlp.vocab, words=words, spaces=spaces)
        reference = Doc(nlp.vocab, words=words, spaces=spaces, ents=list(sent.tags))
        examples.append(Example(predicted, reference))
    return examples


@dataclass
class TrainResult:
    epochs: int
    best_epoch: int
    best_dev_f: float
    cpu_seconds: float
    wall_seconds: float
    stopped_by: str


def train(nlp: Language, train_ex: list[Example], dev_ex: list[Example], settings: Settings,
          log: Log = _stderr) -> TrainResult:
    """Epochs over shuffled training sentences; keeps the weights of the best dev epoch."""
    rng = random.Random(settings.seed)
    spacy.util.fix_random_seed(settings.seed)
    optimizer = nlp.initialize(lambda: train_ex[:2000])
    # The cap is CPU time, not wall time, so a busy shared machine trains the same model.
    started, cpu_started = time.monotonic(), time.process_time()
    cpu_budget = settings.max_cpu_minutes * 60
    best = (-1.0, 0, nlp.to_bytes())
    stopped_by, epoch = "max_epochs", 0
    for epoch in range(1, settings.max_epochs + 1):
        order = train_ex[:]
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch(order, size=compounding(8.0, 64.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=settings.dropout, losses=losses)
            if time.process_time() - cpu_started > cpu_budget:
                stopped_by = "max_cpu_minutes"
                break
        dev_f = nlp.evaluate(dev_ex)["ents_f"] or 0.0
        log(f"  epoch {epoch}: loss {losses.get('ner', 0):.0f}, dev F {dev_f:.3f}, "
            f"{time.process_time() - cpu_started:.0f}s CPU, {time.monotonic() - started:.0f}s wall")
        if dev_f > best[0]:
            best = (dev_f, epoch, nlp.to_bytes())
        if stopped_by == "max_cpu_minutes":
            break
        if epoch - best[1] >= settings.patience:
            stopped_by = "patience"
            break
    nlp.from_bytes(best[2])
    return TrainResult(epoch, best[1], round(best[0], 4), round(time.process_time() - cpu_started, 1),
                       round(time.monotonic() - started, 1), stopped_by)


def score(nlp: Language, examples: list[Example]) -> dict:
    """Exact-match entity P/R/F1, overall and per label (spaCy's Scorer)."""
    scores = nlp.evaluate(examples)
    per_label = {
        label: {k: round(v, 4) for k, v in values.items()}
        for label, values in sorted((scores.get("ents_per_type") or {}).items())
    }
    return {"p": round(scores["ents_p"] or 0.0, 4), "r": round(scores["ents_r"] or 0.0, 4),
            "f": round(scores["ents_f"] or 0.0, 4), "per_label": per_label,
            "sentences": len(examples)}


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def train_model(name: str, recipe: Recipe, settings: Settings, out_dir: Path, log: Log = _stderr) -> dict:
    """The whole recipe: split, train, score on held-out, save with meta. Returns the meta."""
    split = split_corpora(recipe, settings)
    labels = sorted({t[2:] for s in split.train for t in s.tags if t != "O"})
    log(f"{name}: {len(split.train)} training sentences, {len(split.dev)} dev, "
        f"{sum(len(v) for v in split.held_out.values())} held out; labels {labels}")
    nlp = build_nlp(recipe.language, settings, labels)
    result = train(nlp, to_examples(nlp, split.train), to_examples(nlp, split.dev), settings, log)
    held = {source: score(nlp, to_examples(nlp, sents)) for source, sents in split.held_out.items()}
    all_held = [s for sents in split.held_out.values() for s in sents]
    held_all = score(nlp, to_examples(nlp, all_held)) if len(split.held_out) > 1 else next(iter(held.values()))
    nlp = without_training_strings(nlp)
    nlp.meta.update({
        "name": name,
        "version": settings.version,
        "description": f"citylinks compact NER ({', '.join(labels)}) for {recipe.language}",
        "license": recipe.licence,
        "sources": [{"name": s.name, "path": s.path, "split": s.split} for s in recipe.sources],
        "labels": {"ner": labels},
        "citylinks": {
            "training": split.description, "settings": settings.model_dump(),
            "result": result.__dict__, "held_out": {"all": held_all, "by_source": held},
            "official": [o.model_dump() for o in recipe.official],
        },
    })
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    log(f"{name}: held-out P {held_all['p']:.3f} R {held_all['r']:.3f} F {held_all['f']:.3f}; "
        f"{dir_size(out_dir) / 1e6:.1f} MB at {out_dir}")
    return nlp.meta


def without_training_strings(nlp: Language) -> Language:
    """A copy of the pipeline whose vocab holds no training words (the hash embeddings never need them).

    spaCy would otherwise save every word seen in training in vocab/strings.json,
    which is close to half of a compact model's size on disk.
    """
    fresh = blank_nlp(nlp.lang)
    config = nlp.get_pipe_config("ner")
    with numpy_ops():
        fresh.add_pipe("ner", config={"model": config["model"]})
    ner_bytes = nlp.get_pipe("ner").to_bytes(exclude=["vocab"])
    fresh.get_pipe("ner").from_bytes(ner_bytes, exclude=["vocab"])
    fresh.meta.update(nlp.meta)
    return fresh


def compact_model_dir(path: Path) -> None:
    """Rewrite a saved model without its training strings (same predictions, smaller)."""
    without_training_strings(load_pipeline(path)).to_disk(path)

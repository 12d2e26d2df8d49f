"""Train the embedded Stanza NER model (a BiLSTM-CRF from stanza.models.ner_tagger) for one language.

Stanza's NER trainer needs a pretrain word-vector file; none can be downloaded
here, so one is built from the training sentences themselves: count-based
vectors (positive PMI over a +-2 word window, reduced by a truncated SVD) for
the most frequent lowercased words. The model is saved as
``models/<lang>_stanza_ner/{ner.pt, pretrain.pt, resources.json, meta.json}``
and scored on the same held-out documents as the spaCy model of that language.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pipeline.training.corpora import Sentence, label_counts
from pipeline.training.recipes import Recipe, Settings
from pipeline.training.train import Log, _stderr, dir_size, split_corpora

VECTOR_DIM = 32
VOCAB_SIZE = 12000
CONTEXT_SIZE = 2000
WINDOW = 2
STANZA_ARGS = {  # a compact tagger: small LSTMs, character model on, no charlm / transformer
    "hidden_dim": 128, "char_hidden_dim": 64, "char_emb_dim": 32, "batch_size": 32,
    "optim": "adam", "lr": 0.002, "eval_interval": 400, "max_steps_no_improve": 2000,
}


def count_vectors(sentences: list[Sentence], path: Path, seed: int) -> int:
    """Write word2vec-text vectors (PPMI + truncated SVD) for the frequent training words."""
    import torch

    counts = Counter(w.lower() for s in sentences for w in s.words)
    vocab = [w for w, n in counts.most_common(VOCAB_SIZE) if n >= 2 and " " not in w]
    contexts = [w for w, _ in counts.most_common(CONTEXT_SIZE)]
    row, col = {w: i for i, w in enumerate(vocab)}, {w: i for i, w in enumerate(contexts)}
    matrix = torch.zeros(len(vocab), len(contexts))
    for sent in sentences:
        words = [w.lower() for w in sent.words]
        for i, word in enumerate(words):
            if word not in row:
                continue
            for j in range(max(0, i - WINDOW), min(len(words), i + WINDOW + 1)):
                if j != i and words[j] in col:
                    matrix[row[word], col[words[j]]] += 1
    total = matrix.sum()
    expected = matrix.sum(1, keepdim=True) * matrix.sum(0, keepdim=True) / total
    ppmi = torch.clamp(torch.log((matrix * 1.0 + 1e-12) / (expected + 1e-12)), min=0) * (matrix > 0)
    torch.manual_seed(seed)
    u, s, _ = torch.svd_lowrank(ppmi, q=VECTOR_DIM, niter=4)
    vectors = u * torch.sqrt(s)
    vectors = vectors / vectors.norm(dim=1, keepdim=True).clamp(min=1e-6)
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"{len(vocab)} {VECTOR_DIM}\n")
        for word, vec in zip(vocab, vectors.tolist()):
            out.write(word + " " + " ".join(f"{x:.4f}" for x in vec) + "\n")
    return len(vocab)


def stanza_json(sentences: list[Sentence]) -> list[list[dict]]:
    return [[{"text": w, "ner": t} for w, t in zip(s.words, s.tags)] for s in sentences]


def entity_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """(start, end, label) token spans from BIO or BIOES tags."""
    spans, start, label = set(), None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, name = tag.partition("-")
        if start is not None and (prefix in ("O", "B", "S") or name != label):
            spans.add((start, i, label))
            start = None
        if prefix in ("B", "S") or (prefix in ("I", "E") and start is None):
            start, label = i, name
        if prefix in ("E", "S") and start is not None:
            spans.add((start, i + 1, label))
            start = None
    return spans


def prf(gold: Counter, pred: Counter, hit: Counter, label: str | None = None) -> dict:
    g = sum(gold.values()) if label is None else gold[label]
    p = sum(pred.values()) if label is None else pred[label]
    h = sum(hit.values()) if label is None else hit[label]
    precision, recall = (h / p if p else 0.0), (h / g if g else 0.0)
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f": round(f, 4)}


def score_tagger(tag_sentences, sentences: list[Sentence]) -> dict:
    """Exact-match P/R/F1 of `tag_sentences(list of word lists) -> list of tag lists`."""
    predicted = tag_sentences([list(s.words) for s in sentences])
    gold, pred, hit = Counter(), Counter(), Counter()
    for sent, tags in zip(sentences, predicted):
        g, p = entity_spans(list(sent.tags)), entity_spans(tags)
        gold.update(x[2] for x in g)
        pred.update(x[2] for x in p)
        hit.update(x[2] for x in g & p)
    labels = sorted(set(gold) | set(pred))
    return {**prf(gold, pred, hit), "per_label": {label: prf(gold, pred, hit, label) for label in labels},
            "sentences": len(sentences)}


def train_stanza_model(name: str, recipe: Recipe, settings: Settings, out_dir: Path,
                       max_steps: int = 1500, log: Log = _stderr) -> dict:
    from stanza.models import ner_tagger

    from pipeline.nlp.engines.stanza_engine import load_embedded_pipeline

    split = split_corpora(recipe, settings)
    log(f"{out_dir.name}: {len(split.train)} training sentences, {len(split.dev)} dev")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        words = count_vectors(split.train, tmp / "vectors.txt", settings.seed)
        from stanza.models.common.pretrain import Pretrain

        Pretrain(str(out_dir / "pretrain.pt"), str(tmp / "vectors.txt"), max_vocab=-1).load()
        (tmp / "train.json").write_text(json.dumps(stanza_json(split.train), ensure_ascii=False), encoding="utf-8")
        (tmp / "dev.json").write_text(json.dumps(stanza_json(split.dev), ensure_ascii=False), encoding="utf-8")
        args = ["--mode", "train", "--train_file", str(tmp / "train.json"), "--eval_file", str(tmp / "dev.json"),
                "--wordvec_pretrain_file", str(out_dir / "pretrain.pt"),
                "--shorthand", f"{recipe.language}_citylinks", "--save_dir", str(tmp),
                "--save_name", "ner.pt", "--max_steps", str(max_steps), "--seed", str(settings.seed), "--cpu",
                "--word_emb_dim", str(VECTOR_DIM)]
        for key, value in STANZA_ARGS.items():
            args += [f"--{key}", str(value)]
        started, cpu_started = time.monotonic(), time.process_time()
        ner_tagger.main(args)
        timing = {"cpu_seconds": round(time.process_time() - cpu_started, 1),
                  "wall_seconds": round(time.monotonic() - started, 1), "max_steps": max_steps}
        shutil.copy(tmp / "ner.pt", out_dir / "ner.pt")
    (out_dir / "resources.json").write_text("{}\n", encoding="utf-8")
    pipeline = load_embedded_pipeline(out_dir, recipe.language)

    def tag_sentences(word_lists):
        doc = pipeline(word_lists)
        return [[t.ner for t in sent.tokens] for sent in doc.sentences]

    held = {source: score_tagger(tag_sentences, sents) for source, sents in split.held_out.items()}
    meta = {
        "name": out_dir.name, "version": settings.version, "lang": recipe.language,
        "description": f"citylinks compact Stanza NER ({', '.join(sorted(label_counts(split.train)))}) "
                       f"for {recipe.language}",
        "license": recipe.licence, "labels": {"ner": sorted(label_counts(split.train))},
        "sources": [{"name": s.name, "path": s.path, "split": s.split} for s in recipe.sources],
        "citylinks": {
            "training": split.description, "settings": {**STANZA_ARGS, "vector_dim": VECTOR_DIM,
                                                       "pretrain_words": words},
            "result": timing, "held_out": {"all": next(iter(held.values())), "by_source": held},
            "official": [o.model_dump() for o in recipe.official],
            "architecture": (f"Stanza {__import__('stanza').__version__} BiLSTM-CRF tagger (hidden {STANZA_ARGS['hidden_dim']}, "
                             f"character LSTM {STANZA_ARGS['char_hidden_dim']}), {VECTOR_DIM}-d count-based "
                             f"word vectors over {words} training words (pretrain.pt), {max_steps} steps at most"),
        },
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    all_scores = meta["citylinks"]["held_out"]["all"]
    log(f"{out_dir.name}: held-out P {all_scores['p']:.3f} R {all_scores['r']:.3f} F {all_scores['f']:.3f}; "
        f"{dir_size(out_dir) / 1e6:.1f} MB")
    print(file=sys.stderr)
    return meta

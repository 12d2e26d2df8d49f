"""Model cards: models/<name>/README.md written from the model's meta.json (training data, scores, size, speed)."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.training.train import dir_size

LICENCE_NOTE = ("**Non-commercial.** The training data is licensed CC BY-NC-SA 4.0, so this model may only "
                "be used for non-commercial purposes and shared under the same terms.")


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def scores_table(held_out: dict) -> list[str]:
    lines = ["| held-out part | label | P | R | F1 |", "| --- | --- | --- | --- | --- |"]
    parts = dict(held_out.get("by_source", {}))
    if len(parts) > 1:
        parts = {"all held-out parts": held_out["all"], **parts}
    for part, scores in parts.items():
        for label, values in scores["per_label"].items():
            lines.append(f"| {part} | {label} | {_fmt(values['p'])} | {_fmt(values['r'])} | {_fmt(values['f'])} |")
        lines.append(f"| {part} | **all** | {_fmt(scores['p'])} | {_fmt(scores['r'])} | **{_fmt(scores['f'])}** |")
    return lines


def official_lines(official: list[dict]) -> list[str]:
    if not official:
        return ["No official model to compare with."]
    lines = ["| official model | metric | published figure | source | note |", "| --- | --- | --- | --- | --- |"]
    for item in official:
        value = item.get("value")
        shown = "not checked (no internet here; see source)" if value is None else str(value)
        if value is not None and not item.get("verified"):
            shown += " (quoted from memory, unverified)"
        lines.append(f"| {item['model']} | {item['metric']} | {shown} | {item['source']} | {item.get('note', '')} |")
    return lines


def training_lines(training: list[dict]) -> list[str]:
    lines = ["| corpus | path | use | train sentences (words) | held-out sentences (documents) | held-out entities |",
             "| --- | --- | --- | --- | --- | --- |"]
    use = {"train": "training", "test": "held out (its test part)", "by_document": "documents split by hash"}
    for part in training:
        held_entities = ", ".join(f"{k} {v}" for k, v in part["held_out_entities"].items()) or "-"
        lines.append(
            f"| {part['name']} | ../shared/corpus/ner/{part['path']} | {use[part['split']]} "
            f"| {part['train_sentences']} ({part['train_words']}) "
            f"| {part['held_out_sentences']} ({part['held_out_documents']}) | {held_entities} |")
    return lines


def official_for(meta: dict) -> list[dict]:
    """Published figures from the recipes file (kept there, so a correction needs no retraining)."""
    from pipeline.training.recipes import load_recipes

    recipe = load_recipes().models.get(meta["name"].replace("_stanza_ner", "_ner"))
    return [o.model_dump() for o in recipe.official] if recipe else meta["citylinks"].get("official", [])


def summary_table(models_dir: Path) -> str:
    """One markdown table over every embedded model: held-out P/R/F1 per label, size, words/s."""
    lines = ["| model | held-out data | label | P | R | F1 | size MB | words/s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for meta_path in sorted(models_dir.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        info = meta.get("citylinks", {})
        if "held_out" not in info:
            continue
        held = info["held_out"]["all"]
        parts = " + ".join(info["held_out"]["by_source"])
        size = f"{dir_size(meta_path.parent) / 1e6:.1f}"
        speed = (info.get("speed") or {}).get("words_per_second") or "-"
        for label, v in held["per_label"].items():
            lines.append(f"| {meta['name']} | {parts} | {label} | {_fmt(v['p'])} | {_fmt(v['r'])} | {_fmt(v['f'])} | | |")
        lines.append(f"| {meta['name']} | {parts} | **all** | {_fmt(held['p'])} | {_fmt(held['r'])} "
                     f"| **{_fmt(held['f'])}** | {size} | {speed} |")
    return "\n".join(lines) + "\n"


def trained(result: dict) -> str:
    how = (f"{result['epochs']} epochs" if "epochs" in result else f"at most {result['max_steps']} steps")
    line = (f"trained {how} ({result['cpu_seconds']} s CPU, {result['wall_seconds']} s wall on a shared "
            f"2-core machine")
    if "stopped_by" in result:
        line += (f", stopped by {result['stopped_by']}; best dev F {result['best_dev_f']} "
                 f"at epoch {result['best_epoch']}")
    return line + ")"


def architecture(meta: dict) -> str:
    info = meta["citylinks"]
    if "architecture" in info:
        return info["architecture"]
    t2v = info["settings"]["tok2vec"]
    return (f"spaCy {meta.get('spacy_version', '')}: hash-embedding CNN tok2vec (width {t2v['width']}, depth "
            f"{t2v['depth']}, rows {t2v['rows']}) + transition-based NER, no pretrained vectors")


def render_card(model_dir: Path, meta: dict, speed: dict | None = None) -> str:
    info = meta["citylinks"]
    result = info["result"]
    non_commercial = "NC" in meta.get("license", "")
    lines = [
        f"# {meta['name']} {meta['version']} ({meta['lang']})", "",
        f"{meta['description']}. Embedded model of the citylinks routes table "
        f"(models/routes.yaml), trained by `python cli.py train-ner {meta['lang']}"
        f"{' --engine stanza' if 'stanza' in meta['name'] else ''}`.", "",
        "## Licence", "", meta["license"] + ".",
    ]
    if non_commercial:
        lines += ["", LICENCE_NOTE]
    lines += ["", "## Training data", ""] + training_lines(info["training"])
    lines += ["", "Held-out documents are never trained on. BSNLP documents are held out whole, chosen by a "
              "hash of the document id; a second hash picks the dev slice that chooses the best epoch."]
    if any(part["split"] == "by_document" for part in info["training"]):
        lines += ["", "BSNLP documents come in a few topics (brexit, covid-19, nord_stream, trump...) that name the "
                  "same people and places again and again, and held-out documents share those topics with the "
                  "training documents, so BSNLP held-out scores are optimistic for unseen news."]
    lines.append("")
    lines += ["## Labels", "", ", ".join(meta["labels"]["ner"]) + " (the project's common label set).", ""]
    lines += ["## Held-out scores (exact span match)", ""] + scores_table(info["held_out"])
    lines += ["", "## Published scores of official models, for comparison", ""] + official_lines(official_for(meta))
    lines += ["", "Official figures are measured on other corpora and splits; they show the order of magnitude "
              "a full-size model reaches, not a like-for-like comparison.", ""]
    lines += ["## Model", "", f"- {architecture(meta)}",
              f"- {trained(result)}",
              f"- size on disk: {dir_size(model_dir) / 1e6:.1f} MB"]
    if speed and speed.get("words_per_second"):
        lines.append(f"- speed: {speed['words_per_second']} words/s on this machine (full engine: tokenizer, "
                     f"sentences, lemmatizer, NER; {speed['articles']} BSNLP news articles, one process; "
                     f"`python cli.py models --bench {meta['lang']}` measures it again)")
    return "\n".join(lines) + "\n"


def write_card(model_dir: Path, speed: dict | None = None) -> Path:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    if speed is None:
        speed = meta.get("citylinks", {}).get("speed")
    path = model_dir / "README.md"
    path.write_text(render_card(model_dir, meta, speed), encoding="utf-8")
    return path

"""Commands of the language-identification area."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from pipeline.cli_app import app
from pipeline.measure.langid_eval import EVAL_SETS


@app.command("eval-langid")
def eval_langid(
    corpus: Path = typer.Option(None, "--corpus", help="The shared corpus directory (default: ../shared/corpus)."),
    per_source: Optional[int] = typer.Option(None, "--per-source", help="At most this many documents per source file."),
    consult_below: Optional[float] = typer.Option(None, "--consult-below",
                                                  help="Override langdetect.consult_below of the rules, to measure it."),
    mode: Optional[str] = typer.Option(None, "--lingua-mode", help="Override lingua.mode (low_accuracy|high_accuracy)."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Only these labels, comma-separated (e.g. hr,bs,sr-Latn)."),
    show_errors: int = typer.Option(0, "--errors", help="Print up to N misdetected documents at 300 characters."),
    pipeline_articles: int = typer.Option(0, "--pipeline-articles",
                                          help="Also time the full pipeline on N news articles per language."),
    skip_accuracy: bool = typer.Option(False, "--skip-accuracy", help="Only the pipeline timing."),
    sets: str = typer.Option(",".join(EVAL_SETS), "--set",
                             help="Evaluation sets, comma-separated, each printed apart: tuning (shared corpora + "
                                  "data/langid/*.txt), heldout (data/langid/heldout), udhr (data/langid/udhr)."),
) -> None:
    """Accuracy per language at 100/300/1000-character prefixes, langdetect alone vs the final detector."""
    from pipeline.nlp.langid import detect_language, detect_language_langdetect, langid_rules
    from pipeline.measure.langid_eval import DEFAULT_CORPUS_DIR, evaluation_set, format_scores, pipeline_cost, score_detector

    chosen = [name.strip() for name in sets.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(EVAL_SETS))
    if unknown:
        raise typer.BadParameter(f"unknown set(s) {', '.join(unknown)}: choose from {', '.join(EVAL_SETS)}",
                                 param_hint="--set")

    rules = langid_rules()
    updates = {}
    if consult_below is not None:
        updates["langdetect"] = rules.langdetect.model_copy(update={"consult_below": consult_below})
    if mode is not None:
        updates["lingua"] = rules.lingua.model_copy(update={"mode": mode})
    rules = rules.model_copy(update=updates) if updates else rules
    corpus = corpus or DEFAULT_CORPUS_DIR
    if pipeline_articles:
        typer.echo(pipeline_cost(corpus, pipeline_articles).line())
    if skip_accuracy:
        return
    for position, name in enumerate(chosen):
        docs = evaluation_set(name, corpus, per_source=per_source)
        if labels:
            docs = [d for d in docs if d.label in labels.split(",")]
        typer.echo(("\n" if position else "") + f"== set {name}: {len(docs)} labelled documents ==")
        if not docs:
            continue
        baseline = score_detector("langdetect", lambda t: detect_language_langdetect(t, rules), docs)
        final = score_detector("final", lambda t: detect_language(t, rules), docs)
        typer.echo(format_scores([baseline, final]))
        for doc, prefix, got in [e for e in final.errors if e[1] == 300][:show_errors]:
            typer.echo(f"\n[{doc.label} -> {got}] {doc.source} {doc.id}: {doc.text[:300]}")

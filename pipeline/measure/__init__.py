"""Evaluation and measurement: evaluate, diff, bench, language-id evaluation."""

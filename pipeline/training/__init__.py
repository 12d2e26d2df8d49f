"""Training the project's embedded NER models (`python cli.py train-ner LANG`)."""

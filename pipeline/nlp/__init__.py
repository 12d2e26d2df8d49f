"""The NLP layer: language id, routing, and the spaCy/Stanza engines that annotate a text."""

"""spaCy components of the project, registered as factories so any pipeline can add them.

- ``citylinks_sentences``: sentence starts for news text. A line break always ends
  a sentence (titles, paragraphs); ``. ! ? …`` end one when the next word starts
  with an upper-case letter, a digit or an opening quote/dash, except after a
  one-letter word (initials "В. Кличко", abbreviations "м. Київ").
- ``citylinks_lemmatizer``: fills ``token.lemma_`` from a backend of
  ``pipeline.engines.lemmas`` (pymorphy3 / simplemma / lowercase).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token

from pipeline.engines.lemmas import lemma_of, lemmatizer

SENTENCE_END = frozenset(".!?…")
CLOSING = frozenset("\"'»”’)]")
OPENING = frozenset("\"'«„“‘([—–-")


def _ends_sentence(doc: Doc, i: int) -> bool:
    """Does token i (terminal punctuation, maybe followed by closing quotes) end a sentence?"""
    token = doc[i]
    if not token.text or not set(token.text) <= SENTENCE_END:
        return False
    if token.text == "." and i > 0 and len(doc[i - 1].text) == 1 and doc[i - 1].text.isalpha() \
            and not doc[i - 1].whitespace_:
        return False
    j = i + 1
    while j < len(doc) and doc[j].text in CLOSING and not doc[j - 1].whitespace_:
        j += 1
    nxt = next((t for t in doc[j:] if not t.is_space), None) if j < len(doc) else None
    if nxt is None:
        return False
    if not (doc[j - 1].whitespace_ or doc[j].is_space):
        return False  # "3.5", "www.x.ua"
    first = nxt.text[0]
    return first.isupper() or first.isdigit() or first in OPENING


def sentence_starts(doc: Doc) -> list[bool]:
    starts = [False] * len(doc)
    if len(doc):
        starts[0] = True
    after_break = False
    for i, token in enumerate(doc):
        if token.is_space or not token.text.strip():
            after_break = after_break or "\n" in token.text
            continue
        if after_break:
            starts[i] = True
            after_break = False
        if "\n" in token.whitespace_:
            after_break = True
        if _ends_sentence(doc, i):
            j = i + 1
            while j < len(doc) and (doc[j].text in CLOSING or doc[j].is_space):
                j += 1
            if j < len(doc):
                starts[j] = True
    return starts


class CitylinksSentences:
    def __init__(self, paragraphs_only: bool):
        self.paragraphs_only = paragraphs_only

    def __call__(self, doc: Doc) -> Doc:
        starts = paragraph_starts(doc) if self.paragraphs_only else sentence_starts(doc)
        for token, start in zip(doc, starts):
            token.is_sent_start = start
        return doc


def paragraph_starts(doc: Doc) -> list[bool | None]:
    """Only the starts after line breaks (True), the rest left to a parser or senter (None)."""
    return [True if s and (i == 0 or _after_line_break(doc, i)) else None
            for i, s in enumerate(sentence_starts(doc))]


def _after_line_break(doc: Doc, i: int) -> bool:
    j = i - 1
    while j >= 0 and doc[j].is_space:
        if "\n" in doc[j].text:
            return True
        j -= 1
    return j >= 0 and "\n" in doc[j].whitespace_


@Language.factory("citylinks_sentences", assigns=["token.is_sent_start"],
                  default_config={"paragraphs_only": False})
def make_citylinks_sentences(nlp: Language, name: str, paragraphs_only: bool) -> CitylinksSentences:
    return CitylinksSentences(paragraphs_only)


class CitylinksLemmatizer:
    def __init__(self, spec: str, overwrite: bool):
        self.spec = spec
        self.overwrite = overwrite
        lemmatizer(spec)  # load the dictionaries now, not on the first article

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if self.overwrite or not token.lemma_:
                token.lemma_ = _lemma(self.spec, token)
        return doc


def _lemma(spec: str, token: Token) -> str:
    return token.text if token.is_space else lemma_of(spec, token.text)


@Language.factory("citylinks_lemmatizer", assigns=["token.lemma"],
                  default_config={"spec": "lowercase", "overwrite": False})
def make_citylinks_lemmatizer(nlp: Language, name: str, spec: str, overwrite: bool) -> CitylinksLemmatizer:
    return CitylinksLemmatizer(spec, overwrite)

"""spaCy components of the project, registered as factories so any pipeline can add them.

- ``citylinks_sentences``: sentence starts for news text. A line break always ends
  a sentence (titles, paragraphs); ``. ! ? …`` end one when the next word starts
  with an upper-case letter, a digit or an opening quote/dash, except after a
  one-letter word (initials "В. Кличко", abbreviations "м. Київ").
- ``citylinks_lemmatizer``: fills ``token.lemma_`` from a backend of
  ``pipeline.nlp.engines.lemmas`` (pymorphy3 / simplemma / lowercase).
"""

import numpy
from spacy.attrs import IS_SPACE, LEMMA, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.engines.lemmas import lemmatizer, lemmatizer_of_words

SENTENCE_END = frozenset(".!?…")
SENT_START_VALUE = {True: 1, False: -1, None: 0}  # spaCy's SENT_START: start, not a start, unknown
CLOSING = frozenset("\"'»”’)]")
OPENING = frozenset("\"'«„“‘([—–-")
# spaCy's Slovene tokenizer keeps about 800 lowercase "abbreviations" with their period, among them
# ordinary words ("mest.", "je.", "dan."): there such a token before a capitalised word ends the
# sentence unless it is one of the abbreviations that stand before a name or a title.
GLUED_PERIOD_KEPT = {
    "sl": frozenset({"dr", "mag", "prof", "doc", "ga", "gdč", "gosp", "sv", "ul", "št", "st", "mr", "dipl",
                     "akad", "inž", "asist", "prim", "izr", "red", "pok", "univ", "spec", "npr", "tj", "oz",
                     "vs", "cca", "mio", "mrd", "ing"}),
}


class _TokenView:
    """The token attributes sentence splitting and lemmas read, fetched from the Doc as whole columns
    (spaCy's per-token objects and attribute access cost more than the splitting itself)."""

    __slots__ = ("texts", "spaces", "is_space")

    def __init__(self, doc: Doc):
        # a token's text is its ORTH string (Doc.text would build a Token object per token to join them)
        orths, spaces, is_space = doc.to_array([ORTH, SPACY, IS_SPACE]).T.tolist()
        self.texts = list(map(doc.vocab.strings.__getitem__, orths))
        self.spaces = [" " if space else "" for space in spaces]
        self.is_space = [bool(flag) for flag in is_space]


def _glued_period(text: str, kept: frozenset[str] | None) -> bool:
    """A lowercase word the tokenizer kept with its period ("mest.") that is no abbreviation of ``kept``."""
    word = text[:-1]
    return kept is not None and len(text) > 2 and text[-1] == "." and word.isalpha() and word.islower() and word not in kept


def _ends_sentence(view: _TokenView, i: int, kept: frozenset[str] | None = None) -> bool:
    """Does token i (terminal punctuation, maybe followed by closing quotes) end a sentence?"""
    texts, spaces, is_space = view.texts, view.spaces, view.is_space
    text = texts[i]
    glued = _glued_period(text, kept)
    if not glued and (not text or not set(text) <= SENTENCE_END):
        return False
    if text == "." and i > 0 and len(texts[i - 1]) == 1 and texts[i - 1].isalpha() and not spaces[i - 1]:
        return False
    n = len(texts)
    j = i + 1
    while j < n and texts[j] in CLOSING and not spaces[j - 1]:
        j += 1
    nxt = next((k for k in range(j, n) if not is_space[k]), None)
    if nxt is None:
        return False
    if not (spaces[j - 1] or is_space[j]):
        return False  # "3.5", "www.x.ua"
    first = texts[nxt][0]
    return first.isupper() if glued else first.isupper() or first.isdigit() or first in OPENING


def sentence_starts(doc: Doc) -> list[bool]:
    view = _TokenView(doc)
    texts, spaces, is_space = view.texts, view.spaces, view.is_space
    kept = GLUED_PERIOD_KEPT.get(doc.lang_)
    n = len(texts)
    starts = [False] * n
    if n:
        starts[0] = True
    after_break = False
    for i, text in enumerate(texts):
        if is_space[i] or not text.strip():
            after_break = after_break or "\n" in text
            continue
        if after_break:
            starts[i] = True
            after_break = False
        if "\n" in spaces[i]:
            after_break = True
        if (text[0] in SENTENCE_END or (kept is not None and text[-1] == ".")) and _ends_sentence(view, i, kept):
            j = i + 1
            while j < n and (texts[j] in CLOSING or is_space[j]):
                j += 1
            if j < n:
                starts[j] = True
    return starts


class CitylinksSentences:
    def __init__(self, paragraphs_only: bool):
        self.paragraphs_only = paragraphs_only

    def __call__(self, doc: Doc) -> Doc:
        starts = paragraph_starts(doc) if self.paragraphs_only else sentence_starts(doc)
        if starts:
            # One array write: setting token.is_sent_start checks the whole doc's annotation on
            # every token, which made a 100,000-character text cost 10 s.
            values = numpy.array([SENT_START_VALUE[start] for start in starts], dtype="int64").astype("uint64")
            doc.from_array([SENT_START], values.reshape(-1, 1))
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
        if not len(doc):
            return doc
        lemmatize = lemmatizer_of_words(self.spec)
        orths, is_space = doc.to_array([ORTH, IS_SPACE]).T.tolist()
        lemmas = doc.to_array(LEMMA).tolist()  # one column
        strings = doc.vocab.strings
        of_word: dict[int, int] = {}  # ORTH -> LEMMA: each distinct word of the doc looked up once
        for i, orth in enumerate(orths):
            if self.overwrite or not lemmas[i]:
                lemma = of_word.get(orth)
                if lemma is None:
                    text = strings[orth]
                    lemma = of_word[orth] = strings.add(text if is_space[i] else lemmatize(text))
                lemmas[i] = lemma
        # one write: token.lemma_ per token costs more
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc


@Language.factory("citylinks_lemmatizer", assigns=["token.lemma"],
                  default_config={"spec": "lowercase", "overwrite": False})
def make_citylinks_lemmatizer(nlp: Language, name: str, spec: str, overwrite: bool) -> CitylinksLemmatizer:
    return CitylinksLemmatizer(spec, overwrite)

"""spaCy engine: an official package, an embedded model or a blank pipeline, plus the project's components.

Whatever the source, the pipeline gets the same two project components
(``pipeline.nlp.engines.components``): news-text sentence starts and a lemmatizer
(pymorphy3 for uk/ru, simplemma or lowercase for the others), so rule stages
always see sentences and lowercase lemmas.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import spacy
from thinc.api import use_ops
from spacy.attrs import IDS, IDX, IS_SPACE, LEMMA, LENGTH, SENT_START
from spacy.language import Language

import pipeline.nlp.engines.components  # noqa: F401  (registers the citylinks_* factories)
from pipeline.nlp.engines.windows import WINDOW_CHARS, annotate_in_windows
from pipeline.types import AnnotatedDoc, Entity, Span, Token

# Labels of official spaCy / Stanza models -> the project's set (pl_core_news uses NKJP names).
LABEL_MAP = {"PERSON": "PER", "PERS": "PER", "PERSNAME": "PER", "GPE": "LOC", "FAC": "LOC",
             "PLACENAME": "LOC", "GEOGNAME": "LOC", "ORGNAME": "ORG", "NORP": None}
COMMON_LABELS = ("PER", "LOC", "ORG", "JOB")
PIPE_BATCH_SIZE = 32
# A batch of nlp.pipe also ends at this many characters: the NER's arrays for a batch grow with its tokens,
# and 32 long Russian news articles at once took ~430 MB for an instant (the peak RSS of a worker).
# 60,000 (was 20,000; ~20 news articles) made annotation 5-9% cheaper in three runs over the 5,325 news
# articles (one process each, side by side with the old setting), for 8 MB more peak RSS.
PIPE_BATCH_CHARS = 60_000
# Lexemes kept in a pipeline's vocabulary for good (see SpacyEngine.learn_words): 10,000 word forms of
# the first articles cost ~7 MB per language and take the tokenizer from ~8 to ~1.1 ms per news article.
# 20,000 makes the tokenizer in memory zones faster once learnt (pl 4.4 -> 3.5, bg 2.6 -> 2.0 ms per
# article) but learning tokenizes every article twice until then (~400 news articles of a language):
# a loss until ~1,500 articles per language and worker, so on the 5,325 news of the bench.
PERMANENT_WORDS = 10_000


def numpy_ops():
    """Models built in this context multiply with numpy's BLAS, not BLIS.

    The BLIS wheel that thinc 8.3 requires (blis 1.3) runs its generic kernels here: 19 GFLOP/s on one
    core against 71 for numpy's OpenBLAS, so the NER's tok2vec took 25 instead of 11 ms per Slovene
    news article. The entities found are the same (dev and news output identical).
    """
    return use_ops("numpy", use_blis=False)


def load_pipeline(source: str | Path) -> Language:
    with numpy_ops():
        return spacy.load(source)


# The components whose reading of a word's lexeme attributes is known: the embedded NER reads the
# attributes its embedding lists (its config's ``attrs``) and IS_SPACE (its transitions); the project's
# own components read IS_SPACE and the doc's language (``Doc.lang_`` calls the LANG getter).
KNOWN_READERS = frozenset({"tok2vec", "ner", "citylinks_sentences", "citylinks_lemmatizer"})
ALWAYS_READ = ("IS_SPACE", "LANG")


def keep_read_lexeme_attributes(nlp: Language) -> Language:
    """Drop the lexeme attribute getters no component reads, when every component is known.

    spaCy calls each getter (is_stop, like_url, like_num... about 20 Python functions) for every new
    word, and in a memory zone every word outside the kept vocabulary is new in each article: on news
    that was 15-35% of the tokenizer's time. An attribute without a getter reads 0 or False, and
    nothing reads them; an official pipeline (tagger, parser, attribute ruler...) keeps them all."""
    if not set(nlp.pipe_names) <= KNOWN_READERS:
        return nlp
    read = set(ALWAYS_READ) | set(_embedding_attributes(nlp.config["components"]))
    ids = {IDS[name] for name in read}
    nlp.vocab.lex_attr_getters = {attr: get for attr, get in nlp.vocab.lex_attr_getters.items() if attr in ids}
    return nlp


def _embedding_attributes(config) -> list[str]:
    """Every ``attrs`` list in a components' config (the features its embeddings hash)."""
    if isinstance(config, dict):
        found = list(config["attrs"]) if isinstance(config.get("attrs"), list) else []
        return found + [name for value in config.values() for name in _embedding_attributes(value)]
    return []


class ModelUnavailable(Exception):
    """A model of a route that cannot be loaded here (not installed, missing files...)."""


def common_label(label: str) -> str | None:
    """Map an engine's label to the project's PER / LOC / ORG / JOB set (None: not kept)."""
    label = label.upper().removeprefix("B-").removeprefix("I-").removeprefix("S-").removeprefix("E-")
    mapped = LABEL_MAP.get(label, label)
    return mapped if mapped in COMMON_LABELS else None


def blank_nlp(language: str) -> Language:
    """spaCy's tokenizer for a language, or the multi-language one when spaCy has none (be, bs)."""
    try:
        return spacy.blank(language)
    except ImportError:
        return spacy.blank("xx")


def add_project_components(nlp: Language, lemmatizer_spec: str) -> Language:
    """Add sentence starts and lemmas to any pipeline (kept once: adding twice is a no-op)."""
    has_segmenter = any(nlp.has_pipe(n) for n in ("parser", "senter", "sentencizer"))
    if not nlp.has_pipe("citylinks_sentences"):
        nlp.add_pipe("citylinks_sentences", first=True, config={"paragraphs_only": has_segmenter})
    if not nlp.has_pipe("citylinks_lemmatizer"):
        nlp.add_pipe("citylinks_lemmatizer", config={"spec": lemmatizer_spec, "overwrite": False})
    return nlp


class SpacyEngine:
    def __init__(self, nlp: Language, model_id: str, lemmatizer_spec: str = "lowercase"):
        self.nlp = add_project_components(nlp, lemmatizer_spec)
        self.model_id = model_id
        self.learned = 0  # lexemes kept for good by learn_words

    @classmethod
    def blank(cls, language: str, lemmatizer_spec: str = "lowercase") -> "SpacyEngine":
        """Tokenizer, sentences and lemmas, no NER: the last fallback of every route."""
        nlp = keep_read_lexeme_attributes(blank_nlp(language))
        return cls(nlp, f"spacy:blank/{nlp.lang}@{spacy.__version__}", lemmatizer_spec)

    @classmethod
    def from_package(cls, package: str, lemmatizer_spec: str) -> "SpacyEngine":
        """An installed official pipeline such as uk_core_news_sm."""
        if not spacy.util.is_package(package):
            raise ModelUnavailable(f"spaCy package {package} is not installed")
        nlp = load_pipeline(package)
        return cls(nlp, f"spacy:package/{package}@{nlp.meta.get('version', '?')}", lemmatizer_spec)

    @classmethod
    def from_path(cls, path: Path, lemmatizer_spec: str) -> "SpacyEngine":
        """An embedded model trained by `citylinks train-ner`, loaded from models/<name>."""
        if not (path / "config.cfg").exists():
            raise ModelUnavailable(f"no spaCy model at {path} (train it with `python cli.py train-ner`)")
        nlp = keep_read_lexeme_attributes(load_pipeline(path))
        return cls(nlp, f"spacy:embedded/{path.name}@{nlp.meta.get('version', '?')}", lemmatizer_spec)

    @classmethod
    def with_slovnet(cls, language: str, package: str, lemmatizer_spec: str) -> "SpacyEngine":
        """spaCy's tokenizer with Slovnet's news NER (weights from the `package` wheel, natasha)."""
        from pipeline.nlp.engines.slovnet_ner import SlovnetUnavailable, model_version

        nlp = blank_nlp(language)
        try:
            nlp.add_pipe("citylinks_slovnet_ner", config={"package": package})
        except SlovnetUnavailable as exc:
            raise ModelUnavailable(str(exc)) from exc
        return cls(nlp, f"slovnet:{model_version(package)}", lemmatizer_spec)

    def learn_words(self, texts: list[str]) -> list:
        """Tokenize the texts outside a memory zone while the vocabulary is under ``PERMANENT_WORDS``; each
        text comes back as the Doc made so (the pipeline's components take it as it is: a text is tokenized
        once), or as itself once the vocabulary is full.

        Inside a memory zone spaCy's tokenizer caches nothing and builds every word's lexeme again in each
        zone, which made tokenizing cost 20 times a warm tokenizer. The words of the first articles (the
        frequent ones) stay in the vocabulary and the tokenizer's cache instead; a bounded set, so a
        worker's memory still does not grow with the corpus. The tokens are the same either way."""
        vocab = self.nlp.vocab
        inputs: list = []
        for text in texts:
            if self.learned >= PERMANENT_WORDS:
                inputs.append(text)
                continue
            size = len(vocab)  # counts every lexeme ever made, so the difference outside a zone
            inputs.append(self.nlp.tokenizer(text))
            self.learned += len(vocab) - size
        return inputs

    def annotate(self, text: str, language: str) -> AnnotatedDoc:
        if len(text) > WINDOW_CHARS:
            return annotate_in_windows(text, lambda part: self.annotate(part, language), WINDOW_CHARS)
        (tokenized,) = self.learn_words([text])
        with self.nlp.memory_zone():
            return doc_to_annotated(self.nlp(tokenized), language, self.model_id, text)

    def annotate_many(self, texts: list[str], language: str) -> list[AnnotatedDoc]:
        """The texts through ``nlp.pipe`` (batched NER), in order; each doc as ``annotate`` gives it
        (a text longer than a window is annotated alone, window by window).

        Both run in a memory zone: the strings and lexemes of the texts' new words are freed
        afterwards, so the vocabulary of a worker does not grow with every article it has seen."""
        short = [i for i, text in enumerate(texts) if len(text) <= WINDOW_CHARS]
        short_texts = [texts[i] for i in short]
        inputs = self.learn_words(short_texts)
        with self.nlp.memory_zone():
            piped = (doc for batch in pipe_batches(short_texts, PIPE_BATCH_SIZE, PIPE_BATCH_CHARS, inputs)
                     for doc in self.nlp.pipe(batch, batch_size=len(batch)))
            docs = {i: doc_to_annotated(doc, language, self.model_id, text)
                    for i, text, doc in zip(short, short_texts, piped)}
        return [docs[i] if i in docs else self.annotate(text, language) for i, text in enumerate(texts)]


def pipe_batches(texts: list[str], size: int, chars: int, inputs: list | None = None) -> Iterator[list]:
    """The texts in order, in batches of at most ``size`` texts and ``chars`` characters (a longer
    text is a batch of its own); ``inputs``: what to batch in their place (a text or its Doc)."""
    inputs = texts if inputs is None else inputs
    batch: list = []
    held = 0
    for text, item in zip(texts, inputs):
        if batch and (len(batch) == size or held + len(text) > chars):
            yield batch
            batch, held = [], 0
        batch.append(item)
        held += len(text)
    if batch:
        yield batch


def doc_to_annotated(doc, language: str, model_id: str, text: str | None = None) -> AnnotatedDoc:
    """``text``: the text the doc was made from, when the caller has it (spaCy rebuilds Doc.text
    from all its tokens on every access; its tokenizer never changes a character)."""
    text = doc.text if text is None else text
    sentences: list[Span] = []
    tokens: list[Token] = []
    first = None  # start offset of the sentence being built
    # Whole columns at once: reading token attributes one by one costs more than the NER.
    columns = doc.to_array([IDX, LENGTH, SENT_START, IS_SPACE, LEMMA]).tolist()
    pos_tags = [t.pos_ for t in doc] if doc.has_annotation("POS") else None
    strings = doc.vocab.strings
    lowered: dict[int, str] = {}  # a lemma's lowercase string, once per distinct lemma of the doc
    new_token = tuple.__new__  # a NamedTuple built from one tuple: its keyword __new__ costs more than the rest
    for i, (start, length, sent_start, is_space, lemma) in enumerate(columns):
        if sent_start == 1 and first is not None:
            sentences.append(Span(first, tokens[-1].end))
            first = None
        if is_space:
            continue
        if first is None:
            first = start
        word = text[start:start + length]
        if lemma:
            lemma_text = lowered.get(lemma)
            if lemma_text is None:
                lemma_text = lowered[lemma] = strings[lemma].lower()
        else:
            lemma_text = word.lower()
        tokens.append(new_token(Token, (word, start, start + length, lemma_text,
                                        pos_tags[i] if pos_tags else "", len(sentences))))
    if first is not None:
        sentences.append(Span(first, tokens[-1].end))
    entities = []
    for ent in doc.ents:
        label = common_label(ent.label_)
        # a name never runs over a line break; the slice is ent.text without joining its tokens
        end = ent.start_char + len(text[ent.start_char:ent.end_char].split("\n")[0].rstrip())
        if label and end > ent.start_char:
            entities.append(Entity(text[ent.start_char:end], ent.start_char, end, label, "ner"))
    return AnnotatedDoc(text=text, language=language, tokens=tokens,
                        sentences=sentences, entities=entities, model=model_id)

"""Slovnet's Russian news NER (natasha project) as a spaCy component.

The weights (Slovnet NER news v1 and the Navec news embeddings it reads, ~29 MB) ship inside
the ``natasha`` wheel on PyPI, so a route to this model needs no download at run time. Slovnet
runs on numpy; it tokenizes on its own, and its character spans are mapped onto the spaCy
tokens (a span that cuts a token is widened to whole tokens).
"""

import importlib.util
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

EMBEDDINGS = "emb/navec_news_v1_1B_250K_300d_100q.tar"
NER_MODEL = "model/slovnet_ner_news_v1.tar"


class SlovnetUnavailable(ImportError):
    """slovnet, navec or the natasha data package is not installed."""


def data_dir(package: str = "natasha") -> Path:
    """The data folder of the package carrying the weights, found without importing it
    (natasha's own __init__ imports its morphology stack, which the NER does not need)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SlovnetUnavailable(f"the {package} package (Slovnet's weights) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    for name in (EMBEDDINGS, NER_MODEL):
        if not (folder / name).is_file():
            raise SlovnetUnavailable(f"{folder / name} is missing")
    return folder


@lru_cache(maxsize=2)
def load_tagger(package: str = "natasha"):
    """Slovnet's NER tagger with its embeddings, once per process."""
    folder = data_dir(package)
    try:
        from navec import Navec
        from slovnet import NER
    except ImportError as exc:
        raise SlovnetUnavailable(f"slovnet/navec not installed ({exc})") from exc
    tagger = NER.load(str(folder / NER_MODEL))
    tagger.navec(Navec.load(str(folder / EMBEDDINGS)))
    return tagger


def model_version(package: str = "natasha") -> str:
    from importlib.metadata import version

    return f"{package}-{version(package)}/slovnet_ner_news_v1"


@Language.factory("citylinks_slovnet_ner", default_config={"package": "natasha"})
def make_slovnet_ner(nlp: Language, name: str, package: str):
    tagger = load_tagger(package)

    def set_entities(doc: Doc) -> Doc:
        spans = []
        for found in tagger(doc.text).spans:
            span = doc.char_span(found.start, found.stop, label=found.type, alignment_mode="expand")
            if span is not None and span.text.strip():
                spans.append(span)
        doc.ents = filter_spans(spans)
        return doc

    return set_entities

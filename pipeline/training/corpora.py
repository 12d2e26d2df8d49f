"""Readers for the annotated NER corpora in ../shared/corpus/ner (see SOURCES.md there).

Every reader yields ``Sentence`` objects: words, the space after each word, BIO
tags already mapped to the project's labels (PER / LOC / ORG / JOB; anything the
label map does not name becomes O), and the id of the document it comes from,
which decides the held-out split of corpora that have no test part.
"""
from __future__ import annotations

import gzip
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

NO_SPACE_BEFORE = frozenset(",.;:!?)]}»”%…")
NO_SPACE_AFTER = frozenset("([{«„“")


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    words: tuple[str, ...]
    spaces: tuple[bool, ...]
    tags: tuple[str, ...]  # BIO over the common labels


def guess_spaces(words: list[str]) -> list[bool]:
    """Spaces between tokens of a corpus that does not record them."""
    spaces = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        spaces.append(nxt is not None and nxt not in NO_SPACE_BEFORE and word not in NO_SPACE_AFTER)
    return spaces


def map_bio(tags: list[str], label_map: dict[str, str]) -> list[str]:
    """Map corpus BIO tags to common labels; an unmapped label becomes O, an orphan I- becomes B-."""
    out, previous = [], None
    for tag in tags:
        prefix, _, label = tag.partition("-")
        common = label_map.get(label) if label else None
        if prefix not in ("B", "I") or common is None:
            out.append("O")
            previous = None
            continue
        inside = prefix == "I" and previous == common
        out.append(("I-" if inside else "B-") + common)
        previous = common
    return out


def read_iob(path: Path, label_map: dict[str, str]) -> Iterator[Sentence]:
    """ner-uk: `word TAG` lines, a blank line between sentences, several between documents."""
    doc, words, tags, blanks = 0, [], [], 0
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            parts = line.split()
            if len(parts) < 2:
                blanks += 1
                if words:
                    yield _sentence(f"{path.stem}#{doc}", words, tags, label_map)
                    words, tags = [], []
                continue
            if blanks >= 2:
                doc += 1
            blanks = 0
            words.append(parts[0])
            tags.append(parts[-1])
    if words:
        yield _sentence(f"{path.stem}#{doc}", words, tags, label_map)


def _sentence(doc_id: str, words: list[str], tags: list[str], label_map: dict[str, str],
              spaces: list[bool] | None = None) -> Sentence:
    return Sentence(doc_id, tuple(words), tuple(spaces if spaces is not None else guess_spaces(words)),
                    tuple(map_bio(tags, label_map)))


def read_bsnlp(path: Path, label_map: dict[str, str]) -> Iterator[Sentence]:
    """BSNLP <lang>.tokens.tsv.gz: topic, doc, sentence, token, text, lemma, upos, ner."""
    key, words, tags = None, [], []
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        next(stream)  # header
        for line in stream:
            topic, doc, sent, _, text, _, _, ner = line.rstrip("\n").split("\t")
            if (topic, doc, sent) != key:
                if words:
                    yield _sentence(f"{key[0]}/{key[1]}", words, tags, label_map)
                key, words, tags = (topic, doc, sent), [], []
            words.append(text)
            tags.append(ner)
    if words:
        yield _sentence(f"{key[0]}/{key[1]}", words, tags, label_map)


def read_conllu_ner(path: Path, label_map: dict[str, str]) -> Iterator[Sentence]:
    """ssj500k CoNLL-U with the NER tag in the last column (B-per, I-loc, ...)."""
    doc_id, words, spaces, tags = "", [], [], []
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            line = line.rstrip("\n")
            if line.startswith("# sent_id"):
                doc_id = line.split("=", 1)[1].strip().rsplit(".", 1)[0]
            elif not line:
                if words:
                    yield _sentence(doc_id, words, tags, label_map, spaces)
                words, spaces, tags = [], [], []
            elif not line.startswith("#"):
                cols = line.split("\t")
                if "-" in cols[0] or "." in cols[0]:
                    continue
                words.append(cols[1])
                spaces.append("SpaceAfter=No" not in cols[9 if len(cols) > 10 else 8])
                tag = cols[-1]
                prefix, _, label = tag.partition("-")
                tags.append(f"{prefix}-{label.upper()}" if label else tag)
    if words:
        yield _sentence(doc_id, words, tags, label_map, spaces)


def read_factrueval(folder: Path, label_map: dict[str, str]) -> Iterator[Sentence]:
    """factRuEval-2016 (devset/ or testset/): tokens with offsets, spans, and objects over spans.

    An object's extent runs from its first to its last span ("мэрии Москвы" is an Org);
    where objects overlap the longest one is kept.
    """
    for tokens_path in sorted(folder.glob("*.tokens")):
        book = tokens_path.stem
        tokens = _factrueval_tokens(tokens_path)
        entities = _factrueval_entities(folder / f"{book}.spans", folder / f"{book}.objects", label_map)
        yield from _factrueval_sentences(book, tokens, entities)


def _factrueval_tokens(path: Path) -> list[list[tuple[int, int, str]]]:
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4:
            if current:
                sentences.append(current)
            current = []
            continue
        start, length, text = int(parts[1]), int(parts[2]), parts[3]
        current.append((start, start + length, text))
    if current:
        sentences.append(current)
    return sentences


def _factrueval_entities(spans_path: Path, objects_path: Path, label_map: dict[str, str]) -> list[tuple[int, int, str]]:
    spans = {}
    for line in spans_path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#")[0].split()
        if len(parts) >= 4:
            spans[parts[0]] = (int(parts[2]), int(parts[2]) + int(parts[3]))
    found = []
    for line in objects_path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#")[0].split()
        if len(parts) < 3 or parts[1] not in label_map:
            continue
        extents = [spans[s] for s in parts[2:] if s in spans]
        if extents:
            found.append((min(e[0] for e in extents), max(e[1] for e in extents), label_map[parts[1]]))
    kept: list[tuple[int, int, str]] = []
    for start, end, label in sorted(found, key=lambda e: (-(e[1] - e[0]), e[0], e[2])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, label))
    return sorted(kept)


def _factrueval_sentences(book: str, sentences, entities) -> Iterator[Sentence]:
    for tokens in sentences:
        tags = []
        for start, end, _ in tokens:
            hit = next((e for e in entities if e[0] <= start and end <= e[1]), None)
            if hit is None:
                tags.append("O")
            else:
                tags.append(("B-" if hit[0] == start else "I-") + hit[2])
        words = [t[2] for t in tokens]
        spaces = [i + 1 < len(tokens) and tokens[i + 1][0] > tokens[i][1] for i in range(len(tokens))]
        tags = _fix_partial_starts(tokens, tags, entities)
        yield Sentence(f"factRuEval/{book}", tuple(words), tuple(spaces), tuple(tags))


def _fix_partial_starts(tokens, tags: list[str], entities) -> list[str]:
    """An entity whose first character falls inside a token still starts with B- on that token."""
    out = []
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or out[i - 1] == "O"):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


READERS = {
    "iob": read_iob,
    "bsnlp": read_bsnlp,
    "conllu_ner": read_conllu_ner,
    "factrueval": read_factrueval,
}


def held_out(doc_id: str, fraction: float, salt: str = "citylinks-heldout") -> bool:
    """Deterministic document-level split: the same document is always on the same side."""
    digest = hashlib.sha256(f"{salt}:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def label_counts(sentences: list[Sentence]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for sent in sentences:
        for tag in sent.tags:
            if tag.startswith("B-"):
                counts[tag[2:]] += 1
    return dict(sorted(counts.items()))

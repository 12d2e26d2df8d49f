"""Syndicated copies: MinHash LSH (datasketch) over word shingles, queried as articles stream by."""
from __future__ import annotations

import hashlib
import re
import zlib

from datasketch import MinHash, MinHashLSH

from pipeline.dataset.spec import NearDuplicates

_WORD = re.compile(r"\w+")


def _hash32(data: bytes) -> int:
    return zlib.crc32(data)  # deterministic and ~10x faster than datasketch's sha1 default


class NearDuplicateIndex:
    """Says, for each text added, which earlier text it copies (None for an original)."""

    def __init__(self, rules: NearDuplicates):
        self.rules = rules
        self.lsh = MinHashLSH(threshold=rules.threshold, num_perm=rules.num_perm)
        self.exact: dict[bytes, str] = {}  # text digest -> first article with that text
        self.first_of: dict[str, str] = {}  # article in the LSH -> its original
        self.order: dict[str, int] = {}

    def _minhash(self, text: str) -> MinHash | None:
        words = _WORD.findall(text.casefold())
        n = self.rules.shingle_words
        if len(words) < n:
            return None
        shingles = [" ".join(words[i:i + n]).encode() for i in range(len(words) - n + 1)]
        signature = MinHash(num_perm=self.rules.num_perm, hashfunc=_hash32)
        signature.update_batch(shingles)
        return signature

    def add(self, article_id: str, text: str | None) -> str | None:
        if not text:
            return None
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if digest in self.exact:
            return self.first_of.get(self.exact[digest], self.exact[digest])
        self.exact[digest] = article_id
        self.order[article_id] = len(self.order)
        signature = self._minhash(text)
        if signature is None:
            return None
        matches = self.lsh.query(signature)
        self.lsh.insert(article_id, signature, check_duplication=False)
        if not matches:
            return None
        # the original of the earliest match, so that a chain of copies points at one article
        original = min((self.first_of.get(m, m) for m in matches), key=self.order.__getitem__)
        self.first_of[article_id] = original
        return original

"""Syndicated copies: MinHash LSH (datasketch) over word shingles, queried as articles stream by."""
from __future__ import annotations

import hashlib
import re
import zlib

from datasketch import MinHash, MinHashLSH

from pipeline.dataset.spec import NearDuplicates

_WORD = re.compile(r"\w+")
SCHEME = "affine32"  # datasketch 2 permutation scheme


class NearDuplicateIndex:
    """Says, for each text added, which earlier text it copies (None for an original)."""

    def __init__(self, rules: NearDuplicates):
        self.rules = rules
        self.lsh = MinHashLSH(threshold=rules.threshold, num_perm=rules.num_perm)
        # drawn once: MinHash draws its random permutations per object otherwise (~1 ms each)
        self.permutations = MinHash(num_perm=rules.num_perm, scheme=SCHEME).permutations
        self.exact: dict[bytes, str] = {}  # text digest -> the original of the first article with it
        self.order: dict[str, int] = {}  # originals in the order they came

    def _minhash(self, text: str) -> MinHash | None:
        words = [w.encode() for w in _WORD.findall(text.casefold())]
        n = self.rules.shingle_words
        if len(words) < n:
            return None
        shingles = [b" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
        # crc32: deterministic and much faster than datasketch's default sha1
        signature = MinHash(num_perm=self.rules.num_perm, hashfunc=zlib.crc32,
                            permutations=self.permutations, scheme=SCHEME)
        signature.update_batch(shingles)
        return signature

    def add(self, article_id: str, text: str | None) -> str | None:
        if not text:
            return None
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if digest in self.exact:
            return self.exact[digest]
        original = self._original(article_id, text)
        self.exact[digest] = original or article_id
        return original

    def _original(self, article_id: str, text: str) -> str | None:
        signature = self._minhash(text)
        if signature is None:
            return None
        matches = self.lsh.query(signature)
        if not matches:
            self.lsh.insert(article_id, signature, check_duplication=False)
            self.order[article_id] = len(self.order)
            return None
        # only originals are indexed, so a copy finds the original it copies (the earliest one)
        return min(matches, key=self.order.__getitem__)

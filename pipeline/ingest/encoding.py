"""Decoding input bytes: a BOM, valid UTF-8, an HTML page's declared charset, else detection.

Detection is charset-normalizer's, limited to the code pages our 13 languages were
written in, and its candidates are ranked by how plausible the decoded text is in
one of those languages: generic detectors confuse windows-1250 with ISO-8859-2
(Czech š is 0xB9 in one, Polish ą in the other) and KOI8-R with Shift-JIS on short
texts. A UTF-8 text with a few stray bytes stays UTF-8 with those bytes replaced.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Code pages of Cyrillic and Central European news dumps, most common first (the order breaks ties).
CANDIDATES = ("cp1251", "koi8_u", "koi8_r", "iso8859_5", "cp866", "mac_cyrillic",
              "cp1250", "iso8859_2", "cp1252", "latin_1")
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# The non-ASCII letters of each language (lower case): a decoding that yields letters
# outside every one of these alphabets is a wrong guess.
ALPHABETS = {
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя", "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя", "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш", "hr": "čćđšž", "sl": "čšž", "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž", "sk": "áäčďéíĺľňóôŕšťúýž", "de": "äöüß", "en": "",
}
LATIN = {"hr", "sl", "pl", "cs", "sk", "de", "en"}  # (Latin Serbian and Bosnian: as "hr")
_ACCENTED = "".join(ch + ch.upper() for ch in "čćđšžąęłńóśźżáďéěíňřťúůýäĺľôŕöüß")
_LOWER = "".join(sorted(set("".join(ALPHABETS.values())) | set("abcdefghijklmnopqrstuvwxyz")))
_ASCII_LETTER = re.compile("[A-Za-z]")
_CASE_SCRAMBLE = re.compile(f"[{_LOWER}][{_LOWER.upper()}]")  # a lower-case letter then an upper-case one
_SCRIPT_MIX = re.compile(f"[a-zA-Z{_ACCENTED}][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z{_ACCENTED}]")
_LONE_ACCENTED = re.compile(f"(?<!\\w)[{_ACCENTED}](?!\\w)")
NEUTRAL = set("«»„“”‘’‚–—…№°€§·•\u00a0\u2009\u202f\u200b\ufeff©®™")
SAMPLE_CHARS = 100_000  # plausibility is judged on the text's start
DETECT_BYTES = 1 << 20
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
                       re.IGNORECASE)


class UndecodableError(ValueError):
    """Bytes that no encoding explains; the message is the recorded reason."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python's codec name, e.g. "utf-8", "cp1251", "koi8_r"
    replaced: int = 0  # undecodable bytes replaced by U+FFFD

    def warnings(self) -> list[str]:
        if not self.replaced:
            return []
        return [f"input: {self.replaced} undecodable byte(s) in {self.encoding} replaced by U+FFFD"]


def declared_charset(html: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB (meta or XML declaration), if Python knows it."""
    found = _DECLARED.search(html[:4096])
    if not found:
        return None
    return _codec_name((found.group(1) or found.group(2)).decode("ascii", "ignore"))


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """The text of a whole file; raises UndecodableError when no encoding explains it."""
    encoding = choose_encoding(data, declared)
    return decode_as(data, encoding)


def decode_as(data: bytes, encoding: str) -> Decoded:
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
    return Decoded(text, "utf-8" if encoding == "utf-8-sig" else encoding, replaced)


def choose_encoding(data: bytes, declared: str | None = None) -> str:
    """The encoding of ``data`` (a whole file or its first megabyte)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    if _is_utf8(data):
        return "utf-8"
    if declared and _decodes(data, declared):
        return declared
    if _mostly_utf8(data):
        return "utf-8"
    return _detect(data[:DETECT_BYTES])


def _is_utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=False)  # a sample may end inside a character
    except UnicodeDecodeError:
        return False
    return True


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few stray bytes: no more of them than valid multi-byte characters (a text in a
    single-byte code page has almost no valid UTF-8 sequences)."""
    text = data.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    multibyte = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    return 0 < stray <= multibyte


def _detect(data: bytes) -> str:
    import charset_normalizer

    found = [m.encoding for m in charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATES))]
    if found:
        decoded = {e: data.decode(e, errors="replace")[:SAMPLE_CHARS] for e in found}
        return max(found, key=lambda e: (plausibility(decoded[e]), -_rank(e)))
    best = charset_normalizer.from_bytes(data).best()  # another script: still a text, if some encoding explains it
    if best is None:
        raise UndecodableError("not text in any known encoding (not UTF-8, no code page explains the bytes)")
    return best.encoding


def _rank(encoding: str) -> int:
    return CANDIDATES.index(encoding) if encoding in CANDIDATES else len(CANDIDATES)


def plausibility(text: str) -> int:
    """Letters of the best-fitting language's alphabet (ASCII letters count for the Latin-script ones)
    minus all other letters and symbols, minus words whose case flips inside (KOI8 read as
    windows-1251 gives 'нШР') or that mix scripts (a Latin word read as Cyrillic: 'hrvaљkim'),
    minus accented letters standing alone."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch > "\x7f" and ch not in NEUTRAL:
            counts[ch.lower()] = counts.get(ch.lower(), 0) + 1
    ascii_letters = len(_ASCII_LETTER.findall(text))
    total = sum(counts.values()) + ascii_letters
    best = max(sum(n for ch, n in counts.items() if ch in alphabet) + (ascii_letters if language in LATIN else 0)
               for language, alphabet in ALPHABETS.items())
    odd = len(_CASE_SCRAMBLE.findall(text)) + len(_SCRIPT_MIX.findall(text)) + len(_LONE_ACCENTED.findall(text))
    return 2 * best - total - 2 * odd

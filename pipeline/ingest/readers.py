"""Input readers: directories of .txt/.html files, JSONL (plain or .gz), CSV, JSONL on stdin.

Every reader is a generator of ``RawArticle | ReadFailure``: a bad file, line
or row becomes a ReadFailure with its reason and the batch goes on.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from pipeline.types import RawArticle, ReadFailure

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv"}
FIELDS = ("id", "text", "html", "url", "title", "published")

Item = RawArticle | ReadFailure


def content_id(text: str) -> str:
    return "sha1-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError(
            exc.encoding, exc.object, exc.start, exc.end,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-encode the file as UTF-8",
        ) from None


def _suffixes(path: Path) -> tuple[str, bool]:
    """The meaningful suffix of a path and whether it is gzipped."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    return (suffixes[-1] if suffixes else ""), gz


def read_document_file(path: Path) -> Item:
    """One .txt or .html file is one article; its id is the file's stem."""
    suffix, _ = _suffixes(path)
    article_id = path.stem
    try:
        text = decode_bytes(path.read_bytes())
    except OSError as exc:
        return ReadFailure(article_id, str(path), f"unreadable file: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        return ReadFailure(article_id, str(path), f"bad encoding: {exc.reason}")
    if suffix in HTML_SUFFIXES:
        return RawArticle(id=article_id, source=str(path), html=text)
    return RawArticle(id=article_id, source=str(path), text=text)


def _article_from_mapping(row: dict, source: str, fallback_id: str | None) -> Item:
    unknown_types = [k for k in FIELDS if row.get(k) is not None and not isinstance(row.get(k), (str, int))]
    if unknown_types:
        return ReadFailure(str(row.get("id") or fallback_id or source), source,
                           f"field(s) {', '.join(unknown_types)} must be strings")
    values = {k: (str(row[k]) if row.get(k) not in (None, "") else None) for k in FIELDS}
    body = values["text"] or values["html"]
    article_id = values["id"] or fallback_id or (content_id(body) if body else None)
    if article_id is None:
        return ReadFailure(f"{source}", source, "no id and no text or html: nothing to extract")
    return RawArticle(
        id=article_id, source=source, text=values["text"], html=values["html"],
        url=values["url"], title=values["title"], published=values["published"],
    )


def read_jsonl_stream(stream: IO[str], name: str) -> Iterator[Item]:
    for number, line in enumerate(stream, start=1):
        source = f"{name}:{number}"
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(f"{Path(name).name}:{number}", source, f"malformed JSON line: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(row, dict):
            yield ReadFailure(f"{Path(name).name}:{number}", source, "JSON line is not an object")
            continue
        yield _article_from_mapping(row, source, None)


def _open_text(path: Path, gz: bool) -> IO[str]:
    raw = gzip.open(path, "rb") if gz else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


def read_jsonl_file(path: Path) -> Iterator[Item]:
    _, gz = _suffixes(path)
    try:
        with _open_text(path, gz) as stream:
            yield from read_jsonl_stream(stream, str(path))
    except (OSError, EOFError) as exc:
        yield ReadFailure(path.name, str(path), f"unreadable file: {exc}")
    except UnicodeDecodeError as exc:
        yield ReadFailure(path.name, str(path), f"bad encoding: not valid UTF-8 at byte {exc.start}; "
                          "lines after it were not read")


def read_csv_file(path: Path) -> Iterator[Item]:
    _, gz = _suffixes(path)
    csv.field_size_limit(1 << 30)
    try:
        with _open_text(path, gz) as stream:
            reader = csv.reader(stream)
            header = next(reader, None)
            if header is None:
                return
            header = [h.strip().lower() for h in header]
            if "text" not in header and "html" not in header:
                yield ReadFailure(path.name, str(path), "CSV header has neither a 'text' nor an 'html' column")
                return
            for row in reader:
                source = f"{path}:{reader.line_num}"
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    yield ReadFailure(f"{path.name}:{reader.line_num}", source,
                                      f"malformed CSV row: {len(row)} fields, header has {len(header)}")
                    continue
                yield _article_from_mapping(dict(zip(header, row)), source, None)
    except OSError as exc:
        yield ReadFailure(path.name, str(path), f"unreadable file: {exc}")
    except UnicodeDecodeError as exc:
        yield ReadFailure(path.name, str(path), f"bad encoding: not valid UTF-8 at byte {exc.start}")
    except csv.Error as exc:
        yield ReadFailure(path.name, str(path), f"malformed CSV: {exc}")


def read_path(path: Path) -> Iterator[Item]:
    """Dispatch one path (file or directory) to its reader."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            yield from read_path(child)
        return
    if not path.exists():
        yield ReadFailure(path.name, str(path), "no such file or directory")
        return
    suffix, _ = _suffixes(path)
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl_file(path)
    elif suffix in CSV_SUFFIXES:
        yield from read_csv_file(path)
    elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
        yield read_document_file(path)
    else:
        yield ReadFailure(path.name, str(path),
                          f"unsupported file type '{suffix or path.name}' (use .txt, .html, .jsonl, .csv)")


def read_inputs(inputs: Iterable[str], stdin: IO[str] | None = None) -> Iterator[Item]:
    """All articles of all inputs, in the order given; '-' reads JSONL from stdin."""
    for name in inputs:
        if name == "-":
            yield from read_jsonl_stream(stdin or sys.stdin, "<stdin>")
        else:
            yield from read_path(Path(name))

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
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import IO

from pipeline.ingest.duplicates import mark_duplicates
from pipeline.ingest.encoding import DETECT_BYTES, UndecodableError, choose_encoding, declared_charset, decode
from pipeline.types import RawArticle, ReadFailure

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv"}
FIELDS = ("id", "text", "html", "url", "title", "published")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

Item = RawArticle | ReadFailure


def content_id(text: str) -> str:
    return "sha1-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


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
    is_html = suffix in HTML_SUFFIXES
    try:
        data = path.read_bytes()
        decoded = decode(data, declared_charset(data) if is_html else None)
    except OSError as exc:
        return ReadFailure(article_id, str(path), f"unreadable file: {exc.strerror or exc}")
    except UndecodableError as exc:
        return ReadFailure(article_id, str(path), f"bad encoding: {exc}")
    body = {"html": decoded.text} if is_html else {"text": decoded.text}
    return RawArticle(id=article_id, source=str(path), encoding=decoded.encoding,
                      warnings=tuple(decoded.warnings()), **body)


def _type_name(value) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


def _type_problem(row: dict) -> str | None:
    """Why a field of a JSON object cannot be used, or None. An integer id is an id."""
    for key in FIELDS:
        value = row.get(key)
        if value is None or isinstance(value, str):
            continue
        if key == "id" and isinstance(value, int) and not isinstance(value, bool):
            continue
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        kind = "a string or an integer" if key == "id" else "a string"
        return f"field '{key}' must be {kind}, got {_type_name(value)} ({shown})"
    return None


def _article_from_mapping(row: dict, source: str, fallback_id: str | None, encoding: str | None = None,
                          warnings: tuple[str, ...] = ()) -> Item:
    problem = _type_problem(row)
    if problem:
        raw_id = row.get("id")
        usable = isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and raw_id != ""
        return ReadFailure(str(raw_id) if usable else (fallback_id or source), source, problem)
    values = {k: (str(row[k]) if row.get(k) not in (None, "") else None) for k in FIELDS}
    body = values["text"] or values["html"]
    article_id = values["id"] or fallback_id or (content_id(body) if body else None)
    if article_id is None:
        return ReadFailure(f"{source}", source, "no id and no text or html: nothing to extract")
    return RawArticle(
        id=article_id, source=source, text=values["text"], html=values["html"],
        url=values["url"], title=values["title"], published=values["published"],
        encoding=encoding, warnings=warnings,
    )


def _replaced(line: str, encoding: str | None) -> tuple[str, ...]:
    """A warning for a line with replacement characters (undecodable bytes of a file)."""
    count = line.count("\ufffd")
    return (f"input: {count} undecodable byte(s) in {encoding} replaced by U+FFFD",) if count and encoding else ()


def read_jsonl_stream(stream: IO[str], name: str, encoding: str | None = None) -> Iterator[Item]:
    for number, line in enumerate(stream, start=1):
        source = f"{name}:{number}"
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(f"{Path(name).name}:{number}", source, f"malformed JSON line: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield ReadFailure(f"{Path(name).name}:{number}", source, "malformed JSON line: nested too deeply")
            continue
        if not isinstance(row, dict):
            yield ReadFailure(f"{Path(name).name}:{number}", source, "JSON line is not an object")
            continue
        yield _article_from_mapping(row, source, None, encoding, _replaced(line, encoding))


def _open_binary(path: Path, gz: bool) -> IO[bytes]:
    return gzip.open(path, "rb") if gz else open(path, "rb")


def _open_text(path: Path, gz: bool) -> tuple[IO[str], str]:
    """The file as text in the encoding its first megabyte shows; undecodable bytes become U+FFFD."""
    with _open_binary(path, gz) as raw:
        sample = raw.read(DETECT_BYTES)
    encoding = choose_encoding(sample)
    stream = io.TextIOWrapper(_open_binary(path, gz), encoding=encoding, errors="replace", newline="")
    return stream, "utf-8" if encoding == "utf-8-sig" else encoding


def read_jsonl_file(path: Path) -> Iterator[Item]:
    _, gz = _suffixes(path)
    try:
        stream, encoding = _open_text(path, gz)
        with stream:
            yield from read_jsonl_stream(stream, str(path), encoding)
    except (OSError, EOFError, zlib.error) as exc:
        yield ReadFailure(path.name, str(path), f"unreadable file: {exc}")
    except UndecodableError as exc:
        yield ReadFailure(path.name, str(path), f"bad encoding: {exc}")


def read_csv_file(path: Path) -> Iterator[Item]:
    _, gz = _suffixes(path)
    csv.field_size_limit(1 << 30)
    try:
        stream, encoding = _open_text(path, gz)
        with stream:
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
                yield _article_from_mapping(dict(zip(header, row)), source, None, encoding,
                                            _replaced("".join(row), encoding))
    except (OSError, EOFError, zlib.error) as exc:
        yield ReadFailure(path.name, str(path), f"unreadable file: {exc}")
    except UndecodableError as exc:
        yield ReadFailure(path.name, str(path), f"bad encoding: {exc}")
    except csv.Error as exc:
        yield ReadFailure(path.name, str(path), f"malformed CSV: {exc}")


def files_under(directory: Path) -> Iterator[Path]:
    """The files a directory input holds, in no order (hidden files are no input)."""
    return (p for p in directory.rglob("*") if p.is_file() and not p.name.startswith("."))


def read_path(path: Path) -> Iterator[Item]:
    """Dispatch one path (file or directory) to its reader."""
    if path.is_dir():
        for child in sorted(files_under(path)):
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
    """All articles of all inputs, in the order given; '-' reads JSONL (UTF-8) from stdin.
    A repeated id or text is marked (pipeline.ingest.duplicates), never dropped."""
    return mark_duplicates(map(without_surrogates, _read_all(inputs, stdin)))


def without_surrogates(item: Item) -> Item:
    """Lone surrogates (JSON escapes like "\\ud800", file names with undecodable bytes) are no
    characters and UTF-8 cannot write them: each becomes U+FFFD, and an article says so."""
    names = [f.name for f in fields(item) if isinstance(getattr(item, f.name), str)]
    found = sum(len(LONE_SURROGATE.findall(getattr(item, name))) for name in names)
    if not found:
        return item
    changes = {name: LONE_SURROGATE.sub("\ufffd", getattr(item, name)) for name in names}
    if isinstance(item, RawArticle):
        changes["warnings"] = item.warnings + (f"input: {found} lone surrogate(s) replaced by U+FFFD",)
    return replace(item, **changes)


def _read_all(inputs: Iterable[str], stdin: IO[str] | None) -> Iterator[Item]:
    for name in inputs:
        if name == "-":
            stream = stdin or io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")
            yield from read_jsonl_stream(stream, "<stdin>", "utf-8")
        else:
            yield from read_path(Path(name))

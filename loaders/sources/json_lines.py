"""JSON Lines articles (`.jsonl`, `.jsonl.gz`, `.ndjson`): one article object per line.

Lines are read one at a time, so a large corpus streams. A line that is not valid JSON, not UTF-8,
not an article object, or longer than `max_input_bytes()` (read past, never held whole) is one
failure with its line number; the other lines still load. Blank lines are skipped. A truncated or
corrupt gzip stream ends the file with one failure after the lines that could be read.
"""
from __future__ import annotations

import codecs
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from kg.graph import Article
from loaders.sources.base import LoadFailure, SourceError, article_from_record, max_input_bytes, too_large

__all__ = ["read_jsonl"]

_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SNIFF = 8192  # bytes looked at for a BOM or NUL bytes before reading lines
_SKIP = 1 << 20  # bytes read at a time past the end of a line that is too long


def _open(path: Path) -> gzip.GzipFile | io.BufferedReader:
    """The file as a binary stream, gunzipped when the name ends in `.gz`."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _wide_lines(stream: IO[bytes], limit: int) -> Iterable[bytes]:
    """Lines of a UTF-16/32 file (starting with its BOM), re-encoded as UTF-8; the whole file is held,
    so it may not exceed `limit` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise SourceError(too_large(limit, "UTF-16 or UTF-32 file"))
    encoding = "utf-32" if data.startswith(_WIDE_BOMS[:2]) else "utf-16"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise SourceError(f"not valid {encoding.upper()} text (byte offset {e.start})") from None
    return (line.encode() for line in text.split("\n"))


def _bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The stream's lines; None in place of a line longer than `limit` bytes, which is read past in
    chunks rather than held."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(_SKIP)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _records(path: Path, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, raw line or None when too long) for every non-blank line; raises SourceError for a
    bad file."""
    with _open(path) as stream:
        head = stream.peek(_SNIFF)[:_SNIFF]
        lines: Iterable[bytes | None]
        if head.startswith(_WIDE_BOMS):
            lines = _wide_lines(stream, limit)
        elif b"\x00" in head:
            raise SourceError("binary file (NUL bytes), not text")
        else:
            if head.startswith(codecs.BOM_UTF8):
                stream.read(len(codecs.BOM_UTF8))
            lines = _bounded_lines(stream, limit)
        blank = True
        for number, line in enumerate(lines, 1):
            if line is None or line.strip():
                blank = False
                yield number, line
        if blank:
            raise SourceError("empty")


def read_jsonl(path: Path) -> Iterator[Article | LoadFailure]:
    """Read the articles of a JSON Lines file, one per line."""
    where = str(path)
    limit = max_input_bytes()
    number = 0
    try:
        for number, line in _records(path, limit):
            if line is None:
                yield LoadFailure(where, number, too_large(limit, "line"))
                continue
            try:
                record = json.loads(line.decode("utf-8"))
                yield article_from_record(record, where)
            except UnicodeDecodeError as e:
                yield LoadFailure(where, number, f"not UTF-8 text (invalid byte at column {e.start + 1})")
            except json.JSONDecodeError as e:
                yield LoadFailure(where, number, f"invalid JSON: {e.msg} (column {e.colno})")
            except SourceError as e:
                yield LoadFailure(where, number, e.message)
    except SourceError as e:
        yield LoadFailure(where, e.line, e.message)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        after = f" after line {number}" if number else ""
        yield LoadFailure(where, None, f"truncated or corrupt gzip data{after} ({e})")

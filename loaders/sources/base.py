"""What every reader shares: the failure record, byte decoding, date parsing, record to `Article`.

A reader never raises on bad input. It yields a `LoadFailure` naming the file (and line) and the
problem, and goes on with what it can still read. Inside a reader, helpers signal a bad input by
raising `SourceError`, which the reader turns into a `LoadFailure`.

Memory stays bounded whatever the input: a document read whole (a text, Markdown, HTML or JSON file,
after gunzip) and a JSON Lines record may hold at most `max_input_bytes()` bytes, 16 MiB unless the
environment variable `KG_MAX_INPUT_BYTES` says otherwise (`64M`, `1G`, a number of bytes); a larger
one is a "too large" failure, found without reading more than the limit.
"""
from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.graph import Article
from kg.ids import article_id_for
from loaders.markdown import strip_markdown

__all__ = [
    "ARTICLE_FIELDS",
    "DEFAULT_MAX_BYTES",
    "MAX_BYTES_ENV",
    "LoadFailure",
    "SourceError",
    "article_from_record",
    "decode_text",
    "json_type",
    "make_article",
    "max_input_bytes",
    "parse_published",
    "read_document",
    "too_large",
]

ARTICLE_FIELDS = ("id", "title", "text", "published", "source_url", "source_name", "lang")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_DEFAULT = datetime(2000, 1, 1)  # fills missing parts: "2020-06" -> 2020-06-01, never today
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_BYTES_ENV = "KG_MAX_INPUT_BYTES"
DEFAULT_MAX_BYTES = 16 * 2**20
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SIZE = re.compile(r"\s*(\d+)\s*([KMG]?)i?B?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class LoadFailure:
    """One file, or one line of a file, that could not be read as an article."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        """`path:line: message`, the one line a caller prints."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    def as_error(self) -> InputError:
        """The same failure as the exception the CLI reports."""
        return InputError(str(self))


class SourceError(Exception):
    """Raised inside a reader for input it cannot use; `line` when the problem has one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages: `object`, `array`, `number`..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def max_input_bytes() -> int:
    """The most bytes one document or JSON Lines record may hold: `KG_MAX_INPUT_BYTES`, else 16 MiB.

    Raises `InputError` when the variable is set to something that is not a size (`64M`, `1G`, `500000`).
    """
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    m = _SIZE.fullmatch(raw)
    if not m or int(m[1]) == 0:
        raise InputError(f"{MAX_BYTES_ENV}={raw!r} is not a size (a number of bytes, or with K, M or G: 64M)")
    return int(m[1]) * 1024 ** " KMG".index(m[2].upper() or " ")


def _size(n: int) -> str:
    """A byte count for messages: `512 bytes`, `2 KiB`, `16 MiB`, `200.3 MiB`."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}" if n % scale else f"{n // scale} {unit}"
    return f"{n} bytes"


def too_large(limit: int, what: str = "document", size: int | None = None) -> str:
    """The message for input over the size limit, saying how to raise it."""
    how_big = f"{_size(size)}, " if size is not None else ""
    return (f"too large: {how_big}over the {_size(limit)} limit for one {what} "
            f"(set {MAX_BYTES_ENV} to raise it)")


def read_document(path: Path) -> bytes:
    """A file's bytes, gunzipped when its name ends in `.gz`.

    Raises `SourceError` for more than `max_input_bytes()` bytes (never reading more than that) and for
    corrupt gzip data; `OSError` passes through.
    """
    limit = max_input_bytes()
    if not path.name.lower().endswith(".gz"):
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise SourceError(too_large(limit, size=size))
            data = f.read(limit + 1)
        if len(data) > limit:  # it grew while being read
            raise SourceError(too_large(limit))
        return data
    try:
        with gzip.open(path, "rb") as f:
            data = f.read(limit + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise SourceError(f"truncated or corrupt gzip data ({e})") from None
    if len(data) > limit:
        raise SourceError(too_large(limit, "document once decompressed"))
    return data


def decode_text(data: bytes) -> str:
    """Bytes of a text file as `str`: UTF-8 (BOM optional), or UTF-16/32 with a BOM.

    Raises `SourceError` for empty, binary (NUL bytes) and non-UTF-8 input.
    """
    if data.startswith(_UTF32_BOMS):
        encoding = "utf-32"
    elif data.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    else:
        if b"\x00" in data:
            raise SourceError("binary file (NUL bytes), not text")
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        if encoding == "utf-8-sig":
            raise SourceError(f"not UTF-8 text (invalid byte at offset {e.start})") from None
        raise SourceError(f"not valid {encoding.upper()} text (byte offset {e.start})") from None
    if not text.strip():
        raise SourceError("empty")
    return text


def parse_published(value: str | date | None) -> date | None:
    """The calendar date a publication time names, or None when there is none to read.

    >>> parse_published("2008-02-23T02:05 EST"), parse_published("Sat, 08 Feb 2025 03:05:19 +0000")
    (datetime.date(2008, 2, 23), datetime.date(2025, 2, 8))
    >>> parse_published("2020-06"), parse_published("soon")
    (datetime.date(2020, 6, 1), None)
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = value.strip()
    if not s or len(s) > 80:
        return None
    m = _ISO_DATE.match(s)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(s, default=_DATE_DEFAULT, ignoretz=True).date()
    except (ValueError, OverflowError, TypeError):
        return None


def make_article(
    title: str,
    text: str,
    path: str | None,
    *,
    article_id: str | None = None,
    published: date | None = None,
    source_url: str | None = None,
    source_name: str | None = None,
    lang: str | None = None,
    empty_message: str = "no article text",
) -> Article:
    """An `Article` from raw title and text: Markdown stripped, id derived from content if absent.

    Raises `SourceError(empty_message)` when no text is left.
    """
    title = strip_markdown(title).strip() if title else ""
    text = strip_markdown(text)
    if not text.strip():
        raise SourceError(empty_message)
    return Article(
        id=article_id or article_id_for(title, text),
        title=title,
        text=text,
        published=published,
        source_url=source_url,
        source_name=source_name,
        lang=lang,
        path=path,
    )


def _optional_text(record: dict[str, Any], field: str) -> str | None:
    value = record.get(field)
    if value is None or isinstance(value, str):
        return value
    raise SourceError(f"field '{field}' must be a string, got {json_type(value)}")


def article_from_record(record: object, path: str | None) -> Article:
    """An `Article` from a decoded JSON object with the fields `ARTICLE_FIELDS`; others are ignored.

    An unpaired surrogate (a JSON escape such as `\\ud800`, which no UTF-8 text can hold) becomes U+FFFD,
    keeping offsets. Raises `SourceError` naming the field when a field has the wrong type, `text` is
    missing or `id` holds a control character.
    """
    if not isinstance(record, dict):
        raise SourceError(f"expected a JSON object, got {json_type(record)}")
    record = {k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in record.items()}
    text = record.get("text")
    if text is None:
        raise SourceError("missing field 'text'")
    if not isinstance(text, str):
        raise SourceError(f"field 'text' must be a string, got {json_type(text)}")
    if not text.strip():
        raise SourceError("field 'text' is empty")
    title = _optional_text(record, "title") or ""
    raw_id = record.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    elif raw_id is not None and not isinstance(raw_id, str):
        raise SourceError(f"field 'id' must be a string, got {json_type(raw_id)}")
    control = _CONTROL.search(raw_id.strip() if raw_id else "")
    if control:  # XML exports cannot hold one, and no one can type it to `kg remove`
        raise SourceError(f"field 'id' holds a control character (U+{ord(control[0]):04X}); an id must be printable")
    published = record.get("published")
    if published is not None and not isinstance(published, str | date):
        raise SourceError(f"field 'published' must be a string, got {json_type(published)}")
    return make_article(
        title,
        text,
        path,
        article_id=raw_id.strip() if raw_id else None,
        published=parse_published(published),
        source_url=_optional_text(record, "source_url"),
        source_name=_optional_text(record, "source_name"),
        lang=_optional_text(record, "lang"),
        empty_message="field 'text' holds only Markdown images and markup, no words",
    )

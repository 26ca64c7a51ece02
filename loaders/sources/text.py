"""Plain text and Markdown articles (`.txt`, `.md`): the first non-empty line is the title.

Format::

    ---                      (optional front matter, a YAML mapping: id, title, published,
    published: 2025-01-20     source_url, source_name, lang; other keys are ignored)
    ---
    # DeepSeek releases R1   <- title (first non-empty line, unless front matter has one)

    DeepSeek, a Hangzhou...  <- text: the rest, Markdown stripped, surrounding blank lines dropped

Line endings are normalised to `\\n`; otherwise the text is kept as written, so offsets refer to
the text exactly as the `Article` holds it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from kg.graph import Article
from loaders.markdown import strip_markdown
from loaders.sources.base import (
    LoadFailure,
    SourceError,
    article_from_record,
    decode_text,
    read_document,
)

__all__ = ["parse_text", "read_text"]

_SETEXT_UNDERLINE = re.compile(r"[ \t]{0,3}(?:=+|-+)[ \t]*(?:\n|$)")


@cache
def _yaml_loader() -> type:
    """yaml's safe loader with dates left as strings: `parse_published` reads them, and YAML's own
    conversion raised on a day out of range (`published: 2025-02-30`)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _front_matter(doc: str) -> tuple[dict[str, Any], str]:
    """Split a leading `---` YAML block off a document: (fields, rest).

    A block that is not a YAML mapping (say, prose between two horizontal rules) is left as text.
    """
    if not doc.startswith("---\n"):
        return {}, doc
    end = doc.find("\n---", 3)
    if end < 0 or doc[end + 4 : end + 5] not in ("", "\n"):
        return {}, doc
    import yaml

    try:
        fields = yaml.load(doc[4:end], Loader=_yaml_loader())  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, RecursionError):  # bad syntax, an explicit bad !!timestamp, deep nesting
        return {}, doc
    if not isinstance(fields, dict):
        return {}, doc
    return fields, doc[end + 5 :]


def _split_title(body: str) -> tuple[str, str]:
    """(first line that shows any text once Markdown is stripped, the rest after it)."""
    start = 0
    while start < len(body):
        end = body.find("\n", start)
        end = len(body) if end < 0 else end
        line = body[start:end]
        if strip_markdown(line).strip():
            rest = body[end + 1 :]
            underline = _SETEXT_UNDERLINE.match(rest)
            return line, rest[underline.end() :] if underline else rest
        start = end + 1
    return "", ""


def parse_text(doc: str, path: str | None = None) -> Article:
    """One article from the contents of a text or Markdown file.

    >>> a = parse_text("# Baidu\\n\\nBaidu develops **ERNIE**.\\n")
    >>> a.title, a.text
    ('Baidu', 'Baidu develops ERNIE.')
    """
    doc = doc.replace("\r\n", "\n").replace("\r", "\n")
    fields, body = _front_matter(doc)
    if "title" not in fields:
        title, body = _split_title(body)
        fields = {**fields, "title": title}
    body = body.strip()
    if not body:
        raise SourceError("no text after the title line")
    return article_from_record({**fields, "text": body}, path)


def read_text(path: Path) -> Iterator[Article | LoadFailure]:
    """Read one article from a `.txt` or `.md` file."""
    try:
        yield parse_text(decode_text(read_document(path)), str(path))
    except SourceError as e:
        yield LoadFailure(str(path), e.line, e.message)

"""JSON articles (`.json`, `.json.gz`): one article object, a list of them, or `{"articles": [...]}`.

An article object has the fields `id, title, text, published, source_url, source_name, lang`
(only `text` is required; other fields are ignored). A bad object in a list is one failure naming
its index; the others still load.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.graph import Article
from loaders.sources.base import (
    LoadFailure,
    SourceError,
    article_from_record,
    decode_text,
    json_type,
    read_document,
)

__all__ = ["read_json"]


def read_json(path: Path) -> Iterator[Article | LoadFailure]:
    """Read the articles of one JSON document."""
    where = str(path)
    try:
        doc = json.loads(decode_text(read_document(path)))
    except SourceError as e:
        yield LoadFailure(where, e.line, e.message)
        return
    except json.JSONDecodeError as e:
        yield LoadFailure(where, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})")
        return
    if isinstance(doc, dict) and "articles" in doc and "text" not in doc:
        items = doc["articles"]
        if not isinstance(items, list):
            yield LoadFailure(where, None, f"field 'articles' must be an array, got {json_type(items)}")
            return
        label = "articles[{}]: "
    elif isinstance(doc, list):
        items, label = doc, "[{}]: "
    else:
        items, label = [doc], ""
    if not items:
        yield LoadFailure(where, None, "no articles in the JSON document")
    for i, item in enumerate(items):
        try:
            yield article_from_record(item, where)
        except SourceError as e:
            yield LoadFailure(where, None, label.format(i) + e.message)

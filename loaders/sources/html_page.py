"""Web pages (`.html`, `.htm`): the main text only, without navigation, ads and footers.

trafilatura finds the main content and the page metadata (title, publication date, canonical URL,
site name). It runs in precision mode without its fallback extractors, so a page of navigation
links only is a failure rather than an article reading "Home". The title comes from the page; a
first text line that repeats it is dropped, so the text starts with the body as in the other
formats. `lang` comes from `<html lang="...">`.

The publication date comes from the page's metadata, URL and markup only: htmldate's extensive search,
which guesses a date from the text and on a page without one can spend half a minute trying every
dateparser locale (a 52-byte page did), is off.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg.graph import Article
from loaders.sources.base import (
    LoadFailure,
    SourceError,
    decode_text,
    make_article,
    parse_published,
    read_document,
)

__all__ = ["parse_html", "read_html"]

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)", re.IGNORECASE)


def parse_html(page: str, path: str | None = None) -> Article:
    """One article from the markup of a web page.

    Raises `SourceError` when trafilatura finds no main text.
    """
    import trafilatura
    from trafilatura.settings import set_date_params

    try:
        doc = trafilatura.bare_extraction(
            page, with_metadata=True, include_comments=False, fast=True, favor_precision=True,
            date_extraction_params=set_date_params(extensive=False),
        )
    except (ValueError, TypeError, LookupError) as e:  # lxml refusing the markup
        raise SourceError(f"cannot parse the HTML: {e}") from None
    text = (getattr(doc, "text", None) or "").strip()
    if not text:
        raise SourceError("no main text found in the HTML page")
    title = (doc.title or "").strip()
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest.strip()
    lang = _HTML_LANG.search(page[:4096])
    return make_article(
        title,
        text,
        path,
        published=parse_published(doc.date),
        source_url=doc.url or None,
        source_name=doc.sitename or None,
        lang=lang[1] if lang else None,
        empty_message="no main text found in the HTML page",
    )


def read_html(path: Path) -> Iterator[Article | LoadFailure]:
    """Read one article from an `.html` or `.htm` file."""
    try:
        yield parse_html(decode_text(read_document(path)), str(path))
    except SourceError as e:
        yield LoadFailure(str(path), e.line, e.message)

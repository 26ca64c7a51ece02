"""Markdown to the text a reader sees, so extraction reads anchor text rather than URLs.

Scraped news often arrives as Markdown: `[anchor](url)` links, `![alt](src)` images, `**bold**`,
`*em*`, `# headings`, `> quotes` and backslash escapes. `strip_markdown` removes the markup and
keeps the words, line breaks and everything else verbatim. The result is what an `Article` holds,
so every offset computed later refers to the stripped text; no offset mapping back is kept.

Only regular expressions run here, most of them skipped by a cheap substring test when their
marker is absent: about 15,000 news articles a second on one core.
"""
from __future__ import annotations

import operator
import re

__all__ = ["strip_markdown"]

# A link destination: `<...>`, or a run without spaces that may hold balanced parentheses one
# level deep (`...jpg?im=Resize=(640,480)`), then an optional quoted or parenthesised title.
_DEST = r"(?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"
_TITLE = r"""(?:\s+(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\([^()\n]*\)))?"""
# Anchor and alt texts may hold brackets one level deep (`[FLEX LTD [ FLEX ] - Form 4](...)`).
_ANCHOR = r"(?:[^\[\]]|\[[^\[\]]*\])*"
_IMAGE = re.compile(r"!\[" + _ANCHOR + r"\]\(\s*" + _DEST + _TITLE + r"\s*\)")
_LINK = re.compile(r"\[(" + _ANCHOR + r")\]\(\s*" + _DEST + _TITLE + r"\s*\)")
_MAX_PASSES = 3  # links inside link anchors, `****doubled****` strong markers
# Line-level markup. Each pattern starts with the newline before the line (the text is searched
# with a newline put in front), which lets the regex engine skip ahead quickly.
# Thematic breaks and setext heading underlines: a line of three or more `-`, `=`, `*` or `_`.
_RULE = re.compile(r"\n[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:=[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})(?=\n|$)")
# ATX heading: up to three spaces, 1-6 hashes, a space or the line end; optional closing hashes.
# The words end on a non-blank character, so a run of trailing blanks is tried once, not from every
# position inside it (which took quadratic time on a heading line padded with spaces).
_HEADING = re.compile(r"\n[ \t]{0,3}#{1,6}(?=[ \t\n]|$)[ \t]*((?:[^\n]*?[^ \t\n])?)(?:[ \t]+#+)?[ \t]*(?=\n|$)")
_QUOTE = re.compile(r"\n[ \t]{0,3}(?:>[ \t]?)+")
# Emphasis: `**strong**`, `__strong__`, `*em*`, `_em_` (and so `***both***`). The text must not
# start or end with a space; `*` may sit inside a word as in Markdown, `_` may not (`snake_case`).
# Each pattern starts with its marker, and the look-behind comes after it, for speed.
# Whether a closing marker fits depends only on the characters around it, so when an opening marker
# finds none on its line, no later one on that line can: `|[^\n]*` then takes the rest of the line
# unchanged (group 1 unset) instead of trying again from every marker, which took quadratic time.
_STRONG_STAR = re.compile(r"\*\*(?<!\\\*\*)(?=\S)(?:(.+?)(?<=[^\s\\])\*\*|[^\n]*)")
_STRONG_UNDERSCORE = re.compile(r"__(?<![\\\w]__)(?=[^\s_])(?:(.+?)(?<=[^\s\\_])__(?!\w)|[^\n]*)")
_EM_STAR = re.compile(r"\*(?<![\\*]\*)(?=[^\s*])(?:(.+?)(?<=[^\s*\\])\*(?!\*)|[^\n]*)")
_EM_UNDERSCORE = re.compile(r"_(?<![\\\w]_)(?=[^\s_])(?:(.+?)(?<=[^\s_\\])_(?!\w)|[^\n]*)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# A strong run opening a line and glued to the next word is a run-in heading whose line break was lost in
# scraping ("**About Menlo Ventures**Menlo Ventures is a venture firm"): the break is put back.
_RUN_IN_HEADING = re.compile(r"\n([ \t]*\*\*[^*\n]+?\*\*)(?=[A-Z\d])")


_first_group = operator.itemgetter(1)  # a C-level replacement: faster than the template r"\1"


def _emphasis_words(m: re.Match[str]) -> str:
    """The words inside emphasis markers, or the line unchanged when its marker has no closing one."""
    words = m[1]
    return m[0] if words is None else words


def _heading_words(m: re.Match[str]) -> str:
    """The line break before a heading and its words, without the hashes."""
    return "\n" + m[1]


def strip_markdown(text: str) -> str:
    """The text a reader of rendered Markdown sees: anchors kept, URLs, images and markers gone.

    >>> strip_markdown("# Chips\\n**Huawei** builds [Ascend](https://e.com/a) chips ![](i.png)")
    'Chips\\nHuawei builds Ascend chips '
    """
    if "](" in text:
        if "![" in text:
            text = _IMAGE.sub("", text)
        for _ in range(_MAX_PASSES):
            text, n = _LINK.subn(_first_group, text)
            if not n or "](" not in text:
                break
    text = "\n" + text
    text = _RULE.sub("\n", text)
    text = _QUOTE.sub("\n", text)
    if "*" in text:
        text = _RUN_IN_HEADING.sub("\n\\1\n", text)
        for _ in range(_MAX_PASSES):
            text, n = _STRONG_STAR.subn(_emphasis_words, text)
            if not n or "**" not in text:
                break
        text = _EM_STAR.sub(_emphasis_words, text)
    if "_" in text:
        text = _STRONG_UNDERSCORE.sub(_emphasis_words, text)
        text = _EM_UNDERSCORE.sub(_emphasis_words, text)
    if "#" in text:
        text = _HEADING.sub(_heading_words, text)
    if "\\" in text:
        text = _ESCAPE.sub(_first_group, text)
    return text[1:]

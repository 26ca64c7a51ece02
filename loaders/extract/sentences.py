"""Sentence splitting with character offsets (English and Chinese), abbreviation aware."""
from __future__ import annotations

import re

# Tokens ending in "." that do not end a sentence.
_ABBREV = {
    "u.s", "u.k", "u.n", "e.u", "inc", "corp", "co", "ltd", "plc", "llc", "mr", "mrs", "ms", "dr", "prof",
    "st", "no", "vs", "etc", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "gov", "sen", "rep", "gen", "jr", "sr", "a.m", "p.m", "approx", "dept", "est",
    "fig", "al", "bros", "s.a", "n.v", "ag",
}
# Candidate boundary: terminal punctuation (+ closing quotes/brackets) then space, or CJK terminal, or newline.
# Every alternative opens with its own punctuation mark, so the engine skips other characters at once.
_NEXT_STARTS = r"(?=\s+[\"'“‘(\[]?[A-Z0-9\u4e00-\u9fff])"
_BOUNDARY = re.compile("|".join([*(f"{re.escape(c)}[.!?]*[\"'”’)\\]]*{_NEXT_STARTS}" for c in ".!?"),
                                 *(f"{c}[。！？；]*[”’」』]*" for c in "。！？；"), r"\n+"]))
_WORD_BEFORE = re.compile(r"([\w.]+)\.*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence, whitespace trimmed, in text order.

    >>> t = "Baidu rose 5%. The U.S. firm Nvidia fell."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Baidu rose 5%.', 'The U.S. firm Nvidia fell.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group(0)[0] == ".":
            w = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start() + 1)
            word = (w.group(1) if w else "").lower().rstrip(".")
            if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                continue
        _add(text, start, end, spans)
        start = end
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))

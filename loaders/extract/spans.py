"""The small record every stage passes along: a typed span of the article text."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Span:
    """A mention candidate: offsets into the text, the entity it names (catalog key or None), its type."""

    start: int
    end: int
    text: str
    type: str
    key: str | None = None  # catalog key; None for entities discovered in the text
    rule: str = "catalog"
    confidence: float = 0.9
    field: str = "text"  # "text" or "title"
    name: str | None = None  # canonical name when the span is a short form (a surname) of another

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end and self.field == other.field


def select_longest(spans: list[Span]) -> list[Span]:
    """Leftmost-longest non-overlapping selection (earlier, then longer spans win)."""
    out: list[Span] = []
    last_end: dict[str, int] = {}
    for s in sorted(spans, key=lambda s: (s.field, s.start, -(s.end - s.start))):
        if s.start >= last_end.get(s.field, -1):
            out.append(s)
            last_end[s.field] = s.end
    return out

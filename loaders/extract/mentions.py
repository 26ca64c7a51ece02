"""Catalog mentions: one Aho-Corasick pass over the case-folded text, word-boundary and case aware."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick

from loaders.extract.spans import Span
from ontology.catalog import Catalog, load_catalog, surface_forms

_PLURAL_TYPES = {"Technology", "GeopoliticalFactor", "Policy"}


@dataclass(frozen=True, slots=True)
class _Form:
    key: str
    type: str
    exact: str | None  # when set, the text must equal this form exactly (case-sensitive alias)
    descriptor: bool
    ticker: bool = False


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _needs_case(form: str, flagged: bool) -> bool:
    """Short names and acronyms ("AI", "US", "Arm") only match with their exact case."""
    if flagged:
        return True
    letters = [c for c in form if c.isalpha()]
    if any(_is_cjk(c) for c in letters):
        return False
    return len(form) <= 3 or (form.isupper() and len(form) <= 6)


def fold(text: str) -> str:
    """Lower-case text while keeping every character at its offset."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class CatalogMatcher:
    """Finds every catalog surface form (and descriptor) in a text; built once per catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.automaton = ahocorasick.Automaton()
        forms: dict[str, list[_Form]] = {}
        for e in catalog.entities.values():
            variants = [(f, False) for f in surface_forms(e)] + [(d, True) for d in e.descriptors]
            for form, is_desc in variants:
                exact = form if _needs_case(form, e.case_sensitive or form in e.tickers) and not is_desc else None
                keys = [form]
                if e.type in _PLURAL_TYPES and not is_desc and form[-1:].isalpha() and form[-1:].islower():
                    keys.append(form + ("es" if form.endswith(("s", "x", "ch", "sh")) else "s"))
                for k in keys:
                    forms.setdefault(fold(k), []).append(
                        _Form(e.key, e.type, (k if exact else None), is_desc, form in e.tickers))
        for low, fs in forms.items():
            self.automaton.add_word(low, (len(low), tuple(fs)))
        self.automaton.make_automaton()

    def find(self, text: str, field: str = "text") -> list[Span]:
        """All boundary-respecting catalog matches in `text`, overlapping ones included."""
        low = fold(text)
        n = len(text)
        out: list[Span] = []
        variants: list[Span] = []  # case variants of a case-sensitive name ("Entity list" for "Entity List")
        for end_idx, (length, forms) in self.automaton.iter(low):
            start, end = end_idx - length + 1, end_idx + 1
            first, last = text[start], text[end - 1]
            if not _is_cjk(first) and start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if not _is_cjk(last) and end < n and (text[end].isalnum() or text[end] == "_"):
                continue
            surface = text[start:end]
            for f in forms:
                if f.exact is not None and surface != f.exact:
                    if not f.ticker and len(surface) > 6 and surface[0] == f.exact[0] and " " in surface:
                        variants.append(Span(start, end, surface, f.type, f.key, "catalog", 0.9, field))
                    continue
                if f.descriptor:
                    out.append(Span(start, end, surface, f.type, f.key, "descriptor", 0.7, field))
                elif f.ticker:
                    out.append(Span(start, end, surface, f.type, f.key, "ticker", 0.9, field))
                else:
                    out.append(Span(start, end, surface, f.type, f.key, "catalog", 0.95, field))
                break
        if variants:
            # kept only where the article also writes the name in its own case
            named = {s.key for s in out}
            taken = {(s.start, s.end) for s in out}
            out += [v for v in variants if v.key in named and (v.start, v.end) not in taken]
        return out


@cache
def default_matcher() -> CatalogMatcher:
    """The matcher over the shipped catalog (built once per process)."""
    return CatalogMatcher(load_catalog())

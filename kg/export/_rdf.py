"""Shared by the RDF writers: the project's prefixes and a stable order of quads and triples."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from kg.sparql import PREFIXES

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["PREFIXES", "sorted_quads", "sorted_triples", "serialize", "usable_prefixes"]


def sorted_quads(sub: Subgraph) -> list[ox.Quad]:
    """The quads ordered by graph, subject, predicate, object (so that equal selections give equal files)."""
    return sorted(sub.quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def sorted_triples(sub: Subgraph) -> list[ox.Triple]:
    """The triples of every graph merged, without repeats, ordered by subject, predicate, object."""
    return sorted(sub.triples(), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def usable_prefixes(data: Iterable[ox.Quad | ox.Triple]) -> dict[str, str]:
    """The project's prefixes but those under which some IRI of `data` ends in a dot.

    Oxigraph writes such an IRI as a prefixed name ending in an escaped dot (`article:x\\.`), which is
    valid Turtle but which rdflib (up to 7.x at least) cannot parse; the full IRI reads everywhere."""
    dotted = {t.value for d in data for t in _named(d) if t.value.endswith(".")}
    return {p: ns for p, ns in PREFIXES.items() if not any(v.startswith(ns) for v in dotted)}


def _named(d: ox.Quad | ox.Triple) -> Iterator[ox.NamedNode]:
    for term in (d.subject, d.predicate, d.object, getattr(d, "graph_name", None)):
        if isinstance(term, ox.NamedNode):
            yield term


def serialize(sub: Subgraph, out: IO[bytes], fmt: ox.RdfFormat, *, prefixes: bool = True) -> None:
    """Write the subgraph with Oxigraph's serializer: quads for a dataset format, triples otherwise."""
    data = sorted_quads(sub) if fmt.supports_datasets else sorted_triples(sub)
    ox.serialize(data, out, fmt, prefixes=usable_prefixes(data) if prefixes else None)

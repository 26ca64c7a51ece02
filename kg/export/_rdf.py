"""Shared by the RDF writers: the project's prefixes and a stable order of quads and triples."""
from __future__ import annotations

from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from kg.sparql import PREFIXES

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["PREFIXES", "sorted_quads", "sorted_triples", "serialize"]


def sorted_quads(sub: Subgraph) -> list[ox.Quad]:
    """The quads ordered by graph, subject, predicate, object (so that equal selections give equal files)."""
    return sorted(sub.quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def sorted_triples(sub: Subgraph) -> list[ox.Triple]:
    """The triples of every graph merged, without repeats, ordered by subject, predicate, object."""
    return sorted(sub.triples(), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize(sub: Subgraph, out: IO[bytes], fmt: ox.RdfFormat, *, prefixes: bool = True) -> None:
    """Write the subgraph with Oxigraph's serializer: quads for a dataset format, triples otherwise."""
    data = sorted_quads(sub) if fmt.supports_datasets else sorted_triples(sub)
    ox.serialize(data, out, fmt, prefixes=dict(PREFIXES) if prefixes else None)

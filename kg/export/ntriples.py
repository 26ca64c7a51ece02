"""N-Triples (`.nt`): one triple per line, every named graph merged; the simplest format to stream into
a triple store or to diff.
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.export._rdf import serialize

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write"]


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph as N-Triples."""
    serialize(sub, out, ox.RdfFormat.N_TRIPLES, prefixes=False)

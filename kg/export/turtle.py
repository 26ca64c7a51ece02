"""Turtle (`.ttl`): the selection's triples with every named graph merged, written with the project's
prefixes (`ct:`, `id:`, `article:`…). Named graphs are lost here; TriG and N-Quads keep them.
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.export._rdf import serialize

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write"]


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph as Turtle."""
    serialize(sub, out, ox.RdfFormat.TURTLE, prefixes=True)

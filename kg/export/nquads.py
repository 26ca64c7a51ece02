"""N-Quads (`.nq`): one quad per line; the fourth term is the named graph (the reference graph, the
entities graph or one graph per article), so the provenance of every fact survives the trip.
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.export._rdf import serialize

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write"]


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph as N-Quads."""
    serialize(sub, out, ox.RdfFormat.N_QUADS, prefixes=False)

"""TriG (`.trig`): Turtle with named graphs: one `GRAPH { … }` block per graph of the store the selection
touches, written with the project's prefixes.
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.export._rdf import serialize

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write"]


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph as TriG."""
    serialize(sub, out, ox.RdfFormat.TRIG, prefixes=True)

"""Subgraph export: pick a neighbourhood of the graph, write it in the format another tool reads.

`select(store, Selection(...))` cuts a `Subgraph` out of the store (RDF quads and property-graph rows of
the same selection); `registry` maps a format name to the one module that writes it, imported on first
use. `export` does both.

>>> from kg.export import Selection, export                                   # doctest: +SKIP
>>> with open("huawei.graphml", "wb") as f:                                   # doctest: +SKIP
...     export(store, Selection(around=("Huawei",), depth=2), "graphml", f)
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from kg.export.registry import FORMATS, Format, format_for_path, get_format, register, writer

if TYPE_CHECKING:
    from kg.export.select import Selection, Subgraph

__all__ = ["FORMATS", "Format", "format_for_path", "get_format", "register", "writer", "select", "Selection",
           "Subgraph", "export"]


def __getattr__(name: str) -> Any:
    # `select`, `Selection` and `Subgraph` load the store's dependencies: import them on first use.
    if name in ("select", "Selection", "Subgraph", "SelectionError"):
        from kg.export import select as module

        return getattr(module, name)
    raise AttributeError(name)


def export(store: Any, selection: Selection, fmt: str, out: IO[bytes], **opts: Any) -> Subgraph:
    """Select and write in one call; returns the subgraph written."""
    from kg.export.select import select

    sub = select(store, selection)
    writer(fmt)(sub, out, **opts)
    return sub

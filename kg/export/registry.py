"""The export formats: one lazy registry from a format name to the module that writes it.

Every format is one module with a `write(sub, out, **opts)` function that writes a `Subgraph` to a
binary stream (text formats as UTF-8). The registry names it as `"module:function"` and imports it only
when used, so `kg --help` stays instant and adding a format is one module plus one `register` line.

Formats advertise what they hold as flags: `model` is `rdf` (quads or triples), `property-graph`
(nodes and edges) or `page` (a viewer); `datasets` says an RDF format keeps named graphs.

>>> writer("turtle")                        # doctest: +ELLIPSIS
<function write at ...>
>>> format_for_path("huawei.graphml").name
'graphml'
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["Format", "Writer", "FORMATS", "register", "get_format", "writer", "format_for_path", "UnknownFormatError"]

Writer = Callable[..., None]  # write(sub: Subgraph, out: IO[bytes], **opts) -> None


class UnknownFormatError(KGError):
    """A format name or file extension no writer is registered for."""


@dataclass(frozen=True)
class Format:
    """One registered export format."""

    name: str
    target: str  # "module:function"
    extensions: tuple[str, ...]
    media_type: str
    model: str  # "rdf", "property-graph" or "page"
    description: str
    datasets: bool = False  # an RDF format that keeps named graphs
    aliases: tuple[str, ...] = ()

    def load(self) -> Writer:
        """Import the writer (once; Python caches the module)."""
        module, _, func = self.target.partition(":")
        fn: Writer = getattr(importlib.import_module(module), func)
        return fn


FORMATS: dict[str, Format] = {}
_ALIASES: dict[str, str] = {}


def register(name: str, target: str, *, extensions: tuple[str, ...], media_type: str, model: str,
             description: str, datasets: bool = False, aliases: tuple[str, ...] = ()) -> Format:
    """Register a writer under a name (and aliases); a later registration of the same name replaces it."""
    fmt = Format(name, target, extensions, media_type, model, description, datasets, aliases)
    FORMATS[name] = fmt
    for a in (name, *aliases):
        _ALIASES[a.casefold()] = name
    return fmt


def get_format(name: str) -> Format:
    """The format called `name` (or one of its aliases), case-insensitively."""
    key = _ALIASES.get(name.strip().casefold())
    if key is None:
        raise UnknownFormatError(f"unknown export format '{name}'; formats: {', '.join(FORMATS)}")
    return FORMATS[key]


def writer(name: str) -> Writer:
    """The write function of a format."""
    return get_format(name).load()


def format_for_path(path: str | Path) -> Format:
    """The format a file name's extension names (longest registered extension wins)."""
    name = Path(path).name.casefold()
    best: tuple[int, Format] | None = None
    for fmt in FORMATS.values():
        for ext in fmt.extensions:
            if name.endswith(ext) and len(name) > len(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), fmt)
    if best is None:
        suffix = "".join(Path(path).suffixes) or "no extension"
        known = ", ".join(ext for f in FORMATS.values() for ext in f.extensions)
        raise UnknownFormatError(f"cannot tell the export format from '{Path(path).name}' ({suffix}): "
                                 f"pass --format, or use one of {known}")
    return best[1]


def write(sub: Subgraph, out: IO[bytes], fmt: str, **opts: Any) -> None:
    """Write a subgraph in the named format."""
    writer(fmt)(sub, out, **opts)


register("turtle", "kg.export.turtle:write", extensions=(".ttl",), media_type="text/turtle", model="rdf",
         description="Turtle: the triples (graphs merged), with the project's prefixes", aliases=("ttl",))
register("ntriples", "kg.export.ntriples:write", extensions=(".nt",), media_type="application/n-triples",
         model="rdf", description="N-Triples: one triple per line (graphs merged)", aliases=("nt", "n-triples"))
register("nquads", "kg.export.nquads:write", extensions=(".nq",), media_type="application/n-quads", model="rdf",
         datasets=True, description="N-Quads: one quad per line, named graphs kept", aliases=("nq", "n-quads"))
register("trig", "kg.export.trig:write", extensions=(".trig",), media_type="application/trig", model="rdf",
         datasets=True, description="TriG: Turtle with named graphs")
register("jsonld", "kg.export.jsonld:write", extensions=(".jsonld", ".json-ld"), media_type="application/ld+json",
         model="rdf", datasets=True, description="JSON-LD 1.1 with a context, named graphs kept",
         aliases=("json-ld",))
register("graphml", "kg.export.graphml:write", extensions=(".graphml",), media_type="application/graphml+xml",
         model="property-graph", description="GraphML with typed attributes (Gephi, yEd, Cytoscape, networkx)")
register("gexf", "kg.export.gexf:write", extensions=(".gexf",), media_type="application/gexf+xml",
         model="property-graph", description="GEXF 1.2 with typed attributes and colours by type (Gephi)")
register("csv", "kg.export.csv_tables:write", extensions=(".zip",), media_type="application/zip",
         model="property-graph", description="nodes.csv and edges.csv, in a directory or a .zip",
         aliases=("csv-tables",))
register("cypher", "kg.export.cypher_script:write", extensions=(".cypher", ".cql"), media_type="application/x-cypher",
         model="property-graph", description="Cypher script of idempotent MERGE statements, one per line")
register("html", "kg.export.html:write", extensions=(".html", ".htm"), media_type="text/html", model="page",
         description="one self-contained HTML page: interactive graph, search, type filter, evidence")

"""GEXF 1.2 (`.gexf`): the property graph for Gephi, with typed attributes and a colour per type.

Node ids are the node keys and node labels their display names; every property is a declared attribute
with its GEXF type (`string`, `double`, `integer`, `boolean`), lists joined with `;`. Each node carries a
`viz:color` by type (the same colours as the HTML page) so that Gephi opens it coloured; edges are
directed, labelled with their relationship type (`DEVELOPS`) and weighted by confidence (1.0 for mentions
and observations). `networkx.read_gexf` reads it too.
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any
from xml.sax.saxutils import XMLGenerator

from kg.export._pg import EDGE_COLUMNS, NODE_COLUMNS, edge_row, node_row, type_colours, xml_safe, xml_text

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write", "GEXF_TYPES"]

GEXF_TYPES = {"str": "string", "list": "string", "float": "double", "int": "integer", "bool": "boolean"}
_NS = "http://www.gexf.net/1.2draft"  # the version Gephi writes and `networkx.read_gexf` reads by default
_VIZ = "http://www.gexf.net/1.2draft/viz"


def _rgb(colour: str) -> dict[str, str]:
    return {"r": str(int(colour[1:3], 16)), "g": str(int(colour[3:5], 16)), "b": str(int(colour[5:7], 16))}


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph's nodes and edges as GEXF 1.2."""
    nodes = [node_row(n) for n in sub.nodes]
    edges = [edge_row(e) for e in sub.edges]
    node_attrs = [c for c in NODE_COLUMNS if c not in ("key", "label")
                  and any(r.get(c) not in (None, []) for r in nodes)]
    edge_attrs = [c for c in EDGE_COLUMNS if c not in ("src", "dst")
                  and any(r.get(c) not in (None, []) for r in edges)]
    colours = type_colours()
    ids = {f"{cls}_{name}": str(i) for i, (cls, name) in
           enumerate([*(("n", n) for n in node_attrs), *(("e", n) for n in edge_attrs)])}
    x = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def line(depth: int) -> None:
        x.characters("\n" + "  " * depth)

    x.startDocument()
    x.startElement("gexf", {"xmlns": _NS, "xmlns:viz": _VIZ, "version": "1.2"})
    line(1)
    x.startElement("meta", {})
    line(2)
    x.startElement("creator", {})
    x.characters("chinatech-kg")
    x.endElement("creator")
    line(2)
    x.startElement("description", {})
    x.characters(xml_safe(sub.selection.describe()))
    x.endElement("description")
    line(1)
    x.endElement("meta")
    line(1)
    x.startElement("graph", {"defaultedgetype": "directed", "mode": "static"})
    for cls, names, columns in (("node", node_attrs, NODE_COLUMNS), ("edge", edge_attrs, EDGE_COLUMNS)):
        line(2)
        x.startElement("attributes", {"class": cls, "mode": "static"})
        for name in names:
            line(3)
            x.startElement("attribute", {"id": ids[f"{cls[0]}_{name}"], "title": name,
                                         "type": GEXF_TYPES[columns[name]]})
            x.endElement("attribute")
        line(2)
        x.endElement("attributes")

    def attvalues(prefix: str, row: dict[str, Any], names: list[str], depth: int) -> None:
        line(depth)
        x.startElement("attvalues", {})
        for name in names:
            value = row.get(name)
            if value is None or value == []:
                continue
            line(depth + 1)
            x.startElement("attvalue", {"for": ids[f"{prefix}_{name}"], "value": xml_text(value)})
            x.endElement("attvalue")
        line(depth)
        x.endElement("attvalues")

    line(2)
    x.startElement("nodes", {})
    for row in nodes:
        line(3)
        x.startElement("node", {"id": xml_safe(row["key"]), "label": xml_safe(row["label"])})
        attvalues("n", row, node_attrs, 4)
        line(4)
        x.startElement("viz:color", _rgb(colours.get(row["type"], "#999999")))
        x.endElement("viz:color")
        line(3)
        x.endElement("node")
    line(2)
    x.endElement("nodes")
    line(2)
    x.startElement("edges", {})
    for i, row in enumerate(edges):
        line(3)
        weight = row.get("confidence")
        x.startElement("edge", {"id": str(i), "source": xml_safe(row["src"]), "target": xml_safe(row["dst"]),
                                "label": row["type"], "weight": repr(float(weight if weight is not None else 1.0))})
        attvalues("e", row, edge_attrs, 4)
        line(3)
        x.endElement("edge")
    line(2)
    x.endElement("edges")
    line(1)
    x.endElement("graph")
    x.characters("\n")
    x.endElement("gexf")
    x.characters("\n")
    x.endDocument()

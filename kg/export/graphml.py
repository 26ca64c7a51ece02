"""GraphML (`.graphml`): the property graph as a directed GraphML document with typed attributes.

Node ids are the node keys (`huawei`, `found/company/zhipu-ai`, an article id, an observation IRI); edge
ids are `e0`, `e1`…, since two nodes may be linked by several relations. Every property becomes a
`<key>` with its GraphML type (`string`, `double`, `int`, `boolean`); only properties some node or
edge has are declared. Lists (aliases, tickers, labels) are joined with `;`. Gephi, yEd, Cytoscape and
`networkx.read_graphml` read it; colour by `type` in Gephi to see the ontology classes.

>>> import networkx as nx                                               # doctest: +SKIP
>>> G = nx.read_graphml("huawei.graphml")                               # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any
from xml.sax.saxutils import XMLGenerator

from kg.export._pg import EDGE_COLUMNS, NODE_COLUMNS, edge_row, node_row, xml_safe, xml_text

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write", "GRAPHML_TYPES"]

GRAPHML_TYPES = {"str": "string", "list": "string", "float": "double", "int": "int", "bool": "boolean"}
_NS = "http://graphml.graphdrawing.org/xmlns"


def _used(rows: Iterable[dict[str, Any]], columns: dict[str, str], skip: set[str]) -> list[str]:
    rows = list(rows)
    return [c for c in columns if c not in skip and any(r.get(c) not in (None, []) for r in rows)]


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph's nodes and edges as GraphML."""
    nodes = [node_row(n) for n in sub.nodes]
    edges = [edge_row(e) for e in sub.edges]
    node_keys = _used(nodes, NODE_COLUMNS, {"key"})
    edge_keys = _used(edges, EDGE_COLUMNS, {"src", "dst"})
    x = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    x.startDocument()
    x.startElement("graphml", {"xmlns": _NS, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                               "xsi:schemaLocation": f"{_NS} {_NS}/1.0/graphml.xsd"})
    x.characters("\n")
    for scope, names, columns in (("node", node_keys, NODE_COLUMNS), ("edge", edge_keys, EDGE_COLUMNS)):
        for name in names:
            x.characters("  ")
            x.startElement("key", {"id": f"{scope[0]}_{name}", "for": scope, "attr.name": name,
                                   "attr.type": GRAPHML_TYPES[columns[name]]})
            x.endElement("key")
            x.characters("\n")
    x.characters("  ")
    x.startElement("graph", {"id": "G", "edgedefault": "directed"})
    x.characters("\n")
    if sub.selection is not None:
        x.characters("    ")
        x.startElement("desc", {})
        x.characters(xml_safe(sub.selection.describe()))
        x.endElement("desc")
        x.characters("\n")

    def data(prefix: str, row: dict[str, Any], names: list[str]) -> None:
        for name in names:
            value = row.get(name)
            if value is None or value == []:
                continue
            x.characters("\n      ")
            x.startElement("data", {"key": f"{prefix}_{name}"})
            x.characters(xml_text(value))
            x.endElement("data")

    for row in nodes:
        x.characters("    ")
        x.startElement("node", {"id": xml_safe(row["key"])})
        data("n", row, node_keys)
        x.characters("\n    ")
        x.endElement("node")
        x.characters("\n")
    for i, row in enumerate(edges):
        x.characters("    ")
        x.startElement("edge", {"id": f"e{i}", "source": xml_safe(row["src"]), "target": xml_safe(row["dst"])})
        data("e", row, edge_keys)
        x.characters("\n    ")
        x.endElement("edge")
        x.characters("\n")
    x.characters("  ")
    x.endElement("graph")
    x.characters("\n")
    x.endElement("graphml")
    x.characters("\n")
    x.endDocument()

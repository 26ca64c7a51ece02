"""GEXF 1.2 (`.gexf`): the property graph for Gephi, with typed attributes and a colour per type.

Node ids are the node keys and node labels their display names; every property is a declared attribute
with its GEXF type (`string`, `double`, `integer`, `boolean`), lists joined with `;`. Each node carries a
`viz:color` by type (the same colours as the HTML page) so that Gephi opens it coloured; edges are
directed, labelled with their relationship type (`DEVELOPS`) and weighted by confidence (1.0 for mentions
and observations). `networkx.read_gexf` reads it too.
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from kg.export._pg import EDGE_COLUMNS, NODE_COLUMNS, edge_row, node_row, type_colours, xml_safe, xml_text

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write", "GEXF_TYPES"]

GEXF_TYPES = {"str": "string", "list": "string", "float": "double", "int": "integer", "bool": "boolean"}
_NS = "http://www.gexf.net/1.2draft"  # the version Gephi writes and `networkx.read_gexf` reads by default
_VIZ = "http://www.gexf.net/1.2draft/viz"


def _rgb(colour: str) -> str:
    return f'r="{int(colour[1:3], 16)}" g="{int(colour[3:5], 16)}" b="{int(colour[5:7], 16)}"'


def _line(depth: int) -> str:
    return "\n" + "  " * depth


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph's nodes and edges as GEXF 1.2: the text is assembled as strings, element by element,
    in the form `xml.sax.saxutils.XMLGenerator` writes (byte for byte; 4× faster than its call per tag)."""
    nodes = [node_row(n) for n in sub.nodes]
    edges = [edge_row(e) for e in sub.edges]
    node_attrs = [c for c in NODE_COLUMNS if c not in ("key", "label")
                  and any(r.get(c) not in (None, []) for r in nodes)]
    edge_attrs = [c for c in EDGE_COLUMNS if c not in ("src", "dst")
                  and any(r.get(c) not in (None, []) for r in edges)]
    colours = {t: _rgb(c) for t, c in type_colours().items()}
    grey = _rgb("#999999")  # a node type without a colour of its own
    ids = {f"{cls}_{name}": str(i) for i, (cls, name) in
           enumerate([*(("n", n) for n in node_attrs), *(("e", n) for n in edge_attrs)])}
    description = escape(xml_safe(sub.selection.describe()))
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n',
             f"<gexf xmlns={quoteattr(_NS)} xmlns:viz={quoteattr(_VIZ)} version=\"1.2\">{_line(1)}<meta>{_line(2)}"
             f"<creator>chinatech-kg</creator>{_line(2)}"
             + (f"<description>{description}</description>" if description else "<description/>")
             + f'{_line(1)}</meta>{_line(1)}<graph defaultedgetype="directed" mode="static">']
    for cls, names, columns in (("node", node_attrs, NODE_COLUMNS), ("edge", edge_attrs, EDGE_COLUMNS)):
        parts.append(f'{_line(2)}<attributes class="{cls}" mode="static">')
        parts += (f"{_line(3)}<attribute id={quoteattr(ids[f'{cls[0]}_{name}'])} title={quoteattr(name)} "
                  f"type={quoteattr(GEXF_TYPES[columns[name]])}/>" for name in names)
        parts.append(f"{_line(2)}</attributes>")

    def attvalues(prefix: str, row: dict[str, Any], names: list[str]) -> str:
        values = "".join(f'{_line(5)}<attvalue for="{ids[f"{prefix}_{name}"]}" value={quoteattr(xml_text(value))}/>'
                         for name in names if (value := row.get(name)) is not None and value != [])
        return f"{_line(4)}<attvalues>{values}{_line(4)}</attvalues>"

    parts.append(f"{_line(2)}<nodes>")
    for row in nodes:
        parts.append(f"{_line(3)}<node id={quoteattr(xml_safe(row['key']))} label={quoteattr(xml_safe(row['label']))}>"
                     f"{attvalues('n', row, node_attrs)}{_line(4)}<viz:color "
                     f"{colours.get(row['type'], grey)}/>{_line(3)}</node>")
    parts.append(f"{_line(2)}</nodes>{_line(2)}<edges>")
    for i, row in enumerate(edges):
        weight = row.get("confidence")
        parts.append(f'{_line(3)}<edge id="{i}" source={quoteattr(xml_safe(row["src"]))} '
                     f'target={quoteattr(xml_safe(row["dst"]))} label={quoteattr(row["type"])} '
                     f'weight="{float(weight if weight is not None else 1.0)!r}">'
                     f"{attvalues('e', row, edge_attrs)}{_line(3)}</edge>")
    parts.append(f"{_line(2)}</edges>{_line(1)}</graph>\n</gexf>\n")
    out.write("".join(parts).encode("utf-8", "xmlcharrefreplace"))

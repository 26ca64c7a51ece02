"""Shared by the property-graph writers: the columns of node and edge tables, flat row values, type colours.

Every node row has `key`, `labels` (most specific first), `type` (the most specific label: `Company`,
`Article`, `Observation`), `label` (a display name: the entity's label, the article's title, or
"measure = value unit" for an observation) and then the properties of docs/data-model.md. Edge rows have
`src`, `dst`, `type` (the relationship type, e.g. `DEVELOPS`) and the relation properties.
"""
from __future__ import annotations

import re
from typing import Any

from kg.projection import ARTICLE_PROPS, ENTITY_PROPS, OBSERVATION_PROPS, RELATION_PROPS, Edge, Node
from ontology.schema import load_schema

__all__ = ["NODE_COLUMNS", "EDGE_COLUMNS", "node_row", "edge_row", "flat", "xml_safe", "type_colours",
           "LIST_SEPARATOR"]

LIST_SEPARATOR = ";"  # lists in flat formats: Neo4j's default array delimiter


def _columns(*tables: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in tables:
        for name, kind in t.items():
            if out.setdefault(name, kind) != kind:
                raise ValueError(f"property {name} has kinds {out[name]} and {kind}")
    return out


NODE_COLUMNS: dict[str, str] = _columns({"key": "str", "labels": "list", "type": "str", "label": "str"},
                                        ENTITY_PROPS, ARTICLE_PROPS, OBSERVATION_PROPS)
EDGE_COLUMNS: dict[str, str] = _columns({"src": "str", "dst": "str", "type": "str"}, RELATION_PROPS)


def _typed(value: Any, kind: str) -> Any:
    """A property value as its column's kind (None stays None)."""
    if value is None:
        return None
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    if kind == "list":
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return str(value)


def _number(value: float) -> str:
    """A number for people: `1240000000.0` -> `1,240,000,000`, `0.125` -> `0.125`."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:,.6g}"


def _display(node: Node) -> str:
    p = node.props
    if p.get("label"):
        return str(p["label"])
    if node.labels == ("Article",):
        return str(p.get("title") or node.key)
    if node.labels == ("Observation",):
        value = p.get("value")
        shown = _number(value) if isinstance(value, int | float) else str(value)
        return " ".join(x for x in (f"{p.get('measure')} =", shown, p.get("unit") or "",
                                    f"({p['period']})" if p.get("period") else "") if x)
    return node.key


def node_row(node: Node) -> dict[str, Any]:
    """Every node column for one node: typed values, None where the node has no such property."""
    props = node.props
    row = {name: None if (v := props.get(name)) is None else _typed(v, kind) for name, kind in NODE_COLUMNS.items()}
    row.update(key=node.key, labels=list(node.labels), type=node.labels[0], label=_display(node))
    return row


def edge_row(edge: Edge) -> dict[str, Any]:
    """Every edge column for one edge."""
    props = edge.props
    row = {name: None if (v := props.get(name)) is None else _typed(v, kind) for name, kind in EDGE_COLUMNS.items()}
    row.update(src=edge.src, dst=edge.dst, type=edge.type)
    return row


def flat(value: Any) -> Any:
    """A value for a format without lists: lists joined with `;`."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return value


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold removed (control characters)."""
    return _XML_BAD.sub("", text)


_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
            "#9c755f", "#86bcb6", "#d37295", "#a0cbe8", "#8cd17d", "#bab0ac", "#f1ce63", "#79706e")


def type_colours() -> dict[str, str]:
    """A fixed colour per node type: the ontology's core types in order, then Article and Observation."""
    names = [*load_schema().core_types, "Observation", "Article"]
    return {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(names)}


def xml_text(value: Any) -> str:
    """A property value as GraphML/GEXF attribute text: booleans lower-case, floats exact, XML-safe."""
    if type(value) is str:
        return xml_safe(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return xml_safe(str(flat(value)))

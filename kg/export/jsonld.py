"""JSON-LD (`.jsonld`): the selection as compacted JSON-LD with a context, named graphs kept.

The document is `{"@context": …, "@graph": [{"@id": "graph:reference", "@graph": [nodes…]}, …]}`: one
entry per named graph, each holding node objects (`{"@id": "id:huawei", "@type": "Company", "label":
"Huawei", …}`). The context maps the project's prefixes (`ct:`, `id:`, `article:`, `graph:`, `rdfs:`…),
every ontology class to its name, and each property used to a short term: relations and other object
properties are IRIs (`"develops": "id:kirin-9000s"`), and a property whose literals all share one datatype
is coerced to it (`"confidence": "0.9"` is an `xsd:double`), so values keep their exact lexical form.
Anything that does not fit a term (a language tag, mixed datatypes) is written as a full value object.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.export._rdf import PREFIXES, sorted_quads
from ontology.schema import NS, load_schema

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write", "context", "document"]

_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD_STRING = PREFIXES["xsd"] + "string"
_SHORT = {PREFIXES["rdfs"] + "label": "label", PREFIXES["skos"] + "altLabel": "altLabel",
          PREFIXES["rdf"] + "subject": "subject", PREFIXES["rdf"] + "predicate": "predicate",
          PREFIXES["rdf"] + "object": "object"}
_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))  # longest namespace first


def compact(iri: str) -> str:
    """An IRI as a compact IRI when a prefix covers it (`id:huawei`), else unchanged."""
    for prefix, ns in _ORDER:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _term_name(iri: str) -> str | None:
    if iri in _SHORT:
        return _SHORT[iri]
    if iri.startswith(NS) and iri[len(NS):].isidentifier():
        return iri[len(NS):]
    return None


def _coercion(objects: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> str | None:
    """The `@type` a property's values share: `@id` for IRIs, a datatype for one non-string datatype."""
    if all(isinstance(o, ox.NamedNode) for o in objects):
        return "@id"
    if all(isinstance(o, ox.Literal) and o.language is None for o in objects):
        types = {o.datatype.value for o in objects}  # type: ignore[union-attr]
        if len(types) == 1 and _XSD_STRING not in types:
            return compact(types.pop())
    return None


def context(quads: list[ox.Quad]) -> tuple[dict[str, Any], dict[str, tuple[str, str | None]]]:
    """The context for these quads, and predicate IRI -> (key in node objects, coercion or None)."""
    schema = load_schema()
    ctx: dict[str, Any] = dict(PREFIXES)
    for cls in schema.classes:
        ctx[cls] = f"ct:{cls}"
    objects: dict[str, list[Any]] = defaultdict(list)
    for q in quads:
        if q.predicate.value != _RDF_TYPE:
            objects[q.predicate.value].append(q.object)
    keys: dict[str, tuple[str, str | None]] = {}
    for p in sorted(objects):
        term = _term_name(p)
        coerce = _coercion(objects[p])
        if term is None or term in ctx:
            keys[p] = (compact(p), None)
            continue
        ctx[term] = {"@id": compact(p), "@type": coerce} if coerce else compact(p)
        keys[p] = (term, coerce)
    return ctx, keys


def _value(o: Any, coerce: str | None) -> Any:
    if isinstance(o, ox.NamedNode):
        return compact(o.value) if coerce == "@id" else {"@id": compact(o.value)}
    if isinstance(o, ox.BlankNode):
        return {"@id": f"_:{o.value}"}
    if o.language:
        return {"@value": o.value, "@language": o.language}
    datatype = o.datatype.value
    if coerce is not None and coerce == compact(datatype):
        return o.value
    if datatype == _XSD_STRING and coerce is None:
        return o.value
    return {"@value": o.value, "@type": compact(datatype)}


def _subject(node: Any) -> str:
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else compact(node.value)


def _type_name(o: Any, classes: set[str]) -> str:
    if isinstance(o, ox.NamedNode) and o.value.startswith(NS) and o.value[len(NS):] in classes:
        return o.value[len(NS):]
    return _subject(o)


def document(sub: Subgraph) -> dict[str, Any]:
    """The JSON-LD document of a subgraph, as Python data."""
    quads = sorted_quads(sub)
    ctx, keys = context(quads)
    classes = set(load_schema().classes)
    graphs: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for q in quads:
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else _subject(q.graph_name)
        s = _subject(q.subject)
        node = graphs[g].setdefault(s, {"@id": s})
        if q.predicate.value == _RDF_TYPE:
            node.setdefault("@type", []).append(_type_name(q.object, classes))
            continue
        key, coerce = keys[q.predicate.value]
        node.setdefault(key, []).append(_value(q.object, coerce))
    for nodes in graphs.values():
        for node in nodes.values():
            for k, v in node.items():
                if isinstance(v, list) and len(v) == 1:
                    node[k] = v[0]
    top: list[dict[str, Any]] = list(graphs.pop("", {}).values())
    top += [{"@id": g, "@graph": list(nodes.values())} for g, nodes in sorted(graphs.items())]
    return {"@context": ctx, "@graph": top}


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the subgraph as JSON-LD (`indent` sets the indentation, 1 by default)."""
    text = json.dumps(document(sub), ensure_ascii=False, indent=opts.get("indent", 1))
    out.write(text.encode("utf-8") + b"\n")

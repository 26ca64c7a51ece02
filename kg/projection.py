"""The property-graph projection of the RDF store: what Cypher, Neo4j and the exporters consume.

`project(store)` reads the store with a handful of SPARQL SELECTs (see docs/data-model.md, "Property
graph") and returns plain rows:

- `PropertyGraph.nodes`: `Node(key, labels, props)`; entity labels are the core class and its
  super-classes (`("Company", "Organization", "Entity")`), plus `("Article",)` and `("Observation",)`.
- `PropertyGraph.edges`: `Edge(src, dst, type, props)` with `src`/`dst` node keys; one edge per relation
  assertion (type UPPER_SNAKE, e.g. `TRAINED_ON`), plus `MENTIONS` and `OBSERVATION_OF`.

>>> pg = project(store)                                     # doctest: +SKIP
>>> next(n for n in pg.nodes if n.key == "baidu").labels    # doctest: +SKIP
('Company', 'Organization', 'Entity')
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ontology.schema import NS, REFERENCE_GRAPH, load_schema

__all__ = ["Node", "Edge", "PropertyGraph", "project", "oxigraph_store", "python_value",
           "ENTITY_PROPS", "ARTICLE_PROPS", "OBSERVATION_PROPS", "RELATION_PROPS", "MENTIONS", "OBSERVATION_OF"]

MENTIONS = "MENTIONS"
OBSERVATION_OF = "OBSERVATION_OF"

# Property names and kinds, in a fixed order: the Cypher tables, Neo4j and exporters share them.
ENTITY_PROPS: dict[str, str] = {
    "key": "str", "iri": "str", "type": "str", "label": "str", "aliases": "list", "tickers": "list", "wikidata": "str",
    "source": "str",
}
ARTICLE_PROPS: dict[str, str] = {
    "key": "str", "iri": "str", "title": "str", "published": "str", "source_url": "str", "source_name": "str",
    "lang": "str",
}
OBSERVATION_PROPS: dict[str, str] = {
    "key": "str", "measure": "str", "value": "float", "unit": "str", "period": "str", "confidence": "float",
    "article": "str", "published": "str", "evidence": "str",
}
RELATION_PROPS: dict[str, str] = {
    "predicate": "str", "confidence": "float", "extractor": "str", "evidence": "str", "article": "str",
    "evidence_start": "int", "evidence_end": "int", "published": "str", "reference": "bool",
}



@dataclass(frozen=True, slots=True)
class Node:
    """A property-graph node: its key (unique in the graph), labels (most specific first) and properties."""

    key: str
    labels: tuple[str, ...]
    props: dict[str, Any]

    @property
    def label(self) -> str:
        """The most specific label: the node's table in LadybugDB."""
        return self.labels[0]


@dataclass(frozen=True, slots=True)
class Edge:
    """A property-graph relationship from node key `src` to node key `dst`."""

    src: str
    dst: str
    type: str
    props: dict[str, Any]


@dataclass(slots=True)
class PropertyGraph:
    """Plain node and edge lists; `dropped` counts rows that could not be projected, by reason."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)

    def node_labels(self) -> dict[str, str]:
        """Map node key -> most specific label."""
        return {n.key: n.labels[0] for n in self.nodes}


def oxigraph_store(store: Any) -> Any:
    """The `pyoxigraph.Store` behind `store` (a KGStore, or a pyoxigraph Store itself)."""
    from kg.sparql import oxigraph_of

    return oxigraph_of(store)


def python_value(term: Any) -> Any:
    """An RDF term as a plain Python value (see `kg.sparql.python_value`), with dates as ISO strings: the
    property graph keeps dates as strings, which compare correctly and travel to every format."""
    from kg.sparql import python_value as value

    v = value(term)
    return v.isoformat() if isinstance(v, date) else v


def _scan(ox: Any, prop: str, obj: str | None = None, graph: str | None = None) -> Iterator[tuple[str, Any]]:
    """(subject IRI, object value) of every triple with predicate `prop` (and object `obj`), in the union of
    all graphs or in `graph`: one index scan, with no join for Oxigraph to plan."""
    o = f"<{obj}>" if obj else "?o"
    pattern = f"?s <{prop}> {o}"
    if graph:
        pattern = f"GRAPH <{graph}> {{ {pattern} }}"
    result = ox.query(f"SELECT ?s {'?o' if obj is None else ''} WHERE {{ {pattern} }}", use_default_graph_as_union=True)
    if obj is not None:
        for row in result:
            yield row[0].value, obj
    else:
        for row in result:
            yield row[0].value, python_value(row[1])


def _values(ox: Any, prop: str) -> dict[str, Any]:
    """Subject IRI -> the smallest value of `prop` (a deterministic pick when there are several)."""
    out: dict[str, Any] = {}
    for s, v in _scan(ox, prop):
        if s not in out or str(v) < str(out[s]):
            out[s] = v
    return out


_SENTENCE_IRI = re.compile(r"#s(\d+)-(\d+)$")


def _article_of(node_iri: str, articles: dict[str, str]) -> str | None:
    """The article an assertion or observation IRI belongs to (`<article IRI>#r-…`, see kg/ids.py), or
    None for the reference graph's facts."""
    base = node_iri.split("#", 1)[0]
    return base if base in articles else None


def project(store: Any) -> PropertyGraph:
    """Project the RDF store onto a property graph (see the module docstring).

    Each property is read with its own single-pattern SELECT and the rows are joined here: on a large
    on-disk store Oxigraph answers one big join with OPTIONALs far more slowly (minutes against seconds).
    Offsets of sentences and the article of an assertion or observation come from their IRIs
    (docs/data-model.md, Identifiers)."""
    ox = oxigraph_store(store)
    schema = load_schema()
    pg = PropertyGraph()
    dropped: dict[str, int] = defaultdict(int)
    ct, rdf = NS, "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    # Entities: one core type each (the first in ontology order when data says more than one).
    keys = _values(ox, ct + "key")
    types: dict[str, str] = {}
    for t in schema.core_types:
        for iri, _ in _scan(ox, rdf + "type", ct + t):
            if iri not in keys:
                continue
            if iri in types:
                dropped["entity with several core types"] += 1
            else:
                types[iri] = t
    catalog = {iri for iri, _ in _scan(ox, ct + "key", graph=REFERENCE_GRAPH)}
    labels = {k: str(v) for k, v in _values(ox, "http://www.w3.org/2000/01/rdf-schema#label").items()}
    aliases: dict[str, set[str]] = defaultdict(set)
    for iri, v in _scan(ox, "http://www.w3.org/2004/02/skos/core#altLabel"):
        aliases[iri].add(str(v))
    tickers: dict[str, set[str]] = defaultdict(set)
    for iri, v in _scan(ox, ct + "ticker"):
        tickers[iri].add(str(v))
    wikidata = _values(ox, ct + "wikidata")
    for iri, t in types.items():
        key = keys[iri]
        pg.nodes.append(Node(key, schema.labels(t), {
            "key": key, "iri": iri, "type": t, "label": labels.get(iri, key), "aliases": sorted(aliases[iri]),
            "tickers": sorted(tickers[iri]), "wikidata": wikidata.get(iri),
            "source": "catalog" if iri in catalog else "discovered",
        }))

    # Articles and their mentions.
    article_ids = _values(ox, ct + "articleId")
    props = {name: _values(ox, ct + prop) for name, prop in (
        ("title", "title"), ("published", "published"), ("source_url", "sourceUrl"), ("source_name", "sourceName"),
        ("lang", "lang"))}
    published = props["published"]
    for iri, aid in sorted(article_ids.items()):
        pg.nodes.append(Node(aid, ("Article",), {"key": aid, "iri": iri, **{k: v.get(iri) for k, v in props.items()}}))
    for a, e in sorted(set(_scan(ox, ct + "mentions"))):
        if a in article_ids and e in types:
            pg.edges.append(Edge(article_ids[a], keys[e], MENTIONS, {}))
        else:
            dropped["mention of an unknown entity"] += 1

    # Evidence sentences, shared by assertions and observations; several per fact keep the earliest.
    texts = _values(ox, ct + "text")
    evidence: dict[str, tuple[int, int, str]] = {}
    for node, sentence in _scan(ox, ct + "evidence"):
        m = _SENTENCE_IRI.search(sentence)
        if m is None or sentence not in texts:
            continue
        ev = (int(m.group(1)), int(m.group(2)), str(texts[sentence]))
        if node not in evidence or ev < evidence[node]:
            evidence[node] = ev
    confidence = _values(ox, ct + "confidence")

    # Relation assertions: one edge each.
    subjects = _values(ox, rdf + "subject")
    predicates = _values(ox, rdf + "predicate")
    objects = _values(ox, rdf + "object")
    extractors = _values(ox, ct + "extractor")
    for r in sorted(subjects):
        s, p, o = subjects[r], predicates.get(r, ""), objects.get(r)
        rel = schema.relations.get(p[len(NS):]) if p.startswith(NS) else None
        if rel is None or s not in types or o not in types:
            dropped["relation with an unknown predicate or end"] += 1
            continue
        art = _article_of(r, article_ids)
        start, end, text = evidence.get(r, (None, None, None))
        pg.edges.append(Edge(keys[s], keys[o], rel.rel_type, {
            "predicate": rel.name, "confidence": confidence.get(r), "extractor": extractors.get(r), "evidence": text,
            "article": article_ids[art] if art else None, "evidence_start": start, "evidence_end": end,
            "published": published.get(art) if art else None, "reference": art is None,
        }))

    # Observations.
    of = _values(ox, ct + "observationOf")
    obs_props = {name: _values(ox, ct + name) for name in ("measure", "value", "unit", "period")}
    for iri in sorted(of):
        e = of[iri]
        if e not in types or iri not in obs_props["measure"] or iri not in obs_props["value"]:
            dropped["observation of an unknown entity"] += 1
            continue
        art = _article_of(iri, article_ids)
        pg.nodes.append(Node(iri, ("Observation",), {
            "key": iri, **{k: v.get(iri) for k, v in obs_props.items()}, "confidence": confidence.get(iri),
            "article": article_ids[art] if art else None, "published": published.get(art) if art else None,
            "evidence": evidence.get(iri, (None, None, None))[2],
        }))
        pg.edges.append(Edge(iri, keys[e], OBSERVATION_OF, {}))
    pg.dropped = dict(dropped)
    return pg

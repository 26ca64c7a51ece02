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

_PREFIXES = f"""PREFIX ct: <{NS}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


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


def _select(ox: Any, query: str) -> Iterator[tuple[Any, ...]]:
    result = ox.query(_PREFIXES + query, use_default_graph_as_union=True)
    n = len(result.variables)
    for row in result:
        yield tuple(python_value(row[i]) for i in range(n))


def _core_type_values() -> str:
    return " ".join(f"ct:{t}" for t in load_schema().core_types)


def project(store: Any) -> PropertyGraph:
    """Project the RDF store onto a property graph (see the module docstring)."""
    ox = oxigraph_store(store)
    schema = load_schema()
    pg = PropertyGraph()
    dropped: dict[str, int] = defaultdict(int)

    # Entities: one core type each (the first in ontology order when data says more than one).
    order = {t: i for i, t in enumerate(schema.core_types)}
    types: dict[str, str] = {}
    keys: dict[str, str] = {}
    for iri, key, typ in _select(ox, f"""SELECT ?e ?key ?type WHERE {{
            VALUES ?type {{ {_core_type_values()} }} ?e a ?type ; ct:key ?key }}"""):
        t = typ[len(NS):]
        keys[iri] = key
        if iri not in types or order[t] < order[types[iri]]:
            if iri in types:
                dropped["entity with several core types"] += 1
            types[iri] = t
    catalog = {iri for (iri,) in _select(
        ox, f"SELECT DISTINCT ?e WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?e ct:key ?k }} }}")}
    labels: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    tickers: dict[str, set[str]] = defaultdict(set)
    wikidata: dict[str, str] = {}
    for iri, p, v in _select(ox, """SELECT ?e ?p ?v WHERE {
            VALUES ?p { rdfs:label skos:altLabel ct:ticker ct:wikidata } ?e ct:key ?k ; ?p ?v }"""):
        v = str(v)
        if p.endswith("#label"):
            if iri not in labels or v < labels[iri]:
                labels[iri] = v
        elif p.endswith("#altLabel"):
            aliases[iri].add(v)
        elif p.endswith("#ticker"):
            tickers[iri].add(v)
        elif iri not in wikidata or v < wikidata[iri]:
            wikidata[iri] = v
    for iri, t in types.items():
        key = keys[iri]
        pg.nodes.append(Node(key, schema.labels(t), {
            "key": key, "iri": iri, "type": t, "label": labels.get(iri, key), "aliases": sorted(aliases[iri]),
            "tickers": sorted(tickers[iri]), "wikidata": wikidata.get(iri),
            "source": "catalog" if iri in catalog else "discovered",
        }))

    # Articles and their mentions.
    article_ids: dict[str, str] = {}
    published: dict[str, str | None] = {}
    for iri, aid, title, pub, url, src, lang in _select(ox, """SELECT ?a ?id ?title ?pub ?url ?src ?lang WHERE {
            ?a a ct:Article ; ct:articleId ?id .
            OPTIONAL { ?a ct:title ?title } OPTIONAL { ?a ct:published ?pub } OPTIONAL { ?a ct:sourceUrl ?url }
            OPTIONAL { ?a ct:sourceName ?src } OPTIONAL { ?a ct:lang ?lang } }"""):
        if iri in article_ids:
            continue
        article_ids[iri] = aid
        published[iri] = pub
        pg.nodes.append(Node(aid, ("Article",), {
            "key": aid, "iri": iri, "title": title, "published": pub, "source_url": url, "source_name": src,
            "lang": lang,
        }))
    for a, e in set(_select(ox, "SELECT ?a ?e WHERE { ?a a ct:Article ; ct:mentions ?e }")):
        if a in article_ids and e in types:
            pg.edges.append(Edge(article_ids[a], keys[e], MENTIONS, {}))
        else:
            dropped["mention of an unknown entity"] += 1

    # Relation assertions: one edge each; several evidence sentences keep the earliest.
    edges: dict[str, tuple[str, str, str, dict[str, Any]]] = {}
    for r, s, p, o, conf, extractor, text, start, end, art in _select(ox, """
            SELECT ?r ?s ?p ?o ?conf ?x ?text ?start ?end ?a WHERE {
            ?r a ct:RelationAssertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
            OPTIONAL { ?r ct:confidence ?conf } OPTIONAL { ?r ct:extractor ?x }
            OPTIONAL { ?r ct:evidence ?sen . ?sen ct:text ?text ; ct:start ?start ; ct:end ?end }
            OPTIONAL { ?r ct:sourceArticle ?a } }"""):
        rel = schema.relations.get(p[len(NS):]) if p.startswith(NS) else None
        if rel is None or s not in types or o not in types:
            dropped["relation with an unknown predicate or end"] += 1
            continue
        props = {
            "predicate": rel.name, "confidence": conf, "extractor": extractor, "evidence": text,
            "article": article_ids.get(art) if art else None, "evidence_start": start, "evidence_end": end,
            "published": published.get(art) if art else None, "reference": art is None,
        }
        old = edges.get(r)
        first = old[3]["evidence_start"] if old is not None else None
        if old is not None and (first is None or (start is not None and first <= start)):
            continue
        edges[r] = (keys[s], keys[o], rel.rel_type, props)
    pg.edges.extend(Edge(*e) for _, e in sorted(edges.items()))

    # Observations.
    seen: set[str] = set()
    for iri, e, measure, value, unit, period, conf, text, art in _select(ox, """
            SELECT ?o ?e ?measure ?value ?unit ?period ?conf ?text ?a WHERE {
            ?o a ct:Observation ; ct:observationOf ?e ; ct:measure ?measure ; ct:value ?value .
            OPTIONAL { ?o ct:unit ?unit } OPTIONAL { ?o ct:period ?period } OPTIONAL { ?o ct:confidence ?conf }
            OPTIONAL { ?o ct:evidence ?sen . ?sen ct:text ?text } OPTIONAL { ?o ct:sourceArticle ?a } }
            ORDER BY ?o ?text"""):
        if iri in seen:
            continue
        if e not in types:
            dropped["observation of an unknown entity"] += 1
            continue
        seen.add(iri)
        pg.nodes.append(Node(iri, ("Observation",), {
            "key": iri, "measure": measure, "value": value, "unit": unit, "period": period, "confidence": conf,
            "article": article_ids.get(art) if art else None, "published": published.get(art) if art else None,
            "evidence": text,
        }))
        pg.edges.append(Edge(iri, keys[e], OBSERVATION_OF, {}))
    pg.dropped = dict(dropped)
    return pg

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ontology.schema import NS, RDF, RDFS, REFERENCE_GRAPH, SKOS, load_schema

__all__ = ["Node", "Edge", "PropertyGraph", "project", "project_articles", "project_around", "oxigraph_store",
           "python_value", "ENTITY_PROPS", "ARTICLE_PROPS", "OBSERVATION_PROPS", "RELATION_PROPS", "MENTIONS",
           "OBSERVATION_OF"]

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
    """Plain node and edge lists; `dropped` counts rows that could not be projected, by reason; `source` says
    where the rows were read: "store" (the RDF store) or "cypher" (the Cypher database mirroring it)."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    source: str = "store"

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


_RDFS_LABEL, _ALT_LABEL = RDFS + "label", SKOS + "altLabel"
# The predicates the projection reads: entity descriptions, then what article graphs hold.
_ENTITY_PREDICATES = (NS + "key", _RDFS_LABEL, _ALT_LABEL, NS + "ticker", NS + "wikidata")
_ARTICLE_PREDICATES = tuple(NS + p for p in (
    "articleId", "title", "published", "sourceUrl", "sourceName", "lang", "mentions", "text", "evidence",
    "confidence", "extractor", "observationOf", "measure", "value", "unit", "period",
)) + (RDF + "subject", RDF + "predicate", RDF + "object")
_SENTENCE_IRI = re.compile(r"#s(\d+)-(\d+)$")


class _Facts:
    """The triples the projection needs, by predicate: subject IRI -> values; plus each entity's core
    types (in ontology order) and which entities the catalog describes."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[str, list[str]] = defaultdict(list)
        self.catalog: set[str] = set()

    def add(self, s: str, p: str, o: Any) -> None:
        self.values[p][s].append(o)

    def one(self, p: str) -> dict[str, Any]:
        """Subject -> the smallest value of `p` (a deterministic pick when there are several)."""
        return {s: min(vs, key=str) for s, vs in self.values[p].items()}

    def many(self, p: str) -> dict[str, list[Any]]:
        return self.values[p]


def _store_facts(ox: Any) -> _Facts:
    """Every fact the projection needs, one single-pattern SELECT per predicate."""
    facts = _Facts()
    for p in (*_ENTITY_PREDICATES, *_ARTICLE_PREDICATES):
        for s, o in _scan(ox, p):
            facts.add(s, p, o)
    for t in load_schema().core_types:
        for s, _ in _scan(ox, RDF + "type", NS + t):
            facts.types[s].append(t)
    facts.catalog = {s for s, _ in _scan(ox, NS + "key", graph=REFERENCE_GRAPH)}
    return facts


def _article_facts(ox: Any, article_ids: list[str]) -> _Facts:
    """The facts of some articles' named graphs (for an update)."""
    from kg.ids import article_graph_iri

    wanted = set(_ARTICLE_PREDICATES)
    facts = _Facts()
    for aid in article_ids:
        for row in ox.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{article_graph_iri(aid)}> {{ ?s ?p ?o }} }}"):
            if row[1].value in wanted:
                facts.add(row[0].value, row[1].value, python_value(row[2]))
    return facts


def _entity_facts(ox: Any, entity_iris: Iterable[str], facts: _Facts) -> None:
    """Add the descriptions of some entities (names, identifiers, core types, catalog or not) to `facts`,
    from every graph as `project` reads them: one index lookup per entity and predicate, so that a hub's
    thousands of direct relation triples are never read."""
    from pyoxigraph import NamedNode

    order = {t: i for i, t in enumerate(load_schema().core_types)}
    rdf_type, key = RDF + "type", NS + "key"
    predicates = [NamedNode(p) for p in (*_ENTITY_PREDICATES, rdf_type)]
    for e in sorted(entity_iris):
        node = NamedNode(e)
        for q in (q for p in predicates for q in ox.quads_for_pattern(node, p, None, None)):
            p, o = q.predicate.value, q.object
            if p != rdf_type:
                facts.add(e, p, python_value(o))
                if p == key and q.graph_name.value == REFERENCE_GRAPH:
                    facts.catalog.add(e)
            elif o.value.startswith(NS) and o.value[len(NS):] in order and o.value[len(NS):] not in facts.types[e]:
                facts.types[e].append(o.value[len(NS):])
        facts.types[e].sort(key=order.__getitem__)


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
    return _assemble(_store_facts(oxigraph_store(store)))


def project_articles(store: Any, article_ids: list[str], entity_keys: set[str]) -> PropertyGraph:
    """The part of the projection that some articles hold (their Article and Observation nodes, their
    relation edges and mentions) plus the current nodes of some entities (those still in the store):
    what an incremental update of the Cypher database writes."""
    from kg.ids import entity_iri

    ox = oxigraph_store(store)
    facts = _article_facts(ox, article_ids)
    entities = {entity_iri(k) for k in entity_keys} | {e for vs in facts.many(NS + "mentions").values() for e in vs}
    _entity_facts(ox, entities, facts)
    return _assemble(facts)


def project_around(store: Any, seeds: Iterable[str], depth: int, *, articles: Iterable[str] = (),
                   mentions: bool = False, observations: bool = True) -> PropertyGraph:
    """The part of the projection within `depth` relation hops of the seed entity keys (either direction,
    over every relation assertion): those entities, the relation edges among them, their observations (when
    `observations`: on a hub most of the work), the Article nodes their facts come from (with their mentions
    when `mentions`) and those of `articles`.

    Read by index lookups from the seeds outwards, so its cost follows the neighbourhood, not the store.
    Export filters only ever remove entities and facts, so a filtered walk stays inside this unfiltered one
    and selecting on it gives what selecting on the whole projection gives."""
    from pyoxigraph import NamedNode

    from kg.ids import article_iri, entity_iri

    ox = oxigraph_store(store)
    subject, object_ = NamedNode(RDF + "subject"), NamedNode(RDF + "object")
    wanted = set(_ARTICLE_PREDICATES) - {NS + "mentions"}
    facts = _Facts()
    reached = {NamedNode(entity_iri(k)) for k in seeds}
    frontier: set[Any] = set(reached)
    seen: set[Any] = set()

    def read(node: Any, graph: Any) -> None:
        """The facts a relation assertion or an observation states in its article's graph."""
        for x in ox.quads_for_pattern(node, None, None, graph):
            if x.predicate.value in wanted:
                facts.add(node.value, x.predicate.value, python_value(x.object))

    for hop in range(depth + 1):
        nearer: set[Any] = set()
        for e in frontier:
            for role, other_role in ((subject, object_), (object_, subject)):
                for q in ox.quads_for_pattern(None, role, e, None):
                    r, g = q.subject, q.graph_name
                    if r in seen:
                        continue
                    others = [x.object for x in ox.quads_for_pattern(r, other_role, None, g)]
                    if hop == depth and not all(o in reached for o in others):
                        continue  # an edge leaving the neighbourhood
                    seen.add(r)
                    nearer.update(o for o in others if o not in reached)
                    read(r, g)
        reached |= nearer
        frontier = nearer
    of = NamedNode(NS + "observationOf")
    for e in reached if observations else ():
        for q in ox.quads_for_pattern(None, of, e, None):
            read(q.subject, q.graph_name)
    text = NamedNode(NS + "text")
    for sentence in {v for vs in facts.many(NS + "evidence").values() for v in vs}:
        for x in ox.quads_for_pattern(NamedNode(sentence), text, None, None):
            facts.add(sentence, text.value, python_value(x.object))
    sources = {node.split("#", 1)[0] for p in (RDF + "subject", NS + "observationOf") for node in facts.many(p)}
    sources |= {article_iri(a) for a in articles}
    # Article nodes are written only with evidence; otherwise their id and date are all the facts need.
    keep = wanted | {NS + "mentions"} if mentions else {NS + "articleId", NS + "published"}
    for a in sorted(sources):
        for p in ([None] if mentions else [NamedNode(x) for x in keep]):
            for x in ox.quads_for_pattern(NamedNode(a), p, None, None):
                if x.predicate.value in keep:
                    facts.add(a, x.predicate.value, python_value(x.object))
    _entity_facts(ox, {e.value for e in reached}, facts)
    return _assemble(facts)


def _assemble(facts: _Facts) -> PropertyGraph:
    """Nodes and edges from the collected facts."""
    schema = load_schema()
    pg = PropertyGraph()
    dropped: dict[str, int] = defaultdict(int)
    ct = NS

    # Entities: one core type each (the first in ontology order when data says more than one).
    keys = facts.one(ct + "key")
    types: dict[str, str] = {}
    for iri, ts in facts.types.items():
        if iri in keys and ts:
            types[iri] = ts[0]
            if len(ts) > 1:
                dropped["entity with several core types"] += 1
    labels = {k: str(v) for k, v in facts.one(_RDFS_LABEL).items()}
    aliases, tickers = facts.many(_ALT_LABEL), facts.many(ct + "ticker")
    wikidata = facts.one(ct + "wikidata")
    for iri, t in sorted(types.items()):
        key = keys[iri]
        pg.nodes.append(Node(key, schema.labels(t), {
            "key": key, "iri": iri, "type": t, "label": labels.get(iri, key),
            "aliases": sorted({str(a) for a in aliases.get(iri, ())}),
            "tickers": sorted({str(a) for a in tickers.get(iri, ())}), "wikidata": wikidata.get(iri),
            "source": "catalog" if iri in facts.catalog else "discovered",
        }))

    # Articles and their mentions.
    article_ids = facts.one(ct + "articleId")
    props = {name: facts.one(ct + prop) for name, prop in (
        ("title", "title"), ("published", "published"), ("source_url", "sourceUrl"), ("source_name", "sourceName"),
        ("lang", "lang"))}
    published = props["published"]
    for iri, aid in sorted(article_ids.items()):
        pg.nodes.append(Node(aid, ("Article",), {"key": aid, "iri": iri, **{k: v.get(iri) for k, v in props.items()}}))
    for a, es in sorted(facts.many(ct + "mentions").items()):
        for e in sorted(set(es)):
            if a in article_ids and e in types:
                pg.edges.append(Edge(article_ids[a], keys[e], MENTIONS, {}))
            else:
                dropped["mention of an unknown entity"] += 1

    # Evidence sentences, shared by assertions and observations; several per fact keep the earliest.
    texts = facts.one(ct + "text")
    evidence: dict[str, tuple[int, int, str]] = {}
    for node, sentences in facts.many(ct + "evidence").items():
        for sentence in sentences:
            m = _SENTENCE_IRI.search(sentence)
            if m is None or sentence not in texts:
                continue
            ev = (int(m.group(1)), int(m.group(2)), str(texts[sentence]))
            if node not in evidence or ev < evidence[node]:
                evidence[node] = ev
    confidence = facts.one(ct + "confidence")

    # Relation assertions: one edge each.
    subjects, predicates, objects = (facts.one(RDF + x) for x in ("subject", "predicate", "object"))
    extractors = facts.one(ct + "extractor")
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
    of = facts.one(ct + "observationOf")
    obs_props = {name: facts.one(ct + name) for name in ("measure", "value", "unit", "period")}
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

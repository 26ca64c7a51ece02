"""Read a graph written by `push` back out of Neo4j and into a store (the round trip).

`read_graph` turns the server's nodes and relationships back into a `PropertyGraph` (labels re-checked
against the ontology, the `key` that `push` put on relationships taken off again); `article_graphs`
turns that into one `ArticleGraph` per article, which `pull_into` writes with `KGStore.put_article`.
Catalog entities and reference facts are not written: the store takes them from its own catalog, and
`PullStats.dropped` counts (by reason) whatever on the server could not be carried over.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kg.graph import ArticleGraph, Entity, Evidence, Observation, Relation
from kg.neo4j.connect import Settings, run_read
from kg.neo4j.push import ARTICLE, ENTITY, MENTIONS, OBSERVATION, OBSERVATION_OF, key_space, quote
from ontology.schema import load_schema

__all__ = ["PullStats", "read_graph", "article_graphs", "pull_into", "node_from_server"]


@dataclass
class PullStats:
    """What a pull read and wrote; `dropped` counts what could not be carried over, by reason."""

    nodes: int = 0
    relationships: int = 0
    articles: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str, n: int = 1) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + n


def node_from_server(labels: list[str], props: dict[str, Any]) -> tuple[str, ...] | None:
    """The ontology label tuple of a server node (class first), or None when it is not one of ours."""
    schema = load_schema()
    if ARTICLE in labels:
        return (ARTICLE,)
    if OBSERVATION in labels:
        return (OBSERVATION,)
    if ENTITY not in labels or props.get("key") is None:
        return None
    found = set(labels)
    for name in schema.core_types:
        if set(schema.labels(name)) == found & set(schema.classes):
            return schema.labels(name)
    return None


def read_graph(driver: Any, settings: Settings, stats: PullStats | None = None) -> Any:
    """The server's graph as a `kg.projection.PropertyGraph`: the nodes `push` writes (Entity, Article,
    Observation key spaces) and the relationships between them, ontology types only."""
    from kg.projection import Edge, Node, PropertyGraph

    stats = stats if stats is not None else PullStats()
    rel_types = {r.rel_type for r in load_schema().relations.values()}
    spaces = (ENTITY, ARTICLE, OBSERVATION)

    def work(tx: Any) -> Any:
        pg = PropertyGraph()
        keys: set[str] = set()
        for space in spaces:
            for rec in tx.run(f"MATCH (n:{quote(space)}) RETURN labels(n) AS labels, properties(n) AS props"):
                props = dict(rec["props"])
                labels = node_from_server(list(rec["labels"]), props)
                if labels is None:
                    stats.drop("node whose labels are not an ontology class")
                    continue
                if key_space(labels) != space or props["key"] in keys:
                    continue  # read in its own key space
                keys.add(props["key"])
                pg.nodes.append(Node(props["key"], labels, props))
        for src_space in spaces:
            for rec in tx.run(f"MATCH (a:{quote(src_space)})-[r]->(b) RETURN a.`key` AS src, b.`key` AS dst, "
                              "type(r) AS type, properties(r) AS props"):
                if rec["type"] not in rel_types:
                    stats.drop("relationship type not in the ontology")
                    continue
                if rec["src"] not in keys or rec["dst"] not in keys:
                    stats.drop("relationship to a node that is not ours")
                    continue
                props = dict(rec["props"])
                props.pop("key", None)
                pg.edges.append(Edge(rec["src"], rec["dst"], rec["type"], props))
        return pg

    pg = run_read(driver, settings, work)
    stats.nodes, stats.relationships = len(pg.nodes), len(pg.edges)
    return pg


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if hasattr(value, "to_native"):  # neo4j.time.Date
        return value.to_native()  # type: ignore[no-any-return]
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _entity(node: Any) -> Entity:
    p = node.props
    return Entity(id=node.key, label=p.get("label") or node.key, type=node.labels[0],
                  aliases=list(p.get("aliases") or []), tickers=list(p.get("tickers") or []),
                  wikidata=p.get("wikidata"), source=p.get("source") or "discovered")


def article_graphs(pg: Any, stats: PullStats | None = None) -> Iterator[ArticleGraph]:
    """One `ArticleGraph` per Article node: its mentioned entities, its relations and observations."""
    stats = stats if stats is not None else PullStats()
    schema = load_schema()
    core_relations = set(schema.core_relations)
    core_types = set(schema.core_types)
    nodes = {n.key: n for n in pg.nodes}
    mentions: dict[str, list[str]] = defaultdict(list)
    relations: dict[str, list[Relation]] = defaultdict(list)
    observed: dict[str, str] = {}
    for e in pg.edges:
        if e.type == MENTIONS:
            mentions[e.src].append(e.dst)
        elif e.type == OBSERVATION_OF:
            observed[e.src] = e.dst
        elif e.props.get("reference") or not e.props.get("article"):
            stats.drop("reference fact (the store takes these from its catalog)")
        else:
            p = e.props
            predicate = p.get("predicate") or next(
                (r.name for r in schema.relations.values() if r.rel_type == e.type), None)
            if predicate not in core_relations or p.get("evidence_start") is None or p.get("evidence") is None:
                stats.drop("relation without a core predicate or evidence offsets")
                continue
            relations[p["article"]].append(Relation(
                subject=e.src, predicate=predicate, object=e.dst, confidence=float(p.get("confidence") or 0.0),
                evidence=Evidence(sentence=p["evidence"], start=int(p["evidence_start"]),
                                  end=int(p.get("evidence_end") or p["evidence_start"])),
                extractor=p.get("extractor") or "neo4j"))
    observations: dict[str, list[Observation]] = defaultdict(list)
    for n in pg.nodes:
        if n.labels != (OBSERVATION,):
            continue
        p = n.props
        subject = observed.get(n.key)
        if subject is None or p.get("article") is None:
            stats.drop("observation without an entity or article")
            continue
        if p.get("evidence_start") is None or p.get("evidence") is None:
            stats.drop("observation without evidence offsets (pushed without them)")
            continue
        observations[p["article"]].append(Observation(
            subject=subject, measure=p["measure"], value=float(p["value"]), unit=p.get("unit") or "",
            period=p.get("period"), confidence=float(p["confidence"]) if p.get("confidence") is not None else 0.8,
            evidence=Evidence(sentence=p["evidence"], start=int(p["evidence_start"]),
                              end=int(p.get("evidence_end") or p["evidence_start"])),
            extractor=p.get("extractor") or "neo4j"))
    for n in pg.nodes:
        if n.labels != (ARTICLE,):
            continue
        p = n.props
        keys = set(mentions.get(n.key, ()))
        keys.update(k for r in relations.get(n.key, ()) for k in (r.subject, r.object))
        keys.update(o.subject for o in observations.get(n.key, ()))
        entities = [_entity(nodes[k]) for k in sorted(keys) if k in nodes and nodes[k].labels[0] in core_types]
        stats.articles += 1
        yield ArticleGraph(id=n.key, title=p.get("title") or "", published=_date(p.get("published")),
                           source_url=p.get("source_url"), source_name=p.get("source_name"), lang=p.get("lang"),
                           content_hash=p.get("content_hash") or "", entities=entities,
                           relations=relations.get(n.key, []), observations=observations.get(n.key, []))


def pull_into(store: Any, pg: Any, stats: PullStats | None = None) -> PullStats:
    """Write the articles of `pg` into a writable `KGStore`; returns the outcome counts."""
    stats = stats if stats is not None else PullStats()
    catalog = store.reference_keys()
    for n in pg.nodes:
        if n.props.get("source") == "catalog" and n.key not in catalog and ENTITY in n.labels:
            stats.drop("catalog entity the local catalog lacks (kept as discovered)")
    for ag in article_graphs(pg, stats):
        outcome = store.put_article(ag)
        stats.outcomes[outcome] = stats.outcomes.get(outcome, 0) + 1
    return stats

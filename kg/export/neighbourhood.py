"""The neighbourhood an `--around` export selects on: read from the Cypher database when it mirrors the store
(a 2-hop walk around a hub of the 16k-article store takes about a second there, against 25 s of index
lookups in the store), else from the store itself (`kg.projection.project_around`).

Both give the same property-graph rows in the same order (tests/test_export.py compares them): the Cypher
tables hold the rows `kg.projection` assembles, and they are put here in the order it gives them, by IRI;
a relation edge's assertion IRI is recomputed from its ends, predicate and article (kg/ids.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kg.cypher import CypherDB, current_reader
from kg.ids import assertion_iri, reference_assertion_iri
from kg.projection import (
    ARTICLE_PROPS,
    ENTITY_PROPS,
    MENTIONS,
    OBSERVATION_OF,
    OBSERVATION_PROPS,
    RELATION_PROPS,
    Edge,
    Node,
    PropertyGraph,
    project_around,
)
from ontology.schema import load_schema

__all__ = ["neighbourhood"]


def neighbourhood(store: Any, seeds: Iterable[str], depth: int, *, articles: Iterable[str] = (),
                  mentions: bool = False, observations: bool = True, cypher: bool = True) -> PropertyGraph:
    """What `project_around` returns (see there), read from the Cypher database when `cypher` and the
    database mirrors the store now or after a few articles' update; never at the price of a rebuild."""
    if cypher:
        with current_reader(store) as db:
            if db is not None:
                return _from_cypher(db, tuple(seeds), depth, tuple(articles), mentions, observations)
    return project_around(store, seeds, depth, articles=articles, mentions=mentions, observations=observations)


# Each key looked up in its table's primary-key index: `WHERE x.key IN $keys` tests every row against the list.
_EACH = "UNWIND $keys AS k MATCH "


def _rows(db: CypherDB, query: str, **params: Any) -> list[tuple[Any, ...]]:
    return db.run(query, params)[1]


def _returned(var: str, props: Mapping[str, str]) -> str:
    return ", ".join(f"{var}.{p}" for p in props)


def _assertion_iri(e: Edge) -> str:
    """The IRI of the relation assertion an edge projects (the order `kg.projection` sorts edges in)."""
    p = e.props
    if p["reference"]:
        return reference_assertion_iri(e.src, p["predicate"], e.dst)
    return assertion_iri(p["article"], e.src, p["predicate"], e.dst)


def _from_cypher(db: CypherDB, seeds: tuple[str, ...], depth: int, articles: tuple[str, ...], mentions: bool,
                 observations: bool) -> PropertyGraph:
    """The entities within `depth` relation hops of the seeds, the relation edges among them, their
    observations and the articles those facts come from (with their mentions of these entities when
    `mentions`), plus `articles`."""
    reached, frontier = set(seeds), set(seeds)
    for _ in range(depth):
        if not frontier:
            break
        near = _rows(db, f"{_EACH}(a:Entity {{key: k}})--(b:Entity) RETURN DISTINCT b.key", keys=sorted(frontier))
        frontier = {k for (k,) in near} - reached
        reached |= frontier
    keys = sorted(reached)
    schema = load_schema()

    entities = sorted(_rows(db, f"{_EACH}(e:Entity {{key: k}}) RETURN {_returned('e', ENTITY_PROPS)}", keys=keys),
                      key=lambda r: r[1])
    edges = sorted((Edge(r[0], r[1], r[2], dict(zip(RELATION_PROPS, r[3:], strict=True))) for r in _rows(
        db, f"{_EACH}(a:Entity {{key: k}})-[r]->(b:Entity) RETURN a.key, b.key, label(r), "
            f"{_returned('r', RELATION_PROPS)}", keys=keys) if r[1] in reached), key=_assertion_iri)
    obs = sorted(_rows(db, f"{_EACH}(o:Observation)-[:{OBSERVATION_OF}]->(e:Entity {{key: k}}) "
                           f"RETURN e.key, {_returned('o', OBSERVATION_PROPS)}", keys=keys) if observations else (),
                 key=lambda r: r[1])
    article_at = 1 + list(OBSERVATION_PROPS).index("article")  # an observation row is its entity key, then its props
    sources = {e.props["article"] for e in edges} | {r[article_at] for r in obs}
    sources = sorted((sources - {None}) | set(articles))
    article_rows = sorted(_rows(db, f"{_EACH}(a:Article {{key: k}}) RETURN {_returned('a', ARTICLE_PROPS)}",
                                keys=sources), key=lambda r: r[1])
    mention_rows = sorted(r for r in _rows(db, f"{_EACH}(a:Article {{key: k}})-[:{MENTIONS}]->(e:Entity) "
                                               "RETURN a.iri, e.iri, a.key, e.key", keys=sources)
                          if r[3] in reached) if mentions else []

    pg = PropertyGraph(source="cypher")
    pg.nodes += (Node(r[0], schema.labels(r[2]), dict(zip(ENTITY_PROPS, r, strict=True))) for r in entities)
    pg.nodes += (Node(r[0], ("Article",), dict(zip(ARTICLE_PROPS, r, strict=True))) for r in article_rows)
    pg.nodes += (Node(r[1], ("Observation",), dict(zip(OBSERVATION_PROPS, r[1:], strict=True))) for r in obs)
    pg.edges += (Edge(r[2], r[3], MENTIONS, {}) for r in mention_rows)
    pg.edges += edges
    pg.edges += (Edge(r[1], r[0], OBSERVATION_OF, {}) for r in obs)
    return pg

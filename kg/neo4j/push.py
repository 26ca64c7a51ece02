"""Write the property-graph projection into Neo4j: idempotent, batched, labels only from the ontology.

Key scheme. Every node is MERGEd in one of three key spaces, each with a uniqueness constraint on `key`:
`Entity` (all ontology entities, whatever their class), `Article` and `Observation`. Entity nodes carry
their class and its super-classes as labels (`Company:Organization:Entity`). Every relationship carries a
stable `key` property and is MERGEd on it between its two MATCHed ends: a relation assertion's key is its
IRI (`…/article/<id>#r-<digest>`, or `…/graph/reference#r-<digest>` for a catalog fact), a mention's is
`<article IRI>#m-<digest of entity key>`, an observation link's is `<observation IRI>#of`. So pushing the
same store again creates nothing, and pushing after more ingests adds only the new facts. The same keys
let `prune` find what an earlier push wrote that the store no longer holds (`kg neo4j push --prune`).

Cypher cannot take labels or relationship types as parameters, so rows are grouped by label set and by
(type, start key space, end key space), and each group gets one statement whose labels and type come
from the ontology (never from the data) and are backtick-quoted; the rows go in as `UNWIND $rows`.
Only the common Neo4j 5 subset is used: `CREATE CONSTRAINT … IF NOT EXISTS FOR … REQUIRE … IS UNIQUE`,
named `CREATE INDEX … IF NOT EXISTS`, `MERGE`, `SET n += row.props`.
"""
from __future__ import annotations

import hashlib
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kg.errors import KGError
from kg.ids import article_iri, assertion_iri, reference_assertion_iri
from kg.neo4j.connect import Settings, run_read, run_write
from ontology.schema import load_schema

__all__ = [
    "ENTITY", "ARTICLE", "OBSERVATION", "KEY_SPACES", "DEFAULT_BATCH_SIZE", "PushStats", "NodeGroup",
    "RelGroup", "quote", "key_space", "ontology_labels", "relationship_key", "relation_name", "schema_statements",
    "node_groups", "relationship_groups", "node_statement", "relationship_statement", "relabel_statements",
    "push_graph", "prune", "wipe", "batches", "neo4j_value", "graph_for_push", "PushError",
]

ENTITY, ARTICLE, OBSERVATION = "Entity", "Article", "Observation"
KEY_SPACES = (ENTITY, ARTICLE, OBSERVATION)
DEFAULT_BATCH_SIZE = 5000
MENTIONS, OBSERVATION_OF = "MENTIONS", "OBSERVATION_OF"
T = TypeVar("T")


class PushError(KGError):
    """The graph handed to push does not fit the ontology (an unknown label or relationship type)."""


def quote(name: str) -> str:
    """A Cypher identifier in backticks: `quote("Company")` -> "`Company`"."""
    return "`" + name.replace("`", "``") + "`"


def key_space(labels: Sequence[str]) -> str:
    """The label a node is MERGEd on: Article, Observation, or Entity for every ontology entity."""
    if ARTICLE in labels:
        return ARTICLE
    if OBSERVATION in labels:
        return OBSERVATION
    return ENTITY


def ontology_labels(labels: Sequence[str]) -> tuple[str, ...]:
    """The labels of a node as the ontology gives them (class first, then super-classes).

    The projection's labels are checked against the ontology and the ontology's own names returned,
    so no label string that reaches Cypher comes from data.
    """
    schema = load_schema()
    if not labels or labels[0] not in schema.classes:
        raise PushError(f"node labels {tuple(labels)!r} are not an ontology class")
    cls = schema.classes[labels[0]]
    expected = schema.labels(cls.name)
    if tuple(labels) != expected:
        raise PushError(f"node labels {tuple(labels)!r} do not match the ontology's {expected!r}")
    if key_space(expected) == ENTITY and ENTITY not in expected:
        raise PushError(f"node labels {expected!r} are neither an Entity, an Article nor an Observation")
    return expected


def _rel_types() -> dict[str, str]:
    return {r.rel_type: r.name for r in load_schema().relations.values()}


def relation_name(rel_type: str) -> str:
    """The ontology relation behind a relationship type: `TRAINED_ON` -> `trainedOn`."""
    name = _rel_types().get(rel_type)
    if name is None:
        raise PushError(f"relationship type {rel_type!r} is not an ontology relation")
    return name


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def relationship_key(src: str, dst: str, rel_type: str, props: dict[str, Any]) -> str:
    """The stable key a relationship is MERGEd on (see the module docstring)."""
    if rel_type == MENTIONS:
        return f"{article_iri(src)}#m-{_digest(dst)}"
    if rel_type == OBSERVATION_OF:
        return f"{src}#of"
    predicate = props.get("predicate") or relation_name(rel_type)
    article = props.get("article")
    if article:
        return assertion_iri(article, src, predicate, dst)
    return reference_assertion_iri(src, predicate, dst)


def neo4j_value(v: Any) -> Any:
    """A property value Neo4j can store: lists as lists of scalars, tuples as lists, non-finite floats as null."""
    if isinstance(v, tuple | list | set | frozenset):
        items = sorted(v) if isinstance(v, set | frozenset) else list(v)
        return [neo4j_value(x) for x in items if x is not None]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: neo4j_value(v) for k, v in props.items()}


# Provenance the projection leaves out but `pull` needs to rebuild the same store: an observation's key
# is a digest over its evidence offset, and an article's content hash decides whether re-ingest is a no-op.
_PROVENANCE = """PREFIX ct: <https://w3id.org/chinatech/ontology#>
SELECT ?node ?prop ?value WHERE {
  { ?node a ct:Observation ; ct:extractor ?value . BIND("extractor" AS ?prop) }
  UNION { ?node a ct:Observation ; ct:evidence/ct:start ?value . BIND("evidence_start" AS ?prop) }
  UNION { ?node a ct:Observation ; ct:evidence/ct:end ?value . BIND("evidence_end" AS ?prop) }
  UNION { ?node a ct:Article ; ct:contentHash ?value . BIND("content_hash" AS ?prop) }
}"""


def graph_for_push(store: Any) -> Any:
    """The store's projection, plus what `pull` needs and the projection omits: each observation's
    `extractor`, `evidence_start` and `evidence_end`, each article's `content_hash`."""
    from kg.projection import oxigraph_store, project, python_value

    graph = project(store)
    extra: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in oxigraph_store(store).query(_PROVENANCE, use_default_graph_as_union=True):
        node, prop, value = (python_value(row[i]) for i in range(3))
        extra[node].setdefault(prop, value)
    for n in graph.nodes:
        key = n.props.get("iri") or n.key
        for prop, value in extra.get(key, {}).items():
            n.props.setdefault(prop, value)
    return graph


def schema_statements() -> list[str]:
    """Constraints and indexes, created before any data: uniqueness of `key` in each key space, and
    named indexes for lookups the Browser and the named queries make (entity names, article dates)."""
    stmts = [
        f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{quote(label)}) REQUIRE n.`key` IS UNIQUE"
        for label in KEY_SPACES
    ]
    stmts += [
        f"CREATE INDEX entity_label IF NOT EXISTS FOR (n:{quote(ENTITY)}) ON (n.`label`)",
        f"CREATE INDEX article_published IF NOT EXISTS FOR (n:{quote(ARTICLE)}) ON (n.`published`)",
    ]
    return stmts


@dataclass(frozen=True)
class NodeGroup:
    """Node rows that share one statement: same key space, labels to create with, labels to fix."""

    space: str
    labels: tuple[str, ...]  # the full label set, ontology order
    mode: str  # "merge" (new or unchanged labels) or "relabel" (present with other labels)
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelGroup:
    """Relationship rows that share one statement: same type and key spaces of the two ends."""

    type: str
    src_space: str
    dst_space: str


def node_statement(group: NodeGroup, existing: bool) -> str:
    """The `UNWIND $rows` statement for a node group (mode "merge").

    New nodes are MERGEd with their full label set; nodes already present with the same labels are
    MERGEd on their key space label alone (a fast unique-index lookup).
    """
    labels = (group.space,) if existing else group.labels
    return f"UNWIND $rows AS row MERGE (n:{':'.join(quote(x) for x in labels)} {{`key`: row.key}}) SET n += row.props"


def relabel_statements(group: NodeGroup) -> list[str]:
    """Statements that fix the labels of nodes whose class changed (mode "relabel"): SET the new
    ontology labels, then REMOVE the stale ones, each in its own transaction (a server that stores a
    label set as a record type moves the node once per statement). Their properties are set afterwards
    by the MERGE of nodes already present."""
    match = f"UNWIND $rows AS row MATCH (n:{quote(group.space)} {{`key`: row.key}})"
    add = [x for x in group.labels if x != group.space]
    stmts = [f"{match} SET n:{':'.join(quote(x) for x in add)}"] if add else []
    if group.remove:
        stmts.append(f"{match} REMOVE n:{':'.join(quote(x) for x in group.remove)}")
    return stmts


def relationship_statement(group: RelGroup) -> str:
    """The `UNWIND $rows` statement for a relationship group; returns how many rows found both ends."""
    return (f"UNWIND $rows AS row MATCH (a:{quote(group.src_space)} {{`key`: row.src}}) "
            f"MATCH (b:{quote(group.dst_space)} {{`key`: row.dst}}) "
            f"MERGE (a)-[r:{quote(group.type)} {{`key`: row.key}}]->(b) SET r += row.props RETURN count(r) AS n")


def node_groups(nodes: Iterable[Any], present: dict[str, dict[str, tuple[str, ...]]] | None = None
                ) -> dict[tuple[NodeGroup, bool], list[dict[str, Any]]]:
    """Group node rows by statement: `(group, already present)` -> rows `{key, props}`.

    `present` maps key space -> key -> labels found on the server; without it every node is new.
    """
    schema = load_schema()
    ours = set(schema.classes)
    present = present or {}
    groups: dict[tuple[NodeGroup, bool], list[dict[str, Any]]] = defaultdict(list)
    for node in nodes:
        labels = ontology_labels(node.labels)
        space = key_space(labels)
        row = {"key": node.key, "props": _props(node.props)}
        found = present.get(space, {}).get(node.key)
        if found is None:
            groups[(NodeGroup(space, labels, "merge"), False)].append(row)
        elif set(found) == set(labels):
            groups[(NodeGroup(space, labels, "merge"), True)].append(row)
        else:
            stale = tuple(sorted(x for x in found if x in ours and x not in labels))
            groups[(NodeGroup(space, labels, "relabel", stale), True)].append(row)
            groups[(NodeGroup(space, labels, "merge"), True)].append(row)
    # Relabelling first, so that the MERGE on the full label set never meets a node it would not match.
    return dict(sorted(groups.items(), key=lambda kv: (kv[0][0].mode != "relabel", str(kv[0]))))


def relationship_groups(edges: Iterable[Any], spaces: dict[str, str]) -> dict[RelGroup, list[dict[str, Any]]]:
    """Group relationship rows by statement: `RelGroup` -> rows `{src, dst, key, props}`.

    `spaces` maps node key -> key space; an edge whose end is not a node of the graph is refused.
    """
    known = _rel_types()
    groups: dict[RelGroup, list[dict[str, Any]]] = defaultdict(list)
    for e in edges:
        if e.type not in known:
            raise PushError(f"relationship type {e.type!r} is not an ontology relation")
        try:
            group = RelGroup(e.type, spaces[e.src], spaces[e.dst])
        except KeyError as missing:
            raise PushError(f"{e.type} edge {e.src!r} -> {e.dst!r}: end {missing} is not a node of the graph") from None
        groups[group].append({"src": e.src, "dst": e.dst, "key": relationship_key(e.src, e.dst, e.type, e.props),
                              "props": _props(e.props)})
    return dict(groups)


def batches(rows: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    """Consecutive slices of at most `size` rows."""
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


@dataclass
class PushStats:
    """What a push did, for the summary line."""

    nodes: int = 0
    nodes_created: int = 0
    relabelled: int = 0
    relationships: int = 0
    relationships_created: int = 0
    missing_ends: int = 0
    deleted_nodes: int = 0
    pruned_nodes: int = 0
    pruned_relationships: int = 0
    seconds: float = 0.0
    relationship_seconds: float = 0.0
    statements: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def nodes_present(self) -> int:
        return self.nodes - self.nodes_created

    @property
    def relationships_present(self) -> int:
        return self.relationships - self.relationships_created - self.missing_ends

    @property
    def relationships_per_second(self) -> float:
        """Relationship rows written per second of the relationship phase."""
        return self.relationships / self.relationship_seconds if self.relationship_seconds > 0 else 0.0


def _present(driver: Any, settings: Settings) -> dict[str, dict[str, tuple[str, ...]]]:
    def work(tx: Any) -> dict[str, dict[str, tuple[str, ...]]]:
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for space in KEY_SPACES:
            res = tx.run(f"MATCH (n:{quote(space)}) RETURN n.`key` AS key, labels(n) AS labels")
            out[space] = {r["key"]: tuple(r["labels"]) for r in res if r["key"] is not None}
        return out

    return run_read(driver, settings, work)


def wipe(driver: Any, settings: Settings, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Delete every node and relationship of the database, in batches; returns the number of nodes deleted."""
    total = 0

    def work(tx: Any) -> int:
        res = tx.run("MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n", limit=batch_size)
        return int(res.single()["n"])

    while True:
        n = run_write(driver, settings, work)
        total += n
        if n == 0:
            return total


def _server_relationships(driver: Any, settings: Settings) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(key, start key) of every keyed relationship of a type push writes, by (type, start key space)."""
    def work(tx: Any) -> dict[tuple[str, str], set[tuple[str, str]]]:
        out: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        for rel_type in _rel_types():
            res = tx.run(f"MATCH (a)-[r:{quote(rel_type)}]->() WHERE r.`key` IS NOT NULL "
                         "RETURN r.`key` AS key, a.`key` AS src, labels(a) AS labels")
            for r in res:
                out[(rel_type, key_space(r["labels"]))].add((r["key"], r["src"]))
        return out

    return run_read(driver, settings, work)


def prune(driver: Any, settings: Settings, graph: Any, present: dict[str, dict[str, tuple[str, ...]]],
          rel_groups: dict[RelGroup, list[dict[str, Any]]], batch_size: int, stats: PushStats) -> None:
    """Delete what an earlier push wrote and the graph no longer holds (articles removed or replaced since):
    nodes of the three key spaces that `present` listed and the graph lacks, with their relationships, then
    keyed relationships of the ontology's types whose key the graph lacks. Nothing else is touched."""
    keep = {(key_space(ontology_labels(n.labels)), n.key) for n in graph.nodes}
    for space in KEY_SPACES:
        stale = sorted(k for k in present.get(space, {}) if (space, k) not in keep)
        stmt = f"UNWIND $keys AS k MATCH (n:{quote(space)} {{`key`: k}}) DETACH DELETE n RETURN count(*) AS n"
        for keys in batches(stale, batch_size):
            run_write(driver, settings, lambda tx, s=stmt, b=keys: tx.run(s, keys=list(b)).consume())
            stats.pruned_nodes += len(keys)
            stats.statements += 1
    ours = {row["key"] for rows in rel_groups.values() for row in rows}
    for (rel_type, src_space), found in sorted(_server_relationships(driver, settings).items()):
        stale_rows = [{"key": k, "src": src} for k, src in sorted(found) if k not in ours]
        stmt = (f"UNWIND $rows AS row MATCH (a:{quote(src_space)} {{`key`: row.src}})"
                f"-[r:{quote(rel_type)} {{`key`: row.key}}]->() DELETE r")
        for rows in batches(stale_rows, batch_size):
            summary = run_write(driver, settings, lambda tx, s=stmt, b=rows: tx.run(s, rows=list(b)).consume())
            stats.pruned_relationships += summary.counters.relationships_deleted
            stats.statements += 1


def push_graph(
    driver: Any,
    settings: Settings,
    graph: Any,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    wipe_first: bool = False,
    prune_stale: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PushStats:
    """Push a `PropertyGraph` (nodes, edges) into the server; `progress(n)` is called after each batch.

    Constraints and indexes first, then nodes, then relationships, each batch in its own retried write
    transaction; with `prune_stale`, then delete what earlier pushes wrote that the graph no longer holds
    (`prune`). Returns the counts the server reported.
    """
    if batch_size < 1:
        raise PushError("--batch-size must be at least 1")
    t0 = time.perf_counter()
    stats = PushStats()
    # Group (and so validate against the ontology) before touching the server.
    spaces = {n.key: key_space(ontology_labels(n.labels)) for n in graph.nodes}
    rel_groups = relationship_groups(graph.edges, spaces)

    if wipe_first:
        stats.deleted_nodes = wipe(driver, settings)
    for stmt in schema_statements():
        run_write(driver, settings, lambda tx, s=stmt: tx.run(s).consume())
        stats.statements += 1

    present = _present(driver, settings) if not wipe_first else {}
    for (group, existing), rows in node_groups(graph.nodes, present).items():
        if group.mode == "relabel":
            for stmt in relabel_statements(group):
                for batch in batches(rows, batch_size):
                    run_write(driver, settings, lambda tx, s=stmt, b=batch: tx.run(s, rows=list(b)).consume())
                    stats.statements += 1
            stats.relabelled += len(rows)
            continue
        stmt = node_statement(group, existing)
        for batch in batches(rows, batch_size):
            summary = run_write(driver, settings, lambda tx, s=stmt, b=batch: tx.run(s, rows=list(b)).consume())
            stats.statements += 1
            stats.nodes += len(batch)
            stats.nodes_created += summary.counters.nodes_created
            if progress:
                progress(len(batch))

    t_rel = time.perf_counter()
    for group, rows in sorted(rel_groups.items(), key=lambda kv: (kv[0].type, kv[0].src_space, kv[0].dst_space)):
        stmt = relationship_statement(group)

        def work(tx: Any, s: str, b: list[dict[str, Any]]) -> tuple[int, int]:
            res = tx.run(s, rows=b)
            matched = int(res.single()["n"])
            return matched, res.consume().counters.relationships_created

        for batch in batches(rows, batch_size):
            matched, created = run_write(driver, settings, lambda tx, s=stmt, b=batch: work(tx, s, list(b)))
            stats.statements += 1
            stats.relationships += len(batch)
            stats.relationships_created += created
            stats.missing_ends += len(batch) - matched
            stats.by_type[group.type] = stats.by_type.get(group.type, 0) + len(batch)
            if progress:
                progress(len(batch))
    stats.relationship_seconds = time.perf_counter() - t_rel
    if prune_stale and not wipe_first:
        prune(driver, settings, graph, present, rel_groups, batch_size, stats)
    stats.seconds = time.perf_counter() - t0
    return stats

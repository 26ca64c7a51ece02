"""Cut a subgraph out of the store: a `Selection` (what the user asked for) in, a `Subgraph` out.

A `Subgraph` holds the same selection twice, once per data model, so that every writer takes what it
needs: `quads` (RDF, named graphs kept: the reference graph, the entities graph, one graph per article)
and `nodes`/`edges` (the property graph of docs/data-model.md, rows of `kg.projection`).

How the options combine (each one narrows the result):

- Facts (relation edges and observations) are filtered by `relations`, `since`/`until` (the date of
  the article the fact comes from; undated articles fail a date filter), `article`, `min_confidence`
  and `reference` (catalog facts: undated, confidence 1.0, from no article). `reference=None` keeps
  them unless `article`, `since` or `until` asks for facts of particular articles. (Without catalog
  facts, a catalog entity still keeps its description: types, label, aliases, tickers, Wikidata id.)
- Entities are filtered by `types` (an ontology class or any of its super-classes) and `query` (the
  entities a query's rows name).
- With `around`, the result is the seed entities plus everything reached from them over kept facts
  within `depth` hops (either direction), through entities that pass the entity filters.
- Without it: with `relations`, the entities at either end of a kept relation; else with `article` or
  a date filter, the entities the selected articles mention; else every entity that passes.
- Observations are kept when their entity is, the fact filters pass, and `types` (if given) names
  `Observation` or, without `types`, `relations` is not given.
- `with_evidence` adds the `Article` nodes the kept facts come from (with their mentions of kept
  entities) and, in RDF, the `Sentence` nodes of their evidence. Without it the facts still point at
  their article and sentence (`ct:sourceArticle`, `ct:evidence`; edge properties in the property graph).

>>> sub = select(store, Selection(around=("Huawei",), depth=2, types=("Company", "Chip")))  # doctest: +SKIP
>>> len(sub.nodes), len(sub.edges), len(sub.quads)                                         # doctest: +SKIP
(14, 23, 412)
"""
from __future__ import annotations

import difflib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError
from kg.export.neighbourhood import neighbourhood
from kg.ids import article_graph_iri, article_iri, entity_iri, key_from_iri
from kg.names import UnknownEntityError, resolve_entity
from kg.projection import (
    MENTIONS,
    OBSERVATION_OF,
    Edge,
    Node,
    PropertyGraph,
    oxigraph_store,
    project,
)
from kg.rdf import ENTITIES_GRAPH, REFERENCE_GRAPH, ct
from ontology.schema import ENTITY_BASE, RDF, load_schema

__all__ = ["Selection", "Subgraph", "SelectionError", "select", "resolve_names", "parse_types",
           "parse_relations"]

_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = (ox.NamedNode(RDF + n) for n in ("subject", "predicate", "object"))
_FACT_EDGES = (MENTIONS, OBSERVATION_OF)  # edge types that are not relation assertions
_NOT_ENTITY_TYPES = {"Article": "articles come with --with-evidence",
                     "Sentence": "sentences come with --with-evidence",
                     "RelationAssertion": "relation assertions are edges: choose them with --relations"}


class SelectionError(KGError):
    """The selection names a type, relation, entity, article or query that does not exist."""


@dataclass(frozen=True)
class Selection:
    """What to export; the defaults select the whole graph without article and sentence nodes."""

    around: tuple[str, ...] = ()
    depth: int = 1
    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    article: tuple[str, ...] = ()
    min_confidence: float | None = None
    query: str | None = None
    query_params: Mapping[str, str] = field(default_factory=dict)
    with_evidence: bool = False
    reference: bool | None = None

    @property
    def keeps_reference(self) -> bool:
        """Whether catalog facts are in: as asked, else unless the selection is about articles or dates."""
        if self.reference is not None:
            return self.reference
        return not (self.article or self.since or self.until)

    def describe(self) -> str:
        """A one-line summary of the options in effect (used in page titles and file headers)."""
        parts: list[str] = []
        if self.around:
            parts.append(f"around {', '.join(self.around)} (depth {self.depth})")
        if self.types:
            parts.append("types " + ",".join(self.types))
        if self.relations:
            parts.append("relations " + ",".join(self.relations))
        if self.since or self.until:
            parts.append(f"{self.since or '…'} to {self.until or '…'}")
        if self.article:
            parts.append("article " + ",".join(self.article))
        if self.min_confidence is not None:
            parts.append(f"confidence ≥ {self.min_confidence:g}")
        if self.query:
            parts.append(f"query {self.query}")
        if self.with_evidence:
            parts.append("with evidence")
        parts.append("with catalog facts" if self.keeps_reference else "without catalog facts")
        return "; ".join(parts)


@dataclass
class Subgraph:
    """The selected piece of the graph, as property-graph rows and (read on first use) as RDF quads."""

    nodes: list[Node]
    edges: list[Edge]
    selection: Selection = field(default_factory=Selection)
    seeds: tuple[str, ...] = ()  # keys the `around` names resolved to
    query_matches: int = 0  # entities the query's rows named
    read_from: str = "store"  # where the property-graph rows came from: "store" or "cypher" (`PropertyGraph.source`)
    read_quads: Callable[[], list[ox.Quad]] = field(default=list, repr=False)

    @cached_property
    def quads(self) -> list[ox.Quad]:
        """The RDF of the selection, named graphs kept: read from the store only when a writer asks for it
        (the property-graph formats never do, and on a large neighbourhood it is most of the work)."""
        return self.read_quads()

    def triples(self) -> set[ox.Triple]:
        """The quads without their graphs (what a triple format such as Turtle holds)."""
        return {q.triple for q in self.quads}

    def node_keys(self) -> set[str]:
        return {n.key for n in self.nodes}

    def counts(self) -> dict[str, int]:
        """Nodes and edges, and quads and triples once the RDF has been read (see `quads`)."""
        out = {"nodes": len(self.nodes), "edges": len(self.edges)}
        if "quads" in self.__dict__:
            out |= {"quads": len(self.quads), "triples": len(self.triples())}
        return out


# ---------------------------------------------------------------------------------------- validation --


def _names_of(raw_names: Iterable[str], by_fold: Mapping[str, str], known: list[str], what: str) -> list[str]:
    """The ontology names meant by user spellings (matched case-insensitively through `by_fold`); an unknown
    one is a SelectionError listing the `known` names and the closest ones."""
    out: list[str] = []
    for raw in raw_names:
        name = raw.strip()
        if not name:
            continue
        found = by_fold.get(name.casefold())
        if found is None:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SelectionError(f"unknown {what} '{name}': the ontology has {', '.join(known)}{hint}")
        out.append(found)
    return list(dict.fromkeys(out))


def parse_types(names: Iterable[str]) -> tuple[str, ...]:
    """Ontology class names, matched case-insensitively; a clear error for a class the ontology lacks."""
    schema = load_schema()
    known = [c for c in schema.classes if c not in _NOT_ENTITY_TYPES]
    types = _names_of(names, {n.casefold(): n for n in schema.classes}, known, "type")
    for cls in types:
        if cls in _NOT_ENTITY_TYPES:
            raise SelectionError(f"--types {cls}: {_NOT_ENTITY_TYPES[cls]}")
    return tuple(types)


def parse_relations(names: Iterable[str]) -> tuple[str, ...]:
    """Core relation names (`develops`, or the relationship type `DEVELOPS`), case-insensitively."""
    schema = load_schema()
    by_fold = {n.casefold(): r for r in schema.core_relations for n in (r, schema.relations[r].rel_type)}
    return tuple(_names_of(names, by_fold, list(schema.core_relations), "relation"))


def _check(sel: Selection) -> Selection:
    if sel.depth < 0:
        raise SelectionError(f"--depth must be 0 or more, not {sel.depth}")
    if sel.since and sel.until and sel.since > sel.until:
        raise SelectionError(f"--since {sel.since} is after --until {sel.until}")
    if sel.min_confidence is not None and not 0.0 <= sel.min_confidence <= 1.0:
        raise SelectionError(f"--min-confidence must be between 0 and 1, not {sel.min_confidence:g}")
    return Selection(**{**sel.__dict__, "types": parse_types(sel.types), "relations": parse_relations(sel.relations)})


# ------------------------------------------------------------------------------------------ names --


def resolve_names(store: Any, names: Iterable[str]) -> tuple[str, ...]:
    """Entity keys for names, the way `kg entity` resolves them (`kg.names`); unknown or ambiguous names
    raise SelectionError."""
    keys: list[str] = []
    for name in names:
        try:
            keys.append(resolve_entity(store, name))
        except UnknownEntityError as e:
            raise SelectionError(str(e)) from None
    return tuple(dict.fromkeys(keys))


# ------------------------------------------------------------------------------------------ query --


def _query_rows(store: Any, query: str, params: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """Rows of a named query (SPARQL when it has a `.rq`, else Cypher) or of a query file."""
    from kg.queries import LANGS, query_dir, run_query

    path = Path(query)
    if path.suffix and path.is_file():
        text = path.read_text(encoding="utf-8")
        if params:
            raise SelectionError("--param applies to named queries only; write the values into the query file")
        if path.suffix in (".rq", ".sparql"):
            from kg.sparql import run_select

            return run_select(store, text)[1]
        if path.suffix in (".cypher", ".cql"):
            from kg.cypher import run_cypher

            return run_cypher(store, text)[1]
        raise SelectionError(f"{path}: a query file ends in .rq or .sparql (SPARQL), .cypher or .cql (Cypher)")
    d = query_dir()
    for lang in ("sparql", "cypher"):
        if (d / f"{query}{LANGS[lang]}").is_file():
            return run_query(store, query, dict(params), lang=lang)[1]
    if path.suffix:
        raise SelectionError(f"no query file {path}")
    known = sorted({p.stem for p in d.iterdir() if p.suffix in LANGS.values()})
    raise SelectionError(f"no named query '{query}' and no such file; named queries: {', '.join(known)}")


def _cells(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    for row in rows:
        for v in row:
            if isinstance(v, list | tuple):
                yield from (str(x) for x in v if x is not None)
            elif isinstance(v, str):
                yield v


def _query_entities(store: Any, sel: Selection, entities: Mapping[str, Node]) -> set[str]:
    """Entity keys named in the query's rows: by IRI or key, else by a label no other entity has."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for n in entities.values():
        by_label[str(n.props.get("label"))].append(n.key)
    found: set[str] = set()
    for cell in _cells(_query_rows(store, sel.query or "", sel.query_params)):
        key = key_from_iri(cell) if cell.startswith(ENTITY_BASE) else cell
        if key in entities:
            found.add(key)
        elif len(by_label.get(cell, ())) == 1:
            found.add(by_label[cell][0])
    if not found:
        raise SelectionError(f"the rows of query '{sel.query}' name no entity of the store "
                             "(return entity keys, IRIs or labels)")
    return found


# ------------------------------------------------------------------------------------------ select --


def _in_dates(published: Any, sel: Selection) -> bool:
    if not (sel.since or sel.until):
        return True
    if not published:
        return False
    d = date.fromisoformat(str(published)[:10])
    return (sel.since is None or d >= sel.since) and (sel.until is None or d <= sel.until)


def _fact_ok(props: Mapping[str, Any], sel: Selection, reference: bool) -> bool:
    """Whether a relation edge or observation passes the fact filters."""
    if props.get("reference"):
        return reference and (sel.min_confidence is None or (props.get("confidence") or 1.0) >= sel.min_confidence)
    if sel.article and props.get("article") not in sel.article:
        return False
    if not _in_dates(props.get("published"), sel):
        return False
    conf = props.get("confidence")
    return sel.min_confidence is None or (conf is not None and conf >= sel.min_confidence)


def _type_ok(node: Node, types: tuple[str, ...]) -> bool:
    return not types or any(t in node.labels for t in types)


def select(store: Any, selection: Selection, *, graph: PropertyGraph | None = None, cypher: bool = True) -> Subgraph:
    """The subgraph the selection describes (see the module docstring); `graph` reuses a projection.

    With `around` (and no `query`, whose entity names need every label) only the neighbourhood of the seeds
    is read (`kg.export.neighbourhood`: from the Cypher database when `cypher` and it is current, else from
    the store); otherwise the whole store is projected."""
    sel = _check(selection)
    seeds = resolve_names(store, sel.around)
    relations = set(sel.relations)
    with_obs = "Observation" in sel.types if sel.types else not relations
    if graph is not None:
        pg = graph
    elif sel.around and not sel.query:
        pg = neighbourhood(store, seeds, sel.depth, articles=sel.article, mentions=sel.with_evidence,
                           observations=with_obs, cypher=cypher)
    else:
        pg = project(store)
    nodes = {n.key: n for n in pg.nodes}
    entities = {k: n for k, n in nodes.items() if "Entity" in n.labels}
    articles = {k: n for k, n in nodes.items() if n.labels == ("Article",)}
    for a in sel.article:
        if a not in articles:
            close = difflib.get_close_matches(a, list(articles), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SelectionError(f"no article '{a}' in the store{hint}")
    reference = sel.keeps_reference

    # Entities that pass the entity filters.
    allowed = {k for k, n in entities.items() if _type_ok(n, sel.types)}
    query_matches = 0
    if sel.query:
        named = _query_entities(store, sel, entities)
        query_matches = len(named)
        allowed &= named
    allowed |= set(seeds)

    # Facts that pass the fact filters, between allowed entities.
    kept_edges = [e for e in pg.edges if e.type not in _FACT_EDGES and e.src in allowed and e.dst in allowed
                  and (not relations or e.props.get("predicate") in relations) and _fact_ok(e.props, sel, reference)]

    if sel.around:
        adjacent: dict[str, list[str]] = defaultdict(list)
        for e in kept_edges:
            adjacent[e.src].append(e.dst)
            adjacent[e.dst].append(e.src)
        hops = dict.fromkeys(seeds, 0)
        frontier = deque(seeds)
        while frontier:
            k = frontier.popleft()
            if hops[k] >= sel.depth:
                continue
            for other in adjacent[k]:
                if other not in hops:
                    hops[other] = hops[k] + 1
                    frontier.append(other)
        kept = set(hops)
    elif relations:
        kept = {k for e in kept_edges for k in (e.src, e.dst)}
    elif sel.article or sel.since or sel.until:
        chosen = {k for k, a in articles.items()
                  if (not sel.article or k in sel.article) and _in_dates(a.props.get("published"), sel)}
        kept = {e.dst for e in pg.edges if e.type == MENTIONS and e.src in chosen} & allowed
        kept |= {k for e in kept_edges if e.props.get("reference") for k in (e.src, e.dst)}
    else:
        kept = allowed
    edges = [e for e in kept_edges if e.src in kept and e.dst in kept]

    # Observations of kept entities.
    observations: list[Node] = []
    obs_edges: list[Edge] = []
    if with_obs:
        obs_of = {e.src: e for e in pg.edges if e.type == OBSERVATION_OF}
        observations = [n for n in pg.nodes if n.labels == ("Observation",) and n.key in obs_of
                        and obs_of[n.key].dst in kept and _fact_ok(n.props, sel, reference)]
        obs_edges = [obs_of[n.key] for n in observations]

    # Articles the kept facts come from, with their mentions of kept entities.
    article_nodes: list[Node] = []
    mention_edges: list[Edge] = []
    if sel.with_evidence:
        used = {e.props.get("article") for e in edges} | {n.props.get("article") for n in observations}
        used |= set(sel.article)
        article_nodes = [n for k, n in articles.items() if k in used]
        mention_edges = [e for e in pg.edges if e.type == MENTIONS and e.src in used and e.dst in kept]

    entity_nodes = [n for n in pg.nodes if n.key in kept and n.key in entities]
    def read_quads() -> list[ox.Quad]:
        return _quads(store, entity_nodes, edges, observations, article_nodes, kept, sel.with_evidence)

    return Subgraph(read_quads=read_quads, nodes=[*entity_nodes, *observations, *article_nodes],
                    edges=[*edges, *obs_edges, *mention_edges], selection=sel, seeds=seeds,
                    query_matches=query_matches, read_from=pg.source)


# ------------------------------------------------------------------------------------------ quads --


def _quads(store: Any, entities: list[Node], edges: list[Edge], observations: list[Node],
           articles: list[Node], kept: set[str], with_evidence: bool) -> list[ox.Quad]:
    """The RDF of the selection, read from the store by subject: entity descriptions, relation
    assertions with their direct triples, observations and (with evidence) articles and sentences."""
    st = oxigraph_store(store)
    schema = load_schema()
    fact_predicates = {ct(r) for r in schema.core_relations}
    out: dict[ox.Quad, None] = {}

    def add(quads: Iterable[ox.Quad]) -> None:
        out.update(dict.fromkeys(quads))

    for n in entities:
        node = ox.NamedNode(n.props.get("iri") or entity_iri(n.key))
        for g in (REFERENCE_GRAPH, ENTITIES_GRAPH):
            add(q for q in st.quads_for_pattern(node, None, None, ox.NamedNode(g))
                if q.predicate not in fact_predicates)

    sentences: set[ox.NamedNode] = set()
    evidence = ct("evidence")
    for e in edges:
        g = ox.NamedNode(REFERENCE_GRAPH if e.props.get("reference") else article_graph_iri(e.props["article"]))
        s, p, o = ox.NamedNode(entity_iri(e.src)), ct(e.props["predicate"]), ox.NamedNode(entity_iri(e.dst))
        add([ox.Quad(s, p, o, g)] if ox.Quad(s, p, o, g) in st else [])
        for q in st.quads_for_pattern(None, _RDF_SUBJECT, s, g):
            r = q.subject
            if ox.Quad(r, _RDF_PREDICATE, p, g) in st and ox.Quad(r, _RDF_OBJECT, o, g) in st:
                own = list(st.quads_for_pattern(r, None, None, g))
                add(own)
                sentences.update(x.object for x in own if x.predicate == evidence)  # type: ignore[misc]
    for n in observations:
        own = list(st.quads_for_pattern(ox.NamedNode(n.key), None, None, None))
        add(own)
        sentences.update(x.object for x in own if x.predicate == evidence)  # type: ignore[misc]

    if with_evidence:
        mentions = ct("mentions")
        kept_iris = {ox.NamedNode(entity_iri(k)) for k in kept}
        for a in articles:
            g = ox.NamedNode(article_graph_iri(a.key))
            add(q for q in st.quads_for_pattern(ox.NamedNode(article_iri(a.key)), None, None, g)
                if q.predicate != mentions or q.object in kept_iris)
        for sen in sorted(sentences, key=lambda x: x.value):
            add(st.quads_for_pattern(sen, None, None, None))
    return list(out)

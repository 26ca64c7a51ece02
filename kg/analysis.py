"""Network analytics on the property-graph projection: plain functions over a networkx MultiDiGraph.

`to_networkx(pg)` keeps the entities and one edge per relation assertion (articles, observations and
mentions are provenance, not structure). Each node carries `label` and `type`; each edge `type`
(UPPER_SNAKE), `predicate`, `confidence`, `evidence`, `article`.

>>> G = to_networkx(project(store))           # doctest: +SKIP
>>> centrality(G, top=3)                      # doctest: +SKIP
[Ranked(key='china', label='China', type='Place', score=0.08, degree=57), ...]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.projection import MENTIONS, OBSERVATION_OF, PropertyGraph

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Ranked", "Community", "Hop", "to_networkx", "centrality", "communities", "shortest_path",
           "MEASURES", "METHODS"]

MEASURES = ("pagerank", "degree", "betweenness")
METHODS = ("louvain", "greedy")


@dataclass(frozen=True)
class Ranked:
    """An entity with its centrality score and its number of distinct neighbours."""

    key: str
    label: str
    type: str
    score: float
    degree: int


@dataclass(frozen=True)
class Community:
    """A group of entities more linked to each other than to the rest; members by weighted degree."""

    members: tuple[str, ...]
    labels: tuple[str, ...]
    internal_edges: int


@dataclass(frozen=True)
class Hop:
    """One step of a path: from `src` to `dst` along `predicate`, `forward` when the relation points
    src -> dst; `evidence` is one sentence stating it (None for reference facts)."""

    src: str
    dst: str
    predicate: str
    forward: bool
    evidence: str | None


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """The entities and their relations (one edge per assertion) as a MultiDiGraph."""
    import networkx as nx

    G = nx.MultiDiGraph()  # noqa: N806 - networkx convention
    for n in pg.nodes:
        if "Entity" in n.labels:
            G.add_node(n.key, label=n.props.get("label") or n.key, type=n.labels[0])
    for e in pg.edges:
        if e.type in (MENTIONS, OBSERVATION_OF) or e.src not in G or e.dst not in G:
            continue
        G.add_edge(e.src, e.dst, type=e.type, **{k: e.props.get(k) for k in
                                                  ("predicate", "confidence", "evidence", "article")})
    return G


def _simple(G: nx.MultiDiGraph) -> nx.Graph:  # noqa: N803
    """Undirected simple view: one edge per neighbouring pair, `weight` = number of assertions."""
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(G.nodes(data=True))
    for u, v in G.edges():
        if u == v:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += 1
        else:
            simple.add_edge(u, v, weight=1)
    return simple


def _pagerank(graph: nx.Graph, alpha: float = 0.85, tol: float = 1e-10, max_iter: int = 200) -> dict[str, float]:
    """Weighted PageRank by power iteration in plain Python (networkx's own needs numpy and scipy)."""
    nodes = list(graph)
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    strength = dict(graph.degree(weight="weight"))
    for _ in range(max_iter):
        dangling = alpha * sum(rank[u] for u in nodes if strength[u] == 0) / n
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u in nodes:
            if strength[u]:
                share = alpha * rank[u] / strength[u]
                for v, data in graph[u].items():
                    new[v] += share * data["weight"]
        delta = sum(abs(new[u] - rank[u]) for u in nodes)
        rank = new
        if delta < n * tol:
            break
    return rank


def centrality(G: nx.MultiDiGraph, top: int = 20, measure: str = "pagerank") -> list[Ranked]:  # noqa: N803
    """The `top` entities by `measure`: pagerank (assertion-weighted, undirected), degree (distinct
    neighbours, normalised) or betweenness (sampled on large graphs); ties broken by key."""
    import networkx as nx

    if measure not in MEASURES:
        raise KGError(f"unknown centrality measure {measure!r} (one of {', '.join(MEASURES)})")
    simple = _simple(G)
    if simple.number_of_nodes() == 0:
        return []
    if measure == "pagerank":
        scores = _pagerank(simple)
    elif measure == "degree":
        scores = nx.degree_centrality(simple)
    else:
        k = min(simple.number_of_nodes(), 500) if simple.number_of_nodes() > 2000 else None
        scores = nx.betweenness_centrality(simple, k=k, seed=0)
    ranked = sorted(scores.items(), key=lambda kv: (-round(kv[1], 12), kv[0]))[:top]  # float noise is a tie
    return [Ranked(k, simple.nodes[k]["label"], simple.nodes[k]["type"], float(s), simple.degree(k)) for k, s in ranked]


def communities(G: nx.MultiDiGraph, method: str = "louvain", min_size: int = 2) -> list[Community]:  # noqa: N803
    """Communities of the undirected, assertion-weighted graph (Louvain with a fixed seed, or greedy
    modularity), largest first; members ordered by weighted degree, then key."""
    import networkx as nx

    if method not in METHODS:
        raise KGError(f"unknown community method {method!r} (one of {', '.join(METHODS)})")
    simple = _simple(G)
    simple.remove_nodes_from([n for n in list(simple) if simple.degree(n) == 0])
    if simple.number_of_edges() == 0:
        return []
    if method == "louvain":
        parts = nx.community.louvain_communities(simple, weight="weight", seed=0)
    else:
        parts = nx.community.greedy_modularity_communities(simple, weight="weight")
    strength = dict(simple.degree(weight="weight"))
    out = []
    for part in parts:
        if len(part) < min_size:
            continue
        members = sorted(part, key=lambda n: (-strength[n], n))
        out.append(Community(tuple(members), tuple(simple.nodes[n]["label"] for n in members),
                             simple.subgraph(part).number_of_edges()))
    return sorted(out, key=lambda c: (-len(c.members), c.members[0]))


def shortest_path(G: nx.MultiDiGraph, a: str, b: str) -> list[Hop]:  # noqa: N803
    """A shortest path from entity key `a` to `b`, following relations in either direction; each hop
    names its relation (the most confident assertion read from an article, else a reference fact). KGError
    when there is none."""
    import networkx as nx

    for k in (a, b):
        if k not in G:
            raise KGError(f"no entity {k!r} in the graph")
    if a == b:
        return []
    try:
        nodes = nx.shortest_path(G.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        raise KGError(f"{G.nodes[a]['label']} and {G.nodes[b]['label']} are not connected") from None
    hops = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        candidates: list[tuple[Any, ...]] = []
        for src, dst, forward in ((u, v, True), (v, u, False)):
            for data in (G.get_edge_data(src, dst) or {}).values():
                candidates.append((data.get("evidence") is None, -(data.get("confidence") or 0.0), not forward,
                                   data.get("predicate") or "", forward, data.get("evidence")))
        best = min(candidates, key=lambda c: c[:4])
        hops.append(Hop(u, v, best[3], best[4], best[5]))
    return hops


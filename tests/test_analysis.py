"""Analytics over the projection: the networkx graph, centrality, communities and shortest paths, on
property graphs small enough to know the answers, and `kg analyze` on a real store."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg.analysis import centrality, communities, shortest_path, to_networkx
from kg.errors import KGError
from kg.projection import Edge, Node, PropertyGraph
from tests.conftest import need_shared


def entity(key: str, type_: str = "Company") -> Node:
    labels = {"Company": ("Company", "Organization", "Entity"), "Place": ("Place", "Entity"),
              "Chip": ("Chip", "Artifact", "Entity")}[type_]
    return Node(key, labels, {"key": key, "label": key.title(), "type": type_})


def rel(src: str, dst: str, predicate: str = "partnersWith", confidence: float = 0.8,
        evidence: str | None = None) -> Edge:
    return Edge(src, dst, predicate.upper(), {"predicate": predicate, "confidence": confidence,
                                              "evidence": evidence, "article": "a1"})


def two_cliques() -> PropertyGraph:
    """a-b-c-d fully linked, e-f-g-h fully linked, one bridge d-e; an article and an isolated node."""
    left, right = "abcd", "efgh"
    edges = [rel(x, y) for group in (left, right) for i, x in enumerate(group) for y in group[i + 1:]]
    edges.append(rel("d", "e", "suppliesTo"))
    nodes = [entity(k) for k in left + right] + [entity("z", "Place"), Node("a1", ("Article",), {"key": "a1"})]
    edges.append(Edge("a1", "a", "MENTIONS", {}))
    return PropertyGraph(nodes, edges)


def test_the_graph_holds_entities_and_relations_only() -> None:
    G = to_networkx(two_cliques())  # noqa: N806 - networkx convention
    assert set(G) == set("abcdefghz")
    assert G.number_of_edges() == 13
    assert G.nodes["z"] == {"label": "Z", "type": "Place"}
    assert G.get_edge_data("d", "e")[0]["predicate"] == "suppliesTo"


@pytest.mark.parametrize("measure", ["pagerank", "degree", "betweenness"])
def test_the_bridge_ends_are_most_central(measure: str) -> None:
    ranked = centrality(to_networkx(two_cliques()), top=2, measure=measure)
    assert [r.key for r in ranked] == ["d", "e"]
    assert ranked[0].degree == 4 and ranked[0].type == "Company"


def test_pagerank_sums_to_one_and_ties_break_by_key() -> None:
    ranked = centrality(to_networkx(two_cliques()), top=100)
    assert abs(sum(r.score for r in ranked) - 1.0) < 1e-9
    assert [r.key for r in ranked][2:5] == ["a", "b", "c"]  # equal scores, in key order
    with pytest.raises(KGError, match="unknown centrality measure"):
        centrality(to_networkx(two_cliques()), measure="fame")


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_two_cliques_are_two_communities(method: str) -> None:
    found = communities(to_networkx(two_cliques()), method=method)
    assert [set(c.members) for c in found] == [set("abcd"), set("efgh")]
    assert found[0].members[0] == "d" and found[0].internal_edges == 6
    assert found[0].labels[0] == "D"


def test_shortest_path_names_each_hop_and_its_direction() -> None:
    pg = two_cliques()
    pg.edges.append(rel("h", "x", "develops", 0.9, "H makes X."))
    pg.nodes.append(entity("x", "Chip"))
    hops = shortest_path(to_networkx(pg), "x", "a")
    assert [(h.src, h.dst) for h in hops] == [("x", "h"), ("h", "e"), ("e", "d"), ("d", "a")]
    assert (hops[0].predicate, hops[0].forward, hops[0].evidence) == ("develops", False, "H makes X.")
    assert (hops[2].predicate, hops[2].forward) == ("suppliesTo", False)
    assert shortest_path(to_networkx(pg), "a", "a") == []


def test_unknown_or_unconnected_entities_are_errors() -> None:
    G = to_networkx(two_cliques())  # noqa: N806 - networkx convention
    with pytest.raises(KGError, match="not connected"):
        shortest_path(G, "a", "z")
    with pytest.raises(KGError, match="no entity 'nope'"):
        shortest_path(G, "a", "nope")


def test_empty_graphs_give_empty_answers() -> None:
    G = to_networkx(PropertyGraph())  # noqa: N806 - networkx convention
    assert centrality(G) == [] and communities(G) == []


# ---------------------------------------------------------------------------------- on a real store --


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.cli.ingest import ingest_articles
    from kg.store import KGStore
    from loaders.sources import iter_articles

    seed = need_shared("seed", "baidu-alibaba-rally-2025.txt")
    path = tmp_path_factory.mktemp("seed") / "store"
    with KGStore.open(path, write=True) as st:
        assert ingest_articles(st, iter_articles([seed])).added == 1
    return path


def _analyze(*args: str) -> Any:
    from kg.cli.main import app

    return CliRunner().invoke(app, ["analyze", *args])


def test_cli_centrality_communities_and_path(seed_store: Path) -> None:
    store = str(seed_store)
    r = _analyze("centrality", "--store", store, "--top", "5", "--format", "json")
    assert r.exit_code == 0, r.output
    ranked = json.loads(r.stdout)
    assert len(ranked) == 5 and ranked[0]["rank"] == 1 and ranked[0]["pagerank"] >= ranked[-1]["pagerank"]
    r = _analyze("communities", "--store", store, "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["size"] >= 2
    r = _analyze("path", "Baidu", "ERNIE", "--store", store, "--format", "json")
    assert r.exit_code == 0, r.output
    hops = json.loads(r.stdout)
    assert len(hops) == 1 and hops[0]["relation"] == "-develops->" and "ERNIE" in hops[0]["evidence"]
    r = _analyze("path", "Baidu", "Atlantis", "--store", store)
    assert isinstance(r.exception, KGError) and "Atlantis" in str(r.exception)

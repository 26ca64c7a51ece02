"""Subgraph export: what each selection option keeps, and a contract test over every registered writer
(RDF re-parsed by rdflib to the selection's triples or quads, GraphML/GEXF re-read by networkx, the CSV
tables by the csv module, the Cypher script checked statement by statement), plus the `kg export` command.

Two stores: a small constructed one whose every fact is known (with hostile strings in evidence and
titles), and one built from the shared articles through the real pipeline.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from kg.errors import KGError
from kg.export import FORMATS, format_for_path, get_format, writer
from kg.export.registry import UnknownFormatError
from kg.export.select import Selection, SelectionError, Subgraph, select
from kg.graph import ArticleGraph, Entity, Evidence, Mention, Observation, Relation
from kg.ids import discovered_key, entity_iri, key_from_iri
from kg.neo4j.bundle import cypher_literal
from kg.projection import MENTIONS, OBSERVATION_OF, project
from kg.rdf import REFERENCE_GRAPH
from kg.store import META_GRAPH, KGStore
from ontology.catalog import Catalog, CatalogEntry
from ontology.schema import NS
from tests.conftest import ROOT

# ------------------------------------------------------------------------------------------ stores --

HOSTILE = 'He said "it\'s `done`" \\ C:\\path\n; MATCH (n) DETACH DELETE n; // </script><b>测试</b> {x: 1} & ]]>'
ZHIPU = discovered_key("Company", "Zhipu AI")
ERNIE_PERSON = discovered_key("Person", "Ernie")

CATALOG = Catalog(
    entities={
        "baidu": CatalogEntry("baidu", "Baidu", "Company", aliases=("Baidu Inc",), zh=("百度",), tickers=("BIDU",),
                              wikidata="Q14772"),
        "ernie": CatalogEntry("ernie", "ERNIE", "AIModel", aliases=("Ernie Bot",)),
        "kunlun-p800": CatalogEntry("kunlun-p800", "Kunlun P800", "Chip"),
        "beijing": CatalogEntry("beijing", "Beijing", "Place", zh=("北京",)),
        "huawei": CatalogEntry("huawei", "Huawei", "Company", zh=("华为",)),
        "ascend-910b": CatalogEntry("ascend-910b", "Ascend 910B", "Chip"),
        "made-in-china-2025": CatalogEntry("made-in-china-2025", "Made in China 2025", "Policy"),
        "miit": CatalogEntry("miit", "MIIT", "GovernmentBody"),
        "shenzhen": CatalogEntry("shenzhen", "Shenzhen", "Place"),
    },
    facts=[("baidu", "develops", "ernie"), ("baidu", "headquarteredIn", "beijing"),
           ("huawei", "headquarteredIn", "shenzhen")],
)


def _ev(text: str, start: int) -> Evidence:
    return Evidence(sentence=text, start=start, end=start + len(text))


def _e(key: str, label: str, type_name: str, **kw: Any) -> Entity:
    return Entity(id=key, label=label, type=type_name, **kw)


def constructed_graphs() -> list[ArticleGraph]:
    """Three articles: 2025 (Baidu, hostile strings), 2021 (Huawei and a policy), undated (a partnership)."""
    s1 = "Baidu said ERNIE was trained on Kunlun P800 chips it develops."
    a1 = ArticleGraph(
        id="a1", title='Baidu\'s "ERNIE" </title><script>alert(1)</script>', published=date(2025, 3, 4),
        source_url="https://example.org/a1", source_name="Example", lang="en", content_hash="h1",
        entities=[_e("baidu", "Baidu", "Company", mentions=[Mention(text="Baidu", start=0, end=5)]),
                  _e("ernie", "ERNIE", "AIModel"), _e("kunlun-p800", "Kunlun P800", "Chip"),
                  _e("beijing", "Beijing", "Place"),
                  _e(ZHIPU, "Zhipu AI", "Company", source="discovered", aliases=["智谱"],
                     mentions=[Mention(text="Zhipu AI", start=70, end=78)])],
        relations=[
            Relation(subject="ernie", predicate="trainedOn", object="kunlun-p800", confidence=0.9,
                     evidence=_ev(s1, 0), extractor="pattern"),
            Relation(subject="baidu", predicate="develops", object="kunlun-p800", confidence=0.8,
                     evidence=_ev(s1, 0), extractor="pattern"),
            Relation(subject="baidu", predicate="competesWith", object=ZHIPU, confidence=0.7,
                     evidence=_ev(HOSTILE, 64), extractor="pattern"),
        ],
        observations=[Observation(subject="baidu", measure="revenue", value=12.5e9, unit="CNY", period="Q1 2025",
                                  confidence=0.8, evidence=_ev(HOSTILE, 64), extractor="numbers")],
    )
    s2 = "Made in China 2025, issued by MIIT, supports Huawei, which develops the Ascend 910B."
    a2 = ArticleGraph(
        id="a2", title="Policy support", published=date(2021, 6, 1), content_hash="h2",
        entities=[_e("huawei", "Huawei", "Company"), _e("ascend-910b", "Ascend 910B", "Chip"),
                  _e("made-in-china-2025", "Made in China 2025", "Policy"), _e("miit", "MIIT", "GovernmentBody")],
        relations=[
            Relation(subject="made-in-china-2025", predicate="supports", object="huawei", confidence=0.6,
                     evidence=_ev(s2, 0), extractor="pattern"),
            Relation(subject="made-in-china-2025", predicate="issuedBy", object="miit", confidence=0.9,
                     evidence=_ev(s2, 0), extractor="pattern"),
            Relation(subject="huawei", predicate="develops", object="ascend-910b", confidence=0.85,
                     evidence=_ev(s2, 0), extractor="pattern"),
        ],
        observations=[Observation(subject="huawei", measure="revenue", value=7.0e11, unit="CNY", period="2020",
                                  confidence=0.9, evidence=_ev(s2, 0), extractor="numbers")],
    )
    s3 = "Zhipu AI partners with Baidu."
    a3 = ArticleGraph(
        id="a3", title="Zhipu and Baidu", content_hash="h3",
        entities=[_e(ZHIPU, "Zhipu", "Company", source="discovered", aliases=["Zhipu AI"]),
                  _e("baidu", "Baidu", "Company"), _e(ERNIE_PERSON, "Ernie", "Person", source="discovered")],
        relations=[Relation(subject=ZHIPU, predicate="partnersWith", object="baidu", confidence=0.6,
                            evidence=_ev(s3, 10), extractor="pattern")],
    )
    return [a1, a2, a3]


@pytest.fixture(scope="module")
def constructed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KGStore]:
    path = tmp_path_factory.mktemp("constructed") / "store"
    with KGStore.open(path, write=True, sync_catalog=False) as st:
        st.sync_catalog(CATALOG)
        for g in constructed_graphs():
            st.put_article(g)
    with KGStore.open(path) as st:
        yield st


def keys(sub: Subgraph) -> set[str]:
    return {n.key for n in sub.nodes}


def facts(sub: Subgraph) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) of every relation edge."""
    return {(e.src, e.props["predicate"], e.dst) for e in sub.edges if e.type not in (MENTIONS, OBSERVATION_OF)}


def direct_triples(sub: Subgraph) -> set[tuple[str, str, str]]:
    """The `s ct:p o` fact triples among the quads, as keys."""
    from ontology.schema import load_schema

    rels = {NS + r for r in load_schema().core_relations}
    return {(key_from_iri(q.subject.value), q.predicate.value[len(NS):], key_from_iri(q.object.value))
            for q in sub.quads if q.predicate.value in rels}


def typed_entities(sub: Subgraph) -> set[str]:
    """Keys of the entities the quads describe (`rdf:type ct:Entity`)."""
    return {key_from_iri(q.subject.value) for q in sub.quads
            if q.predicate.value.endswith("#type") and q.object == ox.NamedNode(NS + "Entity")}


# ------------------------------------------------------------------------------------------ selection --


def test_whole_store_with_evidence_is_every_quad_but_the_store_metadata(constructed_store: KGStore) -> None:
    sub = select(constructed_store, Selection(with_evidence=True))
    stored = {q for q in constructed_store.quads() if q.graph_name != ox.NamedNode(META_GRAPH)}
    assert set(sub.quads) == stored
    assert len(sub.quads) == len(set(sub.quads))


def test_around_a_name_follows_relations_in_both_directions(constructed_store: KGStore) -> None:
    one = select(constructed_store, Selection(around=("Baidu",), depth=1))
    assert one.seeds == ("baidu",)
    assert keys(one) == {"baidu", "ernie", "kunlun-p800", "beijing", ZHIPU, one_obs(one, "baidu")}
    assert facts(one) == {("baidu", "develops", "ernie"), ("baidu", "headquarteredIn", "beijing"),
                          ("baidu", "develops", "kunlun-p800"), ("baidu", "competesWith", ZHIPU),
                          (ZHIPU, "partnersWith", "baidu"), ("ernie", "trainedOn", "kunlun-p800")}
    zero = select(constructed_store, Selection(around=("baidu",), depth=0, types=("Company",)))
    assert keys(zero) == {"baidu"} and zero.edges == []
    # The RDF holds exactly the kept facts' direct triples, and each kept entity's description.
    assert direct_triples(one) == facts(one)
    assert typed_entities(one) == keys(one) - {one_obs(one, "baidu")}


def one_obs(sub: Subgraph, entity: str) -> str:
    (key,) = [e.src for e in sub.edges if e.type == OBSERVATION_OF and e.dst == entity]
    return key


@pytest.mark.parametrize(("name", "key"), [
    ("百度", "baidu"), ("Baidu Inc.", "baidu"), ("baidu inc", "baidu"), ("智谱", ZHIPU), ("ZHIPU AI", ZHIPU),
    ("made in china 2025", "made-in-china-2025"), ("kunlun-p800", "kunlun-p800"),
])
def test_around_resolves_labels_aliases_and_normalised_names(constructed_store: KGStore, name: str, key: str) -> None:
    assert select(constructed_store, Selection(around=(name,), depth=0)).seeds == (key,)


_AROUND = [
    Selection(around=("baidu",), depth=0), Selection(around=("baidu",), depth=1),
    Selection(around=("Huawei",), depth=2), Selection(around=("China",), depth=2, with_evidence=True),
    Selection(around=("baidu", "huawei"), depth=1, types=("Company", "Observation")),
    Selection(around=("China",), depth=3, relations=("develops", "headquarteredIn", "supports")),
    Selection(around=("huawei",), depth=2, since=date(2025, 1, 1), reference=True),
    Selection(around=("baidu",), depth=2, min_confidence=0.7, with_evidence=True),
    Selection(around=("huawei",), depth=1, article=("a2",), with_evidence=True),
]


@pytest.mark.parametrize("sel", _AROUND, ids=lambda s: s.describe())
@pytest.mark.parametrize("store_name", ["constructed_store", "real_store"])
def test_around_projects_only_the_neighbourhood_and_selects_the_same(
        store_name: str, sel: Selection, request: pytest.FixtureRequest) -> None:
    """Walking out from the seeds gives exactly what selecting on the whole projection gives."""
    store = request.getfixturevalue(store_name)
    try:
        whole = select(store, sel, graph=project(store))
    except SelectionError as e:  # a seed or article this store lacks
        assert "no entity named" in str(e) or "no article 'a2'" in str(e)
        return
    local = select(store, sel)
    assert sorted(map(repr, local.nodes)) == sorted(map(repr, whole.nodes))
    assert sorted(map(repr, local.edges)) == sorted(map(repr, whole.edges))
    assert set(local.quads) == set(whole.quads)
    assert local.edges or sel.depth == 0


def _store_only(*_: Any, **__: Any) -> Any:
    raise AssertionError("read from the store where the Cypher database mirrors it")


def _cypher_only(*_: Any, **__: Any) -> Any:
    raise AssertionError("read from the Cypher database where it does not mirror the store")


def _same_subgraph(a: Subgraph, b: Subgraph) -> None:
    assert a.nodes == b.nodes  # the same rows in the same order
    assert a.edges == b.edges
    assert a.seeds == b.seeds
    assert set(a.quads) == set(b.quads)


@pytest.mark.parametrize("sel", _AROUND, ids=lambda s: s.describe())
@pytest.mark.parametrize("store_name", ["constructed_store", "real_store"])
def test_around_reads_the_cypher_database_and_selects_what_the_store_gives(
        store_name: str, sel: Selection, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a current Cypher database the neighbourhood is read there, and the subgraph is the one read
    from the store, row for row (hostile strings, catalog facts, every filter)."""
    import kg.export.neighbourhood as nb
    from kg.cypher import refresh

    store = request.getfixturevalue(store_name)
    refresh(store)
    try:
        from_store = select(store, sel, cypher=False)
    except SelectionError:
        return  # a seed or article this store lacks (the test above checks the message)
    monkeypatch.setattr(nb, "project_around", _store_only)
    from_cypher = select(store, sel)
    _same_subgraph(from_cypher, from_store)
    assert (from_cypher.read_from, from_store.read_from) == ("cypher", "store")


@pytest.fixture
def two_article_store(tmp_path: Path) -> Iterator[KGStore]:
    """The constructed store without its third article, opened for writing."""
    with KGStore.open(tmp_path / "store", write=True, sync_catalog=False) as st:
        st.sync_catalog(CATALOG)
        for g in constructed_graphs()[:2]:
            st.put_article(g)
        yield st


def test_around_never_builds_the_cypher_database(two_article_store: KGStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.export.neighbourhood as nb

    monkeypatch.setattr(nb, "_from_cypher", _cypher_only)
    sub = select(two_article_store, Selection(around=("baidu",), depth=1))
    assert "baidu" in keys(sub) and sub.read_from == "store"
    assert not list((two_article_store.path / "cypher").glob("db-*"))


def test_a_slow_export_from_the_store_says_how_to_read_the_cypher_projection(
        two_article_store: KGStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import kg.cli.export
    from kg.cli.main import app

    monkeypatch.setattr(kg.cli.export, "SLOW_AROUND_S", 0.0)  # every export counts as slow here
    args = ["export", "--store", str(two_article_store.path), "--around", "baidu", "-o", str(tmp_path / "b.graphml")]
    two_article_store.close()  # the command opens the store itself

    def hint() -> bool:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        return "kg cypher 'RETURN 1'" in result.stderr

    assert hint()
    assert CliRunner().invoke(app, ["cypher", "RETURN 1", "--store", args[2]]).exit_code == 0
    assert not hint()
    with KGStore.open(args[2]) as st:
        assert select(st, Selection(around=("baidu",))).read_from == "cypher"


def test_around_follows_an_ingest_through_the_cypher_database(
        two_article_store: KGStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article stored after the database was built is read there after a one-article update."""
    import kg.export.neighbourhood as nb
    from kg.cypher import refresh

    refresh(two_article_store)
    two_article_store.put_article(constructed_graphs()[2])
    sel = Selection(around=("baidu",), depth=1, with_evidence=True)
    from_store = select(two_article_store, sel, cypher=False)
    assert ZHIPU in keys(from_store) and "a3" in keys(from_store)
    monkeypatch.setattr(nb, "project_around", _store_only)
    _same_subgraph(select(two_article_store, sel), from_store)


def test_around_reads_the_store_when_the_cypher_database_cannot_be_updated(
        two_article_store: KGStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export that worked before the Cypher database existed still works where it cannot be updated
    (a read-only directory: the update's copy fails)."""
    import kg.cypher
    import kg.export.neighbourhood as nb
    from kg.cypher import refresh

    refresh(two_article_store)
    two_article_store.put_article(constructed_graphs()[2])

    def read_only(*_: Any, **__: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(kg.cypher.shutil, "copyfile", read_only)
    monkeypatch.setattr(nb, "_from_cypher", _cypher_only)
    assert ZHIPU in keys(select(two_article_store, Selection(around=("baidu",), depth=1)))


def test_around_ignores_a_cypher_database_changed_by_a_write(
        two_article_store: KGStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.export.neighbourhood as nb
    from kg.cypher import run_cypher

    run_cypher(two_article_store, "MATCH (c:Company {key: 'baidu'}) SET c.label = 'Written'", write=True)
    assert run_cypher(two_article_store, "MATCH (c:Company {key: 'baidu'}) RETURN c.label")[1] == [("Written",)]
    monkeypatch.setattr(nb, "_from_cypher", _cypher_only)
    sub = select(two_article_store, Selection(around=("baidu",), depth=1))
    assert next(n for n in sub.nodes if n.key == "baidu").props["label"] == "Baidu"


def test_unknown_or_ambiguous_names_are_one_line_errors(constructed_store: KGStore) -> None:
    with pytest.raises(SelectionError, match=r"no entity named 'Baidoo' in the store; did you mean baidu \(Baidu\)"):
        select(constructed_store, Selection(around=("Baidoo",)))
    with pytest.raises(SelectionError, match=rf"'eRNIE' is ambiguous: did you mean ernie \(ERNIE\), {ERNIE_PERSON}"):
        select(constructed_store, Selection(around=("eRNIE",)))
    assert select(constructed_store, Selection(around=("Ernie",), depth=0)).seeds == (ERNIE_PERSON,)  # exact wins
    assert select(constructed_store, Selection(around=("ernie",), depth=0)).seeds == ("ernie",)  # a key wins
    with pytest.raises(SelectionError, match="--depth must be 0 or more"):
        select(constructed_store, Selection(around=("baidu",), depth=-1))


def test_named_queries_resolve_names_as_every_other_command(constructed_store: KGStore) -> None:
    from kg.names import resolve_entity as names_resolve
    from kg.queries import resolve_entity as query_resolve

    for name in ("Ernie", "ernie", "ERNIE", "Zhipu AI", "zhipu ai", "Baidu"):
        assert query_resolve(constructed_store, name) == names_resolve(constructed_store, name), name
    assert query_resolve(constructed_store, "Ernie") == ERNIE_PERSON  # an exact spelling wins over other cases
    with pytest.raises(KGError, match="'eRNIE' names several entities"):
        query_resolve(constructed_store, "eRNIE")


def test_types_take_super_classes_and_reject_unknown_names(constructed_store: KGStore) -> None:
    orgs = select(constructed_store, Selection(types=("Organization",)))
    assert keys(orgs) == {"baidu", "huawei", "miit", ZHIPU}
    assert facts(orgs) == {("baidu", "competesWith", ZHIPU), (ZHIPU, "partnersWith", "baidu")}
    artifacts = select(constructed_store, Selection(types=("artifact", "Observation")))
    assert keys(artifacts) == {"ernie", "kunlun-p800", "ascend-910b"}  # no observation: theirs are firms
    assert facts(artifacts) == {("ernie", "trainedOn", "kunlun-p800")}
    firms = select(constructed_store, Selection(types=("Company", "Observation")))
    assert {n.labels[0] for n in firms.nodes} == {"Company", "Observation"}
    assert Counter(e.type for e in firms.edges)[OBSERVATION_OF] == 2
    with pytest.raises(SelectionError, match="unknown type 'Compnay'.*did you mean Company"):
        select(constructed_store, Selection(types=("Compnay",)))
    with pytest.raises(SelectionError, match="--types Sentence: sentences come with --with-evidence"):
        select(constructed_store, Selection(types=("Sentence",)))


def test_relations_keep_their_ends_only(constructed_store: KGStore) -> None:
    sub = select(constructed_store, Selection(relations=("develops", "TRAINED_ON")))
    assert facts(sub) == {("baidu", "develops", "ernie"), ("baidu", "develops", "kunlun-p800"),
                          ("huawei", "develops", "ascend-910b"), ("ernie", "trainedOn", "kunlun-p800")}
    assert keys(sub) == {"baidu", "ernie", "kunlun-p800", "huawei", "ascend-910b"}
    with pytest.raises(SelectionError, match="unknown relation 'develop'.*did you mean develops"):
        select(constructed_store, Selection(relations=("develop",)))


def test_dates_select_article_facts_and_leave_catalog_facts_out(constructed_store: KGStore) -> None:
    recent = select(constructed_store, Selection(since=date(2022, 1, 1)))
    assert facts(recent) == {("ernie", "trainedOn", "kunlun-p800"), ("baidu", "develops", "kunlun-p800"),
                             ("baidu", "competesWith", ZHIPU)}  # undated a3 and the catalog facts are out
    assert keys(recent) == {"baidu", "ernie", "kunlun-p800", "beijing", ZHIPU, one_obs(recent, "baidu")}
    old = select(constructed_store, Selection(until=date(2021, 12, 31), reference=True))
    assert ("huawei", "headquarteredIn", "shenzhen") in facts(old)  # asked for: catalog facts in
    assert ("made-in-china-2025", "supports", "huawei") in facts(old)
    assert not any(e.props.get("published", "2000") > "2021-12-31" for e in old.edges if e.props.get("published"))
    with pytest.raises(SelectionError, match="after --until"):
        select(constructed_store, Selection(since=date(2025, 1, 1), until=date(2024, 1, 1)))


def test_one_article_with_its_evidence(constructed_store: KGStore) -> None:
    sub = select(constructed_store, Selection(article=("a2",), with_evidence=True))
    assert facts(sub) == {("made-in-china-2025", "supports", "huawei"), ("made-in-china-2025", "issuedBy", "miit"),
                          ("huawei", "develops", "ascend-910b")}
    assert {n.key for n in sub.nodes if n.labels == ("Article",)} == {"a2"}
    assert {e.dst for e in sub.edges if e.type == MENTIONS} == {"huawei", "ascend-910b", "made-in-china-2025", "miit"}
    graphs = {q.graph_name.value for q in sub.quads}  # type: ignore[union-attr]
    assert "https://w3id.org/chinatech/graph/article/a2" in graphs
    assert not any(g.endswith(("/a1", "/a3")) for g in graphs)
    sentences = {q.subject for q in sub.quads if q.object == ox.NamedNode(NS + "Sentence")}
    assert len(sentences) == 1
    with pytest.raises(SelectionError, match="no article 'a22' in the store; did you mean a2"):
        select(constructed_store, Selection(article=("a22",)))


def test_without_evidence_no_article_or_sentence_is_described(constructed_store: KGStore) -> None:
    sub = select(constructed_store, Selection(article=("a2",)))
    assert not [n for n in sub.nodes if n.labels == ("Article",)]
    types = {q.object for q in sub.quads if q.predicate.value.endswith("#type")}
    assert ox.NamedNode(NS + "Sentence") not in types and ox.NamedNode(NS + "Article") not in types
    assert ox.NamedNode(NS + "RelationAssertion") in types


def test_min_confidence_and_no_reference(constructed_store: KGStore) -> None:
    sub = select(constructed_store, Selection(min_confidence=0.8, reference=False))
    assert facts(sub) == {("ernie", "trainedOn", "kunlun-p800"), ("baidu", "develops", "kunlun-p800"),
                          ("made-in-china-2025", "issuedBy", "miit"), ("huawei", "develops", "ascend-910b")}
    assert not any(q.graph_name == ox.NamedNode(REFERENCE_GRAPH) and q.predicate.value.startswith(NS)
                   and q.predicate.value[len(NS):] in ("develops", "headquarteredIn") for q in sub.quads)
    with_ref = select(constructed_store, Selection(min_confidence=0.8))
    assert facts(with_ref) - facts(sub) == {("baidu", "develops", "ernie"), ("baidu", "headquarteredIn", "beijing"),
                                            ("huawei", "headquarteredIn", "shenzhen")}


def test_a_query_file_defines_the_entities(constructed_store: KGStore, tmp_path: Path) -> None:
    q = tmp_path / "chips.rq"
    q.write_text("SELECT ?chip ?maker WHERE { ?m ct:develops ?c . ?c a ct:Chip ; ct:key ?chip . "
                 "?m rdfs:label ?maker }")
    sub = select(constructed_store, Selection(query=str(q)))
    assert sub.query_matches == 4  # two chips by key, two makers by label
    assert keys(sub) - {n.key for n in sub.nodes if n.labels == ("Observation",)} == \
        {"kunlun-p800", "ascend-910b", "baidu", "huawei"}
    assert facts(sub) == {("baidu", "develops", "kunlun-p800"), ("huawei", "develops", "ascend-910b")}
    empty = tmp_path / "none.rq"
    empty.write_text('SELECT ?x WHERE { BIND("nothing" AS ?x) }')
    with pytest.raises(SelectionError, match="name no entity"):
        select(constructed_store, Selection(query=str(empty)))
    with pytest.raises(SelectionError, match="no named query 'no-such-query'"):
        select(constructed_store, Selection(query="no-such-query"))


def test_a_named_query_defines_the_entities(real_store: KGStore) -> None:
    from kg.queries import run_query

    _, rows = run_query(real_store, "top-mentioned", lang="sparql")
    sub = select(real_store, Selection(query="top-mentioned", types=("Entity",)))
    assert keys(sub) == {r[0] for r in rows}


def test_the_issue_example_on_the_shared_articles(real_store: KGStore) -> None:
    sub = select(real_store, Selection(around=("Huawei",), depth=2, types=("Company", "Policy", "Chip"),
                                       since=date(2022, 1, 1)))
    assert "huawei" in keys(sub)
    assert {n.labels[0] for n in sub.nodes} <= {"Company", "Policy", "Chip"}
    assert all(e.props["published"] >= "2022-01-01" and not e.props["reference"] for e in sub.edges)
    # Every node is within two hops of Huawei over the kept edges.
    G = nx.Graph([(e.src, e.dst) for e in sub.edges])  # noqa: N806 - networkx convention
    G.add_node("huawei")
    assert all(nx.shortest_path_length(G, "huawei", k) <= 2 for k in keys(sub))


# ------------------------------------------------------------------------------------------ registry --


def test_registry_lists_every_format_with_a_module() -> None:
    assert set(FORMATS) == {"turtle", "ntriples", "nquads", "trig", "jsonld", "graphml", "gexf", "csv", "cypher",
                            "html"}
    for fmt in FORMATS.values():
        assert callable(fmt.load())
        for ext in fmt.extensions:
            assert format_for_path(f"out{ext}") is fmt
            assert format_for_path(f"dir/OUT{ext.upper()}") is fmt
    assert get_format("TTL").name == "turtle" and get_format("json-ld").name == "jsonld"


@pytest.mark.parametrize("name", ["huawei.json", "huawei", "notes.txt", ".ttl"])
def test_unknown_extensions_are_one_line_errors(name: str) -> None:
    with pytest.raises(UnknownFormatError, match=r"cannot tell the export format from .*pass --format") as e:
        format_for_path(name)
    assert isinstance(e.value, KGError) and "\n" not in str(e.value)
    with pytest.raises(UnknownFormatError, match="unknown export format 'xml'"):
        get_format("xml")


# ------------------------------------------------------------------------------------ the contract --


def _rdflib_term(t: Any) -> Any:
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return rdflib.Literal(t.value, datatype=None if dt.endswith("#string") else rdflib.URIRef(dt))


def _expected_quads(sub: Subgraph) -> set[tuple[Any, ...]]:
    return {(_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object),
             rdflib.URIRef(q.graph_name.value)) for q in sub.quads}  # type: ignore[union-attr]


def _expected_triples(sub: Subgraph) -> set[tuple[Any, ...]]:
    return {t[:3] for t in _expected_quads(sub)}


_RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}


def check_rdf(name: str, data: bytes, sub: Subgraph) -> None:
    """Re-parsed by rdflib: a triple format gives the selection's triples, a dataset format its quads."""
    if get_format(name).datasets:
        ds = rdflib.Dataset()
        ds.parse(data=data, format=_RDFLIB_FORMATS[name])
        got = set()
        for s, p, o, g in ds.quads((None, None, None, None)):
            got.add((s, p, o, getattr(g, "identifier", g)))
        assert got == _expected_quads(sub)
        if name == "jsonld":
            assert json.loads(data)["@context"]["ct"] == NS
    else:
        g = rdflib.Graph()
        g.parse(data=data, format=_RDFLIB_FORMATS[name])
        assert set(g) == _expected_triples(sub)


def _edges(sub: Subgraph) -> Counter[tuple[str, str, str]]:
    return Counter((e.src, e.dst, e.type) for e in sub.edges)


def check_networkx(name: str, data: bytes, sub: Subgraph) -> None:
    """Re-read by networkx: the same node keys, the same edges (ends and type), typed attributes."""
    G = nx.read_graphml(io.BytesIO(data)) if name == "graphml" else nx.read_gexf(io.BytesIO(data))  # noqa: N806
    assert set(G.nodes) == keys(sub)
    edges = G.edges(data=True)
    kind = "type" if name == "graphml" else "label"
    assert Counter((u, v, d[kind]) for u, v, d in edges) == _edges(sub)
    for _, _, d in edges:
        if d.get("confidence") is not None:
            assert isinstance(d["confidence"], float)
        if d.get("reference") is not None:
            assert isinstance(d["reference"], bool)
    by_key = {n.key: n for n in sub.nodes}
    for k, d in G.nodes(data=True):
        assert d["type"] == by_key[k].labels[0]
        if by_key[k].labels[0] == "Observation":
            assert d["value"] == by_key[k].props["value"]


def check_csv(name: str, data: bytes, sub: Subgraph) -> None:
    """Loaded with the standard csv module: one row per node and per edge, keys and ends intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["edges.csv", "nodes.csv"]
        nodes = list(csv.DictReader(io.StringIO(z.read("nodes.csv").decode("utf-8"))))
        edges = list(csv.DictReader(io.StringIO(z.read("edges.csv").decode("utf-8"))))
    assert len(nodes) == len(sub.nodes) and len(edges) == len(sub.edges)
    assert {r["key"] for r in nodes} == keys(sub)
    assert Counter((r["src"], r["dst"], r["type"]) for r in edges) == _edges(sub)
    labels = {n.key: ";".join(n.labels) for n in sub.nodes}
    assert all(r["labels"] == labels[r["key"]] for r in nodes)


_CYPHER_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'")


def check_cypher(name: str, data: bytes, sub: Subgraph) -> None:
    """Every line a comment or one `;`-terminated statement with balanced quotes and brackets, no raw
    control character; every node key present as an escaped literal; every relationship type used."""
    text = data.decode("utf-8")
    statements = []
    for line in text.splitlines():
        if line.startswith("//"):
            continue
        assert line.endswith(";"), line[:80]
        bare = _CYPHER_STRING.sub("''", line)
        assert "'" not in bare.replace("''", ""), f"unbalanced quote in {line[:80]}"
        assert ";" not in bare[:-1], "a second statement on one line"
        for a, b in ("()", "[]", "{}"):
            assert bare.count(a) == bare.count(b)
        assert not re.search(r"[\x00-\x08\x0b-\x1f]", line)
        statements.append(line)
    assert any(s.startswith("CREATE CONSTRAINT") for s in statements)
    body = "\n".join(statements)
    for k in keys(sub):
        assert cypher_literal(k) in body, k
    for t in {e.type for e in sub.edges}:
        assert f"`{t}`" in body


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.data: str | None = None
        self._in_data = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "action", "poster")]
        self._in_data = tag == "script" and a.get("id") == "kg-data"
        if tag == "meta" and a.get("http-equiv"):
            self.meta[a["http-equiv"] or ""] = a.get("content") or ""

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data = (self.data or "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False


def check_html(name: str, data: bytes, sub: Subgraph) -> None:
    """One page: no URL to load, a policy that forbids loading any, and the subgraph's nodes and edges in
    its data block (the browser test checks that they render)."""
    p = _Page()
    p.feed(data.decode("utf-8"))
    assert p.urls == []
    assert p.meta["Content-Security-Policy"].startswith("default-src 'none';")
    assert p.data is not None
    payload = json.loads(p.data)
    assert [n["id"] for n in payload["nodes"]] == [n.key for n in sub.nodes]
    assert len(payload["edges"]) == len(sub.edges)


CHECKS: dict[str, Callable[[str, bytes, Subgraph], None]] = {
    "rdf": check_rdf, "graphml": check_networkx, "gexf": check_networkx, "csv": check_csv, "cypher": check_cypher,
    "html": check_html,
}


def _check_for(name: str) -> Callable[[str, bytes, Subgraph], None]:
    fmt = get_format(name)
    check = CHECKS.get(name) or CHECKS.get(fmt.model)
    assert check is not None, f"format {name} has no round-trip check: add one to CHECKS"
    return check


@pytest.fixture(scope="module")
def hostile(constructed_store: KGStore) -> Subgraph:
    """Everything of the constructed store, articles and sentences included."""
    return select(constructed_store, Selection(with_evidence=True))


@pytest.fixture(scope="module")
def around_huawei(real_store: KGStore) -> Subgraph:
    return select(real_store, Selection(around=("Huawei",), depth=2))


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_writer_round_trips_a_hostile_selection(hostile: Subgraph, name: str) -> None:
    sub = hostile
    out = io.BytesIO()
    writer(name)(sub, out)
    _check_for(name)(name, out.getvalue(), sub)
    again = io.BytesIO()
    writer(name)(sub, again)
    assert again.getvalue() == out.getvalue()  # the same selection gives the same bytes


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_writer_round_trips_the_issue_example(around_huawei: Subgraph, name: str) -> None:
    sub = around_huawei
    assert len(sub.nodes) > 50
    out = io.BytesIO()
    writer(name)(sub, out)
    _check_for(name)(name, out.getvalue(), sub)


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_writer_handles_an_empty_selection(constructed_store: KGStore, name: str) -> None:
    sub = select(constructed_store, Selection(types=("Exchange",)))
    assert sub.nodes == [] and sub.quads == []
    out = io.BytesIO()
    writer(name)(sub, out)
    _check_for(name)(name, out.getvalue(), sub)


# ------------------------------------------------------------------------------------------ the command --


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", "from kg.cli.main import main; main()", *args], cwd=cwd or ROOT,
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=120)


def test_command_infers_the_format_and_writes_files_and_stdout(constructed_store: KGStore, tmp_path: Path) -> None:
    store = str(constructed_store.path)
    target = tmp_path / "sub" / "baidu.graphml"
    proc = kg("export", "--store", store, "--around", "百度", "--depth", "1", "--types", "Company,Chip", "-o",
              str(target))
    assert proc.returncode == 0, proc.stderr
    G = nx.read_graphml(target)  # noqa: N806 - networkx convention
    assert set(G.nodes) == {"baidu", "kunlun-p800", ZHIPU}
    assert b"wrote" in proc.stderr and b"3 nodes" in proc.stderr
    assert [p.name for p in target.parent.iterdir()] == ["baidu.graphml"]  # no temporary file left behind
    proc = kg("export", "--store", store, "--article", "a3", "--format", "nt", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    g = rdflib.Graph().parse(data=proc.stdout, format="nt")
    assert (rdflib.URIRef(entity_iri(ZHIPU)), rdflib.URIRef(NS + "partnersWith"),
            rdflib.URIRef(entity_iri("baidu"))) in g
    proc = kg("export", "--store", store, "--relations", "develops", "--format", "csv", "-o", str(tmp_path / "tables"))
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "tables" / "edges.csv", newline="", encoding="utf-8") as f:
        assert {r["predicate"] for r in csv.DictReader(f)} == {"develops"}


@pytest.mark.parametrize(("args", "message"), [
    (("-o", "out.xml"), "cannot tell the export format from 'out.xml'"),
    (("--format", "ttl"), None),
    (("-o", "-"), "pass --format when writing to stdout"),
    (("--types", "Compnay", "-o", "x.ttl"), "unknown type 'Compnay'"),
    (("--around", "Nobody", "-o", "x.ttl"), "no entity named 'Nobody'"),
    (("--since", "2022-13-01", "-o", "x.ttl"), "--since '2022-13-01' is not a date"),
    (("--format", "csv", "-o", "nodes.csv"), "give -o a directory or a .zip"),
    (("--format", "pdf", "-o", "x.pdf"), "unknown export format 'pdf'"),
])
def test_command_errors_are_one_line(constructed_store: KGStore, tmp_path: Path, args: tuple[str, ...],
                                     message: str | None, monkeypatch: pytest.MonkeyPatch,
                                     capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    from kg.cli.main import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["kg", "export", "--store", str(constructed_store.path), *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err_bytes = capfdbinary.readouterr()
    if message is None:
        assert exit_.value.code == 0 and out.startswith(b"@prefix")
        return
    err = err_bytes.decode()
    assert exit_.value.code == 2 and err.startswith("error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written

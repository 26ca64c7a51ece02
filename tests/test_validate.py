"""SHACL validation: shapes derived from the ontology, a clean store conforms, broken data is reported."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, Namespace, URIRef
from typer.testing import CliRunner

from kg.cli.main import app
from kg.graph import ArticleGraph, Entity, Evidence, Mention, Relation
from kg.ids import article_iri, discovered_key, entity_iri, sentence_iri
from kg.store import KGStore
from kg.validate import generated_shapes, shapes_graph, sparql_constraints, validate_store
from ontology.schema import NS, data_path, load_schema

SH = Namespace("http://www.w3.org/ns/shacl#")
TEXT = "Huawei develops the Ascend 910B chip."


def graph(article_id: str) -> ArticleGraph:
    huawei = Entity(id=discovered_key("Company", "Huawei"), label="Huawei", type="Company", source="discovered",
                    mentions=[Mention(text="Huawei", start=0, end=6)])
    ascend = Entity(id=discovered_key("Chip", "Ascend 910B"), label="Ascend 910B", type="Chip",
                    source="discovered", mentions=[Mention(text="Ascend 910B", start=20, end=31)])
    return ArticleGraph(id=article_id, title="Huawei chips", published=date(2025, 3, 1), content_hash=article_id,
                        source_url="https://example.com/a", entities=[huawei, ascend],
                        relations=[Relation(subject=huawei.id, predicate="develops", object=ascend.id,
                                            confidence=0.85, evidence=Evidence(sentence=TEXT, start=0, end=len(TEXT)),
                                            extractor="svo")])


@pytest.fixture
def store(tmp_path: Path):
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        st.put_article(graph("v1"))
        st.put_article(graph("v2"))
        yield st


def test_domain_and_range_shapes_come_from_the_ontology() -> None:
    schema = load_schema()
    g = generated_shapes()
    expected = {(r.name, end) for r in schema.relations.values()
                for end, classes in (("domain", r.domain), ("range", r.range)) if classes or r.symmetric}
    targets = {(str(o).removeprefix(NS), "domain") for o in g.objects(None, SH.targetSubjectsOf)}
    targets |= {(str(o).removeprefix(NS), "range") for o in g.objects(None, SH.targetObjectsOf)}
    assert targets == expected
    assert ("trainedOn", "range") in targets and ("mentions", "range") in targets


def test_shapes_file_lists_no_class_or_relation_the_ontology_owns() -> None:
    from rdflib import Graph

    written = Graph().parse(data_path("shapes.ttl"), format="turtle")
    assert not list(written.objects(None, SH["class"])) and not list(written.objects(None, SH["or"]))
    assert not list(written.objects(None, SH["in"]))
    # pyshacl gets everything but the SHACL-SPARQL constraints, which Oxigraph runs.
    # Built afresh: the cached graph is handed to pyshacl, which may add triples to it while validating.
    fresh = shapes_graph.__wrapped__()
    assert len(fresh) == len(written) + len(generated_shapes()) - len(sparql_constraints())
    assert [c.target_class for c in sparql_constraints()] == [NS + "RelationAssertion"]


def test_clean_store_conforms(store: KGStore) -> None:
    report = validate_store(store)
    assert report.conforms, report.violations
    assert report.triples > 40


def test_broken_data_is_reported(store: KGStore) -> None:
    huawei, ascend = entity_iri(discovered_key("Company", "Huawei")), entity_iri(discovered_key("Chip", "Ascend 910B"))
    sentence = sentence_iri("v1", 0, len(TEXT))
    g = "https://w3id.org/chinatech/graph/article/v1"
    store.update(f"""
        PREFIX ct: <{NS}>
        DELETE DATA {{ GRAPH <{g}> {{ <{sentence}> ct:text "{TEXT}" }} }} ;
        INSERT DATA {{ GRAPH <{g}> {{
            <{ascend}> ct:develops <{huawei}> .
            <{article_iri('v1')}#r-bad> a ct:RelationAssertion ; <{RDF.subject}> <{ascend}> ;
                <{RDF.predicate}> ct:mentions ; <{RDF.object}> <{huawei}> ; ct:confidence 1.5 ; ct:extractor "x" ;
                ct:sourceArticle <{article_iri('v1')}> . }} }}""")
    report = validate_store(store, articles=["v1"])
    assert not report.conforms
    found = {(v.focus.split("/")[-1], v.path, v.shape) for v in report.violations}
    assert ("ascend-910b", "", "shape:develops-domain") in found  # a check of the node's class: no path
    assert ("huawei", "", "shape:develops-range") in found
    assert any(v.focus.endswith(f"#s0-{len(TEXT)}") and v.path == "ct:text" and v.shape.endswith("SentenceShape")
               for v in report.violations)
    bad = {v.path for v in report.violations if v.focus.endswith("#r-bad")}
    assert {"ct:confidence", "rdf:predicate", "ct:evidence"} <= bad
    assert any("direct triple" in v.message for v in report.violations if v.focus.endswith("#r-bad"))
    assert validate_store(store, articles=["v2"]).conforms


def test_parallel_batches_give_the_same_report(store: KGStore, tmp_path: Path, monkeypatch) -> None:
    import os

    import kg.validate as validation

    huawei, ascend = entity_iri(discovered_key("Company", "Huawei")), entity_iri(discovered_key("Chip", "Ascend 910B"))
    store.put_article(graph("v3"))
    store.update(f"INSERT DATA {{ GRAPH <https://w3id.org/chinatech/graph/article/v3> {{ <{ascend}> <{NS}develops> "
                 f"<{huawei}> }} }}")
    path = store.path
    store.close()
    pids = tmp_path / "pids"
    opened = validation._open_worker_db

    def spy(db_path: str) -> None:  # each forked worker runs it first
        with open(pids, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        opened(db_path)

    monkeypatch.setattr(validation, "_open_worker_db", spy)
    with KGStore.open(path) as st:
        alone = validate_store(st, batch=1)
        assert not pids.exists()
        together = validate_store(st, batch=1, jobs=2)
    assert together.violations == alone.violations and together.triples == alone.triples
    assert {"shape:develops-domain", "shape:develops-range"} <= {v.shape for v in together.violations}
    workers = pids.read_text().split()
    assert len(set(workers)) == 2 and str(os.getpid()) not in workers


def test_cli_exit_code(store: KGStore, tmp_path: Path) -> None:
    path = store.path
    store.close()
    runner = CliRunner()
    assert runner.invoke(app, ["validate", "--store", str(path)]).exit_code == 0
    with KGStore.open(path, write=True, sync_catalog=False) as st:
        st.update(f"INSERT DATA {{ GRAPH <urn:x> {{ <{entity_iri('nobody')}> a <{NS}Company> }} }}")
    result = runner.invoke(app, ["validate", "--store", str(path), "--format", "json"])
    assert result.exit_code == 1
    assert "nobody" in result.stdout and "ct:key" in result.stdout


def test_entity_without_core_type_is_reported(store: KGStore) -> None:
    node = URIRef(entity_iri("typeless"))
    store.update(f"INSERT DATA {{ GRAPH <urn:x> {{ <{node}> a <{NS}Entity> ; <{NS}key> 'typeless' ; "
                 f"<http://www.w3.org/2000/01/rdf-schema#label> 'T' }} }}")
    report = validate_store(store)
    assert [v.shape for v in report.violations] == ["shape:entity-core-type"]


def test_store_built_from_real_articles_conforms(tmp_path: Path) -> None:
    from kg.cli.ingest import ingest_articles
    from loaders.sources import iter_articles
    from tests.conftest import need_shared

    sources = [need_shared("eval", "articles"), need_shared("seed", "baidu-alibaba-rally-2025.txt")]
    with KGStore.open(tmp_path / "kg", write=True) as st:
        assert ingest_articles(st, iter_articles(sources)).added == 16
        report = validate_store(st)
    assert report.conforms, report.violations[:10]
    assert report.triples > 10_000  # articles, entities and the whole catalog were seen

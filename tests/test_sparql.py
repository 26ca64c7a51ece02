"""SPARQL over the store: Python values, bindings, the three engines agree, read-only unless --write."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli.main import app
from kg.errors import QueryError
from kg.graph import ArticleGraph, Entity, Evidence, Mention, Observation, Relation
from kg.ids import discovered_key
from kg.sparql import ENGINES, run_query, run_select
from kg.store import KGStore

TEXT = "Baidu trained ERNIE on Kunlun chips. Baidu's AI cloud revenue grew 42% year-on-year."


def evidence(part: str) -> Evidence:
    start = TEXT.index(part)
    return Evidence(sentence=part, start=start, end=start + len(part))


def entity(type_name: str, name: str) -> Entity:
    return Entity(id=discovered_key(type_name, name), label=name, type=type_name, source="discovered",
                  mentions=[Mention(text=name, start=TEXT.index(name), end=TEXT.index(name) + len(name))])


BAIDU, ERNIE, KUNLUN = entity("Company", "Baidu"), entity("AIModel", "ERNIE"), entity("Chip", "Kunlun")


def article(article_id: str, published: date | None) -> ArticleGraph:
    s1, s2 = evidence("Baidu trained ERNIE on Kunlun chips."), evidence(
        "Baidu's AI cloud revenue grew 42% year-on-year.")
    return ArticleGraph(
        id=article_id, title="Baidu", published=published, content_hash=article_id, lang="en",
        entities=[BAIDU, ERNIE, KUNLUN],
        relations=[Relation(subject=BAIDU.id, predicate="develops", object=ERNIE.id, confidence=0.8, evidence=s1,
                            extractor="svo"),
                   Relation(subject=ERNIE.id, predicate="trainedOn", object=KUNLUN.id, confidence=0.9, evidence=s1,
                            extractor="trained-on")],
        observations=[Observation(subject=BAIDU.id, measure="AI cloud revenue growth", value=42, unit="percent",
                                  period="year-on-year", evidence=s2, extractor="pct")])


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sparql") / "kg"
    with KGStore.open(path, write=True, sync_catalog=False) as st:
        st.put_article(article("a1", date(2025, 9, 15)))
        st.put_article(article("a2", None))
    return path


@pytest.fixture
def store(store_path: Path):
    with KGStore.open(store_path) as st:
        yield st


def test_rows_are_python_values(store: KGStore) -> None:
    cols, rows = run_select(store, """
        SELECT ?id ?date ?n ?v ?ok WHERE {
            ?a ct:articleId ?id . OPTIONAL { ?a ct:published ?date }
            { SELECT (COUNT(*) AS ?n) WHERE { ?r a ct:RelationAssertion } }
            ?o ct:value ?v ; ct:sourceArticle ?a . BIND(?v > 40 AS ?ok) } ORDER BY ?id""")
    assert cols == ["id", "date", "n", "v", "ok"]
    assert rows == [("a1", date(2025, 9, 15), 4, 42.0, True), ("a2", None, 4, 42.0, True)]


def test_bindings_substitute_projected_variables(store: KGStore) -> None:
    query = "SELECT ?id ?date WHERE { ?a ct:articleId ?id ; ct:published ?date }"
    assert run_select(store, query, {"date": date(2025, 9, 15)})[1] == [("a1", date(2025, 9, 15))]
    assert run_select(store, query, {"id": "a2"})[1] == []
    with pytest.raises(QueryError, match="projected"):
        run_select(store, "SELECT ?a WHERE { ?a ct:articleId ?id }", {"id": "a1"})


QUERIES = [
    "SELECT ?m ?c WHERE { ?m ct:trainedOn ?c }",
    "SELECT ?l (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a ct:mentions ?e . ?e rdfs:label ?l } GROUP BY ?l",
    """SELECT ?s ?text ?conf WHERE { ?r rdf:subject ?s ; rdf:predicate ct:develops ; ct:confidence ?conf ;
       ct:evidence/ct:text ?text }""",
    "SELECT ?id WHERE { ?a ct:articleId ?id FILTER NOT EXISTS { ?a ct:published ?d } }",
    "ASK { ?m ct:trainedOn ?c }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_engines_agree(store: KGStore, query: str) -> None:
    """Same rows as sets: rdflib merges the named graphs into a set of triples, Oxigraph keeps one match
    per graph (see `test_union_default_graph_keeps_one_match_per_source`)."""
    results = {name: engine(store).query(query) for name, engine in ENGINES.items()}
    expected = results["oxigraph"]
    assert expected.rows
    for name, result in results.items():
        assert (result.columns, set(result.rows)) == (expected.columns, set(expected.rows)), name


def test_union_default_graph_keeps_one_match_per_source(store: KGStore) -> None:
    """A fact stated by two articles matches twice, like the two relationships of the property graph."""
    query = "SELECT ?m ?c WHERE { ?m ct:trainedOn ?c }"
    assert len(run_select(store, query)[1]) == 2
    assert len(run_select(store, query.replace("SELECT", "SELECT DISTINCT"))[1]) == 1


def test_updates_are_refused_unless_written(store_path: Path) -> None:
    update = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    with KGStore.open(store_path) as st:
        with pytest.raises(QueryError, match="SPARQL Update.*--write"):
            run_query(st, update)
        with pytest.raises(QueryError, match="read-only"):
            run_query(st, update, write=True)
    with KGStore.open(store_path, write=True, sync_catalog=False) as st:
        generation = st.generation
        with pytest.raises(QueryError, match="--write"):
            run_query(st, "PREFIX x: <urn:x#>\nDELETE WHERE { ?s ?p ?o }")
        assert st.generation == generation
        assert run_query(st, update, write=True).kind == "update"
        assert st.generation == generation + 1
        assert run_select(st, "ASK { <urn:a> <urn:b> <urn:c> }")[1] == [(True,)]
        run_query(st, "DELETE DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", write=True)
        assert st.generation == generation + 2


def test_syntax_errors_are_query_errors(store: KGStore) -> None:
    with pytest.raises(QueryError, match="invalid SPARQL"):
        run_select(store, "SELEC ?x WHERE { ?x ?p ?o }")


runner = CliRunner()


def test_cli_reads_a_query_file_and_prints_json(store_path: Path, tmp_path: Path) -> None:
    rq = tmp_path / "models.rq"
    rq.write_text("SELECT DISTINCT ?model ?chip WHERE { ?m ct:trainedOn ?c ; rdfs:label ?model . ?c rdfs:label ?chip }")
    result = runner.invoke(app, ["sparql", str(rq), "--store", str(store_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"model": "ERNIE", "chip": "Kunlun"}]


def test_cli_refuses_update_without_write(store_path: Path) -> None:
    result = runner.invoke(app, ["sparql", "DELETE WHERE { ?s ?p ?o }", "--store", str(store_path)])
    assert isinstance(result.exception, QueryError)
    assert "--write" in str(result.exception)
    with KGStore.open(store_path) as st:
        assert st.article_ids() == ["a1", "a2"]

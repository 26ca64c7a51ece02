"""A SPARQL 1.1 endpoint as the store: every named query answers the same rows over the SPARQL Protocol
as on the local store, through the library and `kg query run --endpoint`; errors are one-line QueryErrors;
a plain SPARQL client (rdflib's SPARQLStore) reads the same endpoint."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg import queries as nq
from kg.endpoint import SparqlEndpoint
from kg.errors import QueryError
from kg.sparql import run_select
from tests.sparql_endpoint import load_store, serve
from tests.test_queries import normalised


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.cli.ingest import ingest_articles
    from kg.store import KGStore
    from loaders.sources import iter_articles
    from tests.conftest import need_shared

    path = tmp_path_factory.mktemp("endpoint") / "store"
    with KGStore.open(path, write=True) as st:
        summary = ingest_articles(st, iter_articles([need_shared("eval", "articles"),
                                                     need_shared("seed", "baidu-alibaba-rally-2025.txt")]))
    assert summary.added == 16
    return path


@pytest.fixture(scope="module")
def url(store_path: Path) -> Iterator[str]:
    with serve(load_store(store_path)) as u:
        yield u


@pytest.mark.parametrize("name", nq.query_names())
def test_named_queries_answer_the_same_on_the_endpoint(store_path: Path, url: str, name: str) -> None:
    from kg.store import KGStore

    with KGStore.open(store_path) as st:
        local = nq.run_query(st, name, lang="sparql")
    remote = nq.run_query(SparqlEndpoint(url), name, lang="sparql")
    assert remote[0] == local[0]
    assert normalised(remote[1]) == normalised(local[1])


def test_values_keep_their_types(url: str) -> None:
    cols, rows = run_select(SparqlEndpoint(url), """SELECT ?label ?n ?d ?b WHERE {
        ?e ct:key "baidu" ; rdfs:label ?label . BIND(3 AS ?n) BIND("2025-09-01"^^xsd:date AS ?d)
        BIND(true AS ?b) OPTIONAL { ?e ct:nothing ?none } }""")
    assert cols == ["label", "n", "d", "b"]
    assert rows[0][0] == "Baidu" and rows[0][1] == 3 and rows[0][2].isoformat() == "2025-09-01" and rows[0][3] is True
    assert run_select(SparqlEndpoint(url), "ASK { ?e ct:key 'baidu' }")[1] == [(True,)]


def _cli(*args: str) -> Any:
    from kg.cli.main import app

    return CliRunner().invoke(app, list(args))


def test_cli_runs_named_queries_on_the_endpoint(store_path: Path, url: str) -> None:
    local = _cli("query", "run", "metrics", "-p", "entity=Baidu", "--lang", "sparql", "--store", str(store_path),
                 "--format", "json")
    remote = _cli("query", "run", "metrics", "-p", "entity=Baidu", "--endpoint", url, "--format", "json")
    assert local.exit_code == 0 and remote.exit_code == 0
    assert json.loads(remote.stdout) == json.loads(local.stdout) != []
    cypher = _cli("query", "run", "metrics", "--lang", "cypher", "--endpoint", url)
    assert isinstance(cypher.exception, QueryError) and "kg neo4j query" in str(cypher.exception)


def test_endpoint_errors_are_query_errors(url: str) -> None:
    with pytest.raises(QueryError, match="refused the query"):
        run_select(SparqlEndpoint(url), "SELECT WHERE {")
    with pytest.raises(QueryError, match="cannot reach"):
        run_select(SparqlEndpoint("http://127.0.0.1:9/query", timeout=5), "ASK {}")
    with pytest.raises(QueryError, match="not a SPARQL endpoint URL"):
        SparqlEndpoint("file:///etc/passwd")


def test_a_plain_sparql_client_reads_the_endpoint(url: str) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(store=SPARQLStore(url, returnFormat="json"))
    rows = list(g.query('SELECT ?l WHERE { ?e <https://w3id.org/chinatech/ontology#key> "baidu" ; '
                        '<http://www.w3.org/2000/01/rdf-schema#label> ?l }'))
    assert [str(r[0]) for r in rows] == ["Baidu"]


def _oxigraph_server() -> str | None:
    """The `oxigraph` server binary (PyPI package `oxigraph`), if installed."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / "oxigraph"
    return shutil.which("oxigraph") or (str(beside) if beside.is_file() else None)


@pytest.mark.skipif(_oxigraph_server() is None, reason="the Oxigraph server is not installed (pip install oxigraph)")
def test_oxigraph_server_serves_the_store_directory_itself(store_path: Path) -> None:
    """`oxigraph serve-read-only --location STORE/oxigraph --union-default-graph` is a SPARQL endpoint over
    the very files `kg ingest` wrote: the named queries answer as on the store."""
    import socket
    import subprocess
    import time

    from kg.store import KGStore

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(_oxigraph_server()), "serve-read-only", "--location", str(store_path / "oxigraph"),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = SparqlEndpoint(f"http://127.0.0.1:{port}/query", timeout=30)
        deadline = time.monotonic() + 30
        while True:
            try:
                run_select(endpoint, "ASK {}")
                break
            except QueryError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        with KGStore.open(store_path) as st:
            for name in nq.query_names():
                local = nq.run_query(st, name, lang="sparql")
                remote = nq.run_query(endpoint, name, lang="sparql")
                assert (remote[0], normalised(remote[1])) == (local[0], normalised(local[1])), name
    finally:
        server.terminate()
        server.wait(timeout=30)

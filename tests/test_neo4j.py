"""Neo4j push, pull, query and bundles, against a real Bolt server (ArcadeDB from `arcadedb-embedded`).

The server starts once per test session (tests/bolt_server.py) and is stopped by its pid. Without
`arcadedb-embedded` installed the Bolt tests fail with a message saying so: they are never skipped.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kg.graph import ArticleGraph, Entity, Evidence, Mention, Observation, Relation
from kg.ids import discovered_key
from kg.neo4j.bundle import write_bundle
from kg.neo4j.connect import Neo4jError, Settings, open_driver, read_config, resolve_settings
from kg.neo4j.pull import PullStats, pull_into, read_graph
from kg.neo4j.push import graph_for_push, push_graph, schema_statements
from kg.projection import PropertyGraph, project
from kg.store import KGStore
from ontology.catalog import Catalog, CatalogEntry
from tests.bolt_server import BoltServer, BoltServerError, free_port, running_bolt_server
from tests.conftest import ROOT, need_shared

# ------------------------------------------------------------------------------------------ fixtures --


@pytest.fixture(scope="session")
def bolt() -> Iterator[BoltServer]:
    """One ArcadeDB Bolt server for the test session; a missing `arcadedb-embedded` fails the tests loudly."""
    try:
        with running_bolt_server() as server:
            yield server
    except BoltServerError as e:
        pytest.fail(f"no Bolt server for the Neo4j tests: {e}", pytrace=False)


_databases = iter(range(1, 1000))


@pytest.fixture
def settings(bolt: BoltServer) -> Settings:
    """Settings for a fresh, empty database on the shared server."""
    name = f"t{next(_databases)}"
    bolt.create_database(name)
    return Settings(bolt.uri, bolt.user, bolt.password, name)


CATALOG = Catalog(
    entities={
        "baidu": CatalogEntry("baidu", "Baidu", "Company", aliases=("Baidu Inc",), zh=("百度",),
                              tickers=("BIDU", "9888.HK"), wikidata="Q14772"),
        "ernie": CatalogEntry("ernie", "ERNIE", "AIModel", aliases=("Ernie Bot",)),
        "beijing": CatalogEntry("beijing", "Beijing", "Place", zh=("北京",)),
        "kunlun-p800": CatalogEntry("kunlun-p800", "Kunlun P800", "Chip"),
    },
    facts=[("baidu", "develops", "ernie"), ("baidu", "headquarteredIn", "beijing")],
)

HOSTILE = 'He said "it\'s `done`" \\ C:\\path\n; MATCH (n) DETACH DELETE n; // 测试 {x: 1}'


def _ev(text: str, start: int) -> Evidence:
    return Evidence(sentence=text, start=start, end=start + len(text))


def constructed_graphs() -> list[ArticleGraph]:
    """Two small articles: catalog and discovered entities, relations, observations, hostile strings."""
    zhipu = discovered_key("Company", "Zhipu AI")
    s1 = "Baidu said ERNIE was trained on Kunlun P800 chips in Beijing."
    s2 = HOSTILE
    a1 = ArticleGraph(
        id="test-a1", title='Baidu\'s "ERNIE" \\ update', published=date(2025, 3, 4), source_url="https://example.org/a1",
        source_name="Example", lang="en", content_hash="h1",
        entities=[
            Entity(id="baidu", label="Baidu", type="Company", mentions=[Mention(text="Baidu", start=0, end=5)]),
            Entity(id="ernie", label="ERNIE", type="AIModel", mentions=[Mention(text="ERNIE", start=11, end=16)]),
            Entity(id="kunlun-p800", label="Kunlun P800", type="Chip"),
            Entity(id="beijing", label="Beijing", type="Place"),
            Entity(id=zhipu, label="Zhipu AI", type="Company", source="discovered", aliases=["智谱", "Zhipu"],
                   mentions=[Mention(text="Zhipu AI", start=70, end=78)]),
        ],
        relations=[
            Relation(subject="ernie", predicate="trainedOn", object="kunlun-p800", confidence=0.9,
                     evidence=_ev(s1, 0), extractor="pattern"),
            Relation(subject="baidu", predicate="competesWith", object=zhipu, confidence=0.7,
                     evidence=_ev(s2, 64), extractor="pattern"),
        ],
        observations=[
            Observation(subject="baidu", measure="revenue", value=12.5e9, unit="CNY", period="Q1 2025",
                        confidence=0.8, evidence=_ev(s2, 64), extractor="numbers"),
        ],
    )
    s3 = "Zhipu AI partners with Baidu."
    a2 = ArticleGraph(
        id="test-a2", title="Zhipu and Baidu", published=None, content_hash="h2",
        entities=[
            Entity(id=zhipu, label="Zhipu", type="Company", source="discovered", aliases=["Zhipu AI"]),
            Entity(id="baidu", label="Baidu", type="Company"),
        ],
        relations=[Relation(subject=zhipu, predicate="partnersWith", object="baidu", confidence=0.6,
                            evidence=_ev(s3, 10), extractor="pattern")],
    )
    return [a1, a2]


def make_store(path: Path, graphs: list[ArticleGraph], catalog: Catalog | None = CATALOG) -> KGStore:
    st = KGStore.open(path, write=True)
    if catalog is not None:
        st.sync_catalog(catalog)
    for g in graphs:
        st.put_article(g)
    return st


def _canonical(pg: PropertyGraph) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A comparable form of a projection: nodes and edges as sorted tuples, None-valued props dropped."""
    def props(p: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
        return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in p.items() if v is not None))

    nodes = sorted((n.key, n.labels, props(n.props)) for n in pg.nodes)
    edges = sorted((e.src, e.dst, e.type, props(e.props)) for e in pg.edges)
    return nodes, edges


def _server_counts(settings: Settings) -> tuple[Counter[str], Counter[str], int, int]:
    with open_driver(settings) as d, d.session(database=settings.database) as s:
        labels: Counter[str] = Counter()
        for label in ("Entity", "Article", "Observation", "Company", "Organization", "AIModel", "Chip", "Place"):
            labels[label] = s.run(f"MATCH (n:`{label}`) RETURN count(n) AS c").single()["c"]
        types = Counter({r["t"]: r["c"] for r in s.run("MATCH ()-[r]->() RETURN type(r) AS t, count(r) AS c")})
        nodes = s.run("MATCH (n) RETURN count(n) AS c").single()["c"]
        rels = s.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
    return labels, types, nodes, rels


def _expected_counts(pg: PropertyGraph) -> tuple[Counter[str], Counter[str]]:
    labels: Counter[str] = Counter()
    for n in pg.nodes:
        labels.update(n.labels)
    return labels, Counter(e.type for e in pg.edges)


def _check_server_matches(settings: Settings, pg: PropertyGraph) -> None:
    labels, types, nodes, rels = _server_counts(settings)
    want_labels, want_types = _expected_counts(pg)
    assert nodes == len(pg.nodes)
    assert rels == len(pg.edges)
    assert types == want_types
    for label, n in labels.items():
        assert n == want_labels.get(label, 0), label


# -------------------------------------------------------------------------------- push / pull (Bolt) --


def test_push_repush_pull_round_trip_constructed(tmp_path: Path, settings: Settings) -> None:
    with make_store(tmp_path / "a", constructed_graphs()) as st:
        pg = graph_for_push(st)
        want = project(st)
    assert {n.labels for n in pg.nodes} >= {("Company", "Organization", "Entity"), ("Article",), ("Observation",)}
    assert any(e.props.get("reference") for e in pg.edges)
    with open_driver(settings) as d:
        first = push_graph(d, settings, pg, batch_size=3)
        assert (first.nodes_created, first.relationships_created) == (len(pg.nodes), len(pg.edges))
        assert first.missing_ends == 0
        _check_server_matches(settings, pg)
        second = push_graph(d, settings, pg, batch_size=3)
        assert (second.nodes_created, second.relationships_created) == (0, 0)
        assert (second.nodes_present, second.relationships_present) == (len(pg.nodes), len(pg.edges))
        _check_server_matches(settings, pg)
        stats = PullStats()
        pulled = read_graph(d, settings, stats)
    assert _canonical(pulled)[0] == _canonical(pg)[0]  # the server holds exactly what was pushed
    assert _canonical(pulled)[1] == _canonical(pg)[1]
    with make_store(tmp_path / "b", []) as fresh:
        pull_into(fresh, pulled, stats)
        got = project(fresh)
    assert stats.outcomes == {"added": 2}
    assert set(stats.dropped) == {"reference fact (the store takes these from its catalog)"}
    assert _canonical(got) == _canonical(want)


def test_push_after_more_ingests_adds_only_new_facts(tmp_path: Path, settings: Settings) -> None:
    a1, a2 = constructed_graphs()
    with make_store(tmp_path / "s", [a1]) as st, open_driver(settings) as d:
        small = graph_for_push(st)
        push_graph(d, settings, small)
        st.put_article(a2)
        big = graph_for_push(st)
        stats = push_graph(d, settings, big)
    new_nodes = {n.key for n in big.nodes} - {n.key for n in small.nodes}
    assert new_nodes == {"test-a2"}  # zhipu and baidu were already there
    assert stats.nodes_created == 1
    assert stats.relationships_created == len(big.edges) - len(small.edges) > 0
    _check_server_matches(settings, big)


def test_push_fixes_labels_of_an_entity_whose_class_changed(tmp_path: Path, settings: Settings) -> None:
    with make_store(tmp_path / "s", constructed_graphs()) as st:
        pg = graph_for_push(st)
    with open_driver(settings) as d:
        with d.session(database=settings.database) as s:  # as an earlier push would have left it
            for stmt in schema_statements():
                s.run(stmt).consume()
            s.run("CREATE (n:Entity:Person {key: 'baidu', label: 'old'})").consume()
        stats = push_graph(d, settings, pg)
        with d.session(database=settings.database) as s:
            rows = s.run("MATCH (n:Entity {key: 'baidu'}) RETURN labels(n) AS l, n.label AS label").data()
    assert stats.relabelled == 1
    assert [sorted(r["l"]) for r in rows] == [["Company", "Entity", "Organization"]]
    assert rows[0]["label"] == "Baidu"
    _check_server_matches(settings, pg)


def test_prune_deletes_what_the_store_no_longer_holds_and_nothing_else(tmp_path: Path, settings: Settings) -> None:
    a1, a2 = constructed_graphs()
    with make_store(tmp_path / "s", [a1, a2]) as st, open_driver(settings) as d:
        big = graph_for_push(st)
        push_graph(d, settings, big, wipe_first=True)
        with d.session(database=settings.database) as s:  # the user's own data on the same server
            s.run("CREATE (:Stray {key: 'mine'})-[:NOTES {key: 'x'}]->(:Stray {key: 'also mine'})").consume()
        # a1 re-ingested without its trainedOn fact (both ends stay: catalog entities), a2 removed
        st.put_article(a1.model_copy(update={"relations": a1.relations[1:], "content_hash": "h1b"}))
        st.remove_article("test-a2")
        small = graph_for_push(st)
        plain = push_graph(d, settings, small)
        assert (plain.pruned_nodes, plain.pruned_relationships) == (0, 0)  # without --prune nothing goes
        stats = push_graph(d, settings, small, prune_stale=True, batch_size=2)
        with d.session(database=settings.database) as s:
            strays = s.run("MATCH (a:Stray)-[r:NOTES]->(b:Stray) RETURN count(r) AS c").single()["c"]
            s.run("MATCH (n:Stray) DETACH DELETE n").consume()
    gone = {n.key for n in big.nodes} - {n.key for n in small.nodes}
    assert "test-a2" in gone and stats.pruned_nodes == len(gone)
    assert stats.pruned_relationships >= 1  # TRAINED_ON, between two nodes that stay
    assert "TRAINED_ON" not in {e.type for e in small.edges}
    assert strays == 1
    _check_server_matches(settings, small)


def test_wipe_removes_what_was_there(tmp_path: Path, settings: Settings) -> None:
    with make_store(tmp_path / "s", constructed_graphs()) as st:
        pg = graph_for_push(st)
    with open_driver(settings) as d:
        with d.session(database=settings.database) as s:
            s.run("UNWIND range(1, 30) AS i CREATE (:Stray {i: i})").consume()
        stats = push_graph(d, settings, pg, wipe_first=True)
    assert stats.deleted_nodes == 30
    _check_server_matches(settings, pg)


def test_schema_statements_create_enforced_constraints(settings: Settings) -> None:
    with open_driver(settings) as d, d.session(database=settings.database) as s:
        for stmt in schema_statements():
            s.run(stmt).consume()
        for stmt in schema_statements():  # IF NOT EXISTS: running twice is fine
            s.run(stmt).consume()
        names = {r["name"] for r in s.run("SHOW CONSTRAINTS")}
        assert {"entity_key", "article_key", "observation_key"} <= names
        s.run("CREATE (:Entity {key: 'dup'})").consume()
        with pytest.raises(Exception, match="(?i)constraint|duplicat"):
            s.run("CREATE (:Entity:Company {key: 'dup'})").consume()


def build_real_store(path: Path) -> KGStore:
    """The 15 shared evaluation articles (seed included) through the real loaders and extraction."""
    from loaders.extract.pipeline import extract_articles
    from loaders.sources import load_articles

    articles, failures = load_articles([need_shared("eval", "articles")])
    assert not failures and len(articles) == 15
    st = KGStore.open(path, write=True)
    for g in extract_articles(articles):
        st.put_article(g)
    return st


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, bolt: BoltServer) -> Iterator[tuple[KGStore, Settings]]:
    """The store of the 15 shared articles, read-only, and a database it was pushed into once."""
    path = tmp_path_factory.mktemp("real")
    build_real_store(path).close()
    bolt.create_database("real")
    settings = Settings(bolt.uri, bolt.user, bolt.password, "real")
    with KGStore.open(path) as st:
        pg = graph_for_push(st)
        with open_driver(settings) as d:
            first = push_graph(d, settings, pg)
        assert (first.nodes_created, first.relationships_created) == (len(pg.nodes), len(pg.edges))
        assert first.missing_ends == 0
        yield st, settings


def test_round_trip_of_the_shared_articles(tmp_path: Path, real: tuple[KGStore, Settings]) -> None:
    st, settings = real
    pg = graph_for_push(st)
    want = project(st)
    assert sum(1 for n in pg.nodes if n.labels == ("Article",)) == 15
    assert sum(1 for e in pg.edges if e.type not in ("MENTIONS", "OBSERVATION_OF")) > 0
    _check_server_matches(settings, pg)
    with open_driver(settings) as d:
        again = push_graph(d, settings, pg)
        assert (again.nodes_created, again.relationships_created) == (0, 0)
        _check_server_matches(settings, pg)
        pulled = read_graph(d, settings)
    assert _canonical(pulled) == _canonical(pg)
    with make_store(tmp_path / "fresh", [], catalog=None) as fresh:
        stats = pull_into(fresh, pulled)
        got = project(fresh)
    assert stats.outcomes == {"added": 15}
    assert _canonical(got) == _canonical(want)


def _rows(rows: list[Any]) -> list[tuple[Any, ...]]:
    def norm(v: Any) -> Any:
        if isinstance(v, float):
            return round(v, 9)
        if isinstance(v, list | tuple):
            return tuple(norm(x) for x in v)
        return v.isoformat() if isinstance(v, date) else v
    return [tuple(norm(v) for v in r) for r in rows]


def test_named_queries_give_the_same_rows_on_the_server(real: tuple[KGStore, Settings]) -> None:
    """Every named Cypher query, run on the Bolt server in its Neo4j text, answers as the embedded engine."""
    from kg.neo4j.connect import run_read
    from kg.neo4j.queries import bind_named_query, named_cypher_queries
    from kg.queries import run_query

    st, settings = real
    checked = 0
    with open_driver(settings) as d:
        for q in named_cypher_queries():
            text, params = bind_named_query(d, settings, q, {})
            cols, rows = run_read(d, settings, lambda tx, t=text, p=params: (
                lambda res: (list(res.keys()), [list(r.values()) for r in res]))(tx.run(t, p)))
            want_cols, want_rows = run_query(st, q.name)
            assert cols == list(want_cols), q.name
            assert _rows(rows) == _rows(want_rows), q.name
            checked += bool(rows)
    assert checked >= 5  # most questions have answers in these articles


def test_query_command_runs_a_named_query(real: tuple[KGStore, Settings]) -> None:
    st, settings = real
    dated = sum(1 for n in project(st).nodes if n.labels == ("Article",) and (n.props["published"] or "") >= "2000")
    r = _kg("neo4j", "query", "top-mentioned", "--param", "limit=3", "-f", "csv", "--uri", settings.uri,
            "--user", settings.user, "--database", str(settings.database), env={"NEO4J_PASSWORD": settings.password})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "key,entity,type,articles" and len(lines) == 4
    r = _kg("neo4j", "query", "MATCH (a:Article) WHERE a.published >= $d RETURN count(a) AS n", "-p", "d=2000-01-01",
            "-f", "json", "--uri", settings.uri, "--user", settings.user, "--database", str(settings.database),
            env={"NEO4J_PASSWORD": settings.password})
    assert r.returncode == 0, r.stderr
    assert f'"n": {dated}' in r.stdout and 0 < dated < 15


def test_push_pull_and_bundle_commands(tmp_path: Path, real: tuple[KGStore, Settings], bolt: BoltServer) -> None:
    """The commands as a user runs them: password from a private config file, summaries, a store pulled back."""
    st, settings = real
    bolt.create_database("cli")
    cfg = tmp_path / "neo4j.toml"
    cfg.write_text(f'uri = "{bolt.uri}"\nuser = "root"\ndatabase = "cli"\npassword = "{bolt.password}"\n')
    cfg.chmod(0o600)
    conn = ("--config", str(cfg))
    r = _kg("neo4j", "push", "--store", str(st.path), *conn, "--batch-size", "500", "-f", "json")
    assert r.returncode == 0, r.stderr
    pg = graph_for_push(st)
    assert f'"relationships_created": {len(pg.edges)}' in r.stdout
    r = _kg("neo4j", "push", "--store", str(st.path), *conn, "--prune")
    assert r.returncode == 0, r.stderr
    assert "already present" in r.stdout and "relationships/s" in r.stdout
    assert "0 nodes and 0 relationships pruned" in r.stdout  # the server holds nothing the store lacks
    assert bolt.password not in r.stdout + r.stderr
    r = _kg("neo4j", "pull", "--store", str(tmp_path / "pulled"), *conn)
    assert r.returncode == 0, r.stderr
    assert "15 articles added" in r.stdout
    with KGStore.open(tmp_path / "pulled") as pulled:
        assert _canonical(project(pulled)) == _canonical(project(st))
    r = _kg("neo4j", "bundle", str(tmp_path / "bundle"), "--store", str(st.path))
    assert r.returncode == 0, r.stderr
    assert {p.name for p in (tmp_path / "bundle").iterdir()} == {
        "import.cypher", "constraints.cypher", "csv", "import.sh", "style.grass", "guide.html", "README.txt"}
    cfg.chmod(0o644)
    r = _kg("neo4j", "push", "--store", str(st.path), *conn)
    assert r.returncode == 2 and "chmod 600" in r.stderr and bolt.password not in r.stderr


# ----------------------------------------------------------------------------------- errors (Bolt) --


def _kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from kg.cli.main import main; main()", *args],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL, timeout=120)


def test_connection_refused_is_one_line(bolt: BoltServer) -> None:
    port = free_port()
    with pytest.raises(Neo4jError, match=f"cannot connect to bolt://127.0.0.1:{port}: connection refused"):
        with open_driver(Settings(f"bolt://127.0.0.1:{port}", "neo4j", bolt.password)):
            pass
    r = _kg("neo4j", "query", "RETURN 1", "--uri", f"bolt://127.0.0.1:{port}", env={"NEO4J_PASSWORD": bolt.password})
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "connection refused" in r.stderr
    assert "Traceback" not in r.stderr and bolt.password not in r.stderr + r.stdout


def test_wrong_password_is_one_line(bolt: BoltServer) -> None:
    secret = "not-the-password-" + bolt.password[:4]
    with pytest.raises(Neo4jError, match="refused the credentials of user 'root'"):
        with open_driver(Settings(bolt.uri, "root", secret, bolt.database)):
            pass
    r = _kg("neo4j", "query", "RETURN 1", "--uri", bolt.uri, "--user", "root", "--database", bolt.database,
            env={"NEO4J_PASSWORD": secret})
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "credentials" in r.stderr and secret not in r.stderr + r.stdout


def test_http_port_is_not_bolt(bolt: BoltServer) -> None:
    with pytest.raises(Neo4jError, match="HTTP port, not Bolt"):
        with open_driver(Settings(f"bolt://127.0.0.1:{bolt.http_port}", "root", bolt.password)):
            pass


# ------------------------------------------------------------------------------------ credentials --


def test_config_file_must_be_private(tmp_path: Path) -> None:
    cfg = tmp_path / "neo4j.toml"
    cfg.write_text('password = "s3cret"\nuser = "alice"\n')
    cfg.chmod(0o644)
    with pytest.raises(Neo4jError, match="permissions 0644.*chmod 600") as e:
        read_config(cfg)
    assert "s3cret" not in str(e.value)
    cfg.chmod(0o600)
    assert read_config(cfg) == {"password": "s3cret", "user": "alice"}
    s = resolve_settings(None, None, None, cfg, environ={"NEO4J_PASSWORD": "env"})
    assert (s.password, s.user, s.uri) == ("s3cret", "alice", "bolt://localhost:7687")
    assert "s3cret" not in repr(s)


def test_password_from_environment_then_prompt(tmp_path: Path) -> None:
    s = resolve_settings("neo4j+s://db.example.org", "bob", "kg", environ={"NEO4J_PASSWORD": "pw"})
    assert (s.uri, s.user, s.database, s.password) == ("neo4j+s://db.example.org", "bob", "kg", "pw")
    asked: list[str] = []
    s = resolve_settings("bolt://h:7687", None, None, environ={}, prompt=lambda q: asked.append(q) or "typed")
    assert s.password == "typed" and asked == ["Neo4j password for neo4j at bolt://h:7687: "]


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "bolt://user:pw@host:7687", "bolt://"])
def test_bad_uris_are_refused(uri: str) -> None:
    with pytest.raises(Neo4jError) as e:
        resolve_settings(uri, None, None, environ={"NEO4J_PASSWORD": "x"})
    assert "pw@" not in str(e.value)


def test_no_password_option_on_the_command_line() -> None:
    r = _kg("neo4j", "push", "--help")
    assert r.returncode == 0 and "--password" not in r.stdout and "NEO4J_PASSWORD" in r.stdout


# ------------------------------------------------------------------------------------------ bundles --


@pytest.fixture(scope="module")
def constructed_pg(tmp_path_factory: pytest.TempPathFactory) -> PropertyGraph:
    with make_store(tmp_path_factory.mktemp("store"), constructed_graphs()) as st:
        return graph_for_push(st)


def _statements(script: Path) -> list[str]:
    """The statements of a bundle script: one per line, each ending in `;`, comments skipped."""
    lines = [ln for ln in script.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("//")]
    assert all(ln.endswith(";") for ln in lines)
    return [ln[:-1] for ln in lines]


def test_bundle_script_loads_the_same_graph(tmp_path: Path, constructed_pg: PropertyGraph, settings: Settings) -> None:
    write_bundle(constructed_pg, tmp_path, batch_size=2)
    stmts = _statements(tmp_path / "import.cypher")
    assert stmts[:len(schema_statements())] == schema_statements()
    assert all(s.startswith(("CREATE CONSTRAINT", "CREATE INDEX", "UNWIND [")) for s in stmts)
    assert HOSTILE.split("\n")[0] not in (tmp_path / "import.cypher").read_text()  # escaped, not raw
    with open_driver(settings) as d:
        with d.session(database=settings.database) as s:
            for stmt in stmts:
                s.run(stmt).consume()
            for stmt in stmts:  # MERGE all the way: a second run changes nothing
                assert s.run(stmt).consume().counters.nodes_created == 0
        pulled = read_graph(d, settings)
    _check_server_matches(settings, constructed_pg)
    assert _canonical(pulled) == _canonical(constructed_pg)


def test_bundle_csv_headers_and_rows(tmp_path: Path, constructed_pg: PropertyGraph) -> None:
    write_bundle(constructed_pg, tmp_path)
    files = {p.name: p for p in (tmp_path / "csv").iterdir()}
    assert set(files) == {"nodes_entity.csv", "nodes_article.csv", "nodes_observation.csv",
                          "relationships_article_entity.csv", "relationships_entity_entity.csv",
                          "relationships_observation_entity.csv"}

    def read(name: str) -> list[dict[str, str]]:
        with files[name].open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    entities = read("nodes_entity.csv")
    header = list(entities[0])
    assert header[:2] == ["key:ID(Entity)", ":LABEL"]
    assert {"aliases:string[]", "tickers:string[]", "label", "iri"} <= set(header)
    baidu = next(r for r in entities if r["key:ID(Entity)"] == "baidu")
    assert baidu[":LABEL"] == "Company;Organization;Entity"
    assert baidu["tickers:string[]"] == "9888.HK;BIDU"
    obs = read("nodes_observation.csv")
    assert {"value:double", "confidence:double", "evidence_start:long"} <= set(obs[0])
    assert obs[0]["evidence"] == HOSTILE  # quoted, multi-line field comes back whole
    rels = read("relationships_entity_entity.csv")
    assert list(rels[0])[:4] == [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "key"]
    assert {"confidence:double", "reference:boolean", "evidence_start:long"} <= set(rels[0])
    assert Counter(r[":TYPE"] for r in rels) == Counter(
        e.type for e in constructed_pg.edges if e.type not in ("MENTIONS", "OBSERVATION_OF"))
    assert {r["reference:boolean"] for r in rels} == {"true", "false"}
    mentions = read("relationships_article_entity.csv")
    assert list(mentions[0]) == [":START_ID(Article)", ":END_ID(Entity)", ":TYPE", "key"]
    script = (tmp_path / "import.sh").read_text()
    assert "neo4j-admin database import full" in script and "--multiline-fields=true" in script
    assert all(f"csv/{name}" in script for name in files)


def test_bundle_style_and_guide(tmp_path: Path, constructed_pg: PropertyGraph) -> None:
    from kg.queries import query_names
    from ontology.schema import load_schema

    write_bundle(constructed_pg, tmp_path)
    grass = (tmp_path / "style.grass").read_text()
    assert grass.count("{") == grass.count("}")
    for t in (*load_schema().core_types, "Article", "Observation"):
        assert f"node.{t} {{" in grass, t
    colours = [ln.split(":")[1].strip(" ;") for ln in grass.splitlines() if ln.strip().startswith("color:")]
    assert len(set(colours[2:])) == len(colours[2:])  # a colour of its own per type
    guide = (tmp_path / "guide.html").read_text()
    names = [n for n in query_names() if (ROOT / "queries" / f"{n}.cypher").is_file()]
    assert names and all(f"kg neo4j query {n}<" in guide for n in names)
    assert guide.count("<slide") == len(names) + 1 and "$" + "slides" not in guide

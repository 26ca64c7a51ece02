"""The Cypher engine: tokenizer, super-class label rewrite, read-only guard, the LadybugDB projection built
from a store (labels, properties, escaping), and keeping it in step with the store's generation."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.cypher import (
    FORMAT_VERSION,
    CypherDB,
    build_database,
    check_read_only,
    label_unions,
    refresh,
    rewrite_labels,
    run_cypher,
    table_pairs,
    tokenize,
)
from kg.errors import QueryError
from kg.graph import ArticleGraph, Entity, Evidence, Observation, Relation
from kg.projection import project
from kg.store import KGStore
from tests.conftest import ROOT

# ------------------------------------------------------------------------------------------ tokenizer --


@given(st.text(max_size=200))
def test_tokens_give_the_query_back(text: str) -> None:
    assert "".join(t.text for t in tokenize(text)) == text


def test_strings_comments_and_names_are_single_tokens() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("RETURN 'a // b', \"c\\\"d\" /* x:Entity */ `we:ird` // end")
             if t.significant]
    assert kinds == [("ident", "RETURN"), ("string", "'a // b'"), ("punct", ","), ("string", '"c\\"d"'),
                     ("quoted", "`we:ird`")]


@pytest.mark.parametrize("query, expected", [
    ("MATCH (o:Organization) RETURN o", "MATCH (o:Company:GovernmentBody) RETURN o"),
    ("MATCH (:Artifact)<-[:DEVELOPS]-(c:Company)", "MATCH (:AIModel:Chip:Product)<-[:DEVELOPS]-(c:Company)"),
    ("MATCH ( m : Market ) RETURN m", "MATCH ( m : Exchange:StockIndex ) RETURN m"),
    ("MATCH (n:`Organization`) RETURN n", "MATCH (n:Company:GovernmentBody) RETURN n"),
    ("MATCH (n:Company {label: ':Organization'}) RETURN n", "MATCH (n:Company {label: ':Organization'}) RETURN n"),
    ("MATCH (n:Company) // (n:Organization)\nRETURN n", "MATCH (n:Company) // (n:Organization)\nRETURN n"),
    ("MATCH (a)-[r:Organization]->(b) RETURN a", "MATCH (a)-[r:Organization]->(b) RETURN a"),
    ("MATCH (n {type: Organization}) RETURN n", "MATCH (n {type: Organization}) RETURN n"),
    ("RETURN [1,2,3][0..1] AS x, {a: 1} AS m", "RETURN [1,2,3][0..1] AS x, {a: 1} AS m"),
])
def test_super_class_labels_become_label_unions(query: str, expected: str) -> None:
    assert rewrite_labels(query) == expected


def test_label_unions_come_from_the_ontology() -> None:
    unions = label_unions()
    assert unions["Organization"] == ("Company", "GovernmentBody")
    assert unions["Market"] == ("Exchange", "StockIndex")
    assert len(unions["Entity"]) == 12 and "Company" not in unions


@pytest.mark.parametrize("query", [
    "CREATE (n:Company {key: 'x'})", "MATCH (n) DETACH DELETE n", "MATCH (n) SET n.label = 'x'",
    "MERGE (n:Place {key: 'x'})", "MATCH (n) REMOVE n.label", "DROP TABLE Company", "COPY Company FROM 'x.csv'",
    "ALTER TABLE Company ADD x INT64", "LOAD FROM 'x.csv' RETURN *", "CALL create_fts_index('Company', 'i', ['label'])",
    "match (n) delete n", "INSTALL json", "MATCH (n) RETURN n; CREATE (m:Place {key: 'y'})",
])
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(QueryError, match="read-only unless --write"):
        check_read_only(query)


@pytest.mark.parametrize("query", [
    "MATCH (n) WHERE n.label = 'CREATE' RETURN n", "MATCH (n) RETURN n // then DELETE it",
    "MATCH (n) RETURN n.set, {delete: 1} AS m", "CALL show_tables() RETURN *", "MATCH (n:`Set`) RETURN n",
    "MATCH (n) /* MERGE */ RETURN count(*) AS created",
])
def test_reads_pass(query: str) -> None:
    check_read_only(query)


def test_relation_tables_allow_the_ontology_pairs() -> None:
    pairs = table_pairs()
    assert ("Company", "AIModel") in pairs["DEVELOPS"] and ("Place", "Technology") in pairs["DEVELOPS"]
    assert ("Person", "AIModel") not in pairs["DEVELOPS"]
    assert pairs["TRAINED_ON"] == {("AIModel", "Chip")}
    assert ("Article", "Policy") in pairs["MENTIONS"] and ("Observation", "Company") in pairs["OBSERVATION_OF"]


# -------------------------------------------------------------------------------- a small real store --

SENTENCE = 'Baidu said "ERNIE, its model",\nruns on Kunlun chips \\ at 42% growth.'


def _ev(text: str = SENTENCE, start: int = 10) -> Evidence:
    return Evidence(sentence=text, start=start, end=start + len(text))


def _entity(key: str, label: str, type_: str, aliases: list[str] | None = None) -> Entity:
    return Entity(id=key, label=label, type=type_, aliases=aliases or [], source="discovered")


def first_article() -> ArticleGraph:
    return ArticleGraph(
        id="a1", title="Baidu's chips", published=date(2025, 3, 1), source_name="test",
        entities=[_entity("baidu", "Baidu", "Company", ["百度", 'Baidu "Inc", the [search] firm']),
                  _entity("ernie", "ERNIE", "AIModel"), _entity("kunlun-p800", "Kunlun P800", "Chip"),
                  _entity("china", "China", "Place"), _entity("miit", "MIIT", "GovernmentBody"),
                  _entity("robin-li", "Robin Li", "Person")],
        relations=[Relation(subject="baidu", predicate="develops", object="ernie", confidence=0.9, evidence=_ev(),
                            extractor="test"),
                   Relation(subject="ernie", predicate="trainedOn", object="kunlun-p800", confidence=0.7,
                            evidence=_ev(), extractor="test"),
                   Relation(subject="baidu", predicate="headquarteredIn", object="china", confidence=0.8,
                            evidence=_ev("Baidu is based in China.", 200), extractor="test"),
                   # outside the ontology's domain (a person does not develop): still projected
                   Relation(subject="robin-li", predicate="develops", object="kunlun-p800", confidence=0.5,
                            evidence=_ev("Robin Li built it.", 300), extractor="test")],
        observations=[Observation(subject="baidu", measure="AI cloud revenue growth", value=42.0, unit="percent",
                                  period="year-on-year", evidence=_ev(), extractor="test")],
    )


def second_article() -> ArticleGraph:
    return ArticleGraph(
        id="a2", title="Alibaba", published=date(2025, 4, 2),
        entities=[_entity("alibaba", "Alibaba", "Company"), _entity("china", "China", "Place")],
        relations=[Relation(subject="alibaba", predicate="headquarteredIn", object="china", confidence=0.8,
                            evidence=_ev("Alibaba is in China.", 0), extractor="test")],
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KGStore]:
    with KGStore.open(tmp_path / "store", write=True, sync_catalog=False) as s:
        s.put_article(first_article())
        yield s


@pytest.fixture
def db(store: KGStore) -> Iterator[CypherDB]:
    path, stats = refresh(store)
    assert stats is not None
    with CypherDB(path) as d:
        yield d


def rows(db: CypherDB, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    return db.run(query, params)[1]


def test_projection_labels_and_properties(store: KGStore) -> None:
    pg = project(store)
    nodes = {n.key: n for n in pg.nodes}
    assert nodes["baidu"].labels == ("Company", "Organization", "Entity")
    assert nodes["baidu"].props["aliases"] == sorted(["百度", 'Baidu "Inc", the [search] firm'])
    assert nodes["baidu"].props["type"] == "Company" and nodes["baidu"].props["source"] == "discovered"
    assert nodes["a1"].labels == ("Article",) and nodes["a1"].props["published"] == "2025-03-01"
    develops = [e for e in pg.edges if e.type == "DEVELOPS" and e.src == "baidu"]
    assert len(develops) == 1 and develops[0].props == {
        "predicate": "develops", "confidence": 0.9, "extractor": "test", "evidence": SENTENCE, "article": "a1",
        "evidence_start": 10, "evidence_end": 10 + len(SENTENCE), "published": "2025-03-01", "reference": False}
    assert sum(e.type == "MENTIONS" for e in pg.edges) == 6 and pg.dropped == {}


def test_super_class_labels_match_every_sub_class(db: CypherDB) -> None:
    assert rows(db, "MATCH (o:Organization) RETURN o.key ORDER BY o.key") == [("baidu",), ("miit",)]
    assert rows(db, "MATCH (a:Artifact) RETURN a.key ORDER BY a.key") == [("ernie",), ("kunlun-p800",)]
    assert rows(db, "MATCH (e:Entity) RETURN count(*)") == [(6,)]
    assert rows(db, "MATCH (o:Organization)-[:DEVELOPS]->(m:Artifact)-[:TRAINED_ON]->(c:Chip) "
                    "RETURN o.label, m.label, c.label") == [("Baidu", "ERNIE", "Kunlun P800")]


def test_relationship_and_node_properties_survive_the_bulk_load(db: CypherDB) -> None:
    got = rows(db, "MATCH (:Company)-[r:DEVELOPS]->(m) RETURN r.predicate, r.confidence, r.evidence, r.article, "
                   "r.published, r.evidence_start, r.evidence_end, r.reference, r.extractor")
    assert got == [("develops", 0.9, SENTENCE, "a1", "2025-03-01", 10, 10 + len(SENTENCE), False, "test")]
    assert rows(db, "MATCH (c:Company {key: $k}) RETURN c.aliases, c.tickers, c.wikidata", {"k": "baidu"}) == [
        (sorted(["百度", 'Baidu "Inc", the [search] firm']), [], None)]
    assert rows(db, "MATCH (o:Observation)-[:OBSERVATION_OF]->(e:Entity) RETURN e.key, o.measure, o.value, o.unit, "
                    "o.period, o.published, o.evidence") == [
        ("baidu", "AI cloud revenue growth", 42.0, "percent", "year-on-year", "2025-03-01", SENTENCE)]
    assert rows(db, "MATCH (a:Article)-[:MENTIONS]->(e:Market) RETURN count(*)") == [(0,)]
    assert rows(db, "MATCH (a:Article {key: 'a1'})-[:MENTIONS]->(e) RETURN count(*)") == [(6,)]


def test_data_outside_the_ontology_domain_is_still_queryable(db: CypherDB) -> None:
    assert rows(db, "MATCH (p:Person)-[:DEVELOPS]->(c:Chip) RETURN p.key, c.key") == [("robin-li", "kunlun-p800")]


def test_the_projection_holds_every_node_and_edge(store: KGStore, db: CypherDB) -> None:
    pg = project(store)
    assert rows(db, "MATCH (n) RETURN count(*)") == [(len(pg.nodes),)]
    assert rows(db, "MATCH ()-[r]->() RETURN count(*)") == [(len(pg.edges),)]


def test_query_errors_are_one_line(db: CypherDB) -> None:
    for bad in ("MATCH (n:Compnay) RETURN n", "MATCH (n RETURN n", "RETURN nosuchfunction(1)", "   "):
        with pytest.raises(QueryError) as info:
            db.run(bad)
        assert "\n" not in str(info.value)


def test_the_database_is_opened_read_only(store: KGStore, db: CypherDB) -> None:
    with pytest.raises(QueryError, match="read-only"):
        db.run("CREATE (:Place {key: 'x'})")
    with pytest.raises(RuntimeError, match="read-only database"):
        db._conn.execute("CREATE (:Place {key: 'x'})")  # below the guard, LadybugDB refuses too


# ------------------------------------------------------------------------------------------- freshness --


def dump(path: Path) -> tuple[Counter[str], Counter[str]]:
    """Every node and relationship of a database, comparable across databases (internal ids dropped)."""
    def clean(v: dict[str, Any]) -> str:
        return repr(sorted((k, repr(x)) for k, x in v.items()))

    with CypherDB(path) as d:
        nodes = Counter(clean(n) for (n,) in rows(d, "MATCH (n) RETURN n"))
        edges = Counter(f"{a} {clean(r)} {b}" for a, r, b in rows(d, "MATCH (a)-[r]->(b) RETURN a.key, r, b.key"))
    return nodes, edges


def rebuilt(store: KGStore, tmp: Path) -> Path:
    """A database built from scratch from the store, to compare an updated one with."""
    path = tmp / f"fresh-{store.generation}"
    build_database(project(store), path)
    return path


def test_the_projection_follows_the_store_generation(store: KGStore, tmp_path: Path) -> None:
    path, stats = refresh(store)
    assert stats is not None and not stats.incremental and stats.nodes == len(project(store).nodes)
    assert refresh(store) == (path, None)  # same generation: reused

    store.put_article(second_article())
    path2, stats2 = refresh(store)
    assert stats2 is not None and stats2.incremental and stats2.articles == 1
    assert path2 != path and not path.exists()
    assert dump(path2) == dump(rebuilt(store, tmp_path))
    with CypherDB(path2) as d:
        assert rows(d, "MATCH (c:Company) RETURN c.key ORDER BY c.key") == [("alibaba",), ("baidu",)]

    changed = first_article()
    changed.relations = changed.relations[:1]
    changed.observations = []
    changed.entities = [e for e in changed.entities if e.id in ("baidu", "ernie")] + [
        _entity("shanghai", "Shanghai", "Place", ["沪"])]
    changed.content_hash = "changed"
    store.put_article(changed)
    path3, stats3 = refresh(store)
    assert stats3 is not None and stats3.incremental
    assert dump(path3) == dump(rebuilt(store, tmp_path))
    with CypherDB(path3) as d:
        assert rows(d, "MATCH (p:Person) RETURN count(*)") == [(0,)]  # only a1 mentioned Robin Li
        assert rows(d, "MATCH (p:Place) RETURN p.key ORDER BY p.key") == [("china",), ("shanghai",)]

    store.remove_article("a1")
    path4, stats4 = refresh(store)
    assert stats4 is not None and stats4.incremental
    assert dump(path4) == dump(rebuilt(store, tmp_path))
    with CypherDB(path4) as d:
        assert rows(d, "MATCH (c:Company) RETURN c.key") == [("alibaba",)]
        assert rows(d, "MATCH (a:Article) RETURN a.key") == [("a2",)]


def test_changes_the_article_hashes_do_not_explain_rebuild(store: KGStore) -> None:
    refresh(store)
    store.update("INSERT DATA { GRAPH <https://w3id.org/chinatech/graph/entities> { "
                 "<https://w3id.org/chinatech/id/baidu> <http://www.w3.org/2004/02/skos/core#altLabel> 'BIDU' } }")
    path, stats = refresh(store)
    assert stats is not None and not stats.incremental
    with CypherDB(path) as d:
        assert "BIDU" in rows(d, "MATCH (c:Company {key: 'baidu'}) RETURN c.aliases")[0][0]


def test_writes_touch_the_projection_only_until_the_store_changes(store: KGStore) -> None:
    path, _ = refresh(store)
    with CypherDB(path, write=True) as d:
        d.run("CREATE (:Place {key: 'atlantis', label: 'Atlantis'})")
        assert rows(d, "MATCH (p:Place {key: 'atlantis'}) RETURN p.label") == [("Atlantis",)]
    assert not any(q for q in store.quads() if "atlantis" in str(q.subject))
    store.put_article(second_article())
    path2, _ = refresh(store)
    with CypherDB(path2) as d:
        assert rows(d, "MATCH (p:Place {key: 'atlantis'}) RETURN p.label") == []


def test_reads_kept_open_see_every_change_of_the_projection(store: KGStore) -> None:
    places = "MATCH (p:Place) RETURN p.key ORDER BY p.key"
    alibaba = "MATCH (c:Company {key: 'alibaba'}) RETURN c.label"
    assert run_cypher(store, places)[1] == [("china",)] and run_cypher(store, alibaba)[1] == []
    with pytest.raises(QueryError, match="(?i)interrupted|timeout"):
        run_cypher(store, "UNWIND range(1, 100000000) AS i RETURN sum(i)", timeout_s=0.001)
    assert run_cypher(store, "UNWIND range(1, 3000000) AS i RETURN count(i)")[1] == [(3000000,)]  # not kept
    store.put_article(second_article())  # the store changes: a new database
    assert run_cypher(store, alibaba)[1] == [("Alibaba",)]
    path, _ = refresh(store)
    script = ("import sys; from kg.cypher import CypherDB\n"
              "with CypherDB(sys.argv[1], write=True) as d: d.run(\"CREATE (:Place {key: 'atlantis'})\")")
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, cwd=ROOT)  # a write elsewhere
    assert run_cypher(store, places)[1] == [("atlantis",), ("china",)]
    run_cypher(store, "CREATE (:Place {key: 'avalon'})", write=True)  # and here
    assert run_cypher(store, places)[1] == [("atlantis",), ("avalon",), ("china",)]


def test_an_update_needs_the_article_hashes_kept_beside_the_database(store: KGStore) -> None:
    path, _ = refresh(store)
    assert "articles" not in json.loads((path.parent / "state.json").read_text())  # read by every query
    Path(str(path) + ".articles.json").unlink()
    store.put_article(second_article())
    _, stats = refresh(store)
    assert stats is not None and not stats.incremental  # nothing to compare with: rebuilt


def test_a_rebuild_can_be_forced_and_an_unknown_layout_is_rebuilt(store: KGStore) -> None:
    path, _ = refresh(store)
    state = path.parent / "state.json"
    assert f'"format": {FORMAT_VERSION}' in state.read_text()
    state.write_text(state.read_text().replace(f'"format": {FORMAT_VERSION}', '"format": 0'))
    path2, stats = refresh(store)
    assert stats is not None and path2 != path
    assert refresh(store, force=True)[1] is not None

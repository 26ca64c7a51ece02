"""The on-disk store: round trip, idempotent re-ingest, per-article replace and remove, entity merging,
the reference graph, the writer lock, and consistency after a writer is killed mid-ingest."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.graph import ArticleGraph, Entity, Evidence, Mention, Observation, Relation
from kg.ids import article_graph_iri, discovered_key, entity_iri
from kg.rdf import ENTITIES_GRAPH, REFERENCE_GRAPH, article_quads, catalog_quads
from kg.sparql import run_select
from kg.store import KGStore
from ontology.schema import NS, data_path

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Alibaba develops Qwen. Alibaba Group uses Hanguang 800. Alibaba cloud grew 26%."


def sentence(text: str, part: str) -> Evidence:
    start = text.index(part)
    return Evidence(sentence=part, start=start, end=start + len(part))


def company(name: str, forms: list[str], key: str | None = None, source: str = "discovered") -> Entity:
    return Entity(id=key or discovered_key("Company", name), label=name, type="Company", source=source,
                  mentions=[Mention(text=f, start=0, end=len(f)) for f in forms])


def thing(type_name: str, name: str) -> Entity:
    return Entity(id=discovered_key(type_name, name), label=name, type=type_name, source="discovered",
                  mentions=[Mention(text=name, start=0, end=len(name))])


def graph(article_id: str, alibaba_forms: list[str], *, version: int = 1) -> ArticleGraph:
    """A small article graph: Alibaba (named as given) develops Qwen, uses a chip, an observation."""
    alibaba = company("Alibaba", alibaba_forms)
    qwen, chip = thing("AIModel", "Qwen"), thing("Chip", "Hanguang 800")
    rels = [Relation(subject=alibaba.id, predicate="develops", object=qwen.id, confidence=0.9,
                     evidence=sentence(TEXT, "Alibaba develops Qwen."), extractor="svo")]
    if version == 1:
        rels.append(Relation(subject=alibaba.id, predicate="uses", object=chip.id, confidence=0.7,
                             evidence=sentence(TEXT, "Alibaba Group uses Hanguang 800."), extractor="svo"))
    obs = [Observation(subject=alibaba.id, measure="cloud growth", value=26 + version, unit="percent",
                       evidence=sentence(TEXT, "Alibaba cloud grew 26%."), extractor="pct")]
    ents = [alibaba, qwen] + ([chip] if version == 1 else [])
    return ArticleGraph(id=article_id, title=f"Article {article_id}", published=date(2025, 9, version),
                        source_url="https://example.com/" + article_id, source_name="Example", lang="en",
                        content_hash=f"{article_id}-v{version}", entities=ents, relations=rels, observations=obs)


def count(st: KGStore, pattern: str) -> int:
    return run_select(st, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[1][0][0]


def graph_quads(st: KGStore, g: str) -> set[ox.Quad]:
    return set(st.quads(g))


@pytest.fixture
def store(tmp_path: Path):
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        yield st


def test_round_trip_counts(store: KGStore) -> None:
    assert store.put_article(graph("a1", ["Alibaba"])) == "added"
    assert store.put_article(graph("a2", ["Alibaba Group", "阿里巴巴"])) == "added"
    assert count(store, "?a a ct:Article") == 2
    assert count(store, "?r a ct:RelationAssertion") == 4
    assert count(store, "?o a ct:Observation") == 2
    assert count(store, "?s a ct:Sentence") == 6
    assert count(store, "SELECT DISTINCT ?s ?o WHERE { ?s ct:develops ?o }") == 1  # one fact, two sources
    assert store.article_ids() == ["a1", "a2"]
    assert store.article_hashes() == {"a1": "a1-v1", "a2": "a2-v1"}
    assert store.generation == 2
    # An article's graph holds exactly the mapping of docs/data-model.md.
    assert graph_quads(store, article_graph_iri("a1")) == set(article_quads(graph("a1", ["Alibaba"])))


def test_entities_merge_across_articles_with_reasons(store: KGStore) -> None:
    store.put_article(graph("a1", ["Alibaba"]))
    store.put_article(graph("a2", ["Alibaba Group", "阿里巴巴"]))
    key = discovered_key("Company", "Alibaba")
    cols, rows = run_select(store, f"""SELECT ?p ?v WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ <{entity_iri(key)}> ?p ?v }} }}
                                       ORDER BY ?p ?v""")
    values: dict[str, list[object]] = {}
    for p, v in rows:
        values.setdefault(p.rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(v)
    assert values["altLabel"] == ["Alibaba", "Alibaba Group", "阿里巴巴"]
    assert values["label"] == ["Alibaba"]  # the first label seen stays
    assert values["normalizedName"] == ["alibaba"]
    assert sorted(values["type"]) == [NS + "Company", NS + "Entity", NS + "Organization"]
    assert len(values["mergeReason"]) == 3
    assert any("'阿里巴巴'" in r and "normalised name" in r for r in values["mergeReason"])  # type: ignore[operator]


def test_a_batch_moves_the_generation_once_and_a_stale_one_is_cleared(tmp_path: Path) -> None:
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        assert st.put_articles([graph("a1", ["Alibaba"]), graph("a2", ["Alibaba Group"])]) == ["added", "added"]
        assert st.generation == 1
        gen = next(q for q in st.oxigraph if q.predicate.value.endswith("generation"))
        meta = gen.graph_name
        # a writer stopped between adding generation 2 and removing 1 leaves both: the higher one counts
        st.oxigraph.add(ox.Quad(gen.subject, gen.predicate, ox.Literal("2", datatype=gen.object.datatype), meta))
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        assert st.generation == 2
        assert [q.object.value for q in st.oxigraph.quads_for_pattern(gen.subject, gen.predicate, None, meta)] == ["2"]
        assert st.article_ids() == ["a1", "a2"]


def test_reingest_unchanged_changes_nothing(store: KGStore) -> None:
    g = graph("a1", ["Alibaba"])
    store.put_article(g)
    generation, size = store.generation, len(store)
    assert store.put_article(g) == "unchanged"
    assert store.put_article(g, force=True) == "unchanged"  # compared quad by quad
    assert (store.generation, len(store)) == (generation, size)


def test_changed_article_replaces_only_its_own_facts(store: KGStore) -> None:
    store.put_article(graph("a1", ["Alibaba"]))
    store.put_article(graph("a2", ["Alibaba Group"]))
    other = graph_quads(store, article_graph_iri("a2"))
    generation = store.generation
    v2 = graph("a1", ["Alibaba"], version=2)
    assert store.put_article(v2) == "replaced"
    assert store.generation == generation + 1
    assert graph_quads(store, article_graph_iri("a1")) == set(article_quads(v2))
    assert graph_quads(store, article_graph_iri("a2")) == other
    assert count(store, "?o ct:value ?v FILTER(?v = 28)") == 1 and count(store, "?o ct:value ?v FILTER(?v = 27)") == 1
    # a2 still mentions the chip, so it stays in the entities graph.
    chip = entity_iri(discovered_key("Chip", "Hanguang 800"))
    assert any(True for _ in store.oxigraph.quads_for_pattern(ox.NamedNode(chip), None, None,
                                                             ox.NamedNode(ENTITIES_GRAPH)))


def test_remove_drops_the_article_and_orphan_entities(store: KGStore) -> None:
    store.put_article(graph("a1", ["Alibaba"]))
    store.put_article(graph("a2", ["Alibaba"], version=2))  # no chip in version 2
    generation = store.generation
    assert store.remove_article("a1") is True
    assert store.generation == generation + 1
    assert store.article_ids() == ["a2"]
    assert not graph_quads(store, article_graph_iri("a1"))
    keys = {v for (v,) in run_select(store, f"SELECT ?k WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e ct:key ?k }} }}")[1]}
    assert keys == {discovered_key("Company", "Alibaba"), discovered_key("AIModel", "Qwen")}
    assert store.remove_article("a1") is False
    assert store.generation == generation + 1
    store.remove_article("a2")
    assert count(store, f"GRAPH <{ENTITIES_GRAPH}> {{ ?s ?p ?o }}") == 0


def test_generation_and_data_survive_reopen(tmp_path: Path) -> None:
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        st.put_article(graph("a1", ["Alibaba"]))
        size = len(st)
    with KGStore.open(tmp_path / "kg") as ro:
        assert (ro.generation, len(ro), ro.writable) == (1, size, False)
        with pytest.raises(StoreError, match="read-only"):
            ro.put_article(graph("a2", ["Alibaba"]))


def test_closing_a_writer_leaves_no_stale_write_ahead_log(tmp_path: Path) -> None:
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        for i in range(30):
            st.put_article(graph(f"a{i}", ["Alibaba"]))
        wal = sum(f.stat().st_size for f in (tmp_path / "kg" / "oxigraph").glob("*.log"))
        assert wal > 100_000
    assert sum(f.stat().st_size for f in (tmp_path / "kg" / "oxigraph").glob("*.log")) < 10_000


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at .*kg ingest"):
        KGStore.open(tmp_path / "nothing")


def test_multi_operation_update_is_atomic(store: KGStore) -> None:
    """The property every write relies on: one SPARQL Update request commits all or nothing."""
    store.put_article(graph("a1", ["Alibaba"]))
    before = graph_quads(store, article_graph_iri("a1"))
    with pytest.raises(RuntimeError):
        store.oxigraph.update(f"DROP GRAPH <{article_graph_iri('a1')}> ; DROP GRAPH <http://example.com/missing>")
    assert graph_quads(store, article_graph_iri("a1")) == before


# ------------------------------------------------------------------------------------------ catalog --

def small_catalog(label: str = "Alibaba Group") -> SimpleNamespace:
    entry = SimpleNamespace(key="alibaba", label=label, type="Company", aliases=("Alibaba",), zh=("阿里巴巴",),
                            tickers=("BABA", "9988.HK"), wikidata="Q1359568")
    model = SimpleNamespace(key="qwen", label="Qwen", type="AIModel", aliases=(), zh=("通义千问",), tickers=(),
                            wikidata=None)
    return SimpleNamespace(entities={"alibaba": entry, "qwen": model}, facts=[("alibaba", "develops", "qwen")])


def test_reference_graph_is_loaded_once_and_distinguishable(store: KGStore) -> None:
    assert store.sync_catalog(small_catalog()) is True
    generation = store.generation
    assert store.sync_catalog(small_catalog()) is False
    assert store.generation == generation
    assert graph_quads(store, REFERENCE_GRAPH) == set(catalog_quads(small_catalog().entities.values(),
                                                                    small_catalog().facts))
    rows = run_select(store, f"""SELECT ?x ?c ?a WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{
        ?r a ct:RelationAssertion ; rdf:predicate ct:develops ; ct:extractor ?x ; ct:confidence ?c }}
        OPTIONAL {{ ?r ct:sourceArticle ?a }} }}""")[1]
    assert rows == [("catalog", 1.0, None)]
    # An article naming a catalog entity adds only its surface forms to the entities graph.
    alibaba = company("Alibaba Group", ["阿里巴巴"], key="alibaba", source="catalog")
    store.put_article(ArticleGraph(id="z1", title="Z", content_hash="h", entities=[alibaba]))
    preds = {p for (p,) in run_select(store, f"""SELECT DISTINCT ?p WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{
        <{entity_iri('alibaba')}> ?p ?v }} }}""")[1]}
    assert preds == {"http://www.w3.org/2004/02/skos/core#altLabel", NS + "mergeReason"}
    assert store.sync_catalog(small_catalog(label="Alibaba Group Holding")) is True
    assert store.generation == generation + 2
    assert count(store, f"GRAPH <{REFERENCE_GRAPH}> {{ ?e rdfs:label 'Alibaba Group Holding' }}") == 1


def test_catalog_entry_described_as_discovered_until_the_catalog_knows_it(store: KGStore) -> None:
    alibaba = company("Alibaba Group", ["Alibaba"], key="alibaba", source="catalog")
    store.put_article(ArticleGraph(id="z1", title="Z", content_hash="h", entities=[alibaba]))
    assert count(store, f"GRAPH <{ENTITIES_GRAPH}> {{ ?e a ct:Company }}") == 1  # typed even without a catalog
    store.sync_catalog(small_catalog())
    assert count(store, f"GRAPH <{ENTITIES_GRAPH}> {{ ?e a ct:Company }}") == 0
    assert count(store, f"GRAPH <{ENTITIES_GRAPH}> {{ ?e skos:altLabel 'Alibaba' }}") == 1


def test_every_term_written_is_declared_in_the_ontology(store: KGStore) -> None:
    from rdflib import Graph, URIRef

    store.sync_catalog(small_catalog())
    store.put_article(graph("a1", ["Alibaba"]))
    onto = Graph().parse(data_path("chinatech.ttl"), format="turtle")
    declared = {str(s) for s in onto.subjects() if isinstance(s, URIRef)}
    used = {q.predicate.value for q in store.quads() if q.predicate.value.startswith(NS)}
    used |= {q.object.value for q in store.quads()
             if q.predicate.value.endswith("#type") and q.object.value.startswith(NS)}
    assert used and used <= declared, used - declared


# --------------------------------------------------------------------------------------------- lock --

def test_second_writer_is_refused_with_a_clear_message(store: KGStore) -> None:
    with pytest.raises(StoreError, match=rf"locked by another writer \(pid {os.getpid()}"):
        KGStore.open(store.path, write=True)


def test_reader_waits_briefly_for_a_writer_then_says_why(store: KGStore) -> None:
    messages: list[str] = []
    started = time.monotonic()
    with pytest.raises(StoreError, match="is being written"):
        KGStore.open(store.path, wait=0.3, on_wait=messages.append)
    assert time.monotonic() - started >= 0.3
    assert messages and "waiting" in messages[0]


def test_readers_share_the_store_and_writer_waits_for_them(tmp_path: Path) -> None:
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        st.put_article(graph("a1", ["Alibaba"]))
    with KGStore.open(tmp_path / "kg") as r1, KGStore.open(tmp_path / "kg") as r2:
        assert r1.article_ids() == r2.article_ids() == ["a1"]
        with pytest.raises(StoreError, match="in use by readers"):
            KGStore.open(tmp_path / "kg", write=True, wait=0.2)
    with KGStore.open(tmp_path / "kg", write=True, sync_catalog=False) as st:
        assert st.generation == 1


# ------------------------------------------------------------------------------------ interruption --

WRITER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{root!r}, {tests!r}]
    from test_store import graph
    from kg.store import KGStore
    with KGStore.open(sys.argv[1], write=True, sync_catalog=False) as st:
        i = 0
        while True:
            for n in range(4):
                st.put_article(graph(f"a{{n}}", ["Alibaba", "Alibaba Group"][: 1 + (i + n) % 2],
                                     version=1 + (i + n) % 2))
            i += 1
            print(i, st.generation, flush=True)
""")


def test_killed_writer_leaves_whole_articles_and_a_reopenable_store(tmp_path: Path) -> None:
    path = tmp_path / "kg"
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), tests=str(Path(__file__).parent)))
    forms = ["Alibaba", "Alibaba Group"]
    versions = {f"a{n}": [set(article_quads(graph(f"a{n}", forms[: 1 + v], version=1 + v))) for v in (0, 1)]
                for n in range(4)}
    last_generation = 0
    for round_ in range(5):
        proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for _ in range(3 + round_ * 2):  # let it commit a few rounds, then kill it mid-flight
            line = proc.stdout.readline()
            assert line, "the writer died on its own"
        time.sleep(0.01 * round_)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        printed = int(line.split()[1])
        with KGStore.open(path, write=True, sync_catalog=False) as st:
            assert st.generation >= printed >= last_generation
            last_generation = st.generation
            assert st.article_ids() == ["a0", "a1", "a2", "a3"]
            for aid, options in versions.items():
                assert graph_quads(st, article_graph_iri(aid)) in options, f"{aid} is a mix of versions"
            mentioned = {v for (v,) in run_select(st, "SELECT DISTINCT ?e WHERE { ?a ct:mentions ?e }")[1]}
            described = {v for (v,) in run_select(
                st, f"SELECT DISTINCT ?e WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e ct:key ?k }} }}")[1]}
            assert described == mentioned
            assert st.put_article(graph("a0", ["Alibaba"], version=1)) in ("unchanged", "replaced", "added")


# ------------------------------------------------------------------------------------ real articles --

@pytest.fixture(scope="module")
def real_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the 15 eval articles and the seed, ingested through the real loaders and pipeline."""
    from kg.cli.ingest import ingest_articles
    from loaders.sources import iter_articles
    from tests.conftest import need_shared

    sources = [need_shared("eval", "articles"), need_shared("seed", "baidu-alibaba-rally-2025.txt")]
    path = tmp_path_factory.mktemp("real") / "kg"
    with KGStore.open(path, write=True) as st:
        summary = ingest_articles(st, iter_articles(sources))
        assert (summary.read, summary.added, summary.failed) == (16, 16, 0)
        assert summary.relations > 50 and summary.observations > 20
    return path


def test_real_reingest_is_a_no_op(real_store_path: Path) -> None:
    from kg.cli.ingest import ingest_articles
    from loaders.sources import iter_articles
    from tests.conftest import need_shared

    with KGStore.open(real_store_path, write=True) as st:
        generation, size = st.generation, len(st)
        summary = ingest_articles(st, iter_articles([need_shared("eval", "articles")]), force=True)
        assert (summary.read, summary.unchanged, summary.added, summary.replaced) == (15, 15, 0, 0)
        assert (st.generation, len(st)) == (generation, size)


def test_real_store_has_the_catalog_and_merges_names(real_store_path: Path) -> None:
    from kg.cli.entity import entity_card
    from kg.names import resolve_entity

    with KGStore.open(real_store_path) as st:
        assert count(st, f"GRAPH <{REFERENCE_GRAPH}> {{ ?e ct:key ?k }}") > 100
        assert resolve_entity(st, "Baidu") == resolve_entity(st, "baidu inc") == "baidu"
        card = entity_card(st, "baidu")
    assert card["source"] == "catalog" and card["types"] == ["Company", "Organization", "Entity"]
    ernie = [r for r in card["relations"]["develops"] if r["other"]["key"] == "ernie"]
    assert any(r["catalog"] for r in ernie)
    read = [r for r in ernie if not r["catalog"]]
    assert read and all(r["evidence"] and r["article"] for r in read)
    assert any("ERNIE" in s or "Ernie" in s for r in read for s in r["evidence"])
    assert card["surface_forms"] and card["merge_reasons"]


def test_entity_card_table_shows_a_sample_of_a_hub_and_json_everything(real_store_path: Path) -> None:
    """The terminal card caps each relation type and the observations (a hub has thousands) and says how
    many it left out; `--limit 0` and JSON show every one."""
    from typer.testing import CliRunner

    from kg.cli.entity import entity_card
    from kg.cli.main import app

    with KGStore.open(real_store_path) as st:
        card = entity_card(st, "china")
    sizes = {p: len(items) for p, items in card["relations"].items()}
    assert max(sizes.values()) > 2 and len(card["observations"]) > 2, (sizes, len(card["observations"]))
    run = CliRunner().invoke
    args = ["entity", "china", "--store", str(real_store_path)]

    capped = run(app, [*args, "--limit", "2"], env={"COLUMNS": "300"})
    assert capped.exit_code == 0, capped.output
    for p, n in sizes.items():
        if n > 2:
            assert f"… {n - 2} more (--limit 0 shows all)" in capped.stdout, p
    assert f"… {len(card['observations']) - 2} more (--limit 0 shows all)" in capped.stdout
    full = run(app, [*args, "--limit", "0"], env={"COLUMNS": "300"})
    assert full.exit_code == 0 and "more (--limit 0 shows all)" not in full.stdout
    assert json.loads(run(app, [*args, "--limit", "1", "--format", "json"]).stdout) == card


def test_cli_ingest_reports_bad_files_and_keeps_the_rest(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli.main import app
    from tests.conftest import need_shared

    good = need_shared("eval", "articles", "reuters-2b2623cab637.json")
    bad = tmp_path / "broken.json"
    bad.write_text("{not json")
    store = tmp_path / "kg"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(good), str(bad), "--store", str(store), "--format", "json"])
    assert result.exit_code == 1
    assert "broken.json" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["added"], summary["failed"]) == (1, 1, 1)
    again = runner.invoke(app, ["ingest", str(good), "--store", str(store), "--format", "json"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)["unchanged"] == 1
    removed = runner.invoke(app, ["remove", "reuters-2b2623cab637", "--store", str(store)])
    assert removed.exit_code == 0
    with KGStore.open(store) as st:
        assert st.article_ids() == []


def test_entity_names_resolve_or_explain(store: KGStore) -> None:
    from kg.names import UnknownEntityError, resolve_entity

    store.put_article(graph("a1", ["Alibaba", "Alibaba Group Holding Ltd."]))
    apollo = [thing("Product", "Apollo"), thing("Company", "Apollo")]
    store.put_article(ArticleGraph(id="a2", title="Apollo", content_hash="h", entities=apollo))
    alibaba = discovered_key("Company", "Alibaba")
    assert resolve_entity(store, alibaba) == alibaba  # key
    assert resolve_entity(store, "ALIBABA") == alibaba  # label, any case
    assert resolve_entity(store, "alibaba group holding ltd.") == alibaba  # surface form, any case
    assert resolve_entity(store, "The Alibaba Group") == alibaba  # normalised name
    with pytest.raises(UnknownEntityError, match="ambiguous.*found/company/apollo.*found/product/apollo"):
        resolve_entity(store, "apollo")
    with pytest.raises(UnknownEntityError, match=r"no entity named 'Alibabba'.*did you mean found/company/alibaba"):
        resolve_entity(store, "Alibabba")


def test_label_and_normalised_name_are_the_first_seen(store: KGStore) -> None:
    store.put_article(graph("a1", ["Alibaba"]))
    longer = company("Alibaba Beats Estimates", ["Alibaba Beats Estimates", "Alibaba"],
                     key=discovered_key("Company", "Alibaba"))
    store.put_article(ArticleGraph(id="a2", title="A", content_hash="h", entities=[longer]))
    node = entity_iri(discovered_key("Company", "Alibaba"))
    rows = run_select(store, f"""SELECT ?l ?n WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{
        <{node}> rdfs:label ?l ; ct:normalizedName ?n }} }}""")[1]
    assert rows == [("Alibaba", "alibaba")]

"""Property-based tests (hypothesis): whatever the bytes, names and texts,

- every reader yields articles or failures and never raises; a JSON record's text comes back as its
  Markdown-stripped self, with unpaired surrogate escapes made valid;
- extraction returns a graph whose every offset points at the text it quotes, whose relations join
  entities of the graph with a relation the ontology allows for their types;
- the store gives back any article id, title and entity label it was given, and the entity resolvers of
  `kg entity` and the named queries find an entity by any label;
- every registered export writer's output parses back (the contract checks of tests/test_export.py);
- query parameters are values: named queries in both languages and `kg cypher` parameters return rows or
  no rows for any string, never a syntax error, and never change the store.

Examples are kept to 25-80 per property so that the suite stays fast; bench/fuzz_loaders.py runs the
loader properties for as long as one likes.
"""
from __future__ import annotations

import io
import itertools
import json
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.cypher import run_cypher
from kg.errors import QueryError
from kg.export import FORMATS, writer
from kg.export.select import Selection, select
from kg.graph import Article, ArticleGraph, Entity, Evidence, Mention, Observation, Relation
from kg.ids import content_hash, discovered_key
from kg.names import find_entities
from kg.queries import resolve_entity, run_query
from kg.sparql import run_select
from kg.store import KGStore
from loaders.extract.pipeline import extract_article
from loaders.markdown import strip_markdown
from loaders.sources import READERS, LoadFailure, read_path
from ontology.schema import load_schema
from tests.test_export import _check_for

SOME = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Query syntax, markup, escapes and invisible characters, to be mixed with arbitrary text.
FRAGMENTS = [
    "') DETACH DELETE n //", "} ; DROP ALL ; #", '" } ; CLEAR ALL ; INSERT DATA { <a> <b> "c" } #', "$x", "${x}",
    "\\u0022", "\\U00000022", "\\", "\\\\", "'", '"', "`", "]]>", "</script>", "<b>", "&amp;", "[/red]", "{", "}",
    ">", "<", "\n", "\r\n", "\t", "\u202e", "\u200b", "\u200d", "\ufeff", "\u05e2\u05d1", "\u0627\u0644", "华为",
    "MATCH (n) RETURN n", "SELECT * WHERE { ?s ?p ?o }", "//", "/*", "#", ";", ":", "%", "%41", "\x00", "\x7f",
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), min_size=1, max_size=6).map("".join)
label = hostile.filter(lambda s: s.strip() != "")
# What a reader lets through as an article id: no control character (tests/test_hostile.py has the refusal).
article_id = label.map(lambda s: "".join(c for c in s if not unicodedata.category(c) == "Cc")).filter(
    lambda s: s.strip() != "")


# ------------------------------------------------------------------------------------------- loaders --


@pytest.mark.parametrize("suffix", sorted(READERS))
def test_any_bytes_give_articles_or_failures(suffix: str) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"

        @SOME
        @given(st.one_of(st.binary(max_size=400), hostile.map(lambda s: s.encode("utf-8", "surrogatepass"))))
        def check(data: bytes) -> None:
            path.write_bytes(data)
            for item in read_path(path):
                assert isinstance(item, Article | LoadFailure)
                if isinstance(item, LoadFailure):
                    assert item.path == str(path) and item.message and "\n" not in item.message
                else:
                    assert item.text.strip() and item.id

        check()


# Text as a scraper's JSON may hold it: unpaired surrogates written as `\\udXXX` escapes by json.dumps.
scraped = st.lists(st.one_of(st.sampled_from(["\ud800", "\udfff", "\ud83d"]), hostile, st.text(max_size=10)),
                   max_size=6).map("".join)


@SOME
@given(title=scraped, text=st.one_of(scraped, st.text()))
def test_a_json_record_reads_back_as_its_stripped_self(title: str, text: str) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.jsonl"
        path.write_text(json.dumps({"id": "r", "title": title, "text": text}) + "\n", encoding="utf-8")
        (item,) = read_path(path)
    decoded = json.loads(json.dumps(text))  # escapes of a surrogate pair decode to one character
    valid = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in decoded)
    if isinstance(item, LoadFailure):
        assert not strip_markdown(valid).strip(), item
    else:
        assert item.text == strip_markdown(valid) and item.id == "r"
        assert (item.title + item.text).encode("utf-8")


# ---------------------------------------------------------------------------------------- extraction --

WORDS = ["Huawei", "Baidu", "Alibaba", "SMIC", "Tencent", "DeepSeek", "ERNIE", "Qwen", "Ascend 910B", "Nvidia",
         "华为", "百度", "Beijing", "Shenzhen", "MIIT", "Made in China 2025", "Entity List", "develops", "uses",
         "invests in", "partners with", "acquired", "said", "its", "the", "chip", "model", "revenue", "rose",
         "20%", "$2.5 billion", "1.2 trillion yuan", "in 2025", "Inc.", "Co., Ltd.", ",", ".", ";", "(", ")",
         "\n\n", "Mr. Li", "Dr.", "CEO", "and", "which", "after", "to"]
prose = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(FRAGMENTS), st.text(max_size=6)),
                 min_size=1, max_size=60).map(" ".join).filter(lambda s: s.strip() != "")


@SOME
@given(title=st.one_of(st.just(""), prose), text=prose)
def test_extraction_offsets_point_at_what_they_quote(title: str, text: str) -> None:
    schema = load_schema()
    g = extract_article(Article(id="p", title=title, text=text))
    assert ArticleGraph.model_validate(g.model_dump()) == g
    assert g.content_hash == content_hash(title, text)
    types = {e.id: str(e.type) for e in g.entities}
    assert len(types) == len(g.entities)
    for e in g.entities:
        for m in e.mentions:
            source = title if m.field == "title" else text
            assert source[m.start:m.end] == m.text
    for fact in [*g.relations, *g.observations]:
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.sentence
    for r in g.relations:
        assert r.subject != r.object
        assert schema.allows(str(r.predicate), types[r.subject], types[r.object])
    for o in g.observations:
        assert o.subject in types


# ----------------------------------------------------------------------------------- store and lookups --


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KGStore]:
    """One writable store, without the catalog, that the store properties add articles to."""
    with KGStore.open(tmp_path_factory.mktemp("props") / "store", write=True, sync_catalog=False) as st:
        yield st


_counter = itertools.count()


def hostile_article(article_id: str, title: str, a: str, b: str, sentence: str) -> ArticleGraph:
    """One article: two companies labelled `a` and `b` (unique keys), a relation and an observation."""
    n = next(_counter)
    ka, kb = discovered_key("Company", f"a-{n}"), discovered_key("Company", f"b-{n}")
    ev = Evidence(sentence=sentence, start=0, end=len(sentence))
    return ArticleGraph(
        id=article_id, title=title, published=date(2025, 1, 2), content_hash=f"h{n}", source_url=None,
        entities=[Entity(id=ka, label=a, type="Company", source="discovered", aliases=[b + " Ltd"],
                         mentions=[Mention(text=a, start=0, end=len(a))]),
                  Entity(id=kb, label=b, type="Company", source="discovered")],
        relations=[Relation(subject=ka, predicate="competesWith", object=kb, confidence=0.5, evidence=ev,
                            extractor=sentence[:40] or "x")],
        observations=[Observation(subject=ka, measure=a, value=1.5, unit=b, period=sentence[:20] or None,
                                  evidence=ev, extractor="x")],
    )


@FEW
@given(article_id=label, title=hostile, a=label, b=label, sentence=hostile)
def test_the_store_gives_back_ids_titles_and_labels(store: KGStore, article_id: str, title: str, a: str, b: str,
                                                    sentence: str) -> None:
    g = hostile_article(article_id, title, a, b, sentence)
    store.put_article(g)
    assert article_id in store.article_ids()
    assert store.content_hash(article_id) == g.content_hash
    _, rows = run_select(store, "SELECT ?id ?t WHERE { ?a ct:articleId ?id ; ct:title ?t }", {"id": article_id})
    assert rows == [(article_id, title)]
    ka = g.entities[0].id
    keys, _ = find_entities(store, a)
    assert ka in keys
    try:
        assert resolve_entity(store, a) == ka
    except QueryError as e:  # b has the same label, case aside
        assert f"{a!r} names several entities" in str(e), e
    assert store.remove_article(article_id)
    assert article_id not in store.article_ids()


# ---------------------------------------------------------------------------------------------- export --


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_writer_parses_back_whatever_the_names(store: KGStore, name: str) -> None:
    write, check = writer(name), _check_for(name)

    @FEW
    @given(aid=article_id, title=hostile, a=label, b=label, sentence=hostile)
    @example(aid="ends in a dot.", title="t", a="A", b="B", sentence="s")  # `article:…\.` broke rdflib
    def round_trip(aid: str, title: str, a: str, b: str, sentence: str) -> None:
        aid = f"export-{next(_counter)}-{aid}"
        store.put_article(hostile_article(aid, title, a, b, sentence))
        try:
            sub = select(store, Selection(article=(aid,), with_evidence=True))
            out = io.BytesIO()
            write(sub, out)
            check(name, out.getvalue(), sub)
        finally:
            store.remove_article(aid)

    round_trip()


# ----------------------------------------------------------------------------------------- injection --


@pytest.fixture(scope="module")
def query_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KGStore]:
    """A read-only store with two hostile-named companies and a relation between them."""
    path = tmp_path_factory.mktemp("queries") / "store"
    with KGStore.open(path, write=True, sync_catalog=False) as st:
        st.put_article(hostile_article("q1", FRAGMENTS[0], FRAGMENTS[1], FRAGMENTS[2], " ".join(FRAGMENTS[:5])))
    with KGStore.open(path) as st:
        yield st


def _quads(st: KGStore) -> set[str]:
    return {str(q) for q in st.quads()}


@pytest.mark.parametrize("lang", ["cypher", "sparql"])
def test_named_query_parameters_are_values(query_store: KGStore, lang: str) -> None:
    before = (query_store.generation, _quads(query_store))

    @FEW
    @given(value=hostile)
    def check(value: str) -> None:
        _, rows = run_query(query_store, "top-mentioned", {"of_type": value, "limit": "5"}, lang=lang)
        assert rows == [] or value == ""
        try:
            run_query(query_store, "competitors", {"entity": value}, lang=lang)
        except QueryError as e:  # an unknown name is a one-line "no entity named ..." error
            assert str(e).startswith("no entity named") or "names several entities" in str(e), e

    check()
    _, rows = run_query(query_store, "evidence", {"a": FRAGMENTS[1], "b": FRAGMENTS[2]}, lang=lang)
    assert len(rows) == 1
    assert (query_store.generation, _quads(query_store)) == before


def test_cypher_parameters_are_values(query_store: KGStore) -> None:
    before = _quads(query_store)
    labels = {FRAGMENTS[1], FRAGMENTS[2]}

    @SOME
    @given(value=st.one_of(hostile, st.sampled_from(sorted(labels))))
    def check(value: str) -> None:
        _, rows = run_cypher(query_store, "MATCH (e:Company) WHERE e.label = $v OR e.key = $v RETURN e.label",
                             {"v": value})
        assert [r[0] for r in rows] == ([value] if value in labels else [])

    check()
    assert _quads(query_store) == before

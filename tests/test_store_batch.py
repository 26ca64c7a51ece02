"""Batched writes (`KGStore.put_articles`): the same store as one transaction per article, outcomes in
order, repeated and already stored articles handled in place, one generation per batch of new articles."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph import ArticleGraph
from kg.store import META_GRAPH, KGStore
from loaders.extract.pipeline import extract_article
from loaders.sources import iter_articles
from tests.conftest import need_shared
from tests.test_store import graph


@pytest.fixture(scope="module")
def eval_graphs() -> list[ArticleGraph]:
    return [extract_article(a) for a in iter_articles([need_shared("eval", "articles")])]


def content(st: KGStore) -> set[ox.Quad]:
    """Every quad but the meta graph's (which holds the generation)."""
    return {q for q in st.quads() if q.graph_name != ox.NamedNode(META_GRAPH)}


def test_batch_equals_one_transaction_per_article(tmp_path: Path, eval_graphs: list[ArticleGraph]) -> None:
    with KGStore.open(tmp_path / "one", write=True) as one, KGStore.open(tmp_path / "batch", write=True) as batch:
        assert [one.put_article(g) for g in eval_graphs] == ["added"] * len(eval_graphs)
        start = batch.generation
        assert batch.put_articles(eval_graphs) == ["added"] * len(eval_graphs)
        assert batch.generation == start + 1
        assert content(one) == content(batch)
        assert batch.put_articles(eval_graphs) == ["unchanged"] * len(eval_graphs)
        assert batch.generation == start + 1


def test_repeated_and_replaced_articles_in_one_batch(tmp_path: Path) -> None:
    sequence = [graph("a1", ["Alibaba"]), graph("a2", ["Alibaba Group"]), graph("a1", ["Alibaba"]),
                graph("a2", ["Alibaba Group"], version=2), graph("a3", ["阿里巴巴"])]
    with KGStore.open(tmp_path / "one", write=True, sync_catalog=False) as one, \
            KGStore.open(tmp_path / "batch", write=True, sync_catalog=False) as batch:
        expected = [one.put_article(g) for g in sequence]
        assert expected == ["added", "added", "unchanged", "replaced", "added"]
        assert batch.put_articles(sequence) == expected
        assert content(one) == content(batch)


def test_worker_processes_store_what_one_process_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--jobs 2` with several chunks in flight: the same store, failures reported against their article, in
    input order."""
    from kg.cli import ingest
    from loaders.extract import pipeline

    articles = list(iter_articles([need_shared("eval", "articles")]))
    bad = articles[4].id
    real = pipeline.extract_article

    def flaky(article):  # type: ignore[no-untyped-def]
        if article.id == bad:
            raise ValueError("unparseable")
        return real(article)

    monkeypatch.setattr(pipeline, "extract_article", flaky)  # forked workers inherit the patch
    monkeypatch.setattr(ingest, "_extract_all", lambda items, jobs, real_all=ingest._extract_all:
                        real_all(items, jobs, chunk=2))
    seen: dict[int, list[str]] = {}
    for jobs in (1, 2):
        order: list[str] = []
        with KGStore.open(tmp_path / f"jobs{jobs}", write=True) as st:
            summary = ingest.ingest_articles(st, articles, jobs=jobs, batch=3,
                                             on_stored=lambda a, _outcome, order=order: order.append(a.id))
            assert (summary.added, summary.failed) == (len(articles) - 1, 1)
            assert summary.failures == [f"{articles[4].path or bad}: extraction failed: ValueError: unparseable"]
            seen[jobs] = order
            if jobs == 1:
                single = content(st)
            else:
                assert content(st) == single
    assert seen[1] == seen[2] == [a.id for a in articles if a.id != bad]


def test_entities_met_again_are_skipped_only_while_their_quads_are_stored(
        tmp_path: Path, eval_graphs: list[ArticleGraph]) -> None:
    """Batches remember the entities they stored; a removal (which deletes the entities only its article
    mentioned) must make the next batch write them again: the same store as one transaction per article."""
    first, second = eval_graphs[:8], eval_graphs[8:]
    with KGStore.open(tmp_path / "one", write=True) as one, KGStore.open(tmp_path / "batch", write=True) as batch:
        for st, put in ((one, lambda gs: [one.put_article(g) for g in gs]), (batch, batch.put_articles)):
            put(first)
            st.remove_article(first[0].id)
            st.remove_article(first[1].id)
            put(second)
            put(first[:2])  # their entities come back, whatever the batch remembered before the removals
        assert content(one) == content(batch)

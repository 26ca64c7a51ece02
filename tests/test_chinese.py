"""Chinese articles: catalog entities by their Chinese names, sentences split on 。！？, cue relations."""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import pytest

from kg.graph import Article, ArticleGraph
from loaders.extract.pipeline import extract_article
from loaders.extract.sentences import split_sentences
from tests.conftest import need_shared


def _articles(limit: int) -> Iterator[Article]:
    path = need_shared("corpus", "news-zh-2025.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= limit:
                break
            d = json.loads(line)
            yield Article(id=d["id"], title=d.get("title") or "", text=d["text"])


@pytest.fixture(scope="module")
def graphs() -> list[tuple[Article, ArticleGraph]]:
    return [(a, extract_article(a)) for a in _articles(300)]


def test_most_articles_get_catalog_entities(graphs: list[tuple[Article, ArticleGraph]]) -> None:
    with_entities = sum(1 for _, g in graphs if any(e.source == "catalog" for e in g.entities))
    assert with_entities >= 0.8 * len(graphs)


def test_chinese_names_resolve_to_catalog_keys(graphs: list[tuple[Article, ArticleGraph]]) -> None:
    for article, g in graphs:
        for e in g.entities:
            for m in e.mentions:
                src = article.title if m.field == "title" else article.text
                assert src[m.start:m.end] == m.text
    named = {(m.text, e.id) for _, g in graphs for e in g.entities for m in e.mentions}
    assert ("百度", "baidu") in named or ("华为", "huawei") in named or ("阿里巴巴", "alibaba") in named


def test_sentences_end_at_chinese_terminals(graphs: list[tuple[Article, ArticleGraph]]) -> None:
    article = next(a for a, _ in graphs if a.text.count("。") >= 3)
    spans = split_sentences(article.text)
    assert len(spans) >= 3
    assert sum(1 for s, e in spans if article.text[e - 1] in "。！？；") >= 2


def test_cue_relations_are_found_in_chinese(graphs: list[tuple[Article, ArticleGraph]]) -> None:
    rels = [r for _, g in graphs for r in g.relations if r.extractor.startswith("cue-zh:")]
    assert len(rels) >= 10
    assert {str(r.predicate) for r in rels} >= {"develops", "uses"}


def test_chinese_cues_on_a_written_sentence() -> None:
    text = "百度发布了文心一言。华为与中国移动合作。比亚迪没有使用骁龙芯片。"
    g = extract_article(Article(id="zh", title="", text=text))
    found = {(r.subject, str(r.predicate), r.object) for r in g.relations}
    assert ("baidu", "develops", "ernie-bot") in found, found
    assert any(p == "partnersWith" and {s, o} == {"huawei", "china-mobile"} for s, p, o in found), found
    assert not any(p == "uses" and s == "byd" for s, p, _ in found), found

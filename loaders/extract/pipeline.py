"""The extraction pipeline: one `Article` in, one `ArticleGraph` out, every item with its provenance."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.graph import Article, ArticleGraph, Evidence, Observation, Relation
from kg.ids import content_hash
from loaders.extract.discover import discover, person_surnames
from loaders.extract.mentions import default_matcher
from loaders.extract.observations import extract_observations
from loaders.extract.relations import M, extract_relations
from loaders.extract.resolve import resolve
from loaders.extract.sentences import split_sentences
from loaders.extract.spans import Span, select_longest
from ontology.schema import load_schema


def find_spans(article: Article) -> list[Span]:
    """Catalog matches, then discovered names in the gaps, then surnames of discovered people."""
    matcher = default_matcher()
    spans: list[Span] = []
    for field, text in (("title", article.title), ("text", article.text)):
        if not text:
            continue
        found = select_longest(matcher.find(text, field))
        # Generic technology words may sit inside a longer name ("Zhaoli Robotics Co."): let discovery see them.
        found += discover(text, [s for s in found if s.type != "Technology"], field)
        persons = [s for s in found if s.type == "Person" and s.key is None and " " in s.text]
        found += person_surnames(text, persons, found, field)
        spans += select_longest(found)
    named = {s.key for s in spans if s.rule != "descriptor"}
    return [s for s in spans if s.rule != "descriptor" or s.key in named]


def extract_article(article: Article) -> ArticleGraph:
    """Run every stage on one article."""
    schema = load_schema()
    text = article.text
    sentences = split_sentences(text)
    resolved = resolve(find_spans(article))
    types = {e.id: str(e.type) for e in resolved.entities}
    ms = [M(s.start, s.end, key, s.type if s.key is None else types[key])
          for s, key in resolved.spans if s.field == "text"]
    ms.sort(key=lambda m: m.start)

    def evidence(span: tuple[int, int]) -> Evidence:
        return Evidence(sentence=text[span[0]:span[1]], start=span[0], end=span[1])

    best: dict[tuple[str, str, str], Relation] = {}
    for f in extract_relations(text, sentences, ms):
        s, o = f.subject, f.object
        if s == o or s not in types or o not in types:
            continue
        if not schema.allows(f.predicate, types[s], types[o]):
            continue
        rel = schema.relations[f.predicate]
        if rel.symmetric and s > o:
            s, o = o, s
        k = (s, f.predicate, o)
        if k not in best or f.confidence > best[k].confidence:
            best[k] = Relation(subject=s, predicate=f.predicate, object=o, confidence=f.confidence,
                               evidence=evidence(f.sentence), extractor=f.rule)
    observations: list[Observation] = []
    seen: set[tuple[str, float, str, int]] = set()
    for ob in extract_observations(text, sentences, ms):
        k = (ob.subject, ob.value, ob.unit, ob.sentence[0])
        if k in seen:
            continue
        seen.add(k)
        observations.append(Observation(subject=ob.subject, measure=ob.measure, value=ob.value, unit=ob.unit,
                                        period=ob.period, confidence=ob.confidence,
                                        evidence=evidence(ob.sentence), extractor=ob.rule))
    return ArticleGraph(
        id=article.id, title=article.title, published=article.published, source_url=article.source_url,
        source_name=article.source_name, lang=article.lang, content_hash=content_hash(article.title, text),
        entities=resolved.entities, relations=list(best.values()), observations=observations,
    )


def _init_worker() -> None:
    default_matcher()


def extract_articles(articles: Iterable[Article], jobs: int = 1) -> Iterator[ArticleGraph]:
    """Extract many articles, in order; `jobs` > 1 uses a process pool."""
    if jobs <= 1:
        for a in articles:
            yield extract_article(a)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    with ctx.Pool(jobs, initializer=_init_worker) as pool:
        yield from pool.imap(extract_article, articles, chunksize=16)

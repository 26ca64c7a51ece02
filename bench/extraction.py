"""Extraction speed: the `kg extract` pipeline against a spaCy PhraseMatcher pipeline and a bare
Aho-Corasick scan, on the same articles and the same catalog surface forms, in one process.

- kg: `loaders.extract.pipeline.extract_article` (sentences, catalog mentions, discovery, resolution,
  relations, observations), one process;
- spaCy: `spacy.blank("en")` + `sentencizer` + a `PhraseMatcher` (attr LOWER) over the catalog's surface
  forms (the keys of the project's Aho-Corasick automaton: aliases, plurals, descriptors), via `nlp.pipe`;
- Aho-Corasick: the same automaton's `iter()` over the lower-cased texts, matches counted, nothing else:
  the practical limit of any dictionary matcher in Python;
- first passes: the pipeline's sentence splitter, catalog matcher and capitalised-name scan alone, which
  every later rule reads: what the pipeline costs before it types, resolves or relates anything.

Engines run in interleaved rounds (kg, spaCy, scan, kg, …) so that a burst of load from other jobs hits
them alike; the figure of each is the median over rounds of articles per CPU second of this process
(wall time is shown beside it: on a shared machine it measures the neighbours as much as the code).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.common import Figure, load_articles, median, timed


def surface_forms() -> list[str]:
    """The catalog surface forms exactly as the project's matcher holds them (case-folded)."""
    from loaders.extract.mentions import default_matcher

    return sorted(str(k) for k in default_matcher().automaton.keys())


def kg_runner(articles: list[Any]) -> Callable[[], int]:
    from loaders.extract.pipeline import extract_article

    extract_article(articles[0])  # catalog, schema and matcher loaded outside the timing

    def run() -> int:
        return sum(len(extract_article(a).entities) for a in articles)

    return run


def spacy_runner(articles: list[Any], forms: list[str]) -> Callable[[], int]:
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("CATALOG", list(nlp.tokenizer.pipe(forms)))
    texts = [f"{a.title}\n\n{a.text}" for a in articles]

    def run() -> int:
        n = 0
        for doc in nlp.pipe(texts, batch_size=64):
            n += len(matcher(doc))
        return n

    return run


def scan_runner(articles: list[Any]) -> Callable[[], int]:
    from loaders.extract.mentions import default_matcher

    automaton = default_matcher().automaton
    texts = [f"{a.title}\n\n{a.text}" for a in articles]

    def run() -> int:
        n = 0
        for t in texts:
            for _ in automaton.iter(t.lower()):
                n += 1
        return n

    return run


def passes_runner(articles: list[Any]) -> Callable[[], int]:
    """The three passes over the text that every stage of the pipeline starts from (sentence bounds, catalog
    matches, capitalised names), run alone: the floor under any set of rules built on them in Python."""
    from loaders.extract.discover import _NAME
    from loaders.extract.mentions import default_matcher
    from loaders.extract.sentences import split_sentences

    matcher = default_matcher()
    fields = [t for a in articles for t in (a.title, a.text) if t]

    def run() -> int:
        n = 0
        for t in fields:
            n += len(split_sentences(t)) + len(matcher.find(t)) + sum(1 for _ in _NAME.finditer(t))
        return n

    return run


def bench_extraction(n_articles: int, rounds: int, log: Callable[[str], None]) -> list[Figure]:
    """Figures for the three extractors over the first `n_articles` of the corpus."""
    articles = load_articles(n_articles)
    n = len(articles)
    size = sum(len(a.text) + len(a.title) for a in articles) / n
    forms = surface_forms()
    log(f"extraction: {n} articles (mean {size:.0f} chars), {len(forms)} surface forms, {rounds} round(s)")
    runners = {"kg": kg_runner(articles), "spacy": spacy_runner(articles, forms), "scan": scan_runner(articles),
               "passes": passes_runner(articles)}
    cpu: dict[str, list[float]] = {k: [] for k in runners}
    wall: dict[str, list[float]] = {k: [] for k in runners}
    for r in range(rounds):
        for name, run in runners.items():
            c, w, _ = timed(run)
            cpu[name].append(n / c)
            wall[name].append(n / w)
            log(f"  round {r + 1} {name}: {n / c:,.0f} articles/CPU-s ({n / w:,.0f}/s wall)")
    rate = {k: median(v) for k, v in cpu.items()}
    wrate = {k: median(v) for k, v in wall.items()}
    vs_spacy = rate["kg"] / rate["spacy"]
    vs_scan = rate["kg"] / rate["scan"]

    def fig(name: str, label: str, ratio: str = "", goal: str = "", met: bool | None = None) -> Figure:
        return Figure("extraction", label, f"{rate[name]:,.0f} articles/s ({wrate[name]:,.0f} wall)", ratio, goal,
                      met, {"cpu_rate": rate[name], "wall_rate": wrate[name], "articles": n})

    return [
        fig("kg", "kg extract pipeline, 1 process", f"{vs_spacy:.2f}× spaCy, {vs_scan:.1%} of scan",
            "≥ 1,000/s; ≥ 5× spaCy; ≥ 10% of scan",
            rate["kg"] >= 1000 and vs_spacy >= 5 and vs_scan >= 0.10),
        fig("spacy", "spaCy blank en + sentencizer + PhraseMatcher", "baseline"),
        fig("scan", "bare pyahocorasick scan (lower-case + iter)", "practical limit"),
        fig("passes", "kg's first passes alone (sentences, catalog matches, capitalised names)",
            f"{1000 / rate['passes']:.0%} of the time per article the 1,000/s goal allows, before any rule runs"),
    ]

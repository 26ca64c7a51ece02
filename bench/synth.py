"""A synthetic scale test: the corpus multiplied with renamed entities, so that the graph really grows.

Copy k of an article (k ≥ 1; copy 0 is the original) gets the id `<id>-x<k>`, and every capitalised word
that is a name rather than a common word is replaced, consistently within the copy, by a made-up word of
the same shape ("Zhipu" -> "Tavoke"): discovered companies, people, products and models become new
entities, while catalog names (China, Huawei, Nvidia), cue words ("Inc", "Ministry", "Act") and
sentence-initial words stay, so extraction finds the same kinds of facts. A word counts as common when
its lower-case form occurs in lower case in the base texts, or it belongs to a catalog surface form or
to the word lists of discovery and of sentence splitting ("Feb.").

    python -m bench.synth --scale 10 --base 1600 --out /tmp/synth-10.jsonl.gz    # write a corpus
    python -m bench.run --only synth --synth-scales 1,2,5,10                       # ingest and query curve

The curve in bench/RESULTS.md comes from `bench_synth`: for each scale, `kg ingest --jobs N` of the
multiplied corpus into a fresh store, then the store size and the median latency of every named query.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.common import CORPUS, Figure, corpus_lines, median, write_subset

_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b")
_LOWER = re.compile(r"\b[a-z]{3,}\b")
_CONSONANTS = "bcdfghjklmnprstvz"
_VOWELS = "aeiou"


def protected_words(texts: list[str]) -> set[str]:
    """Words (lower-cased) that must not be renamed: common words, catalog words, discovery's cue words."""
    from loaders.extract import discover, sentences
    from loaders.extract.mentions import default_matcher

    words = {w for t in texts for w in _LOWER.findall(t)}
    for form in default_matcher().automaton.keys():
        words.update(re.findall(r"[a-z]+", str(form)))
    for value in [*vars(discover).values(), *vars(sentences).values()]:
        if isinstance(value, set | frozenset) and all(isinstance(v, str) for v in value):
            words.update(v.lower() for v in value)
    return words


def made_up(word: str, copy: int) -> str:
    """A pronounceable word of the same length and capitalisation, fixed by (word, copy)."""
    digest = hashlib.blake2b(f"{copy}:{word}".encode(), digest_size=16).digest()
    letters = [(_CONSONANTS if i % 2 == 0 else _VOWELS)[b % (len(_CONSONANTS) if i % 2 == 0 else len(_VOWELS))]
               for i, b in enumerate(digest[:max(3, len(word))])]
    return "".join(letters).capitalize()


def rename(text: str, copy: int, keep: set[str], names: dict[str, str]) -> str:
    """`text` with every capitalised name word replaced (through `names`, the copy's renaming table)."""
    def sub(m: re.Match[str]) -> str:
        w = m.group(0)
        if w.lower() in keep:
            return w
        if w not in names:
            names[w] = made_up(w, copy)
        return names[w]

    return _WORD.sub(sub, text)


def multiply(lines: list[str], scale: int, keep: set[str] | None = None) -> Iterator[str]:
    """The JSON lines of `scale` copies of the corpus `lines` (copy 0 unchanged)."""
    docs = [json.loads(line) for line in lines]
    keep = keep if keep is not None else protected_words([f"{d.get('title', '')} {d.get('text', '')}" for d in docs])
    yield from (line if line.endswith("\n") else line + "\n" for line in lines)
    for k in range(1, scale):
        names: dict[str, str] = {}
        for d in docs:
            c = dict(d)
            c["id"] = f"{d['id']}-x{k}"
            c["title"] = rename(d.get("title") or "", k, keep, names)
            c["text"] = rename(d.get("text") or "", k, keep, names)
            if c.get("source_url"):
                c["source_url"] = f"{d['source_url']}#x{k}"
            yield json.dumps(c, ensure_ascii=False) + "\n"


def bench_synth(scales: list[int], base: int | None, work: Path, jobs: int, log: Callable[[str], None],
                query_runs: int = 3) -> list[Figure]:
    """Ingest and query cost at each scale (the corpus, or its first `base` articles, times each scale)."""
    from bench.ingest import ingest_once
    from kg import queries as nq
    from kg.cypher import refresh
    from kg.store import KGStore

    lines = corpus_lines(limit=base)
    keep = protected_words([line for line in lines])
    figures: list[Figure] = []
    first: dict[str, float] = {}
    for scale in scales:
        corpus = write_subset(list(multiply(lines, scale, keep)), work / f"synth-{len(lines)}x{scale}.jsonl.gz")
        n = len(lines) * scale
        store = work / f"synth-store-{scale}"
        log(f"synth: {scale}× {len(lines)} = {n} articles")
        r = ingest_once(corpus, store, jobs)
        with KGStore.open(store) as st:
            quads = len(st)
            t = time.perf_counter()
            refresh(st, force=True)
            build = time.perf_counter() - t
            lat: dict[str, list[float]] = {"cypher": [], "sparql": []}
            for name in nq.query_names():
                for lang in lat:
                    times = []
                    for _ in range(query_runs):
                        t = time.perf_counter()
                        nq.run_query(st, name, lang=lang)
                        times.append(time.perf_counter() - t)
                    lat[lang].append(median(times) * 1000)
        shutil.rmtree(store)
        row = {"scale": scale, "articles": n, "quads": quads, "ingest_s": r["wall_s"], "rate": n / r["wall_s"],
               "store_mb": r["store_bytes"] / 2**20, "peak_mb": r["tree_peak_mb"], "projection_s": build,
               "cypher_median_ms": median(lat["cypher"]), "cypher_max_ms": max(lat["cypher"]),
               "sparql_median_ms": median(lat["sparql"]), "sparql_max_ms": max(lat["sparql"])}
        first = first or row
        log(f"  {row}")
        figures.append(Figure(
            "synth", f"{scale}× ({n:,} articles, {quads:,} quads)",
            f"ingest {r['wall_s']:.0f} s ({n / r['wall_s']:,.0f}/s), store {row['store_mb']:.0f} MB, "
            f"peak {row['peak_mb']:.0f} MB; projection {build:.1f} s; queries median/max: Cypher "
            f"{row['cypher_median_ms']:.0f}/{row['cypher_max_ms']:.0f} ms, SPARQL {row['sparql_median_ms']:.0f}/"
            f"{row['sparql_max_ms']:.0f} ms",
            f"ingest cost/article {(r['wall_s'] / n) / (first['ingest_s'] / first['articles']):.2f}×, SPARQL median "
            f"{row['sparql_median_ms'] / first['sparql_median_ms']:.1f}× of 1×", data=row))
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--base", type=int, help="use only the first BASE articles of the corpus")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, required=True, help="the .jsonl.gz to write")
    args = ap.parse_args()
    lines = corpus_lines(args.corpus, args.base)
    write_subset(list(multiply(lines, args.scale)), args.out)
    print(f"{len(lines) * args.scale} articles written to {args.out}")


if __name__ == "__main__":
    main()

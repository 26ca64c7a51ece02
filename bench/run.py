"""The benchmark suite's one entry point: a table of figures, ratios against baselines run in the same
process, and the goals of issue 7 marked met or not.

    python -m bench.run                      # everything (about half an hour on 2 busy cores)
    python -m bench.run --quick              # small sizes, one round: a smoke run of every section
    python -m bench.run --only extraction    # one section: extraction, ingest, queries, export, synth
    python -m bench.run --only queries --store /tmp/kg-bench/store-16k   # reuse a store

Sections:
  extraction  `kg extract` pipeline vs spaCy PhraseMatcher vs bare Aho-Corasick (bench/extraction.py)
  ingest      `kg ingest --jobs N` of 2k/4k/8k/16k articles, peak memory, store size (bench/ingest.py)
  queries     every named query, Cypher and SPARQL, beside rdflib (bench/queries.py)
  export      2-hop subgraph of the most connected entity, beside networkx (bench/export.py)
  synth       the corpus multiplied with renamed entities, ingest and query cost (bench/synth.py)

Figures are also written as JSON to WORK/results.json. Run by hand; never from the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import Figure, load_average, machine

SECTIONS = ("extraction", "ingest", "queries", "export", "synth")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def render(figures: list[Figure], title: str) -> None:
    """The results as a rich table on stdout."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, header_style="bold cyan", show_lines=False)
    for col in ("section", "what", "figure", "vs baseline", "goal", "met"):
        t.add_column(col, overflow="fold")
    for f in figures:
        met = "" if f.met is None else ("[green]met[/green]" if f.met else "[red]not met[/red]")
        t.add_row(f.section, f.what, f.value, f.ratio, f.goal, met)
    Console(width=int(os.environ.get("COLUMNS", "200"))).print(t)


def markdown(figures: list[Figure]) -> str:
    """The results as a Markdown table (what bench/RESULTS.md quotes)."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| section | what | figure | vs baseline | goal | met |", "|---|---|---|---|---|---|"]
    for f in figures:
        met = "" if f.met is None else ("**met**" if f.met else "**not met**")
        lines.append("| " + " | ".join(cell(c) for c in (f.section, f.what, f.value, f.ratio, f.goal, met)) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes and one round (a smoke run)")
    ap.add_argument("--only", action="append", choices=SECTIONS, help="run only this section (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="kg ingest --jobs (default: CPU count)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"), help="subsets and stores go here")
    ap.add_argument("--store", type=Path, help="an existing store for the queries and export sections")
    ap.add_argument("--rdflib-cap", type=float, default=None, help="seconds rdflib may take in all")
    ap.add_argument("--synth-scales", default=None, help="comma-separated multiples for the synth section "
                    "(default 1,2,5,10)")
    ap.add_argument("--synth-base", type=int, default=None, help="articles multiplied by the synth section "
                    "(default 1,600, a tenth of the corpus; 0 for all of it)")
    args = ap.parse_args(argv)

    sections = args.only or [s for s in SECTIONS if s != "synth"]
    quick = args.quick
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    _log(f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram']}, Python {info['python']}, "
         f"load {info['load']}")
    figures: list[Figure] = []
    started = time.time()
    big_store = args.store or work / ("store-quick" if quick else "store-16k")
    small_store = work / ("store-quick-small" if quick else "store-2k")

    if "extraction" in sections:
        from bench.extraction import bench_extraction

        figures += bench_extraction(300 if quick else 3000, 1 if quick else 3, _log)
    if "ingest" in sections:
        from bench.ingest import bench_ingest

        sizes = [250, 500, 1000] if quick else [2000, 4000, 8000, 16000]
        figures += bench_ingest(sizes, work, args.jobs, _log, keep=big_store, keep_small=small_store)
    if "queries" in sections:
        from bench.queries import bench_queries

        cap = args.rdflib_cap if args.rdflib_cap is not None else (120 if quick else 300)
        figures += bench_queries(big_store, 3 if quick else 7, _log, rdflib_cap=cap,
                                 rdflib_fallback=small_store if small_store.exists() else None)
    if "export" in sections:
        from bench.export import bench_export

        figures += bench_export(big_store, 3 if quick else 5, _log)
    if "synth" in sections:
        from bench.synth import bench_synth

        scales = [int(s) for s in args.synth_scales.split(",")] if args.synth_scales else (
            [1, 2] if quick else [1, 2, 5, 10])
        base = args.synth_base if args.synth_base is not None else (200 if quick else 1600)
        figures += bench_synth(scales, base or None, work, args.jobs, _log)

    title = (f"chinatech-kg benchmarks — {time.strftime('%Y-%m-%d %H:%M')}, {info['nproc']} CPUs, {info['ram']}, "
             f"Python {info['python']}, load {info['load']} → {load_average()}"
             + (" (quick)" if quick else ""))
    render(figures, title)
    out = work / "results.json"
    out.write_text(json.dumps({"machine": info, "quick": quick, "jobs": args.jobs, "sections": sections,
                               "started": started, "elapsed_s": time.time() - started,
                               "figures": [asdict(f) for f in figures]}, indent=1, default=str))
    (work / "results.md").write_text(f"{title}\n\n{markdown(figures)}")
    _log(f"figures written to {out} and {work / 'results.md'}")


if __name__ == "__main__":
    main()

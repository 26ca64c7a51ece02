"""Named queries on a large store: median latency of every query in `queries/` through the library call
behind `kg query run` (`kg.queries.run_query`: parameters at their defaults, entity names resolved), in
Cypher (LadybugDB projection, built once beforehand and timed apart; `run_query` keeps the database open
between the calls of a process, so a first call, which opens and closes it as each `kg query run` process
does, is shown too) and SPARQL (Oxigraph on disk); beside
them rdflib's own SPARQL evaluator over an in-memory Dataset loaded from an N-Quads dump of the same store
(run by bench/sparql_engines.py in a child process whose total time is capped)."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import ROOT, Figure, median


def latency(fn: Callable[[], Any], runs: int) -> tuple[float, int]:
    """Median milliseconds over `runs` calls (after one warm-up call) and the row count."""
    rows = len(fn()[1])
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return median(times) * 1000, rows


def rdflib_latencies(store: Path, runs: int, per_query: int, cap: float,
                     log: Callable[[str], None]) -> tuple[dict[str, Any] | None, str]:
    """rdflib's figures for the named queries on `store`, or None and the reason (over the cap)."""
    import pyoxigraph as ox

    from bench.sparql_engines import query_texts
    from kg.store import KGStore

    with tempfile.TemporaryDirectory(prefix="kg-bench-rdflib-") as tmp:
        work = Path(tmp)
        with KGStore.open(store) as st:
            n = len(st)
            ox.serialize(st.oxigraph, str(work / "dump.nq"), format=ox.RdfFormat.N_QUADS)
        texts = {k: v for k, v in query_texts(store, "baidu").items() if k.startswith("q-")}
        (work / "queries.json").write_text(json.dumps(texts))
        report: dict[str, Any] = {"quads": n}
        for engine in ("oxigraph", "rdflib"):
            log(f"  {engine} (sparql_engines child): {n:,} quads (cap {cap:.0f} s)")
            cmd = [sys.executable, str(ROOT / "bench" / "sparql_engines.py"), "--child", engine, "--store",
                   str(store), "--work", str(work), "--runs", str(runs), "--timeout", str(per_query)]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=cap)
            except subprocess.TimeoutExpired:
                return None, f"rdflib did not finish within the {cap:.0f} s cap on {n:,} quads"
            if proc.returncode:
                return None, f"{engine} failed: {proc.stderr.strip()[-300:]}"
            report[engine] = json.loads(proc.stdout)
        return report, ""


# The least a ranking by mentions asks of the store: count every article-mentions-entity quad, keep the top 20.
_MENTION_COUNT = "SELECT ?e (COUNT(*) AS ?n) WHERE { ?a ct:mentions ?e } GROUP BY ?e ORDER BY DESC(?n) LIMIT 20"


def bench_queries(store_path: Path, runs: int, log: Callable[[str], None], *, rdflib_fallback: Path | None = None,
                  rdflib_cap: float = 300, rdflib_per_query: int = 20) -> list[Figure]:
    """Figures for every named query on `store_path`; rdflib runs on the same store within `rdflib_cap`
    seconds in all, else on `rdflib_fallback` (a smaller store), and the table says which."""
    from kg import queries as nq
    from kg.cypher import CypherDB, refresh
    from kg.sparql import run_select
    from kg.store import KGStore

    figures: list[Figure] = []
    with KGStore.open(store_path) as st:
        n_articles = len(st.article_hashes())
        t = time.perf_counter()
        _, stats = refresh(st, force=True)
        build = time.perf_counter() - t
        figures.append(Figure("queries", f"Cypher projection build ({n_articles:,} articles)", f"{build:.1f} s",
                              f"{stats.nodes:,} nodes, {stats.edges:,} edges" if stats else "",
                              data={"build_s": build}))
        log(f"queries: projection of {n_articles} articles built in {build:.1f} s")
        rows: dict[str, dict[str, Any]] = {}
        path, _ = refresh(st)

        def cold(body: str, params: dict[str, Any]) -> Any:
            with CypherDB(path) as db:
                return db.run(body, params)
        for name in nq.query_names():
            rows[name] = {}
            q = nq.load_query(name, "cypher")
            body, params = q.body("ladybug"), nq.cypher_params(q, nq.bind_params(q, {}, st))
            runners = {"cypher": lambda n=name: nq.run_query(st, n, lang="cypher"),
                       "sparql": lambda n=name: nq.run_query(st, n, lang="sparql"),
                       "cypher-cold": lambda b=body, p=params: cold(b, p)}
            for lang, fn in runners.items():
                try:
                    rows[name][lang] = latency(fn, runs)
                except Exception as e:  # noqa: BLE001 - a query that fails is a result too
                    rows[name][lang] = (float("nan"), f"{type(e).__name__}: {e}"[:80])
            log(f"  {name}: cypher {rows[name]['cypher'][0]:.1f} ms (first call {rows[name]['cypher-cold'][0]:.1f}"
                f" ms), sparql {rows[name]['sparql'][0]:.1f} ms")
        floor_ms, _ = latency(lambda: run_select(st, _MENTION_COUNT), runs)
        figures.append(Figure("queries", "SPARQL floor of top-mentioned: Oxigraph's grouped count of the mentions",
                              f"{floor_ms:.1f} ms", "any SPARQL ranking by mentions counts them all first",
                              data={"ms": floor_ms, "query": _MENTION_COUNT}))
        log(f"  grouped mention count alone: {floor_ms:.1f} ms")
    rdf, why = rdflib_latencies(store_path, 1, rdflib_per_query, rdflib_cap, log)
    rdf_note = ""
    if rdf is None:
        log(f"  {why}")
        if rdflib_fallback is not None:
            rdf, why2 = rdflib_latencies(rdflib_fallback, 1, rdflib_per_query, rdflib_cap, log)
            rdf_note = f" on the smaller {rdf['quads']:,}-quad store; {why}" if rdf else ""
            why = why if rdf else f"{why}; {why2}"
    for name, r in rows.items():
        c_ms, c_rows = r["cypher"]
        s_ms, s_rows = r["sparql"]
        q = (rdf or {}).get("rdflib", {}).get("queries", {}).get("q-" + name, {})
        ox_q = (rdf or {}).get("oxigraph", {}).get("queries", {}).get("q-" + name, {})
        if rdf is None:
            base = why
        elif q.get("median_ms") is not None and ox_q.get("median_ms"):
            base = (f"rdflib {q['median_ms']:.0f} ms = {q['median_ms'] / ox_q['median_ms']:.0f}× Oxigraph's "
                    f"{ox_q['median_ms']:.1f} ms on the same text{rdf_note}")
        else:
            base = f"rdflib > {q.get('timeout', '?')} s{rdf_note}" if q.get("timeout") else "rdflib error"
        o_ms = r["cypher-cold"][0]
        worst = max(c_ms, s_ms)
        figures.append(Figure("queries", f"query {name} (rows c/s: {c_rows}/{s_rows})",
                              f"Cypher {c_ms:.1f} ms ({o_ms:.1f} opening the database), SPARQL {s_ms:.1f} ms", base,
                              "≤ 100 ms each", worst <= 100,
                              {"cypher_ms": c_ms, "cypher_cold_ms": o_ms, "sparql_ms": s_ms, "rdflib": q}))
    if rdf is not None:
        r = rdf["rdflib"]
        figures.append(Figure("queries", "rdflib load of the N-Quads dump", f"{r['load_s']:.1f} s",
                              f"{rdf['quads']:,} quads, peak {r['rss_mb']:.0f} MB{rdf_note}", data=rdf))
    return figures

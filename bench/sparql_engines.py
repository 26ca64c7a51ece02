"""Compare SPARQL engines on our data: load time, peak memory and median query latency.

Engines (see kg/sparql.py):
  oxigraph      pyoxigraph on the on-disk store (what `kg sparql` and the named queries use)
  oxrdflib      the same store and evaluator through rdflib's Dataset API (oxrdflib plugin)
  oxigraph-mem  pyoxigraph in memory, loaded from an N-Quads dump of the store
  rdflib        rdflib's own evaluator over an in-memory Dataset loaded from the same dump

Each engine runs in a child process of its own, so that its load time and peak RSS are its alone.
Queries: a handful of representative shapes plus every named query of `queries/` (default parameters).

    python bench/sparql_engines.py                       # builds a store from the shared eval articles
    python bench/sparql_engines.py --store kg-data --engines oxigraph,oxrdflib --runs 5 --timeout 120

Run by hand; the figures go into bench/RESULTS.md. Each query runs once untimed to warm the caches, then
`--runs` times (median shown). A query that runs longer than --timeout is cut
and shown as `>T`; rows are counted per engine (rdflib's union graph is a set, Oxigraph's keeps one
match per named graph, so counts may differ where a query has no DISTINCT).
"""
from __future__ import annotations

import argparse
import json
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENGINE_NAMES = ("oxigraph", "oxrdflib", "oxigraph-mem", "rdflib")
RELATED = "ct:develops|ct:uses|ct:partnersWith|ct:subsidiaryOf|ct:investsIn|ct:suppliesTo|ct:trainedOn"

SHAPES: dict[str, str] = {
    # (a) one entity and its neighbours, with evidence
    "a-neighbours": """SELECT ?p ?o ?text WHERE {
        { ?r rdf:subject id:{key} ; rdf:object ?o } UNION { ?r rdf:object id:{key} ; rdf:subject ?o }
        ?r a ct:RelationAssertion ; rdf:predicate ?p . OPTIONAL { ?r ct:evidence/ct:text ?text } }""",
    # (b) 2-hop typed pattern firm -> model -> chip
    "b-firm-model-chip": """SELECT DISTINCT ?f ?m ?c WHERE {
        ?f a ct:Company ; ct:develops ?m . ?m a ct:AIModel ; ct:trainedOn|ct:uses ?c . ?c a ct:Chip }""",
    # (c) relations per firm, top 10
    "c-top-firms": """SELECT ?f (COUNT(?r) AS ?n) WHERE {
        ?r a ct:RelationAssertion ; rdf:subject ?f . ?f a ct:Company } GROUP BY ?f ORDER BY DESC(?n) ?f LIMIT 10""",
    # (d) variable-length path 1..3 from one entity
    "d-path-1-3": f"""SELECT DISTINCT ?x WHERE {{
        {{ id:{{key}} ({RELATED}) ?x }} UNION {{ id:{{key}} ({RELATED})/({RELATED}) ?x }}
        UNION {{ id:{{key}} ({RELATED})/({RELATED})/({RELATED}) ?x }} }}""",
    # (e) instances by class (kg stats)
    "e-classes": "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
}


def build_eval_store(path: Path) -> None:
    """The store of the 15 eval articles and the seed article, through `kg ingest`'s own function."""
    from kg.cli.ingest import ingest_articles
    from kg.store import KGStore
    from loaders.sources import iter_articles

    shared = ROOT.parent / "shared"
    with KGStore.open(path, write=True) as st:
        s = ingest_articles(st, iter_articles([shared / "eval" / "articles",
                                                shared / "seed" / "baidu-alibaba-rally-2025.txt"]))
    print(f"built {path}: {s.added} articles", file=sys.stderr)


def query_texts(store_path: Path, key: str) -> dict[str, str]:
    """The benchmark's queries as final SPARQL texts (named queries with their default parameters)."""
    from kg import queries as nq
    from kg.sparql import PREFIXES
    from kg.store import KGStore

    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    texts = {name: prologue + q.replace("{key}", key) for name, q in SHAPES.items()}
    with KGStore.open(store_path) as st:
        for name in nq.query_names():
            q = nq.load_query(name, "sparql")
            values = nq.coerce_params(q, {})
            values = {k: nq.resolve_entity(st, v) if q.param(k).type == "entity" and v is not None else v
                      for k, v in values.items()}
            texts["q-" + name] = prologue + nq.sparql_text(q, values)
    return texts


class QueryTimeoutError(Exception):
    """A query ran longer than --timeout."""


def _alarm(signum: int, frame: Any) -> None:
    raise QueryTimeoutError


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it does not carry over the parent's
    peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(engine: str, store_path: Path, dump: Path, texts: dict[str, str], runs: int, timeout: int) -> dict[str, Any]:
    """Load one engine, run every query `runs` times; load time, peak RSS and per-query figures."""
    import pyoxigraph as ox

    from kg.sparql import OxigraphEngine, OxrdflibEngine, QueryResult, _rdflib_rows
    from kg.store import KGStore

    started = time.perf_counter()
    if engine in ("oxigraph", "oxrdflib"):
        st = KGStore.open(store_path)
        runner: Any = OxigraphEngine(st) if engine == "oxigraph" else OxrdflibEngine(st)
    elif engine == "oxigraph-mem":
        mem = ox.Store()
        mem.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        runner = OxigraphEngine(mem)
    else:
        from rdflib import Dataset

        ds = Dataset(default_union=True)
        ds.parse(str(dump), format="nquads")

        class Rdflib:
            def query(self, q: str, bindings: Any = None) -> QueryResult:
                return _rdflib_rows(ds.query(q))

        runner = Rdflib()
    load = time.perf_counter() - started
    signal.signal(signal.SIGALRM, _alarm)
    results: dict[str, Any] = {}
    for name, text in texts.items():
        times: list[float] = []
        rows: int | None = None
        try:
            for i in range(runs + 1):  # the first run only warms the caches (RocksDB's blocks, the OS's pages)
                signal.alarm(timeout)
                t = time.perf_counter()
                result = runner.query(text)
                if i:
                    times.append(time.perf_counter() - t)
                signal.alarm(0)
                rows = len(result.rows)
            results[name] = {"median_ms": statistics.median(times) * 1000, "rows": rows}
        except QueryTimeoutError:
            results[name] = {"median_ms": None, "rows": None, "timeout": timeout}
        except Exception as e:  # noqa: BLE001 - an engine that cannot run a query is a result too
            signal.alarm(0)
            results[name] = {"median_ms": None, "rows": None, "error": f"{type(e).__name__}: {e}"[:200]}
    return {"engine": engine, "load_s": load, "rss_mb": peak_rss_mb(), "queries": results}


def _cell(r: dict[str, Any]) -> str:
    if r.get("timeout"):
        return f">{r['timeout']} s"
    if r.get("error"):
        return "error"
    ms = r["median_ms"]
    return (f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.1f} s") + f" ({r['rows']})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, help="an existing store (default: build one from the eval articles)")
    ap.add_argument("--engines", default=",".join(ENGINE_NAMES))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=60, help="seconds per query run")
    ap.add_argument("--key", default="baidu", help="the entity of queries (a) and (d)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        texts = json.loads((args.work / "queries.json").read_text())
        out = child(args.child, args.store, args.work / "dump.nq", texts, args.runs, args.timeout)
        print(json.dumps(out))
        return

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = args.store
        if store is None:
            store = work / "store"
            build_eval_store(store)
        import pyoxigraph as ox

        from kg.store import KGStore

        with KGStore.open(store) as st:
            n_quads = len(st)
            ox.serialize(st.oxigraph, str(work / "dump.nq"), format=ox.RdfFormat.N_QUADS)
        texts = query_texts(store, args.key)
        (work / "queries.json").write_text(json.dumps(texts))
        reports = []
        for engine in args.engines.split(","):
            print(f"running {engine}…", file=sys.stderr)
            proc = subprocess.run([sys.executable, __file__, "--child", engine, "--store", str(store), "--work",
                                   str(work), "--runs", str(args.runs), "--timeout", str(args.timeout)],
                                  capture_output=True, text=True)
            if proc.returncode:
                print(f"{engine} failed: {proc.stderr.strip()[-500:]}", file=sys.stderr)
                continue
            reports.append(json.loads(proc.stdout))
    print(f"\n{n_quads} quads; median of {args.runs} runs; (rows)\n")
    print("| query | " + " | ".join(r["engine"] for r in reports) + " |")
    print("|---|" + "---|" * len(reports))
    print("| load | " + " | ".join(f"{r['load_s']:.2f} s" for r in reports) + " |")
    print("| peak RSS | " + " | ".join(f"{r['rss_mb']:.0f} MB" for r in reports) + " |")
    for name in texts:
        print(f"| {name} | " + " | ".join(_cell(r["queries"][name]) for r in reports) + " |")
    for r in reports:
        for name, q in r["queries"].items():
            if q.get("error"):
                print(f"{r['engine']} {name}: {q['error']}", file=sys.stderr)


if __name__ == "__main__":
    main()

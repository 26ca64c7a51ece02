"""Export of a 2-hop subgraph around the most connected entity, as `kg export --around KEY --depth 2` does
(read the seeds' neighbourhood, select, write GraphML): with observations (the default) and with entities and
relations only (`--types Entity`), each read from the current Cypher database (what the command does when
there is one) and from the store's indexes (when there is none). Baselines in the same run: selecting on a
projection of the whole store, and networkx's `ego_graph` over that projection."""
from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Figure, median, timed


def _timed(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall seconds of `runs` calls, and the last call's result."""
    calls = [timed(work) for _ in range(runs)]
    return median([wall for _, wall, _ in calls]), calls[-1][2]


def bench_export(store_path: Path, runs: int, log: Callable[[str], None], fmt: str = "graphml") -> list[Figure]:
    import networkx as nx

    from kg.cypher import refresh
    from kg.export.registry import write
    from kg.export.select import Selection, select
    from kg.projection import MENTIONS, OBSERVATION_OF, project
    from kg.store import KGStore

    def export(st: KGStore, sel: Selection, **kw: Any) -> dict[str, int]:
        sub = select(st, sel, **kw)
        buf = io.BytesIO()
        write(sub, buf, fmt)
        return {**sub.counts(), "bytes": len(buf.getvalue())}

    with KGStore.open(store_path) as st:
        project_s, pg = _timed(1, lambda: project(st))
        degree: Counter[str] = Counter()
        for e in pg.edges:
            if e.type not in (MENTIONS, OBSERVATION_OF):
                degree[e.src] += 1
                degree[e.dst] += 1
        key, deg = degree.most_common(1)[0]
        refresh_s, _ = _timed(1, lambda: refresh(st))
        log(f"export: most connected entity {key} ({deg} relation edges); projection {project_s:.1f} s, "
            f"Cypher database made current in {refresh_s:.1f} s")
        sel = Selection(around=(key,), depth=2)
        bare = Selection(around=(key,), depth=2, types=("Entity",))
        full_s, sizes = _timed(runs, lambda: export(st, sel))
        bare_s, bare_sizes = _timed(runs, lambda: export(st, bare))
        store_s, _ = _timed(runs, lambda: export(st, sel, cypher=False))
        bare_store_s, _ = _timed(runs, lambda: export(st, bare, cypher=False))
        old_s, _ = _timed(runs, lambda: export(st, sel, graph=pg))
        build_s, g = _timed(runs, lambda: nx.MultiGraph(
            (e.src, e.dst) for e in pg.edges if e.type not in (MENTIONS, OBSERVATION_OF)))
        ego_s, ego = _timed(runs, lambda: nx.ego_graph(g, key, radius=2))

    def size(s: dict[str, int]) -> str:
        return f"{s['nodes']:,} nodes, {s['edges']:,} edges, {s['bytes'] / 1024:,.0f} KB"

    old_total = project_s + old_s
    return [
        Figure("export", f"2-hop export around {key} ({fmt}, Cypher database)", f"{full_s * 1000:,.0f} ms",
               f"{size(sizes)}; {store_s / full_s:.1f}× reading the store, {old_total / full_s:.1f}× projecting "
               f"the whole store first", "≤ 1 s", full_s <= 1.0,
               {"median_s": full_s, "store_s": store_s, "old_s": old_total, **sizes}),
        Figure("export", "  entities and relations only (--types Entity)", f"{bare_s * 1000:,.0f} ms",
               f"{size(bare_sizes)}; {bare_store_s / bare_s:.1f}× reading the store", "≤ 1 s", bare_s <= 1.0,
               {"median_s": bare_s, "store_s": bare_store_s, **bare_sizes}),
        Figure("export", "  the same two read from the store (no current Cypher database)",
               f"{store_s * 1000:,.0f} ms; {bare_store_s * 1000:,.0f} ms",
               data={"store_s": store_s, "bare_store_s": bare_store_s}),
        Figure("export", "  baseline: whole-store projection, then selection and writing",
               f"{old_total * 1000:,.0f} ms", f"projection {project_s * 1000:,.0f} ms + {old_s * 1000:,.0f} ms",
               data={"project_s": project_s, "select_write_s": old_s}),
        Figure("export", "  networkx ego_graph(radius=2) on that projection", f"{ego_s * 1000:.0f} ms",
               f"+ {build_s * 1000:.0f} ms to build the graph; {ego.number_of_nodes():,} nodes",
               data={"build_s": build_s, "ego_s": ego_s}),
    ]

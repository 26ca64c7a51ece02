"""Export of a 2-hop subgraph around the most connected entity (what `kg export --around KEY --depth 2`
does: project, select, write), beside the same 2-hop neighbourhood taken with networkx's `ego_graph`
over the same projection."""
from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench.common import Figure, median


def bench_export(store_path: Path, runs: int, log: Callable[[str], None], fmt: str = "graphml") -> list[Figure]:
    import networkx as nx

    from kg.export.registry import write
    from kg.export.select import Selection, select
    from kg.projection import MENTIONS, OBSERVATION_OF, project
    from kg.store import KGStore

    with KGStore.open(store_path) as st:
        t = time.perf_counter()
        pg = project(st)
        project_s = time.perf_counter() - t
        degree: Counter[str] = Counter()
        for e in pg.edges:
            if e.type not in (MENTIONS, OBSERVATION_OF):
                degree[e.src] += 1
                degree[e.dst] += 1
        key, deg = degree.most_common(1)[0]
        log(f"export: most connected entity {key} ({deg} relation edges); projection {project_s:.1f} s")
        sel = Selection(around=(key,), depth=2)
        full, sel_only, sizes = [], [], {}
        for _ in range(runs):
            t = time.perf_counter()
            sub = select(st, sel)
            buf = io.BytesIO()
            write(sub, buf, fmt)
            full.append(time.perf_counter() - t)
            t = time.perf_counter()
            select(st, sel, graph=pg)
            sel_only.append(time.perf_counter() - t)
            sizes = {**sub.counts(), "bytes": len(buf.getvalue())}
        G = nx.MultiGraph()  # noqa: N806
        nx_build, nx_ego = [], []
        for _ in range(runs):
            t = time.perf_counter()
            G = nx.MultiGraph()  # noqa: N806
            G.add_edges_from((e.src, e.dst) for e in pg.edges if e.type not in (MENTIONS, OBSERVATION_OF))
            nx_build.append(time.perf_counter() - t)
            t = time.perf_counter()
            ego = nx.ego_graph(G, key, radius=2)
            nx_ego.append(time.perf_counter() - t)
    total = median(full)
    return [
        Figure("export", f"2-hop export around {key} ({fmt}, from the store)", f"{total * 1000:.0f} ms",
               f"{sizes.get('nodes', 0)} nodes, {sizes.get('edges', 0)} edges, {sizes.get('bytes', 0) / 1024:.0f} KB; "
               f"projection alone {project_s * 1000:.0f} ms", "≤ 1 s", total <= 1.0,
               {"median_s": total, "project_s": project_s, **sizes}),
        Figure("export", "  selection on a projection already built", f"{median(sel_only) * 1000:.0f} ms",
               f"networkx: graph {median(nx_build) * 1000:.0f} ms + ego_graph {median(nx_ego) * 1000:.1f} ms "
               f"({ego.number_of_nodes()} nodes)", data={"select_s": median(sel_only)}),
    ]

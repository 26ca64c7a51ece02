"""Full ingest (`kg ingest --jobs N`, a child process) of growing prefixes of the corpus: wall time,
articles per second, whether the cost is linear, peak memory of the process tree, store size on disk
against the gzip size of the same articles."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from bench.common import CORPUS, KG, Figure, corpus_lines, dir_bytes, json_tail, kg_env, run_measured, write_subset


def ingest_once(corpus: Path, store: Path, jobs: int, extra: list[str] | None = None) -> dict[str, float]:
    """One `kg ingest` into a fresh store: wall s, articles, summary, peak tree RSS MB, store bytes."""
    if store.exists():
        shutil.rmtree(store)
    cmd = [*KG, "ingest", str(corpus), "--store", str(store), "--jobs", str(jobs), "--format", "json",
           *(extra or [])]
    r = run_measured(cmd, env=kg_env())
    if r.returncode not in (0, 1):  # 1: some articles failed, which the summary counts
        raise RuntimeError(f"kg ingest failed ({r.returncode}): {r.stderr.strip()[-800:]}")
    summary = json_tail(r.stdout) or {}
    return {"wall_s": r.wall_s, "cpu_s": r.cpu_s, "read": summary.get("read", 0), "added": summary.get("added", 0),
            "failed": summary.get("failed", 0), "tree_peak_mb": r.tree_peak_mb, "max_process_mb": r.max_process_mb,
            "store_bytes": dir_bytes(store)}


def store_anatomy(store: Path) -> dict[str, float]:
    """Quads in a store, its bytes per quad, and how small its database files get under zlib (level 1): Oxigraph
    writes its RocksDB tables uncompressed, each quad in six indexes, so this is what compression alone
    would give."""
    import zlib

    from kg.store import DB_DIR, KGStore

    with KGStore.open(store) as st:
        quads = len(st)
    raw = packed = 0
    for f in (store / DB_DIR).glob("*.sst"):
        data = f.read_bytes()
        raw += len(data)
        packed += len(zlib.compress(data, 1))
    return {"quads": quads, "sst_bytes": raw, "sst_zlib_bytes": packed}


def _keep(store: Path, where: Path | None) -> None:
    if where is None:
        shutil.rmtree(store)
        return
    if where.exists():
        shutil.rmtree(where)
    shutil.move(str(store), where)


def bench_ingest(sizes: list[int], work: Path, jobs: int, log: Callable[[str], None],
                 keep: Path | None = None, keep_small: Path | None = None) -> list[Figure]:
    """Ingest the first n articles for each n in `sizes`; the largest store is kept at `keep`, the
    smallest at `keep_small` (for engines too slow for the largest)."""
    lines = corpus_lines(limit=max(sizes))
    figures: list[Figure] = []
    runs: list[tuple[int, dict[str, float], int]] = []
    for n in sizes:
        subset = write_subset(lines[:n], work / f"corpus-{n}.jsonl.gz")
        gz = CORPUS.stat().st_size if n >= len(lines) and n >= 15000 else subset.stat().st_size
        store = work / f"store-{n}"
        log(f"ingest: {n} articles, --jobs {jobs} (load {os.getloadavg()[0]:.1f})")
        r = ingest_once(subset, store, jobs)
        if n == max(sizes):
            r.update(store_anatomy(store))
        log(f"  {r['wall_s']:.1f} s ({r['cpu_s']:.1f} CPU s), {r['read'] / r['wall_s']:.0f} articles/s, "
            f"peak {r['tree_peak_mb']:.0f} MB, store {r['store_bytes'] / 2**20:.1f} MB")
        runs.append((n, r, gz))
        _keep(store, keep if n == max(sizes) else keep_small if n == min(sizes) else None)
    base_n, base, _ = runs[0]
    per_article0 = base["wall_s"] / base_n
    for n, r, _gz in runs:
        per = r["wall_s"] / n
        figures.append(Figure(
            "ingest", f"kg ingest --jobs {jobs}: {n:,} articles",
            f"{r['wall_s']:.1f} s ({n / r['wall_s']:,.0f}/s); {r['cpu_s']:.0f} CPU s ({n / r['cpu_s']:,.0f}/CPU-s)",
            f"{per / per_article0:.2f}× wall, {(r['cpu_s'] / n) / (base['cpu_s'] / base_n):.2f}× CPU per article "
            f"of {base_n:,}",
            "≤ 60 s for 16k, linear" if n >= 15000 else "", (r["wall_s"] <= 60) if n >= 15000 else None,
            {"articles": n, **r}))
    n, r, gz = runs[-1]
    figures.append(Figure("memory", f"peak RSS, {n:,}-article ingest (process tree, summed)",
                          f"{r['tree_peak_mb']:.0f} MB", f"largest process {r['max_process_mb']:.0f} MB"
                          if r["max_process_mb"] == r["max_process_mb"] else "",
                          "≤ 1 GB", r["tree_peak_mb"] <= 1024, dict(r)))
    figures.append(Figure("store", f"store on disk, {n:,} articles", f"{r['store_bytes'] / 2**20:.1f} MB",
                          f"{r['store_bytes'] / gz:.1f}× gzip corpus ({gz / 2**20:.1f} MB)", "≤ 5× gzip",
                          r["store_bytes"] <= 5 * gz, {"store_bytes": r["store_bytes"], "gzip_bytes": gz}))
    if r.get("quads"):
        figures.append(Figure(
            "store", f"store anatomy, {n:,} articles",
            f"{r['quads']:,.0f} quads ({r['quads'] / n:.0f} per article), "
            f"{r['store_bytes'] / r['quads']:.0f} bytes each",
            f"≤ 5× gzip allows {5 * gz / r['quads']:.0f} bytes per quad; zlib -1 of the tables: "
            f"{r['sst_zlib_bytes'] / 2**20:.0f} MB = {r['sst_zlib_bytes'] / gz:.1f}× gzip", "", None,
            {k: r[k] for k in ("quads", "sst_bytes", "sst_zlib_bytes", "store_bytes")}))
    return figures

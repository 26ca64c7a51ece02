"""Helpers shared by the benchmarks: the corpus, subsets of it, timing, memory and machine figures."""
from __future__ import annotations

import gzip
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus" / "news-en-2025.jsonl.gz"
KG = [sys.executable, "-m", "kg"]


@dataclass
class Figure:
    """One line of the results table: what, the figure, a baseline ratio, the goal and whether it is met."""

    section: str
    what: str
    value: str
    ratio: str = ""
    goal: str = ""
    met: bool | None = None
    data: dict[str, Any] = field(default_factory=dict)


def corpus_lines(path: Path = CORPUS, limit: int | None = None) -> list[str]:
    """The first `limit` JSON lines of a .jsonl.gz corpus (all when None)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [line for line in itertools.islice(fh, limit) if line.strip()]


def write_subset(lines: list[str], path: Path) -> Path:
    """Write JSON lines to a .jsonl.gz file (what `kg ingest` reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as fh:
        fh.writelines(line if line.endswith("\n") else line + "\n" for line in lines)
    return path


def load_articles(limit: int, path: Path = CORPUS) -> list[Any]:
    """The first `limit` articles of the corpus, read by the project's own jsonl reader."""
    from loaders.sources import iter_articles

    return [a for a in itertools.islice(iter_articles([path]), limit) if not hasattr(a, "message")]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load_average() -> str:
    """The 1-minute load average, to note how busy the shared machine was."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    """nproc, RAM, Python, platform: the header of RESULTS.md."""
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": str(os.cpu_count()), "ram": mem, "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "load": load_average()}


def dir_bytes(path: Path) -> int:
    """Bytes of every file under `path`."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _tree_rss_kb(pid: int) -> int:
    """Resident set size of a process and all its descendants, in KiB (shared pages counted per process)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                stack.extend(int(k) for k in kids)
        except (OSError, ValueError):
            continue
    return total


@dataclass
class RunResult:
    """A child command's wall time, CPU time (user + system of the whole tree), exit code, output, and
    memory: the peak of the whole process tree's summed RSS (sampled every 50 ms) and the largest single
    process's peak (ru_maxrss of the children, when it beat every earlier child's)."""

    wall_s: float
    cpu_s: float
    returncode: int
    stdout: str
    stderr: str
    tree_peak_mb: float
    max_process_mb: float


def run_measured(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float | None = None) -> RunResult:
    """Run a command, sampling the summed RSS of its process tree; raises TimeoutExpired past `timeout`."""
    import resource

    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage0.ru_maxrss
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    finally:
        done.set()
        sampler.join()
    wall = time.perf_counter() - started
    usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = usage1.ru_maxrss
    cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    return RunResult(wall, cpu, proc.returncode, out, err, peak / 1024, max(after, before) / 1024 if after > before
                     else float("nan"))


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(CPU seconds of this process, wall seconds, result) of one call."""
    c, w = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - c, time.perf_counter() - w, result


def kg_env() -> dict[str, str]:
    """The environment for `python -m kg` children: the project on the path, no colours."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["NO_COLOR"] = "1"
    env.setdefault("COLUMNS", "120")
    return env


def json_tail(text: str) -> Any:
    """The JSON document at the end of a command's stdout."""
    start = text.find("{")
    return json.loads(text[start:]) if start >= 0 else None


def chunks(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]

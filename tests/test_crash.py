"""Crash safety of `kg ingest`: killed with SIGKILL at seeded random points, the store reopens, passes
SHACL validation and holds every article the ingest's `--log` had reported stored; finishing the ingest
afterwards gives exactly the store an uninterrupted ingest gives.

The input is the eval articles and the first lines of the English corpus (../shared), in five parts. An
uninterrupted ingest of all of them runs first, as the reference store and to time this machine's
start-up and writing. Round k then ingests the first k + 1 parts, so that every round has articles left
to write and articles keep their order: once killed in the start-up (imports, catalog load), three times
a seeded random share of the writing time after the round's first commit (between commits, inside one,
while extracting or while closing the store). A last run ingests everything to the end.
"""
from __future__ import annotations

import contextlib
import gzip
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kg.ids import content_hash
from kg.store import META_GRAPH, KGStore
from kg.validate import validate_store
from loaders.sources import load_articles
from tests.conftest import need_shared
from tests.test_hostile import KG, kg

CORPUS_LINES = 160
VALIDATED = 15  # articles validated after each kill, drawn from those stored since the last check
STORED = ("added", "replaced", "unchanged")


def read_log(path: Path) -> list[dict[str, Any]]:
    """The complete lines of an ingest log (a line cut by the kill is not a report)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def reported_stored(log: Path) -> set[str]:
    """Ids of the articles the log reports stored."""
    return {r["id"] for r in read_log(log) if r["outcome"] in STORED}


def start_ingest(inputs: list[Path], store: Path, log: Path) -> subprocess.Popen[bytes]:
    """`kg ingest` in a process group of its own, so that a kill reaches its extraction workers too."""
    return subprocess.Popen([*KG, "ingest", *map(str, inputs), "--store", str(store), "--log", str(log),
                             "--format", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the ingest and its workers (its process group), unless it has ended already."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def written(log: Path) -> int:
    """How many articles the log reports written (added or replaced; not those found unchanged)."""
    return sum(r["outcome"] in ("added", "replaced") for r in read_log(log))


def wait_for_writes(proc: subprocess.Popen[bytes], log: Path, count: int, timeout: float = 600) -> None:
    """Wait until the log reports `count` articles written or the process has ended (pacing, not an
    assertion)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and written(log) < count:
        if time.monotonic() > deadline:
            kill(proc)
            pytest.fail(f"the ingest wrote fewer than {count} articles in {timeout:.0f} s")
        time.sleep(0.02)


def write_inputs(folder: Path) -> list[Path]:
    """The eval articles, then a slice of the English corpus in four files written to `folder`."""
    articles = need_shared("eval", "articles")
    corpus = need_shared("corpus", "news-en-2025.jsonl.gz")
    parts = [folder / f"part-{i}.jsonl" for i in range(4)]
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for part in parts:
            part.write_text("".join(itertools.islice(f, CORPUS_LINES // 4)), encoding="utf-8")
    return [articles, *parts]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_inputs(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def hashes(inputs: list[Path]) -> dict[str, str]:
    """Article id -> content hash of every input article."""
    articles, failures = load_articles(inputs)
    assert not failures
    return {a.id: content_hash(a.title, a.text) for a in articles}


def store_quads(path: Path) -> set[str]:
    """Every quad but the store's own metadata (its generation counts transactions, not content)."""
    with KGStore.open(path) as st:
        return {str(q) for q in st.quads() if str(q.graph_name) != f"<{META_GRAPH}>"}


def check_after_kill(store: Path, log: Path, hashes: dict[str, str], validated: set[str],
                     rng: random.Random) -> None:
    """The store reopens, holds every article reported stored (whole: its content hash), and a sample of
    the articles not validated before passes SHACL validation with the entities they mention."""
    reported = reported_stored(log)
    if not (store / "oxigraph").is_dir():  # killed before it created the store
        assert not reported
        return
    with KGStore.open(store) as st:
        held = set(st.article_ids())
        assert reported <= held, f"reported stored but missing: {sorted(reported - held)}"
        assert held <= set(hashes), f"articles nobody asked for: {sorted(held - set(hashes))}"
        for aid in held:
            assert st.content_hash(aid) == hashes[aid]
        fresh = rng.sample(sorted(held - validated), min(VALIDATED, len(held - validated)))
        if fresh:
            report = validate_store(st, articles=fresh)
            assert report.conforms, report.violations[:5]
        validated.update(held)
    stats = kg("stats", "--store", str(store), "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"]["count"] == len(held)


def run_timed(inputs: list[Path], store: Path, log: Path) -> tuple[float, float]:
    """Ingest without interruption; (seconds until its first article was written, seconds writing)."""
    started = time.monotonic()
    proc = start_ingest(inputs, store, log)
    first = last = 0.0
    while proc.poll() is None:
        if written(log):
            last = time.monotonic() - started
            first = first or last
        time.sleep(0.02)
    assert proc.returncode == 0 and first, proc.stderr.read() if proc.stderr else ""
    return first, last - first


@pytest.mark.slow
def test_killed_ingest_keeps_what_it_reported_and_resumes_to_the_same_store(
        inputs: list[Path], hashes: dict[str, str], tmp_path: Path) -> None:
    control = tmp_path / "uninterrupted"
    starting, writing = run_timed(inputs, control, tmp_path / "uninterrupted.log")

    store, log = tmp_path / "store", tmp_path / "ingest.log"
    validated: set[str] = set()
    killed_writing = 0
    for seed in (1, 2, 3, 4):
        rng = random.Random(seed)
        before = written(log)
        proc = start_ingest(inputs[: seed + 1], store, log)
        if seed == 1:
            time.sleep(rng.uniform(0.2, 0.9) * starting)
        else:
            wait_for_writes(proc, log, before + 1)
            time.sleep(rng.uniform(0.0, 0.5) * writing)
        kill(proc)
        assert proc.stderr is not None
        assert b"Traceback" not in proc.stderr.read()
        killed_writing += seed > 1 and proc.returncode == -signal.SIGKILL
        check_after_kill(store, log, hashes, validated, rng)
    assert killed_writing >= 2, "the rounds ended before they could be killed: give them more input"

    proc = start_ingest(inputs, store, log)
    assert proc.wait() == 0
    assert reported_stored(log) == set(hashes)
    check_after_kill(store, log, hashes, validated, random.Random(0))
    assert store_quads(store) == store_quads(control)
    r = kg("validate", "--store", str(store), "--article", sorted(hashes)[0])
    assert r.returncode == 0 and "conforms" in r.stderr, r.stderr



_CREATE_AND_DIE = """
import os, signal, sys, threading, time
from kg.store import KGStore
delay, started = float(sys.argv[2]), time.monotonic()
if delay >= 0:
    threading.Timer(delay, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
KGStore.open(sys.argv[1], write=True, sync_catalog=False).close()
print(time.monotonic() - started, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def create_and_die(store: Path, delay: float) -> str:
    """Create the store in a process killed `delay` seconds after its imports (never if < 0); its output."""
    return subprocess.run([sys.executable, "-c", _CREATE_AND_DIE, str(store), str(delay)], text=True,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout


def test_a_store_killed_while_being_created_is_absent_or_whole(tmp_path: Path) -> None:
    """Killed at random points while RocksDB creates its files, the database is either not there (the next
    writer starts again) or opens: never a directory that every later open refuses."""
    creating = float(create_and_die(tmp_path / "timed", -1))
    rng = random.Random(7)
    outcomes = set()
    for round_ in range(16):
        store = tmp_path / f"s{round_}"
        create_and_die(store, rng.uniform(0.0, 1.2 * creating))
        if (store / "oxigraph").is_dir():
            with KGStore.open(store) as st:
                assert st.article_ids() == []
            outcomes.add("whole")
        else:
            outcomes.add("absent")
        with KGStore.open(store, write=True, sync_catalog=False):
            pass
        with KGStore.open(store) as st:
            assert st.article_ids() == []
    assert outcomes == {"whole", "absent"}, "no round was killed before or after the creation"

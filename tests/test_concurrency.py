"""Several `kg` processes on one store: writers serialise through the store's lock (a refused writer says
so in one line, exit code 2) or both succeed, readers wait or say why not, a killed writer's lock does not
outlive it, and the store is never corrupted: it reopens, holds every article a successful run logged,
passes SHACL validation and a repeat ingest finds nothing to change.
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kg.store import KGStore
from kg.validate import validate_store
from tests.conftest import EXAMPLES, need_shared
from tests.test_crash import kill, reported_stored, start_ingest, wait_for_writes, write_inputs
from tests.test_hostile import error_lines, kg

LOCKED = re.compile(r"error: store (?P<store>.+) is locked by another writer \((?:pid (?P<pid>\d+): .*|unknown)\); "
                    r"wait for it to finish or use another --store")


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Wait for a started ingest: (exit code, stderr)."""
    _, stderr = proc.communicate(timeout=900)
    return proc.returncode, stderr.decode("utf-8", "replace")


def assert_whole(store: Path, logs: list[Path], sample: int = 10) -> set[str]:
    """The store reopens, holds every article the logs report stored, and a sample of its articles passes
    SHACL validation; returns the stored ids."""
    with KGStore.open(store) as st:
        held = set(st.article_ids())
        for log in logs:
            assert reported_stored(log) <= held
        chosen = random.Random(0).sample(sorted(held), min(sample, len(held)))
        report = validate_store(st, articles=chosen)
        assert report.conforms, report.violations[:5]
    return held


def test_a_second_writer_is_refused_in_one_line_and_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with KGStore.open(store, write=True, sync_catalog=False) as st:
        generation = st.generation
        for args in (("ingest", str(EXAMPLES)), ("sparql", "--write", "DROP ALL"), ("remove", "x")):
            r = kg(*args, "--store", str(store))
            assert r.returncode == 2, args
            (line,) = error_lines(r.stderr)
            m = LOCKED.fullmatch(line)
            assert m and m["store"] == str(store) and int(m["pid"]) == os.getpid(), line
    with KGStore.open(store) as st:
        assert (st.article_ids(), st.generation) == ([], generation)


def test_two_ingests_at_once_serialise_or_both_succeed(tmp_path: Path) -> None:
    articles = need_shared("eval", "articles")
    store = tmp_path / "store"
    runs = {"eval": [articles], "examples": [EXAMPLES]}
    logs = {name: tmp_path / f"{name}.log" for name in runs}
    procs = {name: start_ingest(paths, store, logs[name]) for name, paths in runs.items()}
    while not (store / "LOCK").exists() or not (store / "LOCK").read_text().strip():
        if all(p.poll() is not None for p in procs.values()):
            break
        time.sleep(0.02)
    reader = kg("stats", "--store", str(store), "--format", "json")  # while a writer may hold the store
    results = {name: finish(p) for name, p in procs.items()}

    winners = [name for name, (code, _) in results.items() if code == 0]
    assert winners, results
    for code, stderr in results.values():
        if code != 0:
            (line,) = error_lines(stderr)
            m = LOCKED.fullmatch(line)
            assert code == 2 and m, line
            assert m["pid"] is None or int(m["pid"]) in {p.pid for p in procs.values()}, line
    if reader.returncode != 0:
        (line,) = error_lines(reader.stderr, only=False)
        assert reader.returncode == 2 and " is being written (pid " in line, line
    assert_whole(store, [logs[name] for name in winners])

    for name, (code, _) in results.items():
        if code != 0:
            r = kg("ingest", *map(str, runs[name]), "--store", str(store), "--log", str(logs[name]))
            assert r.returncode == 0, r.stderr
    held = assert_whole(store, list(logs.values()))
    again = kg("ingest", str(articles), str(EXAMPLES), "--store", str(store), "--format", "json")
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["added"], summary["replaced"], summary["unchanged"]) == (0, 0, len(held))


@pytest.mark.slow
def test_a_killed_writers_lock_dies_with_it(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path)
    store, log = tmp_path / "store", tmp_path / "first.log"
    first = start_ingest(inputs, store, log)
    wait_for_writes(first, log, 1)
    kill(first)
    assert first.returncode == -signal.SIGKILL
    assert f"pid {first.pid}: " in (store / "LOCK").read_text()  # what it wrote is still there
    second = tmp_path / "second.log"
    r = kg("ingest", *map(str, inputs), "--store", str(store), "--log", str(second))
    assert r.returncode == 0, r.stderr
    held = assert_whole(store, [log, second])
    assert reported_stored(second) == held

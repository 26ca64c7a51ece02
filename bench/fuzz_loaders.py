"""Fuzzing the loaders by hand: coverage-guided with atheris (libFuzzer), or with hypothesis.

    pip install atheris                     # into the venv; not a project dependency
    python -m bench.fuzz_loaders markdown --seconds 300
    python -m bench.fuzz_loaders all --seconds 120                    # every target in turn
    python -m bench.fuzz_loaders jsonl --engine hypothesis --examples 20000

Targets (each takes the fuzzer's bytes):
  markdown  strip_markdown on the bytes as text, and on a short text repeated to 64 K characters:
            never raises, never adds text, never backtracks into quadratic time
  text      a .txt/.md file: decode_text, then parse_text (front matter, title line, Markdown)
  html      an .html page: decode_text, then parse_html (trafilatura)
  json      a .json document through read_json (the file written to /dev/shm)
  jsonl     a .jsonl file through read_jsonl, line by line
  gzip      the same bytes as .jsonl.gz and .json.gz (corrupt, truncated, bombs)
  extract   extract_article on the bytes as article text

A finding is an exception that is not the reader's own failure (`LoadFailure` / `SourceError`), an
article that breaks the contract (empty text, text that cannot be UTF-8 encoded, an id with a control
character), or an input slower than `--timeout` seconds (libFuzzer's -timeout, the way quadratic regular
expressions show up). atheris writes the input to `WORK/TARGET-crash-*` / `WORK/TARGET-timeout-*`;
hypothesis prints the shrunk example. Seeds are the example articles and tests/data. Run by hand; never
from the tests.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [ROOT / "examples", ROOT / "tests" / "data" / "sources", ROOT / "tests" / "data" / "bad"]
SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())


def _check_items(items: list[object]) -> None:
    """What every reader promises: articles with text and a printable id, or failures with one line."""
    from kg.graph import Article
    from loaders.sources import LoadFailure

    for item in items:
        if isinstance(item, LoadFailure):
            assert item.message and "\n" not in item.message, item
        else:
            assert isinstance(item, Article), item
            assert item.text.strip(), item
            (item.title + item.text + item.id).encode("utf-8")
            assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in item.id), item.id


def _read_as(data: bytes, suffix: str) -> None:
    from loaders.sources import read_path

    path = SCRATCH / f"kg-fuzz-{os.getpid()}{suffix}"
    path.write_bytes(data)
    try:
        _check_items(list(read_path(path)))
    finally:
        path.unlink(missing_ok=True)


AMPLIFY = 65536  # a short input is also tried repeated to this many characters


def fuzz_markdown(data: bytes) -> None:
    from loaders.markdown import strip_markdown

    text = data.decode("utf-8", "replace")
    assert len(strip_markdown(text)) <= len(text)
    if 0 < len(text) <= 64:  # repeated, a pattern that makes a regex backtrack shows as a timeout
        long = text * (AMPLIFY // len(text))
        assert len(strip_markdown(long)) <= len(long)


def fuzz_text(data: bytes) -> None:
    from loaders.sources.base import SourceError, decode_text
    from loaders.sources.text import parse_text

    try:
        _check_items([parse_text(decode_text(data), "fuzz.md")])
    except SourceError:
        pass


def fuzz_html(data: bytes) -> None:
    from loaders.sources.base import SourceError, decode_text
    from loaders.sources.html_page import parse_html

    try:
        _check_items([parse_html(decode_text(data), "fuzz.html")])
    except SourceError:
        pass


def fuzz_json(data: bytes) -> None:
    _read_as(data, ".json")


def fuzz_jsonl(data: bytes) -> None:
    _read_as(data, ".jsonl")


def fuzz_gzip(data: bytes) -> None:
    _read_as(data, ".jsonl.gz")
    _read_as(data, ".json.gz")


def fuzz_extract(data: bytes) -> None:
    from kg.graph import Article
    from loaders.extract.pipeline import extract_article

    text = data.decode("utf-8", "replace")
    if not text.strip():
        return
    g = extract_article(Article(id="fuzz", title="", text=text))
    for fact in [*g.relations, *g.observations]:
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.sentence


TARGETS: dict[str, Callable[[bytes], None]] = {
    "markdown": fuzz_markdown, "text": fuzz_text, "html": fuzz_html, "json": fuzz_json, "jsonl": fuzz_jsonl,
    "gzip": fuzz_gzip, "extract": fuzz_extract,
}


def _seed_corpus(target: str, work: Path) -> Path:
    """A fresh corpus directory for one target, seeded with the example articles and test inputs."""
    corpus = work / target
    corpus.mkdir(parents=True, exist_ok=True)
    for folder in SEEDS:
        for p in sorted(folder.glob("*")):
            if p.is_file() and p.stat().st_size < 64 * 1024:
                shutil.copy(p, corpus / p.name.replace(" ", "_"))
    return corpus


def run_atheris(target: str, seconds: int, timeout: int, work: Path) -> int:
    """Run libFuzzer on one target in a child process (atheris can fuzz once per process)."""
    import subprocess

    corpus = _seed_corpus(target, work)
    args = [sys.executable, "-m", "bench.fuzz_loaders", target, "--child", "--", str(corpus),
            f"-max_total_time={seconds}", f"-timeout={timeout}", "-rss_limit_mb=2048", "-max_len=65536",
            "-print_final_stats=1", f"-artifact_prefix={work}/{target}-"]
    print(f"== {target}: atheris for {seconds} s, corpus {corpus}, findings {work}/{target}-*", flush=True)
    return subprocess.call(args, cwd=ROOT)


def child(target: str, libfuzzer_args: list[str]) -> None:
    """Inside the child: instrument our code and hand the target to libFuzzer."""
    import atheris

    with atheris.instrument_imports(include=["loaders", "kg"]):
        import kg.graph  # noqa: F401
        import loaders.extract.pipeline  # noqa: F401
        import loaders.markdown  # noqa: F401
        import loaders.sources.html_page  # noqa: F401
        import loaders.sources.json_document  # noqa: F401
        import loaders.sources.json_lines  # noqa: F401
        import loaders.sources.text  # noqa: F401
    atheris.Setup([sys.argv[0], *libfuzzer_args], TARGETS[target])
    atheris.Fuzz()


def run_hypothesis(target: str, examples: int, timeout: int) -> int:
    """Run one target on hypothesis-generated bytes and texts; the example that fails is printed."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = [p.read_bytes()[:4096] for folder in SEEDS for p in sorted(folder.glob("*")) if p.is_file()]
    data = st.one_of(st.binary(max_size=4096), st.text(max_size=2048).map(str.encode),
                     st.tuples(st.sampled_from(pieces), st.binary(max_size=64), st.integers(0, 4096)).map(
                         lambda t: t[0][: t[2]] + t[1] + t[0][t[2]:]))
    slow: list[tuple[float, bytes]] = []

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data)
    def run(case: bytes) -> None:
        started = time.perf_counter()
        TARGETS[target](case)
        took = time.perf_counter() - started
        if took > timeout:
            slow.append((took, case))

    started = time.perf_counter()
    print(f"== {target}: hypothesis, {examples} examples", flush=True)
    run()
    print(f"{target}: {examples} examples in {time.perf_counter() - started:.0f} s, "
          f"{len(slow)} slower than {timeout} s", flush=True)
    for took, case in sorted(slow, reverse=True)[:3]:
        print(f"  {took:.1f} s: {case[:200]!r}")
    return 1 if slow else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=[*TARGETS, "all"])
    parser.add_argument("--engine", choices=["atheris", "hypothesis"], default="atheris")
    parser.add_argument("--seconds", type=int, default=120, help="atheris: time per target")
    parser.add_argument("--examples", type=int, default=5000, help="hypothesis: examples per target")
    parser.add_argument("--timeout", type=int, default=2, help="seconds after which one input is a finding")
    parser.add_argument("--work", type=Path, default=None, help="atheris: corpus and findings directory")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        child(args.target, [a for a in rest if a != "--"])
        return
    targets = list(TARGETS) if args.target == "all" else [args.target]
    status = 0
    for target in targets:
        if args.engine == "atheris":
            work = args.work or Path(tempfile.mkdtemp(prefix="kg-fuzz-"))
            status |= run_atheris(target, args.seconds, args.timeout, work)
        else:
            status |= run_hypothesis(target, args.examples, args.timeout)
    sys.exit(status)


if __name__ == "__main__":
    main()

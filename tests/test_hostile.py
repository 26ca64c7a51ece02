"""Hostile input, tried as a user would, through the real `kg` command in a subprocess.

- A folder of junk and good articles: the good ones are stored, each bad one is one `error:` line naming
  the file, no traceback, exit code 1, and an article stored before is still there.
- Inputs too large for memory: refused with a "too large" message (limit set by KG_MAX_INPUT_BYTES) while
  holding no more than the limit; Markdown lines that used to take quadratic time.
- Names and values that look like markup or query syntax, as entity labels and as query parameters:
  rows or no rows, never a syntax error, never a change to the store.
- Neo4j credentials: never in an error message, whatever the URI scheme.

The bad inputs are written by the fixtures (a 200 MB file, a FIFO, a 1,100-level tree and file names with
newlines have no place in git); `tests/data/bad/` holds the small hand-written ones.
"""
from __future__ import annotations

import gzip
import json
import logging
import os
import stat
import subprocess
import sys
import tempfile
import tracemalloc
import unicodedata
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kg.graph import Article, ArticleGraph, Entity, Evidence, Mention, Relation
from kg.ids import discovered_key
from kg.neo4j.connect import Neo4jError, Settings, open_driver, read_config, resolve_settings, run_read
from kg.store import KGStore
from loaders.markdown import strip_markdown
from loaders.sources import LoadFailure, load_articles, read_path
from loaders.sources.base import decode_text
from loaders.sources.html_page import parse_html
from loaders.sources.text import parse_text
from tests.bolt_server import free_port, running_bolt_server
from tests.conftest import DATA, EXAMPLES, ROOT

KG = [sys.executable, "-m", "kg"]
BAD = DATA / "bad"

# Query syntax of both languages, markup, escapes and invisible characters in one string.
INJECTION = "') DETACH DELETE n // \"} ; DROP ALL ; # $x > \\u0022 ]]> [/red] \u202eevil\u200b"


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess."""
    return subprocess.run([*KG, *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL, timeout=900)


def shown(text: str) -> str:
    """How an error line shows a name: control and invisible characters as escapes."""
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
                   else c for c in text)


def error_lines(stderr: str, *, only: bool = True) -> list[str]:
    """The `error:` lines of a run's stderr, which holds no traceback; with `only`, nothing else either
    (bar blank lines)."""
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    if only:
        assert errors == lines, lines
    return errors


# ------------------------------------------------------------------------------------- the junk folder --

HUGE_BYTES = 200 * 2**20
DEPTH = 1100  # deeper than Python's recursion limit


def write_huge(path: Path) -> None:
    """A 200 MB text file, written in 1 MB chunks."""
    sentence = "Huawei ships the Ascend 910B chip to Baidu. "
    chunk = (sentence * (2**20 // len(sentence) + 1))[: 2**20 - 1] + "\n"
    with path.open("w", encoding="utf-8") as f:
        f.write("A huge file\n\n")
        for _ in range(HUGE_BYTES // len(chunk)):
            f.write(chunk)


def make_deep(root: Path, depth: int, name: str, content: str) -> Path:
    """`root/d/d/.../d/name` with `depth` directories, made through directory descriptors."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            below = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = below
        with os.fdopen(os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w", encoding="utf-8") as f:
            f.write(content)
    finally:
        os.close(fd)
    return root.joinpath(*["d"] * depth, name)


def remove_deep(root: Path, depth: int, name: str) -> None:
    """Undo `make_deep` bottom up (rmtree recurses once per level and fails on such a tree)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        below = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = below
    os.unlink(name, dir_fd=fd)
    for _ in range(depth):
        parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        os.rmdir("d", dir_fd=parent)
        fd = parent
    os.close(fd)


HOSTILE_TEXT = (
    "Title with \"quotes\", 'apostrophes', a back\\slash and `ticks` }>$\n\n"
    "Huawei said the Ascend 910B chip ships to Baidu') DETACH DELETE n // this quarter.\n"
    "SMIC makes the chips } ; DROP ALL ; INSERT DATA { <a> <b> \"c\" } # for Huawei.\n"
    "Alibaba develops Qwen\u200b\u200d and DeepSeek develops R1 \u202eesrever\u202c "
    "with \u05e2\u05d1\u05e8\u05d9\u05ea and \u0627\u0644\u0639\u0631\u0628\u064a\u0629 text, "
    "\\u0022 escapes, ${HOME}, $1 and \\\\ doubled.\n"
)


def build_junk(root: Path, deep: Path) -> dict[str, str]:
    """Write the junk folder under `root`, with a link to the `deep` tree; return the name each bad input is
    shown by -> a fragment of its one error line."""
    root.mkdir()
    for p in sorted(BAD.iterdir()):  # the committed ones
        (root / p.name).write_bytes(p.read_bytes())
    bad: dict[str, str] = {
        "empty.txt": "empty",
        "binary.json": "binary file (NUL bytes)",
        "latin1.md": "not UTF-8 text",
        "utf16-cut.txt": "not valid UTF-16 text",
        "types.json": "field 'title' must be a string, got array",
        "mixed.jsonl:2": "invalid JSON",
        "mixed.jsonl:4": "expected a JSON object, got array",
        "mixed.jsonl:7": "field 'id' holds a control character (U+0000); an id must be printable",
        "wrapped.json": "articles[1]: field 'text' must be a string, got number",
    }
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "latin1.md").write_bytes("Caf\u00e9\n\nHuawei opened a caf\u00e9.".encode("latin-1"))
    (root / "utf16-good.txt").write_bytes("\u534e\u4e3a Ascend\n\nHuawei develops the Ascend 910B chip.\n"
                                          .encode("utf-16"))
    (root / "utf16-cut.txt").write_bytes("Title\n\nHuawei develops chips.".encode("utf-16") + b"\x00")
    good_lines = [json.dumps({"id": f"line-{i}", "title": f"Line {i}", "text": f"Baidu develops ERNIE {i}."})
                  for i in range(200)]
    data = gzip.compress(("\n".join(good_lines) + "\n").encode())
    (root / "cut.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    bad["cut.jsonl.gz"] = "truncated or corrupt gzip data after line"
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    (root / "bomb.json.gz").write_bytes(bomb.compress(b'{"text": "' + b" " * (17 * 2**20) + b'"}') + bomb.flush())
    bad["bomb.json.gz"] = "too large: over the 16 MiB limit for one document once decompressed"
    write_huge(root / "huge.txt")
    bad["huge.txt"] = "too large: 200.0 MiB, over the 16 MiB limit for one document (set KG_MAX_INPUT_BYTES"
    os.mkfifo(root / "pipe.txt")
    bad["pipe.txt"] = "not a regular file"
    (root / "gone.json").symlink_to(root / "missing.json")
    bad["gone.json"] = "cannot read: No such file or directory"
    (root / "loops").mkdir()
    (root / "loops" / "up").symlink_to(root, target_is_directory=True)
    (root / "loops" / "self").symlink_to(root / "loops", target_is_directory=True)
    (root / "deep").symlink_to(deep, target_is_directory=True)
    (root / "[").mkdir()
    (root / "[" / "red]oops.json").write_text("{not json", encoding="utf-8")
    bad["[/red]oops.json:1"] = "invalid JSON"
    (root / "[bold]empty.md").write_text("   \n\n", encoding="utf-8")
    bad["[bold]empty.md"] = "empty"
    (root / "new\nline.md").write_text("", encoding="utf-8")
    bad["new\nline.md"] = "empty"
    (root / "q'uo\"te\\ }>$.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (root / "rtl\u202etxt.md").write_text("RTL name\n\nTencent invests in Zhipu AI.\n", encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK\x03\x04 not an article format, skipped in a folder")
    (root / ".hidden.txt").write_text("Hidden\n\nNever read.", encoding="utf-8")

    def where(name: str) -> str:  # "mixed.jsonl:2" -> "<root>/mixed.jsonl:2", as the error line shows it
        file, colon, line = name.partition(":")
        return shown(str(root / file)) + colon + line

    return {where(name): message for name, message in bad.items()}


@pytest.fixture(scope="module")
def junk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The junk folder. Its deep tree lives outside pytest's temporary directory, linked in, because
    pytest's clean-up of old temporary directories recurses once per level and would fail on it."""
    deep = Path(tempfile.mkdtemp(prefix="kg-deep-"))
    root = tmp_path_factory.mktemp("junk") / "in"
    try:
        make_deep(deep, DEPTH, "bottom.md", "# Deep down\n\nSMIC makes chips for Huawei.\n")
        yield root, build_junk(root, deep)
    finally:
        if (deep / "d").exists():
            remove_deep(deep, DEPTH, "bottom.md")
        deep.rmdir()
        (root / "huge.txt").unlink(missing_ok=True)


def test_committed_bad_inputs_are_small() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == ["mixed.jsonl", "page.html", "types.json", "wrapped.json"]
    assert all(p.stat().st_size < 4096 for p in BAD.iterdir())


def test_ingest_of_a_junk_folder_stores_the_good_and_names_each_bad_file_once(
        junk: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, bad = junk
    store, log = tmp_path / "store", tmp_path / "ingest.log"
    assert kg("ingest", str(EXAMPLES / "baidu-ernie.md"), "--store", str(store)).returncode == 0
    with KGStore.open(store) as st:
        (before,) = st.article_ids()
        generation = st.generation

    r = kg("ingest", str(root), "--store", str(store), "--log", str(log), "--format", "json")

    assert r.returncode == 1
    lines = error_lines(r.stderr)
    for where, message in bad.items():
        naming = [line for line in lines if line.startswith(f"error: {where}: ")]
        assert len(naming) == 1, (where, lines)
        assert message in naming[0], naming[0]
    assert len(lines) == len(bad)
    articles, failures = load_articles([root])
    assert len(failures) == len(bad)
    good = {a.id: a for a in articles}
    cut = int(next(f.message for f in failures if "gzip" in f.message).split("after line ")[1].split()[0])
    assert 0 < cut < 200
    assert set(good) == {"x> } ; DROP ALL ; <y", "quote\"back\\slash }>$", "last", "surrogate", "wrapped-good",
                         *(f"line-{i}" for i in range(cut)),
                         *(a.id for a in articles if a.path and a.path.endswith((".txt", ".md", ".html")))}
    assert {Path(a.path).name for a in articles if a.id.startswith("sha-")} == {  # type: ignore[arg-type]
        "page.html", "utf16-good.txt", "bottom.md", "q'uo\"te\\ }>$.txt", "rtl\u202etxt.md"}
    summary = json.loads(r.stdout)
    assert (summary["read"], summary["added"], summary["failed"]) == (len(good), len(good), len(bad))
    logged = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {e["id"] for e in logged if e["outcome"] == "added"} == set(good)
    assert sorted(e["error"] for e in logged if e["outcome"] == "failed") == sorted(summary["failures"])

    with KGStore.open(store) as st:
        assert set(st.article_ids()) == {before, *good}
        assert st.generation > generation
        from kg.sparql import run_select

        titles = dict(run_select(st, "SELECT ?id ?title WHERE { ?a ct:articleId ?id ; ct:title ?title }")[1])
    assert {k: titles[k] for k in good} == {k: a.title for k, a in good.items()}
    assert good["surrogate"].title == "Broken \ufffd emoji"  # an unpaired surrogate escape, made valid
    hostile = next(a for a in good.values() if a.path and a.path.endswith("$.txt"))
    assert hostile.title == "Title with \"quotes\", 'apostrophes', a back\\slash and `ticks` }>$"

    stats = kg("stats", "--store", str(store), "--format", "json")
    assert stats.returncode == 0 and "Traceback" not in stats.stderr
    assert json.loads(stats.stdout)["articles"]["count"] == len(good) + 1
    checked = kg("validate", "--store", str(store), *[a for k in sorted(good)[:8] + [before] for a in ("-a", k)])
    assert checked.returncode == 0 and "conforms: 0 violation(s)" in checked.stderr, checked.stderr[-2000:]


def test_html_scripts_styles_and_entities(junk: tuple[Path, dict[str, str]]) -> None:
    root, _ = junk
    (page,) = [a for a in read_path(root / "page.html") if isinstance(a, Article)]
    assert page.title == "SMIC & Huawei <chips>"
    assert "LEAK" not in page.text and "LEAK" not in page.title
    assert "40% \u2014 a record \u4e2d\u56fd" in page.text
    assert "R&D spending" in page.text and "<script>alert(1)</script>" in page.text  # text, not markup


def test_huge_file_and_gzip_bomb_are_refused_holding_next_to_nothing(junk: tuple[Path, dict[str, str]]) -> None:
    root, _ = junk
    assert (root / "huge.txt").stat().st_size > HUGE_BYTES
    tracemalloc.start()
    try:
        items = list(read_path(root / "huge.txt")) + list(read_path(root / "bomb.json.gz"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(i) for i in items] == [LoadFailure, LoadFailure]
    assert all(i.message.startswith("too large") for i in items)  # type: ignore[union-attr]
    # the bomb, 1 GiB once inflated, is read up to the 16 MiB limit, no further (gzip joins its chunks: twice)
    assert peak < 3 * 16 * 2**20


def test_size_limit_is_configurable_and_a_long_line_holds_only_the_limit(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", "1M")
    lines = tmp_path / "long.jsonl"
    with lines.open("wb") as f:
        f.write(b'{"id": "a", "text": "Baidu develops ERNIE."}\n{"id": "b", "text": "')
        for _ in range(20):
            f.write(b"Huawei " * 149796)
        f.write(b'"}\n{"id": "c", "text": "SMIC makes chips."}\n')
    tracemalloc.start()
    try:
        items = list(read_path(lines))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [getattr(i, "id", None) for i in items] == ["a", None, "c"]
    assert items[1] == LoadFailure(str(lines), 2, "too large: over the 1 MiB limit for one line "
                                                  "(set KG_MAX_INPUT_BYTES to raise it)")
    assert peak < 5 * 2**20  # a few times the limit, while the line is 20 MiB


def test_size_limit_through_the_command(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "small.txt").write_text("Small\n\nBaidu develops ERNIE.\n")
    (tmp_path / "in" / "big.txt").write_text("Big\n\n" + "Huawei makes chips. " * 200)
    store = str(tmp_path / "store")
    r = kg("ingest", str(tmp_path / "in"), "--store", store, "--format", "json", env={"KG_MAX_INPUT_BYTES": "2K"})
    assert r.returncode == 1
    assert error_lines(r.stderr) == [f"error: {tmp_path / 'in' / 'big.txt'}: too large: 3.9 KiB, over the 2 KiB "
                                     "limit for one document (set KG_MAX_INPUT_BYTES to raise it)"]
    assert json.loads(r.stdout)["added"] == 1
    r = kg("extract", str(tmp_path / "in"), env={"KG_MAX_INPUT_BYTES": "lots"})
    assert (r.returncode, error_lines(r.stderr)) == (
        2, ["error: KG_MAX_INPUT_BYTES='lots' is not a size (a number of bytes, or with K, M or G: 64M)"])


@pytest.mark.parametrize("case", ["a file", "under /proc", "corrupt", "log is a directory"])
def test_unusable_stores_and_logs_are_one_line_errors(case: str, tmp_path: Path) -> None:
    store, extra = tmp_path / "store", ()
    message = {"a file": f"{store} is not a directory",
               "under /proc": "cannot create the store at /proc/kg-store: No such file or directory",
               "corrupt": f"cannot open the store at {store}: Corruption",
               "log is a directory": f"cannot write the log {tmp_path}: Is a directory"}[case]
    if case == "a file":
        store.write_text("not a store")
    elif case == "under /proc":
        store = Path("/proc/kg-store")
    elif case == "corrupt":
        (store / "oxigraph").mkdir(parents=True)
        (store / "oxigraph" / "CURRENT").write_text("garbage\n")
    else:
        extra = ("--log", str(tmp_path))
    r = kg("ingest", str(EXAMPLES / "baidu-ernie.md"), "--store", str(store), *extra)
    assert r.returncode == 2
    (line,) = error_lines(r.stderr)
    assert line.startswith(f"error: {message}"), line


# -------------------------------------------------------------------------------- pathological Markdown --


@pytest.mark.parametrize(("raw", "seen"), [
    ("*a " * 70_000, "*a " * 70_000),
    ("_a " * 70_000, "_a " * 70_000),
    ("**a " * 50_000, "**a " * 50_000),
    ("__a " * 50_000, "__a " * 50_000),
    ("# heading" + " " * 200_000 + "end", "heading" + " " * 200_000 + "end"),
    ("# heading" + " \t" * 100_000 + "##", "heading"),
    ("*a " * 70_000 + "*b*", "a " + "*a " * 69_999 + "*b"),  # one closer, at the very end
    ("x *a " * 40_000 + "\n*b*", "x *a " * 40_000 + "\nb"),
])
def test_pathological_markdown_lines_take_linear_time(raw: str, seen: str) -> None:
    """These took minutes to hours (quadratic regex backtracking); they must come back unchanged."""
    assert strip_markdown(raw) == seen


# ------------------------------------------------------------------------ what fuzzing found (bench/) --


def test_a_page_without_a_date_is_not_searched_for_one() -> None:
    """This 52-byte page took 15-45 s: htmldate's extensive search tried every dateparser locale on it and
    then guessed 2024-01-01 from '2024' in the text."""
    page = b'<>\n3p>oCTYhhtml>awD;&e>l\n<p>An\n2**n 2024lC**_te<sTys'
    article = parse_html(decode_text(page))
    assert (article.text, article.published) == ("An 2n 2024lC_te", None)


@pytest.mark.parametrize(("front", "published", "article_id"), [
    ("published: 2025-03-61\nid: md-kunlun", None, "md-kunlun"),  # raised ValueError: day out of range
    ("published: 2025-02-20 10:00:00\nid: dated", date(2025, 2, 20), "dated"),
    ("published: !!timestamp 2025-02-30", None, None),  # YAML cannot read it: the block stays text
    ("a: " + "[" * 3000, None, None),  # raised RecursionError
])
def test_front_matter_that_yaml_chokes_on(front: str, published: date | None, article_id: str | None) -> None:
    article = parse_text(f"---\n{front}\n---\nTitle\n\nHuawei develops chips.\n")
    assert article.published == published
    if article_id:
        assert (article.id, article.title) == (article_id, "Title")
    else:
        assert article.title == front.splitlines()[0]


# ------------------------------------------------------------------------------------- query injection --

LABEL_A = "') DETACH DELETE n // \"} ; DROP ALL ; #"
LABEL_B = "$x } > \\u0022 ]]> [/red] \u202eevil\u200b"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose two entities are named with query syntax, one relation between them."""
    path = tmp_path_factory.mktemp("hostile") / "store"
    a, b = discovered_key("Company", "alpha"), discovered_key("Company", "beta")
    sentence = f"{LABEL_A} competes with {LABEL_B}."
    g = ArticleGraph(id="hostile-1", title=INJECTION, published=date(2025, 5, 1), content_hash="h",
                     entities=[Entity(id=a, label=LABEL_A, type="Company", source="discovered",
                                      mentions=[Mention(text=LABEL_A, start=0, end=len(LABEL_A))]),
                               Entity(id=b, label=LABEL_B, type="Company", source="discovered")],
                     relations=[Relation(subject=a, predicate="competesWith", object=b, confidence=0.8,
                                         evidence=Evidence(sentence=sentence, start=0, end=len(sentence)),
                                         extractor="test")])
    with KGStore.open(path, write=True, sync_catalog=False) as st:
        st.put_article(g)
    return path


def snapshot(path: Path) -> tuple[int, set[str]]:
    with KGStore.open(path) as st:
        return st.generation, {str(q) for q in st.quads()}


def test_injection_strings_as_query_parameters_are_values(hostile_store: Path) -> None:
    before = snapshot(hostile_store)
    store = ("--store", str(hostile_store), "--format", "json")
    for lang in ("cypher", "sparql"):
        r = kg("query", "run", "evidence", "-p", f"a={LABEL_A}", "-p", f"b={LABEL_B}", "--lang", lang, *store)
        assert r.returncode == 0, r.stderr
        (row,) = json.loads(r.stdout)
        assert (row["subject"], row["predicate"], row["object"]) in {(LABEL_A, "competesWith", LABEL_B),
                                                                     (LABEL_B, "competesWith", LABEL_A)}
        assert row["evidence"] == f"{LABEL_A} competes with {LABEL_B}."
        r = kg("query", "run", "top-mentioned", "-p", f"of_type={INJECTION}", "--lang", lang, *store)
        assert (r.returncode, json.loads(r.stdout)) == (0, []), r.stderr
    r = kg("cypher", "MATCH (e:Entity) WHERE e.label IN [$a, $b] RETURN e.label AS label ORDER BY label",
           "-p", f"a={LABEL_A}", "-p", f"b={LABEL_B}", *store)
    assert r.returncode == 0 and not error_lines(r.stderr, only=False), r.stderr
    assert [row["label"] for row in json.loads(r.stdout)] == sorted([LABEL_A, LABEL_B])
    r = kg("entity", LABEL_B, *store)
    assert r.returncode == 0, r.stderr
    card = json.loads(r.stdout)
    assert card["label"] == LABEL_B
    assert [e["other"]["label"] for e in card["relations"]["competesWith"]] == [LABEL_A]
    assert snapshot(hostile_store) == before


def test_updates_are_refused_without_write(hostile_store: Path) -> None:
    before = snapshot(hostile_store)
    refused = {
        ("cypher", "MATCH (n) DETACH DELETE n"): "DETACH is an update: Cypher is read-only unless --write is given",
        ("sparql", "DROP ALL"): "this is a SPARQL Update; the store is read-only unless you pass --write",
        # a label pasted into the query text ends its string early: the guard still sees the update
        ("cypher", f"MATCH (n) WHERE n.label = '{LABEL_A}' RETURN n"): "DETACH is an update",
    }
    for args, message in refused.items():
        r = kg(*args, "--store", str(hostile_store))
        assert r.returncode == 2, r.stdout
        (line,) = error_lines(r.stderr, only=False)
        assert line.startswith(f"error: {message}"), line
    assert snapshot(hostile_store) == before


# ------------------------------------------------------------------------------------- Neo4j secrets --


@pytest.mark.parametrize("scheme", ["bolt", "bolt+s", "neo4j+s"])
def test_push_to_a_closed_port_never_shows_the_password(hostile_store: Path, scheme: str, tmp_path: Path) -> None:
    secret = "pw-" + os.urandom(6).hex()
    port = free_port()
    r = kg("neo4j", "push", "--store", str(hostile_store), "--uri", f"{scheme}://127.0.0.1:{port}",
           env={"NEO4J_PASSWORD": secret, "NEO4J_USER": "alice", "HOME": str(tmp_path)})
    assert r.returncode == 2
    (line,) = error_lines(r.stderr, only=False)
    assert line.startswith(f"error: cannot connect to {scheme}://127.0.0.1:{port}: connection refused"), line
    assert secret not in r.stderr + r.stdout


def test_credentials_in_the_uri_are_refused_without_echoing_them(tmp_path: Path) -> None:
    secret = "pw-" + os.urandom(6).hex()
    r = kg("neo4j", "query", "RETURN 1", "--uri", f"neo4j+s://alice:{secret}@db.example.org:7687",
           env={"NEO4J_PASSWORD": "x", "HOME": str(tmp_path)})
    assert r.returncode == 2
    (line,) = error_lines(r.stderr)
    assert "put no credentials in the URI" in line and secret not in r.stderr + r.stdout
    for uri in (f"bolt://{secret}@h", f"ftp://alice:{secret}@h:21", f"http://:{secret}@h"):
        with pytest.raises(Neo4jError) as e:
            resolve_settings(uri, None, None, environ={"NEO4J_PASSWORD": "x"})
        assert secret not in str(e.value), e.value


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o700])
def test_a_config_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    cfg = tmp_path / "neo4j.toml"
    cfg.write_text('password = "s3cret"\n')
    cfg.chmod(mode)
    if mode & 0o077:
        with pytest.raises(Neo4jError, match=f"permissions {mode:04o}; run `chmod 600"):
            read_config(cfg)
    else:
        assert read_config(cfg) == {"password": "s3cret"}


def test_settings_and_config_errors_never_show_the_password(tmp_path: Path) -> None:
    secret = "pw-" + os.urandom(6).hex()
    settings = resolve_settings("bolt+s://db.example.org", "alice", None, environ={"NEO4J_PASSWORD": secret})
    assert secret not in repr(settings) and secret not in settings.where
    cfg = tmp_path / "broken.toml"
    cfg.write_text(f'password = "{secret}\nuser = alice\n')
    cfg.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(Neo4jError) as e:
        read_config(cfg)
    assert secret not in str(e.value)
    cfg.write_text(f'password = "{secret}"\npasword = "{secret}"\n')
    with pytest.raises(Neo4jError) as e:
        read_config(cfg)
    assert "unknown keys ['pasword']" in str(e.value) and secret not in str(e.value)



@pytest.mark.slow
def test_the_driver_log_never_holds_the_password(caplog: pytest.LogCaptureFixture) -> None:
    """Every record the neo4j driver logs at DEBUG while logging in (rightly and wrongly) to a real Bolt
    server, and every error message, is free of the passwords tried."""
    wrong = "pw-" + os.urandom(6).hex()
    caplog.set_level(logging.DEBUG, logger="neo4j")
    with running_bolt_server() as server:
        good = Settings(server.uri, server.user, server.password, server.database)
        with open_driver(good) as driver:
            assert run_read(driver, good, lambda tx: tx.run("RETURN 1 AS one").single()["one"]) == 1
        with pytest.raises(Neo4jError) as e:
            with open_driver(Settings(server.uri, server.user, wrong, server.database)):
                pass
        secrets = (server.password, wrong)
    assert "refused the credentials" in str(e.value)
    assert "HELLO" in caplog.text or "LOGON" in caplog.text  # the handshake was logged
    for secret in secrets:
        assert secret not in caplog.text and secret not in str(e.value)

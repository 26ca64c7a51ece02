"""`kg ingest`, `kg remove`, `kg stats`, `kg sparql`, `kg validate`: writing and reading the store.

`ingest_articles` is the plain function behind `kg ingest` (loaders -> extraction -> store); the commands
are thin wrappers that open the store, show progress and render results.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from kg.cli.common import DEFAULT_STORE, FormatOption, OutputFormat, StoreOption, err, one_line, out, render_rows
from kg.errors import KGError

if TYPE_CHECKING:
    from kg.graph import Article, ArticleGraph
    from kg.store import KGStore


def open_store(path: Path, *, write: bool = False) -> KGStore:
    """Open the store for a command, saying on stderr when it has to wait for the lock."""
    from kg.store import KGStore

    return KGStore.open(path, write=write, on_wait=lambda msg: err.print(f"[yellow]{one_line(msg)}[/yellow]"))


# ---------------------------------------------------------------------------------------------- ingest --

@dataclass
class IngestSummary:
    """Counts of one ingest run; entities/relations/observations are those written by this run."""

    read: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: int = 0
    entities: int = 0
    relations: int = 0
    observations: int = 0
    elapsed: float = 0.0
    generation: int = 0
    failures: list[str] = field(default_factory=list)


def _extract_or_error(article: Article) -> tuple[ArticleGraph | None, str]:
    """Extract one article; an extraction error becomes a message so that one bad article does not end
    the batch (module-level so that worker processes can run it)."""
    from loaders.extract.pipeline import extract_article

    try:
        return extract_article(article), ""
    except Exception as e:  # noqa: BLE001 - any bug in extraction is reported against its article
        return None, f"extraction failed: {type(e).__name__}: {e}"


def _extract_chunk(articles: list[Article]) -> list[tuple[ArticleGraph | None, str]]:
    """One worker task: several articles extracted in order."""
    return [_extract_or_error(a) for a in articles]


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """The articles in lists of `size` (the last one shorter), read lazily."""
    chunk: list[Article] = []
    for a in articles:
        chunk.append(a)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extract_all(articles: Iterable[Article], jobs: int, chunk: int = 8
                 ) -> Iterator[tuple[Article, ArticleGraph | None, str]]:
    """(article, graph or None, error) in input order; `jobs` > 1 extracts in forked worker processes,
    `chunk` articles per task (the pool's hand-over threads compete with the main process's store writes
    for the interpreter: fewer, larger tasks leave it more time), with a bounded window of tasks in flight
    so that memory stays flat on a large corpus."""
    if jobs <= 1:
        for a in articles:
            yield (a, *_extract_or_error(a))
        return
    import multiprocessing as mp
    from collections import deque
    from multiprocessing.pool import AsyncResult

    from loaders.extract.mentions import default_matcher

    default_matcher()  # build the matcher once; forked workers inherit it
    window: deque[tuple[list[Article], AsyncResult[list[tuple[ArticleGraph | None, str]]]]] = deque()

    def oldest() -> Iterator[tuple[Article, ArticleGraph | None, str]]:
        done, result = window.popleft()
        return ((a, *r) for a, r in zip(done, result.get(), strict=True))

    with mp.get_context("fork").Pool(jobs) as pool:
        for part in _chunks(articles, chunk):
            window.append((part, pool.apply_async(_extract_chunk, (part,))))
            if len(window) >= 4 * jobs:
                yield from oldest()
        while window:
            yield from oldest()


def ingest_articles(store: KGStore, items: Iterable[Article | Any], *, jobs: int = 1, force: bool = False,
                    on_failure: Callable[[str], None] | None = None,
                    on_progress: Callable[[IngestSummary], None] | None = None,
                    on_stored: Callable[[Article, str], None] | None = None,
                    summary: IngestSummary | None = None, batch: int = 64,
                    batch_seconds: float = 1.0) -> IngestSummary:
    """Extract and store articles; `items` may hold loader failures (anything with a `message`), which are
    counted and reported. Unchanged articles (same id and content hash) are skipped before extraction
    unless `force`. New articles are written up to `batch` at a time (or what `batch_seconds` gathered) in
    one transaction (`KGStore.put_articles`: each article whole); stored ones are replaced one transaction
    each. `on_stored(article, outcome)` runs once an article is in the store (after its transaction
    committed, or when it was found unchanged). Counts go into `summary` as they happen (so that an
    interrupted run can still report them; articles of a batch not yet committed are not counted)."""
    from kg.ids import content_hash

    started = time.monotonic()
    summary = summary if summary is not None else IngestSummary()
    stored = store.article_hashes()

    def fail(message: str) -> None:
        summary.failed += 1
        summary.failures.append(message)
        if on_failure is not None:
            on_failure(message)

    def changed() -> Iterator[Article]:
        for item in items:
            if hasattr(item, "message"):
                fail(str(item))
            else:
                summary.read += 1
                if not force and stored.get(item.id) == content_hash(item.title, item.text):
                    summary.unchanged += 1
                    if on_stored is not None:
                        on_stored(item, "unchanged")
                else:
                    yield item
            if on_progress is not None:
                on_progress(summary)

    pending: list[tuple[Article, ArticleGraph]] = []
    first_pending = 0.0

    def flush() -> None:
        outcomes = store.put_articles([g for _, g in pending], force=force)
        for (article, graph), outcome in zip(pending, outcomes, strict=True):
            if on_stored is not None:
                on_stored(article, outcome)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            stored[graph.id] = graph.content_hash
            if outcome != "unchanged":
                summary.entities += len(graph.entities)
                summary.relations += len(graph.relations)
                summary.observations += len(graph.observations)
        pending.clear()

    try:
        for article, graph, error in _extract_all(changed(), jobs):
            if graph is None:
                fail(f"{article.path or article.id}: {error}")
            else:
                if not pending:
                    first_pending = time.monotonic()
                pending.append((article, graph))
                if len(pending) >= batch or time.monotonic() - first_pending >= batch_seconds:
                    flush()
            if on_progress is not None:
                on_progress(summary)
        if pending:
            flush()
            if on_progress is not None:
                on_progress(summary)
    finally:
        summary.elapsed = time.monotonic() - started
        summary.generation = store.generation
    return summary


def _summary_table(s: IngestSummary, interrupted: bool) -> None:
    from rich.table import Table

    t = Table(title="Ingest" + (" (interrupted)" if interrupted else ""), header_style="bold cyan")
    t.add_column("")
    t.add_column("count", justify="right")
    for name in ("read", "added", "replaced", "unchanged", "failed"):
        t.add_row(f"articles {name}", str(getattr(s, name)))
    for name in ("entities", "relations", "observations"):
        t.add_row(f"{name} written", str(getattr(s, name)))
    rate = s.read / s.elapsed if s.elapsed else 0.0
    t.add_row("elapsed", f"{s.elapsed:.1f} s ({rate:.1f} articles/s)")
    t.add_row("store generation", str(s.generation))
    out.print(t)


def _open_log(path: Path) -> IO[str]:
    """The per-article log, opened for appending; an unwritable path is a one-line error."""
    try:
        return path.open("a", encoding="utf-8")
    except OSError as e:
        raise KGError(f"cannot write the log {path}: {e.strerror or e}") from e


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Article files or directories (.txt .md .html .json "
                                                     ".jsonl[.gz]); one document or JSON line may hold at most "
                                                     "KG_MAX_INPUT_BYTES (16M by default).")],
    store: StoreOption = DEFAULT_STORE,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Extraction worker processes (default: the "
                                      "number of CPUs).")] = os.cpu_count() or 1,
    force: Annotated[bool, typer.Option("--force", help="Re-extract unchanged articles too.")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Summary format (table or json).")]
    = OutputFormat.table,
    log: Annotated[Path | None, typer.Option("--log", help="Append one JSON line per article to this file as "
                                             "soon as it is stored ({id, path, outcome, generation}) or "
                                             "fails ({outcome: failed, error}).")] = None,
) -> None:
    """Read articles, extract their facts and store them (each article whole, new ones in batches)."""
    from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from loaders.sources import iter_articles

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            return Text(f"{task.completed / elapsed if elapsed else 0:.1f} articles/s", style="cyan")

    log_file = _open_log(log) if log is not None else None

    def write_log(record: dict[str, Any]) -> None:
        if log_file is not None:
            log_file.write(json.dumps(record, ensure_ascii=False) + "\n")
            log_file.flush()

    def report(message: str) -> None:
        write_log({"outcome": "failed", "error": message})
        progress.console.print(f"[red]error[/red]: {one_line(message)}", highlight=False, soft_wrap=True)

    def on_stored(article: Article, outcome: str) -> None:
        write_log({"id": article.id, "path": article.path, "outcome": outcome, "generation": st.generation})

    with open_store(store, write=True) as st:
        progress = Progress(SpinnerColumn(), TextColumn("[bold]ingest[/bold]"), BarColumn(bar_width=None),
                            TextColumn("{task.completed} articles"), RateColumn(),
                            TextColumn("[green]+{task.fields[added]}[/green] [yellow]~{task.fields[replaced]}"
                                       "[/yellow] [red]!{task.fields[failed]}[/red]"),
                            TimeElapsedColumn(), console=err, transient=True)
        task = progress.add_task("ingest", total=None, added=0, replaced=0, failed=0)

        def on_progress(s: IngestSummary) -> None:
            progress.update(task, completed=s.added + s.replaced + s.unchanged + s.failed, added=s.added,
                            replaced=s.replaced, failed=s.failed)

        summary = IngestSummary()
        interrupted = False
        with progress:
            try:
                ingest_articles(st, iter_articles(paths), jobs=jobs, force=force, on_failure=report,
                                on_progress=on_progress, on_stored=on_stored, summary=summary)
            except KeyboardInterrupt:
                interrupted = True
            finally:
                if log_file is not None:
                    log_file.close()
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(asdict(summary), indent=1) + "\n")
    else:
        _summary_table(summary, interrupted)
    if interrupted:
        raise KeyboardInterrupt
    if summary.failed:
        raise typer.Exit(1)


# ------------------------------------------------------------------------------------ remove / stats --

def remove(
    article_ids: Annotated[list[str], typer.Argument(metavar="ARTICLE_ID...", help="Ids of stored articles.")],
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Remove articles and every fact read from them (entities no other article mentions go too)."""
    from kg.errors import StoreError

    with open_store(store, write=True) as st:
        missing = []
        for aid in article_ids:
            if st.remove_article(aid):
                err.print(f"removed {one_line(aid)}")
            else:
                missing.append(aid)
        if missing:
            raise StoreError(f"no article {', '.join(missing)} in the store at {store}")
        err.print(f"[dim]store generation {st.generation}[/dim]")


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{n} B"
        size /= 1024
    return f"{n} B"


def stats(store: StoreOption = DEFAULT_STORE, fmt: FormatOption = OutputFormat.table) -> None:
    """Counts by class and by relation, articles and their date range, store size."""
    with open_store(store) as st:
        data = st.stats()
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")
        return
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        render_rows(["section", "name", "count"],
                    [("class", k, v) for k, v in data["classes"].items()]
                    + [("relation", k, v["article"] + v["catalog"]) for k, v in data["relations"].items()], fmt)
        return
    from rich.table import Table

    a = data["articles"]
    summary = Table(title="Store", header_style="bold cyan", show_header=False)
    summary.add_column()
    summary.add_column(justify="right")
    for name, value in (("path", str(store)), ("articles", a["count"]),
                        ("published", f"{a['first'] or '—'} … {a['last'] or '—'}"
                                      + (f" ({a['undated']} undated)" if a["undated"] else "")),
                        ("entities (catalog / discovered)",
                         f"{data['entities']['catalog']} / {data['entities']['discovered']}"),
                        ("quads", data["quads"]), ("generation", data["generation"]),
                        ("size on disk", _human_bytes(data["size_bytes"]))):
        summary.add_row(name, str(value))
    out.print(summary)
    classes = Table(title="Instances by class", header_style="bold cyan")
    classes.add_column("class")
    classes.add_column("count", justify="right")
    for name, n in data["classes"].items():
        classes.add_row(name, str(n))
    out.print(classes)
    rels = Table(title="Relations", header_style="bold cyan")
    for c in ("relation", "from articles", "catalog", "distinct triples"):
        rels.add_column(c, justify="left" if c == "relation" else "right")
    for name, v in data["relations"].items():
        rels.add_row(name, str(v["article"]), str(v["catalog"]), str(v["distinct"]))
    out.print(rels)


# --------------------------------------------------------------------------------------------- sparql --

def read_query_arg(text: str, suffixes: tuple[str, ...] = (".rq", ".sparql", ".ru")) -> str:
    """The query itself, or the content of the file it names."""
    p = Path(text)
    looks_like_file = "\n" not in text and len(text) < 4096 and (p.suffix in suffixes or p.is_file())
    if looks_like_file:
        try:
            return p.read_text(encoding="utf-8")
        except OSError as e:
            raise KGError(f"cannot read the query file {text}: {e.strerror}") from e
    return text


def sparql(
    query: Annotated[str, typer.Argument(metavar="QUERY|FILE", help="A SPARQL query, or a .rq file holding one.")],
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = OutputFormat.table,
    write: Annotated[bool, typer.Option("--write", help="Allow SPARQL Update (changes the store).")] = False,
    engine: Annotated[str, typer.Option("--engine", help="oxigraph (default), oxrdflib (the same through "
                                        "rdflib's API) or rdflib (its own evaluator, in memory: slow).")]
    = "oxigraph",
) -> None:
    """SPARQL 1.1 over the union of all graphs; read-only unless --write."""
    from kg.sparql import run_query

    text = read_query_arg(query)
    with open_store(store, write=write) as st:
        result = run_query(st, text, write=write, engine=engine)
        if result.kind == "update":
            err.print(f"update applied; store generation {st.generation}")
            return
    render_rows(result.columns, result.rows, fmt)


# ------------------------------------------------------------------------------------------- validate --

def validate(
    store: StoreOption = DEFAULT_STORE,
    article: Annotated[list[str] | None, typer.Option("--article", "-a", help="Validate only this article "
                                                      "(repeatable).")] = None,
    sample: Annotated[int | None, typer.Option("--sample", min=1, help="Validate a random sample of this many "
                                               "articles (and the catalog).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes checking batches of 200 "
                                      "articles (default: the number of CPUs).")] = os.cpu_count() or 1,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Check the store against the SHACL shapes (structure, and each relation's domain and range)."""
    from kg.validate import validate_store

    with open_store(store) as st:
        report = validate_store(st, articles=article or None, sample=sample, jobs=jobs)
    rows = [(v.severity, v.focus, v.path, v.value, v.message, v.shape) for v in report.violations]
    if rows or fmt is not OutputFormat.table:
        render_rows(["severity", "focus", "path", "value", "message", "shape"], rows, fmt,
                    title="SHACL violations")
    err.print(f"{'[green]conforms[/green]' if report.conforms else '[red]does not conform[/red]'}: "
              f"{len(report.violations)} violation(s) over {report.triples} triples")
    if not report.conforms:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("remove")(remove)
    app.command("stats")(stats)
    app.command("sparql")(sparql)
    app.command("validate")(validate)

"""`kg export`: cut a subgraph out of the store and write it in the format another tool reads.

The command only parses options, opens the store and picks the output; selection lives in
`kg.export.select` and every format in its own module of `kg.export` (see `kg export --list-formats`).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import DEFAULT_STORE, StoreOption, err, out
from kg.errors import KGError

# An --around export read from the store that takes this long gets a hint to build the Cypher projection.
SLOW_AROUND_S = 3.0

if TYPE_CHECKING:
    from kg.export.registry import Format
    from kg.export.select import Subgraph


class ExportError(KGError):
    """Bad export options or an output that cannot be written."""


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ExportError(f"{option} '{value}' is not a date (YYYY-MM-DD)") from None


def _split(values: list[str] | None) -> tuple[str, ...]:
    """Comma-separated values, from one option or several."""
    return tuple(x.strip() for v in values or [] for x in v.split(",") if x.strip())


def _params(values: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for v in values or []:
        name, sep, value = v.partition("=")
        if not sep or not name.strip():
            raise ExportError(f"--param '{v}': write NAME=VALUE")
        params[name.strip()] = value
    return params


def choose_format(fmt: str | None, output: str) -> Format:
    """The format asked for, else the one the output's extension names."""
    from kg.export.registry import format_for_path, get_format

    if fmt:
        return get_format(fmt)
    if output == "-":
        raise ExportError("pass --format when writing to stdout (-o -)")
    if Path(output).is_dir():
        raise ExportError(f"{output} is a directory: pass --format (csv writes nodes.csv and edges.csv into it)")
    return format_for_path(output)


def _human(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def write_output(sub: Subgraph, fmt: Format, output: str, **opts: object) -> int:
    """Write the subgraph to a file (atomically: a temporary file renamed into place), a directory (csv)
    or stdout; the number of bytes written."""
    writer = fmt.load()
    path = Path(output)
    if fmt.name == "csv" and output != "-" and not output.casefold().endswith(".zip"):
        if path.suffix and not path.is_dir():
            raise ExportError(f"csv writes two tables (nodes.csv, edges.csv): give -o a directory or a .zip, "
                              f"not {path.name}")
        from kg.export.csv_tables import write_directory

        try:
            return sum(p.stat().st_size for p in write_directory(sub, path))
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e.strerror or e}") from e
    if output == "-":
        if fmt.name == "csv" and sys.stdout.isatty():
            raise ExportError("csv to stdout is a zip archive: redirect it to a file, or give -o DIR or -o FILE.zip")
        sys.stdout.flush()
        stream = sys.stdout.buffer
        before = stream.tell() if stream.seekable() else 0
        writer(sub, stream, **opts)
        stream.flush()
        return (stream.tell() - before) if stream.seekable() else 0
    if path.is_dir():
        raise ExportError(f"{path} is a directory; {fmt.name} writes one file")
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            writer(sub, f, **opts)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from e
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path.stat().st_size


def _list_formats() -> None:
    from rich.table import Table

    from kg.export.registry import FORMATS

    t = Table(title="Export formats", header_style="bold cyan")
    for c in ("format", "extensions", "holds", "description"):
        t.add_column(c, overflow="fold")
    for f in FORMATS.values():
        holds = f"{f.model}{' + named graphs' if f.datasets else ''}"
        t.add_row(f.name, " ".join(f.extensions), holds, f.description)
    out.print(t)


def export(
    around: Annotated[list[str] | None, typer.Option(
        "--around", "-a", help="Start from this entity (key, label, alias or any name it appeared under); "
        "repeat for several.")] = None,
    depth: Annotated[int, typer.Option("--depth", "-d", help="Hops from the --around entities.")] = 1,
    types: Annotated[list[str] | None, typer.Option(
        "--types", "-t", help="Keep entities of these ontology classes (super-classes allowed), e.g. "
        "Company,Policy,Chip; add Observation to keep observations.")] = None,
    relations: Annotated[list[str] | None, typer.Option(
        "--relations", "-r", help="Keep only these relations, e.g. develops,targets.")] = None,
    since: Annotated[str | None, typer.Option(help="Facts from articles published on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Facts from articles published on or before this date.")] = None,
    article: Annotated[list[str] | None, typer.Option(
        "--article", help="Facts of this article (id); repeat for several.")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", help="Facts with at least this confidence.")] = None,
    query: Annotated[str | None, typer.Option(
        "--query", "-q", help="A named query or a query file (.rq, .cypher): the entities its rows name "
        "define the subgraph.")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="NAME=VALUE for a named --query; repeat for several.")] = None,
    with_evidence: Annotated[bool, typer.Option(
        "--with-evidence", help="Keep Article nodes (and, in RDF, Sentence nodes) of the facts.")] = False,
    reference: Annotated[bool | None, typer.Option(
        "--reference/--no-reference", help="Catalog facts in or out (default: in, unless --article, --since "
        "or --until select article facts).", show_default=False)] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="Output format (default: from the -o extension); see --list-formats.")] = None,
    output: Annotated[str, typer.Option(
        "--output", "-o", help="Output file, a directory for csv, or - for stdout.")] = "-",
    title: Annotated[str | None, typer.Option(help="Heading of the HTML page.")] = None,
    list_formats: Annotated[bool, typer.Option("--list-formats", help="List the formats and exit.")] = False,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Export a subgraph: a neighbourhood, some types or relations, a period, an article or a query's result,
    as Turtle, N-Triples, N-Quads, TriG, JSON-LD, GraphML, GEXF, CSV, Cypher or one HTML page."""
    if list_formats:
        _list_formats()
        return
    from kg.cli.ingest import open_store
    from kg.export.select import Selection, select

    chosen = choose_format(fmt, output)
    selection = Selection(
        around=tuple(around or ()), depth=depth, types=_split(types), relations=_split(relations),
        since=_date(since, "--since"), until=_date(until, "--until"), article=tuple(article or ()),
        min_confidence=min_confidence, query=query, query_params=_params(param), with_evidence=with_evidence,
        reference=reference,
    )
    if param and not query:
        raise ExportError("--param needs --query")
    started = time.monotonic()
    opts = {"title": title} if title else {}
    with open_store(store) as st:  # the RDF formats read their quads from the store while writing
        sub = select(st, selection)
        size = write_output(sub, chosen, output, **opts)
    elapsed = time.monotonic() - started
    c = sub.counts()
    if not sub.nodes:
        err.print("[yellow]warning[/yellow]: the selection is empty")
    where = "stdout" if output == "-" else output
    quads = f", {c['quads']} quads" if "quads" in c else ""
    err.print(f"[green]wrote[/green] {where} ({chosen.name}): {c['nodes']} nodes, {c['edges']} edges{quads}"
              + (f", {_human(size)}" if size else "") + f" in {elapsed:.2f} s",
              highlight=False, soft_wrap=True)
    if selection.around and sub.read_from == "store" and elapsed >= SLOW_AROUND_S:
        err.print("[dim]hint: the neighbourhood was read from the store; `kg cypher 'RETURN 1'` brings the Cypher "
                  "projection up to date, and --around exports then read it there, several times faster[/dim]",
                  highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("export")(export)

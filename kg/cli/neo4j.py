"""`kg neo4j push|pull|query|bundle`: the store in a Neo4j server and back, Cypher on it, offline bundles.

The password is never an option: it comes from `--config FILE`, `NEO4J_PASSWORD`,
`~/.config/chinatech-kg/neo4j.toml` (mode 600) or a prompt.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kg.cli.common import DEFAULT_STORE, FormatOption, OutputFormat, StoreOption, err, out, render_rows

if TYPE_CHECKING:
    from kg.neo4j.connect import Settings

neo4j_app = typer.Typer(
    name="neo4j",
    help="Load the graph into Neo4j and back, run Cypher there, or build offline import bundles.\n\n"
         "The password comes from NEO4J_PASSWORD, a config file (--config, or ~/.config/chinatech-kg/neo4j.toml "
         "with mode 600: password = \"…\") or a prompt; never from the command line.",
    no_args_is_help=True,
)

UriOption = Annotated[str | None, typer.Option(
    "--uri", envvar="NEO4J_URI", show_default="bolt://localhost:7687",
    help="Server URI: bolt://, neo4j://, bolt+s:// or neo4j+s://.")]
UserOption = Annotated[str | None, typer.Option("--user", envvar="NEO4J_USER", show_default="neo4j", help="User name.")]
DatabaseOption = Annotated[str | None, typer.Option(
    "--database", "-d", envvar="NEO4J_DATABASE", help="Database (default: the server's home database).")]
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="TOML file with password (and uri, user, database); must be mode 600. "
                     "Password otherwise from NEO4J_PASSWORD, ~/.config/chinatech-kg/neo4j.toml or a prompt.")]


def _settings(uri: str | None, user: str | None, database: str | None, config: Path | None) -> Settings:
    from kg.neo4j.connect import resolve_settings

    return resolve_settings(uri, user, database, config)


@neo4j_app.command()
def push(
    store: StoreOption = DEFAULT_STORE,
    uri: UriOption = None,
    user: UserOption = None,
    database: DatabaseOption = None,
    config: ConfigOption = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per UNWIND statement.")] = 5000,
    wipe: Annotated[bool, typer.Option("--wipe", help="Delete everything in the database first.")] = False,
    prune: Annotated[bool, typer.Option(
        "--prune", help="Afterwards delete what earlier pushes wrote that the store no longer holds "
                        "(removed or replaced articles); nodes and relationships push did not write stay.")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Summary format (table or json).")]
    = OutputFormat.table,
) -> None:
    """Load the store into Neo4j: constraints first, then batched MERGE; re-pushing creates nothing new."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kg.cli.ingest import open_store
    from kg.neo4j.connect import open_driver
    from kg.neo4j.push import graph_for_push, push_graph

    settings = _settings(uri, user, database, config)
    with open_store(store) as st:
        err.print(f"[dim]projecting {store}…[/dim]")
        graph = graph_for_push(st)
    with open_driver(settings) as driver:
        progress = Progress(SpinnerColumn(), TextColumn("[bold]push[/bold]"), BarColumn(bar_width=None),
                            MofNCompleteColumn(), TextColumn("rows"), TimeElapsedColumn(), console=err,
                            transient=True)
        task = progress.add_task("push", total=len(graph.nodes) + len(graph.edges))
        with progress:
            stats = push_graph(driver, settings, graph, batch_size=batch_size, wipe_first=wipe,
                               prune_stale=prune, progress=lambda n: progress.advance(task, n))
    if fmt is OutputFormat.json:
        d = asdict(stats) | {"nodes_present": stats.nodes_present, "relationships_present": stats.relationships_present,
                             "relationships_per_second": round(stats.relationships_per_second, 1),
                             "server": settings.where}
        sys.stdout.write(json.dumps(d, indent=1) + "\n")
        return
    from rich.table import Table

    t = Table(title=f"pushed to {settings.where}", header_style="bold cyan")
    for c in ("", "created", "already present", "total"):
        t.add_column(c, justify="right" if c else "left")
    t.add_row("nodes", f"{stats.nodes_created:,}", f"{stats.nodes_present:,}", f"{stats.nodes:,}")
    t.add_row("relationships", f"{stats.relationships_created:,}", f"{stats.relationships_present:,}",
              f"{stats.relationships:,}")
    out.print(t)
    notes = [f"{stats.seconds:.1f} s", f"{stats.relationships_per_second:,.0f} relationships/s",
             f"{stats.statements} statements"]
    if wipe:
        notes.append(f"{stats.deleted_nodes:,} nodes deleted first")
    if prune:
        notes.append(f"{stats.pruned_nodes:,} nodes and {stats.pruned_relationships:,} relationships pruned")
    if stats.relabelled:
        notes.append(f"{stats.relabelled} nodes relabelled")
    out.print(" · ".join(notes))
    if stats.missing_ends:
        err.print(f"[yellow]warning[/yellow]: {stats.missing_ends} relationships skipped: an end node was missing")


@neo4j_app.command()
def pull(
    store: StoreOption = DEFAULT_STORE,
    uri: UriOption = None,
    user: UserOption = None,
    database: DatabaseOption = None,
    config: ConfigOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Summary format (table or json).")]
    = OutputFormat.table,
) -> None:
    """Read a graph written by `kg neo4j push` back into the store, one article at a time."""
    from kg.cli.ingest import open_store
    from kg.neo4j.connect import open_driver
    from kg.neo4j.pull import PullStats, pull_into, read_graph

    settings = _settings(uri, user, database, config)
    stats = PullStats()
    with open_driver(settings) as driver:
        err.print(f"[dim]reading {settings.where}…[/dim]")
        graph = read_graph(driver, settings, stats)
    with open_store(store, write=True) as st:
        pull_into(st, graph, stats)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(asdict(stats), indent=1) + "\n")
        return
    out.print(f"read {stats.nodes:,} nodes and {stats.relationships:,} relationships; "
              + ", ".join(f"{n} articles {k}" for k, n in sorted(stats.outcomes.items())) or "no articles")
    for reason, n in sorted(stats.dropped.items()):
        err.print(f"[dim]not carried over: {n} × {reason}[/dim]")


def _parse_params(items: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs, values as given (a named query types them by its header)."""
    from kg.errors import QueryError

    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param expects NAME=VALUE, got {item!r}")
        params[key.strip()] = value
    return params


def _typed(value: str) -> Any:
    """A parameter of ad-hoc Cypher: JSON when it reads as JSON (numbers, true, lists…), else the string."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


@neo4j_app.command()
def query(
    query: Annotated[str, typer.Argument(metavar="NAME|CYPHER", help="A named query of queries/ or Cypher text.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="Parameter NAME=VALUE (repeatable).")]
    = None,
    uri: UriOption = None,
    user: UserOption = None,
    database: DatabaseOption = None,
    config: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    write: Annotated[bool, typer.Option("--write", help="Run in a write transaction (default: read-only).")]
    = False,
) -> None:
    """Run a named Cypher query of queries/ (e.g. `policy-exposure`) or a Cypher string on the server.

    Entity parameters of named queries take a key, name or alias, looked up on the server."""
    from kg.neo4j.connect import open_driver, run_read, run_write
    from kg.neo4j.queries import bind_named_query, find_named_query

    raw = _parse_params(param or [])
    named = find_named_query(query)
    settings = _settings(uri, user, database, config)
    with open_driver(settings) as driver:
        if named is not None:
            text, params = bind_named_query(driver, settings, named, raw)
        else:
            text, params = query, {k: _typed(v) for k, v in raw.items()}

        def work(tx: Any) -> tuple[list[str], list[list[Any]]]:
            res = tx.run(text, params)
            return list(res.keys()), [[_plain(v) for v in r.values()] for r in res]

        columns, rows = (run_write if write else run_read)(driver, settings, work)
    render_rows(columns, rows, fmt, title=named.title if named is not None else None)


def _plain(v: Any) -> Any:
    """Driver values as plain Python: nodes and relationships as their properties, temporal as ISO text."""
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "element_id") and hasattr(v, "items"):
        return dict(v.items())
    if hasattr(v, "nodes") and hasattr(v, "relationships"):  # a path
        return [n.get("label") or n.get("key") for n in v.nodes]
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return v


@neo4j_app.command()
def bundle(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="Directory to write the bundle into.")],
    store: StoreOption = DEFAULT_STORE,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per statement in the script.")]
    = 1000,
) -> None:
    """Write an offline bundle: cypher-shell script, neo4j-admin import CSVs, Browser style and guide."""
    from kg.cli.ingest import open_store
    from kg.neo4j.bundle import write_bundle
    from kg.neo4j.push import graph_for_push

    with open_store(store) as st:
        graph = graph_for_push(st)
    files = write_bundle(graph, out_dir, batch_size=batch_size)
    for path in files:
        out.print(str(path))
    err.print(f"[dim]{len(graph.nodes):,} nodes, {len(graph.edges):,} relationships; "
              f"see {out_dir / 'README.txt'}[/dim]")


def register(app: typer.Typer) -> None:
    """Add the `neo4j` command group to `kg`."""
    app.add_typer(neo4j_app, name="neo4j")

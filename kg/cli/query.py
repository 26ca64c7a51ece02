"""`kg cypher` and `kg query list|show|run`: Cypher on the property-graph projection and the named queries.

Thin wrappers: `kg.cypher` runs Cypher (LadybugDB, kept in step with the store), `kg.queries` reads and
runs the named queries in `queries/`.
"""
from __future__ import annotations

from typing import Annotated

import typer

from kg.cli.common import DEFAULT_STORE, FormatOption, OutputFormat, StoreOption, err, out, render_rows
from kg.errors import QueryError

query_app = typer.Typer(help="The named analyst questions in queries/, in Cypher or SPARQL.", no_args_is_help=True)


def _parse_params(pairs: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param wants NAME=VALUE, got {pair!r}")
        params[name.strip()] = value
    return params


def cypher(
    query: Annotated[str, typer.Argument(metavar="QUERY|FILE", help="A Cypher query, or a .cypher file holding one.")],
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = OutputFormat.table,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A query parameter NAME=VALUE "
                                                     "(a string; repeatable), used as $NAME.")] = None,
    write: Annotated[bool, typer.Option("--write", help="Allow updating clauses (they change the Cypher "
                                        "projection only, until the store changes).")] = False,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Give up after this many seconds.")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild the projection first.")] = False,
) -> None:
    """Cypher over the property-graph projection (LadybugDB, no server); read-only unless --write."""
    from kg.cli.ingest import open_store, read_query_arg
    from kg.cypher import CypherDB, refresh

    text = read_query_arg(query, suffixes=(".cypher", ".cql", ".cyp"))
    with open_store(store) as st:
        path, stats = refresh(st, force=rebuild)
        if stats is not None:
            what = f"updated ({stats.articles} articles)" if stats.incremental else "rebuilt"
            err.print(f"[dim]Cypher projection {what} for store generation {st.generation}: {stats.nodes} nodes, "
                      f"{stats.edges} relationships written in {stats.project_s + stats.load_s:.1f} s[/dim]")
    if write:
        err.print("[yellow]--write changes the Cypher projection only; the RDF store is unchanged and the "
                  "projection is rebuilt from it when the store changes[/yellow]")
    with CypherDB(path, write=write) as db:
        columns, rows = db.run(text, _parse_params(param), timeout_s=timeout)
    render_rows(columns, rows, fmt)


@query_app.command("list")
def list_(fmt: FormatOption = OutputFormat.table) -> None:
    """The named queries: name, title, languages and parameters."""
    from kg.queries import list_queries, load_query

    rows = []
    for name, title, langs in list_queries():
        q = load_query(name, langs[0])
        params = ", ".join(f"{p.name}: {p.type}" + ("" if p.required else f" = {p.default}") for p in q.params)
        rows.append((name, title, " ".join(langs), params))
    render_rows(["name", "title", "languages", "parameters"], rows, fmt, title="Named queries")


@query_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="The query's name (see `kg query list`).")],
    lang: Annotated[str, typer.Option("--lang", "-l", help="cypher or sparql.")] = "cypher",
    dialect: Annotated[str | None, typer.Option("--dialect", help="For Cypher: ladybug (default) or neo4j.")] = None,
) -> None:
    """A named query's title, description, parameters and text."""
    from rich.syntax import Syntax

    from kg.queries import describe, load_query

    q = load_query(name, lang)
    out.print(f"[bold]{q.title}[/bold]  [dim]({q.name}, {q.lang})[/dim]")
    if q.description:
        out.print(q.description)
    if q.dialect_note:
        out.print(f"[dim]dialect: {q.dialect_note}[/dim]")
    if q.params:
        render_rows(["parameter", "type", "default", "description"], describe(q), OutputFormat.table)
    text = q.body(dialect)
    if out.is_terminal:
        out.print(Syntax(text, "cypher" if lang == "cypher" else "sparql", theme="ansi_dark", word_wrap=True))
    else:
        print(text)  # whole lines, so that the text can be piped on


@query_app.command("run")
def run(
    name: Annotated[str, typer.Argument(help="The query's name (see `kg query list`).")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (repeatable); "
                                                     "see `kg query show NAME`.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="cypher or sparql (default: cypher; "
                                             "sparql with --endpoint).")] = None,
    store: StoreOption = DEFAULT_STORE,
    endpoint: Annotated[str | None, typer.Option("--endpoint", envvar="KG_SPARQL_ENDPOINT", help="Run the "
                                                 "SPARQL form on this SPARQL 1.1 endpoint URL instead of the "
                                                 "store (see docs/scaling.md).")] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Run a named query with typed parameters (defaults from its header)."""
    from kg.cli.ingest import open_store
    from kg.queries import load_query, run_query

    lang = lang or ("sparql" if endpoint else "cypher")
    if endpoint and lang != "sparql":
        raise QueryError("--endpoint runs the SPARQL form of a named query (--lang sparql); for Cypher on a "
                         "server, push the store to Neo4j and use `kg neo4j query`")
    q = load_query(name, lang)
    if endpoint:
        from kg.endpoint import SparqlEndpoint

        columns, rows = run_query(SparqlEndpoint(endpoint), name, _parse_params(param), lang=lang)
    else:
        with open_store(store) as st:
            columns, rows = run_query(st, name, _parse_params(param), lang=lang)
    render_rows(columns, rows, fmt, title=q.title)


def register(app: typer.Typer) -> None:
    app.command("cypher")(cypher)
    app.add_typer(query_app, name="query")

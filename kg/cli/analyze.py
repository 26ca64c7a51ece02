"""`kg analyze centrality|communities|path A B`: networkx analytics on the property-graph projection."""
from __future__ import annotations

from typing import Annotated

import typer

from kg.cli.common import DEFAULT_STORE, FormatOption, OutputFormat, StoreOption, err, render_rows

analyze_app = typer.Typer(help="networkx analytics on the projection: centrality, communities, paths.",
                          no_args_is_help=True)


def _graph(store_path: object) -> tuple[object, object]:
    """(store, MultiDiGraph) for the store at `store_path`; the caller closes the store."""
    from kg.analysis import to_networkx
    from kg.cli.ingest import open_store
    from kg.projection import project

    st = open_store(store_path)  # type: ignore[arg-type]
    try:
        return st, to_networkx(project(st))
    except BaseException:
        st.close()
        raise


@analyze_app.command("centrality")
def centrality_cmd(
    store: StoreOption = DEFAULT_STORE,
    top: Annotated[int, typer.Option("--top", "-n", help="How many entities.")] = 20,
    measure: Annotated[str, typer.Option("--measure", "-m", help="pagerank, degree or betweenness.")] = "pagerank",
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The most central entities."""
    from kg.analysis import centrality

    st, graph = _graph(store)
    with st:  # type: ignore[attr-defined]
        ranked = centrality(graph, top=top, measure=measure)  # type: ignore[arg-type]
    render_rows(["rank", "key", "entity", "type", measure, "neighbours"],
                [(i, r.key, r.label, r.type, round(r.score, 6), r.degree) for i, r in enumerate(ranked, 1)],
                fmt, title=f"Centrality ({measure})")


@analyze_app.command("communities")
def communities_cmd(
    store: StoreOption = DEFAULT_STORE,
    method: Annotated[str, typer.Option("--method", help="louvain or greedy (modularity).")] = "louvain",
    top: Annotated[int, typer.Option("--top", "-n", help="How many communities.")] = 20,
    members: Annotated[int, typer.Option("--members", help="Members shown per community.")] = 8,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Communities of entities (largest first), with their best-connected members."""
    from kg.analysis import communities

    st, graph = _graph(store)
    with st:  # type: ignore[attr-defined]
        found = communities(graph, method=method)  # type: ignore[arg-type]
    rows = [(i, len(c.members), c.internal_edges, ", ".join(c.labels[:members]) + (" …" if len(c.labels) > members
                                                                                   else ""))
            for i, c in enumerate(found[:top], 1)]
    render_rows(["community", "size", "links", "members"], rows, fmt, title=f"Communities ({method})")
    if len(found) > top:
        err.print(f"[dim]{len(found) - top} smaller communities not shown (--top)[/dim]")


@analyze_app.command("path")
def path_cmd(
    a: Annotated[str, typer.Argument(help="An entity: key, name or alias.")],
    b: Annotated[str, typer.Argument(help="Another entity.")],
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """A shortest path between two entities, each hop with its relation and one evidence sentence."""
    from kg.analysis import shortest_path
    from kg.queries import resolve_entity

    st, graph = _graph(store)
    with st:  # type: ignore[attr-defined]
        ka, kb = resolve_entity(st, a), resolve_entity(st, b)
        hops = shortest_path(graph, ka, kb)  # type: ignore[arg-type]
    label = graph.nodes  # type: ignore[attr-defined]
    rows = [(i, label[h.src]["label"], ("-" if h.forward else "<-") + h.predicate + ("->" if h.forward else "-"),
             label[h.dst]["label"], h.evidence or "") for i, h in enumerate(hops, 1)]
    render_rows(["hop", "from", "relation", "to", "evidence"], rows, fmt,
                title=f"{label[ka]['label']} → {label[kb]['label']}: {len(hops)} hop{'s' if len(hops) != 1 else ''}")


def register(app: typer.Typer) -> None:
    app.add_typer(analyze_app, name="analyze")

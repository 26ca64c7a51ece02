"""The named Cypher queries of `queries/` (parsed by `kg.queries`), bound for a Neo4j server.

Entity parameters (a key, name or alias) are resolved where the data is: on the server for
`kg neo4j query`, in the pushed graph for the Browser guide of an offline bundle.
"""
from __future__ import annotations

import re
from typing import Any

from kg.errors import QueryError
from kg.neo4j.connect import Settings, run_read

__all__ = ["find_named_query", "named_cypher_queries", "bind_named_query", "resolve_on_server", "resolve_in_graph"]

_RESOLVE = """MATCH (e:`Entity`) WHERE e.`key` = $name RETURN e.`key` AS key, 0 AS how
UNION MATCH (e:`Entity`) WHERE toLower(e.`label`) = toLower($name) RETURN e.`key` AS key, 1 AS how
UNION MATCH (e:`Entity`) UNWIND coalesce(e.`aliases`, []) AS alias WITH e, alias
      WHERE toLower(alias) = toLower($name) RETURN e.`key` AS key, 2 AS how"""


def find_named_query(name: str) -> Any | None:
    """The `kg.queries.NamedQuery` for `queries/NAME.cypher`, or None when `name` is not one (then it is
    taken as Cypher text)."""
    from kg.queries import load_query, query_dir

    if not re.fullmatch(r"[\w.-]+", name) or not (query_dir() / f"{name}.cypher").is_file():
        return None
    return load_query(name, "cypher")


def named_cypher_queries() -> list[Any]:
    """Every named query that has a Cypher text, by name."""
    from kg.queries import load_query, query_dir, query_names

    return [load_query(n, "cypher") for n in query_names() if (query_dir() / f"{n}.cypher").is_file()]


def _pick(name: str, found: list[tuple[str, int]], where: str = "") -> str:
    """The key of `name` from (key, how) rows: by key (0), else label (1), else alias (2)."""
    from kg.names import one_key

    return one_key(name, ([k for k, h in found if h == how] for how in (0, 1, 2)), where)


def resolve_on_server(driver: Any, settings: Settings, name: str) -> str:
    """The key of the entity called `name` on the server: its key, else its label, else an alias
    (case-insensitive)."""
    def work(tx: Any) -> list[tuple[str, int]]:
        return [(r["key"], r["how"]) for r in tx.run(_RESOLVE, name=name)]

    return _pick(name, run_read(driver, settings, work), " on the server")


def resolve_in_graph(graph: Any, name: str) -> str | None:
    """The key of the entity called `name` in a `PropertyGraph`, or None when it names none or several."""
    low = name.lower()
    found: list[tuple[str, int]] = []
    for n in graph.nodes:
        if "Entity" not in n.labels:
            continue
        if n.key == name:
            found.append((n.key, 0))
        if str(n.props.get("label") or "").lower() == low:
            found.append((n.key, 1))
        if any(str(a).lower() == low for a in n.props.get("aliases") or ()):
            found.append((n.key, 2))
    try:
        return _pick(name, found)
    except QueryError:
        return None


def bind_named_query(driver: Any, settings: Settings, query: Any, raw: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """The Neo4j text of a named query and its typed parameters, entity names resolved on the server."""
    from kg.queries import coerce_params, cypher_params

    values = coerce_params(query, raw)
    for p in query.params:
        if p.type == "entity" and values.get(p.name) is not None:
            values[p.name] = resolve_on_server(driver, settings, str(values[p.name]))
    return query.body("neo4j"), cypher_params(query, values)

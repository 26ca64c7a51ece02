"""A remote SPARQL 1.1 endpoint as a read-only store for SELECT and ASK queries (the named queries, entity
resolution), over the SPARQL 1.1 Protocol with JSON results; standard library only.

The named queries read the default graph as the union of all named graphs, as the local store does, so
the endpoint must answer that way: Oxigraph's server with `--union-default-graph`, Jena Fuseki/TDB2 with
`tdb2:unionDefaultGraph true`, GraphDB and Virtuoso by default (see docs/scaling.md).

>>> ep = SparqlEndpoint("http://localhost:7878/query")                 # doctest: +SKIP
>>> run_select(ep, "SELECT ?l WHERE { ?e ct:key 'baidu' ; rdfs:label ?l }")  # doctest: +SKIP
(['l'], [('Baidu',)])
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.sparql import PREFIXES, QueryResult, python_value

__all__ = ["SparqlEndpoint", "check_endpoint_url"]

_ACCEPT = "application/sparql-results+json"


def check_endpoint_url(url: str) -> str:
    """The URL when it is http(s) with a host, else a QueryError."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise QueryError(f"not a SPARQL endpoint URL: {url!r} (want http://host[:port]/path)")
    return url


def _term(cell: Mapping[str, Any] | None) -> Any:
    """A SPARQL JSON results cell as a pyoxigraph term (so that values convert exactly as local ones do)."""
    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if cell.get("xml:lang"):
        return ox.Literal(value, language=cell["xml:lang"])
    if cell.get("datatype"):
        return ox.Literal(value, datatype=ox.NamedNode(cell["datatype"]))
    return ox.Literal(value)


class SparqlEndpoint:
    """A SPARQL 1.1 query endpoint at `url` (the Engine interface of kg.sparql: `query(text)`)."""

    name = "endpoint"
    writable = False

    def __init__(self, url: str, *, timeout: float = 60.0, headers: Mapping[str, str] | None = None) -> None:
        self.url = check_endpoint_url(url)
        self.timeout = timeout
        self.headers = dict(headers or {})

    def __repr__(self) -> str:
        return f"SparqlEndpoint({self.url!r})"

    def query(self, query: str, bindings: Mapping[str, Any] | None = None) -> QueryResult:
        """Run a SELECT or ASK (the prefixes of kg.sparql declared first); rows as plain Python values."""
        if bindings:
            raise QueryError("a remote endpoint takes no bindings: write the values into the query")
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        body = urllib.parse.urlencode({"query": prologue + query}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT, **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                data = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip().splitlines()
            raise QueryError(f"the endpoint {self.url} refused the query ({e.code}): "
                             f"{detail[0][:300] if detail else e.reason}") from e
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise QueryError(f"cannot reach the SPARQL endpoint {self.url}: {reason}") from e
        except ValueError as e:
            raise QueryError(f"the endpoint {self.url} did not answer with SPARQL JSON results: {e}") from e
        if "boolean" in data:
            return QueryResult("ask", ["ask"], [(bool(data["boolean"]),)])
        columns = list(data.get("head", {}).get("vars", []))
        bindings_ = data.get("results", {}).get("bindings", [])
        rows = [tuple(python_value(_term(b.get(c))) for c in columns) for b in bindings_]
        return QueryResult("select", columns, rows)

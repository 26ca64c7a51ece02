"""SPARQL 1.1 over the store, behind a tiny interface: `run_select(store, query, bindings)`.

The default graph is the union of all named graphs (articles, entities, reference). Results come back as
plain Python values (str, int, float, bool, date, None) so that named queries, the Cypher helpers and
tests compare rows without RDF terms.

Engines (see bench/sparql_engines.py for the measurements behind the default):
- `oxigraph`: pyoxigraph's own evaluator on the store, no conversion layer (the default);
- `oxrdflib`: the same Oxigraph evaluator reached through rdflib's `Dataset.query` (oxrdflib plugin);
- `rdflib`: rdflib's pure-Python evaluator over an in-memory Dataset loaded from the same quads.

>>> run_select(store, "SELECT ?label WHERE { ?e ct:key 'baidu' ; rdfs:label ?label }")  # doctest: +SKIP
(['label'], [('Baidu',)])
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox

from kg.errors import QueryError
from ontology.schema import ARTICLE_BASE, ENTITY_BASE, GRAPH_BASE, NS, OWL, RDF, RDFS, SKOS, XSD

__all__ = [
    "PREFIXES", "rdflib_term", "Engine", "OxigraphEngine", "OxrdflibEngine", "RdflibEngine", "QueryResult", "ENGINES",
    "run_select", "run_query", "python_value", "to_term", "is_update", "oxigraph_of",
]

Row = tuple[Any, ...]

PREFIXES: dict[str, str] = {
    "ct": NS,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "owl": OWL,
    "id": ENTITY_BASE,
    "article": ARTICLE_BASE,
    "graph": GRAPH_BASE,
}

_INTS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                            "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                            "unsignedShort", "unsignedByte")}
_FLOATS = {XSD + t for t in ("double", "float", "decimal")}


def python_value(term: Any) -> Any:
    """An RDF term (pyoxigraph or rdflib) as a Python value: typed numbers, bool, date; IRIs and other
    literals as str; unbound as None."""
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is None:
        if isinstance(term, ox.BlankNode):
            return "_:" + term.value
        if getattr(term, "value", None) is not None and isinstance(term, ox.NamedNode | ox.Literal):
            return term.value
        return str(term)  # rdflib URIRef / BNode / plain Literal
    dt_iri = str(getattr(datatype, "value", datatype))
    lexical = str(term.value) if isinstance(term, ox.Literal) else str(term)
    try:
        if dt_iri in _INTS:
            return int(lexical)
        if dt_iri in _FLOATS:
            return float(lexical)
        if dt_iri == XSD + "boolean":
            return lexical in ("true", "1")
        if dt_iri == XSD + "date":
            return dt.date.fromisoformat(lexical[:10])
    except ValueError:
        return lexical
    return lexical


def to_term(value: Any) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """A Python binding as an RDF term: pyoxigraph terms pass through; str, int, float, bool, date become
    typed literals (build IRIs with `pyoxigraph.NamedNode`)."""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool | int | float | str):
        return ox.Literal(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    raise QueryError(f"cannot bind a {type(value).__name__} in a SPARQL query")


def oxigraph_of(store: Any) -> ox.Store:
    """The pyoxigraph Store behind a KGStore (or the Store itself)."""
    if isinstance(store, ox.Store):
        return store
    inner = getattr(store, "oxigraph", None)
    if isinstance(inner, ox.Store):
        return inner
    raise TypeError(f"not an RDF store: {type(store).__name__}")


def is_update(text: str) -> bool:
    """True when `text` parses as a SPARQL Update (rdflib's parser; nothing is executed)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except (ParseException, ValueError, TypeError):
        return False
    return True


@dataclass
class QueryResult:
    """What a SPARQL request returned: `kind` is select, ask, construct or update."""

    kind: str
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


class Engine(Protocol):
    """A SPARQL engine over one dataset, answering SELECT/ASK/CONSTRUCT with plain Python rows."""

    name: str

    def query(self, query: str, bindings: Mapping[str, Any] | None = None) -> QueryResult: ...


def _raise_query_error(text: str, e: Exception) -> None:
    if is_update(text):
        raise QueryError("this is a SPARQL Update; the store is read-only unless you pass --write") from e
    raise QueryError(f"invalid SPARQL: {e}") from e


class OxigraphEngine:
    """pyoxigraph's evaluator directly on the store (union default graph)."""

    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = oxigraph_of(store)

    def query(self, query: str, bindings: Mapping[str, Any] | None = None) -> QueryResult:
        subs = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True,
                                      substitutions=subs or None)
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ask", ["ask"], [(bool(result),)])
            if isinstance(result, ox.QuerySolutions):
                columns = [v.value for v in result.variables]
                n = len(columns)
                return QueryResult("select", columns, [tuple(python_value(s[i]) for i in range(n)) for s in result])
            return QueryResult("construct", ["subject", "predicate", "object"],
                               [(python_value(t.subject), python_value(t.predicate), python_value(t.object))
                                for t in result])
        except SyntaxError as e:
            _raise_query_error(query, e)
        except RuntimeError as e:
            if "SELECT projection" in str(e):  # Oxigraph substitutes only projected variables
                raise QueryError(f"a bound parameter must be a projected variable: {e}") from e
            raise QueryError(f"SPARQL query failed: {e}") from e
        except (OSError, ValueError, TypeError) as e:
            raise QueryError(f"SPARQL query failed: {e}") from e
        raise AssertionError("unreachable")


def _rdflib_rows(result: Any) -> QueryResult:
    if result.type == "ASK":
        return QueryResult("ask", ["ask"], [(bool(result.askAnswer),)])
    if result.type == "SELECT":
        columns = [str(v) for v in result.vars]
        return QueryResult("select", columns, [tuple(python_value(x) for x in row) for row in result])
    return QueryResult("construct", ["subject", "predicate", "object"],
                       [tuple(python_value(x) for x in t) for t in result])


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
    """A pyoxigraph term as rdflib's: plain strings without a datatype (rdflib tells "x" and "x"^^xsd:string
    apart, where RDF 1.1 and Oxigraph do not), language-tagged strings with their tag."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == XSD + "string" else Literal(term.value, datatype=URIRef(datatype))


class _RdflibDatasetEngine:
    dataset: Any

    def query(self, query: str, bindings: Mapping[str, Any] | None = None) -> QueryResult:
        init = {k: rdflib_term(to_term(v)) for k, v in (bindings or {}).items()}
        try:
            return _rdflib_rows(self.dataset.query(query, initNs=PREFIXES, initBindings=init))
        except Exception as e:  # rdflib raises pyparsing errors and plain Exceptions alike
            raise QueryError(f"SPARQL query failed: {e}") from e


class OxrdflibEngine(_RdflibDatasetEngine):
    """Oxigraph's evaluator reached through rdflib's API (`Dataset(store=OxigraphStore(...))`)."""

    name = "oxrdflib"

    def __init__(self, store: Any) -> None:
        from oxrdflib import OxigraphStore
        from rdflib import Dataset

        self.dataset = Dataset(store=OxigraphStore(store=oxigraph_of(store)), default_union=True)


class RdflibEngine(_RdflibDatasetEngine):
    """rdflib's own evaluator over an in-memory Dataset holding a copy of the store's quads."""

    name = "rdflib"

    def __init__(self, store: Any) -> None:
        from rdflib import Dataset

        data = ox.serialize(oxigraph_of(store), format=ox.RdfFormat.N_QUADS)
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(data=data, format="nquads")


ENGINES: dict[str, type[OxigraphEngine] | type[OxrdflibEngine] | type[RdflibEngine]] = {
    "oxigraph": OxigraphEngine, "oxrdflib": OxrdflibEngine, "rdflib": RdflibEngine,
}


def run_query(store: Any, query: str, bindings: Mapping[str, Any] | None = None, *,
              write: bool = False, engine: str = "oxigraph") -> QueryResult:
    """Run a SPARQL query on the store with one of `ENGINES`; with `write`, a SPARQL Update is run too (by
    Oxigraph, in one transaction)."""
    if engine not in ENGINES:
        raise QueryError(f"unknown SPARQL engine {engine!r} (one of {', '.join(ENGINES)})")
    try:
        return ENGINES[engine](store).query(query, bindings)
    except QueryError as e:
        if not (write and is_update(query)):
            raise
        if bindings:
            raise QueryError("parameters cannot be bound in a SPARQL Update") from e
    update = getattr(store, "update", None)
    if update is None or not getattr(store, "writable", False):
        raise QueryError("the store was opened read-only")
    try:
        update(query)
    except SyntaxError as e:
        raise QueryError(f"invalid SPARQL Update: {e}") from e
    except (OSError, RuntimeError, ValueError) as e:
        raise QueryError(f"SPARQL Update failed: {e}") from e
    return QueryResult("update")


def run_select(store: Any, query: str, bindings: Mapping[str, Any] | None = None) -> tuple[list[str], list[Row]]:
    """Run a SELECT (or ASK) and return (column names, rows of Python values).

    `bindings` substitute variables before evaluation (SEP-0007), e.g. `{"name": "Baidu"}`; Oxigraph
    substitutes only variables the query projects (`SELECT ?name …` or `SELECT *`). `store` may also be a
    remote `kg.endpoint.SparqlEndpoint`."""
    from kg.endpoint import SparqlEndpoint

    engine = store if isinstance(store, SparqlEndpoint) else OxigraphEngine(store)
    result = engine.query(query, bindings)
    if result.kind == "construct":
        raise QueryError("run_select expects a SELECT or ASK query")
    return result.columns, result.rows

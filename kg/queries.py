"""The named query library: one file per question per language in `queries/` (`NAME.cypher`, `NAME.rq`).

Each file starts with a header of comment lines (`//` in Cypher, `#` in SPARQL), the same in both
languages:

    // title: Policy exposure of index constituents
    // description: Which constituents of a stock index are targeted or affected by which policies,
    //   directly or through what they develop or use.
    // @param index: entity = "Hang Seng Tech Index" -- the stock index (key, name or alias)
    // @param limit: int = 25 -- at most this many rows

Parameter types: `str`, `int`, `float`, `bool`, `date` (ISO `YYYY-MM-DD`) and `entity` (a key, name or
alias, resolved to the entity's key before the query runs). A parameter without a default is required.
Values are passed as real query parameters in Cypher (`$name`). In SPARQL each `?name` is replaced, outside
strings, IRIs and comments and in sub-queries too, by the value as an escaped, typed literal (Oxigraph's own
substitution binds only projected variables, and `LIMIT`/`VALUES` want constants anyway).

A query that cannot be written in Cypher both LadybugDB and Neo4j 5 accept keeps the LadybugDB text first
and the Neo4j text after a line `// @dialect neo4j`; the header's `dialect:` line says why.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from string import Template
from typing import Any

from kg.errors import QueryError
from ontology.schema import XSD

__all__ = [
    "LANGS", "Param", "NamedQuery", "query_dir", "parse_query", "load_query", "list_queries", "query_names",
    "coerce_params", "bind_params", "resolve_entity", "describe", "cypher_params", "sparql_literal",
    "sparql_text", "run_query",
]

LANGS: dict[str, str] = {"cypher": ".cypher", "sparql": ".rq"}
_COMMENT = {"cypher": "//", "sparql": "#"}
PARAM_TYPES = ("str", "int", "float", "bool", "date", "entity")

_PARAM_RE = re.compile(
    r"""@param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>\w+)
        (?:\s*=\s*(?P<default>"(?:[^"\\]|\\.)*"|[^\s"]+))?
        (?:\s*(?:--|—)\s*(?P<desc>.*))?\s*$""",
    re.VERBOSE,
)
_DIALECT_RE = re.compile(r"^\s*//\s*@dialect\s+(\w+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Param:
    """A typed query parameter; `default` is already coerced (None: required)."""

    name: str
    type: str
    default: Any = None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def coerce(self, raw: Any) -> Any:
        """Turn a command-line string (or a Python value) into this parameter's type."""
        try:
            if self.type in ("str", "entity"):
                return str(raw)
            if self.type == "int":
                if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                    raise ValueError(raw)
                return int(raw)
            if self.type == "float":
                return float(raw)
            if self.type == "bool":
                if isinstance(raw, bool):
                    return raw
                low = str(raw).strip().lower()
                if low in ("true", "yes", "1"):
                    return True
                if low in ("false", "no", "0"):
                    return False
                raise ValueError(raw)
            if self.type == "date":
                return raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
        except (TypeError, ValueError):
            raise QueryError(f"parameter {self.name}: {raw!r} is not a valid {self.type}") from None
        raise QueryError(f"parameter {self.name}: unknown type {self.type}")


@dataclass(frozen=True)
class NamedQuery:
    """One query file: header fields, typed parameters and its text (per dialect for Cypher)."""

    name: str
    lang: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    dialects: Mapping[str, str] = field(default_factory=dict)
    dialect_note: str = ""
    path: Path | None = None

    def body(self, dialect: str | None = None) -> str:
        """The query text for `dialect` (`neo4j`, `ladybug`); the common text when it has no section."""
        if dialect and dialect in self.dialects:
            return self.dialects[dialect]
        return self.text

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise QueryError(f"{self.name} has no parameter {name!r} (has: {', '.join(p.name for p in self.params)})")


def query_dir() -> Path:
    """The directory of the named queries (the `queries` package)."""
    import queries

    return Path(queries.__file__).resolve().parent


def _parse_default(raw: str | None, name: str, p_type: str, where: str) -> Any:
    if raw is None:
        return None
    if raw.startswith('"'):
        try:
            value: Any = json.loads(raw)
        except ValueError:
            raise QueryError(f"{where}: bad default {raw}") from None
    else:
        value = raw
    return Param(name, p_type).coerce(value)


def parse_query(text: str, name: str, lang: str, path: Path | None = None) -> NamedQuery:
    """Parse a query file's text (see the module docstring for the header format)."""
    if lang not in LANGS:
        raise QueryError(f"unknown query language {lang!r} (cypher or sparql)")
    marker = _COMMENT[lang]
    where = str(path or f"{name}{LANGS[lang]}")
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped:
            i += 1
            continue
        if not stripped.startswith(marker):
            break
        content = stripped[len(marker):].strip()
        if content.startswith("@dialect"):
            break
        if content.startswith("@param"):
            m = _PARAM_RE.match(content)
            if not m:
                raise QueryError(f"{where}:{i + 1}: bad parameter line (want: @param name: type = default -- text)")
            p_type = m["type"]
            if p_type not in PARAM_TYPES:
                raise QueryError(f"{where}:{i + 1}: parameter type {p_type!r} not one of {', '.join(PARAM_TYPES)}")
            params.append(Param(m["name"], p_type, _parse_default(m["default"], m["name"], p_type, f"{where}:{i + 1}"),
                                (m["desc"] or "").strip()))
            last = None
        elif re.match(r"^[a-z]+:", content) and content.split(":", 1)[0] in ("title", "description", "dialect"):
            key, value = content.split(":", 1)
            fields[key] = value.strip()
            last = key
        elif last is not None and content:
            fields[last] += " " + content
        i += 1
    if "title" not in fields:
        raise QueryError(f"{where}: the header has no 'title:' line")
    body = "".join(lines[i:])
    dialects: dict[str, str] = {}
    parts = _DIALECT_RE.split(body) if lang == "cypher" else [body]
    common = parts[0].strip()
    for d, t in zip(parts[1::2], parts[2::2], strict=True):
        dialects[d] = t.strip()
    if not common:
        raise QueryError(f"{where}: no query text after the header")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryError(f"{where}: a parameter is declared twice")
    return NamedQuery(name, lang, fields["title"], fields.get("description", ""), tuple(params), common,
                      dialects, fields.get("dialect", ""), path)


def query_names(directory: Path | None = None) -> list[str]:
    """Names of the named queries (in either language), sorted."""
    d = directory or query_dir()
    return sorted({p.stem for ext in LANGS.values() for p in d.glob(f"*{ext}")})


def load_query(name: str, lang: str = "cypher", directory: Path | None = None) -> NamedQuery:
    """Read and parse `queries/NAME.cypher` or `queries/NAME.rq`."""
    if lang not in LANGS:
        raise QueryError(f"unknown query language {lang!r} (cypher or sparql)")
    d = directory or query_dir()
    path = d / f"{name}{LANGS[lang]}"
    if not re.fullmatch(r"[\w.-]+", name) or not path.is_file():
        known = query_names(d)
        hint = f"; known: {', '.join(known)}" if known else ""
        raise QueryError(f"no {lang} query named {name!r}{hint}")
    return parse_query(path.read_text(encoding="utf-8"), name, lang, path)


def list_queries(directory: Path | None = None) -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, title, languages available) for every named query."""
    out = []
    d = directory or query_dir()
    for name in query_names(d):
        langs = tuple(lang for lang, ext in LANGS.items() if (d / f"{name}{ext}").is_file())
        out.append((name, load_query(name, langs[0], d).title, langs))
    return out


# ------------------------------------------------------------------------------------------ parameters --


def coerce_params(q: NamedQuery, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values for every parameter: given ones coerced, missing ones defaulted; unknown names refused."""
    known = {p.name for p in q.params}
    unknown = sorted(set(raw) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise QueryError(f"{q.name} has no parameter {unknown[0]!r} (parameters: {listed})")
    values: dict[str, Any] = {}
    for p in q.params:
        if p.name in raw:
            values[p.name] = p.coerce(raw[p.name])
        elif p.required:
            raise QueryError(f"{q.name} needs --param {p.name}=… ({p.type}: {p.description})")
        else:
            values[p.name] = p.default
    return values


# One query per way of naming, tried in order until one names an entity, in the order of `kg.names`: the
# key, a label, an alias spelt exactly (index lookups), then a label, an alias in any case (scans of every
# name: ~80 ms each on the 16k-article corpus store), then the normalised name (an index lookup). So a
# key or a name spelt as stored spares the scans, and an exact spelling wins over other cases of it.
# (Both engines of `run_select`, the store and a remote endpoint, declare the project's prefixes.)
_RESOLVE_STEPS = tuple(Template(f"SELECT DISTINCT ?key WHERE {{ {pattern} ?e ct:key ?key }}")
                       for pattern in ("?e ct:key $name .", "?e rdfs:label $name .", "?e skos:altLabel $name .",
                                       "?e rdfs:label ?l . FILTER(LCASE(STR(?l)) = LCASE($name))",
                                       "?e skos:altLabel ?l . FILTER(LCASE(STR(?l)) = LCASE($name))",
                                       "?e ct:normalizedName $normalized ."))


def resolve_entity(store: Any, name: str) -> str:
    """The key of the entity called `name`, tried in order: its key, its label, an alias or surface form
    (each spelt exactly, then in any case), its normalised name. Ambiguous or unknown names raise QueryError."""
    from kg.ids import normalize_name
    from kg.names import one_key
    from kg.sparql import run_select

    literal = partial(sparql_literal, Param("name", "str"))
    values = {"name": literal(name), "normalized": literal(normalize_name(name))}
    return one_key(name, ([str(k) for (k,) in run_select(store, step.substitute(values))[1]]
                          for step in _RESOLVE_STEPS))


def bind_params(q: NamedQuery, raw: Mapping[str, Any], store: Any) -> dict[str, Any]:
    """Typed parameter values (`coerce_params`) with every entity parameter resolved to a key on `store`."""
    out = coerce_params(q, raw)
    for p in q.params:
        if p.type == "entity" and out.get(p.name) is not None:
            out[p.name] = resolve_entity(store, out[p.name])
    return out


def cypher_params(q: NamedQuery, values: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values as Cypher receives them (dates as ISO strings, like the projection's dates)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def sparql_literal(p: Param, value: Any) -> str:
    """A parameter value as a SPARQL term: an escaped, typed literal (ints bare, so LIMIT takes them)."""
    if p.type == "bool":
        return "true" if value else "false"
    if p.type == "int":
        return str(int(value))
    if p.type == "float":
        v = float(value)
        if v != v or v in (float("inf"), float("-inf")):
            raise QueryError(f"parameter {p.name}: {value!r} is not a finite number")
        return f'"{v!r}"^^<{XSD}double>'
    if p.type == "date":
        return f'"{value.isoformat()}"^^<{XSD}date>'
    text = str(value)
    for a, b in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(a, b)
    return f'"{text}"'


_SPARQL_TOKEN_RE = re.compile(r"""
    (?P<string>'''.*?(?:'''|\Z)|\"\"\".*?(?:\"\"\"|\Z)|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][A-Za-z_]\w*)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<other>\s+|.)
""", re.VERBOSE | re.DOTALL)


def sparql_text(q: NamedQuery, values: Mapping[str, Any]) -> str:
    """The SPARQL text with every parameter variable (`?name`) replaced by its escaped, typed literal, in
    the whole query including sub-queries; strings, IRIs and comments are left alone. A parameter may not
    be a bare projected variable (`SELECT ?name`)."""
    params = {p.name: p for p in q.params}
    out: list[str] = []
    in_select = False
    depth = 0
    for m in _SPARQL_TOKEN_RE.finditer(q.text):
        kind, tok = m.lastgroup, m.group()
        if kind == "word" and tok.upper() == "SELECT":
            in_select, depth = True, 0
        elif kind == "word" and tok.upper() == "WHERE" or tok == "{":
            in_select = False
        elif tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        if kind == "var" and tok[1:] in params:
            if in_select and depth == 0:
                raise QueryError(f"{q.name}: parameter {tok} cannot be a projected variable")
            value = values.get(tok[1:])
            if value is None:
                raise QueryError(f"{q.name}: parameter {tok[1:]} has no value")
            tok = sparql_literal(params[tok[1:]], value)
        out.append(tok)
    return "".join(out)


def run_query(store: Any, name: str, raw_params: Mapping[str, Any] | None = None, *, lang: str = "cypher",
              directory: Path | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a named query on the store with typed parameters: (columns, rows)."""
    q = load_query(name, lang, directory)
    values = bind_params(q, raw_params or {}, store)
    if lang == "cypher":
        from kg.cypher import run_cypher

        return run_cypher(store, q.body("ladybug"), cypher_params(q, values))
    from kg.sparql import run_select

    return run_select(store, sparql_text(q, values))


def describe(q: NamedQuery) -> Sequence[tuple[str, str, str, str]]:
    """Rows (name, type, default, description) of a query's parameters."""
    return [(p.name, p.type, "" if p.default is None else str(p.default), p.description) for p in q.params]

"""Cypher over the property-graph projection, with LadybugDB as the embedded engine (no server).

The projection (`kg.projection.project`) is loaded into an on-disk LadybugDB database under
`<store>/cypher/` (`state.json` names the current file and the store generation it mirrors), so Cypher
always sees what SPARQL sees. When the store's generation moves, `refresh` updates a copy of the database
if the steps since are explained by a few articles added, replaced or removed (their facts dropped and
re-read), and otherwise rebuilds it in bulk (COPY from CSV files); readers keep the file they opened.
LadybugDB keeps one table per node label, so:

- one node table per core ontology type, plus `Article` and `Observation`;
- one relationship table per relation type, with every FROM/TO pair the ontology's domain and range
  allow (expanded to core types), plus any pair present in the data;
- before a query runs, super-class labels (`:Organization`, `:Artifact`, `:Market`, `:Entity`) are
  rewritten into LadybugDB's label union (`:Company:GovernmentBody`), by a tokenizer that leaves strings
  and comments alone.

Queries are read-only unless `write=True`: updating clauses are refused before execution and the
database is opened read-only.

>>> cols, rows = run_cypher(store, "MATCH (c:Organization)-[:DEVELOPS]->(m:AIModel) RETURN c.label, m.label")
...                                                                                     # doctest: +SKIP
"""
from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import QueryError, StoreError
from kg.projection import (
    ARTICLE_PROPS,
    ENTITY_PROPS,
    MENTIONS,
    OBSERVATION_OF,
    OBSERVATION_PROPS,
    RELATION_PROPS,
    PropertyGraph,
    project,
)
from ontology.schema import load_schema

__all__ = [
    "Token", "tokenize", "rewrite_labels", "check_read_only", "label_unions", "table_pairs",
    "build_database", "BuildStats", "CypherDB", "refresh", "open_cypher", "run_cypher", "current_reader",
    "FORMAT_VERSION",
]

FORMAT_VERSION = 3  # bump when the tables or what they hold change: existing databases are rebuilt (3: sorted lists)

_LADYBUG_TYPES = {"str": "STRING", "float": "DOUBLE", "int": "INT64", "bool": "BOOLEAN", "list": "STRING[]"}

# ------------------------------------------------------------------------------------------- tokenizer --


@dataclass(frozen=True, slots=True)
class Token:
    """A lexical token: kind is one of ident, quoted (backtick name), string, number, param, punct,
    space, comment."""

    kind: str
    text: str
    start: int

    @property
    def significant(self) -> bool:
        return self.kind not in ("space", "comment")


_TOKEN_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$(?:\w+|`(?:[^`]|``)*`))
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[^\W\d]\w*)
  | (?P<punct>\.\.|<>|<=|>=|=~|->|<-|\S)
""", re.VERBOSE | re.DOTALL)


def tokenize(query: str) -> list[Token]:
    """Split Cypher text into tokens; concatenating their texts gives the query back unchanged."""
    return [Token(m.lastgroup or "punct", m.group(), m.start()) for m in _TOKEN_RE.finditer(query)]


def _name(tok: Token) -> str:
    return tok.text[1:-1].replace("``", "`") if tok.kind == "quoted" else tok.text


def _label_positions(sig: Sequence[Token]) -> Iterator[int]:
    """Indexes (into `sig`) of node-label names: `(:L`, `(n:L`, and the chain `(n:L1:L2`."""
    labels: set[int] = set()
    for i in range(1, len(sig) - 1):
        if sig[i].text != ":" or sig[i + 1].kind not in ("ident", "quoted"):
            continue
        prev = sig[i - 1]
        if (prev.text == "(" or i - 1 in labels
                or (prev.kind in ("ident", "quoted") and i >= 2 and sig[i - 2].text == "(")):
            labels.add(i + 1)
            yield i + 1


def label_unions() -> dict[str, tuple[str, ...]]:
    """Super-class label -> the core types it stands for, e.g. Organization -> (Company, GovernmentBody)."""
    schema = load_schema()
    out: dict[str, tuple[str, ...]] = {}
    for name, cls in schema.classes.items():
        subs = schema.subclasses(name)
        if not cls.core and subs:
            out[name] = subs
    return out


def rewrite_labels(query: str) -> str:
    """Rewrite super-class node labels into LadybugDB label unions; strings and comments stay as they are.

    >>> rewrite_labels("MATCH (o:Organization {label: ':Entity'}) RETURN o")
    "MATCH (o:Company:GovernmentBody {label: ':Entity'}) RETURN o"
    """
    unions = label_unions()
    tokens = tokenize(query)
    sig_index = [i for i, t in enumerate(tokens) if t.significant]
    sig = [tokens[i] for i in sig_index]
    replace: dict[int, str] = {}
    for j in _label_positions(sig):
        name = _name(sig[j])
        if name in unions:
            replace[sig_index[j]] = ":".join(unions[name])
    return "".join(replace.get(i, t.text) for i, t in enumerate(tokens))


_UPDATING = {
    "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "COPY", "ALTER", "INSTALL", "UNINSTALL",
    "LOAD", "ATTACH", "EXPORT", "IMPORT", "CHECKPOINT", "BEGIN", "COMMIT", "ROLLBACK", "USE", "FOREACH",
}
_READ_ONLY_CALLS = {
    "show_tables", "table_info", "show_connection", "db_version", "show_functions", "current_setting",
    "show_warnings", "show_indexes", "show_sequences", "show_attached_databases", "show_macros",
    "show_loaded_extensions", "show_official_extensions", "show_projected_graphs", "stats_info",
}


def check_read_only(query: str) -> None:
    """Raise QueryError when the query has an updating clause (outside strings, comments and names)."""
    sig = [t for t in tokenize(query) if t.significant]
    for i, t in enumerate(sig):
        if t.kind != "ident":
            continue
        word = t.text.upper()
        prev = sig[i - 1].text if i else ""
        nxt = sig[i + 1].text if i + 1 < len(sig) else ""
        if prev in (".", ":") or (nxt == ":" and prev in ("{", ",")):
            continue  # property access, label, or map key
        if word in _UPDATING:
            raise QueryError(f"{word} is an update: Cypher is read-only unless --write is given")
        if word == "CALL":
            proc = sig[i + 1] if i + 1 < len(sig) else None
            if proc is None or proc.text == "{" or proc.text.lower() not in _READ_ONLY_CALLS:
                name = proc.text if proc is not None else ""
                raise QueryError(f"CALL {name} may write: Cypher is read-only unless --write is given")


# ------------------------------------------------------------------------------------------------ build --


def table_pairs() -> dict[str, set[tuple[str, str]]]:
    """Relationship type -> the (FROM, TO) core-type pairs the ontology allows for it."""
    schema = load_schema()
    core = schema.core_types
    pairs: dict[str, set[tuple[str, str]]] = {}
    for name in schema.core_relations:
        rel = schema.relations[name]
        pairs[rel.rel_type] = {(s, o) for s in core for o in core if schema.allows(name, s, o)}
    pairs[MENTIONS] = {("Article", t) for t in core}
    pairs[OBSERVATION_OF] = {("Observation", t) for t in core}
    return pairs


def _ddl_props(props: Mapping[str, str], primary: bool) -> str:
    cols = []
    for name, kind in props.items():
        col = f"{name} {_LADYBUG_TYPES[kind]}"
        if primary and name == "key":
            col += " PRIMARY KEY"
        elif kind == "list":
            col += " DEFAULT []"  # lists load separately; an entity without aliases has an empty list
        cols.append(col)
    return ", ".join(cols)


def _csv_field(v: Any) -> str:
    """One CSV field for LadybugDB: NULL is an empty unquoted field, every string is quoted."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return '"' + str(v).replace('"', '""') + '"'


class _CsvFile:
    """A CSV file written by hand (so NULL and the empty string stay distinct) and whether it needs a
    sequential reader (quoted newlines)."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.multiline = False
        self.rows = 0
        self._f = path.open("w", encoding="utf-8", newline="")
        self._f.write(",".join(header) + "\n")

    def write(self, values: Sequence[Any]) -> None:
        line = ",".join(_csv_field(v) for v in values)
        if "\n" in line or "\r" in line:
            self.multiline = True
        self._f.write(line + "\n")
        self.rows += 1

    def close(self) -> None:
        self._f.close()

    def options(self, **extra: str) -> str:
        opts = {"header": "true", "escape": "'\"'", **extra}
        if self.multiline:
            opts["parallel"] = "false"
        return ", ".join(f"{k}={v}" for k, v in opts.items())


@dataclass
class BuildStats:
    """What a build (or an incremental update) wrote and how long it took (seconds); `pairs` are the
    relationship tables' FROM/TO pairs."""

    nodes: int = 0
    edges: int = 0
    project_s: float = 0.0
    load_s: float = 0.0
    skipped: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    incremental: bool = False
    articles: int = 0  # articles an incremental update re-read


def _lit(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def build_database(pg: PropertyGraph, path: Path, *, threads: int = 0) -> BuildStats:
    """Create a LadybugDB database at `path` (must not exist) holding the property graph, loaded in bulk
    with COPY from CSV files."""
    import ladybug

    t0 = time.perf_counter()
    stats = BuildStats(skipped=dict(pg.dropped))
    schema = load_schema()
    node_tables = {**{t: ENTITY_PROPS for t in schema.core_types}, "Article": ARTICLE_PROPS,
                   "Observation": OBSERVATION_PROPS}
    table_of = {}
    for n in pg.nodes:
        table_of[n.key] = n.labels[0]
    pairs = table_pairs()
    for e in pg.edges:
        pair = (table_of.get(e.src), table_of.get(e.dst))
        if pair[0] is not None and pair[1] is not None and e.type in pairs:
            pairs[e.type].add(pair)  # type: ignore[arg-type]  # data outside the ontology's domain/range

    db = ladybug.Database(str(path), max_num_threads=threads, auto_checkpoint=False)
    conn = ladybug.Connection(db)
    with tempfile.TemporaryDirectory(prefix="kg-cypher-") as tmp:
        tmpdir = Path(tmp)
        conn.execute("BEGIN TRANSACTION")
        for table, props in node_tables.items():
            conn.execute(f"CREATE NODE TABLE {table}({_ddl_props(props, primary=True)})")
        for rel, prs in sorted(pairs.items()):
            if not prs:
                continue
            ends = ", ".join(f"FROM {s} TO {o}" for s, o in sorted(prs))
            props = "" if rel in (MENTIONS, OBSERVATION_OF) else ", " + _ddl_props(RELATION_PROPS, primary=False)
            conn.execute(f"CREATE REL TABLE {rel}({ends}{props})")
        conn.execute("COMMIT")

        # Nodes: scalar columns by COPY; list columns by LOAD FROM (key, value) rows and collect().
        files: dict[str, _CsvFile] = {}
        list_files: dict[tuple[str, str], _CsvFile] = {}
        for n in pg.nodes:
            props = node_tables[n.labels[0]]
            f = files.get(n.labels[0])
            if f is None:
                f = files[n.labels[0]] = _CsvFile(tmpdir / f"n-{n.labels[0]}.csv",
                                                  [p for p, k in props.items() if k != "list"])
            f.write([n.props.get(p) for p, k in props.items() if k != "list"])
            for p, k in props.items():
                if k == "list" and n.props.get(p):
                    lf = list_files.get((n.labels[0], p))
                    if lf is None:
                        lf = list_files[(n.labels[0], p)] = _CsvFile(tmpdir / f"l-{n.labels[0]}-{p}.csv",
                                                                     ["key", "value"])
                    for v in n.props[p]:
                        lf.write([n.key, v])
            stats.nodes += 1
        for table, f in files.items():
            f.close()
            cols = ", ".join(p for p, k in node_tables[table].items() if k != "list")
            conn.execute(f"COPY {table}({cols}) FROM {_lit(str(f.path))} ({f.options()})")
        for (table, p), f in list_files.items():
            f.close()
            # collect() gathers in no set order (the load is parallel); the projection's lists are sorted
            conn.execute(f"LOAD FROM {_lit(str(f.path))} ({f.options()}) WITH key, collect(value) AS vs "
                         f"MATCH (n:{table} {{key: key}}) SET n.{p} = list_sort(vs)")

        # Edges: one file per (type, FROM, TO).
        efiles: dict[tuple[str, str, str], _CsvFile] = {}
        for e in pg.edges:
            s, o = table_of.get(e.src), table_of.get(e.dst)
            if s is None or o is None:
                stats.skipped["edge to a missing node"] = stats.skipped.get("edge to a missing node", 0) + 1
                continue
            f = efiles.get((e.type, s, o))
            props = () if e.type in (MENTIONS, OBSERVATION_OF) else tuple(RELATION_PROPS)
            if f is None:
                f = efiles[(e.type, s, o)] = _CsvFile(tmpdir / f"e-{e.type}-{s}-{o}.csv", ["from", "to", *props])
            f.write([e.src, e.dst, *(e.props.get(p) for p in props)])
            stats.edges += 1
        for (rel, s, o), f in efiles.items():
            f.close()
            conn.execute(f"COPY {rel} FROM {_lit(str(f.path))} ({f.options(**{'from': _lit(s), 'to': _lit(o)})})")
    conn.close()
    db.close()  # checkpoints
    stats.pairs = {rel: sorted(prs) for rel, prs in pairs.items()}
    stats.load_s = time.perf_counter() - t0
    return stats


# ------------------------------------------------------------------------------------------------ query --


_SCALARS = frozenset((str, int, float, bool))  # what a value most often is: returned as it is


def _plain(v: Any) -> Any:
    """LadybugDB values as plain Python: nodes and relationships as property dicts (label kept)."""
    if v is None or type(v) in _SCALARS:
        return v
    if isinstance(v, dict):
        if "_LABEL" in v:
            out = {"_label": v["_LABEL"]}
            out.update((k, _plain(x)) for k, x in v.items() if not k.startswith("_"))
            return out
        if "_NODES" in v:  # a path
            return {"nodes": [_plain(x) for x in v["_NODES"]], "rels": [_plain(x) for x in v.get("_RELS", [])]}
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _error_line(e: BaseException) -> str:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def _buffer_pool(path: Path) -> int:
    """Bytes of buffer pool for reading: four times the database, at least 1 GiB, at most half the memory.
    (LadybugDB's default, 80% of memory, costs a slower open on every query.)"""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        size = path.stat().st_size
    except (OSError, ValueError):
        return 0
    return min(max(1 << 30, 4 * size), memory // 2)


class CypherDB:
    """An open LadybugDB database holding the projection."""

    def __init__(self, path: Path, *, write: bool = False, threads: int = 0) -> None:
        import ladybug

        self.path = Path(path)
        self.write = write
        if write:  # the projection no longer mirrors the store: the next refresh rebuilds it
            Path(str(self.path) + ".written").touch()
        try:
            self._db = ladybug.Database(str(self.path), read_only=not write, max_num_threads=threads,
                                        buffer_pool_size=0 if write else _buffer_pool(self.path))
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            raise StoreError(f"cannot open the Cypher database {self.path}: {_error_line(e)}") from e

    def run(self, query: str, params: Mapping[str, Any] | None = None, *,
            timeout_s: float | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one query (or several separated by `;`, returning the last result): (columns, rows)."""
        if not query.strip():
            raise QueryError("empty Cypher query")
        if not self.write:
            check_read_only(query)
        text = rewrite_labels(query)
        self._conn.set_query_timeout(int(timeout_s * 1000) if timeout_s else 0)  # 0: none (a kept handle)
        try:
            result = self._conn.execute(text, dict(params or {}))
            if isinstance(result, list):
                result = result[-1]
            columns = list(result.get_column_names())
            rows = [tuple(map(_plain, r)) for r in result.get_all()]
        except RuntimeError as e:
            raise QueryError(_error_line(e)) from e
        return columns, rows

    def close(self) -> None:
        self._conn.close()
        self._db.close()

    def __enter__(self) -> CypherDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- keeping in step with the store --


def _store_dir(store: Any) -> Path:
    for attr in ("path", "directory", "root"):
        p = getattr(store, attr, None)
        if isinstance(p, str | os.PathLike):
            return Path(p)
    raise StoreError("the store has no directory for its Cypher database")


def _generation(store: Any) -> Any:
    gen = getattr(store, "generation", None)
    return gen() if callable(gen) else gen


def _state_path(cypher_dir: Path) -> Path:
    return cypher_dir / "state.json"


def _read_state(cypher_dir: Path) -> dict[str, Any]:
    try:
        return json.loads(_state_path(cypher_dir).read_text())
    except (OSError, ValueError):
        return {}


def _articles_path(db: Path) -> Path:
    """The article hashes a database was built from, beside it: kept out of the state file, which every
    query reads (parsing 16k hashes took 12 ms a call), for the refreshes that plan an update."""
    return db.with_name(db.name + ".articles.json")


def _read_articles(db: Path) -> dict[str, str] | None:
    try:
        articles = json.loads(_articles_path(db).read_text())
    except (OSError, ValueError):
        return None
    return articles if isinstance(articles, dict) else None


def _fresh(state: Mapping[str, Any], generation: Any, cypher_dir: Path) -> bool:
    return (state.get("format") == FORMAT_VERSION and generation is not None
            and state.get("generation") == generation and (cypher_dir / str(state.get("db", ""))).exists())


@contextlib.contextmanager
def _locked(cypher_dir: Path) -> Iterator[None]:
    cypher_dir.mkdir(parents=True, exist_ok=True)
    with (cypher_dir / ".lock").open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _catalog_hash(store: Any) -> str | None:
    from kg.store import META_GRAPH, STORE_NS

    for (h,) in _select_rows(store, f"SELECT ?h WHERE {{ GRAPH <{META_GRAPH}> {{ ?m <{STORE_NS}catalogHash> ?h }} }}"):
        return str(h)
    return None


def _select_rows(store: Any, query: str) -> list[tuple[Any, ...]]:
    from kg.sparql import run_select

    return run_select(store, query)[1]


def _article_hashes(store: Any) -> dict[str, str] | None:
    """Article id -> stored content hash ("" when it has none), or None when the store cannot say."""
    ids, hashes = getattr(store, "article_ids", None), getattr(store, "article_hashes", None)
    if ids is None or hashes is None:
        return None
    known = hashes()
    return {a: known.get(a, "") for a in ids()}


@dataclass
class _Plan:
    """What changed in the store since the database was built: article ids to drop and to (re)load."""

    drop: list[str]
    load: list[str]


def _plan(store: Any, state: Mapping[str, Any], cypher_dir: Path, max_share: float,
          new: dict[str, str] | None, catalog: str | None) -> _Plan | None:
    """The articles to update when every generation step since the build is one article added, replaced
    or removed (and the catalog and layout are unchanged); None when only a rebuild is safe or cheaper.
    `new` and `catalog` are the store's article hashes and catalog hash now."""
    old_gen, new_gen = state.get("generation"), _generation(store)
    db = cypher_dir / str(state.get("db", ""))
    if (state.get("format") != FORMAT_VERSION or not isinstance(old_gen, int) or not isinstance(new_gen, int)
            or new_gen < old_gen or new is None or not db.exists() or Path(str(db) + ".written").exists()
            or state.get("catalog") != catalog):
        return None
    old = _read_articles(db)
    if old is None:
        return None
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    changed = sorted(a for a in set(old) & set(new) if old[a] != new[a])
    if len(removed) + len(added) + len(changed) != new_gen - old_gen:
        return None  # an update the article hashes do not explain (a SPARQL update, a forced re-ingest…)
    if len(removed) + len(added) + len(changed) > max(50, max_share * len(new)):
        return None  # a bulk load is faster
    return _Plan(drop=removed + changed, load=added + changed)


def _cast(prop: str, kind: str) -> str:
    """`CAST(r.p AS T)`: an explicit type, as a batch whose values are all null has none."""
    return f"CAST(r.{prop} AS {_LADYBUG_TYPES[kind]})"


def _set_clause(var: str, props: Mapping[str, str], skip: tuple[str, ...] = ("key",)) -> str:
    """`n.p = CAST(r.p AS T), …` for the properties of a node row `r`."""
    return ", ".join(f"{var}.{p} = {_cast(p, k)}" for p, k in props.items() if p not in skip)


def _update_database(store: Any, path: Path, plan: _Plan, pairs: dict[str, list[list[str]]]) -> BuildStats:
    """Apply a plan to the database at `path` (a copy of the current one): drop the facts of the dropped
    articles, re-read the loaded ones and the entities either touches, write them back."""
    import ladybug

    from kg.projection import project_articles

    t0 = time.perf_counter()
    stats = BuildStats(incremental=True, articles=len(set(plan.drop) | set(plan.load)))
    schema = load_schema()
    allowed = {rel: {tuple(p) for p in prs} for rel, prs in pairs.items()}
    db = ladybug.Database(str(path), auto_checkpoint=False)
    conn = ladybug.Connection(db)
    try:
        conn.execute("BEGIN TRANSACTION")
        touched: set[str] = set()
        if plan.drop:
            ids = {"ids": plan.drop}
            result = conn.execute("MATCH (a:Article)-[:MENTIONS]->(e) WHERE a.key IN $ids "
                                  "RETURN DISTINCT e.key, label(e)", ids)
            tables = dict(result.get_all())  # type: ignore[union-attr]
            touched = set(tables)
            for rel in schema.core_relations:
                conn.execute(f"MATCH ()-[r:{schema.relations[rel].rel_type}]->() WHERE r.article IN $ids DELETE r", ids)
            conn.execute("MATCH (o:Observation) WHERE o.article IN $ids DETACH DELETE o", ids)
            conn.execute("MATCH (a:Article) WHERE a.key IN $ids DETACH DELETE a", ids)
        t1 = time.perf_counter()
        pg = project_articles(store, plan.load, touched)
        stats.project_s = time.perf_counter() - t1
        table = {n.key: n.labels[0] for n in pg.nodes}
        present = {n.key for n in pg.nodes if "Entity" in n.labels}
        for key in sorted(touched - present):  # entities no article mentions any more
            conn.execute(f"MATCH (n:{tables[key]} {{key: $k}}) DETACH DELETE n", {"k": key})
        by_table: dict[str, list[dict[str, Any]]] = {}
        for n in pg.nodes:
            by_table.setdefault(n.labels[0], []).append(n.props)
        for t, rows in by_table.items():
            props = ENTITY_PROPS if t in schema.core_types else ARTICLE_PROPS if t == "Article" else OBSERVATION_PROPS
            verb = "MERGE" if props is ENTITY_PROPS else "CREATE"
            conn.execute(f"UNWIND $rows AS r {verb} (n:{t} {{key: r.key}}) SET {_set_clause('n', props)}",
                         {"rows": rows})
            stats.nodes += len(rows)
        by_pair: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for e in pg.edges:
            pair = (table.get(e.src), table.get(e.dst))
            if None in pair or pair not in allowed.get(e.type, set()):
                raise _RebuildNeededError(f"{e.type} {pair}")
            by_pair.setdefault((e.type, *pair), []).append({"src": e.src, "dst": e.dst, **e.props})  # type: ignore[arg-type]
        for (rel, s_table, o_table), rows in by_pair.items():
            props = "" if rel in (MENTIONS, OBSERVATION_OF) else (
                " {" + ", ".join(f"{p}: {_cast(p, k)}" for p, k in RELATION_PROPS.items()) + "}")
            conn.execute(f"UNWIND $rows AS r MATCH (a:{s_table} {{key: r.src}}), (b:{o_table} {{key: r.dst}}) "
                         f"CREATE (a)-[:{rel}{props}]->(b)", {"rows": rows})
            stats.edges += len(rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
        db.close()
    stats.pairs = {rel: [tuple(p) for p in prs] for rel, prs in pairs.items()}  # type: ignore[misc]
    stats.load_s = time.perf_counter() - t0 - stats.project_s
    return stats


# Changes to more articles than this share of the store (and more than 50) are loaded by a rebuild, not an update.
UPDATE_SHARE = 0.05


class _RebuildNeededError(Exception):
    """An incremental update met data it cannot place (a relation pair the tables lack)."""


def refresh(store: Any, cypher_dir: Path | None = None, *, force: bool = False,
            max_share: float = UPDATE_SHARE) -> tuple[Path, BuildStats | None]:
    """Make the Cypher database of `store` match the store's current generation: reuse it, update it in
    place of a copy (when the changes since are a few articles added, replaced or removed), or rebuild it.
    Returns its path and, when it changed, what was written."""
    done = _refresh(store, cypher_dir, force=force, max_share=max_share, rebuild=True)
    assert done is not None  # a rebuild always succeeds or raises
    return done


def _refresh(store: Any, cypher_dir: Path | None, *, force: bool, max_share: float,
             rebuild: bool) -> tuple[Path, BuildStats | None] | None:
    """`refresh`; without `rebuild`, None instead of a rebuild."""
    cypher_dir = cypher_dir or _store_dir(store) / "cypher"
    generation = _generation(store)
    state = _read_state(cypher_dir)
    if not force and _fresh(state, generation, cypher_dir):
        return cypher_dir / state["db"], None
    with _locked(cypher_dir):
        state = _read_state(cypher_dir)
        if not force and _fresh(state, generation, cypher_dir):
            return cypher_dir / state["db"], None
        articles, catalog = _article_hashes(store), _catalog_hash(store)
        name = f"db-{uuid.uuid4().hex[:12]}"
        plan = None if force else _plan(store, state, cypher_dir, max_share, articles, catalog)
        stats: BuildStats | None = None
        if plan is not None:
            shutil.copyfile(cypher_dir / state["db"], cypher_dir / name)
            try:
                stats = _update_database(store, cypher_dir / name, plan, state["pairs"])
            except _RebuildNeededError:
                (cypher_dir / name).unlink(missing_ok=True)
        if stats is None and not rebuild:
            return None
        if stats is None:
            t0 = time.perf_counter()
            pg = project(store)
            project_s = time.perf_counter() - t0
            stats = build_database(pg, cypher_dir / name)
            stats.project_s = project_s
        _articles_path(cypher_dir / name).write_text(json.dumps(articles))
        tmp = _state_path(cypher_dir).with_suffix(".tmp")
        tmp.write_text(json.dumps({"format": FORMAT_VERSION, "generation": generation, "db": name,
                                   "catalog": catalog, "pairs": stats.pairs}))
        os.replace(tmp, _state_path(cypher_dir))
        for old in cypher_dir.glob("db-*"):  # readers holding an old file open keep it until they close
            if not old.name.startswith(name):
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)
        return cypher_dir / name, stats


def open_cypher(store: Any, *, write: bool = False, cypher_dir: Path | None = None) -> CypherDB:
    """The store's Cypher database, brought up to date first."""
    path, _ = refresh(store, cypher_dir)
    return CypherDB(path, write=write)


_READER: dict[Path, CypherDB] = {}  # the last database this process read, kept open (at most one)
_READER_LOCK = threading.Lock()


def _close_reader() -> None:
    for db in _READER.values():
        db.close()
    _READER.clear()


atexit.register(_close_reader)


def _kept_reader(path: Path) -> CypherDB | None:
    """A read-only handle on `path` kept open across calls: opening and closing the database costs 50-60 ms
    on the 16k-article projection, more than most queries. A database is never changed under its path once
    built (updates write a copy), except by a write (`CypherDB(write=True)`, in any process), which marks it
    `.written` first and which an open handle would not see: so a written database is never kept."""
    if Path(str(path) + ".written").exists():
        return None
    db = _READER.get(path)
    if db is None:
        _close_reader()
        db = _READER[path] = CypherDB(path)
    return db


@contextlib.contextmanager
def current_reader(store: Any) -> Iterator[CypherDB | None]:
    """The store's Cypher database, read-only and kept open (see `_kept_reader`), when it mirrors the store
    now or after an update of a few articles; else None (it would need a rebuild, a write changed it, or
    the store has no directory or generation, or the database cannot be updated or opened there: a
    read-only directory, say). For callers that can answer from the store instead and should not pay a
    rebuild of the whole projection."""
    with _READER_LOCK:
        try:
            done = _refresh(store, _store_dir(store) / "cypher", force=False, max_share=UPDATE_SHARE, rebuild=False) \
                if _generation(store) is not None else None
            kept = _kept_reader(done[0]) if done is not None else None
        except (OSError, StoreError):
            kept = None
        if kept is not None:
            yield kept
            return
    yield None  # the caller's other way runs without holding the lock


def run_cypher(store: Any, query: str, params: Mapping[str, Any] | None = None, *, write: bool = False,
               timeout_s: float | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run Cypher on the store's projection: (columns, rows). Reads share one handle per process (see
    `_kept_reader`); writes open their own."""
    path, _ = refresh(store)
    with _READER_LOCK:
        kept = None if write else _kept_reader(path)
        if kept is not None:
            return kept.run(query, params, timeout_s=timeout_s)
        _close_reader()  # a write, or a written database: nothing kept
    with CypherDB(path, write=write) as db:
        return db.run(query, params, timeout_s=timeout_s)

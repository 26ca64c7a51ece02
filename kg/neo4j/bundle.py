"""Offline bundles for Neo4j users without a live connection.

`write_bundle(graph, out_dir)` writes:

- `import.cypher`: a `cypher-shell -f` script (also pasteable into the Browser): the constraints and
  indexes of `push`, then `UNWIND [ … ] AS row MERGE …` statements with the rows as Cypher literals.
  Strings are escaped (`\\\\ \\' \\n \\r \\t`, other control characters and `;` as `\\uXXXX`), so every
  statement is one line ending in `;`;
- `constraints.cypher`: the constraints and indexes alone, to run after a bulk import;
- `csv/`: files for `neo4j-admin database import full` with typed headers (`key:ID(Entity)`, `:LABEL`,
  `:START_ID(Article)`, `:END_ID(Entity)`, `:TYPE`, `confidence:double`, `aliases:string[]` …), one ID
  space per key space, and `import.sh` with the exact command (array delimiter, multi-line fields);
- `style.grass`: a Neo4j Browser style, one colour per core type (`:style` then drop the file);
- `guide.html`: a Browser guide with a slide per named query of `queries/`, parameters pre-filled;
- `README.txt`: what each file is for and how to load it.
"""
from __future__ import annotations

import csv
import html
import math
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from kg.neo4j.push import (
    ARTICLE,
    ENTITY,
    KEY_SPACES,
    OBSERVATION,
    RelGroup,
    key_space,
    neo4j_value,
    ontology_labels,
    quote,
    relationship_groups,
    relationship_statement,
    schema_statements,
)

__all__ = [
    "cypher_literal", "script_statements", "csv_type", "node_columns", "write_csv", "guide_html", "write_bundle",
    "STYLE_FILE", "GUIDE_TEMPLATE", "ARRAY_DELIMITERS",
]

STYLE_FILE = "style.grass"
GUIDE_TEMPLATE = "guide.html"
ARRAY_DELIMITERS = (";", "|", "¦", "\x1f")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", ";": "\\u003B"}


# Every character a Cypher string cannot hold as it is: the escapes above, else control and line-separator
# characters as \uXXXX. One `str.translate` (C) instead of a Python step per character.
_TRANSLATION = {c: f"\\u{c:04X}" for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)} | {
    ord(ch): escaped for ch, escaped in _ESCAPES.items()}


_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _TRANSLATION))) + "]")  # most strings have none


def _string(s: str) -> str:
    return "'" + (s.translate(_TRANSLATION) if _SPECIAL.search(s) else s) + "'"


def cypher_literal(v: Any) -> str:
    """A Python value as a Cypher literal: strings escaped, maps with quoted keys, non-finite floats null.

    >>> cypher_literal({"a": "it's", "b": [1, 2.5, None, True]})
    "{`a`: 'it\\\\'s', `b`: [1, 2.5, null, true]}"
    """
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else "null"
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{quote(str(k))}: {cypher_literal(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    return cypher_literal(neo4j_value(v))


def _chunks(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def script_statements(graph: Any, batch_size: int = 1000) -> Iterable[str]:
    """The statements of `import.cypher`, each one line without the final `;`."""
    yield from schema_statements()
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    spaces: dict[str, str] = {}
    for n in graph.nodes:
        labels = ontology_labels(n.labels)
        spaces[n.key] = key_space(labels)
        by_labels[labels].append({"key": n.key, "props": {k: neo4j_value(v) for k, v in n.props.items()}})
    for labels, rows in sorted(by_labels.items()):
        label_text = ":".join(quote(x) for x in labels)
        for chunk in _chunks(rows, batch_size):
            yield (f"UNWIND {cypher_literal(list(chunk))} AS row "
                   f"MERGE (n:{label_text} {{`key`: row.key}}) SET n += row.props")
    groups = relationship_groups(graph.edges, spaces)
    for group, rows in sorted(groups.items(), key=lambda kv: (kv[0].type, kv[0].src_space, kv[0].dst_space)):
        stmt = relationship_statement(group)
        for chunk in _chunks(rows, batch_size):
            yield stmt.replace("$rows", cypher_literal(list(chunk)), 1)


def csv_type(values: Iterable[Any]) -> str:
    """The neo4j-admin header type of a column from its values: '' (string), long, double, boolean, string[]."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return ""
    if kinds <= {list, tuple}:
        return "string[]"
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    return ""


def node_columns(props: Sequence[dict[str, Any]], order: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(property, header type) for the columns of a node or relationship file: `order` first, then
    the other properties by name; `key` is left out (it is the ID column)."""
    names = [n for n in order if n != "key" and any(n in p for p in props)]
    names += sorted({k for p in props for k in p} - set(names) - {"key"})
    return [(n, csv_type(p.get(n) for p in props)) for n in names]


def _cell(v: Any, delimiter: str) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | tuple):
        return delimiter.join(str(x) for x in v)
    if isinstance(v, float) and not math.isfinite(v):
        return ""
    return str(v)


def _array_delimiter(graph: Any) -> str:
    used = "".join(str(x) for n in graph.nodes for v in n.props.values() if isinstance(v, list | tuple) for x in v)
    for d in ARRAY_DELIMITERS:
        if d not in used:
            return d
    return ARRAY_DELIMITERS[-1]


def write_csv(graph: Any, directory: Path) -> tuple[list[Path], list[Path], str]:
    """Write the neo4j-admin CSVs; returns (node files, relationship files, array delimiter)."""
    from kg.projection import ARTICLE_PROPS, ENTITY_PROPS, OBSERVATION_PROPS, RELATION_PROPS

    directory.mkdir(parents=True, exist_ok=True)
    delimiter = _array_delimiter(graph)
    order = {ENTITY: list(ENTITY_PROPS), ARTICLE: list(ARTICLE_PROPS), OBSERVATION: list(OBSERVATION_PROPS)}
    by_space: dict[str, list[Any]] = defaultdict(list)
    spaces: dict[str, str] = {}
    for n in graph.nodes:
        labels = ontology_labels(n.labels)
        spaces[n.key] = key_space(labels)
        by_space[spaces[n.key]].append((n.key, labels, {k: neo4j_value(v) for k, v in n.props.items()}))
    node_files: list[Path] = []
    for space in KEY_SPACES:
        rows = by_space.get(space)
        if not rows:
            continue
        cols = node_columns([p for _, _, p in rows], order[space])
        path = directory / f"nodes_{space.lower()}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow([f"key:ID({space})", ":LABEL", *(f"{c}:{t}" if t else c for c, t in cols)])
            for key, labels, props in rows:
                w.writerow([key, delimiter.join(labels), *(_cell(props.get(c), delimiter) for c, _ in cols)])
        node_files.append(path)
    groups = relationship_groups(graph.edges, spaces)
    by_ends: dict[tuple[str, str], list[tuple[RelGroup, dict[str, Any]]]] = defaultdict(list)
    for group, rows in groups.items():
        by_ends[(group.src_space, group.dst_space)].extend((group, r) for r in rows)
    rel_files: list[Path] = []
    for (src, dst), items in sorted(by_ends.items()):
        cols = node_columns([r["props"] for _, r in items], list(RELATION_PROPS))
        path = directory / f"relationships_{src.lower()}_{dst.lower()}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow([f":START_ID({src})", f":END_ID({dst})", ":TYPE", "key",
                        *(f"{c}:{t}" if t else c for c, t in cols)])
            for group, r in sorted(items, key=lambda gr: (gr[0].type, gr[1]["key"])):
                w.writerow([r["src"], r["dst"], group.type, r["key"],
                            *(_cell(r["props"].get(c), delimiter) for c, _ in cols)])
        rel_files.append(path)
    return node_files, rel_files, delimiter


def guide_html(graph: Any | None = None) -> str:
    """The Browser guide: one slide per named Cypher query, its parameters set with `:params`
    (entity defaults resolved to keys in `graph` when given)."""
    from kg.neo4j.queries import named_cypher_queries, resolve_in_graph

    slides = []
    for q in named_cypher_queries():
        params: dict[str, Any] = {}
        notes = []
        for p in q.params:
            value = p.default.isoformat() if hasattr(p.default, "isoformat") else p.default
            if p.type == "entity" and value is not None and graph is not None:
                value = resolve_in_graph(graph, str(value)) or value
            params[p.name] = value
            notes.append(f"<li><code>{html.escape(p.name)}</code> ({html.escape(p.type)}): "
                         f"{html.escape(p.description)}</li>")
        param_block = (f'<pre class="pre-scrollable code runnable">:params {html.escape(cypher_literal(params))}</pre>'
                       if params else "")
        slides.append(f"""<slide class="row-fluid">
  <div class="col-sm-12">
    <h3>{html.escape(q.title)}</h3>
    <p>{html.escape(q.description)}</p>
    {"<p>Parameters:</p><ul>" + "".join(notes) + "</ul>" if notes else ""}
    {param_block}
    <pre class="pre-scrollable code runnable">{html.escape(q.body("neo4j"))}</pre>
    <p class="text-muted"><code>kg neo4j query {html.escape(q.name)}</code></p>
  </div>
</slide>""")
    template = Template(resources.files("kg.neo4j").joinpath(GUIDE_TEMPLATE).read_text(encoding="utf-8"))
    return template.substitute(slides="\n".join(slides), count=str(len(slides)))


_README = """chinatech-kg: Neo4j bundle
==========================

{nodes} nodes, {edges} relationships.

Into a running server (any edition, Neo4j 5):
    cypher-shell -a bolt://localhost:7687 -u neo4j -d neo4j -f import.cypher
  The script MERGEs on stable keys: running it twice changes nothing.

Into a new, stopped database (fastest, bulk):
    sh import.sh neo4j            # neo4j-admin database import full ...
  then start the database and run:
    cypher-shell -u neo4j -d neo4j -f constraints.cypher

Neo4j Browser:
  style:  run `:style`, then drag style.grass onto the style panel (one colour per type)
  guide:  serve this directory (e.g. `python -m http.server 8001`), allow the host in
          browser.remote_content_hostname_allowlist, then `:guide http://localhost:8001/guide.html`
          (`:play …` in Browser 4)

CSV notes: arrays and multiple labels are separated by {delimiter!r}; empty fields are absent properties;
fields may span lines (hence --multiline-fields=true).
"""


def write_bundle(graph: Any, out_dir: Path, batch_size: int = 1000) -> list[Path]:
    """Write every bundle file into `out_dir` (created if needed); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    script = out_dir / "import.cypher"
    with script.open("w", encoding="utf-8") as f:
        f.write("// chinatech-kg: cypher-shell -u neo4j -d neo4j -f import.cypher (one statement per line)\n")
        for stmt in script_statements(graph, batch_size):
            f.write(stmt + ";\n")
    written.append(script)
    constraints = out_dir / "constraints.cypher"
    constraints.write_text("".join(s + ";\n" for s in schema_statements()), encoding="utf-8")
    written.append(constraints)
    node_files, rel_files, delimiter = write_csv(graph, out_dir / "csv")
    written += node_files + rel_files
    delim = delimiter if delimiter != "\x1f" else "\\x1f"
    lines = ["#!/bin/sh", "# Bulk import into a new database (stopped); usage: sh import.sh [DATABASE]",
             'set -e', 'cd "$(dirname "$0")"',
             f"neo4j-admin database import full --overwrite-destination --array-delimiter='{delim}' "
             "--multiline-fields=true \\"]
    lines += [f"  --nodes=csv/{p.name} \\" for p in node_files]
    lines += [f"  --relationships=csv/{p.name} \\" for p in rel_files]
    lines.append('  "${1:-neo4j}"')
    sh = out_dir / "import.sh"
    sh.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sh.chmod(0o755)
    written.append(sh)
    style = out_dir / STYLE_FILE
    with resources.as_file(resources.files("kg.neo4j").joinpath(STYLE_FILE)) as src:
        shutil.copyfile(src, style)
    written.append(style)
    guide = out_dir / "guide.html"
    guide.write_text(guide_html(graph), encoding="utf-8")
    written.append(guide)
    readme = out_dir / "README.txt"
    readme.write_text(_README.format(nodes=len(graph.nodes), edges=len(graph.edges), delimiter=delimiter),
                      encoding="utf-8")
    written.append(readme)
    return written

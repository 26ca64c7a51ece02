"""CSV tables (`.zip` or a directory): `nodes.csv` and `edges.csv`, one row per node and per edge.

`nodes.csv` has the columns `key, labels, type, label` and then every node property of
docs/data-model.md (entities, articles and observations share the table; a property a node lacks is
empty). `edges.csv` has `src, dst, type` (node keys and the relationship type) and the relation
properties. Lists are joined with `;`, booleans are `true`/`false`, numbers are plain. The files are
UTF-8 with a header row, as `csv.DictReader` or `pandas.read_csv` read them.

`write` puts both files in a zip (fixed timestamps, so the same selection gives the same bytes);
`write_directory` writes them into a directory.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.export._pg import EDGE_COLUMNS, NODE_COLUMNS, edge_row, flat, node_row

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write", "write_directory", "tables", "NODES_FILE", "EDGES_FILE"]

NODES_FILE, EDGES_FILE = "nodes.csv", "edges.csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(flat(value))


def _table(columns: dict[str, str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180; also makes a lone "\r" in a field quoted
    w.writerow(columns)
    w.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    return buf.getvalue()


def tables(sub: Subgraph) -> dict[str, str]:
    """File name -> CSV text of both tables."""
    return {NODES_FILE: _table(NODE_COLUMNS, [node_row(n) for n in sub.nodes]),
            EDGES_FILE: _table(EDGE_COLUMNS, [edge_row(e) for e in sub.edges])}


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write both tables into a zip archive on `out`."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in tables(sub).items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))


def write_directory(sub: Subgraph, directory: Path, **opts: Any) -> list[Path]:
    """Write `nodes.csv` and `edges.csv` into `directory` (created if missing); the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in tables(sub).items():
        path = directory / name
        path.write_text(text, encoding="utf-8", newline="")
        paths.append(path)
    return paths

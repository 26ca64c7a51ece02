"""HTML (`.html`): one self-contained page with an interactive graph of the subgraph.

The page inlines everything it needs: the data (nodes, edges, properties and evidence sentences as JSON in
a `<script type="application/json">` block), the script and the style (`kg/export/assets/`), so it
works offline from a file, e-mail attachment or static host. A Content-Security-Policy meta tag allows
only those two inline blocks (by hash) and `data:` images, so the page makes no network requests at all.

What it offers: a force-directed layout on SVG (drag to pan, scroll to zoom, drag nodes), a search box
over labels, aliases and keys, a filter by type with counts, and a details panel: click a node to see
its properties, its relations with confidence, source article and date, and the evidence sentence of
each fact. Text from the data reaches the page through `textContent` only, never as markup.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources
from typing import IO, TYPE_CHECKING, Any

from kg.export._pg import edge_row, node_row, type_colours

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write", "page", "page_data"]

_NODE_SKIP = {"key", "labels", "type", "label"}
_EDGE_SKIP = {"src", "dst", "type"}


def _asset(name: str) -> str:
    return resources.files("kg.export").joinpath("assets", name).read_text(encoding="utf-8")


def page_data(sub: Subgraph) -> dict[str, Any]:
    """What the page's script reads: nodes with their properties, edges by node index, type colours."""
    index = {n.key: i for i, n in enumerate(sub.nodes)}
    nodes = []
    for n in sub.nodes:
        row = node_row(n)
        nodes.append({"id": n.key, "label": row["label"], "type": row["type"], "labels": row["labels"],
                      "props": {k: v for k, v in row.items() if k not in _NODE_SKIP and v not in (None, [])}})
    edges = []
    for e in sub.edges:
        if e.src not in index or e.dst not in index:
            continue
        row = edge_row(e)
        edges.append({"s": index[e.src], "t": index[e.dst], "type": e.type,
                      "props": {k: v for k, v in row.items() if k not in _EDGE_SKIP and v is not None}})
    return {"description": sub.selection.describe(), "colours": type_colours(), "seeds": list(sub.seeds),
            "nodes": nodes, "edges": edges}


def _script_json(data: Any) -> str:
    """JSON safe inside a `<script>` element: no `<`, `>`, `&` or line separators appear raw."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page(sub: Subgraph, title: str | None = None) -> str:
    """The whole HTML page as text."""
    script, style = _asset("page.js"), _asset("page.css")
    if "</script" in script.lower() or "</style" in style.lower():
        raise ValueError("an asset closes its own element")
    csp = (f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    counts = sub.counts()
    title = title or (f"Graph around {', '.join(sub.selection.around)}" if sub.selection.around
                      else "chinatech-kg subgraph")
    values = {
        "CSP": html.escape(csp), "TITLE": html.escape(title),
        "DESCRIPTION": html.escape(f"{sub.selection.describe()} — {counts['nodes']} nodes, {counts['edges']} edges"),
        "STYLE": style, "SCRIPT": script, "DATA": _script_json(page_data(sub)),
    }
    # One pass over the template, so that nothing inserted is scanned for placeholders again.
    return re.sub(r"__([A-Z]+)__", lambda m: values[m.group(1)], _asset("page.html"))


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the page (`title` overrides the heading)."""
    out.write(page(sub, opts.get("title")).encode("utf-8"))

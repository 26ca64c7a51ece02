"""Cypher script (`.cypher`): the property graph as statements for `cypher-shell -f` or the Neo4j Browser.

The statements are those of `kg neo4j bundle`'s `import.cypher` (`kg.neo4j.bundle.script_statements`):
the key-space constraints and indexes, then `UNWIND [ … ] AS row MERGE …` with the rows written in as
Cypher literals, no parameters. Every string is escaped (backslash, quotes, line breaks, control
characters and `;` become escapes), so each statement is exactly one line ending in `;` and no text
from an article can end a statement or start another. Nodes and relationships are MERGEd on their
stable keys (those of `kg neo4j push`), so running the script twice, or into a database that `push`
filled, changes nothing.
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.export.select import Subgraph

__all__ = ["write", "statements"]


def statements(sub: Subgraph, batch_size: int = 500) -> list[str]:
    """The statements, one line each, without the final `;`."""
    from kg.neo4j.bundle import script_statements

    return list(script_statements(sub, batch_size=batch_size))


def write(sub: Subgraph, out: IO[bytes], **opts: Any) -> None:
    """Write the script: comment lines, then one `;`-terminated statement per line."""
    counts = sub.counts()
    head = [f"// chinatech-kg subgraph: {sub.selection.describe()}",
            f"// {counts['nodes']} nodes, {counts['edges']} relationships; run with cypher-shell -f FILE"]
    lines = [" ".join(h.splitlines()) for h in head]
    lines += [s + ";" for s in statements(sub, opts.get("batch_size", 500))]
    out.write(("\n".join(lines) + "\n").encode("utf-8"))

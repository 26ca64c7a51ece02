"""Options and output helpers shared by every command: the store location and row rendering."""
from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

out = Console(soft_wrap=True)  # results
err = Console(stderr=True)  # diagnostics

StoreOption = Annotated[
    Path,
    typer.Option("--store", envvar="KG_STORE", help="Store directory.", show_default=True),
]
DEFAULT_STORE = Path("kg-data")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}  # control and invisible format characters (newlines, RTL overrides, ZWSP)


def one_line(text: object) -> str:
    """`str(text)` made safe to print as one line of rich markup: control and invisible characters shown as
    escapes (`\\n`, `\\u202e`), markup brackets escaped, so a file name or value prints as it is.

    >>> print(one_line("a [/red] b\\nc"))
    a \\[/red] b\\nc
    """
    s = "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _HIDDEN else c
                for c in str(text))
    return escape(s)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list | tuple):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def render_rows(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: OutputFormat, title: str | None = None
) -> None:
    """Print query results as a rich table, JSON (list of objects), CSV or TSV on stdout."""
    rows = list(rows)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False,
                                    indent=1, default=str) + "\n")
    elif fmt in (OutputFormat.csv, OutputFormat.tsv):
        w = csv.writer(sys.stdout, delimiter="," if fmt is OutputFormat.csv else "\t", lineterminator="\n")
        w.writerow(columns)
        w.writerows([_cell(v) for v in r] for r in rows)
    else:
        from rich.table import Table

        t = Table(title=title, show_lines=False, header_style="bold cyan")
        for c in columns:
            t.add_column(Text(str(c)), overflow="fold")
        for r in rows:
            t.add_row(*(Text(_cell(v)) for v in r))  # Text: values are never read as markup
        out.print(t)
        err.print(f"[dim]{len(rows)} row{'s' if len(rows) != 1 else ''}[/dim]")

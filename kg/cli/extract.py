"""`kg extract`: loaders + extraction without a store; JSON contract or a rich view."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import err, one_line, out


def _location(failure: object) -> str:
    line = getattr(failure, "line", None)
    return f"{failure.path}:{line}" if line else str(failure.path)  # type: ignore[attr-defined]


def extract(
    paths: Annotated[list[Path], typer.Argument(help="Article files or directories.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the extraction contract as JSON.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
) -> None:
    """Read articles and print their entities, relations and observations, each traced to its sentence."""
    from loaders.extract.pipeline import extract_articles
    from loaders.sources import iter_articles

    failures = 0

    def good_articles():  # type: ignore[no-untyped-def]
        nonlocal failures
        for item in iter_articles(paths):
            if hasattr(item, "message"):
                failures += 1
                err.print(f"[red]error[/red]: {one_line(f'{_location(item)}: {item.message}')}", highlight=False,
                          soft_wrap=True)
            else:
                yield item

    graphs = extract_articles(good_articles(), jobs=jobs)
    if as_json:
        sys.stdout.write('{"articles": [')
        for i, g in enumerate(graphs):
            sys.stdout.write(("," if i else "") + "\n" + json.dumps(g.contract(), ensure_ascii=False))
        sys.stdout.write("\n]}\n")
    else:
        for g in graphs:
            show_article(g)
    if failures:
        raise typer.Exit(1)


def show_article(g: object) -> None:
    """Rich view of one ArticleGraph: entities, relations with evidence, observations."""
    from rich.panel import Panel
    from rich.table import Table

    from kg.graph import ArticleGraph

    assert isinstance(g, ArticleGraph)
    labels = {e.id: e.label for e in g.entities}
    out.print(Panel(f"[bold]{g.title}[/bold]\n[dim]{g.id} · {g.published or 'undated'}[/dim]", expand=False))
    t = Table(title="Entities", header_style="bold cyan")
    for c in ("label", "type", "mentions", "aliases", "source"):
        t.add_column(c)
    for e in sorted(g.entities, key=lambda e: (str(e.type), e.label)):
        t.add_row(e.label, str(e.type), str(len(e.mentions)), ", ".join(e.aliases), e.source)
    out.print(t)
    r = Table(title="Relations", header_style="bold cyan", show_lines=True)
    for c in ("subject", "predicate", "object", "conf", "evidence"):
        r.add_column(c, overflow="fold")
    for rel in g.relations:
        r.add_row(labels[rel.subject], str(rel.predicate), labels[rel.object], f"{rel.confidence:.2f}",
                  rel.evidence.sentence)
    out.print(r)
    o = Table(title="Observations", header_style="bold cyan")
    for c in ("subject", "measure", "value", "unit", "period"):
        o.add_column(c, overflow="fold")
    for ob in g.observations:
        o.add_row(labels[ob.subject], ob.measure, f"{ob.value:g}", ob.unit, ob.period or "")
    out.print(o)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)

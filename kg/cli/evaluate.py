"""`kg eval`: run the extraction on annotated articles and score it against their gold annotations."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import KGError


class EvaluationInputError(KGError):
    """The gold or article directory is missing or holds no annotations."""


def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="Directory of gold annotation files (*.json).")],
    articles: Annotated[Path, typer.Option("--articles", help="Directory of the annotated articles.")],
    show: Annotated[int, typer.Option("--show", min=0, help="Print up to N misses of each kind.")] = 0,
    by_type: Annotated[bool, typer.Option("--by-type", help="Add a table per entity type.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
) -> None:
    """Score `kg extract` on annotated articles: entities, relations, pairs and observations (P/R/F1)."""
    from kg.evaluate import evaluate_dir

    for name, d in (("gold", gold), ("articles", articles)):
        if not d.is_dir():
            raise EvaluationInputError(f"--{name} {d}: not a directory")
    if not any(gold.glob("*.json")):
        raise EvaluationInputError(f"--gold {gold}: no *.json annotation files")
    score = evaluate_dir(gold, articles, jobs=jobs)
    if as_json:
        sys.stdout.write(json.dumps(score.as_dict(), indent=1) + "\n")
    else:
        sys.stdout.write(score.table(by_type=by_type, show=show) + "\n")


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)

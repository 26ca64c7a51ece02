"""Entry point of `kg`: assembles the command groups and turns user errors into one line."""
from __future__ import annotations

import importlib
import sys

import typer

from kg.errors import KGError

app = typer.Typer(
    name="kg",
    help="chinatech-kg: a knowledge graph of China's technology strategy, built from news.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Each module registers its commands on `app` with `register(app)`; heavy imports stay inside commands.
COMMAND_MODULES = (
    "extract", "ingest", "query", "entity", "analyze", "export", "neo4j", "evaluate",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"kg.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"kg.cli.{name}":
                continue  # command group not built yet
            raise
        mod.register(app)


_register()


def main() -> None:
    """Run the CLI; KGError becomes `error: …` on stderr with exit code 2."""
    try:
        app(standalone_mode=True)
    except KGError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)

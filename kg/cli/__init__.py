"""The `kg` command line: one Typer sub-module per command group; a leaf nothing imports."""

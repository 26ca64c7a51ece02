"""One exception hierarchy for user-facing errors; the CLI turns each into a one-line message."""
from __future__ import annotations


class KGError(Exception):
    """An error the user can act on (bad file, bad query, missing store...): shown as one line."""


class InputError(KGError):
    """A source file could not be read as an article; the message names the file and the problem."""


class QueryError(KGError):
    """A SPARQL or Cypher query was refused or failed."""


class StoreError(KGError):
    """The store could not be opened, locked or written."""

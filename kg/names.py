"""Entity names to keys, the way every command resolves them: the key itself, else a label, else an alias or
surface form, each spelt exactly (index lookups), then case-insensitively, then by normalised name (both a
scan of every name of the store). An exactly spelt name therefore wins over other spellings: `Ernie` names
the entity labelled `Ernie` even when another is labelled `ERNIE`.

Named queries resolve their entity parameters with `kg.queries.resolve_entity` instead, in SPARQL, so that
they run against any SPARQL endpoint too.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import QueryError
from kg.ids import entity_iri, normalize_name
from kg.rdf import ENTITIES_GRAPH, RDFS_LABEL, REFERENCE_GRAPH, SKOS_ALT_LABEL, ct
from kg.sparql import oxigraph_of

if TYPE_CHECKING:
    from kg.store import KGStore  # or a pyoxigraph Store

__all__ = ["UnknownEntityError", "find_entities", "resolve_entity", "one_key"]

_NAME_GRAPHS = (ox.NamedNode(REFERENCE_GRAPH), ox.NamedNode(ENTITIES_GRAPH))  # where every name lives


class UnknownEntityError(QueryError):
    """NAME matches no entity, or several (the message lists them)."""


def one_key(name: str, candidates: Iterable[Iterable[str]], where: str = "") -> str:
    """The key `name` means, from the keys each way of naming finds, best way first (a lazy iterable spares
    the later lookups): the first way that finds any decides, and finding several there is ambiguous."""
    for found in candidates:
        keys = sorted(set(found))
        if len(keys) == 1:
            return keys[0]
        if keys:
            shown = ", ".join(keys[:5]) + (" …" if len(keys) > 5 else "")
            raise UnknownEntityError(f"{name!r} names several entities{where} ({shown}): pass a key")
    raise UnknownEntityError(f"no entity named {name!r}{where}")


def _names(store: KGStore) -> list[tuple[str, str, str]]:
    """(key, kind, name) for every label, alias, surface form and normalised name of every entity: one pass
    over the reference and entities graphs, where all names live (a SPARQL scan of the union graph takes
    seconds on a corpus store)."""
    st = oxigraph_of(store)
    keys = {q.subject: str(q.object.value) for g in _NAME_GRAPHS
            for q in st.quads_for_pattern(None, ct("key"), None, g)}
    return [(keys[q.subject], kind, str(q.object.value))
            for prop, kind in ((RDFS_LABEL, "label"), (SKOS_ALT_LABEL, "alias"), (ct("normalizedName"), "norm"))
            for g in _NAME_GRAPHS for q in st.quads_for_pattern(None, prop, None, g) if q.subject in keys]


def _exact(store: KGStore, name: str) -> list[str]:
    """Keys of the entities whose key, else label, else alias is exactly `name` (index lookups, instant)."""
    st, value = oxigraph_of(store), ox.Literal(name)
    for prop in (ct("key"), RDFS_LABEL, SKOS_ALT_LABEL):
        nodes = {q.subject for g in _NAME_GRAPHS for q in st.quads_for_pattern(None, prop, value, g)}
        keys = sorted({str(q.object.value) for n in nodes for g in _NAME_GRAPHS
                       for q in st.quads_for_pattern(n, ct("key"), None, g)})
        if keys:
            return keys
    return []


def find_entities(store: KGStore, name: str) -> tuple[list[str], list[str]]:
    """Entity keys NAME resolves to — by key, then label, then alias or surface form, each spelt exactly
    (index lookups), then case-insensitively, then by normalised name (a scan of every name: seconds on a
    corpus store) — and, when none match, close names to suggest."""
    exact = _exact(store, name)
    if exact:
        return exact, []
    names = _names(store)
    folded = name.casefold()
    for kind in ("label", "alias"):
        hits = sorted({k for k, kd, n in names if kd == kind and n.casefold() == folded})
        if hits:
            return hits, []
    norm = normalize_name(name)
    hits = sorted({k for k, _, n in names if normalize_name(n) == norm})
    if hits:
        return hits, []
    by_name: dict[str, set[str]] = defaultdict(set)
    for k, _, n in names:
        by_name[n.casefold()].add(k)
    close = difflib.get_close_matches(folded, list(by_name), n=8, cutoff=0.7)
    contains = [n for n in by_name if len(name) >= 3 and folded in n][:8]
    suggestions = dict.fromkeys(k for n in [*close, *contains] for k in sorted(by_name[n]))
    return [], list(suggestions)[:8]


def resolve_entity(store: KGStore, name: str) -> str:
    """The one key NAME means, or an UnknownEntityError saying why not (with "did you mean")."""
    keys, suggestions = find_entities(store, name)
    if len(keys) == 1:
        return keys[0]
    if keys:
        listed = ", ".join(f"{k} ({_label(store, k)})" for k in keys[:10])
        raise UnknownEntityError(f"'{name}' is ambiguous: did you mean {listed}? (pass a key)")
    hint = f"; did you mean {', '.join(f'{k} ({_label(store, k)})' for k in suggestions)}?" if suggestions else ""
    raise UnknownEntityError(f"no entity named '{name}' in the store{hint}")


def _label(store: KGStore, key: str) -> str:
    """The entity's label (the smallest, should there be several), else its key: index lookups only."""
    st, node = oxigraph_of(store), ox.NamedNode(entity_iri(key))
    labels = [str(q.object.value) for g in _NAME_GRAPHS for q in st.quads_for_pattern(node, RDFS_LABEL, None, g)]
    return min(labels, default=key)

"""Resolution: typed spans -> one entity per real-world thing, each with its mentions and the reason."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg.graph import Entity, Mention
from kg.ids import discovered_key, normalize_name
from loaders.extract.spans import Span
from ontology.catalog import Catalog, load_catalog, surface_forms


@dataclass(slots=True)
class Resolved:
    """The entities of one article and, for each kept span, the key it resolved to."""

    entities: list[Entity]
    spans: list[tuple[Span, str]] = field(default_factory=list)  # (span, entity key), text order


_INDEXES: dict[int, dict[tuple[str, str], str]] = {}


def _catalog_index(catalog: Catalog) -> dict[tuple[str, str], str]:
    """(type, normalised surface form) -> catalog key, to resolve discovered names to catalog entries."""
    if id(catalog) in _INDEXES:
        return _INDEXES[id(catalog)]
    idx = _INDEXES.setdefault(id(catalog), {})
    for e in catalog.entities.values():
        for f in surface_forms(e):
            idx.setdefault((e.type, normalize_name(f)), e.key)
    return idx


def _group_discovered(spans: list[Span]) -> dict[int, str]:
    """Canonical name per discovered span: prefix-related company names ("Alphalex Capital" and
    "Alphalex Capital Management HK Ltd.") and surnames join one group, named by its shortest form."""
    names: dict[str, set[str]] = defaultdict(set)  # type -> normalised names
    for s in spans:
        names[s.type].add(normalize_name(s.name or s.text))
    canon: dict[tuple[str, str], str] = {}
    for t, ns in names.items():
        for n in sorted(ns, key=len):
            tok = n.split()
            best = n
            for other in sorted(ns, key=len):
                if other == n or len(other) >= len(n):
                    continue
                ot = other.split()
                if t in ("Company", "GovernmentBody") and tok[: len(ot)] == ot and len(ot) >= 1 and len(other) >= 4:
                    best = canon.get((t, other), other)
                    break
            canon[(t, n)] = best
    return {id(s): canon[(s.type, normalize_name(s.name or s.text))] for s in spans}


def resolve(spans: list[Span], catalog: Catalog | None = None) -> Resolved:
    """Group spans by entity: catalog key, catalog form by normalised name, else type + normalised name."""
    catalog = catalog or load_catalog()
    idx = _catalog_index(catalog)
    discovered = [s for s in spans if s.key is None]
    canon = _group_discovered(discovered)
    by_key: dict[str, list[Span]] = defaultdict(list)
    reasons: dict[str, str] = {}
    out: list[tuple[Span, str]] = []
    for s in spans:
        if s.key is not None:
            key = s.key
            reason = "catalog descriptor" if s.rule == "descriptor" else "catalog alias"
        else:
            norm = canon[id(s)]
            hit = idx.get((s.type, norm)) or idx.get((s.type, normalize_name(s.text)))
            if hit:
                key, reason = hit, f"normalised name '{norm}' matches the catalog"
            else:
                key, reason = discovered_key(s.type, norm), f"{s.rule}; merged by type and normalised name '{norm}'"
        by_key[key].append(s)
        reasons.setdefault(key, reason)
        out.append((s, key))
    entities = []
    for key, group in by_key.items():
        entry = catalog.entities.get(key)
        forms = [s.text for s in group if s.rule != "descriptor"]
        if entry is not None:
            label, etype = entry.label, entry.type
        else:
            label, etype = max(forms or [group[0].text], key=len), group[0].type
        aliases = sorted({f for f in forms if f != label})
        entities.append(Entity(
            id=key, label=label, type=etype, aliases=aliases,
            mentions=[Mention(text=s.text, start=s.start, end=s.end, field=s.field) for s in group],
            source="catalog" if entry is not None else "discovered",
            wikidata=entry.wikidata if entry is not None else None,
            tickers=list(entry.tickers) if entry is not None else [],
            reason=reasons[key],
        ))
    return Resolved(entities, out)

"""Resolution: typed spans -> one entity per real-world thing, each with its mentions and the reason."""
from __future__ import annotations

import re
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


_POLICY_TAIL = re.compile(r"\s(?:policies|policy|measures)$")
_ARTIFACTS = {"Product", "AIModel", "Chip"}


def _norm(s: Span) -> str:
    """Normalised name of a discovered span; policy phrases by their stem ("tech restriction policies" and
    "tech restrictions" are one policy)."""
    n = normalize_name(s.name or s.text)
    if s.type == "Policy" and s.rule == "discover:policy-phrase":
        n = _POLICY_TAIL.sub("", n)
        n = re.sub(r"(?<=[a-z])s$", "", n)
    return n


def _group_discovered(spans: list[Span]) -> dict[int, str]:
    """Canonical name per discovered span: prefix-related company names ("Alphalex Capital" and
    "Alphalex Capital Management HK Ltd."), surnames, and policy phrases that end another one
    ("localization efforts" in "chip-localization efforts") join one group, named by its shortest form."""
    names: dict[str, set[str]] = defaultdict(set)  # type -> normalised names
    for s in spans:
        names[s.type].add(_norm(s))
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
                if t in ("Policy", "GeopoliticalFactor") and n.endswith(" " + other) and len(ot) >= 2:
                    best = canon.get((t, other), other)
                    break
            canon[(t, n)] = best
    return {id(s): canon[(s.type, _norm(s))] for s in spans}


def _short_forms(spans: list[Span], catalog: Catalog) -> dict[tuple[str, str], str]:
    """(type group, normalised short name) -> catalog key, for the first words of catalog names this article
    uses: "Great Wall" for Great Wall Motor, "Mate" for the Mate 60."""
    out: dict[tuple[str, str], str] = {}
    for s in spans:
        entry = catalog.entities.get(s.key) if s.key else None
        if entry is None or entry.type not in ("Company", "Product", "AIModel", "Chip"):
            continue
        group = "Artifact" if entry.type in _ARTIFACTS else entry.type
        for f in (entry.label, *entry.aliases):
            tok = normalize_name(f).split()
            for i in range(1, len(tok)):
                out.setdefault((group, " ".join(tok[:i])), entry.key)
    return out


_RESTRICTIVE = re.compile(r"\b(?:sanctions?|restrictions?|curbs?|controls?|bans?|blacklists?)$")  # stems too
_ISSUERS = {"us": "us", "u s": "us", "american": "us", "united states": "us", "washington": "us",
            "china": "china", "chinese": "china", "beijing": "china", "uk": "uk", "u k": "uk", "british": "uk",
            "eu": "eu", "european": "eu", "japan": "japan", "japanese": "japan", "dutch": "netherlands"}


def _issuer(name: str) -> str | None:
    tok = normalize_name(name).split()
    for n in (2, 1):
        if len(tok) > n and " ".join(tok[:n]) in _ISSUERS:
            return _ISSUERS[" ".join(tok[:n])]
    return None


def _restrictive_policies(spans: list[Span], catalog: Catalog) -> dict[str, str]:
    """Issuer -> the one catalog restriction policy of that issuer named in the article ("US sanctions"),
    so that "U.S. government restrictions" in the same article is read as the same policy."""
    found: dict[str, set[str]] = defaultdict(set)
    for s in spans:
        entry = catalog.entities.get(s.key) if s.key else None
        if entry is not None and entry.type == "Policy" and _RESTRICTIVE.search(entry.label.lower()):
            issuer = _issuer(entry.label)
            if issuer:
                found[issuer].add(entry.key)
    return {i: next(iter(keys)) for i, keys in found.items() if len(keys) == 1}


def _same_places(discovered: list[Span], spans: list[Span], canon: dict[int, str]) -> None:
    """Names that differ only in how they write a place inside them ("National Security Law for HK" and
    "... for Hong Kong", "US tariffs" and "U.S. tariffs") are one entity: `canon` is updated in place."""
    places = [p for p in spans if p.rule == "nested" and p.key]
    if not places:
        return
    first: dict[tuple[str, str], str] = {}
    for s in discovered:
        inner = [p for p in places if p.field == s.field and s.start <= p.start and p.end <= s.end]
        if not inner:
            continue
        name = s.text
        for p in sorted(inner, key=lambda p: -p.start):
            name = name[: p.start - s.start] + f" {p.key} " + name[p.end - s.start:]
        k = (s.type, normalize_name(name))
        canon[id(s)] = first.setdefault(k, canon[id(s)])


def resolve(spans: list[Span], catalog: Catalog | None = None) -> Resolved:
    """Group spans by entity: catalog key, catalog form by normalised name, else type + normalised name."""
    catalog = catalog or load_catalog()
    idx = _catalog_index(catalog)
    discovered = [s for s in spans if s.key is None]
    canon = _group_discovered(discovered)
    _same_places(discovered, spans, canon)
    short = _short_forms(spans, catalog) if discovered else {}
    restrictive = _restrictive_policies(spans, catalog) if discovered else {}
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
            group = "Artifact" if s.type in _ARTIFACTS else s.type
            if hit:
                key, reason = hit, f"normalised name '{norm}' matches the catalog"
            elif (s.rule == "discover:policy-phrase" and _RESTRICTIVE.search(norm)
                  and restrictive.get(_issuer(norm) or "")):
                key = restrictive[_issuer(norm) or ""]
                reason = f"'{norm}' names the article's restriction policy of the same issuer"
            elif (group, norm) in short and len(norm) >= 3:
                key, reason = short[(group, norm)], f"'{norm}' is the short form of a name in the article"
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

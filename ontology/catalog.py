"""The reference catalog: curated entities (with their surface forms) and reference facts.

`catalog.yaml` lists the entities that matter for China's technology strategy, each with a stable key,
a canonical English label, one core type of the ontology, the English and Chinese names news use for it,
tickers and, where certain, a Wikidata QID; and a list of well-established facts between them. The
mention matcher maps surface forms to keys through `surface_forms`; the store writes every entry and
fact into the reference graph. This module only reads and checks the file: like the rest of `ontology`,
it imports none of the project's other packages, so its errors are a `CatalogError` of its own.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ontology.schema import Schema, data_path, load_schema

__all__ = [
    "KEY_PATTERN", "SOURCES", "Catalog", "CatalogEntry", "CatalogError",
    "form_is_case_sensitive", "load_catalog", "surface_forms", "validate_catalog",
]

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_TICKER = re.compile(r"^[A-Z0-9]+(?:[.-][A-Z0-9]+)?$")

# Where a catalog entry's facts come from: a dataset under the shared reference folder, or public record.
SOURCES = frozenset({
    "epoch-ai-models", "epoch-ml-hardware", "eto-chip-supply-chain", "gpu-clusters", "public record",
})

_ENTRY_FIELDS = frozenset({
    "key", "label", "type", "aliases", "zh", "tickers", "wikidata", "descriptors", "case_sensitive", "source",
})


class CatalogError(ValueError):
    """The catalog file cannot be read as a catalog; the message names the file and the entry."""


@dataclass(frozen=True)
class CatalogEntry:
    """One curated entity: its key, canonical label, core type and the names it goes by."""

    key: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    wikidata: str | None = None
    descriptors: tuple[str, ...] = ()
    case_sensitive: bool = False
    source: str = "public record"


@dataclass(frozen=True)
class Catalog:
    """All catalog entities by key, and the reference facts as (subject key, relation, object key).

    `duplicate_keys` lists keys that occur more than once in the file (the last entry wins in
    `entities`); `validate_catalog` reports them.
    """

    entities: dict[str, CatalogEntry]
    facts: list[tuple[str, str, str]]
    duplicate_keys: tuple[str, ...] = field(default=())


def surface_forms(entry: CatalogEntry) -> list[str]:
    """Every name the entry may appear under in text: label, English aliases, Chinese aliases and tickers,
    in that order and without repeats. Descriptors are not names and are left out.

    >>> surface_forms(CatalogEntry("baidu", "Baidu", "Company", aliases=("Baidu Inc.",), zh=("百度",),
    ...                            tickers=("BIDU", "9888.HK")))
    ['Baidu', 'Baidu Inc.', '百度', 'BIDU', '9888.HK']
    """
    return list(dict.fromkeys((entry.label, *entry.aliases, *entry.zh, *entry.tickers)))


def form_is_case_sensitive(entry: CatalogEntry, form: str) -> bool:
    """True when `form` must match text with its exact case: all forms of a case-sensitive entry, and
    tickers always (so `LI` never matches the surname Li)."""
    return entry.case_sensitive or form in entry.tickers


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read a catalog YAML file (default: the shipped `catalog.yaml`, parsed once and cached).

    Raises `CatalogError` when the file is not a well-formed catalog; problems of content (unknown types,
    clashing aliases, facts outside a relation's domain or range) are left to `validate_catalog`.
    """
    if path is None:
        return _load_default()
    return _parse(Path(path))


@cache
def _load_default() -> Catalog:
    return _parse(data_path("catalog.yaml"))


def _parse(path: Path) -> Catalog:
    import yaml

    try:
        # libyaml's loader when PyYAML has it (8x faster: the catalog is parsed on every cold start)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as e:
        raise CatalogError(f"{path}: cannot read the catalog ({e.strerror or e})") from e
    except yaml.YAMLError as e:
        raise CatalogError(f"{path}: not valid YAML ({' '.join(str(e).split())})") from e
    if not isinstance(raw, dict) or not isinstance(raw.get("entities"), list):
        raise CatalogError(f"{path}: expected a mapping with an 'entities' list")
    entities: dict[str, CatalogEntry] = {}
    duplicates: list[str] = []
    for i, item in enumerate(raw["entities"]):
        entry = _entry(path, i, item)
        if entry.key in entities:
            duplicates.append(entry.key)
        entities[entry.key] = entry
    facts = [_fact(path, i, item) for i, item in enumerate(raw.get("facts") or [])]
    return Catalog(entities, facts, tuple(duplicates))


def _entry(path: Path, index: int, item: Any) -> CatalogEntry:
    """One entity mapping -> CatalogEntry, or a CatalogError naming the file and the entry."""
    where = f"{path}: entity #{index + 1}"
    if not isinstance(item, dict):
        raise CatalogError(f"{where}: expected a mapping, got {type(item).__name__}")
    if isinstance(item.get("key"), str):
        where = f"{path}: entity '{item['key']}'"
    unknown = sorted(set(map(str, item)) - _ENTRY_FIELDS)
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in ("key", "label", "type"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            raise CatalogError(f"{where}: '{name}' must be a non-empty string")

    def strings(name: str) -> tuple[str, ...]:
        value = item.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise CatalogError(f"{where}: '{name}' must be a list of non-empty strings (quote numbers)")
        return tuple(value)

    wikidata = item.get("wikidata")
    if wikidata is not None and not isinstance(wikidata, str):
        raise CatalogError(f"{where}: 'wikidata' must be a string such as Q14772")
    case_sensitive = item.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        raise CatalogError(f"{where}: 'case_sensitive' must be true or false")
    source = item.get("source", "public record")
    if not isinstance(source, str):
        raise CatalogError(f"{where}: 'source' must be a string")
    return CatalogEntry(
        key=item["key"], label=item["label"], type=item["type"], aliases=strings("aliases"), zh=strings("zh"),
        tickers=strings("tickers"), wikidata=wikidata, descriptors=strings("descriptors"),
        case_sensitive=case_sensitive, source=source,
    )


def _fact(path: Path, index: int, item: Any) -> tuple[str, str, str]:
    """One fact `[subject, relation, object]` -> a tuple, or a CatalogError naming the file and the fact."""
    if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
        raise CatalogError(f"{path}: fact #{index + 1} must be [subject, relation, object], got {item!r}")
    return (item[0], item[1], item[2])


def validate_catalog(cat: Catalog, schema: Schema | None = None) -> list[str]:
    """Every problem of content in `cat`, one line each (empty when the catalog is sound).

    Checks: keys are slugs and unique; types are core types; sources are known; Wikidata QIDs and
    tickers are well-formed; no entity repeats a form; no two entities share a surface form (compared
    case-insensitively unless both forms are case-sensitive); facts use known keys and core relations and
    respect the relation's domain and range.
    """
    schema = schema or load_schema()
    core_types = set(schema.core_types)
    core_relations = set(schema.core_relations)
    problems: list[str] = [f"duplicate key '{k}'" for k in dict.fromkeys(cat.duplicate_keys)]
    owners: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)  # casefolded form -> (key, form, cs)
    for key, e in cat.entities.items():
        if key != e.key:
            problems.append(f"entity '{e.key}' filed under key '{key}'")
        if not KEY_PATTERN.match(e.key):
            problems.append(f"entity '{e.key}': key is not a slug (lowercase letters, digits, '-')")
        if e.type not in core_types:
            problems.append(f"entity '{e.key}': type '{e.type}' is not a core type")
        if e.source not in SOURCES:
            problems.append(f"entity '{e.key}': unknown source '{e.source}'")
        if e.wikidata is not None and not _QID.match(e.wikidata):
            problems.append(f"entity '{e.key}': '{e.wikidata}' is not a Wikidata QID")
        for t in e.tickers:
            if not _TICKER.match(t):
                problems.append(f"entity '{e.key}': malformed ticker '{t}'")
        names = [e.label, *e.aliases, *e.zh]
        for group in (names, list(e.tickers)):
            for form in sorted({f for f in group if group.count(f) > 1}):
                problems.append(f"entity '{e.key}': form '{form}' is given more than once")
        forms = names + list(e.tickers)
        for form in forms:
            if form != form.strip() or not form:
                problems.append(f"entity '{e.key}': form '{form}' has surrounding spaces")
        for form in dict.fromkeys(forms):
            owners[form.casefold()].append((e.key, form, form_is_case_sensitive(e, form)))
    for uses in owners.values():
        for i, (k1, f1, cs1) in enumerate(uses):
            for k2, f2, cs2 in uses[i + 1:]:
                if k1 != k2 and not (cs1 and cs2 and f1 != f2):
                    problems.append(f"surface form '{f1}' of '{k1}' clashes with '{f2}' of '{k2}'")
    for s, p, o in cat.facts:
        fact = f"fact [{s}, {p}, {o}]"
        missing = [k for k in (s, o) if k not in cat.entities]
        if missing:
            problems.append(f"{fact}: unknown key(s) {', '.join(missing)}")
        if p not in core_relations:
            problems.append(f"{fact}: '{p}' is not a core relation")
        if not missing and p in core_relations:
            st, ot = cat.entities[s].type, cat.entities[o].type
            if not schema.allows(p, st, ot):
                problems.append(f"{fact}: {p} does not allow {st} -> {ot}")
    seen: set[tuple[str, str, str]] = set()
    for f in cat.facts:
        if f in seen:
            problems.append(f"fact [{', '.join(f)}] is listed twice")
        seen.add(f)
    return problems

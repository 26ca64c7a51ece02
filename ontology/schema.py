"""Load `chinatech.ttl` once and expose its classes and relations to code.

Everything the code knows about types and relations (pydantic enums, Neo4j labels and
relationship types, CLI type names, domain/range checks) comes from here, so the ontology
file stays the single source of truth.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

ONTOLOGY_IRI = "https://w3id.org/chinatech/ontology"
NS = ONTOLOGY_IRI + "#"
ENTITY_BASE = "https://w3id.org/chinatech/id/"
ARTICLE_BASE = "https://w3id.org/chinatech/article/"
GRAPH_BASE = "https://w3id.org/chinatech/graph/"
REFERENCE_GRAPH = GRAPH_BASE + "reference"
ENTITIES_GRAPH = GRAPH_BASE + "entities"


@dataclass(frozen=True)
class ClassInfo:
    """One OWL class of the ontology."""

    name: str
    label: str
    comment: str
    parents: tuple[str, ...]  # direct super-classes inside the ontology
    ancestors: tuple[str, ...]  # transitive super-classes inside the ontology, nearest first
    core: bool

    @property
    def iri(self) -> str:
        return NS + self.name


@dataclass(frozen=True)
class RelationInfo:
    """One object property of the ontology, with its domain and range as class names."""

    name: str
    label: str
    comment: str
    domain: frozenset[str]
    range: frozenset[str]
    symmetric: bool
    core: bool

    @property
    def iri(self) -> str:
        return NS + self.name

    @property
    def rel_type(self) -> str:
        """The Neo4j relationship type, e.g. `trainedOn` -> `TRAINED_ON`."""
        return upper_snake(self.name)


@dataclass(frozen=True)
class Schema:
    """The parsed ontology: classes and relations by local name."""

    classes: dict[str, ClassInfo]
    relations: dict[str, RelationInfo]

    @property
    def core_types(self) -> tuple[str, ...]:
        return tuple(n for n, c in self.classes.items() if c.core)

    @property
    def core_relations(self) -> tuple[str, ...]:
        return tuple(n for n, r in self.relations.items() if r.core)

    def labels(self, type_name: str) -> tuple[str, ...]:
        """Class plus its super-classes, e.g. Company -> (Company, Organization, Entity)."""
        c = self.classes[type_name]
        return (c.name, *c.ancestors)

    def is_a(self, type_name: str, cls: str) -> bool:
        return type_name == cls or cls in self.classes[type_name].ancestors

    def subclasses(self, cls: str) -> tuple[str, ...]:
        """Core types that are `cls` or below it (used to expand a super-class label)."""
        return tuple(t for t in self.core_types if self.is_a(t, cls))

    def allows(self, predicate: str, subject_type: str, object_type: str) -> bool:
        """True when the relation's domain admits the subject and its range the object."""
        r = self.relations.get(predicate)
        if r is None or subject_type not in self.classes or object_type not in self.classes:
            return False
        ok = any(self.is_a(subject_type, d) for d in r.domain) and any(self.is_a(object_type, x) for x in r.range)
        if not ok and r.symmetric:
            ok = any(self.is_a(object_type, d) for d in r.domain) and any(self.is_a(subject_type, x) for x in r.range)
        return ok


def upper_snake(name: str) -> str:
    """lowerCamelCase -> UPPER_SNAKE: `headquarteredIn` -> `HEADQUARTERED_IN`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def data_path(name: str) -> Path:
    """Path of a file shipped in the `ontology` package (chinatech.ttl, shapes.ttl, catalog.yaml)."""
    return Path(str(resources.files("ontology").joinpath(name)))


@cache
def load_schema() -> Schema:
    """Parse chinatech.ttl (cached): the classes and relations that code may use."""
    from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
    from rdflib.collection import Collection

    g = Graph().parse(data_path("chinatech.ttl"), format="turtle")
    core_p = URIRef(NS + "coreVocabulary")

    def local(node: object) -> str | None:
        s = str(node)
        return s[len(NS):] if s.startswith(NS) else None

    def text(node: URIRef, prop: URIRef) -> str:
        v = g.value(node, prop)
        return str(v) if isinstance(v, Literal) else ""

    def is_core(node: URIRef) -> bool:
        v = g.value(node, core_p)
        return bool(v is not None and v.toPython() is True)

    parents: dict[str, tuple[str, ...]] = {}
    for cls in g.subjects(RDF.type, OWL.Class):
        name = local(cls)
        if name:
            parents[name] = tuple(p for p in (local(o) for o in g.objects(cls, RDFS.subClassOf)) if p)

    def ancestors(name: str) -> tuple[str, ...]:
        out: list[str] = []
        frontier = list(parents.get(name, ()))
        while frontier:
            p = frontier.pop(0)
            if p not in out:
                out.append(p)
                frontier.extend(parents.get(p, ()))
        return tuple(out)

    classes = {
        n: ClassInfo(n, text(URIRef(NS + n), RDFS.label), text(URIRef(NS + n), RDFS.comment),
                     parents[n], ancestors(n), is_core(URIRef(NS + n)))
        for n in sorted(parents)
    }

    def class_set(node: object) -> frozenset[str]:
        if node is None:
            return frozenset()
        name = local(node)
        if name:
            return frozenset({name})
        union = g.value(node, OWL.unionOf)  # type: ignore[arg-type]
        return frozenset(n for n in (local(x) for x in Collection(g, union)) if n) if union else frozenset()

    relations = {}
    for prop in sorted(g.subjects(RDF.type, OWL.ObjectProperty)):
        name = local(prop)
        if not name:
            continue
        relations[name] = RelationInfo(
            name, text(prop, RDFS.label), text(prop, RDFS.comment),
            class_set(g.value(prop, RDFS.domain)), class_set(g.value(prop, RDFS.range)),
            (prop, RDF.type, OWL.SymmetricProperty) in g, is_core(prop),
        )
    return Schema(classes, relations)

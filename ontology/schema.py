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


# The W3C namespaces the project spells (every module takes them from here).
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"


@cache
def load_schema() -> Schema:
    """Parse chinatech.ttl (cached): the classes and relations that code may use. Read with pyoxigraph,
    which every command loads anyway (rdflib's import alone took 0.2 s of each command's start)."""
    import pyoxigraph as ox

    def key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        """An IRI as itself, a blank node as `_:id` (never an IRI): what the triples are indexed by."""
        return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value

    objects: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for t in ox.parse(path=str(data_path("chinatech.ttl")), format=ox.RdfFormat.TURTLE):
        objects.setdefault((key(t.subject), t.predicate.value), []).append(t.object)

    def values(node: str, prop: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return objects.get((node, prop), [])

    def first(node: str, prop: str) -> str | None:
        return next((key(v) for v in values(node, prop)), None)

    def subjects(prop: str, obj: str) -> list[str]:
        return sorted({s for (s, p), os in objects.items() if p == prop and any(key(o) == obj for o in os)})

    def local(node: str) -> str | None:
        return node[len(NS):] if node.startswith(NS) else None

    def text(node: str, prop: str) -> str:
        v = next(iter(values(node, prop)), None)
        return v.value if isinstance(v, ox.Literal) else ""

    def is_core(node: str) -> bool:
        return any(isinstance(v, ox.Literal) and v.value in ("true", "1") for v in values(node, NS + "coreVocabulary"))

    parents: dict[str, tuple[str, ...]] = {}
    for cls in subjects(RDF + "type", OWL + "Class"):
        name = local(cls)
        if name:
            parents[name] = tuple(p for p in (local(key(o)) for o in values(cls, RDFS + "subClassOf")) if p)

    def ancestors(name: str) -> tuple[str, ...]:
        out: list[str] = []
        frontier = list(parents.get(name, ()))
        while frontier:
            p = frontier.pop(0)
            if p not in out:
                out.append(p)
                frontier.extend(parents.get(p, ()))
        return tuple(out)

    classes = {n: ClassInfo(n, text(NS + n, RDFS + "label"), text(NS + n, RDFS + "comment"), parents[n],
                            ancestors(n), is_core(NS + n))
               for n in sorted(parents)}

    def members(node: str | None) -> list[str]:
        """The items of an RDF list (`owl:unionOf ( … )`)."""
        out = []
        while node and node != RDF + "nil":
            out += [key(v) for v in values(node, RDF + "first")]
            node = first(node, RDF + "rest")
        return out

    def class_set(node: str | None) -> frozenset[str]:
        if node is None:
            return frozenset()
        name = local(node)
        if name:
            return frozenset({name})
        return frozenset(n for n in map(local, members(first(node, OWL + "unionOf"))) if n)

    relations = {}
    for prop in subjects(RDF + "type", OWL + "ObjectProperty"):
        name = local(prop)
        if not name:
            continue
        relations[name] = RelationInfo(
            name, text(prop, RDFS + "label"), text(prop, RDFS + "comment"),
            class_set(first(prop, RDFS + "domain")), class_set(first(prop, RDFS + "range")),
            OWL + "SymmetricProperty" in map(key, values(prop, RDF + "type")), is_core(prop),
        )
    return Schema(classes, relations)

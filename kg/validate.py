"""SHACL validation of the store with pyshacl: the structural shapes of `ontology/shapes.ttl` plus shapes
generated here from the ontology (domain and range of every relation, the relations an assertion may use,
the core type every entity needs), so that no class or relation is listed twice.

The store is validated in batches of articles, each with the descriptions of the entities it mentions,
then the reference graph; pyshacl sees one merged graph per batch (it would check named graphs apart).
SHACL-SPARQL constraints of shapes.ttl are run by Oxigraph over the store instead of pyshacl, which
re-parses the query for every focus node (60 ms each, half of the validation time on 16 articles).
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from kg.sparql import rdflib_term
from ontology.schema import ARTICLE_BASE, ENTITY_BASE, NS, RDF, RDFS, SKOS, data_path, load_schema

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.store import KGStore

__all__ = ["Violation", "ValidationReport", "generated_shapes", "shapes_graph", "validate_graph", "validate_store"]

SHAPES_NS = "https://w3id.org/chinatech/shapes#"
_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, with terms shortened for display (`ct:`, `id:`, `article:`)."""

    focus: str
    path: str
    value: str
    message: str
    shape: str
    severity: str = "Violation"


@dataclass
class ValidationReport:
    """The outcome over everything validated: conforms when no result has severity Violation."""

    violations: list[Violation] = field(default_factory=list)
    triples: int = 0

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)


def _union_class(shape: URIRef) -> URIRef:
    """The class standing for "any of the classes `shape` allows" (`shape:develops-domain` ->
    `shape:develops-domain-class`)."""
    return URIRef(f"{shape}-class")


def _classes_constraint(g: Graph, shape: Any, message: str) -> None:
    """`shape` requires its focus node to be an instance of one of the classes `_class_shapes` lists for it
    (or of their sub-classes): an `sh:class` of one union class, which each of them is declared a sub-class
    of in the data (`class_unions`). `sh:or` over `sh:class`, or a qualified `sh:in` over the node's types,
    say the same, but pyshacl builds a result for every class or type that does not match: half of a
    validation."""
    from rdflib import Literal, Namespace

    sh = Namespace(_SH)
    g.add((shape, sh["class"], _union_class(shape)))
    g.add((shape, sh.message, Literal(message)))


@cache
def _class_shapes() -> dict[str, frozenset[str]]:
    """Shape name -> the classes its focus node must be one of: each relation's domain and range (either,
    for a symmetric relation) and, for every entity, the core types."""
    schema = load_schema()
    out: dict[str, frozenset[str]] = {}
    for rel in schema.relations.values():
        for end, classes in (("domain", rel.domain), ("range", rel.range)):
            if rel.symmetric:
                classes = rel.domain | rel.range
            if classes:
                out[f"{rel.name}-{end}"] = frozenset(classes)
    out["entity-core-type"] = frozenset(schema.core_types)
    return out


@cache
def class_unions() -> tuple[tuple[URIRef, URIRef], ...]:
    """(class, union class) pairs, each meaning `class rdfs:subClassOf union`: every class a class shape
    allows (sub-classes included) under that shape's union class."""
    schema = load_schema()
    return tuple((URIRef(NS + c), _union_class(URIRef(SHAPES_NS + name)))
                 for name, classes in _class_shapes().items()
                 for c in sorted(c for c in schema.classes if any(schema.is_a(c, x) for x in classes)))


def generated_shapes() -> Graph:
    """Shapes derived from chinatech.ttl: for every relation with a domain (range), its subjects (objects)
    must be instances of a domain (range) class (symmetric relations: of either); an assertion's
    `rdf:predicate` must be a core relation; every entity must have a core type."""
    from rdflib import RDF, Graph, Literal, Namespace, URIRef
    from rdflib.collection import Collection

    sh = Namespace(_SH)
    schema = load_schema()
    g = Graph()
    for rel in schema.relations.values():
        for end in ("domain", "range"):
            classes = _class_shapes().get(f"{rel.name}-{end}")
            if classes is None:
                continue
            shape = URIRef(f"{SHAPES_NS}{rel.name}-{end}")
            g.add((shape, RDF.type, sh.NodeShape))
            g.add((shape, sh.targetSubjectsOf if end == "domain" else sh.targetObjectsOf, URIRef(rel.iri)))
            role = "subject" if end == "domain" else "object"
            _classes_constraint(g, shape, f"the {role} of ct:{rel.name} must be a {' or '.join(sorted(classes))}")
    predicate = URIRef(SHAPES_NS + "assertion-predicate")
    prop = URIRef(SHAPES_NS + "assertion-predicate-in")
    values = URIRef(SHAPES_NS + "core-relations")
    Collection(g, values, [URIRef(schema.relations[r].iri) for r in schema.core_relations])
    g.add((predicate, RDF.type, sh.NodeShape))
    g.add((predicate, sh.targetClass, URIRef(NS + "RelationAssertion")))
    g.add((predicate, sh.property, prop))
    g.add((prop, sh.path, RDF.predicate))
    g.add((prop, getattr(sh, "in"), values))
    g.add((prop, sh.message, Literal("an assertion's predicate must be a core relation of the ontology")))
    typed = URIRef(SHAPES_NS + "entity-core-type")
    g.add((typed, RDF.type, sh.NodeShape))
    g.add((typed, sh.targetClass, URIRef(NS + "Entity")))
    _classes_constraint(g, typed, "an entity must be an instance of a core type")
    return g


@cache
def shapes_graph() -> Graph:
    """shapes.ttl plus the generated shapes (cached): everything pyshacl checks."""
    g = generated_shapes()
    g.parse(data_path("shapes.ttl"), format="turtle")
    for shape, constraint in sparql_constraints_of(g):
        g.remove((shape, URIRef(_SH + "sparql"), constraint))
    return g


def sparql_constraints_of(g: Graph) -> list[tuple[Any, Any]]:
    """(shape, constraint node) of every `sh:sparql` constraint in a shapes graph."""
    return list(g.subject_objects(URIRef(_SH + "sparql")))


@dataclass(frozen=True)
class SparqlConstraint:
    """A SHACL-SPARQL constraint of shapes.ttl on the instances of one class."""

    shape: str
    target_class: str
    select: str
    message: str


@cache
def sparql_constraints() -> tuple[SparqlConstraint, ...]:
    """The SHACL-SPARQL constraints of shapes.ttl (each shape must have one `sh:targetClass`)."""
    from rdflib import Graph

    sh = _SH
    g = Graph().parse(data_path("shapes.ttl"), format="turtle")
    return tuple(
        SparqlConstraint(str(shape), str(g.value(shape, URIRef(sh + "targetClass"))),
                         str(g.value(c, URIRef(sh + "select"))), str(g.value(c, URIRef(sh + "message")) or ""))
        for shape, c in sparql_constraints_of(g))


def check_sparql_constraints(store: KGStore, graphs: list[str] | None = None) -> list[Violation]:
    """Run the SHACL-SPARQL constraints with Oxigraph over the union of all graphs, on every focus node or
    on those typed in `graphs`. (The focus nodes are picked by graph instead of making `graphs` the default
    graph: Oxigraph answers over a list of 200 default graphs 30 times more slowly than over the union.)"""
    out = []
    for c in sparql_constraints():
        target = f"?this a <{c.target_class}>"
        if graphs is not None:
            target = (f"VALUES ?focus_graph {{ {' '.join(f'<{g}>' for g in graphs)} }} "
                      f"GRAPH ?focus_graph {{ {target} }}")
        query = f"SELECT DISTINCT ?this WHERE {{ {target} {{ {c.select} }} }}"
        for row in store.oxigraph.query(query, use_default_graph_as_union=True):
            focus = row["this"]
            out.append(Violation(focus=_short(focus.value), path="", value=_short(focus.value), message=c.message,
                                 shape=_short(c.shape), severity="Violation"))
    return out


_PREFIXES = (("ct:", NS), ("id:", ENTITY_BASE), ("article:", ARTICLE_BASE), ("shape:", SHAPES_NS), ("rdf:", RDF),
             ("rdfs:", RDFS), ("skos:", SKOS))


def _short(term: Any) -> str:
    if term is None:
        return ""
    s = str(term)
    for prefix, base in _PREFIXES:
        if s.startswith(base):
            return prefix + s[len(base):]
    return s


def validate_graph(data: Graph) -> list[Violation]:
    """Run pyshacl on one rdflib graph against `shapes_graph()`; the results as Violations."""
    from pyshacl import validate
    from rdflib import BNode, Namespace

    sh = Namespace(_SH)
    shapes = shapes_graph()
    _, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    out = []
    for r in results.subjects(predicate=None, object=sh.ValidationResult):
        shape = results.value(r, sh.sourceShape)
        if isinstance(shape, BNode):  # a property shape: name the node shape holding it
            shape = shapes.value(predicate=sh.property, object=shape) or shape
        out.append(Violation(
            focus=_short(results.value(r, sh.focusNode)), path=_short(results.value(r, sh.resultPath)),
            value=_short(results.value(r, sh.value)), message=str(results.value(r, sh.resultMessage) or ""),
            shape=_short(shape) if not isinstance(shape, BNode) else "",
            severity=str(results.value(r, sh.resultSeverity)).removeprefix(_SH),
        ))
    return out


def _rdflib_graph(quads: Iterable[Any]) -> Graph:
    """One rdflib graph of the quads' triples, plus the ontology's `rdfs:subClassOf` links so that SHACL
    targets and `sh:class` see a node typed only `ct:Company` as an Organization and an Entity too, and the
    links of the class shapes' union classes (`class_unions`)."""
    from rdflib import RDFS, Graph, URIRef

    g = Graph()
    term = lru_cache(maxsize=1 << 16)(rdflib_term)  # a batch names the same entities and classes again and again
    g.addN((term(q.subject), term(q.predicate), term(q.object), g) for q in quads)  # 1.6× parsing N-Triples
    for c in load_schema().classes.values():
        for parent in c.parents:
            g.add((URIRef(c.iri), RDFS.subClassOf, URIRef(NS + parent)))
    for c, union in class_unions():
        g.add((c, RDFS.subClassOf, union))
    return g


def _batch_quads(db: ox.Store, article_ids: list[str]) -> Iterator[Any]:
    """The quads of some articles plus the entity descriptions (entities and reference graphs) they need;
    the catalog's facts about those entities stay out (they point at entities the batch does not hold)."""
    import pyoxigraph as ox

    from kg.ids import article_graph_iri
    from kg.rdf import ENTITIES_GRAPH, REFERENCE_GRAPH, ct

    described = (ox.NamedNode(ENTITIES_GRAPH), ox.NamedNode(REFERENCE_GRAPH))
    relations = {ct(r) for r in load_schema().relations}
    entities: set[Any] = set()
    for aid in article_ids:
        for q in db.quads_for_pattern(None, None, None, ox.NamedNode(article_graph_iri(aid))):
            if q.predicate == ct("mentions"):
                entities.add(q.object)
            yield q
    for e in sorted(entities, key=str):
        for g in described:
            yield from (q for q in db.quads_for_pattern(e, None, None, g) if q.predicate not in relations)


def _check(quads: Iterable[Any]) -> tuple[int, list[Violation]]:
    """Triples seen and violations found in one batch of quads."""
    g = _rdflib_graph(quads)
    return len(g), validate_graph(g)


_worker_db: ox.Store | None = None  # a validation worker's own read-only handle on the database


def _open_worker_db(db_path: str) -> None:
    global _worker_db
    import pyoxigraph as ox

    _worker_db = ox.Store.read_only(db_path)


def _check_articles(article_ids: list[str]) -> tuple[int, list[Violation]]:
    assert _worker_db is not None
    return _check(_batch_quads(_worker_db, article_ids))


def _article_results(store: KGStore, batches: list[list[str]], jobs: int) -> Iterator[tuple[int, list[Violation]]]:
    """Each batch's (triples, violations), in batch order. With `jobs` > 1, forked workers each open the
    database read-only (the parent's shared lock keeps writers out meanwhile) and check batches side by side:
    pyshacl is single-threaded and the batches independent. A writer validates in its own process: a
    read-only handle beside a writer's is undefined in Oxigraph."""
    if jobs <= 1 or len(batches) <= 1 or store.writable:
        for ids in batches:
            yield _check(_batch_quads(store.oxigraph, ids))
        return
    import multiprocessing as mp

    from kg.store import DB_DIR

    shapes_graph()  # built once, inherited by the workers
    with mp.get_context("fork").Pool(min(jobs, len(batches)), _open_worker_db, (str(store.path / DB_DIR),)) as pool:
        yield from pool.imap(_check_articles, batches)


def _rest_quads(store: KGStore) -> list[Any]:
    """What no article batch covers: graphs other than the articles', the reference and the store's own
    metadata, plus the entities-graph descriptions of entities no article mentions."""
    import pyoxigraph as ox

    from kg.rdf import ENTITIES_GRAPH, REFERENCE_GRAPH, ct
    from kg.store import ARTICLE_GRAPH_BASE, META_GRAPH

    skip = {ENTITIES_GRAPH, REFERENCE_GRAPH, META_GRAPH}
    quads = [q for g in store.oxigraph.named_graphs() if isinstance(g, ox.NamedNode)
             and g.value not in skip and not g.value.startswith(ARTICLE_GRAPH_BASE)
             for q in store.oxigraph.quads_for_pattern(None, None, None, g)]
    quads += store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())
    for q in store.oxigraph.quads_for_pattern(None, ct("key"), None, ox.NamedNode(ENTITIES_GRAPH)):
        if not any(True for _ in store.oxigraph.quads_for_pattern(None, ct("mentions"), q.subject, None)):
            quads += store.oxigraph.quads_for_pattern(q.subject, None, None, None)
    return quads


def validate_store(store: KGStore, *, articles: list[str] | None = None, sample: int | None = None,
                   batch: int = 200, seed: int = 0, jobs: int = 1) -> ValidationReport:
    """Validate the whole store, some articles (`articles`), or a random `sample` of them. The whole store
    means every article batch, then the reference graph, then everything else (other graphs, entities no
    article mentions); a sample adds the reference graph; given articles are validated alone. Article
    batches are checked by `jobs` processes; the report is the same for any number."""
    import pyoxigraph as ox

    from kg.errors import StoreError
    from kg.rdf import ENTITIES_GRAPH, REFERENCE_GRAPH

    stored = store.article_ids()
    if articles:
        unknown = sorted(set(articles) - set(stored))
        if unknown:
            raise StoreError(f"no article {', '.join(unknown)} in the store")
        chosen = list(articles)
    elif sample is not None:
        chosen = sorted(random.Random(seed).sample(stored, min(sample, len(stored))))
    else:
        chosen = stored
    report = ValidationReport()
    seen: set[Violation] = set()

    def add(triples: int, violations: list[Violation]) -> None:
        report.triples += triples
        for v in violations:
            if v not in seen:
                seen.add(v)
                report.violations.append(v)

    def run(quads: Iterable[Any]) -> None:
        add(*_check(quads))

    for result in _article_results(store, [chosen[i:i + batch] for i in range(0, len(chosen), batch)], jobs):
        add(*result)
    if not articles:
        ref = list(store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(REFERENCE_GRAPH)))
        subjects = {q.subject for q in ref}
        extra = [q for s in subjects for q in
                 store.oxigraph.quads_for_pattern(s, None, None, ox.NamedNode(ENTITIES_GRAPH))]
        if ref:
            run(ref + extra)
    if not articles and sample is None:
        rest = _rest_quads(store)
        if rest:
            run(rest)
        sparql_checked = check_sparql_constraints(store)
    else:
        from kg.ids import article_graph_iri

        graphs = [article_graph_iri(a) for a in chosen] + ([] if articles else [REFERENCE_GRAPH])
        sparql_checked = check_sparql_constraints(store, graphs)
    report.violations += (v for v in sparql_checked if v not in seen)
    report.violations.sort()
    return report

"""The RDF mapping of docs/data-model.md: ArticleGraph and catalog -> pyoxigraph quads.

Three kinds of named graph come out of here: one per article (replaced as a whole), the entities graph
(discovered entities, and every surface form seen with the reason it was merged) and the reference graph
(the catalog). The store decides how they are combined; this module only says what the triples are.

>>> from kg.graph import ArticleGraph
>>> len(article_quads(ArticleGraph(id="a1", title="T")))  # a ct:Article, its id and title
3
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from kg.graph import ArticleGraph, Entity
from kg.ids import (
    article_graph_iri,
    article_iri,
    assertion_iri,
    entity_iri,
    normalize_name,
    observation_iri,
    reference_assertion_iri,
    sentence_iri,
    slugify,
)
from ontology.schema import ENTITIES_GRAPH, NS, RDF, RDFS, REFERENCE_GRAPH, SKOS, XSD, load_schema

__all__ = [
    "ENTITIES_GRAPH", "REFERENCE_GRAPH", "ct", "RDF_TYPE", "RDFS_LABEL", "SKOS_ALT_LABEL", "XSD",
    "article_quads", "entity_description", "merged_name", "surface_form_quads", "merge_reasons", "type_quads",
    "catalog_quads", "iri", "literal",
]

RDF_TYPE = NamedNode(RDF + "type")
RDFS_LABEL = NamedNode(RDFS + "label")
SKOS_ALT_LABEL = NamedNode(SKOS + "altLabel")
_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = (NamedNode(RDF + n) for n in ("subject", "predicate", "object"))
_DATE, _ANY_URI = NamedNode(XSD + "date"), NamedNode(XSD + "anyURI")


@cache
def ct(name: str) -> NamedNode:
    """A term of the chinatech ontology, e.g. `ct("trainedOn")` (tests check every used name is declared)."""
    return NamedNode(NS + name)


@lru_cache(maxsize=1 << 15)
def iri(value: str) -> NamedNode:
    """A named node (cached, bounded: entity and graph IRIs recur in every article, sentence and assertion
    IRIs never do, and a corpus has millions of them)."""
    return NamedNode(value)


def literal(value: Any) -> Literal:
    """A typed literal from a Python value: str, int, float, bool or date (numbers in Oxigraph's canonical
    lexical form, so that a literal built here equals the one read back from the store)."""
    if isinstance(value, bool | int | float):
        return Literal(value)
    if hasattr(value, "isoformat"):
        return Literal(value.isoformat(), datatype=_DATE)
    return Literal(str(value))


def type_quads(node: NamedNode, type_name: str, graph: NamedNode) -> list[Quad]:
    """`rdf:type` the class and every ontology super-class (Company -> Company, Organization, Entity)."""
    schema = load_schema()
    if type_name not in schema.classes:
        return []
    return [Quad(node, RDF_TYPE, ct(t), graph) for t in schema.labels(type_name)]


def article_quads(ag: ArticleGraph) -> list[Quad]:
    """Every quad of an article's own named graph: the article, its sentences, relations and observations."""
    g = iri(article_graph_iri(ag.id))
    a = iri(article_iri(ag.id))
    quads = [Quad(a, RDF_TYPE, ct("Article"), g), Quad(a, ct("articleId"), Literal(ag.id), g),
             Quad(a, ct("title"), Literal(ag.title), g)]
    if ag.published is not None:
        quads.append(Quad(a, ct("published"), literal(ag.published), g))
    if ag.source_url:
        quads.append(Quad(a, ct("sourceUrl"), Literal(ag.source_url, datatype=_ANY_URI), g))
    for prop, value in (("sourceName", ag.source_name), ("lang", ag.lang), ("contentHash", ag.content_hash)):
        if value:
            quads.append(Quad(a, ct(prop), Literal(value), g))
    mentioned = {e.id for e in ag.entities}
    mentioned.update(k for r in ag.relations for k in (r.subject, r.object))
    mentioned.update(o.subject for o in ag.observations)
    quads += (Quad(a, ct("mentions"), iri(entity_iri(k)), g) for k in sorted(mentioned))

    sentences: dict[tuple[int, int], NamedNode] = {}

    def sentence(text: str, start: int, end: int) -> NamedNode:
        node = sentences.get((start, end))
        if node is None:
            node = sentences[(start, end)] = iri(sentence_iri(ag.id, start, end))
            quads.extend((Quad(node, RDF_TYPE, ct("Sentence"), g), Quad(node, ct("text"), Literal(text), g),
                          Quad(node, ct("start"), literal(start), g), Quad(node, ct("end"), literal(end), g),
                          Quad(node, ct("inArticle"), a, g)))
        return node

    # One assertion per (subject, predicate, object): confidence is functional, so the best one wins.
    best: dict[tuple[str, str, str], float] = {}
    for r in ag.relations:
        k = (r.subject, str(r.predicate), r.object)
        best[k] = max(best.get(k, 0.0), r.confidence)
    for r in ag.relations:
        p = str(r.predicate)
        s, o, pn = iri(entity_iri(r.subject)), iri(entity_iri(r.object)), ct(p)
        node = iri(assertion_iri(ag.id, r.subject, p, r.object))
        ev = sentence(r.evidence.sentence, r.evidence.start, r.evidence.end)
        quads.extend((Quad(s, pn, o, g), Quad(node, RDF_TYPE, ct("RelationAssertion"), g),
                      Quad(node, _RDF_SUBJECT, s, g), Quad(node, _RDF_PREDICATE, pn, g),
                      Quad(node, _RDF_OBJECT, o, g),
                      Quad(node, ct("confidence"), literal(float(best[(r.subject, p, r.object)])), g),
                      Quad(node, ct("extractor"), Literal(r.extractor), g), Quad(node, ct("evidence"), ev, g),
                      Quad(node, ct("sourceArticle"), a, g)))
        if ag.published is not None:
            quads.append(Quad(node, ct("validFrom"), literal(ag.published), g))

    observed: set[NamedNode] = set()
    for ob in ag.observations:
        node = iri(observation_iri(ag.id, ob.subject, ob.measure, ob.value, ob.evidence.start))
        if node in observed:
            continue  # the same observation twice (another unit, say): the first one, so that a node has one unit
        observed.add(node)
        ev = sentence(ob.evidence.sentence, ob.evidence.start, ob.evidence.end)
        quads.extend((Quad(node, RDF_TYPE, ct("Observation"), g),
                      Quad(node, ct("observationOf"), iri(entity_iri(ob.subject)), g),
                      Quad(node, ct("measure"), Literal(ob.measure), g),
                      Quad(node, ct("value"), literal(float(ob.value)), g), Quad(node, ct("unit"), Literal(ob.unit), g),
                      Quad(node, ct("confidence"), literal(float(ob.confidence)), g),
                      Quad(node, ct("extractor"), Literal(ob.extractor), g), Quad(node, ct("evidence"), ev, g),
                      Quad(node, ct("sourceArticle"), a, g)))
        if ob.period:
            quads.append(Quad(node, ct("period"), Literal(ob.period), g))
    return list(dict.fromkeys(quads))  # a relation stated twice yields the same triples: keep one of each


def merged_name(e: Entity) -> str:
    """The normalised name a discovered entity was merged under: the one of its names whose slug is its
    key's last segment (the label is the longest form of one article and can say more, e.g. 'Coca-Cola
    Beats Fourth-Quarter Estimates'), else the normalised label.

    >>> merged_name(Entity(id="found/company/coca-cola", label="Coca-Cola Co. earnings", type="Company",
    ...                    aliases=["Coca-Cola"]))
    'coca cola'
    """
    tail = e.id.rsplit("/", 1)[-1]
    for name in (e.label, *e.aliases, *(m.text for m in e.mentions)):
        if slugify(normalize_name(name)) == tail:
            return normalize_name(name)
    return normalize_name(e.label)


def entity_description(e: Entity, *, first_seen: bool = True) -> list[Quad]:
    """An entity the reference graph does not describe: key, types with super-classes, and, unless one was
    stored before (`first_seen=False`), its label and normalised name: the first seen stay, one of each."""
    g = iri(ENTITIES_GRAPH)
    node = iri(entity_iri(e.id))
    quads = [Quad(node, ct("key"), Literal(e.id), g), *type_quads(node, str(e.type), g)]
    for t in e.types:
        quads += type_quads(node, t, g)
    if first_seen:
        quads += (Quad(node, RDFS_LABEL, Literal(e.label), g),
                  Quad(node, ct("normalizedName"), Literal(merged_name(e)), g))
    if e.wikidata:
        quads.append(Quad(node, ct("wikidata"), Literal(e.wikidata), g))
    quads += (Quad(node, ct("ticker"), Literal(t), g) for t in e.tickers)
    return list(dict.fromkeys(quads))


def merge_reasons(e: Entity) -> dict[str, str]:
    """Surface form -> why it was resolved to this entity (the extraction's reason when it gave one).

    >>> from kg.graph import Entity, Mention
    >>> merge_reasons(Entity(id="alibaba", label="Alibaba", type="Company", source="catalog",
    ...               mentions=[Mention(text="阿里巴巴", start=0, end=4)]))
    {'阿里巴巴': "'阿里巴巴': matched a catalog alias"}
    """
    forms = dict.fromkeys([m.text for m in e.mentions] + list(e.aliases))
    out: dict[str, str] = {}
    for form in forms:
        if e.reason:
            why = e.reason
        elif e.source == "catalog":
            why = "matched a catalog alias"
        else:
            why = f"merged by type {e.type} and normalised name '{normalize_name(form)}'"
        out[form] = f"'{form}': {why}"
    return out


def surface_form_quads(e: Entity) -> list[Quad]:
    """`skos:altLabel` for every surface form seen and a `ct:mergeReason` for each, in the entities graph."""
    g = iri(ENTITIES_GRAPH)
    node = iri(entity_iri(e.id))
    quads = []
    for form, reason in merge_reasons(e).items():
        quads += (Quad(node, SKOS_ALT_LABEL, Literal(form), g), Quad(node, ct("mergeReason"), Literal(reason), g))
    return quads


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def catalog_quads(entries: Iterable[Any], facts: Iterable[tuple[str, str, str]]) -> list[Quad]:
    """The reference graph: each catalog entry (types, label, aliases, key, tickers, wikidata) and each
    reference fact as a direct triple plus a `ct:RelationAssertion` with confidence 1.0 and extractor "catalog"."""
    g = iri(REFERENCE_GRAPH)
    schema = load_schema()
    quads: list[Quad] = []
    for e in entries:
        node = iri(entity_iri(e.key))
        quads += type_quads(node, e.type, g)
        quads += (Quad(node, RDFS_LABEL, Literal(e.label), g), Quad(node, ct("key"), Literal(e.key), g))
        for alias in _as_list(e.aliases) + _as_list(getattr(e, "zh", None)):
            if alias != e.label:
                quads.append(Quad(node, SKOS_ALT_LABEL, Literal(alias), g))
        quads += (Quad(node, ct("ticker"), Literal(t), g) for t in _as_list(getattr(e, "tickers", None)))
        if getattr(e, "wikidata", None):
            quads.append(Quad(node, ct("wikidata"), Literal(e.wikidata), g))
    for s, p, o in facts:
        if p not in schema.relations:
            continue
        sn, pn, on = iri(entity_iri(s)), ct(p), iri(entity_iri(o))
        node = iri(reference_assertion_iri(s, p, o))
        quads += (Quad(sn, pn, on, g), Quad(node, RDF_TYPE, ct("RelationAssertion"), g),
                  Quad(node, _RDF_SUBJECT, sn, g), Quad(node, _RDF_PREDICATE, pn, g), Quad(node, _RDF_OBJECT, on, g),
                  Quad(node, ct("confidence"), literal(1.0), g), Quad(node, ct("extractor"), Literal("catalog"), g))
    return list(dict.fromkeys(quads))

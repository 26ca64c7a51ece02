"""The ontology is the single source of truth: code, vocabulary and ontology must agree."""
from __future__ import annotations

import re

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.graph import EntityType, RelationName
from ontology.schema import NS, data_path, load_schema, upper_snake
from tests.conftest import need_shared


def _vocabulary() -> tuple[set[str], dict[str, tuple[set[str], set[str], bool]]]:
    text = need_shared("eval", "VOCABULARY.md").read_text(encoding="utf-8")
    types = set(re.findall(r"^\| ([A-Z]\w+) \| ", text, re.M))
    rels: dict[str, tuple[set[str], set[str], bool]] = {}
    for name, frm, to, meaning in re.findall(r"^\| ([a-z]\w+) \| ([^|]+?) (?:→|↔) ([^|]+?) \| ([^|]+) \|", text, re.M):
        def parse(s: str, other: set[str] | None = None) -> set[str]:
            return other if s.strip() == "same" and other else {x.strip() for x in s.split(",")}

        if name == "relation":
            continue  # the table header
        d = parse(frm)
        rels[name] = (d, parse(to, d), "symmetric" in meaning)
    return types, rels


def test_core_types_match_vocabulary() -> None:
    types, _ = _vocabulary()
    schema = load_schema()
    assert set(schema.core_types) == types
    assert {t.value for t in EntityType} == types


def test_core_relations_match_vocabulary_with_domain_range_and_symmetry() -> None:
    _, rels = _vocabulary()
    schema = load_schema()
    assert set(schema.core_relations) == set(rels)
    assert {r.value for r in RelationName} == set(rels)
    for name, (dom, rng, symmetric) in rels.items():
        r = schema.relations[name]
        assert set(r.domain) == dom, name
        assert set(r.range) == rng, name
        assert r.symmetric == symmetric, name


def test_groupings_and_labels() -> None:
    schema = load_schema()
    assert set(schema.subclasses("Organization")) == {"Company", "GovernmentBody"}
    assert set(schema.subclasses("Artifact")) == {"Chip", "AIModel", "Product"}
    assert set(schema.subclasses("Market")) == {"StockIndex", "Exchange"}
    assert schema.labels("Company") == ("Company", "Organization", "Entity")
    assert schema.labels("Place") == ("Place", "Entity")
    for c in schema.classes.values():
        assert c.label and c.comment, c.name
    for r in schema.relations.values():
        assert r.label and r.comment, r.name


def test_relationship_types_are_upper_snake() -> None:
    schema = load_schema()
    assert schema.relations["trainedOn"].rel_type == "TRAINED_ON"
    assert schema.relations["headquarteredIn"].rel_type == "HEADQUARTERED_IN"
    assert upper_snake("develops") == "DEVELOPS"
    assert all(re.fullmatch(r"[A-Z]+(_[A-Z]+)*", r.rel_type) for r in schema.relations.values())


def test_every_ct_term_used_is_declared() -> None:
    g = Graph().parse(data_path("chinatech.ttl"))
    declared = {s for s in g.subjects(RDF.type, None) if str(s).startswith(NS)}
    used = {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert used <= declared, used - declared
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    for term in declared:
        assert set(g.objects(term, RDF.type)) & kinds, term
        assert g.value(term, RDFS.label) is not None, term


def test_alignment_to_public_vocabularies() -> None:
    g = Graph().parse(data_path("chinatech.ttl"))
    text = g.serialize(format="nt")
    for ns in ("https://schema.org/", "http://www.w3.org/ns/prov#", "http://www.wikidata.org/entity/",
               "https://spec.edmcouncil.org/fibo/"):
        assert ns in text, ns

"""The named query library: header parsing, typed parameters, safe SPARQL literals, and, on a store built
from real articles through the real pipeline, the same rows from Cypher and SPARQL for every query."""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg import queries as nq
from kg.errors import QueryError
from ontology.schema import load_schema

# ------------------------------------------------------------------------------------------ the graph --


def normalised(rows: list[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    """Rows as a multiset, numbers compared as rounded floats and dates as ISO strings."""
    def cell(v: Any) -> Any:
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, int | float):
            return round(float(v), 9)
        if isinstance(v, date):
            return v.isoformat()
        return str(v)

    return Counter(tuple(cell(v) for v in r) for r in rows)


@pytest.mark.parametrize("name", nq.query_names())
def test_cypher_and_sparql_return_the_same_rows(real_store: Any, name: str) -> None:
    c_cols, c_rows = nq.run_query(real_store, name, lang="cypher")
    s_cols, s_rows = nq.run_query(real_store, name, lang="sparql")
    assert c_cols == s_cols
    assert normalised(c_rows) == normalised(s_rows)
    assert c_rows, f"{name} returns no row for its default parameters"


@pytest.mark.parametrize("name", nq.query_names())
def test_cypher_and_sparql_agree_in_order(real_store: Any, name: str) -> None:
    """Both texts sort the same way where they sort (ties aside): the first rows match."""
    _, c_rows = nq.run_query(real_store, name, lang="cypher")
    _, s_rows = nq.run_query(real_store, name, lang="sparql")
    text = nq.load_query(name, "cypher").text
    if "ORDER BY" not in text:
        pytest.skip("unordered")
    assert normalised(c_rows[:1]) == normalised(s_rows[:1])


def test_non_default_parameters_still_agree(real_store: Any) -> None:
    for name, params in (("metrics", {"entity": "Alibaba"}), ("top-mentioned", {"of_type": "Policy", "limit": "3"}),
                         ("changes", {"from": "2025-02-10", "to": "2025-02-11"}),
                         ("evidence", {"a": "Huawei", "b": "Nvidia"}), ("shortest-path", {"a": "ERNIE", "b": "China"})):
        c_cols, c_rows = nq.run_query(real_store, name, params, lang="cypher")
        s_cols, s_rows = nq.run_query(real_store, name, params, lang="sparql")
        assert (c_cols, normalised(c_rows)) == (s_cols, normalised(s_rows)), name
        assert c_rows, name
    _, rows = nq.run_query(real_store, "top-mentioned", {"of_type": "Policy", "limit": "3"})
    assert len(rows) == 3 and {r[2] for r in rows} == {"Policy"}


def test_known_answers_on_the_seed_article(real_store: Any) -> None:
    _, rows = nq.run_query(real_store, "evidence", {"a": "Baidu", "b": "ERNIE"})
    assert any(r[1] == "develops" and "ERNIE" in (r[3] or "") for r in rows)
    _, rows = nq.run_query(real_store, "shortest-path", {"a": "Baidu", "b": "Baidu AI Cloud"}, lang="sparql")
    assert rows and rows[0][0] >= 1 and rows[0][2] == "baidu"
    _, rows = nq.run_query(real_store, "policy-exposure")
    assert {r[0] for r in rows} & {"Alibaba", "Baidu"}


def test_a_hostile_string_stays_a_literal(real_store: Any) -> None:
    hostile = 'Company" || "1" = "1'
    for lang in ("cypher", "sparql"):
        _, rows = nq.run_query(real_store, "top-mentioned", {"of_type": hostile}, lang=lang)
        assert rows == []


def test_entities_resolve_by_key_label_alias_and_normalised_name(real_store: Any) -> None:
    assert nq.resolve_entity(real_store, "baidu") == "baidu"
    assert nq.resolve_entity(real_store, "BAIDU") == "baidu"
    assert nq.resolve_entity(real_store, "Baidu Inc.") == "baidu"
    with pytest.raises(QueryError, match="no entity named"):
        nq.resolve_entity(real_store, "Nowhere Corp")


# ------------------------------------------------------------------------------------- query files --


@pytest.mark.parametrize("name", nq.query_names())
def test_both_languages_share_one_header(name: str) -> None:
    cy, rq = nq.load_query(name, "cypher"), nq.load_query(name, "sparql")
    assert (cy.title, cy.description, cy.params) == (rq.title, rq.description, rq.params)
    assert cy.title and cy.description


def test_there_are_at_least_twelve_questions_including_the_required_ones() -> None:
    names = set(nq.query_names())
    assert len(names) >= 12
    assert {"policy-exposure", "own-ai-chips", "models-chips", "policy-targets", "partners", "metrics", "evidence",
            "policy-neighbours", "shortest-path", "changes", "top-mentioned", "competitors",
            "subsidiaries"} <= names


@pytest.mark.parametrize("name", nq.query_names())
def test_cypher_parameters_are_real_parameters(name: str) -> None:
    q = nq.load_query(name, "cypher")
    for text in (q.text, *q.dialects.values()):
        used = set(re.findall(r"\$(\w+)", text))
        assert used == {p.name for p in q.params}, "every parameter is used as $name, and only those"
    rq = nq.load_query(name, "sparql")
    used = set(re.findall(r"[?$](\w+)", rq.text))
    assert {p.name for p in rq.params} <= used


def _core_type_lists(text: str) -> list[set[str]]:
    return [set(re.findall(r"ct:(\w+)", m)) for m in re.findall(r"FILTER\(\?t(?:ype)? IN \(([^)]*)\)\)", text)]


@pytest.mark.parametrize("name", nq.query_names())
def test_type_and_relation_lists_match_the_ontology(name: str) -> None:
    schema = load_schema()
    rq = nq.load_query(name, "sparql").text
    allowed = [set(schema.subclasses(c)) for c in schema.classes]  # Entity: every core type; Artifact...
    lists = _core_type_lists(rq)
    assert lists or not re.search(r"\ba \?t(ype)?\b", rq), "a type variable is restricted to ontology types"
    for types in lists:
        assert types in allowed
    if name == "shortest-path":
        cy = nq.load_query(name, "cypher")
        rel_types = {schema.relations[r].rel_type for r in schema.core_relations}
        for text in (cy.text, *cy.dialects.values()):
            listed = re.search(r"\[:([A-Z_|]+)\*", text)
            assert listed and set(listed.group(1).split("|")) == rel_types
        assert set(re.findall(r"\^ct:(\w+)", rq)) == set(schema.core_relations)


# ------------------------------------------------------------------------------------ header format --

HEADER = """// title: Something
// description: First line,
//   second line.
// @param who: entity = "Baidu" -- the firm
// @param n: int = 5 -- how many
// @param since: date = 2025-01-02 -- first day
// @param strict: bool = false
// @param needed: str -- no default
MATCH (n) RETURN n LIMIT $n
// @dialect neo4j
MATCH (m) RETURN m LIMIT $n
"""


def test_header_fields_parameters_and_dialects() -> None:
    q = nq.parse_query(HEADER, "something", "cypher")
    assert q.title == "Something"
    assert q.description == "First line, second line."
    assert [(p.name, p.type, p.default, p.description) for p in q.params] == [
        ("who", "entity", "Baidu", "the firm"), ("n", "int", 5, "how many"),
        ("since", "date", date(2025, 1, 2), "first day"), ("strict", "bool", False, ""),
        ("needed", "str", None, "no default")]
    assert q.text == "MATCH (n) RETURN n LIMIT $n"
    assert q.body("neo4j") == "MATCH (m) RETURN m LIMIT $n"
    assert q.body("ladybug") == q.text


@pytest.mark.parametrize("text, message", [
    ("MATCH (n) RETURN n", "no 'title:'"),
    ("// title: T\n// @param x: thing = 1\nRETURN 1", "not one of"),
    ("// title: T\n// @param x int\nRETURN 1", "bad parameter line"),
    ("// title: T\n// @param x: int = y\nRETURN 1", "not a valid int"),
    ("// title: T\n// @param x: int\n// @param x: str\nRETURN 1", "declared twice"),
    ("// title: T\n", "no query text"),
])
def test_bad_headers_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        nq.parse_query(text, "bad", "cypher")


def test_parameters_are_typed_defaulted_and_checked() -> None:
    q = nq.parse_query(HEADER, "something", "cypher")
    values = nq.coerce_params(q, {"n": "7", "strict": "yes", "needed": "x"})
    assert values == {"who": "Baidu", "n": 7, "since": date(2025, 1, 2), "strict": True, "needed": "x"}
    assert nq.cypher_params(q, values)["since"] == "2025-01-02"
    with pytest.raises(QueryError, match="needs --param needed"):
        nq.coerce_params(q, {})
    with pytest.raises(QueryError, match="no parameter 'nope'"):
        nq.coerce_params(q, {"needed": "x", "nope": "1"})
    with pytest.raises(QueryError, match="not a valid date"):
        nq.coerce_params(q, {"needed": "x", "since": "yesterday"})
    with pytest.raises(QueryError, match="not a valid bool"):
        nq.coerce_params(q, {"needed": "x", "strict": "maybe"})


def test_unknown_query_names_list_the_known_ones() -> None:
    with pytest.raises(QueryError, match="known: .*policy-exposure"):
        nq.load_query("policy-exposur", "cypher")
    with pytest.raises(QueryError, match="no cypher query"):
        nq.load_query("../pyproject", "cypher")


# ------------------------------------------------------------------------------ SPARQL literals --

SPARQL = """# title: T
# @param name: str = "x"
# @param n: int = 3
# @param day: date = 2025-01-01
# @param w: float = 0.5
SELECT ?s (?n AS ?m) WHERE {
  ?s <urn:p> ?name .  # ?name in a comment stays
  FILTER(?d >= ?day && ?c > ?w && ?t != "?name" && ?u != <urn:?name>)
} LIMIT ?n
"""


def test_sparql_parameters_become_escaped_typed_literals() -> None:
    q = nq.parse_query(SPARQL, "t", "sparql")
    values = nq.coerce_params(q, {"name": 'a "quoted"\\ \nline'})
    text = nq.sparql_text(q, values)
    assert '?s <urn:p> "a \\"quoted\\"\\\\ \\nline" .' in text
    assert "# ?name in a comment stays" in text
    assert '"?name"' in text and "<urn:?name>" in text
    assert "(3 AS ?m)" in text and "LIMIT 3" in text
    assert '"2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert '"0.5"^^<http://www.w3.org/2001/XMLSchema#double>' in text


def test_an_escaped_literal_matches_the_stored_string_exactly() -> None:
    import pyoxigraph as ox

    tricky = 'a "quoted"\\ \nline\twith 中文 and \'single\' } ;'
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(tricky)))
    q = nq.parse_query('# title: T\n# @param name: str = "x"\nSELECT ?s WHERE { ?s <urn:p> ?name }', "t", "sparql")
    text = nq.sparql_text(q, {"name": tricky})
    assert [r["s"].value for r in store.query(text)] == ["urn:s"]


def test_a_parameter_cannot_be_a_projected_variable() -> None:
    q = nq.parse_query("# title: T\n# @param name: str = \"x\"\nSELECT ?name WHERE { ?s ?p ?name }", "t", "sparql")
    with pytest.raises(QueryError, match="projected"):
        nq.sparql_text(q, {"name": "x"})


# ---------------------------------------------------------------------------------------------- CLI --


def _cli(*args: str) -> Any:
    from kg.cli.main import app

    return CliRunner().invoke(app, list(args))


def test_cli_list_show_and_run(real_store: Any) -> None:
    store = str(real_store.path)
    listed = _cli("query", "list", "--format", "json")
    assert listed.exit_code == 0
    assert {q["name"] for q in json.loads(listed.stdout)} == set(nq.query_names())
    shown = _cli("query", "show", "shortest-path", "--dialect", "neo4j")
    assert shown.exit_code == 0 and "allShortestPaths" in shown.stdout and "Shortest paths" in shown.stdout
    ran = _cli("query", "run", "metrics", "--param", "entity=Baidu", "--lang", "sparql", "--store", store,
               "--format", "json")
    assert ran.exit_code == 0
    rows = json.loads(ran.stdout)
    assert rows and set(rows[0]) == {"published", "measure", "value", "unit", "period", "article"}
    assert all(not math.isnan(r["value"]) for r in rows)
    csv_out = _cli("query", "run", "partners", "--store", store, "--format", "csv")
    assert csv_out.stdout.splitlines()[0] == "partner,other_partner,assertions,articles"


def test_cli_errors_are_query_errors(real_store: Any) -> None:
    bad = _cli("query", "run", "metrics", "--param", "entity", "--store", str(real_store.path))
    assert isinstance(bad.exception, QueryError) and "NAME=VALUE" in str(bad.exception)


def test_query_files_ship_with_the_package() -> None:
    d = nq.query_dir()
    assert d == Path(__file__).resolve().parents[1] / "queries"
    assert all((d / f"{n}.cypher").is_file() and (d / f"{n}.rq").is_file() for n in nq.query_names())

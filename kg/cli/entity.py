"""`kg entity NAME`: one entity's card — types, names and why they were merged, identifiers, relations in
both directions with their evidence sentences, articles and dates, and observations.

`entity_card` is a plain function over the store (names resolve with `kg.names`); the command only renders.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kg.cli.common import DEFAULT_STORE, FormatOption, OutputFormat, StoreOption, out
from kg.names import UnknownEntityError, resolve_entity

if TYPE_CHECKING:
    from kg.store import KGStore


def _rows(store: KGStore, query: str) -> list[tuple[Any, ...]]:
    from kg.sparql import run_select

    return run_select(store, query)[1]


def entity_card(store: KGStore, key: str) -> dict[str, Any]:
    """Everything the store says about one entity, as plain data (the JSON of `kg entity --format json`)."""
    from kg.ids import entity_iri
    from kg.rdf import ENTITIES_GRAPH, REFERENCE_GRAPH
    from ontology.schema import NS, RDF, RDFS, SKOS, load_schema

    schema = load_schema()
    node = f"<{entity_iri(key)}>"
    props: dict[str, list[tuple[Any, str]]] = defaultdict(list)
    for p, v, g in _rows(store, f"SELECT ?p ?v ?g WHERE {{ GRAPH ?g {{ {node} ?p ?v }} }}"):
        props[p].append((v, g))
    if not props:
        raise UnknownEntityError(f"no entity with key '{key}' in the store")

    def values(prop: str, graph: str | None = None) -> list[Any]:
        return sorted({v for v, g in props.get(prop, []) if graph is None or g == graph}, key=str)

    types = [t.removeprefix(NS) for t in values(RDF + "type") if t.startswith(NS)]
    core = [t for t in schema.core_types if t in types]
    ordered = list(schema.labels(core[0])) if core else []
    ordered += sorted(t for t in types if t not in ordered)
    catalog = bool(values(NS + "key", REFERENCE_GRAPH))
    labels = values(RDFS + "label", REFERENCE_GRAPH) or values(RDFS + "label")

    relations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    assertions: dict[tuple[str, str], dict[str, Any]] = {}
    for r, p, direction, other, okey, olabel, conf, extractor, text, aid, day in _rows(store, f"""
            SELECT ?r ?p ?dir ?o ?okey ?olabel ?conf ?x ?text ?aid ?date WHERE {{
            {{ ?r rdf:subject {node} ; rdf:object ?o ; a ct:RelationAssertion ; rdf:predicate ?p BIND("out" AS ?dir) }}
            UNION
            {{ ?r rdf:object {node} ; rdf:subject ?o ; a ct:RelationAssertion ; rdf:predicate ?p BIND("in" AS ?dir) }}
            OPTIONAL {{ ?o ct:key ?okey }} OPTIONAL {{ ?o rdfs:label ?olabel }}
            OPTIONAL {{ ?r ct:confidence ?conf }} OPTIONAL {{ ?r ct:extractor ?x }}
            OPTIONAL {{ ?r ct:evidence ?s . ?s ct:text ?text }}
            OPTIONAL {{ ?r ct:sourceArticle ?a . ?a ct:articleId ?aid OPTIONAL {{ ?a ct:published ?date }} }}
            }} ORDER BY ?p ?dir ?olabel ?date ?aid"""):
        name = p.removeprefix(NS)
        entry = assertions.get((r, direction))
        if entry is None:
            rel = schema.relations.get(name)
            entry = assertions[(r, direction)] = {
                "direction": "both" if rel is not None and rel.symmetric else direction,
                "other": {"key": okey or other, "label": olabel or okey or other},
                "confidence": conf, "extractor": extractor, "catalog": aid is None,
                "article": aid, "published": day.isoformat() if day else None, "evidence": [],
            }
            relations[name].append(entry)
        if text and text not in entry["evidence"]:
            entry["evidence"].append(text)

    observations = [
        {"measure": m, "value": v, "unit": u, "period": per, "article": aid,
         "published": d.isoformat() if d else None, "evidence": text}
        for m, v, u, per, aid, d, text in _rows(store, f"""
            SELECT ?m ?v ?u ?per ?aid ?d ?text WHERE {{
            ?o ct:observationOf {node} ; ct:measure ?m ; ct:value ?v .
            OPTIONAL {{ ?o ct:unit ?u }} OPTIONAL {{ ?o ct:period ?per }}
            OPTIONAL {{ ?o ct:evidence ?s . ?s ct:text ?text }}
            OPTIONAL {{ ?o ct:sourceArticle ?a . ?a ct:articleId ?aid OPTIONAL {{ ?a ct:published ?d }} }}
            }} ORDER BY ?d ?m""")]
    ((n_articles,),) = _rows(store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a ct:mentions {node} }}")
    # Oxigraph's MIN/MAX give nothing when one value is unbound: dates come from dated articles only.
    ((first, last),) = _rows(store, f"""SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {{
            ?a ct:mentions {node} ; ct:published ?d }}""")
    return {
        "key": key, "iri": entity_iri(key), "label": labels[0] if labels else key,
        "source": "catalog" if catalog else "discovered", "types": ordered,
        "aliases": [a for a in values(SKOS + "altLabel", REFERENCE_GRAPH) if a not in labels],
        "surface_forms": values(SKOS + "altLabel", ENTITIES_GRAPH),
        "merge_reasons": values(NS + "mergeReason"),
        "normalized_name": next(iter(values(NS + "normalizedName")), None),
        "wikidata": next(iter(values(NS + "wikidata")), None), "tickers": values(NS + "ticker"),
        "articles": {"count": n_articles, "first": first.isoformat() if first else None,
                     "last": last.isoformat() if last else None},
        "relations": dict(sorted(relations.items())), "observations": observations,
    }


def _preview(items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """At most `limit` items (0: all), kept in their card order: the most confident, the latest first among
    equals (a hub has thousands: a terminal shows a sample, `--format json` everything)."""
    if not limit or len(items) <= limit:
        return items

    def rank(i: int) -> tuple[float, int]:
        published = items[i].get("published")
        return -(items[i].get("confidence") or 0.0), -date.fromisoformat(published).toordinal() if published else 1

    return [items[i] for i in sorted(sorted(range(len(items)), key=rank)[:limit])]


def _render(card: dict[str, Any], limit: int) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.tree import Tree

    a = card["articles"]
    head = [f"[bold]{escape(card['label'])}[/bold]  [dim]{escape(card['key'])} · {card['source']}[/dim]",
            f"[cyan]types[/cyan]  {' ⊂ '.join(card['types']) or '—'}",
            f"[cyan]iri[/cyan]    {card['iri']}"]
    if card["wikidata"] or card["tickers"]:
        head.append("[cyan]ids[/cyan]    " + "  ".join(
            ([f"wikidata {card['wikidata']}"] if card["wikidata"] else []) + [f"ticker {t}" for t in card["tickers"]]))
    head.append(f"[cyan]seen[/cyan]   {a['count']} article(s)"
                + (f", {a['first']} … {a['last']}" if a["first"] else ""))
    out.print(Panel("\n".join(head), expand=False))
    if card["aliases"] or card["surface_forms"] or card["merge_reasons"]:
        t = Table(title="Names", header_style="bold cyan", show_lines=False)
        t.add_column("kind")
        t.add_column("names / why merged", overflow="fold")
        if card["aliases"]:
            t.add_row("catalog aliases", escape(", ".join(card["aliases"])))
        if card["surface_forms"]:
            t.add_row("seen in articles", escape(", ".join(card["surface_forms"])))
        for reason in card["merge_reasons"]:
            t.add_row("why merged", escape(reason))
        out.print(t)
    if card["relations"]:
        tree = Tree("[bold]Relations[/bold]")
        arrows = {"out": "→", "in": "←", "both": "↔"}
        for predicate, items in card["relations"].items():
            branch = tree.add(f"[bold magenta]{predicate}[/bold magenta] ({len(items)})")
            shown = _preview(items, limit)
            for it in shown:
                source = ("[green]catalog[/green]" if it["catalog"]
                          else f"[dim]{escape(it['article'] or '')} {it['published'] or 'undated'}[/dim]")
                conf = f" {it['confidence']:.2f}" if isinstance(it["confidence"], float) else ""
                leaf = branch.add(f"{arrows[it['direction']]} {escape(it['other']['label'])}  {source}[dim]{conf}"
                                  f"{' ' + escape(it['extractor']) if it['extractor'] and not it['catalog'] else ''}"
                                  "[/dim]")
                for sentence in it["evidence"]:
                    leaf.add(f"[italic]“{escape(sentence.strip())}”[/italic]")
            if len(shown) < len(items):
                branch.add(f"[dim]… {len(items) - len(shown)} more (--limit 0 shows all)[/dim]")
        out.print(tree, soft_wrap=False)
    if card["observations"]:
        shown = _preview(card["observations"], limit)
        more = len(card["observations"]) - len(shown)
        t = Table(title="Observations", header_style="bold cyan", show_lines=True,
                  caption=f"… {more} more (--limit 0 shows all)" if more else None)
        for c in ("measure", "value", "unit", "period", "article", "date", "evidence"):
            t.add_column(c, overflow="fold")
        for o in shown:
            t.add_row(*(escape(str(o[c])) if o[c] is not None else "" for c in
                        ("measure", "value", "unit", "period", "article", "published", "evidence")))
        out.print(t)


def entity(
    name: Annotated[str, typer.Argument(help="Key, label, alias or any name the entity appeared under.")],
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = OutputFormat.table,
    limit: Annotated[int, typer.Option(
        "--limit", min=0, help="In the table, at most this many relations of each type and observations (the "
                               "most confident, latest first); 0 for all. JSON holds everything.")] = 10,
) -> None:
    """One entity's card: types, names and why they were merged, identifiers, relations with evidence."""
    from kg.cli.ingest import open_store

    with open_store(store) as st:
        card = entity_card(st, resolve_entity(st, name))
    if fmt is OutputFormat.table:
        _render(card, limit)
    else:
        sys.stdout.write(json.dumps(card, indent=1, ensure_ascii=False, default=str) + "\n")


def register(app: typer.Typer) -> None:
    app.command("entity")(entity)

"""Score an extraction against gold annotations: typed entities, directed relations and observations.

The gold format and the matching rules are those of the shared evaluation (one JSON file per article
with `entities` {name, type, aliases}, `relations` {subject, predicate, object} by entity name and
`observations` {subject, value, ...}):

- a predicted entity matches a gold entity of the same type when any of its label, aliases or mention
  texts equals any of the gold name or aliases after `normalize_name` (one-to-one, greedy, predictions
  whose label matches exactly first);
- a relation matches when the predicate is equal and both ends match (symmetric ones in either order);
  `pairs` scores the same without the predicate;
- an observation matches when its subject matches and its value is within 1% of the gold value.

Counts are micro-averaged over articles. `evaluate_dir` runs the project's own extraction first, so
users can score it on articles they annotated themselves.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ids import normalize_name

__all__ = ["KINDS", "Score", "load_gold", "prf", "score_article", "score_predictions", "evaluate_dir"]

KINDS = ("entities", "relations", "pairs", "observations")
_SYMMETRIC = frozenset({"partnersWith", "competesWith"})


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    """Precision, recall and F1 (rounded to 4 places) with the counts they come from.

    >>> prf(3, 4, 6)["f1"]
    0.6
    """
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "pred": n_pred, "gold": n_gold, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(f, 4)}


def _forms(names: Iterable[str]) -> set[str]:
    return {normalize_name(n) for n in names if n}


def _gold_forms(e: Mapping[str, Any]) -> set[str]:
    return _forms([e["name"], *e.get("aliases", [])])


def _pred_forms(e: Mapping[str, Any]) -> set[str]:
    return _forms([e.get("label") or "", *e.get("aliases", []),
                   *(m.get("text", "") for m in e.get("mentions", []))])


def match_entities(gold: list[Mapping[str, Any]], pred: list[Mapping[str, Any]]) -> dict[str, str]:
    """Predicted entity id -> gold entity name: typed, one-to-one, exact-label predictions first."""
    gforms = [(g["name"], g["type"], _gold_forms(g)) for g in gold]
    every_form = {f for _, _, fs in gforms for f in fs}
    ordered = sorted(pred, key=lambda e: 0 if normalize_name(e.get("label", "")) in every_form else 1)
    used: set[str] = set()
    out: dict[str, str] = {}
    for e in ordered:
        forms = _pred_forms(e)
        for name, typ, fs in gforms:
            if name not in used and typ == e.get("type") and forms & fs:
                out[str(e["id"])] = name
                used.add(name)
                break
    return out


def _rel_key(s: Any, p: Any, o: Any) -> tuple[Any, ...]:
    if p in _SYMMETRIC:
        s, o = sorted((s, o))
    return (s, p, o)


def score_article(gold: Mapping[str, Any], pred: Mapping[str, Any],
                  misses: dict[str, list[str]]) -> dict[str, Counter[str]]:
    """Counts (tp, pred, gold) per kind and per entity type for one article; misses are appended."""
    c: dict[str, Counter[str]] = defaultdict(Counter)
    gents, pents = list(gold.get("entities", [])), list(pred.get("entities", []))
    m = match_entities(gents, pents)
    c["entities"].update(tp=len(m), pred=len(pents), gold=len(gents))
    for e in pents:
        t = e.get("type", "?")
        c["type:" + t]["pred"] += 1
        if str(e["id"]) in m:
            c["type:" + t]["tp"] += 1
        else:
            misses["entity_fp"].append(f'{pred.get("id")}: {e.get("label")} [{t}]')
    for g in gents:
        c["type:" + g["type"]]["gold"] += 1
    matched = set(m.values())
    for g in gents:
        if g["name"] not in matched:
            misses["entity_fn"].append(f'{gold["id"]}: {g["name"]} [{g["type"]}]')

    grels = gold.get("relations", [])
    grel = {_rel_key(r["subject"], r["predicate"], r["object"]) for r in grels}
    gpair = {tuple(sorted((r["subject"], r["object"]))) for r in grels}
    prel: set[tuple[Any, ...]] = set()
    ppair: set[tuple[Any, ...]] = set()
    for r in pred.get("relations", []):
        s, o = m.get(str(r.get("subject"))), m.get(str(r.get("object")))
        if s is None or o is None:
            prel.add(("?", r.get("subject"), r.get("predicate"), r.get("object")))
            misses["relation_fp"].append(
                f'{pred.get("id")}: {r.get("subject")} {r.get("predicate")} {r.get("object")} (unmatched end)')
            continue
        k = _rel_key(s, r.get("predicate"), o)
        if k not in grel and k not in prel:
            misses["relation_fp"].append(f'{pred.get("id")}: {s} {r.get("predicate")} {o}')
        prel.add(k)
        ppair.add(tuple(sorted((s, o))))
    c["relations"].update(tp=len(grel & prel), pred=len(prel), gold=len(grel))
    unmatched = sum(1 for k in prel if k[0] == "?")
    c["pairs"].update(tp=len(gpair & ppair), pred=len(ppair) + unmatched, gold=len(gpair))
    for k in grel - prel:
        misses["relation_fn"].append(f'{gold["id"]}: {k[0]} {k[1]} {k[2]}')

    gobs = list(gold.get("observations", []))
    pobs = list(pred.get("observations", []))
    used: set[int] = set()
    tp = 0
    for o in pobs:
        s = m.get(str(o.get("subject")))
        try:
            v = float(o.get("value"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        for i, g in enumerate(gobs):
            if i in used or g["subject"] != s:
                continue
            gv = float(g["value"])
            if abs(v - gv) <= 0.01 * max(abs(gv), 1e-9):
                used.add(i)
                tp += 1
                break
    c["observations"].update(tp=tp, pred=len(pobs), gold=len(gobs))
    return c


def load_gold(directory: str | Path) -> dict[str, dict[str, Any]]:
    """Gold annotations by article id, from every `*.json` file of a directory (sorted by file name)."""
    out: dict[str, dict[str, Any]] = {}
    for f in sorted(Path(directory).glob("*.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        out[g["id"]] = g
    return out


@dataclass
class Score:
    """Figures of one evaluation: the summary per kind, per entity type, and the misses."""

    articles: int
    missing: list[str]
    summary: dict[str, dict[str, float | int]]
    by_type: dict[str, dict[str, float | int]]
    misses: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The same JSON document as the shared scorer's `--json`."""
        return {"articles": self.articles, "missing": self.missing, **self.summary, "by_type": self.by_type}

    def table(self, by_type: bool = False, show: int = 0) -> str:
        """The plain-text report: P/R/F1 per kind, optionally per entity type and the first misses."""
        lines = [f"articles: {self.articles}  missing from output: {len(self.missing)}",
                 f'{"":14}{"P":>7}{"R":>7}{"F1":>7}{"tp":>6}{"pred":>6}{"gold":>6}']
        for k in KINDS:
            s = self.summary.get(k, prf(0, 0, 0))
            lines.append(f'{k:14}{s["precision"]:7.3f}{s["recall"]:7.3f}{s["f1"]:7.3f}'
                         f'{s["tp"]:6}{s["pred"]:6}{s["gold"]:6}')
        if by_type:
            lines.append("")
            for t, s in sorted(self.by_type.items()):
                lines.append(f'{t:20}{s["precision"]:7.3f}{s["recall"]:7.3f}{s["f1"]:7.3f}'
                             f'{s["tp"]:6}{s["pred"]:6}{s["gold"]:6}')
        if show:
            for kind, rows in self.misses.items():
                lines.append(f"\n{kind} ({len(rows)}):")
                lines.extend("  " + r for r in rows[:show])
        return "\n".join(lines)


def score_predictions(gold: Mapping[str, Mapping[str, Any]], predictions: Iterable[Mapping[str, Any]]) -> Score:
    """Score extraction contracts (`kg extract --json` articles) against gold annotations by id."""
    preds = {str(p.get("id")): p for p in predictions}
    total: dict[str, Counter[str]] = defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    for gid, g in gold.items():
        for k, v in score_article(g, preds.get(gid, {"id": gid}), misses).items():
            total[k].update(v)
    summary = {k: prf(v["tp"], v["pred"], v["gold"]) for k, v in total.items() if not k.startswith("type:")}
    types = {k[5:]: prf(v["tp"], v["pred"], v["gold"]) for k, v in total.items() if k.startswith("type:")}
    return Score(len(gold), [g for g in gold if g not in preds], summary, types, dict(misses))


def evaluate_dir(gold_dir: str | Path, articles_dir: str | Path, jobs: int = 1) -> Score:
    """Run the project's extraction on the articles that have gold annotations, then score it.

    Articles are read with the source readers (any supported format); those whose id has no gold
    file are ignored, and gold articles absent from `articles_dir` count as missing.
    """
    from loaders.extract.pipeline import extract_articles
    from loaders.sources import iter_articles

    gold = load_gold(gold_dir)
    articles_dir = Path(articles_dir)
    named = [articles_dir / f"{gid}.json" for gid in gold]
    paths = [p for p in named if p.exists()]
    if len(paths) < len(gold):
        paths = [articles_dir]
    articles = [a for a in iter_articles(paths) if not hasattr(a, "message") and a.id in gold]
    graphs = extract_articles(articles, jobs=jobs)
    return score_predictions(gold, (g.contract() for g in graphs))

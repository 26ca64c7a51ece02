"""`kg eval` and `kg.evaluate`: the same figures as the shared scorer, on its gold and on small cases."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.evaluate import evaluate_dir, load_gold, prf, score_predictions
from tests.conftest import need_shared


@pytest.fixture(scope="module")
def shared_eval() -> Path:
    return need_shared("eval")


@pytest.fixture(scope="module")
def predictions(shared_eval: Path) -> list[dict]:
    from loaders.extract.pipeline import extract_article
    from loaders.sources import iter_articles

    gold = load_gold(shared_eval / "gold")
    files = [shared_eval / "articles" / f"{gid}.json" for gid in gold]
    return [extract_article(a).contract() for a in iter_articles(files) if not hasattr(a, "message")]


def test_figures_equal_the_shared_scorer(shared_eval: Path, predictions: list[dict], tmp_path: Path) -> None:
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps({"articles": predictions}), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(shared_eval / "score.py"), "--gold", str(shared_eval / "gold"),
                           "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    theirs = json.loads(proc.stdout)
    ours = score_predictions(load_gold(shared_eval / "gold"), predictions).as_dict()
    assert ours == theirs


def test_evaluate_dir_reads_and_extracts_the_articles(shared_eval: Path, predictions: list[dict]) -> None:
    score = evaluate_dir(shared_eval / "gold", shared_eval / "articles")
    assert score.missing == []
    assert score.as_dict() == score_predictions(load_gold(shared_eval / "gold"), predictions).as_dict()


def _gold(tmp_path: Path) -> Path:
    d = tmp_path / "gold"
    d.mkdir()
    doc = {
        "id": "a1",
        "entities": [
            {"name": "Baidu Inc.", "type": "Company", "aliases": ["Baidu"]},
            {"name": "Alibaba", "type": "Company", "aliases": []},
            {"name": "ERNIE", "type": "AIModel", "aliases": []},
        ],
        "relations": [
            {"subject": "Baidu Inc.", "predicate": "develops", "object": "ERNIE"},
            {"subject": "Alibaba", "predicate": "competesWith", "object": "Baidu Inc."},
        ],
        "observations": [{"subject": "Baidu Inc.", "value": 42, "unit": "percent"},
                         {"subject": "Alibaba", "value": -3, "unit": "percent"}],
    }
    (d / "a1.json").write_text(json.dumps(doc), encoding="utf-8")
    return d


def test_matching_rules_on_a_small_case(tmp_path: Path) -> None:
    gold = load_gold(_gold(tmp_path))
    pred = {"id": "a1", "entities": [
        {"id": "b", "label": "The Baidu Group", "type": "Company", "aliases": [], "mentions": []},
        {"id": "a", "label": "Alibaba", "type": "Company", "aliases": [], "mentions": []},
        {"id": "e", "label": "ERNIE", "type": "Product", "aliases": [], "mentions": []},  # wrong type
    ], "relations": [
        {"subject": "b", "predicate": "competesWith", "object": "a"},  # symmetric: either order
        {"subject": "b", "predicate": "develops", "object": "e"},  # unmatched end
        {"subject": "b", "predicate": "competesWith", "object": "a"},  # the same fact twice counts once
    ], "observations": [
        {"subject": "b", "value": 42.3},  # within 1%
        {"subject": "a", "value": 3},  # the sign matters
    ]}
    s = score_predictions(gold, [pred])
    assert s.summary["entities"] == prf(2, 3, 3)
    assert s.summary["relations"] == prf(1, 2, 2)
    assert s.summary["observations"] == prf(1, 2, 2)
    assert s.by_type["AIModel"]["gold"] == 1 and s.by_type["Product"]["pred"] == 1
    assert s.misses["relation_fn"] == ["a1: Baidu Inc. develops ERNIE"]
    assert s.misses["entity_fn"] == ["a1: ERNIE [AIModel]"]


def test_an_article_without_output_is_missing(tmp_path: Path) -> None:
    s = score_predictions(load_gold(_gold(tmp_path)), [])
    assert s.missing == ["a1"]
    assert s.summary["entities"] == prf(0, 0, 3)
    assert "missing from output: 1" in s.table()


def test_eval_command_on_own_articles(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    arts = tmp_path / "articles"
    arts.mkdir()
    text = "Baidu develops ERNIE. Baidu shares rose 42%. Alibaba shares fell 3%."
    (arts / "a1.json").write_text(json.dumps({"id": "a1", "title": "", "text": text}), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kg", "eval", "--gold", str(gold), "--articles", str(arts),
                           "--json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["articles"] == 1 and doc["missing"] == []
    assert doc["entities"]["tp"] == 3
    assert doc["observations"]["tp"] == 2
    proc = subprocess.run([sys.executable, "-m", "kg", "eval", "--gold", str(gold), "--articles", str(arts),
                           "--show", "5", "--by-type"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].split() == ["P", "R", "F1", "tp", "pred", "gold"]
    assert "Company" in proc.stdout


def test_eval_command_rejects_a_missing_directory(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kg", "eval", "--gold", str(tmp_path / "nope"),
                           "--articles", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --gold") and "Traceback" not in proc.stderr

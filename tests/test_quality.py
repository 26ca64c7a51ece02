"""Extraction quality on the shared gold: the figures must not drop below what the project has reached.

Goals of the project are entities, relations and observations F1 >= 0.90 / 0.70 / 0.80 with neither
precision nor recall below 0.6. All three meet them; relations are held at the level reached (0.74 F1,
precision 0.83, recall 0.68), to be raised as the relation rules improve.
"""
from __future__ import annotations

import pytest

from kg.evaluate import Score, evaluate_dir
from tests.conftest import need_shared

FLOORS = {"entities": 0.90, "relations": 0.74, "observations": 0.80}
MIN_P_R = {"entities": 0.60, "relations": 0.60, "observations": 0.60}


@pytest.fixture(scope="module")
def score() -> Score:
    d = need_shared("eval")
    return evaluate_dir(d / "gold", d / "articles")


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_f1_stays_above_the_floor(score: Score, kind: str) -> None:
    assert score.summary[kind]["f1"] >= FLOORS[kind], score.table()


@pytest.mark.parametrize("kind", sorted(MIN_P_R))
def test_precision_and_recall_are_both_kept(score: Score, kind: str) -> None:
    s = score.summary[kind]
    assert s["precision"] >= MIN_P_R[kind] and s["recall"] >= MIN_P_R[kind], score.table()


def test_every_gold_article_is_extracted(score: Score) -> None:
    assert score.missing == [] and score.articles >= 15

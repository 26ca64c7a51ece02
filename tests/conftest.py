"""Shared fixtures: where the third-party material in ../shared lives, and real-article graphs."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")).resolve()
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"


def need_shared(*parts: str) -> Path:
    """Path under ../shared, skipping the test with a clear reason when ../shared is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared material not present at {p} (a user's clone); CI always has it")
    return p


@pytest.fixture(scope="session")
def shared() -> Path:
    return need_shared()


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A store of the 15 eval articles and the seed article, ingested by `kg ingest`'s own function."""
    from kg.cli.ingest import ingest_articles
    from kg.store import KGStore
    from loaders.sources import iter_articles

    articles = need_shared("eval", "articles")
    seed = need_shared("seed", "baidu-alibaba-rally-2025.txt")
    path = tmp_path_factory.mktemp("real") / "store"
    with KGStore.open(path, write=True) as st:
        summary = ingest_articles(st, iter_articles([articles, seed]))
    assert summary.added == 16 and summary.failed == 0
    with KGStore.open(path) as st:
        yield st

"""Shared fixtures: where the third-party material in ../shared lives, and real-article graphs."""
from __future__ import annotations

import os
from pathlib import Path

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

"""Shared test fixtures: where the samples and the shared spec live."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.modules.setdefault("pymupdf.layout", None)  # never load PyMuPDF's layout model in tests

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"


def seed_paths() -> list[Path]:
    return sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

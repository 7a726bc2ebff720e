"""Shared test fixtures: where the samples and the shared spec live."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.offline import seal

seal()  # no telemetry look-ups, no PyMuPDF layout model / pymupdf4llm (see pipeline.offline)

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"


def seed_paths() -> list[Path]:
    return sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

"""Shared test fixtures: where the samples and the shared spec live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline.offline import seal

seal()  # no telemetry look-ups, no PyMuPDF layout model / pymupdf4llm (see pipeline.offline)

# Property tests draw the same examples on every run by default ("stable"): a suite that passes
# passes again on a clean clone, and a failure found is a test to keep (an ``@example``), not a
# coin that CI tosses. XXGK_HYPOTHESIS=explore draws new random examples each run, to hunt for
# failures; every one found becomes an ``@example`` of its test.
settings.register_profile("stable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("XXGK_HYPOTHESIS", "stable"))

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"


def seed_paths() -> list[Path]:
    return sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The default run (``pytest`` with no file named and no ``-m``) is the fast suite: tests
    marked ``slow`` are deselected. Naming files or tests runs all of them, slow ones included
    (``pytest tests/test_pipeline_integration.py`` checks what it says), and any ``-m``
    (``-m "slow or not slow"``: the full suite, what .ci/run runs) decides by itself."""
    if config.option.markexpr or config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]

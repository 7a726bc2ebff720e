"""The real reports in tests/data/realworld: the rules that already hold on every one of them.

The reading issues add their own, stricter assertions (no wrong number, metadata right or null,
cell coverage) as they make them true; this file keeps the floor that must never regress.
"""

from __future__ import annotations

import pytest

from pipeline.parsing import parse_file
from tests.realworld import compare, truth_items

ITEMS = truth_items()


@pytest.mark.parametrize(("item", "truth", "raw"), ITEMS, ids=[i[0] for i in ITEMS])
def test_no_invented_cell(item: str, truth: dict, raw) -> None:
    """A cell the truth leaves null is never given a number by the reader."""
    score = compare(parse_file(raw), truth)
    assert score.invented == [], f"{item}: {score.invented}"


def test_compare_can_fail() -> None:
    """The comparison itself flags a wrong and an invented number (so the tests above can fail)."""
    _, truth, _ = next(i for i in ITEMS if i[0] == "hongze-2023")
    forged = {k: v for k, v in truth.items()}
    forged["requests"] = {row: dict(cols) for row, cols in truth["requests"].items()}
    forged["requests"]["new_received"]["total"] = 9999
    forged["requests"]["other_overdue_correction"]["total"] = 5
    score = compare(forged, truth)
    assert score.wrong == ["requests.new_received.total: want 21 got 9999"]
    assert score.invented == ["requests.other_overdue_correction.total: got 5"]

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


@pytest.mark.parametrize(("item", "truth", "raw"), ITEMS, ids=[i[0] for i in ITEMS])
def test_metadata_right_or_null(item: str, truth: dict, raw) -> None:
    """Status is right, and every metadata field is the truth (or an accepted alternative) or
    null: no wrong and no invented agency, region, date, year, template or disclosure total."""
    record = parse_file(raw)
    score = compare(record, truth)
    assert record["status"] == truth["status"], f"{item}: status {record['status']}, truth {truth['status']}"
    assert score.meta_wrong == [], f"{item}: {score.meta_wrong}"
    assert score.meta_invented == [], f"{item}: {score.meta_invented}"
    if record["status"] != "not_a_report" and record["template"] is not None:
        assert 0.0 <= record["coverage"] <= 1.0


def test_metadata_mostly_read() -> None:
    """Across the real items at least 95% of the metadata fields the truth gives are read."""
    total = right = 0
    for _item, truth, raw in ITEMS:
        score = compare(parse_file(raw), truth)
        total += score.meta
        right += score.meta_right
    assert right >= 0.95 * total, f"metadata {right}/{total}"


def test_metadata_compare_can_fail() -> None:
    """The metadata comparison flags a wrong, an invented and a missing field."""
    _, truth, _ = next(i for i in ITEMS if i[0] == "weishan-liangcheng-2020")
    forged = {**truth, "agency": "微山县人民政府", "published_on": "2020-12-31",
              "region": {**truth["region"], "town": None}}
    score = compare(forged, truth)
    assert score.meta_wrong == ["agency: want 两城镇人民政府 got 微山县人民政府"]
    assert score.meta_invented == ["published_on: got 2020-12-31"]
    assert score.meta_missing == ["region.town: want 两城镇"]

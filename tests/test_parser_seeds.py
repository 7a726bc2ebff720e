"""The five seed reports must be read exactly: every cell, every null, the metadata.

The golden files in tests/expected were checked by hand against the seed texts; the
explicit assertions below pin the traps each seed carries, so a golden file regenerated
carelessly cannot hide a regression.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import template as tpl
from pipeline.parsing import parse_file
from tests.conftest import RAW, seed_paths

EXPECTED = Path(__file__).with_name("expected")


def _parse(stem: str) -> dict:
    return parse_file(next(RAW.glob(f"{stem}_*.txt")))


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_seed_matches_golden_record(path: Path) -> None:
    rec = parse_file(path)
    assert rec["source"].pop("path") == str(path)
    expected = json.loads((EXPECTED / f"{path.stem}.json").read_text(encoding="utf-8"))
    assert rec == expected


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_every_template_cell_present(path: Path) -> None:
    rec = parse_file(path)
    t = rec["template"]
    assert t == "2021"
    assert set(rec["requests"]) == set(tpl.rows("requests", t))
    for row in rec["requests"].values():
        assert list(row) == list(tpl.REQUEST_COLUMNS)
    assert set(rec["article20"]) == set(tpl.rows("article20", t))
    assert set(rec["review_litigation"]) == set(tpl.REVIEW_GROUPS)


def test_000_flattened_text_with_vertical_fragments() -> None:
    rec = _parse("000")
    assert rec["status"] == "ok"
    assert (rec["agency"], rec["year"], rec["published_on"]) == ("米易县丙谷镇人民政府", 2024, "2025-01-15")
    assert rec["region"] == {"province": "四川省", "city": "攀枝花市", "county": "米易县", "town": "丙谷镇"}
    assert rec["active_disclosure"] == {"total": 50, "by_category": {"工作动态": 37, "通知公告": 13}}
    cells = [v for row in rec["requests"].values() for v in row.values()]
    assert len(cells) == 25 * 7 and all(v == 0 for v in cells)
    assert all(v == 0 for g in rec["review_litigation"].values() for v in g.values())
    assert not [i for i in rec["issues"] if i["severity"] != "info"]
    assert all(c["ok"] for c in rec["checks"])


def test_001_tab_table_blank_review_cells_are_null_with_issue() -> None:
    rec = _parse("001")
    assert (rec["agency"], rec["year"], rec["published_on"]) == ("米易县丙谷镇人民政府", 2023, "2024-01-18")
    assert rec["review_litigation"]["review"] == dict.fromkeys(tpl.REVIEW_RESULTS)
    assert rec["review_litigation"]["litigation_direct"] == dict.fromkeys(tpl.REVIEW_RESULTS, 0)
    missing = {i["where"] for i in rec["issues"] if i["code"] == "cell_missing"}
    assert missing == {f"review_litigation.review.{r}" for r in tpl.REVIEW_RESULTS}
    review_check = next(c for c in rec["checks"] if c["rule"] == "review_litigation.total.review")
    assert review_check["ok"] is None  # not evaluable is not a pass
    assert rec["article20"]["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 0}


def test_002_header_typo_still_2021() -> None:
    rec = _parse("002")
    assert rec["template"] == "2021"
    assert rec["article20"]["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert (rec["agency"], rec["year"], rec["published_on"]) == ("米易县草场镇人民政府", 2024, "2025-01-13")
    assert rec["active_disclosure"]["by_category"] == {"工作动态": 20, "通知公告": 4}


def test_003_agency_from_signature_when_title_lost_it() -> None:
    rec = _parse("003")
    assert rec["agency"] == "米易县新山傈僳族乡人民政府"
    assert rec["year"] == 2024
    assert rec["region"]["town"] == "新山傈僳族乡" and rec["region"]["county"] == "米易县"
    assert any(i["code"] == "agency_from_signature" for i in rec["issues"])
    assert rec["active_disclosure"]["total"] == 75
    assert sum(rec["active_disclosure"]["by_category"].values()) == 75


def test_004_markdown_missing_total_column_is_null_not_zero() -> None:
    rec = _parse("004")
    assert rec["source"]["format"] == "md"
    assert rec["year"] == 2025 and rec["published_on"] == "2026-01-15"
    rows = tpl.rows("requests", "2021")
    shifted, cut = rows.index("denied_state_secret"), rows.index("other_overdue_fee")
    for row in rows[:shifted]:  # the header's columns place them: 自然人 … 其他, and 总计 blank
        assert rec["requests"][row]["total"] is None
        assert [rec["requests"][row][c] for c in tpl.APPLICANT_COLUMNS] == [0] * 6
        assert rec["derived"][f"requests.{row}.total"]["value"] == 0
    # a sub-row's label takes the 自然人 column and six values follow: the header puts them under
    # 商业企业 … 总计, the row's own fields under 自然人 … 其他. Filling it left to right would be a
    # guess, so every cell of such a row is null, with the reason
    for row in rows[shifted:cut]:
        assert set(rec["requests"][row].values()) == {None}, row
        assert any(i["where"] == f"requests.{row}" and i["code"] == "cells_short" for i in rec["issues"]), row
    for row in rows[cut:]:
        assert rec["requests"][row]["total"] == 0
    assert rec["review_litigation"]["review"] == dict.fromkeys(tpl.REVIEW_RESULTS)
    balance_total = next(c for c in rec["checks"] if c["rule"] == "requests.balance.total")
    assert balance_total["ok"] is None

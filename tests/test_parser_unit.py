"""Parser behaviour on inputs the seeds do not cover: broken tables, non-reports, cuts, encodings."""

from __future__ import annotations

from pathlib import Path

from pipeline import template as tpl
from pipeline.parsing import parse_file
from pipeline.samples.render_text import render_text
from tests.conftest import RAW


def _seed(stem: str) -> str:
    return next(RAW.glob(f"{stem}_*.txt")).read_text(encoding="utf-8")


def test_check_fails_on_a_deliberately_broken_table(tmp_path: Path) -> None:
    text = _seed("000").replace(
        "一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0", "一、本年新收政府信息公开申请数量 5 0 0 0 0 0 4"
    )
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    # the printed numbers are kept as printed ...
    assert rec["requests"]["new_received"]["natural_person"] == 5
    assert rec["requests"]["new_received"]["total"] == 4
    checks = {c["rule"]: c for c in rec["checks"]}
    # ... and every rule they break is reported with both numbers
    assert checks["requests.applicants.new_received"]["ok"] is False
    assert (checks["requests.applicants.new_received"]["expected"], checks["requests.applicants.new_received"]["actual"]) == (4, 5)
    assert checks["requests.balance.natural_person"]["ok"] is False
    assert checks["requests.balance.total"]["ok"] is False
    assert checks["requests.balance.commercial"]["ok"] is True
    assert checks["narrative.new_received"]["ok"] is False
    assert {i["where"] for i in rec["issues"] if i["code"] == "check_failed"} >= {
        "requests.applicants.new_received", "requests.balance.natural_person"}


def test_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text("米易县召开2024年度政府信息公开工作年度报告编制培训会\n会议要求各乡镇按时发布年度报告。\n", encoding="utf-8")
    rec = parse_file(path)
    assert rec["status"] == "not_a_report"
    assert rec["requests"] == {} and rec["template"] is None
    assert rec["issues"][0]["code"] == "not_a_report"


def test_truncated_text_is_incomplete_and_has_no_numbers_after_the_cut(tmp_path: Path) -> None:
    text = _seed("000")
    cut = text.index("（二）部分公开")
    path = tmp_path / "cut.txt"
    path.write_text(text[:cut], encoding="utf-8")
    rec = parse_file(path)
    assert rec["status"] == "incomplete"
    assert rec["requests"]["granted"] == dict.fromkeys(tpl.REQUEST_COLUMNS, 0)
    rows = tpl.rows("requests", "2021")
    for row in rows[rows.index("partially_granted"):]:
        assert rec["requests"][row] == dict.fromkeys(tpl.REQUEST_COLUMNS)
    assert all(v is None for g in rec["review_litigation"].values() for v in g.values())
    assert rec["published_on"] is None


def test_gbk_encoded_text(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(_seed("002").encode("gb18030"))
    rec = parse_file(path)
    assert rec["agency"] == "米易县草场镇人民政府"
    assert rec["status"] == "ok"


def test_unreadable_and_empty_files_become_records_not_exceptions(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    for path in (empty, junk):
        rec = parse_file(path)
        assert rec["status"] == "unreadable"
        assert str(path) in rec["issues"][0]["detail"]


def test_2019_format_keeps_its_own_columns(tmp_path: Path) -> None:
    rec = {
        "template": "2019", "year": 2020, "agency": "米易县丙谷镇人民政府", "published_on": "2021-01-20",
        "active_disclosure": {"total": 10, "by_category": {}},
        "article20": {
            item: {c: (-3 if c == "change" else 7) for c in tpl.columns("article20", "2019", item)}
            for item in tpl.rows("article20", "2019")
        },
        "requests": {r: dict.fromkeys(tpl.REQUEST_COLUMNS, 1) for r in tpl.rows("requests", "2019")},
        "review_litigation": {g: dict.fromkeys(tpl.REVIEW_RESULTS, 2) for g in tpl.REVIEW_GROUPS},
    }
    path = tmp_path / "r2019.txt"
    path.write_text(render_text(rec, "flat"), encoding="utf-8")
    got = parse_file(path)
    assert got["template"] == "2019"
    assert "other_processing" in got["requests"] and "other_other" not in got["requests"]
    assert got["article20"]["administrative_licensing"] == {"prior_year_items": 7, "change": -3, "decisions": 7}
    assert got["article20"]["centralized_procurement"] == {"projects": 7, "amount": 7}

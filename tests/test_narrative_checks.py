"""Narrative against tables: figures section 一 states in words agree with the tables.

Sentences are worded the way real reports word them, traps included: a change (同比增加9件),
last year's figure (2023年收到12件), proactive disclosures (共公开信息75条), an outcome
(结果纠正1件) and a joint phrase (行政复议、行政诉讼共2件) are not the figure checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline import template as tpl
from pipeline.parsing import parse_file
from pipeline.parsing.checks import narrative_checks
from tests.conftest import RAW


def tables(
    new_received: int | None = 9,
    granted: int | None = 2,
    partially_granted: int | None = 1,
    review: int | None = 1,
    litigation: tuple[int | None, int | None] = (0, 0),
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Totals columns of the request table and the review/litigation table (other cells irrelevant)."""
    requests = {row: dict.fromkeys(tpl.REQUEST_COLUMNS, 0) for row in tpl.rows("requests", "2021")}
    for row, value in (("new_received", new_received), ("granted", granted), ("partially_granted", partially_granted)):
        requests[row]["total"] = value
    review_table = {group: dict.fromkeys(tpl.REVIEW_RESULTS, 0) for group in tpl.REVIEW_GROUPS}
    review_table["review"]["total"] = review
    review_table["litigation_direct"]["total"], review_table["litigation_after_review"]["total"] = litigation
    return requests, review_table


def checks(text: str, year: int | None = 2024, **table: Any) -> dict[str, dict[str, Any]]:
    requests, review = tables(**table)
    return {c["rule"]: c for c in narrative_checks(text, requests, review, year)}


def outcome(found: dict[str, dict[str, Any]]) -> dict[str, tuple[Any, Any, Any]]:
    """rule -> (ok, stated, table)."""
    return {rule: (c["ok"], c["expected"], c["actual"]) for rule, c in found.items()}


FULL = (
    "（二）依申请公开方面。2024年，本机关共收到政府信息公开申请9件，同比增加9件，"
    "其中予以公开2件、部分公开1件，其余均已按期答复。全年发生政府信息公开行政复议1件、行政诉讼0件。"
)


def test_every_stated_figure_agrees_with_the_tables() -> None:
    assert outcome(checks(FULL)) == {
        "narrative.new_received": (True, 9, 9),
        "narrative.granted": (True, 2, 2),
        "narrative.partially_granted": (True, 1, 1),
        "narrative.review": (True, 1, 1),
        "narrative.litigation": (True, 0, 0),
    }


def test_a_figure_that_disagrees_fails_with_both_numbers() -> None:
    found = checks(FULL, granted=3, litigation=(1, 0))
    assert outcome(found)["narrative.granted"] == (False, 2, 3)
    assert outcome(found)["narrative.litigation"] == (False, 0, 1)  # direct + after review
    assert "予以公开2件" in found["narrative.granted"]["detail"]
    assert outcome(found)["narrative.new_received"] == (True, 9, 9)


def test_a_table_cell_not_given_makes_the_check_not_evaluable() -> None:
    found = checks(FULL, partially_granted=None, litigation=(0, None))
    assert found["narrative.partially_granted"]["ok"] is None
    assert "requests.partially_granted.total" in found["narrative.partially_granted"]["detail"]
    assert found["narrative.litigation"]["ok"] is None
    assert "review_litigation.litigation_after_review.total" in found["narrative.litigation"]["detail"]


@pytest.mark.parametrize(
    ("text", "rule", "stated"),
    [
        ("收到政府信息公开申请9件。", "narrative.new_received", 9),
        ("全年共受理依申请公开申请 1 2 件。", "narrative.new_received", 12),  # PDF spaces between digits
        ("本年度新收政府信息公开申请数量为9件，上年结转0件。", "narrative.new_received", 9),
        ("本年度无依申请公开情况。", "narrative.new_received", 0),
        ("2024年度我镇未收到和处理政府信息公开申请。", "narrative.new_received", 0),
        ("申请办理结果：同意公开2件，部分公开1件。", "narrative.granted", 2),
        ("部分予以公开1件。", "narrative.partially_granted", 1),
        ("本年度未发生政府信息公开行政复议、行政诉讼案件。", "narrative.review", 0),
        ("本年度未发生政府信息公开行政复议、行政诉讼案件。", "narrative.litigation", 0),
        ("行政复议、行政诉讼均为0件。", "narrative.review", 0),
        ("行政复议和行政诉讼案件各1件。", "narrative.litigation", 1),
        ("收到行政复议申请1件，无行政诉讼。", "narrative.review", 1),
        ("收到行政复议申请1件，无行政诉讼。", "narrative.litigation", 0),
        ("被提起政府信息公开行政诉讼2起。", "narrative.litigation", 2),
    ],
)
def test_wordings_reports_use(text: str, rule: str, stated: int) -> None:
    found = checks(text)
    assert rule in found, found
    assert found[rule]["expected"] == stated


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # a change is not a count
        ("收到政府信息公开申请数量同比增加9件。", "narrative.new_received"),
        ("行政复议案件较上年减少1件。", "narrative.review"),
        # proactive disclosure is not a request count, nor a grant
        ("2024年共公开信息75条，其中工作动态37条。", "narrative.new_received"),
        ("主动公开政府信息75条，全部公开。", "narrative.granted"),
        # last year's figure is not this year's
        ("2023年收到政府信息公开申请12件。", "narrative.new_received"),
        ("上年收到政府信息公开申请12件。", "narrative.new_received"),
        ("2023年，丙谷镇收到政府信息公开申请12件。", "narrative.new_received"),  # the sentence's year
        # an outcome is not the total; a joint figure is neither total
        ("行政复议结果纠正1件。", "narrative.review"),
        ("行政复议、行政诉讼共2件。", "narrative.review"),
        ("行政复议、行政诉讼共2件。", "narrative.litigation"),
        # 不予公开 and 部分公开 are not 予以公开
        ("不予公开3件。", "narrative.granted"),
        ("部分予以公开1件。", "narrative.granted"),
        # 未经复议直接起诉 does not say there was no review
        ("未经复议直接起诉1件。", "narrative.review"),
    ],
)
def test_traps_give_no_check(text: str, absent: str) -> None:
    assert absent not in checks(text)


def test_this_years_figure_is_taken_when_last_years_comes_first_or_second() -> None:
    before = "与2023年收到政府信息公开申请12件相比，2024年收到政府信息公开申请9件。"
    after = "2024年共收到政府信息公开申请9件，较2023年收到的申请12件减少3件。"
    for text in (before, after):
        assert outcome(checks(text))["narrative.new_received"] == (True, 9, 9), text
    # a clause without a year belongs to the sentence's opening year, not to a comparison before it
    later = "本年度共收到政府信息公开申请9件，较2023年收到的申请12件减少3件，其中予以公开2件。"
    assert outcome(checks(later))["narrative.granted"] == (True, 2, 2)
    # a 2023 report reading the same sentence takes 2023's figure
    assert outcome(checks(before, year=2023, new_received=12))["narrative.new_received"] == (True, 12, 12)


def test_nothing_stated_means_no_check() -> None:
    assert checks("（二）依申请公开方面。按照规定及时答复申请人。") == {}


def test_the_parser_checks_a_seed_whose_text_now_states_figures(tmp_path: Path) -> None:
    """Seed 000 prints an all-zero request table and, in its text, no requests; told otherwise in
    words, the parser reports each figure that disagrees and keeps the table as printed."""
    seed = next(RAW.glob("000_*.txt")).read_text(encoding="utf-8")
    assert "本年度无依申请公开情况。" in seed
    text = seed.replace(
        "本年度无依申请公开情况。",
        "本年度共收到政府信息公开申请9件，较2023年收到的申请12件减少3件，其中予以公开2件。"
        "未发生政府信息公开行政复议、行政诉讼。",
    )
    path = tmp_path / "stated.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    found = {c["rule"]: (c["ok"], c["expected"], c["actual"]) for c in rec["checks"] if c["rule"].startswith("narrative.")}
    assert found == {
        "narrative.new_received": (False, 9, 0),
        "narrative.granted": (False, 2, 0),
        "narrative.review": (True, 0, 0),
        "narrative.litigation": (True, 0, 0),
    }
    assert rec["requests"]["new_received"]["total"] == 0  # never "fixed"
    assert {i["where"] for i in rec["issues"] if i["code"] == "check_failed"} >= {
        "narrative.new_received", "narrative.granted"}

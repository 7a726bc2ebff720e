"""The analysis views, the derived rates, the findings view and the cross-year checks, on a
corpus whose every answer is worked out by hand below (``views_corpus``).

The corpus (米易县, 2021 format unless said):

- 甲镇 2023: new requests 4 natural person + 2 commercial = 6; granted 2, partially 1; carried
  forward 1 + 2 = 3. 2024: new 10, carried over 1 + 1 = 2 (commercial: 1 where 2023 forwarded
  2, a carry-over mismatch, and so is the total, 2 vs 3); granted 5, partially 2; review
  (upheld 1, corrected 2, other 0, pending 1) = 4; litigation direct (0, 1, 0, 0) = 1, after
  review (2, 0, 0, 0) = 2; 现行有效 normative documents printed 20 where 11 + 2 − 1 = 12.
  A superseded 2024 version (signed earlier, 999 new requests) must reach no current view.
- 乙镇 2023: new 5, all granted, review all zero. 2024: new 3, none granted; 现行有效 not given.
- 丙乡 2024 only: 上年结转 not given (the share is null); the review table lost (five
  cell_missing issues, its total check not evaluable); the text says 9 requests, the table 0.
- 丁镇 2021 and 2023, none for 2022 or 2024: new 2 → 7, but 2023 has no "last year".
- 县教育局 (a department) 2020 in the 2019 format and 2021 in the 2021 format: new 3 → 4.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from factories import make_record, two_year_corpus
from test_warehouse import SQL_DIR, build, frames_of, ledger_for, log_for, query

from pipeline import template
from pipeline.warehouse import wide_view
from pipeline.warehouse.publish import Delta, publish

JIA, YI, BING, DING, EDU = "米易县甲镇人民政府", "米易县乙镇人民政府", "米易县丙乡人民政府", "米易县丁镇人民政府", "米易县教育局"
REVIEW_MISSING = [
    {"severity": "warning", "code": "cell_missing", "where": f"review_litigation.review.{r}",
     "detail": "blank or lost in the source"}
    for r in template.REVIEW_RESULTS
]  # fmt: skip


def views_corpus() -> list[dict[str, Any]]:
    """The corpus of the module docstring."""
    bing = make_record(BING, 2024, town="丙乡", new_received=0, carried_over=None, granted=0, partially_granted=0,
                       review=(None, None, None, None), overrides={"issues": REVIEW_MISSING})
    bing["checks"] += [
        {"rule": "review_litigation.total.review", "ok": None, "expected": None, "actual": None,
         "detail": "not evaluable: missing review_litigation.review.upheld"},
        {"rule": "narrative.new_received", "ok": False, "expected": 9, "actual": 0,
         "detail": "text states '共收到政府信息公开申请9件'"},
    ]
    return [
        make_record(JIA, 2023, town="甲镇", new_received={"natural_person": 4, "commercial": 2}, granted=2,
                    partially_granted=1, active_total=40),
        make_record(JIA, 2024, town="甲镇", new_received=10, carried_over={"natural_person": 1, "commercial": 1},
                    granted=5, partially_granted=2, review=(1, 2, 0, 1), litigation_direct=(0, 1, 0, 0),
                    litigation_after_review=(2, 0, 0, 0), active_total=55,
                    overrides={"article20.normative_documents.in_force": 20}, path="data/raw/jia_2024.txt"),
        make_record(JIA, 2024, town="甲镇", new_received=999, granted=5, partially_granted=2,
                    published_on="2025-01-05", path="data/raw/jia_2024_superseded.txt"),
        make_record(YI, 2023, town="乙镇", new_received=5, granted=5, partially_granted=0, review=(0, 0, 0, 0),
                    active_total=10),
        make_record(YI, 2024, town="乙镇", new_received=3, granted=0, partially_granted=0, review=(0, 0, 0, 0),
                    active_total=10, overrides={"article20.normative_documents.in_force": None}),
        bing,
        make_record(DING, 2021, town="丁镇", new_received=2, granted=1, partially_granted=0),
        make_record(DING, 2023, town="丁镇", new_received=7, granted=1, partially_granted=0),
        make_record(EDU, 2020, town=None, tpl="2019", new_received=3, granted=3, partially_granted=0),
        make_record(EDU, 2021, town=None, new_received=4, granted=2, partially_granted=1),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "xxgk.duckdb"
    build(path, views_corpus())
    return path


def rows(path: Path, sql: str) -> set[tuple[Any, ...]]:
    result = query(path, sql).rows()
    assert len(result) == len(set(result)), "duplicate rows"
    return set(result)


# -- the four views of WAREHOUSE.md ------------------------------------------------------------


def test_yoy_requests_compares_with_the_same_agency_one_year_earlier(warehouse: Path) -> None:
    got = rows(warehouse, """
        SELECT a.name, y.year, y.column_key, y.value, y.prev_value, y.delta, y.pct_change
        FROM yoy_requests y JOIN agencies a USING (agency_id)
        WHERE y.row_key = 'new_received' AND y.column_key IN ('total', 'commercial')""")
    assert got == {
        (JIA, 2023, "total", 6, None, None, None), (JIA, 2023, "commercial", 2, None, None, None),
        (JIA, 2024, "total", 10, 6, 4, 4 / 6), (JIA, 2024, "commercial", 0, 2, -2, -1.0),  # not the superseded 999
        (YI, 2023, "total", 5, None, None, None), (YI, 2023, "commercial", 0, None, None, None),
        (YI, 2024, "total", 3, 5, -2, -0.4), (YI, 2024, "commercial", 0, 0, 0, None),  # prev 0: no pct_change
        (BING, 2024, "total", 0, None, None, None), (BING, 2024, "commercial", 0, None, None, None),
        (DING, 2021, "total", 2, None, None, None), (DING, 2021, "commercial", 0, None, None, None),
        (DING, 2023, "total", 7, None, None, None), (DING, 2023, "commercial", 0, None, None, None),  # no 2022
        (EDU, 2020, "total", 3, None, None, None), (EDU, 2020, "commercial", 0, None, None, None),
        (EDU, 2021, "total", 4, 3, 1, 1 / 3), (EDU, 2021, "commercial", 0, 0, 0, None),  # across formats
    }  # fmt: skip
    # a row only one format has finds no previous value in the other format
    other = rows(warehouse, """
        SELECT y.row_key, y.value, y.prev_value FROM yoy_requests y JOIN agencies a USING (agency_id)
        WHERE a.name = '米易县教育局' AND y.year = 2021 AND y.column_key = 'total'
          AND y.row_key IN ('other_overdue_correction', 'other_other')""")
    assert other == {("other_overdue_correction", 0, None), ("other_other", 0, None)}
    # one row per cell of every current report: eight in the 2021 format, one in the 2019 format
    cells = {tpl: len(template.rows("requests", tpl)) * len(template.REQUEST_COLUMNS) for tpl in template.TEMPLATES}
    assert query(warehouse, "SELECT count(*) FROM yoy_requests").item() == 8 * cells["2021"] + cells["2019"]


def test_yoy_active_disclosure(warehouse: Path) -> None:
    got = rows(warehouse, """
        SELECT a.name, d.year, d.count, d.prev_count, d.delta, d.pct_change
        FROM yoy_active_disclosure d JOIN agencies a USING (agency_id)
        WHERE d.category = 'total' AND a.name IN ('米易县甲镇人民政府', '米易县乙镇人民政府')""")
    assert got == {(JIA, 2023, 40, None, None, None), (JIA, 2024, 55, 40, 15, 0.375),
                   (YI, 2023, 10, None, None, None), (YI, 2024, 10, 10, 0, 0.0)}  # fmt: skip


def test_carryover_mismatches_lists_every_column_that_disagrees_and_no_unknown(warehouse: Path) -> None:
    got = rows(warehouse, """
        SELECT a.name, m.year, m.column_key, m.prev_carried_forward, m.carried_over, m.difference
        FROM carryover_mismatches m JOIN agencies a USING (agency_id)""")
    # 甲镇 natural_person agrees (1 = 1); 丙乡 has no 2023 report; 丁镇 has no 2022 report
    assert got == {(JIA, 2024, "commercial", 2, 1, -1), (JIA, 2024, "total", 3, 2, -1)}


def test_report_panel(warehouse: Path) -> None:
    got = rows(warehouse, """
        SELECT agency_name, year, new_requests, granted, partially_granted, total_processed, carried_over,
               carried_forward, review_total, litigation_total, proactive_disclosures
        FROM report_panel WHERE agency_name IN ('米易县甲镇人民政府', '米易县丙乡人民政府')""")
    assert got == {(JIA, 2023, 6, 2, 1, 3, 0, 3, 1, 0, 40), (JIA, 2024, 10, 5, 2, 7, 2, 5, 4, 3, 55),
                   (BING, 2024, 0, 0, 0, 0, None, None, None, 0, 50)}  # fmt: skip


# -- report_cells_wide ---------------------------------------------------------------------------


def test_the_generated_wide_view_file_is_up_to_date() -> None:
    assert wide_view.OUTPUT.read_text(encoding="utf-8") == wide_view.view_sql(), (
        "regenerate: .venv/bin/python -m pipeline.warehouse.wide_view"
    )


def test_wide_view_has_a_commented_column_for_every_template_cell(warehouse: Path) -> None:
    columns = query(warehouse, "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'report_cells_wide'")
    comments = dict(columns.rows())
    prefix = {"requests": "req", "review_litigation": "rl", "article20": "a20"}
    expected = {f"{prefix[k.table]}_{k.row_key}_{k.column_key}" for k in template.all_keys()}
    assert expected <= set(comments)
    assert all(comments.values()), [c for c, text in comments.items() if not text]
    assert comments["req_new_received_total"] == "一、本年新收政府信息公开申请数量｜总计"
    assert comments["rl_review_corrected"] == "行政复议｜结果纠正"
    assert comments["a20_regulations_issued"] == "规章｜本年制发件数（仅 2021 格式）"
    assert comments["req_other_processing_total"] == "（六）其他处理｜总计（仅 2019 格式）"
    assert "处理决定数量" in comments["a20_administrative_licensing_decisions"]
    assert query(warehouse, "SELECT comment FROM duckdb_views() WHERE view_name = 'report_cells_wide'").item()


def test_wide_view_holds_exactly_the_long_tables_values(warehouse: Path) -> None:
    """Unpivoted, the wide view is the three long tables (the printed value, else the derived one;
    tests/test_derived_views.py checks the mark): every cell, null for null, nothing else."""
    wide = query(warehouse, "SELECT * FROM report_cells_wide")
    assert wide.height == query(warehouse, "SELECT count(*) FROM reports").item()  # every version
    cells = [c for c in wide_view.wide_columns()]
    long = wide.unpivot(on=[c.name for c in cells], index="report_id", variable_name="name", value_name="value")
    names = pl.DataFrame({"name": [c.name for c in cells], "table": [c.table for c in cells],
                          "row_key": [c.row_key for c in cells], "column_key": [c.column_key for c in cells]})  # fmt: skip
    from_wide = {(r, t, k, c, v) for r, _, v, t, k, c in long.join(names, on="name").rows()}
    from_long = rows(warehouse, """
        SELECT r.report_id, 'requests', row_key, column_key, coalesce(value, derived_value)::DOUBLE
        FROM request_cells JOIN reports r USING (report_id)
        UNION ALL SELECT report_id, 'review_litigation', proceeding_key, result_key,
                         coalesce(value, derived_value)::DOUBLE FROM review_litigation_cells
        UNION ALL SELECT report_id, 'article20', item_key, measure_key, coalesce(value, derived_value)
        FROM article20_cells""")
    present = {(r, t, k, c, None if v is None else float(v)) for r, t, k, c, v in from_wide if v is not None}
    assert present == {row for row in from_long if row[4] is not None}
    # a cell of the other format is null, and so is a cell the report does not give
    edu = query(warehouse, """
        SELECT year, template, req_other_processing_total, req_other_other_total, a20_regulations_newly_made,
               a20_regulations_in_force, a20_centralized_procurement_amount, a20_centralized_procurement_amount_unit
        FROM report_cells_wide WHERE agency_name = '米易县教育局' ORDER BY year""").rows()
    assert edu == [(2020, "2019", 0, None, 0.0, None, 251000.0, "元"), (2021, "2021", None, 0, None, 0.0, None, None)]
    bing = query(warehouse, "SELECT rl_review_total, req_carried_over_total, req_new_received_total FROM "
                            "report_cells_wide WHERE town = '丙乡'").rows()  # fmt: skip
    assert bing == [(None, None, 0)]


# -- report_rates --------------------------------------------------------------------------------


def test_report_rates_on_known_figures(warehouse: Path) -> None:
    got = rows(warehouse, """
        SELECT agency_name, year, share_granted, review_correction_rate, litigation_direct_correction_rate,
               litigation_after_review_correction_rate, litigation_correction_rate
        FROM report_rates""")
    assert got == {
        (JIA, 2023, 3 / 6, 0.0, None, None, None),  # review 1 upheld of 1; no litigation (0 / 0)
        (JIA, 2024, 7 / 12, 2 / 4, 1.0, 0.0, 1 / 3),
        (YI, 2023, 1.0, None, None, None, None),  # review 0 / 0
        (YI, 2024, 0.0, None, None, None, None),  # none granted is 0, not null
        (BING, 2024, None, None, None, None, None),  # 上年结转 and the review table not given
        (DING, 2021, 0.5, 0.0, None, None, None),
        (DING, 2023, 1 / 7, 0.0, None, None, None),
        (EDU, 2020, 1.0, 0.0, None, None, None),
        (EDU, 2021, 0.75, 0.0, None, None, None),
    }
    inputs = query(warehouse, "SELECT granted, partially_granted, new_received, carried_over, review_corrected, "
                              "review_total, litigation_direct_total, litigation_after_review_total "
                              "FROM report_rates WHERE agency_name = '米易县甲镇人民政府' AND year = 2024").rows()  # fmt: skip
    assert inputs == [(5, 2, 10, 2, 2, 4, 1, 2)]


def test_share_granted_agrees_with_the_example_query_on_the_shared_corpus(tmp_path: Path) -> None:
    path = tmp_path / "xxgk.duckdb"
    build(path, two_year_corpus())
    example = query(path, (SQL_DIR / "examples" / "04_share_granted.sql").read_text(encoding="utf-8"))
    rates = query(path, "SELECT agency_name, year, share_granted FROM report_rates")
    assert set(example.select("agency_name", "year", "share_granted").rows()) == set(rates.rows())


def test_every_rate_has_its_definition_in_a_comment(warehouse: Path) -> None:
    comments = dict(query(warehouse, "SELECT column_name, comment FROM duckdb_columns() "
                                     "WHERE table_name = 'report_rates'").rows())  # fmt: skip
    for rate in ("share_granted", "review_correction_rate", "litigation_direct_correction_rate",
                 "litigation_after_review_correction_rate", "litigation_correction_rate"):  # fmt: skip
        text = comments[rate]
        assert text and "÷" in text and "/" in text and re.search(r"[\u4e00-\u9fff]", text), rate
    assert "requests.granted.total" in comments["share_granted"]
    assert "review.corrected" in comments["review_correction_rate"]


# -- check_findings ------------------------------------------------------------------------------


def test_check_findings_tells_inconsistent_from_not_evaluable_from_unreadable(warehouse: Path) -> None:
    got = rows(warehouse, """
        SELECT kind, agency_name, year, rule, location, expected, actual, origin, page
        FROM check_findings WHERE is_current AND kind <> 'not_evaluable'""")
    assert got == {
        ("printed_inconsistent", JIA, 2024, "requests.carryover.commercial", "commercial", 2.0, 1.0, "cross_year", 3),
        ("printed_inconsistent", JIA, 2024, "requests.carryover.total", "total", 3.0, 2.0, "cross_year", 3),
        ("printed_inconsistent", JIA, 2024, "article20.in_force.normative_documents", None, 12.0, 20.0,
         "cross_year", 2),
        ("printed_inconsistent", BING, 2024, "narrative.new_received", None, 9.0, 0.0, "record", None),
        *{("unreadable", BING, 2024, "cell_missing", f"review_litigation.review.{r}", None, None, "record", 4)
          for r in template.REVIEW_RESULTS},
    }  # fmt: skip
    not_evaluable = rows(warehouse, """
        SELECT agency_name, year, rule FROM check_findings WHERE kind = 'not_evaluable'""")
    assert not_evaluable == {
        (BING, 2024, "review_litigation.total.review"),
        (BING, 2024, "requests.balance.natural_person"), (BING, 2024, "requests.balance.total"),  # 上年结转 missing
        (YI, 2024, "article20.in_force.normative_documents"),  # 现行有效 not given
        (EDU, 2021, "article20.in_force.regulations"),  # 2020's report is in the 2019 format
        (EDU, 2021, "article20.in_force.normative_documents"),
    }  # fmt: skip
    one = query(warehouse, "SELECT source_path, difference, section FROM check_findings "
                           "WHERE rule = 'article20.in_force.normative_documents' AND kind = 'printed_inconsistent'")  # fmt: skip
    assert one.rows() == [("data/raw/jia_2024.txt", 8.0, "article20")]


# -- cross-year checks -----------------------------------------------------------------------------


def test_carryover_check_covers_every_applicant_column(warehouse: Path) -> None:
    got = query(warehouse, """
        SELECT a.name, r.year, c.column_key, c.ok, c.expected, c.actual FROM check_results c
        JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
        WHERE c.rule LIKE 'requests.carryover.%'""")
    pairs = {(name, year) for name, year, *_ in got.rows()}
    assert pairs == {(JIA, 2024), (YI, 2024), (EDU, 2021)}  # consecutive years only (not 丁镇 2021 → 2023)
    for name, year in pairs:
        columns = got.filter(pl.col("name") == name, pl.col("year") == year)["column_key"].to_list()
        assert sorted(columns) == sorted(template.REQUEST_COLUMNS), (name, year)
    failed = {(n, c, e, a) for n, _, c, ok, e, a in got.rows() if ok is False}
    assert failed == {(JIA, "commercial", 2.0, 1.0), (JIA, "total", 3.0, 2.0)}
    assert got.filter(pl.col("ok").is_null()).height == 0


def test_in_force_check_fails_once_passes_and_is_not_evaluable_where_a_figure_is_missing(warehouse: Path) -> None:
    got = rows(warehouse, """
        SELECT a.name, r.year, c.rule, c.ok, c.expected, c.actual, c.origin FROM check_results c
        JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
        WHERE c.rule LIKE 'article20.in_force.%'""")
    assert got == {
        (JIA, 2024, "article20.in_force.regulations", True, 0.0, 0.0, "cross_year"),
        (JIA, 2024, "article20.in_force.normative_documents", False, 12.0, 20.0, "cross_year"),  # 11 + 2 − 1
        (YI, 2024, "article20.in_force.regulations", True, 0.0, 0.0, "cross_year"),
        (YI, 2024, "article20.in_force.normative_documents", None, 12.0, None, "cross_year"),  # what it should be
        (EDU, 2021, "article20.in_force.regulations", None, None, 0.0, "cross_year"),
        (EDU, 2021, "article20.in_force.normative_documents", None, None, 12.0 - 3, "cross_year"),
    }
    details = dict(query(warehouse, """
        SELECT a.name || ' ' || c.rule, c.detail FROM check_results c JOIN reports r USING (report_id)
        JOIN agencies a USING (agency_id) WHERE c.rule = 'article20.in_force.normative_documents'""").rows())
    assert details[f"{YI} article20.in_force.normative_documents"] == "not evaluable: missing in_force"
    assert "2019 format" in details[f"{EDU} article20.in_force.normative_documents"]
    assert "in_force of 2023" in details[f"{JIA} article20.in_force.normative_documents"]


def test_cross_year_checks_are_recomputed_on_every_publish(tmp_path: Path) -> None:
    """Removing 甲镇 2023 removes the 2024 report's cross-year rows; bringing it back restores them."""
    corpus = views_corpus()
    path = tmp_path / "xxgk.duckdb"
    build(path, corpus, run_id="run-1")
    jia_cross = "SELECT count(*) FROM check_results c JOIN reports r USING (report_id) " \
                "WHERE c.origin = 'cross_year' AND r.source_path = 'data/raw/jia_2024.txt'"
    assert query(path, jia_cross).item() == 7 + 2
    removed = corpus[0]
    kept = corpus[1:]
    publish(Delta(frames=frames_of([]), remove={removed["report_id"]}, ledger=ledger_for(kept, "run-2"),
                  ingest_log=log_for([], "run-2"), run_id="run-2", base_run_id="run-1"), path)  # fmt: skip
    assert query(path, jia_cross).item() == 0
    assert query(path, "SELECT count(*) FROM check_findings WHERE origin = 'cross_year' AND actual <> expected "
                       "AND agency_name = '米易县甲镇人民政府'").item() == 0  # fmt: skip
    publish(Delta(frames=frames_of([removed]), ledger=ledger_for(corpus, "run-3"), ingest_log=log_for([removed], "run-3"),
                  run_id="run-3", base_run_id="run-2"), path)  # fmt: skip
    assert query(path, jia_cross).item() == 7 + 2


# -- the example queries of docs/warehouse.md on this corpus ---------------------------------------

VIEW_EXAMPLES: dict[str, tuple[list[str], set[tuple[Any, ...]]]] = {
    "06_towns_more_requests_than_last_year.sql": (
        ["town", "year", "new_requests", "prev_new_requests", "delta"],
        {("甲镇", 2024, 10, 6, 4)},  # 乙镇 fell 5 → 3; 丁镇 2023 has no 2022 to compare with
    ),
    "07_lowest_share_granted.sql": (
        ["year", "rank_lowest", "agency_name", "share_granted"],
        {(2020, 1, EDU, 1.0), (2021, 1, DING, 0.5), (2021, 2, EDU, 0.75), (2023, 1, DING, 1 / 7),
         (2023, 2, JIA, 0.5), (2023, 3, YI, 1.0), (2024, 1, YI, 0.0), (2024, 2, JIA, 7 / 12)},  # not 丙乡 (null)
    ),
    "08_lost_in_administrative_review.sql": (
        ["agency_name", "year", "review_corrected", "review_total", "review_correction_rate", "litigation_corrected",
         "litigation_correction_rate"],
        {(JIA, 2024, 2, 4, 0.5, 1, 1 / 3)},
    ),
    "09_towns_without_report_2024.sql": (["town", "agency_name", "year"], {("丁镇", DING, 2024)}),
    "10_numbers_do_not_add_up.sql": (
        ["agency_name", "year", "rule", "location", "expected", "actual", "difference", "page"],
        {(JIA, 2024, "article20.in_force.normative_documents", None, 12.0, 20.0, 8.0, 2),
         (JIA, 2024, "requests.carryover.commercial", "commercial", 2.0, 1.0, -1.0, 3),
         (JIA, 2024, "requests.carryover.total", "total", 3.0, 2.0, -1.0, 3),
         (BING, 2024, "narrative.new_received", None, 9.0, 0.0, -9.0, None)},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(VIEW_EXAMPLES))
def test_example_answers_on_this_corpus(warehouse: Path, name: str) -> None:
    columns, expected = VIEW_EXAMPLES[name]
    got = query(warehouse, (SQL_DIR / "examples" / name).read_text(encoding="utf-8")).select(columns).rows()
    assert len(got) == len(expected) and set(got) == expected, got


def test_new_examples_have_answers_here() -> None:
    """Examples 06 and later answer the issue's questions; each has a non-trivial answer above."""
    names = {p.name for p in (SQL_DIR / "examples").glob("*.sql") if int(p.name[:2]) >= 6}
    assert names == set(VIEW_EXAMPLES)


def test_coverage_counts_an_incomplete_report(tmp_path: Path) -> None:
    """A town whose only report for a year is incomplete has a report that year: the coverage
    view says has_report with status 'incomplete' and the report's table coverage; the record's
    coverage reaches reports.coverage."""
    ok = make_record(JIA, 2023, town="甲镇", new_received=3, granted=1, overrides={"coverage": 1.0})
    partial = make_record(JIA, 2024, town="甲镇", new_received=3, granted=1,
                          overrides={"status": "incomplete", "coverage": 0.25})
    path = tmp_path / "xxgk.duckdb"
    build(path, [ok, partial])
    got = rows(path, f"SELECT year, has_report, status, report_coverage FROM coverage WHERE agency_name = '{JIA}'")
    assert got == {(2023, True, "ok", 1.0), (2024, True, "incomplete", 0.25)}
    assert rows(path, "SELECT status, coverage FROM reports WHERE year = 2024") == {("incomplete", 0.25)}

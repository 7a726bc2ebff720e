"""Derived values in the analyst views: used where certain, always marked, never passed off as printed.

The shape (a real one, reproduced with made-up names and numbers): a town states it received
no requests and prints 0 in every applicant column, with every 总计 cell left blank. The
parser offers the blank totals as derived (sum of the six printed columns = 0); the long
tables keep ``value`` null and ``derived_value`` 0. Before the views used ``derived_value``
such a town read as "no data" everywhere an analyst looks.

Corpus (米易县, 2021 format):

- 戊镇 2023: printed throughout; new requests 4, granted 2, partially 1; review (1, 0, 0, 0) = 1.
- 戊镇 2024: every 总计 of the request table blank, the applicant columns printed (new
  requests 3 natural person + 1 commercial, granted 2 + 0, partially 1 + 0, the rest 0), the
  review total blank with its parts printed (0, 1, 0, 0).
- 己镇 2024: all-zero rows with blank totals (the town that received nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from factories import make_record
from test_warehouse import SQL_DIR, build, query

from pipeline import template
from pipeline.warehouse import wide_view

WU, JI = "米易县戊镇人民政府", "米易县己镇人民政府"


def _blank_totals(record: dict[str, Any], review_total_blank: bool = False) -> dict[str, Any]:
    """Blank every request-table 总计 and offer it as derived, as the parser does."""
    for row, cells in record["requests"].items():
        parts = [cells[c] for c in template.APPLICANT_COLUMNS]
        if cells.get("total") is None or any(p is None for p in parts):
            continue
        cells["total"] = None
        record["derived"][f"requests.{row}.total"] = {"value": sum(parts), "from": "sum of the applicant columns"}
    if review_total_blank:
        group = record["review_litigation"]["review"]
        record["derived"]["review_litigation.review.total"] = {"value": group["total"], "from": "sum of results"}
        group["total"] = None
    return record


def corpus() -> list[dict[str, Any]]:
    return [
        make_record(WU, 2023, town="戊镇", new_received=4, granted=2, partially_granted=1, review=(1, 0, 0, 0)),
        _blank_totals(make_record(WU, 2024, town="戊镇", new_received={"natural_person": 3, "commercial": 1},
                                  granted={"natural_person": 2}, partially_granted={"natural_person": 1},
                                  review=(0, 1, 0, 0)), review_total_blank=True),
        _blank_totals(make_record(JI, 2024, town="己镇", new_received=0, granted=0, partially_granted=0,
                                  review=(0, 0, 0, 0))),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("derived") / "xxgk.duckdb"
    build(path, corpus())
    return path


def test_the_long_tables_keep_the_blank_as_printed(warehouse: Path) -> None:
    got = query(warehouse, """
        SELECT value, derived, derived_value FROM request_cells c JOIN reports r USING (report_id)
        JOIN agencies a USING (agency_id)
        WHERE a.name = '米易县己镇人民政府' AND row_key = 'new_received' AND column_key = 'total'""").rows()
    assert got == [(None, True, 0)]


def test_report_panel_uses_the_derived_figure_and_flags_it(warehouse: Path) -> None:
    got = query(warehouse, """
        SELECT agency_name, year, new_requests, new_requests_derived, granted, granted_derived,
               total_processed, total_processed_derived, review_total, review_total_derived,
               litigation_total, litigation_total_derived
        FROM report_panel ORDER BY agency_name, year""").rows()
    assert set(got) == {
        (WU, 2023, 4, False, 2, False, 3, False, 1, False, 0, False),
        (WU, 2024, 4, True, 2, True, 3, True, 1, True, 0, False),
        (JI, 2024, 0, True, 0, True, 0, True, 0, False, 0, False),
    }


def test_yoy_requests_uses_derived_values_on_both_sides_and_flags_each(warehouse: Path) -> None:
    got = query(warehouse, """
        SELECT y.year, y.column_key, y.value, y.value_derived, y.prev_value, y.prev_value_derived, y.delta
        FROM yoy_requests y JOIN agencies a USING (agency_id)
        WHERE a.name = '米易县戊镇人民政府' AND y.row_key = 'new_received'
          AND y.column_key IN ('natural_person', 'total') ORDER BY 1, 2""").rows()
    assert got == [
        (2023, "natural_person", 4, False, None, False, None),
        (2023, "total", 4, False, None, False, None),
        (2024, "natural_person", 3, False, 4, False, -1),
        (2024, "total", 4, True, 4, False, 0),
    ]
    # the town that received nothing has its zero, marked, not "no data"
    assert query(warehouse, """
        SELECT value, value_derived FROM yoy_requests y JOIN agencies a USING (agency_id)
        WHERE a.name = '米易县己镇人民政府' AND row_key = 'new_received' AND column_key = 'total'""").rows() == [(0, True)]


def test_report_cells_wide_uses_derived_values_and_lists_them(warehouse: Path) -> None:
    got = query(warehouse, """
        SELECT year, req_new_received_total, req_new_received_natural_person, rl_review_total, derived_cells
        FROM report_cells_wide WHERE agency_name = '米易县戊镇人民政府' ORDER BY year""").rows()
    names = [c.name for c in wide_view.wide_columns() if c.table == "requests" and c.column_key == "total"]
    derived_2024 = sorted(n for n in names if n.replace("req_", "").replace("_total", "") in
                          template.rows("requests", "2021")) + ["rl_review_total"]  # fmt: skip
    assert got[0] == (2023, 4, 4, 1, [])
    assert got[1][:4] == (2024, 4, 3, 1)
    assert got[1][4] == sorted(derived_2024)
    assert "req_new_received_natural_person" not in got[1][4]  # a printed cell is never listed
    comment = query(warehouse, "SELECT comment FROM duckdb_columns() WHERE table_name = 'report_cells_wide' "
                               "AND column_name = 'derived_cells'").item()  # fmt: skip
    assert "推算" in comment


def test_report_rates_use_derived_figures_and_flag_the_rates_resting_on_them(warehouse: Path) -> None:
    got = query(warehouse, """
        SELECT agency_name, year, share_granted, share_granted_derived, review_correction_rate,
               review_correction_rate_derived, litigation_direct_correction_rate,
               litigation_direct_correction_rate_derived, derived_figures
        FROM report_rates ORDER BY agency_name, year""").rows()
    assert sorted(got, key=lambda r: (r[0] != WU, r[1])) == [
        (WU, 2023, 3 / 4, False, 0.0, False, None, False, []),
        (WU, 2024, 3 / 4, True, 1.0, True, None, False,
         ["carried_over", "granted", "new_received", "partially_granted", "review_total"]),
        # 0 / 0 is no rate, flagged or not; the review total is printed (0) here
        (JI, 2024, None, False, None, False, None, False,
         ["carried_over", "granted", "new_received", "partially_granted"]),
    ]  # fmt: skip


def test_example_queries_show_the_derived_flags(warehouse: Path) -> None:
    yoy = query(warehouse, (SQL_DIR / "examples" / "01_yoy_new_requests_per_town.sql").read_text(encoding="utf-8"))
    rows = {(r["agency_name"], r["year"]): r for r in yoy.iter_rows(named=True)}
    assert rows[(JI, 2024)]["new_requests"] == 0 and rows[(JI, 2024)]["new_requests_derived"] is True
    assert rows[(WU, 2024)]["delta"] == 0 and rows[(WU, 2024)]["prev_new_requests_derived"] is False
    share = query(warehouse, (SQL_DIR / "examples" / "04_share_granted.sql").read_text(encoding="utf-8"))
    flags = {(r["agency_name"], r["year"]): r["share_granted_derived"] for r in share.iter_rows(named=True)}
    assert flags == {(WU, 2023): False, (WU, 2024): True, (JI, 2024): False}


def test_every_derived_flag_column_has_a_chinese_comment(warehouse: Path) -> None:
    cols = query(warehouse, "SELECT table_name, column_name, comment FROM duckdb_columns() "
                            "WHERE column_name LIKE '%derived%' AND table_name IN "
                            "('report_panel', 'yoy_requests', 'report_rates', 'report_cells_wide')").rows()  # fmt: skip
    assert len(cols) >= 16
    assert all(c and "推算" in c for _, _, c in cols), [(t, n) for t, n, c in cols if not c or "推算" not in c]

"""An agency's series of crawler-text reports, 2019–2025, through the whole pipeline.

Real crawlers save an agency's yearly reports as innerText: the whole report on one line,
every table cell run together. Over such a folder ``xxgk run`` must still give the analyst's
year-over-year rows — new requests every year, with deltas — and the cross-year rule
(this year's 上年结转 = last year's 结转下年度继续办理) must hold where the reports agree.
The series crosses the change of format (2019 and 2020 in the 2019 format, 2021 on in the
2021 format). A second agency in the same folder carries over a figure one year that its
previous report did not carry forward, so the same run shows the rule failing where it must.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.run import RunSummary, run_pipeline
from pipeline.samples.render_text import render_text
from pipeline.samples.series import series_records
from pipeline.warehouse.readonly import open_read_only

pytestmark = pytest.mark.slow

YEARS = range(2019, 2026)
GOOD, BROKEN = "平潭示范区管理委员会", "闽清示范镇人民政府"  # made-up agencies
BROKEN_YEAR = 2022


def _break_carryover(rec: dict) -> str:
    """One more request carried over than the year before carried forward; the report itself
    still balances (one fewer new). Returns the column broken."""
    req = rec["requests"]
    col = next(c for c in ("natural_person", "commercial", "other") if req["new_received"][c] > 0)
    for c in (col, "total"):
        req["carried_over"][c] += 1
        req["new_received"][c] -= 1
    return col


@pytest.fixture(scope="module")
def series_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict, str, Path, RunSummary]]:
    tmp = tmp_path_factory.mktemp("series")
    raw = tmp / "raw"
    truth: dict[str, dict[int, dict]] = {}
    broken_col = ""
    for n, agency in enumerate((GOOD, BROKEN)):
        recs = series_records(20 + n, YEARS, agency)
        if agency == BROKEN:
            broken_col = _break_carryover(next(r for r in recs if r["year"] == BROKEN_YEAR))
        truth[agency] = {r["year"]: r for r in recs}
        folder = raw / f"agency{n}"
        folder.mkdir(parents=True)
        for rec in recs:  # a crawler's innerText, as a site mirror leaves it
            text = render_text(rec, "crawler", seed=rec["year"] * 10 + n)
            (folder / f"{rec['year']}.txt").write_text(text, encoding="utf-8")
    warehouse = tmp / "warehouse" / "xxgk.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DAGSTER_HOME", raising=False)
        summary = run_pipeline(raw, warehouse, progress=False)
    yield truth, broken_col, warehouse, summary


def _agency_ids(warehouse: Path) -> dict[str, str]:
    with open_read_only(warehouse) as con:
        rows = con.execute("select distinct r.agency_id, a.name from reports r join agencies a using (agency_id)"
                           ).fetchall()
    return {name: aid for aid, name in rows}


def test_every_year_of_both_formats_loads(series_run: tuple[dict, str, Path, RunSummary]) -> None:
    truth, _, warehouse, summary = series_run
    assert summary.success and summary.quarantined == []
    assert summary.loaded == 2 * len(YEARS)
    with open_read_only(warehouse) as con:
        got = con.execute("select a.name, r.year, r.template from reports r join agencies a using (agency_id)"
                          " where r.is_current").fetchall()
    assert sorted(got) == sorted((agency, y, rec["template"]) for agency, recs in truth.items()
                                 for y, rec in recs.items())


def test_yoy_new_requests_every_year_with_deltas(series_run: tuple[dict, str, Path, RunSummary]) -> None:
    truth, _, warehouse, _ = series_run
    ids = _agency_ids(warehouse)
    with open_read_only(warehouse) as con:
        for agency, recs in truth.items():
            rows = con.execute(
                "select year, column_key, value, prev_value, delta from yoy_requests"
                " where agency_id = ? and row_key = 'new_received' order by year, column_key", [ids[agency]],
            ).fetchall()
            by = {(y, c): (v, p, d) for y, c, v, p, d in rows}
            assert {y for y, _ in by} == set(YEARS), agency
            for year, rec in recs.items():
                for col, want in rec["requests"]["new_received"].items():
                    value, prev, delta = by[(year, col)]
                    assert value == want, (agency, year, col)  # read, every year, and right
                    if year == YEARS[0]:
                        assert prev is None and delta is None
                    else:
                        before = recs[year - 1]["requests"]["new_received"][col]
                        assert (prev, delta) == (before, want - before), (agency, year, col)


def test_every_yoy_cell_read_is_right(series_run: tuple[dict, str, Path, RunSummary]) -> None:
    """Any request cell the view holds is the printed figure, and so is its delta."""
    truth, _, warehouse, _ = series_run
    names = {aid: name for name, aid in _agency_ids(warehouse).items()}
    with open_read_only(warehouse) as con:
        rows = con.execute("select agency_id, year, row_key, column_key, value, prev_value, delta from yoy_requests"
                           ).fetchall()
    assert rows
    for aid, year, row, col, value, prev, delta in rows:
        recs = truth[names[aid]]
        assert value is None or value == recs[year]["requests"][row][col], (year, row, col)
        if prev is not None:
            assert prev == recs[year - 1]["requests"][row][col]
            assert delta == value - prev


def test_carryover_holds_where_the_reports_agree_and_fails_where_not(
        series_run: tuple[dict, str, Path, RunSummary]) -> None:
    truth, broken_col, warehouse, summary = series_run
    ids = _agency_ids(warehouse)
    with open_read_only(warehouse) as con:
        results = con.execute(
            "select a.name, r.year, c.column_key, c.ok from check_results c join reports r using (report_id)"
            " join agencies a using (agency_id) where c.rule like 'requests.carryover.%'").fetchall()
        mismatches = con.execute("select agency_id, year, column_key, difference from carryover_mismatches"
                                 ).fetchall()
    good = [(y, c, ok) for agency, y, c, ok in results if agency == GOOD]
    # evaluated for every year after the first, every column, and never failed
    assert {(y, c) for y, c, _ in good} == {(y, c) for y in YEARS[1:] for c in truth[GOOD][y]["requests"]["carried_over"]}
    assert all(ok is True for _, _, ok in good), [r for r in good if r[2] is not True]
    failed = {(agency, y, c) for agency, y, c, ok in results if ok is False}
    assert failed == {(BROKEN, BROKEN_YEAR, broken_col), (BROKEN, BROKEN_YEAR, "total")}
    assert sorted(mismatches) == sorted([(ids[BROKEN], BROKEN_YEAR, broken_col, 1), (ids[BROKEN], BROKEN_YEAR, "total", 1)])
    assert [c.name for c in summary.checks_failed if "carryover" in c.name]  # the run says so too

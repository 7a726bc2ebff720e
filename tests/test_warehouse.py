"""publish (full and incremental), the contract views, the example queries, and the atomicity guarantees."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from factories import ledger_for, make_record, query, table_rows, two_year_corpus

import pipeline
from pipeline import template
from pipeline.validation import empty_frames, records_to_frames, validate_frames
from pipeline.warehouse import publish as publish_mod
from pipeline.warehouse.publish import Delta, WarehouseChanged, publish, read_previous

SQL_DIR = Path(pipeline.__file__).parents[1] / "sql"
CONTRACT_TABLES = {
    "agencies": {"agency_id", "name", "province", "city", "county", "town", "level"},
    "reports": {"report_id", "agency_id", "year", "template", "published_on", "status", "source_path", "sha256",
                "is_current"},
    "request_cells": {"report_id", "row_key", "column_key", "value", "derived"},
    "article20_cells": {"report_id", "item_key", "measure_key", "value"},
    "review_litigation_cells": {"report_id", "proceeding_key", "result_key", "value"},
    "active_disclosure": {"report_id", "category", "count"},
    "check_results": {"report_id", "rule", "ok", "expected", "actual", "detail"},
    "ingest_log": {"path", "sha256", "run_id", "outcome", "reason", "at"},
    "dictionary": {"table", "row_key", "column_key", "zh_label", "sort_order"},
    "raw_files": {"path", "size", "mtime", "sha256", "parser_version", "report_id", "state", "reason"},
    "warehouse_meta": {"key", "value"},
}  # fmt: skip
CONTRACT_VIEWS = {
    "yoy_requests": {"agency_id", "year", "row_key", "column_key", "value", "prev_value", "delta", "pct_change"},
    "yoy_active_disclosure": {"agency_id", "year", "category", "count", "prev_count", "delta", "pct_change"},
    "carryover_mismatches": {"agency_id", "year", "column_key", "prev_carried_forward", "carried_over"},
    "report_panel": {"agency_id", "year", "new_requests", "granted", "total_processed", "review_total",
                     "litigation_total", "proactive_disclosures"},
}  # fmt: skip


def log_for(records: list[dict[str, Any]], run_id: str, outcome: str = "loaded") -> pl.DataFrame:
    return pl.DataFrame({
        "path": [r["source"]["path"] for r in records],
        "sha256": [r["source"]["sha256"] for r in records],
        "run_id": run_id, "outcome": outcome, "reason": None,
        "at": dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC),
    })  # fmt: skip


def frames_of(records: list[dict[str, Any]]) -> dict[str, pl.DataFrame]:
    result = validate_frames(records_to_frames(records))
    assert result.quarantined == {}
    return result.frames


def build(path: Path, records: list[dict[str, Any]], run_id: str = "run-1") -> publish_mod.PublishResult:
    """A full build from these records (what a first run, or a run after a parser change, does)."""
    delta = Delta(frames=frames_of(records), ledger=ledger_for(records, run_id),
                  ingest_log=log_for(records, run_id), run_id=run_id, full=True)  # fmt: skip
    return publish(delta, path)


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse" / "xxgk.duckdb"
    build(path, two_year_corpus())
    return path


def test_publish_creates_every_contract_table_and_view(warehouse: Path) -> None:
    columns = query(
        warehouse, "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
    )
    by_name: dict[str, set[str]] = {}
    for name, column in columns.iter_rows():
        by_name.setdefault(name, set()).add(column)
    for name, required in {**CONTRACT_TABLES, **CONTRACT_VIEWS}.items():
        assert required <= by_name.get(name, set()), (name, required - by_name.get(name, set()))
    views = set(query(warehouse, "SELECT view_name FROM duckdb_views() WHERE NOT internal")["view_name"])
    assert set(CONTRACT_VIEWS) <= views
    left = [p for p in warehouse.parent.iterdir() if p.suffix != ".lock"]
    assert left == [warehouse]  # no building file left behind

    dictionary = query(warehouse, 'SELECT "table", template, row_key, column_key, zh_label FROM dictionary')
    assert dictionary.height == len(template.all_keys())
    label = dictionary.filter(pl.col("row_key") == "carried_forward", pl.col("column_key") == "total")
    assert label["zh_label"].to_list() == ["四、结转下年度继续办理｜总计"] * 2
    comment = query(warehouse, "SELECT comment FROM duckdb_tables() WHERE table_name = 'request_cells'")
    assert "一格一行" in comment.item()


def test_tables_hold_exact_values_with_nulls_and_large_numbers(warehouse: Path) -> None:
    counts = query(
        warehouse,
        "SELECT (SELECT count(*) FROM reports) r, (SELECT count(*) FROM agencies) a, "
        "(SELECT count(*) FROM request_cells) c, (SELECT count(*) FROM raw_files) rr",
    )
    assert counts.row(0) == (7, 4, 7 * 175, 7)
    big = query(
        warehouse,
        """
        SELECT c.value FROM request_cells c JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
        WHERE a.town = '撒莲镇' AND c.row_key = 'new_received' AND c.column_key = 'total'""",
    )
    assert big["value"].to_list() == [3_000_000_000]
    review = query(
        warehouse,
        """
        SELECT c.value FROM review_litigation_cells c JOIN reports r USING (report_id)
        JOIN agencies a USING (agency_id) WHERE a.town = '撒莲镇' AND c.proceeding_key = 'review'""",
    )
    assert review["value"].to_list() == [None] * 5
    panel = query(warehouse, "SELECT year, review_total, litigation_total, proactive_disclosures FROM report_panel "
                             "WHERE town = '撒莲镇'")  # fmt: skip
    assert panel.rows() == [(2024, None, 0, None)]


def test_yoy_and_carryover_views_give_known_answers(warehouse: Path) -> None:
    yoy = query(
        warehouse,
        """
        SELECT a.town, y.year, y.value, y.prev_value, y.delta, y.pct_change
        FROM yoy_requests y JOIN agencies a USING (agency_id)
        WHERE y.row_key = 'new_received' AND y.column_key = 'total' AND a.level = 'town' ORDER BY a.town, y.year""",
    )
    assert set(yoy.rows()) == {
        ("丙谷镇", 2023, 4, None, None, None), ("丙谷镇", 2024, 6, 4, 2, 0.5),  # not the superseded 100
        ("草场镇", 2023, 0, None, None, None), ("草场镇", 2024, 2, 0, 2, None),  # prev 0: no pct_change
        ("撒莲镇", 2024, 3_000_000_000, None, None, None),
    }  # fmt: skip
    assert query(warehouse, "SELECT count(*) n FROM yoy_requests").item() == 6 * 175

    mismatches = query(warehouse, "SELECT year, column_key, prev_carried_forward, carried_over FROM "
                                  "carryover_mismatches ORDER BY column_key")  # fmt: skip
    assert mismatches.rows() == [(2024, "natural_person", 3, 2), (2024, "total", 3, 2)]

    cross = query(warehouse, "SELECT rule, column_key, ok, expected, actual FROM check_results "
                             "WHERE origin = 'cross_year' AND rule LIKE 'requests.carryover.%'")  # fmt: skip
    assert cross.height == 14  # 丙谷镇 and 草场镇, 7 columns each
    assert ("requests.carryover.total", "total", False, 3.0, 2.0) in cross.rows()
    assert cross["ok"].sum() == 12

    disclosure = query(
        warehouse,
        """
        SELECT a.town, d.year, d.count, d.prev_count, d.delta, d.pct_change FROM yoy_active_disclosure d
        JOIN agencies a USING (agency_id) WHERE d.category = 'total'""",
    )
    assert set(disclosure.rows()) >= {("丙谷镇", 2024, 50, 40, 10, 0.25), ("草场镇", 2024, 5, 0, 5, None)}


EXAMPLES: dict[str, tuple[list[str], set[tuple[Any, ...]]]] = {
    "01_yoy_new_requests_per_town.sql": (
        ["town", "year", "new_requests", "prev_new_requests", "delta", "pct_change"],
        {("丙谷镇", 2023, 4, None, None, None), ("丙谷镇", 2024, 6, 4, 2, 0.5), ("草场镇", 2023, 0, None, None, None),
         ("草场镇", 2024, 2, 0, 2, None), ("撒莲镇", 2024, 3_000_000_000, None, None, None)},
    ),
    "02_carryover_mismatch_towns.sql": (
        ["town", "year", "column_key", "prev_carried_forward", "carried_over", "difference", "source_path"],
        {("丙谷镇", 2024, "natural_person", 3, 2, -1, "data/raw/bingu_2024.txt"),
         ("丙谷镇", 2024, "total", 3, 2, -1, "data/raw/bingu_2024.txt")},
    ),
    "03_failed_format_checks.sql": (
        ["agency_name", "year", "rule", "expected", "actual", "origin"],
        {("米易县教育局", 2024, "requests.balance.natural_person", 1.0, 6.0, "record"),
         ("米易县教育局", 2024, "requests.balance.total", 1.0, 6.0, "record"),
         ("米易县丙谷镇人民政府", 2024, "requests.carryover.natural_person", 3.0, 2.0, "cross_year"),
         ("米易县丙谷镇人民政府", 2024, "requests.carryover.total", 3.0, 2.0, "cross_year")},
    ),
    "04_share_granted.sql": (
        ["agency_name", "year", "share_granted"],
        {("米易县丙谷镇人民政府", 2023, 0.25), ("米易县丙谷镇人民政府", 2024, 0.5), ("米易县草场镇人民政府", 2023, None),
         ("米易县草场镇人民政府", 2024, 1.0), ("米易县撒莲镇人民政府", 2024, 4 / 3_000_000_000),
         ("米易县教育局", 2024, 1.0)},
    ),
    "05_proactive_disclosures_per_town.sql": (
        ["town", "year", "proactive_disclosures", "prev_proactive_disclosures", "delta", "pct_change"],
        {("丙谷镇", 2023, 40, None, None, None), ("丙谷镇", 2024, 50, 40, 10, 0.25),
         ("草场镇", 2023, 0, None, None, None), ("草场镇", 2024, 5, 0, 5, None)},
    ),
    "06_towns_more_requests_than_last_year.sql": (
        ["town", "year", "new_requests", "prev_new_requests", "delta"],
        {("丙谷镇", 2024, 6, 4, 2), ("草场镇", 2024, 2, 0, 2)},  # 撒莲镇 has no 2023: not known to be more
    ),
    "07_lowest_share_granted.sql": (
        ["year", "rank_lowest", "agency_name", "share_granted"],
        {(2023, 1, "米易县丙谷镇人民政府", 0.25), (2024, 1, "米易县撒莲镇人民政府", 4 / 3_000_000_000),
         (2024, 2, "米易县丙谷镇人民政府", 0.5), (2024, 3, "米易县教育局", 1.0), (2024, 3, "米易县草场镇人民政府", 1.0)},
    ),
    "08_lost_in_administrative_review.sql": (["agency_name"], set()),  # no 结果纠正 here; see tests/test_views.py
    "09_towns_without_report_2024.sql": (["town"], set()),  # every town here has 2024; see tests/test_views.py
    "10_numbers_do_not_add_up.sql": (
        ["agency_name", "year", "rule", "expected", "actual", "origin", "page"],
        {("米易县教育局", 2024, "requests.balance.natural_person", 1.0, 6.0, "record", 3),
         ("米易县教育局", 2024, "requests.balance.total", 1.0, 6.0, "record", 3),
         ("米易县丙谷镇人民政府", 2024, "requests.carryover.natural_person", 3.0, 2.0, "cross_year", 3),
         ("米易县丙谷镇人民政府", 2024, "requests.carryover.total", 3.0, 2.0, "cross_year", 3)},
    ),
}  # fmt: skip


def test_every_example_query_has_a_title_and_an_expected_answer() -> None:
    files = sorted(p.name for p in (SQL_DIR / "examples").glob("*.sql"))
    assert files == sorted(EXAMPLES)
    for name in files:
        first = (SQL_DIR / "examples" / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("-- title: ") and len(first) > len("-- title: ") + 10


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_query_returns_expected_rows(warehouse: Path, name: str) -> None:
    columns, expected = EXAMPLES[name]
    result = query(warehouse, (SQL_DIR / "examples" / name).read_text(encoding="utf-8"))
    got = result.select(columns).rows()
    assert len(got) == len(expected) and set(got) == expected, got


def test_incremental_delta_equals_a_full_build_and_appends_the_log(tmp_path: Path) -> None:
    corpus = two_year_corpus()
    first, later = corpus[:5], corpus[5:]
    path = tmp_path / "inc" / "xxgk.duckdb"
    assert not read_previous(path).usable and read_previous(path).reason == "no warehouse yet"
    build(path, first, run_id="run-1")
    previous = read_previous(path)
    assert previous.usable and previous.last_run_id == "run-1" and previous.ledger.height == 5

    # run-2 removes the first report, re-reads the second (same id: replaced, not doubled), adds the rest
    removed, reread = first[0], first[1]
    kept = first[1:]
    delta = Delta(
        frames=frames_of([reread, *later]), remove={removed["report_id"]},
        ledger=ledger_for(kept + later, "run-2"), ingest_log=log_for([reread, *later], "run-2"),
        run_id="run-2", base_run_id="run-1",
    )  # fmt: skip
    result = publish(delta, path)
    assert not result.full and result.tables["reports"] == 6

    fresh = tmp_path / "full" / "xxgk.duckdb"
    build(fresh, kept + later, run_id="run-2")
    assert table_rows(path) == table_rows(fresh)  # incremental == from scratch, views' inputs included
    log = query(path, "SELECT run_id FROM ingest_log ORDER BY run_id")["run_id"].to_list()
    assert log == ["run-1"] * 5 + ["run-2"] * 3
    assert query(path, "SELECT value FROM warehouse_meta WHERE key = 'last_run_id'").item() == "run-2"


def test_a_delta_planned_against_another_run_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxgk.duckdb"
    corpus = two_year_corpus()
    build(path, corpus[:2], run_id="run-1")
    before = path.read_bytes()
    stale = Delta(frames=frames_of(corpus[2:3]), ledger=ledger_for(corpus[:3], "run-3"), run_id="run-3",
                  base_run_id="run-0")  # fmt: skip
    with pytest.raises(WarehouseChanged, match="published by run run-1"):
        publish(stale, path)
    assert path.read_bytes() == before


def test_versions_of_one_agency_year_are_ordered_by_signature_date_then_file_time(tmp_path: Path) -> None:
    first = make_record(path="data/raw/a_first.txt", published_on="2025-01-10")
    corrected = make_record(path="data/raw/z_corrected.txt", published_on="2025-02-01")
    undated = make_record(path="data/raw/m_undated.txt", published_on=None)
    records = [corrected, first, undated]  # ledger mtimes: corrected oldest, undated newest
    path = tmp_path / "xxgk.duckdb"
    build(path, records)
    rows = query(path, "SELECT source_path, version, is_current FROM reports ORDER BY version").rows()
    assert rows == [
        ("data/raw/m_undated.txt", 1, False),  # no signature date sorts first, whatever its file time
        ("data/raw/a_first.txt", 2, False),
        ("data/raw/z_corrected.txt", 3, True),
    ]
    same_day = [make_record(path=f"data/raw/{n}.txt", published_on="2025-01-10") for n in "ba"]
    build(path, same_day)  # same signature date: the later file time wins (b is listed first: older)
    assert query(path, "SELECT source_path FROM reports WHERE is_current").item() == "data/raw/a.txt"


def test_empty_publish_still_has_every_table_and_view(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    result = publish(Delta(frames=empty_frames(), ingest_log=publish_mod.empty_ingest_log(), full=True), path)
    assert set(CONTRACT_TABLES) <= set(result.tables) and set(CONTRACT_VIEWS) <= set(result.views)
    assert result.tables["reports"] == 0 and result.cross_year_checks == 0
    assert query(path, "SELECT count(*) FROM report_panel").item() == 0


@pytest.mark.parametrize("failing", ["_run_sql_dir", "_fsync"])
def test_failure_mid_publish_leaves_the_old_warehouse_byte_identical(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    before = warehouse.read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(publish_mod, failing, boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(warehouse, two_year_corpus()[:2], run_id="run-2")
    assert warehouse.read_bytes() == before
    assert sorted(p.name for p in warehouse.parent.iterdir() if p.suffix != ".lock") == [warehouse.name]
    assert query(warehouse, "SELECT count(*) FROM reports").item() == 7
    assert query(warehouse, "SELECT DISTINCT run_id FROM ingest_log")["run_id"].to_list() == ["run-1"]


def test_a_damaged_previous_warehouse_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "xxgk.duckdb"
    path.write_bytes(b"not a duckdb file at all" * 100)
    previous = read_previous(path)
    assert not previous.usable and "cannot read" in str(previous.reason)
    result = build(path, two_year_corpus()[:1])
    assert len(result.warnings) == 1 and "unreadable" in result.warnings[0]
    assert query(path, "SELECT count(*) FROM ingest_log").item() == 1


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
    print(con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
    sys.stdin.readline()
    print(con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
    print(con.execute("SELECT count(*) FROM yoy_requests").fetchone()[0], flush=True)
""")


@pytest.mark.parametrize("mode", ["ro", "rw"])
def test_reader_holding_the_old_file_neither_blocks_publish_nor_breaks(warehouse: Path, mode: str) -> None:
    """An analyst's open session (read-only, or the DuckDB CLI's default read-write) must not fail a run."""
    env = {**os.environ, "PYTHONPATH": str(SQL_DIR.parent)}
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), mode], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "7"
        result = build(warehouse, two_year_corpus()[:2], run_id="run-2")
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    assert out.split() == ["7", str(6 * 175)]  # the reader still sees the old warehouse, whole
    assert result.tables["reports"] == 2
    assert query(warehouse, "SELECT count(*) FROM reports").item() == 2
    assert query(warehouse, "SELECT run_id FROM ingest_log ORDER BY run_id")["run_id"].to_list() == (
        ["run-1"] * 7 + ["run-2"] * 2
    )

"""publish / load_previous, the contract views, the example queries, and the atomicity guarantees."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from factories import make_record, two_year_corpus

import pipeline
from pipeline import template
from pipeline.validation import empty_frames, records_to_frames, validate_frames
from pipeline.warehouse import publish as publish_mod
from pipeline.warehouse.publish import load_previous, publish

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
    "report_records": {"sha256", "parser_version", "path", "record_json"},
}  # fmt: skip
CONTRACT_VIEWS = {
    "yoy_requests": {"agency_id", "year", "row_key", "column_key", "value", "prev_value", "delta", "pct_change"},
    "yoy_active_disclosure": {"agency_id", "year", "category", "count", "prev_count", "delta", "pct_change"},
    "carryover_mismatches": {"agency_id", "year", "column_key", "prev_carried_forward", "carried_over"},
    "report_panel": {"agency_id", "year", "new_requests", "granted", "total_processed", "review_total",
                     "litigation_total", "proactive_disclosures"},
}  # fmt: skip


def query(path: Path, sql: str) -> pl.DataFrame:
    """Open, read, close: a lingering connection in this process would pin the old file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def log_for(records: list[dict[str, Any]], run_id: str, outcome: str = "loaded") -> pl.DataFrame:
    return pl.DataFrame({
        "path": [r["source"]["path"] for r in records],
        "sha256": [r["source"]["sha256"] for r in records],
        "run_id": run_id, "outcome": outcome, "reason": None,
        "at": dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC),
    })  # fmt: skip


def build(path: Path, records: list[dict[str, Any]], run_id: str = "run-1") -> publish_mod.PublishResult:
    result = validate_frames(records_to_frames(records))
    assert result.quarantined == {}
    return publish(result.frames, log_for(records, run_id), path, records)


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
    assert list(warehouse.parent.iterdir()) == [warehouse]  # no building file left behind

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
        "(SELECT count(*) FROM request_cells) c, (SELECT count(*) FROM report_records) rr",
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
                             "WHERE origin = 'cross_year'")  # fmt: skip
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


def test_load_previous_round_trips_records_and_appends_the_log(tmp_path: Path) -> None:
    path = tmp_path / "xxgk.duckdb"
    nothing, empty_log = load_previous(path)
    assert nothing == {} and empty_log.height == 0 and not path.exists()
    assert empty_log.columns == ["path", "sha256", "run_id", "outcome", "reason", "at"]

    good = make_record(path="data/raw/good.txt")
    junk = {"source": {"path": "data/raw/junk.txt", "sha256": "ab" * 32, "format": "txt"},
            "parser_version": pipeline.PARSER_VERSION, "status": "not_a_report"}  # fmt: skip
    stale = make_record(year=2023, path="data/raw/stale.txt", overrides={"parser_version": "0"})
    records = [good, junk, stale]
    frames = validate_frames(records_to_frames(records)).frames
    log = pl.concat([log_for([good, stale], "run-1"), log_for([junk], "run-1", "quarantined")])
    publish(frames, log, path, records)

    cached, previous_log = load_previous(path)
    assert set(cached) == {
        good["source"]["sha256"],
        junk["source"]["sha256"],
    }  # stale parser_version excluded
    assert cached[good["source"]["sha256"]] == good
    assert previous_log.height == 3 and previous_log["at"].to_list()[0] == dt.datetime(2025, 3, 1, 8, 0)
    outcome = query(path, "SELECT outcome FROM report_records WHERE path = 'data/raw/junk.txt'")
    assert outcome.item() == "quarantined"

    publish(frames, log_for([good], "run-2", "unchanged"), path, records=None)  # report_records carried over
    cached_again, log_again = load_previous(path)
    assert cached_again == cached
    assert log_again["run_id"].to_list() == ["run-1", "run-1", "run-1", "run-2"]


def test_empty_publish_still_has_every_table_and_view(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    result = publish(empty_frames(), publish_mod.empty_ingest_log(), path)
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
    assert sorted(p.name for p in warehouse.parent.iterdir()) == [warehouse.name]
    assert query(warehouse, "SELECT count(*) FROM reports").item() == 7
    assert query(warehouse, "SELECT DISTINCT run_id FROM ingest_log")["run_id"].to_list() == ["run-1"]


def test_a_damaged_previous_warehouse_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "xxgk.duckdb"
    path.write_bytes(b"not a duckdb file at all" * 100)
    with pytest.raises(duckdb.Error):
        load_previous(path)
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

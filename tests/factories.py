"""Build complete, valid report records in tests, shaped like docs/record-example.json.

``make_record`` gives a record that passes every format check unless told otherwise, so a
test changes only the numbers it is about (``overrides`` sets any dotted path, including to
``None`` for a cell the report does not give).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

import pipeline
from pipeline import PARSER_VERSION, template

RowSpec = int | None | Mapping[str, int | None]
"""A request row: an int for the natural_person column (others 0), or a dict per column."""

OUTCOME_ROWS_2021 = template.rows("requests", "2021")[2:-2]
OUTCOME_ROWS_2019 = template.rows("requests", "2019")[2:-2]


def _row(spec: RowSpec) -> dict[str, int | None]:
    """Seven columns; ``total`` is the sum of the six applicant columns (null if any is null)."""
    if isinstance(spec, Mapping):
        cells = {c: spec.get(c, 0) for c in template.APPLICANT_COLUMNS}
    else:
        cells = {c: 0 for c in template.APPLICANT_COLUMNS}
        cells["natural_person"] = spec
    values = list(cells.values())
    cells["total"] = None if None in values else sum(values)  # type: ignore[arg-type]
    return cells


def _sum(rows: list[dict[str, int | None]], column: str) -> int | None:
    values = [r[column] for r in rows]
    return None if None in values else sum(values)  # type: ignore[arg-type]


def set_path(record: dict[str, Any], dotted: str, value: Any) -> None:
    """``set_path(r, "requests.new_received.total", None)``: create intermediate dicts as needed."""
    *parents, leaf = dotted.split(".")
    node = record
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def fake_sha256(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()


def _article20(tpl: str, year: int) -> dict[str, dict[str, float | int | None]]:
    """Section 二's cells; 现行有效件数 grows by 制发 − 废止 each year, so consecutive years agree."""
    if tpl == "2021":
        return {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 2, "repealed": 1, "in_force": 12 + (year - 2024)},
            "administrative_licensing": {"decisions": 120},
            "administrative_penalty": {"decisions": 7},
            "administrative_coercion": {"decisions": 0},
            "administrative_fees": {"amount_10k_yuan": 1.25},
        }
    return {
        "regulations": {"newly_made": 0, "newly_published": 0, "total_published": 0},
        "normative_documents": {"newly_made": 1, "newly_published": 1, "total_published": 9},
        "administrative_licensing": {"prior_year_items": 30, "change": -2, "decisions": 88},
        "other_external_services": {"prior_year_items": 4, "change": 0, "decisions": 3},
        "administrative_penalty": {"prior_year_items": 10, "change": 1, "decisions": 5},
        "administrative_coercion": {"prior_year_items": 0, "change": 0, "decisions": 0},
        "administrative_fees": {"prior_year_items": 0, "change": 0},
        "centralized_procurement": {"projects": 3, "amount": 251000},
    }


def make_record(
    agency: str | None = "米易县丙谷镇人民政府",
    year: int | None = 2024,
    *,
    province: str | None = "四川省",
    city: str | None = "攀枝花市",
    county: str | None = "米易县",
    town: str | None = "丙谷镇",
    tpl: str | None = "2021",
    new_received: RowSpec = 5,
    carried_over: RowSpec = 0,
    granted: RowSpec = 3,
    partially_granted: RowSpec = 1,
    carried_forward: RowSpec | None = None,
    review: tuple[int | None, int | None, int | None, int | None] = (1, 0, 0, 0),
    litigation_direct: tuple[int | None, int | None, int | None, int | None] = (0, 0, 0, 0),
    litigation_after_review: tuple[int | None, int | None, int | None, int | None] = (0, 0, 0, 0),
    active_total: int | None = 50,
    by_category: Mapping[str, int | None] | None = None,
    published_on: str | None = "default",
    path: str | None = None,
    status: str = "ok",
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A complete record for one agency and year; ``carried_forward`` defaults to what balances."""
    tpl_key = tpl or "2021"
    rows = {r: _row(0) for r in template.rows("requests", tpl_key)}
    rows["new_received"] = _row(new_received)
    rows["carried_over"] = _row(carried_over)
    rows["granted"] = _row(granted)
    rows["partially_granted"] = _row(partially_granted)
    outcomes = OUTCOME_ROWS_2021 if tpl_key == "2021" else OUTCOME_ROWS_2019
    processed = {c: _sum([rows[r] for r in outcomes], c) for c in template.REQUEST_COLUMNS}
    rows["total_processed"] = processed
    if carried_forward is None:
        incoming = {
            c: _sum([rows["new_received"], rows["carried_over"]], c) for c in template.REQUEST_COLUMNS
        }
        rows["carried_forward"] = {
            c: None if incoming[c] is None or processed[c] is None else incoming[c] - processed[c]
            for c in template.REQUEST_COLUMNS
        }
    else:
        rows["carried_forward"] = _row(carried_forward)

    def group(values: tuple[int | None, ...]) -> dict[str, int | None]:
        cells = dict(zip(("upheld", "corrected", "other", "pending"), values, strict=True))
        cells["total"] = None if None in values else sum(values)  # type: ignore[arg-type]
        return cells

    path = path or f"data/raw/{agency or 'unknown'}_{year}.txt"
    sha = fake_sha256(path, agency, year)
    categories = dict(by_category) if by_category is not None else (
        {"工作动态": active_total - 13, "通知公告": 13} if active_total and active_total >= 13 else {}
    )  # fmt: skip
    record: dict[str, Any] = {
        "source": {"path": path, "sha256": sha, "format": "txt", "size": 9526},
        "parser_version": PARSER_VERSION,
        "report_id": sha[:16],
        "status": status,
        "template": tpl,
        "year": year,
        "agency": agency,
        "region": {"province": province, "city": city, "county": county, "town": town},
        "published_on": f"{(year or 2024) + 1}-01-15" if published_on == "default" else published_on,
        "active_disclosure": {"total": active_total, "by_category": categories},
        "article20": _article20(tpl_key, year or 2024),
        "units": {"centralized_procurement.amount": "元"} if tpl_key == "2019" else {},
        "requests": rows,
        "review_litigation": {
            "review": group(review),
            "litigation_direct": group(litigation_direct),
            "litigation_after_review": group(litigation_after_review),
        },
        "derived": {},
        "cell_methods": {},
        "table_pages": {"article20": 2, "requests": 3, "review_litigation": 4},
        "checks": _balance_checks(rows),
        "issues": [],
    }
    for dotted, value in (overrides or {}).items():
        set_path(record, dotted, copy.deepcopy(value))
    return record


def _balance_checks(rows: Mapping[str, Mapping[str, int | None]]) -> list[dict[str, Any]]:
    """The per-column balance check as a parser would report it (ok null when not evaluable)."""
    checks = []
    for column in template.REQUEST_COLUMNS:
        left = _sum([dict(rows["new_received"]), dict(rows["carried_over"])], column)
        right = _sum([dict(rows["total_processed"]), dict(rows["carried_forward"])], column)
        ok = None if left is None or right is None else left == right
        checks.append({
            "rule": f"requests.balance.{column}", "ok": ok, "expected": left, "actual": right,
            "detail": "new_received + carried_over = total_processed + carried_forward",
        })  # fmt: skip
    return checks


def two_year_corpus() -> list[dict[str, Any]]:
    """Three towns and a department over 2023–2024, with answers the warehouse tests know by heart.

    - 丙谷镇: 2023 carried_forward 3, 2024 carried_over 2 (a carry-over mismatch); new requests
      4 → 6; proactive disclosures 40 → 50. A superseded 2024 version (published earlier, new
      requests 100) must never reach the yoy views.
    - 草场镇: 2023 all zero (share granted has a zero denominator); 2024 new requests 2, all
      granted; proactive disclosures 0 → 5 (pct_change null).
    - 撒莲镇: 2024 only; 3,000,000,000 new requests (beyond Int32), the review table not given
      (nulls), no proactive-disclosure figure.
    - 米易县教育局: 2024, carried_forward printed as 5 where the balance needs 1.
    """
    return [
        make_record("米易县丙谷镇人民政府", 2023, town="丙谷镇", new_received=4, granted=1, partially_granted=0,
                    active_total=40),
        make_record("米易县丙谷镇人民政府", 2024, town="丙谷镇", new_received=6, carried_over=2, granted=3,
                    partially_granted=1, active_total=50, path="data/raw/bingu_2024.txt"),
        make_record("米易县丙谷镇人民政府", 2024, town="丙谷镇", new_received=100, carried_over=2, granted=3,
                    partially_granted=1, active_total=50, published_on="2025-01-10",
                    path="data/raw/bingu_2024_first.txt"),
        make_record("米易县草场镇人民政府", 2023, town="草场镇", new_received=0, granted=0, partially_granted=0,
                    review=(0, 0, 0, 0), active_total=0),
        make_record("米易县草场镇人民政府", 2024, town="草场镇", new_received=2, granted=2, partially_granted=0,
                    review=(0, 0, 0, 0), active_total=5, by_category={"工作动态": 5}),
        make_record("米易县撒莲镇人民政府", 2024, town="撒莲镇", new_received=3_000_000_000, granted=3,
                    partially_granted=1, review=(None, None, None, None), active_total=None),
        make_record("米易县教育局", 2024, town=None, new_received=1, granted=1, partially_granted=0,
                    carried_forward=5),
    ]  # fmt: skip


# --- reading and feeding a built warehouse ------------------------------------------------------

RUN_SCOPED = ("ingest_log", "raw_files", "warehouse_meta")
"""Tables that differ between two runs over the same files (run ids, times)."""


def query(path: Path, sql: str) -> pl.DataFrame:
    """Open, read, close: a lingering connection in this process would pin the old file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def table_rows(path: Path, exclude: tuple[str, ...] = RUN_SCOPED) -> dict[str, list[tuple]]:
    """Every table's rows, sorted: what "the same warehouse" means (row order is not a contract)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names if n not in exclude}
    finally:
        con.close()


def ledger_for(records: list[dict[str, Any]], run_id: str) -> pl.DataFrame:
    """The raw_files rows of these records' files, each filed as a report, mtimes one second apart."""
    from pipeline.ledger.plan import LEDGER_SCHEMA

    return pl.DataFrame({
        "path": [r["source"]["path"] for r in records],
        "sha256": [r["source"]["sha256"] for r in records],
        "report_id": [r["report_id"] for r in records],
        "mtime": [dt.datetime(2025, 3, 1, 8, 0, i) for i in range(len(records))],
        "state": "report", "parser_version": pipeline.PARSER_VERSION, "run_id": run_id,
    }).cast({c: t for c, t in LEDGER_SCHEMA.items() if c in ("mtime",)})  # fmt: skip

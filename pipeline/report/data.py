"""What the HTML report shows, read from the warehouse: figures per agency, county and year,
the coverage grid, and the failed checks with where to look in the source file.

Everything is computed by DuckDB from the contract tables (reports, agencies,
request_cells, review_litigation_cells, check_results). Views other engineers are adding
(``coverage``, ``check_findings``) are used when the warehouse has them and skipped with a
note when it does not, so a report can be built from any warehouse version.

Nulls stay nulls: a figure the report does not give is not drawn (never as 0), a group of
outcome rows (不予公开 …) is null when any row in it is null, and a county's sum says how
many of its reports gave the figure.

A figure the report left blank but its row's printed cells fix with certainty (the long
tables' ``derived_value``: a lost 总计) is drawn, marked: the chart data carries, per figure
and year, whether it is derived (an agency) or how many of the summed reports' figures are
(a county), and the page hatches those bars and says so in the legend and on hover.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipeline.warehouse.readonly import open_read_only

UNKNOWN_COUNTY = "（县区未知）"

REQUEST_SERIES = (("new_received", "本年新收申请"), ("carried_over", "上年结转申请"))
OUTCOME_SERIES = (
    ("granted", "予以公开"),
    ("partially_granted", "部分公开"),
    ("denied", "不予公开"),
    ("unavailable", "无法提供"),
    ("not_processed", "不予处理"),
    ("other", "其他处理"),
)
REVIEW_SERIES = (
    ("review_total", "行政复议 总计"),
    ("review_corrected", "行政复议 结果纠正"),
    ("litigation_total", "行政诉讼 总计"),
    ("litigation_corrected", "行政诉讼 结果纠正"),
)
SERIES = REQUEST_SERIES + OUTCOME_SERIES + REVIEW_SERIES

OUTCOME_GROUPS = ("denied", "unavailable", "not_processed", "other")
"""Outcome rows summed by prefix (``denied_state_secret`` … → 不予公开), in the 总计 column."""

RULE_NAMES = {
    "requests.balance": "收支平衡：新收 + 上年结转 = 办理总计 + 结转下年度",
    "requests.outcomes": "办理结果各项之和 = 总计",
    "requests.applicants": "各类申请人之和 = 总计",
    "review_litigation.total": "复议、诉讼各结果之和 = 总计",
    "requests.carryover": "跨年结转：本年“上年结转” = 上年“结转下年度”",
}
PAGE_COLUMNS = {
    "requests.": "page_requests",
    "review_litigation.": "page_review_litigation",
    "article20.": "page_article20",
}
"""Which table a rule is about, so a failed check links to the page that table starts on."""

PROCEEDINGS = {
    "review": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_review": "复议后起诉",
}
MAX_FINDINGS = 2000
"""Rows of the ``check_findings`` view shown; the rest are counted, and are in the exports."""


@dataclass
class CoverageRow:
    agency_id: str
    name: str
    cells: list[bool]
    """One per year of ``ReportData.years``: has a current report or not."""
    incomplete: list[bool] = field(default_factory=list)
    """One per year: the current report is ``incomplete`` (tables lost, copy cut short). It still
    counts as a report: such a town is not missing for that year."""

    @property
    def missing(self) -> int:
        return sum(not c for c in self.cells)


@dataclass
class CoverageCounty:
    county: str
    rows: list[CoverageRow]

    @property
    def missing(self) -> int:
        return sum(r.missing for r in self.rows)


@dataclass
class FailedCheck:
    county: str
    agency: str
    agency_id: str
    year: int | None
    rule: str
    rule_name: str
    column: str
    expected: float | None
    actual: float | None
    detail: str
    source_path: str
    href: str | None
    page: int | None
    is_current: bool


FINDING_KINDS = {
    "printed_inconsistent": "数字不符",
    "not_evaluable": "无法校验",
    "unreadable": "未能读出",
}
ISSUE_CODES = {
    "cell_missing": "缺格",
    "row_missing": "缺行",
    "ambiguous_split": "数字粘连，无法唯一拆分",
    "stacked_values": "一格内上下两个数",
    "value_unreadable": "数值无法识别",
}
DETAIL_CHARS = 80
"""Characters of a finding's detail shown in its cell (the whole text is its tooltip): a long
detail made every row several lines tall."""


@dataclass
class FindingRow:
    """One ``check_findings`` row as the report shows it: Chinese labels, the file's name with
    its full path as a tooltip, and whether the report it concerns is the current version."""

    county: str
    agency: str
    agency_id: str
    year: int | None
    kind: str
    what: str
    """The rule's Chinese name, or the unreadable cell's Chinese label."""
    code: str
    """The rule or issue code and location as stored, for SQL."""
    expected: float | int | None
    actual: float | int | None
    detail: str
    detail_full: str
    source_name: str
    source_path: str
    href: str | None
    page: int | None
    is_current: bool


@dataclass
class Findings:
    """``check_findings`` minus the failed checks (shown above it): current reports' rows,
    then those of superseded versions (hidden until asked for)."""

    rows: list[FindingRow]
    total: int
    """Rows of current reports."""
    old_total: int
    """Rows of superseded versions."""

    @property
    def current_shown(self) -> int:
        return sum(r.is_current for r in self.rows)


@dataclass
class ReportData:
    title: str
    generated_at: str
    warehouse: str
    meta: dict[str, str]
    years: list[int]
    counts: dict[str, int]
    chart_data: dict[str, Any]
    coverage: list[CoverageCounty]
    coverage_source: str
    failed: list[FailedCheck]
    findings: Findings | None
    notes: list[str] = field(default_factory=list)


def relations(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Tables and views of the main schema → their column names."""
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND database_name = current_database()"
    ).fetchall()
    out: dict[str, set[str]] = defaultdict(set)
    for table, column in rows:
        out[table].add(column)
    return dict(out)


def _derived_flag(key: str, condition: str) -> str:
    """``<key>_d``: the figure rests on a derived cell (a printed value wins over a derived one)."""
    return f"coalesce(bool_or(is_derived) FILTER (WHERE {condition}), false) AS {key}_d"


def _figures_sql() -> str:
    """One row per current report: agency, county, year, every charted figure (printed, else
    derived with certainty) and, per figure, ``<key>_d``: whether it rests on a derived cell."""
    groups = ",\n".join(
        f"""CASE WHEN count(*) FILTER (WHERE starts_with(row_key, '{g}_')) > 0
                  AND count(*) FILTER (WHERE starts_with(row_key, '{g}_'))
                      = count(figure) FILTER (WHERE starts_with(row_key, '{g}_'))
             THEN sum(figure) FILTER (WHERE starts_with(row_key, '{g}_')) END AS {g},
            {_derived_flag(g, f"starts_with(row_key, '{g}_')")}"""
        for g in OUTCOME_GROUPS
    )
    req_rows = ("new_received", "carried_over", "granted", "partially_granted")
    req = ",\n".join(
        f"max(figure) FILTER (WHERE row_key = '{k}') AS {k}, {_derived_flag(k, f'row_key = {chr(39)}{k}{chr(39)}')}"
        for k in req_rows
    )
    rl_parts = {
        "review_total": ("review", "total"),
        "review_corrected": ("review", "corrected"),
    }
    rl = ",\n".join(
        f"max(figure) FILTER (WHERE proceeding_key = '{p}' AND result_key = '{r}') AS {k}, "
        + _derived_flag(k, f"proceeding_key = '{p}' AND result_key = '{r}'")
        for k, (p, r) in rl_parts.items()
    )
    lit = ",\n".join(
        f"""max(figure) FILTER (WHERE proceeding_key = 'litigation_direct' AND result_key = '{r}')
              + max(figure) FILTER (WHERE proceeding_key = 'litigation_after_review' AND result_key = '{r}')
              AS litigation_{r},
            {_derived_flag(f"litigation_{r}", f"proceeding_key LIKE 'litigation%' AND result_key = '{r}'")}"""
        for r in ("total", "corrected")
    )
    return f"""
    WITH cur AS (
        SELECT r.report_id, r.agency_id, r.year
        FROM reports AS r
        WHERE r.is_current AND r.year IS NOT NULL
    ),
    req AS (
        SELECT report_id,
            {req},
            {groups}
        FROM (
            SELECT report_id, row_key, coalesce(value, derived_value) AS figure,
                   value IS NULL AND derived_value IS NOT NULL AS is_derived
            FROM request_cells
            WHERE column_key = 'total'
        )
        GROUP BY report_id
    ),
    rl AS (
        SELECT report_id,
            {rl},
            {lit}
        FROM (
            SELECT report_id, proceeding_key, result_key, coalesce(value, derived_value) AS figure,
                   value IS NULL AND derived_value IS NOT NULL AS is_derived
            FROM review_litigation_cells
        )
        GROUP BY report_id
    )
    SELECT
        cur.agency_id,
        coalesce(a.name, cur.agency_id) AS agency_name,
        coalesce(a.county, '{UNKNOWN_COUNTY}') AS county,
        cur.year,
        {", ".join(f"{k}::DOUBLE AS {k}" for k, _ in SERIES)},
        -- a flag only where the figure is known: a null figure is not drawn at all
        {", ".join(f"coalesce({k}_d AND {k} IS NOT NULL, false) AS {k}_d" for k, _ in SERIES)}
    FROM cur
    LEFT JOIN agencies AS a USING (agency_id)
    LEFT JOIN req USING (report_id)
    LEFT JOIN rl USING (report_id)
    """


def _chart_data(con: duckdb.DuckDBPyConnection, years: list[int]) -> dict[str, Any]:
    """The JSON the page's script draws from: scopes (all, counties, agencies) and, for each,
    one array per figure with a value per year (null: not given, or no report)."""
    figures = _figures_sql()
    keys = [k for k, _ in SERIES]
    index = {y: i for i, y in enumerate(years)}

    def empty() -> dict[str, Any]:
        # "d": per figure and year, 1 when an agency's figure is derived, or how many of the
        # reports summed into a county's figure are (0: all printed)
        return {"n": [0] * len(years), "v": {k: [None] * len(years) for k in keys},
                "d": {k: [0] * len(years) for k in keys}}  # fmt: skip

    values: dict[str, dict[str, Any]] = {}
    agencies: dict[str, tuple[str, str]] = {}
    n = len(keys)
    for row in con.execute(f"SELECT * FROM ({figures}) ORDER BY county, agency_name, year").fetchall():
        agency_id, name, county, year = row[:4]
        agencies[agency_id] = (name, county)
        scope = values.setdefault(f"agency:{agency_id}", empty())
        i = index[year]
        scope["n"][i] = 1
        for k, v, d in zip(keys, row[4 : 4 + n], row[4 + n :], strict=True):
            scope["v"][k][i] = _number(v)
            scope["d"][k][i] = int(bool(d))

    # Sums over a county (and over everything): sum() of SQL skips nulls and is null when
    # nothing was given; count(x) says how many reports gave the figure.
    aggregates = ", ".join(f"sum({k}), count({k}), count_if({k}_d)" for k in keys)
    rows = con.execute(
        f"SELECT grouping(county), county, year, count(*), {aggregates} FROM ({figures}) "
        "GROUP BY GROUPING SETS ((county, year), (year))"
    ).fetchall()
    for row in rows:
        is_total, county, year, n = row[:4]
        scope_id = "all" if is_total else f"county:{county}"
        scope = values.setdefault(scope_id, {**empty(), "g": {k: [0] * len(years) for k in keys}})
        i = index[year]
        scope["n"][i] = int(n)
        for j, k in enumerate(keys):
            scope["v"][k][i] = _number(row[4 + 3 * j])
            scope["g"][k][i] = int(row[5 + 3 * j])
            scope["d"][k][i] = int(row[6 + 3 * j])

    counties = sorted({c for _, c in agencies.values()}, key=lambda c: (c == UNKNOWN_COUNTY, c))
    scopes: list[dict[str, Any]] = [{"id": "all", "kind": "all", "label": "全部机关合计"}]
    scopes += [{"id": f"county:{c}", "kind": "county", "label": f"{c} 合计", "county": c} for c in counties]
    for agency_id, (name, county) in sorted(agencies.items(), key=lambda kv: (kv[1][1], kv[1][0])):
        scopes.append({"id": f"agency:{agency_id}", "kind": "agency", "label": name, "county": county})
    for scope in scopes:
        values.setdefault(scope["id"], empty())
    return {
        "years": years,
        "series": {
            "requests": [{"key": k, "label": label} for k, label in REQUEST_SERIES],
            "outcomes": [{"key": k, "label": label} for k, label in OUTCOME_SERIES],
            "review": [{"key": k, "label": label} for k, label in REVIEW_SERIES],
        },
        "scopes": scopes,
        "values": values,
    }


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _years(con: duckdb.DuckDBPyConnection, rels: dict[str, set[str]]) -> list[int]:
    """The years any agency has a report for (and any the ``coverage`` view lists). A year no
    agency reported for is left out, as the coverage view does: the corpus says nothing about it."""
    sql = "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL"
    if "year" in rels.get("coverage", set()):
        sql += " UNION SELECT DISTINCT year FROM coverage WHERE year IS NOT NULL"
    return sorted(int(r[0]) for r in con.execute(sql).fetchall())


def _coverage(
    con: duckdb.DuckDBPyConnection, rels: dict[str, set[str]], years: list[int], notes: list[str]
) -> tuple[list[CoverageCounty], str]:
    """Agency × year: has a current report or not. The ``coverage`` view when there is one
    (it may know agencies that never published); else every agency of ``agencies`` against
    every year, from ``reports``."""
    have: set[tuple[str, int]]
    partial: set[tuple[str, int]] = set()
    if "coverage" in rels and {"agency_id", "year", "has_report"} <= rels["coverage"]:
        source = "coverage 视图"
        status = "c.status" if "status" in rels["coverage"] else "NULL"
        rows = con.execute(
            f"""
            SELECT c.agency_id, coalesce(a.name, c.agency_id), coalesce(a.county, ?), c.year, c.has_report,
                   {status}
            FROM coverage AS c LEFT JOIN agencies AS a USING (agency_id)
            WHERE c.year IS NOT NULL
            """,
            [UNKNOWN_COUNTY],
        ).fetchall()
        agencies = {r[0]: (r[1], r[2]) for r in rows}
        have = {(r[0], int(r[3])) for r in rows if r[4]}
        partial = {(r[0], int(r[3])) for r in rows if r[4] and r[5] == "incomplete"}
    else:
        source = "reports 与 agencies（仓库尚无 coverage 视图）"
        if "coverage" in rels:
            notes.append(
                "coverage 视图缺少 agency_id、year、has_report 列：覆盖表改由 reports 与 agencies 计算。"
            )
        else:
            notes.append(
                "仓库中没有 coverage 视图：覆盖表由 reports 与 agencies 计算（每个机关 × 每个年度）。"
            )
        agencies = {
            r[0]: (r[1], r[2])
            for r in con.execute(
                "SELECT agency_id, coalesce(name, agency_id), coalesce(county, ?) FROM agencies",
                [UNKNOWN_COUNTY],
            ).fetchall()
        }
        current = con.execute(
            "SELECT DISTINCT agency_id, year, "
            + ("status" if "status" in rels.get("reports", set()) else "NULL")
            + " FROM reports WHERE is_current AND year IS NOT NULL"
        ).fetchall()
        have = {(r[0], int(r[1])) for r in current}
        partial = {(r[0], int(r[1])) for r in current if r[2] == "incomplete"}
    by_county: dict[str, list[CoverageRow]] = defaultdict(list)
    for agency_id, (name, county) in agencies.items():
        by_county[county].append(CoverageRow(
            agency_id, name, [(agency_id, y) in have for y in years], [(agency_id, y) in partial for y in years]
        ))
    counties = sorted(by_county, key=lambda c: (c == UNKNOWN_COUNTY, c))
    return [CoverageCounty(c, sorted(by_county[c], key=lambda r: r.name)) for c in counties], source


def _href(source_path: str, source_root: Path, report_dir: Path, page: int | None) -> str | None:
    """A link from the report to the source file: relative, so it survives moving the whole
    tree (repo and report together); ``#page=N`` opens a PDF at the table's page."""
    if not source_path:
        return None
    target = Path(source_path)
    if not target.is_absolute():
        target = source_root / target
    target = Path(os.path.abspath(target))
    try:
        href = urllib.parse.quote(os.path.relpath(target, report_dir).replace(os.sep, "/"))
    except ValueError:  # another drive on Windows: no relative path exists
        href = target.as_uri()
    if page and target.suffix.lower() == ".pdf":
        href += f"#page={int(page)}"
    return href


def _failed_checks(
    con: duckdb.DuckDBPyConnection, rels: dict[str, set[str]], source_root: Path, report_dir: Path
) -> list[FailedCheck]:
    """Every check_results row with ok = false, with its agency, source file and page."""
    reports = rels.get("reports", set())
    page_exprs = ", ".join(
        f"r.{col}" if col in reports else f"NULL AS {col}" for col in PAGE_COLUMNS.values()
    )
    column_key = "c.column_key" if "column_key" in rels.get("check_results", set()) else "NULL"
    labels: dict[str, str] = {}
    if "dictionary" in rels and {"table", "column_key", "zh_column"} <= rels["dictionary"]:
        for key, zh in con.execute(
            """SELECT column_key, min(zh_column) FROM dictionary WHERE "table" = 'requests' GROUP BY column_key"""
        ).fetchall():
            labels[key] = str(zh).split(" ")[-1] if zh else key
    rows = con.execute(
        f"""
        SELECT coalesce(a.county, ?), coalesce(a.name, r.agency_name, r.agency_id, c.report_id), r.agency_id,
               r.year, c.rule, {column_key}, c.expected, c.actual, c.detail, r.source_path,
               coalesce(r.is_current, false), {page_exprs}
        FROM check_results AS c
        LEFT JOIN reports AS r USING (report_id)
        LEFT JOIN agencies AS a ON a.agency_id = r.agency_id
        WHERE c.ok = false
        ORDER BY 1, 2, r.year, c.rule
        """,
        [UNKNOWN_COUNTY],
    ).fetchall()
    out = []
    for county, agency, agency_id, year, rule, col, expected, actual, detail, path, current, *pages in rows:
        rule = str(rule or "")
        family, _, suffix = rule.rpartition(".")
        page = None
        for (prefix, _), p in zip(PAGE_COLUMNS.items(), pages, strict=True):
            if rule.startswith(prefix):
                page = int(p) if p is not None else None
        column = col or suffix
        out.append(
            FailedCheck(
                county=county, agency=str(agency), agency_id=str(agency_id or ""),
                year=int(year) if year is not None else None, rule=rule,
                rule_name=RULE_NAMES.get(family, ""),
                column=labels.get(column) or PROCEEDINGS.get(column) or column,
                expected=_number(expected), actual=_number(actual), detail=str(detail or ""),
                source_path=str(path or ""), href=_href(str(path or ""), source_root, report_dir, page),
                page=page, is_current=bool(current),
            )
        )  # fmt: skip
    return out


def _cell_labels(con: duckdb.DuckDBPyConnection, rels: dict[str, set[str]]) -> dict[str, str]:
    """``table.row.column`` → "行｜列" in Chinese, from ``dictionary`` (both formats; the
    2021 label wins where they differ), so an unreadable cell is named as printed."""
    if "dictionary" not in rels or not {"table", "row_key", "column_key", "zh_label"} <= rels["dictionary"]:
        return {}
    rows = con.execute(
        """SELECT "table" || '.' || row_key || '.' || column_key, zh_label FROM dictionary
           ORDER BY template"""
    ).fetchall()
    labels: dict[str, str] = {}
    for key, label in rows:
        labels[str(key)] = str(label)
    for key, label in list(labels.items()):  # a row missing whole: "table.row"
        labels.setdefault(key.rsplit(".", 1)[0], label.split("｜")[0])
    return labels


def _findings(
    con: duckdb.DuckDBPyConnection,
    rels: dict[str, set[str]],
    source_root: Path,
    report_dir: Path,
    notes: list[str],
) -> Findings | None:
    """The ``check_findings`` view, when the warehouse has it, minus what the failed-checks
    table already shows (kind ``printed_inconsistent``): checks that could not be evaluated
    and cells that could not be read. Current reports first (shown by default), then
    superseded versions (a page control shows them); at most ``MAX_FINDINGS`` rows."""
    if "check_findings" not in rels:
        notes.append("仓库中没有 check_findings 视图：跳过“其他核查发现”一节。")
        return None
    have = rels["check_findings"]

    def col(name: str, cast: str = "VARCHAR") -> str:
        return f"f.{name}" if name in have else f"NULL::{cast}"

    where = "WHERE f.kind IS DISTINCT FROM 'printed_inconsistent'" if "kind" in have else ""
    current = "coalesce(f.is_current, true)" if "is_current" in have else "true"
    select = f"""
        SELECT coalesce({col("county")}, ?), coalesce({col("agency_name")}, {col("agency_id")}, ''),
               coalesce({col("agency_id")}, ''), {col("year", "BIGINT")}, {col("kind")}, {col("rule")},
               {col("location")}, {col("expected", "DOUBLE")}, {col("actual", "DOUBLE")}, {col("detail")},
               {col("source_path")}, {col("page", "BIGINT")}, {current} AS current
        FROM check_findings AS f {where}
    """
    rows = con.execute(
        f"SELECT * FROM ({select}) ORDER BY NOT current, 1, 2, 4, 6, 7 LIMIT {MAX_FINDINGS}", [UNKNOWN_COUNTY]
    ).fetchall()
    total, old_total = con.execute(
        f"SELECT count(*) FILTER (WHERE current), count(*) FILTER (WHERE NOT current) FROM ({select})",
        [UNKNOWN_COUNTY],
    ).fetchone() or (0, 0)
    cells = _cell_labels(con, rels)
    out = []
    for county, agency, agency_id, year, kind, rule, location, expected, actual, detail, path, page, cur in rows:
        rule, location = str(rule or ""), str(location or "")
        if kind == "unreadable":
            what = f"{ISSUE_CODES.get(rule, rule)}：{cells.get(location, location)}"
            code = f"{rule} {location}".strip()
        else:
            family = rule.rpartition(".")[0]
            column = cells.get(f"requests.total_processed.{location}", "").split("｜")[-1] if location else ""
            what = RULE_NAMES.get(family, rule) + (f"（{column or location}）" if location else "")
            code = rule
        detail = str(detail or "")
        short = detail if len(detail) <= DETAIL_CHARS else detail[: DETAIL_CHARS - 1] + "…"
        page_no = int(page) if isinstance(page, int) else None
        source = str(path or "")
        out.append(
            FindingRow(
                county=str(county), agency=str(agency), agency_id=str(agency_id),
                year=int(year) if year is not None else None, kind=FINDING_KINDS.get(str(kind), str(kind or "")),
                what=what, code=code, expected=_number(expected), actual=_number(actual),
                detail=short, detail_full=detail, source_name=source.replace("\\", "/").rsplit("/", 1)[-1],
                source_path=source, href=_href(source, source_root, report_dir, page_no), page=page_no,
                is_current=bool(cur),
            )
        )  # fmt: skip
    return Findings(rows=out, total=int(total), old_total=int(old_total))


def load(
    warehouse: Path, report_file: Path, *, source_root: Path | None = None, title: str | None = None
) -> ReportData:
    """Read everything the report shows from ``warehouse`` (read-only).

    ``source_root`` is what relative ``reports.source_path`` values are relative to: the
    working directory of the run that read them (the repo root), by default this one.
    """
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise FileNotFoundError(f"warehouse {warehouse} does not exist")
    source_root = Path(source_root) if source_root is not None else Path.cwd()
    report_dir = Path(os.path.abspath(Path(report_file).parent))
    notes: list[str] = []
    with open_read_only(warehouse) as con:
        rels = relations(con)
        missing = {"reports", "agencies", "request_cells", "review_litigation_cells", "check_results"} - set(
            rels
        )
        if missing:
            raise ValueError(f"{warehouse} is not an xxgk warehouse: no {', '.join(sorted(missing))}")
        meta: dict[str, str] = {}
        if "warehouse_meta" in rels:
            meta = {
                str(k): str(v) for k, v in con.execute("SELECT key, value FROM warehouse_meta").fetchall()
            }
        years = _years(con, rels)
        chart_data = _chart_data(con, years)
        coverage, coverage_source = _coverage(con, rels, years, notes)
        failed = _failed_checks(con, rels, source_root, report_dir)
        findings = _findings(con, rels, source_root, report_dir, notes)
        n_reports, n_current = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_current) FROM reports"
        ).fetchone() or (0, 0)
    missing_cells = sum(c.missing for c in coverage)
    return ReportData(
        title=title or "政府信息公开工作年度报告 数据概览",
        generated_at=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        warehouse=str(warehouse),
        meta=meta,
        years=years,
        counts={
            "agencies": sum(len(c.rows) for c in coverage),
            "counties": len(coverage),
            "reports": int(n_reports),
            "current_reports": int(n_current),
            "missing_agency_years": missing_cells,
            "failed_checks": len(failed),
            "failed_check_reports": len({(f.agency_id, f.year, f.source_path) for f in failed}),
        },
        chart_data=chart_data,
        coverage=coverage,
        coverage_source=coverage_source,
        failed=failed,
        findings=findings,
        notes=notes,
    )

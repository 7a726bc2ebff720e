"""Generate ``sql/views/55_report_cells_wide.sql``: every table cell of a report as one column.

The view has one row per report and one column per cell of the three statistical tables,
named ``req_<row>_<column>`` (section 三), ``rl_<proceeding>_<result>`` (section 四) and
``a20_<item>_<measure>`` (section 二), with the keys of TEMPLATE_KEYS.csv. Both formats'
cells are columns (a 2019-only cell is null for a 2021 report, and the reverse), so the
column list is the same whatever the report's format, and a column's name never changes
while the template keys do not.

A cell the report left blank but that its row's printed cells fix with certainty (the
long tables' ``derived_value``: a lost 总计 = the sum of the printed applicant columns) is
shown, and its column's name is listed in ``derived_cells``: an analyst reading the wide
row never takes a derived figure for a printed one, and never sees a stated zero row as
"no data" because its blank total was left out.

The SQL is generated from the template rather than written by hand: 230-odd columns typed
by hand would drift from the template. The generated file is checked in (analysts read it,
and publishing runs ``sql/views`` as plain files); ``tests/test_views.py`` fails when it is
not what this module generates. Regenerate with::

    .venv/bin/python -m pipeline.warehouse.wide_view
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pipeline
from pipeline import template

VIEW = "report_cells_wide"
OUTPUT = Path(pipeline.__file__).parents[1] / "sql" / "views" / "55_report_cells_wide.sql"

# table in TEMPLATE_KEYS.csv -> (column prefix, warehouse table, its two key columns)
_TABLES: dict[str, tuple[str, str, str, str]] = {
    "requests": ("req", "request_cells", "row_key", "column_key"),
    "review_litigation": ("rl", "review_litigation_cells", "proceeding_key", "result_key"),
    "article20": ("a20", "article20_cells", "item_key", "measure_key"),
}

_REPORT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (name, SQL expression, Chinese comment)
    ("report_id", "r.report_id", "报告标识：文件 sha256 前 16 位"),
    ("agency_id", "r.agency_id", "发布机关，关联 agencies.agency_id"),
    ("agency_name", "a.name", "机关名称（agencies.name）"),
    ("level", "a.level", "机关层级（town / county / city / province / department / unknown）"),
    ("county", "a.county", "所在县（市、区），未知为空"),
    ("town", "a.town", "所在乡镇（街道），未知为空"),
    ("year", "r.year", "报告所涉年度"),
    ("template", "r.template", "表格格式：2021 或 2019；另一格式独有的列为空"),
    ("is_current", "r.is_current", "是否为该机关该年度应使用的报告（同年多版本时只有一份为真）"),
    ("status", "r.status", "解析状态：ok 完整 / incomplete 不完整（表格缺失或文本中断；元数据与叙述数字照常读取）"),
    ("source_path", "r.source_path", "源文件路径"),
)


DERIVED = "derived_cells"
DERIVED_COMMENT = (
    "推算格：本行中报告未印出、由同行其他格确定推算（如总计＝六类申请人之和）的列名列表；空列表表示全部为报告所载"
)


@dataclass(frozen=True)
class WideColumn:
    """One cell of the template as a column of the wide view."""

    name: str
    table: str
    row_key: str
    column_key: str
    comment: str


def _label(labels: dict[str, tuple[str, str]]) -> str:
    """'zh row｜zh column', saying which format has the cell when only one does, or both labels
    when the formats word it differently (规章 vs 规范性文件, 本年处理决定数量 vs 处理决定数量)."""
    texts = {tpl: f"{row}｜{col}" for tpl, (row, col) in labels.items()}
    if len(texts) == 1:
        [(tpl, text)] = texts.items()
        return f"{text}（仅 {tpl} 格式）"
    if len(set(texts.values())) == 1:
        return next(iter(texts.values()))
    return "；".join(f"{tpl} 格式：{text}" for tpl, text in texts.items())


def wide_columns() -> list[WideColumn]:
    """Every cell of both formats, once, grouped by table, row (item) and column in printed order."""
    out: list[WideColumn] = []
    for table, (prefix, _, _, _) in _TABLES.items():
        keys = [k for k in template.all_keys() if k.table == table]
        row_order = list(dict.fromkeys(k.row_key for k in keys))
        cells: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
        for k in sorted(keys, key=lambda k: (row_order.index(k.row_key), k.order)):
            cells.setdefault((k.row_key, k.column_key), {})[k.template] = (k.zh_row, k.zh_column)
        for (row, col), labels in cells.items():
            out.append(WideColumn(f"{prefix}_{row}_{col}", table, row, col, _label(labels)))
    names = [c.name for c in out]
    if len(names) != len(set(names)):  # two key pairs that join to the same name must not hide a cell
        raise ValueError(f"duplicate wide column names: {sorted({n for n in names if names.count(n) > 1})}")
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _by_row(name: str, source: str, row_col: str, col_col: str, measure: str, columns: list[WideColumn]) -> str:
    """Two CTEs for one table's cells: ``<name>_rows``, one row per report and table row with
    the row's cells as a struct (``max(measure)`` of each column key), and ``<name>``, one
    row per report with a struct column per table row (a PIVOT of the first).

    Why not one ``max(...) FILTER (WHERE row = … AND column = …)`` per wide column, as
    before: DuckDB updated two hundred filtered aggregates for every cell row, 150 s for
    the view at 100,000 reports (0.4 s now). A row's columns are a handful of filtered
    aggregates, and the PIVOT then groups a seventh of the rows a PIVOT of the cells
    would, in two thirds of its memory (1.3 GB at 100,000 reports unbounded; both are
    hash aggregates, which DuckDB spills to disk under the Parquet export's memory limit).
    The values are the same: ``max`` per report and cell, a key not listed is left out,
    and a cell or row a report lacks is null.
    """
    keys = list(dict.fromkeys(c.column_key for c in columns))
    fields = ",\n".join(f"            {_quote(k)}: max({measure}) FILTER (WHERE {col_col} = {_quote(k)})" for k in keys)
    rows = ",\n".join(f"        {_quote(r)}" for r in dict.fromkeys(c.row_key for c in columns))
    return (
        f"{name}_rows AS (\n"
        f"    SELECT report_id, {row_col}, {{\n{fields}\n        }} AS cells\n"
        f"    FROM {source}\n    GROUP BY report_id, {row_col}\n),\n"
        f"{name} AS (\n    PIVOT {name}_rows\n    ON {row_col} IN (\n{rows}\n    )\n"
        f"    USING first(cells)\n    GROUP BY report_id\n)"
    )


def _unit_columns(columns: list[WideColumn]) -> list[WideColumn]:
    """Money cells carry their unit as printed (万元, 元): a bare number there would mislead."""
    return [
        WideColumn(f"{c.name}_unit", c.table, c.row_key, c.column_key, f"{c.comment}——计量单位（如 万元、元）")
        for c in columns
        if c.table == "article20" and c.column_key.startswith("amount")
    ]


def _derived_cte() -> str:
    """``derived_cells``: per report, the wide names of the cells whose value is derived.

    Few cells are derived, so a filtered union is small; the list is the mark that keeps a
    derived figure from passing for a printed one (a flag column per cell would double the
    view's 240 columns).
    """
    parts = [
        f"        SELECT report_id, '{prefix}_' || {row_col} || '_' || {col_col} AS name\n"
        f"        FROM {source}\n        WHERE value IS NULL AND derived_value IS NOT NULL"
        for prefix, source, row_col, col_col in _TABLES.values()
    ]
    union = "\n        UNION ALL\n".join(parts)
    return (
        f"{DERIVED} AS (\n    SELECT report_id, list(name ORDER BY name) AS {DERIVED}\n"
        f"    FROM (\n{union}\n    )\n    GROUP BY report_id\n)"
    )


def view_sql() -> str:
    """The whole file: the view, then a Chinese comment on the view and on every column."""
    columns = wide_columns()
    units = _unit_columns(columns)
    lines = [
        "-- GENERATED by pipeline/warehouse/wide_view.py from pipeline/template/template_keys.csv;",
        "-- do not edit by hand (tests/test_views.py fails when this file is out of date).",
        f"-- {VIEW}: one row per report (every version; filter is_current), one column per cell of",
        "-- sections 二, 三 and 四 of both formats, named <table>_<row key>_<column key>. The printed",
        "-- value, null where the report gives none; where a blank cell is fixed with certainty by its",
        "-- row's printed cells (the long tables' derived_value), that value, and the column's name is",
        "-- listed in derived_cells: a derived figure is never shown as printed.",
        f"CREATE OR REPLACE VIEW {VIEW} AS",
    ]
    ctes = []
    select = [f"    {expr} AS {name}" for name, expr, _ in _REPORT_COLUMNS]
    for table, (prefix, source, row_col, col_col) in _TABLES.items():
        parts = [(prefix, "coalesce(value, derived_value)", [c for c in columns if c.table == table])]
        if table == "article20":
            parts.append((f"{prefix}_unit", "unit", units))
        for name, measure, cells in parts:
            ctes.append(_by_row(name, source, row_col, col_col, measure, cells))
            select += [f"    {name}.{c.row_key}.{c.column_key} AS {c.name}" for c in cells]
    ctes.append(_derived_cte())
    select.append(f"    coalesce({DERIVED}.{DERIVED}, []) AS {DERIVED}")
    lines.append("WITH " + ",\n".join(ctes))
    lines.append("SELECT\n" + ",\n".join(select))
    lines.append("FROM reports AS r")
    lines.append("LEFT JOIN agencies AS a USING (agency_id)")
    lines += [f"LEFT JOIN {prefix} USING (report_id)" for prefix, _, _, _ in _TABLES.values()]
    lines.append(f"LEFT JOIN {_TABLES['article20'][0]}_unit USING (report_id)")
    lines.append(f"LEFT JOIN {DERIVED} USING (report_id)")
    lines[-1] += ";"
    lines.append("")
    lines.append(
        f"COMMENT ON VIEW {VIEW} IS "
        + _quote("报告 × 全部表格单元格宽表：一行一份报告，一列一个单元格（req_ 第三部分依申请公开、rl_ 第四部分行政复议诉讼、"
                 "a20_ 第二部分第二十条）；报告所载数值，未给出为空；报告空缺但可由同行其他格确定推算的格取推算值，"
                 "其列名列于 derived_cells")
        + ";"
    )
    for name, _, comment in _REPORT_COLUMNS:
        lines.append(f"COMMENT ON COLUMN {VIEW}.{name} IS {_quote(comment)};")
    for c in [*columns, *units]:
        lines.append(f"COMMENT ON COLUMN {VIEW}.{c.name} IS {_quote(c.comment)};")
    lines.append(f"COMMENT ON COLUMN {VIEW}.{DERIVED} IS {_quote(DERIVED_COMMENT)};")
    return "\n".join(lines) + "\n"


def main() -> None:
    OUTPUT.write_text(view_sql(), encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(wide_columns())} cell columns)")


if __name__ == "__main__":
    main()

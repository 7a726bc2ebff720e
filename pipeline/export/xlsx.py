"""One Excel workbook of the whole warehouse: a sheet per view and per table, Chinese headers.

For people who open data in Excel or WPS rather than write SQL. The first sheet (说明) lists
every sheet with its Chinese description and row count; each data sheet has a header row of
"中文（key）" labels (the full column comment as a note on the header cell), frozen so it
stays visible while scrolling, an autofilter, and columns sized to their contents.

Written with XlsxWriter in ``constant_memory`` mode: rows stream from DuckDB in batches and
each one goes to disk as soon as the next begins, so memory stays flat however large the
table (polars' ``write_excel`` uses the same library but needs the whole frame in memory).

Excel holds at most 1,048,576 rows a sheet. A relation with more rows continues on further
sheets (``ingest_log``, ``ingest_log_2`` …) up to ``max_sheets_per_relation``; beyond that it
is left out, and the 说明 sheet says so and points to the CSV/Parquet export.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import math
import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipeline.export.headers import Headers
from pipeline.export.relations import (
    Exported,
    ExportResult,
    Relation,
    fsync,
    list_relations,
    quote_ident,
    temp_name,
)
from pipeline.warehouse.readonly import open_read_only

EXCEL_MAX_ROWS = 1_048_576
"""Rows in an Excel sheet, the header row included."""
SHEET_NAME_MAX = 31
CELL_TEXT_MAX = 32_767
"""Characters in one Excel cell; longer text is cut (and the cut counted in the notes)."""
ABOUT_SHEET = "说明"
BATCH = 10_000
"""Rows fetched from DuckDB at a time."""
WIDTH_SAMPLE = 500
"""Rows looked at to size each column."""
MIN_WIDTH, MAX_WIDTH = 6, 50
MAX_EXACT_INT = 2**53
"""Excel numbers are doubles: larger integers are written as text so no digit is lost."""
PERCENT_COLUMNS = {"pct_change"}
"""Columns holding a fraction (WAREHOUSE.md: pct_change = delta / prev), shown as percentages."""


def display_width(text: str) -> int:
    """Width in Excel's character units: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_names(name: str, parts: int, taken: set[str]) -> list[str]:
    """``name``, ``name_2`` … cut to Excel's 31 characters and unique (case-insensitively,
    as Excel compares them)."""
    names = []
    for i in range(1, parts + 1):
        suffix = "" if i == 1 else f"_{i}"
        base = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            tail = f"~{n}"
            candidate = base[: SHEET_NAME_MAX - len(tail)] + tail
        taken.add(candidate.lower())
        names.append(candidate)
    return names


class _Formats:
    """The workbook's cell formats, created once (XlsxWriter wants few distinct formats)."""

    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.time = workbook.add_format({"num_format": "hh:mm:ss"})
        self.percent = workbook.add_format({"num_format": "0.0%"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})


class _Sheet:
    """Writes the rows of one relation into one sheet, typed cell by cell."""

    def __init__(self, worksheet: Any, formats: _Formats, columns: Sequence[str]) -> None:
        self.ws = worksheet
        self.f = formats
        self.percent = [c in PERCENT_COLUMNS for c in columns]
        self.truncated = 0

    def write_row(self, r: int, row: Sequence[Any]) -> None:
        ws, f = self.ws, self.f
        for c, value in enumerate(row):
            if value is None or (isinstance(value, list | tuple) and not value):
                continue  # an empty list (no derived cells) reads best as an empty cell
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int):
                if abs(value) < MAX_EXACT_INT:
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
            elif isinstance(value, float | decimal.Decimal):
                number = float(value)
                if math.isfinite(number):
                    ws.write_number(r, c, number, f.percent if self.percent[c] else None)
                else:
                    ws.write_string(r, c, str(number))
            elif isinstance(value, dt.datetime):
                if value.tzinfo is not None:  # Excel has no time zones: show UTC, like the warehouse
                    value = value.astimezone(dt.UTC).replace(tzinfo=None)
                ws.write_datetime(r, c, value, f.datetime)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, value, f.date)
            elif isinstance(value, dt.time):
                ws.write_datetime(r, c, value, f.time)
            else:
                text = value if isinstance(value, str) else _text(value)
                if len(text) > CELL_TEXT_MAX:
                    text = text[: CELL_TEXT_MAX - 1] + "…"
                    self.truncated += 1
                # write_string, never write(): a value such as "=1+1" or "http://…" stays text
                ws.write_string(r, c, text)


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):  # derived_cells, derived_figures: names, not a Python repr
        return ", ".join(_text(v) for v in value)
    return str(value)


def _widths(headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[int]:
    widths = []
    for i, header in enumerate(headers):
        # a header may wrap onto two lines, so half its width is enough
        longest = max(
            [display_width(header) // 2 + 1, *(display_width(_cell_text(row[i])) for row in sample)]
        )
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, longest + 2)))
    return widths


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return "yyyy-mm-dd hh:mm:ss"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def export_xlsx(
    warehouse: Path,
    out_file: Path,
    *,
    max_rows_per_sheet: int = EXCEL_MAX_ROWS - 1,
    max_sheets_per_relation: int = 4,
) -> ExportResult:
    """Write every view, then every table, of ``warehouse`` to the workbook ``out_file``.

    The workbook is written under a temporary name and renamed into place when complete.
    ``max_rows_per_sheet`` (data rows, the header not counted) is Excel's limit by default;
    tests lower it to exercise the split.
    """
    import xlsxwriter

    warehouse = Path(warehouse)
    out_file = Path(out_file)
    if not warehouse.is_file():
        raise FileNotFoundError(f"warehouse {warehouse} does not exist")
    if not 1 <= max_rows_per_sheet <= EXCEL_MAX_ROWS - 1:
        raise ValueError(f"max_rows_per_sheet must be between 1 and {EXCEL_MAX_ROWS - 1}")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(out_file)
    result = ExportResult(format="xlsx", out=out_file)
    workbook = xlsxwriter.Workbook(
        str(tmp),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        workbook.set_properties(
            {"title": "xxgk 政府信息公开年度报告数据仓库", "comments": f"exported from {warehouse}"}
        )
        formats = _Formats(workbook)
        about = workbook.add_worksheet(ABOUT_SHEET)
        taken = {ABOUT_SHEET.lower()}
        with open_read_only(warehouse) as con:
            headers = Headers.of(con)
            relations = list_relations(con)
            # views first: they are what an analyst reads; the tables are the raw material
            ordered = [r for r in relations if r.kind == "view"] + [r for r in relations if r.kind == "table"]
            for relation in ordered:
                result.relations.append(
                    _write_relation(
                        con,
                        workbook,
                        formats,
                        headers,
                        relation,
                        taken,
                        max_rows_per_sheet,
                        max_sheets_per_relation,
                    )
                )
            meta = _meta(con)
        _write_about(about, formats, result.relations, relations, warehouse, meta)
        workbook.close()
        fsync(tmp)
        os.replace(tmp, out_file)
        fsync(out_file.parent)
    except BaseException:
        with contextlib.suppress(Exception):
            workbook.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return result


def _write_relation(
    con: duckdb.DuckDBPyConnection,
    workbook: Any,
    formats: _Formats,
    headers: Headers,
    relation: Relation,
    taken: set[str],
    max_rows: int,
    max_sheets: int,
) -> Exported:
    name = relation.name
    (total,) = con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone() or (0,)
    parts = max(1, math.ceil(total / max_rows))
    if parts > max_sheets:
        return Exported(
            name, relation.kind, int(total), None,
            note=f"行数 {total:,} 超过 {max_sheets} 个工作表的容量（每表 {max_rows:,} 行），未写入；"
            "请用 xxgk export --format csv 或 parquet",
        )  # fmt: skip
    sheet_names = _sheet_names(name, parts, taken)
    cursor = con.execute(f"SELECT * FROM {quote_ident(name)}")
    columns = [d[0] for d in cursor.description]
    labels = [headers.header(name, c) for c in columns]
    batch = cursor.fetchmany(BATCH)
    widths = _widths(labels, batch[:WIDTH_SAMPLE])

    truncated = 0
    written = 0
    for sheet_name in sheet_names:
        ws = workbook.add_worksheet(sheet_name)
        ws.set_row(0, 32)
        for c, label in enumerate(labels):
            ws.write_string(0, c, label, formats.header)
            description = headers.description(name, c_name := columns[c])
            if description and description != label:
                ws.write_comment(0, c, f"{c_name}: {description}", {"x_scale": 2})
            ws.set_column(c, c, widths[c])
        ws.freeze_panes(1, 0)
        sheet = _Sheet(ws, formats, columns)
        r = 0
        while r < max_rows and batch:
            take = min(len(batch), max_rows - r)
            for row in batch[:take]:
                r += 1
                sheet.write_row(r, row)
            batch = batch[take:] or cursor.fetchmany(BATCH)
        written += r
        ws.autofilter(0, 0, max(r, 1), len(columns) - 1)
        truncated += sheet.truncated
    notes = []
    if len(sheet_names) > 1:
        notes.append(
            f"超过 Excel 单表 {max_rows:,} 行上限，分为 {len(sheet_names)} 个工作表：{'、'.join(sheet_names)}"
        )
    if truncated:
        notes.append(f"{truncated} 个单元格文字超过 {CELL_TEXT_MAX} 字，已截断")
    if batch:  # more rows than counted: cannot happen on a read-only snapshot, but never drop silently
        notes.append(f"计数 {total} 行后又读到更多行，只写入前 {written} 行")
    return Exported(name, relation.kind, written, None, sheets=sheet_names, note="；".join(notes))


def _meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    with contextlib.suppress(duckdb.Error):
        return {str(k): str(v) for k, v in con.execute("SELECT key, value FROM warehouse_meta").fetchall()}
    return {}


def _write_about(
    ws: Any,
    formats: _Formats,
    exported: Sequence[Exported],
    relations: Sequence[Relation],
    warehouse: Path,
    meta: dict[str, str],
) -> None:
    """The index sheet: one row per exported relation, then where the data came from."""
    comments = {r.name: r.comment or "" for r in relations}
    headers = [
        "工作表（sheet）",
        "表或视图（relation）",
        "类型（kind）",
        "行数（rows）",
        "说明（comment）",
        "备注（note）",
    ]
    for c, label in enumerate(headers):
        ws.write_string(0, c, label, formats.header)
    ws.set_row(0, 32)
    ws.freeze_panes(1, 0)
    r = 0
    for item in exported:
        r += 1
        ws.write_string(r, 0, "、".join(item.sheets) if item.sheets else "（未写入）")
        ws.write_string(r, 1, item.name)
        ws.write_string(r, 2, "视图" if item.kind == "view" else "表")
        ws.write_number(r, 3, item.rows)
        ws.write_string(r, 4, comments.get(item.name, ""))
        if item.note:
            ws.write_string(r, 5, item.note)
    widths = [24, 24, 8, 10, 70, 50]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
    r += 2
    ws.write_string(r, 0, "来源（warehouse）")
    ws.write_string(r, 1, str(warehouse))
    r += 1
    ws.write_string(r, 0, "导出时间（exported at, UTC）")
    ws.write_string(r, 1, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"))
    for key in ("last_run_id", "published_at", "parser_version", "schema_version"):
        if key in meta:
            r += 1
            ws.write_string(r, 0, key)
            ws.write_string(r, 1, meta[key])

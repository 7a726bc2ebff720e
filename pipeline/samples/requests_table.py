"""Section 三 (收到和处理政府信息公开申请情况) as HTML, optionally broken in two across a page.

The table has the national format's merged cells: the 勾稽关系 note over three label
columns and three header rows, 申请人情况 over seven columns, 自然人 and 总计 over two header
rows, 法人或其他组织 over five, and the row-group labels 三、本年度办理结果, （三）不予公开,
（四）无法提供, （五）不予处理, （六）其他处理 down their rows.

Why the table is broken by hand: PyMuPDF's Story splits a table between rows, but draws a
row-group cell that crosses the break without closing or reopening rules, which no
published PDF does. Word draws the merged cell as closed at the page foot and continued
(an empty box) at the top of the next page; two HTML tables reproduce that.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pipeline.samples.spec import ReportSpec
from pipeline.samples.tables_html import BORDER, CELL_PAD_X, FONT_PT, fmt_value, td
from pipeline.template import REQUEST_COLUMNS, label, other_template, rows
from pipeline.template import request_rows as tpl_request_rows

GROUP_W, SUB_W, ITEM_W, VALUE_W = 30.0, 42.0, 162.0, 31.0  # 3 label + 7 value columns = 451 pt
LABELS_W = GROUP_W + SUB_W + ITEM_W
# Widths go on every cell, spanning ones included: PyMuPDF sizes columns from single-column
# cells and falls back to a spanning cell's width only when no row has single cells there
# (the second part of a broken table may hold only "四、结转下年度继续办理").
OUTCOME_GROUP = "三、本年度办理结果"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class RequestRow:
    """One body row: its key, its row-group and sub-group labels (None when it has none), its label."""

    key: str
    group: str | None
    sub: str | None
    own: str


def request_rows(template: str, group_of: str | None = None) -> list[RequestRow]:
    """Body rows in printed order, labels split from the CSV's zh_row.

    ``group_of``: the format whose （六）其他处理 row(s) the table prints (a 2021 table that
    kept the 2019 row); None for the template's own.

    ``三、本年度办理结果（一）予以公开`` → group 三…, own （一）予以公开;
    ``（三）不予公开 1.属于国家秘密`` → group 三…, sub （三）不予公开, own 1．属于国家秘密.
    Item numbers print with a full-width period, as in the national format itself.
    """
    out = []
    for key in tpl_request_rows(template, group_of):
        own_format = template if key in rows("requests", template) else other_template(template)
        zh = label("requests", own_format, key, "total").zh_row
        if zh.startswith(OUTCOME_GROUP):
            out.append(RequestRow(key, OUTCOME_GROUP, None, zh[len(OUTCOME_GROUP) :]))
        elif zh.startswith("（"):
            sub, _, item = zh.partition(" ")
            if item:
                out.append(RequestRow(key, OUTCOME_GROUP, sub, re.sub(r"^(\d+)\.", r"\1．", item)))
            else:
                out.append(RequestRow(key, OUTCOME_GROUP, None, sub))
        else:
            out.append(RequestRow(key, None, None, zh))
    return out


def _lines(text: str, width: float) -> int:
    """Printed lines of a CJK label in a column of ``width`` points (every glyph one em)."""
    per_line = max(1, int((width - 2 * (CELL_PAD_X + BORDER)) // FONT_PT))
    return math.ceil(len(text) / per_line)


def _run(body: list[RequestRow], i: int, level: str, stop: int) -> int:
    """Rows from ``i`` (before ``stop``) sharing row ``i``'s group or sub-group label."""
    mine = getattr(body[i], level)
    n = 0
    while i + n < stop and getattr(body[i + n], level) == mine:
        n += 1
    return n


def split_ok(template: str, k: int, group_of: str | None = None) -> bool:
    """Whether the body may break before row ``k``.

    A row-group label cut by the break keeps its text on the first page, where PyMuPDF
    needs it to fit in its rows but the last (else it draws a gap without a rule).
    """
    body = request_rows(template, group_of)
    if not 0 < k < len(body):
        return False
    for level, width in (("group", GROUP_W), ("sub", SUB_W)):
        text = getattr(body[k], level)
        if text is None or getattr(body[k - 1], level) != text:
            continue
        first = k - 1
        while first > 0 and getattr(body[first - 1], level) == text:
            first -= 1
        if k - first < _lines(text, width) + 1:
            return False
    return True


def _header(template: str) -> str:
    legal_persons = [label("requests", template, "new_received", c).zh_column.split()[-1] for c in REQUEST_COLUMNS[1:6]]
    return (
        "<tr>"
        + td(BALANCE_NOTE, 3, 3, width=LABELS_W)
        + td("申请人情况", 7, width=7 * VALUE_W)
        + "</tr><tr>"
        + td("自然人", rowspan=2, width=VALUE_W)
        + td("法人或其他组织", 5, width=5 * VALUE_W)
        + td("总计", rowspan=2, width=VALUE_W)
        + "</tr><tr>"
        + "".join(td(t, width=VALUE_W) for t in legal_persons)
        + "</tr>"
    )


def _body(spec: ReportSpec, body: list[RequestRow], start: int, stop: int, digits_pt: float | None = None) -> str:
    """Rows ``start``..``stop``; a label continued from the previous page is an empty box
    (numbers as ``td`` sets them)."""
    out = ""
    for i in range(start, stop):
        row = body[i]
        cells = ""
        if row.group is None:
            cells = td(row.own, 3, cls="label", width=LABELS_W)
        else:
            for level, width in (("group", GROUP_W), ("sub", SUB_W)):
                text = getattr(row, level)
                if text is not None and (i == start or getattr(body[i - 1], level) != text):
                    continued = i > 0 and getattr(body[i - 1], level) == text
                    cells += td("" if continued else text, rowspan=_run(body, i, level, stop), width=width)
            cells += td(row.own, cls="label", width=ITEM_W) if row.sub else td(row.own, 2, cls="label", width=SUB_W + ITEM_W)
        values = "".join(td(fmt_value(spec.cell("requests", row.key, c)), width=VALUE_W, digits_pt=digits_pt)
                         for c in REQUEST_COLUMNS)
        out += f"<tr>{cells}{values}</tr>"
    return out


def requests_html(spec: ReportSpec, table_id: str, split_at: int | None = None, repeat_header: bool = False,
                  digits_pt: float | None = None) -> str:
    """The table, or with ``split_at`` its header and first rows, a page break, and the rest.

    ``repeat_header``: the rest starts with the header rows again, as Word and WPS repeat a
    table's heading rows on every page it runs onto (a reader must not take them for data).

    The second part carries the id ``table_id + "-2"``; an empty marker ``table_id + "-end"``
    follows the first part, so a layout pass can tell on which page that part ends.
    ``digits_pt``: numbers set in the serif face at this size (see ``td``).
    """
    body = request_rows(spec.template, spec.request_group)
    stop = len(body) if split_at is None else split_at
    html = f'<table id="{table_id}">{_header(spec.template)}{_body(spec, body, 0, stop, digits_pt)}</table>'
    html += f'<div id="{table_id}-end"></div>'
    if split_at is not None:
        html += '<div style="page-break-before: always"></div>'
        head = _header(spec.template) if repeat_header else ""
        html += f'<table id="{table_id}-2">{head}{_body(spec, body, split_at, len(body), digits_pt)}</table>'
    return html

"""The three statistical tables of the national format as HTML, with their real merged cells.

Why merged cells matter: in published PDFs the header cells (申请人情况, 法人或其他组织, …)
and the row-group labels (三、本年度办理结果, （三）不予公开, …) span several grid positions,
which is exactly what a PDF table reader gets wrong. Labels come from TEMPLATE_KEYS.csv so
the sample tables print the template's own wording.
"""

from __future__ import annotations

import re
from html import escape

from pipeline.samples.spec import ReportSpec, Value
from pipeline.template import REQUEST_COLUMNS, REVIEW_GROUPS, REVIEW_RESULTS, columns, label, rows

# Section 二: (heading, row keys) per small table, as the national format prints them.
ARTICLE20_TABLES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "2021": [
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("administrative_licensing",)),
        ("第二十条第（六）项", ("administrative_penalty", "administrative_coercion")),
        ("第二十条第（八）项", ("administrative_fees",)),
    ],
    "2019": [
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("administrative_licensing", "other_external_services")),
        ("第二十条第（六）项", ("administrative_penalty", "administrative_coercion")),
        ("第二十条第（八）项", ("administrative_fees",)),
        ("第二十条第（九）项", ("centralized_procurement",)),
    ],
}
ARTICLE20_WIDTH = 4  # every small table is four columns wide; fewer values span the rest
LEGAL_PERSON_COLUMNS = REQUEST_COLUMNS[1:6]
OUTCOME_GROUP = "三、本年度办理结果"


def fmt_value(value: Value) -> str:
    """How a cell prints: blank for None, integers as such, amounts without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def td(text: str, colspan: int = 1, rowspan: int = 1, cls: str = "", width: str = "") -> str:
    """One cell; spans only when > 1, so the HTML reads like a Word export."""
    attrs = ""
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if cls:
        attrs += f' class="{cls}"'
    if width:
        attrs += f' style="width: {width}"'
    return f"<td{attrs}>{escape(text)}</td>"


def _spans(n_values: int) -> list[int]:
    """Column spans of ``n_values`` value cells filling the three value slots."""
    slots = ARTICLE20_WIDTH - 1
    return [1] * (n_values - 1) + [slots - (n_values - 1)]


def article20_html(spec: ReportSpec) -> str:
    """Section 二 as separate small tables, one per article-20 item group."""
    out = []
    for heading, row_keys in ARTICLE20_TABLES[spec.template]:
        cols = columns("article20", spec.template, row_keys[0])
        spans = _spans(len(cols))
        head = "".join(
            td(label("article20", spec.template, row_keys[0], c).zh_column, s) for c, s in zip(cols, spans, strict=True)
        )
        body = ""
        for r in row_keys:
            zh = label("article20", spec.template, r, cols[0]).zh_row
            values = "".join(td(fmt_value(spec.cell("article20", r, c)), s) for c, s in zip(cols, spans, strict=True))
            body += f"<tr>{td(zh, width='28%')}{values}</tr>"
        out.append(
            f"<table><tr>{td(heading, ARTICLE20_WIDTH)}</tr>"
            f"<tr>{td('信息内容', width='28%')}{head}</tr>{body}</table>"
        )
    return "".join(out)


def _request_label(template: str, row_key: str) -> tuple[str | None, str | None, str]:
    """(group, sub-group, own label) of a request row, from its zh_row in the CSV.

    ``三、本年度办理结果（一）予以公开`` → (三…, None, （一）予以公开);
    ``（三）不予公开 1.属于国家秘密`` → (三…, （三）不予公开, 1．属于国家秘密);
    ``一、本年新收…`` → (None, None, 一、本年新收…). Item numbers print with a full-width
    period, as in the national format's own tables.
    """
    zh = label("requests", template, row_key, "total").zh_row
    if zh.startswith(OUTCOME_GROUP):
        return OUTCOME_GROUP, None, zh[len(OUTCOME_GROUP) :]
    if zh.startswith("（"):
        sub, _, item = zh.partition(" ")
        if item:
            return OUTCOME_GROUP, sub, re.sub(r"^(\d+)\.", r"\1．", item)
        return OUTCOME_GROUP, None, sub
    return None, None, zh


def _run_length(keys: list[str], i: int, part: int, template: str) -> int:
    """How many rows from ``i`` on share the group (part 0) or sub-group (part 1) of row ``i``."""
    mine = _request_label(template, keys[i])[part]
    n = 0
    while i + n < len(keys) and _request_label(template, keys[i + n])[part] == mine:
        n += 1
    return n


def requests_html(spec: ReportSpec, table_id: str) -> str:
    """Section 三: three header rows and 3 label columns, with the template's merged cells."""
    values = lambda r: "".join(td(fmt_value(spec.cell("requests", r, c))) for c in REQUEST_COLUMNS)  # noqa: E731
    header = (
        "<tr>"
        + td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3, width="40%")
        + td("申请人情况", 7)
        + "</tr><tr>"
        + td("自然人", rowspan=2)
        + td("法人或其他组织", 5)
        + td("总计", rowspan=2)
        + "</tr><tr>"
        + "".join(td(label("requests", spec.template, "new_received", c).zh_column.split()[-1]) for c in LEGAL_PERSON_COLUMNS)
        + "</tr>"
    )
    keys = list(rows("requests", spec.template))
    body = ""
    for i, r in enumerate(keys):
        group, sub, own = _request_label(spec.template, r)
        cells = ""
        if group is None:
            cells = td(own, 3, cls="label")
        else:
            if i == 0 or _request_label(spec.template, keys[i - 1])[0] != group:
                cells += td(group, rowspan=_run_length(keys, i, 0, spec.template), width="6%")
            if sub is None:
                cells += td(own, 2, cls="label")
            else:
                if _request_label(spec.template, keys[i - 1])[1] != sub:
                    cells += td(sub, rowspan=_run_length(keys, i, 1, spec.template), width="6%")
                cells += td(own, cls="label")
        body += f"<tr>{cells}{values(r)}</tr>"
    return f'<table id="{table_id}">{header}{body}</table>'


def review_html(spec: ReportSpec) -> str:
    """Section 四: 行政复议 (5) and 行政诉讼 (2 × 5) over three header rows, then one data row."""
    results = [label("review_litigation", spec.template, "review", c).zh_column for c in REVIEW_RESULTS]
    header = (
        "<tr>" + td("行政复议", 5) + td("行政诉讼", 10) + "</tr>"
        "<tr>" + "".join(td(t, rowspan=2) for t in results) + td("未经复议直接起诉", 5) + td("复议后起诉", 5) + "</tr>"
        "<tr>" + "".join(td(t) for t in results * 2) + "</tr>"
    )
    data = "".join(td(fmt_value(spec.cell("review_litigation", g, c))) for g in REVIEW_GROUPS for c in REVIEW_RESULTS)
    return f"<table>{header}<tr>{data}</tr></table>"

"""Sections 二 and 四 of the national format as HTML tables, and the cell helpers all tables use.

Why merged cells matter: in published PDFs header cells (行政诉讼, 未经复议直接起诉, …) span
several grid positions, which is exactly what a PDF table reader gets wrong. Labels come
from TEMPLATE_KEYS.csv, so the sample tables print the template's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from pipeline.document import STACKED
from pipeline.samples.spec import ReportSpec, Value
from pipeline.template import REVIEW_GROUPS, REVIEW_RESULTS, columns, label

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
# Column widths in points; they fill the 451 pt between A4 margins of 72 pt. PyMuPDF's HTML
# tables honour only point widths on cells (not % nor <col>).
ARTICLE20_COLS = (130.0, 107.0)  # label, each of three value slots
REVIEW_COL = 30.0
CELL_PAD_X = 2.0  # must match the CSS padding of td
BORDER = 0.75
FONT_PT = 8.5  # table text size; CSS below uses the same
DIGIT_EM = 0.6  # a digit's advance in ems in the CJK font (a little over, to be safe)
# PyMuPDF draws a rowspan cell wrongly (a gap and a missing rule before its last row) when
# its text is taller than its rows but the last; header rows under a two-line rowspan label
# therefore get this much extra vertical padding.
TALL_ROW_PAD = 7.0
# Tight rows, as WPS sets a table in a Song face (measured on a real WPS report: rows 17.05 pt
# from rule to rule around digits 9.6 pt tall, 14 pt type, 2.7 pt clear below a digit and
# 4.7 pt above; rules 0.48 pt hairlines, one or two light pixels in a scan). The upright of a
# 1 and the sides of a 0 then nearly touch the rules, long enough to pass for vertical rules.
# No serif CJK face ships with PyMuPDF or this system, so only the numbers are serif (PyMuPDF's
# built-in Times-Roman, whose light digits are near the Song face's; the renderer embeds it as
# ``SERIF_FAMILY``); the labels keep the CJK face.
TIGHT_DIGITS_PT = 14.0
SERIF_FAMILY = "digits"
SERIF_DIGIT_EM = 0.55  # a digit's advance in ems in the serif face (a little over)
TIGHT_BORDER = 0.24  # each cell draws its own sides: two of them make one 0.48 pt rule
TIGHT_PAD = (2.8, 0.2)  # pt above and below the one-em line of a number: its digits sit as low as the real ones
TABLE_CSS = f"""
table {{ border-collapse: separate; border-spacing: 0; margin: 0 0 6pt 0; }}
td {{ border: {BORDER}pt solid black; padding: 1pt {CELL_PAD_X}pt; font-size: {FONT_PT}pt; line-height: 1.25;
     text-align: center; }}
td.label {{ text-align: left; }}
table.full {{ width: 100%; }}
td.tall {{ padding-top: {TALL_ROW_PAD}pt; padding-bottom: {TALL_ROW_PAD}pt; }}
"""

# the horizontal padding grows by what the thinner sides give back, so columns keep their widths
TIGHT_CSS = f"""
td {{ border-width: {TIGHT_BORDER}pt; padding: {TIGHT_PAD[0]}pt {CELL_PAD_X + BORDER - TIGHT_BORDER:.2f}pt
     {TIGHT_PAD[1]}pt {CELL_PAD_X + BORDER - TIGHT_BORDER:.2f}pt; }}
"""


@dataclass(frozen=True)
class Stacked:
    """Values printed one above the other in one cell (a lost row rule, "19<br>0", two paragraphs).

    A record cell holding it is printed so; its truth is null: a reader must never read the
    pieces as one number (190), and may not guess which one is the cell's.
    """

    values: tuple[int, ...]


def fmt_value(value: Value | Stacked) -> str:
    """How a cell prints: blank for None, integers as such, amounts without a trailing ".0".

    Stacked values come joined with ``STACKED``: ``td`` prints it as <br>, the DOCX and drawn
    PDF renderers as separate paragraphs / lines.
    """
    if isinstance(value, Stacked):
        return STACKED.join(map(str, value.values))
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def td(text: str, colspan: int = 1, rowspan: int = 1, cls: str = "", width: float = 0.0,
       digits_pt: float | None = None) -> str:
    """One cell; spans only when > 1, so the HTML reads like a Word export.

    ``width`` is the column's full width in points; padding and rules are taken off here
    (tables use separate borders, so each cell draws all four of its own rules: a table
    broken across pages is then closed at the page foot and reopened at the top, as Word
    draws it; collapsed borders would leave the first row on the new page without a top rule).
    ``digits_pt``: a number is set in the serif face at this size, one line high (the
    tight rows of ``TIGHT_CSS``); None: in the table's CJK face at ``FONT_PT``.
    """
    attrs = ""
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if cls:
        attrs += f' class="{cls}"'
    number = bool(text) and all(ch.isdigit() or ch in ".-" for ch in text)
    size, em = (digits_pt, SERIF_DIGIT_EM) if digits_pt else (FONT_PT, DIGIT_EM)
    style = ""
    if width:
        inner = width - 2 * (CELL_PAD_X + BORDER)
        style = f"width: {inner:.2f}pt"
        # Story does not wrap a long number: it would spill into the next cell. Publishers
        # shrink the type instead, so a large value is set smaller to fit its cell.
        needed = len(text) * em * size
        if number and needed > inner - 1:
            size = max(3.0, size * (inner - 1) / needed)
            if not digits_pt:
                style += f"; font-size: {size:.2f}pt"
    if number and digits_pt:
        style += f"{'; ' if style else ''}font-family: {SERIF_FAMILY}; font-size: {size:.2f}pt; line-height: 1"
    if style:
        attrs += f' style="{style}"'
    return f"<td{attrs}>{escape(text).replace(STACKED, '<br>')}</td>"


def _spans(n_values: int) -> list[int]:
    """Column spans of ``n_values`` value cells filling the three value slots."""
    slots = ARTICLE20_WIDTH - 1
    return [1] * (n_values - 1) + [slots - (n_values - 1)]


def article20_html(spec: ReportSpec, digits_pt: float | None = None) -> str:
    """Section 二 as separate small tables, one per article-20 item group (numbers as ``td`` sets them)."""
    out = []
    for heading, row_keys in ARTICLE20_TABLES[spec.template]:
        cols = columns("article20", spec.template, row_keys[0])
        spans = _spans(len(cols))
        value_width = ARTICLE20_COLS[1]
        head = "".join(
            td(label("article20", spec.template, row_keys[0], c).zh_column, s, width=value_width if s == 1 else 0)
            for c, s in zip(cols, spans, strict=True)
        )
        body = ""
        for r in row_keys:
            zh = label("article20", spec.template, r, cols[0]).zh_row
            values = "".join(
                td(fmt_value(spec.cell("article20", r, c)), s, width=value_width if s == 1 else 0, digits_pt=digits_pt)
                for c, s in zip(cols, spans, strict=True)
            )
            body += f"<tr>{td(zh, width=ARTICLE20_COLS[0])}{values}</tr>"
        out.append(
            f'<table class="full"><tr>{td(heading, ARTICLE20_WIDTH)}</tr>'

            f"<tr>{td('信息内容', width=ARTICLE20_COLS[0])}{head}</tr>{body}</table>"
        )
    return "".join(out)


def review_html(spec: ReportSpec, digits_pt: float | None = None) -> str:
    """Section 四: 行政复议 (5) and 行政诉讼 (2 × 5) over three header rows, then one data row
    (numbers as ``td`` sets them)."""
    results = [label("review_litigation", spec.template, "review", c).zh_column for c in REVIEW_RESULTS]
    header = (
        "<tr>"
        + td("行政复议", 5)
        + td("行政诉讼", 10)
        + "</tr>"
        "<tr>"
        + "".join(td(t, rowspan=2, width=REVIEW_COL) for t in results)
        + td("未经复议直接起诉", 5, cls="tall")
        + td("复议后起诉", 5, cls="tall")
        + "</tr><tr>"
        + "".join(td(t, width=REVIEW_COL) for t in results * 2)
        + "</tr>"
    )
    data = "".join(
        td(fmt_value(spec.cell("review_litigation", g, c)), width=REVIEW_COL, digits_pt=digits_pt)
        for g in REVIEW_GROUPS for c in REVIEW_RESULTS
    )
    return f"<table>{header}<tr>{data}</tr></table>"

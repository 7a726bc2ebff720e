"""Render a report record as a PDF drawn line by line, its table cells written in random order.

Why: a PDF's content stream need not hold the text in reading order. Some producers write
a table column by column, or cell by cell in whatever order their layout engine visits
them, and MuPDF's text lines then come in that order too. The PDF reader must place every
glyph by its position (the cell holding it), never by where it comes in the stream. This
renderer draws each table's rules (all rules of a page stroked as one path, or a path per
segment) and each line of each cell's text in a shuffled order, so only cell geometry
gives the table back.

It also draws what agencies' Word and WPS exports show and the Story renderer
(``render_pdf``) does not: row-group labels in narrow columns, one or two characters per
line; header cells wrapped over several lines; long numbers wrapped inside narrow cells;
labels and numbers set tight against the rules between them; tables broken between pages
with the merged label cut by the break closed at the page foot and continued as an empty
box on the next page, optionally with the header rows repeated; a running header and page
numbers on every page. Layout choices are drawn from ``rng``; the truth is the record.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import lxml.html  # noqa: E402
import pymupdf  # noqa: E402

from pipeline.document import STACKED  # noqa: E402
from pipeline.readers.html import table_cells  # noqa: E402
from pipeline.samples.render_html import report_spec  # noqa: E402
from pipeline.samples.requests_table import requests_html  # noqa: E402
from pipeline.samples.spec import ReportSpec  # noqa: E402
from pipeline.samples.tables_html import article20_html, review_html  # noqa: E402

PAGE = pymupdf.paper_rect("a4")
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 56.0, 72.0, 72.0
FONT_NAME = "china-s"  # PyMuPDF's built-in CJK font (Droid Sans Fallback), digits included
BODY_PT, TITLE_PT = 12.0, 16.0
PAD = 1.5  # cell padding: text sits tight against the rules
RULE = 0.5

Cell = tuple[int, int, int, int, str]  # row, column, rowspan, colspan, text


@dataclass
class Options:
    """The layout choices for one document."""

    one_line_title: bool
    table_pt: float
    group_w: float  # width of the row-group label column of section 三 (one or two glyphs a line)
    sub_w: float
    align: str  # "center", "left" or "right": numbers end up right next to labels
    repeat_header: bool  # header rows of section 三 repeated on the continuation page
    running_header: str | None
    page_number: str  # format of the page number, with {n} and {total}
    filler: int  # extra paragraphs in section 一: moves where the page breaks fall
    break_before: int | None  # section 三 breaks before this row (2: in its header; 3: header alone at the foot)
    rules: str = "page"  # "page": all rules of a page stroked as one path; "segment": a path each
    # section 三: the rule above this grid row is not drawn across the value columns (a rule a
    # PDF lost: two rows' values stand in one cell, a row apart). None: every rule drawn.
    lost_rule: int | None = None


def options(rng: random.Random, rec: dict) -> Options:
    title = f"{rec['year']}年度政府信息公开工作年度报告"
    return Options(
        one_line_title=rng.random() < 0.5,
        table_pt=rng.choice([7.5, 8.0, 9.0]),
        group_w=rng.choice([13.0, 15.0, 24.0]),
        sub_w=rng.choice([24.0, 30.0, 40.0]),
        align=rng.choice(["center", "left", "right"]),
        repeat_header=rng.random() < 0.3,
        running_header=rng.choice([None, rec.get("agency") or None, title, (rec.get("agency") or "") + title]),
        page_number=rng.choice(["- {n} -", "第{n}页", "第 {n} 页 共 {total} 页", "{n}", "— {n} —"]),
        filler=rng.randint(0, 8),
        break_before=rng.choice([None, 2, 3, 3, rng.randint(4, 24)]),
        rules=rng.choice(["page", "segment"]),
    )


@dataclass
class _Page:
    ops: list[tuple] = field(default_factory=list)  # ("text", point, text, size) or ("rule", p, q)


class _Writer:
    """Pages of drawing operations, with a cursor moving down the body area."""

    def __init__(self) -> None:
        self.font = pymupdf.Font(FONT_NAME)
        self.advances: dict[str, float] = {}
        self.pages: list[_Page] = [_Page()]
        self.y = MARGIN_TOP

    @property
    def bottom(self) -> float:
        return PAGE.height - MARGIN_BOTTOM

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = MARGIN_TOP

    def width(self, text: str, size: float) -> float:
        return size * sum(self._advance(ch) for ch in text)

    def _advance(self, ch: str) -> float:
        if ch not in self.advances:
            self.advances[ch] = self.font.text_length(ch, 1.0)
        return self.advances[ch]

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Lines of ``text`` no wider than ``width``, broken between any two glyphs (CJK style)."""
        lines, line = [], ""
        for ch in text:
            if line and self.width(line + ch, size) > width:
                lines.append(line)
                line = ch
            else:
                line += ch
        return [*lines, line] if line else lines

    def text(self, x: float, baseline: float, text: str, size: float) -> None:
        self.pages[-1].ops.append(("text", (x, baseline), text, size))

    def paragraph(self, text: str, size: float = BODY_PT, *, align: str = "justify", indent: bool = True) -> None:
        body = PAGE.width - 2 * MARGIN_X
        first = 2 * size if indent else 0.0
        lines = self.wrap(text, body - first, size)
        if len(lines) > 1:  # lines after the first use the full width
            lines = [lines[0], *self.wrap(text[len(lines[0]) :], body, size)]
        for k, line in enumerate(lines):
            if self.y + 1.5 * size > self.bottom:
                self.new_page()
            w = self.width(line, size)
            x = {
                "center": (PAGE.width - w) / 2,
                "right": PAGE.width - MARGIN_X - w,
            }.get(align, MARGIN_X + (first if k == 0 else 0.0))
            self.text(x, self.y + size, line, size)
            self.y += 1.5 * size
        self.y += 0.3 * size


def _column_widths(width: int, opts: Options) -> list[float]:
    body = PAGE.width - 2 * MARGIN_X
    if width == 10:  # section 三: group, sub-group, item label, seven values
        item = 150.0
        value = (body - opts.group_w - opts.sub_w - item) / 7
        return [opts.group_w, opts.sub_w, item] + [value] * 7
    if width == 4:
        return [130.0] + [(body - 130.0) / 3] * 3
    return [body / width] * width


def _layout_cells(w: _Writer, cells: list[Cell], n_rows: int, widths: list[float], size: float
                  ) -> tuple[list[float], dict[Cell, list[str]]]:
    """Row heights fitting every cell's wrapped text, and each cell's lines."""
    lh = 1.25 * size
    # stacked values (``tables_html.Stacked``, read back from the HTML with the reader's mark): a line each
    lines = {c: [ln for part in c[4].split(STACKED) for ln in w.wrap(part, sum(widths[c[1] : c[1] + c[3]]) - 2 * PAD - 0.5, size)]
             for c in cells}
    heights = [lh + 2 * PAD] * n_rows
    for c in sorted(cells, key=lambda c: c[2]):  # single rows first; a span stretches its last row
        r, _, rs, _, _ = c
        need = len(lines[c]) * lh + 2 * PAD
        have = sum(heights[r : r + rs])
        if need > have:
            heights[r + rs - 1] += need - have
    return heights, lines


def _draw_table(w: _Writer, cells: list[Cell], n_rows: int, width: int, opts: Options, rng: random.Random,
                header_rows: int, break_before: int | None = None, lost_rule: int | None = None) -> None:
    """One ruled table at the cursor, broken across pages between rows where it must be.

    A cell cut by the break is drawn as two boxes: its text in the part on the first page
    (the break moves up when that part is too short for the text), an empty box continuing
    it on the next page. Text lines are drawn in random order.
    """
    size = opts.table_pt
    lh = 1.25 * size
    widths = _column_widths(width, opts)
    xs = [MARGIN_X + sum(widths[:j]) for j in range(width + 1)]
    heights, lines = _layout_cells(w, cells, n_rows, widths, size)

    def needed(c: Cell) -> float:
        return len(lines[c]) * lh + 2 * PAD

    def next_page() -> None:
        w.new_page()
        if opts.repeat_header and header_rows:
            _draw_rows(w, cells, 0, header_rows, heights, lines, xs, opts, rng)

    start, fresh = 0, False  # fresh: the page holds nothing but the repeated header
    while start < n_rows:
        room = w.bottom - w.y
        stop = start
        while stop < n_rows and sum(heights[start : stop + 1]) <= room:
            stop += 1
        if break_before is not None and start < break_before < stop:
            if not (opts.repeat_header and break_before < header_rows):  # a header that repeats is kept whole
                stop = break_before
            break_before = None  # once: the next page starts from there
        if opts.repeat_header and start < stop < header_rows:  # a header that repeats is kept whole
            stop = start
        fits = stop
        moved = stop < n_rows  # a break before ``stop``: the text of a cell it cuts must fit above it
        while moved:
            moved = False
            for c in cells:
                r, rs = c[0], c[2]
                if start <= r < stop < r + rs and c[4] and needed(c) > sum(heights[r:stop]):
                    stop, moved = r, True
        if stop == start:  # nothing fits here
            if not fresh:
                if start:
                    next_page()
                else:
                    w.new_page()
                fresh = True
                continue
            stop = max(fits, start + 1)
        _draw_rows(w, cells, start, stop, heights, lines, xs, opts, rng, lost_rule)
        start, fresh = stop, False
        if start < n_rows:
            next_page()
            fresh = True
    w.y += 8.0


VALUE_COLUMN = 3  # section 三's first value column (group, sub-group, item label before it)


def _draw_rows(w: _Writer, cells: list[Cell], start: int, stop: int, heights: list[float],
               lines: dict[Cell, list[str]], xs: list[float], opts: Options, rng: random.Random,
               lost_rule: int | None = None) -> None:
    """Rows ``start``..``stop`` of a table at the cursor: rules, then text lines shuffled.

    ``lost_rule``: the rule above that row is left out across the value columns.
    """
    size, lh = opts.table_pt, 1.25 * opts.table_pt
    tops = [w.y + sum(heights[start:i]) for i in range(start, stop + 1)]
    ops: list[tuple] = []
    for c in cells:
        r, col, rs, cs, _ = c
        if r + rs <= start or r >= stop:
            continue
        a, b = max(r, start), min(r + rs, stop)
        rect = pymupdf.Rect(xs[col], tops[a - start], xs[col + cs], tops[b - start])
        lost = lost_rule is not None and col >= VALUE_COLUMN
        if not (lost and a == lost_rule):
            ops.append(("rule", rect.tl, rect.tr))
        if not (lost and b == lost_rule):
            ops.append(("rule", rect.bl, rect.br))
        ops += [("rule", rect.tl, rect.bl), ("rule", rect.tr, rect.br)]
        if r < start:  # continued from the previous page: an empty box
            continue
        text_lines = lines[c]
        y0 = rect.y0 + (rect.height - len(text_lines) * lh) / 2
        for k, line in enumerate(text_lines):
            lw = w.width(line, size)
            x = {"left": rect.x0 + PAD, "right": rect.x1 - PAD - lw}.get(opts.align, (rect.x0 + rect.x1 - lw) / 2)
            ops.append(("text", (x, y0 + k * lh + 0.95 * size), line, size))
    rng.shuffle(ops)
    w.pages[-1].ops += ops
    w.y = tops[-1]


def _tables(html: str) -> list[tuple[list[Cell], int, int]]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [table_cells(t) for t in root.iter("table")]


def render_drawn_pdf(rec: dict, out: Path, rng: random.Random, opts: Options | None = None) -> Path:
    """Write the record (the shape of ``random_record``) as a drawn PDF to ``out``; return ``out``."""
    spec: ReportSpec = report_spec(rec)
    opts = opts or options(rng, rec)
    w = _Writer()
    titles = ["".join(spec.title_lines)] if opts.one_line_title else spec.title_lines
    for t in titles:
        w.paragraph(t, TITLE_PT, align="center", indent=False)
    for p in spec.preamble:
        w.paragraph(p)
    filler = "本机关坚持以公开为常态、不公开为例外，持续完善政府信息公开工作机制。"
    sections = [
        ("一、总体情况", spec.section1 + [filler * 3] * opts.filler, None),
        ("二、主动公开政府信息情况", [], article20_html(spec)),
        ("三、收到和处理政府信息公开申请情况", [], requests_html(spec, "t3")),
        ("四、政府信息公开行政复议、行政诉讼情况", [], review_html(spec)),
        ("五、存在的主要问题及改进情况", spec.section5, None),
        ("六、其他需要报告的事项", spec.section6, None),
    ]
    for heading, paras, html in sections:
        w.paragraph(heading)
        for p in paras:
            w.paragraph(p)
        for cells, n_rows, width in _tables(html) if html else []:
            big = width == 10
            _draw_table(w, cells, n_rows, width, opts, rng, 3 if big else 0, opts.break_before if big else None,
                        opts.lost_rule if big else None)
    w.paragraph(spec.signature_agency, align="right", indent=False)
    w.paragraph(spec.signature_date, align="right", indent=False)
    return _save(w, opts, Path(out))


def _save(w: _Writer, opts: Options, out: Path) -> Path:
    doc = pymupdf.open()
    total = len(w.pages)
    for n, content in enumerate(w.pages, 1):
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        shape = page.new_shape()
        for op in content.ops:
            if op[0] == "rule":
                shape.draw_line(op[1], op[2])
                if opts.rules == "segment":
                    shape.finish(color=(0, 0, 0), width=RULE)
        if opts.rules == "page":
            shape.finish(color=(0, 0, 0), width=RULE)
        shape.commit()
        # one text object per page, its lines in the order of ``ops`` (shuffled in tables)
        writer = pymupdf.TextWriter(page.rect)
        for op in content.ops:
            if op[0] == "text":
                writer.append(op[1], op[2], font=w.font, fontsize=op[3])
        if opts.running_header:
            writer.append((MARGIN_X, 44), opts.running_header, font=w.font, fontsize=9)
        number = opts.page_number.format(n=n, total=total)
        writer.append(((PAGE.width - w.width(number, 10.5)) / 2, PAGE.height - 36), number, font=w.font, fontsize=10.5)
        writer.write_text(page)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.subset_fonts()
    doc.save(out, garbage=3, deflate=True)
    doc.close()
    return out

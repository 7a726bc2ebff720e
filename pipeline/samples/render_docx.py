"""Render a report record as a Word document (DOCX), with real Word tables and merged cells.

Why: the DOCX reader must be tested on documents whose every cell is known, with the
national format's merged header and row-group cells as Word stores them (``gridSpan`` and
``vMerge``, made by python-docx's ``cell.merge``), blank cells left empty. The table
structure is the one the sample PDFs and web pages use (``tables_html`` and
``requests_table``): their HTML tables are laid out once (``table_cells``) and rebuilt
here cell by cell, so the three renderers cannot drift apart.

The core properties name an author and a title, as Word does: file metadata the reader
must keep out of the report's text.
"""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docx
import lxml.html
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from pipeline.document import STACKED
from pipeline.readers.html import table_cells
from pipeline.samples.render_html import report_spec
from pipeline.samples.requests_table import requests_html
from pipeline.samples.spec import ReportSpec
from pipeline.samples.tables_html import article20_html, review_html

AUTHOR = "Administrator"  # what Word puts there: file metadata, not the reporting agency
TABLE_PT = 8
# column widths (cm) by table width: section 二's small tables, section 三, section 四
WIDTHS = {4: [4.6, 4.0, 4.0, 4.0], 10: [1.0, 1.4, 4.6] + [1.4] * 7, 15: [1.1] * 15}


def _cjk_font(run_or_style, name: str = "宋体") -> None:
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _cant_split(tr) -> None:
    trpr = tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    trpr.append(el)


def add_table(d: docx.document.Document, cells: list[tuple[int, int, int, int, str]], n_rows: int, width: int) -> None:
    """One Word table: cells merged over their spans, text in the merged cell, blanks empty.

    Text goes in before the merges (an empty cell merged into a filled one adds nothing),
    through the cells as first built: python-docx's ``table.cell`` re-reads the whole table
    on every call.
    """
    t = d.add_table(rows=n_rows, cols=width)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    widths = WIDTHS.get(width, [16.0 / width] * width)
    for j, w in enumerate(widths):
        t.columns[j].width = Cm(w)
    grid = [[_Cell(tc, t) for tc in tr.tc_lst] for tr in t._tbl.tr_lst]
    for row, tr in zip(grid, t._tbl.tr_lst, strict=True):
        _cant_split(tr)
        for j, cell in enumerate(row):
            cell.width = Cm(widths[j])
    for r, c, _rs, _cs, text in cells:
        para = grid[r][c].paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for k, piece in enumerate(text.split(STACKED) if text else []):  # stacked values: a paragraph each
            if k:
                para = grid[r][c].add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.add_run(piece).font.size = Pt(TABLE_PT)
    for r, c, rs, cs, _text in cells:
        if rs > 1 or cs > 1:
            grid[r][c].merge(grid[r + rs - 1][c + cs - 1])
    d.add_paragraph()  # adjacent tables would run together into one


def _html_tables(html: str) -> list[tuple[list, int, int]]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [table_cells(t) for t in root.iter("table")]


def _para(d, text: str, *, bold: bool = False, size: float = 12, align=None, indent: bool = True) -> None:
    p = d.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * size)
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def table_picture(html: str, dpi: int = 200) -> tuple[bytes, float]:
    """A PNG of one table (its HTML laid out by PyMuPDF Story at the report PDF's body width,
    cropped to it) and its width in points: a table pasted into Word as a screenshot."""
    from io import BytesIO

    import pymupdf

    from pipeline.samples.render_pdf import BODY, CSS, _cjk_archive

    story = pymupdf.Story(f"<body>{html}</body>", user_css=CSS, archive=_cjk_archive())
    where = pymupdf.Rect(0, 0, BODY.width, 3000)
    sink = BytesIO()
    writer = pymupdf.DocumentWriter(sink)
    device = writer.begin_page(where)
    _more, filled = story.place(where)
    story.draw(device)
    writer.end_page()
    writer.close()
    with pymupdf.open("pdf", sink.getvalue()) as doc:
        clip = pymupdf.Rect(filled) + (-4, -4, 4, 4)
        png = doc[0].get_pixmap(dpi=dpi, clip=clip, colorspace=pymupdf.csGRAY).tobytes("png")
    return png, clip.width


def report_docx(spec: ReportSpec, *, one_line_title: bool = False, picture_tables: bool = False
                ) -> docx.document.Document:
    """The report as a Word document; ``one_line_title`` sets agency and title on one line;
    ``picture_tables``: the three statistical tables pasted as pictures (screenshots), as some
    agencies do, so only OCR can read them."""
    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    normal = d.styles["Normal"]
    normal.font.size = Pt(12)
    _cjk_font(normal)
    d.core_properties.author = AUTHOR
    d.core_properties.title = "".join(spec.title_lines)
    m = re.match(r"(\d+)年(\d+)月(\d+)日", spec.signature_date)
    if m:
        d.core_properties.created = d.core_properties.modified = datetime(*map(int, m.groups()), 9, 30)
    for line in ["".join(spec.title_lines)] if one_line_title else spec.title_lines:
        _para(d, line, bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for text in spec.preamble:
        _para(d, text)
    sections = [
        ("一、总体情况", spec.section1, None),
        ("二、主动公开政府信息情况", [], article20_html(spec)),
        ("三、收到和处理政府信息公开申请情况", [], requests_html(spec, "t3")),
        ("四、政府信息公开行政复议、行政诉讼情况", [], review_html(spec)),
        ("五、存在的主要问题及改进情况", spec.section5, None),
        ("六、其他需要报告的事项", spec.section6, None),
    ]
    for heading, paras, tables in sections:
        _para(d, heading, bold=True)
        for text in paras:
            _para(d, text)
        if tables and picture_tables:
            png, width_pt = table_picture(tables)
            d.add_picture(BytesIO(png), width=Pt(width_pt))
            continue
        for cells, n_rows, width in _html_tables(tables) if tables else []:
            add_table(d, cells, n_rows, width)
    _para(d, spec.signature_agency, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(d, spec.signature_date, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    return d


def render_docx(rec: dict, out: Path, *, one_line_title: bool = False, picture_tables: bool = False) -> Path:
    """Write the record (the shape of ``random_record``) as a DOCX to ``out`` and return ``out``.

    The title prints on two lines (agency, then "{year}年度政府信息公开工作年度报告") unless
    ``one_line_title``.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report_docx(report_spec(rec), one_line_title=one_line_title, picture_tables=picture_tables).save(str(out))
    return out

"""Render a ``ReportSpec`` as a PDF laid out like a published annual report.

Why: the PDF reader must be tested on PDFs whose every cell is known. These PDFs follow the
national layout (ruled tables with the real merged header and row-group cells, the big
section-三 table broken across a page, page numbers in the footer), so what the reader sees
is what agencies publish, yet each value can be compared with the spec that produced it.

Rendering uses PyMuPDF's ``Story`` (HTML + CSS). Chinese needs a font with CJK glyphs:
PyMuPDF ships one (Droid Sans Fallback, ``pymupdf.Font("china-s")``); its buffer is put
into a ``pymupdf.Archive`` and named in an ``@font-face`` rule, so every glyph comes from
that one embedded font, and the font is subset at the end (3.5 MB down to a few KB).
"""

from __future__ import annotations

import sys

sys.modules.setdefault("pymupdf.layout", None)  # no ONNX layout model: 1 s and 225 MB per import

from html import escape  # noqa: E402
from io import BytesIO  # noqa: E402
from pathlib import Path  # noqa: E402

import pymupdf  # noqa: E402

from pipeline.samples.spec import ReportSpec  # noqa: E402
from pipeline.samples.tables_html import article20_html, requests_html, review_html  # noqa: E402

PAGE = pymupdf.paper_rect("a4")
MARGINS = (72, 72, 72, 72)  # left, top, right, bottom (points)
BODY = PAGE + (MARGINS[0], MARGINS[1], -MARGINS[2], -MARGINS[3])
REQUESTS_TABLE_ID = "requests-table"

CSS = """
@font-face { font-family: cjk; src: url(cjk.ttf); }
* { font-family: cjk; }
body { font-size: 12pt; line-height: 1.5; }
p { margin: 0 0 4pt 0; text-indent: 2em; text-align: justify; }
p.title { text-indent: 0; text-align: center; font-size: 16pt; margin: 0; }
p.sig { text-indent: 0; text-align: right; margin: 0; }
h2 { font-size: 12pt; font-weight: normal; margin: 8pt 0 4pt 0; text-indent: 2em; }
table { border-collapse: collapse; width: 100%; margin: 0 0 6pt 0; }
td { border: 0.75pt solid black; padding: 1pt 2pt; font-size: 8.5pt; line-height: 1.25;
     text-align: center; vertical-align: middle; }
td.label { text-align: left; }
"""


def report_html(spec: ReportSpec, spacer_pt: float = 0.0) -> str:
    """The report as HTML; ``spacer_pt`` pushes section 三 down so its table breaks across pages."""
    paras = lambda items: "".join(f"<p>{escape(t)}</p>" for t in items)  # noqa: E731
    parts = [f'<p class="title">{escape(t)}</p>' for t in spec.title_lines]
    parts.append(paras(spec.preamble))
    parts.append("<h2>一、总体情况</h2>" + paras(spec.section1))
    parts.append("<h2>二、主动公开政府信息情况</h2>" + article20_html(spec))
    parts.append(f'<h2 style="margin-top: {8 + spacer_pt:.1f}pt">三、收到和处理政府信息公开申请情况</h2>')
    parts.append(requests_html(spec, REQUESTS_TABLE_ID))
    parts.append("<h2>四、政府信息公开行政复议、行政诉讼情况</h2>" + review_html(spec))
    parts.append("<h2>五、存在的主要问题及改进情况</h2>" + paras(spec.section5))
    parts.append("<h2>六、其他需要报告的事项</h2>" + paras(spec.section6))
    parts.append(f'<p class="sig">{escape(spec.signature_agency)}</p><p class="sig">{escape(spec.signature_date)}</p>')
    return "<body>" + "".join(parts) + "</body>"


def _layout(html: str, archive: pymupdf.Archive, writer: pymupdf.DocumentWriter | None) -> dict[str, tuple]:
    """Lay the story out page by page; returns where the requests table opens and closes.

    Each position is (page index, rect); with ``writer`` None nothing is drawn (a dry run).
    """
    story = pymupdf.Story(html, user_css=CSS, archive=archive)
    marks: dict[str, tuple] = {}
    page = 0
    more = True
    while more:
        device = writer.begin_page(PAGE) if writer else None
        more, _ = story.place(BODY)

        def note(pos) -> None:
            if pos.id == REQUESTS_TABLE_ID:
                key = "open" if pos.open_close & 1 else "close"
                marks.setdefault(key, (pos.page, pymupdf.Rect(pos.rect)))

        story.element_positions(note, {"page": page})
        story.draw(device)
        if writer:
            writer.end_page()
        page += 1
    return marks


def _spacer_for_split(marks: dict[str, tuple]) -> float:
    """Extra space before section 三 so that about half of its table falls on the next page.

    Published reports nearly always break this table; a table that happens to fit on one
    page would leave the reader's continuation handling untested.
    """
    (p_open, r_open), (p_close, r_close) = marks["open"], marks["close"]
    if p_open != p_close:
        return 0.0
    height = r_close.y1 - r_open.y0
    return max(0.0, BODY.y1 - height / 2 - r_open.y0)


def _decorate(doc: pymupdf.Document, running_header: str | None, page_numbers: bool) -> None:
    """Page numbers ("- 3 -") and an optional running header: what the reader must strip."""
    for page in doc:
        if page_numbers:
            label = f"- {page.number + 1} -"
            width = pymupdf.get_text_length(label, fontname="helv", fontsize=10.5)
            page.insert_text(((PAGE.width - width) / 2, PAGE.height - 36), label, fontname="helv", fontsize=10.5)
        if running_header:
            page.insert_text((MARGINS[0], 48), running_header, fontname="china-s", fontsize=9)


def render_report_pdf(
    spec: ReportSpec,
    out: Path,
    *,
    page_numbers: bool = True,
    running_header: str | None = None,
    split_requests_table: bool = True,
) -> Path:
    """Write ``spec`` as an A4 PDF to ``out`` and return ``out``.

    ``split_requests_table`` adds space before section 三 when its table would otherwise
    fit on one page, so the table breaks across pages as in most published reports.
    """
    archive = pymupdf.Archive()
    archive.add(pymupdf.Font("china-s").buffer, "cjk.ttf")
    spacer = 0.0
    if split_requests_table:
        spacer = _spacer_for_split(_layout(report_html(spec), archive, None))
    sink = BytesIO()
    writer = pymupdf.DocumentWriter(sink)
    _layout(report_html(spec, spacer), archive, writer)
    writer.close()
    doc = pymupdf.open("pdf", sink.getvalue())
    try:
        _decorate(doc, running_header, page_numbers)
        doc.subset_fonts()
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(out, garbage=3, deflate=True)
    finally:
        doc.close()
    return out

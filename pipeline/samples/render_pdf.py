"""Render a ``ReportSpec`` as a PDF laid out like a published annual report.

Why: the PDF reader and the parser must be tested on PDFs whose every cell is known. These
PDFs follow the national layout (ruled tables with the real merged header and row-group
cells, the big section-三 table broken across a page, page numbers in the footer), so the
reader sees what agencies publish, yet each value can be checked against its spec.

Chinese text: PyMuPDF's ``Story`` (HTML + CSS) needs a font with CJK glyphs. PyMuPDF ships
one (Droid Sans Fallback, ``pymupdf.Font("china-s")``); its buffer goes into a
``pymupdf.Archive`` and is named by an ``@font-face`` rule, so every glyph (digits too)
comes from that one embedded font, and the font is subset at the end (a 3.5 MB font; a
sample report comes to some 60 KB). The text extracts as real Chinese with ``get_text()``.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import re  # noqa: E402
from html import escape  # noqa: E402
from io import BytesIO  # noqa: E402
from pathlib import Path  # noqa: E402

import pymupdf  # noqa: E402

from pipeline.samples.requests_table import request_rows, requests_html, split_ok  # noqa: E402
from pipeline.samples.spec import ReportSpec  # noqa: E402
from pipeline.samples.tables_html import (  # noqa: E402
    SERIF_FAMILY,
    TABLE_CSS,
    TIGHT_CSS,
    TIGHT_DIGITS_PT,
    article20_html,
    review_html,
)

PAGE = pymupdf.paper_rect("a4")
MARGIN = 72.0
BODY = PAGE + (MARGIN, MARGIN, -MARGIN, -MARGIN)
REQUESTS_ID = "requests-table"
MAX_PAGES = 100  # a story that is still not placed after this many pages will never be

CSS = (
    """
@font-face { font-family: cjk; src: url(cjk.ttf); }
* { font-family: cjk; }
body { margin: 0; font-size: 12pt; }  /* no line-height: see check_narrative */
p { margin: 0 0 6pt 0; text-indent: 2em; text-align: justify; }
p.title { text-indent: 0; text-align: center; font-size: 16pt; margin: 0; }
p.sig { text-indent: 0; text-align: right; margin: 0; }
h2 { font-size: 12pt; font-weight: normal; margin: 8pt 0 4pt 0; text-indent: 2em; }
h2.newpage { page-break-before: always; }
"""
    + TABLE_CSS
)


def report_html(spec: ReportSpec, split_at: int | None = None, section3_on_new_page: bool = False,
                repeat_header: bool = False, digits_pt: float | None = None) -> str:
    """The whole report as HTML, section 三's table broken before body row ``split_at``
    (its header rows printed again after the break with ``repeat_header``; the tables'
    numbers set in the serif face at ``digits_pt``, see ``tables_html.td``)."""

    def paras(items: list[str]) -> str:
        return "".join(f"<p>{escape(t)}</p>" for t in items)

    h3 = ' class="newpage"' if section3_on_new_page else ""
    parts = [f'<p class="title">{escape(t)}</p>' for t in spec.title_lines]
    parts += [
        paras(spec.preamble),
        "<h2>一、总体情况</h2>" + paras(spec.section1),
        "<h2>二、主动公开政府信息情况</h2>" + article20_html(spec, digits_pt),
        f"<h2{h3}>三、收到和处理政府信息公开申请情况</h2>"
        + requests_html(spec, REQUESTS_ID, split_at, repeat_header, digits_pt),
        "<h2>四、政府信息公开行政复议、行政诉讼情况</h2>" + review_html(spec, digits_pt),
        "<h2>五、存在的主要问题及改进情况</h2>" + paras(spec.section5),
        "<h2>六、其他需要报告的事项</h2>" + paras(spec.section6),
        f'<p class="sig">{escape(spec.signature_agency)}</p><p class="sig">{escape(spec.signature_date)}</p>',
    ]
    return "<body>" + "".join(parts) + "</body>"


def _css(tight_rows: bool) -> str:
    """The page CSS; with ``tight_rows`` the serif face for numbers and the tight cells added
    (the default CSS stays as it was, so the default layouts do not change by a byte of content)."""
    if not tight_rows:
        return CSS
    return f"@font-face {{ font-family: {SERIF_FAMILY}; src: url(serif.cff); }}\n" + CSS + TIGHT_CSS


def _digits_pt(tight_rows: bool) -> float | None:
    """The size numbers are set at in the serif face (None: in the CJK face, as by default)."""
    return TIGHT_DIGITS_PT if tight_rows else None


def _cjk_archive(tight_rows: bool = False) -> pymupdf.Archive:
    """The fonts the CSS names: the CJK face, and with ``tight_rows`` the serif one for numbers."""
    archive = pymupdf.Archive()
    archive.add(pymupdf.Font("china-s").buffer, "cjk.ttf")
    if tight_rows:
        archive.add(pymupdf.Font("tiro").buffer, "serif.cff")
    return archive


def _layout(html: str, archive: pymupdf.Archive, writer: pymupdf.DocumentWriter | None = None,
            css: str = CSS) -> dict[str, int]:
    """Lay the story out page by page (drawing only with a ``writer``).

    Returns, per element id, the page number (1-based) where the element starts. (The box
    PyMuPDF reports for a table broken by the page is cut at the page foot, so it cannot
    tell whether the table went on; the page of a marker after the table can.)
    """
    story = pymupdf.Story(html, user_css=css, archive=archive)
    seen: dict[str, int] = {}

    def note(pos) -> None:
        if pos.id and pos.open_close & 1:
            seen.setdefault(pos.id, pos.rect_num)

    page, more = 0, True
    while more:
        if page >= MAX_PAGES:
            raise RuntimeError(f"report layout does not end after {MAX_PAGES} pages")
        device = writer.begin_page(PAGE) if writer else None
        more, _ = story.place(BODY)
        story.element_positions(note)
        story.draw(device)
        if writer:
            writer.end_page()
        page += 1
    return seen


def _fits(spec: ReportSpec, archive: pymupdf.Archive, k: int, new_page: bool, tight_rows: bool = False) -> bool:
    """Whether the header and the first ``k`` body rows stay on the page the table starts on."""
    pages = _layout(report_html(spec, k, new_page, digits_pt=_digits_pt(tight_rows)), archive, css=_css(tight_rows))
    return pages[REQUESTS_ID] == pages[REQUESTS_ID + "-end"]


def choose_split(spec: ReportSpec, archive: pymupdf.Archive, tight_rows: bool = False) -> tuple[int, bool]:
    """Where to break the section-三 table: (body row index, section 三 on a new page).

    The break fills the page the table starts on, as in a Word export. When the page has no
    room for a sensible first part, section 三 starts a new page; when the whole table would
    fit, it breaks half-way, because published reports nearly always break it and a table
    that fits would leave the reader's continuation handling untested.
    """
    n = len(request_rows(spec.template, spec.request_group))
    for new_page in (False, True):
        lo, hi = 0, n  # largest k that fits, by bisection (more rows never fit better)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if _fits(spec, archive, mid, new_page, tight_rows) else (lo, mid - 1)
        k = n // 2 if lo == n else lo
        while k > 0 and not split_ok(spec.template, k, spec.request_group):
            k -= 1
        if k >= 2:
            return k, new_page
    raise ValueError("section 三 table cannot be broken across pages")  # not reached on A4


def check_narrative(doc: pymupdf.Document, spec: ReportSpec) -> None:
    """Raise when a paragraph of the spec is not in the PDF's text.

    Why: PyMuPDF's Story has been seen to place a paragraph below the page bottom instead of
    on the next page (with ``line-height: 1.5``), silently dropping a page of content. A
    sample missing text would mislead every test built on it.
    """
    text = re.sub(r"\s+", "", "".join(page.get_text() for page in doc))
    for para in [*spec.title_lines, *spec.preamble, *spec.section1, *spec.section5, *spec.section6]:
        if re.sub(r"\s+", "", para) not in text:
            raise RuntimeError(f"rendering lost text: {para[:40]}…")


def _decorate(doc: pymupdf.Document, running_header: str | None, page_numbers: bool) -> None:
    """Page numbers ("- 3 -") and an optional running header: what the reader must strip."""
    for page in doc:
        if page_numbers:
            text = f"- {page.number + 1} -"
            width = pymupdf.get_text_length(text, fontname="helv", fontsize=10.5)
            page.insert_text(((PAGE.width - width) / 2, PAGE.height - 36), text, fontname="helv", fontsize=10.5)
        if running_header:
            page.insert_text((MARGIN, 48), running_header, fontname="china-s", fontsize=9)


def render_report_pdf(
    spec: ReportSpec,
    out: Path,
    *,
    page_numbers: bool = True,
    running_header: str | None = None,
    split_requests_table: bool = True,
    repeat_header: bool = False,
    tight_rows: bool = False,
) -> Path:
    """Write ``spec`` as an A4 PDF to ``out`` and return ``out``.

    ``split_requests_table`` breaks the section-三 table across two pages (see
    ``choose_split``); without it the table falls where it falls, and if PyMuPDF breaks it
    inside a row group, that group's label cell is drawn without its closing rules.
    ``repeat_header``: the broken table's header rows are printed again on its next page.
    ``tight_rows``: the tables set as a WPS report in a Song face sets them (``TIGHT_CSS``):
    numbers in a serif face at 14 pt in rows hardly taller than their digits, hairline rules.
    """
    archive = _cjk_archive(tight_rows)
    split_at, new_page = choose_split(spec, archive, tight_rows) if split_requests_table else (None, False)
    sink = BytesIO()
    writer = pymupdf.DocumentWriter(sink)
    _layout(report_html(spec, split_at, new_page, repeat_header, _digits_pt(tight_rows)), archive, writer,
            _css(tight_rows))
    writer.close()
    doc = pymupdf.open("pdf", sink.getvalue())
    try:
        check_narrative(doc, spec)
        _decorate(doc, running_header, page_numbers)
        doc.subset_fonts()
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(out, garbage=3, deflate=True)
    finally:
        doc.close()
    return out

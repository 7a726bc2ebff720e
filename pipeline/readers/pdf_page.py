"""One PDF page read: text lines outside tables, and the page's ruled tables filled glyph by glyph.

Why glyph by glyph: a MuPDF text line often runs through several cells of a table row
("规章 0 0 0"), so lines cannot be assigned to cells whole; each glyph goes to the cell
holding its centre, and a cell's text is its glyph runs, one per text line, joined.
Outside tables, MuPDF's lines are kept as they come (content order, what ``get_text()``
gives), each table standing where its first glyph comes.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import pymupdf  # noqa: E402

from pipeline.readers.pdf_lattice import vector_rules  # noqa: E402
from pipeline.readers.pdf_tables import BBox, Box, PageTable, find_page_tables, render_rows  # noqa: E402

# get_text()'s flags, except that a glyph without a Unicode mapping reads as U+FFFD rather
# than as its CID: garbage that looks like text would pass every later check.
TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_USE_CID_FOR_UNKNOWN_UNICODE
# A glyph without a Unicode mapping: U+FFFD, or a private-use code point (a font's own
# glyph numbering passed through as text).
_UNMAPPED = re.compile("[\ufffd\ue000-\uf8ff]")
# ... except a lone list bullet of Word's Symbol and Wingdings fonts, which reach the text
# layer as their private-use code points (U+F0B7 "•", U+F0A7 "▪", U+F0D8 "➢", U+F0FC "✓",
# U+F06C "●", U+F06E "■", U+F075 "◆", U+F076 "❖"): a page of bulleted text is not garbage.
# Only these, and only alone: a digit in a font's own numbering (U+F030–U+F039) is lost, and
# garbage from a font without ToUnicode comes in runs.
_SYMBOL_BULLET = re.compile(
    "(?<![\ufffd\ue000-\uf8ff])[\uf0b7\uf0a7\uf0a8\uf0d8\uf0fc\uf06c\uf06e\uf075\uf076](?![\ufffd\ue000-\uf8ff])"
)


def might_be_unmapped(text: str) -> bool:
    """Whether ``text`` holds any U+FFFD or private-use glyph (else ``unmapped(text)`` is 0)."""
    return _UNMAPPED.search(text) is not None


def unmapped(text: str) -> int:
    """The glyphs of ``text`` without a Unicode mapping (a symbol font's lone bullet aside).

    Called for every span of every page: one search settles the usual text, which has none.
    """
    if not _UNMAPPED.search(text):
        return 0
    return len(_UNMAPPED.findall(text)) - len(_SYMBOL_BULLET.findall(text))
CLIP_PAD = 1.0  # points around a line's box when its glyphs alone are extracted


@dataclass
class Line:
    """A text line outside tables, with its box (for header/footer and continuation tests)."""

    text: str
    bbox: BBox | pymupdf.Rect


@dataclass
class PageContent:
    """One page read: text lines and tables in content order, and glyph and image counts."""

    number: int
    height: float
    flow: list[Line | PageTable] = field(default_factory=list)
    tables: list[PageTable] = field(default_factory=list)
    glyphs: int = 0
    undecodable: int = 0
    images: int = 0  # counted on pages without text only (a scan), where it is used
    width: float = 0.0  # 0: not known (no facing-page test for running headers)
    y_range: tuple[float, float] = (0.0, 0.0)  # from the top of the highest table to the foot of the lowest
    ocr: bool = False  # read from the page image by OCR (a scan, or a page whose text layer is unreadable)
    unsure_vectors: bool = False  # the page's vector blocks could not give its rules (curves, polylines)
    notes: list[str] = field(default_factory=list)  # cells OCR left blank, and why (value_unreadable)

    @property
    def lines(self) -> list[Line]:
        return [item for item in self.flow if isinstance(item, Line)]

    def text(self) -> str:
        """Lines outside tables as they are; each table as its rows, tab-joined."""
        return "\n".join(item.text if isinstance(item, Line) else render_rows(item.rows(), item.ocr)
                         for item in self.flow)


def upright_copy(page: pymupdf.Page) -> pymupdf.Document:
    """A one-page PDF showing ``page`` as displayed, without a /Rotate entry.

    Why: on rotated pages, PyMuPDF 2.0's ``find_tables`` returns cells in a coordinate
    system that does not match text extraction (measured on a landscape page stored as a
    rotated portrait page), so glyphs would land in the wrong cells.
    """
    scratch = pymupdf.open()
    copy = scratch.new_page(width=page.rect.width, height=page.rect.height)
    copy.show_pdf_page(copy.rect, page.parent, page.number)
    return scratch


def read_page(page: pymupdf.Page, vectors: bool = True) -> PageContent:
    """Text lines and tables of one page in content order; glyphs inside a table go to its cells.

    ``vectors``: collect the page's vector blocks with its text, to find its rules in them
    (``pdf_lattice.vector_rules``). When they cannot give the rules (curves, polylines), the
    page's paths are read with ``get_cdrawings()`` instead and ``unsure_vectors`` is set: a
    producer that draws one page so draws them all (measured on generated reports: every
    page of a document alike), so ``read_pdf`` reads its following pages without vectors
    and straight from ``get_cdrawings()``, which finds the same rules (0.8 ms a report
    less on PDFs whose tables are polylines).
    """
    rect = page.rect
    content = PageContent(page.number + 1, rect.height, width=rect.width)
    shown = page
    if page.rotation:
        scratch = upright_copy(page)  # referenced until the page is read
        shown = scratch[0]
    textpage = shown.get_textpage(flags=(TEXT_FLAGS | pymupdf.TEXT_COLLECT_VECTORS) if vectors else TEXT_FLAGS)
    blocks = _blocks(textpage)
    rules = vector_rules(blocks) if vectors else None
    content.unsure_vectors = vectors and rules[0] is None
    content.tables = find_page_tables(shown, content.number, rules=rules)
    if content.tables:
        content.y_range = (min(t.box[1] for t in content.tables), max(t.box[3] for t in content.tables))
    placed: set[int] = set()
    counted: list[str] = []  # the text of lines routed span by span, counted once (``_count``)
    glyphs: list[dict] | None = None  # the page's lines glyph by glyph, built only when needed
    for b, block in enumerate(blocks):
        for k, line in enumerate(block.get("lines", ())):
            if not _read_spans(line, content, placed, counted):
                raw = _glyph_line(textpage, line)
                if raw is None:
                    if glyphs is None:
                        glyphs = _blocks(textpage, raw=True)
                    raw = glyphs[b]["lines"][k]
                _read_line(raw, content, placed)
    _count(content, counted)
    if not content.glyphs:  # images matter only on a page without text (a scan): not counted on the others
        content.images = len(page.get_images())
    for t, table in enumerate(content.tables):
        if t not in placed:  # a table without any text: placed by its position
            below = (k for k, it in enumerate(content.flow) if isinstance(it, Line) and it.bbox.y0 >= table.bbox.y0)
            content.flow.insert(next(below, len(content.flow)), table)
    return content


def _blocks(textpage: pymupdf.TextPage, raw: bool = False) -> list[dict]:
    """The blocks of ``textpage.extractDICT()`` (``extractRAWDICT()`` if ``raw``), built directly.

    Why: those methods first make the page's width and height (two ``Rect`` objects), which
    nothing here reads, and then call this same builder; once or twice a page, ~1 % of a
    report's reading. A PyMuPDF without the builder gets the methods.
    """
    builder = getattr(getattr(pymupdf, "extra", None), "JM_make_textpage_dict", None)
    if builder is None:
        return (textpage.extractRAWDICT() if raw else textpage.extractDICT())["blocks"]
    page: dict = {}
    builder(textpage.this.m_internal, page, raw)
    return page["blocks"]


def _glyph_line(textpage: pymupdf.TextPage, line: dict) -> dict | None:
    """One text line glyph by glyph (its rawdict), without building the rest of the page's.

    Why: a page's whole rawdict costs ~2 ms (every glyph and every collected rule becomes a
    dict), and one label wider than its cell is enough to need it. MuPDF's dict builder
    skips blocks, lines and glyphs outside the text page's box; narrowed to the line's box
    for the call, it builds just that line. The result is used only if it has every glyph
    of the line (same text, same box); otherwise (or if this PyMuPDF lacks the low-level
    access) None, and the caller takes the whole page's rawdict.
    """
    x0, y0, x1, y1 = line["bbox"]
    text = "".join(s["text"] for s in line["spans"])
    try:
        stext = textpage.this.m_internal
        keep = pymupdf.mupdf.FzRect(stext.mediabox)
        clip = pymupdf.mupdf.FzRect(x0 - CLIP_PAD, y0 - CLIP_PAD, x1 + CLIP_PAD, y1 + CLIP_PAD)
        stext.mediabox = clip.internal()
        try:
            blocks = _blocks(textpage, raw=True)
        finally:
            stext.mediabox = keep.internal()
    except Exception:  # no such low-level access in this PyMuPDF: the whole page's rawdict
        return None
    for block in blocks:
        for raw in block.get("lines", ()):
            chars = "".join(c["c"] for s in raw["spans"] for c in s["chars"])
            if chars == text and all(abs(u - v) < 0.01 for u, v in zip(raw["bbox"], line["bbox"], strict=True)):
                return raw
    return None


def _read_spans(line: dict, content: PageContent, placed: set[int], counted: list[str]) -> bool:
    """Route one MuPDF text line span by span; False when a span is not within one cell.

    Why spans first: MuPDF builds glyph-level dicts (rawdict) at about twice the cost of
    span-level ones, and nearly every line of these reports lies outside the tables or in
    one cell per span. A span wholly inside a cell has every glyph centre in that cell, so
    it goes there whole, exactly as its glyphs would; a line that leaves its table or a
    span that crosses a rule is left to ``_read_line`` glyph by glyph. The text of a line
    routed here goes to ``counted``, for ``_count``.
    """
    spans = line["spans"]
    lx0, ly0, lx1, ly1 = line["bbox"]
    table = None
    t = -1
    if content.tables:
        lo, hi = content.y_range
        if ly0 <= hi and lo <= ly1:  # else above or below every table: no test per table
            for k, candidate in enumerate(content.tables):
                b = candidate.box
                if b[0] <= lx1 and lx0 <= b[2] and b[1] <= ly1 and ly0 <= b[3]:
                    if table is not None or not (b[0] <= lx0 and lx1 <= b[2] and b[1] <= ly0 and ly1 <= b[3]):
                        return False  # touches two tables, or leaves the one it touches
                    table, t = candidate, k
    if table is None:
        text = spans[0]["text"] if len(spans) == 1 else "".join(s["text"] for s in spans)
        counted.append(text)
        if text.strip():
            content.flow.append(Line(text.rstrip(), _ink_box(spans)))
        return True
    if len(spans) == 1:
        # The common case, a cell's one line: the loop below without its dicts, cell_at
        # inlined (measured: 0.15 ms of 5.3 per LibreOffice report, 375 lines each).
        span = spans[0]
        x0, y0, x1, y1 = span["bbox"]
        text = span["text"]
        y = (y0 + y1) / 2
        cell = table.origin.get((bisect_right(table.ys, y) - 1, bisect_right(table.xs, (x0 + x1) / 2) - 1))
        piece = text.strip()
        if cell is None or not (cell[0] <= x0 and x1 <= cell[2] and cell[1] <= y <= cell[3]):
            if piece:
                return False
        else:
            if t not in placed:
                placed.add(t)
                content.flow.append(table)
            if piece:
                if text[-1:].isspace():  # a span's box includes its trailing blanks: not ink
                    x1 -= (x1 - x0) * (len(text) - len(text.rstrip())) / len(text)
                table.texts.setdefault(cell, []).append((round(y0, 1), x0, y1, x1, piece))
        counted.append(text)
        return True
    pieces: dict[Box, list[str]] = {}
    where: dict[Box, list[float]] = {}  # y0, x0, y1, x1 of the cell's non-blank spans
    for s in spans:
        x0, y0, x1, y1 = s["bbox"]
        y = (y0 + y1) / 2  # every glyph of a span has this centre height: one font, size and baseline
        cell = table.cell_at((x0 + x1) / 2, y)
        text = s["text"]
        if cell is None or not (cell[0] <= x0 and x1 <= cell[2] and cell[1] <= y <= cell[3]):
            if text.strip():
                return False
            continue  # blanks between cells, on a rule: no text either way
        if cell in pieces:
            pieces[cell].append(text)
        else:
            pieces[cell] = [text]
            where[cell] = [round(y0, 1), x0, y1, x0]
        if text.strip():
            box = where[cell]
            box[2] = max(box[2], y1)
            box[3] = max(box[3], x1 - (x1 - x0) * (len(text) - len(text.rstrip())) / len(text))
    counted.append("".join(s["text"] for s in spans))
    if pieces and t not in placed:  # the table stands where its first glyph comes
        placed.add(t)
        content.flow.append(table)
    for cell, texts in pieces.items():
        if piece := "".join(texts).strip():
            y0, x0, y1, x1 = where[cell]
            table.texts.setdefault(cell, []).append((y0, x0, y1, x1, piece))
    return True


def _count(content: PageContent, texts: list[str]) -> None:
    """Count the glyphs of a page's lines (blanks aside) and those without a Unicode mapping.

    Once a page, not once a line (a report has ~350 lines, most a cell's number): the
    texts are joined by a line break, a blank, which neither counts as a glyph nor lets an
    unmapped glyph of one line touch one of the next (``unmapped`` tests a bullet's
    neighbours), so the counts are the sums of the lines' own.
    """
    text = "\n".join(texts)
    content.glyphs += len("".join(text.split()))
    content.undecodable += unmapped(text)


def _ink_box(spans: list[dict]) -> BBox:
    """The box of a line's non-empty spans (an empty box, a lone space, widens nothing)."""
    boxes = [s["bbox"] for s in spans if s["bbox"][2] > s["bbox"][0] and s["bbox"][3] > s["bbox"][1]]
    if len(boxes) == 1:
        return BBox(*boxes[0])
    if not boxes:
        return BBox(0.0, 0.0, 0.0, 0.0)
    return BBox(min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _read_line(line: dict, content: PageContent, placed: set[int]) -> None:
    """Route one MuPDF text line: glyphs in tables to their cells, the rest to a page line.

    Plain floats, not ``pymupdf.Rect`` unions, in this loop: it runs once per glyph, and
    Rect arithmetic cost more than the rest of reading a page.
    """
    outside: list[str] = []
    bx0 = by0 = float("inf")
    bx1 = by1 = float("-inf")
    in_cells: dict[tuple[int, Box], list[str]] = {}
    where: dict[tuple[int, Box], tuple[float, float]] = {}
    ink: dict[tuple[int, Box], tuple[float, float]] = {}  # bottom and right edge of a cell's non-blank glyphs
    tables = content.tables
    lx0, ly0, lx1, ly1 = line["bbox"]
    touching = [
        k for k, t in enumerate(tables) if t.bbox.x0 <= lx1 and lx0 <= t.bbox.x1 and t.bbox.y0 <= ly1 and ly0 <= t.bbox.y1
    ]
    if not touching:
        tables = []  # the line touches no table: none of its glyphs can be in a cell
    only = None  # the one table the line lies wholly inside (and touches no other): no search per glyph
    if len(touching) == 1:
        b = tables[touching[0]].bbox
        if b.x0 <= lx0 and lx1 <= b.x1 and b.y0 <= ly0 and ly1 <= b.y1:
            only = touching[0]
    content.undecodable += unmapped("".join(ch["c"] for span in line["spans"] for ch in span["chars"]))
    for span in line["spans"]:
        for ch in span["chars"]:
            c = ch["c"]
            content.glyphs += not c.isspace()
            x0, y0, x1, y1 = ch["bbox"]
            if only is not None:
                cell = tables[only].cell_at((x0 + x1) / 2, (y0 + y1) / 2)
                hit = None if cell is None else (only, cell)
            else:
                hit = _locate(tables, (x0 + x1) / 2, (y0 + y1) / 2) if tables else None
            if hit is None:
                outside.append(c)
                if x1 > x0 and y1 > y0:  # an empty box (a space) does not widen the line, as in Rect union
                    bx0, by0, bx1, by1 = min(bx0, x0), min(by0, y0), max(bx1, x1), max(by1, y1)
                continue
            in_cells.setdefault(hit, []).append(c)
            where.setdefault(hit, (round(y0, 1), x0))
            if not c.isspace():
                low, right = ink.get(hit, (y1, x1))
                ink[hit] = (max(low, y1), max(right, x1))
            if hit[0] not in placed:
                placed.add(hit[0])
                content.flow.append(tables[hit[0]])
    for (t, cell), chars in in_cells.items():
        if piece := "".join(chars).strip():
            # kept with its position: MuPDF's line order is content order, and a number
            # wrapped in a narrow cell must be joined top to bottom, not as written
            tables[t].texts.setdefault(cell, []).append((*where[(t, cell)], *ink[(t, cell)], piece))
    if "".join(outside).strip():
        box = BBox(bx0, by0, bx1, by1) if bx1 >= bx0 else BBox(0.0, 0.0, 0.0, 0.0)
        content.flow.append(Line("".join(outside).rstrip(), box))


def _locate(tables: list[PageTable], x: float, y: float) -> tuple[int, Box] | None:
    """(table index, cell) holding the point; None outside every cell."""
    for t, table in enumerate(tables):
        if table.bbox.x0 <= x <= table.bbox.x1 and table.bbox.y0 <= y <= table.bbox.y1:
            cell = table.cell_at(x, y)
            if cell is not None:
                return t, cell
    return None

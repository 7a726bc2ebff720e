"""Ruled tables of a PDF page as grids, and tables broken across pages joined again.

PyMuPDF's ``find_tables`` finds the cells of ruled tables. Its ``Table.extract()`` is not
used for cell text: it clusters glyphs with tiny glyph boxes, which puts full-width
punctuation (the "．" of "1．属于国家秘密") on a line of its own and inserts spaces before
"，". Instead every glyph of MuPDF's own text lines goes to the cell holding its centre.

Grid convention (``pipeline.document.TableGrid``), the one of PyMuPDF's ``Table.rows`` and
``Table.extract()``: one column slot per distinct cell left edge, one row per distinct cell
top edge; a merged cell sits in its top-left slot and the slots it covers are ``None``; a
cell that exists but holds no glyph is ``""``. So a blank value cell is "" (null in the
record), never confused with a position covered by a merged label.
"""

from __future__ import annotations

import inspect
import re
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import numpy as np  # noqa: E402
import pymupdf  # noqa: E402
import pymupdf.table  # noqa: E402

from pipeline.document import STACKED, TableGrid  # noqa: E402
from pipeline.readers.cell_text import join_stacked, stacked, wrapped  # noqa: E402
from pipeline.readers.pdf_lattice import Segment, cells_of_rules, corner_components, lattice_cells  # noqa: E402

Box = tuple[float, float, float, float]
EDGE_TOLERANCE = 3.0  # points: rules of one table broken across pages line up within this
# PyMuPDF 2.0 gates line-based tables by its layout model unless told not to; older
# versions have no such model and no such keyword.
FIND_TABLES_OPTIONS = (
    {"use_layout": False} if "use_layout" in inspect.signature(pymupdf.table.find_tables).parameters else {}
)


class BBox(NamedTuple):
    """A box as plain floats (a text line's, a lattice table's): one is made for every line and
    table, and ``pymupdf.Rect`` is slow to make."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class PageTable:
    """One ruled table found on one page, with where each of its slots comes from."""

    page: int
    bbox: BBox | pymupdf.Rect
    xs: list[float]  # left edges of the column slots
    ys: list[float]  # top edges of the row slots
    slots: list[list[Box | None]]  # the cell starting in each slot, None when covered
    # (y0, x0, y1, x1, text) per line piece: its ink box, to tell a wrapped number from stacked ones
    texts: dict[Box, list[tuple[float, float, float, float, str]]] = field(default_factory=dict)
    origin: dict[tuple[int, int], Box] = field(default_factory=dict)  # slot -> cell covering it
    box: Box = (0.0, 0.0, 0.0, 0.0)  # ``bbox`` as plain floats, for the per-line tests
    ocr: bool = False  # found in a page image and filled by OCR
    weak: dict[Box, str] = field(default_factory=dict)  # OCR'd cells whose number is doubtful, and why
    _rows: tuple[int, list[list[str | None]]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.box = tuple(self.bbox)

    def cell_at(self, x: float, y: float) -> Box | None:
        """The cell whose area holds the point, if any."""
        i, j = bisect_right(self.ys, y) - 1, bisect_right(self.xs, x) - 1
        cell = self.origin.get((i, j))
        if cell and cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]:
            return cell
        return None

    def rows(self) -> list[list[str | None]]:
        """The grid: cell text with its lines joined without spaces, "" empty, None covered.

        Worked out once the cell texts stop changing (the reader asks several times: page
        text, continuation tests, grids); every call gets its own lists.
        """
        key = sum(map(len, self.texts.values()))
        if self._rows is None or self._rows[0] != key:
            grid = [[None if c is None else _joined(self.texts.get(c), c) for c in row] for row in self.slots]
            self._rows = (key, grid)
        return [list(row) for row in self._rows[1]]


def weak_rows(table: PageTable) -> list[list[str | None]] | None:
    """``table.weak`` laid out like ``table.rows()``; None when no cell is doubtful."""
    if not table.weak:
        return None
    return [[None if c is None else table.weak.get(c) for c in row] for row in table.slots]


def _joined(pieces: list[tuple[float, float, float, float, str]] | None, cell: Box) -> str:
    """A cell's text: its pieces top to bottom, left to right, joined without spaces.

    Numbers on more than one line are joined only when they are one number wrapped in a
    narrow cell (``cell_text.wrapped``); else they are two values stacked in one cell — a
    row rule the lattice lost merges two rows' cells — and joined with ``STACKED``, which the
    parser reads as null. A label's lines are always joined.
    """
    if not pieces:
        return ""
    if len(pieces) == 1:
        return pieces[0][4]
    ordered = sorted(pieces)
    text = "".join(t for *_, t in ordered)
    if not any(c.isdigit() for c in text):
        return text
    lines = _visual_lines(ordered)
    texts = [t for _, t in lines]
    if not stacked(texts) or wrapped(lines, cell):
        return text
    return join_stacked(texts)


def _visual_lines(ordered: list[tuple[float, float, float, float, str]]) -> list[tuple[Box, str]]:
    """Pieces (sorted top to bottom) grouped into the lines they print on: (ink box, text) each.

    A piece whose middle lies within the current line's height is on that line (a span of
    another font, a glyph MuPDF put in a line of its own).
    """
    lines: list[list[tuple[float, float, float, float, str]]] = []
    for p in ordered:
        if lines and lines[-1][0][0] <= (p[0] + p[2]) / 2 <= max(q[2] for q in lines[-1]):
            lines[-1].append(p)
        else:
            lines.append([p])
    out = []
    for line in lines:
        line.sort(key=lambda q: q[1])
        box = (min(q[1] for q in line), min(q[0] for q in line), max(q[3] for q in line), max(q[2] for q in line))
        out.append((box, "".join(q[4] for q in line)))
    return out


def find_page_tables(page: pymupdf.Page, number: int, fast: bool = True,
                     rules: tuple[list[Segment] | None, list[Segment] | None] | None = None) -> list[PageTable]:
    """Ruled tables of ``page``; a lone framed box is not a table.

    ``fast``: the lattice method (pdf_lattice), a few ms a page, on ``rules`` (collected
    with the text, see ``pdf_lattice.vector_rules``) or else on the paths of
    ``get_cdrawings()``; pages it is unsure about (curves) go to ``find_tables``, ~40 ms a page.
    """
    if fast:
        found = None if rules is None else cells_of_rules(*rules)
        if found is None:
            found = lattice_cells(page.get_cdrawings())
        if found is not None:
            tables = sorted((_page_table(cells, number) for cells in found), key=lambda t: (t.bbox.y0, t.bbox.x0))
            return without_frames(tables)
    return find_tables_slow(page, number)


def find_tables_slow(page: pymupdf.Page, number: int) -> list[PageTable]:
    """PyMuPDF's ``find_tables`` (layout model off).

    ``use_layout=False``: PyMuPDF 2.0 otherwise runs an ONNX layout model first and keeps
    only the ruled tables it also sees (about 14× slower, and a second opinion the ruled
    tables of these reports do not need).
    """
    finder = page.find_tables(paths=_rule_paths(page), **FIND_TABLES_OPTIONS)
    found = [] if finder is None else finder.tables  # None: find_tables hit an internal error
    out = []
    for table in found:
        if len(table.cells) < 2:
            continue
        # Same coordinates as text extraction, on unrotated pages (read_page hands over an
        # upright copy of a rotated page; see pdf_page.upright_copy).
        out.append(_page_table([tuple(c) for c in table.cells], number))
    return without_frames(sorted(out, key=lambda t: (t.bbox.y0, t.bbox.x0)))


def without_frames(tables: list[PageTable]) -> list[PageTable]:
    """The page's tables with their frame cells taken out: a cell holding another table whole is page layout.

    Why: an old site lays its page out in bordered tables (the article in one cell of a
    frame, the report's tables nested inside it), and a browser prints those borders too.
    Glyphs go to the first table whose cell holds them, so the frame's big cell took the
    text of every table nested in it and the statistical tables came out empty. The tables
    of these reports never nest tables in their cells, so such a cell is no table cell: it
    is dropped (its text reads as page lines) and the nested tables keep their cells.

    A nested table whose sides lie on the frame's rules (a table 100 % wide in its frame
    cell: its rules snap onto the frame's) is one lattice with the frame; without the frame
    cells, those within the columns of a frame cell fall apart into the tables they are
    (cells sharing a corner), read as themselves. The rest of the frame (its header, its
    sidebar) is layout too: its text reads as page lines.
    """
    if len(tables) < 2:
        return tables
    tol = EDGE_TOLERANCE
    out: list[PageTable] = []
    changed = False
    for outer in tables:
        o = outer.box
        # A frame cell lies within ``outer``'s box: only a table within it can be held by one
        # (the usual page, tables one below the other, has none and no cell is looked at).
        boxes = [t.box for t in tables if t is not outer
                 and o[0] - tol <= t.box[0] and o[1] - tol <= t.box[1] and t.box[2] <= o[2] + tol
                 and t.box[3] <= o[3] + tol]
        if not boxes:
            out.append(outer)
            continue
        cells = [c for row in outer.slots for c in row if c is not None]
        frame = {c for c in cells
                 if any(c[0] - tol <= b[0] and c[1] - tol <= b[1] and b[2] <= c[2] + tol and b[3] <= c[3] + tol
                        for b in boxes)}
        if not frame:
            out.append(outer)
            continue
        changed = True
        inside = [c for c in cells if c not in frame and any(f[0] - tol <= c[0] and c[2] <= f[2] + tol for f in frame)]
        layout_ys = [y for c in cells if c not in inside for y in (c[1], c[3])]
        for part in _corner_groups(inside):
            part = _without_frame_strips(part, layout_ys)
            if len(part) >= 2:
                out.append(_page_table(part, outer.page))
    return sorted(out, key=lambda t: (t.bbox.y0, t.bbox.x0)) if changed else tables


def _without_frame_strips(part: list[Box], layout_ys: list[float]) -> list[Box]:
    """A table carved out of a frame without the frame's strips above and below it.

    The frame's content cell goes on above or below a nested table that fills its width:
    that strip is one cell across the table, on its top or bottom edge, whose outer side
    lies on a rule of the frame (at the height where a frame or sidebar cell ends). A
    table's own title row spans it too, but its top rule is the table's, not the frame's.
    """
    tol = EDGE_TOLERANCE
    x0, x1 = min(c[0] for c in part), max(c[2] for c in part)
    top, bottom = min(c[1] for c in part), max(c[3] for c in part)

    def strip(c: Box) -> bool:
        if not (c[0] - tol <= x0 and x1 <= c[2] + tol):
            return False
        edge = c[1] if abs(c[1] - top) <= tol else c[3] if abs(c[3] - bottom) <= tol else None
        return edge is not None and any(abs(edge - y) <= tol for y in layout_ys)

    return [c for c in part if not strip(c)]


def _corner_groups(cells: list[Box]) -> list[list[Box]]:
    """``cells`` grouped into tables: cells sharing a corner are one table (pdf_lattice's rule and code)."""
    ids: dict[tuple[float, float], int] = {}
    corners = [[ids.setdefault((round(x, 1), round(y, 1)), len(ids)) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
               for x0, y0, x1, y1 in cells]
    at = np.array(corners, dtype=np.int64).reshape(-1, 4)
    label = corner_components(0, at[:, 0], [at[:, 1], at[:, 2], at[:, 3]]).tolist()
    groups: dict[int, list[Box]] = {}
    for k, c in enumerate(cells):
        groups.setdefault(label[k], []).append(c)
    return list(groups.values())


def _rule_paths(page: pymupdf.Page) -> list[dict]:
    """The page's vector paths, a stroked path of straight segments split into one path per segment.

    Why: ``find_tables`` adds the border of each path's bounding box as rules. A producer
    that strokes every rule of a page in one path (seen: all the tables of a page, with
    headings between them, drawn as one path) so gets a frame around all its tables, and
    they come out as one table with the headings as rows. Split, the segments' boxes are
    joined again only where they touch: one frame per table.
    """
    out = []
    for path in page.get_drawings():
        items = path["items"]
        if "s" not in path["type"] or "f" in path["type"] or len(items) < 2 or any(i[0] not in ("l", "re") for i in items):
            out.append(path)
            continue
        if path.get("closePath") and items[0][0] == "l" and items[-1][0] == "l":
            items = [*items, ("l", items[-1][2], items[0][1])]
        for item in items:
            box = pymupdf.Rect(item[1], item[2]) if item[0] == "l" else pymupdf.Rect(item[1])
            out.append(dict(path, items=[item], rect=box.normalize(), closePath=False))
    return out


def _page_table(cells: list[Box], number: int) -> PageTable:
    xs = sorted({c[0] for c in cells})
    ys = sorted({c[1] for c in cells})
    slots: list[list[Box | None]] = [[None] * len(xs) for _ in ys]
    origin: dict[tuple[int, int], Box] = {}
    row_of = {y: i for i, y in enumerate(ys)}
    col_of = {x: j for j, x in enumerate(xs)}
    for c in cells:
        i0, j0 = row_of[c[1]], col_of[c[0]]
        slots[i0][j0] = c
        i1, j1 = bisect_right(ys, c[3] - 0.5), bisect_right(xs, c[2] - 0.5)
        if i1 == i0 + 1 and j1 == j0 + 1:  # a cell of one slot, the common case
            origin.setdefault((i0, j0), c)
            continue
        for i in range(i0, i1):
            for j in range(j0, j1):
                origin.setdefault((i, j), c)
    # plain floats, not a pymupdf.Rect (slow to make; nothing here needs its methods)
    bbox = BBox(min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    return PageTable(number, bbox, xs, ys, slots, {}, origin)


def render_rows(rows: list[list[str | None]], keep_covered: bool = False) -> str:
    """A grid as page text: one line per row, cells tab-joined, covered positions dropped.

    Blank cells stay as empty strings between tabs, so a row keeps its blanks in place.
    ``keep_covered`` (OCR tables): covered positions stay too, as blanks, so every row has
    one field per column slot: where the rules found are uncertain (a label cell running
    down over the next row, a value cell over two columns), a row that lost a slot is
    never a shorter row whose values the text path could take left to right, shifted.
    """
    return "\n".join("\t".join(c if c is not None else "" for c in row if keep_covered or c is not None)
                     for row in rows)


def _edges(table: PageTable) -> list[float]:
    """The x positions of a table's column rules, outer ones included."""
    return [*table.xs, table.bbox.x1]


def _slot(edges: list[float], x: float) -> int:
    """Index of the rule in ``edges`` (sorted) nearest to ``x``; the lower one on a tie."""
    i = bisect_left(edges, x)
    if i == 0:
        return 0
    if i == len(edges) or abs(edges[i - 1] - x) <= abs(edges[i] - x):
        return i - 1
    return i


def _union(a: list[float], b: list[float]) -> list[float]:
    """All column rules of two parts of a table; rules within the tolerance are one rule."""
    out = list(a)
    for x in b:
        if all(abs(x - y) > EDGE_TOLERANCE for y in out):
            out.append(x)
    return sorted(out)


CUT_SHARE = 0.25  # of the narrower neighbouring column: OCR cuts of two parts this close are one cut


def _same_cuts(a: list[float], b: list[float]) -> bool:
    """Whether two parts of a scanned table have the same columns, their cuts placed apart.

    A table ruled only across gets its columns cut midway between the numbers of neighbouring
    columns (``ocr_columns``); each page's part is cut by its own numbers, so the same
    column edge can lie a few points apart on the two pages (the widest number of a column
    differs). Within ``EDGE_TOLERANCE`` they would be one rule; a few points more made an
    extra grid column, covered slots, and rows whose first value is blank null. As many
    cuts, each within a quarter of the narrower column beside it: the same columns.
    """
    if len(a) != len(b) or len(a) < 3:
        return False
    widths = [y - x for x, y in zip(a, a[1:], strict=False)]
    return all(abs(x - y) <= CUT_SHARE * min(widths[max(0, j - 1)], widths[min(j, len(widths) - 1)])
               for j, (x, y) in enumerate(zip(a, b, strict=True)))


def _reslot(row: list[str | None], old: list[float], new: list[float]) -> list[str | None]:
    """A row moved onto finer column rules: each cell at its left rule, new slots covered (None)."""
    out: list[str | None] = [None] * (len(new) - 1)
    for j, value in enumerate(row):
        if value is not None:
            out[_slot(new, old[j])] = value
    return out


@dataclass
class _Run:
    """A table being assembled from its parts: its grid, the grid's column rules, its latest part."""

    grid: TableGrid
    edges: list[float]
    last: PageTable


def _continues(run: _Run, nxt: PageTable, text_below_last: bool, text_above_next: bool) -> bool:
    """Whether ``nxt`` is the run's table carried over to the next page.

    The last part must close its page (no text below it) and ``nxt`` open the next one (no
    text above it): a table with its title above it is a new table. Both must share their
    outer rules; inner rules may differ (a part whose row labels all span three columns has
    no rules between them). A first row that is one cell across the table is a new table's
    title (第二十条第（六）项 under 第二十条第（五）项), not a continuation.
    """
    if nxt.page != run.last.page + 1 or text_below_last or text_above_next:
        return False
    edges = _edges(nxt)
    if abs(edges[0] - run.edges[0]) > EDGE_TOLERANCE or abs(edges[-1] - run.edges[-1]) > EDGE_TOLERANCE:
        return False
    first = nxt.rows()[0]
    return not (len(first) > 1 and sum(v is not None for v in first) == 1)


NUMBER = re.compile(r"[-+−]?\d[\d,，.．]*%?")


def _is_number(text: str | None) -> bool:
    """A value cell's text; stacked values ("19␤0") count: the cell is a value cell all the same."""
    return bool(text) and bool(NUMBER.fullmatch(text.replace(" ", "").replace(STACKED, "")))


def _append(run: _Run, nxt: PageTable) -> None:
    """Add the continuation's rows to the run's grid, both on the union of their column rules.

    A header repeated at the top of the continuation is dropped. An empty box at the top of
    the continuation that continues a row-group label left open at the page foot (Word
    draws a label broken by the page so) is that merged cell continued: ``None``, not a
    blank (see ``_continued_labels``).
    """
    own = _edges(nxt)
    if run.last.ocr and nxt.ocr and _same_cuts(run.edges, own):
        own = run.edges  # cuts placed midway between columns of numbers (ocr_columns): the same columns
    edges = _union(run.edges, own)
    head = [_reslot(r, run.edges, edges) for r in run.grid.rows]
    tail = [_reslot(r, own, edges) for r in nxt.rows()]
    n = 0
    while n < len(tail) and n < len(head) and tail[n] == head[n] and any(tail[n]):
        n += 1
    tail = tail[n:]
    nxt_weak = weak_rows(nxt)
    if run.grid.weak is not None or nxt_weak is not None:
        blank = [[None] * len(r) for r in run.grid.rows]
        run.grid.weak = ([_reslot(r, run.edges, edges) for r in (run.grid.weak or blank)]
                         + [_reslot(r, own, edges) for r in (nxt_weak or [[None] * len(r) for r in nxt.slots])][n:])
    if tail:  # after a repeated header too: the label cut by the page goes on below it
        for j in _continued_labels(run.last, head, tail, edges):
            tail[0][j] = None
    run.grid.rows = head + tail
    run.edges, run.last = edges, nxt


def _continued_labels(last: PageTable, head: list[list[str | None]], tail: list[list[str | None]],
                      edges: list[float]) -> list[int]:
    """Columns of the continuation's first row whose empty box continues a cell of the last part.

    A column holding a number anywhere in the joined table is a value column. The box
    continues the cell above it (the last part's cell over that column in its last row;
    that cell may have begun in the last row, so whether it "spans rows" cannot be asked):

    - a row-group label broken by the page, in a row with numbers: the box is empty and so
      is every box left of it (labels nest left to right); label text stands right of it
      (the row's own label); its column is no value column; and the cell above covers a
      body row (one with a number).
    - header rows broken by the page, in a row without numbers that starts with an empty
      box (no row label of its own): the cell above holds header text, not a number
      (自然人, 总计 cut by the page).

    An empty box in a value column of a body row is a blank value and stays "", even under
    a header cell (the section-三 header alone at a page foot, the body on the next page).
    """
    first = tail[0]
    last_row, part_rows = len(last.ys) - 1, last.rows()
    rows = head + tail
    value_column = [any(j < len(r) and _is_number(r[j]) for r in rows) for j in range(len(first))]

    def above(j: int) -> Box | None:
        own = bisect_right(last.xs, edges[j] + EDGE_TOLERANCE) - 1  # the last part's slot over column j
        return last.origin.get((last_row, own)) if own >= 0 else None

    if not any(_is_number(v) for v in first):
        if first[0] != "":  # a row of blank values under its own label
            return []
        out = []
        for j, v in enumerate(first):
            cell = above(j)
            text = "" if cell is None else "".join(t for *_, t in last.texts.get(cell, []))
            if v == "" and text and not _is_number(text):
                out.append(j)
        return out
    label_at = next((j for j, v in enumerate(first) if v and not _is_number(v)), None)
    out = []
    for j in range(label_at or 0):
        if first[j] is None:
            continue
        cell = above(j)
        if first[j] != "" or value_column[j] or cell is None:
            break
        covered = [k for k, y in enumerate(last.ys) if cell[1] - 0.5 <= y < cell[3] - 0.5]
        if not any(_is_number(v) for k in covered for v in part_rows[k]):
            break
        out.append(j)
    return out


def to_grids(tables: list[PageTable], text_below: list[bool], text_above: list[bool], merge: bool) -> list[TableGrid]:
    """Grids in page order; with ``merge`` a table continued on the next page is one grid.

    ``text_below[i]`` / ``text_above[i]``: whether page text lies below / above table ``i``.
    A merged grid carries the page it starts on, and is OCR-read when any of its parts is.
    """
    runs: list[_Run] = []
    for i, table in enumerate(tables):
        if merge and runs and _continues(runs[-1], table, text_below[i - 1], text_above[i]):
            _append(runs[-1], table)
            runs[-1].grid.ocr = runs[-1].grid.ocr or table.ocr
        else:
            runs.append(_Run(TableGrid(page=table.page, rows=table.rows(), ocr=table.ocr, weak=weak_rows(table)),
                             _edges(table), table))
    return [run.grid for run in runs]

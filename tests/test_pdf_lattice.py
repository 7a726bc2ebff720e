"""The fast lattice table finder agrees with PyMuPDF's find_tables on every generated PDF layout.

``pipeline.readers.pdf_lattice`` replaces ``find_tables`` (ten times slower) for ruled grids;
it is trusted only because it finds the same cells: same tables, same slot pattern (merged
cells included), corners within a point. Pages it cannot judge go back to find_tables.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.modules.setdefault("pymupdf.layout", None)
import pymupdf  # noqa: E402

from pipeline.readers.pdf_lattice import lattice_cells  # noqa: E402
from pipeline.readers.pdf_tables import find_page_tables, find_tables_slow  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.layouts import LAYOUTS  # noqa: E402
from pipeline.samples.render_pdf_drawn import render_drawn_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _pdfs(tmp: Path) -> list[Path]:
    rng = random.Random(20261123)
    out = sorted((ROOT / "data" / "raw").glob("*.pdf"))
    out += [LAYOUTS["pdf:story"].render(random_record(rng, blank_rate=0.2), tmp, i) for i in range(6)]
    out += [render_drawn_pdf(random_record(rng), tmp / f"drawn_{i}.pdf", random.Random(i)) for i in range(6)]
    if LAYOUTS["pdf:libreoffice"].available():
        out += [LAYOUTS["pdf:libreoffice"].render(random_record(rng), tmp, 100 + i) for i in range(2)]
    return out


def _shape(tables: list) -> list[list[list[bool]]]:
    return [[[c is not None for c in row] for row in t.slots] for t in tables]


def _corners(tables: list) -> list[list[tuple[float, ...]]]:
    return [sorted(c for row in t.slots for c in row if c) for t in tables]


@pytest.mark.slow  # over 10 s: the full suite (.ci/run) runs it, the default one does not
def test_lattice_finds_the_cells_find_tables_finds(tmp_path: Path) -> None:
    pages = 0
    for path in _pdfs(tmp_path):
        doc = pymupdf.open(path)
        for page in doc:
            fast = find_page_tables(page, page.number + 1)
            slow = find_tables_slow(page, page.number + 1)
            assert lattice_cells(page.get_cdrawings()) is not None, f"{path.name} p{page.number + 1} fell back"
            assert _shape(fast) == _shape(slow), f"{path.name} p{page.number + 1}"
            for a, b in zip(_corners(fast), _corners(slow), strict=True):
                for ca, cb in zip(a, b, strict=True):
                    assert max(abs(u - v) for u, v in zip(ca, cb, strict=True)) < 1.0, (path.name, ca, cb)
            pages += bool(slow)
        doc.close()
    assert pages >= 20  # pages that hold tables were really compared


def test_unsure_pages_fall_back_and_lone_boxes_are_not_tables() -> None:
    curve = [{"items": [("c", (0, 0), (1, 1), (2, 1), (3, 0))]}]
    slanted = [{"items": [("l", (0, 0), (50, 40))]}]
    assert lattice_cells(curve) is None
    assert lattice_cells(slanted) == []  # a slanted line is no rule (find_tables ignores it too)
    frame = [{"items": [("re", (10, 10, 200, 100), 1)]}]
    assert lattice_cells(frame) == []  # one framed box: one cell, not a table
    grid = [{"items": [("l", (0, y), (90, y)) for y in (0, 20, 40)] + [("l", (x, 0), (x, 40)) for x in (0, 30, 90)]}]
    (table,) = lattice_cells(grid)
    assert sorted(table) == [(0, 0, 30, 20), (0, 20, 30, 40), (30, 0, 90, 20), (30, 20, 90, 40)]
    merged = [{"items": [("l", (0, y), (90, y)) for y in (0, 20, 40)] + [("l", (0, 0), (0, 40)), ("l", (90, 0), (90, 40)),
                                                                        ("l", (30, 20), (30, 40))]}]  # fmt: skip
    (table,) = lattice_cells(merged)
    assert sorted(table) == [(0, 0, 90, 20), (0, 20, 30, 40), (30, 20, 90, 40)]  # the top row is one merged cell


@pytest.mark.parametrize("gap", [0.0, 2.5])
def test_rules_broken_into_pieces_are_joined(gap: float) -> None:
    """Producers draw a rule as many short strokes (one per cell); gaps under 3 pt close."""
    pieces = [("l", (x, 0), (x + 30 - gap, 0)) for x in (0, 30, 60)] + [("l", (x, 20), (x + 30 - gap, 20)) for x in (0, 30, 60)]
    sides = [("l", (x, 0), (x, 20)) for x in (0, 30, 60, 90)]
    (table,) = lattice_cells([{"items": pieces + sides}])
    assert len(table) == 3



def test_a_grid_drawn_cell_by_cell_has_its_cells_where_its_rules_were_drawn() -> None:
    """Each cell drawing its own four sides draws every inner side two or three times: a rule
    drawn at one position stands exactly there (the mean of three copies of 420.8666748046875,
    summed, is off by a unit in the last place), and its copies join nothing new."""
    xs, ys = (56.0, 186.0, 303.6666564941406, 420.8666748046875), (100.1, 120.1, 140.1)
    items = []
    for y0, y1 in zip(ys, ys[1:], strict=False):
        for x0, x1 in zip(xs, xs[1:], strict=False):
            items += [("l", (x0, y0), (x1, y0)), ("l", (x1, y0), (x1, y1)), ("l", (x1, y1), (x0, y1)),
                      ("l", (x0, y1), (x0, y0))]
    items += items[:5]  # and some sides drawn once more
    (table,) = lattice_cells([{"items": items}])
    assert sorted(table) == sorted((x0, y0, x1, y1) for y0, y1 in zip(ys, ys[1:], strict=False)
                                   for x0, x1 in zip(xs, xs[1:], strict=False))

def _cut_table(tmp: Path, *, top_open: bool, bottom_open: bool, width: float) -> list[dict]:
    """A 4-column ruled table of 4 rows drawn with PyMuPDF, its top and/or bottom rule missing.

    Why: a browser printing a ruled HTML table across a page break draws no closing rule at
    the bottom of the first page and no opening rule at the top of the next; the vertical
    rules just end there.
    """
    doc = pymupdf.open()
    page = doc.new_page()
    xs, ys = (50, 200, 300, 400, 500), (700, 730, 760, 790, 820)
    for k, y in enumerate(ys):
        if (k == 0 and top_open) or (k == len(ys) - 1 and bottom_open):
            continue
        page.draw_line((xs[0], y), (xs[-1], y), width=width)
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]), width=width)
    path = tmp / "cut.pdf"
    doc.save(path)
    doc.close()
    doc = pymupdf.open(path)
    drawings = doc[0].get_cdrawings()
    doc.close()
    return drawings


@pytest.mark.parametrize("width", [1.0, 0.3])
@pytest.mark.parametrize(("top_open", "bottom_open"), [(False, True), (True, False), (True, True)])
def test_a_table_cut_by_a_page_break_keeps_its_open_rows(tmp_path: Path, top_open: bool, bottom_open: bool,
                                                        width: float) -> None:
    (table,) = lattice_cells(_cut_table(tmp_path, top_open=top_open, bottom_open=bottom_open, width=width))
    assert len(table) == 16  # 4 rows × 4 columns: the open rows at the break are cells too
    assert min(c[1] for c in table) == pytest.approx(700, abs=1)
    assert max(c[3] for c in table) == pytest.approx(820, abs=1)


def test_vertical_rules_alone_make_no_table() -> None:
    verticals = [{"items": [("l", (x, 0), (x, 120)) for x in (50, 200, 300, 400, 500)]}]
    assert lattice_cells(verticals) == []
    two = [{"items": [("l", (0, 0), (90, 0))] + [("l", (x, 0), (x, 40)) for x in (0, 90)]}]
    assert lattice_cells(two) == []  # two open sides are no table either: a closing rule needs >= 3 verticals


def _lines(items: list[tuple[tuple[float, float], tuple[float, float]]]) -> list[dict]:
    return [{"items": [("l", a, b) for a, b in items]}]


def test_a_header_alone_at_the_page_foot_keeps_its_cells() -> None:
    """The requests table's header ends a page, its last header row cut by the break.

    Chromium draws the rule under 法人或其他组织 (the top of the company columns, printed on the
    next page) but none under 自然人 and 总计 (they span two header rows) nor under the row
    label cell, whose left side is the long rule of the page frame the table sits in (an
    old site's layout table). The side must be closed where it is open, beside that rule.
    """
    frame_x, x0, xs, x1 = 150.0, 320.0, (346.0, 476.0), 506.0
    top, mid, foot = 693.0, 721.0, 750.0
    rules = [((frame_x, 45.0), (frame_x, 764.0)),  # the frame: runs on past the table
             ((frame_x, top), (x1, top)), ((x0, mid), (x1, mid)), ((xs[0], foot), (xs[1], foot)),
             ((x0, top), (x0, foot)), ((x1, top), (x1, foot)), ((xs[0], mid), (xs[0], foot)), ((xs[1], mid), (xs[1], foot))]
    (table,) = lattice_cells(_lines(rules))
    assert sorted(table) == [(frame_x, top, x0, foot), (x0, top, x1, mid), (x0, mid, xs[0], foot),
                             (xs[0], mid, xs[1], foot), (xs[1], mid, x1, foot)]


def test_a_rule_snapped_away_from_its_side_still_meets_it() -> None:
    """Snapping chains rules: a small table's right side (263.6 / 264.4) and the column rules
    of a wider table further down (267.3 / 267.5) are one cluster, snapped to a point 3.9 pt
    from where the small table's row rules end. Those rules meet the side where it was drawn.
    """
    small = [((35.0, y), (263.6, y)) for y in (28.0, 48.0, 68.0)]
    small += [((35.0, 28.0), (35.0, 68.0)), ((163.5, 28.0), (163.5, 68.0)), ((263.6, 28.0), (263.6, 68.0)),
              ((264.4, 27.8), (264.4, 69.0))]
    wide = [((35.0, y), (480.0, y)) for y in (200.0, 230.0, 260.0)]
    wide += [((x, 200.0), (x, 260.0)) for x in (35.0, 267.3, 480.0)] + [((267.5, 200.0), (267.5, 260.0))] * 6
    tables = lattice_cells(_lines(small + wide))
    assert [len(t) for t in tables] == [4, 4]
    assert sorted(round(c[1]) for c in tables[0]) == [28, 28, 48, 48]  # the small table's two rows


def test_a_list_bullet_drawn_as_a_disc_leaves_the_page_sure() -> None:
    """Chromium draws a list's bullets as small filled curves: a mark, not a reason to doubt the rules."""
    from pipeline.readers.pdf_lattice import vector_rules

    grid = [{"items": [("l", (0, y), (90, y)) for y in (0, 20, 40)] + [("l", (x, 0), (x, 40)) for x in (0, 30, 90)]}]
    disc = [("c", (52.5, 78), (52.5, 76.5), (55.5, 76.5), (55.5, 78)), ("c", (55.5, 78), (55.5, 79.5), (52.5, 79.5), (52.5, 78))]
    bullet = {"type": "f", "rect": (52.5, 76.5, 55.5, 79.5), "items": disc}
    (table,) = lattice_cells([bullet, *grid])
    assert len(table) == 4
    assert lattice_cells([{**bullet, "type": "s"}, *grid]) is None  # stroked: could be part of a rule (a rounded corner)
    assert lattice_cells([{**bullet, "rect": (52.5, 76.5, 95.5, 79.5)}, *grid]) is None  # larger than a mark
    block = {"type": 3, "bbox": (52.5, 76.5, 55.5, 79.5), "stroked": False, "isrect": False}
    rule = {"type": 3, "bbox": (0, 0, 90, 0.5), "stroked": False, "isrect": True}
    assert vector_rules([block, rule]) == ([(0.25, 0, 90)], [])
    assert vector_rules([{**block, "stroked": True}, rule]) == (None, None)

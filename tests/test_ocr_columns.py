"""Scanned tables ruled only across: columns from where their numbers stand (pipeline/readers/ocr_columns)."""

from __future__ import annotations

import sys

sys.modules.setdefault("pymupdf.layout", None)

import numpy as np  # noqa: E402
import pymupdf  # noqa: E402

from pipeline.readers.ocr import _is_number, fix_digits  # noqa: E402
from pipeline.readers.ocr_columns import RowRules, column_tables  # noqa: E402
from pipeline.readers.ocr_recognise import Glyph, Word  # noqa: E402
from pipeline.readers.pdf_tables import PageTable  # noqa: E402

SCALE = 2.0
INK = np.zeros((800, 800), np.uint8)  # no ink on any cut


def _num(text: str, x: float, y: float, width: float = 5.0) -> Word:
    glyphs = [Glyph(x + k * width, y, x + (k + 1) * width - 0.5, y + 8, c, 0.99) for k, c in enumerate(text)]
    return Word(x, y, x + len(text) * width, y + 8, text, 0.99, glyphs)


def _is_num(s: str) -> bool:
    return _is_number(fix_digits(s.replace(" ", "")))


def _read(tables, rows: int) -> list[list[tuple[float, float]]]:
    """Per row band, the value cells' (x0, x1), left to right (the label cell first)."""
    assert len(tables) == 1
    t = tables[0]
    cells = sorted(set(t.origin.values()), key=lambda c: (c[1], c[0]))
    out = []
    for y in sorted({c[1] for c in cells}):
        out.append([(c[0], c[2]) for c in cells if c[1] == y])
    assert len(out) == rows
    return out


STACK = RowRules(10.0, 300.0, [100.0, 120.0, 140.0, 160.0])  # three rows


def test_columns_are_where_the_numbers_stand_blanks_included() -> None:
    """Centred numbers of three columns, a blank in the middle of row 2: three value cells a row,
    each number inside its own column's cell."""
    words = _rows(
        ("规章", [("12", 145), ("3", 197.5), ("1520", 240)]),
        ("规范性文件", [("7", 147.5), ("866", 242.5)]),
        ("其他", [("100", 142.5), ("0", 197.5), ("9", 247.5)]),
    )
    tables = column_tables(STACK, words, 1, _is_num, INK, SCALE)
    rows = _read(tables, 3)
    for row in rows:
        assert len(row) == 4  # label + three values
    (_, a, b, c) = rows[1]
    assert a[0] <= 147.5 and 152.5 <= a[1]  # "7" in the first value column
    assert c[0] <= 242.5 and 257.5 <= c[1]  # "866" in the third; the second is the blank


def _rows(*rows: tuple[str, list[tuple[str, float]]]) -> list[Word]:
    """Words of rows 20 pt apart from y 105 (one per row band of ``STACK``): a label at x 20, then numbers at their x."""
    out = []
    for i, (label, numbers) in enumerate(rows):
        y = 105 + 20 * i
        out.append(_word_label(label, 20, y))
        out.extend(_num(text, x, y) for text, x in numbers)
    return out


def _word_label(text: str, x: float, y: float) -> Word:
    glyphs = [Glyph(x + 10 * k, y, x + 10 * k + 9, y + 8, ch, 0.99) for k, ch in enumerate(text)]
    return Word(x, y, x + 10 * len(text), y + 8, text, 0.99, glyphs)


def test_two_numbers_side_by_side_in_one_cluster_are_not_placed() -> None:
    """A wide number reaching under its neighbour column merges two clusters: not read."""
    words = _rows(
        ("规章", [("123456789", 140), ("5", 182)]),
        ("其他", [("1", 150), ("2", 198)]),
        ("合计", [("3", 150), ("4", 198)]),
    )
    assert column_tables(STACK, words, 1, _is_num, INK, SCALE) == []


def test_clusters_never_side_by_side_may_be_one_column_and_are_not_placed() -> None:
    """One column, its numbers left-aligned in two rows and right-aligned in the third: two
    clusters that never hold numbers on one line. Placed as two columns, the row's values would
    slide one column; the block is not read."""
    words = _rows(
        ("规章", [("5", 140), ("9", 220)]),
        ("其他", [("6", 140), ("8", 220)]),
        ("合计", [("7", 175), ("4", 220)]),
    )
    assert column_tables(STACK, words, 1, _is_num, INK, SCALE) == []


def test_a_cut_through_ink_is_not_made() -> None:
    """Ink on the line between two columns (a glyph the detector did not read): not read."""
    words = _rows(
        ("规章", [("12", 145), ("3", 197.5)]),
        ("其他", [("7", 147.5), ("8", 197.5)]),
    )
    stack = RowRules(10.0, 300.0, [100.0, 120.0, 140.0])
    assert len(column_tables(stack, words, 1, _is_num, INK, SCALE)) == 1
    inked = INK.copy()
    cut = round((155 + 197.5) / 2 * SCALE)
    inked[round(126 * SCALE) : round(130 * SCALE), cut - 1 : cut + 2] = 255
    assert column_tables(stack, words, 1, _is_num, inked, SCALE) == []


def test_unread_ink_is_the_ink_no_word_covers_between_the_rules() -> None:
    """A glyph the detector passed over is found for a second look; read words, rules and specks are not."""
    from pipeline.readers.ocr_columns import unread_ink

    stack = RowRules(10.0, 300.0, [100.0, 120.0, 140.0])
    words = _rows(("规章", [("12", 145)]), ("其他", [("7", 147.5)]))
    ink = np.zeros((800, 800), np.uint8)
    across = np.zeros_like(ink)
    for y in stack.ys:  # the row rules, in the ink as on a scan
        across[round(y * SCALE), round(10 * SCALE) : round(300 * SCALE)] = 255
    ink |= across
    for w in words:  # the words the detector read
        ink[round(w.y0 * SCALE) : round(w.y1 * SCALE), round(w.x0 * SCALE) : round(w.x1 * SCALE)] = 255
    ink[round(105 * SCALE) : round(113 * SCALE), round(197 * SCALE) : round(202 * SCALE)] = 255  # a lone "0", unread
    ink[round(125 * SCALE) : round(126 * SCALE), round(60 * SCALE) : round(61 * SCALE)] = 255  # a speck
    found = unread_ink(stack, words, ink, across, SCALE, [])
    assert len(found) == 1
    x0, y0, x1, y1 = found[0]
    assert x0 < 197 * SCALE and 202 * SCALE < x1 and y0 < 105 * SCALE and 113 * SCALE < y1  # the "0", with margins
    assert 100 * SCALE < y0 and y1 < 120 * SCALE + 2 * SCALE  # inside its row, not across the rules
    assert unread_ink(stack, [*words, _num("0", 197, 105)], ink, across, SCALE, []) == []  # read: nothing left
    # in a table found by its rules the cells are read anyway: its ink is not looked at again
    assert unread_ink(stack, words, ink, across, SCALE, [pymupdf.Rect(190, 100, 210, 140)]) == []


def test_a_row_with_no_labels_gets_no_label_cell_that_would_swallow_its_first_number() -> None:
    """The review table has no label column: its first number stands at the table's left edge.
    A label cell there would be narrower than a character, fall together with the first value
    cell when the grid is built, and take the number along."""
    stack = RowRules(10.0, 300.0, [100.0, 120.0, 140.0])
    words = [_num("0", 18, 105), _num("57", 60, 105), _num("0", 110, 105), _num("8", 18, 125), _num("3", 60, 125),
             _num("1", 110, 125)]
    rows = _read(column_tables(stack, words, 1, _is_num, INK, SCALE), 2)
    assert all(len(row) == 3 for row in rows)  # three value cells, no label cell
    assert rows[0][0][0] == 10.0 and rows[0][0][1] > 23  # the first cell starts at the table's edge and holds the "0"


_heading = _word_label  # a column heading is drawn as a row label is


REVIEW_STACK = RowRules(28.0, 300.0, [60.0, 80.0, 100.0, 120.0])  # two header rows, one value row


def _review(values: list[tuple[str, float]], headings: list[tuple[str, float, float]]) -> list[PageTable]:
    """A value row under its headings (text, x, y), no label column, as the review table is drawn."""
    words = [_heading(text, x, y) for text, x, y in headings] + [_num(t, x, 105) for t, x in values]
    return column_tables(REVIEW_STACK, words, 1, _is_num, INK, SCALE)


# five leaf headings 40 pt apart (centres 40, 80, ..., 200) under a group heading, each two
# lines ("结果" over "维持"), as the review table heads its columns
LEAVES = [(t, x, y) for k in range(5) for t, x, y in ((f"结果{k}", 30 + 40 * k, 82), (f"维持{k}", 30 + 40 * k, 91))]
GROUP = ("行政复议", 100, 63)  # narrower than its columns, centred over them


def test_a_column_blank_in_every_row_is_placed_where_its_heading_stands() -> None:
    """One value row, the fourth of five columns blank: without its heading the row has four
    value cells for five columns (null); under the headings, five, and each number in its own."""
    values = [("0", 38), ("21", 75), ("22", 115), ("55", 195)]  # centred under headings 1, 2, 3, 5
    (row,) = _read(_review(values, [GROUP, *LEAVES]), 1)
    assert len(row) == 5
    for (x0, x1), (text, x) in zip([row[0], row[1], row[2], row[4]], values, strict=True):
        assert x0 <= x and x + 5 * len(text) <= x1
    assert row[3][0] <= 160 <= row[3][1]  # the blank cell, under its heading (centre 160)
    # without headings, the block has one cell too few: never shifted
    (bare,) = _read(_review(values, []), 1)
    assert len(bare) == 4


def test_headings_that_do_not_agree_with_every_number_place_no_blank_column() -> None:
    values = [("0", 38), ("21", 75), ("22", 115), ("55", 195)]
    # a heading read in two pieces side by side over the blank column: spacing uneven, not placed
    split = [h for h in LEAVES if h[0] not in ("结果3", "维持3")] + [("尚", 150, 82), ("未", 166, 82)]
    assert len(_read(_review(values, [GROUP, *split]), 1)[0]) == 4
    # a number under no heading (its heading unread): the headings say nothing
    no_leaf = [h for h in LEAVES if h[0] not in ("结果1", "维持1")]
    assert len(_read(_review(values, [GROUP, *no_leaf]), 1)[0]) == 4
    # a number reaching under two headings: not placed by them
    wide = [("0", 38), ("21", 75), ("22222222222", 100), ("55", 195)]
    assert len(_read(_review(wide, [GROUP, *LEAVES]), 1)[0]) == 4


def test_wide_numbers_of_neighbouring_columns_whose_extents_touch_are_two_columns() -> None:
    """Seven-digit numbers fill their cells: as the recogniser places their glyphs, the extents of
    two neighbouring columns' numbers meet exactly. They chained into one cluster, a row then had
    two numbers in one cluster, and the whole block was refused."""
    words = _rows(
        ("规章", [("125464", 120), ("1318323", 149)]),  # 120..149.5 and 149..183.5: a sliver in common
        ("其他", [("7", 132.5), ("8", 165)]),
        ("合计", [("9", 132.5), ("10", 162.5)]),
    )
    rows = _read(column_tables(STACK, words, 1, _is_num, INK, SCALE), 3)
    assert all(len(row) == 3 for row in rows)  # label + two value columns
    assert rows[0][1][1] == rows[0][2][0] and 149 <= rows[0][1][1] <= 150  # the cut where they meet


def test_a_last_column_blank_in_every_row_is_placed_under_its_heading_but_not_under_a_note() -> None:
    """The last column blank (总计 of a group with no case): placed under its heading, evenly
    spaced after the two before it. A note above the table there ("单位：件", on no heading's
    line) is no column: the row keeps one cell too few (null), never a fake column."""
    values = [("0", 38), ("21", 75), ("22", 115), ("5", 157.5)]  # columns 1-4; the fifth blank
    (row,) = _read(_review(values, [GROUP, *LEAVES]), 1)
    assert len(row) == 5 and row[4][0] <= 205 <= row[4][1]
    no_fifth = [h for h in LEAVES if h[0] not in ("结果4", "维持4")]
    (row,) = _read(_review(values, [GROUP, *no_fifth, ("单位件", 190, 63)]), 1)
    assert len(row) == 4


def test_a_second_of_two_value_columns_blank_is_placed_under_its_heading_alone() -> None:
    """Section 二's 2019 table (八): a label, 上一年项目数量 with a number, 本年增/减 blank. No
    spacing to check: one heading, clear of the first, is placed; a heading in two pieces
    (its second piece closer than a character) is not."""
    stack = RowRules(10.0, 300.0, [80.0, 100.0, 120.0])
    words = [_heading("信息内容", 20, 85), _heading("上一年项目数", 120, 85), _heading("本年增减", 220, 85),
             _word_label("行政事业性收费", 15, 105), _num("205176", 135, 105)]
    (row,) = _read(column_tables(stack, words, 1, _is_num, INK, SCALE), 1)[-1:]
    assert len(row) == 3 and row[1][0] <= 135 and 165 <= row[1][1] <= 220 and row[2][0] <= 220
    pieces = [*words[:2], _heading("本", 185, 85), _heading("年增减", 192, 85), *words[3:]]
    (row,) = _read(column_tables(stack, pieces, 1, _is_num, INK, SCALE), 1)[-1:]
    assert len(row) == 2


def _ocr_part(cuts: list[float], rows: list[list[str]], page: int) -> PageTable:
    """A part of a scanned table as ocr_columns cuts it: rows 20 pt high, a cell's text at its middle."""
    from pipeline.readers.ocr import _page_table

    cells = [(a, 100 + 20 * i, b, 120 + 20 * i) for i in range(len(rows)) for a, b in zip(cuts, cuts[1:], strict=False)]
    table = _page_table(cells, page)
    table.ocr = True
    for i, row in enumerate(rows):
        for (a, b), text in zip(zip(cuts, cuts[1:], strict=False), row, strict=True):
            if text:
                table.texts[table.origin[(i, table.xs.index(a))]] = [(105 + 20 * i, a + 1, 113 + 20 * i, b - 1, text)]
    return table


def test_a_table_ruled_only_across_continued_on_the_next_page_keeps_its_columns() -> None:
    """Each page's part is cut by its own numbers, so one column edge lies a few points apart on
    the two pages (4.6 pt on a generated scan). Within 3 pt they were one rule; further apart
    they made an extra grid column, covered slots, and a row whose first value is blank was
    refused (cell_covered). Cut alike, the joined grid keeps its columns."""
    from pipeline.readers.pdf_tables import to_grids

    part1 = _ocr_part([71.0, 306.5, 337.7, 368.6, 525.6], [["（一）予以公开", "3", "5", "8"]], 2)
    part2 = _ocr_part([71.0, 301.9, 339.1, 368.2, 525.6], [["4．无正当理由", "", "38", "38"]], 3)
    (grid,) = to_grids([part1, part2], [False, False], [False, False], True)
    assert grid.rows == [["（一）予以公开", "3", "5", "8"], ["4．无正当理由", "", "38", "38"]]
    # columns that differ by more than a quarter of the narrower column beside the cut: two rules
    part3 = _ocr_part([71.0, 290.0, 339.1, 368.2, 525.6], [["4．无正当理由", "", "38", "38"]], 3)
    (grid,) = to_grids([part1, part3], [False, False], [False, False], True)
    assert len(grid.rows[0]) == 5


def test_a_first_column_blank_in_every_row_is_placed_under_its_heading_not_under_the_title() -> None:
    """Section 二's 2019 tables: a title row (第二十条第（八）项) over the headings, the first value
    column blank in the one row. The title stands over a heading of the row below: no column,
    and it does not widen the heading's column. The blank column goes under its heading."""
    stack = RowRules(10.0, 300.0, [60.0, 80.0, 100.0, 120.0])
    words = [_heading("第二十条第八项", 145, 65), _heading("信息内容", 30, 85), _heading("上一年项目数", 120, 85),
             _heading("本年增减", 220, 85), _word_label("行政事业性收费", 15, 105), _num("4", 237.5, 105)]
    (row,) = _read(column_tables(stack, words, 1, _is_num, INK, SCALE), 1)[-1:]
    assert len(row) == 3  # label, the blank column, the "4"
    assert row[0][1] <= 120 and row[1][0] <= 120 and 180 <= row[1][1] <= 237.5 and row[2][0] <= 237.5
    # three value columns, the first blank: evenly spaced with the two after it
    words = [_heading("信息内容", 30, 85), _heading("本年新制作", 110, 85), _heading("本年新公开", 170, 85),
             _heading("对外公开总", 230, 85), _word_label("规章", 30, 105), _num("2", 197.5, 105), _num("0", 257.5, 105),
             _word_label("规范性文件", 20, 125), _num("23", 195, 125), _num("91724", 245, 125)]
    stack = RowRules(10.0, 300.0, [80.0, 100.0, 120.0, 140.0])
    rows = _read(column_tables(stack, words, 1, _is_num, INK, SCALE), 2)
    assert all(len(r) == 4 for r in rows) and rows[0][1][0] <= 110 and 160 <= rows[0][1][1] <= 195


def test_clusters_never_side_by_side_are_two_columns_only_under_two_headings_well_apart() -> None:
    """Section 二's 2019 table (五), two rows: 0, blank, 0 and 3, 16, blank. The second and third
    columns never hold numbers on one line, which alone may be one column aligned two ways. Under
    two separate headings well apart they are two columns; under one heading, or two pieces of a
    heading closer than 1.5 characters, the block is not read."""
    stack = RowRules(10.0, 300.0, [80.0, 100.0, 120.0, 140.0])
    body = [_word_label("行政许可", 20, 105), _num("0", 127.5, 105), _num("0", 247.5, 105),
            _word_label("其他服务", 20, 125), _num("3", 127.5, 125), _num("16", 185, 125)]
    heads = [_heading("上一年项目数", 100, 85), _heading("本年增减", 170, 85), _heading("处理决定数", 225, 85)]
    rows = _read(column_tables(stack, [*heads, *body], 1, _is_num, INK, SCALE), 2)
    assert all(len(r) == 4 for r in rows) and rows[1][2][0] <= 185 and 195 <= rows[1][2][1] <= 247.5
    assert column_tables(stack, body, 1, _is_num, INK, SCALE) == []  # no headings: not certain
    one = [heads[0], _heading("本年增减处理决定数", 170, 85)]  # one heading over both clusters
    assert column_tables(stack, [*one, *body], 1, _is_num, INK, SCALE) == []
    # one column, its "0" right-aligned and its "16" left: two clusters under two pieces of its
    # heading, 5 pt apart
    close = [heads[0], _heading("本年增", 175, 85), _heading("减", 210, 85)]
    body2 = [*body[:2], _num("0", 212, 105), *body[3:]]
    assert column_tables(stack, [*close, *body2], 1, _is_num, INK, SCALE) == []


def test_a_rule_stub_at_a_rows_edge_is_no_ink_on_a_cut_but_a_glyph_is() -> None:
    """A vertical rule left faint but where it meets the row rules (or a row rule a pixel thicker
    there than its middle says) leaves a stub at the row's edge, right where the column cut runs:
    the block was refused on every skewed scan of such a table. A stub at most 0.75 pt high
    touching the edge is a rule's remnant; ink in the row, or reaching on into it, is a glyph."""
    words = _rows(
        ("规章", [("12", 145), ("3", 197.5)]),
        ("其他", [("7", 147.5), ("8", 197.5)]),
    )
    stack = RowRules(10.0, 300.0, [100.0, 120.0, 140.0])
    cut = round((155 + 197.5) / 2 * SCALE)
    stubbed = INK.copy()
    top = round(120 * SCALE) + round(1.5 * SCALE)  # the first pixel row of row 2's band
    stubbed[top, cut - 1 : cut + 2] = 255
    assert len(column_tables(stack, words, 1, _is_num, stubbed, SCALE)) == 1
    reaching = INK.copy()
    reaching[top : top + 6, cut - 1 : cut + 2] = 255  # from the edge on into the row: a glyph
    assert column_tables(stack, words, 1, _is_num, reaching, SCALE) == []


def _inked_at(words: list[Word]) -> np.ndarray:
    """An ink mask with each word's glyphs inked (their boxes, 1 pt in from top and bottom)."""
    ink = INK.copy()
    for w in words:
        for g in w.glyphs:
            ink[round((w.y0 + 1) * SCALE) : round((w.y1 - 1) * SCALE), round(g.x0 * SCALE) : round(g.x1 * SCALE)] = 255
    return ink


def _box(pieces: list[tuple[str, float]], y: float) -> Word:
    """One detector box over several runs of digits, each starting at its x (5 pt a digit). As
    RapidOCR places them, its characters are as tall as the box (16 pt, padded), so runs a few
    points apart stay one piece (``_pieces`` parts glyphs over half a character's height apart)."""
    glyphs = [Glyph(g.x0, y - 4, g.x1, y + 12, g.text, g.score) for text, x in pieces for g in _num(text, x, y).glyphs]
    return Word(glyphs[0].x0, y - 4, glyphs[-1].x1, y + 12, "".join(g.text for g in glyphs), 0.99, glyphs)


def _run_over_rows(box: Word) -> list[Word]:
    """Two rows of numbers in columns at 145-155 and 170-175, and a third row holding only ``box``."""
    words = _rows(
        ("规章", [("12", 145), ("3", 170)]),
        ("其他", [("7", 147.5), ("8", 170)]),
    )
    return [*words, _word_label("合计", 20, 145), box]


def test_a_box_run_over_two_cells_numbers_is_placed_by_the_other_numbers_where_a_gap_parts_them() -> None:
    """At 150 dpi the detector drew one box over two wide numbers of neighbouring cells
    ("170892210134"): it joined their columns into one cluster, and the whole block of rows was
    refused (85 cells lost on a generated report). The other rows' numbers place the columns;
    the cut between them crosses the box where a gap as wide as two cells' margins parts it."""
    words = _run_over_rows(_box([("44", 150), ("55", 167)], 145))
    rows = _read(column_tables(STACK, words, 1, _is_num, _inked_at(words), SCALE), 3)
    assert [len(r) for r in rows] == [3, 3, 3]
    (_, a, b) = rows[2]
    assert 160 < a[1] == b[0] < 167  # the cut between the columns runs through the gap in the box


def test_a_box_run_over_two_columns_with_no_cells_gap_at_the_cut_is_not_placed() -> None:
    """The same box, its ink running on over the cut but for a gap of 3 px there (a number reaching
    over two columns, a narrow gap between two of its digits): no cell margins part it at the cut;
    the block is not read. The same ink with a gap of 5 pt is read."""
    words = _run_over_rows(_box([("44", 150), ("55", 167)], 145))
    ink = _inked_at(words)
    cut = _read(column_tables(STACK, words, 1, _is_num, ink, SCALE), 3)[2][1][1]
    row = slice(round(146 * SCALE), round(152 * SCALE))
    ink[row, round(150 * SCALE) : round(177 * SCALE)] = 255  # the box's ink runs on between its digits
    narrow = ink.copy()
    x = round(cut * SCALE)
    narrow[row, x - 1 : x + 2] = 0  # clear where any cut is looked at, ink a pixel beyond on each side
    assert column_tables(STACK, words, 1, _is_num, narrow, SCALE) == []
    wide = ink.copy()
    wide[row, round((cut - 2.5) * SCALE) : round((cut + 2.5) * SCALE) + 1] = 0
    assert len(column_tables(STACK, words, 1, _is_num, wide, SCALE)) == 1

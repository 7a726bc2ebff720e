"""Scans with dark edges, and OCR'd rows that gained a cell from scan noise.

Found on the real WPS report rasterised and degraded with augraphy (print and scan: a sheet
turned a degree with the scanner's bare glass black around it, ink bleed, paper texture):
- the dark wedges along the page's edges framed the whole page as one table cell, and the
  request table was lost (11.8 % of the cells read); ``without_dark_edges`` whitens them;
- a rule the noise drew through one row's last cell gave that row an empty cell too many at
  its end, and its values slid one column ("58 0 0 142555 0 142627" under 自然人…其他 for a
  row whose 自然人 is blank); such a row is now null (``cells_extra``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.modules.setdefault("pymupdf.layout", None)

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from pipeline.parsing import parse_file  # noqa: E402
from pipeline.parsing.cells import Cell  # noqa: E402
from pipeline.parsing.tables.grid import GridRow, _fit  # noqa: E402
from pipeline.readers.ocr import without_dark_edges  # noqa: E402
from pipeline.samples.render_scan import Damage, render_image_pdf  # noqa: E402
from tests.realworld import REALWORLD, compare  # noqa: E402

SCALE = 150 / 72  # pixels per point at the OCR resolution


def _page() -> np.ndarray:
    """A white page with a ruled table (thin rules) and a line of text in its middle."""
    page = np.full((800, 600), 255, np.uint8)
    for y in range(300, 501, 40):
        cv2.line(page, (100, y), (500, y), 0, 1)
    for x in range(100, 501, 100):
        cv2.line(page, (x, 300), (x, 500), 0, 1)
    cv2.putText(page, "2023", (150, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    return page


def test_dark_wedges_and_bands_along_the_edges_are_made_white() -> None:
    page = _page()
    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((300, 400), 1.5, 1.0), (600, 800), borderValue=20)
    turned[:, -8:] = 30  # the scanner's lid along the right side
    clean = without_dark_edges(turned, SCALE)
    assert (clean[:, -8:] == 255).all()
    assert (clean[:3, :] > 100).all() and (clean[:, :3] > 100).all()  # the wedges of the turn (a faint tip left)
    inner = (slice(150, 520), slice(80, 520))
    assert np.array_equal(clean[inner], turned[inner])  # the table and the text are untouched


def test_thin_rules_and_glyphs_at_the_edge_are_no_band() -> None:
    """A picture cropped to its table: its rules reach the image's edges, and are kept."""
    crop = _page()[300:501, 100:501].copy()
    assert np.array_equal(without_dark_edges(crop, SCALE), crop)
    glyph = np.full((400, 400), 255, np.uint8)
    glyph[0:14, 180:190] = 0  # a thick glyph stroke cut by the top edge: along a small share of it
    assert np.array_equal(without_dark_edges(glyph, SCALE), glyph)


def _row(cells: list[str], ocr: bool) -> GridRow:
    kinds: list[Cell | str] = [Cell(int(c), c) if c else "" for c in cells]
    return GridRow("1.本机关不掌握相关政府信息", kinds, 3, list(kinds), ocr)


def test_an_ocr_row_with_an_empty_cell_too_many_at_either_end_is_null() -> None:
    row = ["", "58", "0", "0", "142555", "0", "142627", ""]  # 自然人 blank, and a split 总计 cell
    values, issues = _fit(_row(row, ocr=True), 7)
    assert values == [None] * 7
    assert [code for code, _ in issues] == ["cells_extra"]
    # a leading empty cell alone (a label column) still leaves one reading
    values, issues = _fit(_row(["", *row[1:7], "5"], ocr=True), 7)
    assert [v.value for v in values] == [58, 0, 0, 142555, 0, 142627, 5] and not issues
    # a grid read from the file itself too: a web page's row can carry a stray empty end cell
    values, issues = _fit(_row(row, ocr=False), 7)
    assert values == [None] * 7 and [code for code, _ in issues] == ["cells_extra"]


@pytest.mark.slow
def test_real_report_scanned_with_dark_edges_is_read(tmp_path: Path) -> None:
    """The real WPS report at 200 dpi, turned 1° on a black scanner glass with a dark band at its
    right side: every cell right or null, at least 99 % right (11.8 % before ``without_dark_edges``)."""
    src = REALWORLD / "raw" / "hongze-2023.pdf"
    truth = json.loads((REALWORLD / "truth" / "hongze-2023.json").read_text(encoding="utf-8"))
    scan = render_image_pdf(src, tmp_path / "scan.pdf", dpi=200, damage=Damage(skew=1.0, dark_edges=True))
    score = compare(parse_file(scan), truth)
    assert not score.wrong and not score.invented, (score.wrong, score.invented)
    assert score.cells_right >= 0.99 * score.cells, (score.cells_right, score.cells)


@pytest.mark.slow
def test_real_report_scanned_grey_lit_inside_white_margins_is_levelled(tmp_path: Path) -> None:
    """The real WPS report at 200 dpi, turned 1°, its sheet lit grey (170) with a white margin
    around it (augraphy's light set left a real scan like it): levelling thresholded the page
    with one Otsu level, took the grey sheet for ink against its margins and left pages turned,
    and their skewed rules made overlapping cells (130 of 186 cells; augraphy's scan 15). The
    ink is now found against its local background, as ``ink_mask`` does, and a frame the
    margin's step draws around the tables is page layout (``without_frames``). Its section-三
    heading, printed tight above the table, was then lost (its box grazed the table's top), and
    with it the 2019 row the request table prints: 96.2 % (``_beyond_tables`` keeps it now)."""
    src = REALWORLD / "raw" / "hongze-2023.pdf"
    truth = json.loads((REALWORLD / "truth" / "hongze-2023.json").read_text(encoding="utf-8"))
    scan = render_image_pdf(src, tmp_path / "scan.pdf", dpi=200, damage=Damage(skew=1.0, grey_page=170))
    score = compare(parse_file(scan), truth)
    assert not score.wrong and not score.invented, (score.wrong, score.invented)
    assert score.cells_right >= 0.99 * score.cells, (score.cells_right, score.cells)


def _record(weak_at: dict[tuple[str, str], str]) -> tuple[dict, dict]:
    """A 2021 record of small numbers whose sums all hold, and its rows as read (``Cell.weak`` where given)."""
    import random

    from pipeline import template as tpl
    from pipeline.parsing.cells import RowValues
    from pipeline.samples.generate import random_record

    rec = random_record(random.Random(3), template="2021", large=False)
    rec["cell_methods"], rec["issues"] = {}, []
    found: dict[str, dict] = {"requests": {}, "review_litigation": {}}
    for table, columns in (("requests", tpl.REQUEST_COLUMNS), ("review_litigation", tpl.REVIEW_RESULTS)):
        for row, values in rec[table].items():
            found[table][row] = RowValues([Cell(values[c], str(values[c]), weak=weak_at.get((row, c))) for c in columns])
    return rec, found


def test_a_doubtful_ocr_number_in_a_failing_sum_is_left_blank() -> None:
    """Regression (augraphy print-scan of the real report): a speck cloud beside a "0" read "70" at
    0.90, in a row whose total is 0. Its row's sum fails on the values read, and it was read with a
    doubtful digit: blank, with the reason. A doubtful number in sums that hold stays, and so does
    a confident one in a failing sum (sources print sums that do not add up)."""
    from pipeline.parsing.ocr_sums import withhold_doubtful

    row = "denied_third_party"
    rec, found = _record({(row, "other_org"): "a digit read with 0.90 confidence", ("granted", "total"): "doubt"})
    printed = dict(rec["requests"][row])
    rec["requests"][row]["other_org"] = printed["other_org"] + 70  # the misreading
    rec["requests"][row]["social_welfare"] = None  # lost: the sum still fails (known parts exceed the total)
    withhold_doubtful(rec, found, "2021")
    assert rec["requests"][row]["other_org"] is None
    assert [i["where"] for i in rec["issues"]] == [f"requests.{row}.other_org"]
    assert f"requests.applicants.{row}" in rec["issues"][0]["detail"]
    assert rec["requests"]["granted"]["total"] is not None  # doubtful, but every sum it is in holds
    # the same misreading read confidently is kept as read (the failed check reports it)
    rec, found = _record({})
    rec["requests"][row]["other_org"] += 70
    withhold_doubtful(rec, found, "2021")
    assert rec["requests"][row]["other_org"] == printed["other_org"] + 70 and not rec["issues"]


def test_a_doubtful_review_number_names_the_sum_as_the_checks_do() -> None:
    """The OCR path blanks a doubtful number in a failing review sum under the rule name the
    record's checks use for that sum (one relation list, ``checks.review_relations``): before,
    the OCR path kept its own copy of the sums and named this one review_litigation.sum.review
    while the checks said review_litigation.total.review."""
    from pipeline.parsing.checks import review_checks
    from pipeline.parsing.ocr_sums import withhold_doubtful

    rec, found = _record({("review", "upheld"): "a digit read with 0.91 confidence"})
    rec["review_litigation"]["review"]["upheld"] += 10
    failed = [c["rule"] for c in review_checks(rec["review_litigation"]) if c["ok"] is False]
    assert failed == ["review_litigation.total.review"]
    withhold_doubtful(rec, found, "2021")
    assert rec["review_litigation"]["review"]["upheld"] is None
    assert [i["where"] for i in rec["issues"]] == ["review_litigation.review.upheld"]
    assert "the sum review_litigation.total.review fails" in rec["issues"][0]["detail"]


def test_doubtful_ocr_numbers_reach_the_parser_through_joined_grids() -> None:
    """``PageTable.weak`` -> ``TableGrid.weak`` (also across a page break) -> ``Cell.weak``."""
    import pymupdf

    from pipeline.parsing.tables import grid_rows
    from pipeline.readers.pdf_tables import PageTable, to_grids

    def part(page: int, value: str, weak: bool) -> PageTable:
        cells = [(0.0, 0.0, 50.0, 20.0), (50.0, 0.0, 100.0, 20.0)]
        t = PageTable(page, pymupdf.Rect(0, 0, 100, 20), [0.0, 50.0], [0.0], [cells], ocr=True)
        t.origin = {(0, 0): cells[0], (0, 1): cells[1]}
        t.texts = {cells[0]: [(0, 0, 20, 50, "新收")], cells[1]: [(0, 50, 20, 100, value)]}
        if weak:
            t.weak = {cells[1]: "a digit read with 0.91 confidence"}
        return t

    grids = to_grids([part(1, "12", False), part(2, "70", True)], [False, False], [False, False], merge=True)
    assert len(grids) == 1 and grids[0].weak == [[None, None], [None, "a digit read with 0.91 confidence"]]
    rows = grid_rows(grids)
    assert [r.cells[-1].weak for r in rows] == [None, "a digit read with 0.91 confidence"]


def test_an_ocr_row_with_extra_cells_is_read_only_from_its_one_reading() -> None:
    """Regression (augraphy light print-scan, seed 23): a row of 8 OCR'd cells whose extra is an
    empty cell at its end was read from its last 7 cells, every value one column off. The one
    reading that drops only empty cells is taken; with none, the row is null."""
    values, issues = _fit(_row(["0", "40", "119370", "0", "80702", "20", "200092", ""], ocr=True), 7)
    assert [v.value for v in values] == [0, 40, 119370, 0, 80702, 20, 200092] and not issues
    values, issues = _fit(_row(["5", "0", "1", "2", "3", "4", "6", "7"], ocr=True), 7)
    assert values == [None] * 7 and [code for code, _ in issues] == ["cells_extra"]


def test_a_digit_read_from_a_speck_makes_its_number_doubtful() -> None:
    """A "0" with a speck of noise left of it, read "10": the "1" stands where no ink is a
    digit's height, so the number is doubtful (blank if a sum it is in fails); the "0" alone,
    or a real "10", is not."""
    from pipeline.readers.ocr import _unbacked_digit
    from pipeline.readers.ocr_recognise import Glyph, Word

    scale = 2.0
    ink = np.zeros((160, 320), np.uint8)  # the cell stands at (200, 100) px of the page: offsets count
    cv2.ellipse(ink, (270, 130), (6, 11), 0, 0, 360, 255, 2)  # the "0": 22 px tall
    ink[120:124, 252:255] = 255  # a speck left of it, 4 px tall
    cell = (100.0, 50.0, 160.0, 80.0)  # points: 120 x 60 px

    def word(*glyphs: tuple[str, float]) -> list[Word]:
        gs = [Glyph((200 + cx - 3) / scale, 59.0, (200 + cx + 3) / scale, 71.0, t, 0.99) for t, cx in glyphs]
        return [Word.of(gs)]

    assert _unbacked_digit(word(("1", 54), ("0", 70)), ink, cell, scale) is not None
    assert _unbacked_digit(word(("0", 70)), ink, cell, scale) is None
    ink[119:142, 253:256] = 255  # the speck is a real "1", as tall as the "0"
    assert _unbacked_digit(word(("1", 54), ("0", 70)), ink, cell, scale) is None


def test_a_number_read_without_the_point_its_ink_shows_is_left_blank() -> None:
    """Regression (augraphy harsh print-scan, seed 11): 万元 1.5 read "15" at full confidence.
    A small mark low between two digits, not read as a point, leaves the cell blank."""
    from pipeline.readers.ocr import _unread_point

    scale = 2.0
    ink = np.zeros((60, 120), np.uint8)
    ink[18:40, 40:43] = 255  # "1"
    cv2.ellipse(ink, (70, 29), (6, 11), 0, 0, 360, 255, 2)  # a digit
    cell = (0.0, 0.0, 60.0, 30.0)
    assert _unread_point(ink, cell, scale) is None
    ink[37:40, 52:55] = 255  # the point, low between them
    assert _unread_point(ink, cell, scale) is not None
    ink[37:40, 52:55] = 0
    ink[18:21, 52:55] = 255  # a mark at the top is no point
    assert _unread_point(ink, cell, scale) is None


def test_an_ocr_row_labelled_with_two_items_is_not_placed() -> None:
    """Regression (augraphy harsh print-scan, seed 11): a row rule lost under 4.无正当理由大量反复申请
    left one grid row whose label holds it and 5.要求行政机关确认…; its values (row 4's) went to row 5."""
    from pipeline.parsing.tables import requests_from_grid

    values = ["", "", "", "33", "0", "0", ""]
    label = "4.无正当理由大量反复申请5，要求行政机关确认或重新出具已获取信息"
    kinds: list[Cell | str] = [Cell(int(c), c) if c else "" for c in values]
    found = requests_from_grid([GridRow(label, kinds, 3, list(kinds), True)], "2021")
    assert "not_processed_confirmation" not in found and "not_processed_excessive" not in found
    found = requests_from_grid([GridRow(label, kinds, 3, list(kinds), False)], "2021")
    assert found  # a grid from the file itself keeps its label matching

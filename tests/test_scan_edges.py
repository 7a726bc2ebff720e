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
from pipeline.parsing.tables import GridRow, _fit  # noqa: E402
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
    # a grid read from the file itself keeps its positions (the last n cells)
    values, _ = _fit(_row(row, ocr=False), 7)
    assert [None if v is None else v.value for v in values] == [58, 0, 0, 142555, 0, 142627, None]


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

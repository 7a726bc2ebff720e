"""Tables posted as pictures inside a web page, read by OCR when the file ships the picture.

A ``data:`` URI in the page, a part of a ``.mht`` archive, or a file saved beside the page
(``pipeline/readers/html_pictures.py``); a picture the page only links to is never fetched.
"""

from __future__ import annotations

import base64
import random
import re
import sys
from pathlib import Path

import pytest

sys.modules.setdefault("pymupdf.layout", None)

import numpy as np  # noqa: E402

from pipeline.ingest.limits import Limits  # noqa: E402
from pipeline.parsing import parse_file  # noqa: E402
from pipeline.readers import read  # noqa: E402
from pipeline.readers.ocr import _at_side_rule, _ends_at_rule, _glyph_on_rule  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_html import inline_picture, render_html  # noqa: E402
from pipeline.samples.render_mht import render_mht  # noqa: E402
from tests.test_ocr import _assert_right_or_null  # noqa: E402


@pytest.fixture(scope="module")
def rec() -> dict:
    return random_record(random.Random(5), blank_rate=0.1)


@pytest.fixture(scope="module")
def inline(rec: dict) -> bytes:
    return render_html(rec, seed=3, picture=inline_picture)


def test_tables_pasted_as_inline_pictures_are_read_by_ocr(rec: dict, inline: bytes, tmp_path: Path) -> None:
    """Before, the ``data:`` URIs were dropped as binary and the page had no tables (0 cells)."""
    path = tmp_path / "page.html"
    path.write_bytes(inline)
    got = parse_file(path)
    assert got["source"]["ocr_pages"] == [1]
    _assert_right_or_null(rec, got, 0.97)
    assert {m["method"] for m in got["cell_methods"].values()} <= {"ocr", "derived"}
    for key in ("agency", "year", "template"):
        assert got[key] == rec[key], key


def test_pictures_saved_beside_the_page_are_read_only_from_inside_its_folder(rec: dict, inline: bytes,
                                                                             tmp_path: Path) -> None:
    """"Save complete page": page.html and page_files/. A picture the page links to outside its own
    folder (``../``), on a server, or missing, is not read; nothing is fetched."""
    folder = tmp_path / "site"
    (folder / "page_files").mkdir(parents=True)
    pngs = re.findall(rb'data:image/png;base64,([^"]+)', inline)
    assert len(pngs) == 3
    page = inline
    for k, b64 in enumerate(pngs, 1):
        (folder / "page_files" / f"t{k}.png").write_bytes(base64.b64decode(b64))
        page = page.replace(b"data:image/png;base64," + b64, f"page_files/t{k}.png".encode())
    (folder / "page.html").write_bytes(page)
    got = parse_file(folder / "page.html")
    assert got["source"]["ocr_pages"] == [1]
    _assert_right_or_null(rec, got, 0.97)
    # the same pictures out of reach: one level up, on a server, missing
    (tmp_path / "t2.png").write_bytes(base64.b64decode(pngs[1]))
    away = page.replace(b"page_files/t1.png", b"http://example.gov.cn/t1.png").replace(
        b"page_files/t2.png", b"../t2.png").replace(b"page_files/t3.png", b"page_files/none.png")
    (folder / "away.html").write_bytes(away)
    doc = read(folder / "away.html")
    assert doc.tables == [] and doc.ocr_pages == []


def test_no_picture_is_read_when_ocr_is_off(inline: bytes, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(inline)
    doc = read(path, limits=Limits(ocr_max_pages=0))
    assert doc.tables == [] and doc.ocr_pages == []
    assert any("embedded binary removed" in w for w in doc.warnings)


@pytest.mark.slow
def test_tables_pasted_as_pictures_in_a_web_archive_are_read_by_ocr(rec: dict, tmp_path: Path) -> None:
    """A ``.mht`` whose tables are image parts, shown by paths relative to the page's location."""
    path = tmp_path / "page.mht"
    path.write_bytes(render_mht(rec, seed=4, picture_tables=True))
    got = parse_file(path)
    assert got["source"]["format"] == "mht" and got["source"]["ocr_pages"] == [1]
    _assert_right_or_null(rec, got, 0.97)


def test_a_digit_running_into_the_cells_side_rule_makes_its_number_doubtful() -> None:
    """A number set tight against a vertical rule loses the stroke it shares with the erased rule
    ("120" read "12" in a table pasted as a picture): its cell is left blank."""
    scale = 2.0
    ink = np.zeros((100, 200), np.uint8)
    cell = (10.0, 10.0, 60.0, 40.0)  # pixels 20-120 across, 20-80 down
    ink[40:60, 70:78] = 255  # a digit in the middle
    ink[40:60, 84:92] = 255
    assert _at_side_rule(ink, cell, scale) is None
    ink[40:60, 110:119] = 255  # one more, reaching the right rule (erased at 119-121)
    assert "side rule" in _at_side_rule(ink, cell, scale)


def _ruled_cell() -> tuple[np.ndarray, np.ndarray, tuple[float, float, float, float]]:
    """Ink (off the rules) and rules of a cell 20-120 px across, 20-80 down (1 pt = 2 px), its
    side rules found 5 px wide at x 18-22 and 118-122; a digit in its middle."""
    ink = np.zeros((100, 300), np.uint8)
    rules = np.zeros((100, 300), bool)
    rules[:, 18:23] = rules[:, 118:123] = True
    ink[40:60, 70:78] = 255
    return ink, rules, (10.0, 10.0, 60.0, 40.0)


def test_a_glyph_lying_on_a_side_rule_makes_its_number_doubtful() -> None:
    """A number too wide for its cell runs over the rule ("536", its 6 drawn across it, read "53"
    once the rule is erased): ink beside the rule's pixels over a share of the cell's rows is a
    glyph on it. Ink beside the rule all along it is the rule's own rough edge, not a glyph."""
    ink, rules, cell = _ruled_cell()
    assert _glyph_on_rule(ink, rules, cell, 2.0) is None
    ink[40:58, 115:118] = 255  # what is left of the 6 on this side of the rule
    ink[44:56, 123:126] = 255  # and on the other
    assert "side rule" in _glyph_on_rule(ink, rules, cell, 2.0)
    rough = _ruled_cell()[0]
    rough[:, 117] = 255  # a ragged edge all along the rule
    assert _glyph_on_rule(rough, rules, cell, 2.0) is None
    apart = _ruled_cell()[0]
    apart[40:58, 110:117] = 255  # a digit a pixel clear of the rule: no glyph on it
    assert _glyph_on_rule(apart, rules, cell, 2.0) is None


def test_a_glyph_on_a_rule_at_the_pictures_edge_is_doubtful_however_little_shows() -> None:
    """A screenshot cut at the table's right border, a number running past it: "163" read "16"."""
    ink, rules, cell = _ruled_cell()
    ink, rules = ink[:, :124], rules[:, :124]  # the picture ends just past the right rule
    assert _glyph_on_rule(ink, rules, cell, 2.0) is None
    ink[48:52, 115:118] = 255  # a few rows of a digit touch the rule
    assert "picture's edge" in _glyph_on_rule(ink, rules, cell, 2.0)


def test_in_a_table_whose_numbers_overrun_a_number_ending_at_a_rule_is_doubtful() -> None:
    """A "1" lying wholly under a rule, erased with it, shows nothing beside the rule ("181" read
    "18"). In a table where numbers were seen running over rules, a number ending within half
    its digits' height of a side rule may go on under it; one standing clear of both rules is whole."""
    ink, rules, cell = _ruled_cell()  # a digit at 70-78: 40 px clear of the right rule
    assert _ends_at_rule(ink, rules, cell, 2.0, 3) is None
    ink[40:60, 106:114] = 255  # the number's last digit ends 4 px before the right rule
    assert "right rule" in _ends_at_rule(ink, rules, cell, 2.0, 3)
    ink, rules, cell = _ruled_cell()
    ink[40:60, 27:35] = 255  # its first digit starts 4 px after the left rule
    assert "left rule" in _ends_at_rule(ink, rules, cell, 2.0, 3)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 3, 11])
def test_pictures_whose_numbers_overrun_their_cells_are_read_right_or_null(seed: int, tmp_path: Path) -> None:
    """Tables pictured as the page marks them up, numbers wider than their cells running over the
    rules and past the picture's right edge: with the rules erased, "536" read "53" and "163" read
    "16" (20 wrong numbers over 8 such pages); a "1" wholly under a rule, "181" read "18" (4 at
    seed 11). Every cell right or null now (``_glyph_on_rule``, ``_at_side_rule``,
    ``_ends_at_rule``)."""
    rec = random_record(random.Random(seed), blank_rate=0.1, large=False)
    path = tmp_path / "page.html"
    path.write_bytes(render_html(rec, seed=seed, picture=inline_picture, as_marked_up=True))
    _assert_right_or_null(rec, parse_file(path), 0.1)

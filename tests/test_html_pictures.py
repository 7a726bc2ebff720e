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
from pipeline.readers.ocr import _at_side_rule  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_html import inline_picture, render_html  # noqa: E402
from pipeline.samples.render_mht import render_mht  # noqa: E402

TABLES = ("article20", "requests", "review_litigation")


@pytest.fixture(scope="module")
def rec() -> dict:
    return random_record(random.Random(5), blank_rate=0.1)


@pytest.fixture(scope="module")
def inline(rec: dict) -> bytes:
    return render_html(rec, seed=3, picture=inline_picture)


def _right_or_null(rec: dict, got: dict, least: float) -> None:
    cells = right = 0
    for table in TABLES:
        for row, cols in rec[table].items():
            for col, want in cols.items():
                have = got[table].get(row, {}).get(col)
                cells += 1
                right += have == want
                assert have is None or have == want, f"{table}.{row}.{col}: truth {want}, read {have}"
    assert right >= least * cells, f"{right} of {cells} cells right"


def test_tables_pasted_as_inline_pictures_are_read_by_ocr(rec: dict, inline: bytes, tmp_path: Path) -> None:
    """Before, the ``data:`` URIs were dropped as binary and the page had no tables (0 cells)."""
    path = tmp_path / "page.html"
    path.write_bytes(inline)
    got = parse_file(path)
    assert got["source"]["ocr_pages"] == [1]
    _right_or_null(rec, got, 0.97)
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
    _right_or_null(rec, got, 0.97)
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
    _right_or_null(rec, got, 0.97)


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

"""OCR reader: scans of generated reports read back to their truth; images; refusals.

The OCR tests are slow (about two seconds a page), so they are few and marked ``slow``;
the grid detection and the digit fixes are checked without the OCR engine.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest

sys.modules.setdefault("pymupdf.layout", None)

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pymupdf  # noqa: E402

from pipeline.document import UnreadableFile  # noqa: E402
from pipeline.parsing import parse_file  # noqa: E402
from pipeline.readers import read  # noqa: E402
from pipeline.readers.ocr import MAX_PAGES_ENV, deskew, find_tables, fix_digits, level_angle, ocr_pdf  # noqa: E402
from pipeline.readers.pdf import read_pdf  # noqa: E402
from pipeline.readers.pdf_tables import find_page_tables  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_pdf import render_report_pdf  # noqa: E402
from pipeline.samples.render_scan import render_image_pdf, render_png  # noqa: E402
from tests.test_pdf_records import _spec  # noqa: E402

SEED = 10  # a 2021-format record with six-digit numbers and blank cells


def _record() -> dict:
    rec = random_record(random.Random(SEED), blank_rate=0.1)
    values = [v for row in rec["requests"].values() for v in row.values()]
    assert any(v is None for v in values) and any(v is not None and v >= 100_000 for v in values)
    return rec


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    rec = _record()
    return rec, render_report_pdf(_spec(rec), tmp_path_factory.mktemp("ocr") / "report.pdf")


def _compact(text: str) -> str:
    """Text without blanks, full-width forms folded ("．" and "." are one reading)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("fixed", [("1O", "10"), ("O", "0"), ("2l5", "215"), ("I|0", "110"), ("12.5o", "12.50"),
                                   ("12", "12"), ("", ""), ("-", "-"), ("/", "/"), ("l", "l"), ("Ol", "01"),
                                   ("合计O", "合计O"), ("10件", "10件"), ("ICP", "ICP")])
def test_digit_confusions_are_fixed_only_in_numeric_cells(fixed: tuple[str, str]) -> None:
    assert fix_digits(fixed[0]) == fixed[1]


@pytest.mark.parametrize("skew", [0.0, 1.2, -2.0])
def test_grid_from_the_page_image_matches_the_pdf_grid(report: tuple[dict, Path], skew: float) -> None:
    """Rules found in the pixels give the PDF reader's grid (same slots, same merged positions),
    on a level page and on a page scanned askew (turned level first)."""
    _, pdf = report
    with pymupdf.open(pdf) as doc:
        for page in doc:
            pix = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
            gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w].copy()
            if skew:
                turn = cv2.getRotationMatrix2D((pix.w / 2, pix.h / 2), skew, 1.0)
                gray = cv2.warpAffine(gray, turn, (pix.w, pix.h), borderValue=255)
                assert level_angle(gray) == -skew
                gray = deskew(gray)
            found, rules = find_tables(gray, page.number + 1, pix.w / page.rect.width)
            want = find_page_tables(page, page.number + 1)
            assert len(found) == len(want)
            for f, w in zip(found, want, strict=True):
                assert [[c is None for c in row] for row in f.slots] == [[c is None for c in row] for row in w.slots]
                if not skew:
                    assert abs(f.bbox.x0 - w.bbox.x0) < 3 and abs(f.bbox.y1 - w.bbox.y1) < 3
            assert rules.any() == bool(want)


def test_page_limit_refuses_long_scans(report: tuple[dict, Path], tmp_path: Path, monkeypatch) -> None:
    scan = render_image_pdf(report[1], tmp_path / "scan.pdf", dpi=40)
    with pytest.raises(UnreadableFile, match="more than the OCR limit of 2"):
        ocr_pdf(scan, "sha", max_pages=2)
    monkeypatch.setenv(MAX_PAGES_ENV, "1")
    assert parse_file(scan)["issues"][0]["detail"].endswith(f"more than the OCR limit of 1 (set {MAX_PAGES_ENV} to read it)")


@pytest.mark.slow
def test_scanned_pdf_parses_to_the_truth(report: tuple[dict, Path], tmp_path: Path) -> None:
    rec, pdf = report
    got = parse_file(render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=150))
    assert got["source"]["format"] == "pdf" and got["source"]["ocr"] is True
    assert any(i["code"] == "ocr" and i["severity"] == "info" for i in got["issues"])
    for key in ("template", "year", "agency", "published_on", "article20", "requests", "review_litigation"):
        assert got[key] == rec[key], key


@pytest.mark.slow
def test_png_page_is_read_as_text_and_tables(report: tuple[dict, Path], tmp_path: Path) -> None:
    _, pdf = report
    png = render_png(pdf, tmp_path)[0]
    doc = read(png)
    assert doc.format == "image" and doc.ocr and [p.number for p in doc.pages] == [1]
    assert _compact(doc.text) == _compact(read_pdf(pdf, "sha").pages[0].text)
    assert [g.rows[0][0] for g in doc.tables] == [f"第二十条第（{n}）项" for n in "一五六八"]


@pytest.mark.slow
def test_image_without_text_is_unreadable(tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (600, 800), 255).save(blank)
    got = parse_file(blank)
    assert got["status"] == "unreadable" and got["source"]["format"] == "image"
    assert "image with no text" in got["issues"][0]["detail"]

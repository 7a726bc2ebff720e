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
from pipeline.ingest.limits import Limits  # noqa: E402
from pipeline.parsing import parse_file  # noqa: E402
from pipeline.readers import read  # noqa: E402
from pipeline.readers.ocr import (  # noqa: E402
    MAX_PAGES_ENV,
    Glyph,
    Word,
    _beyond_tables,
    _columns_spanned,
    _page_table,
    _spanning_doubt,
    _split,
    deskew,
    find_tables,
    fix_digits,
    level_angle,
    ocr_pdf,
)
from pipeline.readers.pdf import read_pdf, unreadable_text  # noqa: E402
from pipeline.readers.pdf_tables import PageTable, find_page_tables  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_pdf import render_report_pdf  # noqa: E402
from pipeline.samples.render_scan import Damage, render_image_pdf, render_mixed_pdf, render_png  # noqa: E402
from pipeline.samples.render_unmapped import unmap_fonts  # noqa: E402
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
    for key in ("template", "year", "agency", "published_on"):
        assert got[key] == rec[key], key
    _assert_right_or_null(rec, got, 0.99)  # a number OCR is unsure of is left blank, never guessed


@pytest.mark.slow
def test_png_page_is_read_as_text_and_tables(report: tuple[dict, Path], tmp_path: Path) -> None:
    _, pdf = report
    png = render_png(pdf, tmp_path)[0]
    doc = read(png)
    assert doc.format == "image" and doc.ocr and [p.number for p in doc.pages] == [1]
    assert _compact(doc.text) == _compact(read_pdf(pdf, "sha").pages[0].text)
    # full-width brackets may come back half-width: one reading after NFKC, as the parser folds them
    assert [_compact(g.rows[0][0]) for g in doc.tables] == [_compact(f"第二十条第（{n}）项") for n in "一五六八"]
    assert all(g.ocr for g in doc.tables)


@pytest.mark.slow
def test_image_without_text_is_unreadable(tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (600, 800), 255).save(blank)
    got = parse_file(blank)
    assert got["status"] == "unreadable" and got["source"]["format"] == "image"
    assert "image with no text" in got["issues"][0]["detail"]


# ---------------------------------------------------------------- placing OCR text in cells (no engine)


def _row_table(edges: list[float], y0: float = 100.0, y1: float = 120.0) -> PageTable:
    """A one-row table whose cells lie between ``edges`` (points)."""
    cells = [(a, y0, b, y1) for a, b in zip(edges, edges[1:], strict=False)]
    return _page_table(cells, 1)


def _word(chars: list[tuple[float, str]], width: float = 6.0, score: float = 0.99) -> Word:
    """A recognised box whose characters start at the given x (points), one line at y 104-116."""
    glyphs = [Glyph(x, 104.0, x + width, 116.0, c, score) for x, c in chars]
    return Word(glyphs[0].x0, 104.0, glyphs[-1].x1, 116.0, "".join(c for _, c in chars), score, glyphs)


def test_a_box_across_rules_is_split_at_the_rules_per_character() -> None:
    """"13 | 13 | 524" read as one box 1313524 (the rules erased) gives three cells, never one number."""
    table = _row_table([0, 40, 80, 130])
    w = _word([(12, "1"), (18, "3"), (52, "1"), (58, "3"), (92, "5"), (98, "2"), (104, "4")])
    pieces = {cell[0]: (piece.text, across) for (_, cell), piece, across in _split([table], w)}
    assert pieces == {0: ("13", False), 40: ("13", False), 80: ("524", False)}


def test_a_heading_whose_box_grazes_a_table_keeps_its_text_outside_the_table() -> None:
    """A heading printed tight above a table: its padded box reaches past the table's top rule,
    but its characters stand above it. They were dropped with the section heading (the grey-lit
    real report lost 三、收到和处理…, and with it the request table's printed 2019 row); now they
    are the page's text. A number grazing a table stays dropped: no column is certain for it."""
    table = _row_table([0, 40, 80, 130], 112, 140)  # top rule at y 112; the words lie at 104-116 (centre 110)
    heading = _word([(2, "三"), (10, "、"), (18, "收"), (26, "到")])
    assert _split([table], heading) == []  # no character's centre is in a cell
    kept = _beyond_tables([table], heading)
    assert kept is not None and kept.text == "三、收到"
    assert _beyond_tables([table], _word([(12, "1"), (18, "3")])) is None
    inside = _word([(12, "规"), (18, "章")])
    inside = Word(inside.x0, 114.0, inside.x1, 126.0, inside.text, inside.score,
                  [Glyph(g.x0, 114.0, g.x1, 126.0, g.text, g.score) for g in inside.glyphs])
    assert _beyond_tables([table], inside) is None  # a cell's own text stays the cell's


def test_a_digit_lying_across_a_rule_makes_its_cell_uncertain() -> None:
    table = _row_table([0, 40, 80])
    w = _word([(30, "1"), (37, "7")])  # the 7 spans 37-43: half of it past the rule at 40
    pieces = {cell[0]: (piece.text, across) for (_, cell), piece, across in _split([table], w)}
    assert pieces == {0: ("1", True), 40: ("7", True)}  # 17 | blank, or 1 | 7: neither cell is certain


def _spanning(gray: np.ndarray, words: list[Word]) -> str | None:
    """``_spanning_doubt`` on a cell spanning the two right slots of a 3-slot table (1 px per point)."""
    top = _row_table([0, 40, 80, 130], 50, 70)
    table = _page_table([*(c for c in set(top.origin.values())), (0, 100, 40, 120), (40, 100, 130, 120)], 1)
    cell = table.cell_at(60, 110)
    assert cell == (40, 100, 130, 120) and _columns_spanned(table, cell) == 2
    return _spanning_doubt(table, cell, words, gray, 1.0)


def test_a_number_in_a_wide_cell_is_kept_only_when_nothing_says_it_could_be_two() -> None:
    white = np.full((200, 200), 255, np.uint8)
    tight = [_word([(70, "5"), (76, "5"), (82, "0")])]
    assert _spanning(white, tight) is None  # one wide cell (a header spans it elsewhere): 550 stays
    apart = [_word([(50, "1"), (56, "3"), (95, "5"), (101, "2"), (107, "4")])]
    assert "apart" in _spanning(white, apart)  # 13 ... 524: two columns' numbers, no rule found between them
    faint = white.copy()
    faint[100:120, 79] = 225  # a light-grey rule too faint to be found as one, where column 3 begins
    assert "faint rule" in _spanning(faint, tight)


# ---------------------------------------------------------------- page by page: text layer where it reads, OCR where not


@pytest.fixture(scope="module")
def unmapped_digits(report: tuple[dict, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unmap_fonts(report[1], tmp_path_factory.mktemp("unmapped") / "digits.pdf", only="0123456789")


def test_unmapped_digits_are_found_page_by_page(unmapped_digits: Path) -> None:
    """Digits drawn in a font without a Unicode map: every table page is unreadable as text;
    the first page (narrative, its few digits in a date and a year) too, as its digits are U+FFFD."""
    from pipeline.readers.pdf_page import read_page

    with pymupdf.open(unmapped_digits) as doc:
        reasons = [unreadable_text(read_page(page)) for page in doc]
    assert all(r is not None and "no Unicode mapping" in r for r in reasons), reasons
    assert any("in table cells" in r for r in reasons)


def test_ocr_limit_zero_keeps_the_text_layer_and_says_why(unmapped_digits: Path) -> None:
    doc = read_pdf(unmapped_digits, "sha", limits=Limits(ocr_max_pages=0))
    assert not doc.ocr_pages
    assert any("text layer unreadable" in w and "not read by OCR" in w for w in doc.warnings)


def _assert_right_or_null(rec: dict, got: dict, least: float) -> None:
    """No wrong number; at least ``least`` of the cells right."""
    cells = right = 0
    for table in ("article20", "requests", "review_litigation"):
        for row, cols in rec[table].items():
            for col, want in cols.items():
                have = got[table].get(row, {}).get(col)
                cells += 1
                right += have == want
                assert have is None or have == want, f"{table}.{row}.{col}: truth {want}, read {have}"
    assert right >= least * cells, f"{right} of {cells} cells right"


@pytest.mark.slow
def test_unmapped_digit_pdf_is_read_by_ocr(report: tuple[dict, Path], unmapped_digits: Path) -> None:
    """Issue 11: not 'incomplete, every number blank or lost in the source' but OCR'd, page by page."""
    rec, _ = report
    got = parse_file(unmapped_digits)
    details = [i["detail"] for i in got["issues"]]
    assert any("text layer unreadable" in d and "read by OCR" in d for d in details)
    assert got["source"].get("ocr") is True  # every page needed OCR here
    _assert_right_or_null(rec, got, 0.97)


@pytest.mark.slow
def test_mixed_text_and_scanned_pages_are_each_read_their_way(report: tuple[dict, Path], tmp_path: Path) -> None:
    """First page with a text layer, table pages scanned: the scanned pages alone are OCR'd."""
    rec, pdf = report
    mixed = render_mixed_pdf(pdf, tmp_path / "mixed.pdf", scanned={2, 3})
    doc = read_pdf(mixed, "sha")
    assert doc.ocr_pages == [2, 3] and not doc.ocr
    assert [g.ocr for g in doc.tables] == [g.page >= 2 for g in doc.tables]
    got = parse_file(mixed)
    assert got["source"]["ocr_pages"] == [2, 3]
    for key in ("template", "year", "agency", "published_on"):
        assert got[key] == rec[key], key
    _assert_right_or_null(rec, got, 0.97)
    # a cell read from a scanned page is OCR-read, whatever placed it (grid, text): never "grid"
    pages = {k: v["page"] for k, v in got["cell_methods"].items()}
    assert {v["method"] for k, v in got["cell_methods"].items() if pages[k] in (2, 3)} <= {"ocr", "derived"}


@pytest.mark.slow
def test_tables_pasted_as_pictures_in_a_docx_are_read_by_ocr(tmp_path: Path) -> None:
    """A Word report whose three tables are pictures (screenshots pasted in): each picture is
    OCR'd where it stands, its tables read like a scan's, every value marked ``ocr``."""
    from pipeline.samples.render_docx import render_docx

    rec = random_record(random.Random(7), blank_rate=0.1, large=True)
    got = parse_file(render_docx(rec, tmp_path / "pictures.docx", picture_tables=True))
    assert got["source"]["ocr_pages"] == [1]
    assert {v["method"] for v in got["cell_methods"].values()} <= {"ocr", "derived"}
    for key in ("template", "year", "agency", "published_on"):
        assert got[key] == rec[key], key
    _assert_right_or_null(rec, got, 0.97)


def test_engine_runs_from_models_in_its_wheel_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OCR models ship inside the rapidocr wheel; loading and reading open no connection."""
    import socket

    import rapidocr

    from pipeline.readers.ocr import engine, text_lines

    package = Path(rapidocr.__file__).parent
    assert list((package / "models").glob("*det*.onnx")) and list((package / "models").glob("*rec*.onnx"))

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine.cache_clear()  # loaded here, under the refusal, not earlier by another test
    try:
        assert Path(engine().cfg.Global.model_root_dir).resolve().is_relative_to(package.resolve())
        page = pymupdf.open()
        page.new_page(width=300, height=60).insert_text((10, 40), "政府信息公开 2024", fontname="china-s", fontsize=20)
        pix = page[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
        gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w].copy()
        text = _compact("".join(t for _, t, _ in text_lines(gray)))  # digits may come back full-width
        assert "政府信息公开2024" in text, text
    finally:
        engine.cache_clear()


@pytest.mark.parametrize("turn", [None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE])
def test_page_orientation_is_found_from_the_text(report: tuple[dict, Path], turn: int | None) -> None:
    """A page scanned on its side or upside down is turned upright (no line classifier)."""
    from pipeline.readers.ocr import upright

    with pymupdf.open(report[1]) as doc:
        pix = doc[1].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w].copy()
    turned = gray if turn is None else np.ascontiguousarray(cv2.rotate(gray, turn))
    assert np.array_equal(upright(turned, 150 / 72), gray)


@pytest.mark.parametrize(("damage", "dpi"), [
    (Damage(jpeg=40), 200), (Damage(light=0.35), 200), (Damage(blur=1.0), 200),
    (Damage(grey_rules=200), 200), (Damage(grey_rules=190, broken_rules=True), 150), (Damage(shade=215), 200)],
    ids=["jpeg", "uneven-light", "blur", "thin-grey-rules", "grey-dashed-rules-150dpi", "shaded-rows"])
def test_grid_is_found_on_damaged_scans(report: tuple[dict, Path], tmp_path: Path, damage: Damage, dpi: int) -> None:
    """JPEG artefacts, uneven lighting, blur, rules 1 px thin in light grey (LibreOffice, WPS),
    dashed, and rows shaded grey: the rules found in the pixels still give the PDF's grid."""
    _, pdf = report
    scan = render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=dpi, damage=damage)
    with pymupdf.open(scan) as images, pymupdf.open(pdf) as text:
        for page, truth in zip(images, text, strict=True):
            zoom = 150 / 72
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
            gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w].copy()
            found, _ = find_tables(gray, page.number + 1, zoom)
            want = find_page_tables(truth, truth.number + 1)
            assert [[c is None for c in row] for f in found for row in f.slots] == [
                [c is None for c in row] for w in want for row in w.slots]


@pytest.mark.slow
@pytest.mark.parametrize(("damage", "dpi"), [(Damage(grey_rules=200), 200),
                                             (Damage(grey_rules=190, broken_rules=True), 150)],
                         ids=["thin-grey-200dpi", "grey-dashed-150dpi"])
def test_thin_grey_rule_scan_is_read_right_or_null(report: tuple[dict, Path], tmp_path: Path, damage: Damage,
                                                    dpi: int) -> None:
    """A scan whose rules are 1 px thin and light grey (solid, or dashed at 150 dpi) is read
    with no wrong and no invented number, and most of its cells."""
    rec, pdf = report
    got = parse_file(render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=dpi, damage=damage))
    _assert_right_or_null(rec, got, 0.97)


def test_numbers_of_a_row_without_found_rules_are_never_placed() -> None:
    """"规章 2" outside any found table may be 规章 | blank | 2 | blank: the number is dropped, narrative kept."""
    from pipeline.readers.ocr import _without_loose_numbers

    label = _word([(10, "规"), (16, "章")])
    assert [w.text for w in _without_loose_numbers([label, _word([(200, "2")])])] == ["规章"]
    one_box = _word([(10, "规"), (16, "章"), (100, "4"), (106, "7"), (200, "2")])  # the detector's one box
    assert [w.text for w in _without_loose_numbers([one_box])] == ["规章"]
    sentence = _word([(10, "共"), (16, "收"), (22, "到"), (28, "2"), (34, "1"), (40, "件")])
    assert [w.text for w in _without_loose_numbers([sentence])] == ["共收到21件"]


def test_text_read_twice_by_overlapping_boxes_is_kept_once() -> None:
    """Two detected boxes over the same "10" must not make 1010."""
    from pipeline.readers.ocr import _once

    first, again = _word([(50, "1"), (56, "0")], score=0.99), _word([(50.5, "1"), (56.5, "0")], score=0.97)
    assert "".join(w.text for w in _once([first, again])) == "10"
    assert "".join(w.text for w in _once([first, _word([(70, "5")])])) == "105"  # side by side: both kept


def test_numbers_read_into_a_label_cell_are_dropped_not_joined_to_it() -> None:
    """Thin grey rules lost: the label cell runs over the value cells ("规章" | blank | 155 | 48900).
    Its numbers must not ride along in the label ("规章15548900"), where the parser could read them."""
    from pipeline.readers.ocr import label_text

    label = _word([(10, "规"), (16, "章")])
    values = _word([(120, "1"), (126, "5"), (132, "5"), (200, "4"), (206, "8"), (212, "9"), (218, "0"), (224, "0")])
    assert label_text([label, values]) == "规章"
    one_box = _word([(10, "规"), (16, "章"), (120, "1"), (126, "5"), (132, "5")])  # the detector's one box
    assert label_text([one_box]) == "规章"
    assert label_text([_word([(10, "1"), (16, "."), (22, "属"), (28, "于")])]) == "1.属于"  # a numbered label stays
    assert label_text([_word([(120, "1"), (126, "5"), (132, "5")])]) == "155"  # a value cell is kept whole


def test_turned_and_sealed_scans_are_made_as_described(report: tuple[dict, Path], tmp_path: Path) -> None:
    """The bench's damage: a page scanned turned 90° is landscape; the seal marks the last page only,
    over its right-aligned signature and date."""
    _, pdf = report
    with pymupdf.open(render_image_pdf(pdf, tmp_path / "r90.pdf", dpi=60, damage=Damage(rotate=90))) as doc:
        assert all(p.rect.width > p.rect.height for p in doc)
    clean, sealed = (render_image_pdf(pdf, tmp_path / f"{n}.pdf", dpi=60, damage=d)
                     for n, d in (("clean", Damage(jpeg=95)), ("seal", Damage(seal=True, jpeg=95))))
    with pymupdf.open(clean) as a, pymupdf.open(sealed) as b:
        changed = []
        for pa, pb in zip(a, b, strict=True):
            ga, gb = (np.frombuffer(p.get_pixmap(dpi=60, colorspace=pymupdf.csGRAY).samples, np.uint8) for p in (pa, pb))
            changed.append(int((np.abs(ga.astype(int) - gb.astype(int)) > 60).sum()))
    assert changed[:-1] == [0] * (len(changed) - 1) and changed[-1] > 100, changed


def test_a_row_that_lost_a_slot_keeps_its_columns_in_the_page_text() -> None:
    """A label cell whose row rule was too faint runs down over the next row (and a value
    cell over two columns): the page text of an OCR table keeps one field per column slot,
    so the row is never a shorter row ("| 55 | 0") the text path could fill left to right."""
    from pipeline.readers.pdf_page import PageContent

    cells = [(0, 0, 100, 14), (100, 0, 150, 14), (150, 0, 200, 14), (200, 0, 250, 14),  # header
             (0, 14, 100, 42), (100, 14, 150, 28), (150, 14, 200, 28), (200, 14, 250, 28),  # label over 2 rows
             (100, 28, 150, 42), (150, 28, 250, 42)]  # a value cell over two columns
    table = _page_table(cells, 1)
    texts = {cells[0]: "项目", cells[1]: "自然人", cells[2]: "商业企业", cells[3]: "总计",
             cells[4]: "规章规范性文件", cells[5]: "7", cells[6]: "8", cells[7]: "15", cells[8]: "55", cells[9]: "0"}
    table.texts = {c: [(c[1], c[0], c[3], c[2], t)] for c, t in texts.items()}  # (y0, x0, y1, x1, text)
    table.ocr = True
    content = PageContent(1, 842.0, tables=[table])
    content.flow = [table]
    rows = [line.split("\t") for line in content.text().splitlines()]
    assert [len(r) for r in rows] == [4, 4, 4]
    assert rows[2] == ["", "55", "0", ""]  # under 自然人 and 商业企业, as the grid has them: never shifted left
    table.ocr = False  # a text PDF's table: covered positions dropped as before
    assert content.text().splitlines()[2].split("\t") == ["55", "0"]


TIGHT_SEED = 4001  # small numbers, as in the real report, so nearly all are set at 14 pt


def _tight_rows_pdf(tmp_path: Path) -> tuple[dict, Path]:
    """A generated report with the real WPS report's tight serif rows, and its record."""
    rec = random_record(random.Random(TIGHT_SEED), blank_rate=0.1, large=False)
    return rec, render_report_pdf(_spec(rec), tmp_path / "tight.pdf", tight_rows=True)


def _rule_pixels_inside_cells(scan: Path, page_index: int) -> int:
    """Pixels of found rules inside the cells of the scan's page, away from the cells' edges."""
    from pipeline.readers.ocr import ink_mask

    scale = 200 / 72
    with pymupdf.open(scan) as doc:
        pix = doc[page_index].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    gray = deskew(np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w].copy())
    tables, rules = find_tables(gray, page_index + 1, scale, ink_mask(gray, scale))
    assert tables
    margin = round(3 * scale)  # the rules' own width, their fringe and the reach at crossings
    inside = 0
    for table in tables:
        for x0, y0, x1, y1 in {c for row in table.slots for c in row if c is not None}:
            box = rules[round(y0 * scale) + margin : round(y1 * scale) - margin,
                        round(x0 * scale) + margin : round(x1 * scale) - margin]
            inside += int(np.count_nonzero(box))
    return inside


@pytest.mark.parametrize("skew", [0.0, 2.0])
def test_glyph_strokes_near_a_rule_are_not_taken_for_rules(tmp_path: Path, skew: float) -> None:
    """The real WPS report's tight rows (the upright of a 1, the sides of a 0 nearly touching the
    rules above and below), rasterised at 200 dpi: no rule is found inside a cell, away from its
    edges. Before, such strokes joined the rule network, were erased as rules, and the 0s of
    two rows read as "C" and "(" (the scan skewed 2° lost 24 cells so)."""
    src = Path(__file__).parent / "data" / "realworld" / "raw" / "hongze-2023.pdf"
    scan = render_image_pdf(src, tmp_path / "scan.pdf", dpi=200, damage=Damage(skew=skew))
    assert _rule_pixels_inside_cells(scan, 3) == 0


@pytest.mark.parametrize("skew", [0.0, 2.0])
def test_glyph_strokes_in_generated_tight_rows_are_not_taken_for_rules(tmp_path: Path, skew: float) -> None:
    """The same on the generator's tight serif rows (``tight_rows=True``), every table page."""
    _, pdf = _tight_rows_pdf(tmp_path)
    scan = render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=200, damage=Damage(skew=skew))
    with pymupdf.open(scan) as doc:
        pages = doc.page_count
    assert [_rule_pixels_inside_cells(scan, i) for i in range(pages)] == [0] * pages


@pytest.mark.slow
@pytest.mark.parametrize("skew", [0.0, 2.0])
def test_tight_serif_rows_scan_is_read_right_or_null(tmp_path: Path, skew: float) -> None:
    """The real WPS report's table shape, generated (``render_report_pdf(tight_rows=True)``:
    14 pt serif numbers in rows 1.77 times their digits' height, hairline rules) and scanned
    at 200 dpi, level and skewed 2°: no wrong number, at least 99 % of the cells right. With
    a vertical run taken for a rule whatever horizontal rules it meets (before 0a13972) the
    strokes of 1s and 4s were erased as rules: 137 of 198 cells right and 48 wrong level, 106
    and 45 wrong skewed ("21" read 2, "493" read 93)."""
    rec, pdf = _tight_rows_pdf(tmp_path)
    got = parse_file(render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=200, damage=Damage(skew=skew)))
    _assert_right_or_null(rec, got, 0.99)


@pytest.mark.slow
def test_tables_without_vertical_rules_are_read_by_where_their_numbers_stand(
        report: tuple[dict, Path], tmp_path: Path) -> None:
    """Rows ruled only across: the columns come from where the numbers stand (ocr_columns), so
    most cells are read, blanks included, and none wrong. Before, no table was found and every
    number standing apart was dropped (7.6 % of the cells read)."""
    rec, pdf = report
    got = parse_file(render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=200, damage=Damage(no_verticals=True)))
    _assert_right_or_null(rec, got, 0.8)


@pytest.mark.slow
def test_a_number_the_detector_passes_over_in_a_table_without_vertical_rules_is_looked_at_again(tmp_path: Path) -> None:
    """The review table ruled only across: its lone zeros were not detected as text, a column cut
    ran through them, and the whole row was refused (15 cells null). The ink no word covers is
    now read for a second look (ocr_columns.unread_ink), so the row's columns are certain."""
    import random

    from pipeline.samples.generate import random_record

    rec = random_record(random.Random(2024), blank_rate=0.1)  # bench_ocr's first report
    pdf = render_report_pdf(_spec(rec), tmp_path / "report.pdf")
    got = parse_file(render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=200, damage=Damage(no_verticals=True)))
    _assert_right_or_null(rec, got, 0.8)
    read = [got["review_litigation"][row][col] == want for row, cols in rec["review_litigation"].items()
            for col, want in cols.items() if want is not None]
    assert sum(read) >= len(read) - 1, got["review_litigation"]


@pytest.mark.slow
def test_a_column_blank_in_a_table_without_vertical_rules_stands_under_its_heading(tmp_path: Path) -> None:
    """The review table ruled only across, one value row with two blank columns: no number
    marks those columns, so the row had 13 values for 15 columns and all 15 cells were null.
    The headings over the row now place the blank columns (ocr_columns.blank_columns)."""
    import random

    from pipeline.samples.generate import random_record

    rng = random.Random(2024)
    random_record(rng, blank_rate=0.1)
    rec = random_record(rng, blank_rate=0.1)  # bench_ocr's second report: two blank review columns
    assert sum(v is None for cols in rec["review_litigation"].values() for v in cols.values()) == 2
    pdf = render_report_pdf(_spec(rec), tmp_path / "report.pdf")
    got = parse_file(render_image_pdf(pdf, tmp_path / "scan.pdf", dpi=200, damage=Damage(no_verticals=True)))
    _assert_right_or_null(rec, got, 0.8)
    assert got["review_litigation"] == rec["review_litigation"]

"""OCR recognition: crops read at their own width, batches, table cells read line by line.

The batching and line-cutting logic is checked without the engine (and with hypothesis);
the engine tests (marked slow, as in tests/test_ocr.py) read a few small crops.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.modules.setdefault("pymupdf.layout", None)

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pymupdf  # noqa: E402

from pipeline.readers import ocr_recognise as rec  # noqa: E402
from pipeline.readers.ocr import find_tables, ink_mask  # noqa: E402

SCALE = 150 / 72


def _text_image(text: str, *, fontsize: float = 11, width: float = 120, height: float = 24) -> np.ndarray:
    """``text`` rendered alone at 150 dpi, grey, the way a scan's crop looks."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    page.insert_text((4, height * 0.7), text, fontname="china-s", fontsize=fontsize)
    return _gray(page)


def _gray(page: pymupdf.Page) -> np.ndarray:
    """The page rasterised at 150 dpi in grey, as a scan's page image."""
    pix = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w].copy()


def _compact(text: str) -> str:
    """Text without blanks, full-width forms folded (the recogniser may return "２" for "2")."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _ink_rect(gray: np.ndarray, pad: int = 4) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(gray < 128)
    return int(xs.min()) - pad, int(ys.min()) - pad, int(xs.max()) + 1 + pad, int(ys.max()) + 1 + pad


# ---------------------------------------------------------------- batches (no engine)


@given(st.lists(st.integers(min_value=48, max_value=4000), max_size=60),
       st.floats(min_value=1.0, max_value=2.0), st.integers(min_value=1, max_value=20))
def test_width_batches_hold_every_crop_once_among_crops_of_like_width(widths: list[int], spread: float, most: int) -> None:
    batches = rec.width_batches(widths, spread, most)
    assert sorted(k for b in batches for k in b) == list(range(len(widths)))
    for b in batches:
        assert 1 <= len(b) <= most
        assert max(widths[k] for k in b) <= spread * min(widths[k] for k in b)
        assert len(b) == 1 or sum(max(widths[k] for k in b) for _ in b) <= rec.BATCH_WIDTH


# ---------------------------------------------------------------- runs of figures (no engine)


def test_figure_runs_take_digits_with_joiners_between_them_only() -> None:
    assert rec._figure_runs(list("2023年1.5日")) == [(0, 3), (5, 7)]
    assert rec._figure_runs(list("1.属于")) == [(0, 0)]  # a joiner after the last figure is not part of it
    assert rec._figure_runs(list("收到12件，3件")) == [(2, 3), (6, 6)]  # "，" between figures joins only when a figure follows
    assert rec._figure_runs(list("hzzwgk@126.com")) == [(0, 5), (7, 13)]  # letters: a squeezed digit may read as one
    assert rec._figure_runs(list("政府信息公开")) == []


# ---------------------------------------------------------------- threads (no engine)


def test_each_worker_gets_its_share_of_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rec, "_threads", 0)
    monkeypatch.setattr(rec.os, "cpu_count", lambda: 4)
    rec.share_cores(2)
    assert rec._threads == 2
    rec.share_cores(8)  # more workers than cores: one thread each, never none
    assert rec._threads == 1
    rec.share_cores(1)
    assert rec._threads == 4


@pytest.mark.slow
def test_a_session_made_after_share_cores_runs_that_many_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rec, "_threads", 1)
    made = rec._session(rec.engine()._load_rec_model().session.session)
    assert made.get_session_options().intra_op_num_threads == 1


# ---------------------------------------------------------------- lines of a cell (no engine)


def _profile(*runs: tuple[int, int], height: int = 60) -> np.ndarray:
    rows = np.zeros(height, bool)
    for a, b in runs:
        rows[a:b] = True
    return rows


def test_ink_lines_parts_the_lines_of_a_wrapped_label() -> None:
    assert rec.ink_lines(_profile((5, 25), (30, 50)), 6) == [(5, 25), (30, 50)]


def test_ink_lines_keeps_the_strokes_of_one_character_in_one_line() -> None:
    # 三 alone: three short strokes with gaps between them, beside a full-height line below
    assert rec.ink_lines(_profile((5, 8), (12, 15), (20, 23), (30, 50)), 6) == [(5, 23), (30, 50)]
    # a comma's tail under its line
    assert rec.ink_lines(_profile((5, 25), (26, 29)), 6) == [(5, 29)]


def test_ink_lines_drops_specks() -> None:
    assert rec.ink_lines(_profile((10, 12)), 6) == []
    assert rec.ink_lines(_profile(), 6) == []


def test_cell_lines_cut_a_two_line_cell_into_two_crops_inside_it() -> None:
    """A ruled table drawn at 150 dpi: a label on two lines, a number; each line its own crop, in its cell."""
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=120)
    for y in (20, 70, 100):
        page.draw_line((20, y), (280, y), width=0.8)
    for x in (20, 150, 280):
        page.draw_line((x, 20), (x, 100), width=0.8)
    page.insert_text((26, 38), "政府信息公开", fontname="china-s", fontsize=11)
    page.insert_text((26, 60), "申请数量", fontname="china-s", fontsize=11)
    page.insert_text((160, 90), "1234", fontname="china-s", fontsize=11)
    gray = _gray(page)
    ink = ink_mask(gray, SCALE)
    tables, rules = find_tables(gray, 1, SCALE, ink)
    ink[rules > 0] = 0
    assert len(tables) == 1
    rects = rec.cell_lines(tables, ink, SCALE)
    cells = sorted(set(tables[0].origin.values()))
    inside = [[r for r in rects if c[0] * SCALE - 1 <= r[0] and r[2] <= c[2] * SCALE + 1
               and c[1] * SCALE - 1 <= r[1] and r[3] <= c[3] * SCALE + 1] for c in cells]
    assert sum(len(i) for i in inside) == len(rects) == 3  # every crop lies inside one cell
    label = max(inside, key=len)
    assert len(label) == 2 and label[0][3] <= label[1][1] + 1  # two lines, one above the other


# ---------------------------------------------------------------- with the engine


@pytest.fixture(scope="module")
def numbers() -> list[tuple[str, np.ndarray, tuple[int, int, int, int]]]:
    out = []
    for text in ("7", "60", "908", "12345", "2024年", "政府信息公开工作年度报告"):
        gray = _text_image(text, width=40 + 14 * len(text))
        out.append((text, cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), _ink_rect(gray)))
    return out


@pytest.mark.slow
def test_crops_are_read_at_their_own_width_not_padded_to_320(numbers, monkeypatch: pytest.MonkeyPatch) -> None:
    """A short crop reaches the model at its own width, not padded to RapidOCR's 320 px (the time went there)."""
    session = rec.engine()._load_rec_model().session
    seen: list[tuple[int, ...]] = []
    real = type(session).__call__

    def spy(self, x):
        seen.append(x.shape)
        return real(self, x)

    monkeypatch.setattr(type(session), "__call__", spy)
    for _, bgr, rect in numbers[:4]:  # the numbers: each well under 320 px at 48 px high
        seen.clear()
        [(_, score, _)] = rec.recognise_boxes(bgr, [rect])
        assert seen[0][3] < 320, seen  # read first at its own width
        # read again padded to 320 px (RapidOCR's way) only when unsure at its own width
        assert seen[1:] == [] or (seen[1:] == [(1, 3, 48, 320)] and len(seen) == 2), seen


@pytest.mark.slow
def test_own_width_reads_the_digits_rapidocr_reads_padded(numbers) -> None:
    """Each crop reads the same text as RapidOCR's own recogniser (padded to 320) reads it."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    crops = [np.ascontiguousarray(bgr[y0:y1, x0:x1]) for _, bgr, (x0, y0, x1, y1) in numbers]
    crops = [cv2.copyMakeBorder(c, 0, 0, 0, max(0, c.shape[0] - c.shape[1]), cv2.BORDER_CONSTANT, value=(255,) * 3)
             for c in crops]
    padded = rec.engine()._load_rec_model()(TextRecInput(img=crops, return_word_box=True))
    txts, _, _ = rec.recognise_crops(crops)
    assert [_compact(t) for t in txts] == [_compact(t) for t in padded.txts] == [text for text, _, _ in numbers]


@pytest.mark.slow
def test_batches_keep_the_order_of_the_crops(numbers) -> None:
    """Read together (batched by width, narrowest first) or one by one: the same text, each in its place."""
    wide = max(b.shape[1] for _, b, _ in numbers)
    bgr = np.vstack([np.pad(b, ((0, 0), (0, wide - b.shape[1]), (0, 0)), constant_values=255) for _, b, _ in numbers])
    rects, at = [], 0
    for _, b, (x0, y0, x1, y1) in numbers:
        rects.append((x0, y0 + at, x1, y1 + at))
        at += b.shape[0]
    order = [5, 0, 3, 1, 4, 2]  # widest first, mixed: batching reorders internally
    together = rec.recognise_boxes(bgr, [rects[k] for k in order])
    alone = [rec.recognise_boxes(bgr, [rects[k]])[0] for k in order]
    assert [t for t, _, _ in together] == [t for t, _, _ in alone]
    assert [_compact(t) for t, _, _ in together] == [numbers[k][0] for k in order]
    for (_, _, chars), k in zip(together, order, strict=True):  # character boxes land on their own crop
        x0, y0, x1, y1 = rects[k]
        slack = (y1 - y0) / 4
        for _, _, box in chars:
            assert x0 - slack <= box[:, 0].min() and box[:, 0].max() <= x1 + slack
            assert y0 - slack <= box[:, 1].min() and box[:, 1].max() <= y1 + slack


@pytest.mark.slow
def test_text_outside_tables_is_found_where_it_lies_on_the_page() -> None:
    """Detection over the bands outside the tables (at a lower resolution) puts each box where the whole-page detection does."""
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=260)
    page.insert_text((30, 30), "政府信息公开年度报告", fontname="china-s", fontsize=12)
    for y in (60, 90, 120):
        page.draw_line((20, y), (280, y), width=0.8)
    for x in (20, 150, 280):
        page.draw_line((x, 60), (x, 120), width=0.8)
    page.insert_text((30, 80), "收到申请", fontname="china-s", fontsize=11)
    page.insert_text((30, 200), "2024年1月15日", fontname="china-s", fontsize=12)
    gray = _gray(page)
    tables, _ = find_tables(gray, 1, SCALE)
    assert len(tables) == 1
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    whole = [rec._rect_of(q) for q in rec.detect(bgr)]
    outside = [rec._rect_of(q) for q in rec.detect_outside(bgr, tables, SCALE)]
    table_top, table_bottom = tables[0].bbox.y0 * SCALE, tables[0].bbox.y1 * SCALE
    expected = [r for r in whole if not table_top <= (r[1] + r[3]) / 2 <= table_bottom]
    assert len(outside) == len(expected) == 2
    for got, want in zip(sorted(outside, key=lambda r: r[1]), sorted(expected, key=lambda r: r[1]), strict=True):
        # found at DETECT_DPI, half the page's resolution: as exact as a pixel there allows
        assert max(abs(a - b) for a, b in zip(got, want, strict=True)) <= 2 + (want[3] - want[1]) / 4, (got, want)



@pytest.mark.slow
def test_a_scan_read_in_a_worker_still_stops_at_the_per_file_timeout(tmp_path) -> None:
    """OCR runs in ONNX Runtime's C++ threads; the worker reading a scan is still killed at the timeout."""
    import random
    import time

    from pipeline.ingest.isolate import ParseTask, parse_many
    from pipeline.ingest.limits import Limits
    from pipeline.readers import sha256_file
    from pipeline.samples.generate import random_record
    from pipeline.samples.render_pdf import render_report_pdf
    from pipeline.samples.render_scan import render_image_pdf
    from tests.test_pdf_records import _spec

    text = render_report_pdf(_spec(random_record(random.Random(3), blank_rate=0.1)), tmp_path / "text.pdf")
    scan = render_image_pdf(text, tmp_path / "scan.pdf", dpi=150)  # several seconds of OCR a page
    start = time.monotonic()
    [(_, record)] = list(parse_many([ParseTask(sha256_file(scan), str(scan), None)], Limits(timeout_seconds=1), workers=1))
    assert record["status"] == "unreadable"
    assert [i["code"] for i in record["issues"] if i["severity"] == "error"] == ["timeout"]
    assert time.monotonic() - start < 60  # the whole read takes far longer than 1 s; wide margin for a loaded machine



SQUEEZE_TRAPS = ("本年共收到申请100件其中自然人37件", "本年共收到申请21件其中自然人387件", "本年共收到申请3021件其中自然人51件",
                 "本年共收到申请03件其中自然人784件", "本年共收到申请110件其中自然人506件", "本年共收到申请021件其中自然人514件",
                 "本年共收到申请31件其中自然人481件")
"""Lines whose digits read wrong but confident when the line is read squeezed (found among 400 generated lines)."""


@pytest.fixture(scope="module")
def traps() -> list[tuple[str, np.ndarray, tuple[int, int, int, int]]]:
    out = []
    for text in SQUEEZE_TRAPS:
        gray = _text_image(text, fontsize=10.5, width=40 + 14 * len(text))
        out.append((text, cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), _ink_rect(gray)))
    return out


@pytest.fixture
def widths_read(monkeypatch: pytest.MonkeyPatch) -> list[list[float]]:
    """Each call of the recogniser, as the share of their own width its crops are read at."""
    calls: list[list[float]] = []
    real = rec.recognise_crops

    def spy(crops, factors=None):
        calls.append(list(factors or [1.0] * len(crops)))
        return real(crops, factors)

    monkeypatch.setattr(rec, "recognise_crops", spy)
    return calls


@pytest.mark.slow
def test_running_text_is_read_squeezed_and_its_figures_at_full_width(traps, widths_read) -> None:
    """A line is read at TEXT_SQUEEZE of its width; its numbers, read again at full width, come out exact."""
    factors_seen = widths_read
    for text, bgr, rect in traps:
        factors_seen.clear()
        [(got, _, chars)] = rec.recognise_boxes(bgr, [rect], squeeze=True)
        assert _compact(got) == text
        assert _compact("".join(t for t, _, _ in chars)) == text  # the characters agree with the text
        assert factors_seen[0] == [rec.TEXT_SQUEEZE]  # read squeezed first
        # then at full width: its numbers, and the whole line where they do not read back as many digits
        assert factors_seen[1:] and all(f == 1.0 for call in factors_seen[1:] for f in call)


@pytest.mark.slow
def test_a_line_whose_figures_read_back_cleanly_is_not_read_again_whole(widths_read) -> None:
    """The common case: the squeezed line, then its numbers alone at full width; the line is not read twice."""
    calls = widths_read
    for text, runs in (("2023年，本机关主动公开政府信息1136条", 2), ("电话：0517-87222589，邮编：223100", 2)):
        gray = _text_image(text, fontsize=12, width=40 + 16 * len(text))
        calls.clear()
        [(got, _, chars)] = rec.recognise_boxes(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), [_ink_rect(gray)], squeeze=True)
        assert _compact(got) == _compact(text)
        assert _compact("".join(t for t, _, _ in chars)) == _compact(text)
        assert calls == [[rec.TEXT_SQUEEZE], [1.0] * runs]


@pytest.mark.slow
def test_squeezed_digits_alone_would_be_wrong(traps) -> None:
    """The reason figures are read again: squeezed, these lines' digits read wrong (so the test above can fail)."""
    wrong = 0
    for text, bgr, rect in traps:
        [(got, score, _)] = rec._recognised(bgr, [rect], [rec.TEXT_SQUEEZE])
        wrong += _compact(got) != text
    assert wrong >= len(traps) // 2, wrong


@pytest.mark.slow
def test_a_date_in_chinese_numerals_is_read_whole_at_full_width(widths_read) -> None:
    text = "二〇二五年一月十五日"
    gray = _text_image(text, fontsize=12, width=40 + 14 * len(text))
    factors_seen = widths_read
    [(got, _, _)] = rec.recognise_boxes(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), [_ink_rect(gray)], squeeze=True)
    assert _compact(got) == text
    assert factors_seen == [[rec.TEXT_SQUEEZE], [1.0]]

"""OCR recognition: the engine, text detection, recognition of crops, and page orientation.

Split from ``ocr.py`` (which finds the grid and places what is read here into its cells),
so the engine-facing code, the part that costs the time, can change on its own.

- The engine is RapidOCR 3 (PP-OCRv6 small detection and recognition, ONNX Runtime on the
  CPU). Its models ship inside the ``rapidocr`` wheel, so nothing is downloaded at run
  time. The text-direction classifier is off (it turns a lone 9 into a 6): a page's
  orientation is found from its text instead (``upright``). The engine is loaded once per
  process.
- ``recognise`` detects text boxes over a page and recognises each, keeping every
  character's box and confidence, so the caller can split a box at table rules.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from pipeline.readers.pdf_tables import PageTable  # noqa: E402

MIN_GLYPH = 3.0  # points: ink lower than this in an otherwise unread cell is a speck, not a glyph
SECOND_LOOK_SCORE = 0.8  # confidence needed to keep text read from a cell the detector passed over
ORIENT_SIDEWAYS = 1.5  # column profile this much sharper than the row profile: the page lies on its side
ORIENT_LINES = 4  # text lines read both ways up to tell an upside-down page
ORIENT_MARGIN = 0.1  # mean confidence by which the turned reading must win
TEXT_SCORE = 0.5  # confidence below which a detected text box outside tables is dropped


@dataclass
class Glyph:
    """One recognised character with its box (page points) and the recogniser's confidence."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Word:
    """One OCR text box (or the part of one inside a table cell), in page points.

    ``score`` is the lowest confidence of its characters: one doubtful digit makes the
    whole number doubtful.
    """

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float = 1.0
    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine, loaded once per process (models from the installed wheel).

    RapidOCR 3 with its default PP-OCR models, which ship inside the ``rapidocr`` wheel
    (``rapidocr/models/``): nothing is downloaded. The angle classifier stays off (it turns
    a lone 9 into a 6); ``max_side_len``: pages come at the OCR resolution already, the
    default (2000 px) would shrink a finer one again before detection.
    """
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.use_cls": False, "Global.max_side_len": 4000, "Global.log_level": "error"})


def detect(bgr: np.ndarray) -> list[np.ndarray]:
    """Text boxes (4 points each, pixels) the detector finds in an image; [] when it finds none."""
    found = engine()(bgr, use_det=True, use_cls=False, use_rec=False)  # empty output when none
    boxes = getattr(found, "boxes", None)
    return [] if boxes is None else [np.asarray(b, dtype=np.float32) for b in boxes]


def recognise_boxes(bgr: np.ndarray, rects: list[tuple[int, int, int, int]]) -> list[tuple[str, float, list[tuple[str, float, np.ndarray]]]]:
    """Recognise the text in each axis-aligned rectangle (pixels) of ``bgr``.

    Per rectangle: (text, confidence, characters), each character with its confidence and
    its box in ``bgr``'s pixels (RapidOCR's per-character boxes, from where the recogniser
    placed each character along the line). A crop narrower than it is high is widened with
    white first: RapidOCR's own cropping turns such a crop (a lone "1" in a cell) on its side.
    """
    from rapidocr.cal_rec_boxes import CalRecBoxes
    from rapidocr.ch_ppocr_rec import TextRecInput

    if not rects:
        return []
    crops, quads = [], []
    h, w = bgr.shape[:2]
    for x0, y0, x1, y1 in rects:
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        crop = bgr[y0:y1, x0:x1]
        widen = max(0, (y1 - y0) - (x1 - x0))
        if widen:
            crop = cv2.copyMakeBorder(crop, 0, 0, widen // 2, widen - widen // 2, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        a, c = x0 - widen // 2, x1 + widen - widen // 2
        crops.append(np.ascontiguousarray(crop))
        quads.append(np.array([[a, y0], [c, y0], [c, y1], [a, y1]], dtype=np.float32))
    out = engine()._load_rec_model()(TextRecInput(img=crops, return_word_box=True))
    words = CalRecBoxes()(crops, np.stack(quads), out, True).word_results
    results = []
    for text, score, chars in zip(out.txts, out.scores, words, strict=True):
        results.append((text, float(score), [(t, float(s), np.asarray(b, dtype=np.float32)) for t, s, b in chars]))
    return results


def text_lines(image: np.ndarray) -> list[tuple[np.ndarray, str, float]]:
    """(box, text, confidence) of every text line the engine finds in an image (BGR or grey)."""
    bgr = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else np.ascontiguousarray(image[..., :3])
    boxes = detect(bgr)
    rects = [_rect_of(q) for q in boxes]
    return [(q, t, s) for q, (t, s, _) in zip(boxes, recognise_boxes(bgr, rects), strict=True) if t.strip()]


def _rect_of(quad: np.ndarray) -> tuple[int, int, int, int]:
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


def recognise(gray: np.ndarray, scale: float, tables: list[PageTable] = (), ink: np.ndarray | None = None
              ) -> list[Word]:
    """OCR text boxes of a page image, in points, each with its characters' boxes and confidences.

    Detection runs on the whole page; each detected box is recognised whole and keeps its
    per-character boxes, so the caller can split it at table rules. A table cell holding ink
    where the detector found nothing (it can pass over a lone "1") gets a second look: its
    ink is recognised directly, and kept only when the recogniser is fairly sure of it
    (``SECOND_LOOK_SCORE``). Outside tables, a box read with less than ``TEXT_SCORE``
    confidence is dropped (a speck, a stamp's edge).
    """
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    pad = max(1, round(0.5 * scale))
    rects = []
    for quad in detect(bgr):
        x0, y0, x1, y1 = _rect_of(quad)
        rects.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    found = len(rects)
    if ink is not None:
        rects.extend(_unread_ink(rects, tables, ink, scale))
    words = []
    for k, (text, score, chars) in enumerate(recognise_boxes(bgr, rects)):
        text = text.strip()
        if not text or score < (TEXT_SCORE if k < found else SECOND_LOOK_SCORE):
            continue
        x0, y0, x1, y1 = (v / scale for v in rects[k])
        glyphs = []
        for t, s, box in chars:
            if t.strip():
                (gx0, gy0), (gx1, gy1) = box.min(axis=0) / scale, box.max(axis=0) / scale
                glyphs.append(Glyph(float(gx0), float(gy0), float(gx1), float(gy1), t.strip(), s))
        words.append(Word(x0, y0, x1, y1, text, score, glyphs))
    return words


def _unread_ink(rects: list[tuple[int, int, int, int]], tables: list[PageTable], ink: np.ndarray, scale: float
                ) -> list[tuple[int, int, int, int]]:
    """Rectangles (pixels) around the ink of table cells that no detected box's centre falls in.

    Ink touching the cell's edge is a remnant of a rule, and a speck lower than
    ``MIN_GLYPH`` is noise: neither is looked at.
    """
    centres = [((a + c) / 2 / scale, (b + d) / 2 / scale) for a, b, c, d in rects]
    out = []
    edge = max(1, round(0.75 * scale))
    for table in tables:
        for cx0, cy0, cx1, cy1 in set(table.origin.values()):
            if any(cx0 <= x <= cx1 and cy0 <= y <= cy1 for x, y in centres):
                continue
            x0, y0, x1, y1 = (round(v * scale) for v in (cx0, cy0, cx1, cy1))
            inner = ink[y0 + edge : y1 - edge, x0 + edge : x1 - edge]
            if inner.size == 0 or not inner.any():
                continue
            rows, cols = np.nonzero(inner.any(axis=1))[0], np.nonzero(inner.any(axis=0))[0]
            top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            if bottom - top < MIN_GLYPH * scale:
                continue
            pad = max(2, round(0.25 * (bottom - top)))
            out.append((int(x0 + edge + left - pad), int(y0 + edge + top - pad),
                        int(x0 + edge + right + pad), int(y0 + edge + bottom + pad)))
    return out


def upright(gray: np.ndarray, scale: float) -> np.ndarray:
    """``gray`` turned by 0, 90, 180 or 270 degrees so that its text reads upright.

    Decided from the text itself, not by a classifier of single lines (which turns a lone 9
    into a 6): a page on its side has its ink in columns rather than rows (the row profile
    of level text lines is the sharper one), and a page upside down is told from an upright
    one by reading a few of its text lines both ways: the recogniser is confident only on
    the right way up (``ORIENT_MARGIN`` of mean confidence).
    """
    factor = min(1.0, 800 / max(gray.shape))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if not ink.any():
        return gray
    ink = ink.astype(np.float32)
    rows, cols = ink.sum(axis=1), ink.sum(axis=0)
    sideways = float(np.square(cols).sum()) / ink.shape[0] > ORIENT_SIDEWAYS * float(np.square(rows).sum()) / ink.shape[1]
    if sideways:
        gray = np.ascontiguousarray(cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE))
    lines = _sample_lines(gray, scale)
    if not lines:
        return gray
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    h, w = gray.shape
    flipped = [(w - x1, h - y1, w - x0, h - y0) for x0, y0, x1, y1 in lines]
    upright_score = np.mean([s for _, s, _ in recognise_boxes(bgr, lines)])
    turned = cv2.rotate(bgr, cv2.ROTATE_180)
    turned_score = np.mean([s for _, s, _ in recognise_boxes(turned, flipped)])
    if turned_score > upright_score + ORIENT_MARGIN:
        return np.ascontiguousarray(cv2.rotate(gray, cv2.ROTATE_180))
    return gray


def _sample_lines(gray: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """Up to ``ORIENT_LINES`` of the page's widest text lines (pixels): ink smeared along rows into blobs."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    smear = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(6 * scale)), 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    found = []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if 6 * scale <= h <= 24 * scale and w >= 3 * h:  # a line of text, not a rule or a table
            found.append((int(w), (int(x), int(y), int(x + w), int(y + h))))
    pad = max(2, round(2 * scale))
    # the start of each line only: a dozen glyphs tell which way up as well as a whole line, faster
    return [(a - pad, b - pad, min(c, a + 12 * (d - b)) + pad, d + pad)
            for _, (a, b, c, d) in sorted(found, reverse=True)[:ORIENT_LINES]]



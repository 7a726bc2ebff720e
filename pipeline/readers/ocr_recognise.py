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

import math
import os
import string
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
BATCH_SPREAD = 1.15  # crops recognised in one batch: the widest at most this times the narrowest
BATCH_MOST = 16  # crops recognised in one batch at most
BATCH_WIDTH = 3200  # px: summed width of the crops of one batch at most (unless it is one crop)
DETECT_DPI = 75  # resolution text lines outside tables are found at (they are read at the page's)
BAND_MARGIN = 4.0  # points of white kept around the ink of a band of rows given to the detector
REREAD_BELOW = 0.9  # a crop read less sure than this at its own width is read again padded to 320 px
MIN_REC_WIDTH = 96  # px at the model's 48 px height: a crop narrower is padded to it (a lone digit read narrower loses confidence)
TEXT_SQUEEZE = 0.65  # a crop of running text is read first at this share of its width (see recognise_boxes)
SQUEEZE_FROM = 4.0  # a crop at least this many times as wide as high is taken for running text
FIGURES = frozenset("0123456789０１２３４５６７８９" + string.ascii_letters)
"""Read again at full width when read squeezed: digits, and the letters a squeezed digit may pass for (1/l, 0/O)."""
JOINERS = frozenset(".,:-/．，：－～~")  # between two figures: part of the figure ("2023.12.31", "1,000")
ZEROS = frozenset("〇○零")  # a date in Chinese numerals (二〇二五年): its line is read again whole


_threads: int = 0
"""ONNX Runtime threads per model call; 0: its own choice, one per core (see ``share_cores``)."""


def share_cores(processes: int) -> None:
    """Give this process's OCR ``cores / processes`` threads, before its engine is loaded.

    The pipeline reads files in as many worker processes as there are cores. Each model call
    running on every core then only makes the workers take turns, and a call split over two
    threads costs about a fifth more CPU than on one (its shapes are small: a line of text,
    a cell), which is throughput lost. A worker that reads a scan alone on the machine (one
    process, ``xxgk parse``) keeps every core.
    """
    global _threads
    _threads = max(1, (os.cpu_count() or 1) // max(1, processes))


class _Box:
    """A box in page points; the centre is what cells and lines are matched by."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Glyph(_Box):
    """One recognised character with its box (page points) and the recogniser's confidence."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float


@dataclass
class Word(_Box):
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

    @classmethod
    def of(cls, glyphs: list[Glyph]) -> Word:
        """The word made of ``glyphs`` (in reading order): their box, text and least confidence."""
        return cls(min(g.x0 for g in glyphs), min(g.y0 for g in glyphs), max(g.x1 for g in glyphs),
                   max(g.y1 for g in glyphs), "".join(g.text for g in glyphs), min(g.score for g in glyphs), glyphs)


def runs_apart(glyphs: list[Glyph], share: float) -> list[list[Glyph]]:
    """``glyphs`` (left to right) cut where two stand further apart than ``share`` of a character's height."""
    groups: list[list[Glyph]] = [[glyphs[0]]]
    for a, b in zip(glyphs, glyphs[1:], strict=False):
        if b.x0 - a.x1 > share * max(a.y1 - a.y0, b.y1 - b.y0):
            groups.append([])
        groups[-1].append(b)
    return groups


@lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine, loaded once per process (models from the installed wheel).

    RapidOCR 3 with its default PP-OCR models, which ship inside the ``rapidocr`` wheel
    (``rapidocr/models/``): nothing is downloaded. The angle classifier stays off (it turns
    a lone 9 into a 6); ``max_side_len``: pages come at the OCR resolution already, the
    default (2000 px) would shrink a finer one again before detection.
    """
    from rapidocr import RapidOCR

    ocr = RapidOCR(params={"Global.use_cls": False, "Global.max_side_len": 4000, "Global.log_level": "error"})
    for model in (ocr._load_det_model(), ocr._load_rec_model()):
        model.session.session = _session(model.session.session)
    return ocr


def _session(loaded):
    """``loaded`` (an ONNX Runtime session RapidOCR made) made again with the options wanted here.

    RapidOCR's options (all graph optimisations, no memory arena) are kept; its worker
    threads no longer spin while they wait for work (``session.intra_op.allow_spinning``):
    on these two cores, shared by the pipeline's two worker processes, a spinning thread
    burns CPU another process needs (measured: about a fifth more CPU per model call).
    The number of threads is ONNX Runtime's (one per core) unless ``share_cores`` set it.
    """
    from onnxruntime import GraphOptimizationLevel, InferenceSession, SessionOptions

    options = SessionOptions()
    options.log_severity_level = 4
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = _threads
    return InferenceSession(loaded._model_path, sess_options=options, providers=loaded.get_providers())


def detect(bgr: np.ndarray) -> list[np.ndarray]:
    """Text boxes (4 points each, pixels) the detector finds in an image; [] when it finds none."""
    found = engine()(bgr, use_det=True, use_cls=False, use_rec=False)  # empty output when none
    boxes = getattr(found, "boxes", None)
    return [] if boxes is None else [np.asarray(b, dtype=np.float32) for b in boxes]


def detect_as_is(bgr: np.ndarray) -> list[np.ndarray]:
    """Text boxes (4 points each, pixels) the detector finds in an image given at its own scale.

    RapidOCR's own call scales an image up until its shorter side is 736 px (``limit_type:
    min``): a band of text rows 100 px high would be run at seven times its size, which
    costs more than the whole page. Here the image is only rounded to a multiple of 32 px,
    as the detector needs; the rest (normalisation, box extraction) is RapidOCR's.
    """
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    det = engine()._load_det_model()
    prepared = DetPreProcess(max(bgr.shape[:2]) + 32, "max", det.mean, det.std)(bgr)
    if prepared is None:
        return []
    boxes, _ = det.postprocess_op(det.session(prepared), bgr.shape[:2])
    return [np.asarray(b, dtype=np.float32) for b in boxes]


Reading = tuple[str, float, list[tuple[str, float, np.ndarray]]]
"""A crop's reading: text, confidence, and each character with its confidence and box (pixels)."""


def recognise_boxes(bgr: np.ndarray, rects: list[tuple[int, int, int, int]], *, squeeze: bool = False
                    ) -> list[Reading]:
    """Recognise the text in each axis-aligned rectangle (pixels) of ``bgr``.

    Per rectangle, in the order given: (text, confidence, characters), each character with
    its confidence and its box in ``bgr``'s pixels (RapidOCR's per-character boxes, from
    where the recogniser placed each character along the line). A crop narrower than it is
    high is widened with white first: RapidOCR's own cropping turns such a crop (a lone "1"
    in a cell) on its side. Crops are recognised at their own width (see ``recognise_crops``).

    With ``squeeze``, a crop of running text (at least ``SQUEEZE_FROM`` times as wide as
    high: a line of narrative, a row label) is read first at ``TEXT_SQUEEZE`` of its width.
    Recognition costs by the width read, running text is most of a scanned report, and
    Chinese characters squeezed so read as they do at full width (the real WPS report's
    lines at 150 and 200 dpi: the same text but for a half- or full-width bracket, at 0.57
    of the CPU). Figures are not trusted to it: squeezed digits can gain a digit and stay
    confident ("自然人387件" read "自然人2387件" at 0.95, 7 of 400 generated lines at 10.5 pt
    150 dpi). Every run of figures in a squeezed reading is read again from a crop at full
    width (``_figures_again``), and a line the recogniser is unsure of squeezed, whose
    figures do not read back cleanly, or that holds a Chinese-numeral zero (a date as
    二〇二五年一月十五日) is read again whole at full width.
    """
    if not rects:
        return []
    if not squeeze:
        return _recognised(bgr, rects, [1.0] * len(rects))
    factors = [TEXT_SQUEEZE if x1 - x0 >= SQUEEZE_FROM * (y1 - y0) else 1.0 for x0, y0, x1, y1 in rects]
    out = _recognised(bgr, rects, factors)
    squeezed = [k for k, f in enumerate(factors) if f < 1.0]
    sure = [k for k in squeezed if out[k][1] >= REREAD_BELOW and ZEROS.isdisjoint(out[k][0])]
    whole = sorted(set(squeezed) - set(sure)) + _figures_again(bgr, rects, out, sure)
    for k, reading in zip(whole, _recognised(bgr, [rects[k] for k in whole], [1.0] * len(whole)), strict=True):
        out[k] = reading
    return out


def _figures_again(bgr: np.ndarray, rects: list[tuple[int, int, int, int]], out: list[Reading],
                   lines: list[int]) -> list[int]:
    """Each run of figures in the squeezed readings ``out[k]`` (k in ``lines``) read again at full width.

    A run (figures, with ``JOINERS`` between two of them) is cut from its line with half
    the line's height beside it (where the squeezed reading placed it, which is only as
    exact as a step of the model's output) and read alone; at the line's start or end the
    cut is the line's own edge, so a number alone in its crop (a table cell of six digits or
    more) is read from that very crop, as it was before crops were squeezed. What the new
    reading holds beside its figures is the edge of a neighbouring character the cut took
    along ("青" of 请) and is left out. The new reading must hold one run of
    figures, each read sure (``REREAD_BELOW``), with as many digits as the squeezed run
    (a run cut short, or a squeezed reading that gained or lost a digit, does not pass),
    and no figure beside it. It then replaces the squeezed run, in the characters and in
    the text. Any line where that fails is returned, to be read again whole at full
    width. ``out`` is updated in place.
    """
    runs: list[tuple[int, int, int]] = []  # (line, first char, last char)
    pieces: list[tuple[int, int, int, int]] = []
    whole: set[int] = set()
    for k in lines:
        chars = out[k][2]
        x0, y0, x1, y1 = (max(0, rects[k][0]), max(0, rects[k][1]), min(bgr.shape[1], rects[k][2]),
                          min(bgr.shape[0], rects[k][3]))
        half = (y1 - y0) / 2
        for lo, hi in _figure_runs([t for t, _, _ in chars]):
            a = float(min(chars[j][2][:, 0].min() for j in range(lo, hi + 1)))
            b = float(max(chars[j][2][:, 0].max() for j in range(lo, hi + 1)))
            # a run that starts or ends the line keeps the line's own edge there: a number alone
            # in its crop (a table cell) is read again from the very crop it came in
            left = x0 if lo == 0 else max(x0, round(a - half))
            right = x1 - 1 if hi + 1 == len(chars) else min(x1 - 1, round(b + half))
            if right - left < 2:  # nothing to cut: a squeezed reading off the line's end
                whole.add(k)
                continue
            runs.append((k, lo, hi))
            pieces.append((left, y0, right + 1, y1))
    taken: dict[int, list[tuple[int, int, list]]] = {}
    for (k, lo, hi), (_, _, chars) in zip(runs, _recognised(bgr, pieces, [1.0] * len(pieces)), strict=True):
        seen = [c for c in chars if c[0].strip()]
        found = _figure_runs([c[0] for c in seen])
        first, last = found[0] if len(found) == 1 else (len(seen), -1)
        figures = seen[first : last + 1]
        digits = sum(t in FIGURES for t, _, _ in out[k][2][lo : hi + 1])
        if (not figures or sum(c[0] in FIGURES for c in figures) != digits
                or any(c[0] in FIGURES for c in seen[:first] + seen[last + 1 :])
                or min(c[1] for c in figures) < REREAD_BELOW):
            whole.add(k)
        else:
            taken.setdefault(k, []).append((lo, hi, figures))
    for k in lines:
        if k in whole or k not in taken:
            continue
        text, score, chars = out[k]
        at = [i for i, t in enumerate(text) if not t.isspace()]  # where each character stands in the text
        if "".join(text[i] for i in at) != "".join(t for t, _, _ in chars):
            whole.add(k)
            continue
        new_text, new_chars, last = "", [], 0
        for lo, hi, figures in taken[k]:
            new_text += text[(at[last - 1] + 1 if last else 0) : at[lo]] + "".join(c[0] for c in figures)
            new_chars += chars[last:lo] + figures
            last = hi + 1
        out[k] = (new_text + text[at[last - 1] + 1 :], score, new_chars + chars[last:])
    return sorted(whole)


def _figure_runs(texts: list[str]) -> list[tuple[int, int]]:
    """(first, last) index of each run of figures in ``texts`` (one character each), joiners between figures included."""
    runs: list[tuple[int, int]] = []
    j = 0
    while j < len(texts):
        if texts[j] not in FIGURES:
            j += 1
            continue
        lo = hi = j
        while hi + 1 < len(texts) and (texts[hi + 1] in FIGURES or (
                texts[hi + 1] in JOINERS and hi + 2 < len(texts) and texts[hi + 2] in FIGURES)):
            hi += 1
        runs.append((lo, hi))
        j = hi + 1
    return runs


def _recognised(bgr: np.ndarray, rects: list[tuple[int, int, int, int]], factors: list[float]) -> list[Reading]:
    """``rects`` of ``bgr`` read, each at ``factors`` of its own width, with RapidOCR's character boxes."""
    from rapidocr.cal_rec_boxes import CalRecBoxes

    if not rects:
        return []
    crops, corners = [], []
    h, w = bgr.shape[:2]
    for x0, y0, x1, y1 in rects:
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        crop = bgr[y0:y1, x0:x1]
        widen = max(0, (y1 - y0) - (x1 - x0))
        if widen:
            crop = cv2.copyMakeBorder(crop, 0, 0, widen // 2, widen - widen // 2, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        a = x0 - widen // 2
        crops.append(np.ascontiguousarray(crop))
        corners.append((a, y0))
    txts, scores, infos = recognise_crops(crops, factors)
    place = CalRecBoxes()
    results = []
    for crop, (left, top), text, score, info in zip(crops, corners, txts, scores, infos, strict=True):
        results.append((text, float(score), _char_boxes(place, crop, left, top, text, info)))
    return results


def _char_boxes(place, crop: np.ndarray, left: int, top: int, text: str, info) -> list[tuple[str, float, np.ndarray]]:
    """Each character of ``text`` with its confidence and box in the page's pixels, as RapidOCR places it.

    RapidOCR's ``CalRecBoxes`` places the characters along the crop (its ``cal_ocr_word_box``
    and ``adjust_box_overlap``, used here as they are), then maps every corner back through
    the inverse of a perspective transform and orders each box's corners: ~60 ms a page
    in NumPy calls on a handful of points, for crops that are axis-aligned rectangles of
    the page, where the mapping is a shift by the crop's corner. The shift is done here;
    the corners are truncated to whole pixels as RapidOCR does (its transform's rounding
    noise aside: a corner may differ by one pixel).
    """
    h, w = crop.shape[:2]
    if not text or crop.size == 0 or info is None or info.line_txt_len == 0:
        return []
    chars, boxes, confs = place.cal_ocr_word_box(text, np.array([[0, 0], [w, 0], [w, h], [0, h]]), info, True)
    boxes = place.adjust_box_overlap([[list(p) for p in box] for box in boxes])
    return [(t, float(s), np.array([[int(x + left), int(y + top)] for x, y in box], dtype=np.float32))
            for t, s, box in zip(chars, confs, boxes, strict=False)]


def recognise_crops(crops: list[np.ndarray], factors: list[float] | None = None) -> tuple[list[str], list[float], list]:
    """Text, confidence and RapidOCR's character placement (``WordInfo``) of each crop (BGR), in order.

    Why not RapidOCR's own recogniser call: it pads every crop to at least 320 px wide (its
    ``rec_img_shape``) and a batch to its widest crop, and the model's cost grows with the
    width it is given (about 11 ms of CPU per 48 × 48 px here), so a table cell's
    two-digit number cost as much as a line of six characters. Here each crop is scaled to
    the model's height (48 px) at its own aspect ratio (never narrower than square), and
    crops are batched with others of nearly the same width (``width_batches``), so padding
    is at most ``BATCH_SPREAD`` of a crop's width. The scaling, normalisation, padding (0
    after normalisation, as RapidOCR pads) and decoding are RapidOCR's; only the widths differ.
    A crop read with less than ``REREAD_BELOW`` confidence so is read again padded to 320 px,
    as RapidOCR reads it, and that reading is the one kept: where own width leaves the
    recogniser unsure, the crop costs what it did before, and reads as it did. ``factors``:
    the share of its own width each crop is read at (1 but for running text, see
    ``recognise_boxes``).
    """
    rec = engine()._load_rec_model()
    height, padded = rec.rec_image_shape[1], rec.rec_image_shape[2]
    ratios = [max(1.0, c.shape[1] / max(c.shape[0], 1)) for c in crops]
    widths = [max(height, math.ceil(height * r * f)) for r, f in zip(ratios, factors or [1.0] * len(crops), strict=True)]
    txts: list[str] = [""] * len(crops)
    scores: list[float] = [0.0] * len(crops)
    infos: list = [None] * len(crops)
    for batch in width_batches(widths):
        _read_batch(rec, crops, widths, batch, MIN_REC_WIDTH, (txts, scores, infos))
    # a crop read unsure at its own width is read again as RapidOCR reads it, padded to 320 px
    # (a lone "0" of a JPEG-damaged scan: 0.84 at 96 px, sure at 320), and that reading stands
    unsure = [k for k in range(len(crops)) if scores[k] < REREAD_BELOW and widths[k] < padded]
    for start in range(0, len(unsure), BATCH_MOST):
        _read_batch(rec, crops, widths, unsure[start : start + BATCH_MOST], padded, (txts, scores, infos))
    return txts, scores, infos


def _read_batch(rec, crops: list[np.ndarray], widths: list[int], batch: list[int],
                least: int, into: tuple[list, list, list]) -> None:
    """Recognise the crops ``batch`` indexes, in one model call at least ``least`` px wide, into ``into``."""
    height = rec.rec_image_shape[1]
    wide = max(least, *(widths[k] for k in batch))
    norm = np.zeros((len(batch), 3, height, wide), dtype=np.float32)
    for row, k in enumerate(batch):
        scaled = cv2.resize(crops[k], (widths[k], height)).astype(np.float32).transpose((2, 0, 1))
        norm[row, :, :, : widths[k]] = scaled / 127.5 - 1.0
    # the share of the model's input a crop fills places its characters back on the crop
    lines, words = rec.postprocess_op(rec.session(norm), True, wh_ratio_list=[widths[k] / height for k in batch],
                                      max_wh_ratio=wide / height)
    txts, scores, infos = into
    for k, (text, score), info in zip(batch, lines, words, strict=True):
        txts[k], scores[k], infos[k] = text, float(score), info


def width_batches(widths: list[int], spread: float | None = None, most: int | None = None) -> list[list[int]]:
    """Indices of ``widths`` grouped into batches whose widest is at most ``spread`` times the narrowest.

    Narrowest first; a batch holds at most ``most`` crops (``BATCH_MOST``), and at most
    ``BATCH_WIDTH`` pixels of width in all (the model's working memory grows with it: long
    lines go a few at a time). Every index is in exactly one batch.
    """
    spread = BATCH_SPREAD if spread is None else spread
    most = BATCH_MOST if most is None else most
    batches: list[list[int]] = []
    for k in sorted(range(len(widths)), key=lambda k: widths[k]):
        if (batches and len(batches[-1]) < most and widths[k] <= spread * widths[batches[-1][0]]
                and widths[k] * (len(batches[-1]) + 1) <= BATCH_WIDTH):
            batches[-1].append(k)
        else:
            batches.append([k])
    return batches


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
    """OCR text of a page image, in points, each piece with its characters' boxes and confidences.

    Outside the page's ruled tables, text boxes are detected (``detect_outside``: the table
    areas are left out of the detector's input, which costs by the pixel) and each box is
    recognised whole, keeping its per-character boxes; a box read with less than
    ``TEXT_SCORE`` confidence is dropped (a speck, a stamp's edge). Inside a table the grid
    is known, so nothing is detected there: each cell's ink is cut into its text lines and
    each line is recognised from a crop inside the cell (``cell_lines``), kept when the
    recogniser is fairly sure of it (``SECOND_LOOK_SCORE``: ink no detector vouched for).
    Without ``ink`` (no table reading wanted) the whole page goes to the detector.
    """
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    pad = max(1, round(0.5 * scale))
    rects = []
    for quad in (detect_outside(bgr, tables, scale) if ink is not None else detect(bgr)):
        x0, y0, x1, y1 = _rect_of(quad)
        rects.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    found = len(rects)
    if ink is not None:
        rects.extend(cell_lines(tables, ink, scale))
    return _words(bgr, rects, found, scale)


def recognise_cells(gray: np.ndarray, scale: float, tables: list[PageTable], ink: np.ndarray) -> list[Word]:
    """The text of the tables' cells only, line by line from crops inside each cell (no detection)."""
    return recognise_unread(gray, scale, cell_lines(tables, ink, scale))


def recognise_unread(gray: np.ndarray, scale: float, rects: list[tuple[int, int, int, int]]) -> list[Word]:
    """The text of ``rects`` (pixels), ink no detector vouched for (a cell's lines, a glyph the
    detector passed over): kept when read fairly sure (``SECOND_LOOK_SCORE``)."""
    return _words(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), rects, 0, scale)


def _words(bgr: np.ndarray, rects: list[tuple[int, int, int, int]], found: int, scale: float) -> list[Word]:
    """``rects`` recognised; the first ``found`` are the detector's boxes, the rest crops inside cells."""
    words = []
    for k, (text, score, chars) in enumerate(recognise_boxes(bgr, rects, squeeze=True)):
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


def detect_outside(bgr: np.ndarray, tables: list[PageTable], scale: float) -> list[np.ndarray]:
    """Text boxes (pixels of ``bgr``) the detector finds outside the tables' areas.

    The detector's cost grows with the pixels it is given, and on a table page most of
    them are the tables', whose text is read cell by cell instead. The tables' areas are
    blanked, the page is cut into the bands of rows that still hold ink (with a margin of
    ``BAND_MARGIN``), and the bands, stacked one under another with white between, go to
    the detector at once, scaled to ``DETECT_DPI`` (finding a line needs less resolution
    than reading it: the boxes are read from the page at full resolution); each box is
    moved back to where its band lies on the page.
    """
    page = bgr.copy()
    margin = max(2, round(BAND_MARGIN * scale))
    h, w = page.shape[:2]
    for t in tables:
        x0, y0, x1, y1 = (round(v * scale) for v in (t.bbox.x0, t.bbox.y0, t.bbox.x1, t.bbox.y1))
        page[max(0, y0 - 2) : y1 + 2, max(0, x0 - 2) : x1 + 2] = 255
    dark = page.reshape(h, -1).min(axis=1) < 200  # rows with ink (one reduction per row: per pixel cost ~45 ms a page)
    bands: list[list[int]] = []
    for y in np.flatnonzero(dark):
        top, bottom = max(0, int(y) - margin), min(h, int(y) + 1 + margin)
        if bands and top <= bands[-1][1] + margin:
            bands[-1][1] = bottom
        else:
            bands.append([top, bottom])
    if not bands:
        return []
    gap = np.full((2 * margin, w, 3), 255, np.uint8)
    parts, offsets, at = [], [], 0
    for top, bottom in bands:
        parts.extend([page[top:bottom], gap])
        offsets.append((at, top, bottom - top))
        at += bottom - top + len(gap)
    stacked = np.vstack(parts)
    factor = min(1.0, DETECT_DPI / 72 / scale)
    if factor < 1.0:
        stacked = cv2.resize(stacked, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    out = []
    for quad in detect_as_is(np.ascontiguousarray(stacked)):
        quad = quad / factor
        cy = float(quad[:, 1].mean())
        for start, top, height in offsets:
            if start <= cy < start + height + len(gap):
                quad[:, 1] += top - start
                out.append(quad)
                break
    return out


def cell_lines(tables: list[PageTable], ink: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """Rectangles (pixels), one per text line of each table cell holding ink, inside the cell.

    Ink touching the cell's edge is a remnant of a rule, and a line lower than
    ``MIN_GLYPH`` is a speck: neither is looked at. A cell's lines are the runs of rows
    holding ink (``ink_lines``). Each rectangle is the line's ink with a margin (half the
    line's height at the sides: a number cut tight there is read with less confidence), kept
    inside the cell, so no character read from it lies across the cell's rules.
    """
    out = []
    edge = max(1, round(0.75 * scale))
    for table in tables:
        for cx0, cy0, cx1, cy1 in sorted(set(table.origin.values()), key=lambda c: (c[1], c[0])):
            x0, y0, x1, y1 = (round(v * scale) for v in (cx0, cy0, cx1, cy1))
            inner = ink[y0 + edge : y1 - edge, x0 + edge : x1 - edge]
            if inner.size == 0 or not inner.any():
                continue
            for top, bottom in ink_lines(inner.any(axis=1), MIN_GLYPH * scale):
                cols = np.flatnonzero(inner[top:bottom].any(axis=0))
                pad = max(2, round(0.25 * (bottom - top)))
                side = max(2, round(0.5 * (bottom - top)))  # the recogniser is unsure of a crop cut tight at the sides
                out.append((max(x0, int(x0 + edge + cols[0] - side)), max(y0, int(y0 + edge + top - pad)),
                            min(x1, int(x0 + edge + cols[-1] + 1 + side)), min(y1, int(y0 + edge + bottom + pad))))
    return out


def ink_lines(rows: np.ndarray, least: float) -> list[tuple[int, int]]:
    """(top, bottom) of each text line in a row profile (True where a row holds ink).

    A line is a run of inked rows. A run lower than half the tallest (the strokes of 二 or
    三, a comma's tail) belongs to the line next to it, when one is nearer than half the
    tallest run; a line still lower than ``least`` is a speck and is dropped.
    """
    runs: list[list[int]] = []
    for y in np.flatnonzero(rows):
        if runs and y == runs[-1][1]:
            runs[-1][1] = int(y) + 1
        else:
            runs.append([int(y), int(y) + 1])
    if not runs:
        return []
    tall = max(b - a for a, b in runs)
    merged = True
    while merged and len(runs) > 1:
        merged = False
        for k, (a, b) in enumerate(runs):
            if b - a >= tall / 2:
                continue
            gaps = [(a - runs[k - 1][1], k - 1) if k else None, (runs[k + 1][0] - b, k + 1) if k + 1 < len(runs) else None]
            near = min((g for g in gaps if g is not None), default=None)
            if near is not None and near[0] < tall / 2:
                j = near[1]
                lo, hi = min(j, k), max(j, k)
                runs[lo:hi + 1] = [[runs[lo][0], runs[hi][1]]]
                merged = True
                break
    return [(a, b) for a, b in runs if b - a >= least]


def upright(gray: np.ndarray, scale: float) -> np.ndarray:
    """``gray`` turned by 0, 90, 180 or 270 degrees so that its text reads upright.

    Decided from the text itself, not by a classifier of single lines (which turns a lone 9
    into a 6): a page on its side has its ink in columns rather than rows (the row profile
    of level text lines is the sharper one), and a page upside down is told from an upright
    one by reading a few of its text lines both ways: the recogniser is confident only on
    the right way up (``ORIENT_MARGIN`` of mean confidence). Lines read upright with a mean
    confidence within ``ORIENT_MARGIN`` of certainty are not read turned: no reading could
    win by the margin (the common case costs one reading, not two). The lines are read
    squeezed (``TEXT_SQUEEZE``), as running text is.
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
    squeezed = [TEXT_SQUEEZE] * len(lines)  # which way up needs no figure read exactly
    upright_score = np.mean([s for _, s, _ in _recognised(bgr, lines, squeezed)])
    if upright_score + ORIENT_MARGIN >= 1.0:  # no reading can be surer by the margin: not read turned
        return gray
    turned = cv2.rotate(bgr, cv2.ROTATE_180)
    turned_score = np.mean([s for _, s, _ in _recognised(turned, flipped, squeezed)])
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



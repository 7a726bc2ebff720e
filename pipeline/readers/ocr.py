"""OCR reader: scanned reports ("图片版"), as images (PNG/JPEG/TIFF) or image-only PDFs.

How a page is read:

- The engine, text detection and recognition, and the page's orientation are in
  ``ocr_recognise`` (RapidOCR 3, PP-OCRv6 small models shipped in its wheel, ONNX Runtime
  on the CPU); this module finds the grid and places what is read into its cells.
- PDF pages are rendered at ``DPI`` (150: measured better than 200 on 150 and 300 dpi
  scans, and faster); a finer image is scaled down to it. A page scanned askew (up to
  ``MAX_SKEW``) is turned level first, by the angle that makes its row profile sharpest.
- Ruled tables are found in the page image itself, not by OCR: long horizontal and
  vertical dark runs (a morphological opening of the binarised page) are the rules, and so
  are thin lines however light (1 px light grey, as LibreOffice and WPS draw them; dashed),
  found by a black-hat across the line, their gaps bridged along it, kept where paper lies
  beside them (not strokes of a line of text); a
  connected set of rules is a table; the white regions it encloses are its cells (a
  merged cell is simply a larger region). The cells become a ``PageTable`` of the PDF
  reader, in page points, so the PDF reader's grid convention (merged slots None, empty
  cells ""), its joining of a table broken across pages and its removal of running
  headers and page numbers all apply unchanged, and tables are rendered into the page
  text as tab-joined rows as there. A table ruled only across (no vertical rules) gets its
  columns from where its numbers stand (``ocr_columns``), when that is certain.
- The rules are erased before OCR (a rule is never read as "1" or "|", nor hides a glyph
  touching it). Inside a found table nothing is detected: each cell's ink is cut into its
  lines and each line recognised from a crop inside the cell (``ocr_recognise.cell_lines``);
  every recognised character goes to the cell holding its centre. Outside tables text
  boxes are detected (at a lower resolution), recognised, grouped into lines by vertical
  overlap and read left to right.
- A cell that is a number but for the usual OCR confusions (O/o for 0; l, I, | for 1) is
  corrected; nothing else is changed, and nothing is filled in: an unreadable cell stays
  as read, and text the recogniser is unsure of is dropped (the cell reads blank: null).

OCR costs a few seconds a page (see benchmarks/bench_ocr.py), so a file with more than
``max_pages`` pages (``Limits.ocr_max_pages``: default 30, or the ``XXGK_OCR_MAX_PAGES``
environment variable) is refused rather than read (0 turns OCR off). An image larger than
``Limits.max_image_pixels`` (an image file, or an image inside a scanned PDF) is refused
from its header, before it is decoded: a small file can declare gigapixels (a
decompression bomb), and decoding it would take the memory of the machine.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections import Counter
from pathlib import Path

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pymupdf  # noqa: E402

from pipeline.document import Document, Page, TableGrid, UnreadableFile  # noqa: E402
from pipeline.ingest.limits import ENV, Limits  # noqa: E402
from pipeline.readers.ocr_columns import column_tables, row_rule_stacks, unread_ink  # noqa: E402
from pipeline.readers.ocr_recognise import (  # noqa: E402,F401  (engine, text_lines, upright: public here too)
    Glyph,
    Word,
    engine,
    recognise,
    recognise_boxes,
    recognise_cells,
    recognise_unread,
    runs_apart,
    text_lines,
    upright,
)
from pipeline.readers.pdf import _text_around  # noqa: E402
from pipeline.readers.pdf_margins import drop_running_lines  # noqa: E402
from pipeline.readers.pdf_page import Line, PageContent  # noqa: E402
from pipeline.readers.pdf_tables import Box, PageTable, to_grids, without_frames  # noqa: E402

DPI = 150  # OCR resolution: PDF pages are rendered at it, finer images scaled down to it
DEFAULT_MAX_PAGES = Limits.ocr_max_pages
MAX_PAGES_ENV = ENV["ocr_max_pages"]
A4_LONG_SIDE = 842.0  # points: every page is taken for A4, its long side for A4's

# Table rules, in points (converted to pixels with the page's scale).
H_RULE = 24.0  # a horizontal rule is a dark run at least this long (wider than any glyph stroke)
V_RULE = 9.0  # a vertical rule: shorter, as rows are only ~14 pt high (a stray glyph stroke makes no cell)
RULE_GAP = 1.5  # points: a gap this short in a rule (dashed, broken by the scan) is bridged
DASH_GAP = 2.0  # points: a gap this short in a thin light line (a dashed rule) is bridged
LINE_CLEARANCE = 2.0  # points: how far to either side of a thin line its surroundings are looked at
LINE_CLEAR = 0.6  # share of a thin line that must have paper beside it (else: strokes of a line of text)
RULE_DARK = 30  # grey levels below its close surroundings that make a pixel part of a possible rule
RULE_BACKGROUND = 3.0  # points: reach across a rule within which its surroundings are found (wider than a rule)
RULE_REACH = 1.5  # points: a rule stopping this short of another still meets it
MIN_CELL = 3.0  # a white region smaller than this either way is a gap at a rule crossing, not a cell
MIN_ROW = 8.0  # points: a table has at least two cells this high and wide (a line of text fits)
MIN_TABLE = (40.0, 12.0)  # a rule network narrower or lower than this is not a table
EDGE_SNAP = 3.0  # cell edges within this distance are one column (row) boundary
LEVEL_BLOCK = 15 / 595  # the local background's reach when levelling: ~15 pt of an A4 page's width
EDGE_DARK = 100  # grey below which a pixel may belong to a dark band along the image's edge (see without_dark_edges)
EDGE_RUN = 0.25  # share of a side a dark band runs along
EDGE_THICK = 3.0  # points: a dark band is at least this thick somewhere (a table's rules are thinner)
MAX_SKEW = 3.0  # degrees: a scanned page skewed by up to this much is turned level
SKEW_STEP = 0.1  # degrees: resolution of the skew search (0.1° drifts ~1 pt across a table)
DIGIT_SCORE = 0.9  # confidence below which a number read in a table cell is left blank (unreadable)
POINT = 0.35  # share of the digits' height a decimal point stays within either way (see _unread_point)
DIGIT_HEIGHT = 0.6  # share of the tallest ink in its cell a digit's ink reaches (see _unbacked_digit)
SURE_DIGIT = 0.93  # a digit read with less (but at least DIGIT_SCORE) is doubtful: kept unless a sum it is in fails
RULE_TRACE = 0.6  # share of a cell's height a darker band must cover to be a trace of a rule
RULE_CONTRAST = 20  # grey levels below the cell's background that count as darker
TOUCH_LEAST = 0.1  # share of a cell's pixel rows where ink beside its side rule means a glyph lies on it
TOUCH_MOST = 0.6  # ... and beyond which that ink is the rule's own rough edge (see _glyph_on_rule)
OVERRUN_CELLS = 2  # number cells running over their rules that show a table's numbers do not fit its cells
END_REACH = 0.5  # share of the digits' height within which a number ending by a rule may go on under it
STRADDLE = 0.35  # share of a character's width past a cell edge that makes its cell uncertain

_DIGIT_FIXES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*%?")
_NUMERIC_AS_READ = re.compile(r"^[-+]?[0-9OolI|]+(?:[.,][0-9OolI|]+)*$")


def max_pages_default() -> int:
    """The OCR page limit the environment sets (``XXGK_OCR_MAX_PAGES``), else the default."""
    return Limits.from_env().ocr_max_pages


# ---------------------------------------------------------------- entry points


def ocr_pdf(path: Path, sha256: str, *, max_pages: int | None = None, dpi: int | None = None,
            warnings: list[str] | None = None, limits: Limits | None = None) -> Document:
    """OCR every page of an image-only PDF; raise ``UnreadableFile`` when it shows no text.

    Every page is taken for A4 (portrait or landscape) and rendered at ``dpi`` (default
    ``DPI``) as such, whatever its stated size: scanners often make the page as many points
    as the image has pixels, which at face value would mean rendering a 300 dpi scan at
    four times the resolution wanted, and rules and glyphs measured in points as huge.
    """
    dpi = dpi or DPI
    limits = Limits.from_env() if limits is None else limits
    limit = limits.ocr_max_pages if max_pages is None else max_pages
    try:
        doc = pymupdf.open(str(path), filetype="pdf")
    except Exception as exc:
        raise UnreadableFile(f"{path}: broken PDF, cannot be opened ({exc})") from exc
    try:
        if doc.page_count > limit:
            raise UnreadableFile(
                f"{path}: scanned PDF of {doc.page_count} pages, more than the OCR limit of {limit} "
                f"(set {MAX_PAGES_ENV} to read it)")
        for page in doc:  # every image's declared size, before any is decoded by rendering
            check_page_images(path, limits, page)
        contents = [read_pdf_page(page, dpi) for page in doc]
    finally:
        doc.close()
    return _document(path, sha256, "pdf", contents, list(warnings or []))


def read_pdf_page(page: pymupdf.Page, dpi: int | None = None) -> PageContent:
    """OCR one PDF page, rendered in grey as an A4 page at ``dpi`` (default ``DPI``).

    Used for every page of a scan, and for the pages of a text PDF whose text layer is
    missing or unreadable there (see ``pdf.read_pdf``).
    """
    dpi = dpi or DPI
    zoom = A4_LONG_SIDE * dpi / 72 / max(page.rect.width, page.rect.height, 1)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w]
    content = read_page_image(gray, page.number + 1, dpi / 72)
    content.width = A4_LONG_SIDE * page.rect.width / max(page.rect.width, page.rect.height, 1)
    return content


def read_image(path: Path, sha256: str, *, max_pages: int | None = None, limits: Limits | None = None) -> Document:
    """OCR a PNG, JPEG or TIFF (every frame of a multi-page TIFF is a page).

    Each frame's size is checked against ``limits.max_image_pixels`` from the header, before
    it is decoded; PIL's own decompression-bomb refusal becomes the same kind of reason.
    """
    from PIL import Image, ImageOps, ImageSequence

    limits = Limits.from_env() if limits is None else limits
    limit = limits.ocr_max_pages if max_pages is None else max_pages
    contents = []
    # PIL's own guard is a fixed ~179 megapixels with its own wording; ours is configurable
    # and checks every frame before it is decoded, so PIL's is off while we read (one file
    # at a time per process: no other reader sees the change).
    pil_guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            if frames > limit:
                raise UnreadableFile(
                    f"{path}: image of {frames} pages, more than the OCR limit of {limit} (set {MAX_PAGES_ENV} to read it)")
            for n, frame in enumerate(ImageSequence.Iterator(im), start=1):
                _check_pixels(path, limits, *frame.size, "image" if frames == 1 else f"page {n} is an image")
                gray = np.asarray(_flatten(ImageOps.exif_transpose(frame)))
                scale = max(gray.shape) / A4_LONG_SIDE
                if scale > DPI / 72:  # a fine scan: scaled down to the OCR resolution
                    factor = DPI / 72 / scale
                    gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
                    scale *= factor
                contents.append(read_page_image(gray, n, scale))
    except (UnreadableFile, MemoryError):  # out of memory is the worker's limit, not a broken image
        raise
    except Image.DecompressionBombError as exc:  # PIL's guard, should it be on: the image was not decoded
        raise UnreadableFile(f"{path}: image too large to decode safely, a decompression bomb? ({exc})") from exc
    except Exception as exc:  # PIL's UnidentifiedImageError, truncated files
        raise UnreadableFile(f"{path}: broken image, cannot be decoded ({exc})") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = pil_guard
    return _document(path, sha256, "image", contents, [])


MIN_PICTURE = (300, 100)  # pixels: a picture smaller either way (a seal, a logo, an icon) holds no table


def read_picture(blob: bytes, number: int, width_pt: float | None, where: str, limits: Limits) -> PageContent | None:
    """OCR a picture embedded in a document (a DOCX's table pasted as an image), as page ``number``.

    ``width_pt``: the width the document shows it at, which gives its resolution (else it is
    taken for a page's width). None for a picture too small to hold a table. Its size is
    checked from the header before it is decoded; ``UnreadableFile`` names ``where`` when it
    is too large or cannot be decoded.
    """
    from io import BytesIO

    from PIL import Image, ImageOps

    pil_guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(BytesIO(blob)) as im:
            _check_pixels(Path(where), limits, *im.size, "picture")
            if im.size[0] < MIN_PICTURE[0] or im.size[1] < MIN_PICTURE[1]:
                return None
            gray = np.asarray(_flatten(ImageOps.exif_transpose(im)))
    except UnreadableFile:
        raise
    except Exception as exc:  # PIL's UnidentifiedImageError (an EMF/WMF drawing), truncated data
        raise UnreadableFile(f"{where}: picture cannot be decoded ({exc})") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = pil_guard
    scale = gray.shape[1] / width_pt if width_pt else max(gray.shape) / A4_LONG_SIDE
    if scale > DPI / 72:  # a fine picture: scaled down to the OCR resolution
        factor = DPI / 72 / scale
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        scale *= factor
    return read_page_image(np.ascontiguousarray(gray), number, scale)


def check_page_images(path: Path, limits: Limits, page: pymupdf.Page) -> None:
    """Refuse a page holding an image whose declared size is over ``limits.max_image_pixels``."""
    for image in page.get_images(full=True):
        _check_pixels(path, limits, image[2], image[3], f"page {page.number + 1} has an image")


def _check_pixels(path: Path, limits: Limits, width: int, height: int, what: str) -> None:
    """Refuse an image whose declared size is over ``limits.max_image_pixels`` (it is not decoded)."""
    if limits.exceeded("max_image_pixels", width * height):
        raise UnreadableFile(f"{path}: {what} of {width} × {height} pixels, "
                             f"{limits.over('max_image_pixels', width * height)}; not decoded (a decompression bomb?)")


def _flatten(frame):
    """A greyscale copy of ``frame``, transparency composited onto white."""
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return frame.convert("L")


def _document(path: Path, sha256: str, fmt: str, contents: list[PageContent], warnings: list[str]) -> Document:
    if sum(c.glyphs for c in contents) == 0:
        raise UnreadableFile(f"{path}: image with no text (OCR found none on {len(contents)} page(s))")
    for c in contents:
        if c.glyphs == 0:
            warnings.append(f"page {c.number}: OCR found no text")
    drop_running_lines(contents)
    return Document(
        path=str(path),
        sha256=sha256,
        format=fmt,
        pages=[Page(c.number, c.text()) for c in contents],
        tables=grids_of(contents),
        ocr=True,
        warnings=warnings,
        ocr_pages=[c.number for c in contents],
        unreadable=[n for c in contents for n in c.notes],
    )


def grids_of(contents: list[PageContent]) -> list[TableGrid]:
    """The OCR-read tables of ``contents`` as grids, a table broken across pages joined into one."""
    below, above = _text_around(contents)
    return to_grids([t for c in contents for t in c.tables], below, above, True)


# ---------------------------------------------------------------- one page


def read_page_image(gray: np.ndarray, number: int, scale: float) -> PageContent:
    """One page image (greyscale, ``scale`` pixels per point) read into text lines and tables.

    Inside tables every recognised character goes to the cell holding its centre, so a text
    box the detector ran across several cells (their rule erased, or too faint to part the
    box) is split at the rules, character by character. A cell is left blank, with a note
    saying why (``PageContent.notes``), rather than given a number that may be wrong:

    - a character sits on a rule (its box reaches well into the next cell): which cell it
      belongs to is not certain;
    - the cell spans several columns of the grid and reads as a number: with no rule
      between them, its digits could belong to any of those columns ("13 13 524" in a row
      whose vertical rules were too faint to find must not become 1313524);
    - a digit of the number was read with less than ``DIGIT_SCORE`` confidence.
    """
    gray = deskew(upright(without_dark_edges(np.ascontiguousarray(gray), scale), scale))
    ink = ink_mask(gray, scale)
    tables, rules, across = _find_tables(gray, number, scale, ink)
    # a frame around the page's tables (the step from a scanner's dark margin or a lighter band
    # to a grey-lit page reads as rules) is page layout, not a table: its cells would take
    # every glyph of the tables inside it (the PDF reader's rule, ``without_frames``)
    tables = without_frames(tables)
    clean = gray.copy()
    on_rules = rules > 0  # where the rules were, once they are erased from the page and its ink
    clean[on_rules] = 255  # rules erased: never read as "1" or "|", never hiding a glyph that touches one
    ink[on_rules] = 0
    words = recognise(clean, scale, tables, ink)
    # tables ruled only across: their columns from where the detector's numbers stand
    # (ocr_columns); then their cells are read anew from crops inside each cell, as a ruled
    # table's are (a detected box running across cells only estimates where each glyph is)
    loose = [w for w in words if not any(_overlaps(w, t.bbox) for t in tables)]
    found: list[PageTable] = []
    taken = [t.bbox for t in tables]
    for stack in row_rule_stacks(across, scale, taken):
        # a second look at ink the detector passed over (a lone "0"): else no column is certain there
        extra = recognise_unread(clean, scale, unread_ink(stack, words, ink, across, scale, taken))
        extra = [w for w in extra if not any(_overlaps(w, t) for t in taken)]
        words += extra
        loose += extra
        found.extend(column_tables(stack, loose, number, lambda s: _is_number(fix_digits(s.replace(" ", ""))),
                                   ink, scale))
    if found:
        row_rules = cv2.dilate(across, np.ones((3, 3), np.uint8)) > 0
        for t in found:
            x0, y0, x1, y1 = (round(v * scale) for v in t.box)
            area = (slice(max(0, y0 - 2), y1 + 3), slice(max(0, x0 - 2), x1 + 3))
            clean[area][row_rules[area]] = 255
            ink[area][row_rules[area]] = 0
        words = [w for w in words if not any(_overlaps(w, t.bbox) for t in found)]
        words += recognise_cells(clean, scale, found, ink)
        tables.extend(found)
    content = PageContent(number, gray.shape[0] / scale, images=1, tables=tables)
    content.glyphs = sum(len(w.text.replace(" ", "")) for w in words)
    for table in tables:
        table.ocr = True
    outside: list[Word] = []
    cell_words: dict[tuple[int, Box], list[Word]] = {}
    doubtful: dict[tuple[int, Box], str] = {}
    for w in words:
        if not any(_overlaps(w, t.bbox) for t in tables):
            outside.append(w)
            continue
        if beyond := _beyond_tables(tables, w):
            outside.append(beyond)
        for (t, cell), piece, straddles in _split(tables, w):
            cell_words.setdefault((t, cell), []).append(piece)
            if straddles:
                doubtful[(t, cell)] = "a character lies across a rule"
    for key, found in cell_words.items():
        cell_words[key] = _once(found)
    _second_reading(clean, ink, scale, tables, cell_words, doubtful)
    readings: list[tuple[int, Box, str, str | None]] = []
    overrun: Counter[int] = Counter()  # table → its number cells whose glyphs run into or over a side rule
    for (t, cell), found in cell_words.items():
        text = label_text(found)
        if text != (whole := fix_digits("".join(_join(line).replace(" ", "") for line in _lines(found)))):
            content.notes.append(f"page {number}: table cell {_where(tables[t], cell)} read as {whole!r} by OCR: "
                                 "numbers standing apart from its text dropped (the rules between cells were "
                                 "not found: they could belong to any of the cells this one stands for)")
        reason = None
        if _is_number(text):  # a label keeps its text: it names a row, no value is taken from it
            score = min(w.score for w in found)
            reason = doubtful.get((t, cell))
            if reason is None and len(_lines(found)) > 1:
                reason = "its digits lie on more than one line: they could belong to different rows"
            if reason is None and _rows_spanned(tables[t], cell) > 1:
                reason = _rule_trace(tables[t], cell, gray, scale, across=False)
            if reason is None and _columns_spanned(tables[t], cell) > 1:
                reason = _spanning_doubt(tables[t], cell, found, gray, scale)
            if reason is None and score < DIGIT_SCORE:
                reason = f"confidence {score:.2f} is below {DIGIT_SCORE}"
            if reason is None and not any(ch in text for ch in ".,"):
                reason = _unread_point(ink, cell, scale)
            if reason is None:
                reason = _at_side_rule(ink, cell, scale) or _glyph_on_rule(ink, on_rules, cell, scale)
                if reason is not None:
                    overrun[t] += 1
            low = min((g.score for w in found for g in w.glyphs if g.text.isdigit()), default=score)
            if reason is None and low < SURE_DIGIT:  # kept, but a failed sum around it leaves it blank
                tables[t].weak[cell] = f"a digit read with {low:.2f} confidence (below {SURE_DIGIT})"
            elif reason is None and (unbacked := _unbacked_digit(found, ink, cell, scale)):
                tables[t].weak[cell] = unbacked
        readings.append((t, cell, text, reason))
    for t, cell, text, reason in readings:
        if reason is None and text and overrun[t] >= OVERRUN_CELLS and _is_number(text):
            reason = _ends_at_rule(ink, on_rules, cell, scale, overrun[t])
        if reason is not None:
            where = _where(tables[t], cell)
            content.notes.append(f"page {number}: table cell {where} read as {text!r} by OCR, left blank: {reason}")
            text = ""
        tables[t].texts[cell] = [(cell[1], cell[0], cell[3], cell[2], text)] if text else []
    flow: list[tuple[float, Line | PageTable]] = [(t.bbox.y0, t) for t in tables]
    unplaced = 0
    for line in _lines(outside):
        kept = _without_loose_numbers(line)
        unplaced += len(line) - len(kept)
        if kept:
            flow.append((line[0].y0, Line(_join(kept), _rect(kept))))
    if unplaced:
        content.notes.append(f"page {number}: {unplaced} number(s) stand apart in rows of a table whose rules "
                             "were not found; not placed in any column (left blank)")
    content.flow = [item for _, item in sorted(flow, key=lambda f: f[0])]
    return content


def _second_reading(clean: np.ndarray, ink: np.ndarray, scale: float, tables: list[PageTable],
                    cell_words: dict[tuple[int, Box], list[Word]], doubtful: dict[tuple[int, Box], str]) -> None:
    """Read again, alone, each number the page-wide pass was unsure of; keep the new reading if it is sure.

    A box the detector drew across a rule, or around a digit and a rule's remnant, is read
    with less confidence than the cell's own ink cropped tight. Only cells whose reading is
    a number under ``DIGIT_SCORE``, with no character across a rule, are read again; the
    new reading replaces the old one only when it is a number read with at least
    ``DIGIT_SCORE`` confidence, else the cell stays doubtful (and is left blank).
    """
    todo, rects = [], []
    edge = max(1, round(0.75 * scale))
    for key, found in cell_words.items():
        text = fix_digits("".join(w.text for w in found).replace(" ", ""))
        if key in doubtful or not _is_number(text) or min(w.score for w in found) >= DIGIT_SCORE:
            continue
        x0, y0, x1, y1 = (round(v * scale) for v in key[1])
        inner = ink[y0 + edge : y1 - edge, x0 + edge : x1 - edge]
        if inner.size == 0 or not inner.any():
            continue
        rows, cols = np.nonzero(inner.any(axis=1))[0], np.nonzero(inner.any(axis=0))[0]
        pad = max(2, round(0.25 * (rows[-1] + 1 - rows[0])))
        todo.append(key)
        rects.append((int(x0 + edge + cols[0] - pad), int(y0 + edge + rows[0] - pad),
                      int(x0 + edge + cols[-1] + 1 + pad), int(y0 + edge + rows[-1] + 1 + pad)))
    if not todo:
        return
    bgr = cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR)
    for key, rect, (text, score, _) in zip(todo, rects, recognise_boxes(bgr, rects), strict=True):
        text = fix_digits(text.replace(" ", ""))
        if _is_number(text) and score >= DIGIT_SCORE:
            x0, y0, x1, y1 = (v / scale for v in rect)
            cell_words[key] = [Word(x0, y0, x1, y1, text, score)]


def label_text(found: list[Word]) -> str:
    """A cell's text, line by line; in a cell that is not one number, numbers standing apart are dropped.

    A label cell never holds a value beside its text. When the rules between a row's cells
    were too faint to find, the label's cell is found as one region running across the
    value cells (and down over other rows), and the values are read into it: "规章" with
    "155 48900" beside it. Joined, they would be a label the parser could read a number from
    ("规章15548900"); they cannot be given their columns either, so they are dropped and the
    cells stay null. A cell read as one number is kept whole (its own checks follow), and
    figures inside one text box ("1.属于国家秘密", "第（六）项") stay.
    """
    lines = _lines(found)
    whole = fix_digits("".join(_join(line).replace(" ", "") for line in lines))
    if _is_number(whole):
        return whole
    return fix_digits("".join(_join(kept).replace(" ", "") for line in lines if (kept := _without_loose_numbers(line))))


def _without_loose_numbers(line: list[Word]) -> list[Word]:
    """``line`` without the numbers that stand apart in it, when it reads as a table row.

    A line outside every found table whose words include a number standing apart (its own
    text box, a gap from the rest) next to another word is a row of a table whose rules
    were not found (too faint, broken, or none drawn). Its blank cells left no trace, so
    the numbers cannot be given their columns: "规章 2" may be 规章 | blank | 2 | blank. They
    are dropped (the row's cells read blank: null), never passed on to be placed left to
    right. Narrative lines are one text box, their figures inside it, and are kept whole.
    """
    line = [piece for w in line for piece in _apart(w)]
    if len(line) < 2:
        return line
    numeric = [_is_number(fix_digits(w.text.replace(" ", ""))) for w in line]
    if not any(numeric):
        return line
    return [w for w, n in zip(line, numeric, strict=True) if not n]


def _once(words: list[Word]) -> list[Word]:
    """A cell's words with characters read twice kept once (the surer reading).

    The detector can draw two overlapping boxes over the same text (more often on a page
    turned level); both are recognised, and their characters would be joined ("10" and "10"
    into 1010). A character whose box mostly covers a surer one's is that character again.
    """
    glyphs = sorted((g for w in words for g in (w.glyphs or [Glyph(w.x0, w.y0, w.x1, w.y1, w.text, w.score)])),
                    key=lambda g: -g.score)
    kept: list[Glyph] = []
    for g in glyphs:
        if not any(_iou(g, k) > 0.3 for k in kept):
            kept.append(g)
    if len(kept) == len(glyphs):
        return words
    out = []
    for w in words:
        mine = [g for g in (w.glyphs or []) if any(g is k for k in kept)]
        if mine:
            mine.sort(key=lambda g: g.x0)
            out.append(Word.of(mine))
        elif not w.glyphs:
            out.append(w)
    return out


def _iou(a: Glyph, b: Glyph) -> float:
    ix = max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
    iy = max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))
    inter = ix * iy
    union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter
    return inter / union if union > 0 else 0.0


def _apart(w: Word) -> list[Word]:
    """``w`` cut where its characters stand further apart than a character's height (one box over several cells)."""
    if len(w.glyphs) < 2:
        return [w]
    groups = runs_apart(w.glyphs, 1.0)
    return [w] if len(groups) == 1 else [Word.of(gs) for gs in groups]


def _overlaps(w: Word, r: pymupdf.Rect) -> bool:
    return w.x0 < r.x1 and w.x1 > r.x0 and w.y0 < r.y1 and w.y1 > r.y0


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text))


def _split(tables: list[PageTable], w: Word) -> list[tuple[tuple[int, Box], Word, bool]]:
    """``w``'s characters grouped by the table cell holding each one's centre.

    Per cell: (cell, the characters there as one word, whether a character lies across the
    cell's edge, its own or a neighbour's). A character lies across an edge when more than
    ``STRADDLE`` of its width (height) reaches past it: the recogniser's character boxes are
    estimates, but a digit whose box is that far into the next cell may be that cell's, and
    the cell it came from may be missing it.
    """
    groups: dict[tuple[int, Box], list[Glyph]] = {}
    across: set[tuple[int, Box]] = set()
    for g in w.glyphs or [Glyph(w.x0, w.y0, w.x1, w.y1, w.text, w.score)]:
        hit = _locate(tables, g.cx, g.cy)
        if hit is None:
            continue  # on the table's outer frame: nothing of a cell
        groups.setdefault(hit, []).append(g)
        x0, y0, x1, y1 = hit[1]
        gw, gh = max(g.x1 - g.x0, 1e-6), max(g.y1 - g.y0, 1e-6)
        if (max(0.0, x0 - g.x0) + max(0.0, g.x1 - x1)) > STRADDLE * gw or (
                max(0.0, y0 - g.y0) + max(0.0, g.y1 - y1)) > STRADDLE * gh:
            # uncertain: the cell holding its centre, and the cells it reaches into
            inset_x, inset_y = 0.1 * gw, 0.1 * gh
            for x, y in ((g.x0 + inset_x, g.cy), (g.x1 - inset_x, g.cy), (g.cx, g.y0 + inset_y), (g.cx, g.y1 - inset_y)):
                if (other := _locate(tables, x, y)) is not None:
                    across.add(other)
    out = []
    for hit, gs in groups.items():
        gs.sort(key=lambda g: g.x0)
        out.append((hit, Word.of(gs), hit in across))
    return out


def _beyond_tables(tables: list[PageTable], w: Word) -> Word | None:
    """The text of ``w`` whose characters stand outside every table, when ``w`` only grazes one.

    A heading printed close above a table ("三、收到和处理政府信息公开申请情况" a few points
    over its top rule) gets a text box whose padding reaches past the rule; the box overlaps
    the table, and its characters, whose centres lie in no cell, were lost with the section
    heading the parser looks for. Characters centred outside every table's area are the
    page's text. A piece that reads as a number stays dropped: beside a table it may be a
    value of a row whose rule was not found, and no column is certain for it.
    """
    glyphs = w.glyphs or [Glyph(w.x0, w.y0, w.x1, w.y1, w.text, w.score)]
    out = [g for g in glyphs if not any(t.bbox.x0 <= g.cx <= t.bbox.x1 and t.bbox.y0 <= g.cy <= t.bbox.y1
                                        for t in tables)]
    if not out:
        return None
    piece = Word.of(out) if w.glyphs else w
    return None if _is_number(fix_digits(piece.text.replace(" ", ""))) else piece


def _cell_ink(ink: np.ndarray, cell: Box, scale: float) -> np.ndarray | None:
    """Each ink component inside ``cell`` (its edges, where rules leave remnants, left out):
    left, top (page pixels), width, height, area."""
    edge = max(1, round(0.75 * scale))
    x0, y0, x1, y1 = (round(v * scale) for v in cell)
    inner = ink[y0 + edge : y1 - edge, x0 + edge : x1 - edge]
    if inner.size == 0:
        return None
    count, _, stats, _ = cv2.connectedComponentsWithStats(inner, connectivity=8)
    if count < 2:
        return None
    boxes = stats[1:].copy()
    boxes[:, cv2.CC_STAT_LEFT] += x0 + edge
    boxes[:, cv2.CC_STAT_TOP] += y0 + edge
    return boxes


def _unread_point(ink: np.ndarray, cell: Box, scale: float) -> str | None:
    """Why a number read without a point is doubtful: a dot stands low between its digits.

    A decimal point is the smallest mark of a number, and blur or noise can make the
    recogniser pass over it: "1.5" read "15" (万元 in 第二十条第（八）项, which no sum checks).
    A mark at most ``POINT`` of the digits' height either way, centred in the lower part of
    their line and between two of them, is such a point (or noise where a point would be):
    the cell is left blank.
    """
    boxes = _cell_ink(ink, cell, scale)
    if boxes is None:
        return None
    left, top, width, height = (boxes[:, k] for k in range(4))
    tallest = int(height.max())
    digits = height >= DIGIT_HEIGHT * tallest
    if digits.sum() < 2:
        return None
    line_top, line_bottom = int(top[digits].min()), int((top + height)[digits].max())
    first_right, last_left = int((left + width)[digits].min()), int(left[digits].max())
    small = (height <= POINT * tallest) & (width <= POINT * tallest)
    low = top + height / 2 >= line_top + 0.6 * (line_bottom - line_top)
    between = (left >= first_right - 1) & (left + width <= last_left + 1)
    if (small & low & between & ~digits).any():
        return "a dot stands low between its digits and was not read: a decimal point the reading lost?"
    return None


def _at_side_rule(ink: np.ndarray, cell: Box, scale: float) -> str | None:
    """Why a number read in ``cell`` is doubtful, if a digit's ink runs into the cell's side rule.

    Rules are erased before reading; a digit set tight against a vertical rule (a number
    right-aligned without padding) loses the stroke it shares with the rule, and what is
    left reads as another digit or none: "120" read "12" or "121", confidently (a table
    pasted into a web page as a picture). The cell's ink is looked at inside a margin of
    0.75 pt along its edges, where a rule's own fringe lies; a component as tall as a digit
    reaching that margin on the left or right touched the rule.
    """
    boxes = _cell_ink(ink, cell, scale)
    if boxes is None:
        return None
    edge = max(1, round(0.75 * scale))
    x0, x1 = round(cell[0] * scale) + edge, round(cell[2] * scale) - edge
    left, width, height = boxes[:, cv2.CC_STAT_LEFT], boxes[:, cv2.CC_STAT_WIDTH], boxes[:, cv2.CC_STAT_HEIGHT]
    tall = height >= DIGIT_HEIGHT * int(height.max())
    if (tall & ((left <= x0) | (left + width >= x1))).any():
        return "a digit runs into the cell's side rule: a stroke may have been erased with the rule"
    return None


def _ruled_sides(rules: np.ndarray, cell: Box, scale: float) -> tuple[slice, list[tuple[str, int, int]]] | None:
    """The cell's pixel rows off its row rules, and each side ("left", "right") whose rule is
    drawn all along them, as the columns ``lo:hi`` of a window around it; None when fewer
    than three rows are left. (No rule all along a side: a table without vertical rules, a gap.)"""
    x0, y0, x1, y1 = (round(v * scale) for v in cell)
    margin = max(1, round(0.75 * scale))  # off the row rules and their corners
    reach = max(2, round(1.5 * scale))
    band = slice(y0 + margin, y1 - margin)
    if band.stop - band.start < 3:
        return None
    sides = []
    for side, x in (("left", x0), ("right", x1)):
        lo, hi = max(0, x - reach), min(rules.shape[1], x + reach + 1)
        if rules[band, lo:hi].any(axis=1).all():
            sides.append((side, lo, hi))
    return band, sides


def _glyph_on_rule(ink: np.ndarray, rules: np.ndarray, cell: Box, scale: float) -> str | None:
    """Why a number read in ``cell`` is doubtful, if a glyph's ink touches its left or right rule.

    A number too wide for its cell runs over the rule ("536" with its 6 drawn across it):
    erased with the rule, that digit is lost and the rest reads as a shorter number, "53",
    with full confidence. The rule's pixels (as found, widened over their grey fringe) are
    bordered by paper where nothing touches them; ink right beside them, in a share of the
    cell's pixel rows between ``TOUCH_LEAST`` and ``TOUCH_MOST``, is a glyph lying on the
    rule. (Ink beside the rule all along it is the rule's own rough edge: a JPEG's ringing.)
    Where the picture ends at the rule (a screenshot cut at the table's border, a number
    running past it), any glyph on it may go on beyond the picture: one row is enough.
    ``ink``: the ink off the rules; ``rules``: the rule pixels.
    """
    ruled = _ruled_sides(rules, cell, scale)
    if ruled is None:
        return None
    band, sides = ruled
    rows = band.stop - band.start
    for _side, lo, hi in sides:
        rule = rules[band, lo:hi]
        dark = ink[band, lo:hi] > 0
        beside = (dark[:, :-1] & rule[:, 1:] & ~rule[:, :-1]) | (dark[:, 1:] & rule[:, :-1] & ~rule[:, 1:])
        touched = int(beside.any(axis=1).sum())
        if lo == 0 or hi == ink.shape[1]:
            if touched and touched <= TOUCH_MOST * rows:  # the picture ends at this rule: a glyph on it goes on past it
                return "a glyph lies on a rule at the picture's edge: digits beyond it are cut off"
        elif TOUCH_LEAST * rows <= touched <= TOUCH_MOST * rows:
            return "a glyph lies on the cell's side rule: a digit may have been erased with the rule"
    return None


def _ends_at_rule(ink: np.ndarray, rules: np.ndarray, cell: Box, scale: float, overruns: int) -> str | None:
    """Why a number read in ``cell`` is doubtful, if its table's numbers overrun their cells and it ends at a rule.

    In a table whose numbers are wider than its cells (``overruns`` of them were seen running
    into or over a side rule), a digit can lie wholly under a rule: a "1" whose stem is the
    rule's width, erased with it, leaves "181" reading "18" with nothing beside the rule to
    show it (``_glyph_on_rule`` sees ink touching the rule, not ink inside it). There, a
    number whose ink ends within ``END_REACH`` of its digits' height of a side rule may go
    on under it, and is left blank. Only in such tables: where numbers fit their cells, one
    set close to a rule (right-aligned) is whole.
    """
    boxes = _cell_ink(ink, cell, scale)
    ruled = _ruled_sides(rules, cell, scale)
    if boxes is None or ruled is None:
        return None
    band, sides = ruled
    height = boxes[:, cv2.CC_STAT_HEIGHT]
    tall = boxes[height >= DIGIT_HEIGHT * int(height.max())]
    reach = END_REACH * int(height.max())
    left = int(tall[:, cv2.CC_STAT_LEFT].min())
    right = int((tall[:, cv2.CC_STAT_LEFT] + tall[:, cv2.CC_STAT_WIDTH]).max())
    for side, lo, hi in sides:
        columns = np.flatnonzero(rules[band, lo:hi].any(axis=0)) + lo
        gap = left - int(columns.max()) - 1 if side == "left" else int(columns.min()) - right
        if gap <= reach:
            return (f"the numbers of this table run over its rules ({overruns} cells), and this one ends at its "
                    f"{side} rule: a digit may lie under the rule")
    return None


def _unbacked_digit(found: list[Word], ink: np.ndarray, cell: Box, scale: float) -> str | None:
    """Why a number read in ``cell`` is doubtful, if a digit of it stands where no ink is a digit's height.

    Scan noise beside a digit (a speck, a mottled blot) can be read, confidently, as one more
    digit: a "0" read "10". A digit's ink reaches most of the height of the tallest ink in its
    cell; a speck's does not. Each digit's centre (where the recogniser placed it) must lie
    within a quarter of that height of ink at least ``DIGIT_HEIGHT`` of it tall; else the
    number is doubtful: kept, unless a sum it is in fails (``parsing.ocr_sums``).
    """
    boxes = _cell_ink(ink, cell, scale)
    if boxes is None:
        return None
    tallest = int(boxes[:, cv2.CC_STAT_HEIGHT].max())
    tall = boxes[boxes[:, cv2.CC_STAT_HEIGHT] >= DIGIT_HEIGHT * tallest]
    reach = 0.25 * tallest
    lefts = tall[:, cv2.CC_STAT_LEFT] - reach
    rights = tall[:, cv2.CC_STAT_LEFT] + tall[:, cv2.CC_STAT_WIDTH] + reach
    for w in found:
        for g in w.glyphs:
            if g.text.isdigit():
                at = (g.x0 + g.x1) / 2 * scale
                if not ((lefts <= at) & (at <= rights)).any():
                    return f"the digit {g.text} of {w.text} stands where no ink is a digit's height (scan noise?)"
    return None


def _spanning_doubt(table: PageTable, cell: Box, words: list[Word], gray: np.ndarray, scale: float) -> str | None:
    """Why a number in a cell spanning several column slots may not be one value of that cell, or None.

    A cell can span slots because it is one wide cell (a value under a header that spans
    the columns another part of the table splits), or because the rules between its
    columns were too faint or broken to find. In the second case its digits could belong to
    any of those columns. The number is kept only when its digits are one tight group and
    no trace of a rule runs down the cell where another column would begin: a darker
    band over ``RULE_TRACE`` of the cell's height (a glyph is never that tall).
    """
    glyphs = sorted((g for w in words for g in (w.glyphs or [])), key=lambda g: g.x0)
    for a, b in zip(glyphs, glyphs[1:], strict=False):
        if b.x0 - a.x1 > max(a.y1 - a.y0, b.y1 - b.y0):
            return "its digits are apart in a cell spanning several columns: they could belong to different columns"
    return _rule_trace(table, cell, gray, scale, across=True)


def _rule_trace(table: PageTable, cell: Box, gray: np.ndarray, scale: float, *, across: bool) -> str | None:
    """Why the cell may be several cells, or None: a trace of a rule where another column
    (``across``) or row of the table begins, darker over ``RULE_TRACE`` of the cell's height
    (width) than its background."""
    x0, y0, x1, y1 = cell
    left, top, right, bottom = (round(v * scale) for v in cell)
    background = float(np.percentile(gray[top:bottom, left:right], 90))
    for edge in table.xs if across else table.ys:
        lo, hi = (x0, x1) if across else (y0, y1)
        if not lo + EDGE_SNAP < edge < hi - EDGE_SNAP:
            continue
        a, b = max(0, round((edge - 3) * scale)), round((edge + 1) * scale)
        band = gray[top:bottom, a:b] if across else gray[a:b, left:right].T
        if band.size and float((band.min(axis=1) < background - RULE_CONTRAST).mean()) >= RULE_TRACE:
            return "a faint rule runs through the cell: the number could belong to either side"
    return None


def _rows_spanned(table: PageTable, cell: Box) -> int:
    """How many row slots of ``table`` the cell covers."""
    return sum(1 for y in table.ys if cell[1] - EDGE_SNAP / 2 <= y < cell[3] - EDGE_SNAP / 2) or 1


def _columns_spanned(table: PageTable, cell: Box) -> int:
    """How many column slots of ``table`` the cell covers."""
    return sum(1 for j, x in enumerate(table.xs) if cell[0] - EDGE_SNAP / 2 <= x < cell[2] - EDGE_SNAP / 2) or 1


def _where(table: PageTable, cell: Box) -> str:
    """A cell's place in its table, for notes: "row 5, column 3" (1-based slots)."""
    i = bisect_right(table.ys, cell[1] + EDGE_SNAP / 2)
    j = bisect_right(table.xs, cell[0] + EDGE_SNAP / 2)
    return f"row {i}, column {j}"


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines (vertical overlap of at least half the lower word), top to bottom."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        for line in reversed(lines[-3:]):
            y0, y1 = min(x.y0 for x in line), max(x.y1 for x in line)
            if min(y1, w.y1) - max(y0, w.y0) >= 0.5 * min(w.y1 - w.y0, y1 - y0):
                line.append(w)
                break
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _join(line: list[Word]) -> str:
    """A line's words left to right; a gap wider than half the line height becomes a space."""
    height = max(w.y1 - w.y0 for w in line)
    out = line[0].text
    for prev, w in zip(line, line[1:], strict=False):
        out += (" " if w.x0 - prev.x1 > 0.5 * height else "") + w.text
    return out


def _rect(line: list[Word]) -> pymupdf.Rect:
    return pymupdf.Rect(min(w.x0 for w in line), min(w.y0 for w in line), max(w.x1 for w in line), max(w.y1 for w in line))


def _locate(tables: list[PageTable], x: float, y: float) -> tuple[int, Box] | None:
    """(table index, cell) whose area holds the point; a point on a rule goes to the slot it falls in."""
    for t, table in enumerate(tables):
        if table.bbox.x0 <= x <= table.bbox.x1 and table.bbox.y0 <= y <= table.bbox.y1:
            cell = table.cell_at(x, y) or table.origin.get((bisect_right(table.ys, y) - 1, bisect_right(table.xs, x) - 1))
            if cell is not None:
                return t, cell
    return None


def fix_digits(text: str) -> str:
    """A cell that reads as a number but for O/o (0) or l/I/| (1) gets those digits; any other text is kept."""
    if _NUMERIC_AS_READ.match(text) and any(c.isdigit() or c in "Oo" for c in text):
        return text.translate(_DIGIT_FIXES)
    return text


# ---------------------------------------------------------------- ruled tables in the image


def without_dark_edges(gray: np.ndarray, scale: float) -> np.ndarray:
    """``gray`` with the dark bands along its edges made white: a scanner's lid, the fill of a turned page.

    A page scanned or photographed askew often comes with dark wedges or bands along its
    sides, where the scanner saw no paper. Their straight inner edges are long dark lines:
    they framed the whole page as one table cell. A band is a dark region (below
    ``EDGE_DARK``) that touches the image's edge along at least ``EDGE_RUN`` of a side and is
    at least ``EDGE_THICK`` points thick somewhere. A table's rules reaching the edge of a
    picture cropped to it are no band (thin everywhere), nor is a glyph at the edge (it runs
    along a small share of it).
    """
    dark = (gray < EDGE_DARK).astype(np.uint8)
    if not dark.any():
        return gray
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    h, w = gray.shape
    x, y, cw, ch = (stats[:, k] for k in range(4))
    along_x = ((y == 0) | (y + ch == h)) & (cw >= EDGE_RUN * w)  # along the top or the bottom
    along_y = ((x == 0) | (x + cw == w)) & (ch >= EDGE_RUN * h)  # along the left or the right
    candidates = [k for k in np.flatnonzero(along_x | along_y).tolist() if k > 0]
    if not candidates:
        return gray
    depth = cv2.distanceTransform(dark, cv2.DIST_L2, 3)  # half the thickness at each dark pixel
    bands = np.zeros_like(dark)
    for k in candidates:
        region = labels == k
        if 2 * float(depth[region].max()) >= EDGE_THICK * scale:
            bands[region] = 1
    if not bands.any():
        return gray
    out = gray.copy()
    out[cv2.dilate(bands, np.ones((5, 5), np.uint8)) > 0] = 255  # with its grey fringe, no thin line left
    return out


def level_angle(gray: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise) that levels a skewed page; 0.0 for a level one.

    The angle, within ``MAX_SKEW`` and to ``SKEW_STEP``, at which the rows of a shrunken
    copy of the page hold their ink most unevenly: level text lines and rules give the
    sharpest peaks in the row profile. Angles nearer 0 win ties.
    """
    factor = min(1.0, 800 / max(gray.shape[1], 1))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    # ink against its local background, as ``ink_mask``: one threshold for the whole page
    # (Otsu) takes a grey-lit page for ink against its white margins, and its row profile
    # then shows the page's mass, not its lines (a page turned 1° was left turned)
    block = max(3, round(LEVEL_BLOCK * small.shape[1])) | 1
    ink = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    if not ink.any():
        return 0.0
    ink = ink.astype(np.float32)
    h, w = ink.shape
    steps = round(MAX_SKEW / SKEW_STEP)
    best, best_angle = -1.0, 0.0
    for angle in sorted((k * SKEW_STEP for k in range(-steps, steps + 1)), key=abs):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        profile = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        sharpness = float(np.square(profile).sum())
        if sharpness > best * 1.001:
            best, best_angle = sharpness, angle
    return round(best_angle, 2)


def deskew(gray: np.ndarray) -> np.ndarray:
    """``gray`` turned level when it is skewed (a page fed into the scanner askew)."""
    angle = level_angle(gray)
    if angle == 0:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def ink_mask(gray: np.ndarray, scale: float) -> np.ndarray:
    """Dark pixels (255) against the local background, so uneven scan lighting does not matter."""
    block = max(3, round(15 * scale)) | 1
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def thin_rules(gray: np.ndarray, scale: float, *, horizontal: bool) -> np.ndarray:
    """Pixels (255) of thin dark lines running ``horizontal`` (else vertical), however light.

    A rule drawn 1 px thin in light grey (LibreOffice, WPS) and resampled by the scan or the
    rendering spreads over two pixels of ~230 on white: the page-wide ink mask, made for
    glyphs, misses it where its block's mean is not far enough above it. Here a pixel is
    compared with the lightest pixels within ``RULE_BACKGROUND`` across the line (a
    morphological black-hat with a short line across it): a thin line is ``RULE_DARK``
    darker than the paper (or a shaded cell's shade) on both its sides, whatever its own
    grey, while the inside of a glyph or of a shaded area is not. Only runs long enough to
    be rules are kept of it afterwards.
    """
    k = max(3, round(RULE_BACKGROUND * scale)) | 1
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (1, k) if horizontal else (k, 1))
    hat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, across)
    return np.where(hat >= RULE_DARK, 255, 0).astype(np.uint8)


def _runs(ink: np.ndarray, thin: np.ndarray, gap: int, dash: int, length: int, clear: int, *,
          horizontal: bool) -> np.ndarray:
    """Rule pixels running one way: runs of at least ``length`` once gaps along that way are bridged.

    Dark ink is bridged over ``gap`` (a rule broken by the scan). Thin lines (``thin_rules``:
    light grey ones too) are bridged over ``dash`` (a dashed rule) and kept only where they
    stand alone: ``clear`` pixels to either side across the line, at least ``LINE_CLEAR``
    of the run is paper. A run through a line of text (strokes of neighbouring glyphs
    bridged into one) has glyph bodies beside it all along; a rule has them only where a
    crossing rule or a glyph close to it meets it.
    """
    def line(n: int) -> np.ndarray:
        return cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if horizontal else (1, n))

    dark = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, line(gap)), cv2.MORPH_OPEN, line(length))
    light = cv2.morphologyEx(cv2.morphologyEx(thin, cv2.MORPH_CLOSE, line(dash)), cv2.MORPH_OPEN, line(length))
    light &= ~dark
    n, labels = cv2.connectedComponents(light, connectivity=8)
    if n < 2:
        return dark
    any_ink = (ink | thin) > 0
    shift = (clear, 0) if horizontal else (0, clear)
    beside = np.roll(any_ink, shift, axis=(0, 1)) | np.roll(any_ink, (-shift[0], -shift[1]), axis=(0, 1))
    on = labels > 0
    total = np.bincount(labels[on], minlength=n)
    free = np.bincount(labels[on & ~beside], minlength=n)
    keep = free >= LINE_CLEAR * np.maximum(total, 1)
    keep[0] = False
    return dark | np.where(keep[labels], 255, 0).astype(np.uint8)


def find_tables(gray: np.ndarray, number: int, scale: float, ink: np.ndarray | None = None
                ) -> tuple[list[PageTable], np.ndarray]:
    """Ruled tables of a page image, in points, and the mask of their rules' pixels."""
    tables, mask, _ = _find_tables(gray, number, scale, ink)
    return tables, mask


def _find_tables(gray: np.ndarray, number: int, scale: float, ink: np.ndarray | None = None
                 ) -> tuple[list[PageTable], np.ndarray, np.ndarray]:
    """``find_tables``, and the horizontal rules' pixels (for tables ruled only across)."""
    def px(points: float) -> int:
        return max(2, round(points * scale))

    ink = ink_mask(gray, scale) if ink is None else ink
    # A broken or dashed rule is closed along its own direction first (gaps up to RULE_GAP),
    # then only runs long enough to be rules survive the opening.
    gap = max(2, round(RULE_GAP * scale))
    dash = max(2, round(DASH_GAP * scale))
    clear = max(2, round(LINE_CLEARANCE * scale))
    horizontal = _runs(ink, thin_rules(gray, scale, horizontal=True), gap, dash, px(H_RULE), clear, horizontal=True)
    vertical = _runs(ink, thin_rules(gray, scale, horizontal=False), gap, dash, px(V_RULE), clear, horizontal=False)
    # each rule stretched by RULE_REACH along itself, so one that stops short of the rule it
    # meets (a thin, light scan loses the crossing pixels) still joins the network
    reach = max(2, round(RULE_REACH * scale))
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 1)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2 * reach + 1)))
    vertical = _spanning(vertical, horizontal)
    rules = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))  # close hairline gaps at crossings
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    tables, mask = [], np.zeros_like(rules)
    for k in range(1, n):
        x, y, w, h = stats[k, :4]
        if w < MIN_TABLE[0] * scale or h < MIN_TABLE[1] * scale:
            continue
        net = (labels[y : y + h, x : x + w] == k).astype(np.uint8)
        cells = _cells(net, x, y, scale)
        if len(cells) < 2:  # a lone framed box is not a table
            continue
        if sum(1 for c in cells if min(c[2] - c[0], c[3] - c[1]) >= MIN_ROW) < 2:
            continue  # strokes of a line of text meeting, not rules: no cell could hold a line of text
        tables.append(_page_table(cells, number))
        mask[y : y + h, x : x + w] |= net
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))  # the rules' anti-aliased fringe too
    return sorted(tables, key=lambda t: (t.bbox.y0, t.bbox.x0)), mask, horizontal


def _spanning(vertical: np.ndarray, horizontal: np.ndarray) -> np.ndarray:
    """The vertical runs that meet at least two horizontal rules: the ones that part cells.

    A vertical rule runs from one row's rule to another's at least. A run meeting one
    horizontal rule or none parts no cells; it is a glyph's stroke more often than a rule:
    the upright stroke of a 1 or the side of a 0, in a row so tight that the stroke nearly
    touches the rule above or below it, passes every test of a thin rule (dark, paper on
    both sides, long enough once a dash gap is bridged). Kept in the rule mask it would be
    erased from the page, and the 0 it belonged to would read as "C".
    """
    n, labels = cv2.connectedComponents(vertical, connectivity=8)
    if n < 2:
        return vertical
    _, rows = cv2.connectedComponents(cv2.dilate(horizontal, np.ones((3, 3), np.uint8)), connectivity=8)
    touch = (labels > 0) & (rows > 0)
    pairs = np.unique(labels[touch].astype(np.int64) * (int(rows.max()) + 1) + rows[touch])
    met = np.bincount(pairs // (int(rows.max()) + 1), minlength=n)
    keep = met >= 2
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _cells(net: np.ndarray, x0: int, y0: int, scale: float) -> list[Box]:
    """The white regions enclosed by a rule network, as boxes in points.

    The network's bounding frame is drawn in first, so a table without outer side rules
    still closes its outer cells.
    """
    closed = net.copy()
    cv2.rectangle(closed, (0, 0), (net.shape[1] - 1, net.shape[0] - 1), 1, 1)
    n, _, stats, _ = cv2.connectedComponentsWithStats((1 - closed).astype(np.uint8), connectivity=4)
    least = MIN_CELL * scale
    boxes = []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if w >= least and h >= least:
            boxes.append(((x0 + x) / scale, (y0 + y) / scale, (x0 + x + w) / scale, (y0 + y + h) / scale))
    return boxes


def _clusters(values: list[float]) -> list[float]:
    """Values within EDGE_SNAP of their neighbour merged; each group's smallest value stands for it."""
    ordered = sorted(values)
    return [v for k, v in enumerate(ordered) if k == 0 or v - ordered[k - 1] > EDGE_SNAP]


def _page_table(cells: list[Box], number: int) -> PageTable:
    """Cells (white regions) as the PDF reader's ``PageTable``: slots by distinct left and top edges."""
    xs, ys = _clusters([c[0] for c in cells]), _clusters([c[1] for c in cells])
    snapped = []
    for x0, y0, x1, y1 in cells:
        snapped.append((xs[bisect_right(xs, x0 + EDGE_SNAP / 2) - 1], ys[bisect_right(ys, y0 + EDGE_SNAP / 2) - 1], x1, y1))
    slots: list[list[Box | None]] = [[None] * len(xs) for _ in ys]
    origin: dict[tuple[int, int], Box] = {}
    for c in sorted(snapped, key=lambda c: (c[1], c[0])):
        i0, j0 = ys.index(c[1]), xs.index(c[0])
        slots[i0][j0] = c
        for i in range(i0, bisect_right(ys, c[3] - EDGE_SNAP / 2)):
            for j in range(j0, bisect_right(xs, c[2] - EDGE_SNAP / 2)):
                origin.setdefault((i, j), c)
    bbox = pymupdf.Rect(min(c[0] for c in cells), min(c[1] for c in cells),
                        max(c[2] for c in cells), max(c[3] for c in cells))
    return PageTable(number, bbox, xs, ys, slots, {}, origin)


__all__ = ["DPI", "engine", "find_tables", "fix_digits", "ocr_pdf", "read_image", "read_page_image"]

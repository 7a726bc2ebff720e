"""Turn a text-layer PDF into what a scanner gives: an image-only PDF, or one PNG per page.

Why: the OCR reader must be tested and measured on scans whose every cell is known. The
text PDFs of ``render_pdf`` carry the truth; rasterising their pages drops the text layer
and leaves only pixels (rules, glyphs), as in a "图片版" report.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pymupdf  # noqa: E402


@dataclass(frozen=True)
class Damage:
    """What printing, scanning or a phone camera does to a page, applied to its grey image.

    ``grey_rules``: table rules redrawn at this grey level, one pixel thin (as LibreOffice
    and WPS draw them, then a scanner lightens them); ``broken_rules``: the rules dashed
    (a gap every few pixels); ``blur``: Gaussian sigma in pixels (focus, ink bleed);
    ``light``: uneven lighting, the page darkening by up to this share towards one corner;
    ``jpeg``: saved as JPEG at this quality (its artefacts around every glyph and rule);
    ``skew``: degrees counter-clockwise the sheet is turned; ``rotate``: 90, 180 or 270
    degrees clockwise the page was scanned turned (a sheet fed in sideways or upside down);
    ``seal``: a red seal (a ring, a star and characters, grey in a greyscale scan) stamped
    across the signature and date at the end of the last page; ``no_border``: each table
    drawn without its outer frame; ``no_verticals``: tables drawn with horizontal rules
    only (a reader must place values by the header's columns, or leave them null);
    ``shade``: every other row of cells filled with this grey (as banded or highlighted
    rows are printed); ``dark_edges``: where the turned sheet leaves the scanner's glass
    bare, black instead of white, and a dark band along the right side (the scanner's lid):
    dark wedges and bands along the image's edges, whose inner edges are long straight lines;
    ``grey_page``: the sheet lit to this grey (a dim photo, a grey-lit scan) with a white
    margin around it where the lid or desk is brighter than the paper, and a light paper
    texture: one threshold for the whole image takes the sheet for ink.
    """

    skew: float = 0.0
    grey_rules: int | None = None
    broken_rules: bool = False
    blur: float = 0.0
    light: float = 0.0
    jpeg: int | None = None
    rotate: int = 0
    seal: bool = False
    no_border: bool = False
    no_verticals: bool = False
    shade: int | None = None
    dark_edges: bool = False
    grey_page: int | None = None


def _table_rules(out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks (1 = rule) of the page's long horizontal and vertical dark runs, anti-aliased fringe included."""
    ink = (out < 128).astype(np.uint8)
    long = max(20, out.shape[1] // 40)
    fringe = np.ones((3, 3), np.uint8)
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long, 1)))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long)))
    return cv2.dilate(across, fringe) & (out < 250), cv2.dilate(down, fringe) & (out < 250)


def redraw_tables(gray: np.ndarray, damage: Damage) -> np.ndarray:
    """``gray`` with its tables' frames, vertical rules or row shading changed as ``damage`` says."""
    out = gray.copy()
    across, down = _table_rules(out)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(across | down, connectivity=8)
    for k in range(1, n):
        x, y, w, h = stats[k, :4]
        if w < 20 or h < 20:
            continue
        net = labels[y : y + h, x : x + w] == k
        if damage.shade is not None:  # cells: white regions inside the frame, banded by row
            inside = (~net).astype(np.uint8)
            m, cells, cstats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
            tops = sorted({int(cstats[c, 1]) for c in range(1, m) if cstats[c, 2] > 4 and cstats[c, 3] > 4})
            for c in range(1, m):
                cx, cy, cw, ch = cstats[c, :4]
                if cw <= 4 or ch <= 4 or cx == 0 or cy == 0 or cx + cw == w or cy + ch == h:
                    continue  # slivers, and the outside of the frame
                if tops.index(int(cy)) % 2 == 0:
                    region = out[y : y + h, x : x + w]
                    region[cells == c] = np.minimum(region[cells == c], damage.shade)
        region = out[y : y + h, x : x + w]
        if damage.no_verticals:
            region[net & (down[y : y + h, x : x + w] > 0) & (across[y : y + h, x : x + w] == 0)] = 255
        if damage.no_border:
            edge = np.zeros_like(net)
            edge[:, :3] = edge[:, -3:] = True
            edge[:3, :] = edge[-3:, :] = True
            region[net & edge] = 255
    return out


def stamp_seal(gray: np.ndarray) -> np.ndarray:
    """``gray`` with a round seal stamped over its last lines of text, right of centre.

    Red ink scans to a mid grey; the seal's ring and characters cross the signature and
    date as an agency's seal does, so they must neither be read as text nor hide them.
    """
    out = gray.copy()
    h, w = out.shape
    rows = np.nonzero((out[:, round(0.6 * w):] < 128).any(axis=1))[0]  # the right-aligned signature and date
    if rows.size == 0:
        return out
    r = round(w * 0.09)
    cx, cy = round(w * 0.68), int(rows[-1]) - r // 3
    tone = 110  # red (200, 30, 30) in grey
    cv2.circle(out, (cx, cy), r, tone, max(2, r // 14), lineType=cv2.LINE_AA)
    star = np.array([(cx + 0.3 * r * np.cos(np.pi / 2 + k * 4 * np.pi / 5),
                      cy - 0.3 * r * np.sin(np.pi / 2 + k * 4 * np.pi / 5)) for k in range(5)], np.int32)
    cv2.fillPoly(out, [star], tone, lineType=cv2.LINE_AA)
    cv2.putText(out, "SEAL 2024", (cx - round(0.6 * r), cy + round(0.6 * r)), cv2.FONT_HERSHEY_SIMPLEX,
                r / 90, tone, max(1, r // 30), cv2.LINE_AA)
    return np.minimum(gray, out)  # the seal's ink over the page's, as a stamp lies over print


def degrade(gray: np.ndarray, damage: Damage, *, last: bool = False) -> np.ndarray:
    """``gray`` (a clean rendered page) with ``damage`` done to it (``last``: the document's last page)."""
    out = stamp_seal(gray) if damage.seal and last else gray.copy()
    if damage.no_border or damage.no_verticals or damage.shade is not None:
        out = redraw_tables(out, damage)
    if damage.grey_rules is not None or damage.broken_rules:
        ink = (out < 128).astype(np.uint8)
        long = max(20, out.shape[1] // 40)
        rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long, 1)))
        rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long)))
        rules = cv2.dilate(rules, np.ones((3, 3), np.uint8)) & (out < 250)  # with the anti-aliased fringe
        if damage.grey_rules is not None:
            out[rules > 0] = 255
            thin = cv2.ximgproc.thinning(rules * 255) if hasattr(cv2, "ximgproc") else cv2.erode(rules * 255, np.ones((2, 2), np.uint8))
            out[thin > 0] = damage.grey_rules
            rules = (thin > 0).astype(np.uint8)
        if damage.broken_rules:
            ys, xs = np.nonzero(rules)
            gap = ((xs + ys) % 12) < 3  # 3 px out of every 12 along the rule
            out[ys[gap], xs[gap]] = 255
    if damage.blur:
        out = cv2.GaussianBlur(out, (0, 0), damage.blur)
    if damage.light:
        h, w = out.shape
        shade = 1.0 - damage.light * (np.add.outer(np.arange(h) / h, np.arange(w) / w) / 2)
        out = (out.astype(np.float32) * shade).clip(0, 255).astype(np.uint8)
    if damage.grey_page is not None:
        h, w = out.shape
        texture = np.random.default_rng(7).normal(0, 6, (h, w)).astype(np.float32)
        sheet = (out.astype(np.float32) * damage.grey_page / 255 + texture).clip(0, 255).astype(np.uint8)
        my, mx = h // 25, w // 25  # the white margin around the sheet
        out = np.full_like(out, 255)
        out[my : h - my, mx : w - mx] = sheet[my : h - my, mx : w - mx]
    if damage.skew:
        turn = cv2.getRotationMatrix2D((out.shape[1] / 2, out.shape[0] / 2), damage.skew, 1.0)
        out = cv2.warpAffine(out, turn, (out.shape[1], out.shape[0]), flags=cv2.INTER_LINEAR,
                             borderValue=20 if damage.dark_edges else 255)
    if damage.dark_edges:
        band = max(4, out.shape[1] // 120)
        out[:, -band:] = np.minimum(out[:, -band:], 35)
    if damage.rotate:
        out = np.ascontiguousarray(cv2.rotate(out, {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                                                    270: cv2.ROTATE_90_COUNTERCLOCKWISE}[damage.rotate]))
    return out


def _pages(text_pdf: Path, dpi: int, skew: float, damage: Damage | None = None):
    """(page rect, image bytes) per page: the page in grey at ``dpi``, turned ``skew`` degrees, damaged."""
    damage = replace(damage or Damage(), skew=skew or (damage.skew if damage else 0.0))
    with pymupdf.open(str(text_pdf)) as doc:
        for page in doc:
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
            if damage == Damage():
                yield page.rect, pix.tobytes("png")
                continue
            gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w]
            out = degrade(gray, damage, last=page.number == doc.page_count - 1)
            rect = page.rect if damage.rotate in (0, 180) else pymupdf.Rect(0, 0, page.rect.height, page.rect.width)
            if damage.jpeg:
                yield rect, cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, damage.jpeg])[1].tobytes()
            else:
                yield rect, cv2.imencode(".png", out)[1].tobytes()


def render_image_pdf(text_pdf: Path, out: Path, dpi: int = 150, *, skew: float = 0.0,
                     damage: Damage | None = None) -> Path:
    """Write ``text_pdf`` as an image-only PDF (one grey image per page, no text) and return ``out``.

    ``skew``: degrees counter-clockwise each page is turned, as by a sheet fed in askew;
    ``damage``: what else the scan suffers (see ``Damage``).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scan = pymupdf.open()
    try:
        for rect, png in _pages(Path(text_pdf), dpi, skew, damage):
            page = scan.new_page(width=rect.width, height=rect.height)
            page.insert_image(page.rect, stream=png)
        scan.save(out, garbage=3, deflate=True)
    finally:
        scan.close()
    return out


def render_png(text_pdf: Path, out_dir: Path, dpi: int = 150, *, skew: float = 0.0) -> list[Path]:
    """Write each page of ``text_pdf`` as ``<stem>-<n>.png`` in ``out_dir``; return the paths in page order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (_, png) in enumerate(_pages(Path(text_pdf), dpi, skew), start=1):
        path = out_dir / f"{Path(text_pdf).stem}-{n}.png"
        path.write_bytes(png)
        paths.append(path)
    return paths


def render_mixed_pdf(text_pdf: Path, out: Path, scanned: set[int], dpi: int = 150) -> Path:
    """Write ``text_pdf`` with the pages numbered in ``scanned`` (1-based) as page images, the rest as text.

    Why: a report printed from Word with its signed table pages scanned back in has a text
    layer on some pages and only images on others; each page must be read its own way.
    """
    out = Path(out)
    mixed = pymupdf.open()
    try:
        with pymupdf.open(str(text_pdf)) as src:
            images = dict(enumerate(_pages(Path(text_pdf), dpi, 0.0), start=1))
            for n in range(1, src.page_count + 1):
                if n in scanned:
                    rect, png = images[n]
                    page = mixed.new_page(width=rect.width, height=rect.height)
                    page.insert_image(page.rect, stream=png)
                else:
                    mixed.insert_pdf(src, from_page=n - 1, to_page=n - 1)
        mixed.save(out, garbage=3, deflate=True)
    finally:
        mixed.close()
    return out

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
    ``skew``: degrees counter-clockwise the sheet is turned.
    """

    skew: float = 0.0
    grey_rules: int | None = None
    broken_rules: bool = False
    blur: float = 0.0
    light: float = 0.0
    jpeg: int | None = None


def degrade(gray: np.ndarray, damage: Damage) -> np.ndarray:
    """``gray`` (a clean rendered page) with ``damage`` done to it."""
    out = gray.copy()
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
    if damage.skew:
        turn = cv2.getRotationMatrix2D((out.shape[1] / 2, out.shape[0] / 2), damage.skew, 1.0)
        out = cv2.warpAffine(out, turn, (out.shape[1], out.shape[0]), flags=cv2.INTER_LINEAR, borderValue=255)
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
            out = degrade(gray, damage)
            if damage.jpeg:
                yield page.rect, cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, damage.jpeg])[1].tobytes()
            else:
                yield page.rect, cv2.imencode(".png", out)[1].tobytes()


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

"""Turn a text-layer PDF into what a scanner gives: an image-only PDF, or one PNG per page.

Why: the OCR reader must be tested and measured on scans whose every cell is known. The
text PDFs of ``render_pdf`` carry the truth; rasterising their pages drops the text layer
and leaves only pixels (rules, glyphs), as in a "图片版" report.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

from pathlib import Path  # noqa: E402

import pymupdf  # noqa: E402


def _pages(text_pdf: Path, dpi: int, skew: float):
    """(page rect, PNG bytes) per page: the page in grey at ``dpi``, turned ``skew`` degrees."""
    with pymupdf.open(str(text_pdf)) as doc:
        for page in doc:
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
            if not skew:
                yield page.rect, pix.tobytes("png")
                continue
            import cv2
            import numpy as np

            gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.stride)[:, : pix.w]
            turn = cv2.getRotationMatrix2D((pix.w / 2, pix.h / 2), skew, 1.0)
            askew = cv2.warpAffine(gray, turn, (pix.w, pix.h), flags=cv2.INTER_LINEAR, borderValue=255)
            yield page.rect, cv2.imencode(".png", askew)[1].tobytes()


def render_image_pdf(text_pdf: Path, out: Path, dpi: int = 150, *, skew: float = 0.0) -> Path:
    """Write ``text_pdf`` as an image-only PDF (one grey image per page, no text) and return ``out``.

    ``skew``: degrees counter-clockwise each page is turned, as by a sheet fed in askew.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scan = pymupdf.open()
    try:
        for rect, png in _pages(Path(text_pdf), dpi, skew):
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

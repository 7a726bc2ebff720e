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


def _pixmaps(text_pdf: Path, dpi: int):
    with pymupdf.open(str(text_pdf)) as doc:
        for page in doc:
            yield page.rect, page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)


def render_image_pdf(text_pdf: Path, out: Path, dpi: int = 150) -> Path:
    """Write ``text_pdf`` as an image-only PDF (one grey image per page, no text) and return ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scan = pymupdf.open()
    try:
        for rect, pix in _pixmaps(Path(text_pdf), dpi):
            page = scan.new_page(width=rect.width, height=rect.height)
            page.insert_image(page.rect, stream=pix.tobytes("png"))
        scan.save(out, garbage=3, deflate=True)
    finally:
        scan.close()
    return out


def render_png(text_pdf: Path, out_dir: Path, dpi: int = 150) -> list[Path]:
    """Write each page of ``text_pdf`` as ``<stem>-<n>.png`` in ``out_dir``; return the paths in page order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (_, pix) in enumerate(_pixmaps(Path(text_pdf), dpi), start=1):
        path = out_dir / f"{Path(text_pdf).stem}-{n}.png"
        pix.save(str(path))
        paths.append(path)
    return paths

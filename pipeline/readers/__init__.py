"""Readers: one per file type, each turning a file into a ``Document``.

``read`` picks the reader from the detected format (bytes first, extension second), so a
misnamed file is read by the right reader or refused with a reason. New file types plug in
by adding a function to ``READERS``; the parser never changes for them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from pipeline.document import Document, UnreadableFile
from pipeline.readers.detect import detect_format
from pipeline.readers.text import read_text

__all__ = ["READERS", "Document", "UnreadableFile", "detect_format", "read", "sha256_file"]


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Content hash, streamed so a large file never sits in memory whole."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _read_pdf(path: Path, sha256: str) -> Document:
    # Imported lazily: PyMuPDF is only loaded when a PDF is actually read.
    from pipeline.readers.pdf import read_pdf

    return read_pdf(path, sha256)


def _read_html(path: Path, sha256: str) -> Document:
    from pipeline.readers.html import read_html

    return read_html(path, sha256)


def _read_docx(path: Path, sha256: str) -> Document:
    from pipeline.readers.docx import read_docx

    return read_docx(path, sha256)


def _read_doc(path: Path, sha256: str) -> Document:
    # .doc / .wps (OLE): converted to DOCX by LibreOffice when it is installed
    from pipeline.readers.docx import read_doc

    return read_doc(path, sha256)


def _read_image(path: Path, sha256: str) -> Document:
    # Imported lazily: the OCR engine (ONNX Runtime, OpenCV) is only loaded for a scan.
    from pipeline.readers.ocr import read_image

    return read_image(path, sha256)


READERS: dict[str, Callable[[Path, str], Document]] = {
    "txt": read_text,
    "md": read_text,
    "pdf": _read_pdf,
    "image": _read_image,
    "html": _read_html,
    "docx": _read_docx,
    "doc": _read_doc,
}


def read(path: Path, sha256: str | None = None) -> Document:
    """Read ``path`` into a Document, or raise ``UnreadableFile`` with the reason."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path}: empty file (0 bytes)")
    fmt = detect_format(path)
    reader = READERS.get(fmt)
    if reader is None:
        raise UnreadableFile(f"{path}: unsupported file type '{fmt}'")
    return reader(path, sha256 or sha256_file(path))

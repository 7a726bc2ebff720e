"""Readers: one per file type, each turning a file into a ``Document``.

``read`` picks the reader from the detected format (bytes first, extension second), so a
misnamed file is read by the right reader or refused with a reason. New file types plug in
by adding a function to ``READERS``; the parser never changes for them.

Every reader takes the per-file ``Limits`` (``pipeline.ingest.limits``) and enforces the
cheap ones itself, before the expensive work: ``read`` checks the size before anything is
opened, the PDF reader the page count right after opening, the image readers the pixel
count before decoding. A file over a limit is refused with a reason naming it and the
limit ("x.pdf: 400 pages, more than the limit of 150 pages (XXGK_MAX_PAGES)").
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Callable
from pathlib import Path

from pipeline.document import Document, UnreadableFile
from pipeline.ingest.limits import Limits
from pipeline.readers.detect import HEAD_BYTES, detect_format
from pipeline.readers.text import read_text

__all__ = ["READERS", "Document", "Limits", "UnreadableFile", "detect_format", "read", "sha256_and_head", "sha256_file"]


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Content hash, streamed so a large file never sits in memory whole."""
    return sha256_and_head(path, chunk)[0]


def sha256_and_head(path: Path | str, chunk: int = 1 << 20) -> tuple[str, bytes]:
    """Content hash and the file's first ``HEAD_BYTES`` bytes (for ``detect_format``), in one read."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        head = block = fh.read(chunk)
        while block:
            h.update(block)
            block = fh.read(chunk)
    return h.hexdigest(), head[:HEAD_BYTES]


def _read_pdf(path: Path, sha256: str, limits: Limits) -> Document:
    # Imported lazily: PyMuPDF is only loaded when a PDF is actually read.
    from pipeline.readers.pdf import read_pdf

    return read_pdf(path, sha256, limits=limits)


def _read_html(path: Path, sha256: str, limits: Limits) -> Document:
    from pipeline.readers.html import read_html

    return read_html(path, sha256, limits=limits)


def _read_docx(path: Path, sha256: str, limits: Limits) -> Document:
    from pipeline.readers.docx import read_docx

    return read_docx(path, sha256, limits=limits)


def _read_doc(path: Path, sha256: str, limits: Limits) -> Document:
    # .doc / .wps (OLE): converted to DOCX by LibreOffice when it is installed
    from pipeline.readers.docx import read_doc

    return read_doc(path, sha256, limits=limits)


def _read_rtf(path: Path, sha256: str, limits: Limits) -> Document:
    # RTF (often named .doc): converted to DOCX by LibreOffice when it is installed
    from pipeline.readers.docx import read_rtf

    return read_rtf(path, sha256, limits=limits)


def _read_mht(path: Path, sha256: str, limits: Limits) -> Document:
    # a web page saved as one file (MIME HTML): its HTML part goes to the HTML reader
    from pipeline.readers.mht import read_mht

    return read_mht(path, sha256, limits)


def _read_image(path: Path, sha256: str, limits: Limits) -> Document:
    # Imported lazily: the OCR engine (ONNX Runtime, OpenCV) is only loaded for a scan.
    from pipeline.readers.ocr import read_image

    return read_image(path, sha256, limits=limits)


def _read_text(path: Path, sha256: str, limits: Limits) -> Document:
    return read_text(path, sha256)


READERS: dict[str, Callable[[Path, str, Limits], Document]] = {
    "txt": _read_text,
    "md": _read_text,
    "pdf": _read_pdf,
    "image": _read_image,
    "html": _read_html,
    "docx": _read_docx,
    "doc": _read_doc,
    "rtf": _read_rtf,
    "mht": _read_mht,
}


TEXT_SUFFIXES = (".txt", ".md", ".text", ".csv")


def read(path: Path, sha256: str | None = None, limits: Limits | None = None) -> Document:
    """Read ``path`` into a Document, or raise ``UnreadableFile`` with the reason.

    ``limits`` None means ``Limits.from_env()``: the defaults as the environment sets them.
    """
    path = Path(path)
    limits = Limits.from_env() if limits is None else limits
    try:
        st = path.stat()
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(st.st_mode):
        # A named pipe would block the reader forever; a device or directory is no report.
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a directory" if stat.S_ISDIR(st.st_mode) \
            else "a device or socket"
        raise UnreadableFile(f"{path}: not a regular file but {kind}; not read")
    if st.st_size == 0:
        raise UnreadableFile(f"{path}: empty file (0 bytes)")
    if limits.exceeded("max_bytes", st.st_size):
        raise UnreadableFile(f"{path}: {limits.over('max_bytes', st.st_size)}")
    fmt = detect_format(path)
    reader = READERS.get(fmt)
    if reader is None:
        raise UnreadableFile(_unknown_reason(path, fmt))
    return reader(path, sha256 or sha256_file(path), limits)


def _unknown_reason(path: Path, fmt: str) -> str:
    """Why a file of no readable type is refused: text that cannot be decoded, or not a document."""
    if fmt == "unknown" and path.suffix.lower() in TEXT_SUFFIXES:
        with path.open("rb") as fh:
            head = fh.read(4096)
        if b"\x00" not in head:  # text by its name and look, but in no encoding we can read
            return (f"{path}: cannot decode the text: not UTF-8, GB18030 or any encoding charset-normalizer "
                    "recognises (binary data named as text?)")
    named = f"; named {path.suffix}" if path.suffix else ""
    if fmt == "zip":
        return f"{path}: a zip archive that is not a DOCX{named}"
    return (f"{path}: not a document this pipeline reads (content is not PDF, Word, web page, image or "
            f"text{named})")

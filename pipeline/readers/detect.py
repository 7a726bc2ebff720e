"""Detect a file's format from its first bytes, falling back to the extension.

Agencies publish files with wrong or missing extensions (a PDF saved as .doc, a web page
saved as .txt), so content decides; the extension only breaks ties between text formats.
"""

from __future__ import annotations

import re
from pathlib import Path

_MD_LINE = re.compile(r"^(#{1,6}\s|\|.*\|\s*$|\*\*)", re.M)


def detect_format(path: Path) -> str:
    """One of pdf, docx, doc, html, image, md, txt or unknown."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
    ext = path.suffix.lower().lstrip(".")
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if ext in ("docx", "wps", "doc", "") or b"word/" in head else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head[:8] == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:1024]:
        return "html"
    if b"\x00" in head:
        return "unknown"
    if ext == "md":
        return "md"
    from pipeline.readers.text import decode_bytes

    sample = decode_bytes(head, partial=True)
    if sample is None:
        return "unknown"
    return "md" if len(_MD_LINE.findall(sample)) >= 2 else "txt"

"""Detect a file's format from its first bytes, falling back to the extension.

Agencies publish files with wrong or missing extensions (a PDF saved as .doc, a web page
saved as .txt, an RTF saved as .doc), so content decides; the extension only breaks ties
between text formats.

A PDF is recognised by its header at offset 0, as PDF readers do. A header a little later
(within the first kilobyte, after a mail or HTTP header left in front) counts only when
the file also ends like a PDF (``%%EOF``): a text report that mentions "%PDF-1.7" near
its top is text, not a broken PDF.
"""

from __future__ import annotations

import re
from pathlib import Path

_MD_LINE = re.compile(r"^(#{1,6}\s|\|.*\|\s*$|\*\*)", re.M)
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_PDF_TAIL = 1024  # bytes: where a PDF's %%EOF marker stands (readers look this far from the end)
_MIME_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[^\r\n]*\r?\n")
_MIME_HTML = re.compile(rb"content-type:\s*(?:multipart/related|text/html)", re.I)
# Block-level markup that only an HTML document or fragment carries. Inline tags (<br>, <b>)
# are left out: converters put <br> in markdown table cells, which are still markdown.
_BLOCK_OPEN = re.compile(rb"<(?:p|div|table|tbody|tr|td|th|span|section|article|h[1-6]|ul|ol|li|font|center)\b[^<>]{0,400}>", re.I)
_BLOCK_CLOSE = re.compile(rb"</(?:p|div|table|tbody|tr|td|th|span|section|article|h[1-6]|ul|ol|li|font|center)\s*>", re.I)


def looks_like_html(head: bytes) -> bool:
    """An HTML document or a fragment of one, by its content, whatever it is named.

    CMSs and crawlers save an article's content string without ``<html>`` or ``<body>``
    (it starts with ``<p style=…>`` or ``<table>``): read as text, its tags would become
    the report's words (the agency read as "<p style=…>"). Markup is recognised when the
    text opens with a block tag, or when block tags open and close several times.
    """
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:1024]:
        return True
    opens = len(_BLOCK_OPEN.findall(head))
    closes = len(_BLOCK_CLOSE.findall(head))
    if _BLOCK_OPEN.match(lowered) and closes >= 1:
        return True
    return opens >= 3 and closes >= 3


HEAD_BYTES = 4096
"""What ``detect_format`` looks at: the file's first bytes."""


def detect_format(path: Path, head: bytes | None = None) -> str:
    """One of pdf, docx, doc, rtf, mht, html, image, md, txt or unknown.

    ``head``: the file's first ``HEAD_BYTES`` bytes, when the caller has read them already
    (the manifest scan hashes every file: it passes what it read, so the file is opened
    once, not twice).
    """
    path = Path(path)
    if head is None:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    head = head[:HEAD_BYTES]
    ext = path.suffix.lower().lstrip(".")
    if head.startswith(b"%PDF") or (_PDF_HEADER.search(head[:1024]) and _ends_like_pdf(path)):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _is_mime_html(head):
        return "mht"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if ext in ("docx", "wps", "doc", "") or b"word/" in head else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head[:8] == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if looks_like_html(head):
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


def _ends_like_pdf(path: Path) -> bool:
    """Whether the file's last kilobyte holds the ``%%EOF`` marker every PDF ends with."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - _PDF_TAIL))
        return b"%%EOF" in fh.read()


def _is_mime_html(head: bytes) -> bool:
    """A MIME message (``.mht``/``.mhtml``: a web page saved as one file) whose content is HTML.

    It opens with mail-style headers (``MIME-Version: 1.0``, ``Content-Type: multipart/related``)
    rather than markup.
    """
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return (bool(_MIME_HEADER.match(start))
            and b"mime-version:" in start[:2048].lower() and bool(_MIME_HTML.search(start[:4096])))

"""MHT reader: a web page saved as one file (``.mht``/``.mhtml``, "single file web page").

Why: Word and old browsers save a page as MIME HTML (RFC 2557), a mail-style
multipart/related message: the page's HTML is one part (quoted-printable or base64, in its
own charset), its images are others. Read as HTML, the MIME headers and the ``=3D``
escapes are noise and the page is "not a report". The standard library's ``email``
package undoes the transfer encoding; the HTML part then goes to the HTML reader whole, so
the article, tables and page metadata are read exactly as for a saved ``.html`` page. The
image parts the page shows are OCR'd where they stand (a table pasted as a picture).
"""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from pipeline.document import Document, UnreadableFile
from pipeline.ingest.limits import Limits
from pipeline.readers.html import read_html
from pipeline.readers.html_pictures import mht_pictures


def html_part(message) -> bytes | None:
    """The decoded bytes of the message's first text/html part (None when it has none)."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload
    return None


def read_mht(path: Path, sha256: str, limits: Limits | None = None) -> Document:
    """Read a ``.mht`` page into a Document (format "mht"), or raise ``UnreadableFile`` saying why.

    Its pictures that may hold a table are OCR'd where the page shows them (``html_pictures``).
    """
    path = Path(path)
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
    page = html_part(message)
    if page is None:
        raise UnreadableFile(f"{path}: a web archive (MIME HTML, .mht) with no HTML part; not read")
    parts, base = mht_pictures(message)
    doc = read_html(path, sha256, raw=page, limits=limits, parts=parts, base=base)
    doc.format = "mht"
    return doc


__all__ = ["html_part", "read_mht"]

"""Pictures in a web page that may hold a table: OCR'd where they stand, when the file ships them.

Why: some agencies post the report's tables as images inside the article (a screenshot of
the Word table). A page only ships such an image in three ways, and only those are read
(nothing is fetched, ever):

- a ``data:`` URI in the ``src`` (a CMS that inlines pasted images): the reader lifts the
  payload out before parsing (``lift_data_images``), as the parser could not hold it;
- a part of a ``.mht`` web archive, found by its ``Content-Location`` (absolute, or relative
  to the page's) or its ``Content-ID`` (``cid:``);
- a file saved beside the page ("save complete page": ``report_files/image001.png``), found by
  a relative path that stays inside the page's own folder (no ``..`` out of it, no link).

A picture large enough to hold a table is read like a DOCX's (``ocr.read_picture``): its text
lines join the page's text where it stands, its tables the grids, marked OCR-read. At most
``limits.ocr_max_pages`` pictures are read (0: none); the others are named in a warning.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from pipeline.document import UnreadableFile
from pipeline.ingest.limits import Limits

if TYPE_CHECKING:  # the PDF and OCR modules load only when a picture is read
    from pipeline.readers.pdf_page import PageContent

LIFTED = "xxgk-lifted-image:"
"""The ``src`` a lifted ``data:`` image is given, followed by its index."""

_DATA_IMAGE = re.compile(r"data:image/[a-z+.-]{1,20};base64,([A-Za-z0-9+/=\s]{1024,})", re.I)
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.I)
_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*(\d+(?:\.\d+)?)\s*px", re.I)
PX_TO_PT = 0.75  # a CSS pixel is 1/96 inch, a point 1/72


def lift_data_images(text: str) -> tuple[str, list[str]]:
    """The page with each base64 ``data:`` image URI replaced by ``LIFTED`` + its index, and the payloads."""
    payloads: list[str] = []

    def lift(m: re.Match) -> str:
        payloads.append(m.group(1))
        return f"{LIFTED}{len(payloads) - 1}"

    return _DATA_IMAGE.sub(lift, text), payloads


def width_points(img) -> float | None:
    """The width the page shows the picture at, in points (its ``width`` attribute or style), if given in pixels."""
    m = _PX.match(img.get("width") or "") or _STYLE_WIDTH.search(img.get("style") or "")
    return float(m.group(1)) * PX_TO_PT if m else None


class PagePictures:
    """Reads the pictures of one page that the file ships (see the module doc)."""

    def __init__(self, path: Path, limits: Limits, lifted: list[str], parts: dict[str, bytes] | None = None,
                 base: str | None = None) -> None:
        self.path = Path(path)
        self.limits = limits
        self.lifted = lifted
        self.parts = parts or {}
        self.base = base
        self.read_count = 0
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def __call__(self, img) -> PageContent | None:
        src = (img.get("src") or "").strip()
        if not src:
            return None
        where = f"{self.path} (picture {src[:80]})"
        try:
            blob = self._blob(src)
        except UnreadableFile as exc:
            self.warnings.append(str(exc))
            return None
        if blob is None:
            return None
        if self.read_count >= self.limits.ocr_max_pages:
            self.warnings.append(f"{where}: not OCR'd, over the OCR limit of {self.limits.ocr_max_pages} page(s)")
            return None
        from pipeline.readers import ocr

        try:
            content = ocr.read_picture(blob, 1, width_points(img), where, self.limits)
        except UnreadableFile as exc:
            self.warnings.append(str(exc))
            return None
        if content is None or not content.glyphs:
            return None
        self.read_count += 1
        self.notes.extend(content.notes)
        return content

    def _blob(self, src: str) -> bytes | None:
        """The picture's bytes, when the file ships it; None for a picture it only links to."""
        if src.startswith(LIFTED):
            index = src[len(LIFTED):]
            if not index.isdigit() or int(index) >= len(self.lifted):
                return None
            try:
                return base64.b64decode("".join(self.lifted[int(index)].split()), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise UnreadableFile(f"{self.path}: an inline picture's data cannot be decoded ({exc})") from exc
        if self.parts:
            keys = [src, unquote(src)] + ([urljoin(self.base, src)] if self.base else [])
            if src.lower().startswith("cid:"):
                keys.append("<" + src[4:] + ">")
            for key in keys:
                if key in self.parts:
                    return self.parts[key]
            return None
        return self._beside(src)

    def _beside(self, src: str) -> bytes | None:
        """A file saved beside the page, by a relative path that stays inside the page's folder."""
        url = urlsplit(src)
        if url.scheme or url.netloc or src.startswith("/"):
            return None  # on a server: never fetched
        folder = self.path.parent.resolve()
        target = (folder / unquote(url.path)).resolve()
        if folder not in target.parents or not target.is_file():
            return None
        size = target.stat().st_size
        if self.limits.exceeded("max_bytes", size):
            raise UnreadableFile(f"{self.path} (picture {src[:80]}): {self.limits.over('max_bytes', size)}")
        return target.read_bytes()


def mht_pictures(message) -> tuple[dict[str, bytes], str | None]:
    """The image parts of a MIME HTML message by Content-Location and Content-ID, and the page's location."""
    parts: dict[str, bytes] = {}
    base = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/html" and base is None:
            base = part.get("Content-Location")
        elif kind.startswith("image/"):
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            for key in (part.get("Content-Location"), part.get("Content-ID")):
                if key:
                    parts[key.strip()] = payload
    return parts, base

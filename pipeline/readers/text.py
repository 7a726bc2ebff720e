"""Plain text and markdown, in UTF-8 or GB18030/GBK (detected, not assumed).

Chinese government sites still serve GBK; a converter may add a BOM. A file is one page,
unless it carries form feeds, which converters use for page breaks.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Document, Page, UnreadableFile


def decode_bytes(data: bytes, *, partial: bool = False) -> str | None:
    """Decode report text: UTF-8 (with or without BOM), then GB18030, then a detector.

    ``partial`` tolerates a multi-byte character cut at the end of a sample.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            if partial and exc.start >= len(data) - 4:
                return data[: exc.start].decode(enc, errors="strict")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.3:
        return None
    return str(best)


def read_text(path: Path, sha256: str) -> Document:
    from pipeline.readers.detect import detect_format

    raw = Path(path).read_bytes()
    text = decode_bytes(raw)
    if text is None:
        raise UnreadableFile(f"{path}: text in an unreadable encoding (neither UTF-8 nor GB18030)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile(f"{path}: no text")
    pages = [Page(i + 1, t) for i, t in enumerate(text.split("\f"))]
    return Document(path=str(path), sha256=sha256, format=detect_format(path), pages=pages)

"""PDFs whose text layer cannot be read: fonts without a Unicode mapping for some or all glyphs.

Why: real reports come from converters that embed fonts without a usable ToUnicode map.
Text extraction then gives U+FFFD for those glyphs (PyMuPDF, as the PDF reader asks it to)
while the page looks perfect. Two shapes are made from a generated text PDF, whose truth is
known: every glyph unmapped (the ToUnicode map removed), and only the digits unmapped (their
entries cut out of the map: labels read, every number is U+FFFD). Such pages must be read by
OCR, not loaded as a report whose numbers are all blank.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import pymupdf  # noqa: E402

_RANGE = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_CHAR = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _without(cmap: str, drop: set[int]) -> str:
    """``cmap`` (a ToUnicode CMap) with every code mapping to a code point in ``drop`` removed."""
    def ranges(block: str) -> str:
        out = []
        for lo, hi, dst in _RANGE.findall(block):
            width, start, end, first = len(lo), int(lo, 16), int(hi, 16), int(dst, 16)
            run: list[int] = []
            for code in range(start, end + 1):
                if first + code - start in drop:
                    if run:
                        out.append((run[0], run[-1], first + run[0] - start, width, len(dst)))
                    run = []
                else:
                    run.append(code)
            if run:
                out.append((run[0], run[-1], first + run[0] - start, width, len(dst)))
        lines = [f"<{a:0{w}x}> <{b:0{w}x}> <{d:0{dw}x}>" for a, b, d, w, dw in out]
        return f"{len(lines)} beginbfrange\n" + "\n".join(lines) + "\nendbfrange"

    def chars(block: str) -> str:
        keep = [f"<{a}> <{b}>" for a, b in _CHAR.findall(block) if len(b) > 4 or int(b, 16) not in drop]
        return f"{len(keep)} beginbfchar\n" + "\n".join(keep) + "\nendbfchar"

    cmap = re.sub(r"\d+\s+beginbfrange(.*?)endbfrange", lambda m: ranges(m.group(1)), cmap, flags=re.S)
    return re.sub(r"\d+\s+beginbfchar(.*?)endbfchar", lambda m: chars(m.group(1)), cmap, flags=re.S)


def unmap_fonts(text_pdf: Path, out: Path, *, only: str | None = None) -> Path:
    """Write ``text_pdf`` with its fonts' Unicode maps removed (``only``: just for those characters).

    ``only=None`` deletes every ToUnicode map: no glyph can be read. ``only="0123456789"``
    keeps the map but for the digits: the labels read, the numbers are U+FFFD.
    """
    doc = pymupdf.open(str(text_pdf))
    try:
        drop = {ord(c) for c in only} if only else set()
        for xref in range(1, doc.xref_length()):
            kind, value = doc.xref_get_key(xref, "ToUnicode")
            if kind != "xref":
                continue
            if not only:
                doc.xref_set_key(xref, "ToUnicode", "null")
                continue
            target = int(value.split()[0])
            cmap = doc.xref_stream(target).decode("latin-1")
            doc.update_stream(target, _without(cmap, drop).encode("latin-1"))
        doc.save(str(out), garbage=3, deflate=True)
    finally:
        doc.close()
    return Path(out)

"""A table cell's text from its lines, paragraphs or <br>-separated pieces: the one rule for every reader.

Readers used to join a cell's pieces without separators, so two numbers stacked in one
cell — a row rule lost in a PDF lattice merging two rows' cells, "19<br>0" or two <p> in a
web page's td, two paragraphs in a DOCX cell, two lines in an OCR crop — became one wrong
number ("19" over "0" read as 190). Here:

- a label (any piece with text in it) is joined as before: a wrapped label is one label;
- a value cell whose pieces hold digits on more than one line is joined with ``STACKED``
  between them — null with the reason ``stacked_values`` for the parser — unless the reader
  has evidence of a single number wrapped because the cell is too narrow (only a PDF can
  tell: see ``wrapped``). An explicit line break or paragraph is never a wrap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from pipeline.document import STACKED

# a piece of a value: digits with their separators and sign, nothing else
_NUMERIC_PIECE = re.compile(r"^[+\-]?[\d,.]*\d[\d,.]*$")
_WRAP_PIECE = re.compile(r"^[\d,.]+$")  # a wrapped number's pieces: digits only (a sign starts a value)
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def stacked(pieces: Sequence[str]) -> bool:
    """Whether ``pieces`` (a cell's lines, stripped, non-empty) are numbers on more than one line.

    Every piece a number or a number's fragment, and at least two of them: a piece with any
    other text makes the cell a label (or a value with its note, read as before).
    """
    return len(pieces) > 1 and all(_NUMERIC_PIECE.match(p) for p in pieces)


def join_stacked(pieces: Sequence[str]) -> str:
    """The cell text the parser reads as null with ``stacked_values`` ("19␤0")."""
    return STACKED.join(pieces)


def may_be_wrapped(pieces: Sequence[str]) -> bool:
    """Whether the pieces could be one number wrapped: digits only, and joined they are a number."""
    return all(_WRAP_PIECE.match(p) for p in pieces) and bool(_NUMBER.match("".join(pieces)))


Box = tuple[float, float, float, float]


def wrapped(lines: Sequence[tuple[Box, str]], cell: Box) -> bool:
    """Whether a PDF cell's lines (ink box, text; top to bottom) are one number wrapped in it.

    A number wraps only when the next glyph does not fit: every line but the last fills the
    cell's width. With the cell's padding unknown, both edges are measured: the gaps left
    and right of the line differ by less than one glyph width (left or right aligned: the
    free space on the open side is under a glyph; centred: the gaps are alike anyway), and
    together they are at most one glyph plus twice ``MAX_PADDING`` (a centred "19" in a wide
    cell leaves much more). The lines follow each other at line spacing (``MAX_LEADING``
    times their height), not a row apart as two rows' values do when a row rule is lost.
    """
    if len(lines) < 2 or not may_be_wrapped([t for _, t in lines]):
        return False
    for (box, text), (nxt, _) in pairwise(lines):
        x0, y0, x1, y1 = box
        glyph = (x1 - x0) / max(1, len(text))
        left, right = x0 - cell[0], cell[2] - x1
        if abs(left - right) >= glyph or left + right > glyph + 2 * MAX_PADDING:
            return False
        if nxt[1] - y0 > MAX_LEADING * (y1 - y0):
            return False
    return True


MAX_PADDING = 6.0  # points: a cell's inner margin each side (Word 0.19 cm = 5.4 pt, browsers ~1-4 pt)
MAX_LEADING = 1.6  # line pitch over line height of a paragraph's lines; a row apart is more

"""What a reader hands to the parser: text with page numbers, and table grids where the reader has them.

Every reader (text, PDF, and later HTML, DOCX, OCR) produces this one shape, so the parser
never knows which file type it is reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Between the pieces of a cell that holds numbers on more than one line (or paragraph, or
# <br>-separated piece) with no evidence of one number wrapped: "19" over "0" is two values
# stacked in one cell (a lost row rule, two <p> in one td), never the number 190. Readers
# join such pieces with this mark (``readers.cell_text``); the parser reads a cell holding it
# as null with the reason ``stacked_values``. U+2424 SYMBOL FOR NEWLINE: not whitespace,
# unchanged by NFKC, never printed in a report.
STACKED = "\u2424"


@dataclass
class TableGrid:
    """A table as a grid of cells, as laid out on the page.

    ``rows[i][j]`` is the cell text, ``""`` for a cell that is present but empty (a blank
    cell: null), and ``None`` for a position covered by a merged neighbour (not a cell).
    """

    page: int
    rows: list[list[str | None]]
    ocr: bool = False  # its cells were read by OCR from a page image (every value is OCR-read)
    weak: list[list[str | None]] | None = None
    """Parallel to ``rows``, for OCR'd grids: why a number kept is doubtful (a digit read with
    less than the reader's sure confidence), else None. A doubtful number is left blank when
    the format's sums show a misreading among the values it is summed with."""


@dataclass
class Page:
    number: int
    text: str


@dataclass
class Document:
    path: str
    sha256: str
    format: str
    pages: list[Page] = field(default_factory=list)
    tables: list[TableGrid] = field(default_factory=list)
    ocr: bool = False  # every page was read by OCR
    warnings: list[str] = field(default_factory=list)
    # Pages read by OCR (all of a scan; in a mixed PDF only the scanned or unreadable ones).
    ocr_pages: list[int] = field(default_factory=list)
    # Cells OCR saw ink in but left blank, each with why (low confidence, a digit across a
    # rule, a number that could belong to several columns): reported as value_unreadable.
    unreadable: list[str] = field(default_factory=list)
    # What the container says about the page, not the report: a web page's 发布机构 and
    # 发布日期, a DOCX's author. Recorded as such; never taken for the reporting agency.
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    def page_of(self, offset: int) -> int | None:
        """Page number holding character ``offset`` of ``text`` (None when empty)."""
        pos = 0
        for p in self.pages:
            pos += len(p.text) + 1
            if offset < pos:
                return p.number
        return self.pages[-1].number if self.pages else None


class UnreadableFile(Exception):
    """A file no reader can turn into a document; the message says why (it is quarantined)."""

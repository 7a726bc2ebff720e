"""Running headers, footers and page numbers: found in the page margins and dropped.

Why: left in, "- 4 -" or a repeated report title lands between the rows of a table broken
across pages, and a page number can be read as a cell value. Only lines in the top or
bottom band of a page are candidates, so body text is never touched; and a bare number
counts as a page number only when it stands alone at the very top or bottom of the page,
since in a table without rules every cell ("0") is a line of its own.
"""

from __future__ import annotations

import re

from pipeline.readers.pdf_page import Line, PageContent

MARGIN_BAND = 0.12  # top and bottom share of the page height where running lines live
PAGE_NUMBER = re.compile(
    r"""^(?:
      [-－—–_~·•]+\s*\d{1,4}\s*[-－—–_~·•]+               # - 4 -, —4—
    | 第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?          # 第4页, 第4页 共9页
    | 共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页                # 共9页 第4页
    | \d+\s*/\s*\d+                                         # 4/9
    | (?:page|Page|PAGE)\s*\d+(?:\s*of\s*\d+)?              # Page 4 of 9
    )$""",
    re.X,
)
BARE_NUMBER = re.compile(r"^\d{1,4}$")


def _in_band(line: Line, page: PageContent) -> bool:
    band = MARGIN_BAND * page.height
    return line.bbox.y1 <= band or line.bbox.y0 >= page.height - band


def _shape(text: str) -> str:
    """A line with digits generalised and blanks removed: "第3页" and "第 4 页" are one running line."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _alone_at_edge(line: Line, page: PageContent) -> bool:
    """No other line beside it, and none above it (top band) or below it (bottom band)."""
    others = [x.bbox for x in page.lines if x is not line]
    beside = any(b.y0 < line.bbox.y1 and b.y1 > line.bbox.y0 for b in others)
    top = line.bbox.y1 <= MARGIN_BAND * page.height
    beyond = any(b.y1 <= line.bbox.y0 for b in others) if top else any(b.y0 >= line.bbox.y1 for b in others)
    tables_beyond = any(
        (t.bbox.y1 <= line.bbox.y0) if top else (t.bbox.y0 >= line.bbox.y1) for t in page.tables
    )
    return not beside and not beyond and not tables_beyond


def _page_numbers(pages: list[PageContent]) -> set[int]:
    """ids of the lines that are page numbers.

    A decorated number ("- 4 -", "第4页") is one wherever it sits in a margin band. A bare
    number must stand alone at the page's top or bottom edge and agree with the numbers of
    other pages (same offset from the page index on at least two pages): a lone "0" under
    a table is a cell value, not page 0.
    """
    candidates: list[tuple[Line, int, bool]] = []  # line, offset from the page index, decorated
    support: dict[int, set[int]] = {}
    for page in pages:
        for line in page.lines:
            text = line.text.strip()
            if not _in_band(line, page):
                continue
            decorated = bool(PAGE_NUMBER.match(text))
            if decorated or (BARE_NUMBER.match(text) and _alone_at_edge(line, page)):
                offset = int(re.search(r"\d+", text).group()) - page.number
                candidates.append((line, offset, decorated))
                support.setdefault(offset, set()).add(page.number)
    single = len(pages) == 1
    return {id(line) for line, offset, decorated in candidates if decorated or single or len(support[offset]) >= 2}


def drop_running_lines(pages: list[PageContent]) -> None:
    """Remove page numbers, and lines of the margin bands repeated across pages.

    A repeated line (digits aside) must recur on at least two pages and half of all pages,
    and hold some text besides digits and punctuation: numbers recurring in a band are
    more likely cell values than a header.
    """
    pages_with: dict[str, set[int]] = {}
    for page in pages:
        for line in page.lines:
            if _in_band(line, page):
                pages_with.setdefault(_shape(line.text), set()).add(page.number)
    needed = max(2, (len(pages) + 1) // 2)
    running = {
        shape for shape, seen in pages_with.items() if len(seen) >= needed and len(re.sub(r"[\W#_]", "", shape)) >= 2
    }
    numbers = _page_numbers(pages)
    for page in pages:
        page.flow = [
            item
            for item in page.flow
            if not (
                isinstance(item, Line) and (id(item) in numbers or (_in_band(item, page) and _shape(item.text) in running))
            )
        ]

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


POSITION_TOLERANCE = 8.0  # points: a running line stands at the same place on every page it is on


def _band_position(line: Line, page: PageContent) -> tuple[str, float] | None:
    """("top", distance from the page top) or ("bottom", distance from the page foot); None in the body."""
    band = MARGIN_BAND * page.height
    if line.bbox.y1 <= band:
        return "top", line.bbox.y0
    if line.bbox.y0 >= page.height - band:
        return "bottom", page.height - line.bbox.y1
    return None


def _same_place(one: Line, other: Line, da: float, db: float) -> bool:
    """Same distance from its page edge, and the same left edge, right edge or centre."""
    tol, a, b = POSITION_TOLERANCE, one.bbox, other.bbox
    if abs(da - db) > tol:
        return False
    return abs(a.x0 - b.x0) <= tol or abs(a.x1 - b.x1) <= tol or abs((a.x0 + a.x1) - (b.x0 + b.x1)) <= 2 * tol


def _running(pages: list[PageContent]) -> set[int]:
    """ids of the lines repeated (digits aside) in the same band at the same place on enough pages.

    Enough: at least two pages and half of all pages. Same band and same place, because a
    short report's title (top of page 1) and signature (foot of its last page) name the
    same agency: the same text, but not a running header. A line with no text besides
    digits and punctuation never counts: numbers recurring in a band are more likely cell
    values than a header.
    """
    occurrences: dict[tuple[str, str], list[tuple[int, Line, float]]] = {}
    for page in pages:
        for line in page.lines:
            where = _band_position(line, page)
            shape = _shape(line.text)
            if where is not None and len(re.sub(r"[\W#_]", "", shape)) >= 2:
                occurrences.setdefault((shape, where[0]), []).append((page.number, line, where[1]))
    needed = max(2, (len(pages) + 1) // 2)
    out: set[int] = set()
    for found in occurrences.values():
        if len({n for n, *_ in found}) < needed:
            continue
        for _, line, d in found:
            near = {n for n, other, e in found if _same_place(line, other, d, e)}
            if len(near) >= needed:
                out.add(id(line))
    return out


def drop_running_lines(pages: list[PageContent]) -> None:
    """Remove page numbers, and running headers and footers (see ``_running``)."""
    drop = _running(pages) | _page_numbers(pages)
    for page in pages:
        page.flow = [item for item in page.flow if not (isinstance(item, Line) and id(item) in drop)]

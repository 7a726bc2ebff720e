"""Running headers, footers and page numbers: found in the page margins and dropped.

Why: left in, "- 4 -" or a repeated report title lands between the rows of a table broken
across pages, and a page number can be read as a cell value. Only lines in the top or
bottom band of a page are candidates, so body text is never touched; a repeated line is
a running one only where it recurs in the same band at the same place on most pages (a
short report names its agency atop page 1 and in the signature at the foot of the last
page: the same text, no running header); and a bare number counts as a page number only
when it stands alone at the very top or bottom of the page, since in a table without
rules every cell ("0") is a line of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    return _band_position(line, page) is not None


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


POSITION_TOLERANCE = 8.0  # points: a running line keeps its place on every page it is on


def _band_position(line: Line, page: PageContent) -> tuple[str, float] | None:
    """("top", distance from the page top) or ("bottom", distance from the page foot); None in the body."""
    band = MARGIN_BAND * page.height
    if line.bbox.y1 <= band:
        return "top", line.bbox.y0
    if line.bbox.y0 >= page.height - band:
        return "bottom", page.height - line.bbox.y1
    return None


@dataclass
class _Seen:
    page: PageContent
    line: Line
    depth: float  # distance from the page edge of its band


def _same_place(a: _Seen, b: _Seen) -> bool:
    """As far from the page edge, and the same left edge, right edge or centre, or mirrored (facing pages)."""
    tol, p, q = POSITION_TOLERANCE, a.line.bbox, b.line.bbox
    if abs(a.depth - b.depth) > tol:
        return False
    if abs(p.x0 - q.x0) <= tol or abs(p.x1 - q.x1) <= tol or abs((p.x0 + p.x1) - (q.x0 + q.x1)) <= 2 * tol:
        return True
    return bool(a.page.width and b.page.width) and abs(p.x0 - (b.page.width - q.x1)) <= tol


def _running(pages: list[PageContent]) -> set[int]:
    """ids of the lines repeated (digits aside) at the same place of the same band on enough pages.

    Enough: at least two pages and half of all pages, two of them next to each other (a
    running header runs). Same band and place, because a short report's title (atop page
    1, centred) and signature (right-aligned, at the foot of the last page or atop a last
    page of its own) name the same agency, and a header repeating the report's title
    stands above the title itself: the same text, but only the header runs. A line with no
    text besides digits and punctuation never counts: numbers recurring in a band are more
    likely cell values than a header.
    """
    occurrences: dict[tuple[str, str], list[_Seen]] = {}
    for page in pages:
        for line in page.lines:
            where = _band_position(line, page)
            shape = _shape(line.text)
            if where is not None and len(re.sub(r"[\W#_]", "", shape)) >= 2:
                occurrences.setdefault((shape, where[0]), []).append(_Seen(page, line, where[1]))
    needed = max(2, (len(pages) + 1) // 2)
    out: set[int] = set()
    for found in occurrences.values():
        if len({s.page.number for s in found}) < needed:
            continue
        for seen in found:
            near = {s.page.number for s in found if _same_place(seen, s)}
            if len(near) >= needed and any(n + 1 in near for n in near):
                out.add(id(seen.line))
    return out


def drop_running_lines(pages: list[PageContent]) -> None:
    """Remove page numbers, and running headers and footers (see ``_running``)."""
    drop = _running(pages) | _page_numbers(pages)
    for page in pages:
        page.flow = [item for item in page.flow if not (isinstance(item, Line) and id(item) in drop)]

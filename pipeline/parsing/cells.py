"""Reading one row's values: tokens to cells, and cells to the template's columns.

The rule everywhere: a number is a cell, a dash or slash is a cell that is explicitly
empty (null), and text is label. Values are never shifted to make a row add up.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from pipeline.document import STACKED
from pipeline.parsing.normalize import TABLE_START

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]")
_TABLE_HEADINGS = ("第二十条", "信息内容")  # the national format's headings of the article-20 tables
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_UNITS = "万元|元|亿元|件|条|个|项"
_WITH_UNIT = re.compile(rf"^([+-]?\d+(?:\.\d+)?)\s*({_UNITS})$")
_NULL_MARKS = {"/", "-", "--", "\\", "无", "空", "——", "---", "/ ", "×"}

Number = int | float


@dataclass(frozen=True)
class Cell:
    """One value cell: ``value`` is None for a blank or a dash; ``unit`` when printed with it.

    Frozen: the grid reader shares one Cell among all cells printed alike ("0", "12").
    """

    value: Number | None
    raw: str
    unit: str | None = None
    reason: str | None = None  # why a printed value is null: "stacked_values" (see ``stacked_cell``)
    weak: str | None = None  # an OCR reading with a doubtful digit, kept: why (see ``parsing.ocr_sums``)


def stacked_cell(raw: str) -> Cell:
    """A cell holding numbers on several lines ("19" over "0"): not one number, null with the reason.

    The readers join such a cell's pieces with ``STACKED`` unless it is one number wrapped
    (``readers.cell_text``); storing them as one token would span several cells.
    """
    return Cell(None, raw, reason=STACKED_VALUES)


STACKED_VALUES = "stacked_values"
MERGED = "merged_values"
"""The reason of a cell holding several numbers apart ("31 36"): a converter merged two cells'
text into one field (markitdown). Null; in a delimited row its neighbours' columns are not
certain either, so the whole row is null (``assign_row``)."""
MERGED_ROW = ("cells_merged", "a field holds several numbers (a converter merged cells): which value is whose "
              "column is not certain; not read")

METHODS = ("grid", "delimited", "solved", "template_order", "ocr", "derived")


@dataclass
class RowValues:
    """What was read for one template row, and how its cells were placed.

    ``method`` says how every cell of the row got its column (one of ``METHODS``):
    ``grid`` cell geometry, ``delimited`` a row with exactly one value per column,
    ``solved`` the unique split the format's sums allow, ``template_order`` an unlabeled
    row placed by the template's order and confirmed by every sum. It goes into the
    record's ``cell_methods`` so an analyst can filter solved or OCR values.
    """

    cells: list[Cell | None]
    issues: list[tuple[str, str]] = field(default_factory=list)
    page: int | None = None
    method: str = "delimited"


MAX_COUNT = 10**10
"""No count of requests, documents, decisions or cases reaches ten billion: a field holding
such a number holds several cells run together (a converter joined "314949" and "382717…")."""


def _beyond_any_count(cell: Cell) -> bool:
    return isinstance(cell.value, int) and abs(cell.value) >= MAX_COUNT


def parse_number(token: str) -> Number | None:
    t = token.strip()
    if not _NUMBER.match(t):
        return None
    t = t.replace(",", "")
    return float(t) if "." in t else int(t)


def classify(token: str) -> Cell | str | None:
    """A Cell for a value or a null mark, "" for an empty cell, None for label text."""
    t = token.strip()
    if t == "":
        return ""
    if STACKED in t:
        return stacked_cell(t)
    n = parse_number(t)
    if n is not None:
        return Cell(n, t)
    if t in _NULL_MARKS or re.fullmatch(r"[-/\\]+", t):
        return Cell(None, t)
    if " " in t and all(parse_number(p) is not None for p in t.split()):
        return Cell(None, t, reason=MERGED)
    m = _WITH_UNIT.match(t)
    if m:
        return Cell(parse_number(m.group(1)), t, m.group(2))
    return None


_GLUE_BEFORE = re.compile(rf"(?<=[^\d\s.,+\-/\\{STACKED}])(?=[+-]?\d|[-/](?:\s|$))")
_GLUE_AFTER = re.compile(r"(?<=\d)(?=[\u4e00-\u9fff(])(?![元万亿件条个项])")


def unglue(line: str) -> str:
    """Separate numbers printed against their label ("规章0", "数量801") from it."""
    return _GLUE_AFTER.sub(" ", _GLUE_BEFORE.sub(" ", line))


_RUNNING_LINE = re.compile(r"\d\s*[年月]|\d{1,2}:\d{2}|\d{1,4}/\d{1,2}/\d{1,4}|://|www\.")
"""A line holding a date, a time or an address: a printed page's running header or footer
("…2025年度…报告_…", "12/4/26, 6:46 PM", "file:///…") that a converter left between a
table's rows. Its numbers are never a row's cells."""
PAGE_MARK = re.compile(
    r"\s*(?:[-—–~―]+\s*\d{1,4}\s*[-—–~―]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)\s*"
)
"""A line that is a page's number ("— 5 —", "- 5 -", "第 5 页", "第5页 共12页", "5/12", "Page 5"):
a printed page's footer left between a table's rows by a converter, never a row's cells."""
_RULE_LINE = re.compile(r"\s*[+|]?[-=_~:]{3,}(?:(?:[+|]|\s)+[-=_~:]{3,})*[+|]?\s*")
"""A line drawn of dashes ("-----  -----", "+-----+-----+", "=====") as text converters draw a table's
rules (pandoc's plain and markdown tables): no cells, never a row of blank marks. Each run of
dashes must be followed by a separator, so a long line that is no rule fails in linear time
(a pattern letting runs split anywhere backtracked exponentially: 5 s at 48 dashes)."""


_ITEM_START = re.compile(r"(?:^|\t)\s*(?:\d{1,2}\s*[.、．]|[(（]\s*[一二三四五六七]\s*[)）]|[一二三四五六七]\s*、)")
"""A field starting with a row's item number ("7.属于…"), a group's heading ("（三）") or a top-level
row's numeral ("三、本年度办理结果（二）部分公开…", a shredded label that was not found): another row's label."""


@dataclass
class SegmentCells:
    """Value cells read from a stretch of text, with their tab-column index when tabbed."""

    cells: list[Cell | str]
    cols: list[int | None]
    tabbed: bool
    lines: list[int] = field(default_factory=list)
    """The line of the segment each cell stands on (0: its label's own line)."""
    width: int | None = None
    """Tab fields of the label's own line, counted from its line's start (tabbed segments)."""
    next_width: int | None = None
    """Tab fields of the line after the label's (tabbed segments): a line carrying on the row
    is as wide as it, being a row of the same markdown table (``continues``)."""
    continued: bool = False
    """The next line carries on the label's line (``continues``): its numbers may be cut short."""
    interleaved: bool = False
    """Words stand between the values (text without tabs): a header's or another row's label
    among them, as a converter that prints a PDF's text in its drawing order leaves it
    (pdftotext -raw: "其他对外管理服务事项 16 信息内容 本年增/减 8369"). Not a row in order."""
    labelled_from: int | None = None
    """The first later line (tabbed segments) whose values have label text of their own before
    them: the row's numbers carried on with its label's wrapped text ("| 本年 | | 8 6 | | 2 |",
    ``continues``), or another row whose label was not found ("备注", a group heading's piece)."""


_UNIT_APART = re.compile(rf"(?<=\d) +(?=(?:{_UNITS})(?![\u4e00-\u9fff]))")
"""The blank between a number and its unit ("75394432.52 元", pdftotext -layout): the unit is the
number's (``_WITH_UNIT``), not a word among the row's values."""


def cells_from_segment(segment: str, first_col: int = 0, *, tab_line: bool = False) -> SegmentCells:
    """Value cells in a stretch of text between two row labels.

    With tabs, an empty cell between two values is a blank cell; empty cells before the
    first value may be the label's merged columns and after the last one layout, so both
    are dropped here (``assign_row`` may still place values by column). Without tabs only
    numbers and null marks count. ``first_col`` is the tab column the segment starts in.
    """
    out: list[Cell | str] = []
    cols: list[int | None] = []
    lines: list[int] = []
    tabbed = tab_line or "\t" in segment  # tab_line: the rest of a tab line, even one field of it
    words_after_value = interleaved = False
    labelled: int | None = None
    # a markdown table's rule line (``TABLE_START``) between a row and the line carrying on its
    # cells is no line of the row's: the lines are numbered without it (``continues``)
    # and a line of blanks only is a web page's formatting whitespace (BeautifulSoup's text with
    # "\n" between nodes: "0" / " " / "0"), no line of the row's: a converter's blank line is empty
    kept = [ln for ln in segment.split("\n") if ln != TABLE_START and not (ln and ln.isspace() and "\t" not in ln)]
    for n, line in enumerate(kept):
        base = first_col if n == 0 else 0
        if n and (PAGE_MARK.fullmatch(line) or _RULE_LINE.fullmatch(line)):
            continue
        if n and "\t" not in line and _RUNNING_LINE.search(line):
            continue
        if tabbed and ("\t" in line or (tab_line and n == 0)):
            fields = line.split("\t")
            kinds = [classify(c) for c in fields]
            idx = [i for i, k in enumerate(kinds) if isinstance(k, Cell)]
            if not idx:
                continue
            before = "\t".join(fields[: idx[0]])
            if n and labelled is None and ((out and _CJK_WORD.search(before)) or (not out and _ITEM_START.search(before))):
                # a later line of values with label text of its own (see ``labelled_from``); when the
                # label's own line held no value, only an item's number or a group's heading there
                # shows another row (a wrapped label's next piece is this row's and carries its values)
                labelled = n
            for i in range(idx[0], idx[-1] + 1):
                k = kinds[i]
                if isinstance(k, Cell) or k == "":
                    out.append(k)
                    cols.append(base + i)
                    lines.append(n)
        else:
            # a sign right after a digit starts the next cell (2019 本年增/减: "2648-18538")
            for tok in _UNIT_APART.sub("", re.sub(r"(?<=\d)-(?=\d)", " -", unglue(line))).split():
                k = classify(tok)
                if isinstance(k, Cell):
                    if words_after_value:
                        interleaved = True
                    out.append(k)
                    cols.append(None)
                    lines.append(n)
                elif out and _CJK_WORD.search(tok):
                    words_after_value = True
                elif n and any(w in tok for w in _TABLE_HEADINGS):
                    words_after_value = True  # a table's heading between a row's label and its values
    width = first_col + len(kept[0].split("\t")) if tabbed else None
    next_width = len(kept[1].split("\t")) if tabbed and len(kept) > 1 else None
    return SegmentCells(out, cols, tabbed, lines, width, next_width, interleaved=interleaved, labelled_from=labelled)


def value_lines(seg: SegmentCells) -> list[int]:
    """The line each of ``seg``'s values stands on (0: its label's own line), in order."""
    return [line for c, line in zip(seg.cells, seg.lines, strict=False) if isinstance(c, Cell)]


def one_a_line(seg: SegmentCells) -> bool:
    """Each value on a line of its own below the label (a converter's one cell a line)."""
    lines = value_lines(seg)
    return 0 not in lines and len(set(lines)) == len(lines)


def line_values(seg: SegmentCells, line: int) -> list[tuple[int | None, Cell]]:
    """The values ``seg`` holds on its line ``line``, with their columns."""
    return [(c, k) for c, k, n in zip(seg.cols, seg.cells, seg.lines, strict=True) if n == line and isinstance(k, Cell)]


LABEL_FIELDS = 3
"""The request table's label columns (三、本年度办理结果 | （三）不予公开 | 1.属于国家秘密): a
row's values never start further right in a table that keeps one field per cell."""
_WRAPS_AT = 3  # digits: a number narrower than this never wraps in its cell


def continues(own: list[tuple[int | None, Cell]], nxt: list[tuple[int | None, Cell]], n: int,
              *, total_last: bool = False) -> bool:
    """Whether a tab line with values ``nxt`` (column, cell) carries on the row right above it (``own``).

    A PDF-to-markdown converter (markitdown, pymupdf4llm) prints a cell's second line as a
    row of its own: "| 一、本年新收… | 42935 | … |" then "| | 4 | | 7 |", the last digits
    of the numbers too wide for their cells, under their numbers (or a column off), in a
    line as wide as the row's (the callers check that: a row of the same markdown table).
    Then the row's numbers may be cut short, and it is not read:
    - a line of no more values than the row above holds, right under it and with no label
      of its own, each value under a number of the row wide enough to wrap (``_WRAPS_AT``
      digits; or a field or two right of it, a padding field between), when it is not a full row of ``n`` values or the
      table's rows have no sum (article 20: a line of values is never a row without its
      label there). A row's values under narrow numbers are a row that lost its label;
    - in the request table (``total_last``: the last value is the others' total), a full
      line in the row's very columns when the row's sum fails as printed and holds with each
      column's digits carried on. Otherwise a full row under it is a row that lost its
      label, as before.
    """
    if not own or not nxt or any(c is None for c, _ in (*own, *nxt)):
        return False
    wide = {c for c, k in own if sum(ch.isdigit() for ch in k.raw) >= _WRAPS_AT}
    if len(nxt) <= len(own) and (len(nxt) < n or not total_last) and all(wide & {c, c - 1, c - 2} for c, _ in nxt):
        return True
    if len(own) != n or [c for c, _ in own] != [c for c, _ in nxt]:
        return False
    if not all(isinstance(k.value, int) and k.raw.strip().isdigit() for _, k in (*own, *nxt)):
        return False
    joined = [int(a.raw.strip() + b.raw.strip()) for (_, a), (_, b) in zip(own, nxt, strict=True)]
    printed = [k.value for _, k in own]
    return sum(printed[:-1]) != printed[-1] and sum(joined[:-1]) == joined[-1]  # type: ignore[arg-type]


WRAPPED = ("cells_wrapped", "the next line carries on this row under its values (a converter printed a "
           "cell's second line as a row): its numbers may be cut short; not read")


def spread_over_lines(seg: SegmentCells) -> bool:
    """Whether the row's values stand on several lines, some holding more than one (text without tabs).

    A PDF-to-text converter prints a tall row over two lines (some columns' values level with
    the label, the others below it) and a number too wide for its cell with its last digits
    on the next line ("… 0 10720" over "5"): the tokens' order is then not the columns'
    order, and their count may still come out right. Values all on one line, or one value
    to a line below a label that stands alone (a converter's one cell per line, the lines
    all next to each other or all apart by blank lines), are a row's in order.
    """
    if seg.tabbed or not seg.lines:
        return False
    per_line = Counter(value_lines(seg))
    if len(per_line) > 1 and (max(per_line.values()) > 1 or 0 in per_line):
        return True
    # one value a line, the lines apart by blank lines but for some right under the one before
    # (pdftotext's default output: a blank line between cells, none between a cell's own lines,
    # "13050" over "1"): a cell's lines are not the row's cells. Values mostly right under each
    # other, with a few blank lines among them, are cells one a line (a web page's text with
    # "\n" between its nodes: a cell's formatting whitespace makes a line of its own)
    gaps = [b - a for a, b in itertools.pairwise(sorted(per_line))]
    apart = sum(g > 1 for g in gaps)
    return 1 in gaps and apart >= gaps.count(1)


def assign(cells: list[Cell | str], n: int) -> tuple[list[Cell | None], list[tuple[str, str]]]:
    """Fit read cells to ``n`` template columns, one per column, never guessing.

    Exactly ``n`` cells: left to right. Fewer: which column lost its value is unknown, so
    the row is never filled left to right — every cell stays null and the row is reported
    (``place_tokens`` may still split run-together digits by sums). More: the row cannot
    be read without guessing which is extra, so every cell stays null too.
    """
    vals: list[Cell | None] = [c if isinstance(c, Cell) else None for c in cells]
    if len(vals) == n:
        return vals, []
    if len(vals) < n:
        return [None] * n, [("cells_short", f"{len(vals)} values for {n} columns and no cell positions: not read")]
    return [None] * n, [("cells_extra", f"{len(vals)} values for {n} columns: not read (ambiguous)")]


def assign_row(seg: SegmentCells, n: int, value_col: int | None, label_col: int | None,
               header_width: int | None = None, *, total_last: bool = False, cut: bool = False,
               runs_are_rows: bool = False):
    """``place_row``, and a row with a field of numbers over numbers kept only where its sum says so.

    A field holding "0<br>0" or "67597<br>6" is one number wrapped in its cell or two cells a
    converter put in one field (pymupdf4llm, a page's columns merged): then every field after
    it is one column off. The row is kept (that field null) only when its total is printed and
    the sum holds with the field read as one number; otherwise it is null.
    """
    placed, issues = place_row(seg, n, value_col, label_col, header_width, total_last=total_last, cut=cut,
                               runs_are_rows=runs_are_rows)
    stacked = [k for k, c in enumerate(placed) if isinstance(c, Cell) and c.reason == STACKED_VALUES
               and all(p.isdigit() for p in c.raw.split(STACKED))]
    if not stacked or not total_last or not seg.tabbed:
        return placed, issues
    values = [int("".join(c.raw.split(STACKED))) if k in stacked else c.value if isinstance(c, Cell) else None
              for k, c in enumerate(placed)]  # type: ignore[union-attr]
    parts, total = values[:-1], values[-1]
    if isinstance(total, int) and all(isinstance(v, int) or v is None for v in parts) \
            and sum(v for v in parts if v is not None) == total:  # type: ignore[misc]
        return placed, issues
    return [None] * n, [("cells_stacked", "a field holds numbers over numbers (one number wrapped, or two "
                         "cells in one field with every later field a column off) and the row's sum does not "
                         "settle which: not read")]


def merged_apart(cells: list[Cell | str], n: int) -> list[Cell | None] | None:
    """A tab row's values with each merged field ("21 0") taken apart, when that gives the row
    exactly its ``n`` values, none blank, and the row's total is the sum of its parts; else None.

    A converter that merged neighbouring cells into one field (markitdown: "| 21 0 | 0 0 | 0 0
    | 21 |") keeps their numbers in order, so n numbers for n columns are the row left to
    right, as in a spaced row. The sum is asked for because a field may also hold a number
    over another row's (a cell merged downwards), which a blank elsewhere could even out in
    the count; an empty field among the values is a blank whose column is not certain.
    """
    values = fields_apart(cells)
    if values is None or len(values) != n or sum(v.value for v in values[:-1]) != values[-1].value:  # type: ignore[misc]
        return None
    return list(values)


def fields_apart(cells: list[Cell | str], *, stacked: bool = False) -> list[Cell] | None:
    """A row's numbers in order, each merged field ("21 0") taken apart; None when an empty field
    stands among them (a blank whose column is not certain) or a field is not whole numbers
    (a number with a leading zero is no cell's: "0" alone is).

    ``stacked``: a field of numbers over numbers ("1<br>1") is taken apart the same way. Each
    piece may also be part of one wrapped number, so a caller asks for this only where the
    count of values and the row's sums leave no other reading (``tables.review_text._review_apart``)."""
    fields = [c for c in cells if c != ""]
    first = next((k for k, c in enumerate(cells) if c != ""), 0)
    last = max((k for k, c in enumerate(cells) if c != ""), default=-1)
    if any(c == "" for c in cells[first:last + 1]) or not all(isinstance(c, Cell) for c in fields):
        return None
    values: list[Cell] = []
    for c in fields:
        if c.reason == MERGED:  # type: ignore[union-attr]
            parts = c.raw.split()  # type: ignore[union-attr]
        elif stacked and c.reason == STACKED_VALUES:  # type: ignore[union-attr]
            parts = c.raw.split(STACKED)  # type: ignore[union-attr]
        else:
            parts = [c.raw]  # type: ignore[union-attr]
        for part in parts:
            number = parse_number(part)
            if not isinstance(number, int) or (len(part) > 1 and part.startswith("0")):
                return None
            values.append(Cell(number, part))
    return values


def place_row(seg: SegmentCells, n: int, value_col: int | None, label_col: int | None,
              header_width: int | None = None, *, total_last: bool = False, cut: bool = False,
              runs_are_rows: bool = False):
    """Place a row's cells by tab column when the header tells where values start.

    Used when the table is tab-structured, the header's first value column (自然人) is
    known, the label sits left of it and every value falls inside the value columns: then
    a blank cell anywhere, even first or last, is known to be blank — provided the row's
    line has as many tab fields as the header's (``header_width``): text copied from a web
    page or a document drops a merged cell's fields, so a header or a row can stand one
    column off the other, and a row whose edge cell is blank would then fit the header's
    columns shifted. Without the header's
    columns, a tab row whose first value sits right after its label is placed from there.
    Otherwise only a row with exactly one value per column is read (``assign``).

    A segment that puts two cells in one tab column holds the value lines of rows whose own
    labels were lost (an OCR'd grid whose label cells read blank) after its label's line.
    Then only the label's own line is read, when it holds a value: a row's values stand on
    its label's line. Otherwise (its values are all on later lines) which line is the row's
    is not certain, and the row is not read; a later line's values never overwrite the row's.
    """
    if any(isinstance(c, Cell) and (c.reason == MERGED or seg.tabbed and _beyond_any_count(c)) for c in seg.cells):
        if seg.tabbed and total_last and (values := merged_apart(seg.cells, n)) is not None:
            return values, []
        return [None] * n, [MERGED_ROW]
    if seg.continued or (seg.tabbed and seg.next_width == seg.width
                         and continues(line_values(seg, 0), line_values(seg, 1), n, total_last=total_last)):
        return [None] * n, [WRAPPED]
    if seg.tabbed and seg.labelled_from is not None:
        # not the row's own numbers carried on (above): another row's line, whose values never
        # fill this row's blanks by their columns; the row is what stands above that line
        keep = [k for k, line in enumerate(seg.lines) if line < seg.labelled_from]
        if not any(isinstance(seg.cells[k], Cell) for k in keep):
            return [None] * n, [("cells_unplaced", "the row's values stand only on a later line that has a "
                                 "label of its own: whose they are is not certain; not read")]
        seg = replace(seg, cells=[seg.cells[k] for k in keep], cols=[seg.cols[k] for k in keep],
                      lines=[seg.lines[k] for k in keep], labelled_from=None)
    if seg.tabbed and None in seg.cols and any(c is not None for c in seg.cols):
        # A line without tabs among a tab table's rows (a page number, "第 5 页", a wrapped
        # note) has no column: its numbers are not the row's. The row is read from its tab
        # cells alone (by position, or only if they are exactly n), never topped up by them.
        keep = [k for k, c in enumerate(seg.cols) if c is not None]
        tabbed = SegmentCells([seg.cells[k] for k in keep], [seg.cols[k] for k in keep], True,
                              [seg.lines[k] for k in keep] if seg.lines else [], seg.width)
        placed, issues = assign_row(tabbed, n, value_col, label_col, header_width, total_last=total_last,
                                    runs_are_rows=runs_are_rows)
        return placed, [*issues, ("cells_unplaced", "numbers on a line without tab columns inside the "
                                  "row, not placed: " + " ".join(str(seg.cells[k].value) for k in
                                  range(len(seg.cells)) if seg.cols[k] is None and isinstance(seg.cells[k], Cell)))]
    if seg.tabbed and len({c for c in seg.cols if c is not None}) < sum(c is not None for c in seg.cols):
        own = [k for k, line in enumerate(seg.lines) if line == 0]
        if any(isinstance(seg.cells[k], Cell) for k in own):
            first = SegmentCells([seg.cells[k] for k in own], [seg.cols[k] for k in own], True, [0] * len(own),
                                 seg.width)
            placed, issues = assign_row(first, n, value_col, label_col, header_width, total_last=total_last,
                                        runs_are_rows=runs_are_rows)
            return placed, [*issues, ("unlabelled_lines", "value lines after the row's own, with no label of "
                                      "their own (lost), not read")]
        return [None] * n, [("cells_extra", f"{len(seg.cells)} cells on more than one line, two in one column: "
                             "which line holds this row's values is not certain; not read")]
    # the line holds a field for each column after its label, no more: its fields are the columns
    # (or fewer, in the row the text ends in: the fields it has are its first columns)
    fields_are_columns = label_col is not None and seg.width is not None and (
        seg.width == label_col + 1 + n or (cut and seg.width < label_col + 1 + n))
    if (
        seg.tabbed
        and value_col is not None
        and label_col is not None
        and label_col < value_col
        and (seg.width == header_width if header_width is not None else fields_are_columns)
        and seg.cols
        and all(c is not None and value_col <= c < value_col + n for c in seg.cols)
    ):
        placed: list[Cell | None] = [None] * n
        for c, col in zip(seg.cells, seg.cols, strict=True):
            placed[col - value_col] = c if isinstance(c, Cell) else None  # type: ignore[operator]
        return placed, []
    if (
        seg.tabbed
        and fields_are_columns
        and label_col is not None
        and seg.cols
        and seg.cols[0] == label_col + 1
        and all(c is not None and label_col < c <= label_col + n for c in seg.cols)
    ):
        # the header's columns are not known, but the row's own are: its first value sits in
        # the cell right after its label, so each value's column is its cell's distance from
        # the label; a cell the row does not have (a dropped 总计) stays null
        placed = [None] * n
        for c, col in zip(seg.cells, seg.cols, strict=True):
            placed[col - label_col - 1] = c if isinstance(c, Cell) else None  # type: ignore[operator]
        issues = [] if len(seg.cells) == n else [
            ("cells_short", f"{len(seg.cells)} values for {n} columns; the last {n - len(seg.cells)} are null")]
        return placed, issues
    # a run of n fields that ends its line on a printed value, after no more fields than the
    # template's label columns, is the row's n columns; unless the table is a page's lines laid
    # out as rows (``runs_are_rows`` False): a converter's padding falls inside runs there
    run_ends_line = (seg.width is not None and bool(seg.cols) and seg.cols[0] is not None
                     and seg.cols[0] <= LABEL_FIELDS and seg.width - seg.cols[0] == n == len(seg.cells))
    values = [c for c in seg.cells if isinstance(c, Cell)]
    nums = [c.value for c in values]
    if (seg.tabbed and "" in seg.cells and len(values) == n and total_last and all(isinstance(v, int) for v in nums)
            and sum(nums[:-1]) == nums[-1] and not (fields_are_columns or (runs_are_rows and run_ends_line))):  # type: ignore[arg-type]
        # a value for every column and its sum holds: the empty fields among them are a converter's
        # padding. Without the sum a wrapped number's tail in a blank cell's field, or a number
        # cut short, would make the count come out right.
        return list(values), []
    if seg.tabbed and "" in seg.cells and not fields_are_columns and not (runs_are_rows and run_ends_line):
        return [None] * n, [("cells_padded", "empty fields among the values of a line wider than a label and its "
                             f"{n} columns (a converter's padding columns): which are blank cells is not certain; "
                             "not read")]
    return assign(seg.cells, n)

"""The request table's columns in text: where its header puts them, and fields that are none.

The header tells each value column's position (a tab field or a character column) when the
text lays the table out; a 小计 column is dropped; an empty field a converter leaves among
or after the values (padding) makes the column of the values around it uncertain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.parsing.cells import MERGED, STACKED_VALUES, Cell, RowValues, SegmentCells, classify, one_a_line
from pipeline.parsing.normalize import TABLE_START, compact, loose
from pipeline.parsing.tables.text_rows import LineRow, Span, line_width, tab_col, value_tokens

_FIRST_VALUE_HEADER = re.compile(loose("自然人"))


SUBTOTAL = re.compile(loose("小计"))


_COLUMN_HEADS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


@dataclass(frozen=True)
class ColumnHeader:
    """Where the request header puts 自然人, and up to where its columns hold."""

    value_col: int | None = None
    width: int | None = None
    until: int | None = None
    """The offset where another markdown table starts (``TABLE_START``): rows from there on
    are placed by this header's columns only when they span them (``at``)."""
    laid_out: bool = False
    """The table is a page's text lines laid out as rows (``laid_out_header``): a run of fields is
    no row of cells there, blanks are placed by no field."""

    def at(self, offset: int, seg: SegmentCells, n: int) -> tuple[int | None, int | None]:
        """``(value_col, width)`` for the row ``seg`` at ``offset``, or ``(None, None)``.

        Past the header's own markdown table a row is placed by its columns only when its
        values span them exactly, from 自然人's column to 总计's, with no empty field among
        them: its own table may have a padding column among its values and a blank cell in a
        field before them ("| | 22 | 15 | | 40 | … | 166 |" for a blank, 22, 15, 40, …: spanning
        the header's columns exactly, the padding read as the blank and every value before it
        a column off)."""
        if not self.owns(offset):
            cols = [c for c, k in zip(seg.cols, seg.cells, strict=True) if isinstance(k, Cell)]
            if (self.value_col is None or len(cols) < n
                    or (cols[0], cols[-1]) != (self.value_col, self.value_col + n - 1)):
                return None, None
        return self.value_col, self.width

    def owns(self, offset: int) -> bool:
        """Whether the row at ``offset`` stands in the header's own markdown table (``until``)."""
        return self.until is None or offset < self.until


def header_columns(text: str, start: int, end: int) -> ColumnHeader:
    """The tab column of 自然人 and its line's tab fields, when the header's columns are certain.

    A row's cells are placed by the header's columns (``assign_row``) only when every column
    head the header prints on a tab line as wide as 自然人's stands in its own column, in the
    template's order. A converter's markdown spreads a wrapped header over rows and columns
    of its own choosing (markitdown puts 科研机 in one field and its 构 in the next, leaving
    社会公 a column off): its columns are then not the data rows', and no row is placed by
    them. Nor when a head is cut over two lines, and nor is a row of another markdown table
    (``TABLE_START``): each has columns of its own.
    """
    head = _FIRST_VALUE_HEADER.search(text, start, end)
    if head is None:
        return ColumnHeader()
    line_start = text.rfind("\n", 0, head.start()) + 1
    line_end = text.find("\n", head.start())
    if "\t" not in text[line_start : line_end if line_end >= 0 else len(text)]:
        return ColumnHeader()
    value_col, width = tab_col(text, head.start()), line_width(text, head.start())
    lines = [[compact(f) for f in line.split("\t")] for line in text[start:end].split("\n") if "\t" in line]
    heads = list(_COLUMN_HEADS)
    if any(f.startswith("小计") for fields in lines for f in fields):
        heads.insert(-1, "小计")
    # a head cut over two lines ("商业企" over "业") is a page's text lines laid out as rows,
    # whose columns a converter guessed line by line: not certain either
    if any(f.startswith(word[:2]) and word not in f for fields in lines for f in fields for word in heads):
        return ColumnHeader(laid_out=True)
    for fields in lines:
        for col, f in enumerate(fields):
            for i, word in enumerate(heads):
                if f.startswith(word) and len(fields) == width and col != value_col + i:
                    return ColumnHeader()
    # the header's own markdown table ends where a later row is followed by a rule line
    until = None
    mark = text.find(f"\n{TABLE_START}", line_end + 1) if line_end >= 0 else -1
    if mark >= 0:
        until = text.rfind("\n", 0, mark) + 1
    return ColumnHeader(value_col, width, until)


def laid_out_header(text: str, span: Span, header: ColumnHeader, lines: list[LineRow]) -> ColumnHeader:
    """``header``, marked ``laid_out`` when the table shows a PDF's text lines laid out as rows.

    A PDF-to-markdown converter (markitdown) builds rows from a page's text lines and guesses
    each row's columns: padding fields fall inside a row's values and its blank cells outside
    them, so a run of exactly as many fields as columns is no proof of a row's columns. It
    shows in a header head cut over two rows, two numbers in one field, a number over a number
    in one cell, or a line carrying on a row's wrapped numbers. Web pages and documents turned
    to text keep one field per cell and show none of these."""
    if header.laid_out:
        return header
    for line in text[span[0] : span[1]].split("\n"):
        if "\t" in line and any(isinstance(k := classify(f), Cell) and k.reason in (MERGED, STACKED_VALUES)
                                for f in line.split("\t")):
            return replace(header, laid_out=True)
    if any(r.seg.continued for r in lines):
        return replace(header, laid_out=True)
    return header


def drop_subtotal(row: RowValues) -> RowValues:
    """An 8th 小计 column (法人或其他组织 subtotal) some agencies add: read, checked, not kept."""
    cells = row.cells
    if len(cells) != 8:
        return row
    issues = list(row.issues)
    orgs, sub = cells[1:6], cells[6]
    if sub is not None and sub.value is not None and all(c is not None and c.value is not None for c in orgs):
        if sum(c.value for c in orgs) != sub.value:  # type: ignore[union-attr]
            issues.append(("subtotal_mismatch", f"小计 printed {sub.value}, organisations sum to {sum(c.value for c in orgs)}"))  # type: ignore[union-attr]
    return RowValues(cells[:6] + cells[7:], issues, row.page)


def empty_last_field(text: str, span: Span, rows: list[tuple[SegmentCells, int]],
                      n: int) -> tuple[set[int], set[int]]:  # fmt: skip
    """The tab rows (by ``id``) of each markdown table whose rows all end in an empty field:
    (those where the field is the converter's layout, those where it may be a blank column).

    A field empty in every row of a table is no column of values but the converter's layout
    (pymupdf4llm ended each row of a page's table with "||"): counted as a column, a row that
    lost a field elsewhere would fit the row's width with its total read blank and every
    value after the lost field one column off. That is certain where a row of the table shows
    its ``n`` values before that field. Else the empty last fields may as well be blank totals
    (a table of two rows whose 总计 is left blank in both): dropping them moves every value one
    column right, keeping them moves every value after a lost field one column left
    (pymupdf4llm's page-2 table "|1．本机关不掌握相关政府信息|0|9|0|0|0|9||", its blank 法律服务机构
    lost). Those rows are the second set: their columns are not certain."""
    tables: dict[int, list[SegmentCells]] = {}
    for seg, at in rows:
        if seg.tabbed and seg.width is not None:
            tables.setdefault(text.rfind(TABLE_START, span[0], at), []).append(seg)
    out: set[int] = set()
    unsure: set[int] = set()
    for segs in tables.values():
        if len(segs) >= 2 and all(
                any(c is not None for c in seg.cols) and max(c for c in seg.cols if c is not None) < seg.width - 1
                for seg in segs):  # type: ignore[operator]
            (out if any(len(value_tokens(seg)) >= n for seg in segs) else unsure).update(id(seg) for seg in segs)
    return out, unsure


LAST_UNSURE = ("cells_padded", "every row of this table ends in an empty field and none shows all its values "
                "before it: a blank last column or the converter's padding; which column each value is in is "
                "not certain; not read")


def padding_inside(segs: list[SegmentCells], n: int) -> bool:
    """A tab row of the table whose label line prints ``n`` values with an empty field among them."""
    for seg in segs:
        if not seg.tabbed:
            continue
        own = [c for c, line in zip(seg.cells, seg.lines, strict=False) if line == 0]
        at = [k for k, c in enumerate(own) if isinstance(c, Cell)]
        if len(at) == n and "" in own[at[0] : at[-1]]:
            return True
    return False


def one_a_line_table(segs: list[SegmentCells]) -> bool:
    """Most rows with several values print each on a line of its own below the label."""
    many = [seg for seg in segs if len(value_tokens(seg)) >= 2]
    if not many:
        return False
    apart = sum(one_a_line(seg) for seg in many)
    return 2 * apart > len(many)

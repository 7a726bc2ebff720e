"""The three statistical tables, read by the template's row labels.

Two sources feed the same template matching:
- grids (``TableGrid``) from readers that see cell geometry (PDF tables, later HTML/DOCX):
  cells are positional, so a blank cell is known to be blank;
- text (any reader): rows are found by their labels in template order, and a row's
  values are the numbers between its label and the next row's label.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

from pipeline import template as tpl
from pipeline.document import TableGrid
from pipeline.parsing.cells import (
    MERGED,
    MERGED_ROW,
    PAGE_MARK,
    STACKED_VALUES,
    Cell,
    RowValues,
    SegmentCells,
    assign,
    assign_row,
    cells_from_segment,
    classify,
    continues,
    fields_apart,
    line_values,
    merged_apart,
    one_a_line,
    spread_over_lines,
    value_lines,
)
from pipeline.parsing.labels import (
    ARTICLE20_LABELS,
    REQUEST_LABELS,
    article20_pattern,
    misread_row,
    request_row_pattern,
)
from pipeline.parsing.normalize import CJK, TABLE_START, compact, loose, normalize
from pipeline.parsing.place import (
    Placement,
    clean,
    place_tokens,
    request_equations,
    run_together_table,
    shows_glued,
    solve_columns,
)

Span = tuple[int, int]


# ---------------------------------------------------------------- grids -----------------


@dataclass
class GridRow:
    """A grid row split into its label text and the run of value cells that ends it."""

    label: str
    cells: list[Cell | str]
    page: int
    # the same run by position: None where a merged neighbour covers the slot
    slots: list[Cell | str | None] = field(default_factory=list)
    ocr: bool = False  # its grid was read by OCR: its cells are ``ocr``, whatever page they are on

    @property
    def method(self) -> str:
        return "ocr" if self.ocr else "grid"


@lru_cache(maxsize=8192)
def _grid_kind(text: str) -> Cell | str | None:
    """A grid cell: a value, "" (blank), label text (None), or an unreadable value.

    In a grid the position says a cell is a value cell, so a short mark that is not a
    number and not a label (an OCR '>' for a '1') is an unreadable value: null in its own
    column, never a reason to shift the row's other values.
    """
    kind = classify(text)
    if kind is None and len(text) <= 6 and not CJK.search(text):
        return Cell(None, text)
    return kind


def grid_rows(grids: list[TableGrid]) -> list[GridRow]:
    out: list[GridRow] = []
    for g in grids:
        for i, row in enumerate(g.rows):
            present = [normalize(c).strip() if c is not None else None for c in row]
            kinds = [_grid_kind(c) if c is not None else None for c in present]
            if g.weak is not None:  # an OCR'd number read with a doubtful digit says so (ocr_sums)
                kinds = [replace(k, weak=why) if isinstance(k, Cell) and (why := g.weak[i][j]) else k
                         for j, k in enumerate(kinds)]
            # the trailing run of value/empty cells (merged positions skipped) after the last text cell
            j = len(present)
            while j > 0 and (present[j - 1] is None or kinds[j - 1] is not None):
                j -= 1
            cells: list[Cell | str] = [k for k in kinds[j:] if k is not None]
            label = "".join(c for c in present[:j] if c)
            slots = [None if present[k] is None else kinds[k] for k in range(j, len(present))]
            out.append(GridRow(label, cells, g.page, slots, g.ocr))
    return out


def _fit(row: GridRow, n: int) -> tuple[list[Cell | None], list[tuple[str, str]]]:
    """Grid cells are positional: take the last ``n`` cells (leading extras are label columns).

    Covered slots are skipped, because a converter's grid is the union of every row's
    column edges, so a data cell often spans two grid columns. But a slot can also be
    covered from above (a label cell running down over a value when a row rule was lost):
    then the row has one value fewer, and an empty cell in front (a blank sub-label
    column) would make up the count and let every value slide one column. So when a slot
    among the values is covered and the count only comes out with an empty cell at the
    front, the row is null: which column lost its value is not certain.

    An OCR'd row with extra cells is read from its one reading that drops only empty cells,
    at either end (``_windows``), not from its last ``n``: scan noise can add a column.
    """
    if len(row.cells) < n:
        return assign(row.cells, n)
    cells = row.cells[-n:]
    if len(row.cells) > n:
        starts = _windows(row.cells, n)
        if len(starts) != 1:
            return [None] * n, [("cells_extra", f"{len(row.cells)} cells for {n} columns, and "
                                 f"{'no' if not starts else 'more than one'} way to drop the extra ones that are "
                                 "empty: which cells are the row's columns is not certain")]
        cells = row.cells[starts[0] : starts[0] + n]
    present = [k for k, s in enumerate(row.slots) if s is not None]
    covered_inside = bool(present) and any(s is None for s in row.slots[present[0]:present[-1]])
    if covered_inside and cells[0] == "":
        return [None] * n, [("cell_covered", "a value slot is covered by a merged neighbour cell and an "
                             "empty cell makes up the count: which column lost its value is not certain")]
    return [c if isinstance(c, Cell) else None for c in cells], []


_ITEM_NUMBER = re.compile(r"(?<![\d.])([1-9])\s*[.．、，,]")  # "4." "5，": a request row's item number


def _windows(cells: list[Cell | str], n: int) -> list[int]:
    """Where the rows of ``n`` values that ``cells`` can be start, one start per different reading.

    A reading drops only empty cells, at either end. Why: an OCR'd grid can gain a column where
    scan noise drew a rule through one row's cell; that row then has an empty cell too many,
    at its end as well as at its front, and its last ``n`` cells are not its values.
    """
    seen: dict[tuple, int] = {}
    for start in range(len(cells) - n + 1):
        if all(c == "" for c in (*cells[:start], *cells[start + n :])):
            reading = tuple(c.value if isinstance(c, Cell) else None for c in cells[start : start + n])
            seen.setdefault(reading, start)
    return list(seen.values())


def requests_from_grid(rows: list[GridRow], template: str, keys: tuple[str, ...] | None = None) -> dict[str, RowValues]:
    """``keys``: the rows the page prints, in order (default: the template's own)."""
    keys = keys or tpl.rows("requests", template)
    found: dict[str, RowValues] = {}
    # rows of a grid with a text layer (no OCR) stand in the template's order as a chain
    # (``_rows_in_order``: a piece of a label holding a later row's label takes no row); OCR'd
    # rows are matched one by one, after the previous row's, a misread label included
    chain = None
    if not any(r.ocr for r in rows):
        labelled = [r for r in rows if r.cells and r.label]
        chain = dict(zip(map(id, labelled), _rows_in_order([normalize(r.label) for r in labelled], keys), strict=True))
    i = 0
    for r in rows:
        if not r.cells or not r.label:
            continue
        lab = normalize(r.label)
        if r.ocr and len(set(_ITEM_NUMBER.findall(lab))) > 1:
            continue  # two rows' labels in one cell (a row rule the scan lost): whose values these are is not certain
        if chain is not None:
            k = chain[id(r)]
        else:
            k = next((k for k in range(i, len(keys)) if request_row_pattern(keys[k]).search(lab)), None)
        misread = misread_row(lab, keys, i) if k is None and r.ocr else None
        if misread is not None:
            k = misread[0]
        if k is None:
            continue
        vals, issues = _fit(r, len(tpl.REQUEST_COLUMNS))
        if misread is not None:
            issues = [*issues, ("label_misread", f"row label read by OCR as {r.label!r}: taken as the row "
                                f"{misread[1]} (one character differs)")]
        found[keys[k]] = RowValues(vals, issues, r.page, r.method)
        i = k + 1
    return found


def article20_from_grid(rows: list[GridRow], template: str) -> dict[str, RowValues]:
    items = tpl.rows("article20", template)
    found: dict[str, RowValues] = {}
    for r in rows:
        if not r.cells or not r.label:
            continue
        lab = normalize(r.label)
        for item in items:
            if item not in found and article20_pattern(item).fullmatch(re.sub(r"\s+", "", lab)):
                n = len(tpl.columns("article20", template, item))
                # small tables are merged to the widest one's columns: values are left-aligned
                cells = r.cells
                while len(cells) > n and cells[-1] == "":
                    cells = cells[:-1]
                vals, issues = assign(cells, n)
                found[item] = RowValues(vals, issues, r.page, r.method)
                break
    return found


def review_from_grid(rows: list[GridRow]) -> RowValues | None:
    for r in rows:
        if not r.label and len(r.cells) >= 15 and any(isinstance(c, Cell) for c in r.cells):
            vals, issues = _fit(r, 15)
            return RowValues(vals, issues, r.page, r.method)
    return None


# ---------------------------------------------------------------- text ------------------


def _anchor_rows(text: str, span: Span, patterns: list[tuple[str, re.Pattern[str]]]) -> list[tuple[str, int, int]]:
    """Find each row label in order within ``span``; a row not found is skipped.

    Each label is taken at its first match after the previous row's. When that leaves rows
    out which a longer chain of matches in order would hold (a converter printed some labels
    in a cluster after rows printed with theirs: the first match of （一）予以公开 in the cluster
    skipped rows 2, 4 and 5 before it), the longest chain is taken instead."""
    pos, end = span
    hits: list[tuple[str, int, int]] = []
    for key, pat in patterns:
        m = pat.search(text, pos, end)
        if m:
            hits.append((key, m.start(), m.end()))
            pos = m.end()
    if len(hits) < len(patterns):
        longest = _longest_chain(text, span, patterns)
        if len(longest) > len(hits):
            return longest
    return hits


_CHAIN_MATCHES = 400


def _longest_chain(text: str, span: Span, patterns: list[tuple[str, re.Pattern[str]]]) -> list[tuple[str, int, int]]:
    """The most rows whose label matches stand in the template's order (earliest such chain)."""
    matches = [(key, m.start(), m.end()) for key, pat in patterns for m in pat.finditer(text, *span)]
    if len(matches) > _CHAIN_MATCHES:
        return []  # a text matching labels this often is no table to order (and the search is quadratic)
    order = {key: k for k, (key, _p) in enumerate(patterns)}
    # best[i]: (length, -start of the chain's first label, previous index) of the longest chain ending at match i
    best: list[tuple[int, int, int]] = []
    for i, (key, start, _stop) in enumerate(matches):
        top = (1, -start, -1)
        for j in range(i):
            k2, _s2, e2 = matches[j]
            if order[k2] < order[key] and e2 <= start:
                cand = (best[j][0] + 1, best[j][1], j)
                if cand[:2] > top[:2]:
                    top = cand
        best.append(top)
    if not best:
        return []
    i = max(range(len(best)), key=lambda k: (best[k][0], best[k][1], -matches[k][1]))
    chain = []
    while i >= 0:
        chain.append(matches[i])
        i = best[i][2]
    return chain[::-1]


def _trim_cut(text: str, at: int, seg: str) -> str:
    """A text that stops inside a row may end on a number cut short: that last token is dropped.

    A final "0" is whole: no cell but 0 itself starts with a 0.
    """
    if seg and at + len(seg) >= len(text) and not seg[-1].isspace() and seg.split() and seg.split()[-1] != "0":
        return seg[: len(seg) - len(seg.split()[-1])]
    return seg


def _segments(text: str, span: Span, hits: list[tuple[str, int, int]]):
    """Each row's stretch of text, from the end of its label to the next row's label.

    When digits run into the next row's item number ("0000000" + "2.其他法律…"), the label
    pattern cannot take the number (it looks like part of a value), so it is cut off here:
    the next row's own number, then its dot, at the very end of the stretch.
    """
    for idx, (key, _start, stop) in enumerate(hits):
        nxt = hits[idx + 1][1] if idx + 1 < len(hits) else span[1]
        seg = text[stop:nxt]
        if idx + 1 < len(hits):
            number = REQUEST_LABELS.get(hits[idx + 1][0], (None,))[0]
            if number is not None:
                seg = re.sub(rf"(?<=\d){number}[ \t]*[.、][ \t]*$", "", seg)
        yield key, seg, stop


def _tab_col(text: str, offset: int) -> int:
    """Tab column of ``offset`` within its line."""
    return text.count("\t", text.rfind("\n", 0, offset) + 1, offset)


def _line_width(text: str, offset: int) -> int:
    """Tab fields of the line holding ``offset``."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text.count("\t", start, len(text) if end < 0 else end) + 1


_FIRST_VALUE_HEADER = re.compile(loose("自然人"))


_SUBTOTAL = re.compile(loose("小计"))
_COLUMN_HEADS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


@dataclass(frozen=True)
class _Header:
    """Where the request header puts 自然人, and up to where its columns hold."""

    value_col: int | None = None
    width: int | None = None
    until: int | None = None
    """The offset where another markdown table starts (``TABLE_START``): rows from there on
    are placed by this header's columns only when they span them (``at``)."""
    laid_out: bool = False
    """The table is a page's text lines laid out as rows (``_laid_out``): a run of fields is
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


def _header_columns(text: str, start: int, end: int) -> _Header:
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
        return _Header()
    line_start = text.rfind("\n", 0, head.start()) + 1
    line_end = text.find("\n", head.start())
    if "\t" not in text[line_start : line_end if line_end >= 0 else len(text)]:
        return _Header()
    value_col, width = _tab_col(text, head.start()), _line_width(text, head.start())
    lines = [[compact(f) for f in line.split("\t")] for line in text[start:end].split("\n") if "\t" in line]
    heads = list(_COLUMN_HEADS)
    if any(f.startswith("小计") for fields in lines for f in fields):
        heads.insert(-1, "小计")
    # a head cut over two lines ("商业企" over "业") is a page's text lines laid out as rows,
    # whose columns a converter guessed line by line: not certain either
    if any(f.startswith(word[:2]) and word not in f for fields in lines for f in fields for word in heads):
        return _Header(laid_out=True)
    for fields in lines:
        for col, f in enumerate(fields):
            for i, word in enumerate(heads):
                if f.startswith(word) and len(fields) == width and col != value_col + i:
                    return _Header()
    # the header's own markdown table ends where a later row is followed by a rule line
    until = None
    mark = text.find(f"\n{TABLE_START}", line_end + 1) if line_end >= 0 else -1
    if mark >= 0:
        until = text.rfind("\n", 0, mark) + 1
    return _Header(value_col, width, until)


def _laid_out(text: str, span: Span, header: _Header, lines: list[_LineRow]) -> _Header:
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


def _drop_subtotal(row: RowValues) -> RowValues:
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


_SPREAD = ("cells_wrapped", "values on several lines, some holding more than one (a tall row or a number "
           "wrapped by a converter): which value is whose column is not certain; not read")


_INTERLEAVED = ("cells_interleaved", "words stand between the row's values (a header or another row's label "
                "printed in the PDF's drawing order): the values are not certain to be this row's, in order; not read")


def _short_spaced(k: int, n: int) -> tuple[str, str]:
    return ("cells_short", f"{k} values for {n} columns, spaced and none run together: a blank cell "
            "left no place; not read")


_AFTER_LABEL = ("labels_adjacent", "another row's label stands right before this row's, with no value between "
                "(a converter printed labels out of order, or apart from their values): whose values follow "
                "is not certain; not read")


def _empty_last_field(text: str, span: Span, rows: list[tuple[SegmentCells, int]],
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
            (out if any(len(_tokens(seg)) >= n for seg in segs) else unsure).update(id(seg) for seg in segs)
    return out, unsure


_LAST_UNSURE = ("cells_padded", "every row of this table ends in an empty field and none shows all its values "
                "before it: a blank last column or the converter's padding; which column each value is in is "
                "not certain; not read")


def _padding_inside(segs: list[SegmentCells], n: int) -> bool:
    """A tab row of the table whose label line prints ``n`` values with an empty field among them."""
    for seg in segs:
        if not seg.tabbed:
            continue
        own = [c for c, line in zip(seg.cells, seg.lines, strict=False) if line == 0]
        at = [k for k, c in enumerate(own) if isinstance(c, Cell)]
        if len(at) == n and "" in own[at[0] : at[-1]]:
            return True
    return False


def _one_a_line_table(segs: list[SegmentCells]) -> bool:
    """Most rows with several values print each on a line of its own below the label."""
    many = [seg for seg in segs if len(_tokens(seg)) >= 2]
    if not many:
        return False
    apart = sum(one_a_line(seg) for seg in many)
    return 2 * apart > len(many)


def _merged_by_sum(row: RowValues) -> RowValues:
    """Null a text row with an empty field whose sum holds only with one of its numbers cut in two.

    A converter printed "637001449640" for 637001 and 449640 in one field, an empty field
    after it keeping the row's width: the row's sum fails as printed and holds with that
    number cut into two cells. Which columns its pieces and its neighbours belong to is then
    not certain. A row failing its sum otherwise keeps its numbers as printed (the source's
    own error, as a row printing a value in every column and a grid always do)."""
    values = [c.value if c is not None else None for c in row.cells]
    total = values[-1]
    if not isinstance(total, int) or all(c is not None for c in row.cells):
        return row  # (a blank's printed mark, "-" or "/", is a field of its own too)
    parts = [v for v in values[:-1] if isinstance(v, int)]
    if sum(parts) == total:
        return row
    for v in parts:
        digits = str(v)
        rest = sum(parts) - v
        if any(rest + int(digits[:k]) + int(digits[k:]) == total
               for k in range(1, len(digits)) if digits[k] != "0" or k == len(digits) - 1):
            return RowValues([None] * len(values), [(
                "cells_merged", f"the row's sum holds only with {v} cut in two: cells run together in one "
                "field (a converter's doing); which value is whose is not certain")], row.page)
    return row


def _after_other_label(before: str, keys: tuple[str, ...], key: str, previous: str) -> bool:
    """Whether another row's label stands between the last value before a row's label and it.

    pdftotext printed "4．无正当理由大量反复申请" right before "3．要求提供公开出版物", and the
    values after them were row 4's: the label found in the template's order took them. The
    row before's own label is no other row's: its pattern matched a prefix ("3.危及"), and
    the rest ("“三安全一稳定”") may match again after a row of blank marks."""
    tail = re.split(r"\d(?![.．、])", before)[-1]
    return any(k not in (key, previous) and request_row_pattern(k).search(tail) for k in keys)


def _tokens(seg: SegmentCells) -> list[Cell]:
    return [c for c in seg.cells if isinstance(c, Cell)]


@dataclass
class TextRequests:
    """The request table read from text, and what its layout says of the document."""

    rows: dict[str, RowValues]
    run_together: bool
    """The table's rows are run together (no separators between values): layout evidence that
    the document's blanks left no trace, which the review table's reading relies on too."""
    unmarked: bool = False
    """Spaced rows came out short with no mark for their blanks: the text's blank cells print
    nothing, so a row's count proves nothing there (the review row's neither)."""


def requests_from_text(text: str, span: Span, template: str, page_of,
                       keys: tuple[str, ...] | None = None) -> dict[str, RowValues]:
    """The request table's rows read from text (see ``read_requests_text``)."""
    return read_requests_text(text, span, template, page_of, keys).rows


def read_requests_text(text: str, span: Span, template: str, page_of,
                       keys: tuple[str, ...] | None = None) -> TextRequests:
    """``keys``: the rows the page prints, in order (default: the template's own).

    Each row's tokens go through ``place_tokens`` (delimited, or split by the row's sum);
    rows its own sum leaves open are then decided together by the column sums. Whether the
    rows are run together is decided once, here, for the rows and for the caller.
    """
    keys = keys or tpl.rows("requests", template)
    text = _values_after_label_lines(text, span, len(tpl.REQUEST_COLUMNS))
    lines = _table_lines(text, span, page_of, keys)
    by_lines = _requests_from_lines(text, span, keys, lines)
    if by_lines is not None:
        return TextRequests({k: _merged_by_sum(r) for k, r in by_lines.items()}, False)
    patterns = [(k, request_row_pattern(k)) for k in keys]
    hits = _anchor_rows(text, span, patterns)
    n = len(tpl.REQUEST_COLUMNS)
    header = _Header()
    if hits:
        if _SUBTOTAL.search(text, span[0], hits[0][1]):
            n += 1
        header = _laid_out(text, span, _header_columns(text, span[0], hits[0][1]), lines)
    found: dict[str, RowValues] = {}
    segs: dict[str, SegmentCells] = {}
    pending: dict[str, list[tuple[int | None, ...]]] = {}
    rows = list(_request_segments(text, span, hits))
    cut = _cut_row(text, span, hits)
    spaced = [c for k, c, _a in rows if k != cut and not c.tabbed]
    plain = [_tokens(c) for c in spaced]
    # values each on a line of its own are apart, not run together (pdftotext's one cell a
    # line, its blanks printing nothing, leaves many rows short: no sign of glued digits)
    run = run_together_table(plain, n, least=1) and not _one_a_line_table(spaced)
    # the document's evidence is judged on the seven request columns, a subtotal column or not
    seven = len(tpl.REQUEST_COLUMNS)
    document_run = run if n == seven else run_together_table(plain, seven, least=1)
    # a row cut by the end of the text has only its first fields: it stands in the header's
    # columns when the table's whole rows do (then it is no row copied a column off)
    whole_rows_fit = any(c.tabbed and c.width == header.at(start, c, n)[1]
                         for (k, c, _a), (_k, start, _s) in zip(rows, hits, strict=True) if k != cut)
    # a spaced row came out short with no mark for its blank: the table's blanks leave no trace
    unmarked = not run and any(0 < len(_tokens(c)) < n for c in spaced)
    # a run of n fields ending a line is a row's n columns unless the page's lines were laid
    # out as rows, or a full row shows a padding field among its values (pymupdf4llm: "| 232 |
    # … | 250 | | 393 | 1704 |"): then a row with a blank may hold the padding as well
    runs_are_rows = not header.laid_out and not _padding_inside([c for k, c, _a in rows if k != cut], n)
    empty_last, last_unsure = _empty_last_field(text, span, [(c, at) for k, c, at in rows if k != cut], n)
    for idx, ((key, cells, at), (_k, start, _s)) in enumerate(zip(rows, hits, strict=True)):
        if id(cells) in empty_last:
            # (the line under it, of the same table, ends in that field too: ``continues`` compares them)
            cells = replace(cells, width=cells.width - 1,  # type: ignore[operator]
                            next_width=None if cells.next_width is None else cells.next_width - 1)
        segs[key] = cells
        if id(cells) in last_unsure and len(_tokens(cells)) < n:
            found[key] = RowValues([None] * n, [_LAST_UNSURE], page_of(at))
            continue
        if idx and not cells.tabbed and _after_other_label(text[hits[idx - 1][2] : start], keys, key, hits[idx - 1][0]):
            found[key] = RowValues([None] * n, [_AFTER_LABEL], page_of(at))
            continue
        if cells.tabbed or n == 8:
            value_col, header_width = header.at(start, cells, n)
            width = None if key == cut and whole_rows_fit else header_width
            # past the header's own markdown table (a converter cut the table into several, each
            # with padding fields of its own) a run of fields ending a line may hold padding
            vals, issues = assign_row(cells, n, value_col, _tab_col(text, start), width, total_last=n == 7,
                                      cut=key == cut, runs_are_rows=runs_are_rows and header.owns(start))
            row = RowValues(vals, issues, page_of(at))
            found[key] = _drop_subtotal(row) if n == 8 else row
            continue
        if spread_over_lines(cells) or cells.interleaved:
            found[key] = RowValues([None] * n, [_INTERLEAVED if cells.interleaved else _SPREAD], page_of(at))
            continue
        if key == cut:  # its tokens may be a prefix of the row: whole cells or nothing
            found[key] = _cut_short(_tokens(cells), n).row(page_of(at))
            continue
        tokens = _tokens(cells)
        if not run and len(tokens) < n and not shows_glued(tokens, n, total_last=True):
            found[key] = RowValues([None] * n, [_short_spaced(len(tokens), n)], page_of(at))
            continue
        placed = place_tokens(tokens, n, sums=(1, n), blanks=run)
        found[key] = placed.row(page_of(at))
        if placed.candidates:
            pending[key] = placed.candidates
        elif placed.method == "solved":  # its own sum decided it; the column sums must agree too
            pending[key] = [tuple(None if c is None else c.value for c in placed.cells)]  # type: ignore[misc]
    if pending:
        # confirmed by the column sums: a spaced table whose converter printed a blank as nothing has
        # short rows whose tokens fit a split of the row sum by chance (its blanks hid non-zero values)
        _resolve_by_columns(found, pending, keys)
    if unmarked:
        # and a row holding more numbers than columns: the text is not in the table's row order
        # (pdftotext printed cells as drawn), so a row's count and even its sum prove nothing
        disordered = any(len(_tokens(c)) > n for c in spaced)
        _confirm_by_row_sums(found, segs, n, disordered)
        if hits and (late := _misplaced(text, span, hits, patterns)):
            for key, row in found.items():
                if not segs[key].tabbed and any(c is not None for c in row.cells):
                    found[key] = RowValues([None] * n, [(
                        "labels_out_of_order", f"the label of {late} stands before rows the template puts "
                        "first, and the table's blanks leave no trace: its text is not in the table's row "
                        "order, so no row's numbers are certain; not read")], row.page)
    _unsummed_among_disorder(found, segs, n)
    _label_after_values(found, segs, text, span, rows, hits, n, keys)
    if unmarked:
        _flow_order_unproven(found, segs, n, keys)
    _pool_if_drifted(found, segs, n, keys)
    return TextRequests({k: _merged_by_sum(r) for k, r in found.items()}, document_run, unmarked)


_DISORDER = ("cells_interleaved", "labels_adjacent")


def _unsummed_among_disorder(found: dict[str, RowValues], segs: dict[str, SegmentCells], n: int) -> None:
    """Where rows of the table were found out of order (words among their values, labels printed
    apart from theirs), a spaced row whose total is not the sum of its parts is not read.

    pdftotext -raw printed a drawn PDF's table in drawing order: 结转下年度继续办理 took seven
    numbers, two of them the total row's (parts far above the row's total). In order, such a
    row would be the source's own error and kept as printed; out of order it is as likely
    numbers from elsewhere."""
    if not any(code in _DISORDER for r in found.values() for code, _d in r.issues):
        return
    for key, row, values in _spaced_whole(found, segs, n, delimited_only=False):
        if sum(values[:-1]) != values[-1]:
            found[key] = RowValues([None] * n, [(
                "sum_unconfirmed", "rows of this table are out of order (words among values, labels apart) "
                f"and this row's total {values[-1]} is not the sum of its parts: its numbers may be other "
                "rows'; not read")], row.page)


def _label_after_values(found: dict[str, RowValues], segs: dict[str, SegmentCells], text: str, span: Span,
                        rows: list, hits: list[tuple[str, int, int]], n: int, keys: tuple[str, ...]) -> None:
    """A spaced row whose stretch goes on, after its values, with the words of another row's
    label is not read: that label was broken around its own values ("（三）不予公开7. 8 0 35 …"
    over "属于行政执法案卷", pdfplumber) and not found, so the values before its words may be
    that row's, not this one's (row 6 took row 7's numbers)."""
    anchored = {h[0] for h in hits}
    unfound = [k for k in keys if k not in anchored]
    if not unfound:
        return
    for idx, (key, _cells, at) in enumerate(rows):
        seg = segs.get(key)
        row = found.get(key)
        if seg is None or seg.tabbed or row is None or all(c is None for c in row.cells):
            continue
        stop = hits[idx + 1][1] if idx + 1 < len(hits) else span[1]
        stretch = text[at:stop]
        last = max((m.end() for m in _DIGIT.finditer(stretch)), default=0)
        tail = compact(stretch[last:])
        other = next((k for k in unfound if any(len(v) >= 4 and v in tail for v in REQUEST_LABELS[k][1])), None)
        if other is not None:
            found[key] = RowValues([None] * n, [(
                "cells_unplaced", f"the words of {other}'s label follow this row's values: that label was "
                "broken around its own values, which may be these; not read")], row.page)


def _flow_order_unproven(found: dict[str, RowValues], segs: dict[str, SegmentCells], n: int,
                         keys: tuple[str, ...]) -> None:
    """Where other rows of the table mix their values over lines, a row printed one value a
    line is read only when the column sums check each of its values.

    pdftotext's default output of a PDF whose table text is stored out of order printed each
    cell on a line of its own, in an order of its own making: some rows came out with values
    of several cells on one line ("57 140881") and 结转下年度继续办理 printed 0 | 21 | … as
    "21", "0", …. A row's own sum holds whatever the order of its parts, so it proves
    nothing, and a table whose blanks leave no trace gives no column position either; the
    column sums (balance, outcomes) do see a swap."""
    if not any(_mixes_lines(seg) for seg in segs.values()):
        return
    pending: dict[str, list[tuple[int | None, ...]]] = {}
    for key, _row, values in _spaced_whole(found, segs, n, delimited_only=False):
        if len(value_lines(segs[key])) > 1 and one_a_line(segs[key]):
            pending[key] = [tuple(values)]
    if not pending or n != len(tpl.REQUEST_COLUMNS):
        decided: dict[str, tuple[int | None, ...] | None] = dict.fromkeys(pending)
    else:
        fixed = {k: [None if c is None else c.value for c in r.cells] for k, r in found.items() if k not in pending}
        decided = solve_columns(fixed, pending, request_equations(keys), n)  # type: ignore[arg-type]
    for key, vals in decided.items():
        if vals is None:
            found[key] = RowValues([None] * n, [(
                "order_unproven", "other rows of this table mix their values over lines (a converter "
                "printed cells in an order of its own) and this row's values stand one a line: their "
                "order is the converter's, and the column sums do not check it; not read")], found[key].page)


def _mixes_lines(seg: SegmentCells) -> bool:
    """A spaced row whose values stand on several lines, one of them holding more than one value."""
    if seg.tabbed:
        return False
    per_line = Counter(value_lines(seg))
    return len(per_line) > 1 and max(per_line.values()) > 1


def _spaced_whole(found: dict[str, RowValues], segs: dict[str, SegmentCells], n: int, *,
                  delimited_only: bool) -> list[tuple[str, RowValues, list[int]]]:
    """The rows read from spaced text (no tabs) with an integer in every column: (key, row, values)."""
    out = []
    for key, row in found.items():
        seg = segs.get(key)
        if seg is None or seg.tabbed or len(row.cells) != n or (delimited_only and row.method != "delimited"):
            continue
        values = [c.value if c is not None else None for c in row.cells]
        if all(isinstance(v, int) for v in values):
            out.append((key, row, values))
    return out  # type: ignore[return-value]


def _misplaced(text: str, span: Span, hits: list[tuple[str, int, int]],
               patterns: list[tuple[str, re.Pattern[str]]]) -> str | None:
    """A row the template orders after others whose label the text prints only before them
    (pdftotext's drawing order): the first such row's key, or None."""
    found = {k for k, _s, _e in hits}
    for key, pat in patterns:
        if key not in found and pat.search(text, span[0], span[1]):
            return key
    return None


def _confirm_by_row_sums(found: dict[str, RowValues], segs: dict[str, SegmentCells], n: int,
                         disordered: bool = False) -> None:
    """In a spaced table whose blanks leave no trace, a full row stands only if its own sum holds.

    Some rows came out short with no mark where a blank was (pdftotext prints a blank cell
    as nothing), so a row's count is no proof: a number from elsewhere (pdftotext's reading
    order moves a cell to the next row: "13 174057 0 146882 0 320956 54", its 54 the row
    above's total) makes a short row's count come out right. Such a row is kept when its
    total is the sum of its parts, else null.

    ``disordered``: a row holds more numbers than there are columns, so the text may run
    cells of several rows together out of order; then a row of zeros is no row either: its
    sum holds whatever cells it gathered (pdftotext printed seven 0s from several rows' cells
    under one label)."""
    for key, row, values in _spaced_whole(found, segs, n, delimited_only=True):
        if disordered and not any(values):
            found[key] = RowValues([None] * n, [(
                "sum_unconfirmed", "the table's blanks leave no trace and a row holds more numbers than "
                "there are columns (cells out of the table's order): this row of zeros holds its sum "
                "whatever cells it gathered; not read")], row.page)
            continue
        if sum(values[:-1]) != values[-1]:  # type: ignore[arg-type]
            found[key] = RowValues([None] * n, [(
                "sum_unconfirmed", "the table's blanks leave no trace (some rows are short) and this row's "
                f"total {values[-1]} is not the sum of its parts: one of its numbers may be another row's; "
                "not read")], row.page)


def _request_segments(text: str, span: Span, hits: list[tuple[str, int, int]]):
    """Each request row's key, value cells (a number cut by the end of the text dropped) and offset."""
    for key, seg, at in _segments(text, span, hits):
        yield key, cells_from_segment(_trim_cut(text, at, seg), _tab_col(text, at)), at


def _cut_row(text: str, span: Span, hits: list[tuple[str, int, int]]) -> str | None:
    """The row the text may be cut in: the last one found, when nothing but blank space follows
    the table (a truncated file, or a table that ends the text: either way its row may be short
    because the text stopped, not because a cell was printed blank)."""
    if hits and not text[span[1] :].strip():
        return hits[-1][0]
    return None


def _cut_short(tokens: list[Cell], n: int) -> Placement:
    """The row the text ends in: read only when it holds exactly one clean token per cell.

    Its digits may stop anywhere in the row, so fewer tokens are never split by the sums: a
    prefix of a row ("3 13 167984" of seven cells) can satisfy a sum by accident (3 | 1 | 3 |
    1 | 67 | 9 | 84), and a blank must not be assumed for what the cut took.
    """
    if len(tokens) == n and all(clean(c) for c in tokens):
        return place_tokens(tokens, n)
    return Placement([None] * n, None, [(
        "cells_short", f"{len(tokens)} values for {n} columns where the text ends: not split (it may be cut)")])


@dataclass
class _LineRow:
    """One table line as found: its label (may be empty), its value cells by position, its page."""

    label: str
    seg: SegmentCells
    label_col: int
    page: int | None
    line: int = 0  # its line's number in the span
    at: int = 0  # its line's offset in the text


_ROW_OF_VALUES = re.compile(r"[ \t]*(?:[\d.]+[ \t]+)+[\d.]+[ \t]*")
_PIECE_THEN_VALUES = re.compile(r"([^\t]*?(?:[\u4e00-\u9fff）)”]|(?<![\d.])[1-9][.、]))[ \t]+((?:[\d.]+[ \t]+)+[\d.]+)[ \t]*")
"""A line of label text (or a label's start, its item number: "（三）不予公开7.") ending in a row's
values; moved only when the next line is a label piece."""
_LABEL_PIECE = re.compile(r"[^\d\t（(一二三四五六七八九十]\D{0,11}")
"""A line of a label broken over lines: no digit, no tab, not the start of a row's label
(an item number, "（三）", "四、"), at most twelve characters."""


def _values_after_label_lines(text: str, span: Span, n: int) -> str:
    """The text with each line of a whole row's values that stands inside its label moved below
    the label's last line (same length: offsets keep their pages).

    pdfplumber and pdftotext -layout print a tall row's values level with the middle of its
    label, which is broken over lines ("1 . 属于国家秘" / "0 0 0 0 0 0 0" / "密"; "（二）部分公开（区" /
    "分处理的，只计这一" / "1 0 0 0 0 0 1" / "情形，不计其他情" / "形）"): the label was not found
    across its values, or the words after the values made the row null. Only a line of exactly
    ``n`` numbers moves, whole, past label pieces (``_LABEL_PIECE``), so a row's values keep
    their order and never pass another row's label start; and so does a lone number between
    a label's pieces with lone numbers after them, a row printed a cell a line
    (``_lone_inside_label``): the row's count then decides, as for any row a cell a line."""
    head, body, tail = text[: span[0]], text[span[0] : span[1]], text[span[1] :]
    if "\t" in body:
        return text
    lines = body.split("\n")
    moved = False
    for i in range(1, len(lines) - 1):
        line = lines[i]
        piece = _PIECE_THEN_VALUES.fullmatch(line)
        if piece and len(piece.group(2).split()) == n and _LABEL_PIECE.fullmatch(lines[i + 1].strip()):
            # the values at the end of a label's middle line ("握相关政府信 7 0 0 0 0 0 7" over "息")
            _cut_before(lines, i, piece.end(1))
            i += 1
            line = lines[i]
        piece = _PIECE_THEN_ONE.fullmatch(line)
        if piece and _pieces_then_lone(lines, i + 1):
            # the first value at the end of the label's first line ("5.属于三类内部事务信 0" / "息" / "" / "0" …)
            _cut_before(lines, i, piece.end(1))
            i += 1
            line = lines[i]
        lone = _LONE_VALUE.fullmatch(line) is not None and _lone_inside_label(lines, i)
        if not ((_ROW_OF_VALUES.fullmatch(line) and len(line.split()) == n) or lone):
            continue
        if _ROW_OF_VALUES.fullmatch(lines[i - 1]) or not lines[i - 1].strip():
            continue  # below another line of values or a blank: not inside a label
        j = i
        while j + 1 < len(lines) and (_label_text(lines[j + 1]) if lone else _LABEL_PIECE.fullmatch(lines[j + 1].strip())):
            lines[j], lines[j + 1] = lines[j + 1], lines[j]
            j += 1
            moved = True
    return head + "\n".join(lines) + tail if moved else text


def _cut_before(lines: list[str], i: int, gap: int) -> None:
    """Cut line ``i`` in two at ``gap``, before the values ending it: a line break for the first
    of the blanks between, so the text keeps its length (offsets keep their pages)."""
    line = lines[i]
    blanks = len(line) - len(line[gap:].lstrip(" \t"))
    lines[i : i + 1] = [line[:gap], " " * (blanks - gap - 1) + line[blanks:]]


def _label_text(line: str) -> bool:
    """A piece of a label broken over lines (``_LABEL_PIECE``) holding label text: a Chinese character."""
    return _LABEL_PIECE.fullmatch(line.strip()) is not None and CJK.search(line) is not None


_LONE_VALUE = re.compile(r"[ \t]*\d+[ \t]*")
_PIECE_THEN_ONE = re.compile(r"((?:\d{1,2}[.．、])?[^\t\d]*[\u4e00-\u9fff][^\t\d]*?)[ \t]+(\d+)[ \t]*")
"""A label's first line ending in one number (its row's first value, a cell a line after it)."""


def _lone_inside_label(lines: list[str], i: int) -> bool:
    """Line ``i``, a lone number, stands between a label's pieces, and lone numbers follow them.

    pdftotext (default mode) prints a table a cell a line; a tall row's first value, level
    with the middle of its label, comes between the label's first line and the rest
    ("2.其他法律行政法规禁" / "0" / "止公开" / "" / "0" / …). Only label text counts as a piece
    here, on both sides: a line with a Chinese character and no digit, never a blank's mark
    ("/", "-"), which is a cell of the row."""
    if not CJK.search(lines[i - 1]) or _ROW_OF_VALUES.fullmatch(lines[i - 1]):
        return False
    return _pieces_then_lone(lines, i + 1)


def _pieces_then_lone(lines: list[str], j: int) -> bool:
    """From line ``j``: one or more pieces of label text, then (past blank lines) a lone number.

    A first piece opening with an item number's dot (".重复申请") makes the number before it that
    item's number ("（五）不予处理 2" / ".重复申请"), not a value."""
    if j < len(lines) and lines[j].lstrip().startswith((".", "．", "、")):
        return False
    start = j
    while j < len(lines) and _label_text(lines[j]):
        j += 1
    if j == start:
        return False
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j < len(lines) and _LONE_VALUE.fullmatch(lines[j]) is not None


def _table_lines(text: str, span: Span, page_of, keys: tuple[str, ...]) -> list[_LineRow]:
    """The tab (or pipe) lines of ``span`` that hold a value, each split into label and cells.

    A line that carries on the line above it (``continues``) and is labelled by no row of
    ``keys`` is no row: it marks the row above as continued (not read)."""
    out: list[_LineRow] = []
    pos = span[0]
    number = -1
    for line in text[span[0] : span[1]].split("\n"):
        at = pos
        pos += len(line) + 1
        if line == TABLE_START:  # not counted: a row's carried-on line may stand after its rule
            continue
        number += 1
        if "\t" not in line:
            continue
        parts = line.split("\t")
        kinds = [classify(c) for c in parts]
        first = next((i for i, k in enumerate(kinds) if isinstance(k, Cell)), None)
        if first is None:
            continue
        label_cells = [i for i in range(first) if kinds[i] is None]
        label = "".join(parts[i] for i in label_cells).strip()
        label_col = label_cells[-1] if label_cells else -1
        seg = cells_from_segment("\t".join(parts[first:]), first, tab_line=True)
        prev = out[-1] if out else None
        if (prev is not None and prev.line == number - 1 and prev.seg.width == len(parts)
                and continues(line_values(prev.seg, 0), line_values(seg, 0), len(tpl.REQUEST_COLUMNS), total_last=True)
                and not any(request_row_pattern(k).search(normalize(label)) for k in keys)):
            # the previous line's cells carried on here (``continues``): that row is not read, and
            # these fragments are no row (its label, if any, is a wrapped label's tail)
            prev.seg.continued = True
            continue
        out.append(_LineRow(label, seg, label_col, page_of(at), number, at))
    return out


def _requests_from_lines(text: str, span: Span, keys: tuple[str, ...], lines: list[_LineRow]) -> dict[str, RowValues] | None:
    """A converter's shredded request table: its value rows are the tab lines, some without a label.

    Used only when the table has such unlabeled value rows (a PDF→markdown conversion that
    floated multi-line labels above their rows; a lone number line or a page footer between
    the rows is not a table line, so it is never taken for a cell). Labelled rows are
    matched to the template in order and read from their label; the unlabeled rows between
    two labelled ones fill the template rows between them, in order, only when they number
    exactly as many, and are kept only when every sum confirms them (``template_order``).
    None when the table is not of this shape (the label-anchored reading then applies).
    """
    n = len(tpl.REQUEST_COLUMNS)
    last = max((k for k, r in enumerate(lines) if r.label and request_row_pattern(keys[-1]).search(normalize(r.label))),
               default=len(lines))
    # after the table's last row (结转下年度继续办理) an unlabeled line is the next table's (its
    # heading shredded into fields, pymupdf4llm), no row of this one
    lines = lines[: last + 1]
    lost = {id(r) for r in lines if not r.label or _lost_label(r.label, keys)}  # their own labels lost
    if len(lines) < len(keys) // 2 or not lost:
        return None
    # the header's 自然人 column, when the header is a tab line: then a row's blank cells are placed too
    header = _laid_out(text, span, _header_columns(text, span[0], lines[0].at), lines)
    found: dict[str, RowValues] = {}
    order: list[tuple[int | None, _LineRow]] = []  # (template index or None for unlabeled, row)
    last_unsure = _empty_last_field(text, span, [(r.seg, r.at) for r in lines], n)[1]
    labelled = [r for r in lines if id(r) not in lost]
    rows_of = dict(zip(map(id, labelled), _rows_in_order([normalize(r.label) for r in labelled], keys), strict=True))
    for r in lines:
        k = rows_of.get(id(r))
        if k is None:  # a row of values with no label, only a piece of one, or one out of the table's order
            order.append((None, r))
            continue
        if id(r.seg) in last_unsure and len(_tokens(r.seg)) < n:
            found[keys[k]] = RowValues([None] * n, [_LAST_UNSURE], r.page)
        else:
            value_col, header_width = header.at(r.at, r.seg, n)
            vals, issues = assign_row(r.seg, n, value_col, r.label_col, header_width, total_last=True,
                                      runs_are_rows=not header.laid_out)
            found[keys[k]] = RowValues(vals, issues, r.page)
        order.append((k, r))
    tentative: dict[str, RowValues] = {}
    prev = -1
    gap: list[_LineRow] = []
    for idx, r in [*order, (len(keys), None)]:
        if idx is None:
            gap.append(r)  # type: ignore[arg-type]
            continue
        between = [k for k in keys[prev + 1 : idx] if k not in found]
        if gap and len(gap) == len(between):
            for key, row in zip(between, gap, strict=True):
                cells = _tokens(row.seg)
                if row.seg.tabbed and any(c.reason == MERGED for c in cells):
                    cells = merged_apart(row.seg.cells, n) or cells  # "| 23 | 0 | 0 0 | 0 | 0 23 |": its n values
                if len(cells) == n and "" not in row.seg.cells and all(clean(c) for c in cells):
                    tentative[key] = RowValues(list(cells), [(
                        "template_order", "an unlabeled row placed by the template's order; every sum confirms it")],
                        row.page, "template_order")
        gap = []
        prev = idx
    if tentative and _order_confirmed({**found, **tentative}, tentative, keys):
        found.update(tentative)
    else:
        for key in tentative:
            found.pop(key, None)
    for key in keys:
        if key not in found and lost:
            found[key] = RowValues([None] * n, [(
                "cells_unplaced", "the table's rows lost their labels and the template's order with every sum "
                "does not place this one: not read")], None)
    return found


_GROUP_HEADINGS = tuple(compact(normalize(h)) for h in (
    "三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"))


def _group_piece(label: str, keys: tuple[str, ...]) -> bool:
    """A line's label is only a piece of a group heading of the request table ("无法提", "不予处": its
    column printed piece by piece beside the rows): the line's own label was lost.

    In the 2019 format （六）其他处理 is a row of its own, not a group: its label is the row's. A
    piece "其他" of the 2021 group's heading is also how row 3.其他 reads without its number;
    either way the line is left to the template's order, which every sum must confirm."""
    piece = compact(normalize(label))
    headings = _GROUP_HEADINGS[:-1] if "other_processing" in keys else _GROUP_HEADINGS
    return bool(piece) and any(piece in h for h in headings)


def _rows_in_order(labels: list[str], keys: tuple[str, ...]) -> list[int | None]:
    """For each line's label (normalized, in page order), the index in ``keys`` of the row it
    labels, or None: the rows stand in the template's order.

    Each label takes the first row after the previous label's whose pattern it matches. When
    that leaves labels of some row without one, the longest chain of labels matching rows in order is
    taken instead (earliest lines and rows first), and a label outside it is no row's: a piece
    of another row's label can hold a short label whole ("计其他", the end of a line of
    （二）部分公开（区分处理的，只计其他情形）, holds 3.其他), and taken in order it would
    swallow every row between (read before: 部分公开's values as 3.其他's, the rows after it
    lost). Such a line is then left to the template's order, which every sum must confirm.
    """
    def labels_row(lab: str, k: int) -> bool:
        return request_row_pattern(keys[k]).search(lab) is not None

    greedy: list[int | None] = []
    after = 0
    for lab in labels:  # rows after the previous label's only: a table's labels find theirs at once
        k = next((k for k in range(after, len(keys)) if labels_row(lab, k)), None)
        greedy.append(k)
        if k is not None:
            after = k + 1
    passed_over = [lab for lab, k in zip(labels, greedy, strict=True) if k is None]
    if not any(labels_row(lab, k) for lab in passed_over for k in range(len(keys))):
        return greedy  # every label of some row has its row: the usual table
    matching = [[k for k in range(len(keys)) if labels_row(lab, k)] for lab in labels]
    # longest[j][k]: the most labels in order from line j on, when line j labels row k
    longest: list[dict[int, int]] = [{} for _ in labels]
    for j in range(len(labels) - 1, -1, -1):
        for k in matching[j]:
            longest[j][k] = 1 + max((n for j2 in range(j + 1, len(labels)) for k2, n in longest[j2].items() if k2 > k),
                                    default=0)
    best = max((n for row in longest for n in row.values()), default=0)
    if best <= sum(k is not None for k in greedy):
        return greedy
    chain: list[int | None] = [None] * len(labels)
    need, above = best, -1
    for j in range(len(labels)):
        k = next((k for k in sorted(longest[j]) if k > above and longest[j][k] == need), None)
        if k is not None:
            chain[j], need, above = k, need - 1, k
    return chain


def _lost_label(label: str, keys: tuple[str, ...]) -> bool:
    """The line's label text is only a piece of the table's group headings or of a row's label."""
    return _group_piece(label, keys) or _row_label_piece(normalize(label), keys)


def _row_label_piece(label: str, keys: tuple[str, ...]) -> bool:
    """A line's label (normalized) is a piece from inside one of the rows' labels and no row's
    label whole ("政法规禁止公" of 2.其他法律行政法规禁止公开: a narrow label cell's middle line,
    printed beside the row's values): the line's own label was lost."""
    piece = compact(label)
    if not piece or any(request_row_pattern(k).search(label) for k in keys):
        return False
    return any(piece in compact(normalize(v)) for k in keys for v in REQUEST_LABELS[k][1])


def _order_confirmed(table: dict[str, RowValues], tentative: dict[str, RowValues], keys: tuple[str, ...]) -> bool:
    """Order-placed rows are kept when no sum of the table fails, each placed row's own sum
    holds, and every column's outcome sum (which all outcome rows enter) holds."""
    from pipeline.parsing.checks import request_checks

    values = {k: dict(zip(tpl.REQUEST_COLUMNS, [None if c is None else c.value for c in r.cells], strict=True))
              for k, r in table.items()}
    template = "2019" if "other_processing" in keys else "2021"
    checks = {c["rule"]: c["ok"] for c in request_checks(values, template)}
    if any(ok is False for ok in checks.values()):
        return False
    if any(checks.get(f"requests.applicants.{k}") is not True for k in tentative):
        return False
    outcome_rows = set(tpl.outcome_rows(values, template))
    if any(k not in outcome_rows for k in tentative) and any(
            checks.get(f"requests.balance.{c}") is not True for c in tpl.REQUEST_COLUMNS[:-1]):
        return False
    return all(checks.get(f"requests.outcomes.{c}") is True for c in tpl.REQUEST_COLUMNS)


def _resolve_by_columns(found: dict[str, RowValues], pending: dict[str, list[tuple[int | None, ...]]],
                        keys: tuple[str, ...]) -> None:
    """Rows whose own sum admits several splits, decided together by the table's column sums.

    A row is taken only when the column sums check every cell of it (``solve_columns``): the
    table may hold blanks that left no trace."""
    fixed = {k: [None if c is None else c.value for c in r.cells] for k, r in found.items() if k not in pending}
    decided = solve_columns(fixed, pending, request_equations(keys), len(tpl.REQUEST_COLUMNS))  # type: ignore[arg-type]
    for k, vals in decided.items():
        if vals is not None:
            blanks = sum(v is None for v in vals)
            found[k] = RowValues([None if v is None else Cell(v, str(v)) for v in vals], [(
                "recovered_from_sums", "digits ran together; the only split satisfying the row and column sums"
                + (f" ({blanks} cell(s) printed blank: null)" if blanks else ""))],
                found[k].page, "solved")
        else:
            found[k] = RowValues([None] * len(tpl.REQUEST_COLUMNS), [(
                "ambiguous_split", f"digits ran together; {len(pending[k])} split(s) fit the row sum "
                "and the column sums do not single out and check one: not read")], found[k].page)


def _table_sums_hold(found: dict[str, RowValues], keys: tuple[str, ...]) -> bool:
    """Every request sum (rows and columns) evaluable and true: the proof an order-placed table needs."""
    from pipeline.parsing.checks import request_checks

    table = {k: dict(zip(tpl.REQUEST_COLUMNS, [None if c is None else c.value for c in r.cells], strict=True))
             for k, r in found.items()}
    template = "2019" if "other_processing" in keys else "2021"
    checks = request_checks(table, template)
    return bool(checks) and all(c["ok"] is True for c in checks)


def _pool_if_drifted(found: dict[str, RowValues], segs: dict[str, SegmentCells], n: int,
                     keys: tuple[str, ...]) -> None:
    """Shredded tables: labels and values drifted apart.

    When rows came out short or long yet the values across the table number exactly
    rows × columns (and none was tab-placed), they are dealt out in row order — kept only
    when every sum of the table then holds (``template_order``), else null. When most
    rows have no values at all (the labels came first, the values after) but the count does
    not fit, no value can be placed without guessing: every row stays null.
    """
    if n != 7 or any(s.tabbed for s in segs.values()):
        return
    if all(len(s.cells) == n for s in segs.values()) or all(r.method == "solved" or all(
            c is not None for c in r.cells) for r in found.values()):
        return
    pool = [c for s in segs.values() for c in s.cells]
    empty_rows = sum(not s.cells for s in segs.values())
    if len(pool) == n * len(segs) and all(isinstance(c, Cell) and clean(c) for c in pool):
        dealt = {key: RowValues(list(pool[i * n : (i + 1) * n]), [  # type: ignore[arg-type]
            ("cells_pooled", "labels and values drifted apart; values dealt out in row order and every sum holds")],
            found[key].page, "template_order") for i, key in enumerate(segs)}
        if len(segs) == len(keys) and _table_sums_hold(dealt, keys):
            found.update(dealt)
            return
    if empty_rows * 2 >= len(segs):
        for key in segs:
            found[key] = RowValues([None] * n, [(
                "cells_unplaced",
                f"labels and values drifted apart and {len(pool)} values do not fill {len(segs)} rows: not read")],
                found[key].page)


_SAME_TABLE = (("regulations", "normative_documents"), ("administrative_licensing", "other_external_services"),
               ("administrative_penalty", "administrative_coercion"))
"""Article-20 rows printed in one small table, in this order (the tables themselves may be
reordered by a converter, the rows within one are not)."""


def _drawing_order(hits: list[tuple[str, int, int]], rows: list[tuple[str, SegmentCells, int]]) -> bool:
    """Whether the article-20 text is a PDF's drawing order rather than its reading order.

    pdftotext -raw prints text as the PDF draws it: 行政强制 before 行政处罚, a table's heading
    among a row's values, one row's value after another's label. Each row's stretch may then
    hold the right count of another row's values. Shown by two rows of one small table in
    reversed order, or by words among a row's values anywhere in the tables: then no row
    without tabs is read."""
    at = {k: start for k, start, _e in hits}
    if any(a in at and b in at and at[b] < at[a] for a, b in _SAME_TABLE):
        return True
    return any(not c.tabbed and c.interleaved for _k, c, _a in rows)


def article20_from_text(text: str, span: Span, template: str, page_of) -> dict[str, RowValues]:
    items = tpl.rows("article20", template)
    patterns = [(k, article20_pattern(k)) for k in items]
    found: dict[str, RowValues] = {}
    hits = _anchor_rows(text, span, patterns)
    if len(hits) < len(patterns):
        # the small tables may come in another order (a converter put the first one last):
        # each item's label is distinct, so each is found on its own
        hits = sorted(((k, m.start(), m.end()) for k, pat in patterns if (m := pat.search(text, *span))),
                      key=lambda h: h[1])
    # each row's key, cells and offset, read once for the checks below and the rows themselves
    segments = list(_segments(text, span, hits))
    rows = [(key, cells_from_segment(_trim_cut(text, at, seg), _tab_col(text, at)), at) for key, seg, at in segments]
    # a row's stretch running on into the next small table (its heading, its header line) holds
    # that table's words after the row's values: no sign of a drawing order; cut there for it
    # (read again only where a heading cuts it)
    drawing_order = _drawing_order(hits, [
        (key, cells if (cut := _before_heading(text, at, seg)) == seg
         else cells_from_segment(_trim_cut(text, at, cut), _tab_col(text, at)), at)
        for (key, seg, at), (_k, cells, _a) in zip(segments, rows, strict=True)])
    before_empty = _before_empty(rows)
    read_above: set[str] = set()  # rows whose values stood above their label (``_values_above``)
    # the text of a paged document (a PDF's pages, pdftotext's form feeds) follows an inferred reading order
    paged = (page_of(max(len(text) - 1, 0)) or 1) > 1
    unmarked = paged and _short_unmarked(rows, template)
    for idx, ((key, cells, at), (_k, start, _s)) in enumerate(zip(rows, hits, strict=True)):
        # in a tab table the values sit in the columns right after the label
        label_col = _tab_col(text, start)
        cols = tpl.columns("article20", template, key)
        between = text[hits[idx - 1][2] : start] if idx else "x"
        own_line = any(line == 0 for line in cells.lines)  # a value on this row's own label's line
        if not (idx and rows[idx - 1][0] in read_above) and (
                (not between.strip() and "\t" not in between and ("\n" not in between or not own_line)) or (
                idx and not cells.tabbed and "\t" not in between and not rows[idx - 1][1].cells)):
            # two labels with nothing between ("行政处罚<br>行政强制" in one cell, a blank row run
            # together, or labels on lines of their own with the values below): the values after
            # them may be either row's. A tab, or this row's value on its own label's line after
            # a line break, shows the row above had cells of its own. Nor when the row above
            # printed nothing at all, not even a blank's mark: its value may be this one
            # (pdftotext printed 行政强制, a heading, 行政处罚, then one number). Unless the row above
            # took its values from above its label (``_values_above``: "1330" / "行政处罚" /
            # "行政强制 54"): its values are accounted for, so what follows this label is this row's.
            found[key] = RowValues([None] * len(cols), [(
                "labels_adjacent", "this row's label follows the previous row's with no value between: "
                "whose values follow is not certain; not read")], page_of(at))
            continue
        stop = hits[idx + 1][1] if idx + 1 < len(hits) else span[1]
        head = _A20_HEADING.search(text, at, stop)
        heading_cut = head is not None and _DIGIT.search(text, head.end(), stop) is not None
        if heading_cut:
            # a number after another small table's heading ("第二十条第（六）项") in the row's stretch
            # is that table's or the page's (markitdown printed 行政许可, blank, then (六)'s heading
            # and header, then 行政处罚's 0 above its label; pdftotext -layout "行政许可 550", the
            # heading, then the page's "-2-"): the row is what stands before the heading, and
            # when nothing does, not read
            cells = cells_from_segment(text[at : head.start()], _tab_col(text, at))
        if _tokens(cells) and _after_other_words(text[at:stop], text[start:at]):
            found[key] = RowValues([None] * len(cols), [(
                "cells_unplaced", "this row's label line holds no value, and its first value stands after "
                "words that are no part of its label (another row's, whose label was not found): "
                "not this row's for certain; not read")], page_of(at))
            continue
        if not _tokens(cells) and (above := _values_above(text, start, len(cols))) is not None:
            found[key] = RowValues(above, [], page_of(at))
            read_above.add(key)
            continue
        if heading_cut and not _tokens(cells):  # the number after the heading was all the stretch held
            found[key] = RowValues([None] * len(cols), [(
                "cells_unplaced", "a number stands after another table's heading within this row's "
                "stretch and none before it: it is not certainly this row's; not read")], page_of(at))
            continue
        if cells.tabbed and key in before_empty and cells.lines and 0 not in cells.lines:
            # the label alone on its line, a value row with no label of its own below it, and the next
            # row printed nothing: labels and value rows came apart (markitdown put "| | 1 | 41 | 0 |"
            # above 规章 and 规范性文件's values under it), so whose values these are is not certain
            found[key] = RowValues([None] * len(cols), [(
                "cells_unplaced", "this row's label stands alone, its values on a later line with no label, "
                "and the next row printed nothing: labels and values came apart; not read")], page_of(at))
            continue
        if cells.tabbed:
            # blank cells are placed by the header's columns only when its line names each column in
            # a field of its own (a converter may merge two heads into one field and split a third)
            known = _article20_header(text, start, template, key, label_col)
            if known is not None and known.at != tuple(range(len(cols))):
                under = _under_heads(cells, label_col, known.at)
                if under is None:
                    found[key] = RowValues([None] * len(cols), [(
                        "cells_padded", "a value stands in a field under no column head of the header "
                        "(a converter's padding column): which column it is not certain; not read")], page_of(at))
                    continue
                cells = under
            vals, issues = assign_row(cells, len(cols), label_col + 1 if known else None,
                                      label_col if known else None, known.width if known else None)
            found[key] = RowValues(vals, issues, page_of(at))
            continue
        if spread_over_lines(cells) or cells.interleaved or drawing_order:
            why = _INTERLEAVED if cells.interleaved or drawing_order else _SPREAD
            found[key] = RowValues([None] * len(cols), [why], page_of(at))
            continue
        if (key in before_empty or unmarked) and cells.lines and 0 not in cells.lines:
            found[key] = RowValues([None] * len(cols), [(
                "cells_unplaced", "values one to a line below the label, where a row printed fewer cells than "
                "its columns with no mark for a blank (the next one, or any in a PDF's paged text): another "
                "row's number may stand among them; not read")], page_of(at))
            continue
        # 本年增/减 (2019) is the one column printed negative: its "-" opens a cell
        signed = frozenset(i for i, c in enumerate(cols) if c == "change")
        found[key] = place_tokens(_tokens(cells), len(cols), signed=signed).row(page_of(at))
    return found


def _short_unmarked(rows: list[tuple[str, SegmentCells, int]], template: str) -> bool:
    """Whether some article-20 row without tabs printed fewer cells than its columns, with no
    mark for a blank: the text's blank cells print nothing, so a row's count proves nothing."""
    return any(not c.tabbed and len(c.cells) < len(tpl.columns("article20", template, key)) for key, c, _a in rows)


def _before_empty(rows: list[tuple[str, SegmentCells, int]]) -> set[str]:
    """The article-20 rows right before a row that printed nothing, not even a blank's mark.

    pdftotext (default) printed a table's value before its heading: "行政规范性文件 0 0 1
    第二十条第（五）项 … 行政许可" — the 1 was 行政许可's, which then printed nothing, and the
    row above, whose blank printed nothing too, had its count."""
    return {rows[i - 1][0] for i in range(1, len(rows)) if _printed_nothing(rows[i][1])}


_A20_HEADING = re.compile(r"第\s*二\s*十\s*条")
_DIGIT = re.compile(r"\d")


ABOVE_LINES = 6
"""Lines above a small table's first value row within which its heading ("第二十条…") must stand."""


_A20_HEADER = "信息内容"  # the first head of every article-20 table's header, in both formats
_BARE_NUMBER_LINE = re.compile(r"^[ \t]*(\d{1,3})[ \t]*$", re.MULTILINE)


def _numbers_pages(text: str) -> bool:
    """Whether the text shows its pages' numbers on lines of their own: a page mark ("- 3 -",
    "第3页", "3/8") as a whole line, or bare numbers of which one is the next page's after
    another ("2" … "3"). A lone value between label pieces (pdfplumber's narrow label cells:
    "行政事业性收" / "300" / "费") shows no such series."""
    if any(PAGE_MARK.fullmatch(line) for line in text.split("\n") if line.strip()):
        return True
    seen: set[int] = set()
    for m in _BARE_NUMBER_LINE.finditer(text):
        number = int(m.group(1))
        if number - 1 in seen:
            return True
        seen.add(number)
    return False


_BRACKETED = re.compile(r"[(（][^()（）\n]*[)）]")


def _after_other_words(seg: str, label: str) -> bool:
    """Whether a row whose label's own line holds no value finds its first value after words
    that are no piece of its label.

    markitdown printed 行政许可 on a line of its own under its values, then the next row with its
    label cut into fields it could not be found by ("|其他<br>项|对外管理服||务事|0|16|213934|"):
    those numbers fell in 行政许可's stretch. Words before the first value that are a piece of the
    row's own label are its label wrapped ("行政事业性" / "收费 0 19"); a bracketed note (a unit)
    is no row's; anything else is another row's label.
    """
    lines = seg.split("\n")
    if any(isinstance(classify(t), Cell) for t in re.split(r"[\t ]+", lines[0]) if t):
        return False
    own = "".join(CJK.findall(label))
    words: list[str] = []
    for line in lines[1:]:
        for tok in re.split(r"[\t ]+", line):
            if isinstance(classify(tok), Cell):
                said = "".join(CJK.findall(_BRACKETED.sub("", "".join(words))))
                return bool(said) and said not in own
            words.append(tok)
    return False


def _values_above(text: str, start: int, n: int) -> list[Cell | None] | None:
    """The value row printed just above a label that stands alone on its line, when it can be no other row's.

    markitdown prints a tall row's label after the row when the label's text sits lower than
    its values: "|  | 396 | 0 | 181 |" then "行政许可" on a line of its own, under the header
    of its small table. Taken only when the label's own stretch holds no value, the line above
    the label is a row of fields with an empty first one and exactly ``n`` numbers after it,
    and above that, up to the small table's heading, stand no number and no other row's label
    (only the header's words): the row above the label is then the table's first, and the
    label the first one printed after it. Otherwise None.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    label_line = text[line_start : line_end if line_end >= 0 else len(text)]
    if text[line_start:start].strip() or "\t" in label_line or _DIGIT.search(label_line):
        return None
    lines = text[:line_start].split("\n")[:-1]
    lines = [ln for ln in lines[-(ABOVE_LINES + 1) :] if ln.strip() and ln.strip() != TABLE_START]
    if len(lines) < 2:
        return None
    if "\t" in lines[-1]:
        fields = lines[-1].split("\t")
        if len(fields) != n + 1 or fields[0].strip():
            return None
        fields = fields[1:]
    else:
        # the row's numbers on a line of their own, no field marks (markitdown's text of a page
        # whose small table it did not see as one: "信息内容 本年处理决定数量" / "1330" / "行政处罚"
        # / "行政强制 54"): only right under the header line. A lone number could also be a page
        # number at a break there, above a row that printed nothing: not taken in a text that
        # shows page numbers (``_numbers_pages``)
        fields = lines[-1].split()
        if len(fields) != n or _A20_HEADER not in lines[-2]:
            return None
        if n == 1 and _numbers_pages(text):
            return None
    values = [classify(f.strip()) for f in fields]
    if not all(isinstance(v, Cell) and v.value is not None and v.reason is None for v in values):
        return None
    for k in range(len(lines) - 2, -1, -1):
        if _A20_HEADING.search(lines[k]):
            return list(values)  # type: ignore[arg-type]
        if _DIGIT.search(lines[k]) or any(article20_pattern(key).search(lines[k]) for key in ARTICLE20_LABELS):
            return None
    return None


def _before_heading(text: str, at: int, seg: str) -> str:
    """``seg`` (the stretch from ``at``) up to the next small table's heading in it ("第二十条…")."""
    head = _A20_HEADING.search(text, at, at + len(seg))
    return seg[: head.start() - at] if head else seg


def _printed_nothing(seg: SegmentCells) -> bool:
    """No value or blank's mark, and no field on the label's own line: what follows the label is
    another table's heading or header (markitdown left "行政强制" alone, then section (八)'s header row)."""
    return not _tokens(seg) and not any(line == 0 for line in seg.lines)


class _Heads(NamedTuple):
    """An article-20 header line's tab fields: how many, and the field of each column head
    (counted from the first field right of the label)."""

    width: int
    at: tuple[int, ...]


def _article20_header(text: str, at: int, template: str, key: str, label_col: int) -> _Heads | None:
    """The tab fields of the nearest header line above ``at``, when it names the row's columns one to a field.

    The line: the last tab line within a few lines above the row that holds one of the
    row's column heads. Its fields right of ``label_col`` must each hold one column head
    (its first four characters, for a head split over two fields) or nothing, up to the
    last head, the heads in the template's order, each once, and no field two of them; and
    the row must be of the header's own markdown table (``TABLE_START``): a converter gives
    each of its tables fields of its own, its padding columns (empty fields,
    ``|上一年项目数量| |本年增/减|``) in every row of one table alike.
    """
    heads = [compact(tpl.label("article20", template, key, c).zh_column)[:4]
             for c in tpl.columns("article20", template, key)]
    end = text.find("\n", at)
    if end >= 0 and text.startswith(TABLE_START, end + 1):
        return None  # the row starts a markdown table of its own: the header's fields are not its own
    above = text[: text.rfind("\n", 0, at) + 1].split("\n")[-8:]
    for k in range(len(above) - 1, -1, -1):
        fields = [compact(f) for f in above[k].split("\t")]
        if len(fields) < 2 or not any(h in f for h in heads for f in fields):
            continue
        if TABLE_START in above[k + 2 :]:
            return None  # another markdown table starts between the header and the row
        found: list[int] = []
        for off, f in enumerate(fields[label_col + 1 :]):
            if len(found) == len(heads):
                break  # every head named: fields after them are not the row's columns
            if not f:
                continue
            if heads[len(found)] not in f or sum(g in f for g in heads) != 1:
                return None  # a field naming no head, or the next head out of order, or two at once
            found.append(off)
        return _Heads(len(fields), tuple(found)) if len(found) == len(heads) else None
    return None


def _under_heads(cells: SegmentCells, label_col: int, at: tuple[int, ...]) -> SegmentCells | None:
    """``cells`` with each field under the header's k-th head moved to the k-th value column
    and the empty padding fields left out; None when a value (or mark) stands in a padding field.

    Only for a row on its label's line alone, every field of it in a tab column."""
    if not cells.lines or any(line != 0 for line in cells.lines) or any(c is None for c in cells.cols):
        return None
    column = {label_col + 1 + off: label_col + 1 + k for k, off in enumerate(at)}
    keep = [k for k, (cell, col) in enumerate(zip(cells.cells, cells.cols, strict=True))
            if col in column or cell != ""]
    if any(cells.cols[k] not in column for k in keep):
        return None
    return replace(cells, cells=[cells.cells[k] for k in keep], cols=[column[cells.cols[k]] for k in keep],
                   lines=[cells.lines[k] for k in keep])


_REVIEW_HEADER_END = re.compile(loose("总计") + "|" + loose("尚未审结"))


def review_from_text(text: str, span: Span, page_of, *, run_together: bool = False,
                     zeros_shown: bool = False, unmarked: bool = False) -> RowValues | None:
    """The 15 cells of section 四: the values after the header's last label.

    ``run_together``: the document's request table is run together (``TextRequests.run_together``),
    so this row's digits may lack a blank cell's; never when the text ends in the row (cut).
    ``zeros_shown``: that request table was read whole under the same assumption (every
    row checked by the column sums, ``blanks_shown_zero``), so its blanks were zeros. Only
    then is a split of this row taken: its three group sums are all that check it, and a
    blank hiding a non-zero value breaks one of them, so its true split is no candidate
    while a wrong one can fit by chance.
    ``unmarked``: that request table's blanks print nothing (``TextRequests.unmarked``): a
    spaced row of 15 numbers is read only when each group's total is the sum of its parts
    (pdftotext's drawing order put the request table's last total first in this row, and
    the row's own blank printed nothing: 15 numbers, one column off).
    """
    start, end = span
    last = None
    for m in _REVIEW_HEADER_END.finditer(text, start, end):
        last = m
    if last is None:
        return _lone_review_row(text, span, page_of)
    seg = _trim_cut(text, last.end(), text[last.end() : end])
    tabbed_lines = [ln for ln in seg.split("\n") if "\t" in ln and any(isinstance(classify(c), Cell) for c in ln.split("\t"))]
    if tabbed_lines:
        # a tab row with no label: every cell is positional, leading blanks included
        cells: list[Cell | str] = []
        exact = False  # one line exactly 15 fields wide: its empty fields are blank cells
        for ln in tabbed_lines:
            kinds = [classify(c) for c in ln.split("\t")]
            exact = len(tabbed_lines) == 1 and len(kinds) == 15
            if not exact:
                while kinds and kinds[-1] == "":  # trailing tabs are layout unless the row is exactly 15 wide
                    kinds.pop()
            cells.extend(k for k in kinds if isinstance(k, Cell) or k == "")
        # wider than 15 with an empty field inside: a converter's padding (a colspan expanded)
        # or a blank cell, and the trailing one popped may have been the blank: not certain
        if any(isinstance(c, Cell) and c.reason in (MERGED, STACKED_VALUES) for c in cells):
            apart = _review_apart(cells)
            if apart is None:
                return RowValues([None] * 15, [MERGED_ROW], page_of(last.end()))
            return RowValues(apart, [], page_of(last.end()))
        if len(cells) == 15 and (exact or all(isinstance(c, Cell) for c in cells)):
            row = RowValues([c if isinstance(c, Cell) else None for c in cells], [], page_of(last.end()))
            if "" in cells and _group_sum_fails(row):
                # empty fields taken for blanks, and a whole group's sum fails: the fields may be a
                # converter's padding with a blank lost elsewhere (markitdown: "| | 0 | 28 | … |")
                return RowValues([None] * 15, [(
                    "sum_unconfirmed", "empty fields among the review row's 15 and a group whose total is not "
                    "the sum of its parts: which fields are blank cells is not certain; not read")], row.page)
            return row
        values = [c for c in cells if isinstance(c, Cell)]
        if len(values) == 15:
            return RowValues(list(values), [], page_of(last.end()))
        return RowValues([None] * 15, [("cells_ambiguous", f"{len(values)} values for 15 columns: not read")], page_of(last.end()))
    seg_cells = cells_from_segment(seg)
    values = _tokens(seg_cells)
    if not values:
        return None
    if not text[end:].strip():  # the text ends in this row: it may be cut
        return _cut_short(values, 15).row(page_of(last.end()))
    blanks = run_together and run_together_table([values], 15, least=1)
    if blanks and not zeros_shown and len(values) != 15:
        return RowValues([None] * 15, [("ambiguous_split", (
            f"{len(values)} run-together tokens for 15 columns; blank cells leave no trace here and the "
            "request table's sums do not show that this document's blanks are zeros: not read"))],
            page_of(last.end()))
    if not run_together and len(values) < 15 and not shows_glued(values, 15, total_last=False):
        return RowValues([None] * 15, [_short_spaced(len(values), 15)], page_of(last.end()))
    row = place_tokens(values, 15, sums=(3, 5), blanks=blanks).row(page_of(last.end()))
    if unmarked and not blanks and row.method == "delimited":
        if _group_sum_fails(row):
            return RowValues([None] * 15, [(
                "sum_unconfirmed", "the request table's blanks leave no trace (some rows are short) and a "
                "group's total here is not the sum of its parts: one of the numbers may be another row's; "
                "not read")], row.page)
    return row


_FIFTEEN = re.compile(r"^[ \t]*(?:\d+[ \t]+){14}\d+[ \t]*$", re.MULTILINE)


def _lone_review_row(text: str, span: Span, page_of) -> RowValues | None:
    """Section 四's row where its header's words cannot be found (pdfplumber printed the header's
    vertical heads a character a row: "结 结 其 尚" / "果 果 他 未 总" / …): the one line of the
    section that holds exactly fifteen numbers and nothing else, read when each group's total
    is the sum of its four parts. Else None (not found)."""
    lines = list(_FIFTEEN.finditer(text, *span))
    if len(lines) != 1:
        return None
    row = RowValues([Cell(int(v), str(int(v))) for v in lines[0].group().split()], [], page_of(lines[0].start()))
    return None if _group_sum_fails(row) else row


def _review_apart(cells: list[Cell | str]) -> list[Cell | None] | None:
    """Section 四's row with each merged field ("| 1 1 | 0 | 0 2 | 4 0 |", markitdown) or stacked
    field ("| 1<br>1 | 0<br>0<br>2 | 4<br>0 |", pymupdf4llm) taken apart, when that gives exactly
    its 15 values, none blank, and each group's 总计 is the sum of its four parts; else None.

    A converter that merged neighbouring cells keeps their numbers in order, so 15 numbers are
    the row left to right, as in a spaced row; the three sums are asked for as for the request
    table's merged rows (``cells.merged_apart``): a field may also hold another row's number.
    A stacked field's pieces could instead be one number wrapped in its cell; then the row
    holds fewer than 15 numbers and a blank somewhere, and taking the pieces apart must still
    make 15 values whose three sums all hold, or nothing is read.
    """
    values = fields_apart(cells, stacked=True)
    if values is None or len(values) != 15 or _group_sum_fails(RowValues(list(values), [], None)):
        return None
    return list(values)


def _group_sum_fails(row: RowValues) -> bool:
    """A review group printed whole (its 4 parts and 总计) whose total is not the sum of its parts."""
    got = [c.value if c is not None else None for c in row.cells]
    groups = [got[g : g + 5] for g in (0, 5, 10)]
    return any(None not in grp and all(isinstance(v, int) for v in grp) and sum(grp[:4]) != grp[4]  # type: ignore[arg-type]
               for grp in groups)


def blanks_shown_zero(found: dict[str, RowValues], keys: tuple[str, ...]) -> bool:
    """The request table was read whole: every row of ``keys`` holds values.

    Read from run-together text (``TextRequests.run_together``), a row is kept only when the
    column sums check every cell of it with its blanks counted 0 (``solve_columns``), so a
    whole table is the document's own evidence that its blanks are zeros.
    """
    return all(k in found and any(c is not None for c in found[k].cells) for k in keys)

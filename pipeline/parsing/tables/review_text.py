"""Section 四's review and litigation row read from text: fifteen values in three groups of five.

Values that run together are split apart by each group's sum (four outcomes and their
总计); a group whose printed total is not its parts' sum is reported as printed.
"""

from __future__ import annotations

import re

from pipeline.parsing.cells import (
    MERGED,
    MERGED_ROW,
    STACKED_VALUES,
    Cell,
    RowValues,
    cells_from_segment,
    classify,
    fields_apart,
)
from pipeline.parsing.normalize import loose
from pipeline.parsing.place import place_tokens, run_together_table, shows_glued
from pipeline.parsing.tables.text_rows import Span, cut_short, short_spaced, trim_cut, value_tokens

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
    seg = trim_cut(text, last.end(), text[last.end() : end])
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
    values = value_tokens(seg_cells)
    if not values:
        return None
    if not text[end:].strip():  # the text ends in this row: it may be cut
        return cut_short(values, 15).row(page_of(last.end()))
    blanks = run_together and run_together_table([values], 15, least=1)
    if blanks and not zeros_shown and len(values) != 15:
        return RowValues([None] * 15, [("ambiguous_split", (
            f"{len(values)} run-together tokens for 15 columns; blank cells leave no trace here and the "
            "request table's sums do not show that this document's blanks are zeros: not read"))],
            page_of(last.end()))
    if not run_together and len(values) < 15 and not shows_glued(values, 15, total_last=False):
        return RowValues([None] * 15, [short_spaced(len(values), 15)], page_of(last.end()))
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

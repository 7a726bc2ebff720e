"""The request table read from text: each row's values between its label and the next row's.

The values are placed by their fields, their positions under the header, or the format's own
sums (``pipeline.parsing.place``; run-together digits split only where the sums allow one
split), and the checks here keep a row null when where its values stand is not certain
(words among them, a label after them, rows pooled into one stretch).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from pipeline import template as tpl
from pipeline.parsing.cells import (
    Cell,
    RowValues,
    SegmentCells,
    assign_row,
    cells_from_segment,
    one_a_line,
    spread_over_lines,
    value_lines,
)
from pipeline.parsing.labels import REQUEST_LABELS, request_row_pattern
from pipeline.parsing.normalize import compact
from pipeline.parsing.place import (
    clean,
    place_tokens,
    request_equations,
    run_together_table,
    shows_glued,
    solve_columns,
)
from pipeline.parsing.tables.request_columns import (
    LAST_UNSURE,
    SUBTOTAL,
    ColumnHeader,
    drop_subtotal,
    empty_last_field,
    header_columns,
    laid_out_header,
    one_a_line_table,
    padding_inside,
)
from pipeline.parsing.tables.request_lines import (
    request_table_lines,
    requests_from_lines,
    values_after_label_lines,
)
from pipeline.parsing.tables.text_rows import (
    DIGIT,
    INTERLEAVED,
    SPREAD,
    Span,
    anchor_rows,
    cut_short,
    row_stretches,
    short_spaced,
    tab_col,
    trim_cut,
    value_tokens,
)

_AFTER_LABEL = ("labels_adjacent", "another row's label stands right before this row's, with no value between "
                "(a converter printed labels out of order, or apart from their values): whose values follow "
                "is not certain; not read")


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
    text = values_after_label_lines(text, span, len(tpl.REQUEST_COLUMNS))
    lines = request_table_lines(text, span, page_of, keys)
    by_lines = requests_from_lines(text, span, keys, lines)
    if by_lines is not None:
        return TextRequests({k: _merged_by_sum(r) for k, r in by_lines.items()}, False)
    patterns = [(k, request_row_pattern(k)) for k in keys]
    hits = anchor_rows(text, span, patterns)
    n = len(tpl.REQUEST_COLUMNS)
    header = ColumnHeader()
    if hits:
        if SUBTOTAL.search(text, span[0], hits[0][1]):
            n += 1
        header = laid_out_header(text, span, header_columns(text, span[0], hits[0][1]), lines)
    found: dict[str, RowValues] = {}
    segs: dict[str, SegmentCells] = {}
    pending: dict[str, list[tuple[int | None, ...]]] = {}
    rows = list(_request_segments(text, span, hits))
    cut = _cut_row(text, span, hits)
    spaced = [c for k, c, _a in rows if k != cut and not c.tabbed]
    plain = [value_tokens(c) for c in spaced]
    # values each on a line of its own are apart, not run together (pdftotext's one cell a
    # line, its blanks printing nothing, leaves many rows short: no sign of glued digits)
    run = run_together_table(plain, n, least=1) and not one_a_line_table(spaced)
    # the document's evidence is judged on the seven request columns, a subtotal column or not
    seven = len(tpl.REQUEST_COLUMNS)
    document_run = run if n == seven else run_together_table(plain, seven, least=1)
    # a row cut by the end of the text has only its first fields: it stands in the header's
    # columns when the table's whole rows do (then it is no row copied a column off)
    whole_rows_fit = any(c.tabbed and c.width == header.at(start, c, n)[1]
                         for (k, c, _a), (_k, start, _s) in zip(rows, hits, strict=True) if k != cut)
    # a spaced row came out short with no mark for its blank: the table's blanks leave no trace
    unmarked = not run and any(0 < len(value_tokens(c)) < n for c in spaced)
    # a run of n fields ending a line is a row's n columns unless the page's lines were laid
    # out as rows, or a full row shows a padding field among its values (pymupdf4llm: "| 232 |
    # … | 250 | | 393 | 1704 |"): then a row with a blank may hold the padding as well
    runs_are_rows = not header.laid_out and not padding_inside([c for k, c, _a in rows if k != cut], n)
    empty_last, last_unsure = empty_last_field(text, span, [(c, at) for k, c, at in rows if k != cut], n)
    for idx, ((key, cells, at), (_k, start, _s)) in enumerate(zip(rows, hits, strict=True)):
        if id(cells) in empty_last:
            # (the line under it, of the same table, ends in that field too: ``continues`` compares them)
            cells = replace(cells, width=cells.width - 1,  # type: ignore[operator]
                            next_width=None if cells.next_width is None else cells.next_width - 1)
        segs[key] = cells
        if id(cells) in last_unsure and len(value_tokens(cells)) < n:
            found[key] = RowValues([None] * n, [LAST_UNSURE], page_of(at))
            continue
        if idx and not cells.tabbed and _after_other_label(text[hits[idx - 1][2] : start], keys, key, hits[idx - 1][0]):
            found[key] = RowValues([None] * n, [_AFTER_LABEL], page_of(at))
            continue
        if cells.tabbed or n == 8:
            value_col, header_width = header.at(start, cells, n)
            width = None if key == cut and whole_rows_fit else header_width
            # past the header's own markdown table (a converter cut the table into several, each
            # with padding fields of its own) a run of fields ending a line may hold padding
            vals, issues = assign_row(cells, n, value_col, tab_col(text, start), width, total_last=n == 7,
                                      cut=key == cut, runs_are_rows=runs_are_rows and header.owns(start))
            row = RowValues(vals, issues, page_of(at))
            found[key] = drop_subtotal(row) if n == 8 else row
            continue
        if spread_over_lines(cells) or cells.interleaved:
            found[key] = RowValues([None] * n, [INTERLEAVED if cells.interleaved else SPREAD], page_of(at))
            continue
        if key == cut:  # its tokens may be a prefix of the row: whole cells or nothing
            found[key] = cut_short(value_tokens(cells), n).row(page_of(at))
            continue
        tokens = value_tokens(cells)
        if not run and len(tokens) < n and not shows_glued(tokens, n, total_last=True):
            found[key] = RowValues([None] * n, [short_spaced(len(tokens), n)], page_of(at))
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
        disordered = any(len(value_tokens(c)) > n for c in spaced)
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
        last = max((m.end() for m in DIGIT.finditer(stretch)), default=0)
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
    for key, seg, at in row_stretches(text, span, hits):
        yield key, cells_from_segment(trim_cut(text, at, seg), tab_col(text, at)), at


def _cut_row(text: str, span: Span, hits: list[tuple[str, int, int]]) -> str | None:
    """The row the text may be cut in: the last one found, when nothing but blank space follows
    the table (a truncated file, or a table that ends the text: either way its row may be short
    because the text stopped, not because a cell was printed blank)."""
    if hits and not text[span[1] :].strip():
        return hits[-1][0]
    return None


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


def blanks_shown_zero(found: dict[str, RowValues], keys: tuple[str, ...]) -> bool:
    """The request table was read whole: every row of ``keys`` holds values.

    Read from run-together text (``TextRequests.run_together``), a row is kept only when the
    column sums check every cell of it with its blanks counted 0 (``solve_columns``), so a
    whole table is the document's own evidence that its blanks are zeros.
    """
    return all(k in found and any(c is not None for c in found[k].cells) for k in keys)

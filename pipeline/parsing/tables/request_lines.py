"""The request table read line by line, when rows lost their labels or their values left them.

Converter text and markdown print a row's values on a line of their own, above or below its
label, or a label cut into pieces: each line's label and values are collected
(``table_lines``) and placed by the labels they keep, in the template's order, or left null.
"""

from __future__ import annotations

import re

from pipeline import template as tpl
from pipeline.parsing.cells import (
    MERGED,
    Cell,
    RowValues,
    assign_row,
    cells_from_segment,
    classify,
    continues,
    line_values,
    merged_apart,
)
from pipeline.parsing.labels import request_row_pattern
from pipeline.parsing.normalize import CJK, TABLE_START, normalize
from pipeline.parsing.place import clean
from pipeline.parsing.tables.request_columns import (
    LAST_UNSURE,
    empty_last_field,
    header_columns,
    laid_out_header,
)
from pipeline.parsing.tables.request_order import lost_label, order_confirmed, rows_in_order
from pipeline.parsing.tables.text_rows import LineRow, Span, value_tokens

_ROW_OF_VALUES = re.compile(r"[ \t]*(?:[\d.]+[ \t]+)+[\d.]+[ \t]*")


_PIECE_THEN_VALUES = re.compile(r"([^\t]*?(?:[\u4e00-\u9fff）)”]|(?<![\d.])[1-9][.、]))[ \t]+((?:[\d.]+[ \t]+)+[\d.]+)[ \t]*")
"""A line of label text (or a label's start, its item number: "（三）不予公开7.") ending in a row's
values; moved only when the next line is a label piece."""


_LABEL_PIECE = re.compile(r"[^\d\t（(一二三四五六七八九十]\D{0,11}")
"""A line of a label broken over lines: no digit, no tab, not the start of a row's label
(an item number, "（三）", "四、"), at most twelve characters."""


def values_after_label_lines(text: str, span: Span, n: int) -> str:
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


def request_table_lines(text: str, span: Span, page_of, keys: tuple[str, ...]) -> list[LineRow]:
    """The tab (or pipe) lines of ``span`` that hold a value, each split into label and cells.

    A line that carries on the line above it (``continues``) and is labelled by no row of
    ``keys`` is no row: it marks the row above as continued (not read)."""
    out: list[LineRow] = []
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
        out.append(LineRow(label, seg, label_col, page_of(at), number, at))
    return out


def requests_from_lines(text: str, span: Span, keys: tuple[str, ...], lines: list[LineRow]) -> dict[str, RowValues] | None:
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
    lost = {id(r) for r in lines if not r.label or lost_label(r.label, keys)}  # their own labels lost
    if len(lines) < len(keys) // 2 or not lost:
        return None
    # the header's 自然人 column, when the header is a tab line: then a row's blank cells are placed too
    header = laid_out_header(text, span, header_columns(text, span[0], lines[0].at), lines)
    found: dict[str, RowValues] = {}
    order: list[tuple[int | None, LineRow]] = []  # (template index or None for unlabeled, row)
    last_unsure = empty_last_field(text, span, [(r.seg, r.at) for r in lines], n)[1]
    labelled = [r for r in lines if id(r) not in lost]
    rows_of = dict(zip(map(id, labelled), rows_in_order([normalize(r.label) for r in labelled], keys), strict=True))
    for r in lines:
        k = rows_of.get(id(r))
        if k is None:  # a row of values with no label, only a piece of one, or one out of the table's order
            order.append((None, r))
            continue
        if id(r.seg) in last_unsure and len(value_tokens(r.seg)) < n:
            found[keys[k]] = RowValues([None] * n, [LAST_UNSURE], r.page)
        else:
            value_col, header_width = header.at(r.at, r.seg, n)
            vals, issues = assign_row(r.seg, n, value_col, r.label_col, header_width, total_last=True,
                                      runs_are_rows=not header.laid_out)
            found[keys[k]] = RowValues(vals, issues, r.page)
        order.append((k, r))
    tentative: dict[str, RowValues] = {}
    prev = -1
    gap: list[LineRow] = []
    for idx, r in [*order, (len(keys), None)]:
        if idx is None:
            gap.append(r)  # type: ignore[arg-type]
            continue
        between = [k for k in keys[prev + 1 : idx] if k not in found]
        if gap and len(gap) == len(between):
            for key, row in zip(between, gap, strict=True):
                cells = value_tokens(row.seg)
                if row.seg.tabbed and any(c.reason == MERGED for c in cells):
                    cells = merged_apart(row.seg.cells, n) or cells  # "| 23 | 0 | 0 0 | 0 | 0 23 |": its n values
                if len(cells) == n and "" not in row.seg.cells and all(clean(c) for c in cells):
                    tentative[key] = RowValues(list(cells), [(
                        "template_order", "an unlabeled row placed by the template's order; every sum confirms it")],
                        row.page, "template_order")
        gap = []
        prev = idx
    if tentative and order_confirmed({**found, **tentative}, tentative, keys):
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

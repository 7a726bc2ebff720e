"""Section 二's article-20 tables read from text: each row's values after its label.

Values are placed under the header's columns when the text lays them out, or by the row's
own tokens when they are as many as its columns; a converter that printed a row's values on
the lines above its label is read there, and a row cut short stays null.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from pipeline import template as tpl
from pipeline.parsing.cells import (
    PAGE_MARK,
    Cell,
    RowValues,
    SegmentCells,
    assign_row,
    cells_from_segment,
    classify,
    spread_over_lines,
)
from pipeline.parsing.labels import ARTICLE20_LABELS, article20_pattern
from pipeline.parsing.normalize import CJK, TABLE_START, compact
from pipeline.parsing.place import place_tokens
from pipeline.parsing.tables.text_rows import (
    DIGIT,
    INTERLEAVED,
    SPREAD,
    Span,
    anchor_rows,
    row_stretches,
    tab_col,
    trim_cut,
    value_tokens,
)

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
    hits = anchor_rows(text, span, patterns)
    if len(hits) < len(patterns):
        # the small tables may come in another order (a converter put the first one last):
        # each item's label is distinct, so each is found on its own
        hits = sorted(((k, m.start(), m.end()) for k, pat in patterns if (m := pat.search(text, *span))),
                      key=lambda h: h[1])
    # each row's key, cells and offset, read once for the checks below and the rows themselves
    segments = list(row_stretches(text, span, hits))
    rows = [(key, cells_from_segment(trim_cut(text, at, seg), tab_col(text, at)), at) for key, seg, at in segments]
    # a row's stretch running on into the next small table (its heading, its header line) holds
    # that table's words after the row's values: no sign of a drawing order; cut there for it
    # (read again only where a heading cuts it)
    drawing_order = _drawing_order(hits, [
        (key, cells if (cut := _before_heading(text, at, seg)) == seg
         else cells_from_segment(trim_cut(text, at, cut), tab_col(text, at)), at)
        for (key, seg, at), (_k, cells, _a) in zip(segments, rows, strict=True)])
    before_empty = _before_empty(rows)
    read_above: set[str] = set()  # rows whose values stood above their label (``_values_above``)
    # the text of a paged document (a PDF's pages, pdftotext's form feeds) follows an inferred reading order
    paged = (page_of(max(len(text) - 1, 0)) or 1) > 1
    unmarked = paged and _short_unmarked(rows, template)
    for idx, ((key, cells, at), (_k, start, _s)) in enumerate(zip(rows, hits, strict=True)):
        # in a tab table the values sit in the columns right after the label
        label_col = tab_col(text, start)
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
        heading_cut = head is not None and DIGIT.search(text, head.end(), stop) is not None
        if heading_cut:
            # a number after another small table's heading ("第二十条第（六）项") in the row's stretch
            # is that table's or the page's (markitdown printed 行政许可, blank, then (六)'s heading
            # and header, then 行政处罚's 0 above its label; pdftotext -layout "行政许可 550", the
            # heading, then the page's "-2-"): the row is what stands before the heading, and
            # when nothing does, not read
            cells = cells_from_segment(text[at : head.start()], tab_col(text, at))
        if value_tokens(cells) and _after_other_words(text[at:stop], text[start:at]):
            found[key] = RowValues([None] * len(cols), [(
                "cells_unplaced", "this row's label line holds no value, and its first value stands after "
                "words that are no part of its label (another row's, whose label was not found): "
                "not this row's for certain; not read")], page_of(at))
            continue
        if not value_tokens(cells) and (above := _values_above(text, start, template, key)) is not None:
            found[key] = RowValues(above, [], page_of(at))
            read_above.add(key)
            continue
        if heading_cut and not value_tokens(cells):  # the number after the heading was all the stretch held
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
            why = INTERLEAVED if cells.interleaved or drawing_order else SPREAD
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
        found[key] = place_tokens(value_tokens(cells), len(cols), signed=signed).row(page_of(at))
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


def _values_above(text: str, start: int, template: str, key: str) -> list[Cell | None] | None:
    """The value row printed just above a label that stands alone on its line, when it can be no other row's.

    markitdown prints a tall row's label after the row when the label's text sits lower than
    its values: "|  | 396 | 0 | 181 |" then "行政许可" on a line of its own, under the header
    of its small table. Taken only when the label's own stretch holds no value, the line above
    the label is a row of fields with an empty first one and exactly ``n`` numbers after it
    (or a row of the header's own markdown table whose numbers stand one under each column
    head and whose other fields are empty, ``_under_header``: the converter's padding columns),
    and above that, up to the small table's heading, stand no number and no other row's label
    (only the header's words): the row above the label is then the table's first, and the
    label the first one printed after it. Otherwise None.
    """
    n = len(tpl.columns("article20", template, key))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    label_line = text[line_start : line_end if line_end >= 0 else len(text)]
    if text[line_start:start].strip() or "\t" in label_line or DIGIT.search(label_line):
        return None
    raw = [ln for ln in text[:line_start].split("\n")[:-1][-(ABOVE_LINES + 1) :] if ln.strip()]
    lines = [ln for ln in raw if ln.strip() != TABLE_START]
    if len(lines) < 2:
        return None
    if "\t" in lines[-1]:
        fields = lines[-1].split("\t")
        if len(fields) != n + 1 or fields[0].strip():
            fields = _under_header(raw, _column_heads(template, key))
            if fields is None:
                return None
        else:
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
        if DIGIT.search(lines[k]) or any(article20_pattern(key).search(lines[k]) for key in ARTICLE20_LABELS):
            return None
    return None


def _column_heads(template: str, key: str) -> list[str]:
    """The first four characters of each column head of an article-20 row, as headers print them."""
    return [compact(tpl.label("article20", template, key, c).zh_column)[:4] for c in tpl.columns("article20", template, key)]


def _under_header(raw: list[str], heads: list[str]) -> list[str] | None:
    """The fields under the column heads of a value row printed right under its small table's header.

    ``raw``: the non-blank lines above the label, the last one the value row. A converter gives
    a markdown table padding columns of its own (``|信息内容|本年新制作数量||对外公开总数量||``,
    every row of the table alike): the value row's fields stand under the header's when the
    header is the line right above it, the two lines start one markdown table (the rule line
    after the header, none after the value row) and hold as many fields; the header names the
    label column (信息内容, nothing before it) and then each column head once, in order, a
    field each. Its values are the fields under the heads, taken only when every other field
    of the row (the label's, the padding) is empty. Otherwise None.
    """
    if len(raw) < 3 or raw[-2].strip() != TABLE_START:
        return None
    header = [compact(f) for f in raw[-3].split("\t")]
    fields = raw[-1].split("\t")
    if len(header) != len(fields):
        return None
    label = next((k for k, f in enumerate(header) if f), None)
    if label is None or header[label] != _A20_HEADER:
        return None
    found = _heads_at(header[label + 1 :], heads)
    if found is None or any(header[label + 2 + found[-1] :]):
        return None  # a field naming no head, or another after the last head
    at = [label + 1 + off for off in found]
    if any(fields[k].strip() for k in range(len(fields)) if k not in at):
        return None
    return [fields[k] for k in at]


def _heads_at(fields: list[str], heads: list[str]) -> list[int] | None:
    """Where in a header line's ``fields`` (compacted) each column head stands, up to the last head.

    Each field up to the last head holds one head (its first four characters) or nothing, the
    heads in the template's order, each once, and no field two of them; fields after the last
    head are not looked at. None when that does not hold.
    """
    found: list[int] = []
    for off, f in enumerate(fields):
        if len(found) == len(heads):
            break  # every head named: fields after them are not the row's columns
        if not f:
            continue
        if heads[len(found)] not in f or sum(g in f for g in heads) != 1:
            return None  # a field naming no head, or the next head out of order, or two at once
        found.append(off)
    return found if len(found) == len(heads) else None


def _before_heading(text: str, at: int, seg: str) -> str:
    """``seg`` (the stretch from ``at``) up to the next small table's heading in it ("第二十条…")."""
    head = _A20_HEADING.search(text, at, at + len(seg))
    return seg[: head.start() - at] if head else seg


def _printed_nothing(seg: SegmentCells) -> bool:
    """No value or blank's mark, and no field on the label's own line: what follows the label is
    another table's heading or header (markitdown left "行政强制" alone, then section (八)'s header row)."""
    return not value_tokens(seg) and not any(line == 0 for line in seg.lines)


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
    heads = _column_heads(template, key)
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
        found = _heads_at(fields[label_col + 1 :], heads)
        return None if found is None else _Heads(len(fields), tuple(found))
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

"""The three tables read from grids: cell geometry places each value in its column.

Readers that see cells (PDF lattices, HTML and DOCX tables, OCR'd grids) hand over
``TableGrid``s; cells are positional, so a blank cell is known to be blank. A row's label
cell finds its template row; its value cells are fitted to the row's columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipeline import template as tpl
from pipeline.document import TableGrid
from pipeline.parsing.cells import Cell, RowValues, assign, classify
from pipeline.parsing.labels import article20_pattern, misread_row, request_row_pattern
from pipeline.parsing.normalize import CJK, normalize
from pipeline.parsing.tables.request_order import rows_in_order


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
    # (``rows_in_order``: a piece of a label holding a later row's label takes no row); OCR'd
    # rows are matched one by one, after the previous row's, a misread label included
    chain = None
    if not any(r.ocr for r in rows):
        labelled = [r for r in rows if r.cells and r.label]
        chain = dict(zip(map(id, labelled), rows_in_order([normalize(r.label) for r in labelled], keys), strict=True))
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

"""Bounds on a table's expanded grid, shared by the HTML and DOCX readers.

Why: spans are the file's own numbers. A 41 KB DOCX with ``gridSpan``/``gridBefore`` of 2e8,
or a 60 KB web page of tables whose cells span a thousand rows and columns each, expands into
hundreds of millions of slots and runs a reader past 8 GB. A report table has tens of columns
and well under a hundred rows, so these bounds are generous for reports and still stop a
hostile grid before it is allocated. Over a bound the file is refused (``TableTooLarge``,
an ``UnreadableFile``) with a reason naming the bound: a truncated grid could shift values
into the wrong columns, and no wrong number is better than a partial table.
"""

from __future__ import annotations

from pipeline.document import UnreadableFile

MAX_TABLE_COLUMNS = 1_000
"""Columns of one table row once spans are expanded (a report table has tens)."""
MAX_TABLE_CELLS = 200_000
"""Slots of one table once spans are expanded, all rows and columns (a report table: ~1,000)."""


class TableTooLarge(UnreadableFile):
    """A table whose expanded grid exceeds ``MAX_TABLE_COLUMNS`` or ``MAX_TABLE_CELLS``."""


def check_columns(columns: int) -> None:
    """Refuse a row that would expand to more than ``MAX_TABLE_COLUMNS`` columns."""
    if columns > MAX_TABLE_COLUMNS:
        raise TableTooLarge(f"a table row spans {columns:,} columns, over the limit of "
                            f"{MAX_TABLE_COLUMNS:,} columns a table may expand to (MAX_TABLE_COLUMNS); not read")


def check_cells(cells: int) -> None:
    """Refuse a table that would expand to more than ``MAX_TABLE_CELLS`` slots in all."""
    if cells > MAX_TABLE_CELLS:
        raise TableTooLarge(f"a table expands to {cells:,} cells, over the limit of "
                            f"{MAX_TABLE_CELLS:,} cells a table may expand to (MAX_TABLE_CELLS); not read")

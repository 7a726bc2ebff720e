"""The three statistical tables, read by the template's row labels.

Two sources feed the same template matching:
- grids (``grid``) from readers that see cell geometry (PDF lattices, HTML, DOCX, OCR):
  cells are positional, so a blank cell is known to be blank;
- text (any reader): rows are found by their labels in template order (``text_rows``), and a
  row's values are the numbers between its label and the next row's label, read per table:
  ``requests_text`` (with ``request_lines``, ``request_columns`` and ``request_order``),
  ``article20_text`` and ``review_text``.
"""

from pipeline.parsing.tables.article20_text import article20_from_text
from pipeline.parsing.tables.grid import (
    GridRow,
    article20_from_grid,
    grid_rows,
    requests_from_grid,
    review_from_grid,
)
from pipeline.parsing.tables.requests_text import (
    TextRequests,
    blanks_shown_zero,
    read_requests_text,
    requests_from_text,
)
from pipeline.parsing.tables.review_text import review_from_text

__all__ = [
    "GridRow",
    "TextRequests",
    "article20_from_grid",
    "article20_from_text",
    "blanks_shown_zero",
    "grid_rows",
    "read_requests_text",
    "requests_from_grid",
    "requests_from_text",
    "review_from_grid",
    "review_from_text",
]

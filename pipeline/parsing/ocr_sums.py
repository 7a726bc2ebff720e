"""OCR'd numbers with a doubtful digit, left blank where the format's sums show a misreading.

The OCR reader keeps a number whose digits it read with at least ``DIGIT_SCORE`` confidence,
and marks it doubtful (``Cell.weak``) when a digit stayed below its sure level: scan noise
beside a "0" can be read as one more digit at 0.90 ("70"). A failed sum alone is no proof
of a misreading, as sources print sums that do not add up (the real WPS report prints two),
and a doubtful digit alone is usually right. Together they are enough: where a sum of the
format fails on the values read, every doubtful OCR number in it is left blank, with an
issue that names the sum that failed; confident numbers stay as read (and a sum still
evaluable on them is reported as failed, as before).

A sum fails when every value in it is known and the two sides differ, or when the values
missing all stand on one side and the known values of that side already exceed the other
(counts are never negative). The sums are the relations ``checks`` evaluates
(``request_relations``, ``review_relations``), under the checks' rule names.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline import template as tpl
from pipeline.parsing.cells import Cell, RowValues
from pipeline.parsing.checks import Relation, Where, lookup, request_relations, review_relations


def _fails(relation: Relation, value: Callable[[Where], float | None]) -> bool:
    """Whether the sum fails on the values read, counting what is missing as unknown but never negative."""
    def side(cells: tuple[Where, ...]) -> tuple[float, bool]:
        values = [value(w) for w in cells]
        return sum(v for v in values if v is not None), any(v is None for v in values)

    a, a_open = side(relation.expected)
    b, b_open = side(relation.actual)
    if a_open and b_open:
        return False
    if a_open:
        return b < a - 1e-9  # what is missing on the left can only add to it
    if b_open:
        return a < b - 1e-9
    return abs(a - b) > 1e-9


def withhold_doubtful(rec: dict, found: dict[str, dict[str, RowValues]], template: str) -> None:
    """Blank every doubtful OCR number (``Cell.weak``) in a sum that fails; ``found``: table -> row -> RowValues."""
    weak: dict[Where, str] = {}
    for table, rows in found.items():
        for row, values in rows.items():
            columns = tpl.REVIEW_RESULTS if table == "review_litigation" else tpl.REQUEST_COLUMNS
            for col, cell in zip(columns, values.cells, strict=False):
                if isinstance(cell, Cell) and cell.weak and cell.value is not None:
                    weak[(table, row, col)] = cell.weak
    if not weak:
        return
    blank: dict[Where, str] = {}
    value = lookup(rec)
    relations = request_relations(rec["requests"], template) + review_relations(rec["review_litigation"])
    # a row's own sum first: the issue names the first failing sum, and that one points at the row read
    for relation in sorted(relations, key=lambda r: not r.rule.startswith("requests.applicants.")):
        if _fails(relation, value):
            for where in (*relation.expected, *relation.actual):
                if where in weak and where not in blank:
                    blank[where] = relation.rule
    for (table, row, col), why in blank.items():
        value = rec[table][row][col]
        rec[table][row][col] = None
        key = f"{table}.{row}.{col}"
        rec["cell_methods"].pop(key, None)
        rec["issues"].append({"severity": "warning", "code": "value_unreadable", "where": key,
                              "detail": f"read by OCR as {value} with {weak[(table, row, col)]}, left blank: "
                                        f"the sum {why} fails on the values read, so one of them was misread"})

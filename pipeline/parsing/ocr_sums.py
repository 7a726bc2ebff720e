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
(counts are never negative). The sums are the ones ``checks`` evaluates: a request row's
total over its six applicant columns, a review or litigation group's total over its results,
and per request column 新收 + 上年结转 = 总计 + 结转下年度 and the outcome rows = 总计.
"""

from __future__ import annotations

from pipeline import template as tpl
from pipeline.parsing.cells import Cell, RowValues

Where = tuple[str, str, str]  # (table, row, column)
Sum = tuple[str, list[Where], list[Where]]  # the check's rule name, and two sides that must be equal


def _sums(requests: dict, template: str) -> list[Sum]:
    """The sums ``checks`` evaluates, named by its rules."""
    group = tpl.printed_group(requests, template)
    rows = tpl.record_request_rows(template, group)
    out: list[Sum] = [(f"requests.applicants.{r}", [("requests", r, "total")],
                       [("requests", r, c) for c in tpl.APPLICANT_COLUMNS]) for r in rows]
    outcomes = tpl.outcome_rows(requests, template)
    for c in tpl.REQUEST_COLUMNS:
        out.append((f"requests.balance.{c}", [("requests", "new_received", c), ("requests", "carried_over", c)],
                    [("requests", "total_processed", c), ("requests", "carried_forward", c)]))
        out.append((f"requests.outcomes.{c}", [("requests", "total_processed", c)],
                    [("requests", r, c) for r in outcomes]))
    out += [(f"review_litigation.sum.{g}", [("review_litigation", g, "total")],
             [("review_litigation", g, r) for r in tpl.REVIEW_RESULTS[:-1]]) for g in tpl.REVIEW_GROUPS]
    return out


def _fails(rec: dict, total: list[Where], parts: list[Where]) -> bool:
    def side(cells: list[Where]) -> tuple[float, bool]:
        values = [rec[t].get(r, {}).get(c) for t, r, c in cells]
        return sum(v for v in values if v is not None), any(v is None for v in values)

    a, a_open = side(total)
    b, b_open = side(parts)
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
    for rule, total, parts in _sums(rec["requests"], template):
        if _fails(rec, total, parts):
            for where in (*total, *parts):
                if where in weak and where not in blank:
                    blank[where] = rule
    for (table, row, col), why in blank.items():
        value = rec[table][row][col]
        rec[table][row][col] = None
        key = f"{table}.{row}.{col}"
        rec["cell_methods"].pop(key, None)
        rec["issues"].append({"severity": "warning", "code": "value_unreadable", "where": key,
                              "detail": f"read by OCR as {value} with {weak[(table, row, col)]}, left blank: "
                                        f"the sum {why} fails on the values read, so one of them was misread"})

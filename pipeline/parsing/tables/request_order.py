"""Which request row a line's label stands for, and when rows placed by the template's order hold.

A converter can cut a row's label (a narrow cell's middle line, "计其他") or lose it: labels are
matched to rows as a chain in the template's order, pieces of group headings or of other
rows' labels are no row's, and rows placed by order alone are kept only when every sum of
the table confirms them.
"""

from __future__ import annotations

from pipeline import template as tpl
from pipeline.parsing.cells import RowValues
from pipeline.parsing.labels import REQUEST_LABELS, request_row_pattern
from pipeline.parsing.normalize import compact, normalize

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


def rows_in_order(labels: list[str], keys: tuple[str, ...]) -> list[int | None]:
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


def lost_label(label: str, keys: tuple[str, ...]) -> bool:
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


def order_confirmed(table: dict[str, RowValues], tentative: dict[str, RowValues], keys: tuple[str, ...]) -> bool:
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

"""The one placement step: a row's value tokens to the template's columns, or null.

Every reader hands its rows over as found (``FoundRow``: the label, the value tokens, the
page, and how much the source says about where each token sits). This module alone decides
which column a token goes to, by the trust rules:

- cell geometry (a grid, a tab or pipe row with positions) places each token in its column;
- a delimited row holding exactly one clean token per column is read left to right;
- otherwise the tokens are digits whose separators were lost (crawler text, a short row):
  they are split into cells only where the format's own sums allow exactly one split
  (``solved``); several splits or none leave the row null with ``ambiguous_split``.

A row with fewer values than columns is never filled left to right, a token never stands
for several cells, and a token printed with a leading zero ("000023") is never one cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.parsing.cells import Cell, RowValues
from pipeline.parsing.runs import Undecidable, splits

# one cell as a token may hold it: "0", a number without a leading zero, or a negative one
_CLEAN = re.compile(r"^(?:0|-?[1-9]\d*)$")
_SPLITTABLE = re.compile(r"^-?\d+$")
MAX_DIGITS = 60  # a longer run of digits is not a row: left null rather than searched
MAX_SPLITS = 64


@dataclass
class Placement:
    """The outcome for one row: its cells (null where not certain), how, and what is left open.

    ``candidates``: the splits still possible when the row's own sums leave several; a
    table-wide step (column sums) may single one out.
    """

    cells: list[Cell | None]
    method: str | None
    issues: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[tuple[int | None, ...]] = field(default_factory=list)

    def row(self, page: int | None) -> RowValues:
        return RowValues(self.cells, list(self.issues), page, self.method or "delimited")


def clean(cell: Cell) -> bool:
    """A token that can be one cell: a null mark, a decimal, a unit value, or an integer without a leading zero."""
    raw = cell.raw.replace(",", "")
    if cell.value is None or cell.unit or "." in raw:
        return True
    return bool(_CLEAN.match(raw.lstrip("+")))


def _compositions(tokens: list[str], n: int, signed: frozenset[int], forced_only: bool) -> list[tuple[int, ...]]:
    """Every way to cut ``tokens`` into ``n`` cells (no cell across tokens, none with a leading zero).

    A "-" may open a cell only in a column of ``signed`` (the 2019 本年增/减): the sign is
    where a cell starts, so "2648-18538" is 2648 | -185.. | ..38, never one number.
    ``forced_only`` (a row without sums): only a token that cannot be one cell ("000") is
    cut; a token that can ("27") stays whole, since a cell lost beside it (a blank the text
    could not show, a cut) would otherwise be filled by its digits. The cut is the only one
    the rule that no cell but "0" starts with 0 forces: its leading zeros are peeled off one
    cell each and the rest stays whole ("016" is 0 | 16, never 0 | 1 | 6: "0", blank, "16"
    prints the same), so the split exists only when that makes exactly ``n`` cells.
    """
    out: list[tuple[int, ...]] = []

    def cut(ti: int, pos: int, col: int, acc: list[int]) -> None:
        if len(out) > MAX_SPLITS:
            return
        if ti == len(tokens):
            if col == n:
                out.append(tuple(acc))
            return
        tok = tokens[ti]
        if pos == len(tok):
            cut(ti + 1, 0, col, acc)
            return
        if col == n:
            return
        neg = tok[pos] == "-"
        start = pos + 1 if neg else pos
        if neg and col not in signed:
            return
        if start >= len(tok):
            return
        if tok[start] == "0":
            ends = [start + 1]
        elif forced_only:  # whole, up to a sign that opens the next cell ("2648-185")
            ends = [tok.find("-", start) if "-" in tok[start:] else len(tok)]
        else:
            ends = list(range(start + 1, len(tok) + 1))
        for e in ends:
            if neg and tok[start:e] == "0":
                continue
            acc.append(int(tok[pos:e]))
            cut(ti, e, col + 1, acc)
            acc.pop()

    cut(0, 0, 0, [])
    return out


def place_tokens(cells: list[Cell], n: int, *, sums: tuple[int, int] | None = None,
                 signed: frozenset[int] = frozenset(), blanks: bool = False) -> Placement:
    """Place one row's value tokens (``Cell``s as printed, left to right) into ``n`` columns.

    ``sums``: the row's own sum structure, ``(groups, size)`` — each group of ``size`` cells
    ends with the total of the others (a request row: (1, 7); the review table: (3, 5)).
    Without it (article 20) only tokens that cannot be one cell ("000") are cut, and only
    when the digits allow exactly one split.
    ``blanks``: a part may have been printed blank (no digits; it comes out null). Only the
    caller knows when that is so: the table is run together (``run_together_table``) and the
    row is not where the text is cut. A short delimited row lost or had cut a cell, and a
    blank must never stand in for what the cut took (its digits would shift into place).
    """
    if len(cells) == n and all(clean(c) for c in cells):
        return Placement(list(cells), "delimited")
    if len(cells) > n:
        return Placement([None] * n, None, [("cells_extra", f"{len(cells)} values for {n} columns: not read (ambiguous)")])
    raws = [c.raw.replace(",", "") for c in cells]
    if not cells or not all(_SPLITTABLE.match(r) for r in raws) or sum(map(len, raws)) > MAX_DIGITS:
        return Placement([None] * n, None, [(
            "cells_short", f"{len(cells)} values for {n} columns and no cell positions: not read")])
    found: list[tuple[int | None, ...]]
    if sums is not None and not any(r.startswith("-") for r in raws):
        try:
            found = [tuple(s) for s in splits(raws, *sums, blanks=blanks)]
        except Undecidable:
            return Placement([None] * n, None, [("ambiguous_split", "digits ran together; too many splits to decide: not read")])
    else:
        found = _compositions(raws, n, signed, forced_only=sums is None)
        if sums is not None:
            groups, size = sums
            found = [s for s in found if all(sum(s[g * size : g * size + size - 1]) == s[g * size + size - 1]  # type: ignore[arg-type]
                                             for g in range(groups))]
    found = list(dict.fromkeys(found))
    # both searches stop at 64 splits: that many may be a list cut short, never a complete one,
    # so the column sums must not pick the "only" consistent split out of it
    complete = len(found) < MAX_SPLITS
    if len(found) == 1:
        blanks = sum(v is None for v in found[0])
        return Placement([None if v is None else Cell(v, str(v)) for v in found[0]], "solved", [(
            "recovered_from_sums", f"{len(cells)} tokens for {n} columns; the only split "
            + ("whose totals equal their parts" if sums else "the digits allow")
            + (f" ({blanks} cell(s) printed blank: null)" if blanks else ""))])
    if not found and all(clean(c) for c in cells):
        return Placement([None] * n, None, [(
            "cells_short", f"{len(cells)} values for {n} columns and no cell positions: not read")])
    what = f"{len(found)}{'' if complete else '+'} splits fit" if found else "no split fits"
    return Placement([None] * n, None, [("ambiguous_split", f"digits ran together; {what}"
                                         + (" the row's sums" if sums else "") + ": not read")],
                     found if sums and 1 < len(found) and complete else [])


def shows_glued(cells: list[Cell], n: int, *, total_last: bool) -> bool:
    """Whether a short row's own tokens show digits of several cells run together.

    At most half as many tokens as cells (``run_together_table``'s measure, for one row), a
    token that starts with a 0 and goes on ("000", "0120") or, where the row ends in its
    total, a token larger than that total: some token holds more than one cell. Without such evidence,
    or the table's (``run_together_table``), a row of spaced tokens short of its columns
    lost a blank cell's place (a converter prints a blank as nothing): cutting a token in
    two to make up the count would invent two numbers ("… 0 22" read as "2 | 2").
    """
    raws = [c.raw.replace(",", "") for c in cells]
    if len(cells) <= n // 2 or any(len(r) > 1 and r.startswith("0") and _SPLITTABLE.match(r) for r in raws):
        return True
    values = [c.value for c in cells]
    if total_last and len(values) > 1 and all(isinstance(v, int) for v in values):
        return max(values[:-1]) > values[-1]  # type: ignore[type-var]
    return False


def run_together_table(rows: list[list[Cell]], n: int, *, least: int = 3) -> bool:
    """Layout evidence that a table's rows are run together, so a blank cell left no trace.

    ``rows``: the table's rows' value tokens (not the row the text is cut in). Run together:
    no null mark anywhere (a layout that prints "-" or "/" for a blank shows its blanks), at
    least ``least`` rows with values (a text cut early leaves few: those few must show it), and at least two thirds of them with at most half as
    many tokens as cells (a delimited row keeps a token per printed cell; a row that lost a
    few stays null, never filled). Only then may ``place_tokens`` assume blank cells.
    """
    rows = [r for r in rows if r]
    if len(rows) < least or any(c.value is None or not _SPLITTABLE.match(c.raw) for r in rows for c in r):
        return False
    short = sum(len(r) <= n // 2 for r in rows)
    return 3 * short >= 2 * len(rows)


# -- across rows: the column sums -----------------------------------------------------------

Equation = tuple[tuple[str, ...], tuple[str, ...]]
"""Per column: the rows on the left sum to the rows on the right."""

MAX_STEPS = 50_000  # splits tried across rows: beyond it every open row stays null


def request_equations(printed: tuple[str, ...]) -> list[Equation]:
    """The request table's column sums over the rows the page prints.

    新收 + 上年结转 = 总计 + 结转下年度, and the outcome rows (予以公开 … 其他处理) = 总计.
    """
    out: list[Equation] = [(("new_received", "carried_over"), ("total_processed", "carried_forward"))]
    if "granted" in printed and "total_processed" in printed:
        out.append((printed[printed.index("granted") : printed.index("total_processed")], ("total_processed",)))
    return out


def solve_columns(fixed: dict[str, list[int | None]], pending: dict[str, list[tuple[int | None, ...]]],
                  equations: list[Equation], width: int) -> dict[str, tuple[int | None, ...] | None]:
    """Narrow the rows left open by their own sums with the column sums, all rows at once.

    ``pending`` also holds the rows their own sum already decided (one candidate): a split
    is taken only when it satisfies every sum, so a column sum it breaks (a blank the text
    could not show shifted its digits) sends it back to null.

    Every assignment of the pending rows' candidate splits that makes every evaluable column
    equation hold is enumerated (values are never negative, so a partial sum above its
    other side prunes). A row gets the split it has in every such assignment; a row with
    several, or a table with none (the source breaks a sum, or the search ran out of steps),
    stays open (None). An equation touching a row that is missing or has a null in the
    column says nothing about that column. A blank part of a split (``None`` in a candidate)
    counts 0, as in the row's own sum: blanks are assumed only where zeros are left blank
    (a blank hiding another value breaks the row's printed sum, so its true split is not a
    candidate and the sums, across rows too, almost never close on another: it stays null).
    Only the equations of the row just chosen are checked at each step.

    A row is taken only when every one of its columns enters an evaluable column sum. In a
    table whose blanks left no trace (run together, or spaced by a converter that prints a
    blank as nothing) a blank may hide a non-zero value, which breaks the row's printed sum:
    its true split is then no candidate, and a wrong one can fit the row's own sum by chance
    (7 5 6 0 0 1 19 out of "7 [blank] [blank] 56 0 0 119"). Such a row, and the rows around it
    that its broken sums leave unread, silence the column sums; a row they cannot check
    stays null.
    """
    keys = sorted(pending, key=lambda k: len(pending[k]))
    usable: list[tuple[int, Equation]] = []
    for eq in equations:
        rows = eq[0] + eq[1]
        if not any(r in pending for r in rows):
            continue
        for col in range(width):
            if all(r in pending or (r in fixed and fixed[r][col] is not None) for r in rows):
                usable.append((col, eq))
    checked = {(k, col) for col, eq in usable for k in eq[0] + eq[1] if k in pending}
    unchecked = {k for k in pending if any((k, col) not in checked for col in range(width))}
    if not usable:  # no column sum can be evaluated: a row's own unique split stands alone
        return {k: v[0] if len(v) == 1 and k not in unchecked else None for k, v in pending.items()}
    seen: dict[str, set[tuple[int | None, ...]]] = {k: set() for k in keys}
    chosen: dict[str, tuple[int | None, ...]] = {}
    steps = [0]
    touching = {k: [(col, eq) for col, eq in usable if k in eq[0] or k in eq[1]] for k in keys}

    def value(r: str, col: int) -> int | None:
        """The cell's value; None while its row is not chosen yet; a chosen split's blank is 0."""
        if r in chosen:
            return chosen[r][col] or 0
        if r in pending:
            return None
        return fixed[r][col]

    def consistent(k: str) -> bool:
        for col, (left, right) in touching[k]:
            lv = [value(r, col) for r in left]
            rv = [value(r, col) for r in right]
            ls = sum(v for v in lv if v is not None)
            rs = sum(v for v in rv if v is not None)
            if None not in lv and None not in rv:
                if ls != rs:
                    return False
            elif None not in lv and rs > ls:
                return False
            elif None not in rv and ls > rs:
                return False
        return True

    class _Budget(Exception):
        pass

    def walk(i: int) -> None:
        if i == len(keys):
            for k in keys:
                seen[k].add(chosen[k])
            return
        k = keys[i]
        for cand in pending[k]:
            steps[0] += 1  # a step is one split tried (each costs a check of its equations)
            if steps[0] > MAX_STEPS:
                raise _Budget
            chosen[k] = cand
            if consistent(k):
                walk(i + 1)
            del chosen[k]

    try:
        walk(0)
    except _Budget:
        return dict.fromkeys(pending)
    return {k: next(iter(v)) if len(v) == 1 and k not in unchecked else None for k, v in seen.items()}

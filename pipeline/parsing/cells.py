"""Reading one row's values: tokens to cells, and cells to the template's columns.

The rule everywhere: a number is a cell, a dash or slash is a cell that is explicitly
empty (null), and text is label. Values are never shifted to make a row add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_WITH_UNIT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(万元|元|亿元|件|条|个|项)$")
_NULL_MARKS = {"/", "-", "--", "\\", "无", "空", "——", "---", "/ ", "×"}

Number = int | float


@dataclass
class Cell:
    """One value cell: ``value`` is None for a blank or a dash; ``unit`` when printed with it."""

    value: Number | None
    raw: str
    unit: str | None = None


@dataclass
class RowValues:
    """What was read for one template row."""

    cells: list[Cell | None]
    issues: list[tuple[str, str]] = field(default_factory=list)
    page: int | None = None


def parse_number(token: str) -> Number | None:
    t = token.strip()
    if not _NUMBER.match(t):
        return None
    t = t.replace(",", "")
    return float(t) if "." in t else int(t)


def classify(token: str) -> Cell | str | None:
    """A Cell for a value or a null mark, "" for an empty cell, None for label text."""
    t = token.strip()
    if t == "":
        return ""
    n = parse_number(t)
    if n is not None:
        return Cell(n, t)
    if t in _NULL_MARKS or re.fullmatch(r"[-/\\]+", t):
        return Cell(None, t)
    m = _WITH_UNIT.match(t)
    if m:
        return Cell(parse_number(m.group(1)), t, m.group(2))
    return None


def cells_from_segment(segment: str) -> tuple[list[Cell | str], bool]:
    """Value cells in a stretch of text between two row labels.

    Returns the cells (a Cell, or "" for an empty tab cell between values) and whether
    the text was tab-structured. With tabs, an empty cell between two values is a blank
    cell; empty cells before the first value are the label's merged columns, and after
    the last one are layout, so both are dropped. Without tabs only numbers and null
    marks count.
    """
    out: list[Cell | str] = []
    tabbed = "\t" in segment
    for line in segment.split("\n"):
        if tabbed and "\t" in line:
            kinds = [classify(c) for c in line.split("\t")]
            idx = [i for i, k in enumerate(kinds) if isinstance(k, Cell)]
            if not idx:
                continue
            for k in kinds[idx[0] : idx[-1] + 1]:
                if isinstance(k, Cell):
                    out.append(k)
                elif k == "":
                    out.append("")
        else:
            for tok in line.split():
                k = classify(tok)
                if isinstance(k, Cell):
                    out.append(k)
    return out, tabbed


def assign(cells: list[Cell | str], n: int) -> tuple[list[Cell | None], list[tuple[str, str]]]:
    """Fit read cells to ``n`` template columns, left to right, never guessing.

    Fewer cells than columns: the leading columns get them and the rest stay null (a
    column lost in extraction is reported). More cells than columns: the row cannot be
    read without guessing which is extra, so every cell stays null and the row is reported.
    """
    vals: list[Cell | None] = [c if isinstance(c, Cell) else None for c in cells]
    if len(vals) == n:
        return vals, []
    if len(vals) < n:
        return vals + [None] * (n - len(vals)), [
            ("cells_short", f"{len(vals)} values for {n} columns; the last {n - len(vals)} are null")
        ]
    return [None] * n, [("cells_extra", f"{len(vals)} values for {n} columns: not read (ambiguous)")]

"""Rows found by their labels in a report's text, and the value tokens of each.

The text readers of the three tables (``requests_text``, ``article20_text``, ``review_text``)
find each row by the template's label patterns in order and take its values from the text
up to the next row's label; this module holds what they share: the anchors (a longest chain
of labels in order when the first matches skip rows), a row's stretch of text, a line's
fields, and the issues every reader raises alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.parsing.cells import Cell, SegmentCells
from pipeline.parsing.labels import REQUEST_LABELS
from pipeline.parsing.place import Placement, clean, place_tokens

Span = tuple[int, int]


def anchor_rows(text: str, span: Span, patterns: list[tuple[str, re.Pattern[str]]]) -> list[tuple[str, int, int]]:
    """Find each row label in order within ``span``; a row not found is skipped.

    Each label is taken at its first match after the previous row's. When that leaves rows
    out which a longer chain of matches in order would hold (a converter printed some labels
    in a cluster after rows printed with theirs: the first match of （一）予以公开 in the cluster
    skipped rows 2, 4 and 5 before it), the longest chain is taken instead."""
    pos, end = span
    hits: list[tuple[str, int, int]] = []
    for key, pat in patterns:
        m = pat.search(text, pos, end)
        if m:
            hits.append((key, m.start(), m.end()))
            pos = m.end()
    if len(hits) < len(patterns):
        longest = _longest_chain(text, span, patterns)
        if len(longest) > len(hits):
            return longest
    return hits


_CHAIN_MATCHES = 400


def _longest_chain(text: str, span: Span, patterns: list[tuple[str, re.Pattern[str]]]) -> list[tuple[str, int, int]]:
    """The most rows whose label matches stand in the template's order (earliest such chain)."""
    matches = [(key, m.start(), m.end()) for key, pat in patterns for m in pat.finditer(text, *span)]
    if len(matches) > _CHAIN_MATCHES:
        return []  # a text matching labels this often is no table to order (and the search is quadratic)
    order = {key: k for k, (key, _p) in enumerate(patterns)}
    # best[i]: (length, -start of the chain's first label, previous index) of the longest chain ending at match i
    best: list[tuple[int, int, int]] = []
    for i, (key, start, _stop) in enumerate(matches):
        top = (1, -start, -1)
        for j in range(i):
            k2, _s2, e2 = matches[j]
            if order[k2] < order[key] and e2 <= start:
                cand = (best[j][0] + 1, best[j][1], j)
                if cand[:2] > top[:2]:
                    top = cand
        best.append(top)
    if not best:
        return []
    i = max(range(len(best)), key=lambda k: (best[k][0], best[k][1], -matches[k][1]))
    chain = []
    while i >= 0:
        chain.append(matches[i])
        i = best[i][2]
    return chain[::-1]


def trim_cut(text: str, at: int, seg: str) -> str:
    """A text that stops inside a row may end on a number cut short: that last token is dropped.

    A final "0" is whole: no cell but 0 itself starts with a 0.
    """
    if seg and at + len(seg) >= len(text) and not seg[-1].isspace() and seg.split() and seg.split()[-1] != "0":
        return seg[: len(seg) - len(seg.split()[-1])]
    return seg


def row_stretches(text: str, span: Span, hits: list[tuple[str, int, int]]):
    """Each row's stretch of text, from the end of its label to the next row's label.

    When digits run into the next row's item number ("0000000" + "2.其他法律…"), the label
    pattern cannot take the number (it looks like part of a value), so it is cut off here:
    the next row's own number, then its dot, at the very end of the stretch.
    """
    for idx, (key, _start, stop) in enumerate(hits):
        nxt = hits[idx + 1][1] if idx + 1 < len(hits) else span[1]
        seg = text[stop:nxt]
        if idx + 1 < len(hits):
            number = REQUEST_LABELS.get(hits[idx + 1][0], (None,))[0]
            if number is not None:
                seg = re.sub(rf"(?<=\d){number}[ \t]*[.、][ \t]*$", "", seg)
        yield key, seg, stop


def tab_col(text: str, offset: int) -> int:
    """Tab column of ``offset`` within its line."""
    return text.count("\t", text.rfind("\n", 0, offset) + 1, offset)


def line_width(text: str, offset: int) -> int:
    """Tab fields of the line holding ``offset``."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text.count("\t", start, len(text) if end < 0 else end) + 1


SPREAD = ("cells_wrapped", "values on several lines, some holding more than one (a tall row or a number "
           "wrapped by a converter): which value is whose column is not certain; not read")


INTERLEAVED = ("cells_interleaved", "words stand between the row's values (a header or another row's label "
                "printed in the PDF's drawing order): the values are not certain to be this row's, in order; not read")


def short_spaced(k: int, n: int) -> tuple[str, str]:
    return ("cells_short", f"{k} values for {n} columns, spaced and none run together: a blank cell "
            "left no place; not read")


def value_tokens(seg: SegmentCells) -> list[Cell]:
    return [c for c in seg.cells if isinstance(c, Cell)]


def cut_short(tokens: list[Cell], n: int) -> Placement:
    """The row the text ends in: read only when it holds exactly one clean token per cell.

    Its digits may stop anywhere in the row, so fewer tokens are never split by the sums: a
    prefix of a row ("3 13 167984" of seven cells) can satisfy a sum by accident (3 | 1 | 3 |
    1 | 67 | 9 | 84), and a blank must not be assumed for what the cut took.
    """
    if len(tokens) == n and all(clean(c) for c in tokens):
        return place_tokens(tokens, n)
    return Placement([None] * n, None, [(
        "cells_short", f"{len(tokens)} values for {n} columns where the text ends: not split (it may be cut)")])


@dataclass
class LineRow:
    """One table line as found: its label (may be empty), its value cells by position, its page."""

    label: str
    seg: SegmentCells
    label_col: int
    page: int | None
    line: int = 0  # its line's number in the span
    at: int = 0  # its line's offset in the text


DIGIT = re.compile(r"\d")

"""Scanned tables ruled only across (no vertical rules): columns from where their numbers stand.

Many agencies draw the tables with horizontal rules only (a "three-line" style, or vertical
rules too light for the scan). The rules give the rows; nothing gives the columns, and a row
whose blank cells left no trace cannot be placed left to right. But within one block of
value rows, the numbers of one column stand over each other (centred, left- or
right-aligned: their extents overlap), and different columns stand apart. So the columns
are the clusters of overlapping number extents, and each number's column is the cluster it
stands in — cell geometry, as a ruled table gives it, taken only when it is unambiguous:

- two numbers on one line in one cluster: the cluster is two columns run together, and the
  block is not read this way;
- two neighbouring clusters that never hold numbers on the same line: they may be one
  column whose numbers are not aligned alike (left in some rows, right in others), and
  its values would slide one column; the block is not read;
- a word crossing into the value columns from the label side: the block is not read.

A block is a run of consecutive value rows (rows holding a number); a row without any
number (a header, a sub-table's heading) ends it, so sub-tables with different columns
(section 二's four small tables) are each clustered on their own. Each block becomes a
``PageTable`` of label + value cells, read like a ruled table from there on (a character
lying across a cell edge, a cell holding two lines of digits, a doubtful digit: null). A
column blank in every row of a block leaves no cluster, so such a block has fewer value
cells than the template's columns and is read as null, never shifted — unless the headings
over the block say where it stands (``read_headings``: only when they agree with every number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np
import pymupdf

from pipeline.readers.ocr_recognise import Glyph, Word, runs_apart
from pipeline.readers.pdf_tables import Box, PageTable

MIN_RULE = 40.0  # points: a horizontal rule at least this long may be a row rule of a table
MAX_ROW = 60.0  # points: rules further apart than this are not rows of one table (3 header lines fit)
ROW_RULE_END = 12.0  # points: a row's rule ends at most this short of the table's right edge
MIN_RULES = 3  # a table has at least two rows between its rules
SAME_RULE = 2.0  # points: rules this close in height bound the same row
PIECE_GAP = 0.5  # share of a character's height: glyphs further apart are separate words
JOIN_GAP = 2.0  # points: unread ink closer than this along a row is one piece (the digits of one number)
MIN_GLYPH = 3.0  # points: unread ink lower than this is a speck
TOUCH = 0.2  # share of a digit's height: number extents overlapping less than this are side by side
HEADING_SPACING = 0.35  # a blank column's heading: the spacing of the headings around it within this share of their mean
APART = 1.5  # characters' heights between two headings that certify two columns
STUB = 0.75  # points: ink at most this high touching a row's edge on a cut is a rule's remnant
CELL_GAP = 0.1  # share of a digit's height clear of ink on each side of a cut through one box over two cells
_CJK = re.compile("[\u4e00-\u9fff]")


@dataclass
class RowRules:
    """A stack of horizontal rules close under each other: the rows of a table without vertical rules."""

    x0: float
    x1: float
    ys: list[float]  # the rows' boundaries, top to bottom, in points


def row_rule_stacks(horizontal: np.ndarray, scale: float, taken: list[pymupdf.Rect]) -> list[RowRules]:
    """Stacks of horizontal rules (``horizontal``: the rule pixels, 255) outside the tables ``taken``."""
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    rules: list[tuple[float, float, float]] = []  # (y, x0, x1) in points
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        if w < MIN_RULE * scale or h > 4 * scale:
            continue
        r = (y + h / 2) / scale, x / scale, (x + w) / scale
        if any(t.x0 - 2 <= r[1] and r[2] <= t.x1 + 2 and t.y0 - 2 <= r[0] <= t.y1 + 2 for t in taken):
            continue
        rules.append(r)
    rules.sort()
    stacks: list[list[tuple[float, float, float]]] = []
    for r in rules:
        if stacks:
            s = stacks[-1]
            x0, x1 = min(q[1] for q in s), max(q[2] for q in s)
            overlap = min(x1, r[2]) - max(x0, r[1])
            if r[0] - s[-1][0] <= MAX_ROW and overlap >= 0.5 * min(x1 - x0, r[2] - r[1]):
                s.append(r)
                continue
        stacks.append([r])
    out = []
    for s in stacks:
        right = max(q[2] for q in s)
        ys: list[float] = []
        for y, _x0, x1 in s:
            # a row's rule runs under its values, to the table's right edge; one ending
            # sooner closes a group of labels (rows of the group still go on beside it)
            if x1 >= right - ROW_RULE_END and (not ys or y - ys[-1] > SAME_RULE):
                ys.append(y)
        if len(ys) >= MIN_RULES:
            out.append(RowRules(min(q[1] for q in s), max(q[2] for q in s), ys))
    return out


def unread_ink(stack: RowRules, words: list[Word], ink: np.ndarray, across: np.ndarray, scale: float,
               taken: list[pymupdf.Rect]) -> list[tuple[int, int, int, int]]:
    """Rectangles (pixels) of the ink between ``stack``'s rules that none of ``words`` covers,
    outside the tables ``taken`` (found by their rules: their cells are read anyway).

    The text detector can pass over a lone small glyph (a "0" standing alone in a cell of a
    row of numbers). In a ruled table the cells are read anyway; here the columns are taken
    from where the numbers stand, so a number the detector missed would leave a gap, and a
    column cut through it refuses the whole block. Each such blob (glyphs closer than
    ``JOIN_GAP`` along the row joined, never across a row rule) is returned with margins,
    to be read as a cell's line is (``recognise_unread``).
    """
    h, w = ink.shape
    x0, x1 = max(0, round(stack.x0 * scale)), min(w, round(stack.x1 * scale))
    y0, y1 = max(0, round(stack.ys[0] * scale)), min(h, round(stack.ys[-1] * scale))
    if x1 <= x0 or y1 <= y0:
        return []
    area = ink[y0:y1, x0:x1].copy()
    area[cv2.dilate(across[y0:y1, x0:x1], np.ones((3, 3), np.uint8)) > 0] = 0  # the row rules
    pad = max(1, round(scale))
    for t in taken:
        area[max(0, round(t.y0 * scale) - y0 - pad) : max(0, round(t.y1 * scale) - y0 + pad),
             max(0, round(t.x0 * scale) - x0 - pad) : max(0, round(t.x1 * scale) - x0 + pad)] = 0
    for word in words:
        area[max(0, round(word.y0 * scale) - y0 - pad) : max(0, round(word.y1 * scale) - y0 + pad),
             max(0, round(word.x0 * scale) - x0 - pad) : max(0, round(word.x1 * scale) - x0 + pad)] = 0
    if not area.any():
        return []
    joined = cv2.dilate(area, np.ones((1, max(1, round(JOIN_GAP * scale))), np.uint8))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats((joined > 0).astype(np.uint8), connectivity=8)
    out = []
    for k in range(1, n):
        bx, by, bw, bh = (int(v) for v in stats[k, :4])
        if bh < MIN_GLYPH * scale:
            continue  # a speck, or what is left of a rule
        side, top = max(2, bh // 2), max(2, bh // 4)
        out.append((x0 + bx - side, y0 + by - top, x0 + bx + bw + side, y0 + by + bh + top))
    return out


def _pieces(w: Word) -> list[Word]:
    """``w`` cut where its characters stand apart by more than half a character's height."""
    glyphs = w.glyphs or [Glyph(w.x0, w.y0, w.x1, w.y1, w.text, w.score)]
    return [Word.of(gs) for gs in runs_apart(glyphs, PIECE_GAP)]


def _same_line(a: Word, b: Word) -> bool:
    return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)


def column_tables(stack: RowRules, words: list[Word], number: int, is_number, ink: np.ndarray,
                  scale: float) -> list[PageTable]:
    """The blocks of value rows of ``stack`` whose columns the numbers' places make certain.

    ``words``: the page's words outside ruled tables; ``is_number``: whether a piece of text,
    as read, is a number (the reader's own test, digit confusions fixed); ``ink``: the page's
    ink mask (255), at ``scale`` pixels per point.
    """
    top, bottom = stack.ys[0], stack.ys[-1]
    inside = [p for w in words if stack.x0 <= w.cx <= stack.x1 and top <= w.cy <= bottom for p in _pieces(w)]
    bands: list[list[Word]] = [[] for _ in stack.ys[:-1]]
    for p in inside:
        for i, (y0, y1) in enumerate(zip(stack.ys, stack.ys[1:], strict=False)):
            if y0 <= p.cy < y1:
                bands[i].append(p)
                break
    numeric = [[p for p in band if is_number(p.text)] for band in bands]
    out: list[PageTable] = []
    block: list[int] = []
    after = 0  # the first band after the last block: the bands from there to a block are its header
    for i in [*range(len(bands)), None]:
        if i is not None and numeric[i]:
            block.append(i)
            continue
        if block:
            header = [(k, p) for k in range(after, block[0]) for p in bands[k]]
            table = _block_table(stack, block, bands, numeric, number, ink, scale, header)
            if table is not None:
                out.append(table)
            after = block[-1] + 1
        block = []
    return out


def _block_table(stack: RowRules, block: list[int], bands: list[list[Word]], numeric: list[list[Word]],
                 number: int, ink: np.ndarray, scale: float, header: list[tuple[int, Word]] = ()) -> PageTable | None:
    """One block of value rows as a table of label + value cells; None when its columns are not certain.

    ``header``: the words of the rows above the block (down from the previous block), each with
    its row (band) index: what they say of the columns (``read_headings``) adds the columns
    blank in every row of the block and tells apart two clusters never side by side.
    """
    from pipeline.readers.ocr import _page_table

    nums = [p for i in block for p in numeric[i]]
    height = median(p.y1 - p.y0 for p in nums)
    clusters = _clusters(nums, height)
    side_by_side = _side_by_side(block, numeric, clusters)
    run_over: list[Word] = []
    if side_by_side is None and (run_over := _run_over(nums, height)):
        # a box the detector drew over two cells' numbers ("170892210134": two wide numbers
        # nearly touching at 150 dpi) joins their columns into one cluster; placed by the
        # other numbers, its columns stand apart, and each cut through the box must pass
        # through a gap as wide as two cells' margins in its row, not between two digits
        # (below); its cells are read again crop by crop
        kept = [[p for p in numeric[i] if p not in run_over] if i in block else [] for i in range(len(numeric))]
        clusters = _clusters([p for i in block for p in kept[i]], height)
        side_by_side = _side_by_side(block, kept, clusters)
    if side_by_side is None:
        return None  # two numbers side by side in one cluster: columns run together
    labels = [p for i in block for p in bands[i] if p not in numeric[i]]
    left = [p.x1 for p in labels if p.x1 <= clusters[0][0]]
    labels_end = max(left) if left else stack.x0
    headings = read_headings(clusters, [(k, p) for k, p in header if p.x0 > labels_end], stack.x1)
    apart = headings.apart if headings else set()
    if any((k, k + 1) not in side_by_side and k not in apart for k in range(len(clusters) - 1)):
        return None  # two neighbouring clusters never hold numbers on one line: maybe one column
    columns = sorted([*clusters, *(headings.blanks if headings else [])])
    first = columns[0][0]
    edge = (labels_end + first) / 2 if left else first - height / 2
    middles = [(a[1] + b[0]) / 2 for a, b in zip(columns, columns[1:], strict=False)]
    # no room for a label column before the first number (the review table has none): a cell
    # narrower than a character would fall together with its neighbour, and take its number along
    cuts = [stack.x0, *([edge] if edge - stack.x0 >= height else []), *middles, stack.x1]
    for p in labels:  # text in the value columns, or running from the labels into them: not certain
        if p.x1 > edge and any(p.x0 < c < p.x1 for c in cuts[1:-1]):
            return None
    margin = max(1, round(1.5 * scale))  # off the row rules
    stub = max(1, round(STUB * scale))
    for i in block:  # a cut through ink would cut a glyph the detector did not read as one
        y0, y1 = round(stack.ys[i] * scale) + margin, round(stack.ys[i + 1] * scale) - margin
        for c in cuts[1:-1]:
            x = round(c * scale)
            if y1 > y0 and _inked(ink[y0:y1, max(0, x - 1) : x + 2].any(axis=1), stub):
                return None
    clear = max(1, round(CELL_GAP * height * scale))
    for p in run_over:
        i = next(i for i in block if p in numeric[i])
        y0, y1 = round(stack.ys[i] * scale) + margin, round(stack.ys[i + 1] * scale) - margin
        for c in cuts[1:-1]:
            x = round(c * scale)
            if p.x0 < c < p.x1 and _inked(ink[y0:y1, max(0, x - clear) : x + clear + 1].any(axis=1), stub):
                return None  # no gap between two cells there: maybe one number reaching over two columns
    cells: list[Box] = []
    for i in block:
        y0, y1 = stack.ys[i], stack.ys[i + 1]
        cells.extend((a, y0, b, y1) for a, b in zip(cuts, cuts[1:], strict=False))
    table = _page_table(cells, number)
    table.ocr = True
    return table


def _clusters(nums: list[Word], height: float) -> list[list[float]]:
    """The [x0, x1] extents of the numbers' columns: numbers whose extents overlap, left to right.

    Numbers of one column overlap by at least a digit's width (they share a centre or an
    edge); the extents of wide numbers in neighbouring columns, as the recogniser places
    their glyphs, may touch or overlap by a sliver (``TOUCH``), and are two columns.
    """
    clusters: list[list[float]] = []
    for p in sorted(nums, key=lambda p: p.x0):
        if clusters and p.x0 < clusters[-1][1] - TOUCH * height:
            clusters[-1][1] = max(clusters[-1][1], p.x1)
        else:
            clusters.append([p.x0, p.x1])
    return clusters


def _side_by_side(block: list[int], numeric: list[list[Word]], clusters: list[list[float]]
                  ) -> set[tuple[int, int]] | None:
    """The pairs of clusters holding numbers on one line; None when two such numbers share a cluster."""
    pairs: set[tuple[int, int]] = set()
    for i in block:
        for k, a in enumerate(numeric[i]):
            for b in numeric[i][k + 1 :]:
                if _same_line(a, b):
                    ca, cb = sorted((_cluster(clusters, a), _cluster(clusters, b)))
                    if ca == cb:
                        return None
                    pairs.add((ca, cb))
    return pairs


def _run_over(nums: list[Word], height: float) -> list[Word]:
    """The numbers whose extent reaches over two or more of the columns the other numbers make."""
    out = []
    for p in nums:
        others = _clusters([q for q in nums if q is not p], height)
        if sum(1 for x0, x1 in others if p.x0 < x1 - TOUCH * height and x0 + TOUCH * height < p.x1) >= 2:
            out.append(p)
    return out


def _inked(rows: np.ndarray, stub: int) -> bool:
    """Whether a cut's strip of a row (True: a pixel row with ink) holds ink beyond rule stubs.

    A run of ink touching the strip's top or bottom, at most ``stub`` px high, is what is left
    of a rule there (a vertical rule faint but where it meets a row rule, a row rule a pixel
    thicker or tilted there than its middle says), not a glyph: a glyph reaching the edge
    runs on into the row.
    """
    if not rows.any():
        return False
    if rows.all():
        return True
    top = int(np.argmin(rows)) if rows[0] else 0  # rows of the run touching the top
    bottom = int(np.argmin(rows[::-1])) if rows[-1] else 0
    return top > stub or bottom > stub or bool(rows[top : len(rows) - bottom].any())


def _cluster(clusters: list[list[float]], p: Word) -> int:
    return next(k for k, (x0, x1) in enumerate(clusters) if x0 <= p.x0 and p.x1 <= x1)


@dataclass
class Headings:
    """What the headings over a block say of its columns (``read_headings``)."""

    blanks: list[list[float]]  # extents of the columns blank in every row, to add
    apart: set[int]  # k: clusters k and k + 1 stand under two headings well apart (two columns)


def read_headings(clusters: list[list[float]], header: list[tuple[int, Word]], right: float) -> Headings | None:
    """The headings' say on a block's columns; None when they do not agree with every number.

    Two neighbouring clusters that never hold numbers on one line may be one column aligned
    two ways; under two separate leaf headings ``APART`` characters apart they are two (a
    heading read in pieces has them closer). Blank columns: ``blank_columns``.
    """
    spans, matched, char = _leaf_spans(clusters, header)
    if matched is None:
        return None
    apart = {k for k in range(len(clusters) - 1) if spans[matched[k + 1]][0] - spans[matched[k]][1] >= APART * char}
    return Headings(blank_columns(clusters, spans, matched, char, right), apart)


def _leaf_spans(clusters: list[list[float]], header: list[tuple[int, Word]]
                ) -> tuple[list[list[float]], list[int] | None, float]:
    """The leaf headings' spans (x0, x1, y0, y1), the span over each cluster (None unless each
    cluster stands under exactly one and no span over two), and a character's height.

    A heading over two separate others is a group's (行政诉讼 over its columns), one over a
    heading of a lower row a title's (第二十条第（八）项 over its table's headings); the rest
    are leaves, pieces over each other (a heading in two lines) joined.
    """
    rows = [(k, p) for k, p in header if _CJK.search(p.text)]
    pieces = [p for _, p in rows]
    leaves = [p for k, p in rows if not _group(p, pieces)
              and not any(j > k and min(p.x1, q.x1) > max(p.x0, q.x0) for j, q in rows)]
    spans: list[list[float]] = []
    for p in sorted(leaves, key=lambda p: p.x0):
        if spans and p.x0 < spans[-1][1]:
            last = spans[-1]
            last[1], last[2], last[3] = max(last[1], p.x1), min(last[2], p.y0), max(last[3], p.y1)
        else:
            spans.append([p.x0, p.x1, p.y0, p.y1])
    under = [[k for k, s in enumerate(spans) if s[0] < c[1] and c[0] < s[1]] for c in clusters]
    char = median(p.y1 - p.y0 for p in leaves) if leaves else 0.0
    if not spans or any(len(u) != 1 for u in under) or len({u[0] for u in under}) != len(under):
        return spans, None, char
    return spans, [u[0] for u in under], char


def blank_columns(clusters: list[list[float]], spans: list[list[float]], matched: list[int], char: float,
                  right: float) -> list[list[float]]:
    """Extents of the columns blank in every row of a block, from their headings; [] unless certain.

    A column no number stands in leaves no cluster, and the block would have one value cell
    too few (read as null, never shifted). Its heading still stands over it. ``matched``: the
    leaf heading over each cluster (``_leaf_spans``: every cluster under exactly one, none
    under two). A leaf heading with no number under it (between two clusters, before the
    first or after the last, up to ``right``, the table's edge) is a blank column — but only
    where the headings around it stand evenly spaced (a heading read in two pieces side by
    side would make two columns of one), and on the line of a neighbouring column's heading
    (a note above the table is no column). With one value heading beside it there is no
    spacing to go by: one heading, at least a character's height clear of it. The caller
    passes only headings right of the row labels (the label column's own heading stands over
    them).
    """
    # runs of headings without a number, as (matched heading before, matched heading after): None, no number that side
    runs = [(a, b) for a, b in zip(matched, matched[1:], strict=False) if b - a >= 2]
    runs += [(matched[-1], None)] if matched[-1] < len(spans) - 1 else []
    runs += [(None, matched[0])] if matched[0] > 0 else []
    out: list[list[float]] = []
    for a, b in runs:
        between = spans[(0 if a is None else a + 1) : (len(spans) if b is None else b)]
        lo = -np.inf if a is None else clusters[matched.index(a)][1]
        hi = right if b is None else clusters[matched.index(b)][0]
        if not (lo < between[0][0] and between[-1][1] < hi):
            return []  # a number reaching under the blank column's heading, or past the table's edge
        # the pitch: the headings between two numbers, or with the two beyond the one number beside
        evenly = spans[: b + 2] if a is None else spans[max(0, a - 1) :] if b is None else spans[a : b + 1]
        beside = [spans[i] for i in (a, b) if i is not None]
        if len(evenly) == len(between) + 1:  # one value heading beside: no pitch to go by
            gap = spans[b][0] - between[-1][1] if a is None else between[0][0] - spans[a][1]
            if len(between) != 1 or gap < char:
                return []
        centres = [(s[0] + s[1]) / 2 for s in evenly]
        gaps = [y - x for x, y in zip(centres, centres[1:], strict=False)]  # one gap alone: even
        mean = sum(gaps) / len(gaps)
        if any(abs(g - mean) > HEADING_SPACING * mean for g in gaps):
            return []
        if not all(any(min(s[3], n[3]) > max(s[2], n[2]) for n in beside) for s in between):
            return []  # not on the line of its neighbours' headings
        out.extend(s[:2] for s in between)
    return out


def _group(p: Word, pieces: list[Word]) -> bool:
    """Whether ``p`` heads a group: two separate headings stand below it, each reaching under its width.

    Below, not beside: the second line of a heading in two lines stands under its first, but
    alone. A group's heading may be narrower than its columns (centred over them), so any
    overlap counts; over one column alone it is that column's, and widens only its span.
    """
    below = [q for q in pieces if q.y0 >= p.y1 - 0.25 * (p.y1 - p.y0) and min(p.x1, q.x1) > max(p.x0, q.x0)]
    return any(a.x1 <= b.x0 or b.x1 <= a.x0 for k, a in enumerate(below) for b in below[k + 1 :])

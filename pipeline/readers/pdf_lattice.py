"""Cells of ruled tables from a page's straight rules, fast: the lattice method on C-built paths.

Why not only ``find_tables``: it costs ~40 ms a page in Python (it builds an object per glyph
and per path), ten times raw text extraction, and it is most of the time of reading a
report. The tables of these reports are ruled grids, for which the classic lattice method
suffices: snap the horizontal and vertical rules, find where they cross, and take each
smallest rectangle whose four sides are rules as a cell. ``page.get_cdrawings()`` hands the
rules over as plain tuples, so the whole page costs a few milliseconds.

The method follows the one ``find_tables`` ("lines" strategy) inherits from pdfplumber:
snap tolerance 3 pt, join tolerance 3 pt, intersection tolerance 3 pt, edges shorter than
3 pt dropped, a cell's sides must lie on rules that pass through both of its corners, and
cells sharing a corner form one table; slanted lines are no rules. Pages it is not sure
about (curves, quads) return None, and the caller falls back to ``find_tables``; tests compare the two
on every generated PDF layout.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from operator import itemgetter

import numpy as np

Box = tuple[float, float, float, float]
Segment = tuple[float, float, float]  # (position across, start along, end along)
# a merged rule: (snapped position, start, end, lowest and highest position its pieces were drawn at)
Rule = tuple[float, float, float, float, float]

SNAP = 3.0
JOIN = 3.0
CROSS = 3.0
MIN_EDGE = 3.0
THIN = 2.0  # a filled rectangle thinner than this is a drawn rule, not an area
STROKED_RULE = 4.0  # a stroked part's box this thin is a line: 2 × its width (MuPDF widens by the width)
MARK = 6.0  # a filled shape no larger than this across is a mark (a list bullet, a dot), never a rule


def _mark(x0: float, y0: float, x1: float, y1: float) -> bool:
    """A filled shape this small is a mark beside the text: no table rule, nothing to be unsure of."""
    return abs(x1 - x0) <= MARK and abs(y1 - y0) <= MARK


def lattice_cells(drawings: list[dict]) -> list[list[Box]] | None:
    """Cells of each ruled table in ``get_cdrawings()`` output; None when the page needs find_tables.

    Tables with fewer than 2 cells are dropped (a lone framed box is not a table).
    """
    return cells_of_rules(*_segments(drawings))


def cells_of_rules(horizontal: list[Segment] | None, vertical: list[Segment] | None) -> list[list[Box]] | None:
    """Cells of each ruled table given the page's rules; None (unsure) passes through."""
    if horizontal is None or vertical is None:
        return None
    hs = _merge(horizontal)
    vs = _merge(vertical)
    if not len(hs) or not len(vs):
        return []
    crosses = _crossings(hs, vs)  # built once for both steps unless a side is closed
    closing = _open_sides(hs, vs, crosses)
    if closing:
        hs = _merge(np.vstack([hs, [(y, x0, x1, y, y) for y, x0, x1 in closing]]))
        crosses = _crossings(hs, vs)
    return [t for t in _cells(hs, vs, crosses) if len(t) >= 2]


OPEN_SIDE_MIN = 3  # vertical rules that must end together for an open side to be closed


def _open_sides(hs: np.ndarray, vs: np.ndarray, crosses: np.ndarray | None = None) -> list[Segment]:
    """Closing rules for table sides a page break left open: where >= 3 verticals end at one height.

    Why: a browser printing a ruled HTML table across a page break draws no closing rule at
    the bottom of the first page nor an opening rule at the top of the next; the vertical
    rules just end, and the row next to the break had no cell. A height where at least
    OPEN_SIDE_MIN vertical rules end (within SNAP) is such a side when some horizontal rule
    crosses at least OPEN_SIDE_MIN of those same verticals (they are one table's columns).
    Verticals alone stay no table.

    The side is closed gap by gap, between neighbouring verticals there, where no rule runs
    along it yet: a rule at that height may close some columns only (the bottom of a header
    cell whose neighbours, 自然人 and 总计 spanning two header rows, go on to the next
    page). A gap is closed only where a rule of the table crosses both its verticals, one of
    which ends there; the other may run on through the break: the long rule of a page frame
    the table sits in, its left side (an old site's nested layout tables), or the side of a
    row-group label broken by the page (三、本年度办理结果 goes on, its rows' rules end).
    """
    added: list[Segment] = []
    if crosses is None:
        crosses = _crossings(hs, vs)
    h, v = hs, vs
    hy, hx0, hx1 = h[:, 0].tolist(), h[:, 1].tolist(), h[:, 2].tolist()  # hy sorted (``_merge``)
    vx, vy0, vy1 = v[:, 0].tolist(), v[:, 1].tolist(), v[:, 2].tolist()
    for at_end in (vy0, vy1):  # tops, then bottoms
        groups: list[list[int]] = []
        for k in sorted(range(len(vx)), key=at_end.__getitem__):
            if groups and at_end[k] - at_end[groups[-1][-1]] <= SNAP:
                groups[-1].append(k)
            else:
                groups.append([k])
        for group in groups:
            if len(group) < OPEN_SIDE_MIN:
                continue
            y = sum(at_end[k] for k in group) / len(group)
            along = range(bisect_left(hy, y - SNAP), bisect_right(hy, y + SNAP))  # rules already on this side
            gx = [vx[k] for k in group]
            through = [k for k in range(len(vx)) if vy0[k] < y - SNAP and vy1[k] > y + SNAP]
            whole = [i for i in along if hx0[i] <= min(gx) + CROSS and hx1[i] >= max(gx) - CROSS]
            if whole:  # a rule closes them all (the usual table's top or bottom) ...
                lo, hi = min(hx0[i] for i in whole) - CROSS, max(hx1[i] for i in whole) + CROSS
                if all(lo <= vx[k] <= hi for k in through):
                    continue  # ... and no rule runs on through the side beside it: nothing to close
            if not (crosses[:, group].sum(axis=1) >= OPEN_SIDE_MIN).any():
                continue  # no rule of a table crosses these verticals
            ends = set(group)
            line = sorted([*group, *through], key=vx.__getitem__)
            a, b = np.array(line[:-1]), np.array(line[1:])
            xa, xb = v[a, 0], v[b, 0]
            rules = h[along.start:along.stop]
            covered = ((rules[:, 1, None] <= xa + CROSS) & (rules[:, 2, None] >= xb - CROSS)).any(axis=0)
            touch = np.array([i in ends or j in ends for i, j in zip(line, line[1:], strict=False)], dtype=bool)
            close = touch & ~covered & (crosses[:, a] & crosses[:, b]).any(axis=0)
            added += [(y, x0, x1) for x0, x1 in zip(xa[close].tolist(), xb[close].tolist(), strict=True)]
    return added


def _crossings(hs: np.ndarray, vs: np.ndarray) -> np.ndarray:
    """Which horizontal rule crosses which vertical one (within CROSS): a bool matrix, rows ``hs``.

    The one crossing test of the module: cells are built on it, and open table sides are
    recognised by it. A rule crosses another where it was drawn, not only where it was
    snapped to: snapping chains rules (each within SNAP of the next), so the snapped
    position can lie more than CROSS away from every piece of a rule (a small table's right
    side at 264 pt snapped to 267.5 by the column rules of a wider table further down), and
    the rules ending on that side would no longer meet it.
    """
    h, v = hs, vs
    return (
        (v[None, :, 4] >= h[:, None, 1] - CROSS) & (v[None, :, 3] <= h[:, None, 2] + CROSS)
        & (h[:, None, 4] >= v[None, :, 1] - CROSS) & (h[:, None, 3] <= v[None, :, 2] + CROSS)
    )


def _segments(drawings: list[dict]) -> tuple[list[Segment] | None, list[Segment] | None]:
    """Horizontal rules as (y, x0, x1) and vertical ones as (x, y0, y1); (None, None) if unsure."""
    hor: list[Segment] = []
    ver: list[Segment] = []
    for path in drawings:
        if path.get("type") == "f" and _mark(*path["rect"]):  # a list bullet drawn as a disc (Chromium)
            continue
        for item in path.get("items", ()):
            kind = item[0]
            if kind == "l":  # comparisons, not abs/min/max calls: a page may have thousands
                (x0, y0), (x1, y1) = item[1], item[2]
                if -1.0 <= y1 - y0 <= 1.0:
                    hor.append(((y0 + y1) / 2, x0, x1) if x0 <= x1 else ((y0 + y1) / 2, x1, x0))
                elif -1.0 <= x1 - x0 <= 1.0:
                    ver.append(((x0 + x1) / 2, y0, y1) if y0 <= y1 else ((x0 + x1) / 2, y1, y0))
                # a slanted line is no rule of a grid; find_tables ignores it too
            elif kind == "re":
                x0, y0, x1, y1 = item[1]
                _rect_rules(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), hor, ver)
            else:  # curves, quads (but a filled mark, skipped above): leave the page to find_tables
                return None, None
    return hor, ver


def vector_rules(blocks: list[dict]) -> tuple[list[Segment] | None, list[Segment] | None]:
    """The rules among a text page's vector blocks (``TEXT_COLLECT_VECTORS``); (None, None) if unsure.

    Why: MuPDF collects the page's vectors while it extracts the text, in the same pass over
    the content stream, for about a tenth of the cost of ``get_cdrawings()`` (a second
    pass). It splits paths into their parts and flags each part that is a line or a
    rectangle; anything else (a curve, a polyline, a slanted line) makes the page unsure,
    and the caller reads its paths with ``get_cdrawings()`` instead.

    A stroked part's box is widened by its line width, which the block does not give, so
    only its centre line is exact: a thin stroked part is a rule through its centre (cells
    come from where rule centres cross, so they are exact too), and a wide stroked
    rectangle is unsure. A filled part's box is exact, read as ``get_cdrawings``' ``re``.
    """
    hor: list[Segment] = []
    ver: list[Segment] = []
    for block in blocks:
        if block["type"] != 3:
            continue
        if not block["isrect"]:
            if not block["stroked"] and _mark(*block["bbox"]):  # a list bullet drawn as a disc (Chromium)
                continue
            return None, None
        x0, y0, x1, y1 = block["bbox"]
        w, h = x1 - x0, y1 - y0
        if block["stroked"]:
            if h <= STROKED_RULE and w > h:
                hor.append(((y0 + y1) / 2, x0, x1))
            elif w <= STROKED_RULE and h > w:
                ver.append(((x0 + x1) / 2, y0, y1))
            elif w > STROKED_RULE and h > STROKED_RULE:
                return None, None  # a framed rectangle: where its sides lie depends on the line width
        else:
            _rect_rules(x0, y0, x1, y1, hor, ver)
    return hor, ver


def _rect_rules(x0: float, y0: float, x1: float, y1: float, hor: list[Segment], ver: list[Segment]) -> None:
    """A rectangle's rules (corners in order): a thin one is a drawn rule, a larger one has four sides."""
    if y1 - y0 <= THIN and x1 - x0 > THIN:
        hor.append(((y0 + y1) / 2, x0, x1))
    elif x1 - x0 <= THIN and y1 - y0 > THIN:
        ver.append(((x0 + x1) / 2, y0, y1))
    elif x1 - x0 > THIN and y1 - y0 > THIN:
        hor += [(y0, x0, x1), (y1, x0, x1)]
        ver += [(x0, y0, y1), (x1, y0, y1)]


def _merge(segments: list[Segment] | np.ndarray) -> np.ndarray:
    """Snap rules within SNAP of each other to their mean position, then join overlapping ones.

    Positions sorted, a gap over SNAP starts a new cluster (chained, as pdfplumber's
    ``cluster_objects``); within a cluster, pieces sorted by start join while each starts
    within JOIN of the furthest end so far. Each rule keeps the range of positions its
    pieces were drawn at (see ``_crossings``); rules merged again keep theirs. Returns an
    array of ``Rule`` rows, sorted by position.

    A cluster's position is the mean of its pieces' (each piece counts, drawn twice or not),
    summed in sorted order; a cluster drawn at one position stands there. Pieces drawn more
    than once (a grid drawn cell by cell draws each inner side twice: ~60 % of a page's
    pieces) are counted, not sorted and joined again: a piece's copy joins nothing new. In
    plain Python over sorted tuples: a page has a few hundred pieces, few enough that NumPy
    calls cost more than the loop.
    """
    if not len(segments):
        return np.empty((0, 5))
    counts = Counter(map(tuple, segments.tolist()) if isinstance(segments, np.ndarray) else segments)
    rows = sorted(counts)  # by position, start, end (ties beyond those are the same rule either way)
    drawn = len(rows[0]) == 5  # rules merged before carry their range of positions
    merged: list[tuple[float, float, float, float, float]] = []
    n = len(rows)
    i = 0
    while i < n:
        first_at = last = rows[i][0]
        j = i + 1
        while j < n and rows[j][0] - last <= SNAP:
            last = rows[j][0]
            j += 1
        if last == first_at:  # drawn at one position: the mean is that position
            mean = first_at
        else:
            total = 0.0
            pieces = 0
            for row in rows[i:j]:
                for _ in range(counts[row]):
                    total = row[0] if not pieces else total + row[0]
                    pieces += 1
            mean = total / pieces
        cluster = sorted(rows[i:j], key=_START_END) if j - i > 1 else rows[i:j]
        first = cluster[0]
        lo, hi = first[1], first[2]
        low, high = (first[3], first[4]) if drawn else (first[0], first[0])
        for row in cluster[1:]:
            start, end = row[1], row[2]
            at_low, at_high = (row[3], row[4]) if drawn else (row[0], row[0])
            if start > hi + JOIN:  # a gap along the line: the rule so far ends
                if hi - lo >= MIN_EDGE:
                    merged.append((mean, lo, hi, low, high))
                lo, hi, low, high = start, end, at_low, at_high
            else:
                if end > hi:
                    hi = end
                if at_low < low:
                    low = at_low
                if at_high > high:
                    high = at_high
        if hi - lo >= MIN_EDGE:
            merged.append((mean, lo, hi, low, high))
        i = j
    return np.array(merged, dtype=float) if merged else np.empty((0, 5))


_START_END = itemgetter(1, 2)


def _cells(hs: np.ndarray, vs: np.ndarray, crosses: np.ndarray | None = None) -> list[list[Box]]:
    """Every smallest rectangle whose corners are crossings and whose sides lie on rules, per table.

    ``hs`` and ``vs`` come sorted by position (``_merge``), so rule indices run top to
    bottom and left to right. A cell starts at a crossing (top rule i, left rule j) and
    ends at the first crossing of a rule below on j and a rule right of it on i that is
    itself a crossing (bottom rule, right rule): its four sides lie on rules. Cells that
    share a corner are one table.

    In NumPy for the common case: the nearest crossing below and to the right of every
    crossing, and whether those two close a cell; only crossings where they do not (a cell
    merged across rules that end inside it) are searched rule by rule.
    """
    h = np.asarray(hs, dtype=float)
    v = np.asarray(vs, dtype=float)
    if crosses is None:
        crosses = _crossings(hs, vs)
    n_h, n_v = crosses.shape
    ys_a, xs_a = h[:, 0], v[:, 0]
    below = np.full((n_h, n_v), n_h, dtype=np.intp)  # nearest crossing below, in the same column
    below[:-1] = np.minimum.accumulate(np.where(crosses, np.arange(n_h)[:, None], n_h)[::-1], axis=0)[::-1][1:]
    right = np.full((n_h, n_v), n_v, dtype=np.intp)  # nearest crossing to the right, in the same row
    right[:, :-1] = np.minimum.accumulate(np.where(crosses, np.arange(n_v)[None, :], n_v)[:, ::-1], axis=1)[:, ::-1][:, 1:]
    ii, jj = np.nonzero(crosses)
    dd, rr = below[ii, jj], right[ii, jj]
    has = (dd < n_h) & (rr < n_v)
    ii, jj, dd, rr = ii[has], jj[has], dd[has], rr[has]
    quick = crosses[dd, rr] & (ys_a[dd] > ys_a[ii]) & (xs_a[rr] > xs_a[jj])
    if not quick.all():
        dd, rr = dd.copy(), rr.copy()
        for k in np.flatnonzero(~quick).tolist():
            d, r = _search(crosses, ys_a, xs_a, int(ii[k]), int(jj[k]))
            dd[k], rr[k] = d, r
        found = dd >= 0
        ii, jj, dd, rr = ii[found], jj[found], dd[found], rr[found]
    boxes = np.stack([xs_a[jj], ys_a[ii], xs_a[rr], ys_a[dd]], axis=1).tolist()
    table = corner_components(n_v, ii * n_v + jj, [ii * n_v + rr, dd * n_v + jj, dd * n_v + rr]).tolist()
    groups: dict[int, list[Box]] = defaultdict(list)
    seen: set[Box] = set()
    for t, box in zip(table, boxes, strict=True):
        cell = tuple(box)
        if cell not in seen:  # rules at one position crossing twice: one cell
            seen.add(cell)
            groups[t].append(cell)
    return sorted(groups.values(), key=lambda g: (min(c[1] for c in g), min(c[0] for c in g)))


def _search(crosses: np.ndarray, ys: np.ndarray, xs: np.ndarray, i: int, j: int) -> tuple[int, int]:
    """(bottom rule, right rule) of the cell at crossing (i, j), rule by rule; (-1, -1) if none."""
    rights = [r for r in np.flatnonzero(crosses[i]).tolist() if r > j and xs[r] > xs[j]]
    for d in np.flatnonzero(crosses[:, j]).tolist():
        if d <= i or ys[d] <= ys[i]:
            continue
        row = crosses[d]
        for r in rights:
            if row[r]:
                return d, r
    return -1, -1


def corner_components(n_v: int, top_left: np.ndarray, corners: list[np.ndarray]) -> np.ndarray:
    """For each cell, a label of its table: cells sharing a corner (crossing) share a label.

    Minimum-label propagation over the cells' corners with pointer jumping, all in NumPy.
    """
    nodes = np.concatenate([top_left, *corners])
    ids, inverse = np.unique(nodes, return_inverse=True)
    k = len(top_left)
    a = np.tile(inverse[:k], len(corners))
    b = inverse[k:]
    label = np.arange(len(ids))
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label[inverse[:k]]
        label = new

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
from collections import defaultdict

Box = tuple[float, float, float, float]
Segment = tuple[float, float, float]  # (position across, start along, end along)

SNAP = 3.0
JOIN = 3.0
CROSS = 3.0
MIN_EDGE = 3.0
THIN = 2.0  # a filled rectangle thinner than this is a drawn rule, not an area
STROKED_RULE = 4.0  # a stroked part's box this thin is a line: 2 × its width (MuPDF widens by the width)


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
    if not hs or not vs:
        return []
    cells = _cells(hs, vs)
    return [t for t in _tables(cells) if len(t) >= 2]


def _segments(drawings: list[dict]) -> tuple[list[Segment] | None, list[Segment] | None]:
    """Horizontal rules as (y, x0, x1) and vertical ones as (x, y0, y1); (None, None) if unsure."""
    hor: list[Segment] = []
    ver: list[Segment] = []
    for path in drawings:
        for item in path.get("items", ()):
            kind = item[0]
            if kind == "l":
                (x0, y0), (x1, y1) = item[1], item[2]
                if abs(y1 - y0) <= 1.0:
                    hor.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif abs(x1 - x0) <= 1.0:
                    ver.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
                # a slanted line is no rule of a grid; find_tables ignores it too
            elif kind == "re":
                x0, y0, x1, y1 = item[1]
                x0, x1 = min(x0, x1), max(x0, x1)
                y0, y1 = min(y0, y1), max(y0, y1)
                if y1 - y0 <= THIN and x1 - x0 > THIN:
                    hor.append(((y0 + y1) / 2, x0, x1))
                elif x1 - x0 <= THIN and y1 - y0 > THIN:
                    ver.append(((x0 + x1) / 2, y0, y1))
                elif x1 - x0 > THIN and y1 - y0 > THIN:
                    hor += [(y0, x0, x1), (y1, x0, x1)]
                    ver += [(x0, y0, y1), (x1, y0, y1)]
            else:  # curves, quads: leave the page to find_tables
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
        elif h <= THIN and w > THIN:
            hor.append(((y0 + y1) / 2, x0, x1))
        elif w <= THIN and h > THIN:
            ver.append(((x0 + x1) / 2, y0, y1))
        elif w > THIN and h > THIN:
            hor += [(y0, x0, x1), (y1, x0, x1)]
            ver += [(x0, y0, y1), (x1, y0, y1)]
    return hor, ver


def _merge(segments: list[Segment]) -> list[Segment]:
    """Snap rules within SNAP of each other to their mean position, then join overlapping ones."""
    if not segments:
        return []
    segments = sorted(segments)
    snapped: list[Segment] = []
    cluster: list[Segment] = [segments[0]]
    for seg in segments[1:]:
        if seg[0] - cluster[-1][0] <= SNAP:
            cluster.append(seg)
        else:
            snapped += _snap(cluster)
            cluster = [seg]
    snapped += _snap(cluster)
    by_pos: dict[float, list[tuple[float, float]]] = defaultdict(list)
    for pos, a, b in snapped:
        by_pos[pos].append((a, b))
    out: list[Segment] = []
    for pos in sorted(by_pos):
        spans = sorted(by_pos[pos])
        start, end = spans[0]
        for a, b in spans[1:]:
            if a <= end + JOIN:
                end = max(end, b)
            else:
                out.append((pos, start, end))
                start, end = a, b
        out.append((pos, start, end))
    return [s for s in out if s[2] - s[1] >= MIN_EDGE]


def _snap(cluster: list[Segment]) -> list[Segment]:
    mean = sum(s[0] for s in cluster) / len(cluster)
    return [(mean, a, b) for _, a, b in cluster]


def _cells(hs: list[Segment], vs: list[Segment]) -> list[Box]:
    """Every smallest rectangle whose corners are crossings and whose sides lie on rules."""
    # crossing points, and for each the horizontal and vertical rule through it
    points: dict[tuple[float, float], tuple[int, int]] = {}
    v_sorted = sorted(range(len(vs)), key=lambda i: vs[i][0])
    v_xs = [vs[i][0] for i in v_sorted]
    for hi, (y, x0, x1) in enumerate(hs):
        lo, hi_idx = bisect_left(v_xs, x0 - CROSS), bisect_right(v_xs, x1 + CROSS)
        for k in range(lo, hi_idx):
            vi = v_sorted[k]
            x, y0, y1 = vs[vi]
            if y0 - CROSS <= y <= y1 + CROSS:
                points[(x, y)] = (hi, vi)
    on_h: dict[int, list[float]] = defaultdict(list)  # horizontal rule -> xs of its crossings
    on_v: dict[int, list[float]] = defaultdict(list)  # vertical rule -> ys of its crossings
    for (x, y), (hi, vi) in points.items():
        on_h[hi].append(x)
        on_v[vi].append(y)
    for xs in on_h.values():
        xs.sort()
    for ys in on_v.values():
        ys.sort()

    cells: list[Box] = []
    for (x, y), (h_top, v_left) in points.items():
        # corners to the right along the same top rule, and below along the same left rule
        xs = on_h[h_top]
        rights = xs[bisect_right(xs, x):]
        ys = on_v[v_left]
        downs = ys[bisect_right(ys, y):]
        found = None
        for dy in downs:
            h_bottom = points[(x, dy)][0]
            for rx in rights:
                corner = points.get((rx, dy))
                if corner is not None and corner == (h_bottom, points[(rx, y)][1]):
                    found = (x, y, rx, dy)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Group cells that share a corner into tables (union-find over corners)."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, y0, x1, y1) in enumerate(cells):
        for corner in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            j = owner.setdefault(corner, i)
            if j != i:
                parent[find(i)] = find(j)
    groups: dict[int, list[Box]] = defaultdict(list)
    for i, cell in enumerate(cells):
        groups[find(i)].append(cell)
    return sorted(groups.values(), key=lambda g: (min(c[1] for c in g), min(c[0] for c in g)))

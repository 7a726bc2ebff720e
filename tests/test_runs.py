"""The run-together digit splitter (pipeline.parsing.runs) against a brute-force enumeration.

Its search is pruned (a group's total first, sums out of reach dropped) so that long rows of
large numbers stay fast; pruning must never lose or invent a split, or a row that has several
would look like it has one — and that would be a wrong number.
"""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parsing.runs import splits


def _brute(tokens: list[str], groups: int, size: int) -> set[tuple[int, ...]]:
    """Every cut of the digits into groups × size cells, the same piece rules, by enumeration."""
    digits = "".join(tokens)
    fixed, pos = set(), 0
    for t in tokens[:-1]:
        pos += len(t)
        fixed.add(pos)
    n = groups * size
    out = set()
    for inner in combinations(range(1, len(digits)), n - 1):
        if not fixed <= set(inner):
            continue
        bounds = (0, *inner, len(digits))
        pieces = [digits[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        if any(len(p) > 1 and p[0] == "0" for p in pieces):
            continue
        vals = tuple(map(int, pieces))
        if all(sum(vals[g * size : g * size + size - 1]) == vals[g * size + size - 1] for g in range(groups)):
            out.add(vals)
    return out


def _brute_blanks(tokens: list[str], groups: int, size: int) -> set[tuple[int | None, ...]]:
    """Every split where parts may be blank (no digits: None) and totals never are, by enumeration.

    The digits are cut into m pieces (groups <= m <= cells), then every choice of which parts
    hold a piece (each group's total always does) is tried; the sums count a blank as 0.
    """
    digits = "".join(tokens)
    fixed, pos = set(), 0
    for t in tokens[:-1]:
        pos += len(t)
        fixed.add(pos)
    n = groups * size
    totals = {g * size + size - 1 for g in range(groups)}
    part_cells = [i for i in range(n) if i not in totals]
    out = set()
    for m in range(groups, min(n, len(digits)) + 1):
        for inner in combinations(range(1, len(digits)), m - 1):
            if not fixed <= set(inner):
                continue
            bounds = (0, *inner, len(digits))
            pieces = [digits[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
            if any(len(p) > 1 and p[0] == "0" for p in pieces):
                continue
            for held in combinations(part_cells, m - groups):
                cells = sorted([*held, *totals])
                row: list[int | None] = [None] * n
                for i, p in zip(cells, pieces, strict=True):
                    row[i] = int(p)
                if all(sum(v or 0 for v in row[g * size : g * size + size - 1]) == row[g * size + size - 1]
                       for g in range(groups)):
                    out.add(tuple(row))
    return out


def _run_together(text: list[str], keep: list[bool]) -> list[str]:
    """The printed cells as tokens: ``keep[i]`` says a separator follows cell ``i``."""
    tokens, cur = [], ""
    for v, sep in zip(text, [*keep, True], strict=True):
        cur += v
        if sep:
            tokens.append(cur)
            cur = ""
    return tokens


@st.composite
def _rows(draw: st.DrawFn, *, blanks: bool = False) -> tuple[list[str], int, int]:
    """A consistent row run together (its tokens keep some cell boundaries). With ``blanks`` its
    parts are printed blank at random (some zero, some not), so the digits are shorter than the
    cells; totals are always printed."""
    shapes = [(1, 4), (1, 5), (2, 3), (1, 7)] + ([(3, 5)] if blanks else [])
    groups, size = draw(st.sampled_from(shapes))
    text: list[str] = []
    for _ in range(groups):
        parts = draw(st.lists(st.one_of(st.just(0), st.integers(1, 60), st.integers(100, 9_999 if blanks else 99_999)),
                              min_size=size - 1, max_size=size - 1))
        blank = draw(st.lists(st.booleans(), min_size=size - 1, max_size=size - 1)) if blanks else [False] * (size - 1)
        text += ["" if b else str(v) for v, b in zip(parts, blank, strict=True)] + [str(sum(parts))]
    text = [t for t in text if t]
    keep = draw(st.lists(st.booleans(), min_size=len(text) - 1, max_size=len(text) - 1))
    tokens = _run_together(text, keep)
    return tokens, groups, size


@settings(max_examples=150, deadline=None)
@given(row=_rows())
def test_splits_are_exactly_the_brute_force_ones(row: tuple[list[str], int, int]) -> None:
    tokens, groups, size = row
    if sum(map(len, tokens)) > 22:  # the brute force is exponential; the pruned search is not
        tokens = tokens[:1] if len(tokens[0]) <= 22 else ["0" * (groups * size)]
    want = _brute(tokens, groups, size)
    got = splits(tokens, groups, size)
    if len(got) >= 64:  # capped: blank choices may fill the cap before every full split is listed
        return
    # the splits without a blank are exactly the brute-force full ones (blanks: the test below)
    assert {tuple(s) for s in got if None not in s} == want


def test_a_long_row_of_large_numbers_is_decided_not_given_up() -> None:
    """Six large parts and their total run together: the search ends (one split) instead of
    running out of steps and calling the row ambiguous."""
    parts = [190467, 118885, 18, 132453, 6, 52]
    got = splits(["".join(map(str, [*parts, sum(parts)]))], 1, 7)
    assert got == [[*parts, sum(parts)]]


@settings(max_examples=200, deadline=None)
@given(row=_rows(blanks=True))
def test_blank_aware_splits_are_exactly_the_brute_force_ones(row: tuple[list[str], int, int]) -> None:
    """Parts may be blank (no digits, None, 0 in the sum); totals never are. The splitter must
    return exactly the brute-force set, blank choices included, so a row with a blank is never
    taken as having one split when a blank elsewhere fits the same sums."""
    tokens, groups, size = row
    if sum(map(len, tokens)) > 10:  # the brute force is exponential (14 digits in 3 x 5 cells: ~25 s an example); the pruned search is not
        tokens = ["".join(tokens)[:10]]
    want = _brute_blanks(tokens, groups, size)
    got = splits(tokens, groups, size, blanks=True)
    if len(want) >= 64:
        assert len(got) == 64
    else:
        assert {tuple(s) for s in got} == want


def test_a_blank_part_slides_so_its_row_alone_is_ambiguous() -> None:
    """[5, blank, 2 | 7]: the same digits and sum fit the blank in any part's place."""
    got = {tuple(s) for s in splits(["527"], 1, 4, blanks=True)}
    assert got == {(5, 2, None, 7), (5, None, 2, 7), (None, 5, 2, 7)}

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


@st.composite
def _rows(draw: st.DrawFn) -> tuple[list[str], int, int]:
    groups, size = draw(st.sampled_from([(1, 4), (1, 5), (2, 3), (1, 7)]))
    vals: list[int] = []
    for _ in range(groups):
        parts = draw(st.lists(st.one_of(st.just(0), st.integers(1, 60), st.integers(100, 99_999)),
                              min_size=size - 1, max_size=size - 1))
        vals += [*parts, sum(parts)]
    text = [str(v) for v in vals]
    keep = draw(st.lists(st.booleans(), min_size=len(text) - 1, max_size=len(text) - 1))
    tokens, cur = [], ""
    for v, sep in zip(text, [*keep, True], strict=True):
        cur += v
        if sep:
            tokens.append(cur)
            cur = ""
    return tokens, groups, size


@settings(max_examples=150, deadline=None)
@given(row=_rows())
def test_splits_are_exactly_the_brute_force_ones(row: tuple[list[str], int, int]) -> None:
    tokens, groups, size = row
    if sum(map(len, tokens)) > 22:  # the brute force is exponential; the pruned search is not
        tokens = tokens[:1] if len(tokens[0]) <= 22 else ["0" * (groups * size)]
    want = _brute(tokens, groups, size)
    got = splits(tokens, groups, size)
    if len(want) >= 64:
        assert len(got) == 64
    else:
        assert {tuple(s) for s in got} == want


def test_a_long_row_of_large_numbers_is_decided_not_given_up() -> None:
    """Six large parts and their total run together: the search ends (one split) instead of
    running out of steps and calling the row ambiguous."""
    parts = [190467, 118885, 18, 132453, 6, 52]
    got = splits(["".join(map(str, [*parts, sum(parts)]))], 1, 7)
    assert got == [[*parts, sum(parts)]]

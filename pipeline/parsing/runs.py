"""Recovering cells from digits whose separators were lost ("801000081" for a row of seven).

The format's own sums decide: a request row's total equals the sum of its six applicant
columns, a review/litigation group's total the sum of its four results. Every split of the
printed digits into cells that satisfies those sums is enumerated (a printed token is never
merged with its neighbour; no cell but "0" starts with 0). One split: the cells are
recovered. Several: the caller may narrow them with other sums; otherwise they stay null.

A part may have been printed blank: it leaves no digits, so the row is shorter than its
cells. Splits therefore include blank parts (``None``, counted 0 in the sum; a group's total
is always printed). A blank can take any part's place for the same digits and sum, so a row
with a blank is never decided by its own sum alone — only other sums (the table's columns)
may single one placement out. A blank stays null, never 0.
"""

from __future__ import annotations

from functools import cache

MAX_SOLUTIONS = 64
MAX_STEPS = 200_000  # a bound on the search: beyond it the row is left null as ambiguous


class Undecidable(Exception):
    """The search ran out of steps: the row cannot be decided in time (the caller: ambiguous)."""


Split = list[int | None]


def splits(tokens: list[str], groups: int, size: int, *, blanks: bool = False) -> list[Split]:
    """All ways to cut ``tokens`` into ``groups`` × ``size`` cells, each group's last = sum of the rest.

    With ``blanks``, a part may be blank (``None``: no digits, 0 in the sum); a total never
    is (without, every cell holds at least one digit). At most
    ``MAX_SOLUTIONS`` are returned: that many means "at least that many" (the list may be
    cut short). Raises ``Undecidable`` when the search runs out of steps.

    Searched group by group: a group's total is chosen first (it fixes the sum), then its
    parts, pruned by that sum, so long rows of large numbers stay fast.
    """
    if not tokens or not all(t.isdigit() for t in tokens):
        return []
    digits = "".join(tokens)
    cuts: set[int] = set()
    pos = 0
    for t in tokens[:-1]:
        pos += len(t)
        cuts.add(pos)
    if len(digits) < groups:
        return []
    budget = [MAX_STEPS]
    # A number is congruent to its digit sum mod 9, so any cut of digits[a:b] sums to
    # digit_sum[b] - digit_sum[a] mod 9, whatever the cut: a total that is not cannot be met.
    digit_sum = [0]
    for ch in digits:
        digit_sum.append(digit_sum[-1] + int(ch))
    # next_cut[a]: the first printed token boundary after position a (a piece may not cross it)
    next_cut = [min((c for c in cuts if c > a), default=len(digits) + 1) for a in range(len(digits) + 1)]

    def piece_ok(a: int, b: int) -> bool:
        return (b - a == 1 or digits[a] != "0") and next_cut[a] >= b

    @cache
    def bounds(a: int, b: int, k: int, w: int) -> tuple[int, int] | None:
        """The least and greatest sum of any cut of digits[a:b] into k pieces of at most w digits.

        A sum outside them cannot be reached, so the search drops the branch at once instead
        of trying every cut of the digits left (what made long rows of large numbers slow).
        No piece may have more digits than the sum it belongs to, so ``w`` (the sum's width)
        keeps the greatest sum near the real one instead of one huge piece's.
        """
        if k == 1:
            ok = 0 < b - a <= w and piece_ok(a, b)
            return (int(digits[a:b]), int(digits[a:b])) if ok else None
        lo = hi = None
        for e in range(a + 1, min(b - k + 1, a + w) + 1):
            if not piece_ok(a, e):
                break
            rest = bounds(e, b, k - 1, w)
            if rest is None:
                continue
            v = int(digits[a:e])
            lo = v + rest[0] if lo is None else min(lo, v + rest[0])
            hi = v + rest[1] if hi is None else max(hi, v + rest[1])
        return None if lo is None else (lo, hi)

    @cache
    def reach(a: int, b: int, k: int, w: int) -> tuple[int, int] | None:
        """The least and greatest sum of digits[a:b] cut into at most k pieces (the other parts blank)."""
        if a == b:
            return (0, 0)
        lo = hi = None
        for m in range(1, min(k, b - a) + 1):
            r = bounds(a, b, m, w)
            if r is not None:
                lo = r[0] if lo is None else min(lo, r[0])
                hi = r[1] if hi is None else max(hi, r[1])
        return None if lo is None else (lo, hi)

    @cache
    def parts(a: int, b: int, k: int, total: int) -> tuple[tuple[int | None, ...], ...]:
        """Cut digits[a:b] into k cells summing to ``total``, a cell blank or one piece."""
        if k == 0:
            return ((),) if a == b and total == 0 else ()
        if (total - digit_sum[b] + digit_sum[a]) % 9:
            return ()
        width = len(str(total))
        n = b - a
        if n > k * width or (not blanks and n < k):
            return ()
        span = reach(a, b, k, width) if blanks else bounds(a, b, k, width)
        if span is None or not span[0] <= total <= span[1]:
            return ()
        budget[0] -= 1
        if budget[0] < 0:
            raise Undecidable
        # the longest piece has at least ceil(n / k) digits: its value alone may exceed the sum
        longest = -(-n // k)
        if longest > 1 and 10 ** (longest - 1) > total:
            return ()
        out: list[tuple[int | None, ...]] = []
        for rest in parts(a, b, k - 1, total) if blanks else ():  # this cell blank
            out.append((None, *rest))
            if len(out) >= MAX_SOLUTIONS:
                return tuple(out)
        for e in range(a + 1, min(b, a + width) + 1):
            if not piece_ok(a, e):
                break
            v = int(digits[a:e])
            if v > total:
                break
            for rest in parts(e, b, k - 1, total - v):
                out.append((v, *rest))
                if len(out) >= MAX_SOLUTIONS:
                    return tuple(out)
        return tuple(out)

    @cache
    def walk(a: int, g: int) -> tuple[tuple[int | None, ...], ...]:
        """The splits of digits[a:] into the groups from ``g`` on.

        Cached by position, and the groups after this one are solved before this group's
        parts: a group end that leaves digits no later group can take (every end but the
        last, for the last group) costs nothing instead of a full search of its parts.
        """
        if g == groups:
            return ((),) if a == len(digits) else ()
        out: list[tuple[int | None, ...]] = []
        remaining_groups = groups - g - 1
        for end in range(a + 1, len(digits) - remaining_groups + 1):  # each later total has a digit
            tails = walk(end, g + 1)
            if not tails:
                continue
            for t_start in range(end - 1, a - 1, -1):
                if not piece_ok(t_start, end):
                    continue
                if t_start - a > (size - 1) * (end - t_start):
                    continue  # the parts would need more digits than the total has
                total = int(digits[t_start:end])
                for p in parts(a, t_start, size - 1, total):
                    for rest in tails:
                        out.append((*p, total, *rest))
                        if len(out) >= MAX_SOLUTIONS:
                            return tuple(out)
        return tuple(out)

    return [list(split) for split in walk(0, 0)]


def looks_run_together(tokens: list[str], n: int) -> bool:
    """Separators lost: fewer tokens than cells, and the digits could fill every cell.

    A row that merely lost a cell (six tokens for seven cells) is not split: only rows with
    at most half their tokens, or one token holding at least as many digits as cells.
    """
    if not tokens or len(tokens) >= n or not all(t.isdigit() for t in tokens):
        return False
    digits = sum(len(t) for t in tokens)
    return digits >= n and (len(tokens) <= n // 2 or max(len(t) for t in tokens) >= n)

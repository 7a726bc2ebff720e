"""How one cell was read against its truth, as every accuracy benchmark counts it."""

from __future__ import annotations


def verdict(have: object, want: object) -> str:
    """``right``; ``lost`` (read null where the truth has a value); ``invented`` (a value where
    the truth is null); ``wrong`` (a value that is not the truth: must never happen)."""
    if have == want:
        return "right"
    if have is None:
        return "lost"
    return "invented" if want is None else "wrong"

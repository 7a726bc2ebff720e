"""Turn one cell value of a report record into a number, without ever inventing one.

The parser should hand over ``int``/``float``/``None``; these helpers are the last line of
defence before the warehouse. They accept the spellings the national format uses for
"not given" (blank, dash, slash: null, never 0) and reject anything else loudly, so that
a value the pipeline cannot read is quarantined rather than guessed.
"""

from __future__ import annotations

import math
import re

NULL_MARKERS = frozenset({"", "-", "－", "—", "——", "–", "/", "／", "\\"})
"""Printed forms of "not given / not applicable" (REPORT_RECORD.md: a dash or "/" is null)."""

INT64_MAX = 2**63 - 1
_NUMBER_WITH_UNIT = re.compile(r"^\s*(-?\d[\d,，]*(?:\.\d+)?)\s*([^\d\s.,，-][^\d]*)?\s*$")


class CellError(ValueError):
    """A value that is neither a number nor a recognised "not given" marker."""


def _reject(value: object, why: str) -> CellError:
    return CellError(f"{value!r} {why}")


def to_int(value: object) -> int | None:
    """Read an integer cell (counts); None stays None.

    Integral floats (``3.0``) and digit strings (``"1,234"``) are accepted because some
    readers produce them; fractions, booleans, text and values beyond Int64 are errors.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _reject(value, "is a boolean, not a count")
    if isinstance(value, int):
        if abs(value) > INT64_MAX:
            raise _reject(value, "does not fit in a 64-bit integer")
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not value.is_integer():
            raise _reject(value, "is not a whole number")
        return to_int(int(value))
    if isinstance(value, str):
        text = value.strip()
        if text in NULL_MARKERS:
            return None
        cleaned = text.replace(",", "").replace("，", "")
        if re.fullmatch(r"-?\d+", cleaned):
            return to_int(int(cleaned))
        raise _reject(value, "is not a whole number")
    raise _reject(value, f"has type {type(value).__name__}, not a number")


def to_number(value: object) -> tuple[float | None, str | None]:
    """Read a possibly decimal cell (fees, procurement amounts), with a unit if one is printed.

    ``"251000元"`` gives ``(251000.0, "元")``; ``12.5`` gives ``(12.5, None)``.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise _reject(value, "is a boolean, not a number")
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            return None, None
        if math.isinf(number):
            raise _reject(value, "is not finite")
        return number, None
    if isinstance(value, str):
        text = value.strip()
        if text in NULL_MARKERS:
            return None, None
        match = _NUMBER_WITH_UNIT.match(text)
        if match:
            number = float(match.group(1).replace(",", "").replace("，", ""))
            unit = (match.group(2) or "").strip() or None
            return number, unit
        raise _reject(value, "is not a number")
    raise _reject(value, f"has type {type(value).__name__}, not a number")

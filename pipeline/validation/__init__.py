"""Validation layer: flatten report records into long polars frames, then check them with pandera.

``records_to_frames`` never drops information: a cell the report does not give stays null.
``validate_frames`` never raises for bad data: a report that fails a check is quarantined
with a reason, and every one of its rows leaves every frame, so the warehouse only ever
holds whole, valid reports.
"""

from typing import Any

from pipeline.validation.frames import FRAME_SCHEMAS, empty_frames, mark_current, records_to_frames


def __getattr__(name: str) -> Any:
    """``validate_frames`` and ``ValidationResult`` load pandera (0.6 s) only when asked for:
    publishing and a no-change run use the frame schemas but never validate anything."""
    if name in ("validate_frames", "ValidationResult"):
        from pipeline.validation import schemas

        return getattr(schemas, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "FRAME_SCHEMAS",
    "ValidationResult",
    "empty_frames",
    "mark_current",
    "records_to_frames",
    "validate_frames",
]

"""Validation layer: flatten report records into long polars frames, then check them with pandera.

``records_to_frames`` never drops information: a cell the report does not give stays null.
``validate_frames`` never raises for bad data: a report that fails a check is quarantined
with a reason, and every one of its rows leaves every frame, so the warehouse only ever
holds whole, valid reports.
"""

from pipeline.validation.frames import FRAME_SCHEMAS, empty_frames, mark_current, records_to_frames
from pipeline.validation.schemas import ValidationResult, validate_frames

__all__ = [
    "FRAME_SCHEMAS",
    "ValidationResult",
    "empty_frames",
    "mark_current",
    "records_to_frames",
    "validate_frames",
]

"""Parse a file and encode its record to JSON in the worker, handing the parent a small summary.

Why: the parent of the reader pool shares the machine's two cores with the workers. Had it
to unpickle every full record (hundreds of cells) and encode it again as JSON for the
staging file, it would spend ~2 ms a report of a core the workers need. The worker, which
has the record anyway, encodes it once; the parent gets the JSON text (cheap to pickle)
plus the few fields it decides on: status, report id, source and issues. The JSON is of the
record as staged: ``cell_methods`` in its run-length form (pipeline.ledger.cell_runs), less
than half the bytes to encode, pickle, write and decode again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.ingest.limits import Limits
from pipeline.ledger.cell_runs import staged
from pipeline.ledger.paths import printable, printable_record

JSON_KEY = "_json"
"""Key of the encoded record in the summary; the staging writer writes it as the line."""


def parse_encoded(path: Path, sha256: str | None = None, limits: Limits | None = None) -> dict[str, Any]:
    """``parse_file``'s record as a summary carrying the whole record's staged JSON under ``_json``."""
    from pipeline.parsing import parser  # looked up at call time: tests patch parser.parse_file

    record = parser.parse_file(path, sha256=sha256, limits=limits)
    if printable(str(path)) != str(path):  # a name that is not UTF-8: stored by its printable form
        record = printable_record(record)
    return {
        "status": record.get("status"),
        "report_id": record.get("report_id"),
        "source": record.get("source"),
        "issues": record.get("issues") or [],
        JSON_KEY: json.dumps(staged(record), ensure_ascii=False, default=str),
    }

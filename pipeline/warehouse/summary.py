"""Counts over a published warehouse for the command line (``xxgk run``'s summary, ``xxgk status``).

One place, so the two commands cannot count differently; read-only, like every reader of
the live file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FormatChecks:
    """The format's own checks over the current reports of the published warehouse.

    ``not_evaluable`` is kept apart from ``passed``: a rule whose figures the report does not
    give was not checked, and must not read as a pass.
    """

    passed: int
    failed: int
    not_evaluable: int
    failing_reports: int


def format_checks(warehouse: Path) -> FormatChecks | None:
    """Count ``check_results`` of current reports by outcome (None if the file has no such table)."""
    from pipeline.warehouse.readonly import open_read_only

    if not Path(warehouse).is_file():
        return None
    with open_read_only(Path(warehouse)) as con:
        names = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if not {"check_results", "reports"} <= names:
            return None
        row = con.execute(
            "SELECT count(*) FILTER (WHERE c.ok), count(*) FILTER (WHERE NOT c.ok), "
            "count(*) FILTER (WHERE c.ok IS NULL), count(DISTINCT c.report_id) FILTER (WHERE NOT c.ok) "
            "FROM check_results c JOIN reports r USING (report_id) WHERE r.is_current"
        ).fetchone()
    return FormatChecks(*(int(v or 0) for v in row))

"""A static HTML report of the warehouse: one file that opens offline in any browser.

For people who do not query DuckDB: per county and per agency, year-over-year charts of the
requests received, how they were handled, and administrative review and litigation; the
coverage grid (which agency has a report for which year); and the failed format checks,
each linked to its source file and page. Built by the ``warehouse_report`` asset after every
publish and by ``xxgk report``.

Charts are plotly.js, inlined once from the ``plotly`` package, and drawn from inlined JSON
for whichever county or agency the reader picks: one bundle and a few numbers per agency
rather than a pre-rendered picture per agency, so thousands of agencies stay a file of a
few megabytes, with hover values and zoom.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ReportResult", "build_report"]


@dataclass(frozen=True)
class ReportResult:
    path: Path
    bytes: int
    counts: dict[str, int]
    notes: tuple[str, ...]


def build_report(
    warehouse: Path, out: Path, *, source_root: Path | None = None, title: str | None = None
) -> ReportResult:
    """Read ``warehouse`` (read-only) and write the report to ``out``, atomically.

    Links to source files are relative to ``out``; relative ``source_path`` values are taken
    relative to ``source_root`` (default: the working directory, the repo root for a run).
    """
    from pipeline.report.data import load
    from pipeline.report.render import render, write_atomic

    data = load(Path(warehouse), Path(out), source_root=source_root, title=title)
    html = render(data)
    write_atomic(Path(out), html)
    return ReportResult(
        path=Path(out), bytes=len(html.encode("utf-8")), counts=data.counts, notes=tuple(data.notes)
    )

"""The HTML report of the published warehouse, rebuilt after every publish.

Its own asset downstream of the ``warehouse`` tables (like ``warehouse_parquet``): a report that fails
to build never fails or rolls back a good publish, the UI shows when it was last built and
from which run, and it can be rebuilt alone (e.g. after a template change) without a run.
"""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import os
from pathlib import Path

import dagster as dg

from pipeline.defs.assets import warehouse_keys
from pipeline.defs.resources import XxgkConfig

ENV_REPORT_FILE = "XXGK_REPORT_FILE"
REPORT_NAME = "report.html"


class ReportConfig(dg.Config):
    """Run config of ``warehouse_report``: where to write it."""

    path: str = ""
    """Empty: ``$XXGK_REPORT_FILE`` if set, else ``report.html`` beside the warehouse file (so
    a deployment that moves the warehouse moves the report with it)."""


def report_path(xxgk: XxgkConfig, config: ReportConfig) -> Path:
    if config.path:
        return Path(config.path)
    if os.environ.get(ENV_REPORT_FILE):
        return Path(os.environ[ENV_REPORT_FILE])
    return xxgk.warehouse_path().parent / REPORT_NAME


@dg.asset(
    group_name="xxgk",  # same group as the rest, so xxgk_job (and the schedule and sensor) run it
    deps=warehouse_keys(),
    kinds={"duckdb", "html"},
)
def warehouse_report(
    context: dg.AssetExecutionContext, xxgk: XxgkConfig, config: ReportConfig
) -> dg.MaterializeResult:
    """One self-contained HTML page (charts per county and agency, the coverage grid, the
    failed checks linked to their source pages), opened offline by anyone with a browser.

    Written beside the old one and renamed over it. Source links are relative to the page,
    with relative source paths taken from the working directory (the repo root for runs).
    """
    from pipeline.report import build_report

    out = report_path(xxgk, config)
    result = build_report(xxgk.warehouse_path(), out)
    context.log.info(f"report {out}: {result.bytes / 1e6:.1f} MB")
    for note in result.notes:
        context.log.info(note)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(out)),
            "bytes": result.bytes,
            **{k: v for k, v in result.counts.items()},
        }
    )

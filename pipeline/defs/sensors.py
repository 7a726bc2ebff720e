"""Run the pipeline when the raw folder changes."""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import dagster as dg

from pipeline.defs.resources import XxgkConfig
from pipeline.ledger.walk import fingerprint, iter_raw_files


@dg.sensor(
    name="raw_files_sensor",
    job_name="xxgk_job",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,  # unattended: on as soon as the daemon runs
    description="Requests one xxgk_job run whenever a raw file is added, removed, replaced or touched, "
    "or the agencies' alias file is edited.",
)
def raw_files_sensor(
    context: dg.SensorEvaluationContext, xxgk: XxgkConfig
) -> dg.SensorResult | dg.SkipReason:
    """Fingerprint (paths, sizes, mtimes) rather than hashes: it runs every 30 s and must not
    read the files; the run itself hashes them and re-reads only what really changed.

    The fingerprint is both the cursor and the run key, so a change yields exactly one run
    even if the tick is retried.
    """
    raw = xxgk.raw_path()
    if not raw.is_dir():
        return dg.SkipReason(f"raw dir {raw} does not exist")
    if context.cursor is None and not iter_raw_files(raw):
        return dg.SkipReason(f"raw dir {raw} is empty")
    aliases = xxgk.aliases_path()
    fp = fingerprint(raw, (aliases,) if aliases is not None else ())
    if fp == context.cursor:
        return dg.SkipReason("no raw file changed")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fp)], cursor=fp)

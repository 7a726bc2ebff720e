"""Nightly safety net: the sensor reacts to new files, the schedule catches anything it missed
(a daemon that was down, files copied in with preserved mtimes)."""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import dagster as dg

xxgk_nightly = dg.ScheduleDefinition(
    name="xxgk_nightly",
    job_name="xxgk_job",  # by name, so the job object is defined (and collected) once, in jobs.py
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild the warehouse every night at 02:00 (unchanged files are not re-read).",
)

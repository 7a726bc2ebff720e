"""The one job: the whole asset graph (its checks come along), as the schedule and sensor run it."""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import dagster as dg

xxgk_job = dg.define_asset_job(
    "xxgk_job",
    selection=dg.AssetSelection.groups("xxgk"),
    description="Walk the raw dir, parse new or changed files, validate, publish the warehouse.",
)

"""The warehouse as Parquet files: one per table and view, for readers beyond one machine.

A separate asset downstream of the ``warehouse`` tables (rather than a step inside it) so that a failed
export never fails or rolls back a good publish, the UI shows the export's own row counts,
and it can be re-materialized alone after someone deletes the files.
"""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import dagster as dg

from pipeline.defs.assets import warehouse_keys
from pipeline.defs.resources import XxgkConfig


@dg.asset(
    group_name="xxgk",  # same group as the rest, so xxgk_job (and the schedule and sensor) run it
    deps=warehouse_keys(),
    kinds={"duckdb", "parquet"},
)
def warehouse_parquet(context: dg.AssetExecutionContext, xxgk: XxgkConfig) -> dg.MaterializeResult:
    """Every table and view of the published warehouse as ``<parquet_dir>/<name>.parquet``.

    Nothing goes through the IO manager: the directory is the asset. It is replaced whole,
    so a reader never mixes files from two runs (see ``pipeline.warehouse.parquet_export``).
    """
    from pipeline.warehouse.parquet_export import export_parquet

    warehouse = xxgk.warehouse_path()
    out_dir = xxgk.parquet_path()
    counts = export_parquet(warehouse, out_dir)
    context.log.info(f"exported {len(counts)} tables and views from {warehouse} to {out_dir}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(out_dir)),
            "files": len(counts),
            **{f"rows_{name}": n for name, n in counts.items()},
        }
    )

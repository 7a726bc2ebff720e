"""The one resource every asset and the sensor share: where the raw files and the warehouse live."""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

from pathlib import Path

import dagster as dg


class XxgkConfig(dg.ConfigurableResource):
    """Locations of the raw report files and of the DuckDB warehouse.

    Relative paths are taken relative to the working directory, which is the repo root for
    ``xxgk run``, ``dg dev`` and the daemon. They are kept as given (not made absolute) so
    that ``reports.source_path`` reads ``data/raw/…`` and stays valid for every clone.
    """

    raw_dir: str = "data/raw"
    warehouse: str = "data/warehouse/xxgk.duckdb"

    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    def warehouse_path(self) -> Path:
        return Path(self.warehouse)


@dg.definitions
def resources() -> dg.Definitions:
    """Bind the default config under the key ``xxgk`` (what the assets and the sensor ask for)."""
    return dg.Definitions(resources={"xxgk": XxgkConfig()})

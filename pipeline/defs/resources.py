"""The one resource every asset and the sensor share: where the raw files and the warehouse live."""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import os
from pathlib import Path

import dagster as dg

ENV_RAW_DIR = "XXGK_RAW_DIR"
ENV_WAREHOUSE = "XXGK_WAREHOUSE"
ENV_PARQUET_DIR = "XXGK_PARQUET_DIR"
ENV_ALIASES_FILE = "XXGK_ALIASES_FILE"
ENV_MAX_REMOVED_SHARE = "XXGK_MAX_REMOVED_SHARE"
"""Environment variables that relocate the data without editing code or run config: a
deployment (shared storage on a cluster) or a test (temp dirs under ``dg dev``) sets them
before the code location loads."""

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse/xxgk.duckdb"
DEFAULT_ALIASES_FILE = "data/agencies/aliases.csv"
DEFAULT_MAX_REMOVED_SHARE = 0.2


class XxgkConfig(dg.ConfigurableResource):
    """Locations of the raw report files, the DuckDB warehouse and its Parquet export.

    Relative paths are taken relative to the working directory, which is the repo root for
    ``xxgk run``, ``dg dev`` and the daemon. They are kept as given (not made absolute) so
    that ``reports.source_path`` reads ``data/raw/…`` and stays valid for every clone.
    """

    raw_dir: str = DEFAULT_RAW_DIR
    warehouse: str = DEFAULT_WAREHOUSE
    parquet_dir: str = ""
    """Empty: ``parquet/`` beside the warehouse file, so moving the warehouse moves the export."""
    aliases_file: str = DEFAULT_ALIASES_FILE
    """The analysts' agency alias file (pipeline.agencies.aliases), applied to every report at
    each publish. A missing file means no aliases; empty string: do not read one."""

    max_removed_share: float | None = None
    """A run removing all the reports, or more than this share of them (0.2: a fifth), is
    refused unless its run config allows removals. None: ``XXGK_MAX_REMOVED_SHARE`` or 0.2."""

    workers: int = 2
    """Worker processes that read files (both cores of the reference machine). 0 reads in
    the run's own process, without the per-file timeout: for debugging only."""
    max_bytes: int = 0
    max_pages: int = 0
    timeout_seconds: float = 0
    memory_mb: int = 0
    """Per-file limits; 0 takes the default or the XXGK_MAX_BYTES / XXGK_MAX_PAGES /
    XXGK_TIMEOUT_SECONDS / XXGK_MEMORY_MB environment variable (pipeline.ingest.limits)."""

    def limits(self):  # -> pipeline.ingest.limits.Limits (imported lazily: keep defs loading light)
        """The per-file limits: environment and defaults, overridden by any field set here."""
        import dataclasses

        from pipeline.ingest.limits import Limits

        base = Limits.from_env()
        overrides = {
            "max_bytes": self.max_bytes,
            "max_pages": self.max_pages,
            "timeout_seconds": self.timeout_seconds,
            "memory_mb": self.memory_mb,
        }
        return dataclasses.replace(base, **{k: v for k, v in overrides.items() if v})

    def removal_share(self) -> float:
        """The share of reports a run may remove without ``allow_removals`` (see the field)."""
        if self.max_removed_share is not None:
            return self.max_removed_share
        return float(os.environ.get(ENV_MAX_REMOVED_SHARE) or DEFAULT_MAX_REMOVED_SHARE)

    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    def aliases_path(self) -> Path | None:
        return Path(self.aliases_file) if self.aliases_file else None

    def parquet_path(self) -> Path:
        if self.parquet_dir:
            return Path(self.parquet_dir)
        return self.warehouse_path().parent / "parquet"


def _env_or_default(name: str, default: str) -> str:
    """``dg.EnvVar(name)`` when the variable is set, else the plain default.

    ``dg.EnvVar`` has no default of its own (an unset variable fails the run), and the
    defaults must keep working for a plain checkout. When set, the UI shows the resource as
    read from the environment, and each run process resolves it again.
    """
    return dg.EnvVar(name) if os.environ.get(name) else default


@dg.definitions
def resources() -> dg.Definitions:
    """Bind the config under the key ``xxgk`` (what the assets and the sensor ask for)."""
    return dg.Definitions(
        resources={
            "xxgk": XxgkConfig(
                raw_dir=_env_or_default(ENV_RAW_DIR, DEFAULT_RAW_DIR),
                warehouse=_env_or_default(ENV_WAREHOUSE, DEFAULT_WAREHOUSE),
                parquet_dir=_env_or_default(ENV_PARQUET_DIR, ""),
                aliases_file=_env_or_default(ENV_ALIASES_FILE, DEFAULT_ALIASES_FILE),
            )
        }
    )

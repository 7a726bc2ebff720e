"""Export the published warehouse for people and tools that do not speak DuckDB.

``xxgk export --format csv|parquet|xlsx``: every table and view, one file each (CSV,
Parquet) or one sheet each in a single workbook (Excel, with Chinese headers). The
warehouse is always opened read-only, so exporting never blocks a run or an analyst.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: the CLI reads FORMATS without loading DuckDB
    from pipeline.export.relations import ExportResult

FORMATS = ("csv", "parquet", "xlsx")
WORKBOOK_NAME = "xxgk.xlsx"

__all__ = ["FORMATS", "WORKBOOK_NAME", "export"]


def export(warehouse: Path, out_dir: Path, fmt: str) -> ExportResult:
    """Export ``warehouse`` into ``out_dir`` as ``fmt``: ``<name>.csv`` / ``<name>.parquet`` per
    relation, or one workbook ``xxgk.xlsx``."""
    if fmt == "xlsx":
        from pipeline.export.xlsx import export_xlsx

        return export_xlsx(warehouse, Path(out_dir) / WORKBOOK_NAME)
    if fmt in ("csv", "parquet"):
        from pipeline.export.files import export_files

        return export_files(warehouse, Path(out_dir), fmt)  # type: ignore[arg-type]
    raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")

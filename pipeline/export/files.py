"""CSV and Parquet: one file per table and view, written by DuckDB itself.

``COPY (SELECT * FROM name) TO …`` streams rows from the warehouse to the file without
building them in Python, so a table of any size exports in bounded memory.

Unlike ``pipeline.warehouse.parquet_export`` (which owns its directory and swaps it in
whole), the target here is any directory a person names, possibly holding their own files,
so nothing in it is deleted. Every file is first written under a hidden temporary name in
the same directory, and only once all of them are complete are they renamed into place:
a failed export leaves the previous files untouched, and the set changes within the few
milliseconds of the renames.

CSV is UTF-8 with a header row of the column keys (what scripts and ``read_csv`` expect);
the Excel export is the one with Chinese headers.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Literal

from pipeline.export.relations import (
    Exported,
    ExportResult,
    fsync,
    list_relations,
    quote_ident,
    quote_literal,
    temp_name,
)
from pipeline.warehouse.readonly import open_read_only

FileFormat = Literal["csv", "parquet"]

COPY_OPTIONS: dict[str, str] = {
    "csv": "FORMAT csv, HEADER true",
    "parquet": "FORMAT parquet, COMPRESSION zstd",
}


def export_files(warehouse: Path, out_dir: Path, fmt: FileFormat) -> ExportResult:
    """Write ``<out_dir>/<name>.<fmt>`` for every table and view of ``warehouse``.

    The warehouse is opened read-only (a snapshot when another process holds its lock), so
    an export never blocks an analyst or the next publish.
    """
    if fmt not in COPY_OPTIONS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(COPY_OPTIONS)}")
    warehouse = Path(warehouse)
    out_dir = Path(out_dir)
    if not warehouse.is_file():
        raise FileNotFoundError(f"warehouse {warehouse} does not exist")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(format=fmt, out=out_dir)
    staged: list[tuple[Path, Path]] = []
    try:
        with open_read_only(warehouse) as con:
            for relation in list_relations(con):
                final = out_dir / f"{relation.name}.{fmt}"
                tmp = temp_name(final)
                staged.append((tmp, final))
                (rows,) = con.execute(
                    f"COPY (SELECT * FROM {quote_ident(relation.name)}) TO {quote_literal(str(tmp))} "
                    f"({COPY_OPTIONS[fmt]})"
                ).fetchone() or (0,)
                fsync(tmp)
                result.relations.append(Exported(relation.name, relation.kind, int(rows), final))
        for tmp, final in staged:
            os.replace(tmp, final)
        fsync(out_dir)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    return result

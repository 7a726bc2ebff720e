"""Export every table and view of the published warehouse to Parquet, one file each, all at once.

DuckDB is a single file that one machine opens; Parquet files on shared storage can be read
by many readers at once (DuckDB, polars, pandas, Spark, a BI tool) without any of them
holding a lock on the warehouse. Views are exported as their result rows, so a reader gets
``yoy_requests`` and friends without the SQL that defines them.

The set is swapped in whole, like the warehouse itself: the files are written into a hidden
sibling directory, then the old directory is renamed aside, the new one renamed into its
place and the old one deleted. A reader therefore sees the complete old set or the complete
new set, never tables from two runs; for the instant between the two renames the directory
is absent (a reader retries), and a reader that already opened a file keeps reading it,
since deleting an open file on POSIX only drops its name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from pipeline.export.relations import fsync, list_relations, quote_ident, quote_literal
from pipeline.warehouse.publish import RUN_TABLES
from pipeline.warehouse.readonly import open_read_only

_BUILDING = ".building-"
_OLD = ".old-"
_SPILL = ".spill-"
_STALE_SECONDS = 6 * 3600
"""A temp dir this old is a leftover of a crashed export, not one in progress. Age rather than
a pid check, because on shared storage the writer may have been another machine."""

MEMORY_LIMIT = "768MB"
"""DuckDB's memory for the export; past it, its hash aggregates and joins spill to a temp dir
beside the export. Unbounded, DuckDB takes what a query wants (1.3 GB for report_cells_wide
at 100,000 reports, on top of the run's own process), and the whole run must stay under
1.5 GB; bounded, that view takes twice as long at that size, and nothing changes at 10,000."""


def _remove_stale(out_dir: Path) -> None:
    """Delete temp dirs left next to ``out_dir`` by exports that crashed long ago."""
    now = time.time()
    for p in out_dir.parent.glob(f".{out_dir.name}.*"):
        if not p.is_dir() or not (_BUILDING in p.name or _OLD in p.name or _SPILL in p.name):
            continue
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(p, ignore_errors=True)


def _swap_in(new_dir: Path, out_dir: Path) -> None:
    """Put ``new_dir`` where ``out_dir`` is: old aside, new in, old deleted.

    If the second rename fails the old directory is put back, so a failed export never
    leaves the readers with nothing.
    """
    old: Path | None = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}{_OLD}{os.getpid()}-{time.time_ns()}")
        os.rename(out_dir, old)
    try:
        os.rename(new_dir, out_dir)
    except BaseException:
        if old is not None:
            os.rename(old, out_dir)
        raise
    fsync(out_dir.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


KEY_FILE = "_content_key"
"""The warehouse's ``content_key`` the export was made from (see publish._content_key)."""


def _content_key(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute("SELECT value FROM warehouse_meta WHERE key = 'content_key'").fetchone()
    except duckdb.Error:  # an older warehouse without warehouse_meta: always export everything
        return None
    return row[0] if row else None


def _read_key(out_dir: Path) -> str | None:
    try:
        return (out_dir / KEY_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def export_parquet(warehouse: Path, out_dir: Path) -> dict[str, int]:
    """Write each table and view of ``warehouse`` to ``<out_dir>/<name>.parquet``; return rows per name.

    The warehouse is opened read-only (a snapshot if someone holds its lock), so exporting
    never blocks an analyst or the next publish. On any error the previous export is left
    untouched and the partial one is deleted.
    """
    warehouse = Path(warehouse)
    out_dir = Path(out_dir)
    if not warehouse.is_file():
        raise FileNotFoundError(f"warehouse {warehouse} does not exist")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(out_dir)
    building = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{_BUILDING}", dir=out_dir.parent))
    spill = building.with_name(building.name.replace(_BUILDING, _SPILL))
    try:
        counts: dict[str, int] = {}
        with open_read_only(warehouse) as con:
            con.execute(f"SET memory_limit = {quote_literal(MEMORY_LIMIT)}")
            con.execute(f"SET temp_directory = {quote_literal(str(spill))}")
            key = _content_key(con)
            reuse = key is not None and _read_key(out_dir) == key
            for name in (r.name for r in list_relations(con)):  # plain identifiers only: they become file names
                target = building / f"{name}.parquet"
                previous = out_dir / f"{name}.parquet"
                if reuse and name not in RUN_TABLES and previous.is_file():
                    # Same report content as the last export: its file is this run's file too.
                    try:
                        os.link(previous, target)
                    except OSError:  # storage without hard links
                        shutil.copy2(previous, target)
                    (n,) = con.execute("SELECT count(*) FROM read_parquet(?)", [str(target)]).fetchone() or (0,)
                else:
                    (n,) = con.execute(
                        f"COPY (SELECT * FROM {quote_ident(name)}) TO {quote_literal(str(target))} "
                        "(FORMAT parquet, COMPRESSION zstd)"
                    ).fetchone() or (0,)
                    fsync(target)
                counts[name] = int(n)
        if key is not None:
            (building / KEY_FILE).write_text(key + "\n", encoding="utf-8")
        fsync(building)
        os.chmod(building, 0o755)  # mkdtemp makes it 0700: readers on shared storage need to list it
        _swap_in(building, out_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return counts

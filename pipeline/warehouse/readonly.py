"""Open the live warehouse for reading without ever taking its write lock.

DuckDB locks a file per process: a read-write connection would block every analyst, and an
analyst's read-write session (the DuckDB CLI's default) would block a read-only one. In
that last case we read a private copy instead, so a run never fails because someone has
the warehouse open.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


@contextmanager
def open_read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to ``path``, or to a snapshot of it when another process holds its lock."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        if "lock" not in str(err).lower():
            raise
        with tempfile.TemporaryDirectory(prefix="xxgk-snapshot-") as tmp:
            copy = Path(tmp) / path.name
            shutil.copy2(path, copy)
            wal = path.with_name(path.name + ".wal")
            if wal.exists():
                shutil.copy2(wal, copy.with_name(copy.name + ".wal"))
            con = duckdb.connect(str(copy), read_only=True)
            try:
                yield con
            finally:
                con.close()
        return
    try:
        yield con
    finally:
        con.close()


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables (not views) in the main schema: older warehouses may lack newer tables."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
    ).fetchall()
    return {r[0] for r in rows}

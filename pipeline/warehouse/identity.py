"""Is a path an xxgk warehouse? Asked before a run replaces it and before a command reads it.

``xxgk run --warehouse notes.txt`` used to rename a fresh DuckDB file over the text file:
the warehouse is published by renaming a new file over the old one, which replaces
whatever the path held. So a path that exists must be a DuckDB file (its header says
``DUCK`` at byte 8) holding this project's ``warehouse_meta`` table; anything else is left
alone with one message, the same whichever command met it.

A damaged warehouse must not block every future run, though (a disk that filled mid-copy, a
file zeroed by a crash): the run rebuilds it with a warning. So a file without DuckDB's
header is still taken for a damaged warehouse when it is evidently one: its name says it is
a DuckDB database (``.duckdb``, as the default ``data/warehouse/xxgk.duckdb``), or the
``<name>.lock`` every publish takes lies beside it (a warehouse was published there). A
valid DuckDB database of someone else (no ``warehouse_meta``) is refused whatever its name.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

DUCKDB_MAGIC = b"DUCK"
DUCKDB_SUFFIX = ".duckdb"
MAGIC_OFFSET = 8


class NotAWarehouse(ValueError):
    """The warehouse path holds something that is not an xxgk warehouse."""


def not_a_warehouse(path: Path) -> str | None:
    """Why ``path`` may not be used as the warehouse, in one line; None when it may.

    A missing path may (the first run creates it). A DuckDB file another process holds
    locked, or one DuckDB cannot open (damaged), is given the benefit of the doubt: the run
    rebuilds a damaged warehouse, and a locked one is most likely an analyst's session on it.
    """
    path = Path(path)
    if not path.exists():
        return None
    why = _why_not(path)
    if why is None:
        return None
    return f"{path} is not an xxgk warehouse ({why}); left untouched: give --warehouse another path or move it away"


def check_warehouse(path: Path) -> None:
    """Raise ``NotAWarehouse`` with ``not_a_warehouse``'s message when ``path`` is not usable."""
    message = not_a_warehouse(path)
    if message is not None:
        raise NotAWarehouse(message)


def evidently_a_warehouse(path: Path) -> bool:
    """Whether ``path`` is meant to be a warehouse even though its content is not DuckDB's:
    named ``*.duckdb``, or beside the lock file a publish there left (``<name>.lock``)."""
    return path.suffix == DUCKDB_SUFFIX or path.with_name(path.name + ".lock").is_file()


def _why_not(path: Path) -> str | None:
    if path.is_dir():
        return "a folder"
    try:
        with path.open("rb") as fh:
            head = fh.read(MAGIC_OFFSET + len(DUCKDB_MAGIC))
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if head[MAGIC_OFFSET:] != DUCKDB_MAGIC:
        if evidently_a_warehouse(path):  # damaged: the run rebuilds it and warns
            return None
        return "not a DuckDB file" if head else "an empty file, not a DuckDB file"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        found = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'warehouse_meta' "
            "AND database_name = current_database()"
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return None if found and found[0] else "a DuckDB file without this project's warehouse_meta table"

"""What there is to export: the warehouse's tables and views, with their Chinese descriptions.

Shared by every format so that CSV, Parquet and Excel always cover the same set of names,
and a table or view another engineer adds tomorrow is exported without touching this code.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

Kind = Literal["table", "view"]

_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Relation:
    """A table or view of the warehouse's main schema."""

    name: str
    kind: Kind
    comment: str | None


@dataclass
class Exported:
    """One relation as written: where, how many rows, and anything a reader should know."""

    name: str
    kind: Kind
    rows: int
    path: Path | None
    sheets: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ExportResult:
    """What an export wrote, for the command line to print and the tests to check."""

    format: str
    out: Path
    relations: list[Exported] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {r.name: r.rows for r in self.relations}


def list_relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Tables and non-internal views of the main schema, sorted by name, with their comments.

    Only plain identifiers are accepted: the name becomes a file or sheet name, and a "/"
    or ".." in it must not write anywhere else.
    """
    rows = con.execute(
        """
        SELECT table_name, 'table', comment FROM duckdb_tables()
        WHERE schema_name = 'main' AND database_name = current_database() AND NOT temporary
        UNION ALL
        SELECT view_name, 'view', comment FROM duckdb_views()
        WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal AND NOT temporary
        ORDER BY 1
        """
    ).fetchall()
    relations = []
    for name, kind, comment in rows:
        if not _SAFE_NAME.match(name):
            raise ValueError(f"relation name {name!r} is not a plain identifier")
        relations.append(Relation(name=name, kind=kind, comment=comment or None))
    return relations


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def fsync(path: Path) -> None:
    """Flush a file (or directory entry) to disk before it is renamed into view. Best effort:
    some network filesystems refuse fsync on a directory."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def temp_name(final: Path) -> Path:
    """A hidden sibling of ``final`` for writing it: same directory, so the rename is atomic."""
    return final.with_name(f".{final.name}.tmp-{os.getpid()}")

"""Publish validated frames into the DuckDB warehouse, all or nothing.

The new warehouse is built in a fresh file beside the target (``<name>.building-<pid>``),
checkpointed, fsynced and then renamed over the target with ``os.replace``. The rename is
atomic, so analysts see either the old warehouse or the new one, never a mix; a reader
holding the old file open keeps reading the old inode undisturbed. On any error the
partial file is deleted and the old warehouse is left byte-identical.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

import pipeline
from pipeline import template
from pipeline.validation.frames import FRAME_SCHEMAS, empty_frames
from pipeline.warehouse.readonly import open_read_only, table_names

SQL_DIR = Path(pipeline.__file__).parents[1] / "sql"

INGEST_LOG_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.String, "sha256": pl.String, "run_id": pl.String, "outcome": pl.String,
    "reason": pl.String, "at": pl.Datetime("us"),
}  # fmt: skip
"""``at`` is a naive UTC timestamp; tz-aware input is converted to UTC."""

REPORT_RECORDS_SCHEMA: dict[str, pl.DataType] = {
    "sha256": pl.String, "parser_version": pl.String, "path": pl.String, "outcome": pl.String,
    "reason": pl.String, "record_json": pl.String,
}  # fmt: skip

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class PublishResult:
    """What the new warehouse holds: row count per table, the views, and the cross-year checks added."""

    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    views: list[str] = field(default_factory=list)
    cross_year_checks: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    """E.g. the previous warehouse was unreadable, so its history could not be carried over."""


def empty_ingest_log() -> pl.DataFrame:
    return pl.DataFrame(schema=INGEST_LOG_SCHEMA)


def load_previous(warehouse: Path) -> tuple[dict[str, dict[str, Any]], pl.DataFrame]:
    """Records of the last run that the current parser would reproduce, and the ingest log so far.

    Returns ``({sha256: record}, ingest_log)``. Only records whose ``parser_version`` equals
    ``pipeline.PARSER_VERSION`` are returned: bumping the version re-reads every file once.
    A record found by sha256 may come from another path with the same content: the caller
    should set ``record["source"]["path"]`` to the file it is processing. Raises
    ``duckdb.Error`` when the file exists but is not a readable DuckDB database.
    """
    warehouse = Path(warehouse)
    if not warehouse.exists():
        return {}, empty_ingest_log()
    with open_read_only(warehouse) as con:
        tables = table_names(con)
        records: dict[str, dict[str, Any]] = {}
        if "report_records" in tables:
            rows = con.execute(
                "SELECT sha256, record_json FROM report_records WHERE parser_version = ? ORDER BY path",
                [pipeline.PARSER_VERSION],
            ).fetchall()
            records = {sha: json.loads(text) for sha, text in rows if sha}
        log = _read_ingest_log(con, tables)
    return records, log


def publish(
    frames: Mapping[str, pl.DataFrame],
    ingest_log: pl.DataFrame,
    warehouse: Path,
    records: Iterable[Mapping[str, Any]] | None = None,
) -> PublishResult:
    """Replace ``warehouse`` with a new file holding ``frames``, or leave it untouched on error.

    ``ingest_log`` holds only this run's rows; they are appended to the previous warehouse's
    log here. ``records`` are every record processed in this run (quarantined ones too),
    stored as JSON for the next run's ``load_previous``; when None, the previous warehouse's
    ``report_records`` are carried over unchanged. An unreadable previous warehouse is
    replaced with a warning in ``PublishResult.warnings`` rather than blocking every run.
    """
    started = time.monotonic()
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(warehouse)
    building = warehouse.with_name(f"{warehouse.name}.building-{os.getpid()}")
    _remove(building)
    new_log = _normalize_log(ingest_log)
    warnings: list[str] = []
    try:
        old_log, old_records = _previous_rows(warehouse, keep_records=records is None)
    except duckdb.Error as err:  # a damaged warehouse must not block every future run
        warnings.append(
            f"previous warehouse {warehouse} is unreadable, its history is not carried over: {err}"
        )
        old_log, old_records = empty_ingest_log(), pl.DataFrame(schema=REPORT_RECORDS_SCHEMA)
    report_records = old_records if records is None else _report_records(records, new_log)
    try:
        con = duckdb.connect(str(building))
        try:
            _create_tables(con, {**empty_frames(), **frames})
            _create_table(con, "dictionary", _dictionary())
            _create_table(con, "report_records", report_records)
            _create_table(con, "ingest_log", pl.concat([old_log, new_log]))
            _run_sql_dir(con, SQL_DIR / "views")
            _run_sql_file(con, SQL_DIR / "comments.sql")
            _run_sql_dir(con, SQL_DIR / "checks")
            result = _summarize(con, warehouse)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _fsync(building)
        os.replace(building, warehouse)
        _fsync(warehouse.parent)
    except BaseException:
        _remove(building)
        raise
    result.seconds = time.monotonic() - started
    result.warnings = warnings
    return result


# -- reading the previous warehouse -------------------------------------------------------


def _read_ingest_log(con: duckdb.DuckDBPyConnection, tables: set[str]) -> pl.DataFrame:
    if "ingest_log" not in tables:
        return empty_ingest_log()
    return _normalize_log(con.sql("SELECT * FROM ingest_log").pl())


def _previous_rows(warehouse: Path, keep_records: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The old ingest log (always) and the old report_records (only when they are carried over)."""
    records = pl.DataFrame(schema=REPORT_RECORDS_SCHEMA)
    if not warehouse.exists():
        return empty_ingest_log(), records
    with open_read_only(warehouse) as con:
        tables = table_names(con)
        log = _read_ingest_log(con, tables)
        if keep_records and "report_records" in tables:
            records = _conform(con.sql("SELECT * FROM report_records").pl(), REPORT_RECORDS_SCHEMA)
    return log, records


def _conform(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Exactly ``schema``'s columns and dtypes; a column the frame lacks becomes null."""
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(dtype).alias(c)
        for c, dtype in schema.items()
    )


def _normalize_log(log: pl.DataFrame) -> pl.DataFrame:
    """Callers may pass tz-aware or string timestamps; the table stores naive UTC microseconds."""
    if "at" in log.columns:
        dtype = log.schema["at"]
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            log = log.with_columns(pl.col("at").dt.convert_time_zone("UTC").dt.replace_time_zone(None))
        elif dtype == pl.String:
            log = log.with_columns(pl.col("at").str.to_datetime(time_zone="UTC").dt.replace_time_zone(None))
    return _conform(log, INGEST_LOG_SCHEMA)


def _report_records(records: Iterable[Mapping[str, Any]], new_log: pl.DataFrame) -> pl.DataFrame:
    """One row per processed file, with its outcome in this run (the last log row for its path)."""
    outcome = {row["path"]: (row["outcome"], row["reason"]) for row in new_log.iter_rows(named=True)}
    rows: dict[str, list[Any]] = {c: [] for c in REPORT_RECORDS_SCHEMA}
    for record in records:
        source = record.get("source") or {}
        path = source.get("path")
        result = outcome.get(path, (None, None))
        for column, value in zip(
            REPORT_RECORDS_SCHEMA,
            (source.get("sha256"), record.get("parser_version"), path, *result,
             json.dumps(record, ensure_ascii=False, default=str)),
            strict=True,
        ):  # fmt: skip
            rows[column].append(None if value is None else str(value))
    return pl.DataFrame(rows, schema=REPORT_RECORDS_SCHEMA)


# -- building the new warehouse ----------------------------------------------------------


def _dictionary() -> pl.DataFrame:
    """Every key of TEMPLATE_KEYS.csv with its Chinese labels, in the printed order."""
    keys = template.all_keys()
    return pl.DataFrame(
        {
            "table": [k.table for k in keys],
            "template": [k.template for k in keys],
            "row_key": [k.row_key for k in keys],
            "column_key": [k.column_key for k in keys],
            "zh_row": [k.zh_row for k in keys],
            "zh_column": [k.zh_column for k in keys],
            "zh_label": [f"{k.zh_row}｜{k.zh_column}" for k in keys],
            "sort_order": [k.order for k in keys],
        },
        schema_overrides={"sort_order": pl.Int64},
    )


def _create_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a table name: {name!r}")
    view = f"_publish_src_{name}"
    con.register(view, frame)
    try:
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM "{view}"')
    finally:
        con.unregister(view)


def _create_tables(con: duckdb.DuckDBPyConnection, frames: Mapping[str, pl.DataFrame]) -> None:
    """Contract frames are conformed to their schema, so an empty or partial run still has every column."""
    for name, frame in frames.items():
        schema = FRAME_SCHEMAS.get(name)
        if schema is not None:
            extra = [c for c in frame.columns if c not in schema]
            frame = pl.concat([_conform(frame, schema), frame.select(extra)], how="horizontal")
        _create_table(con, name, frame)


def _run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    if path.exists():
        con.execute(path.read_text(encoding="utf-8"))


def _run_sql_dir(con: duckdb.DuckDBPyConnection, directory: Path) -> None:
    """Run every ``.sql`` file in sorted order (so a view can use one from an earlier file)."""
    for path in sorted(directory.glob("*.sql")) if directory.exists() else []:
        _run_sql_file(con, path)


def _summarize(con: duckdb.DuckDBPyConnection, warehouse: Path) -> PublishResult:
    tables = sorted(table_names(con))
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]
    views = [r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name"
    ).fetchall()]  # fmt: skip
    cross_year = con.execute("SELECT count(*) FROM check_results WHERE origin = 'cross_year'").fetchone()
    return PublishResult(path=warehouse, tables=counts, views=views, cross_year_checks=cross_year[0])  # type: ignore[index]


# -- files ---------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    """Flush a file (or a directory entry, after the rename) to disk before trusting it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def _remove_stale_builds(warehouse: Path) -> None:
    """Delete build files left by crashed runs whose process no longer exists."""
    for path in warehouse.parent.glob(f"{warehouse.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

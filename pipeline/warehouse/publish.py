"""Publish a run's changes into the DuckDB warehouse, all or nothing.

A run changes the warehouse by a *delta*: reports to remove (files gone or read again),
validated frames to add, the new ledger of raw files and this run's ingest-log rows.
The delta is applied to a private copy of the current warehouse (``<name>.building-<pid>``);
the derived parts (agency ids with the analyst's alias file, versions and ``is_current``,
agencies and their aliases, cross-year checks, views, comments) are recomputed over the
whole copy, which is then checkpointed, fsynced and renamed over the target with
``os.replace``. The rename is atomic, so analysts see either
the old warehouse or the new one, never a mix, and a reader holding the old file open
keeps reading the old inode undisturbed. A crash at any point (even SIGKILL) leaves the
old file untouched; the build file is deleted on error, or by the next run when the
process died.

Without a usable previous warehouse (first run, unreadable file, older schema) the build
starts empty: ``Delta.full`` — the caller then supplies every report, not a delta.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

import pipeline
from pipeline import template
from pipeline.agencies import AliasFile, assign_agencies, load_aliases
from pipeline.ledger.plan import LEDGER_SCHEMA, empty_ledger
from pipeline.validation.frames import FRAME_SCHEMAS
from pipeline.warehouse.identity import check_warehouse
from pipeline.warehouse.readonly import open_read_only, table_names

SQL_DIR = Path(pipeline.__file__).parents[1] / "sql"

SCHEMA_VERSION = "5"
"""Bumped when a table's columns change: an older warehouse is then rebuilt from the raw files."""

INGEST_LOG_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.String, "sha256": pl.String, "report_id": pl.String, "run_id": pl.String,
    "outcome": pl.String, "reason": pl.String, "at": pl.Datetime("us"),
}  # fmt: skip
"""``at`` is a naive UTC timestamp; tz-aware input is converted to UTC."""

REPORT_TABLES = tuple(name for name in FRAME_SCHEMAS if name != "agencies")
"""Tables keyed by report_id: a report's rows are removed from all of them at once."""

PAUSE_ENV = "XXGK_PAUSE_AT"
"""Fault injection for the kill tests: name a publishing stage and the process stops there
(writing ``<build file>.paused``) until it is killed. Never set in production."""

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

FrameSource = pl.DataFrame | Sequence[Path]
"""A table's new rows: a polars frame, or Parquet files written by the staging step."""


class WarehouseChanged(RuntimeError):
    """Another run published between this run's planning and its publishing."""


class RemovalRefused(RuntimeError):
    """The run would remove more of the warehouse's reports than its delta allows."""


@dataclass
class Delta:
    """One run's change to the warehouse (see the module docstring)."""

    frames: Mapping[str, FrameSource] = field(default_factory=dict)
    remove: set[str] = field(default_factory=set)
    ledger: pl.DataFrame = field(default_factory=empty_ledger)
    ingest_log: pl.DataFrame | None = None
    run_id: str = ""
    base_run_id: str | None = None
    """The warehouse's ``last_run_id`` when the run planned its delta; publishing refuses a
    warehouse that has moved on since (another run would be silently undone)."""
    full: bool = False
    planned: bool = False
    """The delta was planned against the warehouse as ``base_run_id`` says (None: no usable
    warehouse): a full build is then refused too when another run published since — two
    first runs at once must not both publish. (An incremental delta is always checked.)"""
    max_removed_share: float | None = None
    """Refuse to publish when the run removes all the reports, or more than this share of
    them (their files gone, not replaced at the same path): an unmounted raw folder must not
    empty the warehouse. None: no limit (an operator confirmed the removals)."""
    aliases_file: Path | None = None
    """The analyst's alias file (pipeline.agencies.aliases), applied to every report, old and
    new: editing it re-keys the warehouse on the next run. None: the naming rules alone."""


@dataclass
class PublishResult:
    """What the new warehouse holds: row count per table, the views, and the cross-year checks added."""

    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    views: list[str] = field(default_factory=list)
    cross_year_checks: int = 0
    failed_checks: int = 0
    """check_results rows with ok = false (the format's rules a printed number breaks)."""
    failed_check_reports: int = 0
    seconds: float = 0.0
    full: bool = False
    warnings: list[str] = field(default_factory=list)
    """E.g. the previous warehouse was unreadable, so its history could not be carried over."""


@dataclass(frozen=True)
class Previous:
    """What a run needs from the published warehouse before it starts: the ledger and its run id.

    ``usable`` is False when there is no warehouse, it cannot be read, or its schema is older:
    the run must then read every file (a full build).
    """

    ledger: pl.DataFrame
    last_run_id: str | None
    usable: bool
    reason: str | None = None


def empty_ingest_log() -> pl.DataFrame:
    return pl.DataFrame(schema=INGEST_LOG_SCHEMA)


def read_previous(warehouse: Path, with_ledger: bool = True) -> Previous:
    """The current warehouse's ledger (``raw_files``) and last run id, read-only.

    Never raises: a missing, damaged or outdated warehouse is reported as not usable.
    ``with_ledger=False`` skips reading the ledger (publishing only checks the run id and
    schema; the run already read the ledger when it planned).
    """
    warehouse = Path(warehouse)
    if not warehouse.exists():
        return Previous(empty_ledger(), None, False, "no warehouse yet")
    try:
        with open_read_only(warehouse) as con:
            meta = _meta(con)
            if meta.get("schema_version") != SCHEMA_VERSION:
                return Previous(
                    empty_ledger(), meta.get("last_run_id"), False,
                    f"warehouse schema {meta.get('schema_version')!r} is not {SCHEMA_VERSION!r}",
                )  # fmt: skip
            ledger = _conform(con.sql("SELECT * FROM raw_files").pl(), LEDGER_SCHEMA) if with_ledger else empty_ledger()
            return Previous(ledger, meta.get("last_run_id"), True)
    except (duckdb.Error, OSError) as err:
        return Previous(empty_ledger(), None, False, f"cannot read {warehouse}: {err}")


def publish(delta: Delta, warehouse: Path) -> PublishResult:
    """Apply ``delta`` to a copy of ``warehouse`` and rename it into place, or change nothing."""
    started = time.monotonic()
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    check_warehouse(warehouse)  # never rename a build over someone's text file or database
    aliases = load_aliases(delta.aliases_file)  # a malformed file stops here, before any copying
    with _exclusive(warehouse):
        check_warehouse(warehouse)
        _remove_stale_builds(warehouse)
        building = warehouse.with_name(f"{warehouse.name}.building-{os.getpid()}")
        _remove(building)
        try:
            full, old_log, old_reports = _start_build(delta, warehouse, building, warnings)
            _pause("copied", building)
            con = duckdb.connect(str(building))
            try:
                if full:
                    _create_empty(con, old_log)
                else:
                    old_reports = _reports(con)
                _apply(con, delta)
                _pause("applied", building)
                _derive(con, delta, aliases, warnings)
                _guard_removals(delta, warehouse, old_reports, _reports(con))
                result = _summarize(con, warehouse)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            _pause("checkpointed", building)
            _fsync(building)
            os.replace(building, warehouse)
            _fsync(warehouse.parent)
        except BaseException:
            _remove(building)
            raise
    _pause("replaced", warehouse)
    result.seconds = time.monotonic() - started
    result.full = full
    result.warnings = warnings
    return result


# -- starting the build ---------------------------------------------------------------------


def _start_build(
    delta: Delta, warehouse: Path, building: Path, warnings: list[str]
) -> tuple[bool, pl.DataFrame, pl.DataFrame | None]:
    """Copy the current warehouse to the build file, or decide on a full build.

    Returns (full, old ingest log to carry into a full build, the old warehouse's reports
    for a full build: None when there are none to read). A delta made against another
    run's warehouse is refused rather than applied to the wrong base.
    """
    previous = read_previous(warehouse, with_ledger=False)
    if delta.full and delta.planned and previous.last_run_id != delta.base_run_id:
        raise WarehouseChanged(
            f"{warehouse} was published by run {previous.last_run_id} after this run found "
            f"{'run ' + delta.base_run_id if delta.base_run_id else 'no warehouse there'}; run again"
        )
    if not delta.full:
        if not previous.usable:
            raise WarehouseChanged(
                f"{warehouse} is not the warehouse this run planned against ({previous.reason}); run again"
            )
        if previous.last_run_id != delta.base_run_id:
            raise WarehouseChanged(
                f"{warehouse} was published by run {previous.last_run_id} after this run read it "
                f"(run {delta.base_run_id}); run again"
            )
        shutil.copyfile(warehouse, building)
        wal = warehouse.with_name(warehouse.name + ".wal")
        if wal.exists():  # an analyst's read-write session may hold changes not yet checkpointed
            shutil.copyfile(wal, building.with_name(building.name + ".wal"))
        return False, empty_ingest_log(), None
    old_log = empty_ingest_log()
    old_reports = None
    if warehouse.exists():
        try:
            with open_read_only(warehouse) as con:
                if "ingest_log" in table_names(con):
                    old_log = _normalize_log(con.sql("SELECT * FROM ingest_log").pl())
                old_reports = _reports(con)
        except duckdb.Error as err:  # a damaged warehouse must not block every future run
            warnings.append(f"previous warehouse {warehouse} is unreadable, its history is not carried over: {err}")
    return True, old_log, old_reports


def _reports(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """report_id and source_path of every report (None in a warehouse without ``reports``)."""
    if "reports" not in table_names(con):
        return None
    columns = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'reports'").fetchall()}
    path = "source_path" if "source_path" in columns else "NULL::VARCHAR AS source_path"
    return con.sql(f"SELECT report_id, {path} FROM reports").pl()


def _guard_removals(delta: Delta, warehouse: Path, before: pl.DataFrame | None, after: pl.DataFrame | None) -> None:
    """Refuse (``RemovalRefused``) a build that loses all reports, or more than the delta's share.

    A report counts as lost when the new warehouse holds neither it nor another report filed
    at its path: a file corrected in place is a replacement, not a loss. Raised before the
    rename, so the published warehouse stays as it was.
    """
    if delta.max_removed_share is None or before is None or before.height == 0:
        return
    kept_ids = set() if after is None else set(after["report_id"].to_list())
    kept_paths = set() if after is None else set(after["source_path"].drop_nulls().to_list())
    lost = sum(
        1 for rid, path in before.select("report_id", "source_path").iter_rows()
        if rid not in kept_ids and (path is None or path not in kept_paths)
    )
    share = lost / before.height
    if lost and (lost == before.height or share > delta.max_removed_share):
        raise RemovalRefused(
            f"refusing to publish: this run would remove {lost} of the {before.height} reports in {warehouse} "
            f"({share:.0%}; the limit is {delta.max_removed_share:.0%}) because their files are gone from the raw "
            "folder (not mounted? the wrong folder?). The warehouse is unchanged. If the removal is intended, "
            "run again with --allow-removals (run config: ops.warehouse.config.allow_removals: true)"
        )


def _create_empty(con: duckdb.DuckDBPyConnection, old_log: pl.DataFrame) -> None:
    for name, schema in FRAME_SCHEMAS.items():
        _create_table(con, name, pl.DataFrame(schema=schema))
    _create_table(con, "raw_files", empty_ledger())
    _create_table(con, "ingest_log", old_log)
    _create_table(con, "dictionary", _dictionary())
    con.execute("CREATE TABLE warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")


# -- applying the delta -----------------------------------------------------------------------


def _apply(con: duckdb.DuckDBPyConnection, delta: Delta) -> None:
    """Remove the delta's reports (and any report about to be re-inserted), insert the new rows,
    replace the ledger and append the log."""
    new_ids = _new_report_ids(con, delta.frames.get("reports"))
    drop = pl.DataFrame({"report_id": sorted(set(delta.remove) | new_ids)}, schema={"report_id": pl.String})
    con.register("_drop", drop)
    try:
        for name in REPORT_TABLES:
            con.execute(f'DELETE FROM "{name}" WHERE report_id IN (SELECT report_id FROM _drop)')
    finally:
        con.unregister("_drop")
    for name in REPORT_TABLES:
        source = delta.frames.get(name)
        if source is not None:
            _insert(con, name, source)
    con.execute("ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS path_bytes BLOB")  # older warehouses
    con.execute("DELETE FROM raw_files")
    _insert(con, "raw_files", _conform(delta.ledger, LEDGER_SCHEMA))
    if delta.ingest_log is not None:
        _insert(con, "ingest_log", _normalize_log(delta.ingest_log))


def _new_report_ids(con: duckdb.DuckDBPyConnection, source: FrameSource | None) -> set[str]:
    if source is None:
        return set()
    if isinstance(source, pl.DataFrame):
        return set(source["report_id"].to_list())
    if not source:
        return set()
    rows = con.execute("SELECT report_id FROM read_parquet(?)", [[str(p) for p in source]]).fetchall()
    return {r[0] for r in rows}


def _insert(con: duckdb.DuckDBPyConnection, name: str, source: FrameSource) -> None:
    """Insert by column name, so a frame's column order never matters."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a table name: {name!r}")
    if isinstance(source, pl.DataFrame):
        if source.height == 0:
            return
        con.register("_insert_src", source)
        try:
            con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _insert_src')
        finally:
            con.unregister("_insert_src")
    elif source:
        con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM read_parquet(?)', [[str(p) for p in source]])


def _derive(con: duckdb.DuckDBPyConnection, delta: Delta, aliases: AliasFile, warnings: list[str]) -> None:
    """Recompute what depends on the whole warehouse, not on one report."""
    _assign_agencies(con, aliases, warnings)  # first: versions and is_current are per agency
    _run_sql_dir(con, SQL_DIR / "publish")  # paths and file times from the ledger; versions; is_current
    con.execute("DELETE FROM check_results WHERE origin = 'cross_year'")
    _run_sql_dir(con, SQL_DIR / "views")
    _run_sql_file(con, SQL_DIR / "comments.sql")
    _run_sql_dir(con, SQL_DIR / "checks")
    for key, value in {
        "schema_version": SCHEMA_VERSION,
        "parser_version": str(pipeline.PARSER_VERSION),
        "last_run_id": delta.run_id,
        "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "content_key": _content_key(con),
    }.items():
        con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, value])


CONTENT_TABLES = ("reports", "agencies", "agency_aliases")
"""What every other report-derived table and view is a function of: the reports (content
hash, parser version, path, version and agency), the agencies and the spellings seen."""

RUN_TABLES = ("ingest_log", "raw_files", "warehouse_meta")
"""Tables that change every run even when no report does (run ids, times)."""


def _content_key(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the warehouse's report content, equal across runs that changed no report.

    Lets the Parquet export (pipeline.warehouse.parquet_export) keep last run's files for
    every relation but the run-scoped ones when nothing else changed, so a no-change night
    does not rewrite gigabytes.
    """
    parts = [SCHEMA_VERSION, str(pipeline.PARSER_VERSION)]
    present = table_names(con)
    for name in CONTENT_TABLES:
        if name not in present:
            continue
        (digest,) = con.execute(
            f'SELECT coalesce(md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)), \'\') FROM "{name}" AS t'
        ).fetchone()  # type: ignore[misc]
        parts.append(f"{name}={digest}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _assign_agencies(con: duckdb.DuckDBPyConnection, aliases: AliasFile, warnings: list[str]) -> None:
    """Re-key every report and rebuild ``agencies`` and ``agency_aliases`` (pipeline.agencies).

    Over the whole ``reports`` table, not the delta: an alias-file edit or a merge must reach
    reports loaded long ago, whose files are not read again.
    """
    reports = con.sql(
        "SELECT report_id, agency_name, province, city, county, year, published_on, sha256 FROM reports"
    ).pl()
    assignment = assign_agencies(reports, aliases)
    warnings.extend(assignment.warnings)
    con.register("_agency_of", assignment.report_agency)
    try:
        con.execute(
            "UPDATE reports SET agency_id = a.agency_id FROM _agency_of AS a "
            "WHERE a.report_id = reports.report_id AND reports.agency_id IS DISTINCT FROM a.agency_id"
        )
    finally:
        con.unregister("_agency_of")
    con.execute("DELETE FROM agencies")
    _insert(con, "agencies", assignment.agencies)
    con.execute("DROP TABLE IF EXISTS agency_aliases")
    _create_table(con, "agency_aliases", assignment.aliases)


# -- helpers ---------------------------------------------------------------------------------


def _meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if "warehouse_meta" not in table_names(con):
        return {}
    return dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())


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
    failed = con.execute("SELECT count(*), count(DISTINCT report_id) FROM check_results WHERE ok = false").fetchone()
    return PublishResult(
        path=warehouse, tables=counts, views=views, cross_year_checks=cross_year[0],  # type: ignore[index]
        failed_checks=failed[0], failed_check_reports=failed[1],  # type: ignore[index]
    )  # fmt: skip


def _pause(stage: str, path: Path) -> None:
    """Fault injection (see PAUSE_ENV): stop at ``stage`` so a test can kill the process there."""
    if os.environ.get(PAUSE_ENV) == stage:
        path.with_name(path.name + ".paused").write_text(f"{stage} {os.getpid()}\n")
        time.sleep(3600)


@contextlib.contextmanager
def _exclusive(warehouse: Path) -> Iterator[None]:
    """One publisher at a time per warehouse (an ``xxgk run`` beside the daemon's run).

    ``flock`` is released by the kernel when the process dies, so a killed run never leaves
    a stale lock behind.
    """
    lock = warehouse.with_name(warehouse.name + ".lock")
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync(path: Path) -> None:
    """Flush a file (or a directory entry, after the rename) to disk before trusting it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".paused")):
        candidate.unlink(missing_ok=True)


def _remove_stale_builds(warehouse: Path) -> None:
    """Delete build files left by crashed runs whose process no longer exists."""
    for path in warehouse.parent.glob(f"{warehouse.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1].split(".")[0]
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


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every table, view and comment of an empty warehouse, exactly as a full build makes them.

    For the catalog (pipeline.warehouse.catalog), which must describe the warehouse before
    any run: using the publishing steps themselves keeps it from drifting.
    """
    _create_empty(con, empty_ingest_log())
    _derive(con, Delta(full=True), load_aliases(None), [])

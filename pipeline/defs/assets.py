"""The asset graph: raw files → report records → validated frames → the DuckDB warehouse.

The warehouse is one multi-asset, ``warehouse``, whose asset specs are its tables and views
(``warehouse/reports``, ``warehouse/request_cells``, ``warehouse/report_panel`` …): analysts
think in tables, the catalog documents each one (its Chinese description and column schema,
from pipeline.warehouse.catalog), and the format checks hang on the table they concern. It
is still one step that publishes every table at once, atomically, as before: all of them
materialize together or none does.

Each asset does one job. The files of a run are processed as one batch keyed by content
hash (sha256), not as one partition per file: a corpus of thousands of small files would
otherwise mean thousands of Dagster steps, and the warehouse is rebuilt whole each run
anyway (see WAREHOUSE.md: all changes or none). Incrementality comes from the content
hash instead: a file whose bytes and parser version are unchanged is never read again,
its previous record is reused from the warehouse.

Intermediate values are plain Python objects and polars frames, stored by the default
filesystem (pickle) IO manager.
"""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
import polars as pl

from pipeline.defs.resources import XxgkConfig
from pipeline.ledger.plan import outcome_counts
from pipeline.validation.staged import StagedValidation
from pipeline.warehouse.catalog import Relation, catalog

if TYPE_CHECKING:
    from pipeline.ledger.plan import Plan
    from pipeline.ledger.rewritten import Rewritten
    from pipeline.ledger.staging import Staging
    from pipeline.validation.staged import ValidationAlongside

GROUP = "xxgk"
WAREHOUSE = "warehouse"
"""The multi-asset's name, and the key prefix of its tables and views."""

REPORT_STATUSES = ("ok", "incomplete")
"""Statuses of a record that was read as a report; the others are quarantined."""



# --- progress ------------------------------------------------------------------------------

ProgressHook = Callable[[str, int, int, str], None]
"""``hook(phase, done, total, path)``; phase is "scan" (raw_manifest) or "parse" (report_records)."""

_progress_hook: ProgressHook | None = None


def set_progress_hook(hook: ProgressHook | None) -> None:
    """Let an in-process caller (``xxgk run``) draw a progress bar over the files.

    A plain module global rather than Dagster config: progress is presentation, not part of
    the run's definition, and it only makes sense when the assets run in the caller's process
    (``dagster.materialize``); under ``dg dev`` there is no hook and the assets just log.
    """
    global _progress_hook
    _progress_hook = hook


def _progress(phase: str, done: int, total: int, path: str) -> None:
    if _progress_hook is not None:
        try:
            _progress_hook(phase, done, total, path)
        except Exception:  # a broken progress bar must never fail the run
            pass


# --- values passed between assets -----------------------------------------------------------
# Small on purpose: the default IO manager pickles them between steps. Records and frames
# travel through the run's staging folder on disk (pipeline.ledger.staging).


@dataclass
class ManifestBatch:
    """Output of ``raw_manifest``: the files now, and what the published warehouse knew of them."""

    manifest: pl.DataFrame
    ledger: pl.DataFrame
    """The warehouse's ``raw_files`` table as this run found it (empty for a full build)."""
    base_run_id: str | None
    full: bool
    """No usable previous warehouse: every file is read and the warehouse is built from empty."""
    full_reason: str | None = None


@dataclass
class RecordBatch:
    """Output of ``report_records``: what happened to each file, and where the new records are."""

    files: pl.DataFrame
    """pipeline.ledger.plan.FILES_SCHEMA: one row per file (and per removed file)."""
    manifest: pl.DataFrame
    remove: set[str]
    staging: str
    base_run_id: str | None
    full: bool
    parsed: int = 0
    reused: int = 0
    validation: StagedValidation | None = None
    """The staged records already validated while they were read (``ValidationAlongside``);
    None: ``validated_frames`` validates them itself."""


@dataclass
class ValidatedBatch:
    """Output of ``validated_frames``: the staged frames to publish and the final per-file outcomes."""

    staging: str
    files: pl.DataFrame
    quarantined: dict[str, str]
    """report_id → reason, for every report dropped by validation (pandera, or flattening failed)."""
    failure_cases: pl.DataFrame
    rows: dict[str, int] = field(default_factory=dict)
    report_paths: dict[str, str] = field(default_factory=dict)
    """report_id → source path of the quarantined reports, so checks can name files."""
    alongside_seconds: float = 0.0
    """Seconds spent validating while the records were read: part of report_records' step time."""


# --- helpers --------------------------------------------------------------------------------


def md_table(df: pl.DataFrame, limit: int = 50) -> dg.MetadataValue:
    """A polars frame as a Markdown table for the Dagster UI (first ``limit`` rows)."""
    if df.is_empty():
        return dg.MetadataValue.md("_none_")

    def cell(v: Any) -> str:
        s = "" if v is None else str(v)
        return s.replace("|", "\\|").replace("\n", " ")[:200]

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.head(limit).iter_rows()]
    if df.height > limit:
        lines.append(f"\n_… {df.height - limit} more rows_")
    return dg.MetadataValue.md("\n".join(lines))


def quarantine_reason(record: dict) -> str:
    """Why a record is not a report: its status and the issue that says why.

    Readers and the parser put the reason in ``issues``; an error-severity issue wins over
    warnings because it is the one that stopped the read.
    """
    status = record.get("status") or "unknown"
    issues = [i for i in record.get("issues") or [] if isinstance(i, dict)]
    issues.sort(key=lambda i: i.get("severity") != "error")
    if issues:
        text = issues[0].get("detail") or issues[0].get("code")
        return f"{status}: {text}" if text else status
    return status


# --- assets ---------------------------------------------------------------------------------


class RawManifestConfig(dg.Config):
    """Run config of ``raw_manifest``: files to read again even though they did not change."""

    reread: list[str] = []
    """Paths or shell globs (``data/raw/2024/*.pdf``, ``丙谷镇*``), matched against the path and
    the path under the raw dir; the matching files are hashed and parsed again."""


@dg.asset(group_name=GROUP, kinds={"python", "polars"})
def raw_manifest(
    context: dg.AssetExecutionContext, xxgk: XxgkConfig, config: RawManifestConfig
) -> dg.Output[ManifestBatch]:
    """Every file under the raw dir with its size, mtime, content hash and detected format.

    Only files whose size or mtime differ from the warehouse's ledger (``raw_files``) are
    read to hash them, so a run over an unchanged corpus reads no file at all. Hidden
    files (dot files, Office lock files) are not reports and are skipped.
    """
    from pipeline.ledger.plan import known_files
    from pipeline.ledger.scan import scan
    from pipeline.warehouse.identity import not_a_warehouse
    from pipeline.warehouse.publish import read_previous

    problem = not_a_warehouse(xxgk.warehouse_path())
    if problem is not None:  # before any work: the run could never publish there
        raise dg.Failure(description=problem)
    raw = xxgk.raw_path()
    if not raw.is_dir():
        # A wrong --raw / raw_dir is a configuration error, not an empty corpus: carrying on
        # would publish an empty warehouse over a good one.
        raise dg.Failure(description=f"raw dir {raw} does not exist (cwd {Path.cwd()})")
    previous = read_previous(xxgk.warehouse_path())
    if not previous.usable:
        context.log.info(f"full build: {previous.reason}")
    manifest = scan(
        raw,
        known_files(previous.ledger),
        config.reread,
        progress=lambda done, total, path: _progress("scan", done, total, path),
    )
    per_format = manifest.group_by("format").len("files").sort("format")
    hashed = int(manifest["hashed"].sum())
    context.log.info(f"{manifest.height} files under {raw}, {hashed} hashed")
    return dg.Output(
        ManifestBatch(manifest, previous.ledger, previous.last_run_id, not previous.usable, previous.reason),
        metadata={
            "raw_dir": str(raw),
            "files": manifest.height,
            "hashed": hashed,
            "forced": int(manifest["forced"].sum()),
            "bytes": int(manifest["size"].sum() or 0),
            "full_build": not previous.usable,
            "per_format": md_table(per_format),
        },
    )


@dg.asset(group_name=GROUP, kinds={"python"})
def report_records(
    context: dg.AssetExecutionContext, xxgk: XxgkConfig, raw_manifest: ManifestBatch
) -> dg.Output[RecordBatch]:
    """Read and parse each new or changed content hash once, in worker processes with
    per-file limits; reuse last run's outcome for the rest without reading them.

    Outcomes per file: ``loaded`` (read now, a report), ``unchanged`` (not read: same bytes
    and parser version), ``duplicate`` (same bytes as another path: one report, both paths
    kept in ``raw_files``), ``quarantined`` (unreadable, not a report, or over a limit, with
    the reason), ``removed`` (gone since the last run; its report leaves the warehouse).
    """
    import pipeline
    from pipeline.ledger.plan import FILES_SCHEMA, make_plan
    from pipeline.ledger.rewritten import Rewritten, ledger_manifest, orphaned_copies
    from pipeline.ledger.staging import Staging
    from pipeline.validation.staged import ValidationAlongside

    version = str(pipeline.PARSER_VERSION)
    manifest = raw_manifest.manifest
    plan = make_plan(manifest, raw_manifest.ledger, version, str(xxgk.raw_path()))
    staging = Staging.for_run(xxgk.warehouse_path(), context.run.run_id)
    context.log.info(
        f"{len(plan.to_parse)} to parse, {len(plan.keep)} reports unchanged, {len(plan.remove)} to remove"
    )
    files = list(plan.files)
    total = len(plan.to_parse)
    seen_shas = set(manifest["sha256"].drop_nulls().to_list())
    rewritten = Rewritten()
    alongside = ValidationAlongside(staging, expected_records=total)
    try:
        _stage_records(context, xxgk, plan, manifest, staging, alongside, files, seen_shas, rewritten)
    except BaseException:
        alongside.abandon()
        raise
    validation = alongside.finish()
    if validation is None:
        context.log.warning(f"validating while reading failed ({alongside.error!r}); validated_frames validates again")
    _progress("parse", total, total, "")

    files_df = _fill_duplicates(pl.DataFrame(files, schema=FILES_SCHEMA, orient="row")).sort("path")
    files_df = orphaned_copies(files_df, rewritten)
    return dg.Output(
        RecordBatch(
            files=files_df,
            manifest=ledger_manifest(manifest, rewritten),
            remove=plan.remove,
            staging=str(staging.root),
            base_run_id=raw_manifest.base_run_id,
            full=raw_manifest.full,
            parsed=total,
            reused=len(plan.keep),
            validation=validation,
        ),
        metadata={
            "files": files_df.height,
            "parsed": total,
            "reused": len(plan.keep),
            "removed_reports": len(plan.remove),
            **outcome_counts(files_df),
            "quarantined_files": md_table(
                files_df.filter(pl.col("outcome") == "quarantined").select("path", "reason")
            ),
            "parser_version": version,
        },
    )


def _stage_records(context: dg.AssetExecutionContext, xxgk: XxgkConfig, plan: "Plan", manifest: pl.DataFrame,
                   staging: "Staging", alongside: "ValidationAlongside", files: list, seen_shas: set[str],
                   rewritten: "Rewritten") -> None:  # fmt: skip
    """Read the plan's files and stage their records, appending each file's row to ``files``.

    Each chunk of records, once complete, is handed to ``alongside`` to be validated while
    the next files are read.
    """
    from pipeline.ingest.isolate import READ_STAT
    from pipeline.ledger.paths import printable_record
    from pipeline.ledger.plan import file_row, record_report_id

    total = len(plan.to_parse)
    with staging.record_writer(on_chunk=alongside.chunk_closed) as writer:
        for i, (item, rec) in enumerate(_parse(xxgk, plan.to_parse, manifest), 1):
            if item.os_path:  # a failure record written here names the file by its raw name
                rec = printable_record(rec)
            sha = item.sha256
            read_stat = rec.pop(READ_STAT, None)
            if read_stat is not None:  # rewritten since the scan: the record is of the new bytes
                rewritten.old_shas.add(sha)
                sha = (rec.get("source") or {}).get("sha256")
                if not sha:  # no longer a regular file: the record says what it is now
                    rewritten.unknown.add(item.path)
                elif sha in seen_shas:  # now the same bytes as another file: one report, decided next run
                    rewritten.unknown.add(item.path)
                    files.append(file_row(item.path, None, None, "quarantined",
                                          "changed while the run read it (now the same content as another "
                                          "file); it will be read by the next run"))
                    continue
                else:
                    seen_shas.add(sha)
                    rewritten.stat[item.path] = (sha, int(read_stat[0]), int(read_stat[1]))
                    context.log.warning(f"{item.path} changed after it was hashed; filed under the bytes read")
            writer.add(rec)
            if rec.get("status") in REPORT_STATUSES:
                files.append(file_row(item.path, sha, record_report_id(rec), "loaded", None))
            else:
                reason = quarantine_reason(rec)
                context.log.warning(f"quarantined {item.path}: {reason}")
                files.append(file_row(item.path, sha, None, "quarantined", reason))
            _progress("parse", i, total, item.path)
            if i % 500 == 0:
                context.log.info(f"parsed {i}/{total}")


def _parse(xxgk: XxgkConfig, items: list, manifest: pl.DataFrame) -> Any:
    """(item, record) for every item, parsed in isolated worker processes with per-file limits
    (``workers=0``: in this process, no timeout — for debugging a reader under pdb).

    Each task carries the stat the scan hashed the file at, so a worker notices a file
    rewritten since and parses it under the hash of what it read (pipeline.ingest.isolate).
    """
    if not items:  # nothing new: do not even start the reader processes (their warm-up is ~1 s)
        return
    from pipeline.ingest.encoded import parse_encoded
    from pipeline.ingest.isolate import ParseTask, parse_many

    stat_of = {p: (size, ns) for p, size, ns in manifest.select("path", "size", "mtime_ns").iter_rows()}
    tasks = [
        ParseTask(sha256=i.sha256, path=i.source(), format=i.format, size=stat_of.get(i.path, (None, None))[0],
                  mtime_ns=stat_of.get(i.path, (None, None))[1])
        for i in items
    ]
    item_of = {(i.sha256, i.source()): i for i in items}
    # parse_encoded: the worker encodes the record's JSON, the parent only writes it
    for task, record in parse_many(tasks, xxgk.limits(), workers=xxgk.workers, parse_fn=parse_encoded):
        yield item_of[(task.sha256, task.path)], record


def _fill_duplicates(files: pl.DataFrame) -> pl.DataFrame:
    """A duplicate of a file read in this run learns its report_id once that file is read."""
    rid = (
        files.filter(pl.col("outcome").is_in(["loaded", "unchanged"]))
        .select("sha256", _rid="report_id")
        .unique("sha256")
    )
    return (
        files.join(rid, on="sha256", how="left")
        .with_columns(
            report_id=pl.when(pl.col("outcome") == "duplicate")
            .then(pl.coalesce("report_id", "_rid"))
            .otherwise("report_id")
        )
        .drop("_rid")
    )


@dg.asset(group_name=GROUP, kinds={"pandera", "polars"})
def validated_frames(
    context: dg.AssetExecutionContext, report_records: RecordBatch
) -> dg.Output[ValidatedBatch]:
    """Flatten the new records into the warehouse's long frames and validate them with pandera,
    a few thousand reports at a time (pipeline.validation.staged), before anything is
    written to the warehouse.

    A report that fails validation is quarantined whole (with the reason), never published
    in part; the rest of the batch goes on. Bad data never fails this step.

    The work is normally done by the time this step starts: report_records validates each
    chunk of records in a thread while the next ones are read (``ValidationAlongside``), and
    hands over what it found. Only if that failed are the staged records validated here.
    """
    from pipeline.ledger.staging import Staging
    from pipeline.validation.staged import validate_staged

    staging = Staging(Path(report_records.staging))
    # Validated while the records were read (report_records), or, if that failed, here.
    alongside = report_records.validation is not None
    found = report_records.validation if report_records.validation is not None else validate_staged(staging)
    quarantined, report_paths, rows = found.quarantined, found.report_paths, found.rows

    files = report_records.files
    if quarantined:
        reasons = pl.DataFrame(
            {"report_id": list(quarantined), "_q": [f"invalid: {r}" for r in quarantined.values()]},
            schema={"report_id": pl.String, "_q": pl.String},
        )
        files = (
            files.join(reasons, on="report_id", how="left")
            .with_columns(
                # Only the file filed as the report changes; its duplicates stay "duplicate".
                hit=pl.col("_q").is_not_null() & (pl.col("outcome") == "loaded")
            )
            .with_columns(
                outcome=pl.when("hit").then(pl.lit("quarantined")).otherwise("outcome"),
                reason=pl.when("hit").then("_q").otherwise("reason"),
                report_id=pl.when("hit").then(None).otherwise("report_id"),
            )
            .drop("_q", "hit")
            .sort("path")
        )
        context.log.warning(f"{len(quarantined)} report(s) quarantined by validation")
    failure_cases = found.failure_cases
    q_df = pl.DataFrame(
        [{"report_id": rid, "path": report_paths.get(rid), "reason": r} for rid, r in quarantined.items()],
        schema={"report_id": pl.String, "path": pl.String, "reason": pl.String},
        orient="row",
    )
    return dg.Output(
        ValidatedBatch(
            staging=str(staging.root),
            files=files,
            quarantined=quarantined,
            failure_cases=failure_cases,
            rows=rows,
            report_paths=report_paths,
            alongside_seconds=round(found.seconds, 3) if alongside else 0.0,
        ),
        metadata={
            **{f"rows_{name}": n for name, n in sorted(rows.items())},
            "quarantined": len(quarantined),
            "quarantined_reports": md_table(q_df),
            "failure_cases": md_table(failure_cases),
            "validated_while_reading": alongside,
            "validation_seconds": round(found.seconds, 2),
        },
    )


def table_key(name: str) -> dg.AssetKey:
    """The asset key of a warehouse table or view: ``warehouse/<name>``."""
    return dg.AssetKey([WAREHOUSE, name])


RUN_SUMMARY_TABLE = "ingest_log"
"""The table whose materialization carries the run's summary (files per outcome, quarantined
files, publish time): ``ingest_log`` is the log of what each run did with each file."""


def table_schema(relation: Relation) -> dg.TableSchema:
    """A relation's columns as Dagster's table schema, each with its Chinese description."""
    return dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.type, description=c.comment or None) for c in relation.columns]
    )


def warehouse_keys() -> list[dg.AssetKey]:
    """Every table and view of the warehouse: what a step reading the whole file depends on."""
    return [table_key(r.name) for r in catalog()]


def publish_order() -> list[str]:
    """Tables, then each view after what it reads: Dagster wants a multi-asset's outputs in
    dependency order (they are all published at once; this is only the order they are logged)."""
    from graphlib import TopologicalSorter

    relations = {r.name: r for r in catalog()}
    graph = {name: [n for n in r.reads if n in relations] for name, r in sorted(relations.items())}
    return list(TopologicalSorter(graph).static_order())


def warehouse_specs() -> list[dg.AssetSpec]:
    """One asset spec per table and view of the warehouse, documented from the catalog.

    Lineage: a table comes from this run's validated frames and file outcomes; a view from
    the tables and views its SQL reads.
    """
    inputs = [dg.AssetKey("validated_frames"), dg.AssetKey("report_records")]
    return [
        dg.AssetSpec(
            key=table_key(r.name),
            group_name=GROUP,
            kinds={"duckdb", r.kind},
            deps=[table_key(n) for n in r.reads] if r.kind == "view" else inputs,
            description=r.comment or f"{r.kind} {r.name}",
            metadata={
                "dagster/column_schema": table_schema(r),
                "dagster/table_name": f"main.{r.name}",
                "relation": r.kind,
            },
        )
        for r in catalog()
    ]


class WarehouseConfig(dg.Config):
    """Run config of ``warehouse``: confirmations an operator gives for one run."""

    allow_removals: bool = False
    """Publish even though the run removes all the reports, or more than the ``xxgk``
    resource's ``max_removed_share`` of them (a real clean-up of the raw folder)."""


@dg.multi_asset(name=WAREHOUSE, specs=warehouse_specs(), can_subset=False)
def warehouse(
    context: dg.AssetExecutionContext,
    xxgk: XxgkConfig,
    config: WarehouseConfig,
    validated_frames: ValidatedBatch,
    report_records: RecordBatch,
) -> Any:
    """Publish this run's delta into the DuckDB file, atomically, and log every file.

    Every table and view is an asset of this one step: they are published together (one
    file renamed into place), so they materialize together, each with its row count and the
    column schema read back from the published file. Nothing goes through the IO manager:
    the DuckDB file itself is the asset, and the checks on its tables read that file. The
    per-file counts go on ``warehouse/ingest_log`` and on the run as tags (``xxgk/loaded``
    …), so the runs list in the UI shows what each night did.

    A run that would remove most of the warehouse (all its reports, or more than
    ``max_removed_share``) is refused unless ``allow_removals`` is set: an empty raw folder
    is far more often a share that did not mount than a real clean-up.
    """
    import pipeline
    from pipeline.ledger.plan import build_ledger
    from pipeline.ledger.staging import Staging, sweep_stale
    from pipeline.validation.frames import FRAME_SCHEMAS
    from pipeline.warehouse.catalog import describe
    from pipeline.warehouse.publish import Delta, publish
    from pipeline.warehouse.readonly import open_read_only

    path = xxgk.warehouse_path()
    run_id = context.run.run_id
    files = validated_frames.files
    staging = Staging(Path(validated_frames.staging))
    at = dt.datetime.now(dt.UTC)
    ingest_log = files.with_columns(run_id=pl.lit(run_id), at=pl.lit(at, dtype=pl.Datetime("us", "UTC")))
    delta = Delta(
        frames={name: staging.frame_parts(name) for name in FRAME_SCHEMAS if name != "agencies"},
        remove=report_records.remove,
        ledger=build_ledger(report_records.manifest, files, str(pipeline.PARSER_VERSION), run_id),
        ingest_log=ingest_log,
        run_id=run_id,
        base_run_id=report_records.base_run_id,
        full=report_records.full,
        planned=True,
        max_removed_share=None if config.allow_removals else xxgk.removal_share(),
        aliases_file=xxgk.aliases_path(),
    )
    result = publish(delta, path)
    staging.remove()
    sweep_stale(path)
    for warning in result.warnings:
        context.log.warning(warning)

    counts = dict(outcome_counts(files))
    tags = {f"xxgk/{o}": str(n) for o, n in counts.items()}
    tags["xxgk/failed_check_reports"] = str(result.failed_check_reports)
    try:
        context.instance.add_run_tags(run_id, tags)
    except Exception as exc:  # tags are a convenience; the counts are in the metadata too
        context.log.warning(f"could not tag the run: {exc}")
    context.log.info(f"published {path}: {counts}")
    quarantined = files.filter(pl.col("outcome") == "quarantined").select("path", "reason")
    summary = {
        "full_build": result.full,
        "views": ", ".join(result.views),
        "cross_year_checks": int(result.cross_year_checks),
        "failed_checks": int(result.failed_checks),
        "failed_check_reports": int(result.failed_check_reports),
        **{f"files_{o}": n for o, n in counts.items()},
        "quarantined_files": md_table(quarantined),
        "publish_seconds": round(float(result.seconds), 2),
    }
    with open_read_only(path) as con:  # the schema as published (a view's columns are DuckDB's)
        published = {r.name: r for r in describe(con)}
    for name in publish_order():
        key = table_key(name)
        if key not in context.selected_asset_keys:
            continue
        relation = published.get(name)
        metadata: dict[str, Any] = {"path": dg.MetadataValue.path(str(path))}
        if name in result.tables:
            metadata["dagster/row_count"] = int(result.tables[name])
        if relation is not None:
            metadata["dagster/column_schema"] = table_schema(relation)
        else:  # declared but not published: say so rather than pass it over
            context.log.warning(f"{name} is declared as a warehouse asset but the published file has no such relation")
        if name == RUN_SUMMARY_TABLE:
            metadata.update(summary)
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)

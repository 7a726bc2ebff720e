"""The asset graph: raw files → report records → validated frames → the DuckDB warehouse.

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

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from pipeline.defs.raw_files import iter_raw_files
from pipeline.defs.resources import XxgkConfig

GROUP = "xxgk"

REPORT_STATUSES = ("ok", "incomplete")
"""Statuses of a record that was read as a report; the others are quarantined."""

MANIFEST_SCHEMA: dict[str, Any] = {
    "path": pl.String,
    "size": pl.Int64,
    "mtime": pl.Datetime("us", "UTC"),
    "sha256": pl.String,
    "format": pl.String,
    "error": pl.String,
}
FILES_SCHEMA: dict[str, Any] = {
    "path": pl.String,
    "sha256": pl.String,
    "outcome": pl.String,
    "reason": pl.String,
}
"""Per-file outcome of a run: the ``ingest_log`` rows, before run_id and timestamp are added."""

OUTCOMES = ("loaded", "unchanged", "duplicate", "quarantined")

# --- progress ------------------------------------------------------------------------------

ProgressHook = Callable[[str, int, int, str], None]
"""``hook(phase, done, total, path)``; phase is "hash" (raw_manifest) or "parse" (report_records)."""

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


@dataclass
class RecordBatch:
    """Output of ``report_records``: one record per distinct content hash, and what happened to each file."""

    records: list[dict]
    files: pl.DataFrame
    parsed: int = 0
    reused: int = 0


@dataclass
class ValidatedBatch:
    """Output of ``validated_frames``: the frames to publish and the final per-file outcomes."""

    frames: dict[str, pl.DataFrame]
    quarantined: dict[str, str]
    """report_id → reason, for every report dropped by validation (pandera, or flattening failed)."""
    failure_cases: pl.DataFrame
    files: pl.DataFrame
    report_paths: dict[str, str] = field(default_factory=dict)
    """report_id → source path, so checks can name files rather than hashes."""


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


def crash_record(path: str, sha256: str | None, fmt: str | None, detail: str) -> dict:
    """A record for a file the parser crashed on (or could not even hash).

    ``parse_file`` promises not to raise for bad input; if it does anyway (a parser bug
    meeting a strange file), one file must not fail the whole run, so it is quarantined
    as unreadable with the exception as its reason.
    """
    import pipeline

    return {
        "source": {"path": path, "sha256": sha256, "format": fmt},
        "parser_version": pipeline.PARSER_VERSION,
        "report_id": sha256[:16] if sha256 else None,
        "status": "unreadable",
        "template": None,
        "year": None,
        "agency": None,
        "region": {"province": None, "city": None, "county": None, "town": None},
        "published_on": None,
        "active_disclosure": {"total": None, "by_category": {}},
        "article20": {},
        "units": {},
        "requests": {},
        "review_litigation": {},
        "derived": {},
        "table_pages": {},
        "checks": [],
        "issues": [{"severity": "error", "code": "parser_crashed", "where": None, "detail": detail}],
    }


def report_id_of(record: dict) -> str | None:
    rid = record.get("report_id")
    if rid:
        return str(rid)
    sha = (record.get("source") or {}).get("sha256")
    return sha[:16] if sha else None


# --- assets ---------------------------------------------------------------------------------


@dg.asset(group_name=GROUP, kinds={"python", "polars"})
def raw_manifest(context: dg.AssetExecutionContext, xxgk: XxgkConfig) -> dg.Output[pl.DataFrame]:
    """Every file under the raw dir with its size, mtime, content hash and detected format.

    The content hash is what makes runs incremental and finds the same report saved under
    two names; hidden files (dot files, Office lock files) are not reports and are skipped.
    """
    from pipeline.readers import detect_format, sha256_file

    raw = xxgk.raw_path()
    if not raw.is_dir():
        # A wrong --raw / raw_dir is a configuration error, not an empty corpus: carrying on
        # would publish an empty warehouse over a good one.
        raise dg.Failure(description=f"raw dir {raw} does not exist (cwd {Path.cwd()})")
    files = iter_raw_files(raw)
    rows = []
    for i, p in enumerate(files, 1):
        row: dict[str, Any] = {
            "path": str(p),
            "size": None,
            "mtime": None,
            "sha256": None,
            "format": "unknown",
            "error": None,
        }
        try:
            st = p.stat()
            row["size"] = st.st_size
            row["mtime"] = dt.datetime.fromtimestamp(st.st_mtime, tz=dt.UTC)
            row["sha256"] = sha256_file(p)
            row["format"] = detect_format(p)
        except Exception as exc:  # unreadable from disk: quarantined downstream, never a crash
            row["error"] = f"{type(exc).__name__}: {exc}"
        rows.append(row)
        _progress("hash", i, len(files), str(p))
    df = pl.DataFrame(rows, schema=MANIFEST_SCHEMA, orient="row")
    per_format = df.group_by("format").len("files").sort("format")
    context.log.info(f"{df.height} files under {raw}")
    return dg.Output(
        df,
        metadata={
            "raw_dir": str(raw),
            "files": df.height,
            "bytes": int(df["size"].sum() or 0),
            "per_format": md_table(per_format),
            **{f"format_{f}": int(n) for f, n in per_format.iter_rows()},
        },
    )


@dg.asset(group_name=GROUP, kinds={"python"})
def report_records(
    context: dg.AssetExecutionContext, xxgk: XxgkConfig, raw_manifest: pl.DataFrame
) -> dg.Output[RecordBatch]:
    """Read and parse each distinct content hash once; reuse last run's record when the bytes
    and the parser version are unchanged.

    Outcomes per file: ``loaded`` (read now, a report), ``unchanged`` (record reused, the
    file was not read), ``duplicate`` (same bytes as another path: one report, both paths
    logged), ``quarantined`` (unreadable or not a report, with the reason).
    """
    import pipeline
    from pipeline import parsing
    from pipeline.warehouse.publish import load_previous

    warehouse = xxgk.warehouse_path()
    previous: dict[str, dict] = {}
    if warehouse.exists():
        try:
            previous, _ = load_previous(warehouse)
        except Exception as exc:  # a damaged warehouse costs a full re-read, not a failed run
            context.log.warning(
                f"could not load previous records from {warehouse}: {exc}; re-reading everything"
            )
    version = str(pipeline.PARSER_VERSION)
    # load_previous already keeps only the current parser version; checking again here
    # keeps "bump PARSER_VERSION → everything is re-read" true whatever it does.
    previous = {sha: r for sha, r in previous.items() if str(r.get("parser_version", version)) == version}

    files: list[dict] = []
    by_sha: dict[str, list[str]] = {}
    fmt_of: dict[str, str] = {}
    for row in raw_manifest.sort("path").iter_rows(named=True):
        if row["sha256"] is None:
            files.append(
                {
                    "path": row["path"],
                    "sha256": None,
                    "outcome": "quarantined",
                    "reason": f"unreadable: {row['error']}",
                }
            )
            continue
        by_sha.setdefault(row["sha256"], []).append(row["path"])
        fmt_of.setdefault(row["sha256"], row["format"])

    to_parse: list[tuple[str, str]] = []
    records: list[dict] = []
    reused = 0
    for sha, paths in by_sha.items():
        prev = previous.get(sha)
        prev_path = ((prev or {}).get("source") or {}).get("path")
        # Keep last run's path as the canonical one, so adding a copy never flips which
        # path the report is filed under.
        canonical = prev_path if prev_path in paths else paths[0]
        for p in paths:
            if p != canonical:
                files.append(
                    {
                        "path": p,
                        "sha256": sha,
                        "outcome": "duplicate",
                        "reason": f"same content as {canonical}",
                    }
                )
        if prev is None:
            to_parse.append((sha, canonical))
            continue
        rec = prev
        reason = None
        if prev_path != canonical:
            rec = copy.deepcopy(prev)
            rec.setdefault("source", {})["path"] = canonical
            reason = f"moved from {prev_path}"
        records.append(rec)
        reused += 1
        if rec.get("status") in REPORT_STATUSES:
            files.append({"path": canonical, "sha256": sha, "outcome": "unchanged", "reason": reason})
        else:
            files.append(
                {"path": canonical, "sha256": sha, "outcome": "quarantined", "reason": quarantine_reason(rec)}
            )

    context.log.info(f"{len(by_sha)} distinct files: {len(to_parse)} to parse, {reused} unchanged")
    for i, (sha, path) in enumerate(to_parse, 1):
        try:
            rec = parsing.parse_file(Path(path), sha256=sha)
        except Exception as exc:
            context.log.error(f"parser crashed on {path}: {exc!r}")
            rec = crash_record(path, sha, fmt_of.get(sha), f"parser crashed: {type(exc).__name__}: {exc}")
        records.append(rec)
        if rec.get("status") in REPORT_STATUSES:
            files.append({"path": path, "sha256": sha, "outcome": "loaded", "reason": None})
        else:
            files.append(
                {"path": path, "sha256": sha, "outcome": "quarantined", "reason": quarantine_reason(rec)}
            )
        _progress("parse", i, len(to_parse), path)
        if i % 100 == 0:
            context.log.info(f"parsed {i}/{len(to_parse)}")
    _progress("parse", len(to_parse), len(to_parse), "")

    files_df = pl.DataFrame(files, schema=FILES_SCHEMA, orient="row").sort("path")
    counts = {o: int((files_df["outcome"] == o).sum()) for o in OUTCOMES}
    return dg.Output(
        RecordBatch(records=records, files=files_df, parsed=len(to_parse), reused=reused),
        metadata={
            "files": files_df.height,
            "reports_distinct": len(by_sha),
            "parsed": len(to_parse),
            "reused": reused,
            **counts,
            "quarantined_files": md_table(
                files_df.filter(pl.col("outcome") == "quarantined").select("path", "reason")
            ),
            "parser_version": version,
        },
    )


def _flatten(records: list[dict]) -> tuple[dict[str, pl.DataFrame], dict[str, str]]:
    """``records_to_frames``, isolating any record that makes it raise.

    Flattening the whole batch at once is the fast path; if one malformed record breaks it,
    the batch is retried record by record so only that record is quarantined.
    """
    from pipeline.validation.frames import records_to_frames

    try:
        return records_to_frames(records), {}
    except Exception:
        pass
    good: list[dict] = []
    bad: dict[str, str] = {}
    for rec in records:
        try:
            records_to_frames([rec])
            good.append(rec)
        except Exception as exc:
            bad[report_id_of(rec) or "?"] = f"could not flatten: {type(exc).__name__}: {exc}"
    return records_to_frames(good), bad


@dg.asset(group_name=GROUP, kinds={"pandera", "polars"})
def validated_frames(
    context: dg.AssetExecutionContext, report_records: RecordBatch
) -> dg.Output[ValidatedBatch]:
    """Flatten the report records into the warehouse's long frames and validate them with pandera.

    A report that fails validation is quarantined whole (with the reason), never published
    in part; the rest of the batch goes on. Bad data never fails this step.
    """
    from pipeline.validation.schemas import validate_frames

    reports = [r for r in report_records.records if r.get("status") in REPORT_STATUSES]
    frames, flatten_failed = _flatten(reports)
    result = validate_frames(frames)
    quarantined = {**flatten_failed, **{str(k): str(v) for k, v in result.quarantined.items()}}
    failure_cases = result.failure_cases if result.failure_cases is not None else pl.DataFrame()

    report_paths: dict[str, str] = {}
    sha_of: dict[str, str] = {}
    for rec in report_records.records:
        rid = report_id_of(rec)
        src = rec.get("source") or {}
        if rid:
            report_paths[rid] = src.get("path") or ""
            if src.get("sha256"):
                sha_of[rid] = src["sha256"]

    files = report_records.files
    if quarantined:
        reason_of_sha = {sha_of.get(rid, rid): f"invalid: {reason}" for rid, reason in quarantined.items()}
        reasons = pl.DataFrame(
            {"sha256": list(reason_of_sha), "_q": list(reason_of_sha.values())},
            schema={"sha256": pl.String, "_q": pl.String},
        )
        files = (
            files.join(reasons, on="sha256", how="left")
            .with_columns(
                # Only the file filed as the report changes; its duplicates stay "duplicate".
                hit=pl.col("_q").is_not_null() & pl.col("outcome").is_in(["loaded", "unchanged"])
            )
            .with_columns(
                outcome=pl.when("hit").then(pl.lit("quarantined")).otherwise("outcome"),
                reason=pl.when("hit").then("_q").otherwise("reason"),
            )
            .drop("_q", "hit")
            .sort("path")
        )
    q_df = pl.DataFrame(
        [{"report_id": rid, "path": report_paths.get(rid), "reason": r} for rid, r in quarantined.items()],
        schema={"report_id": pl.String, "path": pl.String, "reason": pl.String},
        orient="row",
    )
    if quarantined:
        context.log.warning(f"{len(quarantined)} report(s) quarantined by validation")
    return dg.Output(
        ValidatedBatch(
            frames=result.frames,
            quarantined=quarantined,
            failure_cases=failure_cases,
            files=files,
            report_paths=report_paths,
        ),
        metadata={
            **{f"rows_{name}": int(df.height) for name, df in result.frames.items()},
            "quarantined": len(quarantined),
            "quarantined_reports": md_table(q_df),
            "failure_cases": md_table(failure_cases),
        },
    )


@dg.asset(group_name=GROUP, kinds={"duckdb"})
def warehouse(
    context: dg.AssetExecutionContext,
    xxgk: XxgkConfig,
    validated_frames: ValidatedBatch,
    report_records: RecordBatch,
) -> dg.MaterializeResult:
    """Publish the validated frames and this run's ingest log into the DuckDB file, atomically.

    Nothing is returned for the IO manager: the DuckDB file itself is the asset, and the
    checks on it read that file.
    """
    from pipeline.warehouse.publish import publish

    path = xxgk.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    at = dt.datetime.now(dt.UTC)
    ingest_log = validated_frames.files.with_columns(
        run_id=pl.lit(context.run.run_id), at=pl.lit(at, dtype=pl.Datetime("us", "UTC"))
    ).select("path", "sha256", "run_id", "outcome", "reason", "at")
    result = publish(validated_frames.frames, ingest_log, path, report_records.records)

    outcomes = {o: int((ingest_log["outcome"] == o).sum()) for o in OUTCOMES}
    context.log.info(f"published {path}: {result.tables}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            **{f"rows_{t}": int(n) for t, n in result.tables.items()},
            "views": ", ".join(result.views),
            "cross_year_checks": int(result.cross_year_checks),
            **{f"files_{o}": n for o, n in outcomes.items()},
            "publish_seconds": round(float(result.seconds), 2),
        }
    )

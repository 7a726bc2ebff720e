"""Decide, per distinct content hash, whether a run reads a file or reuses last run's outcome.

Identity is the content hash: the same bytes under two names are one report (the other
path is a ``duplicate``), a renamed file is the same report at a new path, and a corrected
republication (new bytes) is a new report — a new version of its agency-year, never an
overwrite. Reuse needs the same bytes *and* the same parser version: bumping
``PARSER_VERSION`` re-reads every file once, and ``reread`` patterns force chosen files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipeline.ledger.paths import os_name
from pipeline.ledger.scan import KnownFile

LEDGER_SCHEMA: dict[str, Any] = {
    "path": pl.String,
    "path_bytes": pl.Binary,
    "size": pl.Int64,
    "mtime": pl.Datetime("us"),
    "mtime_ns": pl.Int64,
    "sha256": pl.String,
    "format": pl.String,
    "parser_version": pl.String,
    "report_id": pl.String,
    "state": pl.String,
    "reason": pl.String,
    "run_id": pl.String,
}
"""The warehouse's ``raw_files`` table: each raw file as of the last run. ``state`` is
``report`` (the file a report is filed under), ``duplicate`` (same bytes as a report's file
or a quarantined file) or ``quarantined``; ``report_id`` is set for a report and its duplicates.
``path`` is printable; ``path_bytes`` is the name as bytes when it is not UTF-8 (pipeline.ledger.paths)."""

FILES_SCHEMA: dict[str, Any] = {
    "path": pl.String,
    "sha256": pl.String,
    "report_id": pl.String,
    "outcome": pl.String,
    "reason": pl.String,
}
"""What happened to each file in this run: the ``ingest_log`` rows before run id and time."""

OUTCOMES = ("loaded", "unchanged", "duplicate", "quarantined", "removed")
"""``loaded``: read now and published; ``unchanged``: same bytes and parser, not read;
``duplicate``: same bytes as another path; ``quarantined``: unreadable, not a report or
invalid, with the reason; ``removed``: in the last run, gone from the raw folder now."""

REPORT_OUTCOMES = ("loaded", "unchanged")


@dataclass(frozen=True)
class ParseItem:
    """One distinct content hash to read, from the path it will be filed under."""

    sha256: str
    path: str
    """Printable: the name the warehouse stores."""
    format: str | None
    os_path: str = ""
    """The name to open (differs from ``path`` for a name that is not UTF-8); empty: ``path``."""

    def source(self) -> str:
        return self.os_path or self.path


@dataclass
class Plan:
    """What a run will do: hashes to read, reports to keep or drop, and the files' outcomes so far."""

    to_parse: list[ParseItem] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    """Outcomes decided without reading (unchanged, duplicate, quarantined, removed)."""
    keep: dict[str, str] = field(default_factory=dict)
    """report_id → path it is filed under now, for reports carried over from the last run."""
    remove: set[str] = field(default_factory=set)
    """report_ids in the last warehouse that this run deletes (gone, or read again)."""

    def files_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.files, schema=FILES_SCHEMA, orient="row")


@dataclass(frozen=True)
class _Previous:
    """Last run's verdict on one content hash."""

    parser_version: str | None
    state: str
    report_id: str | None
    path: str
    reason: str | None


def known_files(ledger: pl.DataFrame) -> dict[str, KnownFile]:
    """path → size/mtime/hash from the ledger, for ``scan``'s stat cache."""
    out: dict[str, KnownFile] = {}
    for row in ledger.select("path", "size", "mtime_ns", "sha256", "format").iter_rows():
        path, size, mtime_ns, sha, fmt = row
        if path and sha and size is not None and mtime_ns is not None:
            out[path] = KnownFile(size=size, mtime_ns=mtime_ns, sha256=sha, format=fmt)
    return out


def _previous_by_sha(ledger: pl.DataFrame) -> dict[str, _Previous]:
    """One verdict per hash: the report row wins over duplicates (it names the canonical path)."""
    rank = {"report": 0, "quarantined": 1, "duplicate": 2}
    out: dict[str, _Previous] = {}
    rows = ledger.select("sha256", "parser_version", "state", "report_id", "path", "reason").iter_rows()
    for sha, version, state, rid, path, reason in sorted(
        (r for r in rows if r[0]), key=lambda r: (r[0], rank.get(r[2], 9), r[4])
    ):
        if sha not in out:
            out[sha] = _Previous(version, state, rid, path, reason)
    return out


def make_plan(
    manifest: pl.DataFrame,
    ledger: pl.DataFrame,
    parser_version: str,
    raw_dir: str = "",
) -> Plan:
    """Compare this run's manifest with last run's ledger (empty when there is none).

    A file with an ``error`` (could not be stat'ed or hashed) is quarantined here. A hash
    whose previous verdict came from another parser version, or whose file is ``forced``,
    is read again; its old report (if any) is removed and replaced by the new reading.
    """
    plan = Plan()
    previous = _previous_by_sha(ledger)
    prev_reports = {p.report_id: sha for sha, p in previous.items() if p.state == "report" and p.report_id}

    by_sha: dict[str, list[str]] = {}
    fmt_of: dict[str, str | None] = {}
    forced: set[str] = set()
    os_path: dict[str, str] = {}
    for path, path_bytes, sha, fmt, error, is_forced in manifest.sort("path").select(
        "path", "path_bytes", "sha256", "format", "error", "forced"
    ).iter_rows():
        if path_bytes:
            os_path[path] = os_name(path, path_bytes)
        if sha is None:
            plan.files.append(file_row(path, None, None, "quarantined", f"unreadable: {error or 'could not hash'}"))
            continue
        by_sha.setdefault(sha, []).append(path)
        fmt_of.setdefault(sha, fmt)
        if is_forced:
            forced.add(sha)

    kept_shas: set[str] = set()
    for sha, paths in by_sha.items():
        prev = previous.get(sha)
        canonical = prev.path if prev is not None and prev.path in paths else paths[0]
        reuse = prev is not None and prev.parser_version == parser_version and sha not in forced
        if not reuse:
            plan.to_parse.append(ParseItem(sha, canonical, fmt_of.get(sha), os_path.get(canonical, "")))
        elif prev.state == "report":
            assert prev.report_id is not None
            kept_shas.add(sha)
            plan.keep[prev.report_id] = canonical
            moved = None if canonical == prev.path else f"moved from {prev.path}"
            plan.files.append(file_row(canonical, sha, prev.report_id, "unchanged", moved))
        else:  # quarantined last time, same bytes, same parser: same verdict, not read again
            plan.files.append(file_row(canonical, sha, None, "quarantined", prev.reason))
        for p in paths:
            if p != canonical:
                rid = prev.report_id if reuse and prev is not None and prev.state == "report" else None
                plan.files.append(file_row(p, sha, rid, "duplicate", f"same content as {canonical}"))

    plan.remove = {rid for rid, sha in prev_reports.items() if sha not in kept_shas}
    present = set(manifest["path"].to_list())
    where = f" {raw_dir}" if raw_dir else " the raw folder"
    for path, sha, rid in ledger.select("path", "sha256", "report_id").iter_rows():
        if path not in present:
            plan.files.append(file_row(path, sha, rid, "removed", f"no longer under{where}"))
    return plan


def record_report_id(record: Mapping[str, Any]) -> str | None:
    """A parsed record's report id as the run files it: ``report_id``, else the first 16 hex of sha256.

    One definition for the ledger rows (``report_records``) and the staged validation, so a
    file and its report's rows always carry the same id.
    """
    rid = record.get("report_id")
    if rid:
        return str(rid)
    sha = (record.get("source") or {}).get("sha256")
    return sha[:16] if sha else None


def file_row(path: str, sha: str | None, rid: str | None, outcome: str, reason: str | None) -> dict[str, Any]:
    return {"path": path, "sha256": sha, "report_id": rid, "outcome": outcome, "reason": reason}


def build_ledger(
    manifest: pl.DataFrame, files: pl.DataFrame, parser_version: str, run_id: str
) -> pl.DataFrame:
    """The new ``raw_files`` table: every file present now, with its final state this run.

    A duplicate inherits the report_id of the file it copies when that file is a report, so
    an analyst can list every path a report was found under.
    """
    outcome = files.filter(pl.col("outcome") != "removed").select("path", "report_id", "outcome", "reason")
    state = (
        pl.when(pl.col("outcome").is_in(REPORT_OUTCOMES))
        .then(pl.lit("report"))
        .when(pl.col("outcome") == "duplicate")
        .then(pl.lit("duplicate"))
        .otherwise(pl.lit("quarantined"))
    )
    ledger = manifest.join(outcome, on="path", how="left").with_columns(
        state=state,
        parser_version=pl.lit(parser_version),
        run_id=pl.lit(run_id),
    )
    report_of_sha = ledger.filter(pl.col("state") == "report").select("sha256", rid="report_id").unique("sha256")
    ledger = ledger.join(report_of_sha, on="sha256", how="left").with_columns(
        report_id=pl.when(pl.col("state") == "quarantined").then(None).otherwise(pl.coalesce("report_id", "rid"))
    )
    return ledger.select(list(LEDGER_SCHEMA)).cast(LEDGER_SCHEMA).sort("path")


def empty_ledger() -> pl.DataFrame:
    return pl.DataFrame(schema=LEDGER_SCHEMA)


def outcome_counts(files: pl.DataFrame, outcomes: Iterable[str] = OUTCOMES) -> Mapping[str, int]:
    return {o: int((files["outcome"] == o).sum()) for o in outcomes}

"""Files rewritten while a run read them: file each record under the bytes actually parsed.

The scan hashes a file, and the reader opens it later (minutes later, in a large run). A
file rewritten in between would otherwise be stored with its new content under its old
hash, and the next run, seeing the stat it recorded, would never look at it again. The
reader worker re-hashes such a file right before reading it (pipeline.ingest.isolate) and
says so; this module turns that into the run's ledger: the new hash, size and mtime for the
file, and no claim about the copies that shared its old content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass
class Rewritten:
    """What the run learned about files whose content changed after the scan."""

    stat: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    """path → (sha256, size, mtime_ns) of the bytes the reader parsed."""
    unknown: set[str] = field(default_factory=set)
    """Paths whose current hash the run does not know: the next run hashes them again."""
    old_shas: set[str] = field(default_factory=set)
    """Content hashes the scan saw for the rewritten files (their copies elsewhere are not read)."""

    def __bool__(self) -> bool:
        return bool(self.stat or self.unknown)


def ledger_manifest(manifest: pl.DataFrame, rewritten: Rewritten) -> pl.DataFrame:
    """``manifest`` with the rewritten files' new hash and stat, and no hash where it is unknown.

    A null hash makes the next run's stat cache miss (``known_files`` skips it), so the file
    is hashed and read again rather than trusted.
    """
    if not rewritten:
        return manifest
    rows = [
        {"path": p, "_sha": sha, "_size": size, "_ns": ns} for p, (sha, size, ns) in rewritten.stat.items()
    ]
    update = pl.DataFrame(rows, schema={"path": pl.String, "_sha": pl.String, "_size": pl.Int64, "_ns": pl.Int64})
    hit = pl.col("_sha").is_not_null()
    out = (
        manifest.join(update, on="path", how="left")
        .with_columns(
            sha256=pl.when(pl.col("path").is_in(list(rewritten.unknown))).then(None)
            .when(hit).then("_sha").otherwise("sha256"),
            size=pl.when(hit).then("_size").otherwise("size"),
            mtime_ns=pl.when(hit).then("_ns").otherwise("mtime_ns"),
            mtime=pl.when(hit)
            .then(pl.from_epoch(pl.col("_ns") // 1000, time_unit="us"))
            .otherwise("mtime"),
        )
        .drop("_sha", "_size", "_ns")
    )
    return out.select(manifest.columns).cast(dict(manifest.schema))


def orphaned_copies(files: pl.DataFrame, rewritten: Rewritten) -> pl.DataFrame:
    """Copies (``duplicate`` rows) of content a rewritten file no longer holds: quarantined
    for this run with the reason, and hashed again by the next (their path joins ``unknown``)."""
    if not rewritten.old_shas:
        return files
    hit = (pl.col("outcome") == "duplicate") & pl.col("sha256").is_in(list(rewritten.old_shas))
    for path in files.filter(hit)["path"].to_list():
        rewritten.unknown.add(path)
    return files.with_columns(
        outcome=pl.when(hit).then(pl.lit("quarantined")).otherwise("outcome"),
        reason=pl.when(hit)
        .then(pl.format("{}; that file changed while the run read it, this copy is read by the next run", "reason"))
        .otherwise("reason"),
        report_id=pl.when(hit).then(None).otherwise("report_id"),
    )


"""Walk the raw folder and hash only what changed since the last run.

A nightly run over tens of thousands of files must not read them all to find that nothing
changed. A file whose size and mtime (to the nanosecond) match the ledger keeps the hash
the ledger recorded; any other file is hashed again. Forcing a re-read (``reread``
patterns) hashes the file even when its stat matches, in case it was rewritten in place
with its mtime restored.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.ledger.paths import printable, raw_bytes
from pipeline.ledger.walk import walk_raw

HASH_THREADS = 2  # both cores of the reference machine
HASH_BATCH = 256  # files a hashing thread takes at a time

MANIFEST_SCHEMA: dict[str, Any] = {
    "path": pl.String,
    "path_bytes": pl.Binary,
    "size": pl.Int64,
    "mtime": pl.Datetime("us"),
    "mtime_ns": pl.Int64,
    "sha256": pl.String,
    "format": pl.String,
    "error": pl.String,
    "hashed": pl.Boolean,
    "forced": pl.Boolean,
}
"""One row per raw file. ``path`` is printable (pipeline.ledger.paths); ``path_bytes`` holds the
name's bytes when they are not UTF-8 (else null). ``mtime`` is naive UTC; ``hashed`` says the file was read to hash it
in this run (False: the ledger's hash was reused); ``forced``: named by a re-read pattern."""


@dataclass(frozen=True)
class KnownFile:
    """The ledger's memory of one path: enough to skip hashing it again."""

    size: int
    mtime_ns: int
    sha256: str
    format: str | None


def matches(path: str, raw_dir: Path, patterns: Iterable[str]) -> bool:
    """True when ``path`` matches one of the re-read ``patterns``.

    A pattern is a path or a shell glob, matched against the path as the pipeline records
    it (``data/raw/2024/x.pdf``) and against the path relative to the raw folder
    (``2024/x.pdf``); ``*`` also crosses folders, so ``data/raw/*.pdf`` means every PDF.
    """
    rel = Path(path)
    try:
        rel = Path(path).relative_to(raw_dir)
    except ValueError:
        pass
    candidates = {path, rel.as_posix(), Path(path).name}
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            return True
    return False


def scan(
    raw_dir: Path,
    known: Mapping[str, KnownFile],
    reread: Iterable[str] = (),
    progress: Callable[[int, int, str], None] | None = None,
) -> pl.DataFrame:
    """The manifest of ``raw_dir`` (MANIFEST_SCHEMA), hashing only new, changed or forced files.

    A file that cannot be stat'ed or read gets ``error`` set instead of raising: it is
    quarantined downstream and the run goes on. So does every entry the walk skips (a link
    out of the raw folder, a dangling link, a device or pipe): the ingest log names each.
    """
    from pipeline.readers import detect_format, sha256_and_head

    patterns = [p for p in reread if p and p.strip()]
    files, skipped = walk_raw(raw_dir)
    cols: dict[str, list[Any]] = {c: [] for c in MANIFEST_SCHEMA}

    def look(p: Path) -> dict[str, Any]:
        """One file's manifest row; hashed (in a thread) unless the ledger's stat still matches."""
        path = printable(str(p))
        row: dict[str, Any] = dict.fromkeys(MANIFEST_SCHEMA)
        row.update(path=path, path_bytes=raw_bytes(str(p)), hashed=False, forced=bool(patterns) and matches(path, raw_dir, patterns))
        try:
            st = p.stat()
            row.update(
                size=st.st_size,
                mtime_ns=st.st_mtime_ns,
                mtime=dt.datetime.fromtimestamp(st.st_mtime_ns / 1e9, tz=dt.UTC).replace(tzinfo=None),
            )
            prev = known.get(path)
            if prev is not None and not row["forced"] and (prev.size, prev.mtime_ns) == (st.st_size, st.st_mtime_ns):
                row.update(sha256=prev.sha256, format=prev.format or detect_format(p))
            else:
                sha, head = sha256_and_head(p)
                row.update(sha256=sha, format=detect_format(p, head), hashed=True)
        except Exception as exc:  # unreadable from disk: quarantined downstream, never a crash
            row.update(error=printable(f"{type(exc).__name__}: {exc}"), format=row["format"] or "unknown")
        return row

    def look_all(batch: list[Path]) -> list[dict[str, Any]]:
        return [look(p) for p in batch]

    # Two threads: hashlib and file reads release the GIL, so a first run over thousands of
    # files hashes on both cores; the rows come back in the walk's order. Each thread takes
    # HASH_BATCH files at a time: handed over one by one, the threads spent more on futures
    # and on passing the GIL back and forth than on hashing. Measured, the scan of 10,000
    # PDFs of 46 KB: 1.53 s file by file, 0.70 s in batches (each file opened once, see
    # ``sha256_and_head``), 0.63 s in one thread; larger files gain from the second thread.
    batches = [files[k : k + HASH_BATCH] for k in range(0, len(files), HASH_BATCH)]
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        i = 0
        for rows in pool.map(look_all, batches):
            for row in rows:
                i += 1
                for c in MANIFEST_SCHEMA:
                    cols[c].append(row[c])
                if progress is not None:
                    progress(i, len(files), row["path"])
    for entry in skipped:
        row = dict.fromkeys(MANIFEST_SCHEMA)
        row.update(path=printable(str(entry.path)), path_bytes=raw_bytes(str(entry.path)), error=entry.reason,
                   format="unknown", hashed=False, forced=False)
        for c in MANIFEST_SCHEMA:
            cols[c].append(row[c])
    return pl.DataFrame(cols, schema=MANIFEST_SCHEMA)

"""A run's work in progress on disk, in bounded chunks: parsed records, then validated frames.

Holding a whole corpus of records in memory does not scale (100,000 reports is gigabytes of
dicts), and Dagster's IO manager would pickle it all between steps. Instead each step
streams its output into a run-scoped staging folder beside the warehouse and hands the next
step only the folder's path. The folder outlives a failed run, so Dagster's "re-execute from
failure" can pick up where it stopped; a successful publish deletes it, and folders left by
runs that never finished are swept after a week.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.ledger.cell_runs import staged

try:
    import orjson
except ImportError:  # an environment set up before orjson was a dependency: json alone, slower
    orjson = None  # type: ignore[assignment]

CHUNK_RECORDS = 500
"""Records per chunk: large enough that per-chunk costs vanish, small enough for bounded memory."""

STALE_SECONDS = 7 * 24 * 3600


class Staging:
    """The staging folder of one run: ``records/part-NNNNN.jsonl`` and ``frames/<table>/part-NNNNN.parquet``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def for_run(cls, warehouse: Path, run_id: str) -> Staging:
        return cls(staging_root(warehouse) / run_id)

    # -- records -------------------------------------------------------------------------

    def record_writer(self, chunk_size: int = CHUNK_RECORDS,
                      on_chunk: Callable[[Path], None] | None = None) -> RecordWriter:  # fmt: skip
        """A writer of this run's records; ``on_chunk(path)`` is called as each chunk file is complete."""
        return RecordWriter(self.root / "records", chunk_size, on_chunk)

    def record_chunks(self) -> list[Path]:
        return sorted((self.root / "records").glob("part-*.jsonl"))

    @staticmethod
    def part_of(chunk: Path) -> int:
        """The part number of a chunk file (``part-00003.jsonl`` → 3)."""
        return int(chunk.stem.split("-")[1])

    @staticmethod
    def read_records(chunk: Path) -> list[dict[str, Any]]:
        with chunk.open("rb") as fh:
            return [decode_record(line) for line in fh if line.strip()]

    # -- frames --------------------------------------------------------------------------

    def write_frames(self, part: int, frames: dict[str, pl.DataFrame]) -> None:
        """Write one chunk's validated frames (empty frames are skipped)."""
        for name, frame in frames.items():
            if frame.height == 0:
                continue
            folder = self.root / "frames" / name
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".part-{part:05d}.parquet.tmp"
            frame.write_parquet(tmp)
            tmp.replace(folder / f"part-{part:05d}.parquet")  # a half-written part is never visible

    def clear_frames(self) -> None:
        """Drop frames staged by an earlier attempt of the step (a re-execution starts clean)."""
        shutil.rmtree(self.root / "frames", ignore_errors=True)

    def frame_parts(self, name: str) -> list[Path]:
        return sorted((self.root / "frames" / name).glob("part-*.parquet"))

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class RecordWriter:
    """Append records as JSON lines, starting a new chunk file every ``chunk_size`` records."""

    def __init__(self, folder: Path, chunk_size: int, on_chunk: Callable[[Path], None] | None = None) -> None:
        self.folder = folder
        self.chunk_size = chunk_size
        self.on_chunk = on_chunk
        self.count = 0
        self._fh: Any = None
        self._part = 0
        self._in_part = 0
        shutil.rmtree(folder, ignore_errors=True)  # a re-executed step starts clean
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, record: dict[str, Any]) -> None:
        if self._fh is None or self._in_part >= self.chunk_size:
            self._rotate()
        # A record encoded by the reader worker (pipeline.ingest.encoded) is written as is;
        # any other in the same staged form (cell_methods as runs, pipeline.ledger.cell_runs).
        text = record.get("_json")
        if not isinstance(text, str):
            text = json.dumps(staged(record), ensure_ascii=False, default=str)
        self._fh.write(text + "\n")
        self._in_part += 1
        self.count += 1

    def _rotate(self) -> None:
        self.close()
        self._part += 1
        self._in_part = 0
        self._fh = (self.folder / f"part-{self._part:05d}.jsonl").open("w", encoding="utf-8")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            if self.on_chunk is not None:
                self.on_chunk(self.folder / f"part-{self._part:05d}.jsonl")

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19


def decode_record(line: bytes) -> Any:
    """One JSON line as ``json.loads`` reads it, by orjson where that gives the same value.

    orjson decodes a record 2.5 times faster (it is a fifth of ``validated_frames``), and
    reads floats, strings and integers within 64 bits exactly as ``json`` does. It differs on
    two things the staging files can hold, which go to ``json``: an integer of 19 digits or
    more may not fit in 64 bits, and orjson would make it a float (a line with 19 digits in
    a row anywhere, found by a C-speed scan); ``NaN`` and ``Infinity``, which ``json.dumps``
    writes and orjson refuses.
    """
    if orjson is not None and _NINETEEN_DIGITS not in line.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:
            pass
    return json.loads(line)


def staging_root(warehouse: Path) -> Path:
    """``data/warehouse/.staging``: beside the warehouse, so it is on the same (shared) storage."""
    return Path(warehouse).parent / ".staging"


def sweep_stale(warehouse: Path, now: float | None = None) -> list[Path]:
    """Delete staging folders untouched for a week (runs that failed and were never re-executed)."""
    root = staging_root(warehouse)
    now = time.time() if now is None else now
    removed = []
    for folder in root.glob("*") if root.is_dir() else []:
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except OSError:
            continue
    return removed


def iter_chunks(staging: Staging) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(part number, records) for each record chunk, in order."""
    for chunk in staging.record_chunks():
        yield Staging.part_of(chunk), Staging.read_records(chunk)

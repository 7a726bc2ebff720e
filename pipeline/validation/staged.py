"""Validate a run's staged records into staged frames: the work of the ``validated_frames`` asset.

Records are read chunk by chunk (pipeline.ledger.staging) and flattened per chunk, as they
were written; the flattened frames of several chunks are then validated by pandera at once,
up to ``BATCH_ROWS`` rows. Why batches: a pandera pass over the eight frames costs ~65 ms
however few rows it checks, which at 500 reports a chunk was most of this step's time,
while the rows themselves are cheap. A batch of a few thousand reports keeps memory bounded
(a few hundred MB at most) whatever the corpus size.

Validating a batch gives the same verdicts as validating its chunks one by one: every check
looks at one row or one report, except the uniqueness of keys that contain the report id
(a report's rows are all in its own chunk, and a report id is in one chunk only: the run
reads each content hash once) and of agencies (computed from the batch's reports). Kept out
of Dagster so a benchmark or a test can run it on a staging folder directly.
"""

from __future__ import annotations

import gc
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.ledger.plan import record_report_id
from pipeline.ledger.staging import CHUNK_RECORDS, Staging
from pipeline.validation.frames import FRAME_SCHEMAS, REPORT_STATUSES, report_frames

BATCH_ROWS = 600_000
"""Rows (of all frames) validated by one pandera pass: ~2,500 reports of ~240 rows each.
Measured at 10,000 reports: a pass per 500-report chunk (as before) took 4.9 s in all,
300,000 rows 3.3 s, 600,000 rows 3.0 s, holding 230 and 280 MB more memory; 1,200,000
rows gained nothing more and held 470 MB."""

FAILURE_CASES_KEPT = 4_000
"""Failure cases kept for the run's metadata and the schema check (a sample: the reasons are complete)."""


@dataclass
class StagedValidation:
    """What ``validate_staged`` found: quarantined reports with reasons, and rows written per frame."""

    quarantined: dict[str, str] = field(default_factory=dict)
    """report_id → reason, for every report dropped (pandera, or flattening failed)."""
    report_paths: dict[str, str] = field(default_factory=dict)
    """report_id → source path of the quarantined reports."""
    failure_cases: pl.DataFrame = field(default_factory=pl.DataFrame)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    """Wall time spent flattening and validating (alongside reading, it is inside that step's time)."""


def validate_staged(staging: Staging, batch_rows: int = BATCH_ROWS) -> StagedValidation:
    """Flatten and validate every staged record chunk; write the valid frames as staged parts.

    Each batch is written as the parts of its first chunk's number, so parts stay in the
    order the records were staged. Bad data never raises: a report failing validation is
    quarantined whole.
    """
    validator = StagedValidator(staging, batch_rows)
    for chunk in staging.record_chunks():
        validator.add(chunk)
    return validator.finish()


class StagedValidator:
    """``validate_staged`` one chunk at a time, so it can follow the chunks as they are written.

    ``add`` the chunks in the order they were staged, then ``finish`` once. The verdicts and
    the parts written are the same however the chunks arrive: a batch is flushed when it
    reaches ``batch_rows``, and at the end.
    """

    def __init__(self, staging: Staging, batch_rows: int = BATCH_ROWS, expected_records: int | None = None,
                 chunk_records: int = CHUNK_RECORDS) -> None:  # fmt: skip
        staging.clear_frames()  # parts are numbered by batch: a part of an earlier attempt must not linger
        self.staging = staging
        self.batch_rows = batch_rows
        # Records the run will stage (None: unknown). Once no more than one chunk of them is
        # still to come, each chunk is validated as it arrives: the batch left for ``finish``,
        # after the last file is read, is then that last chunk alone, not up to a whole batch
        # (at 10,000 reports, five chunks: ~0.5 s of one core after reading). The verdicts are
        # the same however the chunks are batched.
        self.expected_records = expected_records
        self.chunk_records = chunk_records
        self._seen = 0
        self.out = StagedValidation()
        self._batch = _Batch()
        self._cases: list[pl.DataFrame] = []
        self._kept_cases = 0

    def add(self, chunk: Path) -> None:
        """Flatten one staged chunk into the batch; validate the batch once it is large enough."""
        started = time.perf_counter()
        with _collector_paused():
            records = Staging.read_records(chunk)
            self._seen += len(records)
            reports = [r for r in records if r.get("status") in REPORT_STATUSES]
            del records
            frames, flatten_failed = flatten_isolating(reports, record_report_id)
            self._batch.add(Staging.part_of(chunk), frames, flatten_failed, reports)
            del reports
        last_to_come = self.expected_records is not None and self.expected_records - self._seen <= self.chunk_records
        if self._batch.height >= self.batch_rows or last_to_come:
            self._flush()
        self.out.seconds += time.perf_counter() - started

    def finish(self) -> StagedValidation:
        """Validate what is left; the whole step's findings."""
        started = time.perf_counter()
        self._flush()
        self.out.seconds += time.perf_counter() - started
        out = self.out
        out.failure_cases = pl.concat(self._cases, how="diagonal_relaxed") if self._cases else pl.DataFrame()
        return out

    def _flush(self) -> None:
        batch, out = self._batch, self.out
        if batch.part is None:
            return
        bad = batch.validate_and_write(self.staging, out.rows)
        if bad.quarantined:
            for rid in bad.quarantined:
                if rid in batch.paths:
                    out.report_paths[rid] = batch.paths[rid]
            out.quarantined.update(bad.quarantined)
            if self._kept_cases < FAILURE_CASES_KEPT and bad.failure_cases is not None:
                self._cases.append(bad.failure_cases.head(FAILURE_CASES_KEPT - self._kept_cases))
                self._kept_cases += self._cases[-1].height
        batch.clear()


class ValidationAlongside:
    """A ``StagedValidator`` in a thread of its own, fed each record chunk as it is closed.

    Why: reading is done by worker processes on every core, while this process mostly
    waits for their records; validating afterwards kept one core busy and the other idle
    for seconds at the end of a run (3.6 s of 75 at 10,000 drawn PDFs). Validated while
    the next chunks are read, only the last batch is left for after.

    The verdicts are those of ``validate_staged`` (same chunks, same order, same batches).
    A failure in the thread is not raised here: ``finish`` returns None and the caller
    validates from the staged chunks instead, so an error surfaces in the validation step.
    """

    def __init__(self, staging: Staging, batch_rows: int = BATCH_ROWS, expected_records: int | None = None) -> None:
        self._validator = StagedValidator(staging, batch_rows, expected_records)
        self._chunks: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xxgk-validate", daemon=True)
        self._thread.start()

    def chunk_closed(self, chunk: Path) -> None:
        self._chunks.put(chunk)

    def finish(self) -> StagedValidation | None:
        """Wait for the chunks given so far; None if validating them failed."""
        self._chunks.put(None)
        self._thread.join()
        if self._error is not None:
            return None
        try:
            return self._validator.finish()
        except Exception as exc:  # the last batch: the same hand-over as in the thread
            self._error = exc
            return None

    def abandon(self) -> None:
        """Stop without validating the chunks still waiting (the step that fed them failed)."""
        self._error = self._error or RuntimeError("abandoned")
        self._chunks.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._error is not None:
                continue  # drain: the caller validates again from the staged chunks
            try:
                self._validator.add(chunk)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller as None
                self._error = exc

    @property
    def error(self) -> BaseException | None:
        return self._error


@dataclass
class _Verdict:
    quarantined: dict[str, str]
    failure_cases: pl.DataFrame | None


class _Batch:
    """Flattened frames of consecutive chunks, waiting to be validated together."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.part: int | None = None
        self.frames: dict[str, list[pl.DataFrame]] = {
            name: [] for name in FRAME_SCHEMAS if name != "agencies"
        }
        self.flatten_failed: dict[str, str] = {}
        self.paths: dict[str, str] = {}
        self.height = 0

    def add(self, part: int, frames: dict[str, pl.DataFrame], flatten_failed: dict[str, str],
            reports: list[dict[str, Any]]) -> None:  # fmt: skip
        if self.part is None:
            self.part = part
        for name, parts in self.frames.items():
            frame = frames[name]
            if frame.height:
                parts.append(frame)
                self.height += frame.height
        self.flatten_failed.update(flatten_failed)
        for rec in reports:
            rid = record_report_id(rec)
            if rid is not None:
                # the path of every report of the batch: any of them may be quarantined
                self.paths[rid] = (rec.get("source") or {}).get("path") or ""

    def validate_and_write(self, staging: Staging, rows: dict[str, int]) -> _Verdict:
        from pipeline.validation.frames import agencies_from_reports, mark_current
        from pipeline.validation.schemas import validate_frames  # pandera: only when there is work

        frames = {
            name: pl.concat(parts) if parts else pl.DataFrame(schema=FRAME_SCHEMAS[name])
            for name, parts in self.frames.items()
        }
        self.frames = {}
        frames["reports"] = mark_current(frames["reports"])
        frames["agencies"] = agencies_from_reports(frames["reports"])
        result = validate_frames({name: frames[name] for name in FRAME_SCHEMAS})
        del frames
        assert self.part is not None
        staging.write_frames(self.part, result.frames)
        for name, df in result.frames.items():
            rows[name] = rows.get(name, 0) + df.height
        bad = {**self.flatten_failed, **{str(k): str(v) for k, v in result.quarantined.items()}}
        return _Verdict(bad, result.failure_cases if bad else None)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while one chunk is decoded and flattened.

    A chunk makes some 100,000 dicts and lists (the JSON records, the row lists), which
    trigger a collection every 700 allocations, each walking the young objects and now and
    then every object of the process (Dagster's included): 10% of this step. None of these
    objects forms a cycle, so pausing loses nothing; the collector is back on (when it was
    on) before the next chunk, so any cycle made elsewhere is still collected.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def flatten_isolating(
    records: list[dict[str, Any]], report_id: Callable[[Mapping[str, Any]], str | None] = record_report_id
) -> tuple[dict[str, pl.DataFrame], dict[str, str]]:
    """``report_frames``, isolating any record that makes it raise.

    Flattening the whole chunk at once is the fast path; if one malformed record breaks it,
    the chunk is retried record by record so only that record is quarantined.
    """
    try:
        return report_frames(records), {}
    except Exception:
        pass
    good: list[dict[str, Any]] = []
    bad: dict[str, str] = {}
    for rec in records:
        try:
            report_frames([rec])
            good.append(rec)
        except Exception as exc:
            bad[report_id(rec) or "?"] = f"could not flatten: {type(exc).__name__}: {exc}"
    return report_frames(good), bad

"""Parse many files in worker processes, so one bad file is stopped and quarantined, never the run.

A reader can hang (a PDF page that takes hours to interpret, a stuck network mount), crash
the interpreter (a segfault in a C library) or take all the memory (a decompression bomb the
cheap limits did not catch). Each file is therefore parsed in a worker process of a pebble
``ProcessPool``; a worker that overruns the per-file timeout is killed, one that dies is
replaced, and its file gets an ``unreadable`` record that says what happened. The other
files carry on.

API::

    ParseTask(sha256: str, path: str, format: str | None)

    parse_many(tasks: Iterable[ParseTask], limits: Limits | None = None, workers: int = 2,
               on_done: Callable[[ParseTask, dict], None] | None = None, *,
               max_tasks: int = 2000, parse_fn: ParseFn | None = None
               ) -> Iterator[tuple[ParseTask, dict]]

``parse_many`` yields ``(task, record)`` for every task, in the order they finish (not the
input order), calling ``on_done(task, record)`` first when given. ``tasks`` is consumed
lazily and at most ``IN_FLIGHT_PER_WORKER * workers`` tasks are scheduled at once, so a run
over 100 000 files holds a few dozen tasks and results, never all of them. Records are the
plain JSON-ready dicts of ``parse_file`` (they are pickled back from the workers).

- ``limits`` (None: ``Limits.from_env()``): the readers' own limits, plus the two enforced
  here: ``timeout_seconds`` per file (wall clock, counted from when a worker takes the file;
  the worker is killed) and ``memory_mb`` per worker (``RLIMIT_AS``, see ``_init_worker``).
- ``workers``: worker processes (default 2, both cores of the reference machine). ``0``
  parses in the calling process, one file after another, for debugging under pdb: then
  there is **no timeout and no memory cap**, and a crash takes the caller down.
- ``max_tasks``: a worker is replaced after this many files, so a leak in a C library
  cannot grow without bound (the memory cap stops a fast one sooner); starting one is
  cheap (a fork of a process that has already imported the readers, see ``_warm_up``),
  but it starts with cold caches (the parser remembers grid cells it has classified, the
  agency gazetteers their look-ups), and in ``xxgk run`` it is a fork of a process holding
  Dagster. Measured at 10,000 drawn PDFs: replacing each worker every 500 files cost 6.8 s
  of the workers' 128 s of CPU; every 2,000 files, a worker's PSS stays at 62-64 MB
  throughout (no growth over 4,000 files either).
- ``parse_fn``: what a worker runs per file, ``parse_file`` by default. It must be a
  module-level function (it is pickled by name) taking ``(path, sha256=, limits=)``;
  tests pass one that kills its own process, to see a crash quarantined.

Failure records (status ``unreadable``, one error issue naming the file):

- ``timeout``: "x.pdf: stopped after 300 s (per-file timeout, XXGK_TIMEOUT_SECONDS)"
- ``worker_died``: "x.pdf: worker process died reading it (signal 11, SIGSEGV): a crash in
  a C library, or over the memory limit of 1024 MB (XXGK_MEMORY_MB)?"
- ``worker_error``: anything else that kept the worker from returning a record.

Importing this module imports neither Dagster nor PyMuPDF (nor its layout model): the
parser and readers are imported when ``parse_many`` starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import itertools
import multiprocessing
import resource
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pebble import ProcessExpired, ProcessPool

from pipeline.ingest.limits import MB, Limits, address_space

IN_FLIGHT_PER_WORKER = 4
"""Tasks scheduled per worker at a time: enough that no worker waits for the next file
while the caller handles a result, few enough that memory does not grow with the batch."""
WORKER_GC_THRESHOLDS = (20_000, 50, 100)
"""gc.set_threshold in reader workers (Python's default: 700, 10, 10)."""
M_ARENA_MAX = -8  # mallopt() parameter number in glibc's malloc.h
ARENAS = 2


class ParseFn(Protocol):
    def __call__(self, path: Path, sha256: str | None = ..., limits: Limits | None = ...) -> dict: ...


@dataclass(frozen=True)
class ParseTask:
    """One file to parse: its content hash (known from the manifest), path and detected format."""

    sha256: str
    path: str
    format: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    """The file's stat when it was hashed (the manifest's). Given, the worker makes sure the
    bytes it parses are the bytes it files them under (``_parse_one``)."""


def parse_many(
    tasks: Iterable[ParseTask],
    limits: Limits | None = None,
    workers: int = 2,
    on_done: Callable[[ParseTask, dict], None] | None = None,
    *,
    max_tasks: int = 2000,
    parse_fn: ParseFn | None = None,
) -> Iterator[tuple[ParseTask, dict]]:
    """``(task, record)`` for every task, as each finishes; see the module docstring."""
    limits = Limits.from_env() if limits is None else limits
    results = _in_process(tasks, limits, parse_fn) if workers <= 0 else _pooled(tasks, limits, workers, max_tasks, parse_fn)
    for task, record in results:
        if on_done is not None:
            on_done(task, record)
        yield task, record


# ------------------------------------------------------------------ in the caller ---------


def _in_process(tasks: Iterable[ParseTask], limits: Limits, parse_fn: ParseFn | None) -> Iterator[tuple[ParseTask, dict]]:
    for task in tasks:
        try:
            record = _parse_one(task, limits, parse_fn)
        except Exception as exc:  # a parse_fn that raises: the file is quarantined, the run goes on
            record = _failure(task, "worker_error", f"{task.path}: {type(exc).__name__}: {exc}")
        yield task, record


# ------------------------------------------------------------------ in worker processes ---


def _pooled(tasks: Iterable[ParseTask], limits: Limits, workers: int, max_tasks: int,
            parse_fn: ParseFn | None) -> Iterator[tuple[ParseTask, dict]]:
    source = iter(tasks)
    first = next(source, None)
    if first is None:  # nothing to read: no warm-up, no processes
        return
    source = itertools.chain([first], source)
    context = _context()
    if context.get_start_method() == "fork":
        _warm_up()  # once here, so that every forked worker starts with the readers loaded
    timeout = limits.timeout_seconds or None
    cap = IN_FLIGHT_PER_WORKER * workers
    pending: dict[Future, ParseTask] = {}

    def new_pool() -> ProcessPool:
        return ProcessPool(max_workers=workers, max_tasks=max_tasks, initializer=_init_worker,
                           initargs=(limits.memory_mb, workers), context=context)

    # The objects this process holds already (Dagster's, polars', the readers') are left out
    # of its garbage collections while it collects results: with 100,000 files the results
    # and ledger rows it keeps would otherwise trigger full collections that walk millions
    # of objects, on a core the workers need. Forked workers inherit them frozen too.
    # Unfrozen when the pool is done.
    gc.freeze()
    pool = new_pool()
    finished = False
    try:
        while True:
            while len(pending) < cap and (task := next(source, None)) is not None:
                try:
                    future = pool.schedule(_parse_one, args=(task, limits, parse_fn), timeout=timeout)
                except RuntimeError:  # the pool broke (a worker died outside any file): a new one
                    pool.stop()
                    pool.join()
                    pool = new_pool()
                    future = pool.schedule(_parse_one, args=(task, limits, parse_fn), timeout=timeout)
                pending[future] = task
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                yield task, _outcome(future, task, limits)
        finished = True
    finally:
        if finished:
            pool.close()
        else:  # the caller stopped early, or raised: abandon the files still in flight
            pool.stop()
        pool.join()
        gc.unfreeze()


def _context() -> multiprocessing.context.BaseContext:
    """fork on Linux: a worker starts in milliseconds with the parent's imports.

    Forking a process that runs threads (polars, Dagster) is safe here because a worker
    touches neither: it runs the readers only, which the parent loaded before any pool
    thread started (``_warm_up``). Elsewhere, spawn (fork is unsafe on macOS).
    """
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _warm_up() -> None:
    """Import what the readers need (parser, PyMuPDF, OpenCV, the gazetteers), so a worker need not.

    Done in the parent before the pool forks, then each worker starts with them loaded and
    its memory budget (``_init_worker``) is not spent on mapping libraries. The OCR engine
    itself is not loaded here: the first scan in each worker loads it (most files are not
    scans). A parent that did run OCR before is fine too: measured, a forked worker reads
    scans with the inherited engine.
    """
    import pipeline.parsing.parser  # noqa: F401
    import pipeline.readers.ocr  # noqa: F401  (OpenCV, NumPy)
    import pipeline.readers.pdf  # noqa: F401  (PyMuPDF, without its layout model)
    from pipeline.agencies import places

    places.warm_up()  # the division and town lists, read once and cached for good


def _init_worker(memory_mb: int, workers: int = 1) -> None:
    """Set up a worker: quick to kill, libraries loaded, then its memory capped.

    - SIGTERM ends the worker at once (pebble's own handler runs Python code, which a worker
      stuck in C code never reaches; pebble would then wait 3 s before SIGKILL).
    - The cap is ``RLIMIT_AS``, set to the address space the worker holds after loading the
      readers plus ``memory_mb``: the libraries alone reserve 1.5 GB of address space
      (PyArrow's allocator, thread stacks) that holds no memory, so an absolute cap would
      refuse everything. Over the cap, an allocation fails: Python raises ``MemoryError``
      (the file is quarantined as out of memory), MuPDF reports an error, and a library that
      does not check may crash the worker (quarantined as a dead worker).
    - Objects inherited from the parent (Dagster's, when run as an asset: millions) arrive
      frozen out of the garbage collector, since ``_pooled`` freezes them before it forks:
      each full collection would otherwise walk them all, and touching them copies the
      parent's memory pages into the worker.
    - The collector runs less often (``WORKER_GC_THRESHOLDS``): a page read builds
      thousands of short-lived dicts that reference counting frees anyway, and collecting
      every 700 allocations cost ~5% of reading a report. Cycles are still collected.
    - glibc gives every thread that allocates its own 64 MB arena of address space; OCR's
      threads would spend half the budget on reservations, so arenas are limited to two.
    - OCR gets the worker's share of the cores (``ocr_recognise.share_cores``): the workers
      already keep every core busy, and a model call split over threads costs more CPU.
    """
    from pipeline.readers import ocr_recognise

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    _warm_up()
    ocr_recognise.share_cores(workers)
    cap_memory(memory_mb)


def cap_memory(memory_mb: int, *, hard: bool = True) -> tuple[int, int] | None:
    """Cap this process's address space at what it maps now plus ``memory_mb``.

    Used by each worker (``_init_worker``) and by ``xxgk parse``, which reads in-process:
    both then stop at the same ``memory_mb`` (``XXGK_MEMORY_MB``). Call it after the readers'
    libraries are loaded (``_warm_up``), whose reservations would otherwise eat the budget.
    ``hard=False`` lowers only the soft limit, so a caller that reads in its own process
    (``xxgk parse`` called from Python) can restore it. Returns the limits it replaced, or
    None when nothing was capped.
    """
    if not memory_mb or not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(M_ARENA_MAX, ARENAS)
    except (OSError, AttributeError):  # not glibc: arenas as they are
        pass
    cap = address_space() + memory_mb * MB
    before = resource.getrlimit(resource.RLIMIT_AS)
    if before[1] != resource.RLIM_INFINITY:
        cap = min(cap, before[1])
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap if hard else before[1]))
    return before


STABLE_ATTEMPTS = 3
"""Reads of a file that keeps changing under the reader before it is quarantined as such."""

READ_STAT = "_read_stat"
"""Key of ``[size, mtime_ns]`` added to a record read from a file that changed since it was
hashed: the record's ``source.sha256`` is then the hash of the bytes parsed, not the
manifest's, and the run must file it (and the ledger row) under those."""


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _parse_one(task: ParseTask, limits: Limits, parse_fn: ParseFn | None) -> dict:
    """Run in the worker: one file's record, from the bytes its hash is of.

    A file can be rewritten between the scan that hashed it and this read (a nightly copy
    still running). Its stat is taken before and after reading and compared with the
    scan's: the same stat throughout, the manifest's hash stands; a different one, the file
    is hashed again right before it is read (the parser hashes when given no hash) and the
    record carries that hash and the stat (``READ_STAT``); a stat that moves during the
    read means the bytes parsed are not known — read again, up to ``STABLE_ATTEMPTS`` times.
    """
    if parse_fn is None:
        from pipeline.parsing.parser import parse_file

        parse_fn = parse_file
    path = Path(task.path)
    if task.size is None or task.mtime_ns is None:  # no stat from a scan to hold the file to
        return parse_fn(path, sha256=task.sha256, limits=limits)
    scanned = (task.size, task.mtime_ns)
    for _ in range(STABLE_ATTEMPTS):
        before = _stat(path)
        record = parse_fn(path, sha256=task.sha256 if before == scanned else None, limits=limits)
        after = _stat(path)
        if after == before:
            if before != scanned and before is not None:
                record[READ_STAT] = list(before)
            return record
    return _failure(task, "changed_while_read",
                    f"{task.path}: changed while it was being read, {STABLE_ATTEMPTS} times; "
                    "it will be read by the next run")


def _outcome(future: Future, task: ParseTask, limits: Limits) -> dict:
    """The record a finished future stands for: the worker's own, or one saying why there is none."""
    try:
        return future.result()
    except FutureTimeout:
        return _failure(task, "timeout", f"{task.path}: stopped after {limits.timeout_seconds:g} s "
                                         f"(per-file timeout, XXGK_TIMEOUT_SECONDS)")
    except ProcessExpired as exc:
        memory = f", or over {limits.describe('memory_mb')}" if limits.memory_mb else ""
        return _failure(task, "worker_died", f"{task.path}: worker process died reading it ({_how(exc.exitcode)}): "
                                             f"a crash in a C library{memory}?")
    except Exception as exc:  # the pool broke, a record that would not pickle, a parse_fn that raised
        return _failure(task, "worker_error", f"{task.path}: worker failed: {type(exc).__name__}: {exc}")


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"signal {-exitcode}, {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _failure(task: ParseTask, code: str, detail: str) -> dict:
    from pipeline.parsing.parser import unreadable_record

    return unreadable_record(task.path, task.sha256, task.format, code, detail)


__all__ = ["IN_FLIGHT_PER_WORKER", "ParseTask", "parse_many"]

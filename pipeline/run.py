"""Run the whole asset graph in this process: what ``xxgk run`` does, and what tests call.

It materializes the same assets and checks that ``dg dev``, the schedule and the sensor run,
so a developer's ``xxgk run`` and the nightly run cannot drift apart. With DAGSTER_HOME set
the run is recorded in that instance (and shows in the UI); otherwise a throwaway instance
is used so that a plain ``xxgk run`` leaves nothing behind but the warehouse.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.warehouse.summary import FormatChecks, format_checks


@dataclass
class FailedCheck:
    asset: str
    name: str
    severity: str
    description: str


@dataclass
class RunSummary:
    """What one run did to each file, and which checks failed."""

    run_id: str
    success: bool
    seconds: float
    raw_dir: Path
    warehouse: Path
    files: pl.DataFrame
    """One row per file seen: path, sha256, outcome, reason (the run's ingest_log rows)."""
    checks_failed: list[FailedCheck] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each asset and check step, from Dagster's step events (for benchmarks)."""
    hashed: int = 0
    """Files read to hash them (new, changed or forced); the others kept the ledger's hash."""
    full_build: bool = False
    format_checks: FormatChecks | None = None
    """Passed / failed / not evaluable format checks in the published warehouse."""

    def count(self, outcome: str) -> int:
        return int((self.files["outcome"] == outcome).sum()) if self.files.height else 0

    @property
    def files_seen(self) -> int:
        return self.files.height

    @property
    def loaded(self) -> int:
        return self.count("loaded")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def duplicate(self) -> int:
        return self.count("duplicate")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def quarantined(self) -> list[tuple[str, str]]:
        """(path, reason) of every quarantined file."""
        q = self.files.filter(pl.col("outcome") == "quarantined").sort("path")
        return [(p, r or "") for p, r in q.select("path", "reason").iter_rows()]


@contextlib.contextmanager
def _instance() -> Iterator[object]:
    """The Dagster instance for the run: DAGSTER_HOME's when set, else an ephemeral one whose
    IO-manager files live in a temp dir removed afterwards."""
    from dagster import DagsterInstance

    if os.environ.get("DAGSTER_HOME"):
        with DagsterInstance.get() as inst:
            yield inst
        return
    with (
        tempfile.TemporaryDirectory(prefix="xxgk-dagster-") as tmp,
        DagsterInstance.ephemeral(tempdir=tmp) as inst,
    ):
        yield inst


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[None]:
    """A rich progress bar over the files (hashing, then parsing), fed by the assets' hook."""
    from pipeline.defs.assets import set_progress_hook

    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    labels = {"scan": "scanning files", "parse": "parsing new files"}
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[path]}", justify="left"),
        console=console,
        transient=False,
    ) as progress:
        tasks: dict[str, object] = {}

        def hook(phase: str, done: int, total: int, path: str) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(labels.get(phase, phase), total=total, path="")
            name = Path(path).name if path else ""
            progress.update(tasks[phase], completed=done, total=total, path=name[-50:])

        set_progress_hook(hook)
        try:
            yield
        finally:
            set_progress_hook(None)


def run_pipeline(
    raw_dir: Path,
    warehouse: Path,
    *,
    progress: bool = True,
    log_level: str = "WARNING",
    reread: Sequence[str] = (),
    workers: int | None = None,
    allow_removals: bool = False,
) -> RunSummary:
    """Materialize raw_manifest → report_records → validated_frames → warehouse, with all checks.

    Raises when the pipeline itself fails (a bug or an unwritable warehouse); bad input
    files never make it raise, they are quarantined and listed in the summary.
    ``log_level`` is Dagster's console log level: WARNING keeps the progress bar readable;
    ``xxgk run`` passes CRITICAL (the summary says what the warnings would) unless --verbose.
    ``reread`` names files (paths or globs) to read again although they did not change;
    ``workers`` overrides the number of reader processes; ``allow_removals`` confirms a
    run that removes most of the warehouse (refused otherwise: the run raises).
    """
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.resources import XxgkConfig

    started = time.monotonic()
    assets = list(defs.assets or []) + list(defs.asset_checks or [])
    config = XxgkConfig(raw_dir=str(raw_dir), warehouse=str(warehouse))
    if workers is not None:
        config = XxgkConfig(raw_dir=str(raw_dir), warehouse=str(warehouse), workers=workers)
    resources = {"xxgk": config}
    run_config: dict = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    ops: dict = {}
    if reread:
        ops["raw_manifest"] = {"config": {"reread": list(reread)}}
    if allow_removals:
        ops["warehouse"] = {"config": {"allow_removals": True}}
    if ops:
        run_config["ops"] = ops
    with _instance() as instance, _progress_bar(progress):
        result = dg.materialize(
            assets,
            instance=instance,  # type: ignore[arg-type]
            resources=resources,
            run_config=run_config,
            tags={"xxgk/source": "xxgk run"},
        )
        steps = _step_seconds(instance.all_logs(result.run_id))  # type: ignore[attr-defined]
        batch = result.output_for_node("validated_frames")
        if batch.alongside_seconds:  # validated while report_records read: shown as a step of its own
            steps["validate_alongside"] = batch.alongside_seconds
        manifest = result.output_for_node("raw_manifest")
        evaluations = result.get_asset_check_evaluations()
    failed = [
        FailedCheck(
            asset=e.asset_key.to_user_string(),
            name=e.check_name,
            severity=e.severity.value if e.severity else "",
            description=e.description or "",
        )
        for e in evaluations
        if not e.passed
    ]
    return RunSummary(
        run_id=result.run_id,
        success=result.success,
        seconds=round(time.monotonic() - started, 2),
        raw_dir=Path(raw_dir),
        warehouse=Path(warehouse),
        files=batch.files,
        checks_failed=failed,
        hashed=int(manifest.manifest["hashed"].sum()),
        step_seconds=steps,
        full_build=manifest.full,
        format_checks=format_checks(Path(warehouse)) if result.success else None,
    )


def _step_seconds(entries: Sequence[object]) -> dict[str, float]:
    """step key → seconds between its STEP_START and STEP_SUCCESS/STEP_FAILURE log entries."""
    started: dict[str, float] = {}
    out: dict[str, float] = {}
    for entry in entries:
        event = getattr(entry, "dagster_event", None)
        key = getattr(event, "step_key", None)
        kind = getattr(event, "event_type_value", "")
        at = getattr(entry, "timestamp", None)
        if key is None or at is None:
            continue
        if kind == "STEP_START":
            started[key] = at
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and key in started:
            out[key] = round(at - started[key], 3)
    return out

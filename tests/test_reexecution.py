"""A failed nightly run re-executed "from failure", as the UI's Re-execute → From failure does.

The job runs as the daemon runs it (a persistent instance, the filesystem IO manager), the
``warehouse`` step fails after the files were parsed, and the re-execution publishes the
parent run's staged work without parsing anything again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.definitions.reconstruct import ReconstructableRepository

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def _job() -> dg.ReconstructableJob:
    return ReconstructableRepository.for_module(
        "pipeline.definitions", "defs", working_directory=str(ROOT)
    ).get_reconstructable_job("xxgk_job")


def _count(warehouse: Path, sql: str) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]  # type: ignore[index]
    finally:
        con.close()


def test_a_failed_run_re_executed_from_failure_publishes_without_reparsing(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEEDS[:4]:
        shutil.copy2(seed, raw / seed.name)
    warehouse = tmp_path / "warehouse" / "xxgk.duckdb"
    run_config = {"resources": {"xxgk": {"config": {"raw_dir": str(raw), "warehouse": str(warehouse)}}}}
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        with dg.execute_job(_job(), instance=instance, run_config=run_config) as first:
            assert first.success
        assert _count(warehouse, "SELECT count(*) FROM reports") == 4

        shutil.copy2(SEEDS[4], raw / SEEDS[4].name)
        lock = warehouse.with_name(warehouse.name + ".lock")
        lock.unlink()
        lock.mkdir()  # publishing cannot take its lock: the warehouse step fails
        with dg.execute_job(_job(), instance=instance, run_config=run_config, raise_on_error=False) as failed:
            assert not failed.success
            failed_steps = {e.step_key for e in failed.all_events if e.event_type_value == "STEP_FAILURE"}
            assert failed_steps == {"warehouse"}
            failed_id = failed.run_id
        assert _count(warehouse, "SELECT count(*) FROM reports") == 4  # untouched
        staged = list((warehouse.parent / ".staging" / failed_id).rglob("*.jsonl"))
        assert staged  # the parsed records wait on disk for the re-execution

        lock.rmdir()
        options = dg.ReexecutionOptions.from_failure(failed_id, instance)
        with dg.execute_job(_job(), instance=instance, run_config=run_config, reexecution_options=options) as again:
            assert again.success
            executed = {e.step_key for e in again.all_events if e.event_type_value == "STEP_SUCCESS"}
            assert "report_records" not in executed and "raw_manifest" not in executed
            assert "warehouse" in executed
            run_id = again.run_id
        tags = instance.get_run_by_id(run_id).tags  # the counts, on the run as the UI lists it
        assert tags["xxgk/loaded"] == "1" and tags["xxgk/unchanged"] == "4"
        assert tags["xxgk/quarantined"] == "0" and "xxgk/failed_check_reports" in tags
    assert _count(warehouse, "SELECT count(*) FROM reports") == 5
    assert _count(warehouse, f"SELECT count(*) FROM ingest_log WHERE run_id = '{run_id}' AND outcome = 'loaded'") == 1
    assert not (warehouse.parent / ".staging" / failed_id).exists()  # cleaned once published

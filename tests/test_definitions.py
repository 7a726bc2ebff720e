"""The Dagster code location loads, has the assets/checks/schedule/sensor it promises, and the
sensor fires exactly when the raw folder changes."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.resources import XxgkConfig
from pipeline.ledger.walk import fingerprint, iter_raw_files
from pipeline.warehouse.catalog import catalog

ROOT = Path(__file__).resolve().parents[1]

# the warehouse's tables and views are the asset specs of one multi-asset, ``warehouse``
ASSETS = {"raw_manifest", "report_records", "validated_frames", "warehouse_parquet", "warehouse_report"} | {
    f"warehouse/{r.name}" for r in catalog()
}
CHECKS = {  # each format check on the table whose numbers it is about
    ("warehouse/request_cells", "requests_balance"),
    ("warehouse/request_cells", "requests_outcomes_sum"),
    ("warehouse/request_cells", "applicants_row_sum"),
    ("warehouse/review_litigation_cells", "review_litigation_totals"),
    ("warehouse/request_cells", "narrative_matches_tables"),
    ("warehouse/article20_cells", "article20_in_force"),
    ("validated_frames", "schema_validation"),
    ("warehouse/request_cells", "cross_year_carryover"),
}


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=ROOT)


def test_assets_in_one_group(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == ASSETS
    for key in graph.get_all_asset_keys():
        assert graph.get(key).group_name == "xxgk"


def test_asset_checks(defs: dg.Definitions) -> None:
    checks = {(k.asset_key.to_user_string(), k.name) for k in defs.resolve_asset_graph().asset_check_keys}
    assert checks == CHECKS


def test_job_schedule_sensor(defs: dg.Definitions) -> None:
    job = defs.resolve_job_def("xxgk_job")
    assert {k.to_user_string() for k in job.asset_layer.selected_asset_keys} == ASSETS
    schedule = defs.resolve_schedule_def("xxgk_nightly")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.job_name == "xxgk_job"
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    assert sensor.minimum_interval_seconds == 30
    assert sensor.job_name == "xxgk_job"


def test_definitions_module_matches_defs_folder() -> None:
    """``pipeline.definitions.defs`` (what dg dev loads) is the same code location."""
    from pipeline.definitions import defs as module_defs

    keys = {k.to_user_string() for k in module_defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == ASSETS


def _tick(sensor: dg.SensorDefinition, raw: Path, cursor: str | None, aliases: Path | None = None):
    config = XxgkConfig(raw_dir=str(raw), aliases_file=str(aliases) if aliases else "")
    context = dg.build_sensor_context(cursor=cursor, resources={"xxgk": config})
    return sensor.evaluate_tick(context)


def test_sensor_runs_when_the_alias_file_is_edited(defs: dg.Definitions, tmp_path: Path) -> None:
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("a", encoding="utf-8")
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,canonical,note\n", encoding="utf-8")
    first = _tick(sensor, raw, None, aliases)
    assert _tick(sensor, raw, first.cursor, aliases).run_requests == []
    aliases.write_text("alias,canonical,note\n新山族乡,米易县新山傈僳族乡人民政府,OCR\n", encoding="utf-8")
    edited = _tick(sensor, raw, first.cursor, aliases)
    assert len(edited.run_requests) == 1 and edited.cursor != first.cursor


def test_sensor_requests_one_run_per_change(defs: dg.Definitions, tmp_path: Path) -> None:
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "a.txt").write_text("a", encoding="utf-8")
    (raw / "sub" / "b.pdf").write_bytes(b"%PDF-1.4")

    first = _tick(sensor, raw, None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].run_key == first.cursor == fingerprint(raw)

    same = _tick(sensor, raw, first.cursor)
    assert same.run_requests == [] and same.skip_message

    # a hidden file is not a raw file: no run
    (raw / ".DS_Store").write_bytes(b"x")
    assert _tick(sensor, raw, first.cursor).run_requests == []

    # touching a file (new mtime) → a new run
    st = (raw / "a.txt").stat()
    os.utime(raw / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    touched = _tick(sensor, raw, first.cursor)
    assert len(touched.run_requests) == 1
    assert touched.cursor != first.cursor

    # adding a file in a subfolder → another run, with a new run key
    (raw / "sub" / "c.txt").write_text("c", encoding="utf-8")
    added = _tick(sensor, raw, touched.cursor)
    assert len(added.run_requests) == 1
    assert added.run_requests[0].run_key not in (first.cursor, touched.cursor)


def test_sensor_skips_missing_or_empty_raw_dir(defs: dg.Definitions, tmp_path: Path) -> None:
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    assert _tick(sensor, tmp_path / "nope", None).run_requests == []
    (tmp_path / "empty").mkdir()
    assert _tick(sensor, tmp_path / "empty", None).run_requests == []


def test_raw_file_walk_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    (tmp_path / "~$draft.docx").write_text("x")
    (tmp_path / "r.txt").write_text("x")
    assert [p.name for p in iter_raw_files(tmp_path)] == ["r.txt"]

"""xxgk_job's executors: in process by default (the samples really run, every step in the run's
process), multiprocess on request (each step in a child process), and the cluster configuration
in ``deploy/k8s/`` is valid for the real job."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
import yaml

# Dagster's public ``reconstructable()`` wants a module-level function returning a job; the job
# here is built by the defs-folder loader, so point at the code location itself instead, as
# ``dagster dev -m pipeline.definitions`` does.
from dagster._core.definitions.reconstruct import ReconstructableRepository

from pipeline.defs.jobs import LOCAL_MAX_CONCURRENT, build_xxgk_job, job_executor
from pipeline.warehouse.catalog import catalog

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
DEPLOY = ROOT / "deploy" / "k8s"
CLUSTER_MISSING = ("the 'cluster' extra (dagster-k8s) is not installed: pip install -e '.[test,cluster]' "
                   "(.ci/run installs it)")
# the warehouse's tables and views are the asset specs of one multi-asset, ``warehouse``
ASSETS = {"raw_manifest", "report_records", "validated_frames", "warehouse_parquet", "warehouse_report"} | {
    f"warehouse/{r.name}" for r in catalog()
}
STEPS = {"raw_manifest", "report_records", "validated_frames", "warehouse", "warehouse_parquet", "warehouse_report"}
"""The steps that materialize them: the warehouse's tables and views are one step, one publish."""


def _load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _distinct_files(raw: Path) -> int:
    hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.rglob("*") if p.is_file()}
    return len(hashes)


# --- local: in process by default, multiprocess on request ------------------------------------


def _resolved(job: Any) -> dg.JobDefinition:
    """The job resolved against the real assets, checks and resources."""
    from pipeline.definitions import defs

    return dg.Definitions(
        assets=defs.assets, asset_checks=defs.asset_checks, resources=defs.resources, jobs=[job]
    ).resolve_job_def("xxgk_job")


def test_job_runs_in_process_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI, the schedule and the sensor run xxgk_job in one process: its steps are a chain,
    so a process per step only added start-up time (the readers isolate each file anyway)."""
    from pipeline.definitions import defs

    monkeypatch.delenv("XXGK_EXECUTOR", raising=False)
    assert job_executor().name == "in_process"
    assert build_xxgk_job().executor_def.name == "in_process"
    assert defs.resolve_job_def("xxgk_job").executor_def.name == "in_process"
    assert dg.validate_run_config(_resolved(build_xxgk_job()), {})["execution"] == {
        "in_process": {"retries": {"enabled": {}}}
    }


def test_multiprocess_executor_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_EXECUTOR", "multiprocess")
    job = _resolved(build_xxgk_job())
    assert job.executor_def.name == "multiprocess"
    assert job_executor().name == "multiprocess"
    # the machine's 2 cores by default, as run config (so a launch may still change it)
    resolved = dg.validate_run_config(job, {})
    assert resolved["execution"] == {
        "multiprocess": {"max_concurrent": LOCAL_MAX_CONCURRENT, "retries": {"enabled": {}}}
    }
    one_at_a_time = dg.validate_run_config(job, {"execution": {"config": {"max_concurrent": 1}}})
    assert one_at_a_time["execution"]["multiprocess"]["max_concurrent"] == 1
    assert job_executor("in-process").name == "in_process"
    with pytest.raises(ValueError, match="XXGK_EXECUTOR"):
        job_executor("celery")


def _execute(tmp_path: Path) -> tuple[dict[str, int], set[str], set[str], Path]:
    """xxgk_job as the UI and the daemon run it (not ``materialize``): a persistent instance,
    the job's own executor. Returns step → pid, the steps that succeeded, the asset keys
    materialized, and the warehouse."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "warehouse" / "xxgk.duckdb"
    run_config = {"resources": {"xxgk": {"config": {"raw_dir": str(raw), "warehouse": str(warehouse)}}}}
    recon = ReconstructableRepository.for_module(
        "pipeline.definitions", "defs", working_directory=str(ROOT)
    ).get_reconstructable_job("xxgk_job")
    (tmp_path / "dagster").mkdir()
    with (
        dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance,
        dg.execute_job(recon, instance=instance, run_config=run_config) as result,
    ):
        failures = [
            f"{e.step_key}: {e.event_specific_data.error.to_string() if e.event_specific_data else e.message}"  # type: ignore[union-attr]
            for e in result.all_events
            if e.is_step_failure
        ]
        assert result.success, "\n".join(failures)
        step_pids = {e.step_key: e.pid for e in result.all_events if e.is_step_start}
        executed = {e.step_key for e in result.all_events if e.is_step_success}
        materialized = {
            e.asset_key.to_user_string() for e in result.all_events if e.is_step_materialization and e.asset_key
        }
    return step_pids, executed, materialized, warehouse  # type: ignore[return-value]


@pytest.mark.slow
def test_in_process_run_on_the_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every step in the run's one process; the format checks are one step, not seven."""
    monkeypatch.delenv("XXGK_EXECUTOR", raising=False)
    step_pids, executed, materialized, warehouse = _execute(tmp_path)
    assert ASSETS == materialized
    assert STEPS <= executed
    assert len(set(step_pids.values())) == 1
    assert len([k for k in executed if "format_checks" in k]) == 1
    assert len(executed) == len(STEPS) + 2  # + the schema check and the format checks
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (n_reports,) = con.execute("SELECT count(*) FROM reports").fetchone() or (0,)
    assert n_reports == _distinct_files(tmp_path / "raw")


@pytest.mark.slow
def test_multiprocess_run_on_the_samples(tmp_path: Path) -> None:
    """With XXGK_EXECUTOR=multiprocess each step runs in its own child process, values passed
    through the filesystem IO manager. Launched as a deployment would (``dagster job
    execute`` with the variable set): the executor is chosen when the definitions load, and
    this test process loaded them with the default."""
    import subprocess
    import sys

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "warehouse" / "xxgk.duckdb"
    home = tmp_path / "dagster"
    home.mkdir()
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump({"resources": {"xxgk": {"config": {
        "raw_dir": str(raw), "warehouse": str(warehouse)}}}}), encoding="utf-8")  # fmt: skip
    env = {**os.environ, "XXGK_EXECUTOR": "multiprocess", "DAGSTER_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "job", "execute", "-m", "pipeline.definitions", "-a", "defs",
         "-j", "xxgk_job", "-c", str(config)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        records = instance.all_logs(run.run_id)
    events = [r.dagster_event for r in records if r.dagster_event]
    step_pids = {e.step_key: e.pid for e in events if e.is_step_start}
    executed = {e.step_key for e in events if e.is_step_success}
    materialized = {e.asset_key.to_user_string() for e in events if e.is_step_materialization and e.asset_key}
    assert ASSETS == materialized
    assert STEPS <= executed
    # every step ran in a child process of its own (that is what the executor is for)
    assert len(set(step_pids.values())) == len(step_pids) == len(executed)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (n_reports,) = con.execute("SELECT count(*) FROM reports").fetchone() or (0,)
    assert n_reports == _distinct_files(raw)
    assert (warehouse.parent / "parquet" / "reports.parquet").is_file()


# --- cluster: Kubernetes, one pod per step ---------------------------------------------------


@pytest.fixture(scope="module")
def k8s_job() -> dg.JobDefinition:
    """The real xxgk_job, with the real assets and resources, but the cluster executor."""
    pytest.importorskip("dagster_k8s", reason=CLUSTER_MISSING)
    from pipeline.definitions import defs

    job = build_xxgk_job(job_executor("k8s"))
    return dg.Definitions(
        assets=defs.assets, asset_checks=defs.asset_checks, resources=defs.resources, jobs=[job]
    ).resolve_job_def("xxgk_job")


def test_k8s_run_config_is_valid_for_the_job(k8s_job: dg.JobDefinition) -> None:
    run_config = _load_yaml(DEPLOY / "run_config.yaml")
    assert k8s_job.executor_def.name == "k8s"
    resolved = dg.validate_run_config(k8s_job, run_config)
    execution = resolved["execution"]["k8s"]
    # every step pod mounts the shared volume where the IO manager, raw files and warehouse live
    mounts = {m["mount_path"] for m in execution["volume_mounts"]}
    assert mounts == {"/shared"}
    assert resolved["resources"]["io_manager"]["config"]["base_dir"].startswith("/shared/")
    xxgk = resolved["resources"]["xxgk"]["config"]
    for key in ("raw_dir", "warehouse", "parquet_dir"):
        assert xxgk[key].startswith("/shared/"), key


@pytest.mark.parametrize(
    "path, value",
    [
        (("execution", "config", "job_namespace_typo"), "xxgk"),  # unknown executor key
        (("execution", "config", "max_concurrent"), "two"),  # wrong type
        (("resources", "xxgk", "config", "warehouse_dir"), "/shared/x"),  # unknown resource field
        (("resources", "io_manager", "config", "base_directory"), "/shared/x"),  # unknown IO manager key
    ],
)
def test_k8s_run_config_validation_catches_mistakes(
    k8s_job: dg.JobDefinition, path: tuple[str, ...], value: object
) -> None:
    """The validation above can fail: a broken key in the deploy YAML is caught before a run."""
    run_config = _load_yaml(DEPLOY / "run_config.yaml")
    node = run_config
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(k8s_job, run_config)


def test_k8s_run_config_needs_the_k8s_executor() -> None:
    """The same YAML is not valid for the local job: the executor really is part of what is checked."""
    from pipeline.definitions import defs

    local = dg.Definitions(
        assets=defs.assets,
        asset_checks=defs.asset_checks,
        resources=defs.resources,
        jobs=[build_xxgk_job(job_executor("multiprocess"))],
    ).resolve_job_def("xxgk_job")
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(local, _load_yaml(DEPLOY / "run_config.yaml"))


def test_k8s_instance_yaml_is_valid() -> None:
    """deploy/k8s/dagster.yaml: Dagster's instance schema, and the K8sRunLauncher's own schema."""
    pytest.importorskip("dagster_k8s", reason=CLUSTER_MISSING)
    from dagster._config import validate_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster_k8s import K8sRunLauncher

    instance, _ = dagster_instance_config(str(DEPLOY), "dagster.yaml")  # raises when invalid
    launcher = instance["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    # validate, not process: processing would resolve {env: ...} values that only exist in the pods
    checked = validate_config(K8sRunLauncher.config_type(), launcher["config"])
    assert checked.success, [e.message for e in checked.errors or []]
    env = dict(v.split("=", 1) for v in launcher["config"]["env_vars"])
    assert env["XXGK_EXECUTOR"] == "k8s"
    run_config = _load_yaml(DEPLOY / "run_config.yaml")
    # scheduled and sensor runs (no run config) must use the same paths as a launched run
    for key, var in (
        ("raw_dir", "XXGK_RAW_DIR"),
        ("warehouse", "XXGK_WAREHOUSE"),
        ("parquet_dir", "XXGK_PARQUET_DIR"),
    ):
        assert env[var] == run_config["resources"]["xxgk"]["config"][key]
    # the fs IO manager's default root (<local_artifact_storage>/storage) is on the shared volume too
    assert instance["local_artifact_storage"]["config"]["base_dir"].startswith("/shared/")


def test_k8s_instance_yaml_validation_can_fail(tmp_path: Path) -> None:
    pytest.importorskip("dagster_k8s", reason=CLUSTER_MISSING)
    from dagster._config import validate_config
    from dagster_k8s import K8sRunLauncher

    instance = _load_yaml(DEPLOY / "dagster.yaml")
    instance["run_launcher"]["config"]["volume_mount"] = []  # a typo
    checked = validate_config(K8sRunLauncher.config_type(), instance["run_launcher"]["config"])
    assert not checked.success


def test_local_max_concurrent_fits_the_machine() -> None:
    assert 1 <= LOCAL_MAX_CONCURRENT <= max(2, os.cpu_count() or 1)

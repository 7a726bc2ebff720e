"""The one job: the whole asset graph (its checks come along), as the schedule and sensor run it.

Its executor is chosen by the deployment, not by the code: ``XXGK_EXECUTOR`` unset (or
``in_process``) runs every step in the run's own process; ``multiprocess`` runs each step in
its own process on this machine; ``k8s`` runs each step in its own Kubernetes pod
(``deploy/k8s/``). The same code location image serves all three, so a cluster deployment is
configuration, not a fork of this file.

Why in-process on one machine: the graph is a chain (raw_manifest → report_records →
validated_frames → warehouse → export, report and checks), so steps in separate processes
never ran side by side to any gain, while each paid a fresh Python start-up, ``import
dagster`` (~2.5 s) and the definitions: a no-change run launched from the UI took 38–84 s
against 6–15 s for ``xxgk run``. The isolation that matters is already inside
``report_records``: every file is read in a worker process with a timeout and a memory cap
(pipeline.ingest.isolate), so a hostile PDF still kills only its worker.
"""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import os
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:  # what define_asset_job returns; not exported by the dagster package itself
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

ENV_EXECUTOR = "XXGK_EXECUTOR"
EXECUTORS = ("in_process", "multiprocess", "k8s")
DEFAULT_EXECUTOR = "in_process"

LOCAL_MAX_CONCURRENT = 2
"""Steps at once on one machine: the reference machine has 2 cores, and the graph is a chain
(only the checks can run beside the next asset), so more processes would only compete."""


def job_executor(kind: str | None = None) -> dg.ExecutorDefinition:
    """The executor for ``xxgk_job``: ``kind``, else ``$XXGK_EXECUTOR``, else in-process (see
    the module docstring for why).

    Multiprocess (``XXGK_EXECUTOR=multiprocess``) puts each step in its own process, for a
    deployment that wants a crash in a step's own code to spare the run, at a few seconds a
    step. ``dagster.materialize`` (``xxgk run``, the tests) runs in process whatever is set.
    It is not ``.configured(...)``: a configured executor accepts any ``execution`` run
    config and silently ignores it, so a cluster run config given to a local job would pass
    unnoticed. The concurrency limit is the job's default run config instead.
    The Kubernetes executor is imported only when asked for: ``dagster-k8s`` is the optional
    ``cluster`` extra.
    """
    kind = (kind or os.environ.get(ENV_EXECUTOR) or DEFAULT_EXECUTOR).strip().lower().replace("-", "_")
    if kind == "in_process":
        return dg.in_process_executor
    if kind == "multiprocess":
        return dg.multiprocess_executor
    if kind == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor
    raise ValueError(f"{ENV_EXECUTOR}={kind!r}: expected one of {', '.join(EXECUTORS)}")


def build_xxgk_job(executor: dg.ExecutorDefinition | None = None) -> "UnresolvedAssetJobDefinition":
    """``xxgk_job`` with the given executor (the deployment's by default); the tests build it
    with the cluster executor to validate ``deploy/`` run config against the real job."""
    executor = executor if executor is not None else job_executor()
    defaults = None
    if executor.name == "multiprocess":
        # defaults, not fixed: a launch from the UI may still set its own limit
        defaults = {"execution": {"config": {"max_concurrent": LOCAL_MAX_CONCURRENT}}}
    return dg.define_asset_job(
        "xxgk_job",
        selection=dg.AssetSelection.groups("xxgk"),
        description="Walk the raw dir, parse new or changed files, validate, publish the warehouse, "
        "its Parquet export and its HTML report.",
        executor_def=executor,
        config=defaults,
    )


xxgk_job = build_xxgk_job()

"""The one job: the whole asset graph (its checks come along), as the schedule and sensor run it.

Its executor is chosen by the deployment, not by the code: ``XXGK_EXECUTOR`` unset (or
``multiprocess``) runs each step in its own process on this machine; ``k8s`` runs each step
in its own Kubernetes pod (``deploy/k8s/``). The same code location image serves both, so
a cluster deployment is configuration, not a fork of this file.
"""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import os
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:  # what define_asset_job returns; not exported by the dagster package itself
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

ENV_EXECUTOR = "XXGK_EXECUTOR"
EXECUTORS = ("multiprocess", "k8s")

LOCAL_MAX_CONCURRENT = 2
"""Steps at once on one machine: the reference machine has 2 cores, and the graph is a chain
(only the checks can run beside the next asset), so more processes would only compete."""


def job_executor(kind: str | None = None) -> dg.ExecutorDefinition:
    """The executor for ``xxgk_job``: ``kind``, else ``$XXGK_EXECUTOR``, else multiprocess.

    Multiprocess is explicit (rather than Dagster's default multi-or-in-process) so that a
    crash or a memory blow-up in one step (a hostile PDF) kills that step's process, not the
    run. ``dagster.materialize`` (``xxgk run``, the tests) ignores it and runs in process.
    It is not ``.configured(...)``: a configured executor accepts any ``execution`` run
    config and silently ignores it, so a cluster run config given to a local job would pass
    unnoticed. The concurrency limit is the job's default run config instead.
    The Kubernetes executor is imported only when asked for: ``dagster-k8s`` is the optional
    ``cluster`` extra.
    """
    kind = (kind or os.environ.get(ENV_EXECUTOR) or "multiprocess").strip().lower()
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

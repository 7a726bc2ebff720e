"""How long ``xxgk_job`` takes when launched the way the Dagster UI, the schedule and the
sensor launch it (``execute_job`` on the reconstructable job, with a persistent instance and
the job's own executor), per executor: a first run over the samples, then a no-change run.

Not ``dagster.materialize`` (what ``xxgk run`` uses, always in process): the point is the
cost of the executor the UI runs get. A launch from the UI adds one run-worker process start
(~3 s here, the same for every executor) on top of these figures.

    .venv/bin/python benchmarks/bench_ui_run.py [--executors in_process,multiprocess] [--runs 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_once(executor: str, raw: Path, warehouse: Path, home: Path) -> tuple[float, int, bool]:
    """Seconds, steps executed, success: one run of xxgk_job under ``executor``."""
    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    os.environ["XXGK_EXECUTOR"] = executor  # read when the definitions load, in every process
    logging.disable(logging.WARNING)  # Dagster's event log on the console would bury the figures
    recon = ReconstructableRepository.for_module(
        "pipeline.definitions", "defs", working_directory=str(ROOT)
    ).get_reconstructable_job("xxgk_job")
    run_config = {"resources": {"xxgk": {"config": {"raw_dir": str(raw), "warehouse": str(warehouse)}}}}
    started = time.monotonic()
    with (
        dg.instance_for_test(temp_dir=str(home)) as instance,
        dg.execute_job(recon, instance=instance, run_config=run_config) as result,
    ):
        steps = sum(1 for e in result.all_events if e.is_step_success)
        ok = result.success
    return time.monotonic() - started, steps, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executors", default="in_process,multiprocess")
    parser.add_argument("--runs", type=int, default=2, help="the first builds, the others change nothing")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a fresh process per executor: the job's executor is fixed when the definitions load
        with tempfile.TemporaryDirectory(prefix="xxgk-bench-ui-") as tmp:
            tmp_path = Path(tmp)
            raw = tmp_path / "raw"
            shutil.copytree(ROOT / "data" / "raw", raw)
            (tmp_path / "home").mkdir()
            for i in range(args.runs):
                seconds, steps, ok = run_once(args.one, raw, tmp_path / "wh" / "xxgk.duckdb", tmp_path / "home")
                label = "first" if i == 0 else "no-change"
                print(f"{args.one:<14}{label:<12}{seconds:>9.1f}{steps:>7}  {ok}", flush=True)
        return
    print(f"{'executor':<14}{'run':<12}{'seconds':>9}{'steps':>7}  ok", flush=True)
    for executor in args.executors.split(","):
        subprocess.run(
            [sys.executable, __file__, "--one", executor, "--runs", str(args.runs)],
            check=True, stderr=subprocess.DEVNULL, env={**os.environ, "XXGK_EXECUTOR": executor},
        )  # fmt: skip


if __name__ == "__main__":
    main()

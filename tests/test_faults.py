"""Fault tests: SIGKILL at every publishing stage and mid-parse, and an analyst reading during a run.

The warehouse must never be half-written: whatever moment the nightly run dies at, the
file analysts open is the previous warehouse, whole and readable, or the new one, whole.
``XXGK_PAUSE_AT`` (pipeline.warehouse.publish.PAUSE_ENV) stops a real ``xxgk run`` process
at a named stage so the kill lands exactly there; the mid-parse kills are timed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from factories import query, table_rows

from pipeline.run import run_pipeline
from pipeline.warehouse.publish import PAUSE_ENV

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def snapshot(warehouse: Path) -> dict[str, list]:
    """Every table's rows, sorted; the views must work too (the file is whole and readable)."""
    query(warehouse, "SELECT count(*) FROM yoy_requests")
    return table_rows(warehouse, exclude=())


def start_run(raw: Path, warehouse: Path, **env: str) -> subprocess.Popen[str]:
    """``xxgk run`` in its own process group (so the kill takes its reader workers too)."""
    full_env = {**os.environ, **env}
    full_env.pop("DAGSTER_HOME", None)
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", "--raw", str(raw), "--warehouse", str(warehouse),
         "--no-progress"],
        cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip


def kill(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def wait_for(pattern: str, folder: Path, proc: subprocess.Popen[str], timeout: float = 120) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"run ended (exit {proc.returncode}) before reaching {pattern}:\n{out}")
        time.sleep(0.05)
    kill(proc)
    pytest.fail(f"no {pattern} in {folder} after {timeout} s")


@pytest.fixture()
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A warehouse built from four seeds, and a fifth seed waiting in the raw folder."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEEDS[:4]:
        shutil.copy2(seed, raw / seed.name)
    warehouse = tmp_path / "warehouse" / "xxgk.duckdb"
    assert run_pipeline(raw, warehouse, progress=False).loaded == 4
    shutil.copy2(SEEDS[4], raw / SEEDS[4].name)
    return raw, warehouse


@pytest.mark.parametrize("stage", ["copied", "applied", "checkpointed"])
def test_sigkill_before_the_rename_leaves_the_old_warehouse(published: tuple[Path, Path], stage: str) -> None:
    raw, warehouse = published
    before_bytes, before = warehouse.read_bytes(), snapshot(warehouse)
    proc = start_run(raw, warehouse, **{PAUSE_ENV: stage})
    marker = wait_for("*.building-*.paused", warehouse.parent, proc)
    assert marker.read_text().split()[0] == stage
    kill(proc)

    assert warehouse.read_bytes() == before_bytes  # not one byte of the old file changed
    assert snapshot(warehouse) == before
    assert list(warehouse.parent.glob("*.building-*"))  # the dead run's build file is still there…

    summary = run_pipeline(raw, warehouse, progress=False)  # …until the next run, which completes
    assert summary.success and summary.loaded == 1 and summary.unchanged == 4
    assert not list(warehouse.parent.glob("*.building-*"))
    assert snapshot(warehouse)["reports"] != before["reports"]


def test_sigkill_right_after_the_rename_leaves_the_new_warehouse_whole(published: tuple[Path, Path]) -> None:
    raw, warehouse = published
    before = snapshot(warehouse)
    proc = start_run(raw, warehouse, **{PAUSE_ENV: "replaced"})
    wait_for(f"{warehouse.name}.paused", warehouse.parent, proc)
    kill(proc)
    after = snapshot(warehouse)
    assert len(after["reports"]) == len(before["reports"]) + 1
    again = run_pipeline(raw, warehouse, progress=False)  # the new ledger was published with it
    assert again.loaded == 0 and again.unchanged == 5


@pytest.mark.parametrize("delay", [0.5, 2.0, 4.0])
def test_sigkill_at_any_time_leaves_a_whole_warehouse(published: tuple[Path, Path], delay: float) -> None:
    """Timed kills land during start-up, planning, parsing or publishing; the file is always whole."""
    raw, warehouse = published
    before = snapshot(warehouse)
    proc = start_run(raw, warehouse)
    time.sleep(delay)
    kill(proc)
    after = snapshot(warehouse)
    assert after == before or len(after["reports"]) == len(before["reports"]) + 1
    summary = run_pipeline(raw, warehouse, progress=False)
    assert summary.success and len(snapshot(warehouse)["reports"]) == len(before["reports"]) + 1


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
    sys.stdin.readline()
    print(con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
    print(con.execute("SELECT count(*) FROM current_reports").fetchone()[0], flush=True)
""")


def test_a_run_succeeds_while_an_analyst_holds_the_warehouse_open(published: tuple[Path, Path]) -> None:
    raw, warehouse = published
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "4"
        summary = run_pipeline(raw, warehouse, progress=False)
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert summary.success and summary.loaded == 1
    assert reader.returncode == 0, err
    assert out.split() == ["4", "4"]  # the analyst's session keeps its (old) warehouse, whole
    assert len(snapshot(warehouse)["reports"]) == 5  # a new session sees the new one

"""run_in_group: an outside program and every helper it starts end with the call."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipeline.process_group import run_in_group


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] if Path(f"/proc/{pid}").exists() else "X"
    return state != "Z"  # a zombie waiting for its parent is ended already


def _wait_gone(pid: int, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_output_and_exit_code_are_returned() -> None:
    code, out, err = run_in_group(["sh", "-c", "echo made; echo said >&2; exit 3"], 10, "sh")
    assert (code, out.strip(), err.strip()) == (3, b"made", b"said")


def test_a_helper_that_outlives_the_program_is_ended(tmp_path: Path) -> None:
    """Chromium leaves its zygote behind: the whole group is ended after a normal exit too."""
    pidfile = tmp_path / "helper.pid"
    code, _, _ = run_in_group(["sh", "-c", f"sleep 60 >/dev/null 2>&1 & echo $! > {pidfile}; exit 0"], 10, "sh")
    assert code == 0
    assert _wait_gone(int(pidfile.read_text()))


def test_time_out_ends_the_whole_group_and_says_what(tmp_path: Path) -> None:
    pidfile = tmp_path / "helper.pid"
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="LibreOffice converting it did not finish within 1 s"):
        run_in_group(["sh", "-c", f"sleep 60 >/dev/null 2>&1 & echo $! > {pidfile}; sleep 60"], 1, "LibreOffice converting it")
    assert time.monotonic() - started < 10
    assert _wait_gone(int(pidfile.read_text()))

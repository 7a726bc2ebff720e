"""Run an outside program (LibreOffice, Chromium) in its own process group, with a time limit.

Both programs start helper processes of their own; killing only the one we started on a
time-out leaves them running, orphaned, holding CPU and temporary profiles. Started in a
new session, the whole group is ended: on time-out, and after a normal exit too (Chromium's
zygote and renderers can outlive the browser).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence


def run_in_group(cmd: Sequence[str], timeout: float, what: str, *,
                 env: Mapping[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """``cmd``'s exit code, stdout and stderr; ``RuntimeError("<what> did not finish within N s")``
    when it runs past ``timeout`` seconds (its process group is then killed)."""
    proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=None if env is None else dict(env))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.communicate()
        raise RuntimeError(f"{what} did not finish within {timeout:.0f} s") from None
    finally:
        _kill_group(proc.pid)
    return proc.returncode, out, err


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:  # the group is gone already
        pass

"""No network, ever: ``xxgk run`` and every process it starts contact no other machine.

Checked from outside, under ``strace -f``: every ``connect``/``sendto``/``sendmsg``/
``sendmmsg`` of the run and of every child it forks (reader workers, LibreOffice) is
recorded, and any address that is not this machine's (loopback) fails the test. A
Python audit hook would not do: the ONNX Runtime telemetry that used to look up its host
(see ``pipeline.offline``) calls the C library's resolver, which no hook sees.

That telemetry starts some nine seconds after ONNX Runtime is loaded, longer than a small
run lasts, so one check keeps the run's process alive for ``LINGER`` seconds after the run,
as a run over many files would be: in-process reading (``--workers 0``) loads the OCR
engine for the scan into the run's own process. The other check is the plain command with
its worker processes, as a scheduler starts it.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from system import missing

from pipeline.samples.bad_files import _png_blank

ROOT = Path(__file__).resolve().parents[1]
XXGK = Path(sys.executable).with_name("xxgk")
LINGER = 12  # seconds: ONNX Runtime's telemetry looked its host up ~9 s after loading
CALLS = "connect,sendto,sendmsg,sendmmsg"
_ADDRESS = re.compile(r'sa_family=AF_INET6?,[^}]*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')


def _strace() -> str:
    """The strace binary, or skip with the reason (it needs ptrace, which some sandboxes forbid)."""
    exe = shutil.which("strace")
    if exe is None:
        pytest.skip(missing("strace"))
    probe = subprocess.run([exe, "-f", "-qq", "-o", "/dev/null", "true"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here (ptrace not permitted?): {probe.stderr.strip()[:200]}")
    return exe


def remote_addresses(trace: str) -> list[str]:
    """Every address in a trace of network calls that is not this machine's (loopback or unspecified)."""
    out = []
    for m in _ADDRESS.finditer(trace):
        text = m.group(1) or m.group(2)
        address = ipaddress.ip_address(text)
        if not (address.is_loopback or address.is_unspecified):
            out.append(text)
    return out


def _raw_folder(tmp_path: Path) -> Path:
    """A text report, a PDF report and a blank scan (which loads the OCR engine, ONNX Runtime)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    samples = sorted((ROOT / "data" / "raw").glob("*.pdf"))[:1] + sorted((ROOT / "data" / "raw").glob("*.txt"))[:1]
    for src in samples:
        shutil.copy(src, raw / src.name)
    (raw / "scan.png").write_bytes(_png_blank(600, 800))
    return raw


def _traced(tmp_path: Path, argv: list[str], name: str) -> tuple[subprocess.CompletedProcess, str]:
    log = tmp_path / f"{name}.strace"
    done = subprocess.run([_strace(), "-f", "-qq", "-e", f"trace={CALLS}", "-o", str(log), *argv],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    return done, log.read_text(errors="replace")


def test_remote_addresses_are_found_in_a_trace() -> None:
    """The trace reader itself: a DNS query to a resolver is remote, loopback and unix sockets are not."""
    trace = "\n".join([
        '51 connect(8, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
        '52 sendto(9, "x", 1, 0, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 1',
        '53 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '54 connect(4, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
    ])
    assert remote_addresses(trace) == ["10.255.255.53", "2001:db8::1"]


@pytest.mark.slow  # xxgk run end to end under strace: full suite only
def test_run_and_its_workers_contact_no_other_machine(tmp_path: Path) -> None:
    raw = _raw_folder(tmp_path)
    done, trace = _traced(tmp_path, [str(XXGK), "run", "--raw", str(raw), "--warehouse", str(tmp_path / "w.duckdb")],
                          "workers")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert remote_addresses(trace) == [], trace[-3000:]


@pytest.mark.slow  # xxgk run end to end under strace: full suite only
def test_a_long_run_contacts_no_other_machine(tmp_path: Path) -> None:
    """In-process reading loads PyMuPDF and the OCR engine into the run's process, which then lives on."""
    raw = _raw_folder(tmp_path)
    code = ("import sys, time\n"
            "from pipeline.cli import main\n"
            f"rc = main(['run', '--raw', {str(raw)!r}, '--warehouse', {str(tmp_path / 'w.duckdb')!r}, '--workers', '0'])\n"
            f"time.sleep({LINGER})\n"
            "sys.exit(rc)\n")
    done, trace = _traced(tmp_path, [sys.executable, "-c", code], "linger")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert remote_addresses(trace) == [], trace[-3000:]


def test_a_child_inherits_the_telemetry_switch() -> None:
    """LibreOffice and any other child of a run get the switch through the environment."""
    import os

    import pipeline  # noqa: F401  (seals on import)

    assert os.environ.get("ORT_DISABLE_TELEMETRY") == "1"
    assert sys.modules.get("pymupdf4llm") is None  # not loaded (PyMuPDF's import skips it)

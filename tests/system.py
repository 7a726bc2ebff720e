"""The system packages some tests need, and the one sentence their skips say.

pip cannot install LibreOffice, Chromium or strace; without them the tests that use them
skip. The README ("Tests") gives the same command, and ``.ci/run`` installs the same
packages: ``tests/test_readme.py`` keeps the three in step.
"""

from __future__ import annotations

# Debian/Ubuntu package → what needs it
SYSTEM_PACKAGES: dict[str, str] = {
    "libreoffice-writer-nogui": "the .doc/.wps reader and the LibreOffice-PDF layouts",
    "fonts-wqy-zenhei": "Chinese glyphs in LibreOffice's PDFs and in Chromium's screenshots",
    "chromium": "the HTML report and Dagster UI screenshots, and the browser-printed PDF layout",
    "fonts-liberation": "Chromium's Latin text",
    "strace": "the no-network test (watches xxgk run's system calls)",
}
INSTALL = "sudo apt-get install --no-install-recommends " + " ".join(SYSTEM_PACKAGES)


def missing(tool: str) -> str:
    """The skip reason for a test that needs ``tool``: what is missing and how to install it."""
    return f"{tool} is not installed (a system package pip cannot install): {INSTALL} — see README, 'Tests'"


def needs_program(present: bool, tool: str):
    """Decorator for a test that runs a system program: skipped (saying how to install it) when
    the program is absent, and marked ``slow`` — it goes through another program end to end,
    so it belongs to the full suite, and the default suite needs no system package at all."""
    import pytest

    def apply(test):
        return pytest.mark.slow(pytest.mark.skipif(not present, reason=missing(tool))(test))

    return apply

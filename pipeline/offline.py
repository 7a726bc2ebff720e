"""No network, ever: switch off what phones home in the libraries the readers load.

The pipeline reads local files and writes a local warehouse; nothing it does needs a
socket to another machine, and a nightly run on a government network must not look up or
contact any host. Two libraries would, left alone:

- **ONNX Runtime** (the OCR engine's runtime) starts a telemetry client when it is
  imported; a few seconds later it resolves its telemetry host (DNS look-ups on every
  ``xxgk run``), and ``onnxruntime.disable_telemetry_events()`` does not stop that client.
  Only the ``ORT_DISABLE_TELEMETRY`` environment variable, read when the library loads, does.
- **PyMuPDF 2.0** imports ``pymupdf4llm`` (and through it ONNX Runtime) and its layout
  model ``pymupdf.layout`` from its own ``__init__``, for features this pipeline never uses
  (markdown export, layout analysis). Marking both as absent in ``sys.modules`` makes
  PyMuPDF skip them: no ONNX Runtime in a process that reads only PDFs, and a faster,
  smaller import (the layout model alone costs 1 s and 225 MB).

``seal()`` does both. It runs when the ``pipeline`` package is imported, so before any
reader, the Dagster definitions or the CLI can import PyMuPDF or ONNX Runtime, and forked
or spawned reader workers inherit it (the environment variable reaches LibreOffice and
any other child too). ``tests/test_no_network.py`` runs ``xxgk run`` under ``strace -f``
and fails on any connect/sendto to an address that is not this machine's.
"""

from __future__ import annotations

import os
import sys

TELEMETRY_OFF = {"ORT_DISABLE_TELEMETRY": "1"}
"""Environment switches that turn a library's telemetry off; set before the library loads."""

NOT_LOADED = ("pymupdf.layout", "pymupdf4llm")
"""Optional PyMuPDF companions that load ONNX Runtime and models the pipeline never uses."""


def seal() -> None:
    """Turn telemetry off and keep PyMuPDF's ONNX companions unloaded (idempotent).

    The variables are forced, not defaulted: an inherited ``ORT_DISABLE_TELEMETRY=0`` must
    not switch the look-ups back on. A companion module someone already imported on purpose
    stays (``setdefault``); the pipeline itself never does.
    """
    os.environ.update(TELEMETRY_OFF)
    for name in NOT_LOADED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "import fails"


__all__ = ["NOT_LOADED", "TELEMETRY_OFF", "seal"]

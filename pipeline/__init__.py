"""xxgk: government information disclosure annual reports into a DuckDB warehouse.

Layers, each in its own package:
- ``pipeline.readers``: turn a file (txt/md/pdf, later html/docx/images) into a ``Document``.
- ``pipeline.parsing``: turn a ``Document`` into a report record, driven by the national template.
- ``pipeline.validation``: flatten records into polars frames and validate them with pandera.
- ``pipeline.warehouse``: publish validated frames into a DuckDB file, atomically.
- ``pipeline.defs``: the Dagster assets, checks, schedule and sensor that orchestrate the above.
- ``pipeline.offline``: what keeps the libraries from opening any network connection.
"""

from pipeline.offline import seal as _seal

_seal()  # no network, ever: before anything below can import PyMuPDF or ONNX Runtime (see pipeline.offline)

PARSER_VERSION = "8"
"""Bump when parsing output may change: every file is re-read once on the next run."""

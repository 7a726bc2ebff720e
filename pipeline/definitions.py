"""The Dagster code location: everything under ``pipeline/defs``.

``dg dev`` / ``dg check defs`` find this through ``[tool.dg]`` in pyproject.toml; ``xxgk run``
and the tests import ``defs`` from here. The path points the loader at this project's
pyproject.toml, whatever the working directory.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

defs = dg.load_from_defs_folder(path_within_project=Path(__file__).resolve().parent)

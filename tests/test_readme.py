"""The README's commands and example queries stay true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_example_query() -> None:
    """The queries themselves are in docs/warehouse.md, verbatim (tests/test_warehouse_doc.py)."""
    examples = sorted((ROOT / "sql" / "examples").glob("*.sql"))
    assert examples and "docs/warehouse.md" in README
    for path in examples:
        assert f"`sql/examples/{path.name}`" in README, path.name


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    test_cmd = blocks[1].strip()
    assert test_cmd == ".venv/bin/python -m pytest"
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()

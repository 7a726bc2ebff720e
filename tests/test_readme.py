"""The README's commands and example queries stay true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_every_example_query_verbatim() -> None:
    examples = sorted((ROOT / "sql" / "examples").glob("*.sql"))
    assert len(examples) == 5
    for path in examples:
        assert path.read_text(encoding="utf-8").strip() in README, path.name


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    test_cmd = blocks[1].strip()
    assert test_cmd == ".venv/bin/python -m pytest"
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()

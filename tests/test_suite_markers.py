"""The default suite needs no system program: a test that drives LibreOffice, Chromium or
strace is marked ``slow`` (tests/system.needs_program, or ``@pytest.mark.slow``), so it runs
in the full suite only, and says how to install what it needs when that is missing.

Read from the source (ast), so a new test that starts a browser is caught even on a machine
where the browser is absent and the test would only have skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# calls that start one of the system programs (helpers of the test modules included)
PROGRAM_CALLS = {"_browse", "_chromium", "soffice", "strace_run", "_strace", "libreoffice_pdfs", "browser_pdfs"}


def _is_slow(decorators: list[ast.expr], module_slow: bool) -> bool:
    text = " ".join(ast.unparse(d) for d in decorators)
    return module_slow or "mark.slow" in text or "needs_soffice" in text or "needs_program" in text


def _uses_program(func: ast.FunctionDef) -> set[str]:
    names = {a.arg for a in func.args.args}
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return names & PROGRAM_CALLS


def test_tests_that_run_system_programs_are_slow() -> None:
    unmarked = []
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_slow = any(
            isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in n.targets)
            and "slow" in ast.unparse(n.value)
            for n in tree.body
        )
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                used = _uses_program(node)
                if used and not _is_slow(node.decorator_list, module_slow):
                    unmarked.append(f"{path.name}::{node.name} ({', '.join(sorted(used))})")
    assert unmarked == []

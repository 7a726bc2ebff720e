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


def _bash_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", README, re.S)]


def test_ci_runs_the_readme_full_suite_and_the_default_is_the_fast_one() -> None:
    """Two test commands: the fast default and the full suite, which .ci/run runs exactly."""

    blocks = _bash_blocks()
    fast, full = ".venv/bin/python -m pytest", '.venv/bin/python -m pytest -m "slow or not slow"'
    assert fast in blocks and full in blocks
    assert full in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    # what each command selects: the default leaves the slow tests out, the full one has them all,
    # and naming a file runs all of its tests
    def selected(*args: str) -> set[str]:
        import subprocess
        import sys

        done = subprocess.run([sys.executable, "-m", "pytest", "--co", "-p", "no:cacheprovider", *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
        return {line for line in done.stdout.splitlines() if "::" in line}

    default = selected()
    named = selected("tests/test_pipeline_integration.py")  # a module marked slow as a whole
    assert default and named and not named & default
    assert any("test_cli.py::test_run_refuses_bad_arguments" in t for t in default)
    assert not any("test_cli.py::test_run_summary_is_one_clean_table" in t for t in default)  # marked slow
    # and the README says how long each took
    for command in (fast, full):
        at = README.index(command)
        assert re.search(r"\d+ min", README[at : at + 700]), command


def test_readme_and_ci_install_the_system_packages_the_skips_name() -> None:
    from system import INSTALL, SYSTEM_PACKAGES, missing

    assert INSTALL in README
    # said before the test commands
    assert README.index(INSTALL) < README.index(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in SYSTEM_PACKAGES:
        assert re.search(rf"apt-get install[^\n]*\b{re.escape(package)}\b", ci), package
    assert INSTALL in missing("chromium")


def test_the_test_extra_pulls_no_cluster_dependency() -> None:
    """`pip install -e '.[test]'` on a laptop must not bring the Kubernetes client."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    cluster_words = ("dagster-k8s", "kubernetes", "google-auth", "cryptography", "xxgk[cluster]")
    for name, deps in extras.items():
        if name != "cluster":
            assert not [d for d in deps if d.lower().startswith(cluster_words)], name
    assert any(d.startswith("dagster-k8s") for d in extras["cluster"])


def _section(title_start: str) -> str:
    match = re.search(rf"^## {re.escape(title_start)}.*?(?=^## )", README, re.S | re.M)
    assert match, f"README has no '## {title_start}…' section"
    return match.group(0)


def test_walkthrough_for_your_own_reports(tmp_path: Path) -> None:
    """"Put your own reports in data/raw/, then …": the steps are there, in order, and the
    query it shows runs as written with only what pip installed (no duckdb CLI)."""
    import subprocess
    import sys

    from factories import make_record
    from test_warehouse import build

    text = _section("Your own reports")
    steps = ["data/raw/", "xxgk run", "xxgk parse", "report.html", "xxgk export --format xlsx"]
    positions = [text.find(s) for s in steps]
    assert -1 not in positions and positions == sorted(positions), dict(zip(steps, positions, strict=True))
    # the Python way comes first; the duckdb shell is said to be a separate install
    assert text.find(".venv/bin/python -c") < text.find("duckdb -readonly")
    assert "pip does not install" in text
    (command,) = [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "import duckdb" in b]
    build(tmp_path / "data" / "warehouse" / "xxgk.duckdb", [make_record("米易县甲镇人民政府", 2024, town="甲镇")])
    code = re.fullmatch(r'\.venv/bin/python -c "(.*)"', command, re.S)
    assert code, command
    out = subprocess.run([sys.executable, "-c", code.group(1)], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, check=True).stdout  # fmt: skip
    assert "米易县甲镇人民政府" in out and "new_requests_derived" in out


def test_the_warehouse_is_opened_with_python_first() -> None:
    """The duckdb shell is not installed by pip: every place that suggests it shows Python first."""
    for doc in (README, (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")):
        for match in re.finditer(r"duckdb -readonly", doc):
            before = doc[: match.start()]
            assert "duckdb.connect(" in before[-1500:], doc[max(0, match.start() - 200) : match.start() + 50]
            assert "pip does not install" in doc[max(0, match.start() - 1500) : match.start() + 600]

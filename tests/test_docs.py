"""docs/ stands alone and stays true: the record shape, the template keys and the warehouse
contract live in the repo (a fresh clone has no ../shared/spec), and each matches the code.

The checks are generic: a field added to the record, a column added to a contract table or a
relation named in the contract is caught without editing this file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from factories import two_year_corpus
from test_warehouse import build, query

from pipeline.parsing import parse_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RECORD_DOC = (DOCS / "report-record.md").read_text(encoding="utf-8")
CONTRACT_DOC = (DOCS / "warehouse-contract.md").read_text(encoding="utf-8")
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def test_no_tracked_file_points_outside_the_repo_for_the_spec() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    offenders = []
    for name in tracked.splitlines():
        path = ROOT / name
        if name.startswith("tests/data/") or name == "tests/test_docs.py" or path.suffix not in {".md", ".py", ".toml", ".sql", ".yaml", ".csv", ""}:
            continue
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"\.\./shared/spec|shared/spec/(REPORT_RECORD|WAREHOUSE|TEMPLATE_KEYS)", text):
            offenders.append(name)
    assert offenders == [], "point at docs/ instead"


def test_template_keys_in_docs_are_the_ones_the_parser_reads() -> None:
    assert (DOCS / "template-keys.csv").read_bytes() == (ROOT / "pipeline" / "template" / "template_keys.csv").read_bytes()


def _documented(name: str) -> bool:
    return f"`{name}`" in RECORD_DOC or f'"{name}"' in RECORD_DOC


@pytest.mark.parametrize("seed", [SEEDS[0], SEEDS[0].with_suffix(".pdf"), None], ids=["txt", "pdf", "blanks"])
def test_every_field_of_a_record_is_documented(seed: Path | None, tmp_path: Path) -> None:
    record = parse_file(seed) if seed else _with_blanks(tmp_path)
    assert record["status"] == "ok" and (seed or record["issues"])
    undocumented = [k for k in record if not _documented(k)]
    undocumented += [f"source.{k}" for k in record["source"] if not _documented(k) and not _documented(f"source.{k}")]
    for part in ("checks", "issues"):
        for entry in record[part]:
            undocumented += [f"{part}[].{k}" for k in entry if not _documented(k)]
    assert sorted(set(undocumented)) == [], "docs/report-record.md does not say what these are"


def _with_blanks(tmp_path: Path) -> dict:
    """A generated report with blank cells, so the record has issues and derived cells."""
    import random

    from pipeline.samples.generate import random_record
    from pipeline.samples.render_text import render_text

    rec = random_record(random.Random(3), template="2021", large=False)
    rec["requests"]["new_received"]["total"] = None
    path = tmp_path / "r.txt"
    path.write_text(render_text(rec, "tab"), encoding="utf-8")
    return parse_file(path)


def test_the_documented_shape_is_what_the_parser_writes(tmp_path: Path) -> None:
    """Each key of the JSON shape in the doc is in a real record, with every key of the template."""
    import json

    shape = re.search(r"```json\n(.*?)```", RECORD_DOC, re.S).group(1)
    keys = set(re.findall(r'"([a-z_0-9]+)":', shape))
    record = [parse_file(SEEDS[0]), _with_blanks(tmp_path)]
    seen: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                seen.add(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(json.dumps(record, default=str)))
    assert sorted(keys - seen) == []
    from pipeline import template as tpl

    for table in ("article20", "requests", "review_litigation"):
        for template in tpl.TEMPLATES:
            for row in tpl.rows(table, template):
                assert f"`{row}`" in RECORD_DOC, (table, row)
                for col in tpl.columns(table, template, row):
                    assert f"`{col}`" in RECORD_DOC, (table, row, col)


def _contract() -> dict[str, list[str]]:
    """relation → the columns the contract says it must hold (backticked names in its table rows)."""
    out = {}
    for name, columns in re.findall(r"^\| `([a-z_0-9]+)` \| [^|]* \| (.*) \|$", CONTRACT_DOC, re.M):
        out[name] = re.findall(r"`([a-z_0-9]+)`", columns)
    return out


def test_the_contract_is_parsed_whole() -> None:
    contract = _contract()
    assert {"agencies", "reports", "request_cells", "ingest_log", "yoy_requests", "report_panel"} <= set(contract)
    assert all(contract.values()), contract


def test_the_warehouse_holds_every_relation_and_column_of_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "xxgk.duckdb"
    build(path, two_year_corpus())
    columns = query(path, "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'")
    have: dict[str, set[str]] = {}
    for name, column in columns.iter_rows():
        have.setdefault(name, set()).add(column)
    missing = {name: sorted(set(cols) - have.get(name, set())) for name, cols in _contract().items()}
    assert {k: v for k, v in missing.items() if v or k not in have} == {}

"""The whole asset graph, materialized in-process into a temp warehouse (as ``xxgk run`` does)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import parsing
from pipeline.cli import main
from pipeline.run import RunSummary, run_pipeline
from pipeline.warehouse.readonly import open_read_only

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

TABLES = {
    "agencies", "reports", "request_cells", "article20_cells", "review_litigation_cells",
    "active_disclosure", "check_results", "ingest_log", "dictionary",
}  # fmt: skip
VIEWS = {"yoy_requests", "yoy_active_disclosure", "carryover_mismatches", "report_panel"}


def _raw_files(raw: Path) -> list[Path]:
    return [p for p in raw.rglob("*") if p.is_file() and not p.name.startswith(".")]


def _distinct_files(raw: Path) -> set[str]:
    """Content hashes of the raw files: the number of distinct reports when all are reports."""
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in _raw_files(raw)}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, RunSummary]]:
    """One pipeline run over a copy of data/raw, shared by the tests that only read its result."""
    tmp = tmp_path_factory.mktemp("pipeline")
    raw = tmp / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp / "warehouse" / "xxgk.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DAGSTER_HOME", raising=False)  # an ephemeral instance: nothing written to the repo
        summary = run_pipeline(raw, warehouse, progress=False)
    yield raw, warehouse, summary


def test_first_run_loads_every_seed(first_run: tuple[Path, Path, RunSummary]) -> None:
    raw, warehouse, summary = first_run
    assert summary.success
    assert summary.files_seen == len(_raw_files(raw))
    assert summary.loaded == len(_distinct_files(raw))  # every seed (txt and pdf) is a report
    assert summary.quarantined == [] and summary.duplicate == 0 and summary.unchanged == 0
    assert warehouse.exists()


def test_warehouse_contract(first_run: tuple[Path, Path, RunSummary]) -> None:
    raw, warehouse, summary = first_run
    with open_read_only(warehouse) as con:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
            ).fetchall()
        }
        views = {
            r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()
        }
        assert TABLES <= tables, TABLES - tables
        assert VIEWS <= views, VIEWS - views
        n_reports = con.execute("select count(*) from reports").fetchone()[0]
        assert n_reports == len(_distinct_files(raw))
        log = con.execute("select run_id, outcome, count(*) from ingest_log group by all").fetchall()
        assert log == [(summary.run_id, "loaded", n_reports)]


def test_example_queries_run(first_run: tuple[Path, Path, RunSummary]) -> None:
    examples = sorted((ROOT / "sql" / "examples").glob("*.sql"))
    if not examples:
        pytest.skip("no sql/examples/*.sql yet")
    _, warehouse, _ = first_run
    with open_read_only(warehouse) as con:
        for path in examples:
            try:
                con.execute(path.read_text(encoding="utf-8")).fetchall()
            except Exception as exc:  # name the file that failed
                pytest.fail(f"{path.name}: {exc}")


def test_duplicates_junk_and_hidden_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    seed = sorted(raw.glob("*.txt"))[0]
    (raw / "copies").mkdir()
    shutil.copy(seed, raw / "copies" / "same.txt")
    (raw / "notes.txt").write_text("会议纪要：今天讨论了食堂菜单。", encoding="utf-8")
    (raw / "broken.pdf").write_bytes(b"")
    (raw / ".hidden.txt").write_text("not seen", encoding="utf-8")
    warehouse = tmp_path / "xxgk.duckdb"
    summary = run_pipeline(raw, warehouse, progress=False)

    outcomes = dict(summary.files.select("path", "outcome").iter_rows())
    assert not any(".hidden" in p for p in outcomes)
    assert outcomes[str(raw / "copies" / "same.txt")] == "duplicate"
    assert outcomes[str(seed)] == "loaded"
    quarantined = dict(summary.quarantined)
    assert quarantined[str(raw / "notes.txt")].startswith("not_a_report")
    assert quarantined[str(raw / "broken.pdf")].startswith("unreadable")
    with open_read_only(warehouse) as con:
        n_reports = con.execute("select count(*) from reports").fetchone()[0]
        logged = con.execute("select count(*) from ingest_log").fetchone()[0]
    assert n_reports == len(_distinct_files(RAW))  # the copy is one report, junk is none
    assert logged == summary.files_seen  # every path, the duplicate's too, is in the log


def test_checks_fail_on_bad_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Format-rule checks warn and the schema check errors, without failing the run."""
    from factories import two_year_corpus

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    corpus = two_year_corpus()
    bad = dict(corpus[0])
    bad["requests"] = {
        **corpus[0]["requests"],
        "granted": {**corpus[0]["requests"]["granted"], "natural_person": -1},
    }
    corpus.append(bad)
    raw = tmp_path / "raw"
    raw.mkdir()
    by_path: dict[str, dict] = {}
    for i, record in enumerate(corpus):
        path = raw / f"{i:02d}.txt"
        path.write_text(f"report {i}", encoding="utf-8")
        by_path[str(path)] = record

    def fake_parse(path: Path, sha256: str | None = None, **_: object) -> dict:
        record = dict(by_path[str(path)])
        record["source"] = {**record["source"], "path": str(path), "sha256": sha256}
        record["report_id"] = sha256[:16] if sha256 else None
        return record

    monkeypatch.setattr(parsing.parser, "parse_file", fake_parse)
    # workers=0: the stand-in parser is patched into this process, reader processes would not see it
    summary = run_pipeline(raw, tmp_path / "xxgk.duckdb", progress=False, workers=0)
    failed = {c.name: c.severity for c in summary.checks_failed}
    assert failed.get("requests_balance") == "WARN"  # 米易县教育局's carried_forward
    assert failed.get("cross_year_carryover") == "WARN"  # 丙谷镇 2023 → 2024
    assert failed.get("schema_validation") == "ERROR"  # the negative cell
    assert "review_litigation_totals" not in failed
    quarantined = dict(summary.quarantined)
    assert list(quarantined) == [str(raw / f"{len(corpus) - 1:02d}.txt")]
    assert next(iter(quarantined.values())).startswith("invalid:")


def test_cli_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    warehouse = tmp_path / "xxgk.duckdb"
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse), "--no-progress"]) == 0
    out = capsys.readouterr().out
    for word in ("seen", "loaded", "unchanged", "duplicate", "quarantined", "format checks", "not evaluable"):
        assert word in out
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    assert "loaded" in capsys.readouterr().out


def test_missing_raw_dir_fails_without_touching_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --raw must not publish an empty warehouse over a good one."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    warehouse = tmp_path / "xxgk.duckdb"
    warehouse.write_bytes(b"previous warehouse")
    assert main(["run", "--raw", str(tmp_path / "nope"), "--warehouse", str(warehouse), "--no-progress"]) == 1
    assert "no such folder" in capsys.readouterr().err
    assert warehouse.read_bytes() == b"previous warehouse"


def test_validation_falls_back_when_validating_alongside_fails(
    first_run: tuple[Path, Path, RunSummary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are validated while they are read (a thread beside the reader pool); if that
    fails, validated_frames validates the staged records itself and the warehouse is the same."""
    import threading

    from pipeline.validation import staged

    raw, warehouse, _ = first_run
    real_add = staged.StagedValidator.add
    failed: list[str] = []

    def add(self: staged.StagedValidator, chunk: Path) -> None:
        if threading.current_thread().name == "xxgk-validate":
            failed.append(chunk.name)
            raise RuntimeError("a bug in the thread")
        real_add(self, chunk)

    monkeypatch.setattr(staged.StagedValidator, "add", add)
    other = tmp_path / "wh" / "xxgk.duckdb"
    summary = run_pipeline(raw, other, progress=False)
    assert failed and summary.success and summary.loaded == len(_distinct_files(raw))
    counts = "select (select count(*) from reports), (select count(*) from request_cells), " \
             "(select count(*) from article20_cells), (select sum(value) from request_cells)"  # fmt: skip
    with open_read_only(warehouse) as a, open_read_only(other) as b:
        assert a.execute(counts).fetchone() == b.execute(counts).fetchone()

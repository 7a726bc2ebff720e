"""``xxgk parse`` and ``xxgk status``: the shapes analysts and scripts rely on."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))

RECORD_KEYS = {
    "source", "status", "template", "year", "agency", "region", "published_on",
    "active_disclosure", "article20", "requests", "review_litigation", "checks", "issues",
}  # fmt: skip


def test_parse_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert SEEDS, "data/raw has no seed files"
    assert main(["parse", "--json", *map(str, SEEDS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(SEEDS)
    for seed, line in zip(SEEDS, lines, strict=True):
        record = json.loads(line)
        assert RECORD_KEYS <= record.keys(), RECORD_KEYS - record.keys()
        assert record["source"]["path"] == str(seed)
        assert set(record["source"]) >= {"path", "sha256", "format"}
        assert record["status"] in {"ok", "incomplete", "not_a_report", "unreadable"}
        assert set(record["region"]) >= {"province", "city", "county", "town"}
    # ensure_ascii=False: Chinese stays readable in the output
    assert "人民政府" in "\n".join(lines)


def test_parse_bad_file_is_a_record_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("今天天气很好。", encoding="utf-8")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert main(["parse", "--json", str(junk), str(empty)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in records] == ["not_a_report", "unreadable"]
    assert all(r["issues"] for r in records)


def test_parse_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEEDS[0])]) == 0
    out = capsys.readouterr().out
    assert "米易县丙谷镇人民政府" in out
    # the three tables with the template's Chinese labels
    for label in ("规章", "自然人", "行政复议", "结果维持"):
        assert label in out


def test_parse_does_not_import_dagster() -> None:
    """``xxgk parse`` must stay quick: Dagster is only for ``xxgk run``."""
    code = (
        "import sys; from pipeline.cli import main; "
        f"main(['parse', '--json', {str(SEEDS[0])!r}]); "
        "sys.exit(1 if any(m == 'dagster' or m.startswith('dagster.') for m in sys.modules) else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _warehouse_with_log(path: Path) -> None:
    """A real (empty) warehouse published by the warehouse layer, with two runs in its ingest_log."""
    from pipeline.warehouse.publish import publish

    t0 = dt.datetime(2025, 1, 1, 2, 0, tzinfo=dt.UTC)

    def log(run_id: str, at: dt.datetime, rows: list[tuple[str, str, str | None]]) -> pl.DataFrame:
        return pl.DataFrame(
            [{"path": p, "sha256": f"{i:064x}", "run_id": run_id, "outcome": o, "reason": r, "at": at}
             for i, (p, o, r) in enumerate(rows)],
            schema={"path": pl.String, "sha256": pl.String, "run_id": pl.String, "outcome": pl.String,
                    "reason": pl.String, "at": pl.Datetime("us", "UTC")},
            orient="row",
        )  # fmt: skip

    from pipeline.warehouse.publish import Delta

    publish(
        Delta(ingest_log=log("run-one", t0, [("data/raw/a.txt", "loaded", None), ("data/raw/b.pdf", "loaded", None)]),
              run_id="run-one", full=True),
        path,
    )
    publish(
        Delta(ingest_log=log("run-two", t0 + dt.timedelta(days=1), [
            ("data/raw/a.txt", "unchanged", None),
            ("data/raw/b.pdf", "quarantined", "unreadable: encrypted PDF"),
            ("data/raw/copy/a.txt", "duplicate", "same content as data/raw/a.txt"),
        ]), run_id="run-two", base_run_id="run-one"),
        path,
    )  # fmt: skip


def test_status_reports_last_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warehouse = tmp_path / "xxgk.duckdb"
    _warehouse_with_log(warehouse)
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "run-two" in out and "run-one" not in out
    assert "2 run(s) logged" in out
    for word in ("unchanged", "quarantined", "duplicate", "data/raw/b.pdf", "encrypted PDF"):
        assert word in out


def test_status_without_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--warehouse", str(tmp_path / "missing.duckdb")]) == 1
    assert "xxgk run" in capsys.readouterr().err

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
    assert main(["parse", "--json", str(junk), str(empty)]) == 1  # the empty file could not be read
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in records] == ["not_a_report", "unreadable"]
    assert all(r["issues"] for r in records)


def test_parse_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEEDS[0])]) == 0
    out = capsys.readouterr().out
    assert "米易县丙谷镇人民政府" in out
    assert "表格覆盖 100%" in out  # the share of template cells read
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


# --- issue 12: the CLI as a user meets it ----------------------------------------------------

XXGK = Path(sys.executable).with_name("xxgk")


def _xxgk(*args: str, columns: int = 40, **kw) -> subprocess.CompletedProcess[str]:
    """The installed ``xxgk`` in a child process, as a user runs it, at a narrow ``COLUMNS``."""
    import os

    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run([str(XXGK), *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, **kw)


@pytest.mark.parametrize("command", ["status", "report", "export"])
def test_error_messages_are_one_line_whatever_the_width(tmp_path: Path, command: str) -> None:
    """rich used to hard-wrap "no warehouse at <path>: run xxgk run first" at the width."""
    missing = tmp_path / ("a-rather-long-folder-name-" * 3) / "xxgk.duckdb"
    extra = ["--format", "csv", "--out", str(tmp_path / "out")] if command == "export" else []
    done = _xxgk(command, "--warehouse", str(missing), *extra, columns=30)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"xxgk {command}: no warehouse at {missing}: run xxgk run first"]
    assert "Traceback" not in done.stderr


def _unreadable_inputs(tmp_path: Path) -> dict[str, Path]:
    import os

    folder = tmp_path / "a-folder"
    folder.mkdir()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    return {"missing": tmp_path / "missing.pdf", "folder": folder, "empty": empty, "fifo": fifo}


def test_parse_exits_non_zero_for_unreadable_inputs_and_still_prints_the_good_ones(tmp_path: Path) -> None:
    bad = _unreadable_inputs(tmp_path)
    done = _xxgk("parse", "--json", str(SEEDS[0]), *map(str, bad.values()), str(SEEDS[1]))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["source"]["path"] for r in records] == [str(SEEDS[0]), *map(str, bad.values()), str(SEEDS[1])]
    assert [r["status"] for r in records[:1] + records[-1:]] == ["ok", "ok"]
    by_path = {r["source"]["path"]: r for r in records}
    for kind, path in bad.items():
        record = by_path[str(path)]
        assert record["status"] == "unreadable", kind
        # no content was read (or there was none): no id made up of zeros
        assert not str(record["report_id"] or "").startswith("0000"), (kind, record["report_id"])
        if kind != "empty":
            assert record["report_id"] is None and record["source"]["sha256"] is None, kind
        line = [x for x in done.stderr.splitlines() if str(path) in x]
        assert line and line[0].startswith("xxgk parse: "), (kind, done.stderr)
    assert "no such file" in done.stderr.lower() and "directory" in done.stderr and "FIFO" in done.stderr
    assert "empty file" in done.stderr
    assert done.stderr.splitlines()[-1] == f"xxgk parse: {len(bad)} of {len(bad) + 2} file(s) could not be read"


def test_parse_all_good_exits_zero_and_not_a_report_is_not_a_failure(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("今天天气很好。", encoding="utf-8")
    done = _xxgk("parse", "--json", str(SEEDS[0]), str(junk))
    assert done.returncode == 0, done.stderr
    assert [json.loads(x)["status"] for x in done.stdout.splitlines()] == ["ok", "not_a_report"]


def test_parse_file_without_read_permission(tmp_path: Path) -> None:
    """A file the user may not read: a record and a one-line reason, not a traceback that
    aborts the other files. As root, run without the capability to bypass file permissions."""
    import os
    import shutil

    secret = tmp_path / "secret.txt"
    secret.write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    secret.chmod(0)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot drop the right to read any file")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    env = {**os.environ, "COLUMNS": "40"}
    done = subprocess.run([*prefix, str(XXGK), "parse", "--json", str(secret), str(SEEDS[1])],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    first, second = (json.loads(x) for x in done.stdout.splitlines())
    assert first["status"] == "unreadable" and first["report_id"] is None
    assert second["status"] == "ok"
    assert f"xxgk parse: {secret}: cannot be read (Permission denied)" in done.stderr.splitlines()


def test_parse_record_of_a_missing_file_invents_no_id(tmp_path: Path) -> None:
    from pipeline.parsing import parse_file

    record = parse_file(tmp_path / "nothing.pdf")
    assert record["status"] == "unreadable" and record["report_id"] is None
    assert record["source"]["sha256"] is None


def _printed(record: dict, width: int = 200) -> str:
    from rich.console import Console

    from pipeline.cli import print_record

    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    print_record(record, console)
    return console.export_text()


def test_parse_readable_rows_carry_their_own_labels() -> None:
    from pipeline import template as tpl
    from pipeline.cli import row_heading
    from pipeline.parsing import parse_file

    out = _printed(parse_file(SEEDS[0]), width=120)
    assert "（一）予以公开" in out and "（二）部分公开" in out
    # Every row of every template prints a label of its own within its group.
    for table in ("requests", "review_litigation"):
        for template in tpl.TEMPLATES:
            seen = [row_heading(tpl.label(table, template, r, tpl.columns(table, template, r)[0]).zh_row)
                    for r in tpl.rows(table, template)]  # fmt: skip
            assert len(set(seen)) == len(seen), (table, template)
            # the 20 columns the label gets (8 characters after the indent) tell the rows apart
            assert len({(g, leaf[:8]) for g, leaf in seen}) == len(seen), (table, template)


def test_parse_readable_marks_derived_cells_and_counts_not_evaluable_checks(tmp_path: Path) -> None:
    import random

    from pipeline.parsing import parse_file
    from pipeline.samples.generate import random_record
    from pipeline.samples.render_text import render_text

    rec = random_record(random.Random(7), template="2021", large=False)
    rec["requests"]["new_received"]["total"] = None  # a lost 总计: fixed by its row
    rec["review_litigation"]["review"]["upheld"] = None  # two blanks: nothing derivable
    rec["review_litigation"]["review"]["corrected"] = None
    path = tmp_path / "r.txt"
    path.write_text(render_text(rec, "tab"), encoding="utf-8")
    record = parse_file(path)
    assert "requests.new_received.total" in record["derived"]
    derived = record["derived"]["requests.new_received.total"]["value"]
    out = _printed(record)
    new_row = next(line for line in out.splitlines() if "本年新收" in line)
    assert f"{derived}*" in new_row  # the derived total shows, marked
    assert "* derived" in out
    n_pass = sum(c["ok"] is True for c in record["checks"])
    n_none = sum(c["ok"] is None for c in record["checks"])
    assert n_none > 0
    assert f"checks: {n_pass} passed, none failed, {n_none} not evaluable" in out
    assert f"report id {record['report_id']}" in out and "sha256" not in out


def test_run_refuses_bad_arguments_in_one_line_before_dagster(tmp_path: Path) -> None:
    a_file = tmp_path / "report.txt"
    a_file.write_text("x", encoding="utf-8")
    cases = {
        ("--raw", str(tmp_path / "nonexistent")): "no such folder",
        ("--raw", str(a_file)): "not a folder but a file",
        ("--raw", str(tmp_path), "--warehouse", str(tmp_path)): "a folder, not a DuckDB file",
        ("--raw", str(tmp_path), "--workers", "-1"): "must be 0",
    }
    for args, words in cases.items():
        done = _xxgk("run", *args, "--warehouse" if "--warehouse" not in args else "--no-progress",
                     *([str(tmp_path / "w.duckdb")] if "--warehouse" not in args else []), columns=30)  # fmt: skip
        assert done.returncode == 1, args
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("xxgk run: ") and words in lines[0], (args, done.stderr)
        assert done.stdout == ""
    # checked before Dagster is imported
    code = (f"import sys; from pipeline.cli import main; rc = main(['run', '--raw', {str(tmp_path / 'no')!r}]); "
            "sys.exit(rc + (10 if 'dagster' in sys.modules else 0))")  # fmt: skip
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=60).returncode == 1


@pytest.mark.slow
def test_run_summary_is_one_clean_table_without_dagster_log(tmp_path: Path) -> None:
    """End to end: a seed, a derivable blank and an empty file, at 40 columns."""
    import shutil

    raw = tmp_path / ("raw-folder-with-a-long-name-" * 2)
    raw.mkdir()
    shutil.copy(SEEDS[0], raw)
    (raw / "empty-file-with-a-long-name.pdf").write_bytes(b"")
    done = _xxgk("run", "--raw", str(raw), "--warehouse", str(tmp_path / "w.duckdb"), "--no-progress", columns=40)
    assert done.returncode == 0, done.stderr
    assert " - dagster - " not in done.stderr and "WARNING" not in done.stderr, done.stderr
    assert done.stderr.strip() == ""
    out = done.stdout
    for words in ("seen", "loaded", "quarantined", "format checks", "passed", "failed", "not evaluable"):
        assert words in out, words
    # the quarantined file and its reason on one line, never cut at the width
    lines = [x for x in out.splitlines() if "empty-file-with-a-long-name.pdf" in x]
    assert lines and "empty file" in lines[0], out
    assert "steps:" not in out  # per-step seconds only with --verbose
    verbose = _xxgk("run", "--raw", str(raw), "--warehouse", str(tmp_path / "w.duckdb"), "--no-progress",
                    "--verbose", columns=200)  # fmt: skip
    assert verbose.returncode == 0
    assert "dagster" in verbose.stderr and "seconds per step" in verbose.stdout


def test_status_and_run_count_not_evaluable_checks_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``xxgk status`` says passed / failed / not evaluable over current reports, as the run does."""
    import random

    import duckdb
    from test_warehouse import build

    from pipeline.parsing import parse_file
    from pipeline.samples.generate import random_record
    from pipeline.samples.render_text import render_text
    from pipeline.warehouse.summary import format_checks

    rec = random_record(random.Random(11), template="2021", large=False)
    rec["requests"]["carried_over"]["total"] = None
    rec["requests"]["carried_over"]["natural_person"] = None  # two blanks in a row: not evaluable
    blank = tmp_path / "blank.txt"
    blank.write_text(render_text(rec, "tab"), encoding="utf-8")
    warehouse = tmp_path / "xxgk.duckdb"
    build(warehouse, [parse_file(SEEDS[0]), parse_file(blank)])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        truth = con.execute("SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok), "
                            "count(*) FILTER (WHERE ok IS NULL) FROM check_results").fetchone()  # fmt: skip
    counts = format_checks(warehouse)
    assert counts is not None and (counts.passed, counts.failed, counts.not_evaluable) == truth
    assert counts.not_evaluable > 0
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert f"{truth[0]} passed, {truth[1]} failed (in {counts.failing_reports} report(s)), {truth[2]} not evaluable" in out

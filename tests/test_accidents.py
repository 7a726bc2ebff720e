"""Accidents a nightly run meets (issue 11): odd names and links in the raw folder, an emptied
or wrong folder, a wrong warehouse path, a terminal that cannot print Chinese, a file
rewritten while it is read, two first runs at once. The warehouse must never be lost.

Each test drives the real asset graph (``run_pipeline``) or the real command in a process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from factories import query

from pipeline.ingest import isolate
from pipeline.ingest.isolate import ParseTask, parse_many
from pipeline.ledger.paths import os_name, printable, printable_record, raw_bytes
from pipeline.ledger.walk import walk_raw
from pipeline.run import run_pipeline
from pipeline.warehouse.identity import NotAWarehouse, not_a_warehouse
from pipeline.warehouse.publish import Delta, RemovalRefused, WarehouseChanged, publish

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
GBK_NAME = "米易县丙谷镇2024年度报告.txt".encode("gbk")
"""A name as a Chinese Windows zip leaves it on Linux: GBK bytes, not UTF-8."""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def xxgk(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    full_env.pop("DAGSTER_HOME", None)
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300)  # fmt: skip


@pytest.fixture()
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("XXGK_MAX_REMOVED_SHARE", raising=False)
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy2(seed, folder / seed.name)
    return folder


# -- 1. file names that are not UTF-8 ---------------------------------------------------------


def test_printable_names_keep_every_byte() -> None:
    name = os.fsdecode(b"/raw/" + GBK_NAME)
    shown = printable(name)
    assert shown.encode("utf-8")  # printable: any UTF-8 consumer takes it
    assert "\\x" in shown and shown.endswith(".txt")
    assert os_name(shown, raw_bytes(name)) == name  # the raw bytes give the name back exactly
    assert printable("/raw/米易县.txt") == "/raw/米易县.txt" and raw_bytes("/raw/米易县.txt") is None
    assert printable_record({"source": {"path": name}, "n": [1, name]})["n"][1] == shown


@pytest.mark.slow
def test_a_gbk_file_name_is_read_logged_and_kept(raw: Path, tmp_path: Path) -> None:
    os.rename(raw / SEEDS[0].name, os.fsencode(raw) + b"/" + GBK_NAME)
    warehouse = tmp_path / "xxgk.duckdb"
    first = run_pipeline(raw, warehouse, progress=False, workers=0)
    assert first.loaded == len(SEEDS) and not first.quarantined
    stored = query(warehouse, "SELECT path, path_bytes, state, report_id FROM raw_files WHERE path_bytes IS NOT NULL")
    assert stored.height == 1
    path, path_bytes, state, report_id = stored.row(0)
    assert path_bytes == os.fsencode(raw) + b"/" + GBK_NAME and state == "report"
    assert Path(os_name(path, path_bytes)).read_bytes() == SEEDS[0].read_bytes()
    assert query(warehouse, f"SELECT source_path FROM reports WHERE report_id = '{report_id}'").item() == path
    second = run_pipeline(raw, warehouse, progress=False, workers=0)
    assert second.hashed == 0 and second.unchanged == len(SEEDS)  # the stat cache knows it by its printable name


# -- 2. a run that would empty the warehouse -----------------------------------------------------


@pytest.mark.slow
def test_an_emptied_raw_folder_is_refused_and_the_warehouse_kept(raw: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "xxgk.duckdb"
    run_pipeline(raw, warehouse, progress=False, workers=0)
    before = warehouse.read_bytes()
    for f in raw.iterdir():
        f.unlink()
    with pytest.raises(RemovalRefused, match=r"remove 5 of the 5 reports .*--allow-removals"):
        run_pipeline(raw, warehouse, progress=False, workers=0)
    assert warehouse.read_bytes() == before
    emptied = run_pipeline(raw, warehouse, progress=False, workers=0, allow_removals=True)
    assert emptied.removed == 5
    assert query(warehouse, "SELECT count(*) FROM reports").item() == 0


@pytest.mark.slow
def test_removing_more_than_the_share_is_refused_unless_configured(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "xxgk.duckdb"
    run_pipeline(raw, warehouse, progress=False, workers=0)
    (raw / SEEDS[0].name).unlink()  # 1 of 5: 20 %, not more than the default share
    assert run_pipeline(raw, warehouse, progress=False, workers=0).removed == 1
    (raw / SEEDS[1].name).unlink()
    (raw / SEEDS[2].name).unlink()  # 2 of the 4 left: 50 %
    with pytest.raises(RemovalRefused, match=r"remove 2 of the 4 reports .*50%; the limit is 20%"):
        run_pipeline(raw, warehouse, progress=False, workers=0)
    monkeypatch.setenv("XXGK_MAX_REMOVED_SHARE", "0.5")
    assert run_pipeline(raw, warehouse, progress=False, workers=0).removed == 2


@pytest.mark.slow
def test_a_file_corrected_in_place_is_a_replacement_not_a_removal(raw: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "xxgk.duckdb"
    run_pipeline(raw, warehouse, progress=False, workers=0)
    for seed in SEEDS[:3]:  # 3 of 5 files corrected in place: new bytes at the same paths
        target = raw / seed.name
        target.write_text(seed.read_text(encoding="utf-8") + "\n（更正）\n", encoding="utf-8")
    summary = run_pipeline(raw, warehouse, progress=False, workers=0)
    assert summary.loaded == 3 and query(warehouse, "SELECT count(*) FROM reports").item() == 5


# -- 4. the warehouse path must be a warehouse ---------------------------------------------------


def test_a_path_that_is_not_a_warehouse_is_refused_by_every_command(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    messages = set()
    for command in (["run", "--raw", str(raw), "--no-progress"], ["status"], ["export", "--format", "csv",
                    "--out", str(tmp_path / "out")], ["report"]):  # fmt: skip
        done = xxgk(*command, "--warehouse", str(notes))
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"xxgk {command[0]}: "), done.stderr
        assert "not an xxgk warehouse (not a DuckDB file)" in lines[0]
        messages.add(lines[0].split(": ", 1)[1])
    assert len(messages) == 1  # the same message whichever command met it
    assert notes.read_text(encoding="utf-8") == "my notes\n"


def test_publish_never_replaces_another_file_or_database(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE sales AS SELECT 1 AS x")
    con.close()
    assert "without this project's warehouse_meta" in (not_a_warehouse(other) or "")
    before = other.read_bytes()
    with pytest.raises(NotAWarehouse):
        publish(Delta(run_id="r", full=True), other)
    assert other.read_bytes() == before
    garbage = tmp_path / "wh.db"  # not DuckDB's name, no publish lock beside it: someone's file
    garbage.write_bytes(b"\0" * 64)
    assert "not a DuckDB file" in (not_a_warehouse(garbage) or "")
    with pytest.raises(NotAWarehouse):
        publish(Delta(run_id="r", full=True), garbage)
    assert garbage.read_bytes() == b"\0" * 64
    folder = tmp_path / "dir.duckdb"
    folder.mkdir()
    assert "a folder" in (not_a_warehouse(folder) or "")
    assert not_a_warehouse(tmp_path / "missing.duckdb") is None


def test_a_damaged_warehouse_is_rebuilt_only_when_evidently_ours(tmp_path: Path) -> None:
    """Damage (a zeroed or overwritten file) must not block every future run, but only a
    path that is evidently a warehouse is rebuilt: DuckDB's name, or a publish's lock beside it."""
    named = tmp_path / "xxgk.duckdb"
    named.write_bytes(b"\0" * 4096)
    assert not_a_warehouse(named) is None
    locked = tmp_path / "wh.db"
    locked.write_bytes(b"\0" * 4096)
    assert "not a DuckDB file" in (not_a_warehouse(locked) or "")
    locked.with_name("wh.db.lock").touch()  # every publish at wh.db took this lock
    assert not_a_warehouse(locked) is None
    result = publish(Delta(run_id="r", full=True), locked)
    assert any("unreadable" in w for w in result.warnings)
    assert query(locked, "SELECT count(*) FROM warehouse_meta").item() >= 1


# -- 8. symbolic links and special files --------------------------------------------------------


def _hostile_links(raw: Path) -> None:
    (raw / "etc").symlink_to("/etc")
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "dangling.txt").symlink_to(raw / "gone.txt")
    (raw / "null.txt").symlink_to("/dev/null")
    (raw / "copy.txt").symlink_to(raw / SEEDS[1].name)  # inside the folder: one more name for a report
    os.mkfifo(raw / "pipe.txt")


def test_the_walk_follows_no_link_out_of_the_raw_folder(raw: Path) -> None:
    _hostile_links(raw)
    files, skipped = walk_raw(raw)
    assert {p.name for p in files} == {s.name for s in SEEDS} | {"copy.txt"}
    reasons = {s.path.name: s.reason for s in skipped}
    assert "outside the raw folder; not followed" in reasons["etc"]
    assert "outside the raw folder; not followed" in reasons["passwd.txt"]
    assert "dangling link" in reasons["dangling.txt"]
    assert "outside the raw folder" in reasons["null.txt"]
    assert "named pipe" in reasons["pipe.txt"]


@pytest.mark.slow
def test_links_and_special_files_get_an_ingest_log_row_and_are_never_read(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hostile_links(raw)
    import pipeline.readers

    opened: list[str] = []
    for name in ("sha256_file", "sha256_and_head"):  # what the scan and the parser hash files with
        real = getattr(pipeline.readers, name)
        monkeypatch.setattr(pipeline.readers, name,
                            lambda p, *a, real=real: opened.append(os.path.realpath(p)) or real(p, *a))
    warehouse = tmp_path / "xxgk.duckdb"
    summary = run_pipeline(raw, warehouse, progress=False, workers=0)
    assert opened and all(p.startswith(os.path.realpath(raw)) for p in opened), opened
    log = dict(query(warehouse, "SELECT path, reason FROM ingest_log WHERE outcome = 'quarantined'").iter_rows())
    by_name = {Path(p).name: r for p, r in log.items()}
    assert set(by_name) == {"etc", "passwd.txt", "dangling.txt", "null.txt", "pipe.txt"}
    assert "dangling link" in by_name["dangling.txt"] and "not followed" in by_name["passwd.txt"]
    assert summary.loaded == len(SEEDS) and summary.duplicate == 1


# -- 9. output encoding never fails a finished run ------------------------------------------------


@pytest.mark.slow
def test_an_ascii_terminal_does_not_fail_a_finished_run(raw: Path, tmp_path: Path) -> None:
    done = xxgk("run", "--raw", str(raw), "--warehouse", str(tmp_path / "xxgk.duckdb"), "--no-progress",
                PYTHONIOENCODING="ascii")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\\u2192" in done.stdout  # "→" written as an escape, not a crash
    assert query(tmp_path / "xxgk.duckdb", "SELECT count(*) FROM reports").item() == len(SEEDS)


# -- 10. a file rewritten while the run reads it ---------------------------------------------------


def _parse_rewriting(path: Path, sha256: str | None = None, limits: object = None) -> dict:
    """A parse function whose file is rewritten under it the first time it reads it."""
    marker = path.with_suffix(".rewritten")
    if not marker.exists():
        marker.write_text("1")
        path.write_bytes(path.read_bytes() + b"\n")
    from pipeline.parsing.parser import parse_file

    return parse_file(path, sha256=sha256)


def _parse_always_rewriting(path: Path, sha256: str | None = None, limits: object = None) -> dict:
    path.write_bytes(path.read_bytes() + b"\n")
    return {"status": "ok", "source": {"sha256": sha256}}


def test_the_worker_parses_the_bytes_it_hashed(tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    shutil.copy2(SEEDS[0], f)
    st = f.stat()
    task = ParseTask(sha(f), str(f), "txt", st.st_size, st.st_mtime_ns)
    ((_, record),) = list(parse_many([task], workers=0, parse_fn=_parse_rewriting))
    assert record["source"]["sha256"] == sha(f) != task.sha256  # filed under what was read
    assert record[isolate.READ_STAT] == [f.stat().st_size, f.stat().st_mtime_ns]
    ((_, record),) = list(parse_many([task], workers=0, parse_fn=_parse_always_rewriting))
    assert record["status"] == "unreadable" and "changed while it was being read" in record["issues"][0]["detail"]


@pytest.mark.slow
def test_a_file_rewritten_after_the_scan_is_filed_under_its_new_content(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.ledger.scan as scan_mod

    target, copy = raw / SEEDS[0].name, raw / "copy.txt"
    shutil.copy2(target, copy)  # same bytes: one report, the copy a duplicate of it
    real_scan = scan_mod.scan

    def scan_then_rewrite(*args: object, **kwargs: object):  # noqa: ANN202
        manifest = real_scan(*args, **kwargs)
        target.write_bytes(SEEDS[4].read_bytes() + b"\n")  # another report's text now
        return manifest

    monkeypatch.setattr(scan_mod, "scan", scan_then_rewrite)
    warehouse = tmp_path / "xxgk.duckdb"
    run_pipeline(raw, warehouse, progress=False, workers=0)
    monkeypatch.setattr(scan_mod, "scan", real_scan)
    new_sha = sha(target)
    ledger = dict(query(warehouse, "SELECT path, sha256 FROM raw_files").iter_rows())
    assert ledger[str(target)] == new_sha  # the hash of the bytes parsed, not the scan's
    rid = query(warehouse, f"SELECT report_id FROM reports WHERE source_path = '{target}'").item()
    assert rid == new_sha[:16]
    assert ledger[str(copy)] is None  # its twin's old content was not read: hashed again next run
    second = run_pipeline(raw, warehouse, progress=False, workers=0)
    outcome = dict(second.files.select("path", "outcome").iter_rows())
    assert outcome[str(target)] == "unchanged" and outcome[str(copy)] == "loaded"
    assert query(warehouse, f"SELECT report_id FROM reports WHERE source_path = '{copy}'").item() == sha(copy)[:16]


# -- 11. two first runs at once ------------------------------------------------------------------


@pytest.mark.slow
def test_of_two_first_runs_the_first_publish_wins(raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.ledger.scan as scan_mod

    warehouse = tmp_path / "xxgk.duckdb"
    real_scan = scan_mod.scan

    def scan_while_another_run_publishes(*args: object, **kwargs: object):  # noqa: ANN202
        manifest = real_scan(*args, **kwargs)
        publish(Delta(run_id="the-other-run", full=True), warehouse)  # it found no warehouse either
        return manifest

    monkeypatch.setattr(scan_mod, "scan", scan_while_another_run_publishes)
    with pytest.raises(WarehouseChanged, match="run again"):
        run_pipeline(raw, warehouse, progress=False, workers=0)
    assert query(warehouse, "SELECT value FROM warehouse_meta WHERE key = 'last_run_id'").item() == "the-other-run"


# -- the proof: a hostile raw folder, then the same folder emptied --------------------------------


@pytest.mark.slow
def test_a_hostile_folder_loads_and_emptying_it_loses_nothing(raw: Path, tmp_path: Path) -> None:
    os.rename(raw / SEEDS[0].name, os.fsencode(raw) + b"/" + GBK_NAME)
    (raw / "dangling.pdf").symlink_to(raw / "never-there.pdf")
    (raw / "etc").symlink_to("/etc")
    warehouse = tmp_path / "warehouse" / "xxgk.duckdb"
    first = xxgk("run", "--raw", str(raw), "--warehouse", str(warehouse), "--no-progress")
    assert first.returncode == 0, first.stdout + first.stderr
    log = query(warehouse, "SELECT path, outcome, reason FROM ingest_log")
    assert log.filter(log["outcome"] == "loaded").height == len(SEEDS)
    reasons = dict(log.filter(log["outcome"] == "quarantined").select("path", "reason").iter_rows())
    assert "dangling link" in reasons[str(raw / "dangling.pdf")]
    assert "outside the raw folder; not followed" in reasons[str(raw / "etc")]
    before, reports = warehouse.read_bytes(), query(warehouse, "SELECT * FROM reports ORDER BY report_id")

    for entry in os.listdir(os.fsencode(raw)):
        os.unlink(os.fsencode(raw) + b"/" + entry)
    emptied = xxgk("run", "--raw", str(raw), "--warehouse", str(warehouse), "--no-progress")
    assert emptied.returncode != 0
    assert "refusing to publish" in emptied.stderr and "--allow-removals" in emptied.stderr
    assert warehouse.read_bytes() == before
    assert query(warehouse, "SELECT * FROM reports ORDER BY report_id").equals(reports)
    assert reports.height == len(SEEDS)

"""Nightly ingestion, run for real through the asset graph: incremental, idempotent, versioned.

Each test runs ``run_pipeline`` (the same assets ``xxgk run``, the schedule and the sensor
run) over a temp copy of the seed texts and then changes the raw folder the way the world
does: nothing, a touched file, a copy, a rename, a corrected republication, a deleted file,
a parser upgrade, a forced re-read.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from factories import table_rows

import pipeline
from pipeline.run import RunSummary, run_pipeline

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def outcomes(summary: RunSummary) -> dict[str, tuple[str, str | None]]:
    return {p: (o, r) for p, o, r in summary.files.select("path", "outcome", "reason").iter_rows()}


@pytest.fixture()
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A raw folder with the five seed texts (one in a subfolder) and a warehouse path."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    raw = tmp_path / "raw"
    (raw / "2025").mkdir(parents=True)
    for i, seed in enumerate(SEEDS):
        shutil.copy2(seed, (raw / "2025" if i == 4 else raw) / seed.name)
    return raw, tmp_path / "warehouse" / "xxgk.duckdb"


def test_unchanged_touched_and_changed_files(corpus: tuple[Path, Path]) -> None:
    raw, warehouse = corpus
    first = run_pipeline(raw, warehouse, progress=False)
    assert first.success and first.full_build
    assert first.loaded == 5 and first.hashed == 5  # the file in 2025/ was found too

    second = run_pipeline(raw, warehouse, progress=False)
    assert not second.full_build
    assert second.hashed == 0  # size and mtime matched the ledger: no file was even opened
    assert second.unchanged == 5 and second.loaded == 0

    touched = raw / SEEDS[1].name
    os.utime(touched, None)  # new mtime, same bytes: hashed again, not parsed
    third = run_pipeline(raw, warehouse, progress=False)
    assert third.hashed == 1 and third.loaded == 0 and third.unchanged == 5

    changed = raw / SEEDS[2].name
    before = rows(warehouse, "SELECT report_id FROM reports WHERE source_path = ?", [str(changed)])
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附：本报告电子版可在政府网站查阅。\n", encoding="utf-8")
    fourth = run_pipeline(raw, warehouse, progress=False)
    assert fourth.hashed == 1 and fourth.loaded == 1 and fourth.unchanged == 4
    after = rows(warehouse, "SELECT report_id FROM reports WHERE source_path = ?", [str(changed)])
    assert before != after and len(after) == 1  # the old content's report is gone, not kept twice
    assert rows(warehouse, "SELECT count(*) FROM reports") == [(5,)]
    runs = rows(warehouse, "SELECT run_id, count(*) FROM ingest_log GROUP BY run_id")
    assert sorted(n for _, n in runs) == [5, 5, 5, 5]  # a row per file per run


def test_duplicates_renames_and_removals(corpus: tuple[Path, Path]) -> None:
    raw, warehouse = corpus
    run_pipeline(raw, warehouse, progress=False)
    original = raw / SEEDS[0].name
    copy = raw / "copies" / "same-report.txt"
    copy.parent.mkdir()
    shutil.copy2(original, copy)
    second = run_pipeline(raw, warehouse, progress=False)
    assert outcomes(second)[str(copy)] == ("duplicate", f"same content as {original}")
    assert second.loaded == 0 and second.duplicate == 1
    paths = rows(warehouse, "SELECT path, state, report_id FROM raw_files WHERE sha256 = "
                            "(SELECT sha256 FROM raw_files WHERE path = ?) ORDER BY path", [str(original)])  # fmt: skip
    assert [(p, s) for p, s, _ in paths] == [(str(original), "report"), (str(copy), "duplicate")]
    assert len({rid for *_, rid in paths}) == 1  # both paths recorded against one report
    assert rows(warehouse, "SELECT count(*) FROM reports") == [(5,)]

    original.unlink()  # the copy remains: the report stays, filed under the copy's path
    moved = raw / "renamed.txt"
    (raw / SEEDS[3].name).rename(moved)
    third = run_pipeline(raw, warehouse, progress=False)
    got = outcomes(third)
    assert third.loaded == 0 and third.hashed == 1  # only the renamed file is new to the stat cache
    assert got[str(moved)] == ("unchanged", f"moved from {raw / SEEDS[3].name}")
    assert got[str(copy)][0] == "unchanged" and got[str(original)][0] == "removed"
    assert rows(warehouse, "SELECT count(*) FROM reports WHERE source_path IN (?, ?)", [str(copy), str(moved)]) == [(2,)]

    (raw / SEEDS[1].name).unlink()
    fourth = run_pipeline(raw, warehouse, progress=False)
    assert fourth.removed == 1 and rows(warehouse, "SELECT count(*) FROM reports") == [(4,)]


def test_a_corrected_republication_is_a_new_current_version(corpus: tuple[Path, Path]) -> None:
    raw, warehouse = corpus
    run_pipeline(raw, warehouse, progress=False)
    first = raw / SEEDS[0].name
    text = first.read_text(encoding="utf-8")
    assert "2025年 1月 15日" in text
    corrected = raw / "corrected" / first.name
    corrected.parent.mkdir()
    corrected.write_text(text.replace("2025年 1月 15日", "2025年 2月 20日"), encoding="utf-8")
    summary = run_pipeline(raw, warehouse, progress=False)
    assert summary.loaded == 1
    versions = rows(
        warehouse,
        "SELECT source_path, published_on::VARCHAR, version, is_current FROM reports WHERE agency_id = "
        "(SELECT agency_id FROM reports WHERE source_path = ?) AND year = 2024 ORDER BY version",
        [str(first)],
    )
    assert versions == [(str(first), "2025-01-15", 1, False), (str(corrected), "2025-02-20", 2, True)]
    current = rows(warehouse, "SELECT source_path FROM current_reports WHERE source_path IN (?, ?)",
                   [str(first), str(corrected)])  # fmt: skip
    assert current == [(str(corrected),)]

    # same signature date, newer file: the file time decides
    same_date = raw / "corrected" / "again.txt"
    same_date.write_text(corrected.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    later = time.time() + 60
    os.utime(same_date, (later, later))
    run_pipeline(raw, warehouse, progress=False)
    current = rows(warehouse, "SELECT source_path, version FROM reports WHERE is_current AND agency_id = "
                              "(SELECT agency_id FROM reports WHERE source_path = ?) AND year = 2024", [str(first)])  # fmt: skip
    assert current == [(str(same_date), 3)]


def test_parser_upgrade_and_forced_reread(corpus: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse = corpus
    run_pipeline(raw, warehouse, progress=False)

    forced = run_pipeline(raw, warehouse, progress=False, reread=["2025/*.txt"])
    assert forced.loaded == 1 and forced.unchanged == 4 and forced.hashed == 1
    assert [p for p, (o, _) in outcomes(forced).items() if o == "loaded"] == [str(raw / "2025" / SEEDS[4].name)]

    monkeypatch.setattr(pipeline, "PARSER_VERSION", pipeline.PARSER_VERSION + "-next")
    upgraded = run_pipeline(raw, warehouse, progress=False)
    assert upgraded.loaded == 5 and upgraded.hashed == 0  # re-read, not re-hashed
    assert rows(warehouse, "SELECT DISTINCT parser_version FROM reports") == [(pipeline.PARSER_VERSION,)]
    again = run_pipeline(raw, warehouse, progress=False)
    assert again.loaded == 0 and again.unchanged == 5  # once


def test_two_runs_give_identical_tables_and_ids_do_not_depend_on_run_order(
    corpus: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, warehouse = corpus
    run_pipeline(raw, warehouse, progress=False)
    once = table_rows(warehouse)
    run_pipeline(raw, warehouse, progress=False)
    assert table_rows(warehouse) == once

    # Built in two steps, in the other order (the subfolder file first): same ids, same rows.
    other_raw, other = tmp_path / "other" / "raw", tmp_path / "other" / "xxgk.duckdb"
    (other_raw / "2025").mkdir(parents=True)
    shutil.copy2(raw / "2025" / SEEDS[4].name, other_raw / "2025" / SEEDS[4].name)
    run_pipeline(other_raw, other, progress=False)
    for seed in SEEDS[:4]:
        shutil.copy2(raw / seed.name, other_raw / seed.name)
    run_pipeline(other_raw, other, progress=False)

    def ids(path: Path) -> list[tuple]:
        return rows(path, "SELECT report_id, agency_id, sha256, version, is_current FROM reports ORDER BY 1")

    assert ids(other) == ids(warehouse)
    a, b = table_rows(warehouse), table_rows(other)
    for name in a:
        if name != "reports":  # source paths differ by folder; everything else must be equal
            assert a[name] == b[name], name

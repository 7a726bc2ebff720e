"""The Parquet export: every table and view of the warehouse, the same rows, swapped in whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.export.relations import list_relations
from pipeline.warehouse import parquet_export
from pipeline.warehouse.parquet_export import export_parquet

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


def _sql_str(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _rows(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple]:
    """All rows in a canonical order, so two sources can be compared as multisets."""
    return con.execute(f"SELECT * FROM {relation} ORDER BY ALL").fetchall()


def _leftovers(out_dir: Path) -> list[str]:
    return sorted(p.name for p in out_dir.parent.glob(f".{out_dir.name}.*"))


# --- on the warehouse built from the samples -------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """One pipeline run over the samples; the ``warehouse_parquet`` asset runs as part of it."""
    from pipeline.run import run_pipeline

    tmp = tmp_path_factory.mktemp("parquet")
    raw = tmp / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp / "warehouse" / "xxgk.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DAGSTER_HOME", raising=False)
        for var in ("XXGK_RAW_DIR", "XXGK_WAREHOUSE", "XXGK_PARQUET_DIR"):
            mp.delenv(var, raising=False)
        summary = run_pipeline(raw, warehouse, progress=False)
    assert summary.success
    yield warehouse, warehouse.parent / "parquet"


@pytest.mark.slow
def test_every_table_and_view_is_exported(built: tuple[Path, Path]) -> None:
    warehouse, out = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r.name for r in list_relations(con)]
        kinds = dict(
            con.execute(
                "SELECT table_name, 'table' FROM duckdb_tables() UNION ALL "
                "SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
    assert {"reports", "request_cells", "agencies"} <= set(names)
    assert {"yoy_requests", "report_panel"} <= set(names)  # views too, as their rows
    assert "view" in {kinds[n] for n in names} and "table" in {kinds[n] for n in names}
    assert sorted(p.stem for p in out.glob("*.parquet")) == sorted(names)
    assert _leftovers(out) == []


@pytest.mark.slow
def test_parquet_has_the_same_rows_as_the_warehouse(built: tuple[Path, Path]) -> None:
    """A fresh in-memory DuckDB, knowing nothing of the warehouse, reads back the same rows."""
    warehouse, out = built
    with duckdb.connect(str(warehouse), read_only=True) as wh:
        names = [r.name for r in list_relations(wh)]
        expected = {name: _rows(wh, name) for name in names}
    fresh = duckdb.connect()  # in memory
    try:
        for name in names:
            got = _rows(fresh, f"read_parquet({_sql_str(out / f'{name}.parquet')})")
            assert got == expected[name], name
        assert expected["reports"], "the samples give reports"
    finally:
        fresh.close()


@pytest.mark.slow
def test_query_parquet_like_the_warehouse(built: tuple[Path, Path]) -> None:
    """The README's recipe: a view per file over read_parquet, then the warehouse's own example
    queries run unchanged on Parquet and give the warehouse's answers."""
    warehouse, out = built
    fresh = duckdb.connect()
    try:
        # the README's direct read, on this export
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        section = readme[readme.index("## Beyond one machine") :]
        sql = section[section.index("```sql\n") + 7 :]
        sql = sql[: sql.index("```")]
        assert "read_parquet('data/warehouse/parquet/" in sql
        sql = sql.replace("'data/warehouse/parquet/", "'" + str(out).replace("'", "''") + "/")
        per_year = fresh.execute(sql).fetchall()
        assert per_year and all(cells >= given > 0 for _, cells, given in per_year)

        # then views over every file (a glob over the directory), and the example queries
        files = fresh.execute(f"SELECT file FROM glob({_sql_str(out / '*.parquet')})").fetchall()
        for (file,) in files:
            fresh.execute(
                f'CREATE VIEW "{Path(file).stem}" AS SELECT * FROM read_parquet({_sql_str(Path(file))})'
            )
        examples = sorted((ROOT / "sql" / "examples").glob("*.sql"))
        assert examples
        with duckdb.connect(str(warehouse), read_only=True) as wh:
            for path in examples:
                sql = path.read_text(encoding="utf-8")
                assert fresh.execute(sql).fetchall() == wh.execute(sql).fetchall(), path.name
    finally:
        fresh.close()


# --- export_parquet on a small hand-made warehouse -------------------------------------------


def _make_warehouse(path: Path, rows: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i, 'n' || range AS s FROM range(?)", [rows])
        con.execute("CREATE TABLE empty_table (x INTEGER, d DATE)")
        con.execute("CREATE VIEW v AS SELECT i * 2 AS j FROM t WHERE i % 2 = 0")


def test_export_counts_rows_of_tables_and_views(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    _make_warehouse(wh, 5)
    out = tmp_path / "parquet"
    assert export_parquet(wh, out) == {"empty_table": 0, "t": 5, "v": 3}
    fresh = duckdb.connect()
    (n,) = fresh.execute(f"SELECT count(*) FROM read_parquet({_sql_str(out / 'v.parquet')})").fetchone() or (
        0,
    )
    assert n == 3
    # an empty table still has its columns, so a reader's query does not break
    cols = fresh.execute(
        f"DESCRIBE SELECT * FROM read_parquet({_sql_str(out / 'empty_table.parquet')})"
    ).fetchall()
    assert [c[0] for c in cols] == ["x", "d"]
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)


def test_a_new_export_replaces_the_old_set_whole(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    _make_warehouse(wh, 5)
    out = tmp_path / "parquet"
    export_parquet(wh, out)
    (out / "stale_table.parquet").write_bytes(b"from an older warehouse")
    with duckdb.connect(str(wh)) as con:
        con.execute("INSERT INTO t SELECT range + 100, 'x' FROM range(3)")
    assert export_parquet(wh, out)["t"] == 8
    assert sorted(p.name for p in out.iterdir()) == ["empty_table.parquet", "t.parquet", "v.parquet"]
    assert _leftovers(out) == []


def test_a_failed_export_leaves_the_previous_one(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    _make_warehouse(wh, 5)
    out = tmp_path / "parquet"
    export_parquet(wh, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with duckdb.connect(str(wh)) as con:
        con.execute("INSERT INTO t SELECT range + 100, 'x' FROM range(3)")
        # a view whose table is gone: reading it fails midway through the export ("t" and
        # "empty_table" are already written by then)
        con.execute("CREATE TABLE gone AS SELECT 1 AS a")
        con.execute("CREATE VIEW zz_broken AS SELECT * FROM gone")
        con.execute("DROP TABLE gone")
    with pytest.raises(duckdb.Error):
        export_parquet(wh, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _leftovers(out) == []


def test_a_failed_swap_puts_the_old_set_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wh = tmp_path / "w.duckdb"
    _make_warehouse(wh, 5)
    out = tmp_path / "parquet"
    export_parquet(wh, out)
    before = sorted(p.name for p in out.iterdir())
    real_rename = os.rename
    calls: list[tuple[str, str]] = []

    def flaky_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append((os.fspath(src), os.fspath(dst)))
        if len(calls) == 2:  # old aside worked; moving the new set into place fails
            raise OSError("disk went away")
        real_rename(src, dst)

    monkeypatch.setattr(parquet_export.os, "rename", flaky_rename)
    with pytest.raises(OSError, match="disk went away"):
        export_parquet(wh, out)
    monkeypatch.setattr(parquet_export.os, "rename", real_rename)
    assert sorted(p.name for p in out.iterdir()) == before
    assert _leftovers(out) == []


def test_the_swap_is_two_renames_of_whole_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are only ever written into the hidden sibling dir: the published dir is never
    written into, so a reader cannot see a half-written set."""
    wh = tmp_path / "w.duckdb"
    _make_warehouse(wh, 5)
    out = tmp_path / "parquet"
    export_parquet(wh, out)
    real_rename = os.rename
    seen: list[tuple[Path, Path, list[str]]] = []

    def watching_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        s = Path(src)
        seen.append((s, Path(dst), sorted(p.name for p in s.iterdir())))
        real_rename(src, dst)

    monkeypatch.setattr(parquet_export.os, "rename", watching_rename)
    export_parquet(wh, out)
    (old_src, old_dst, _), (new_src, new_dst, new_files) = seen
    assert old_src == out and old_dst.parent == out.parent and old_dst.name.startswith(".parquet.old-")
    assert new_dst == out and new_src.name.startswith(".parquet.building-")
    assert new_files == ["empty_table.parquet", "t.parquet", "v.parquet"]  # complete before it appears


def test_stale_temp_dirs_are_swept(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    _make_warehouse(wh, 2)
    out = tmp_path / "parquet"
    stale = tmp_path / ".parquet.building-crashed"
    fresh = tmp_path / ".parquet.building-running"
    stale.mkdir()
    fresh.mkdir()
    old = 1_000_000_000
    os.utime(stale, (old, old))
    export_parquet(wh, out)
    assert not stale.exists()
    assert fresh.exists()  # could be another export in progress: left alone


def test_missing_warehouse_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        export_parquet(tmp_path / "nope.duckdb", tmp_path / "parquet")
    assert not (tmp_path / "parquet").exists()


@pytest.mark.slow
def test_a_no_change_run_keeps_the_report_files_and_rewrites_the_run_tables(tmp_path: Path) -> None:
    """A night that changed no report must not rewrite every Parquet file (10,000 reports: ~7 s)."""
    from pipeline.run import run_pipeline

    raw = tmp_path / "raw"
    raw.mkdir()
    seeds = sorted(RAW.glob("*.txt"))
    for seed in seeds[:4]:
        shutil.copy2(seed, raw / seed.name)
    warehouse = tmp_path / "warehouse" / "xxgk.duckdb"
    out = warehouse.parent / "parquet"

    def inodes() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in out.glob("*.parquet")}

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DAGSTER_HOME", raising=False)
        for var in ("XXGK_RAW_DIR", "XXGK_WAREHOUSE", "XXGK_PARQUET_DIR"):
            mp.delenv(var, raising=False)
        run_pipeline(raw, warehouse, progress=False)
        first = inodes()
        run_pipeline(raw, warehouse, progress=False)
        second = inodes()
        assert second["reports.parquet"] == first["reports.parquet"]  # kept: same report content
        assert second["request_cells_wide.parquet"] == first["request_cells_wide.parquet"]
        assert second["ingest_log.parquet"] != first["ingest_log.parquet"]  # the new run's rows
        con = duckdb.connect()
        runs = con.execute(f"SELECT count(DISTINCT run_id) FROM read_parquet({_sql_str(out / 'ingest_log.parquet')})")
        assert runs.fetchone()[0] == 2

        shutil.copy2(seeds[4], raw / seeds[4].name)  # a new report: everything is exported again
        run_pipeline(raw, warehouse, progress=False)
        third = inodes()
        assert third["reports.parquet"] != second["reports.parquet"]
        n = con.execute(f"SELECT count(*) FROM read_parquet({_sql_str(out / 'reports.parquet')})").fetchone()[0]
        assert n == 5

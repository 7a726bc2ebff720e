"""``xxgk export``: every table and view as CSV, Parquet or one Excel workbook, read back intact."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from factories import two_year_corpus
from test_warehouse import build

from pipeline.cli import main
from pipeline.export import WORKBOOK_NAME, export
from pipeline.export.headers import short_label
from pipeline.export.relations import list_relations
from pipeline.export.xlsx import ABOUT_SHEET, EXCEL_MAX_ROWS, export_xlsx

CJK = ("\u4e00", "\u9fff")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two years of known data, published the way a run publishes it."""
    path = tmp_path_factory.mktemp("export") / "warehouse" / "xxgk.duckdb"
    build(path, two_year_corpus())
    return path


def _names(warehouse: Path) -> dict[str, str]:
    """relation → "table" / "view"."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {r.name: r.kind for r in list_relations(con)}


def _as_text(warehouse: Path, name: str) -> list[tuple]:
    """Every row with every value cast to text by DuckDB (null stays None): what a CSV holds."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [c[0] for c in con.execute(f'DESCRIBE "{name}"').fetchall()]
        select = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
        return con.execute(f'SELECT {select} FROM "{name}"').fetchall()


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=repr)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".tmp-" in p.name)


# --- CSV and Parquet -------------------------------------------------------------------------


def test_csv_has_every_relation_and_round_trips(warehouse: Path, tmp_path: Path) -> None:
    names = _names(warehouse)
    assert {"reports", "request_cells", "agencies"} <= names.keys()
    assert {"report_panel", "yoy_requests", "current_reports"} <= names.keys()  # views too
    result = export(warehouse, tmp_path, "csv")
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(names)
    assert result.counts.keys() == names.keys()
    for name in names:
        # every column read as text: the comparison is of what was written, not of type guesses
        frame = pl.read_csv(tmp_path / f"{name}.csv", infer_schema=False)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            columns = [c[0] for c in con.execute(f'DESCRIBE "{name}"').fetchall()]
        assert frame.columns == columns, name
        assert _sorted(frame.rows()) == _sorted(_as_text(warehouse, name)), name
        assert frame.height == result.counts[name], name
    # and with types inferred, the numbers are numbers: the 3,000,000,000 requests survive
    panel = pl.read_csv(tmp_path / "report_panel.csv")
    assert panel["new_requests"].dtype == pl.Int64
    assert 3_000_000_000 in panel["new_requests"].to_list()
    assert "米易县撒莲镇人民政府" in panel["agency_name"].to_list()  # UTF-8, Chinese intact
    assert _leftovers(tmp_path) == []


def test_parquet_has_every_relation_and_round_trips(warehouse: Path, tmp_path: Path) -> None:
    names = _names(warehouse)
    result = export(warehouse, tmp_path, "parquet")
    assert sorted(p.stem for p in tmp_path.glob("*.parquet")) == sorted(names)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name in names:
            expected = con.sql(f'SELECT * FROM "{name}"').pl()
            got = pl.read_parquet(tmp_path / f"{name}.parquet")
            assert got.schema == expected.schema, name
            assert _sorted(got.rows()) == _sorted(expected.rows()), name
            assert got.height == result.counts[name]
    assert _leftovers(tmp_path) == []


def test_export_into_a_directory_keeps_other_files(warehouse: Path, tmp_path: Path) -> None:
    """The output directory is the user's: files that are not ours stay, ours are replaced."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "reports.csv").write_text("stale", encoding="utf-8")
    export(warehouse, tmp_path, "csv")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "reports.csv").read_text(encoding="utf-8").startswith("report_id,")


def test_a_failed_export_leaves_the_previous_files(warehouse: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(warehouse.read_bytes())
    out = tmp_path / "out"
    export(broken, out, "csv")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with duckdb.connect(str(broken)) as con:
        con.execute("INSERT INTO agencies (agency_id, name) VALUES ('new', '新机关')")
        # a view whose table is gone: reading it fails midway through the export
        con.execute("CREATE TABLE gone AS SELECT 1 AS a")
        con.execute("CREATE VIEW zz_broken AS SELECT * FROM gone")
        con.execute("DROP TABLE gone")
    with pytest.raises(duckdb.Error):
        export(broken, out, "csv")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    with pytest.raises(duckdb.Error):
        export_xlsx(broken, out / WORKBOOK_NAME)
    assert not (out / WORKBOOK_NAME).exists() and _leftovers(out) == []


def test_missing_warehouse_is_an_error(tmp_path: Path) -> None:
    for fmt in ("csv", "parquet", "xlsx"):
        with pytest.raises(FileNotFoundError):
            export(tmp_path / "nope.duckdb", tmp_path / "out", fmt)
    with pytest.raises(ValueError):
        export(tmp_path / "nope.duckdb", tmp_path / "out", "json")


# --- Excel -----------------------------------------------------------------------------------


def _cell(value: object) -> object:
    """A warehouse value as openpyxl reads it back from the workbook (Excel keeps 15
    significant digits of a double, so floats are compared to 12)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, float):
        return int(value) if value.is_integer() else float(f"{value:.12g}")
    if isinstance(value, list):  # a list column (derived_cells) is one text cell, empty when empty
        return ", ".join(map(str, value)) or None
    return value


def test_xlsx_one_sheet_per_relation_with_chinese_headers(warehouse: Path, tmp_path: Path) -> None:
    names = _names(warehouse)
    result = export(warehouse, tmp_path, "xlsx")
    assert result.out == tmp_path / WORKBOOK_NAME
    book = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME)
    views = sorted(n for n, k in names.items() if k == "view")
    tables = sorted(n for n, k in names.items() if k == "table")
    assert book.sheetnames == [ABOUT_SHEET, *views, *tables]
    assert all(len(s) <= 31 for s in book.sheetnames)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name in names:
            sheet = book[name]
            cursor = con.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            assert sheet.freeze_panes == "A2", name
            header = [c.value for c in sheet[1]]
            # "中文（key）": the key is always there, so the sheet maps back to SQL
            assert [h.rsplit("（", 1)[-1].rstrip("）") if "（" in h else h for h in header] == columns, name
            assert sheet.max_row == len(rows) + 1, name
            got = [tuple(_cell(c.value) for c in row) for row in sheet.iter_rows(min_row=2)]
            assert _sorted(got) == _sorted([tuple(_cell(v) for v in row) for row in rows]), name

    reports = [c.value for c in book["reports"][1]]
    assert "报告标识（report_id）" in reports
    assert "源文件路径（source_path）" in reports
    assert "机关名称（name）" in [c.value for c in book["agencies"][1]]
    panel = [c.value for c in book["report_panel"][1]]
    assert "本年新收申请（new_requests）" in panel and "上年值（prev_value）" in [
        c.value for c in book["yoy_requests"][1]
    ]
    # nearly every header has a Chinese name (a view column nobody described keeps its key)
    headers = [c.value for n in names for c in book[n][1]]
    chinese = [h for h in headers if any(CJK[0] <= ch <= CJK[1] for ch in h)]
    assert len(chinese) >= 0.9 * len(headers), set(headers) - set(chinese)
    # the header cell carries the full comment as a note
    note = book["agencies"]["A1"].comment
    assert note is not None and "sha1" in note.text
    # columns sized to their contents: the long SHA-256 column is wider than the short ones
    assert book["reports"].column_dimensions["I"].width > book["reports"].column_dimensions["D"].width

    about = book[ABOUT_SHEET]
    assert about.freeze_panes == "A2"
    listed = {row[1]: row for row in about.iter_rows(min_row=2, max_row=len(names) + 1, values_only=True)}
    assert listed.keys() == names.keys()
    assert listed["reports"][3] == result.counts["reports"]
    assert "is_current" in listed["reports"][4]  # the table's Chinese comment


def test_xlsx_types_survive(warehouse: Path, tmp_path: Path) -> None:
    export(warehouse, tmp_path, "xlsx")
    book = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME)
    header = [c.value for c in book["reports"][1]]
    row = next(book["reports"].iter_rows(min_row=2, values_only=True))
    rec = dict(zip(header, row, strict=True))
    assert isinstance(rec["是否为该机关该年度应使用的报告（is_current）"], bool)
    assert isinstance(rec["落款日期（published_on）"], dt.datetime)  # a real date, not text
    assert isinstance(rec["报告所涉年度（year）"], int)
    big = [r for r in book["report_panel"].iter_rows(min_row=2, values_only=True) if 3_000_000_000 in r]
    assert big, "large counts stay numbers, exactly"
    yoy = book["yoy_requests"]
    col = [c.value for c in yoy[1]].index("增幅（pct_change）") + 1
    assert yoy.cell(row=2, column=col).number_format == "0.0%"


def test_xlsx_splits_a_relation_over_the_row_limit(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i, '行' || range AS s FROM range(7)")
        con.execute("CREATE TABLE a_table_whose_name_is_longer_than_excel_allows AS SELECT 1 AS x")
        con.execute("CREATE TABLE big AS SELECT range AS i FROM range(10)")
        con.execute("CREATE VIEW v AS SELECT i FROM t WHERE i < 2")
    out = tmp_path / "w.xlsx"
    result = export_xlsx(wh, out, max_rows_per_sheet=3, max_sheets_per_relation=3)
    book = openpyxl.load_workbook(out)
    by_name = {r.name: r for r in result.relations}
    assert by_name["t"].sheets == ["t", "t_2", "t_3"]
    assert [book[s].max_row - 1 for s in by_name["t"].sheets] == [3, 3, 1]
    assert [
        r[0] for s in by_name["t"].sheets for r in book[s].iter_rows(min_row=2, values_only=True)
    ] == list(range(7))
    assert all(book[s].freeze_panes == "A2" for s in by_name["t"].sheets)
    assert "分为 3 个工作表" in by_name["t"].note
    # 10 rows need 4 sheets of 3: more than allowed, so left out, and the index says why
    assert by_name["big"].sheets == [] and "big" not in book.sheetnames
    assert "csv" in by_name["big"].note
    long_sheet = by_name["a_table_whose_name_is_longer_than_excel_allows"].sheets[0]
    assert len(long_sheet) == 31 and long_sheet in book.sheetnames
    about = {row[1]: row for row in book[ABOUT_SHEET].iter_rows(min_row=2, max_row=5, values_only=True)}
    assert about["big"][0] == "（未写入）" and "csv" in about["big"][5]
    assert about["t"][0] == "t、t_2、t_3"
    assert book.sheetnames[:2] == [ABOUT_SHEET, "v"]  # views first


def test_xlsx_row_limit_is_excels() -> None:
    assert EXCEL_MAX_ROWS == 2**20


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute(
            "CREATE TABLE t AS SELECT * FROM (VALUES ('=1+1', 'http://example.invalid/x', NULL, 'nan'::DOUBLE)) "
            "AS v(f, u, n, d)"
        )
    export_xlsx(wh, tmp_path / "w.xlsx")
    row = next(openpyxl.load_workbook(tmp_path / "w.xlsx")["t"].iter_rows(min_row=2, values_only=True))
    assert row == ("=1+1", "http://example.invalid/x", None, "nan")


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "label"),
    [
        ("机关标识：去除空白后的机关名称 sha1 前 12 位（名称缺失时由文件哈希派生）", "机关标识"),
        ("机关名称（报告落款或标题所载，去除空白）", "机关名称"),
        ("处理时间（UTC）", "处理时间（UTC）"),
        ("所在县（市、区），未知为空", "所在县（市、区）"),
        ("行键（如 new_received 本年新收申请数量、granted 予以公开），中文见 dictionary", "行键"),
    ],
)
def test_short_label(comment: str, label: str) -> None:
    assert short_label(comment) == label


# --- the command -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_cli_export(warehouse: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["export", "--format", fmt, "--out", str(out), "--warehouse", str(warehouse)]) == 0
    printed = capsys.readouterr().out
    assert "report_panel" in printed and "reports" in printed
    names = _names(warehouse)
    if fmt == "xlsx":
        assert sorted(os.listdir(out)) == [WORKBOOK_NAME]
        assert set(names) <= set(openpyxl.load_workbook(out / WORKBOOK_NAME, read_only=True).sheetnames)
    else:
        assert sorted(p.stem for p in out.iterdir()) == sorted(names)


def test_cli_export_without_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["export", "--format", "csv", "--out", str(tmp_path), "--warehouse", str(tmp_path / "no.duckdb")]
    )
    assert code == 1
    assert "xxgk run" in capsys.readouterr().err

"""Two numbers stacked in one table cell are not one number (issue 13: never store a token spanning cells).

A lost row rule in a PDF lattice merges two rows' cells, a web page puts "19<br>0" or two
<p> in one td, a DOCX cell has two paragraphs: joined without a separator, "19" over "0"
became the wrong number 190. Each reader now marks such a cell (``readers.cell_text``) and
the parser leaves it null with the reason ``stacked_values``, naming the cell. Only a PDF
can show a single number wrapped because its cell is too narrow; that one is joined.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import STACKED
from pipeline.parsing import parse_file
from pipeline.parsing.cells import cells_from_segment, classify
from pipeline.readers.cell_text import stacked, wrapped
from pipeline.readers.html import table_cells, table_grid
from pipeline.samples.generate import random_record
from pipeline.samples.render_docx import render_docx
from pipeline.samples.render_html import render_html, report_spec
from pipeline.samples.render_pdf_drawn import options, render_drawn_pdf
from pipeline.samples.requests_table import requests_html
from pipeline.samples.tables_html import Stacked
from pipeline.template import REQUEST_COLUMNS, rows

ROW, COL = "granted", "natural_person"


def _record(seed: int, value) -> dict:
    rec = random_record(random.Random(seed), template="2021")
    rec["requests"][ROW][COL] = value
    return rec


def _assert_stacked_null(out: dict, truth: dict) -> None:
    """The stacked cell is null with ``stacked_values`` on it; every other request cell is exact."""
    assert out["requests"][ROW][COL] is None, f"stacked cell read as {out['requests'][ROW][COL]!r}"
    where = f"requests.{ROW}.{COL}"
    mine = [i for i in out["issues"] if i["where"] == where]
    codes = [i["code"] for i in mine]
    assert "stacked_values" in codes and "cell_missing" not in codes, mine
    assert "'19' over '0'" in mine[codes.index("stacked_values")]["detail"]
    for key, row in truth["requests"].items():
        for col in REQUEST_COLUMNS:
            if (key, col) != (ROW, COL):
                assert out["requests"][key][col] == row[col], (key, col)


def test_html_td_with_br_is_null_with_reason(tmp_path: Path) -> None:
    rec = _record(3, Stacked((19, 0)))
    raw = render_html(rec, seed=3)
    assert b"19<br>0" in raw
    path = tmp_path / "r.html"
    path.write_bytes(raw)
    _assert_stacked_null(parse_file(path), rec)


def test_html_td_with_two_paragraphs_is_null(tmp_path: Path) -> None:
    rec = _record(4, Stacked((19, 0)))
    raw = render_html(rec, seed=4).replace(b"19<br>0", b"<p>19</p><p>0</p>")
    path = tmp_path / "r.html"
    path.write_bytes(raw)
    _assert_stacked_null(parse_file(path), rec)


def test_html_reader_marks_the_cell() -> None:
    table = lxml.html.fragment_fromstring(
        "<table><tr><td>规章</td><td>19<br>0</td><td>1,234</td><td>其<br>他</td></tr>"
        "<tr><td>x</td><td>22<br>（其中修订16件）</td><td></td><td></td></tr></table>")
    grid = table_grid(table)
    assert grid[0] == ["规章", f"19{STACKED}0", "1,234", "其他"]
    assert grid[1][1] == "22（其中修订16件）"  # a value with its note: read as before


def test_docx_cell_with_two_paragraphs_is_null_with_reason(tmp_path: Path) -> None:
    rec = _record(5, Stacked((19, 0)))
    path = render_docx(rec, tmp_path / "r.docx")
    _assert_stacked_null(parse_file(path), rec)


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_pdf_cell_with_two_lines_is_null_with_reason(tmp_path: Path, align: str) -> None:
    """The drawn PDF prints "19" and "0" as two lines of one value cell (as a lost row rule leaves them)."""
    rec = _record(6, Stacked((19, 0)))
    opts = dataclasses.replace(options(random.Random(6), rec), align=align)
    path = render_drawn_pdf(rec, tmp_path / "r.pdf", random.Random(6), opts)
    _assert_stacked_null(parse_file(path), rec)


@pytest.mark.parametrize("align", ["left", "center", "right"])
@pytest.mark.parametrize("pt", [7.5, 9.0])
def test_pdf_long_number_wrapped_in_narrow_cell_is_right_or_null(tmp_path: Path, align: str, pt: float) -> None:
    """A number too long for its cell wraps onto a second line: read whole, or null — never a wrong number."""
    value = 987654321098765
    rec = _record(7, value)
    opts = dataclasses.replace(options(random.Random(7), rec), align=align, table_pt=pt, group_w=24.0, sub_w=40.0)
    path = render_drawn_pdf(rec, tmp_path / "r.pdf", random.Random(7), opts)
    import pymupdf

    with pymupdf.open(path) as doc:  # the number did wrap: its digits lie on several lines, none whole
        lines = ["".join(s["text"] for s in ln["spans"]) for page in doc
                 for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])]
    assert str(value) not in lines and str(value)[:5] in "".join(lines)
    assert any(str(value).startswith(ln) and len(ln) > 1 for ln in lines)
    out = parse_file(path)
    assert out["requests"][ROW][COL] in (value, None)
    assert out["requests"][ROW][COL] == value  # the wrap is recognised here: each line fills the cell


def test_wrapped_geometry() -> None:
    """The wrap test on boxes: a line that fills the cell wraps; a short one does not, however aligned."""
    cell = (100.0, 0.0, 140.0, 30.0)  # 40 pt wide
    full = [((101.5, 2.0, 138.0, 11.0), "1234567"), ((101.5, 13.0, 112.0, 22.0), "890")]
    assert wrapped(full, cell)
    for x0 in (101.5, 114.0, 127.0):  # "19" left, centred, right in a 40 pt cell
        assert not wrapped([((x0, 2.0, x0 + 11.0, 11.0), "19"), ((x0, 13.0, x0 + 5.5, 22.0), "0")], cell)
    far = [((101.5, 2.0, 138.0, 11.0), "1234567"), ((101.5, 25.0, 112.0, 34.0), "890")]
    assert not wrapped(far, cell)  # a row apart, not a line apart
    signed = [((101.5, 2.0, 138.0, 11.0), "1234567"), ((101.5, 13.0, 112.0, 22.0), "-89")]
    assert not wrapped(signed, cell)  # a sign starts a value of its own


def test_stacked_rule_and_parser_cell() -> None:
    assert stacked(["19", "0"]) and stacked(["1,234", "5"])
    assert not stacked(["19"]) and not stacked(["22", "（其中修订16件）"]) and not stacked(["其", "他"])
    cell = classify(f"19{STACKED}0")
    assert cell is not None and not isinstance(cell, str) and cell.value is None and cell.reason == "stacked_values"
    seg = cells_from_segment(f"规章 19{STACKED}0 5")  # untabbed: still one null cell, not 19 and 0
    assert [c.value for c in seg.cells] == [None, 5]


ROWS_2021 = rows("requests", "2021")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), fmt=st.sampled_from(["html", "docx", "pdf"]),
       row=st.sampled_from(ROWS_2021), col=st.sampled_from(REQUEST_COLUMNS),
       upper=st.integers(0, 999), lower=st.integers(0, 999))
def test_property_stacked_cell_is_null_and_no_other_cell_is_wrong(tmp_path: Path, seed: int, fmt: str, row: str,
                                                                 col: str, upper: int, lower: int) -> None:
    """Any request cell printed with two values stacked: that cell null, every other one exact or null, never wrong."""
    rec = random_record(random.Random(seed), template="2021")
    rec["requests"][row][col] = Stacked((upper, lower))
    path = tmp_path / f"r{seed}.{fmt}"
    if fmt == "html":
        path.write_bytes(render_html(rec, seed=seed))
    elif fmt == "docx":
        render_docx(rec, path)
    else:
        render_drawn_pdf(rec, path, random.Random(seed))
    out = parse_file(path)
    assert out["requests"][row][col] is None
    assert any(i["code"] == "stacked_values" and i["where"] == f"requests.{row}.{col}" for i in out["issues"])
    for key, cols in rec["requests"].items():
        for c, truth in cols.items():
            if (key, c) != (row, col):
                assert out["requests"][key][c] in (truth, None), (key, c)


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_pdf_lost_row_rule_leaves_both_rows_null(tmp_path: Path, align: str) -> None:
    """The rule between two rows lost across the value columns: each merged cell holds two rows' values.

    The lattice sees one cell over both rows; its two numbers (a row apart) are not one
    number: the upper row's cells are null with ``stacked_values``, the lower row's null
    (covered), and no other cell of the table is wrong.
    """
    rng = random.Random(8)
    rec = random_record(rng, template="2021")
    for col in REQUEST_COLUMNS:  # short values, far from filling their cells
        rec["requests"]["granted"][col] = rng.randint(10, 99)
        rec["requests"]["partially_granted"][col] = rng.randint(0, 9)
    root = lxml.html.fragment_fromstring(requests_html(report_spec(rec), "t3"), create_parent="div")
    cells, _, _ = table_cells(next(root.iter("table")))
    lost = next(r for r, _c, _rs, _cs, text in cells if "部分公开" in text)
    opts = dataclasses.replace(options(random.Random(8), rec), align=align, lost_rule=lost, break_before=None)
    out = parse_file(render_drawn_pdf(rec, tmp_path / "r.pdf", random.Random(8), opts))
    for col in REQUEST_COLUMNS:
        assert out["requests"]["granted"][col] is None, (col, out["requests"]["granted"][col])
        assert out["requests"]["partially_granted"][col] is None
        assert any(i["code"] == "stacked_values" and i["where"] == f"requests.granted.{col}" for i in out["issues"])
    for key, cols in rec["requests"].items():
        for c, truth in cols.items():
            assert out["requests"][key][c] in (truth, None), (key, c)

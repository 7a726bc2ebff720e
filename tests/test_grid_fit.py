"""Grid rows are read by position: a covered value slot never lets values slide a column."""

from __future__ import annotations

from pipeline import template as tpl
from pipeline.document import TableGrid
from pipeline.parsing import tables

KEY = tpl.rows("requests", "2021")[0]


def _row(label: str, *slots: str | None) -> list[str | None]:
    return [label, *slots]


def _read(row: list[str | None]) -> list[int | None]:
    grid = TableGrid(page=1, rows=[row])
    found = tables.requests_from_grid(tables.grid_rows([grid]), "2021", (KEY,))
    return [None if c is None else c.value for c in found[KEY].cells]


def test_a_covered_value_slot_is_null_and_shifts_nothing() -> None:
    # an empty sub-label cell, then seven value columns; the third is covered by a cell running down
    row = _row("一、本年新收政府信息公开申请数量", "", "11", "22", None, "44", "55", "66", "77")
    assert _read(row) == [None] * 7


def test_a_label_spanning_two_columns_keeps_every_value() -> None:
    row = _row("一、本年新收政府信息公开申请数量", None, "11", "22", "33", "44", "55", "66", "77")
    assert _read(row) == [11, 22, 33, 44, 55, 66, 77]


def test_a_full_row_is_read_as_before() -> None:
    row = _row("一、本年新收政府信息公开申请数量", "", "11", "22", "33", "44", "55", "66", "77")
    assert _read(row) == [11, 22, 33, 44, 55, 66, 77]


def test_a_value_spanning_two_grid_columns_is_read() -> None:
    # a converter's grid is the union of every row's column edges: a data cell may span two
    row = _row("一、本年新收政府信息公开申请数量", "11", None, "22", "33", "44", "55", "66", "77")
    assert _read(row) == [11, 22, 33, 44, 55, 66, 77]


def _read_ocr(labels: list[str], ocr: bool = True) -> dict:
    keys = tpl.rows("requests", "2019")
    rows = [[label, "0", "0", "0", "0", "0", str(k + 1), str(k + 1)] for k, label in enumerate(labels)]
    found = tables.requests_from_grid(tables.grid_rows([TableGrid(page=1, rows=rows, ocr=ocr)]), "2019", keys)
    return {key: ([c.value for c in row.cells], [code for code, _ in row.issues]) for key, row in found.items()}


def test_an_ocr_row_label_with_one_character_misread_still_names_its_row() -> None:
    """OCR read （六）其他处理 as （六）其他外理: the row was lost (null, row_missing). One Chinese
    character off a label of at least four, in one of the next rows and no other: that row,
    with a label_misread warning. Not for a text layer's row, nor a short label (信访)."""
    labels = ["5．要求行政机关确认或重新出具已获取信息", "（六）其他外理", "（七）总计"]
    found = _read_ocr(labels)
    assert found["other_processing"] == ([0, 0, 0, 0, 0, 2, 2], ["label_misread"])
    assert found["total_processed"][0][-1] == 3
    assert "other_processing" not in _read_ocr(labels, ocr=False)
    # two characters off: no row
    assert "other_processing" not in _read_ocr(["5．要求行政机关确认或重新出具已获取信息", "（六）其化外理"])
    from pipeline.parsing.labels import misread_row

    keys = tpl.rows("requests", "2019")
    petition = keys.index("not_processed_petition")
    assert misread_row("1．信仿举报投诉类申请", keys, petition) == (petition, "信访举报投诉")
    assert misread_row("1．信仿", keys, petition) is None  # only the short variant 信访 is near
    assert misread_row("1．信仿举报投诉类申请", keys, petition - 3) is None  # not among the next three rows
    twice = ("other_processing", "other_processing")
    assert misread_row("（六）其他外理", twice, 0) is None  # two rows would match: neither
    assert misread_row("（六）其他外理", twice[:1], 0) == (0, "其他处理")


def test_a_trailing_empty_cell_never_shifts_the_row() -> None:
    """Regression (a web page's table whose row carries one empty cell too many at its end, as
    CMS editors and Word's HTML leave them): the row was read from its last seven cells, every
    value one column to the left (结转下年度 自然人 blank → 0, 法律服务机构 0 → 50; 267 wrong
    cells over 30 generated pages with four such rows each). Now a grid row with more cells than
    columns is read only from its one reading that drops empty cells at either end."""
    # the first value is blank: dropping the trailing cell or the leading one reads differently
    row = _row("一、本年新收政府信息公开申请数量", "", "0", "0", "0", "0", "50", "50", "")
    assert _read(row) == [None] * 7
    # the first value is printed: the only reading drops the trailing empty cell
    row = _row("一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "50", "53", "")
    assert _read(row) == [3, 0, 0, 0, 0, 50, 53]
    # an empty sub-label column in front, the total printed: one reading
    row = _row("一、本年新收政府信息公开申请数量", "", "3", "0", "0", "0", "0", "50", "53")
    assert _read(row) == [3, 0, 0, 0, 0, 50, 53]

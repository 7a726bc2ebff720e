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

"""Every cell says how it was read and where: the record's ``cell_methods`` and the ``method`` and
``page`` columns of request_cells, article20_cells and review_litigation_cells."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from factories import query
from test_warehouse import build

from pipeline.parsing import parse_file
from pipeline.parsing.cells import METHODS
from pipeline.samples.generate import random_record
from pipeline.samples.layouts import LAYOUTS
from pipeline.validation import records_to_frames, validate_frames
from pipeline.validation.frames import CELL_METHODS

TABLES = ("article20", "requests", "review_litigation")


def _parsed(tmp_path: Path, layout: str, seed: int, **kw) -> dict:
    rec = random_record(random.Random(seed), **kw)
    return parse_file(LAYOUTS[layout].render(rec, tmp_path, seed))


def _methods(rec: dict) -> Counter:
    return Counter(v["method"] for v in rec["cell_methods"].values())


def test_one_vocabulary() -> None:
    assert METHODS == CELL_METHODS


def test_every_value_has_a_method_and_page_and_no_null_has_one(tmp_path: Path) -> None:
    rec = _parsed(tmp_path, "text:flat", 3, blank_rate=0.2)
    for table in TABLES:
        for row, cols in rec[table].items():
            for col, value in cols.items():
                where = f"{table}.{row}.{col}"
                if value is None and where not in rec["derived"]:
                    assert where not in rec["cell_methods"], where
                else:
                    assert rec["cell_methods"][where]["method"] in METHODS
                    assert rec["cell_methods"][where]["page"] == (None if value is None else 1)


def test_methods_follow_how_the_table_was_read(tmp_path: Path) -> None:
    assert set(_methods(_parsed(tmp_path, "html:utf-8", 1))) == {"grid"}
    assert set(_methods(_parsed(tmp_path, "text:tab", 2))) == {"delimited"}
    solved = _parsed(tmp_path, "text:runtogether", 5, large=False)
    assert _methods(solved)["solved"] > 0
    solved_rows = {w.rsplit(".", 1)[0] for w, v in solved["cell_methods"].items() if v["method"] == "solved"}
    recovered = {i["where"] for i in solved["issues"] if i["code"] == "recovered_from_sums"}
    assert solved_rows <= recovered | {"review_litigation.litigation_direct", "review_litigation.litigation_after_review"}


def test_derived_cells_are_marked_derived(tmp_path: Path) -> None:
    for seed in range(40):
        rec = _parsed(tmp_path, "text:flat", seed, blank_rate=0.1)
        if rec["derived"]:
            assert all(rec["cell_methods"][w]["method"] == "derived" for w in rec["derived"])
            return
    raise AssertionError("no generated report had a derivable cell")


def test_pdf_cells_carry_their_page(tmp_path: Path) -> None:
    rec = _parsed(tmp_path, "pdf:story", 4)
    pages = {v["page"] for v in rec["cell_methods"].values()}
    assert None not in pages and len(pages) >= 2  # the tables span pages
    assert _methods(rec).keys() <= {"grid", "delimited"}


def test_method_and_page_reach_the_warehouse(tmp_path: Path) -> None:
    records = [_parsed(tmp_path, "text:runtogether", 5, large=False), _parsed(tmp_path, "html:utf-8", 1)]
    result = validate_frames(records_to_frames(records))
    assert result.quarantined == {}
    path = tmp_path / "w" / "xxgk.duckdb"
    build(path, records)
    for table, (row, col) in (("request_cells", ("row_key", "column_key")),
                              ("article20_cells", ("item_key", "measure_key")),
                              ("review_litigation_cells", ("proceeding_key", "result_key"))):
        got = query(path, f"SELECT report_id, {row}, {col}, method, page, value, derived FROM {table}")
        prefix = {"request_cells": "requests", "article20_cells": "article20",
                  "review_litigation_cells": "review_litigation"}[table]
        by_id = {r["report_id"]: r for r in records}
        for rid, r, c, method, page, value, derived in got.iter_rows():
            want = by_id[rid]["cell_methods"].get(f"{prefix}.{r}.{c}")
            if value is None and not derived:
                assert (method, page) == (None, None)
            else:
                assert (method, page) == (want["method"], want["page"]), (table, r, c)
    methods = set(query(path, "SELECT DISTINCT method FROM request_cells WHERE method IS NOT NULL")["method"])
    assert {"solved", "grid"} <= methods


def test_a_record_without_cell_methods_says_what_it_carries(tmp_path: Path) -> None:
    rec = _parsed(tmp_path, "pdf:story", 4)
    rec.pop("cell_methods")
    rec["source"]["ocr"] = True
    frames = records_to_frames([rec])["request_cells"]
    given = frames.filter(frames["value"].is_not_null())
    assert set(given["method"]) == {"ocr"}
    spans = isinstance(rec["table_pages"]["requests"], list)
    assert set(given["page"]) == ({None} if spans else {rec["table_pages"]["requests"]})


def test_a_bad_method_or_page_is_dropped_not_trusted(tmp_path: Path) -> None:
    rec = _parsed(tmp_path, "text:flat", 3)
    where = "requests.new_received.total"
    rec["cell_methods"][where] = {"method": "guessed", "page": -2}
    frames = records_to_frames([rec])
    row = frames["request_cells"].filter((frames["request_cells"]["row_key"] == "new_received")
                                         & (frames["request_cells"]["column_key"] == "total"))
    assert row.select("method", "page").row(0) == (None, None)
    assert validate_frames(frames).quarantined == {}

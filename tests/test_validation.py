"""records_to_frames and validate_frames: exact rows, nulls kept, bad reports quarantined whole."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import pytest
from factories import fake_sha256, make_record, two_year_corpus

from pipeline import template
from pipeline.validation import FRAME_SCHEMAS, records_to_frames, validate_frames
from pipeline.validation.schemas import FrameShapeError


def cell(frames: dict[str, pl.DataFrame], table: str, report_id: str, a: str, b: str) -> pl.DataFrame:
    keys = {"request_cells": ("row_key", "column_key"), "article20_cells": ("item_key", "measure_key"),
            "review_litigation_cells": ("proceeding_key", "result_key")}[table]  # fmt: skip
    return frames[table].filter(pl.col("report_id") == report_id, pl.col(keys[0]) == a, pl.col(keys[1]) == b)


def test_every_template_cell_gets_a_row_and_nulls_stay_null() -> None:
    record = make_record(
        new_received={"natural_person": 2**40, "commercial": 3},
        overrides={
            "requests.new_received.total": None,
            "derived": {"requests.new_received.total": {"value": 2**40 + 3, "from": "sum of the six"}},
            "review_litigation.review.upheld": None,
            "requests.granted.research": "/",
        },
    )
    frames = records_to_frames([record])
    rid = record["report_id"]

    assert frames["request_cells"].height == len(template.rows("requests", "2021")) * 7 == 175
    assert frames["article20_cells"].height == 10
    assert frames["review_litigation_cells"].height == 15
    assert {name: frames[name].schema for name in FRAME_SCHEMAS} == {
        name: pl.Schema(schema) for name, schema in FRAME_SCHEMAS.items()
    }

    total = cell(frames, "request_cells", rid, "new_received", "total").row(0, named=True)
    assert total["value"] is None and total["derived"] is True and total["derived_value"] == 2**40 + 3
    person = cell(frames, "request_cells", rid, "new_received", "natural_person").row(0, named=True)
    assert person == {"report_id": rid, "row_key": "new_received", "column_key": "natural_person",
                      "value": 2**40, "derived": False, "derived_value": None,
                      # no provenance in the record: the method is unknown, the page the table's
                      "method": None, "page": 3}  # fmt: skip
    assert cell(frames, "request_cells", rid, "granted", "research")["value"].to_list() == [None]
    assert cell(frames, "review_litigation_cells", rid, "review", "upheld")["value"].to_list() == [None]
    # exactly the three nulls the record has, nothing filled with 0 and nothing else nulled
    assert frames["request_cells"]["value"].null_count() == 2
    assert frames["review_litigation_cells"]["value"].null_count() == 1
    assert cell(frames, "request_cells", rid, "granted", "natural_person")["value"].to_list() == [3]

    fees = cell(frames, "article20_cells", rid, "administrative_fees", "amount_10k_yuan").row(0, named=True)
    assert fees["value"] == 1.25 and fees["unit"] == "万元"

    disclosure = dict(frames["active_disclosure"].select("category", "count").iter_rows())
    assert disclosure == {"工作动态": 37, "通知公告": 13, "total": 50}

    report = frames["reports"].row(0, named=True)
    assert report["published_on"] == dt.date(2025, 1, 15)
    assert (report["year"], report["template"], report["status"], report["is_current"]) == (
        2024,
        "2021",
        "ok",
        True,
    )
    assert report["sha256"] == record["source"]["sha256"] and report["page_requests"] == 3

    checks = (
        frames["check_results"].filter(pl.col("rule") == "requests.balance.natural_person").row(0, named=True)
    )
    assert checks["column_key"] == "natural_person" and checks["origin"] == "record"

    agency = frames["agencies"].row(0, named=True)
    # the id hashes the canonical key (米易县's division code, then the town), not the spelling
    assert agency["agency_id"] == hashlib.sha1("510421:丙谷镇".encode()).hexdigest()[:12]
    assert agency["level"] == "town" and agency["county"] == "米易县" and agency["adcode"] == "510421"

    result = validate_frames(frames)
    assert result.quarantined == {} and result.failure_cases.height == 0
    assert result.frames["request_cells"].height == 175


def test_2019_format_keys_units_and_negative_change() -> None:
    record = make_record("米易县人民政府", 2020, town=None, tpl="2019")
    frames = records_to_frames([record])
    rid = record["report_id"]
    assert frames["request_cells"].height == 23 * 7
    assert set(frames["request_cells"]["row_key"]) == set(template.rows("requests", "2019"))
    assert cell(frames, "article20_cells", rid, "administrative_licensing", "change")["value"].to_list() == [
        -2.0
    ]
    amount = cell(frames, "article20_cells", rid, "centralized_procurement", "amount").row(0, named=True)
    assert (amount["value"], amount["unit"]) == (251000.0, "元")
    assert frames["agencies"]["level"].to_list() == ["county"]
    assert validate_frames(frames).quarantined == {}


def test_unit_printed_in_the_value_is_kept() -> None:
    record = make_record(
        tpl="2019", overrides={"article20.centralized_procurement.amount": "3.5万元", "units": {}}
    )
    frames = records_to_frames([record])
    row = cell(frames, "article20_cells", record["report_id"], "centralized_procurement", "amount").row(
        0, named=True
    )
    assert (row["value"], row["unit"]) == (3.5, "万元")


def test_non_reports_produce_no_rows_and_no_figure_means_no_disclosure_rows() -> None:
    records = [
        make_record(status="not_a_report", path="a.txt"),
        make_record(status="unreadable", path="b.txt"),
        make_record(active_total=None, path="c.txt"),
        make_record(active_total=None, by_category={"工作动态": 4}, path="d.txt"),
    ]
    frames = records_to_frames(records)
    assert frames["reports"]["source_path"].to_list() == ["c.txt", "d.txt"]
    assert set(frames["request_cells"]["report_id"]) == set(frames["reports"]["report_id"])
    disclosure = frames["active_disclosure"].select("report_id", "category", "count").rows()
    rid_d = records[3]["report_id"]
    assert disclosure == [(rid_d, "工作动态", 4), (rid_d, "total", None)]


def test_agency_ids_levels_and_nameless_reports() -> None:
    records = [
        make_record("米易县 丙谷镇人民政府", 2023, path="x1.txt"),
        make_record("米易县丙谷镇人民政府", 2024, path="x2.txt"),
        make_record("攀枝花市人民政府", 2024, county=None, town=None, path="x3.txt"),
        make_record("四川省人民政府", 2024, city=None, county=None, town=None, path="x4.txt"),
        make_record("攀枝花市财政局", 2024, county=None, town=None, path="x5.txt"),
        make_record(None, 2024, province=None, city=None, county=None, town=None, path="x6.txt"),
        make_record(None, 2024, province=None, city=None, county=None, town=None, path="x7.txt"),
    ]
    frames = records_to_frames(records)
    reports = frames["reports"]
    assert reports.filter(pl.col("source_path").is_in(["x1.txt", "x2.txt"]))["agency_id"].n_unique() == 1
    levels = dict(frames["agencies"].select("name", "level").drop_nulls("name").iter_rows())
    assert levels == {"米易县丙谷镇人民政府": "town", "攀枝花市人民政府": "city", "四川省人民政府": "province",
                      "攀枝花市财政局": "department"}  # fmt: skip
    nameless = frames["agencies"].filter(pl.col("name").is_null())
    assert nameless.height == 2 and nameless["level"].to_list() == ["unknown", "unknown"]
    assert reports["agency_id"].null_count() == 0
    assert set(reports["agency_id"]) == set(frames["agencies"]["agency_id"])
    assert validate_frames(frames).quarantined == {}


def test_is_current_prefers_latest_publication_then_later_path() -> None:
    records = [
        make_record(year=2024, published_on="2025-01-20", path="data/raw/a.txt"),
        make_record(year=2024, published_on="2025-02-01", path="data/raw/b.txt"),
        make_record(year=2024, published_on=None, path="data/raw/c.txt"),
        make_record(year=2023, published_on=None, path="data/raw/d.txt"),
        make_record(year=2023, published_on=None, path="data/raw/e.txt"),
    ]
    current = dict(records_to_frames(records)["reports"].select("source_path", "is_current").iter_rows())
    assert current == {"data/raw/a.txt": False, "data/raw/b.txt": True, "data/raw/c.txt": False,
                       "data/raw/d.txt": False, "data/raw/e.txt": True}  # fmt: skip


def test_same_file_twice_is_one_report_with_an_issue() -> None:
    first = make_record(path="data/raw/a.txt")
    second = make_record(path="data/raw/a.txt")
    second["source"]["path"] = "data/raw/copy_of_a.txt"
    frames = records_to_frames([first, second])
    assert frames["reports"].height == 1 and frames["request_cells"].height == 175
    assert frames["issues"].select("code", "detail").row(0) == (
        "duplicate_file",
        "the same file is also at data/raw/copy_of_a.txt",
    )


BROKEN = {
    "negative count": (
        {"requests.granted.natural_person": -1},
        "request_cells.value failed greater_than_or_equal_to(0)",
    ),
    "unknown status": ({"status": "maybe"}, "reports.status failed isin"),
    "bad sha256": ({"source.sha256": "xyz"}, "reports.sha256 failed str_matches"),
    "year out of range": ({"year": 1900}, "reports.year failed in_range"),
    "unknown row key": ({"requests.granted_maybe": {"total": 1}}, "request_cells.row_key failed isin"),
    "unreadable cell": (
        {"requests.granted.total": "abc"},
        "fatal issue value_unreadable at requests.granted.total",
    ),
    "negative fee": ({"article20.administrative_fees.amount_10k_yuan": -3}, "value >= 0"),
    "ok without template": ({"template": None}, "status 'ok' requires a year and a template"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_report_is_quarantined_whole_and_others_stay(case: str) -> None:
    overrides, reason = BROKEN[case]
    good = make_record("米易县丙谷镇人民政府", 2023, path="data/raw/good.txt")
    bad = make_record("米易县丙谷镇人民政府", 2024, path="data/raw/bad.txt", overrides=overrides)
    lone = make_record(
        "米易县草场镇人民政府", 2024, town="草场镇", path="data/raw/lone_bad.txt", overrides=overrides
    )
    result = validate_frames(records_to_frames([good, bad, lone]))

    bad_ids = {bad["report_id"], lone["report_id"]}
    assert set(result.quarantined) == bad_ids
    assert all(reason in result.quarantined[rid] for rid in bad_ids), result.quarantined
    for name, frame in result.frames.items():
        if name != "agencies":
            assert not set(frame["report_id"]) & bad_ids, name
    assert result.frames["reports"]["report_id"].to_list() == [good["report_id"]]
    assert result.frames["request_cells"].height == 175
    # 草场镇 lost its only report, so it has no agency row either
    assert result.frames["agencies"]["name"].to_list() == ["米易县丙谷镇人民政府"]
    assert set(result.failure_cases["report_id"]) == bad_ids
    assert result.failure_cases.columns == ["schema", "column", "check", "failure_case", "report_id"]


def test_malformed_records_are_quarantined_never_raised() -> None:
    good = make_record(path="data/raw/good.txt")
    odd_blocks = {
        "region": "四川",
        "derived": ["x"],
        "units": 7,
        "table_pages": {"requests": [4, 3], "article20": "p2"},
    }
    odd_types = make_record(2**3, path="data/raw/odd.txt", overrides=odd_blocks)
    exploding = make_record(path="data/raw/boom.txt", overrides={"checks": 5})
    no_source = make_record(path="data/raw/nosource.txt", overrides={"source": "data/raw/nosource.txt"})
    frames = records_to_frames([good, odd_types, exploding, no_source])
    result = validate_frames(frames)

    assert result.frames["reports"]["source_path"].to_list() == ["data/raw/good.txt", "data/raw/odd.txt"]
    assert result.frames["agencies"].filter(pl.col("name") == "8")["level"].to_list() == ["unknown"]
    odd = result.frames["reports"].filter(pl.col("source_path") == "data/raw/odd.txt").row(0, named=True)
    assert (odd["page_requests"], odd["page_article20"], odd["page_review_litigation"]) == (3, None, None)
    assert "fatal issue record_malformed" in result.quarantined[exploding["report_id"]]
    assert "TypeError" in result.quarantined[exploding["report_id"]]
    assert not (frames["request_cells"]["report_id"] == exploding["report_id"]).any()  # rolled back
    assert "reports.sha256" in result.quarantined[no_source["report_id"]]


def test_change_may_be_negative_only_in_2019_change_measure() -> None:
    ok = make_record(tpl="2019", path="a.txt", overrides={"article20.administrative_penalty.change": -40})
    bad = make_record(tpl="2019", path="b.txt", overrides={"article20.administrative_penalty.decisions": -1})
    result = validate_frames(records_to_frames([ok, bad]))
    assert list(result.quarantined) == [bad["report_id"]]


def test_quarantine_recomputes_is_current() -> None:
    older = make_record(year=2024, published_on="2025-01-10", path="a.txt")
    newer = make_record(
        year=2024, published_on="2025-03-01", path="b.txt", overrides={"requests.granted.total": -5}
    )
    frames = records_to_frames([older, newer])
    assert frames["reports"].filter(pl.col("is_current"))["source_path"].to_list() == ["b.txt"]
    result = validate_frames(frames)
    assert result.frames["reports"].select("source_path", "is_current").rows() == [("a.txt", True)]


def test_empty_corpus_and_missing_frames_validate_cleanly() -> None:
    result = validate_frames(records_to_frames([]))
    assert result.quarantined == {} and all(f.height == 0 for f in result.frames.values())
    assert set(result.frames) == set(FRAME_SCHEMAS)
    partial = validate_frames({"reports": records_to_frames([make_record()])["reports"]})
    assert partial.frames["reports"].height == 1 and partial.frames["request_cells"].height == 0


def test_orphan_rows_condemn_their_report() -> None:
    frames = records_to_frames([make_record()])
    orphan = frames["issues"].vstack(pl.DataFrame(
        {"report_id": ["ffffffffffffffff"], "severity": ["warning"], "code": ["x"], "where": [None], "detail": [None]},
        schema=FRAME_SCHEMAS["issues"],
    ))  # fmt: skip
    result = validate_frames({**frames, "issues": orphan})
    assert list(result.quarantined) == ["ffffffffffffffff"]
    assert "report_id in reports" in result.quarantined["ffffffffffffffff"]
    assert result.frames["reports"].height == 1 and result.frames["issues"].height == 0


def test_malformed_frame_raises_instead_of_quarantining_everything() -> None:
    frames = records_to_frames([make_record()])
    with pytest.raises(FrameShapeError, match="request_cells"):
        validate_frames({**frames, "request_cells": frames["request_cells"].drop("derived")})


@pytest.mark.parametrize("name", sorted(FRAME_SCHEMAS))
def test_every_schema_is_strict_a_column_it_does_not_name_is_refused(name: str) -> None:
    # pandera reads only a Config's own attributes: strictness inherited from a shared base
    # class was silently off once; every model must say it itself.
    frames = records_to_frames([make_record()])
    with pytest.raises(FrameShapeError, match=name):
        validate_frames({**frames, name: frames[name].with_columns(pl.lit(1).alias("unexpected"))})


def test_corpus_validates_and_fake_sha_is_hex() -> None:
    assert len(fake_sha256("a")) == 64
    result = validate_frames(records_to_frames(two_year_corpus()))
    assert result.quarantined == {}
    assert result.frames["reports"].height == 7 and result.frames["reports"]["is_current"].sum() == 6

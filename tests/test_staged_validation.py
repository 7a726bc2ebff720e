"""validate_staged: staged record chunks, validated in batches, give what validating all records at once gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest
from factories import make_record

from pipeline.ledger.staging import Staging, decode_record
from pipeline.validation import FRAME_SCHEMAS, records_to_frames, validate_frames
from pipeline.validation.staged import validate_staged


def _records() -> list[dict]:
    towns = [("米易县丙谷镇人民政府", "丙谷镇"), ("米易县草场镇人民政府", "草场镇"), ("米易县白马镇人民政府", "白马镇")]
    records = [
        make_record(agency, year, town=town, path=f"data/raw/{town}-{year}.txt")
        for agency, town in towns
        for year in (2022, 2023, 2024)
    ]
    bad = {
        "negative": {"requests.granted.natural_person": -1},
        "unreadable": {"requests.granted.total": "abc"},
        "unknown_row": {"requests.granted_maybe": {"total": 1}},
        "malformed": {"checks": 5},
        "derived_and_strings": {
            "requests.new_received.total": None,
            "requests.granted.research": "/",
            "derived": {"requests.new_received.total": {"value": 8, "from": "sum of the six"}},
        },
    }
    for i, (name, overrides) in enumerate(bad.items()):
        records.append(make_record("米易县丙谷镇人民政府", 2010 + i, path=f"data/raw/{name}.txt", overrides=overrides))
    records.append(make_record(status="not_a_report", path="data/raw/letter.txt"))
    random.Random(3).shuffle(records)  # bad records in several chunks, an agency's years across chunks
    return records


def _staged(frames_dir: Staging, name: str) -> pl.DataFrame:
    parts = frames_dir.frame_parts(name)
    if not parts:
        return pl.DataFrame(schema=FRAME_SCHEMAS[name])
    return pl.concat([pl.read_parquet(p) for p in parts])


def _rows(frame: pl.DataFrame) -> list[tuple]:
    return sorted(frame.rows(), key=repr)


@pytest.mark.parametrize("batch_rows", [1, 1000, 10**9])  # a batch per chunk, per two chunks, one batch
def test_batches_validate_like_the_whole_corpus_at_once(tmp_path: Path, batch_rows: int) -> None:
    records = _records()
    staging = Staging(tmp_path / "staging")
    with staging.record_writer(chunk_size=3) as writer:
        for record in records:
            writer.add(record)
    assert len(staging.record_chunks()) == 5

    found = validate_staged(staging, batch_rows=batch_rows)
    reports = [r for r in records if r["status"] in ("ok", "incomplete")]
    expected = validate_frames(records_to_frames(reports))

    assert found.quarantined == expected.quarantined
    assert len(found.quarantined) == 4  # the derived value and the dash are fine
    paths = {r["report_id"]: r["source"]["path"] for r in records}
    assert found.report_paths == {rid: paths[rid] for rid in found.quarantined}
    assert set(found.failure_cases["report_id"]) == set(expected.quarantined)
    for name in FRAME_SCHEMAS:
        if name == "agencies":
            continue  # not staged: publishing recomputes the agencies of the whole warehouse
        staged = _staged(staging, name)
        want = expected.frames[name]
        if name == "reports":  # versions are numbered per batch here, over the warehouse at publishing
            staged, want = staged.drop("version", "is_current"), want.drop("version", "is_current")
        assert staged.schema == want.schema, name
        assert _rows(staged) == _rows(want), name
        assert found.rows.get(name, 0) == want.height, name


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, -2, 0, 2**63 - 1, -(2**63), 2**64 - 1]},
        {"big": 2**64, "small": -(2**63) - 1, "huge": 10**40},  # beyond 64 bits: orjson would give floats
        {"nan": float("nan"), "inf": float("inf"), "minus_inf": float("-inf")},  # json.dumps writes NaN, Infinity
        {"f": [0.1, 1e-320, 1.7976931348623157e308, -0.0, 3.0, 251000.0, 1.25]},
        {"text": "米易县丙谷镇人民政府 — “quoted” \\ \t\u2028", "none": None, "t": True},
        {"id": "1234567890123456789 in a string is read the slow way, the same"},
    ],
)
def test_decode_record_reads_every_line_as_json_does(value: dict) -> None:
    line = (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")
    got, want = decode_record(line), json.loads(line)
    assert repr(got) == repr(want)  # repr: types too (an int is not a float), and nan equals nan

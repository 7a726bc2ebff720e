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
from pipeline.validation.staged import StagedValidator, ValidationAlongside, validate_staged


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


@pytest.mark.parametrize("alongside", [False, True], ids=["after", "alongside"])
@pytest.mark.parametrize("batch_rows", [1, 1000, 10**9])  # a batch per chunk, per two chunks, one batch
def test_batches_validate_like_the_whole_corpus_at_once(tmp_path: Path, batch_rows: int, alongside: bool) -> None:
    """After the records are staged (validate_staged) or while they are (ValidationAlongside):
    the same verdicts and frames as validating every record at once."""
    records = _records()
    staging = Staging(tmp_path / "staging")
    beside = ValidationAlongside(staging, batch_rows=batch_rows) if alongside else None
    with staging.record_writer(chunk_size=3, on_chunk=beside.chunk_closed if beside else None) as writer:
        for record in records:
            writer.add(record)
    assert len(staging.record_chunks()) == 5

    found = beside.finish() if beside else validate_staged(staging, batch_rows=batch_rows)
    assert found is not None
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


@pytest.mark.parametrize("expected", [None, "all"])
def test_with_the_records_to_come_known_only_the_last_chunk_waits_for_the_end(tmp_path: Path, expected: str | None) -> None:
    """Told how many records the run stages, the validator validates each chunk as it comes
    once only one chunk is still to come: what is left for ``finish`` (after the last file is
    read) is the last chunk, not a whole batch. The verdicts stay those of one batch."""
    records = _records()
    staging = Staging(tmp_path / "staging")
    with staging.record_writer(chunk_size=3) as writer:
        for record in records:
            writer.add(record)
    chunks = staging.record_chunks()
    validator = StagedValidator(staging, batch_rows=10**9, chunk_records=3,
                                expected_records=len(records) if expected else None)
    for chunk in chunks[:-1]:
        validator.add(chunk)
    written = staging.frame_parts("reports")
    assert (len(written) == 1) if expected else not written  # the batch of the first chunks, or nothing yet
    validator.add(chunks[-1])
    found = validator.finish()
    one_batch = validate_staged(Staging(tmp_path / "staging"), batch_rows=10**9)
    assert set(found.quarantined) == set(one_batch.quarantined) and len(found.quarantined) == 4
    # (agencies are counted per batch: publishing recomputes them over the warehouse)
    assert {k: v for k, v in found.rows.items() if k != "agencies"} == {
        k: v for k, v in one_batch.rows.items() if k != "agencies"}


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


def test_the_writer_hands_over_each_chunk_once_complete(tmp_path: Path) -> None:
    staging = Staging(tmp_path / "staging")
    seen: list[tuple[str, int]] = []
    with staging.record_writer(chunk_size=3, on_chunk=lambda p: seen.append((p.name, len(p.read_bytes().splitlines())))) as w:
        for record in _records()[:7]:
            w.add(record)
        assert seen == [("part-00001.jsonl", 3), ("part-00002.jsonl", 3)]  # the third is still open
    assert seen[-1] == ("part-00003.jsonl", 1) and len(seen) == 3


def test_a_failure_alongside_is_handed_back_as_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in validating while reading never fails the reading step nor loses a verdict:
    ``finish`` says None, and the caller validates the staged chunks itself."""
    staging = Staging(tmp_path / "staging")
    calls: list[Path] = []

    def broken(self: StagedValidator, chunk: Path) -> None:
        calls.append(chunk)
        raise ValueError("flattening bug")

    monkeypatch.setattr(StagedValidator, "add", broken)
    beside = ValidationAlongside(staging)
    with staging.record_writer(chunk_size=3, on_chunk=beside.chunk_closed) as writer:
        for record in _records():
            writer.add(record)
    assert beside.finish() is None
    assert isinstance(beside.error, ValueError)
    assert len(calls) == 1  # the chunks after the failure are not worked on
    monkeypatch.undo()
    assert len(validate_staged(staging).quarantined) == 4  # the staged records are all still there

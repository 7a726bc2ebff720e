"""``cell_methods`` as runs in staging (pipeline.ledger.cell_runs): the same record back, the same frames.

The run-length form is only how a run stages records; nothing may read differently through it:
``expand`` gives back exactly the ``cell_methods`` compacted, and the cell frames built from a
staged record equal the ones built from the parser's record, cell for cell (method, page,
values), whatever the entries (page None, OCR-marked, derived, unknown methods, bad pages,
keys outside the template, entries of another shape).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
from factories import make_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import records

from pipeline import template
from pipeline.ingest.encoded import JSON_KEY, parse_encoded
from pipeline.ledger import cell_runs
from pipeline.ledger.staging import Staging
from pipeline.parsing import parse_file
from pipeline.samples.generate import random_record
from pipeline.samples.layouts import LAYOUTS
from pipeline.validation import records_to_frames, validate_frames
from pipeline.validation.frames import CELL_METHODS

CELL_FRAMES = ("request_cells", "article20_cells", "review_litigation_cells")


def _json(value: object) -> object:
    """What a value is after staging: JSON out and back."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _staged_back(record: dict) -> dict:
    """The record as validated_frames reads it: staged, written as JSON, decoded."""
    return _json(cell_runs.staged(record))  # type: ignore[return-value]


def _cell_keys(tpl: str) -> list[str]:
    return [k for table in cell_runs.TABLES for k in cell_runs.cell_keys(table, tpl)]


methods = st.sampled_from([*CELL_METHODS, None, "guessed", ""])
pages = st.one_of(st.none(), st.integers(-3, 40), st.just(True))
entries = st.one_of(
    st.fixed_dictionaries({"method": methods, "page": pages}),  # what the parser writes (and bad ones)
    st.fixed_dictionaries({"method": methods, "page": pages, "note": st.just("x")}),  # another shape
    st.fixed_dictionaries({"page": pages}),
    st.sampled_from(["grid", None, 3, ["ocr", 1]]),  # not a mapping at all
)


@st.composite
def cell_methods_for(draw, tpl: str) -> dict:
    """Entries on a random share of the template's cells, mostly in row-long runs as the parser
    gives them, plus now and then a key outside the template."""
    keys = _cell_keys(tpl)
    out: dict = {}
    plain = st.fixed_dictionaries({"method": st.sampled_from(CELL_METHODS), "page": st.one_of(st.none(), st.integers(1, 9))})
    current = draw(plain)
    for key in keys:
        roll = draw(st.integers(0, 19))
        if roll < 3:
            continue  # a null cell: no entry
        if roll < 5:
            current = draw(plain)  # a new run
        out[key] = dict(current) if roll < 18 else draw(entries)
    for key in draw(st.lists(st.sampled_from(["requests.extra_row.total", "article20.x.y", "odd", "requests.granted"]),
                             max_size=3)):
        out[key] = draw(entries)
    return out


@settings(max_examples=80, deadline=None)
@given(data=st.data(), tpl=st.sampled_from(template.TEMPLATES))
def test_expand_gives_back_exactly_what_was_compacted(data: st.DataObject, tpl: str) -> None:
    original = data.draw(cell_methods_for(tpl))
    runs = cell_runs.compact(original, tpl)
    assert runs is not None
    assert cell_runs.expand(_json(runs), tpl) == _json(original)  # type: ignore[arg-type]


def test_a_page_none_an_ocr_and_a_derived_cell_round_trip() -> None:
    original = {
        "requests.new_received.total": {"method": "grid", "page": None},
        "requests.new_received.natural_person": {"method": "ocr", "page": 3},
        "requests.carried_forward.total": {"method": "derived", "page": None},
        "review_litigation.review.total": {"method": "ocr", "page": 4},
    }
    runs = _json(cell_runs.compact(original, "2021"))
    assert cell_runs.expand(runs, "2021") == original  # type: ignore[arg-type]
    assert runs[cell_runs.OTHER] == {}  # type: ignore[index]  # all four said by runs


def test_runs_of_a_parsed_report_are_few_and_stage_less_than_half_the_bytes(tmp_path: Path) -> None:
    rec = parse_file(LAYOUTS["pdf:story"].render(random_record(random.Random(11)), tmp_path, 11))
    assert rec["status"] in ("ok", "incomplete") and rec["cell_methods"]
    staged = cell_runs.staged(rec)
    assert "cell_methods" not in staged and "cell_methods" in rec  # the caller's record is untouched
    assert sum(len(staged[cell_runs.KEY][t]) for t in cell_runs.TABLES) < 20
    assert len(json.dumps(staged, ensure_ascii=False)) < 0.5 * len(json.dumps(rec, ensure_ascii=False))
    assert cell_runs.restored(_staged_back(rec)) == _json(rec)


def test_a_record_without_a_known_template_is_staged_as_it_is() -> None:
    rec = make_record(tpl=None, overrides={"cell_methods": {"requests.granted.total": {"method": "grid", "page": 1}}})
    assert cell_runs.staged(rec) is rec
    rec = make_record(overrides={"cell_methods": ["not", "a", "dict"]})
    assert cell_runs.staged(rec) is rec


def _frames_equal(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].equals(b[name], null_equal=True), name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), base=records(), ocr=st.booleans(), with_derived=st.booleans())
def test_frames_from_a_staged_record_equal_the_parsers(data: st.DataObject, base: dict, ocr: bool,
                                                        with_derived: bool) -> None:
    rec = make_record(tpl=base["template"])
    for key in ("template", "article20", "requests", "review_litigation"):
        rec[key] = base[key]
    rec["source"]["ocr"] = ocr
    rec["cell_methods"] = data.draw(cell_methods_for(rec["template"]))
    if with_derived:  # a derived total: the cell-by-cell path, through the expanded runs
        rec["requests"]["new_received"]["total"] = None
        rec["derived"] = {"requests.new_received.total": {"value": 7, "from": "sum"}}
        rec["cell_methods"]["requests.new_received.total"] = {"method": "derived", "page": None}
    want = records_to_frames([_json(rec)])
    got = records_to_frames([_staged_back(rec)])
    _frames_equal(got, want)
    assert not got["issues"].filter(pl.col("code") == "record_malformed").height


def test_frames_of_parsed_reports_are_the_same_through_staging(tmp_path: Path) -> None:
    recs = [parse_file(LAYOUTS[layout].render(random_record(random.Random(seed), blank_rate=0.1), tmp_path, seed))
            for seed, layout in enumerate(["pdf:story", "text:runtogether", "html:utf-8", "text:cells"])]
    assert {v["method"] for r in recs for v in r["cell_methods"].values()} >= {"grid", "delimited"}
    want = records_to_frames(recs)
    got = records_to_frames([_staged_back(r) for r in recs])
    _frames_equal(got, want)
    assert validate_frames(got).quarantined == {}


def test_runs_written_for_another_cell_order_quarantine_the_report_not_misplace_it() -> None:
    rec = make_record(overrides={"cell_methods": {"requests.granted.total": {"method": "grid", "page": 1}}})
    staged = _staged_back(rec)
    staged[cell_runs.KEY]["layout"] = "2021:00000000"  # type: ignore[index]  # another template's cell order
    frames = records_to_frames([staged])
    assert frames["reports"].height == 0 and frames["request_cells"].height == 0
    (issue,) = frames["issues"].filter(pl.col("code") == "record_malformed").iter_rows(named=True)
    assert "do not follow template" in issue["detail"]
    assert validate_frames(frames).quarantined  # the report is held back, with the reason


def test_runs_that_do_not_cover_the_template_are_refused() -> None:
    rec = make_record(overrides={"cell_methods": {"requests.granted.total": {"method": "grid", "page": 1}}})
    staged = _staged_back(rec)
    staged[cell_runs.KEY]["requests"].append(1)  # type: ignore[index]
    frames = records_to_frames([staged])
    assert frames["reports"].height == 0
    assert "cover" in frames["issues"].filter(pl.col("code") == "record_malformed")["detail"][0]


def test_a_staging_line_is_the_parsers_record_with_cell_methods_as_runs(tmp_path: Path) -> None:
    seed = sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("*.txt"))[0]
    summary = parse_encoded(seed, sha256="ab" * 32)
    full = parse_file(seed, sha256="ab" * 32)
    staging = Staging(tmp_path / "staging")
    with staging.record_writer() as writer:
        writer.add(summary)
        writer.add(full)  # a record handed to the writer whole is staged the same way
    (chunk,) = staging.record_chunks()
    lines = Staging.read_records(chunk)
    assert lines[0] == lines[1] == json.loads(summary[JSON_KEY])
    assert cell_runs.KEY in lines[0] and "cell_methods" not in lines[0]
    assert cell_runs.restored(lines[0]) == _json(full)

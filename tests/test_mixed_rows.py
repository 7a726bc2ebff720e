"""Reports whose request table mixes the formats: a 2021 table that kept the 2019 single row
（六）其他处理 (real 2021 reports do this), or a 2019 table printing the three 2021 sub-rows.

What the page prints is kept under the printed row's own key; the template's own rows of
that group stay null with an issue, and the outcome checks sum what was printed.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import template as tpl
from pipeline.parsing import parse_file
from pipeline.parsing.checks import request_checks
from pipeline.parsing.labels import other_group_shown
from pipeline.samples.generate import random_record
from pipeline.samples.layouts import LAYOUTS
from tests.realworld import compare, truth_items

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# layouts that render quickly and show every cell (PDF, OCR and LibreOffice are covered by bench_accuracy)
FAST = sorted(n for n, lay in LAYOUTS.items() if lay.exact and lay.reader in ("text", "html", "docx"))


def _mixed(seed: int, template: str, blanks: float = 0.0) -> dict:
    return random_record(random.Random(seed), template=template, other_rows_of=tpl.other_template(template),
                         blank_rate=blanks)


def test_generator_prints_the_other_group_consistently() -> None:
    rec = _mixed(7, "2021")
    assert list(rec["requests"]) == list(tpl.record_request_rows("2021", "2019"))
    assert all(v is None for k in tpl.OTHER_GROUP["2021"] for v in rec["requests"][k].values())
    assert tpl.printed_group(rec["requests"], "2021") == "2019"
    assert all(c["ok"] is not False for c in request_checks(rec["requests"], "2021"))
    assert all(c["ok"] is True for c in request_checks(rec["requests"], "2021") if ".outcomes." in c["rule"])


@SETTINGS
@given(seed=st.integers(0, 2**32), template=st.sampled_from(tpl.TEMPLATES), layout=st.sampled_from(FAST),
       blanks=st.sampled_from([0.0, 0.1]))
def test_mixed_rows_are_kept_as_printed(tmp_path: Path, seed: int, template: str, layout: str, blanks: float) -> None:
    rec = _mixed(seed, template, blanks)
    got = parse_file(LAYOUTS[layout].render(rec, tmp_path, seed % 1000))
    assert got["template"] == template
    assert got["requests"] == rec["requests"]
    own = tpl.OTHER_GROUP[template]
    flagged = {i["where"] for i in got["issues"] if i["code"] == "row_not_printed"}
    if tpl.printed_group(rec["requests"], template) != template:
        assert flagged == {f"requests.{k}" for k in own}
    if blanks == 0.0:  # complete tables: the outcome checks are evaluated on the printed row(s), and hold
        outcomes = [c for c in got["checks"] if c["rule"].startswith("requests.outcomes.")]
        assert outcomes and all(c["ok"] is True for c in outcomes), outcomes


def test_outcome_check_uses_the_printed_row_and_can_fail() -> None:
    rec = _mixed(3, "2021")
    req = {r: dict(v) for r, v in rec["requests"].items()}
    req["other_processing"]["natural_person"] += 1
    failed = {c["rule"] for c in request_checks(req, "2021") if c["ok"] is False}
    assert "requests.outcomes.natural_person" in failed


def test_the_group_is_told_by_the_labels_not_the_template() -> None:
    assert other_group_shown("（六）其他处理 0 0 0 0 0 0 0 （七）总计") == "2019"
    assert other_group_shown("（六）其他处理 1.申请人无正当理由逾期不补正 0 0") == "2021"
    assert other_group_shown("（七）总计 1 2") is None  # no label shows it: the parser decides


def test_the_parser_never_maps_the_2019_row_onto_a_2021_key(tmp_path: Path) -> None:
    rec = _mixed(11, "2021")
    got = parse_file(LAYOUTS["text:flat"].render(rec, tmp_path, 11))
    for key in tpl.OTHER_GROUP["2021"]:
        assert set(got["requests"][key].values()) == {None}
    assert got["requests"]["other_processing"] == rec["requests"]["other_processing"]


@pytest.mark.parametrize("item", ["hongze-2023"])
def test_real_2021_report_with_the_2019_row(item: str) -> None:
    """The real WPS PDF whose 2021 table prints （六）其他处理: every request cell right."""
    _, truth, raw = next(i for i in truth_items() if i[0] == item)
    got = parse_file(raw)
    score = compare({"requests": got["requests"]}, {"requests": truth["requests"]})
    assert (score.wrong, score.missing, score.invented) == ([], [], [])
    assert got["requests"]["other_processing"] == truth["requests"]["other_processing"]


@pytest.mark.parametrize("seed", [32048, 32011, 32017])
def test_a_lost_group_label_is_told_by_the_sums(tmp_path: Path, seed: int) -> None:
    """``lostlabels`` of a 2021 report that keeps the 2019 （六）其他处理 row, the row's label among
    those lost: no word on the page tells the group, the 2021 sub-rows were expected, and the
    gap before （七）总计 held one line for three rows, so no row placed by the template's order
    was confirmed (before: 42-56 cells null a report, other_processing among them). The other
    format's group is read too, and kept when the sums confirm every row with it."""
    rec = random_record(random.Random(seed), template="2021", other_rows_of="2019")
    text_path = LAYOUTS["text:lostlabels"].render(rec, tmp_path, seed)
    text = text_path.read_text(encoding="utf-8")
    assert "其他处理" not in text  # the group's label is among the lost ones
    got = parse_file(text_path)
    assert got["requests"]["other_processing"] == rec["requests"]["other_processing"]
    for key, row in rec["requests"].items():
        for col, value in row.items():
            assert got["requests"][key][col] in (None, value), (key, col)
    assert got["requests"] == rec["requests"]

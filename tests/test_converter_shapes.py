"""Text that real converters make of a report's tables: every cell right or null.

Each shape below came from running real tools (pandoc, pdftotext, pdfplumber, markitdown,
pymupdf4llm) over generated reports and reading their output; each printed wrong numbers
before the change its test names, and each is rebuilt here from a generated report with
random numbers, so the numbers differ from run to run and never come from a sample.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parsing import parse_file
from pipeline.samples.generate import random_record
from pipeline.samples.render_text import render_text

TABLES = ("article20", "requests", "review_litigation")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _cells(rec: dict) -> dict[str, object]:
    return {f"{t}.{r}.{c}": v for t in TABLES for r, cols in (rec.get(t) or {}).items() for c, v in cols.items()}


def _wrong(tmp_path: Path, rec: dict, text: str) -> tuple[dict, dict]:
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    got = parse_file(path)
    truth = _cells(rec)
    return {k: (v, truth.get(k)) for k, v in _cells(got).items() if v is not None and v != truth.get(k)}, got


def _plain(tab_text: str) -> str:
    """pandoc's plain-text table: cells apart by spaces, a blank cell just missing, a dashed rule
    above the first row and below the last row of each table."""
    out: list[str] = []
    inside = False
    for line in tab_text.split("\n"):
        if "\t" in line:
            if not inside:
                out.append("  ".join("-" * 8 for _ in line.split("\t")))
            out.append("   ".join(c for c in line.split("\t") if c))
            inside = True
        else:
            if inside:
                out.append("-" * 60)
            out.append(line)
            inside = False
    return "\n".join(out)


@SETTINGS
@given(seed=st.integers(0, 2**32), blanks=st.sampled_from([0.1, 0.3]))
def test_a_dashed_rule_line_is_no_row_of_blank_marks(tmp_path: Path, seed: int, blanks: float) -> None:
    """pandoc -t plain/markdown: the rule under a table's last row ("-------") was read as a
    row of blank marks ("-" is one), so the last row with a blank cell got its count back
    and was read left to right, every value after the blank one column off (504 wrong cells
    over 50 documents). A line drawn of dashes is now no row's cells."""
    rec = random_record(random.Random(seed), blank_rate=blanks)
    wrong, _ = _wrong(tmp_path, rec, _plain(render_text(rec, "tab", seed)))
    assert not wrong


def _wrapped(flat_text: str, rng: random.Random) -> str:
    """pdftotext -layout / pdfplumber: a number too wide for its cell printed with its last
    digits on the next line ("… 0 10720" over "5")."""
    out: list[str] = []
    for line in flat_text.split("\n"):
        m = re.search(r"(\d{3,})$", line)
        if m and re.search(r"[\u4e00-\u9fff]", line) and rng.random() < 0.5:
            k = rng.randint(1, len(m.group(1)) - 1)
            out += [line[: m.end() - k], line[m.end() - k :]]
        else:
            out.append(line)
    return "\n".join(out)


@SETTINGS
@given(seed=st.integers(0, 2**32), blanks=st.sampled_from([0.0, 0.1, 0.3]))
def test_a_number_wrapped_onto_the_next_line_is_never_read_as_two(tmp_path: Path, seed: int, blanks: float) -> None:
    """The wrapped tail became one more value: with a blank cell in the row (a "-" the
    converter printed, or none at all) the count came out right and the row was read with the
    number cut in two. A row whose values stand on its label's line and below it is now null
    (``cells_wrapped``): the tokens' order is not certain to be the columns' order."""
    rng = random.Random(seed)
    rec = random_record(rng, blank_rate=blanks)
    flat = render_text(rec, "flat", seed)
    if blanks:  # pdftotext prints no mark in a blank cell
        flat = re.sub(r"(?<=\s)-(?=\s|$)", "", flat, flags=re.M)
    wrong, got = _wrong(tmp_path, rec, _wrapped(flat, rng))
    assert not wrong


def test_a_tall_row_printed_over_two_lines_is_null(tmp_path: Path) -> None:
    """pdftotext -layout on a browser's PDF: a tall row's cells vertically centred at two heights,
    "1．本机关不掌握相关政府信息  0 0 20 0 0" over "110878 … 110898": every sum held, the values
    were in the wrong columns."""
    rec = random_record(random.Random(9), template="2021", large=False)
    lines = render_text(rec, "flat", 9).split("\n")
    at = next(i for i, line in enumerate(lines) if "1.本机关不掌握" in line)
    words = lines[at].split(" ")
    label, values = words[:-7], words[-7:]
    lines[at : at + 1] = [" ".join([*label, *values[1:5]]), " ".join([values[0], *values[5:]])]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["unavailable_not_held"].values()) == {None}
    assert any(i["code"] == "cells_wrapped" for i in got["issues"])


@SETTINGS
@given(seed=st.integers(0, 2**32), shift=st.sampled_from([-1, 1]), blanks=st.sampled_from([0.1, 0.3]))
def test_a_header_one_column_off_its_rows_places_nothing_by_it(tmp_path: Path, seed: int, shift: int,
                                                               blanks: float) -> None:
    """Text copied from a web page or a document drops a merged cell's fields, so the header
    line (自然人 …) can stand a column off the data rows; a row whose first or last cell is
    blank then fitted the header's columns shifted (520 wrong cells over 30 documents). A row
    is placed by the header's columns only when its line has as many fields as the header's."""
    rec = random_record(random.Random(seed), blank_rate=blanks)
    lines = render_text(rec, "tab", seed).split("\n")
    k = next(i for i, line in enumerate(lines) if "自然人" in line and "\t" in line)
    lines[k] = "\t" + lines[k] if shift > 0 else lines[k].removeprefix("\t")
    wrong, _ = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong


def test_a_review_row_wider_than_its_columns_with_an_empty_field_inside_is_null(tmp_path: Path) -> None:
    """An HTML→markdown tool expands a header's colspan into an empty field inside the review
    row ("| 31 | 49 | 56 | 0 | 136 | | 0 | …"); its true blank (the last cell) was taken for the
    padding and dropped, and every litigation value moved one column right."""
    rec = random_record(random.Random(24), template="2021", large=False)
    rec["review_litigation"]["litigation_after_review"]["total"] = None
    text = render_text(rec, "tab", 24)
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("四、")) + 1
    k = next(i for i in range(at, len(lines)) if lines[i].count("\t") >= 13 and re.search(r"\d", lines[i]))
    fields = lines[k].split("\t")
    lines[k] = "\t".join([*fields[:5], "", *fields[5:]])
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong


def test_a_long_dashed_line_that_is_no_rule_is_rejected_at_once() -> None:
    """A rule-line pattern whose dash runs could split anywhere backtracked exponentially on a
    long dashed line that does not end as a rule (5 s at 48 dashes, minutes at pandoc's widths):
    a parse hung. Each run must now be followed by a separator."""
    import time

    from pipeline.parsing.cells import _RULE_LINE

    for line in ("-" * 400 + "x", "--- " * 300 + "x", "+" + "-----+" * 200 + "x"):
        t0 = time.perf_counter()
        assert _RULE_LINE.fullmatch(line) is None
        assert time.perf_counter() - t0 < 0.1
    for rule in ("-" * 400, "-----  -----  ----", "+-----+-----+", "=====", "---:|:---"):
        assert _RULE_LINE.fullmatch(rule)

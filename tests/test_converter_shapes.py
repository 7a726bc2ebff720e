"""Text that real converters make of a report's tables: every cell right or null.

Each shape below came from running real tools (pandoc, pdftotext, pdfplumber, markitdown,
pymupdf4llm) over generated reports and reading their output; each printed wrong numbers
before the change its test names, and each is rebuilt here from a generated report with
random numbers, so the numbers differ from run to run and never come from a sample.
"""

from __future__ import annotations

import random
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import template as tpl
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


# ---- PDF-to-markdown converters (markitdown, pymupdf4llm): the ``pdfmarkdown`` layout -------------


@SETTINGS
@given(seed=st.integers(0, 2**32), blanks=st.sampled_from([0.0, 0.1, 0.3]))
@example(seed=29, blanks=0.1)  # a running header over a row, "…政府202|5|年度…": "5" was read as a value
# 行政许可 alone on its line under its values, then 其他对外管理服务事项 with its label cut into fields
# ("|其他<br>项|对外管理服||务事|0|16|213934|"): its numbers were read as 行政许可's
@example(seed=6153868, blanks=0.0)
# 三、…（一）予以公开 overprinted by a running header, its own numbers not readable, then （二）部分公开
# with its label shredded ("|三、本<br>办<br>二）部分<br>…|"): its numbers were read as 予以公开's
@example(seed=40433, blanks=0.1)
def test_pdf_markdown_tables_are_right_or_null(tmp_path: Path, seed: int, blanks: float) -> None:
    """markitdown and pymupdf4llm over 100 generated PDFs printed 799 and 155 wrong cells: a
    number's last digits on a pipe row of their own or after ``<br>``, two numbers in one field,
    padding columns, a header cut over rows, one table cut into markdown tables of their own
    columns. ``pdfmarkdown`` rebuilds every one of those shapes with random numbers, and the
    page's running header printed over a row (its pieces after ``<br>`` in the row's cells)."""
    rec = random_record(random.Random(seed), blank_rate=blanks, large=seed % 2 == 0)
    wrong, _ = _wrong(tmp_path, rec, render_text(rec, "pdfmarkdown", seed))
    assert not wrong


def _overprinted_report(rec: dict, header: str, standalone: int) -> tuple[str, list[str]]:
    """``rec`` as markdown whose 2.其他法律行政法规禁止公开 row has ``header`` printed over it, its
    cells taking a piece each (a blank one its piece alone), and ``header`` on ``standalone``
    lines of its own; with the row's printed values."""
    lines = render_text(rec, "markdown", 0).split("\n")
    i = _row_at(lines, "其他法律行政法规禁止公开")
    fields = lines[i].strip().strip("|").split("|")
    n = len(fields)
    cuts = [round(k * len(header) / n) for k in range(n + 1)]
    pieces = [header[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    lines[i] = "|" + "|".join(f"{f.strip()}<br>{p}" if f.strip() else p for f, p in zip(fields, pieces, strict=True)) + "|"
    return "\n".join([header] * standalone + lines), [f.strip() for f in fields[-7:]]


def test_a_running_header_printed_over_a_row_is_taken_out_of_its_cells(tmp_path: Path) -> None:
    """pymupdf4llm over a browser-printed page whose header fell on a table row: each cell ends
    with a piece of the header after ``<br>`` ("|0<br>信息公开工|"). Where the pieces, read
    across, spell a line the document prints elsewhere, they are taken out and the row reads
    as printed; where they spell nothing printed elsewhere, the row is left as it was."""
    rng = random.Random(7)
    rec = random_record(rng, template="2021", blank_rate=0.0)
    header = f"{rec['agency']}{rec['year']}年度政府信息公开工作年度报告_{rec['agency']}"
    text, values = _overprinted_report(rec, header, standalone=2)
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    row = got["requests"]["denied_law_prohibited"]
    assert [str(v) for v in row.values()] == values
    text, _ = _overprinted_report(rec, header, standalone=0)  # no running line to match: as before
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert all(v is None for v in got["requests"]["denied_law_prohibited"].values())


def test_a_review_row_with_merged_fields_is_read_when_its_three_sums_hold(tmp_path: Path) -> None:
    """markitdown merged section 四's neighbouring cells ("| 1 1 | 0 | 0 2 | 4 0 | …"): taken apart,
    exactly 15 numbers in order, and each group's 总计 the sum of its four parts, the row is
    read; one sum failing (a field may hold another row's number) leaves it null."""
    rec = random_record(random.Random(17), template="2021", blank_rate=0.0)
    rl = rec["review_litigation"]
    values = [str(rl[g][c]) for g in ("review", "litigation_direct", "litigation_after_review")
              for c in ("upheld", "corrected", "other", "pending", "total")]
    lines = render_text(rec, "markdown", 0).split("\n")
    row = max(i for i, line in enumerate(lines) if line.startswith("|") and line.count("|") >= 15)
    merged = [f"{values[0]} {values[1]}", values[2], f"{values[3]} {values[4]}", *values[5:]]
    lines[row] = "| " + " | ".join(merged) + " |"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["review_litigation"] == rl
    merged[1] = str(int(values[2]) + 1)  # the review group's sum no longer holds
    lines[row] = "| " + " | ".join(merged) + " |"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for g in got["review_litigation"].values() for v in g.values())


def test_a_label_cut_into_two_fields_line_by_line_is_read_across(tmp_path: Path) -> None:
    """pymupdf4llm split a wrapped label's lines at a gap into two fields ("1.申请人无<br>期不补正<br>…|
    正当理由逾<br>、行政机关不<br>…"), or at two gaps into three ("二、上年<br>请数量|结转政|府信息公开申"):
    read line by line across the fields, it is the row's label and the row is read. Two fields that are labels on their own (a group's and its item's)
    are never read across."""
    rec = random_record(random.Random(3), template="2021", blank_rate=0.0)
    lines = render_text(rec, "markdown", 0).split("\n")
    i = _row_at(lines, "逾期不补正")
    fields = lines[i].strip().strip("|").split("|")
    k = next(j for j, f in enumerate(fields) if "逾期不补正" in f)
    label = fields[k].strip()
    rows = [label[j : j + 7] for j in range(0, len(label), 7)]
    left = "<br>".join(r[:4] for r in rows)
    right = "<br>".join(r[4:] for r in rows if r[4:])
    lines[i] = "|" + "|".join([*fields[:k], left, right, *fields[k + 1 :]]) + "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["other_overdue_correction"] == rec["requests"]["other_overdue_correction"]
    from pipeline.parsing.normalize import _interleaved_label

    group_and_item = ["（三）不<br>予公开", "1.属于国家秘<br>密", "0", "1"]
    assert _interleaved_label(group_and_item) == group_and_item
    # cut at two gaps: "二、上年<br>请数量|结转政|府信息公开申", the label's second line short
    j = _row_at(lines, "上年结转")
    fields = lines[j].strip().strip("|").split("|")
    k = next(n for n, f in enumerate(fields) if "上年结转" in f)
    label = fields[k].strip()
    line1, line2 = label[:-3], label[-3:]
    cut = [line1[:4], line1[4:7], line1[7:]]
    lines[j] = "|" + "|".join([*fields[:k], f"{cut[0]}<br>{line2}", cut[1], cut[2], *fields[k + 1 :]]) + "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["carried_over"] == rec["requests"]["carried_over"]


def test_a_small_tables_first_row_with_its_label_printed_after_it_is_read(tmp_path: Path) -> None:
    """markitdown printed a tall row's label after the row, outside the table: "|  | 396 | 0 | 181 |"
    then "行政许可" on a line of its own, right under the small table's header. The row above a
    label standing alone, with an empty first field and exactly its columns' numbers, and
    nothing but the header between it and the table's heading, is that label's."""
    rec = random_record(random.Random(19), template="2019", blank_rate=0.0)
    a20 = rec["article20"]
    lines = render_text(rec, "markdown", 0).split("\n")
    i = _row_at(lines, "行政许可")
    fields = lines[i].strip().strip("|").split("|")
    lines[i : i + 1] = ["|" + "|".join([" ", *fields[1:]]) + "|", "行政许可"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"]["administrative_licensing"] == a20["administrative_licensing"]
    j = _row_at(lines, "其他对外管理服务事项")  # the second row so: the first row's label stands above it
    fields = lines[j].strip().strip("|").split("|")
    lines[j : j + 1] = ["|" + "|".join([" ", *fields[1:]]) + "|", "其他对外管理服务事项"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for v in got["article20"]["other_external_services"].values())


def test_a_rows_label_line_without_values_never_takes_the_next_numbered_rows(tmp_path: Path) -> None:
    """A row whose own line holds no number (its fields taken by a page header printed over it),
    followed by a line whose label was not found ("7.属执法 | 于行案卷 | 政": cut by a converter):
    that line's numbers, after another item's number, are never this row's (they were read as
    6.属于四类过程性信息's)."""
    rec = random_record(random.Random(23), template="2021", blank_rate=0.0)
    lines = render_text(rec, "markdown", 0).split("\n")
    i = _row_at(lines, "属于四类过程性信息")
    fields = lines[i].strip().strip("|").split("|")
    k = next(n for n, f in enumerate(fields) if "过程性" in f)
    lines[i] = "|" + "|".join([*fields[: k + 1], *(f"{v.strip()}报告" for v in fields[k + 1 :])]) + "|"
    j = _row_at(lines, "属于行政执法案卷")
    fields = lines[j].strip().strip("|").split("|")
    k = next(n for n, f in enumerate(fields) if "执法" in f)
    lines[j] = "|" + "|".join([*fields[:k], "7.属执法", "于行案卷", *fields[k + 1 :]]) + "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for v in got["requests"]["denied_process_info"].values())


def _padded_article20(text: str, pad_at: int, stray: str | None = None) -> str:
    """``text`` (the ``markdown`` layout) with an empty padding field after the ``pad_at``-th value
    field of every row of section 二's tables, header included, as markitdown prints a Word PDF's
    tables ("| 行政许可 | 396 |  | 0 | 181 |"); ``stray``: a row label whose padding field holds 9."""
    out, inside = [], False
    for line in text.split("\n"):
        inside = inside or line.startswith("二、")
        if line.startswith("三、"):
            inside = False
        if inside and line.startswith("|") and not line.startswith("|---"):
            fields = line.strip().strip("|").split("|")
            if len(fields) > pad_at + 1:
                fill = " 9 " if stray and stray in fields[0] else " "
                fields.insert(pad_at + 2, fill)
                line = "|" + "|".join(fields) + "|"
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_article20_rows_read_under_their_heads_past_a_converters_padding_column(tmp_path: Path,
                                                                                template: str) -> None:
    """markitdown over a Word PDF gives section 二's tables a padding column, empty in the header
    and in every row alike ("| 信息内容 | 上一年项目数量 |  | 本年增/减 | 处理决定数量 |"). A row of
    the header's own markdown table, as wide as it, is read by the header's fields: each head
    names its column once, in order; a value in a padding field leaves its row null."""
    rec = random_record(random.Random(11), template=template, blank_rate=0.0)
    text = _padded_article20(render_text(rec, "markdown", 0), 0)
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    multi = {k: cols for k, cols in rec["article20"].items() if len(cols) > 1}
    assert all(got["article20"][k] == cols for k, cols in multi.items())
    stray = "行政处罚" if template == "2019" else "规章"
    key = "administrative_penalty" if template == "2019" else "regulations"
    wrong, got = _wrong(tmp_path, rec, _padded_article20(render_text(rec, "markdown", 0), 0, stray))
    assert not wrong
    assert all(v is None for v in got["article20"][key].values())


def _tab_report(rec: dict, seed: int) -> list[str]:
    return render_text(rec, "markdown", seed).split("\n")


def _row_at(lines: list[str], words: str) -> int:
    return next(i for i, line in enumerate(lines) if words in line and line.startswith("|"))


def _wide_record(seed: int) -> dict:
    rec = random_record(random.Random(seed), template="2021", large=True)
    row = rec["requests"]["new_received"]
    rng = random.Random(seed)
    for c in ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"):
        row[c] = rng.randint(10000, 99999)
    row["total"] = sum(v for c, v in row.items() if c != "total")
    return rec


def _wide_first_row(seed: int) -> tuple[dict, dict, list[str], int, str, list[str]]:
    """A record with wide numbers in 一、本年新收, its markdown lines, that row's line, label and values."""
    rec = _wide_record(seed)
    row = rec["requests"]["new_received"]
    lines = _tab_report(rec, seed)
    at = _row_at(lines, "一、本年新收")
    label = lines[at].strip("|").split("|")[0]
    values = [str(row[c]) for c in ("natural_person", "commercial", "research", "social_welfare",
                                     "legal_service", "other_org", "total")]
    return rec, row, lines, at, label, values


def test_a_number_carried_on_in_a_pipe_row_of_its_own_is_null(tmp_path: Path) -> None:
    """markitdown: "| 一、本年新收… | 42935 | 437 | …" over "| | 4 | | …": the row's numbers were
    read cut short (429354 as 42935), its field count being right. A line under a row with
    fewer values than a row's, each a wide number's tail, makes the row null."""
    rec = _wide_record(5)
    lines = _tab_report(rec, 5)
    at = _row_at(lines, "一、本年新收")
    fields = lines[at].strip("|").split("|")
    heads, tails = [], []
    for f in fields:
        f = f.strip()
        wide = f.isdigit() and len(f) >= 5
        heads.append(f[:-1] if wide else f)
        tails.append(f[-1] if wide and len(tails) % 2 == 0 else "")
    lines[at : at + 1] = ["|" + "|".join(heads) + "|", "|" + "|".join(tails) + "|"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["new_received"].values()) == {None}
    assert any(i["code"] == "cells_wrapped" and i["where"] == "requests.new_received" for i in got["issues"])


def test_a_full_row_of_carried_on_digits_is_told_by_the_row_sum(tmp_path: Path) -> None:
    """pymupdf4llm: every cell of （七）总计 wrapped, its tails a full row of seven under it. A
    full row under a row is a row that lost its label, unless the row's sum fails as printed
    and holds with each column's tail carried on: then the row is null."""
    rec, row, lines, at, label, values = _wide_first_row(6)
    lines[at : at + 1] = ["|" + "|".join([label, "", "", *(v[:-1] for v in values)]) + "|",
                          "|" + "|".join(["", "", "", *(v[-1] for v in values)]) + "|"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["new_received"].values()) == {None}


def test_a_number_over_a_number_after_br_is_null_and_a_wrapped_label_is_one_label(tmp_path: Path) -> None:
    """pymupdf4llm writes a cell's lines apart by ``<br>``: "67597<br>6" is not 675976 for
    certain (it may be two rows' values), so it is null; "商业企<br>业" is one label."""
    from pipeline.parsing.normalize import normalize

    assert normalize("|一、本年新收|67597<br>6|商业企<br>业|") == "一、本年新收\t67597\u24246\t商业企业"
    rec = _wide_record(7)
    lines = _tab_report(rec, 7)
    at = _row_at(lines, "一、本年新收")
    lines[at] = re.sub(r"\|\s*(\d{4})(\d)\s*\|", r"|\1<br>\2|", lines[at], count=1)
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert None in got["requests"]["new_received"].values()


def _merged_pairs(rec: dict, seed: int, key: str, label: str, row: dict, pairs: int) -> str:
    """The markdown report with ``row`` in the request row ``label``, ``pairs`` pairs of its
    neighbouring numbers merged into one field each ("| 21 0 | 0 0 | 0 0 | 21 |"), as markitdown
    left a real Word PDF's table."""
    rec["requests"][key] = row
    lines = _tab_report(rec, seed)
    at = _row_at(lines, label)
    fields = lines[at].strip("|").split("|")
    k = len(fields) - len(tpl.REQUEST_COLUMNS)  # the row's value fields are its last seven
    values = [f.strip() for f in fields[k:]]
    merged = [f"{values[2 * i]} {values[2 * i + 1]}" for i in range(pairs)] + values[2 * pairs:]
    lines[at] = "|" + "|".join([*fields[:k], *merged]) + "|"
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(3))
def test_numbers_merged_in_pairs_are_read_when_the_row_sums(tmp_path: Path, seed: int) -> None:
    """markitdown merged a real Word PDF's cells in pairs: "| 一、本年新收… | 21 0 | 0 0 | 0 0 | 21 |",
    seven numbers in four fields. n numbers for n columns, none blank, are the row left to
    right when its total is the sum of its parts (read before: null, cells_merged)."""
    rng = random.Random(seed)
    rec = random_record(rng, template="2021", large=False, blank_rate=0.0)
    parts = [rng.randint(0, 40) for _ in range(6)]
    row = dict(zip(tpl.REQUEST_COLUMNS, [*parts, sum(parts)], strict=True))
    text = _merged_pairs(rec, seed, "denied_state_secret", "1.属于国家秘密", row, rng.randint(1, 3))
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert got["requests"]["denied_state_secret"] == row


@pytest.mark.parametrize("case", ["blank", "sum"])
def test_numbers_merged_in_one_field_stay_null_with_a_blank_or_a_failing_sum(tmp_path: Path, case: str) -> None:
    """A merged field next to an empty one (a blank cell, or a padding field: which is not
    certain), or numbers that break the row's sum (a field may hold a number over another
    row's), leave the row null."""
    rng = random.Random(11)
    rec = random_record(rng, template="2021", large=False, blank_rate=0.0)
    parts = [rng.randint(1, 40) for _ in range(6)]
    row = dict(zip(tpl.REQUEST_COLUMNS, [*parts, sum(parts) + (1 if case == "sum" else 0)], strict=True))
    if case == "blank":
        row["research"] = None
        row["total"] = sum(v for c, v in row.items() if c != "total" and v is not None)
    text = _merged_pairs(rec, 11, "denied_state_secret", "1.属于国家秘密", row, 1)
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert set(got["requests"]["denied_state_secret"].values()) == {None}
    assert any(i["code"] == "cells_merged" and i["where"].startswith("requests.denied_state_secret")
               for i in got["issues"])


@pytest.mark.parametrize("total_printed", [True, False])
def test_two_numbers_run_together_in_one_field_make_the_row_null(tmp_path: Path, total_printed: bool) -> None:
    """markitdown joined two cells' numbers with no space: "| 0 | 0 | 637001449640 | | 84454 |" (637001
    and 449640), its field count kept by an empty field, or "| （七）总计 | 3149493827…2488 | | |"
    (a whole row in one field, the total's field empty). No count is larger than its row's
    total, nor reaches ten billion: such a field is cells run together and the row is null
    (read before: the joined number as one cell)."""
    rec = random_record(random.Random(9), template="2021", large=True, blank_rate=0.0)
    row = rec["requests"]["granted"]
    row.update(natural_person=0, commercial=0, research=637001, social_welfare=449640, legal_service=84454,
               other_org=0)
    row["total"] = sum(v for c, v in row.items() if c != "total")
    lines = _tab_report(rec, 9)
    at = _row_at(lines, "（一）予以公开")
    fields = lines[at].strip("|").split("|")
    k = next(i for i, f in enumerate(fields) if f.strip() == "637001")
    fields[k : k + 2] = ["637001449640", ""]
    if not total_printed:
        fields[-1] = ""
        rec["requests"]["granted"]["total"] = None
    lines[at] = "|" + "|".join(fields) + "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["granted"].values()) == {None}
    assert any(i["code"] == "cells_merged" and i["where"].startswith("requests.granted") for i in got["issues"])


def test_an_article20_value_before_a_label_followed_by_another_tables_header_is_not_read(tmp_path: Path) -> None:
    """markitdown left section (六)'s two rows as lines of their own, "行政处罚", "3", "行政强制", then
    section (八)'s header row: the 3 was 行政强制's (行政处罚 blank), printed before its label.
    A row followed by one that printed nothing but another table's header is not read."""
    rec = random_record(random.Random(10), template="2021", blank_rate=0.0)
    rec["article20"]["administrative_penalty"]["decisions"] = None
    rec["article20"]["administrative_coercion"]["decisions"] = 3
    lines = _tab_report(rec, 10)
    at = _row_at(lines, "行政处罚")
    end = _row_at(lines, "行政强制")
    fees = next(i for i in range(end, len(lines)) if "本年收费金额" in lines[i])
    lines[at : end + 1] = ["行政处罚", "3", "行政强制"]
    assert fees > end
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"]["administrative_penalty"]["decisions"] is None


def _shift_right(line: str) -> str:
    """A pipe row one field right, its width kept: an empty field in front, its last one dropped."""
    fields = line.strip().strip("|").split("|")
    assert not fields[-1].strip()
    return "|" + "|".join(["", *fields[:-1]]) + "|"


def _total_blank(seed: int) -> dict:
    rec = random_record(random.Random(seed), template="2021", blank_rate=0.0, large=False)
    for row in ("denied_state_secret", "denied_law_prohibited"):
        rec["requests"][row]["total"] = None
    return rec


def test_a_header_cut_over_rows_places_no_row_by_its_fields(tmp_path: Path) -> None:
    """markitdown cuts the header's heads over rows ("商业企" over "业") and lays out each row's
    text on its own: a row whose 总计 was blank stood a field right of the header's columns, as
    wide as the others, and was read one column off. A header whose heads are cut is a page's
    lines laid out as rows: no row is placed by its fields."""
    rec = _total_blank(12)
    lines = _tab_report(rec, 12)
    k = next(i for i, line in enumerate(lines) if "商业企业" in line)
    fields = lines[k].strip("|").split("|")
    lines[k : k + 1] = ["|" + "|".join(f.replace("商业企业", "商业企").replace("科研机构", "科研机") for f in fields) + "|",
                        "|" + "|".join("业" if "商业企业" in f else "构" if "科研机构" in f else "" for f in fields) + "|"]
    at = _row_at(lines, "1.属于国家秘密")
    lines[at] = _shift_right(lines[at])
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["denied_state_secret"].values()) == {None}


def test_a_row_of_another_markdown_table_is_not_placed_by_the_header(tmp_path: Path) -> None:
    """markitdown cuts one printed table into markdown tables (a rule line under each one's first
    row), each with padding columns of its own: a row there was read by the header's fields
    though its own table's columns stood a field right. A header's fields hold for the rows of
    its own markdown table only."""
    rec = _total_blank(13)
    lines = _tab_report(rec, 13)
    at = _row_at(lines, "1.属于国家秘密")
    lines[at : at + 2] = [_shift_right(lines[at]), "|" + "---|" * (lines[at].count("|") - 1), _shift_right(lines[at + 1])]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["denied_state_secret"].values()) == {None}


def test_article20_blanks_are_placed_only_under_a_header_with_a_field_per_column(tmp_path: Path) -> None:
    """pymupdf4llm: "|信息内容|本年新制作数量<br>本年新公开数量|对外公开总数|量|" over "|规章|0|4||":
    two heads in one field, a third cut in two, so the row's fields are not its columns. Its
    0 was read as 本年新制作 (blank) and 4 as 本年新公开 (0). Blanks are placed by fields only
    under a header line that names each column in a field of its own."""
    rec = random_record(random.Random(4), template="2019", blank_rate=0.0)
    rec["article20"]["regulations"]["newly_made"] = None
    lines = _tab_report(rec, 4)
    k = next(i for i, line in enumerate(lines) if "本年新制作数量" in line)
    lines[k] = "|信息内容|本年新制作数量<br>本年新公开数量|对外公开总数|量|"
    at = _row_at(lines, "| 规章 |")
    reg = rec["article20"]["regulations"]
    lines[at] = f"|规章|{reg['newly_published']}|{reg['total_published']}||"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["article20"]["regulations"].values()) == {None}


def test_two_article20_labels_in_one_cell_leave_both_rows_null(tmp_path: Path) -> None:
    """pymupdf4llm: "|行政处罚<br>行政强制|0|": one value after two labels in one cell was read
    as 行政强制's. Whose it is is not certain: both rows are null."""
    rec = random_record(random.Random(3), template="2021")
    lines = _tab_report(rec, 3)
    a, b = _row_at(lines, "| 行政处罚 |"), _row_at(lines, "| 行政强制 |")
    lines[a : b + 1] = [f"|行政处罚<br>行政强制|{rec['article20']['administrative_penalty']['decisions'] or 0}|"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"]["administrative_coercion"]["decisions"] is None
    assert any(i["code"] == "labels_adjacent" for i in got["issues"])


@pytest.mark.parametrize("running", ["{agency}{year}年度政府信息公开工作年度报告_{agency}", "12/4/26, 6:46 PM",
                                     "https://www.example.gov.cn/xxgk/{year}/report_3.html"])
def test_a_printed_pages_running_header_and_footer_between_rows_are_no_cells(tmp_path: Path, running: str) -> None:
    """A browser's PDF printed "…2025年度…报告_…" and "12/4/26, 6:46 PM" on every page; pymupdf4llm
    and markitdown left them between a table's rows, and their numbers (2025, 46) were read as a
    row's values. A line holding a date, a time or an address is no row's cells."""
    rec = random_record(random.Random(2), template="2021", blank_rate=0.0)
    lines = render_text(rec, "flat", 2).split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("行政许可"))
    lines[at] = "行政许可"  # its value is lost: only the running line's number follows
    lines.insert(at + 1, running.format(agency=rec["agency"], year=rec["year"]))
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"]["administrative_licensing"]["decisions"] is None


# ---- pdftotext's default and -raw output, pdfminer: cells one a line, in the PDF's order -----------


_NUM = re.compile(r"-?\d+(\.\d+)?")


def _rows(rec: dict, seed: int) -> list[tuple[str, list[str]]]:
    """The ``tab`` report's lines as (label, values): a table row's label and its cells ("" for a
    blank), or a line of text and no values."""
    out = []
    for line in render_text(rec, "tab", seed).split("\n"):
        fields = line.split("\t")
        if "\t" not in line or not any(_NUM.fullmatch(f) for f in fields):
            out.append((line.replace("\t", " ").strip(), []))
        elif not any(f and not _NUM.fullmatch(f) for f in fields):  # the review row: values only
            out.append(("", fields))
        else:
            k = len(fields) - 7 if len(fields) >= 10 else 1  # a request row's 7 cells, an article-20 row's rest
            out.append(("".join(fields[:k]), fields[k:]))
    return out


def _one_a_line(rows: list[tuple[str, list[str]]]) -> list[str]:
    """pdftotext's default output: every cell on a line of its own, a blank line between cells,
    and a blank cell printed as nothing."""
    out: list[str] = []
    for label, values in rows:
        out.append(label)
        if values:
            out.append("")
            out += [x for v in values if v for x in (v, "")]
    return out


def _spaced(rows: list[tuple[str, list[str]]]) -> list[str]:
    return [" ".join([label, *(v or "-" for v in values)]) for label, values in rows]


def _row_of(lines: list[str], label: str) -> int:
    return next(i for i, line in enumerate(lines) if label in line)


def test_a_cells_second_line_among_cells_apart_by_blank_lines_is_no_cell(tmp_path: Path) -> None:
    """pdftotext (default) prints a blank line between cells and none between a cell's own lines:
    "13050" over "1" among cells apart by blank lines is one cell wrapped, and with a blank cell
    printed as nothing the row's count came out right and its values one column off."""
    rec = random_record(random.Random(21), template="2021", large=True, blank_rate=0.0)
    row = rec["requests"]["denied_third_party"]
    row["commercial"], row["other_org"] = None, 123456
    row["total"] = sum(v for c, v in row.items() if c != "total" and v is not None)
    lines = _one_a_line(_rows(rec, 21))
    at = _row_of(lines, "4.保护第三方合法权益")
    k = lines.index("123456", at)
    lines[k : k + 1] = ["12345", "6"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["denied_third_party"].values()) == {None}


def test_a_label_printed_before_the_previous_rows_label_takes_no_values(tmp_path: Path) -> None:
    """pdftotext printed "4．无正当理由大量反复申请" right before "3．要求提供公开出版物", and the
    values after them, row 4's, went to row 3 (the label found in the template's order)."""
    rec = random_record(random.Random(22), template="2021", blank_rate=0.0)
    lines = _spaced(_rows(rec, 22))
    a, b = _row_of(lines, "3.要求提供公开出版物"), _row_of(lines, "4.无正当理由大量反复申请")
    label_a, values_a = lines[a].split(" ", 1)
    label_b, values_b = lines[b].split(" ", 1)
    lines[a : b + 1] = [values_a, label_b, label_a + " " + values_b]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["not_processed_publication"].values()) == {None}


def test_a_full_count_row_in_a_table_whose_blanks_leave_no_trace_needs_its_sum(tmp_path: Path) -> None:
    """pdftotext's reading order moved a cell to the next row: "13 174057 0 146882 0 320956 54"
    (a blank cell printed as nothing, 54 the row above's total) had the count of a full row.
    Where some rows are short with no mark for their blanks, a full row is read only when its
    total is the sum of its parts."""
    rec = random_record(random.Random(23), template="2021", blank_rate=0.0)
    rec["requests"]["not_processed_petition"]["research"] = None
    rows = _rows(rec, 23)
    above = next(i for i, (label, _v) in enumerate(rows) if "3.补正后申请内容仍不明确" in label)
    here = next(i for i, (label, _v) in enumerate(rows) if "1.信访举报投诉类申请" in label)
    moved = rows[above][1][-1]
    rows[above] = (rows[above][0], [*rows[above][1][:-1], ""])
    rows[here] = (rows[here][0], [v for v in rows[here][1] if v] + [moved])
    wrong, got = _wrong(tmp_path, rec, "\n".join(_one_a_line(rows)))
    assert not wrong
    assert set(got["requests"]["not_processed_petition"].values()) == {None}


def test_a_row_of_zeros_gathered_out_of_order_is_not_read(tmp_path: Path) -> None:
    """pdftotext printed a table's cells in drawing order: seven 0s from several rows' cells under
    "1．申请人无正当理由逾期不补正…", its own numbers far below with the total row's (a row
    holding more numbers than columns). Seven 0s hold the row's sum whatever cells they are, so
    in such a table a row of zeros is not read (read before: three wrong numbers)."""
    rec = random_record(random.Random(24), template="2021", blank_rate=0.0)
    rec["requests"]["not_processed_petition"]["research"] = None  # a blank printed as nothing
    row = rec["requests"]["other_overdue_correction"]
    row.update({c: 0 for c in row}, legal_service=31, total=31)
    rows = _rows(rec, 24)
    here = next(i for i, (label, _v) in enumerate(rows) if "1.申请人无正当理由逾期不补正" in label)
    total = next(i for i, (label, _v) in enumerate(rows) if "（七）总计" in label)
    rows[total] = (rows[total][0], [*rows[here][1], *rows[total][1]])
    rows[here] = (rows[here][0], ["0"] * 7)
    wrong, got = _wrong(tmp_path, rec, "\n".join(_one_a_line(rows)))
    assert not wrong
    assert set(got["requests"]["other_overdue_correction"].values()) == {None}
    assert any(i["code"] == "sum_unconfirmed" and i["where"].startswith("requests.other_overdue_correction")
               for i in got["issues"])


def test_a_label_printed_before_rows_the_template_puts_first_leaves_the_table_unread(tmp_path: Path) -> None:
    """pdftotext (default) printed "3．要求提供公开出版物" among the rows of (四), its values far
    below under "2．重复申请" (whose own values and row 1's stood elsewhere): found in the
    template's order, 重复申请 took them, a full row whose sum holds. Where a table's blanks
    leave no trace and a row's label stands only before rows the template puts first, the
    table's text is not in its row order: no spaced row is read."""
    rec = random_record(random.Random(25), template="2021", blank_rate=0.0)
    rec["requests"]["granted"]["research"] = None  # a blank printed as nothing
    rows = _rows(rec, 25)
    def at(words: str) -> int:
        return next(i for i, (label, _v) in enumerate(rows) if words in label)
    pub, petition, dup = at("3.要求提供公开出版物"), at("1.信访举报投诉类申请"), at("2.重复申请")
    pub_label, pub_values = rows[pub]
    moved = [*rows[petition][1], *rows[dup][1]]
    rows[petition] = (rows[petition][0], [])
    rows[dup] = (rows[dup][0], pub_values)
    del rows[pub]
    rows.insert(at("3.补正后申请内容仍不明确") + 1, (pub_label, moved))
    wrong, got = _wrong(tmp_path, rec, "\n".join(_one_a_line(rows)))
    assert not wrong
    assert set(got["requests"]["not_processed_duplicate"].values()) == {None}
    assert any(i["code"] == "labels_out_of_order" for i in got["issues"])


def test_words_among_a_rows_values_make_it_null(tmp_path: Path) -> None:
    """pdftotext -raw prints a PDF's text in its drawing order: "其他对外管理服务事项 16 信息内容
    本年增/减 8369", "行政事业性收费 第二十条第（八）项 15 238137" (the values reversed). Words, or
    a table's heading, among a row's values: the row is null."""
    rec = random_record(random.Random(25), template="2019", blank_rate=0.0)
    fees = rec["article20"]["administrative_fees"]
    other = rec["article20"]["other_external_services"]
    lines = _spaced(_rows(rec, 25))
    a = _row_of(lines, "其他对外管理服务事项")
    lines[a] = f"其他对外管理服务事项 {other['prior_year_items']} 信息内容 本年增/减 {other['decisions']} {other['change']}"
    b = _row_of(lines, "行政事业性收费")
    lines[b : b + 1] = ["行政事业性收费", "第二十条第（八）项", str(fees["change"]), str(fees["prior_year_items"])]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["article20"]["other_external_services"].values()) == {None}
    assert set(got["article20"]["administrative_fees"].values()) == {None}


def test_padding_fields_among_a_full_rows_values_are_skipped_only_when_its_sum_holds(tmp_path: Path) -> None:
    """markitdown puts padding fields among a row's values. A row with a value for every column
    is read past them when its total is the sum of its parts; pymupdf4llm printed a wrapped
    number's tail in the next field ("| 28888 | 8 |", a blank cell's field), which also gives a
    value for every column: its sum fails, and the row is null."""
    rec, row, lines, at, label, values = _wide_first_row(31)
    lines[at] = "|" + "|".join([label, "", *values[:3], "", *values[3:]]) + "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["new_received"] == row
    row["social_welfare"] = None
    row["total"] = sum(v for c, v in row.items() if c != "total" and v is not None)
    cut = values[4]
    values = [str(row["natural_person"]), str(row["commercial"]), str(row["research"]), cut[:-1], cut[-1],
              str(row["other_org"]), str(row["total"])]
    lines[at] = "|" + "|".join([label, "", *values[:3], "", *values[3:]]) + "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["new_received"].values()) == {None}


def test_article20_text_in_a_pdfs_drawing_order_is_not_read(tmp_path: Path) -> None:
    """pdftotext -raw printed "行政强制 30 … 行政处罚 0": the two rows of one small table in reversed
    order, each label followed by one number, the other row's. Two rows of one small table out
    of order show the text is in drawing order: no article-20 row is read from it."""
    rec = random_record(random.Random(27), template="2021", blank_rate=0.0)
    rec["article20"]["administrative_penalty"]["decisions"] = 30
    rec["article20"]["administrative_coercion"]["decisions"] = 0
    lines = _spaced(_rows(rec, 27))
    a, b = _row_of(lines, "行政处罚"), _row_of(lines, "行政强制")
    lines[a], lines[b] = "行政强制 30", "行政处罚 0"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"]["administrative_penalty"]["decisions"] is None
    assert got["article20"]["administrative_coercion"]["decisions"] is None


def test_a_rows_stretch_running_into_the_next_small_table_is_no_sign_of_drawing_order(tmp_path: Path) -> None:
    """markitdown over a browser-printed PDF: 行政许可's value, then the page's footer and the next
    page's header, then section 二's next small table (its heading and header line), and that
    table's 行政处罚 with its value printed above its label. The words after 行政许可's value belong
    to the next table, not among its values: the other rows are read. 行政处罚's number stands right
    under its table's header line and before its label: it is that row's (``_values_above``),
    and 行政强制's, on its own label's line, its own."""
    rec = random_record(random.Random(13), template="2021", blank_rate=0.0)
    a20 = rec["article20"]
    lines = render_text(rec, "flat", 0).split("\n")
    lic = next(i for i, line in enumerate(lines) if line.startswith("行政许可 "))
    lines[lic + 1 : lic + 1] = ["file:///tmp/report.html 3/8", "", f"12/5/26, 4:52 AM {rec['agency']}年度报告"]
    pen = next(i for i, line in enumerate(lines) if line.startswith("行政处罚 "))
    lines[pen : pen + 1] = [str(a20["administrative_penalty"]["decisions"]), "行政处罚"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"] == a20


def test_article20_values_one_a_line_are_not_read_where_blanks_print_nothing(tmp_path: Path) -> None:
    """pdftotext (default) printed a table's value before its heading: "行政规范性文件 0 0 1
    第二十条第（五）项 … 行政许可" — the 1 was 行政许可's, and the row's blank printed nothing, so
    its count came out right. Where an article-20 row printed fewer cells than its columns with
    no mark for a blank, rows whose values stand one a line below the label are not read."""
    rec = random_record(random.Random(29), template="2021", blank_rate=0.0)
    rec["article20"]["normative_documents"]["repealed"] = None
    rec["article20"]["administrative_licensing"]["decisions"] = 7
    rows = _rows(rec, 29)
    k = next(i for i, (label, _v) in enumerate(rows) if label == "行政规范性文件")
    lic = next(i for i, (label, _v) in enumerate(rows) if label == "行政许可")
    rows[k] = (rows[k][0], [*rows[k][1], "7"])
    rows[lic] = (rows[lic][0], [""])
    wrong, got = _wrong(tmp_path, rec, "\n".join(_one_a_line(rows)))
    assert not wrong
    assert set(got["article20"]["normative_documents"].values()) == {None}


def test_article20_values_one_a_line_in_paged_text_are_not_read_where_blanks_print_nothing(tmp_path: Path) -> None:
    """pdftotext's pages (form feeds) follow a reading order it infers: a bare number from elsewhere
    on the page stood among "行政规范性文件 0 0 1", whose blank printed nothing, and made its count.
    In a paged text where an article-20 row printed fewer cells than its columns with no mark for a
    blank, no article-20 row whose values stand one a line below its label is read."""
    rec = random_record(random.Random(33), template="2021", blank_rate=0.0)
    rec["article20"]["normative_documents"]["repealed"] = None
    rec["article20"]["administrative_fees"]["amount_10k_yuan"] = None
    rows = _rows(rec, 33)
    k = next(i for i, (label, _v) in enumerate(rows) if label == "行政规范性文件")
    rows[k] = (rows[k][0], [*rows[k][1], "1"])
    lines = _one_a_line(rows)
    cut = next(i for i, line in enumerate(lines) if line.startswith("三、"))
    text = "\n".join(lines[:cut]) + "\f" + "\n".join(lines[cut:])
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert set(got["article20"]["normative_documents"].values()) == {None}


def test_a_review_row_one_column_off_where_blanks_print_nothing_is_not_read(tmp_path: Path) -> None:
    """pdftotext (default) put the request table's last total first among section 四's numbers,
    and the review row's own blank printed nothing: 15 numbers, one column off. Where the
    request table's blanks leave no trace, a spaced review row is read only when each group's
    total is the sum of its parts."""
    rec = random_record(random.Random(30), template="2021", blank_rate=0.0, large=False)
    rec["requests"]["granted"]["research"] = None  # a blank printed as nothing: the table is unmarked
    rec["review_litigation"]["litigation_after_review"]["corrected"] = None
    rows = _rows(rec, 30)
    fwd = next(i for i, (label, _v) in enumerate(rows) if "四、结转下年度继续办理" in label)
    review = next(i for i in range(fwd + 1, len(rows)) if rows[i][1] and not rows[i][0])
    rows[review] = ("", [rows[fwd][1][-1], *rows[review][1]])
    wrong, got = _wrong(tmp_path, rec, "\n".join(_spaced_blank_nothing(rows)))
    assert not wrong
    assert set(got["review_litigation"]["review"].values()) == {None}
    assert any(i["code"] == "sum_unconfirmed" and i["where"].startswith("review_litigation") for i in got["issues"])


def _spaced_blank_nothing(rows: list[tuple[str, list[str]]]) -> list[str]:
    """A row's label and values on one line, apart by spaces, a blank cell printed as nothing."""
    return [" ".join([label, *(v for v in values if v)]).strip() for label, values in rows]


def test_values_one_a_line_are_not_digits_run_together(tmp_path: Path) -> None:
    """pdftotext (default), small numbers and blanks printing nothing: most rows came out with a
    few values each, which looked like a run-together table (blank cells assumed, any count
    taken). Values each on a line of their own are apart: the table's blanks leave no trace,
    and a full row whose sum fails ("0 0 26 0 0 0 0" gathered from several rows) is not read."""
    rec = random_record(random.Random(31), template="2021", blank_rate=0.3, large=False)
    rows = _rows(rec, 31)
    here = next(i for i, (label, _v) in enumerate(rows) if "2.没有现成信息需要另行制作" in label)
    first = next(i for i, (label, _v) in enumerate(rows) if "一、本年新收" in label)
    last = next(i for i, (label, _v) in enumerate(rows) if "四、结转下年度继续办理" in label)
    for i in range(first, last + 1):  # most rows' values printed elsewhere (drawing order): a few each
        rows[i] = (rows[i][0], [v for v in rows[i][1] if v][:2])
    rows[here] = (rows[here][0], ["0", "0", "26", "0", "0", "0", "0"])
    wrong, got = _wrong(tmp_path, rec, "\n".join(_one_a_line(rows)))
    assert not wrong
    assert set(got["requests"]["unavailable_needs_creation"].values()) == {None}


def test_an_article20_label_apart_from_its_value_row_is_not_read(tmp_path: Path) -> None:
    """markitdown put "| | 1 | 41 | 0 |" (规章's values, no label) above "规章", and 规范性文件's
    values under 规章, its own label then alone before the next table: a label alone on its line,
    its values on a later line, and the next row printing nothing — the row is not read."""
    rec = random_record(random.Random(32), template="2019", blank_rate=0.0, large=False)
    lines = _tab_report(rec, 32)
    reg, norm = _row_at(lines, "规章"), _row_at(lines, "规范性文件")
    reg_fields = lines[reg].strip("|").split("|")
    norm_fields = lines[norm].strip("|").split("|")
    lines[reg : norm + 1] = ["|" + "|".join(["", *reg_fields[1:]]) + "|", "规章",
                             "|" + "|".join(["", *norm_fields[1:]]) + "|", "规范性文件"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["article20"]["regulations"].values()) == {None}


def _pipe(fields: list[str]) -> str:
    return "|" + "|".join(fields) + "|"


def test_a_blank_beside_a_padding_field_is_not_placed_by_the_run_that_ends_the_line(tmp_path: Path) -> None:
    """pymupdf4llm gave a table a padding column ("| （七）总计 | 232 | … | 250 | | 393 | 1704 |"): a row
    with a blank, "| 3．其他 | | 25 | 0 | 13 | 0 | | 40 | 78 |", ended in a run of seven fields that held
    the padding, and was read one column off. Where a full row shows a padding field among its
    values, no row is read from the run of fields that ends its line."""
    rec = random_record(random.Random(33), template="2021", blank_rate=0.0, large=False)
    lines = _tab_report(rec, 33)
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
    for key, words in (("total_processed", "（七）总计"), ("other_other", "3.其他")):
        at = _row_at(lines, words)
        row = rec["requests"][key]
        if key == "other_other":
            row["natural_person"] = None
        vals = ["" if row[c] is None else str(row[c]) for c in cols]
        lines[at] = _pipe([words, *vals[:5], "", *vals[5:]])
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["other_other"].values()) == {None}


@pytest.mark.parametrize("shape", ["stacked", "empty_last"])
def test_a_page_table_with_merged_columns_is_not_read_one_column_off(tmp_path: Path, shape: str) -> None:
    """pymupdf4llm's table of a PDF's second page merged two columns: "| 8．属于行政查询事项 | 234701 |
    27 | 0 | 0<br>0 | 4673 | 239401 | |" (two cells over each other in one field, the total's field
    empty) and, in rows without such a field, "| 4．无正当理由… | 58 | 0 | 204653 | 43 | 0 | 204754 | |"
    (a blank lost, the row still as wide, every row of the table ending in an empty field). A
    field of numbers over numbers is kept only where the row's sum settles it, and a field empty
    in every row of a table is no column."""
    rec = random_record(random.Random(34), template="2021", blank_rate=0.0, large=False)
    lines = _tab_report(rec, 34)
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
    start = _row_at(lines, "1.信访举报投诉类申请")
    lines.insert(start, "|---|---|---|---|---|---|---|---|---|")
    lines.insert(start, _pipe(["", "页眉", "", "", "", "", "", "", ""]))
    for key, words in (("not_processed_petition", "1.信访举报投诉类申请"), ("not_processed_duplicate", "2.重复申请"),
                       ("not_processed_publication", "3.要求提供公开出版物")):
        at = _row_at(lines, words)
        row = rec["requests"][key]
        vals = [str(row[c]) for c in cols]
        if key == "not_processed_duplicate" and shape == "stacked":
            lines[at] = _pipe(["", words, *vals[:3], vals[3] + "<br>" + vals[4], *vals[5:], ""])
        elif key == "not_processed_duplicate":
            row["social_welfare"] = None
            lines[at] = _pipe(["", words, *vals[:3], *vals[4:], ""])
        else:
            lines[at] = _pipe(["", words, *vals, ""])
    end = _row_at(lines, "四、结转下年度继续办理")
    for at in range(start + 2, end + 1):  # every row of the page's table ends in an empty field
        if lines[at].startswith("|") and not lines[at].endswith("||"):
            lines[at] += "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["not_processed_duplicate"].values()) == {None}


def test_an_article20_number_after_another_tables_heading_is_not_the_rows(tmp_path: Path) -> None:
    """markitdown printed "行政许可" (blank), then section (六)'s heading and header row, then "0" —
    行政处罚's value, printed above its label. A number that comes after another small table's
    heading is not the row's."""
    rec = random_record(random.Random(35), template="2021", blank_rate=0.0, large=False)
    rec["article20"]["administrative_licensing"]["decisions"] = None
    rec["article20"]["administrative_penalty"]["decisions"] = 0
    lines = _tab_report(rec, 35)
    lic = _row_at(lines, "行政许可")
    head = next(i for i in range(lic, len(lines)) if "第二十条第（六）项" in lines[i] or "第二十条第(六)项" in lines[i])
    pen, coe = _row_at(lines, "行政处罚"), _row_at(lines, "行政强制")
    rec["article20"]["administrative_coercion"]["decisions"] = 0
    lines[lic] = "行政许可"
    lines[pen] = "0\n行政处罚"  # each value above its label: 行政处罚 then holds 行政强制's
    lines[coe] = "0\n行政强制"
    assert lic < head < pen
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"]["administrative_licensing"]["decisions"] is None


def test_a_review_row_of_fifteen_fields_with_padding_is_read_only_where_its_sums_hold(tmp_path: Path) -> None:
    """markitdown laid out section 四's row as "| | 0 | 28 | 39 | 33 | 100 | 0 | 59 | 34 | 126 | …" — an empty
    field first (padding) and a blank cell lost, fifteen fields all the same: read one column off.
    Empty fields among fifteen are blank cells only where every group printed whole sums."""
    rec = random_record(random.Random(36), template="2021", blank_rate=0.0, large=False)
    groups = rec["review_litigation"]
    groups["litigation_direct"]["pending"] = None
    lines = _tab_report(rec, 36)
    at = max(i for i, line in enumerate(lines) if line.startswith("|") and re.fullmatch(r"[|\d\s]+", line))
    order = [(g, c) for g in ("review", "litigation_direct", "litigation_after_review")
             for c in ("upheld", "corrected", "other", "pending", "total")]
    vals = [str(groups[g][c]) for g, c in order if groups[g][c] is not None]
    lines[at] = _pipe(["", *vals])
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["review_litigation"]["review"].values()) == {None}


def test_an_article20_number_after_another_tables_heading_in_the_rows_stretch_is_not_read(tmp_path: Path) -> None:
    """markitdown: "其他对外管理服务事项 7 0" (a blank lost), then section (六)'s heading, then the page's
    number "1": the row took three numbers. A number after another small table's heading within
    a row's stretch makes the row null."""
    rec = random_record(random.Random(37), template="2019", blank_rate=0.0, large=False)
    row = rec["article20"]["other_external_services"]
    row.update(prior_year_items=None, change=7, decisions=0)
    lines = _spaced_blank_nothing(_rows(rec, 37))
    at = next(i for i, line in enumerate(lines) if line.startswith("其他对外管理服务事项"))
    lines[at + 1 : at + 1] = ["第二十条第（六）项", "1", "", f"{rec['year']}年度政府信息公开工作年度报告"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["article20"]["other_external_services"].values()) == {None}


def test_a_row_whose_sum_fails_among_rows_out_of_order_is_not_read(tmp_path: Path) -> None:
    """pdftotext -raw printed a drawn PDF's table in drawing order: 四、结转下年度继续办理 took seven
    numbers, two of them the total row's. Where rows of the table show they are out of order
    (words among their values), a row whose total is not the sum of its parts is not read."""
    rec = random_record(random.Random(38), template="2021", blank_rate=0.0, large=False)
    rows = _rows(rec, 38)
    first = next(i for i, (label, _v) in enumerate(rows) if "一、本年新收" in label)
    vals = rows[first][1]
    rows[first] = (rows[first][0], [*vals[:3], "信息内容", *vals[3:]])  # a heading among its values
    fwd = next(i for i, (label, _v) in enumerate(rows) if "四、结转下年度继续办理" in label)
    total = rec["requests"]["total_processed"]["total"]
    moved = [rows[fwd][1][0], str(total), *rows[fwd][1][2:]]
    assert sum(int(v) for v in moved[:-1]) != int(moved[-1])
    rows[fwd] = (rows[fwd][0], moved)
    lines = [" ".join([label, *values]) for label, values in rows]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert set(got["requests"]["carried_forward"].values()) == {None}


def _flow_mixed(seed: int, swap: bool) -> tuple[dict, str]:
    """pdftotext's default output of a drawn PDF (table text stored out of order): cells one a
    line, a blank printed as nothing, two cells of an outcome row on one line, and — ``swap`` —
    carried_forward's first two values printed in each other's place (its sum still holds)."""
    rng = random.Random(seed)
    rec = random_record(rng, template="2021", blank_rate=0.0)
    rec["requests"]["denied_third_party"]["research"] = None  # a blank printed as nothing
    forward = rec["requests"]["carried_forward"]
    forward.update(natural_person=0, commercial=rng.randint(5, 90))
    forward["total"] = sum(v for c, v in forward.items() if c != "total")
    for col in ("natural_person", "commercial", "total"):  # the balance still holds
        rec["requests"]["total_processed"][col] = (rec["requests"]["new_received"][col]
                                                   + rec["requests"]["carried_over"][col] - forward[col])
    rows = _rows(rec, seed)
    lines = _one_a_line(rows)
    mixed = _row_of(lines, "（二）部分公开")
    first = next(i for i in range(mixed + 1, len(lines)) if _NUM.fullmatch(lines[i]))
    lines[first : first + 3] = [lines[first] + " " + lines[first + 2]]
    if swap:
        at = _row_of(lines, "四、结转下年度继续办理")
        a = lines.index(str(forward["natural_person"]), at)
        b = lines.index(str(forward["commercial"]), at)
        lines[a], lines[b] = lines[b], lines[a]
    return rec, "\n".join(lines)


def test_values_one_a_line_where_other_rows_mix_theirs_over_lines_need_the_column_sums(tmp_path: Path) -> None:
    """pdftotext (default) printed a drawn PDF's 四、结转下年度继续办理 "21 0 0 0 0 28 49" (one a
    line) for 0 | 21 | 0 | 0 | 0 | 28 | 49, other rows of the table mixing values over lines:
    the row's sum holds whatever the order of its parts. Such a row is read only where the
    column sums check each of its values."""
    rec, text = _flow_mixed(26, swap=True)
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert set(got["requests"]["carried_forward"].values()) == {None}
    assert any(i["code"] == "order_unproven" and i["where"] == "requests.carried_forward" for i in got["issues"])
    rec, text = _flow_mixed(26, swap=False)
    (tmp_path / "in_order").mkdir()
    wrong, got = _wrong(tmp_path / "in_order", rec, text)
    assert not wrong
    for row in ("new_received", "carried_over", "total_processed", "carried_forward"):
        assert got["requests"][row] == rec["requests"][row], row  # the balance checks every column


def test_a_total_ending_in_the_next_rows_item_number_keeps_its_last_digit(tmp_path: Path) -> None:
    """pymupdf4llm printed a vertical group label one character a row: "| 三<br>予公开 | 5．属于三类
    内部事务信息 | … | 358206 |" over "| 、 | 6．属于四类过程性信息 | …". The total's last digit
    and the next line's "、" looked like the next row's item number run into a value ("…06、"),
    and 358206 was stored as 35820. Only digits run into the item number on the same line are
    that number."""
    rec = random_record(random.Random(36), template="2021", blank_rate=0.0, large=False)
    row = rec["requests"]["denied_internal_affairs"]
    row["other_org"] += (6 - row["total"]) % 10  # the total ends in 6, row 6's item number
    row["total"] = sum(v for c, v in row.items() if c != "total")
    lines = _tab_report(rec, 36)
    for words, group in (("5.属于三类内部事务信息", "三<br>予公开"), ("6.属于四类过程性信息", "、")):
        at = _row_at(lines, words)
        lines[at] = _pipe([group, *lines[at].strip("|").split("|")[1:]])
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["denied_internal_affairs"]["total"] == row["total"]


def test_an_article20_value_before_another_tables_heading_is_read_despite_a_page_number_after_it(tmp_path: Path) -> None:
    """pdftotext -layout of a real WPS PDF: "行政许可      550", the next table's heading
    "第二十条第（六）项", then the page's number "-2-". The row is what stands before the heading:
    550 was null (a number after the heading)."""
    rec = random_record(random.Random(39), template="2021", blank_rate=0.0, large=False)
    lines = _spaced_blank_nothing(_rows(rec, 39))
    at = next(i for i, line in enumerate(lines) if line.startswith("行政许可"))
    head = next(i for i in range(at, len(lines)) if "第二十条" in lines[i])
    lines.insert(head + 1, f"-{random.Random(39).randint(2, 9)}-")
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    want = rec["article20"]["administrative_licensing"]["decisions"]
    assert want is not None and got["article20"]["administrative_licensing"]["decisions"] == want


def test_values_one_a_line_with_a_cells_formatting_whitespace_among_them_are_read(tmp_path: Path) -> None:
    """BeautifulSoup's get_text("\\n") of a Word-exported web page: every text node on a line of its
    own, values right under each other, and a cell's formatting ("0&nbsp;&nbsp;…", a <p> after
    whitespace) leaving lines of blanks among them. That is no number wrapped over lines
    (pdftotext's "13050" over "1" among cells apart by blank lines): the row was null."""
    rec = random_record(random.Random(40), template="2021", blank_rate=0.0, large=False)
    lines: list[str] = []
    for label, values in _rows(rec, 40):
        lines.append(label)
        for k, v in enumerate(values):
            lines += [v, "       ", " "] if label.startswith("一、本年新收") and k == 1 else [v]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["new_received"] == rec["requests"]["new_received"]


@pytest.mark.parametrize("sums_hold", [True, False])
def test_a_review_row_under_a_header_of_single_characters_is_read_by_its_sums(tmp_path: Path, sums_hold: bool) -> None:
    """pdfplumber printed section 四's header heads a character a row ("结 结 其 尚" / "果 果 他 未 总"
    / "维 纠 结 审 计" / "持 正 果 结"), so 总计 and 尚未审结 were nowhere and the table was not found.
    The section's one line of exactly fifteen numbers is its row when each group's total is the
    sum of its four parts; else it is not read."""
    rec = random_record(random.Random(41), template="2021", blank_rate=0.0, large=False)
    groups = rec["review_litigation"]
    if not sums_hold:
        groups["review"]["total"] += 1
    order = [(g, c) for g in ("review", "litigation_direct", "litigation_after_review")
             for c in ("upheld", "corrected", "other", "pending", "total")]
    lines = _spaced(_rows(rec, 41))
    start = next(i for i, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    lines[start + 1 : end] = ["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉", "结 结 其 尚 结 结 其 尚 结 结 其 尚",
                              "果 果 他 未 总 果 果 他 未 总 果 果 他 未 总", "维 纠 结 审 计 维 纠 结 审 计 维 纠 结 审 计",
                              "持 正 果 结 持 正 果 结 持 正 果 结", " ".join(str(groups[g][c]) for g, c in order)]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    if sums_hold:
        assert got["review_litigation"] == rec["review_litigation"]
    else:
        assert set(got["review_litigation"]["review"].values()) == {None}


def test_an_amount_with_its_unit_a_blank_apart_keeps_the_unit(tmp_path: Path) -> None:
    """pdftotext -layout of a real page printed to PDF: "政府集中采购  135  75394432.52 元". The
    unit stood apart as a word among the values: the amount was read without it (in 元 or
    万元? the record did not say)."""
    rec = random_record(random.Random(42), template="2019", blank_rate=0.0, large=False)
    lines = _spaced(_rows(rec, 42))
    at = next(i for i, line in enumerate(lines) if line.startswith("政府集中采购"))
    lines[at] += " 元"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    want = rec["article20"]["centralized_procurement"]["amount"]
    assert got["article20"]["centralized_procurement"]["amount"] == want is not None
    assert got["units"]["article20.centralized_procurement.amount"] == "元"


@pytest.mark.parametrize("own_line", [True, False])
def test_a_tall_rows_values_level_with_the_middle_of_its_label_are_its_values(tmp_path: Path, own_line: bool) -> None:
    """pdfplumber and pdftotext -layout print a tall row's values level with the middle of its
    label, which is broken over lines: "1 . 属于国家秘" / "24 0 27 26 8 22 107" / "密", or at the
    end of one of its lines ("握相关政府信 7 0 0 0 0 0 7" / "息"). The label was not found across
    its values (row missing), or the words after them made it null. A whole row's values inside
    a label go below the label's last line."""
    rec = random_record(random.Random(43), template="2021", blank_rate=0.0, large=False)
    lines = _spaced(_rows(rec, 43))
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
    for key, words, pieces in (
            ("partially_granted", "部分公开", ["三、本年度办理结果（二）部分公开（区", "分处理的，只计这一", "情形，不计其他情", "形）"]),
            ("denied_state_secret", "属于国家秘密", ["（三）不予公开1 . 属于国家秘", "密"])):
        at = next(i for i, line in enumerate(lines) if words in line)
        values = " ".join(str(rec["requests"][key][c]) for c in cols)
        middle = (len(pieces) + 1) // 2
        if own_line:
            lines[at : at + 1] = [*pieces[:middle], values, *pieces[middle:]]
        else:
            lines[at : at + 1] = [*pieces[: middle - 1], pieces[middle - 1] + "  " + values, *pieces[middle:]]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["partially_granted"] == rec["requests"]["partially_granted"]
    assert got["requests"]["denied_state_secret"] == rec["requests"]["denied_state_secret"]


def test_a_row_a_cell_a_line_with_its_first_value_inside_its_label_is_read(tmp_path: Path) -> None:
    """pdftotext (default mode) prints a table a cell a line, a blank line between cells; a tall
    row's first value, level with the middle of its label, comes between the label's first
    line and the rest ("2.其他法律行政法规" / "0" / "禁止公开" / "" / "0" / …). The label was not
    found across the value (row missing). The lone value goes below the label's last piece
    (cut off the first line's end when it stands there); the row's count decides, as for any
    row a cell a line."""
    for seed in range(50):
        rec = random_record(random.Random(seed), template="2021", blank_rate=0.0, large=False)
        lines = render_text(rec, "onealine", seed).split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("2.其他法律行政法规"))
        if lines[at + 1].isdigit() and lines[at + 2] == "禁止公开":
            break
    row = rec["requests"]["denied_law_prohibited"]
    assert lines[at + 1 : at + 6] == [str(row["natural_person"]), "禁止公开", "", str(row["commercial"]), ""]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"] == rec["requests"]
    # or at the end of the label's first line ("2.其他法律行政法规 0" / "禁止公开" / "" / "0" …)
    ended = [*lines[:at], f"{lines[at]} {lines[at + 1]}", *lines[at + 2 :]]
    wrong, got = _wrong(tmp_path, rec, "\n".join(ended))
    assert not wrong
    assert got["requests"] == rec["requests"]
    # the row's second cell blank, printing nothing: six values, the row is not read (nor any
    # other row's value taken for its)
    del lines[at + 3 : at + 5]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for v in got["requests"]["denied_law_prohibited"].values())
    assert got["requests"]["denied_third_party"] == rec["requests"]["denied_third_party"]


def test_a_label_printed_after_later_rows_does_not_hide_them(tmp_path: Path) -> None:
    """pdftotext printed some labels in a cluster after rows printed with their own ("（一）予以公开"
    / "（三）不予公开" / "1.属于国家秘密" after row 5). Each label was taken at its first match
    after the previous row's, so 予以公开's match in the cluster skipped every row printed before
    it. The longest chain of labels in the template's order is taken instead: those rows are
    read; 予以公开, its values now in 二、上年结转's stretch, is not, nor is that row."""
    # (a document without floated labels: the one label moved below is the only one)
    for seed in range(60):
        rec = random_record(random.Random(seed), template="2021", blank_rate=0.0, large=False)
        text = render_text(rec, "onealine", seed)
        if "\n\n\n" not in text.split("三、收到和处理")[1]:  # no labels floated in this one
            break
    lines = text.split("\n")
    at = lines.index("（一）予以公开")
    del lines[at : at + 2]
    after = next(i for i, line in enumerate(lines) if line.startswith("5.属于三类内部事务"))
    end = next(i for i in range(after + 1, len(lines)) if lines[i].startswith("6."))
    lines[end:end] = ["（一）予以公开", ""]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    for key in ("partially_granted", "denied_state_secret", "denied_law_prohibited", "denied_security_stability",
                "denied_third_party"):
        assert got["requests"][key] == rec["requests"][key], key
    # 予以公开's label right after row 5's values may be theirs (a label broken around its own
    # values), and it stands right before row 6's label: both rows stay null, as before
    assert all(v is None for v in got["requests"]["granted"].values())
    assert all(v is None for v in got["requests"]["denied_internal_affairs"].values())


def test_a_table_whose_rows_all_end_in_an_empty_field_is_not_read_by_field_when_a_row_lost_one(
        tmp_path: Path) -> None:  # fmt: skip
    """pymupdf4llm over a generated PDF: the request table's second page came out as a markdown
    table of its own, every row ending in an empty field ("||1．本机关不掌握相关政府信息|0|9|0|0|0|9||"),
    no row showing all seven values before it (two cells in one field, "0<br>0"), and a blank
    cell's field dropped. The empty
    last field was taken for the blank 总计 and the values after the lost field went one column
    left (9 read as 其他's, 0 as 法律服务机构's). Such a field is a blank column or the
    converter's padding: the row is not read."""
    rec = random_record(random.Random(3), template="2021", blank_rate=0.0, large=False)
    rec["requests"]["unavailable_not_held"]["legal_service"] = None
    lines = render_text(rec, "markdown", 3).split("\n")
    first = next(i for i, line in enumerate(lines) if "8.属于行政查询事项" in line)
    last = next(i for i, line in enumerate(lines) if "结转下年度继续办理" in line)
    rows = []
    for line in lines[first : last + 1]:
        fields = [f.strip() for f in line.strip("|").split("|")]
        values = [v for v in fields[3:] if v]  # the blank's field is lost
        if len(values) == 7:  # two cells in one field, as the converter left the other rows
            values[3:5] = [f"{values[3]}<br>{values[4]}"]
        rows.append("||" + fields[1] + "|" + "|".join(values) + "||")
    rows[1:1] = ["|---" * 9 + "|"]
    lines[first : last + 1] = ["", *rows]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for v in got["requests"]["unavailable_not_held"].values())


def test_a_blanks_mark_is_no_piece_of_a_label_a_value_moves_past(tmp_path: Path) -> None:
    """One cell a line with "/" for a blank ("（六）其他处理" / "7" / "/" / "54" / …): the "/" is the
    row's second cell, not the label's last piece; the "7" stays first (moved past the "/", it
    was read as 商业企业's and the blank as 自然人's)."""
    rec = random_record(random.Random(0), blank_rate=0.1)
    wrong, got = _wrong(tmp_path, rec, render_text(rec, "cells", 0))
    assert not wrong
    assert got["requests"] == rec["requests"]


def test_lines_written_with_html_breaks_outside_a_table_are_lines(tmp_path: Path) -> None:
    """pymupdf4llm wrote a page's text it took for a picture as one line with ``<br>`` between
    the lines ("第二十条第（一）项<br>信息内容 本年制发件数…<br>规章 0 0 0<br>行政规范性文件 77 132 470<br>…"):
    "0<br>行政规范性文件" ran a value into the next label and the rows came out short."""
    rec = random_record(random.Random(44), template="2021", blank_rate=0.0, large=False)
    lines = _spaced(_rows(rec, 44))
    start = next(i for i, line in enumerate(lines) if line.startswith("二、主动公开"))
    end = next(i for i, line in enumerate(lines) if line.startswith("三、收到和处理"))
    lines[start + 1 : end] = ["<br>".join(lines[start + 1 : end]) + "<br><!-- End of picture text -->"]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"] == rec["article20"]


def test_a_label_broken_around_its_own_values_lends_them_to_no_other_row(tmp_path: Path) -> None:
    """``tallrows`` seed 292: "（三）不予公开6." / "0 24 0 40 22 134" (a blank printed as nothing) /
    "属于四类过程性信息" / "（三）不予公开7. 8 0 35 22 22 197033 197120" / "属于行政执法案卷". Row 7's label,
    broken around its values, was not found, and row 6 (found by its label's words alone) took
    row 7's seven numbers. Values that end a label's first line go below its last line, and a
    row whose values are followed by the words of a row not found is not read."""
    from pipeline.samples.render_text import tall_rows

    seed = 292
    rec = random_record(random.Random(seed), blank_rate=0.1, large=True, template="2021")
    text = tall_rows(render_text(rec, "tab", seed), seed, narrow=False)
    assert "不予公开7. " in text  # the shape is there
    wrong, _got = _wrong(tmp_path, rec, text)
    assert not wrong


def test_a_value_printed_as_a_superscript_is_read_and_a_footnote_mark_is_no_digit(tmp_path: Path) -> None:
    """pymupdf4llm printed a value whose glyphs MuPDF flagged as raised as "|<sup>19</sup>|":
    the whole cell is the value (read before: null, as label text). A raised mark after a
    value ("22<sup>1</sup>", a footnote) never joins the number."""
    rec = random_record(random.Random(12), template="2021", large=False, blank_rate=0.0)
    lines = _tab_report(rec, 12)

    def mark_first_value(words: str, form: str) -> None:
        at = _row_at(lines, words)
        fields = lines[at].split("|")
        k = next(i for i, f in enumerate(fields) if f.strip().isdigit())
        fields[k] = form.format(fields[k].strip())
        lines[at] = "|".join(fields)

    mark_first_value("（一）予以公开", "<sup>{}</sup>")
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["granted"] == rec["requests"]["granted"]
    mark_first_value("（二）部分公开", "{}<sup>1</sup>")
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong


def test_a_shredded_next_heading_does_not_make_the_request_table_a_lost_labels_table(tmp_path: Path) -> None:
    """pymupdf4llm printed section 四's heading as fields of a pipe row ("|四、政府|信息公开行政复议、
    |行政诉讼情况|…") right under 结转下年度继续办理, and the request table's first rows as
    picture text (spaced lines). The review table's unlabeled value rows then stood inside
    the request table: taken for rows that lost their labels, they made every row not in a
    pipe row null (cells_unplaced). A line after the table's last row is no row of it."""
    rec = random_record(random.Random(13), template="2021", large=False, blank_rate=0.0)
    lines = _tab_report(rec, 13)
    for words in ("一、本年新收", "二、上年结转"):
        at = _row_at(lines, words)
        lines[at] = " ".join(f.strip() for f in lines[at].strip("|").split("|") if f.strip())
    at = next(k for k, line in enumerate(lines) if line.startswith("四、政府信息公开"))
    end = next(k for k, line in enumerate(lines) if "四、结转下年度" in line)
    shredded = "|四、政府<br><br>结果|信息公开行政复议、<br>行政复议|行政诉讼情况<br>未经复议直|接起诉||||"
    lines = [*lines[: end + 1], shredded, *[ln for ln in lines[end + 1 : at + 2] if ln.strip() and not
                                            ln.startswith("四、政府")], *lines[at + 2 :]]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    for key in ("new_received", "carried_over", "granted"):
        assert got["requests"][key] == rec["requests"][key], key


@pytest.mark.parametrize("seed", range(4))
def test_bold_markdown_labels_and_numbers_are_read(tmp_path: Path, seed: int) -> None:
    """pymupdf4llm marks a bold font "**…**": bold labels ("| **1.属于国家秘密** |"), bold section
    headings and a row of bold numbers ("| **12** |") read as without the marks (before: a bold
    number was label text, a bold label none, and their rows null)."""
    rng = random.Random(seed)
    rec = random_record(rng, template=rng.choice(["2019", "2021"]), large=False, blank_rate=0.1)
    out = []
    for k, line in enumerate(_tab_report(rec, seed)):
        if line.startswith("|") and "---" not in line:
            bold_values = random.Random(seed * 1000 + k).random() < 0.3
            fields = [f"**{f.strip()}**" if f.strip() and (bold_values or not f.strip().isdigit()) else f
                      for f in line.strip("|").split("|")]
            line = "|" + "|".join(fields) + "|"
        elif line.startswith(("一、", "二、", "三、", "四、", "五、", "六、")):
            line = f"**{line}**"
        out.append(line)
    assert any("| **0** |" in line or re.search(r"\*\*\d+\*\*", line) for line in out)
    wrong, got = _wrong(tmp_path, rec, "\n".join(out))
    assert not wrong
    assert _cells(got) == _cells(rec)


@pytest.mark.parametrize("seed", [0, 2, 4])
def test_labels_cut_by_narrow_columns_with_the_groups_pieces_between_are_found(tmp_path: Path, seed: int) -> None:
    """pdfplumber on a PDF with narrow label columns: "5 . 属于三类内" / "开" / "0 0 0 0 0 0 0" /
    "部事务信息" — the item's label cut after five characters, a piece of the group label's
    column and the row's values between its lines. No whole label was on the page: rows
    missing, and their values taken for the row before (null, cells_interleaved). A label's
    first five characters find the row when no other row's label holds them, and after the
    printed item number when one does ("4 . 无正当理由")."""
    assert random.Random(seed + 7).random() < 0.5  # the tallrows documents with narrow label columns
    rec = random_record(random.Random(seed), blank_rate=0.0)
    text = render_text(rec, "tallrows", seed)
    assert re.search(r"\n\d \. \S{5}\n\S{1,3}\n[\d ]+\n", text)
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert got["requests"] == rec["requests"]


def test_a_cut_label_another_rows_label_holds_needs_its_item_number(tmp_path: Path) -> None:
    """"无正当理由" begins 4.无正当理由大量反复申请 and is inside 申请人无正当理由逾期不补正: without
    its item number it never finds row 4 (which would take row 1's numbers of （六）)."""
    from pipeline.parsing.labels import request_row_pattern

    pattern = request_row_pattern("not_processed_excessive")
    assert pattern.search("不予处 4 . 无正当理由")
    assert not pattern.search("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    assert request_row_pattern("denied_internal_affairs").search("5 . 属于三类内\n开\n0 0 0")


@pytest.mark.parametrize("seed", range(3))
def test_a_line_of_blanks_among_values_one_a_line_is_formatting(tmp_path: Path, seed: int) -> None:
    """BeautifulSoup's get_text("\\n") of a Word-exported page: a cell's "&nbsp;" span before its
    number makes a line of blanks ("0" / " " / "0" / " " / "0" / "0"). Mostly such gaps with a
    few values right under each other looked like pdftotext's wrapped cells (null,
    cells_wrapped); a line of blanks is no line of the row, a converter's blank line is empty."""
    rng = random.Random(seed)
    rec = random_record(rng, template="2021", large=False, blank_rate=0.0)
    out = []
    for line in render_text(rec, "cells", seed).split("\n"):
        if line.isdigit() and rng.random() < 0.7:
            out.append(rng.choice([" ", "\u00a0", "\u3000\u3000"]))
        out.append(line)
    wrong, got = _wrong(tmp_path, rec, "\n".join(out))
    assert not wrong
    assert got["requests"] == rec["requests"]


@pytest.mark.parametrize(("seed", "blanks", "printed", "row"), [
    (3200, 0.1, "||||22|15||40|42|0|166||", "unavailable_needs_creation"),
    (231, 0.3, "||0||39|8|31||0||", "unavailable_unclear"),
])
def test_a_row_with_padding_among_its_values_past_the_headers_table_is_not_read(
        seed: int, blanks: float, printed: str, row: str) -> None:
    """``pdfmarkdown``, two rows in a later markdown table than the header's, each with a padding
    field among its values: "|（四）无法提供|2.没有现成信息需要另行制作||||22|15||40|42|0|166||" (a blank
    自然人 in a field before the values) spanned the header's columns exactly, the padding read as
    the blank and 22 stored as 自然人; "|（四）无法提供|3.补正后申请内容仍不明确||0||39|8|31||0||" (0, a
    blank, 39, 8, 31, 0, a blank total) was read as a run of seven fields ending its line, its
    last empty field taken for layout: 0 stored as the total. Both wrong on the code before these
    tests too. Past the header's own markdown table (a converter cut the table into several, each
    with padding of its own) neither the header's columns nor a run of fields place such a row."""
    rec = random_record(random.Random(seed), blank_rate=blanks, large=seed % 2 == 0)
    text = render_text(rec, "pdfmarkdown", seed)
    assert printed in text.replace("**", "")  # the shape is there
    with tempfile.TemporaryDirectory() as tmp:
        wrong, got = _wrong(Path(tmp), rec, text)
    assert not wrong
    assert set(got["requests"][row].values()) == {None}


@pytest.mark.parametrize("seed", [0, 2])
def test_small_table_labels_cut_around_their_values_are_found(tmp_path: Path, seed: int) -> None:
    """pdfplumber on a PDF whose section 二 label cells are narrow: "行政规范性文" / "77 132 470" /
    "件" — the row's values between the two lines of its label. The label was whole nowhere:
    the row missing, and 规章's stretch running over its values (null, cells_interleaved). The
    first five characters of an item's label find it when no other item's label holds them."""
    assert random.Random(seed + 7).random() < 0.5  # the tallrows documents with narrow label columns
    rec = random_record(random.Random(seed), blank_rate=0.0)
    text = render_text(rec, "tallrows", seed)
    assert re.search(r"\n行政(规范性|事业性)\S*\n[\d. ]+\n\S*件?\S*\n", text)  # the shape is there
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert got["article20"] == rec["article20"]


def test_a_piece_of_a_group_heading_is_no_rows_label(tmp_path: Path) -> None:
    """``lostlabels`` seed 312: a row whose label floated off keeps a piece of its group's heading
    ("其他" of （六）其他处理, markitdown prints the group column piece by piece). Taken for row
    3.其他's label, it gave that row another row's seven numbers; a label that is only a piece of
    a group heading leaves the row unlabeled, placed by the template's order when every sum
    confirms it."""
    seed = 312
    rec = random_record(random.Random(seed), blank_rate=0.0, large=seed % 2 == 0)
    text = render_text(rec, "lostlabels", seed)
    assert re.search(r"\n[^\t\n]{1,3}\t\t\t[\d\t]+\n", text)  # a group piece beside a row's values
    wrong, _got = _wrong(tmp_path, rec, text)
    assert not wrong


def test_value_rows_beside_group_heading_pieces_are_placed_by_order(tmp_path: Path) -> None:
    """markitdown over a LibreOffice PDF: the （四） rows' labels floated above their value rows,
    one of which kept the group column's piece "无法提" as its label. That row was neither a
    labelled row nor an unlabeled one: the gap between 8.属于行政查询事项 and 1.信访举报投诉类申请
    held two rows for three template rows, and no row was placed."""
    rec = random_record(random.Random(5), template="2021", large=False, blank_rate=0.0)
    lines = render_text(rec, "tab", 5).split("\n")
    out = []
    for line in lines:
        cells = line.split("\t")
        if cells[0].startswith("（四）"):
            piece = "无法提" if cells[1].startswith("2.") else ""
            out += [cells[1], "\t".join([piece, "", ""] + cells[3:])]  # the label above, the values below
        else:
            out.append(line)
    wrong, got = _wrong(tmp_path, rec, "\n".join(out))
    assert not wrong
    for row in ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"):
        assert got["requests"][row] == rec["requests"][row], row


def test_a_middle_piece_of_a_rows_label_beside_its_values_is_placed_by_order(tmp_path: Path) -> None:
    """markitdown over a Chromium PDF: "2.其他法律行" / "| 政法规禁止公 | | 0 | 0 | …" / "开" — the
    middle line of 2.其他法律行政法规禁止公开's narrow label cell beside the row's values, its
    other lines as text around them. In a table with rows of values and no label (read by the
    template's order), the line matched no row and was dropped, so the gap's rows were not
    counted and none was placed; it is now an unlabeled row, placed when every sum confirms the
    order."""
    rec = random_record(random.Random(7), template="2021", large=False, blank_rate=0.0)
    out = []
    for line in render_text(rec, "tab", 7).split("\n"):
        cells = line.split("\t")
        if cells[0].startswith("（三）") and cells[1].startswith(("2.", "4.")):
            # "2.其他法律行" / "政法规禁止公 | 0 | 0 | …" / "开": the label's lines around its values
            out += [cells[1][:7], "\t".join([cells[1][7:13], "", ""] + cells[3:]), cells[1][13:]]
        elif cells[0].startswith("（四）") and cells[1].startswith("1."):
            out += [cells[1], "\t".join(["", "", ""] + cells[3:])]  # a row of values with no label at all
        else:
            out.append(line)
    text = "\n".join(out)
    assert "\n政法规禁止公\t" in text
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    for row in ("denied_law_prohibited", "denied_third_party", "unavailable_not_held"):
        assert got["requests"][row] == rec["requests"][row], row


def test_a_row_does_not_take_the_values_of_a_line_labelled_by_a_piece(tmp_path: Path) -> None:
    """``lostlabels`` seed 461 (blanks 0.3): "6.属于四类过程性信息" printed only its total, the next
    line was row 7 with "三" (a piece of （三）不予公开) for a label. With every line labelled, the
    table was read label by label and row 6 took row 7's values by their tab columns (0, 0, 0, 59
    beside its own 88). A line labelled only by a piece is an unlabeled row: the table is read as
    one whose rows lost their labels."""
    seed = 461
    rec = random_record(random.Random(seed), blank_rate=0.3, large=seed % 2 == 0)
    text = render_text(rec, "lostlabels", seed)
    assert "\n三\t\t\t" in text
    wrong, _got = _wrong(tmp_path, rec, text)
    assert not wrong


def test_a_piece_of_a_label_holding_a_later_rows_label_does_not_take_that_row(tmp_path: Path) -> None:
    """``lostlabels`` seed 7110 (blanks 0.1): （二）部分公开's row kept only "计其他" of its label
    (…不计其他情形, a narrow cell's middle line), and that piece holds 3.其他's label whole. In a
    table whose rows lost labels, the line was taken for row 3.其他 and, rows being matched in
    order, every labelled row after it was passed over: 3.其他 read 部分公开's seven numbers (41
    for 25, 85 for 40), the real row was lost. A label out of the table's order is no row's: the
    longest chain of labels in order is read, and the line is left to the template's order,
    which every sum must confirm."""
    seed = 7110
    rec = random_record(random.Random(seed), blank_rate=0.1)
    text = render_text(rec, "lostlabels", seed)
    assert "\n计其他\t\t\t" in text
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert got["requests"]["other_other"] == rec["requests"]["other_other"]


@pytest.mark.parametrize("seed", [3, 5, 8])
def test_rows_after_a_label_piece_holding_a_later_rows_label_are_read(tmp_path: Path, seed: int) -> None:
    """The same shape made from the ``tab`` rendering: "计其他" for （二）部分公开's label, and a
    row of （四） without its label (so the table is one whose rows lost labels): the labelled
    rows after the piece are read, and nothing is wrong."""
    rec = random_record(random.Random(seed), template="2021", blank_rate=0.1)
    lines = render_text(rec, "tab", seed).split("\n")
    at = next(i for i, line in enumerate(lines) if "（二）部分公开" in line)
    lines[at] = "\t".join(["计其他", "", "", *lines[at].split("\t")[3:]])
    at = next(i for i, line in enumerate(lines) if "2.没有现成信息" in line)
    lines[at] = "\t".join(["", "", "", *lines[at].split("\t")[3:]])
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    for row in ("denied_state_secret", "not_processed_petition", "other_overdue_fee", "other_other", "total_processed"):
        assert got["requests"][row] == rec["requests"][row], row


@pytest.mark.parametrize("word", ["备注", "说明"])
def test_a_rows_blanks_are_not_filled_from_a_later_line_with_a_label_of_its_own(tmp_path: Path, word: str) -> None:
    """``tab`` seed 237 (blanks 0.3) with row 7's label replaced by a word of no row ("备注"): row 6
    ("… 6.属于四类过程性信息 | | | 0 | 37 | 52 | 29 | 157") had that line in its stretch, and its
    blank 商业企业 cell took the line's 0 by its tab column. A later line of values with label
    text of its own is another row's: the row ends above it."""
    seed = 237
    rec = random_record(random.Random(seed), blank_rate=0.3, large=seed % 2 == 0)
    lines = render_text(rec, "tab", seed).split("\n")
    at = next(i for i, line in enumerate(lines) if "\t7.属于行政执法案卷\t" in line)
    lines[at] = "\t".join([word, "", "", *lines[at].split("\t")[3:]])
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["requests"]["denied_process_info"] == rec["requests"]["denied_process_info"]


def test_numbers_carried_on_beside_the_labels_wrapped_text_are_still_cut_short(tmp_path: Path) -> None:
    """markitdown: "| 三、 | | （一）予以公开 | | 0 | 39 | 16595 | … | 29700 |" over "| 本年 | | | 8 |
    … | 2 |": the numbers' last digits carried on to a line that also holds the label's wrapped
    text. A later line with label text of its own ends the row only when it is not the row's
    numbers carried on: here the row stays unread (cells_wrapped), never 16595 for 165958."""
    rec = random_record(random.Random(3), template="2021", large=True, blank_rate=0.0)
    lines = render_text(rec, "markdown", 3).split("\n")
    at = next(i for i, line in enumerate(lines) if "（一）予以公开" in line)
    fields = lines[at].split("|")
    carried = ["" for _ in fields]
    for k, f in enumerate(fields):
        if f.strip().isdigit() and len(f.strip()) >= 5:  # each wide number wraps its last digit
            fields[k], carried[k] = f" {f.strip()[:-1]} ", f" {f.strip()[-1]} "
    carried[1] = " 本年 "
    lines[at : at + 1] = ["|".join(fields), "|" + "|".join(" --- " for _ in fields[1:-1]) + "|", "|".join(carried)]
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for v in got["requests"]["granted"].values())


# ---- section 四 shredded into its own header, its numbers stacked (pymupdf4llm over a Word PDF) ------


def _shredded_review(seed: int) -> tuple[dict, list[str], int]:
    """A generated report whose pdfmarkdown rendering cuts section 四's heading into the table's
    header row (no heading line left) and stacks the row's first numbers; its lines and the
    index of the review values row."""
    rec = random_record(random.Random(seed), blank_rate=0.0, large=seed % 2 == 0)
    lines = render_text(rec, "pdfmarkdown", seed).split("\n")
    assert not any(re.match(r"\**四、政府信息公开", ln) for ln in lines)  # the heading is in the header
    row = next(i for i, ln in enumerate(lines) if ln.startswith("|") and "<br>" in ln and "复议" not in ln
               and all(p.isdigit() for p in re.split(r"\||<br>", ln.strip("|"))))
    return rec, lines, row


@pytest.mark.parametrize("seed", [3, 6])
def test_a_review_table_whose_heading_is_shredded_into_its_header_is_read(tmp_path: Path, seed: int) -> None:
    """pymupdf4llm over a Word PDF: "|四、政府结果结果|信息公开行政复议、行政复议其他尚未|行政诉讼情况
    未经复议直|接起诉|…" and "|1<br>1|0<br>0<br>2|4<br>0|0|1|5|…". Section 四 is found by its
    litigation heads, and the stacked numbers are taken apart: 15 values, all three sums hold."""
    rec, lines, _ = _shredded_review(seed)
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["review_litigation"] == rec["review_litigation"]


@pytest.mark.parametrize("change", ["sum", "blank", "wrapped"])
def test_stacked_review_numbers_are_null_unless_fifteen_and_every_sum_holds(tmp_path: Path, change: str) -> None:
    """A stacked field may be one number wrapped in its cell: the pieces are only taken apart
    when they make exactly the row's 15 values and each group's 总计 is the sum of its parts."""
    rec, lines, i = _shredded_review(3)
    fields = lines[i].strip("|").split("|")
    if change == "sum":  # one piece off by one: a group's sum fails
        pieces = fields[0].split("<br>")
        pieces[0] = str(int(pieces[0]) + 1)
        fields[0] = "<br>".join(pieces)
    elif change == "blank":  # a field left empty: which column is blank is not certain
        fields[-2] = ""
    else:  # a stacked field that is one number over two lines: 14 values
        a, b = fields[1].split("<br>")[:2]
        fields[1] = "<br>".join([a + b, *fields[1].split("<br>")[2:]])
    lines[i] = "|" + "|".join(fields) + "|"
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for cols in got["review_litigation"].values() for v in cols.values())


def _first_rows_below(seed: int) -> tuple[dict, str]:
    """A ``tallrows`` report whose small tables print a first row's values on the line above its label."""
    assert random.Random(seed + 13).random() < 0.3  # the documents with that shape
    rec = random_record(random.Random(seed), blank_rate=0.0)
    text = render_text(rec, "tallrows", seed)
    assert re.search(r"\n信息内容[^\n]*\n[\d. -]+\n[^\d\n]{2,5}\n", text)  # the shape is there
    return rec, text


@pytest.mark.parametrize("seed", [0, 1, 8])  # 2019, 2021, 2021
def test_a_small_tables_first_row_printed_above_its_label_is_read(tmp_path: Path, seed: int) -> None:
    """markitdown, a page's small table not seen as a table: "信息内容 本年处理决定数量" / "1330" /
    "行政处罚" / "行政强制 54". The numbers right under the header are the first label's (nothing
    else can own them), and the next row's, on its own label's line, its own."""
    rec, text = _first_rows_below(seed)
    wrong, got = _wrong(tmp_path, rec, text)
    assert not wrong
    assert got["article20"] == rec["article20"]


def test_a_lone_number_above_a_label_is_nobodys_where_pages_are_numbered_so(tmp_path: Path) -> None:
    """A lone number right under a small table's header, above a label that printed nothing, could
    be a page number at a page break: in a text that prints its page numbers as bare lines ("2" …
    "3"), such a one-value row and the row after it stay null. A row of several numbers is no page
    number and is still read."""
    rec, text = _first_rows_below(1)
    lines = text.split("\n")
    lines.insert(lines.index("二、主动公开政府信息情况"), "2")  # pages' bare numbers
    lines.insert(lines.index("三、收到和处理政府信息公开申请情况"), "3")
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    a20 = got["article20"]
    assert a20["administrative_licensing"]["decisions"] is None
    assert a20["administrative_penalty"]["decisions"] is None and a20["administrative_coercion"]["decisions"] is None
    assert a20["regulations"] == rec["article20"]["regulations"]  # "0 212735 205280" above 规章


def _padded_first_row_below_label(lines: list[str], label: str, pads: list[int],
                                  value_pads: list[int] | None = None, stray: str = "") -> list[str]:
    """The small table of ``label`` (its first row) as a converter with padding columns prints it:
    empty fields inserted at ``pads`` in the header, its rule line and the row (``value_pads``
    in the row, when given), the row's label field emptied and the label on a line after it."""
    i = _row_at(lines, label)
    header, rule, row = (line.strip().strip("|").split("|") for line in lines[i - 2 : i + 1])
    row[0] = " "

    def padded(fields: list[str], at: list[int], fill: str = "") -> str:
        out = list(fields)
        for k in sorted(at, reverse=True):
            out.insert(k, fill)
        return "|" + "|".join(out) + "|"

    lines = list(lines)
    lines[i - 2 : i + 1] = [padded(header, pads), padded(rule, pads, "---"),
                            padded(row, pads if value_pads is None else value_pads, stray), label]
    return lines


@pytest.mark.parametrize("pads", [[1], [2], [3], [2, 4], [0, 2]])
def test_a_first_row_above_its_label_is_read_under_its_headers_padded_columns(tmp_path: Path, pads: list[int]) -> None:
    """A converter printed a small table's first row above its label and gave the table padding
    columns of its own ("|信息内容|本年新制作数量||对外公开总数量||", the row alike): the row's
    fields stand under the header's, so each value is read under its column head."""
    rec = random_record(random.Random(19), template="2019", blank_rate=0.0)
    lines = _padded_first_row_below_label(render_text(rec, "markdown", 0).split("\n"), "规章", pads)
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert got["article20"]["regulations"] == rec["article20"]["regulations"]


@pytest.mark.parametrize(("value_pads", "stray"), [([2, 3], ""), ([1], ""), ([2], "7")])
def test_a_first_row_above_its_label_off_its_headers_fields_is_null(tmp_path: Path, value_pads: list[int],
                                                                     stray: str) -> None:
    """The same row with fields of its own (one more, or at other places than the header's), or
    a number in a padding field: which column a value stands in is not certain; not read."""
    rec = random_record(random.Random(19), template="2019", blank_rate=0.0)
    lines = _padded_first_row_below_label(render_text(rec, "markdown", 0).split("\n"), "规章", [2],
                                          value_pads, stray)
    wrong, got = _wrong(tmp_path, rec, "\n".join(lines))
    assert not wrong
    assert all(v is None for v in got["article20"]["regulations"].values())

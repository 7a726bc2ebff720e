"""HTML fragments: a CMS's article content string saved without <html>/<body>, named as text.

Detected as HTML by its content (never read as text, whose tags would become the agency),
and read cell for cell though its header cells span more columns than its data rows.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parsing import parse_file
from pipeline.readers.detect import detect_format
from pipeline.readers.html import read_html
from pipeline.samples.generate import random_record
from pipeline.samples.layouts import LAYOUTS
from pipeline.samples.render_html import render_html_fragment

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(seed=st.integers(0, 2**32), blanks=st.sampled_from([0.0, 0.1, 0.3]))
def test_fragments_read_every_cell(tmp_path: Path, seed: int, blanks: float) -> None:
    rec = random_record(random.Random(seed), blank_rate=blanks)
    path = LAYOUTS["html:fragment"].render(rec, tmp_path, seed % 1000)
    assert path.suffix == ".txt"
    got = parse_file(path)
    assert got["source"]["format"] == "html"
    assert (got["template"], got["year"], got["agency"], got["published_on"]) == (
        rec["template"], rec["year"], rec["agency"], rec["published_on"])
    for table in ("article20", "requests", "review_litigation"):
        assert got[table] == rec[table], table


def test_fragment_starts_like_a_cms_content_string() -> None:
    starts = {render_html_fragment(random_record(random.Random(s)), seed=s)[:20] for s in range(20)}
    assert any(s.startswith(b"<p style=") for s in starts) and any(s.startswith(b"<table>") for s in starts)
    assert not any(b"<html" in render_html_fragment(random_record(random.Random(s)), seed=s) for s in range(5))


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_detected_by_content_not_by_wrapper_or_name(tmp_path: Path) -> None:
    frag = '<p style="text-align:center"><strong>某某镇人民政府</strong></p>\n<p>一、总体情况</p>'
    assert detect_format(_file(tmp_path, "a.txt", frag)) == "html"
    table_first = "<table><tr><td>索引号：</td><td>1</td></tr></table><p>某某镇2024年报告</p>"
    assert detect_format(_file(tmp_path, "b", table_first)) == "html"
    # text that merely mentions a tag, and markdown with <br> in its cells, stay text
    assert detect_format(_file(tmp_path, "c.txt", "一、总体情况\n网页里写<p>段落</p>的例子\n二、主动公开")) == "txt"
    md = "| 规章 | 1<br>2 | 3 |\n|---|---|---|\n| a | b<br>c | d |\n"
    assert detect_format(_file(tmp_path, "d.md", md)) == "md"


def test_header_wider_than_data_rows_does_not_shift_values(tmp_path: Path) -> None:
    """申请人情况 over 9 columns, data rows of 3 label + 7 values: the values stay in their columns."""
    rows = "".join(
        f"<tr><td colspan=3>{label}</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
        for label, values in (("一、本年新收政府信息公开申请数量", [1, 2, 3, 4, 5, 6, 21]),
                              ("二、上年结转政府信息公开申请数量", [0, "&nbsp;", 0, 0, 0, 0, 0]))
    )
    table = ('<table><tr><td colspan=3 rowspan=2>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
             '<td colspan=9>申请人情况</td></tr><tr><td>自然人</td><td colspan=5>法人或其他组织</td><td>总计</td></tr>'
             f"{rows}</table>")
    report = ('<p style="text-align:center">某某镇人民政府2024年度政府信息公开工作年度报告</p>'
              "<p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
              f"{table}<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p>")
    path = _file(tmp_path, "t.txt", report)
    grid = read_html(path, "x").tables[0].rows
    assert grid[2][-2:] == [None, None]  # past the row's last cell: no cell, not a blank
    got = parse_file(path)
    assert got["requests"]["new_received"] == dict(zip(
        ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"),
        [1, 2, 3, 4, 5, 6, 21], strict=True))
    assert got["requests"]["carried_over"]["commercial"] is None

"""The HTML reader: encodings, the article found among site chrome, merged cells, page metadata.

Pages saved from government sites carry far more than the report: navigation, a metadata
line naming the site's publisher (not the reporting agency), related links, a footer full
of numbers. None of it may reach the report's text or its cells; the metadata goes to
``Document.meta``. Generated pages (``render_html``) must parse back to their record.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parsing import parse_file
from pipeline.readers import detect_format, read
from pipeline.readers.html import decode_html, read_html
from pipeline.samples.generate import random_record
from pipeline.samples.render_html import PAGE_PUBLISHER, PHONE, SITE_CODE, render_html
from pipeline.samples.requests_table import BALANCE_NOTE
from pipeline.template import REVIEW_RESULTS, label

RESULTS = [label("review_litigation", "2021", "review", c).zh_column for c in REVIEW_RESULTS]
CHROME = ["版权所有", "网站标识码", "ICP", "联系电话", PHONE, SITE_CODE, "浏览次数", "当前位置", "相关文章", "分享到",
          "打印本页", "关闭窗口", "今天是", "字体", "索引号", "发布机构", "发布日期", PAGE_PUBLISHER, "siteId", "热词"]


def _page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


def _write(tmp_path: Path, html: str | bytes, name: str = "p.html") -> Path:
    path = tmp_path / name
    path.write_bytes(html if isinstance(html, bytes) else html.encode("utf-8"))
    return path


REPORT_BODY = """
<p>测试县人民政府2024年度政府信息公开工作年度报告</p>
<p>一、总体情况</p><p>本年度主动公开政府信息12条。</p>
<p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p>
<p>六、其他需要报告的事项</p><p>无。</p><p>测试县人民政府</p><p>2025年1月15日</p>
"""


# ---------------------------------------------------------------- encodings --------------


def test_gbk_page_declared_by_http_equiv_decodes(tmp_path: Path) -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    body = REPORT_BODY.replace("测试县", "米易县新山傈僳族乡")  # 傈僳: GBK, not GB2312
    path = _write(tmp_path, _page(body, head).encode("gbk"))
    assert detect_format(path) == "html"
    doc = read(path)
    assert doc.format == "html" and doc.warnings == []
    assert doc.text.startswith("米易县新山傈僳族乡人民政府2024年度政府信息公开工作年度报告")
    assert "2025年1月15日" in doc.text


def test_meta_charset_gbk_and_undeclared_gbk_decode(tmp_path: Path) -> None:
    declared = _write(tmp_path, _page(REPORT_BODY, '<meta charset="GBK">').encode("gbk"), "a.html")
    undeclared = _write(tmp_path, _page(REPORT_BODY, "").encode("gbk"), "b.html")
    for path in (declared, undeclared):
        assert "一、总体情况" in read_html(path, "x").text


def test_page_declared_gbk_but_utf8_is_read_as_utf8() -> None:
    raw = _page(REPORT_BODY, '<meta charset="gb2312">').encode("utf-8")
    text, warnings = decode_html(raw)
    assert "总体情况" in text and warnings == ["page declares GBK but is UTF-8; read as UTF-8"]


def test_page_declared_utf8_but_gbk_falls_back(tmp_path: Path) -> None:
    path = _write(tmp_path, _page(REPORT_BODY, '<meta charset="utf-8">').encode("gbk"))
    doc = read_html(path, "x")
    assert "收到和处理政府信息公开申请情况" in doc.text
    assert doc.warnings == ["page declares charset 'utf-8' but does not decode as such"]


def test_bom_wins_over_declaration(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbf" + _page(REPORT_BODY, '<meta charset="gbk">').encode("utf-8"))
    assert "其他需要报告的事项" in read_html(path, "x").text


# ---------------------------------------------------------------- tables -----------------


def test_rowspan_colspan_expand_into_an_exact_grid(tmp_path: Path) -> None:
    table = """<table>
      <tr><td rowspan="2" colspan="2">A</td><th colspan="2">B</th></tr>
      <tr><td>c1</td><td>&nbsp;</td></tr>
      <tr><td>x</td><td>  \u3000 </td><td>1</td><td><p>2</p></td></tr>
      <tr><td>short</td></tr>
    </table>"""
    doc = read_html(_write(tmp_path, _page(REPORT_BODY + table)), "x")
    assert [t.rows for t in doc.tables] == [[
        ["A", None, "B", None],
        [None, None, "c1", ""],
        ["x", "", "1", "2"],
        ["short", None, None, None],  # no cell past the row's last one: nothing, not blanks
    ]]
    assert doc.tables[0].page == 1
    assert "\nA\tB\nc1\t\nx\t\t1\t2\nshort\n" in doc.text + "\n"


def test_cell_lines_join_without_spaces_between_cjk(tmp_path: Path) -> None:
    table = """<table><tr><td><p>三、本年度</p><p>办理结果</p></td><td>结 果<br>维持</td><td>1,234</td></tr>
      <tr><td>a<br>b</td><td>本机关
          不掌握</td><td>0</td></tr></table>"""
    doc = read_html(_write(tmp_path, _page(REPORT_BODY + table)), "x")
    assert doc.tables[0].rows == [["三、本年度办理结果", "结 果维持", "1,234"], ["a b", "本机关不掌握", "0"]]


def test_layout_tables_are_read_as_blocks_and_nested_data_tables_as_grids(tmp_path: Path) -> None:
    data = "<table><tr><td>行政复议</td><td>行政诉讼</td></tr><tr><td>1</td><td>&nbsp;</td></tr></table>"
    page = _page(f"""<table width="1000"><tr><td>
        <table><tr><td>测试县人民政府2024年度政府信息公开工作年度报告</td></tr>
        <tr><td>一、总体情况<br>主动公开政府信息3条。</td></tr>
        <tr><td><p>四、政府信息公开行政复议、行政诉讼情况</p>{data}<p>五、存在的主要问题及改进情况</p></td></tr>
        </table></td></tr></table>""")
    doc = read_html(_write(tmp_path, page), "x")
    assert [t.rows for t in doc.tables] == [[["行政复议", "行政诉讼"], ["1", ""]]]
    assert doc.text.split("\n") == [
        "测试县人民政府2024年度政府信息公开工作年度报告", "一、总体情况", "主动公开政府信息3条。",
        "四、政府信息公开行政复议、行政诉讼情况", "行政复议\t行政诉讼", "1\t", "五、存在的主要问题及改进情况",
    ]


def test_generated_page_has_the_national_merged_cells(tmp_path: Path) -> None:
    rec = random_record(random.Random(3), template="2021")
    doc = read_html(_write(tmp_path, render_html(rec, seed=3)), "x")
    review = next(t.rows for t in doc.tables if t.rows[0][0] == "行政复议")
    assert review[0] == ["行政复议", None, None, None, None, "行政诉讼", *[None] * 9]
    assert review[1] == [*RESULTS, "未经复议直接起诉", None, None, None, None, "复议后起诉", None, None, None, None]
    assert review[2] == [None] * 5 + RESULTS * 2
    requests = next(t.rows for t in doc.tables if t.rows[0][0] == BALANCE_NOTE)
    assert requests[0] == [BALANCE_NOTE, None, None, "申请人情况", *[None] * 6]
    assert requests[1] == [None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"]
    assert requests[2][:4] == [None, None, None, None] and requests[2][-1] is None
    body = requests[3:]
    granted = next(i for i, r in enumerate(body) if r[0] == "三、本年度办理结果")
    assert body[granted][1:3] == ["（一）予以公开", None]
    assert all(r[0] is None for r in body[granted + 1 : -1])  # the row group's label spans its rows
    assert len(doc.tables) == 4 + 2  # section 二's four small tables, 三, 四


# ---------------------------------------------------------------- chrome and metadata ----


def test_chrome_and_page_metadata_never_reach_text_or_cells(tmp_path: Path) -> None:
    for seed in range(12):
        rec = random_record(random.Random(seed))
        page = render_html(rec, encoding="gbk" if seed % 2 else "utf-8", seed=seed)
        doc = read_html(_write(tmp_path, page, f"{seed}.html"), "x")
        cells = "\n".join(c for t in doc.tables for row in t.rows for c in row if c)
        for junk in CHROME:
            assert junk not in doc.text, (seed, junk)
            assert junk not in cells, (seed, junk)
        lines = doc.text.split("\n")
        assert "".join(lines[:2]).startswith(rec["agency"]), seed  # the title opens the article
        y, m, d = rec["published_on"].split("-")
        assert lines[-2:] == [rec["agency"], f"{int(y)}年{int(m)}月{int(d)}日"], seed  # the signature ends it
        assert doc.meta["publisher"] == PAGE_PUBLISHER
        assert doc.meta["site"] == "米易县人民政府" and doc.meta["site_code"] == SITE_CODE
        assert doc.meta["title"] == f"{rec['agency']}{rec['year']}年度政府信息公开工作年度报告"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}|\d{4}年\d{2}月\d{2}日", doc.meta["published"])
        assert doc.meta["published"][:4] == str(rec["year"] + 1)


def test_visible_metadata_line_goes_to_meta(tmp_path: Path) -> None:
    page = _page(
        '<div class="top"><a href="/">首页</a> 2025</div>'
        '<div class="detail"><h2>测试县人民政府2024年度政府信息公开工作年度报告</h2>'
        '<div>发布时间：2025-01-20 09:30 &nbsp; 来源：测试县人民政府办公室 &nbsp; 发文机关：测试县人民政府 【字号：大 中 小】</div>'
        f'<div class="con">{REPORT_BODY.split("</p>", 1)[1]}</div></div>'
        '<div id="footer">版权所有 测试县 电话 0812-1234567</div>'
    )
    doc = read_html(_write(tmp_path, page), "x")
    assert doc.meta == {"published": "2025-01-20 09:30", "source": "测试县人民政府办公室", "issuer": "测试县人民政府",
                        "publisher": "测试县人民政府", "title": "t"}
    assert doc.text.startswith("测试县人民政府2024年度政府信息公开工作年度报告\n一、总体情况")
    assert "0812" not in doc.text and "首页" not in doc.text and "来源" not in doc.text


def test_hidden_script_and_style_content_is_not_text(tmp_path: Path) -> None:
    page = _page(
        '<div><script>var n = 98765;</script><style>p{x:1}</style>'
        '<p style="display: none">隐藏的 55555</p><p hidden>12345</p>' + REPORT_BODY + "</div>"
    )
    text = read_html(_write(tmp_path, page), "x").text
    assert not re.search(r"98765|55555|12345|x:1", text)


def test_source_line_breaks_between_cjk_vanish(tmp_path: Path) -> None:
    page = _page("<div>" + REPORT_BODY.replace("主动公开政府信息12条", "主动公开政府\n      信息12条") + "</div>")
    assert "主动公开政府信息12条。" in read_html(_write(tmp_path, page), "x").text


def test_page_without_report_markers_keeps_its_main_text(tmp_path: Path) -> None:
    page = _page(
        '<div class="nav"><a href="#">首页</a><a href="#">政务公开</a></div>'
        "<div><div><p>" + "关于做好春节期间安全生产工作的通知。" * 10 + "</p><p>特此通知。</p></div></div>"
        "<div>" + "".join(f'<a href="#">链接{i}</a>' for i in range(30)) + "</div>"
    )
    doc = read_html(_write(tmp_path, page), "x")
    assert doc.text.endswith("特此通知。") and "链接" not in doc.text and "首页" not in doc.text
    assert parse_file(tmp_path / "p.html")["status"] == "not_a_report"


def test_empty_page_is_unreadable(tmp_path: Path) -> None:
    got = parse_file(_write(tmp_path, _page('<div class="footer">版权所有</div>')))
    assert got["status"] == "unreadable" and "without article text" in got["issues"][0]["detail"]


# ---------------------------------------------------------------- round trips ------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**9), encoding=st.sampled_from(["utf-8", "gbk"]), page_seed=st.integers(0, 10**6))
def test_generated_page_round_trips_every_cell(tmp_path: Path, seed: int, encoding: str, page_seed: int) -> None:
    rec = random_record(random.Random(seed), blank_rate=0.1)
    path = _write(tmp_path, render_html(rec, encoding=encoding, seed=page_seed), f"r_{encoding}.html")
    got = parse_file(path)
    assert got["source"]["format"] == "html"
    assert (got["template"], got["year"], got["agency"], got["published_on"]) == (
        rec["template"], rec["year"], rec["agency"], rec["published_on"])
    assert got["active_disclosure"]["total"] == rec["active_disclosure"]["total"]
    assert got["active_disclosure"]["by_category"] == rec["active_disclosure"]["by_category"]
    assert got["article20"] == rec["article20"]
    assert got["requests"] == rec["requests"]
    assert got["review_litigation"] == rec["review_litigation"]
    assert got["source"]["page_meta"]["publisher"] == PAGE_PUBLISHER != got["agency"]

"""The HTML report as an analyst reads it: derived figures drawn and marked, and a findings
table with Chinese headers, current reports by default, that fits one screen width.

The corpus is test_report's (two counties, a superseded 2024 version of 丙谷镇) plus
test_derived_views' towns whose 总计 cells are blank but derived (戊镇 2024, 己镇 2024), with
findings on both a current and a superseded report.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from test_derived_views import corpus as derived_corpus
from test_report import _browse, agency_id
from test_report import corpus as report_corpus
from test_warehouse import build

from pipeline.report import build_report

SUPERSEDED = "data/raw/bingu_2024_first.txt"
LONG_DETAIL = "blank or lost in the source; " * 10


def corpus() -> list[dict[str, Any]]:
    records = report_corpus() + derived_corpus()
    for r in records:
        if r["source"]["path"] == SUPERSEDED:
            r["checks"].append({"rule": "requests.balance.total", "ok": None, "expected": None, "actual": None,
                                "detail": "not evaluable: missing requests.carried_over.total"})  # fmt: skip
        if r["agency"] == "米易县撒莲镇人民政府":
            r["issues"].append({"severity": "warning", "code": "cell_missing",
                                "where": "review_litigation.review.upheld", "detail": LONG_DETAIL})  # fmt: skip
    return records


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("report2")
    warehouse = root / "data" / "warehouse" / "xxgk.duckdb"
    build(warehouse, corpus())
    out = warehouse.parent / "report.html"
    build_report(warehouse, out, source_root=root)
    return warehouse, out


def _data(report: Path) -> dict[str, Any]:
    doc = lxml_html.fromstring(report.read_text(encoding="utf-8"))
    return json.loads(doc.get_element_by_id("report-data").text)


def test_chart_data_draws_derived_figures_and_marks_them(built: tuple[Path, Path]) -> None:
    warehouse, report = built
    data = _data(report)
    assert data["years"] == [2023, 2024]
    wu = data["values"][f"agency:{agency_id(warehouse, '米易县戊镇人民政府')}"]
    assert wu["v"]["new_received"] == [4, 4]  # 2024's blank 总计, derived from 3 + 1
    assert wu["d"]["new_received"] == [0, 1]  # … and marked; 2023's printed 4 is not
    assert wu["v"]["granted"] == [2, 2] and wu["d"]["granted"] == [0, 1]
    assert wu["v"]["review_total"] == [1, 1] and wu["d"]["review_total"] == [0, 1]
    assert wu["d"]["review_corrected"] == [0, 0]  # printed
    ji = data["values"][f"agency:{agency_id(warehouse, '米易县己镇人民政府')}"]
    assert ji["v"]["new_received"] == [None, 0] and ji["d"]["new_received"] == [0, 1]  # a stated zero, not "no data"
    assert ji["v"]["denied"] == [None, 0] and ji["d"]["denied"] == [0, 1]  # a group of derived rows
    # a county's sum counts the reports whose figure is derived
    county = data["values"]["county:米易县"]
    assert county["d"]["new_received"] == [0, 2]
    assert county["g"]["new_received"][1] == county["n"][1]  # every current 2024 report gives it now
    # printed-only agencies carry no mark
    bingu = data["values"][f"agency:{agency_id(warehouse, '米易县丙谷镇人民政府')}"]
    assert all(v == 0 for series in bingu["d"].values() for v in series)


def test_findings_table_is_chinese_current_by_default_and_one_screen_wide(built: tuple[Path, Path]) -> None:
    warehouse, report = built
    doc = lxml_html.fromstring(report.read_text(encoding="utf-8"))
    (table,) = doc.xpath('//table[@class="findings"]')
    headers = [th.text_content() for th in table.xpath("./thead//th")]
    assert headers == ["县（区）", "机关", "年度", "类别", "规则或单元格", "应为", "报告所载", "说明", "来源"]
    rows = table.xpath("./tbody/tr")
    shown = [r for r in rows if r.get("hidden") is None]
    hidden = [r for r in rows if r.get("hidden") is not None]
    # the superseded version's finding is there, hidden, behind a checkbox; the current ones show
    assert [r.get("class") for r in hidden] == ["superseded"]
    assert "旧版本" in hidden[0].text_content()
    assert doc.xpath('//input[@id="show-old-findings"][@type="checkbox"]')
    assert shown and all("旧版本" not in r.text_content() for r in shown)
    assert "旧版本报告另有 1 项" in doc.get_element_by_id("findings").text_content()
    # kinds and what they concern in Chinese; the stored code kept as a tooltip for SQL
    salian = agency_id(warehouse, "米易县撒莲镇人民政府")
    (unreadable,) = [r for r in shown if r.get("data-agency-id") == salian and "cell_missing" in r.get("data-code")]
    cells = [td.text_content().strip() for td in unreadable.xpath("./td")]
    assert cells[3] == "未能读出" and cells[4] == "缺格：行政复议｜结果维持"
    # a long detail is cut (whole text on hover), a path shows its file name (whole path on hover)
    detail = unreadable.xpath('./td[@class="detail"]')[0]
    assert len(detail.text_content().strip()) <= 80 and detail.get("title") == LONG_DETAIL
    assert unreadable.xpath("./td")[-1].get("title").endswith(".txt")
    # one screen wide: a fixed layout filling the width, no horizontal scrolling, text wraps
    css = doc.xpath("//style")[0].text_content()
    assert "table.findings { width: 100%; table-layout: fixed; }" in css
    assert ".scroll.fit { overflow-x: hidden; }" in css
    assert "fit" in table.getparent().get("class").split()
    assert len(table.xpath("./colgroup/col")) == len(headers)


@pytest.mark.slow  # runs Chromium: full suite only
def test_derived_bars_are_hatched_labelled_and_in_the_legend(built: tuple[Path, Path], tmp_path: Path) -> None:
    """In Chromium: 戊镇's 2024 bars carry "*" and the legend explains the hatching."""
    warehouse, report = built
    wu = agency_id(warehouse, "米易县戊镇人民政府")
    url = report.as_uri() + "#scope=" + urllib.parse.quote(f"agency:{wu}", safe="")
    dom = _browse(url, tmp_path / "profile", ["--dump-dom"]).decode("utf-8", errors="replace")
    doc = lxml_html.fromstring(dom)
    bars = sorted(
        t.text_content()
        for t in doc.xpath('//div[@id="chart-requests"]//*[local-name()="text"][contains(@class, "bartext")]')
    )
    assert bars == ["0", "0*", "4", "4*"]
    legend = doc.xpath('//div[@id="chart-requests"]//*[local-name()="g"][contains(@class, "legend")]')[0]
    assert "推算值" in legend.text_content()
    # the hatching itself: plotly defines an SVG pattern for the derived bars
    assert doc.xpath('//div[@id="chart-requests"]//*[local-name()="pattern"]')
    # a scope without derived figures has no such legend entry
    bingu = agency_id(warehouse, "米易县丙谷镇人民政府")
    url = report.as_uri() + "#scope=" + urllib.parse.quote(f"agency:{bingu}", safe="")
    dom = _browse(url, tmp_path / "profile2", ["--dump-dom"]).decode("utf-8", errors="replace")
    assert "推算值（报告未印出" not in lxml_html.fromstring(dom).xpath('//div[@id="chart-requests"]')[0].text_content()

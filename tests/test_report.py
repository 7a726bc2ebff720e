"""The HTML report: built from known data, then rendered for real in headless Chromium.

The page must show its title (visibly: the screenshot is read back with OCR), the counties
and agencies, the coverage grid with a known missing agency-year, the failed check of a
known bad report linked to its source file and page, and charts that plotly actually drew
(SVG elements in the DOM after the scripts ran, coloured bars in the screenshot). Chromium
runs with every host name unresolvable, so a page that needed the network would break.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from factories import make_record, two_year_corpus
from lxml import html as lxml_html
from system import missing
from test_warehouse import build

from pipeline.cli import main
from pipeline.defs.report import ENV_REPORT_FILE, ReportConfig, warehouse_report
from pipeline.defs.resources import XxgkConfig
from pipeline.report import build_report

TITLE = "政府信息公开工作年度报告 数据概览"
BAD_PDF = "data/raw/2024/米易县教育局 2024年报.pdf"
"""The report whose printed carried_forward breaks the balance (from two_year_corpus), filed as
a PDF whose 依申请公开 table starts on page 3; a space and Chinese in the name on purpose."""
ODD_PATH = 'data/raw/盐边<b>县</b>&"红格".txt'
"""A file name with markup in it: it must be shown as text, never become an element."""
BROWSER_TIMEOUT = 120.0
ARTIFACTS = Path(tempfile.gettempdir()) / "xxgk-test-artifacts"


def corpus() -> list[dict]:
    records = two_year_corpus()
    for record in records:
        if record["agency"] == "米易县教育局":
            record["source"]["path"] = BAD_PDF
            record["source"]["format"] = "pdf"
    # a second county, with a report for 2024 only and a balance that does not add up
    records.append(
        make_record("盐边县红格镇人民政府", 2024, county="盐边县", town="红格镇", new_received=7, granted=5,
                    partially_granted=2, carried_forward=9, path=ODD_PATH)
    )  # fmt: skip
    return records


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repo-like tree: data/raw (one real source file), data/warehouse/xxgk.duckdb."""
    root = tmp_path_factory.mktemp("report")
    build(root / "data" / "warehouse" / "xxgk.duckdb", corpus())
    source = root / BAD_PDF
    source.parent.mkdir(parents=True)
    source.write_bytes(b"%PDF-1.4\n")
    return root


@pytest.fixture(scope="module")
def warehouse(root: Path) -> Path:
    return root / "data" / "warehouse" / "xxgk.duckdb"


@pytest.fixture(scope="module")
def report(root: Path, warehouse: Path) -> Path:
    out = root / "data" / "warehouse" / "report.html"
    build_report(warehouse, out, source_root=root)
    return out


def agency_id(warehouse: Path, name: str) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("SELECT agency_id FROM agencies WHERE name = ?", [name]).fetchone()
    assert row, name
    return str(row[0])


def coverage_cell(doc, agency: str, year: int) -> tuple[str, str]:
    """(class, text) of the grid cell for this agency and year."""
    cells = doc.xpath(f'//table[@class="coverage"]//tr[@data-agency-id="{agency}"]/td[@data-year="{year}"]')
    assert len(cells) == 1, (agency, year)
    return cells[0].get("class"), cells[0].text_content().strip()


# --- the file itself -------------------------------------------------------------------------


def test_report_content(report: Path, warehouse: Path, root: Path) -> None:
    text = report.read_text(encoding="utf-8")
    doc = lxml_html.fromstring(text)
    assert doc.findtext(".//title") == TITLE
    assert doc.get_element_by_id("title").text_content() == TITLE
    # self-contained: no script, style sheet or image is fetched from anywhere
    assert not doc.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")
    assert report.stat().st_size < 8_000_000

    # counties and agencies, grouped
    counties = [tb.get("data-county") for tb in doc.xpath('//table[@class="coverage"]/tbody')]
    assert counties == ["盐边县", "米易县"]
    grid = doc.xpath('//table[@class="coverage"]')[0].text_content()
    for name in (
        "米易县丙谷镇人民政府",
        "米易县草场镇人民政府",
        "米易县撒莲镇人民政府",
        "米易县教育局",
        "盐边县红格镇人民政府",
    ):
        assert name in grid
    # the known gaps: 撒莲镇, 教育局 and 红格镇 have no 2023 report; 丙谷镇 has both years
    salian = agency_id(warehouse, "米易县撒莲镇人民政府")
    assert coverage_cell(doc, salian, 2023) == ("missing", "缺")
    assert coverage_cell(doc, salian, 2024) == ("has", "有")
    assert coverage_cell(doc, agency_id(warehouse, "盐边县红格镇人民政府"), 2023) == ("missing", "缺")
    bingu = agency_id(warehouse, "米易县丙谷镇人民政府")
    assert [coverage_cell(doc, bingu, y)[0] for y in (2023, 2024)] == ["has", "has"]
    assert doc.get_element_by_id("summary").text_content().count("3") >= 1

    # the failed balance check of the education bureau, linked to its PDF at page 3
    edu = agency_id(warehouse, "米易县教育局")
    rows = doc.xpath(
        f'//table[@class="failed"]//tr[@data-agency-id="{edu}"][@data-rule="requests.balance.total"]'
    )
    assert len(rows) == 1
    row = rows[0]
    assert "米易县教育局" in row.text_content() and "2024" in row.text_content()
    assert "第 3 页" in row.text_content()
    (link,) = row.xpath('.//a[@class="source"]')
    assert link.text_content() == BAD_PDF
    href = link.get("href")
    assert href.endswith("#page=3")
    # relative to the report, and it resolves to the real file
    target = (report.parent / urllib.parse.unquote(href.split("#")[0])).resolve()
    assert target == (root / BAD_PDF).resolve() and target.is_file()
    # the cross-year check of 丙谷镇 (carried_over 2 after a carried_forward of 3) is there too
    assert doc.xpath(
        f'//table[@class="failed"]//tr[@data-agency-id="{bingu}"][@data-rule="requests.carryover.total"]'
    )

    # markup in a file name is text, not an element
    odd = doc.xpath('//table[@class="failed"]//a[@class="source"][contains(., "盐边")]')
    assert odd and odd[0].text_content() == ODD_PATH
    assert not doc.xpath('//table[@class="failed"]//b')
    assert "<b>县</b>" not in text.split('<script type="application/json"')[0]


def test_chart_data_keeps_nulls(report: Path, warehouse: Path) -> None:
    """Figures the report does not give are null in the chart data, never 0; sums say how
    many reports gave them."""
    import json

    doc = lxml_html.fromstring(report.read_text(encoding="utf-8"))
    data = json.loads(doc.get_element_by_id("report-data").text)
    assert data["years"] == [2023, 2024]
    salian = data["values"][f"agency:{agency_id(warehouse, '米易县撒莲镇人民政府')}"]
    assert salian["v"]["new_received"] == [None, 3_000_000_000]
    assert salian["v"]["review_total"] == [None, None]  # the review table is not given
    bingu = data["values"][f"agency:{agency_id(warehouse, '米易县丙谷镇人民政府')}"]
    assert bingu["v"]["new_received"] == [4, 6]  # the current 2024 version, not the superseded 100
    assert bingu["v"]["denied"] == [0, 0]
    county = data["values"]["county:米易县"]
    assert county["v"]["new_received"] == [4, 6 + 2 + 3_000_000_000 + 1]
    assert county["n"] == [2, 4]
    assert county["g"]["review_total"] == [2, 3]  # 撒莲镇 gives none
    assert data["values"]["all"]["n"] == [2, 5]
    labels = [s["label"] for s in data["scopes"]]
    assert labels[:3] == ["全部机关合计", "盐边县 合计", "米易县 合计"]


def test_coverage_view_is_used_when_present(warehouse: Path, tmp_path: Path) -> None:
    """A ``coverage`` view (another engineer's) decides the grid: here it adds 2022."""
    copy = tmp_path / "xxgk.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            """CREATE OR REPLACE VIEW coverage AS
               SELECT a.agency_id, y.year, EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = a.agency_id
                      AND r.year = y.year AND r.is_current) AS has_report
               FROM agencies a CROSS JOIN (SELECT unnest([2022, 2023, 2024]) AS year) y"""
        )
    out = tmp_path / "report.html"
    result = build_report(copy, out)
    doc = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    years = [th.text_content() for th in doc.xpath('//table[@class="coverage"]/thead//th')][1:-1]
    assert years == ["2022", "2023", "2024"]
    bingu = agency_id(copy, "米易县丙谷镇人民政府")
    assert coverage_cell(doc, bingu, 2022) == ("missing", "缺")
    assert "coverage 视图" in doc.get_element_by_id("coverage").text_content()
    assert not any("coverage" in n for n in result.notes)


def test_incomplete_report_is_shown_as_such(warehouse: Path, tmp_path: Path) -> None:
    """A town whose only report for a year is incomplete is "不全" in the grid, not "缺", and
    the coverage view says so (has_report true, status 'incomplete')."""
    copy = tmp_path / "xxgk.duckdb"
    shutil.copyfile(warehouse, copy)
    salian = agency_id(copy, "米易县撒莲镇人民政府")
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE reports SET status = 'incomplete' WHERE agency_id = ? AND year = 2024", [salian])
        row = con.execute(
            "SELECT has_report, status FROM coverage WHERE agency_id = ? AND year = 2024", [salian]
        ).fetchone()
    assert row == (True, "incomplete")
    out = tmp_path / "report.html"
    build_report(copy, out)
    doc = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    assert coverage_cell(doc, salian, 2024) == ("has incomplete", "不全")
    assert coverage_cell(doc, salian, 2023) == ("missing", "缺")
    row_missing = doc.xpath(f'//table[@class="coverage"]//tr[@data-agency-id="{salian}"]/td[@class="num"]')
    assert row_missing[0].text_content().strip() == "1"


def test_without_the_newer_views(warehouse: Path, tmp_path: Path) -> None:
    """An older warehouse (no coverage, no check_findings) still gives a full report, and the
    page says what it computed itself or skipped."""
    copy = tmp_path / "xxgk.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("DROP VIEW IF EXISTS coverage")
        con.execute("DROP VIEW IF EXISTS check_findings")
    out = tmp_path / "report.html"
    result = build_report(copy, out)
    doc = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    assert coverage_cell(doc, agency_id(copy, "米易县撒莲镇人民政府"), 2023) == ("missing", "缺")
    assert any("coverage" in n for n in result.notes) and any("check_findings" in n for n in result.notes)
    notes = doc.get_element_by_id("notes").text_content()
    assert "coverage" in notes and "check_findings" in notes
    assert not doc.xpath('//section[@id="findings"]')


# --- the command and the asset ---------------------------------------------------------------


def test_cli_report(root: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(root)
    assert main(["report", "--warehouse", "data/warehouse/xxgk.duckdb", "--out", "out/r.html"]) == 0
    out = root / "out" / "r.html"
    assert TITLE in out.read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    assert "5 agencies in 2 counties" in printed and "out/r.html" in printed
    # the default: report.html beside the warehouse
    assert main(["report", "--warehouse", "data/warehouse/xxgk.duckdb"]) == 0
    assert (root / "data" / "warehouse" / "report.html").is_file()
    leftovers = [p.name for p in (root / "data" / "warehouse").iterdir() if ".tmp-" in p.name]
    assert leftovers == []
    assert main(["report", "--warehouse", "nowhere.duckdb"]) == 1


def test_asset_writes_the_report(warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "wh" / "xxgk.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(warehouse, copy)
    monkeypatch.delenv(ENV_REPORT_FILE, raising=False)
    result = dg.materialize([warehouse_report], resources={"xxgk": XxgkConfig(warehouse=str(copy))})
    assert result.success
    out = copy.parent / "report.html"
    assert TITLE in out.read_text(encoding="utf-8")
    (mat,) = result.asset_materializations_for_node("warehouse_report")
    assert mat.metadata["path"].value == str(out)
    assert mat.metadata["failed_checks"].value > 0
    assert mat.metadata["agencies"].value == 5
    # the path is configurable: run config, else the environment
    elsewhere = tmp_path / "site" / "index.html"
    result = dg.materialize(
        [warehouse_report],
        resources={"xxgk": XxgkConfig(warehouse=str(copy))},
        run_config=dg.RunConfig(ops={"warehouse_report": ReportConfig(path=str(elsewhere))}),
    )
    assert result.success and elsewhere.is_file()
    monkeypatch.setenv(ENV_REPORT_FILE, str(tmp_path / "env.html"))
    assert dg.materialize([warehouse_report], resources={"xxgk": XxgkConfig(warehouse=str(copy))}).success
    assert (tmp_path / "env.html").is_file()


# --- in a real browser -----------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(missing("chromium"))


def _browse(url: str, profile: Path, extra: list[str]) -> bytes:
    """One headless Chromium run in its own process group (killed whole on timeout), with
    no network: every host name fails to resolve."""
    cmd = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1400,1400",
        "--virtual-time-budget=10000", *extra, url,
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=BROWSER_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish within {BROWSER_TIMEOUT:.0f}s")
    finally:
        # helpers (zygote, GPU process) that outlived the browser
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
    return out


@pytest.mark.slow  # runs Chromium: full suite only
def test_page_renders_in_chromium(report: Path, tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    shot = tmp_path / "report.png"
    started = time.monotonic()
    _browse(report.as_uri(), tmp_path / "profile-shot", [f"--screenshot={shot}"])
    assert shot.is_file(), "chromium wrote no screenshot"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "xxgk-report.png")
    print(
        f"report screenshot: {shot} (copy: {ARTIFACTS / 'xxgk-report.png'}; {time.monotonic() - started:.1f}s)"
    )

    with Image.open(shot) as img:
        rgb = img.convert("RGB")
    assert rgb.size == (1400, 1400)
    assert max(ImageStat.Stat(rgb).stddev) > 15, "the page looks blank"
    # the chart area (below the controls) holds plotly's bars in its first colour, #1f77b4
    charts = rgb.crop((20, 380, 1380, 1100))
    assert max(ImageStat.Stat(charts).stddev) > 10, "the chart area looks empty"
    colours = dict((c, n) for n, c in charts.getcolors(maxcolors=1 << 20) or [])
    assert colours.get((31, 119, 180), 0) > 2000, "no blue bars drawn"
    assert colours.get((255, 127, 14), 0) > 200, "no orange bars drawn"

    # the title is visibly rendered in Chinese, not just present in the DOM (no tofu boxes)
    import numpy as np

    from pipeline.readers.ocr import text_lines

    header = np.asarray(rgb.crop((0, 0, 1000, 90)))
    text = "".join(t for _, t, _ in text_lines(header))
    assert "政府信息公开工作年度报告" in text.replace(" ", ""), (
        f"OCR read {text!r}: no CJK font (fonts-wqy-zenhei)?"
    )
    # and so is a chart title drawn by plotly in SVG
    text = "".join(t for _, t, _ in text_lines(np.asarray(charts))).replace(" ", "")
    assert "收到申请" in text and "办理结果" in text, text


@pytest.mark.slow  # runs Chromium: full suite only
def test_dom_after_scripts_ran(report: Path, warehouse: Path, tmp_path: Path) -> None:
    """Opened at one agency (#scope=agency:…): the three charts are that agency's, drawn."""
    bingu = agency_id(warehouse, "米易县丙谷镇人民政府")
    url = report.as_uri() + "#scope=" + urllib.parse.quote(f"agency:{bingu}", safe="")
    dom = _browse(url, tmp_path / "profile-dom", ["--dump-dom"]).decode("utf-8", errors="replace")
    (tmp_path / "report-dom.html").write_text(dom, encoding="utf-8")
    doc = lxml_html.fromstring(dom)
    assert doc.findtext(".//title") == TITLE
    assert doc.get_element_by_id("scope-title").text_content() == "米易县丙谷镇人民政府"
    for chart in ("chart-requests", "chart-outcomes", "chart-review"):
        svgs = doc.xpath(f'//div[@id="{chart}"]//*[local-name()="svg"][contains(@class, "main-svg")]')
        assert len(svgs) >= 2, f"plotly drew nothing in {chart}"
        titles = doc.xpath(f'//div[@id="{chart}"]//*[local-name()="text"][contains(@class, "gtitle")]')
        assert titles and titles[0].text_content().startswith("米易县丙谷镇人民政府 · ")
    # the bars carry this agency's numbers: new requests 4 → 6, carried over 0 → 2
    bars = [
        t.text_content()
        for t in doc.xpath('//div[@id="chart-requests"]//*[local-name()="text"][contains(@class, "bartext")]')
    ]
    assert sorted(bars) == ["0", "2", "4", "6"]
    # the selector lists every scope: all, two counties, five agencies
    assert len(doc.xpath('//select[@id="scope"]//option')) == 1 + 2 + 5
    # the tables are there too
    salian = agency_id(warehouse, "米易县撒莲镇人民政府")
    assert coverage_cell(doc, salian, 2023) == ("missing", "缺")
    assert doc.xpath('//table[@class="failed"]//a[@class="source"][contains(@href, "#page=3")]')

"""Parser behaviour on inputs the seeds do not cover: broken tables, non-reports, cuts, encodings."""

from __future__ import annotations

from pathlib import Path

from pipeline import template as tpl
from pipeline.parsing import parse_file
from pipeline.samples.render_text import render_text
from tests.conftest import RAW


def _seed(stem: str) -> str:
    return next(RAW.glob(f"{stem}_*.txt")).read_text(encoding="utf-8")


def test_check_fails_on_a_deliberately_broken_table(tmp_path: Path) -> None:
    text = _seed("000").replace(
        "一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0", "一、本年新收政府信息公开申请数量 5 0 0 0 0 0 4"
    )
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    # the printed numbers are kept as printed ...
    assert rec["requests"]["new_received"]["natural_person"] == 5
    assert rec["requests"]["new_received"]["total"] == 4
    checks = {c["rule"]: c for c in rec["checks"]}
    # ... and every rule they break is reported with both numbers
    assert checks["requests.applicants.new_received"]["ok"] is False
    assert (checks["requests.applicants.new_received"]["expected"], checks["requests.applicants.new_received"]["actual"]) == (4, 5)
    assert checks["requests.balance.natural_person"]["ok"] is False
    assert checks["requests.balance.total"]["ok"] is False
    assert checks["requests.balance.commercial"]["ok"] is True
    assert checks["narrative.new_received"]["ok"] is False
    assert {i["where"] for i in rec["issues"] if i["code"] == "check_failed"} >= {
        "requests.applicants.new_received", "requests.balance.natural_person"}


def test_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text("米易县召开2024年度政府信息公开工作年度报告编制培训会\n会议要求各乡镇按时发布年度报告。\n", encoding="utf-8")
    rec = parse_file(path)
    assert rec["status"] == "not_a_report"
    assert rec["requests"] == {} and rec["template"] is None
    assert rec["issues"][0]["code"] == "not_a_report"


def test_truncated_text_is_incomplete_and_has_no_numbers_after_the_cut(tmp_path: Path) -> None:
    text = _seed("000")
    cut = text.index("（二）部分公开")
    path = tmp_path / "cut.txt"
    path.write_text(text[:cut], encoding="utf-8")
    rec = parse_file(path)
    assert rec["status"] == "incomplete"
    assert rec["requests"]["granted"] == dict.fromkeys(tpl.REQUEST_COLUMNS, 0)
    rows = tpl.rows("requests", "2021")
    for row in rows[rows.index("partially_granted"):]:
        assert rec["requests"][row] == dict.fromkeys(tpl.REQUEST_COLUMNS)
    assert all(v is None for g in rec["review_litigation"].values() for v in g.values())
    assert rec["published_on"] is None


def test_gbk_encoded_text(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(_seed("002").encode("gb18030"))
    rec = parse_file(path)
    assert rec["agency"] == "米易县草场镇人民政府"
    assert rec["status"] == "ok"


def test_unreadable_and_empty_files_become_records_not_exceptions(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    for path in (empty, junk):
        rec = parse_file(path)
        assert rec["status"] == "unreadable"
        assert str(path) in rec["issues"][0]["detail"]


def test_2019_format_keeps_its_own_columns(tmp_path: Path) -> None:
    rec = {
        "template": "2019", "year": 2020, "agency": "米易县丙谷镇人民政府", "published_on": "2021-01-20",
        "active_disclosure": {"total": 10, "by_category": {}},
        "article20": {
            item: {c: (-3 if c == "change" else 7) for c in tpl.columns("article20", "2019", item)}
            for item in tpl.rows("article20", "2019")
        },
        "requests": {r: dict.fromkeys(tpl.REQUEST_COLUMNS, 1) for r in tpl.rows("requests", "2019")},
        "review_litigation": {g: dict.fromkeys(tpl.REVIEW_RESULTS, 2) for g in tpl.REVIEW_GROUPS},
    }
    path = tmp_path / "r2019.txt"
    path.write_text(render_text(rec, "flat"), encoding="utf-8")
    got = parse_file(path)
    assert got["template"] == "2019"
    assert "other_processing" in got["requests"] and "other_other" not in got["requests"]
    assert got["article20"]["administrative_licensing"] == {"prior_year_items": 7, "change": -3, "decisions": 7}
    assert got["article20"]["centralized_procurement"] == {"projects": 7, "amount": 7}


def test_notice_with_the_blank_template_is_not_a_report(tmp_path: Path) -> None:
    blank = {
        "template": "2021", "year": 2024, "agency": None, "published_on": None,
        "active_disclosure": {"total": None, "by_category": {}},
        "article20": {i: dict.fromkeys(tpl.columns("article20", "2021", i)) for i in tpl.rows("article20", "2021")},
        "requests": {r: dict.fromkeys(tpl.REQUEST_COLUMNS) for r in tpl.rows("requests", "2021")},
        "review_litigation": {g: dict.fromkeys(tpl.REVIEW_RESULTS) for g in tpl.REVIEW_GROUPS},
    }
    body = render_text(blank, "tab").split("\n", 2)[2]
    text = "关于做好2024年度政府信息公开工作年度报告编制发布工作的通知\n各乡镇人民政府：\n请按附件格式编制。\n附件：\n" + body
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    assert rec["status"] == "not_a_report"
    assert "通知" in rec["issues"][-1]["detail"]


def test_news_item_quoting_figures_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text(
        "米易县发布2024年度政府信息公开工作年度报告\n"
        "近日，米易县人民政府发布2024年度政府信息公开工作年度报告。报告显示，全县主动公开政府信息5000余条，"
        "收到政府信息公开申请120件。\n（来源：米易县融媒体中心）\n", encoding="utf-8")
    rec = parse_file(path)
    assert rec["status"] == "not_a_report"
    assert rec["requests"] == {} and rec["year"] is None


def test_approximate_total_is_not_an_exact_total(tmp_path: Path) -> None:
    text = next(RAW.glob("000_*.txt")).read_text(encoding="utf-8").replace("主动公开信息 50条", "主动公开信息 50余条")
    path = tmp_path / "approx.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    assert rec["active_disclosure"]["total"] is None
    assert any(i["code"] == "approximate_total" for i in rec["issues"])
    assert rec["active_disclosure"]["by_category"] == {"工作动态": 37, "通知公告": 13}


def test_agency_never_invented(tmp_path: Path) -> None:
    text = next(RAW.glob("003_*.txt")).read_text(encoding="utf-8").replace("米易县新山傈僳族乡人民政府", "")
    path = tmp_path / "anon.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    assert rec["agency"] is None
    assert rec["region"] == {"province": None, "city": None, "county": None, "town": None}
    assert rec["published_on"] == "2025-01-13" and rec["year"] == 2024
    assert any(i["code"] == "agency_missing" for i in rec["issues"])


def test_old_section_four_heading_and_label_variants(tmp_path: Path) -> None:
    text = (next(RAW.glob("000_*.txt")).read_text(encoding="utf-8")
            .replace("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况")
            .replace("四、结转下年度继续办理 0 0 0 0 0 0 0", "四、结转下一年度继续办理 0 0 0 0 0 0 3")
            .replace("（七）总计 0 0 0 0 0 0 0", "七、总计 0 0 0 0 0 0 0"))
    path = tmp_path / "variants.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    assert rec["requests"]["carried_forward"]["total"] == 3
    assert rec["review_litigation"]["review"] == dict.fromkeys(tpl.REVIEW_RESULTS, 0)
    assert next(c for c in rec["checks"] if c["rule"] == "requests.applicants.carried_forward")["ok"] is False


def test_subtotal_column_is_read_and_dropped(tmp_path: Path) -> None:
    text = next(RAW.glob("000_*.txt")).read_text(encoding="utf-8")
    text = text.replace("其\n\n他\n\n一、", "其\n\n他\n\n小计\n\n一、")
    text = text.replace("一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0", "一、本年新收政府信息公开申请数量 4 1 0 2 0 0 3 7")
    text = text.replace(" 0 0 0 0 0 0 0", " 0 0 0 0 0 0 0 0")
    path = tmp_path / "subtotal.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    assert rec["requests"]["new_received"] == {"natural_person": 4, "commercial": 1, "research": 0, "social_welfare": 2,
                                               "legal_service": 0, "other_org": 0, "total": 7}
    assert rec["requests"]["granted"] == dict.fromkeys(tpl.REQUEST_COLUMNS, 0)


def test_run_together_row_recovered_from_its_sum(tmp_path: Path) -> None:
    seed = next(RAW.glob("000_*.txt")).read_text(encoding="utf-8")
    # the split must satisfy every sum: a table whose columns disagree leaves it null
    broken = seed.replace("一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0", "一、本年新收政府信息公开申请数量801000081")
    path = tmp_path / "broken.txt"
    path.write_text(broken, encoding="utf-8")
    rec = parse_file(path)
    assert rec["requests"]["new_received"] == dict.fromkeys(tpl.REQUEST_COLUMNS)
    assert any(i["code"] == "ambiguous_split" and i["where"] == "requests.new_received" for i in rec["issues"])
    text = broken.replace("（一）予以公开 0 0 0 0 0 0 0", "（一）予以公开 80 1 0 0 0 0 81").replace(
        "（七）总计 0 0 0 0 0 0 0", "（七）总计 80 1 0 0 0 0 81")
    path = tmp_path / "run.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    assert rec["requests"]["new_received"] == {"natural_person": 80, "commercial": 1, "research": 0,
                                               "social_welfare": 0, "legal_service": 0, "other_org": 0, "total": 81}
    assert any(i["code"] == "recovered_from_sums" for i in rec["issues"])
    # every cell says how it was placed: the run-together row by sums, the spaced rows delimited
    methods = rec["cell_methods"]
    assert {methods[f"requests.new_received.{c}"]["method"] for c in tpl.REQUEST_COLUMNS} == {"solved"}
    assert methods["requests.granted.total"]["method"] == "delimited"
    assert methods["review_litigation.review.total"]["method"] in {"delimited", "solved"}


def test_unreadable_grid_cell_is_null_in_its_own_column() -> None:
    """An OCR '>' for a '1' must not shift the row's other values left."""
    from pipeline.document import TableGrid
    from pipeline.parsing.tables import grid_rows, requests_from_grid

    rows = [[None, "（六）其他处理", None, "0", ">", "51", "20", "0", "0", "72"]]
    found = requests_from_grid(grid_rows([TableGrid(1, rows)]), "2019")
    assert [c if c is None else c.value for c in found["other_processing"].cells] == [0, None, 51, 20, 0, 0, 72]


def test_cell_methods_cover_every_printed_cell_and_only_those(tmp_path: Path) -> None:
    """``cell_methods`` has an entry for each cell holding a value, none for a null one."""
    text = _seed("000").replace("一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0", "一、本年新收政府信息公开申请数量 3 0 - 0 0 0 3")
    path = tmp_path / "dash.txt"
    path.write_text(text, encoding="utf-8")
    rec = parse_file(path)
    assert rec["requests"]["new_received"]["research"] is None
    printed = {f"{t}.{r}.{c}" for t in ("article20", "requests", "review_litigation")
               for r, cols in rec[t].items() for c, v in cols.items() if v is not None}
    recorded = {k for k, v in rec["cell_methods"].items() if v["method"] != "derived"}
    assert recorded == printed
    assert all(v["method"] in {"grid", "delimited", "solved", "template_order", "ocr", "derived"}
               for v in rec["cell_methods"].values())


def test_cell_methods_say_grid_for_a_table_read_by_its_cells(tmp_path: Path) -> None:
    """A web page's table is read by cell geometry: every printed cell says ``grid`` and its page."""
    import random

    from pipeline.samples.generate import random_record
    from pipeline.samples.layouts import LAYOUTS

    rec = parse_file(LAYOUTS["html:utf-8"].render(random_record(random.Random(3)), tmp_path, 3))
    methods = rec["cell_methods"]
    printed = [f"requests.{r}.{c}" for r, cols in rec["requests"].items() for c, v in cols.items() if v is not None]
    assert printed and {methods[k]["method"] for k in printed} == {"grid"}
    assert all(methods[k]["page"] == 1 for k in printed)


def test_compact_drops_exactly_what_the_regex_whitespace_class_matches() -> None:
    """``compact`` splits on ``str.isspace`` characters; the parser's patterns (``loose``'s ``\\s*``)
    skip the regex's ``\\s``: over every code point they are the same set."""
    import re

    from pipeline.parsing.normalize import compact

    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    assert compact(every) == re.sub(r"\s+", "", every)
    assert compact(" 规章\u3000 0\t0\n0\u00a0") == "规章000"


def test_request_table_is_read_when_its_section_heading_is_missing(tmp_path: Path) -> None:
    """Section 三's heading lost (an OCR'd page dropped it; a report left it out): section 二 runs
    on over the request table, which starts at its own header or first row. Before, the table was
    looked for in section 四's heading and every request cell read from text was lost (36 of 36
    reports here), and a 2021 report printing the 2019 row lost that row even from a grid."""
    import random

    from pipeline.samples.generate import random_record

    for k, layout in enumerate(("flat", "tab", "markdown", "html2text", "glued")):
        rec = random_record(random.Random(k), template="2021", other_rows_of="2019" if k % 2 else None)
        lines = render_text(rec, layout, k).split("\n")
        kept = [line for line in lines if "收到和处理政府信息公开申请情况" not in line]
        assert len(kept) == len(lines) - 1
        path = tmp_path / f"{layout}.txt"
        path.write_text("\n".join(kept), encoding="utf-8")
        got = parse_file(path)
        assert got["requests"] == rec["requests"], layout
        assert got["article20"] == rec["article20"], layout
